//! Progress of a run: a bar on a terminal (stderr), nothing extra otherwise, so a CI log gets
//! exactly one plain line per result. Result lines are printed above the bar, never through it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether a stream gets ANSI colour: only a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (no-color.org).
pub(crate) fn colour_for(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total` cases when stderr is a terminal (coloured only if `colour`).
    pub(crate) fn new(total: usize, stderr_is_terminal: bool, colour: bool) -> Self {
        if !stderr_is_terminal {
            return Self { bar: None };
        }
        let template = if colour {
            "{spinner:.cyan} {elapsed:>4} [{bar:30.cyan/blue}] {pos}/{len} {wide_msg}"
        } else {
            "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} {wide_msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(total).unwrap_or(u64::MAX)),
            ProgressDrawTarget::stderr(),
        )
        .with_style(style);
        // The 5-second cases would otherwise freeze the clock for seconds.
        bar.enable_steady_tick(Duration::from_millis(200));
        Self { bar: Some(bar) }
    }

    /// Prints a result (through `print`) and counts it.
    pub(crate) fn finished(&self, label: String, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => {
                bar.suspend(print);
                bar.inc(1);
                bar.set_message(label);
            }
            None => print(),
        }
    }

    /// Removes the bar, leaving the result lines.
    pub(crate) fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
