//! Where the external programs behind the built-in clients are.

use std::path::{Path, PathBuf};

/// The name of the aws-sdk-rust client's binary (built with `--features aws-sdk-client`).
pub const AWS_SDK_CLIENT_BINARY: &str = "fedlab-aws-sdk-client";

/// The programs the built-in clients run: the aws CLI, a Python with boto3, and fedlab's
/// aws-sdk-rust client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    /// The aws CLI for `aws-cli` (default `aws`, found on `PATH`).
    pub aws_cli: PathBuf,
    /// The Python with boto3 for `boto3` (default `python3`).
    pub python: PathBuf,
    /// fedlab's aws-sdk-rust client for `aws-sdk-rust`; `None` when it was not built.
    pub aws_sdk_client: Option<PathBuf>,
}

impl Default for Tools {
    /// `aws` and `python3` on `PATH`, and no aws-sdk-rust client.
    fn default() -> Self {
        Self {
            aws_cli: PathBuf::from("aws"),
            python: PathBuf::from("python3"),
            aws_sdk_client: None,
        }
    }
}

impl Tools {
    /// `FEDLAB_AWS_CLI` (default `aws`), `FEDLAB_PYTHON` (default `python3`), and
    /// `FEDLAB_AWS_SDK_CLIENT`, or else a `fedlab-aws-sdk-client` next to the running executable
    /// (or one directory up, where cargo puts binaries for its test executables).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let defaults = Self::default();
        Self {
            aws_cli: var("FEDLAB_AWS_CLI").map_or(defaults.aws_cli, PathBuf::from),
            python: var("FEDLAB_PYTHON").map_or(defaults.python, PathBuf::from),
            aws_sdk_client: var("FEDLAB_AWS_SDK_CLIENT")
                .map(PathBuf::from)
                .or_else(sdk_client_beside_executable),
        }
    }
}

fn sdk_client_beside_executable() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .map(|d: &Path| d.join(AWS_SDK_CLIENT_BINARY))
        .find(|candidate| candidate.is_file())
}
