//! `isms pack verify FILE.zip`: re-checks an audit pack against its own manifest, so whoever
//! receives one can tell that nothing was changed, removed or added since it was built.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use super::{Global, Status};
use crate::render::pack;

/// Arguments of `isms pack`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PackCommand,
}

#[derive(Debug, Subcommand)]
enum PackCommand {
    /// Check every file of an audit pack against MANIFEST.json (SHA-256 and size), and that
    /// nothing is missing or extra. Exit 0 when intact, 1 when not.
    #[command(
        after_help = "Examples:\n  isms pack verify audit-pack.zip\n  isms pack verify audit-pack.zip --format json"
    )]
    Verify {
        /// The audit pack, as written by `isms render --audit-pack`.
        #[arg(value_name = "FILE.zip")]
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

/// Output format of `isms pack verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// For people.
    Text,
    /// One JSON object.
    Json,
}

/// The largest pack `isms pack verify` reads.
const MAX_PACK_BYTES: u64 = 4 << 30;

/// Runs `isms pack`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    match args.command {
        PackCommand::Verify { file, format } => {
            let bytes = crate::fsutil::read_regular(&file, MAX_PACK_BYTES)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let v = pack::verify(&bytes);
            let mut out = std::io::stdout().lock();
            let written = match format {
                OutputFormat::Json => serde_json::to_string_pretty(&serde_json::json!({
                    "file": file.display().to_string(),
                    "sha256": pack::sha256_hex(&bytes),
                    "intact": v.intact(),
                    "verification": v,
                }))
                .map_err(std::io::Error::other)
                .and_then(|s| writeln!(out, "{s}")),
                OutputFormat::Text => writeln!(out, "{}", report(&file, &bytes, &v)),
            };
            super::check::ignore_broken_pipe(written)?;
            Ok(if v.intact() {
                Status::Success
            } else {
                Status::Failure
            })
        }
    }
}

fn report(file: &std::path::Path, bytes: &[u8], v: &pack::Verification) -> String {
    let mut s = format!("{}: SHA-256 {}\n", file.display(), pack::sha256_hex(bytes));
    if !v.organisation.is_empty() || !v.as_of.is_empty() {
        s.push_str(&format!(
            "audit pack of {} as of {}, commit {}\n",
            v.organisation,
            v.as_of,
            v.source_commit.as_deref().unwrap_or("(not in Git)")
        ));
    }
    if v.draft {
        s.push_str("the pack is marked DRAFT:\n");
        for r in &v.draft_reasons {
            s.push_str(&format!("  - {r}\n"));
        }
    }
    if v.intact() {
        s.push_str(&format!(
            "intact: all {} files match the manifest, nothing missing or extra",
            v.listed
        ));
    } else {
        s.push_str(&format!(
            "NOT INTACT: {} of {} listed files match; {} problem{}:\n",
            v.matched,
            v.listed,
            v.problems.len(),
            if v.problems.len() == 1 { "" } else { "s" }
        ));
        for p in &v.problems {
            s.push_str(&format!("  - {p}\n"));
        }
        s.push_str("the pack is not the one that was built: ask its sender for a fresh copy");
    }
    s
}
