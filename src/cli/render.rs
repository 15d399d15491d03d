//! `isms render`.

use super::{Global, Status};

/// Arguments of `isms render`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms render`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms render` is not implemented yet")
}
