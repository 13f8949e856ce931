//! The job's commands run the way GitLab Runner's bash shell runs them: `before_script` and
//! `script` in one `bash` with `set -eo pipefail` (the first failing command ends the job with
//! its exit code), each command echoed as `$ command` first, then `after_script` in a shell of
//! its own whose exit code does not count. The environment is exactly the job's variables: the
//! caller's own (AWS keys, proxies, a GitLab job's `CI_*`) never reach it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables of the caller's environment a shell needs to behave as usual (locale, terminal,
/// time zone); nothing that could carry credentials or a route off the machine.
const PASSED_THROUGH: &[&str] = &["LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ"];

/// The bash script for `commands`, as a runner writes it.
pub(super) fn script(commands: &[String]) -> String {
    let mut text = String::from("set -eo pipefail\nset +o noclobber\n");
    for command in commands {
        let shown = format!("$ {}", command.trim_end());
        let _ = writeln!(text, "printf '%s\\n' {}", quote(&shown));
        let _ = writeln!(text, "{command}");
    }
    text
}

/// Runs `script` under `bash -e` in `dir` with exactly `vars`; returns the exit code (a signal
/// counts as the shell reports it, 128 + its number).
pub(super) fn run(script: &str, vars: &[(String, String)], dir: &Path) -> std::io::Result<i32> {
    let mut command = Command::new("bash");
    command
        .arg("-e")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::null());
    for name in PASSED_THROUGH {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command.envs(vars.iter().map(|(k, v)| (k, v)));
    let status = command.status()?;
    Ok(status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt as _;
        128 + status.signal().unwrap_or(0)
    }))
}

/// `value` as one shell word: as it is when that is safe, else in single quotes.
pub(crate) fn quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Writes `bin/aws`, which runs the real aws CLI with the job's config plus
/// `cli_follow_urlparam = false` in every profile, and returns `bin`.
///
/// Why: aws CLI v1 fetches a parameter value that looks like a URL (`--url https://…`) unless
/// the profile turns `cli_follow_urlparam` off, and it fetches it with no proxy at all, so
/// fedlab's proxy cannot stop it. The jobs the documents show write their own `~/.aws/config`,
/// which would drop the setting; the wrapper copies whichever config the CLI would read
/// (`$AWS_CONFIG_FILE`, else `~/.aws/config`), adds the setting to `[default]` and every
/// `[profile …]` (replacing the job's own), and points `AWS_CONFIG_FILE` at the copy for that one
/// command. The job's file is left as it wrote it.
///
/// And a region: on AWS the global endpoints of STS and S3 need none, but the CLI cannot sign
/// for the endpoint variables without one ("You must specify a region"). When neither
/// `AWS_REGION`, `AWS_DEFAULT_REGION` nor a `region =` line of the config names one, the wrapper
/// sets `AWS_DEFAULT_REGION` to `region` (the federation's, `us-east-1`: where the global
/// endpoints sign) for that one command.
pub(super) fn write_aws_wrapper(
    dir: &Path,
    real_aws: &Path,
    region: &str,
) -> std::io::Result<PathBuf> {
    let bin = dir.join("fedlab-bin");
    std::fs::create_dir_all(&bin)?;
    let guarded = dir.join("aws-config-guarded");
    let wrapper = format!(
        r#"#!/bin/sh
# Written by `fedlab job`: the aws CLI with cli_follow_urlparam = false in every profile.
config="${{AWS_CONFIG_FILE:-$HOME/.aws/config}}"
guarded={guarded}.$$
if [ -f "$config" ]; then
  awk '
    /^[ \t]*\[[ \t]*default[ \t]*\][ \t]*$/ {{ print; print "cli_follow_urlparam = false"; d = 1; next }}
    /^[ \t]*\[[ \t]*profile[ \t][^]]*\][ \t]*$/ {{ print; print "cli_follow_urlparam = false"; next }}
    /^[ \t]*cli_follow_urlparam[ \t]*=/ {{ next }}
    {{ print }}
    END {{ if (!d) {{ print "[default]"; print "cli_follow_urlparam = false" }} }}
  ' "$config" > "$guarded"
else
  printf '[default]\ncli_follow_urlparam = false\n' > "$guarded"
fi
if [ -z "${{AWS_REGION}}${{AWS_DEFAULT_REGION}}" ] && ! grep -qE '^[[:space:]]*region[[:space:]]*=' "$guarded"; then
  AWS_DEFAULT_REGION={region}
  export AWS_DEFAULT_REGION
fi
AWS_CONFIG_FILE="$guarded" {real} "$@"
status=$?
rm -f "$guarded"
exit $status
"#,
        guarded = quote(&guarded.display().to_string()),
        real = quote(&real_aws.display().to_string()),
        region = quote(region),
    );
    let path = bin.join("aws");
    std::fs::write(&path, wrapper)?;
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_the_shell_would_split_or_expand_them() {
        assert_eq!(quote("https://x:1/a"), "https://x:1/a");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's $HOME"), r"'it'\''s $HOME'");
    }

    #[test]
    fn each_command_is_echoed_then_run_under_errexit_and_pipefail() {
        let text = script(&["echo 'hi'".to_owned()]);
        assert_eq!(
            text,
            "set -eo pipefail\nset +o noclobber\nprintf '%s\\n' '$ echo '\\''hi'\\'''\necho 'hi'\n"
        );
    }

    #[test]
    fn the_wrapper_turns_url_following_off_in_every_profile_of_the_job_s_config() {
        let dir = tempfile::tempdir().unwrap();
        // A stand-in for the aws CLI that prints the config it was given.
        let fake = dir.path().join("fake-aws");
        std::fs::write(&fake, "#!/bin/sh\ncat \"$AWS_CONFIG_FILE\"\n").unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = write_aws_wrapper(dir.path(), &fake, "us-east-1").unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            "[profile oidc]\nrole_arn=x\ncli_follow_urlparam = true\n",
        )
        .unwrap();
        let output = Command::new(bin.join("aws"))
            .env("HOME", &home)
            .env_remove("AWS_CONFIG_FILE")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "[profile oidc]\ncli_follow_urlparam = false\nrole_arn=x\n[default]\ncli_follow_urlparam = false\n"
        );
        assert_eq!(
            std::fs::read_to_string(home.join(".aws/config")).unwrap(),
            "[profile oidc]\nrole_arn=x\ncli_follow_urlparam = true\n",
            "the job's own file is left alone"
        );
    }
}
