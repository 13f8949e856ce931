//! `fedlab`: replay GitLab CI → AWS OIDC federation scenarios against real clients, offline.

// mimalloc, not glibc's malloc: under load the allocator was a fifth of the request path's
// profile, most of it contention on malloc's arena locks (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    fedlab::cli::main()
}
