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
    /// Record one piece of evidence of a control: a review, a test, a report, a ticket.
    #[command(after_help = "Examples:\n  \
                            isms evidence add 5.18 --url https://tickets.example.com/SEC-311 --description \"Q4 access review\" --collected 2026-11-28\n  \
                            isms evidence add 8.13 --path evidence/2026-11-restore-test.md --description \"Restore test of the production database\"")]
    Add(AddArgs),
}

/// `isms evidence add`.
#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The Annex A control the evidence is for (`5.18`), as listed in soa.yaml.
    control: String,
    /// The ISMS folder (the one with isms.yaml).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// A file or folder in the repository that holds the evidence (its SHA-256 is recorded
    /// for a file).
    #[arg(long, value_name = "FILE")]
    path: Option<String>,
    /// Where the evidence is kept outside the repository (ticket, report, dashboard).
    #[arg(long, value_name = "URL", value_parser = parse_pointer)]
    url: Option<String>,
    /// What the evidence shows (the review, test or report it is).
    #[arg(long)]
    description: String,
    /// The day the evidence was produced or collected (default today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    collected: Option<Date>,
    /// The day it stops being valid (a certificate, a test report with a validity).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    expires: Option<Date>,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Commit exactly the changed file to Git.
    #[arg(long, conflicts_with = "dry_run")]
    commit: bool,
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
        Command::Add(a) => add(a),
    }
}

/// Appends one evidence entry to the control in soa.yaml, after checking that it points at
/// something real and that the control is one the SoA makes applicable.
fn add(a: AddArgs) -> anyhow::Result<Status> {
    use anyhow::bail;
    let model = super::new::load(&a.dir)?;
    let collected = super::record_date(a.collected, &model)?;
    let today = super::record_date(None, &model)?;
    let control = crate::catalogue::normalize_id(&a.control);
    let Some(soa) = &model.soa else {
        bail!(
            "there is no soa.yaml: evidence is recorded against the controls of the Statement of Applicability"
        );
    };
    let Some(entry) = model.soa_entry(&control) else {
        let ids: Vec<&str> = soa.controls.iter().map(|c| c.id.value.as_str()).collect();
        let near = super::new::closest(&model, ids, &control, "");
        bail!("soa.yaml has no control `{}`{near}", a.control);
    };
    if !entry.is_applicable() {
        bail!(
            "control {control} is excluded in the SoA (`applicable: false`): evidence that an excluded control operates contradicts the exclusion; nothing was written"
        );
    }
    if a.description.trim().is_empty() {
        bail!("--description is empty: say what the evidence shows");
    }
    if a.path.is_none() && a.url.is_none() {
        bail!("give where the evidence is: --path (a file in the repository) or --url");
    }
    if collected > today {
        bail!(
            "--collected {collected} is after {today}: evidence is recorded once it exists; nothing was written"
        );
    }
    if let Some(x) = a.expires
        && x <= collected
    {
        bail!("--expires {x} is not after --collected {collected}; nothing was written");
    }
    let mut item: Vec<(String, crate::edit::Value)> = Vec::new();
    let mut sha = None;
    if let Some(p) = &a.path {
        let rel = p.trim().trim_start_matches("./").replace('\\', "/");
        let full = crate::fsutil::confined_join(&a.dir, std::path::Path::new(&rel))
            .map_err(|e| anyhow::anyhow!("--path {p}: {e}"))?;
        let meta = full.symlink_metadata().map_err(|_| {
            anyhow::anyhow!(
                "--path {p}: there is no such file in {}; put the evidence there first",
                a.dir.display()
            )
        })?;
        if meta.is_file() {
            let bytes = crate::fsutil::read_regular(&full, MAX_EXPORT_BYTES)
                .map_err(|e| anyhow::anyhow!("cannot read {p}: {e}"))?;
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(&bytes);
            sha = Some(
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>(),
            );
        } else if !meta.is_dir() {
            bail!("--path {p} is neither a file nor a folder");
        }
        item.push(("path".to_string(), crate::edit::Value::str(&rel)));
    }
    if let Some(u) = &a.url {
        item.push(("url".to_string(), crate::edit::Value::str(u)));
    }
    item.push((
        "description".to_string(),
        crate::edit::Value::str(a.description.trim()),
    ));
    item.push(("collected".to_string(), crate::edit::Value::Date(collected)));
    if let Some(x) = a.expires {
        item.push(("expires".to_string(), crate::edit::Value::Date(x)));
    }
    if let Some(h) = sha {
        item.push(("sha256".to_string(), crate::edit::Value::str(h)));
    }
    let same = entry.evidence.iter().any(|e| {
        e.collected.as_ref().is_some_and(|c| c.value.0 == collected)
            && e.path.as_ref().map(|x| x.value.as_str()) == a.path.as_deref().map(str::trim)
            && e.url.as_ref().map(|x| x.value.as_str()) == a.url.as_deref()
    });
    if same {
        bail!(
            "control {control} already records this evidence collected on {collected}; nothing was written"
        );
    }
    let file = model.sources.path(entry.span.file).to_string();
    let file = if file.is_empty() {
        "soa.yaml".to_string()
    } else {
        file
    };
    let mut changes = crate::edit::ChangeSet::new();
    let e = changes.open(&a.dir, &file)?;
    let placed = e.append(
        &[
            crate::edit::Step::key("controls"),
            crate::edit::Step::id(&entry.id.value),
            crate::edit::Step::key("evidence"),
        ],
        &crate::edit::Value::Map(item),
    )?;
    super::new::typed::<crate::model::StatementOfApplicability>(e)?;
    let common = super::decide::Common {
        dir: a.dir.clone(),
        on: Some(collected),
        dry_run: a.dry_run,
        commit: a.commit,
    };
    if !a.dry_run {
        println!("recorded evidence of {control} in {file}:{}", placed.line);
    }
    super::decide::conclude(
        &common,
        &model,
        super::decide::Decision {
            changes,
            subject: format!("evidence of {control}: {}", a.description.trim()),
            by: String::new(),
        },
    )
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
