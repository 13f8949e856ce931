//! What a CI job's script sees: the `AWS_*` variables, a token file and a config file, ready for
//! any client — the aws CLI, boto3, an SDK, a script.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::assume::DEFAULT_SESSION_NAME;
use crate::error::Error;
use crate::federation::Federation;
use crate::files::write_atomically;
use crate::token::Token;

/// Clients that honour the endpoint variables reach mock-sts directly, never through the proxy.
const LOOPBACK: &str = "127.0.0.1,localhost";

/// The environment of one job that assumes a role through web identity, the way GitLab's
/// tutorial sets it up: `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, endpoints pointing at
/// mock-sts, and nothing of the caller's own AWS setup.
///
/// Its files live in the federation's temporary directory and disappear with it.
#[derive(Debug, Clone)]
pub struct JobEnvironment {
    dir: PathBuf,
    token_file: PathBuf,
    config_file: PathBuf,
    vars: Vec<(String, String)>,
}

impl JobEnvironment {
    /// The variables, in a stable order: `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`,
    /// `AWS_ROLE_SESSION_NAME`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`,
    /// `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3` (mock-sts's S3 listener), `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_EC2_METADATA_DISABLED`, `AWS_PAGER`, then fedlab's
    /// proxy for clients that ignore the endpoint variables: `AWS_CA_BUNDLE` and
    /// `SSL_CERT_FILE` (the proxy's CA), `HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY`,
    /// `http_proxy`, and `NO_PROXY`, `no_proxy` (`127.0.0.1,localhost`: mock-sts directly).
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    /// One variable's value.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The file `AWS_WEB_IDENTITY_TOKEN_FILE` names.
    pub fn token_file(&self) -> &Path {
        &self.token_file
    }

    /// The file `AWS_CONFIG_FILE` names: a region and `cli_follow_urlparam = false`, so aws CLI
    /// v1 never fetches a parameter that looks like a URL.
    pub fn config_file(&self) -> &Path {
        &self.config_file
    }

    /// The job's own directory; [`JobEnvironment::command`] makes it the client's `HOME`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sets `AWS_ROLE_SESSION_NAME` (default `fedlab`).
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.set("AWS_ROLE_SESSION_NAME", name.into());
        self
    }

    /// Leaves `AWS_ROLE_SESSION_NAME` unset, so the client picks its own session name.
    pub fn without_session_name(mut self) -> Self {
        self.vars.retain(|(k, _)| k != "AWS_ROLE_SESSION_NAME");
        self
    }

    fn set(&mut self, name: &str, value: String) {
        match self.vars.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.vars.push((name.to_owned(), value)),
        }
    }

    /// Replaces the token file's content atomically (a reader never sees half a token), e.g.
    /// with a fresh token, or with `"{token}\n"` as `echo "$TOKEN" > file` writes it.
    pub fn write_token(&self, text: &str) -> Result<(), Error> {
        write_atomically(&self.token_file, text)
    }

    /// A command for `program` with this environment: every `AWS_*` variable of this process
    /// removed (static keys would win over web identity), the job's variables set, `HOME` set to
    /// the job's directory (the aws CLI caches web-identity credentials there, keyed by role and
    /// session name, not by token), `ALL_PROXY` removed, and stdin closed.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        self.apply_to(&mut command);
        command
    }

    /// Gives an existing command this environment, as [`JobEnvironment::command`] describes.
    pub fn apply_to(&self, command: &mut Command) {
        for (name, _) in std::env::vars_os() {
            let name_text = name.to_string_lossy();
            // ALL_PROXY could send a client to a proxy of this machine's user, off the machine.
            if name_text.starts_with("AWS_") || name_text.eq_ignore_ascii_case("ALL_PROXY") {
                command.env_remove(name);
            }
        }
        command
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .env("HOME", &self.dir)
            .stdin(Stdio::null());
    }
}

impl Federation {
    /// Writes a job's token and config files and returns its environment, for a job that
    /// assumes `role_arn` with `token`.
    pub fn job(&self, role_arn: &str, token: &Token) -> Result<JobEnvironment, Error> {
        let dir = self.new_job_dir()?;
        let token_file = dir.join("web-identity-token");
        write_atomically(&token_file, token.as_str())?;
        let config_file = dir.join("aws-config");
        let config = format!(
            "[default]\nregion = {}\ncli_follow_urlparam = false\n",
            self.region()
        );
        write_atomically(&config_file, &config)?;
        let path = |p: &Path| p.display().to_string();
        let mut vars: Vec<(String, String)> = [
            ("AWS_ROLE_ARN", role_arn.to_owned()),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", path(&token_file)),
            ("AWS_ROLE_SESSION_NAME", DEFAULT_SESSION_NAME.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        vars.extend(self.endpoint_vars());
        let local = [
            ("AWS_REGION", self.region().to_owned()),
            ("AWS_DEFAULT_REGION", self.region().to_owned()),
            ("AWS_CONFIG_FILE", path(&config_file)),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                path(&dir.join("no-credentials")),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
            ("AWS_PAGER", String::new()),
        ];
        vars.extend(local.into_iter().map(|(k, v)| (k.to_owned(), v)));
        vars.extend(self.proxy_vars()?);

        Ok(JobEnvironment {
            dir,
            token_file,
            config_file,
            vars,
        })
    }
}

impl Federation {
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM` and `AWS_ENDPOINT_URL`: mock-sts;
    /// `AWS_ENDPOINT_URL_S3`: its S3 listener.
    pub(crate) fn endpoint_vars(&self) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = [
            "AWS_ENDPOINT_URL_STS",
            "AWS_ENDPOINT_URL_IAM",
            "AWS_ENDPOINT_URL",
        ]
        .into_iter()
        .map(|name| (name.to_owned(), self.sts_endpoint().to_owned()))
        .collect();
        vars.push((
            "AWS_ENDPOINT_URL_S3".to_owned(),
            self.s3_endpoint().to_owned(),
        ));
        vars
    }

    /// fedlab's proxy for clients that ignore the endpoint variables: `AWS_CA_BUNDLE` and
    /// `SSL_CERT_FILE` (the proxy's CA), `HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY`,
    /// `http_proxy`, `NO_PROXY` and `no_proxy` (loopback: mock-sts directly).
    pub(crate) fn proxy_vars(&self) -> Result<Vec<(String, String)>, Error> {
        let proxy_ca = self.proxy_ca_file()?.display().to_string();
        let proxy = self.proxy_url().to_owned();
        Ok([
            ("AWS_CA_BUNDLE", proxy_ca.clone()),
            ("SSL_CERT_FILE", proxy_ca),
            ("HTTPS_PROXY", proxy.clone()),
            ("https_proxy", proxy.clone()),
            ("HTTP_PROXY", proxy.clone()),
            ("http_proxy", proxy),
            ("NO_PROXY", LOOPBACK.to_owned()),
            ("no_proxy", LOOPBACK.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect())
    }
}
