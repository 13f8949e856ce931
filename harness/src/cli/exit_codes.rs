//! Process exit codes, nextest-style: a scenario failure is not a setup failure. When both
//! happen in one run, `SETUP_FAILED` wins: a broken environment makes every other verdict
//! suspect. Skipped cases do not fail a run.

/// Every scenario passed (or was skipped by its own data).
pub const OK: i32 = 0;
/// `fedlab repro` found no documented case that gives the pasted error.
pub const NOT_FOUND: i32 = 1;
/// At least one scenario failed: a client or mock-sts did not answer as documented.
pub const SCENARIO_FAILED: i32 = 100;
/// A scenario or the environment could not be set up, or nothing was selected to run.
pub const SETUP_FAILED: i32 = 101;

// `fedlab explain` and `fedlab lint` answer a question about one policy, so they use the usual
// 0/1/2 of a checker (like `grep` or `diff`): yes, no, or the question itself was wrong.

/// `fedlab explain`: the trust policy denies the request.
pub const DENIED: i32 = 1;
/// `fedlab lint`: at least one finding of severity error.
pub const LINT_ERRORS: i32 = 1;
/// `fedlab bench`: at least one answer failed its check (or never came).
pub const BENCH_ERRORS: i32 = 1;
/// `fedlab explain` / `fedlab lint`: bad arguments or unreadable input (a file, a token, claims).
pub const USAGE: i32 = 2;
