//! Buckets and objects, in memory, with the size caps enforced when an object is stored.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use time::OffsetDateTime;

use crate::errors::{ChecksumName, S3Error};

#[derive(Debug, Clone)]
pub(crate) struct Object {
    pub(crate) data: Bytes,
    /// `"<hex md5>"`, quotes included, as S3 sends it.
    pub(crate) etag: String,
    pub(crate) last_modified: OffsetDateTime,
    pub(crate) content_type: Option<String>,
    /// `x-amz-meta-*` headers, lower-case names without the prefix.
    pub(crate) metadata: Vec<(String, String)>,
    /// The checksum the client sent (and S3 verified), returned when asked for.
    pub(crate) checksum: Option<(ChecksumName, String)>,
}

#[derive(Debug)]
pub(crate) struct Bucket {
    pub(crate) region: String,
    pub(crate) created: OffsetDateTime,
    pub(crate) objects: BTreeMap<String, Object>,
}

#[derive(Debug, Default)]
pub(crate) struct Buckets {
    pub(crate) by_name: BTreeMap<String, Bucket>,
    /// Bytes held by all objects.
    pub(crate) total: u64,
}

/// The store; callers lock it for one operation at a time.
#[derive(Debug, Default)]
pub(crate) struct Store {
    inner: Mutex<Buckets>,
}

impl Store {
    // Every change is one insert or remove plus the total, so a poisoned lock is still consistent.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Buckets> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Removes every bucket and object.
    pub(crate) fn clear(&self) {
        *self.lock() = Buckets::default();
    }
}

impl Buckets {
    pub(crate) fn bucket(&self, name: &str) -> Result<&Bucket, S3Error> {
        self.by_name.get(name).ok_or_else(|| S3Error::NoSuchBucket {
            bucket: name.to_owned(),
        })
    }

    /// Stores `object` under `key`, replacing any object there, unless all objects together would
    /// pass `max_total` (then `EntityTooLarge` with the room left as the maximum).
    pub(crate) fn put(
        &mut self,
        bucket: &str,
        key: &str,
        object: Object,
        max_total: u64,
    ) -> Result<(), S3Error> {
        let size = object.data.len() as u64;
        let replaced = self
            .bucket(bucket)?
            .objects
            .get(key)
            .map_or(0, |o| o.data.len() as u64);
        let others = self.total.saturating_sub(replaced);
        if others.saturating_add(size) > max_total {
            return Err(S3Error::EntityTooLarge {
                proposed: size,
                max: max_total.saturating_sub(others),
            });
        }
        let Some(target) = self.by_name.get_mut(bucket) else {
            return Err(S3Error::NoSuchBucket {
                bucket: bucket.to_owned(),
            });
        };
        target.objects.insert(key.to_owned(), object);
        self.total = others + size;
        Ok(())
    }

    /// Removes the object if it is there (S3 answers 204 either way).
    pub(crate) fn delete(&mut self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let Some(target) = self.by_name.get_mut(bucket) else {
            return Err(S3Error::NoSuchBucket {
                bucket: bucket.to_owned(),
            });
        };
        if let Some(removed) = target.objects.remove(key) {
            self.total = self.total.saturating_sub(removed.data.len() as u64);
        }
        Ok(())
    }
}
