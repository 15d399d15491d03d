//! `isms rules` and `isms explain`.

use super::{Global, Status};

/// Arguments of `isms rules`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Arguments of `isms explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {}

/// Runs `isms rules`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms rules` is not implemented yet")
}

/// Runs `isms explain`.
pub fn explain(_args: ExplainArgs, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms explain` is not implemented yet")
}
