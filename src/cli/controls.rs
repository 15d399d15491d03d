//! `isms controls`.

use super::{Global, Status};

/// Arguments of `isms controls`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms controls`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms controls` is not implemented yet")
}
