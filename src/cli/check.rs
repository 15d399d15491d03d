//! `isms check`.

use super::{Global, Status};

/// Arguments of `isms check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms check`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms check` is not implemented yet")
}
