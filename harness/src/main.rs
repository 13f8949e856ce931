//! `fedlab`: replay GitLab CI → AWS OIDC federation scenarios against real clients, offline.

fn main() -> std::process::ExitCode {
    fedlab::cli::main()
}
