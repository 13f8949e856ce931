//! fedlab: replays the documented GitLab CI → AWS OIDC federation cases against real clients,
//! with mock-gitlab and mock-sts running in-process.

pub mod aws_query;
pub mod clients;
pub mod environment;
pub mod judge;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod up;

/// Process exit codes, nextest-style: a scenario failure is not a setup failure.
pub mod exit_codes {
    pub const OK: i32 = 0;
    pub const SCENARIO_FAILED: i32 = 100;
    pub const SETUP_FAILED: i32 = 101;
}
