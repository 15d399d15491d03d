//! `isms log`.

use super::{Global, Status};

/// Arguments of `isms log`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `isms log`.
pub fn run(_args: Args, _global: &Global) -> anyhow::Result<Status> {
    anyhow::bail!("`isms log` is not implemented yet")
}
