//! The project, pipeline and job a `fedlab job` run stands for: the one place both the tokens'
//! claims and the predefined variables come from, so `CI_PROJECT_PATH` and the token's
//! `project_path` (and every other pair) cannot disagree.
//!
//! The variables are GitLab's predefined CI/CD variables
//! (<https://docs.gitlab.com/ci/variables/predefined_variables/>) that a job on a GitLab runner
//! sees and that follow from these facts; the defaults are mock-gitlab's default claims.

use std::path::Path;

use mock_gitlab::{Audience, GitlabVersion, MintRequest, RefType, TokenKind};

/// Who runs the job: project, ref, pipeline, job and user. Every field is a claim of the job's
/// tokens and a predefined variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `project_path` / `CI_PROJECT_PATH`, default `mygroup/myproject`.
    pub project_path: String,
    /// `project_id` / `CI_PROJECT_ID`, default `42`.
    pub project_id: String,
    /// `namespace_id` / `CI_PROJECT_NAMESPACE_ID`, default `7`.
    pub namespace_id: String,
    /// `ref` / `CI_COMMIT_REF_NAME`, default `main`.
    pub git_ref: String,
    /// `ref_type`: a branch sets `CI_COMMIT_BRANCH`, a tag `CI_COMMIT_TAG`.
    pub ref_type: RefType,
    /// `ref_protected` / `CI_COMMIT_REF_PROTECTED`, default `false`.
    pub ref_protected: bool,
    /// `pipeline_id` / `CI_PIPELINE_ID`, default `1001`.
    pub pipeline_id: String,
    /// `pipeline_source` / `CI_PIPELINE_SOURCE`, default `push`.
    pub pipeline_source: String,
    /// `job_id` / `CI_JOB_ID`, default `2002`.
    pub job_id: String,
    /// `sha` / `CI_COMMIT_SHA`.
    pub sha: String,
    /// `user_id` / `GITLAB_USER_ID`, default `1`.
    pub user_id: String,
    /// `user_login` / `GITLAB_USER_LOGIN`, default `fedlab`.
    pub user_login: String,
    /// `user_email` / `GITLAB_USER_EMAIL`.
    pub user_email: String,
    /// `runner_id` / `CI_RUNNER_ID`, default `1`.
    pub runner_id: i64,
    /// `project_visibility` / `CI_PROJECT_VISIBILITY`, default `private`.
    pub project_visibility: String,
}

impl Default for Pipeline {
    /// mock-gitlab's default claims: a push to `main` of `mygroup/myproject`.
    fn default() -> Self {
        Self {
            project_path: "mygroup/myproject".to_owned(),
            project_id: "42".to_owned(),
            namespace_id: "7".to_owned(),
            git_ref: "main".to_owned(),
            ref_type: RefType::Branch,
            ref_protected: false,
            pipeline_id: "1001".to_owned(),
            pipeline_source: "push".to_owned(),
            job_id: "2002".to_owned(),
            sha: "714a629c0b401fdce83e847fc9589983fc6f46bc".to_owned(),
            user_id: "1".to_owned(),
            user_login: "fedlab".to_owned(),
            user_email: "fedlab@example.com".to_owned(),
            runner_id: 1,
            project_visibility: "private".to_owned(),
        }
    }
}

/// What the predefined variables need beyond the [`Pipeline`]: the instance and the job.
#[derive(Debug, Clone, Copy)]
pub(super) struct JobContext<'a> {
    /// The instance URL, `https://localhost:PORT`: the tokens' `iss`.
    pub(super) server_url: &'a str,
    pub(super) gitlab_version: GitlabVersion,
    pub(super) job_name: &'a str,
    pub(super) stage: &'a str,
    /// Where the runner clones projects (`CI_BUILDS_DIR`).
    pub(super) builds_dir: &'a Path,
    /// The job's working directory (`CI_PROJECT_DIR`), `builds_dir/project_path`.
    pub(super) project_dir: &'a Path,
}

impl Pipeline {
    /// `namespace_path` / `CI_PROJECT_NAMESPACE`: the project path without its last segment.
    pub fn namespace_path(&self) -> &str {
        self.project_path
            .rsplit_once('/')
            .map_or("", |(namespace, _)| namespace)
    }

    /// The mint request for one of this job's tokens: every fact set explicitly, so a change of
    /// mock-gitlab's defaults cannot separate the claims from the variables.
    pub fn mint_request(&self, kind: TokenKind, aud: Option<Audience>) -> MintRequest {
        MintRequest {
            kind,
            aud,
            project_path: Some(self.project_path.clone()),
            project_id: Some(self.project_id.clone()),
            namespace_id: Some(self.namespace_id.clone()),
            namespace_path: Some(self.namespace_path().to_owned()),
            git_ref: Some(self.git_ref.clone()),
            ref_type: Some(self.ref_type),
            ref_protected: Some(self.ref_protected),
            pipeline_source: Some(self.pipeline_source.clone()),
            user_login: Some(self.user_login.clone()),
            user_email: Some(self.user_email.clone()),
            user_id: Some(self.user_id.clone()),
            job_id: Some(self.job_id.clone()),
            pipeline_id: Some(self.pipeline_id.clone()),
            sha: Some(self.sha.clone()),
            runner_id: Some(self.runner_id),
            project_visibility: Some(self.project_visibility.clone()),
            ..MintRequest::default()
        }
    }

    /// The predefined variables, in the order of GitLab's reference page's groups: CI and
    /// server, project, pipeline and commit, job, user.
    pub(super) fn predefined_variables(&self, job: &JobContext<'_>) -> Vec<(String, String)> {
        let server = job.server_url;
        let (scheme, authority) = server.split_once("://").unwrap_or(("https", server));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.to_owned()),
            None => (
                authority,
                if scheme == "http" { "80" } else { "443" }.to_owned(),
            ),
        };
        let project_url = format!("{server}/{}", self.project_path);
        let version = job.gitlab_version;
        let name = self.project_path.rsplit('/').next().unwrap_or_default();
        let root_namespace = self.project_path.split('/').next().unwrap_or_default();
        let mut vars: Vec<(&str, String)> = vec![
            ("CI", "true".to_owned()),
            ("GITLAB_CI", "true".to_owned()),
            ("CI_SERVER", "yes".to_owned()),
            ("CI_SERVER_NAME", "GitLab".to_owned()),
            ("CI_SERVER_URL", server.to_owned()),
            ("CI_SERVER_FQDN", authority.to_owned()),
            ("CI_SERVER_HOST", host.to_owned()),
            ("CI_SERVER_PORT", port),
            ("CI_SERVER_PROTOCOL", scheme.to_owned()),
            ("CI_SERVER_VERSION", format!("{version}.0")),
            ("CI_SERVER_VERSION_MAJOR", version.major().to_string()),
            ("CI_SERVER_VERSION_MINOR", version.minor().to_string()),
            ("CI_SERVER_VERSION_PATCH", "0".to_owned()),
            ("CI_API_V4_URL", format!("{server}/api/v4")),
            ("CI_PROJECT_ID", self.project_id.clone()),
            ("CI_PROJECT_NAME", name.to_owned()),
            ("CI_PROJECT_TITLE", name.to_owned()),
            ("CI_PROJECT_PATH", self.project_path.clone()),
            ("CI_PROJECT_PATH_SLUG", slug(&self.project_path)),
            ("CI_PROJECT_NAMESPACE", self.namespace_path().to_owned()),
            ("CI_PROJECT_NAMESPACE_ID", self.namespace_id.clone()),
            ("CI_PROJECT_ROOT_NAMESPACE", root_namespace.to_owned()),
            ("CI_PROJECT_URL", project_url.clone()),
            ("CI_PROJECT_VISIBILITY", self.project_visibility.clone()),
            ("CI_PROJECT_DIR", job.project_dir.display().to_string()),
            ("CI_BUILDS_DIR", job.builds_dir.display().to_string()),
            ("CI_DEFAULT_BRANCH", "main".to_owned()),
            ("CI_CONFIG_PATH", ".gitlab-ci.yml".to_owned()),
            ("CI_PIPELINE_ID", self.pipeline_id.clone()),
            ("CI_PIPELINE_IID", "1".to_owned()),
            ("CI_PIPELINE_SOURCE", self.pipeline_source.clone()),
            (
                "CI_PIPELINE_URL",
                format!("{project_url}/-/pipelines/{}", self.pipeline_id),
            ),
            ("CI_COMMIT_SHA", self.sha.clone()),
            ("CI_COMMIT_SHORT_SHA", self.sha.chars().take(8).collect()),
            ("CI_COMMIT_REF_NAME", self.git_ref.clone()),
            ("CI_COMMIT_REF_SLUG", slug(&self.git_ref)),
            ("CI_COMMIT_REF_PROTECTED", self.ref_protected.to_string()),
        ];
        match self.ref_type {
            RefType::Branch => vars.push(("CI_COMMIT_BRANCH", self.git_ref.clone())),
            RefType::Tag => vars.push(("CI_COMMIT_TAG", self.git_ref.clone())),
        }
        vars.extend([
            ("CI_JOB_ID", self.job_id.clone()),
            ("CI_JOB_NAME", job.job_name.to_owned()),
            ("CI_JOB_NAME_SLUG", slug(job.job_name)),
            ("CI_JOB_STAGE", job.stage.to_owned()),
            (
                "CI_JOB_URL",
                format!("{project_url}/-/jobs/{}", self.job_id),
            ),
            ("CI_NODE_TOTAL", "1".to_owned()),
            ("CI_RUNNER_ID", self.runner_id.to_string()),
            ("GITLAB_USER_ID", self.user_id.clone()),
            ("GITLAB_USER_LOGIN", self.user_login.clone()),
            ("GITLAB_USER_EMAIL", self.user_email.clone()),
        ]);
        vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

/// GitLab's slug: lowercased, every character but `a-z` and `0-9` replaced by `-`, at most 63
/// bytes, no `-` at either end.
fn slug(text: &str) -> String {
    let replaced: String = text
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let short: String = replaced.chars().take(63).collect();
    short.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_and_trimmed() {
        assert_eq!(slug("Feature/ABC_1"), "feature-abc-1");
        assert_eq!(slug("/x/"), "x");
        assert_eq!(slug(&"a".repeat(70)).len(), 63);
    }

    #[test]
    fn a_tag_pipeline_sets_ci_commit_tag_and_no_branch() {
        let pipeline = Pipeline {
            git_ref: "v1.0".to_owned(),
            ref_type: RefType::Tag,
            ..Pipeline::default()
        };
        let context = JobContext {
            server_url: "https://gitlab.example.com",
            gitlab_version: GitlabVersion::new(17, 0),
            job_name: "deploy",
            stage: "test",
            builds_dir: Path::new("/builds"),
            project_dir: Path::new("/builds/x"),
        };
        let vars = pipeline.predefined_variables(&context);
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("CI_COMMIT_TAG"), Some("v1.0"));
        assert_eq!(get("CI_COMMIT_BRANCH"), None);
        assert_eq!(get("CI_SERVER_PORT"), Some("443"));
        assert_eq!(get("CI_SERVER_HOST"), Some("gitlab.example.com"));
        assert_eq!(get("CI_SERVER_VERSION"), Some("17.0.0"));
    }
}
