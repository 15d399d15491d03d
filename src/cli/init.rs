//! `isms init`.

use super::{Global, Status};

/// Arguments of `isms init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms init`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms init` is not implemented yet")
}
