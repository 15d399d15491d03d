//! `isms evidence import prowler|powerpipe|github FILE [DIR]`: record scanner and platform
//! exports as evidence of the Annex A controls they cover (see docs/evidence-import.md).
//!
//! Nothing is fetched: the user or CI runs the scanner (or `gh api`) and saves its output;
//! this command parses it, stores it under `evidence/` (or records a pointer with `--pointer`)
//! and adds one evidence entry per control to `soa.yaml`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::check::parse_date;
use super::{Global, Status};
use crate::evidence::import::plan::{self, Options, PlannedChange};
use crate::evidence::import::powerpipe::TagMap;
use crate::evidence::import::{ImportError, ScanSummary, github, powerpipe, prowler};

/// Largest export read, so that a wrong file cannot exhaust memory.
const MAX_EXPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Arguments of `isms evidence`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Import a scanner or platform export as evidence of the controls it covers.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    /// Prowler's ISO 27001:2022 compliance CSV, or its JSON-OCSF findings.
    #[command(after_help = "Examples:\n  \
                            isms evidence import prowler output/compliance/scan_iso27001_2022_aws.csv\n  \
                            isms evidence import prowler findings.ocsf.json . --dry-run\n  \
                            isms evidence import prowler scan.csv --pointer https://archive.example.com/scan.csv")]
    Prowler(Common),
    /// A Powerpipe benchmark run exported as JSON, with tags mapped to controls.
    #[command(after_help = "Example:\n  \
                            isms evidence import powerpipe benchmark.json --map encryption=8.24 --map service:AWS/Backup=8.13")]
    Powerpipe(PowerpipeArgs),
    /// Saved `gh api` output: branch protection, or a pull request's reviews.
    #[command(after_help = "Examples:\n  \
                            isms evidence import github protection.json\n  \
                            isms evidence import github reviews.json . --collected 2026-12-07")]
    Github(Common),
}

/// Options every import takes.
#[derive(Debug, clap::Args)]
struct Common {
    /// The export to import.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The ISMS folder (the one with isms.yaml).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Do not store the file: record only where it is archived (a URL) with its SHA-256.
    #[arg(long, value_name = "URL", value_parser = parse_pointer)]
    pointer: Option<String>,
    /// The collection day, when the export does not carry one (default: the day in the file,
    /// else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    collected: Option<Date>,
    /// Show what would change (a diff of soa.yaml) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace a stored export of the same name whose content differs.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct PowerpipeArgs {
    #[command(flatten)]
    common: Common,
    /// Map a benchmark tag to an Annex A control: `TAG=CONTROL`, where TAG is a tag key or
    /// `key:value`. Repeat for more controls.
    #[arg(long = "map", value_name = "TAG=CONTROL", value_parser = TagMap::parse, required = true)]
    maps: Vec<TagMap>,
}

/// An archive location for `--pointer`: an `https://` or `http://` URL with a host, the only
/// evidence URLs the SoA accepts.
fn parse_pointer(s: &str) -> Result<String, String> {
    let t = s.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !t.contains(char::is_whitespace) => {
            Ok(t.to_string())
        }
        _ => Err(format!(
            "`{s}` is not an https:// (or http://) URL with a host; give where the export is archived, such as https://archive.example.com/scans/prowler-2026-12-07.csv"
        )),
    }
}

/// Runs `isms evidence`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    match args.command {
        Command::Import(i) => match i.source {
            Source::Prowler(c) => import(&c, prowler::parse),
            Source::Powerpipe(p) => import(&p.common, |name, bytes| {
                powerpipe::parse(name, bytes, &p.maps)
            }),
            Source::Github(c) => import(&c, github::parse),
        },
    }
}

fn import(
    c: &Common,
    parse: impl Fn(&str, &[u8]) -> Result<ScanSummary, ImportError>,
) -> anyhow::Result<Status> {
    let name = c.file.display().to_string();
    let bytes = crate::fsutil::read_regular(&c.file, MAX_EXPORT_BYTES)
        .map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
    let summary = parse(&name, &bytes).map_err(|e| anyhow::anyhow!("{e}\n  hint: {}", e.hint))?;
    if !c.dir.join("isms.yaml").is_file() {
        anyhow::bail!(
            "{} has no isms.yaml: give the ISMS folder as the second argument",
            c.dir.display()
        );
    }
    let loaded = crate::loader::load(&c.dir)?;
    let today = super::today()?;
    let options = Options {
        pointer: c.pointer.clone(),
        collected: c.collected,
        today: Some(today),
        force: c.force,
    };
    if c.collected.is_none() && summary.collected.is_none() {
        eprintln!(
            "note: {name} carries no date; recording it as collected today ({today}), or pass --collected"
        );
    }
    let plan = plan::plan(&c.dir, &loaded.model, &summary, &bytes, &options)?;
    report(&name, &summary, &plan, c.dry_run, &c.dir);
    if c.dry_run {
        print!("{}", plan.soa_diff());
        return Ok(Status::Success);
    }
    plan.apply(&c.dir)?;
    Ok(Status::Success)
}

fn report(name: &str, summary: &ScanSummary, plan: &plan::ImportPlan, dry_run: bool, dir: &Path) {
    let verb = if dry_run { "would import" } else { "imported" };
    println!(
        "{verb} {name} ({}, collected {}, expires {})",
        summary.kind, plan.collected, plan.expires
    );
    for change in &plan.changes {
        match change {
            PlannedChange::StoreFile { path, sha256 } => {
                println!("  store {} in {} (SHA-256 {sha256})", path, dir.display());
            }
            PlannedChange::AddEvidence { control, tally } => {
                println!(
                    "  {control:<6} {} passed, {} failed  (evidence added to {})",
                    tally.passed, tally.failed, plan.soa_path
                );
            }
            PlannedChange::Unchanged { control } => {
                println!("  {control:<6} already records this file, unchanged");
            }
            PlannedChange::ReplaceEvidence { control, tally } => {
                println!(
                    "  {control:<6} {} passed, {} failed  (evidence of the same file replaced)",
                    tally.passed, tally.failed
                );
            }
        }
    }
    if plan.store.is_none() && !plan.reference.is_empty() {
        println!("  evidence: {}", plan.reference);
    }
    let manual = summary.manual_only();
    if !manual.is_empty() {
        let ids: Vec<&str> = manual.iter().map(|s| s.as_str()).collect();
        eprintln!(
            "note: reported as manual by the scanner, not evidence: {}",
            ids.join(", ")
        );
    }
    for (id, why) in &plan.not_recorded {
        eprintln!("note: results for {id} were not recorded: {why}");
    }
    if summary.skipped > 0 {
        eprintln!(
            "note: {} muted or skipped result(s) were not counted",
            summary.skipped
        );
    }
}
