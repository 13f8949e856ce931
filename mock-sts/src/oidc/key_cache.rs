//! The issuers' keys as last fetched, for at most `capacity` issuers (per thumbprint list). A
//! token names its issuer, so without a cap a stream of tokens from ever new issuers registered
//! as providers would grow it for ever.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::verifying_key::VerifyingKey;
use crate::unknowns;

/// Cloned whole on each insert (which follows a network fetch), so that readers can share an
/// immutable snapshot without a lock.
#[derive(Debug, Clone)]
pub(super) struct KeyCache {
    entries: HashMap<String, CachedKeys>,
    capacity: usize,
}

/// The keys of one issuer, as last fetched.
#[derive(Debug, Clone)]
struct CachedKeys {
    fetched_at: Instant,
    keys: Arc<Vec<Arc<VerifyingKey>>>,
}

impl KeyCache {
    /// A cache for at least one issuer.
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// An empty cache with the same capacity.
    pub(super) fn emptied(&self) -> Self {
        Self::new(self.capacity)
    }

    /// The keys cached under `cache_key` and their age at `now`.
    pub(super) fn get(
        &self,
        cache_key: &str,
        now: Instant,
    ) -> Option<(Arc<Vec<Arc<VerifyingKey>>>, Duration)> {
        self.entries.get(cache_key).map(|entry| {
            (
                Arc::clone(&entry.keys),
                now.saturating_duration_since(entry.fetched_at),
            )
        })
    }

    /// Keeps `keys` fetched at `now`. When a new issuer finds the cache full, entries older than
    /// the cache's lifetime go first, then the one fetched longest ago. Inserts follow a network
    /// fetch, so a scan of the entries here costs nothing next to it.
    pub(super) fn insert(&mut self, cache_key: String, keys: Vec<Arc<VerifyingKey>>, now: Instant) {
        if !self.entries.contains_key(&cache_key) && self.entries.len() >= self.capacity {
            self.entries.retain(|_, entry| {
                now.saturating_duration_since(entry.fetched_at) < unknowns::KEY_CACHE_TTL
            });
            while self.entries.len() >= self.capacity {
                let oldest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.fetched_at)
                    .map(|(key, _)| key.clone());
                let Some(oldest) = oldest else {
                    break;
                };
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(
            cache_key,
            CachedKeys {
                fetched_at: now,
                keys: Arc::new(keys),
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_cache_stays_within_its_cap_over_many_issuers() {
        let mut cache = KeyCache::new(3);
        let start = Instant::now();
        for n in 0..1_000u64 {
            let at = start + Duration::from_millis(n);
            cache.insert(format!("https://issuer-{n}.example\n"), Vec::new(), at);
            assert!(cache.len() <= 3, "{} entries after {n}", cache.len());
        }
        let now = start + Duration::from_millis(1_000);
        assert!(cache.get("https://issuer-999.example\n", now).is_some());
        assert!(cache.get("https://issuer-997.example\n", now).is_some());
        assert!(cache.get("https://issuer-996.example\n", now).is_none());
    }

    #[test]
    fn refreshing_a_cached_issuer_evicts_nobody() {
        let mut cache = KeyCache::new(2);
        let start = Instant::now();
        cache.insert("a".to_owned(), Vec::new(), start);
        cache.insert("b".to_owned(), Vec::new(), start);
        cache.insert("a".to_owned(), Vec::new(), start + Duration::from_secs(1));
        let now = start + Duration::from_secs(2);
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.get("a", now).map(|(_, age)| age),
            Some(Duration::from_secs(1))
        );
        assert!(cache.get("b", now).is_some());
    }

    #[test]
    fn every_stale_entry_goes_when_a_new_issuer_finds_the_cache_full() {
        let mut cache = KeyCache::new(3);
        let start = Instant::now();
        cache.insert("stale-1".to_owned(), Vec::new(), start);
        cache.insert(
            "stale-2".to_owned(),
            Vec::new(),
            start + Duration::from_secs(1),
        );
        cache.insert(
            "fresh".to_owned(),
            Vec::new(),
            start + unknowns::KEY_CACHE_TTL,
        );
        let later = start + unknowns::KEY_CACHE_TTL + Duration::from_secs(2);
        cache.insert("new".to_owned(), Vec::new(), later);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("fresh", later).is_some());
        assert!(cache.get("new", later).is_some());
    }
}
