//! `isms lsp`: the language server, for editors (see docs/editors.md).

use super::{Global, Status};

/// Arguments of `isms lsp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Talk over standard input and output (the default, and the only transport).
    #[arg(long)]
    pub stdio: bool,
}

/// Runs `isms lsp` until the editor ends the session.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    crate::lsp::run_stdio()?;
    Ok(Status::Success)
}
