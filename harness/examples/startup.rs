//! How long `Federation::start` takes, call to both mocks answering: the first start in the
//! process (cold: the keys are generated) and ROUNDS later ones (warm: the process-wide keys are
//! reused). `docs/performance.md` records what it printed.
//!
//!     cargo run --release -p fedlab --example startup [ROUNDS]

use std::time::{Duration, Instant};

fn main() -> Result<(), fedlab::Error> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let timed = || -> Result<Duration, fedlab::Error> {
        let started = Instant::now();
        let fed = fedlab::blocking::Federation::start()?;
        let elapsed = started.elapsed();
        drop(fed);
        Ok(elapsed)
    };
    let cold = timed()?;
    let mut warm = (0..rounds)
        .map(|_| timed())
        .collect::<Result<Vec<_>, _>>()?;
    warm.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("Federation::start cold: {:.1} ms", ms(cold));
    if let (Some(min), Some(median), Some(max)) =
        (warm.first(), warm.get(warm.len() / 2), warm.last())
    {
        println!(
            "Federation::start warm: min {:.1} ms, median {:.1} ms, max {:.1} ms ({rounds} runs)",
            ms(*min),
            ms(*median),
            ms(*max)
        );
    }
    Ok(())
}
