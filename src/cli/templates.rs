//! `isms templates`.

use super::{Global, Status};

/// Arguments of `isms templates`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms templates`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms templates` is not implemented yet")
}
