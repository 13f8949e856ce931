//! What a federation's mocks are, fixed once they run, whichever backend.

use std::net::SocketAddr;

use mock_gitlab::GitlabVersion;

/// What a federation's mocks are, fixed once they run.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// The issuer URL, tokens' `iss`.
    pub(crate) issuer: String,
    /// mock-gitlab's root CA (PEM).
    pub(crate) ca_pem: String,
    /// The SHA-1 of the top intermediate mock-gitlab serves.
    pub(crate) thumbprint: String,
    pub(crate) gitlab_version: GitlabVersion,
    /// mock-gitlab's mint route, reached without SNI.
    pub(crate) mint_url: String,
    pub(crate) sts_endpoint: String,
    pub(crate) s3_endpoint: String,
    /// Where fedlab's proxy forwards STS/IAM and S3 host names.
    pub(crate) sts_addr: SocketAddr,
    pub(crate) s3_addr: SocketAddr,
}

impl Facts {
    pub(crate) fn in_process(
        gitlab: &mock_gitlab::RunningGitlab,
        sts: &mock_sts::RunningSts,
    ) -> Self {
        let mint = &gitlab.ready().mint_url;
        let path = mint
            .strip_prefix(gitlab.issuer())
            .unwrap_or("/-/mock/id_tokens");
        Self {
            issuer: gitlab.issuer().to_owned(),
            ca_pem: gitlab.ca_pem().to_owned(),
            thumbprint: gitlab.thumbprint().to_owned(),
            gitlab_version: gitlab.gitlab_version(),
            mint_url: format!("{}{path}", gitlab.admin_url()),
            sts_endpoint: sts.endpoint().to_owned(),
            s3_endpoint: sts.s3_endpoint().to_owned(),
            sts_addr: sts.addr,
            s3_addr: sts.s3_addr,
        }
    }
}
