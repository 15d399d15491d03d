//! `isms render`: audit-ready documents from the records, in HTML, Markdown, CSV and xlsx, one
//! at a time (`-o FILE`), as a folder (`--out DIR`, default `DIR/build/`) or as a verifiable
//! audit pack (`--audit-pack FILE.zip`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use clap::ValueEnum;
use jiff::civil::Date;

use super::check::parse_date;
use super::{Global, Status};
use crate::diagnostic::Severity;
use crate::evidence::{BuildOptions, HistoryIndex, revision_history, working_tree_changes};
use crate::fsutil::{Overwrite, WriteError, write_atomic};
use crate::model::Isms;
use crate::render::pack::{self, PackMeta, sha256_hex};
use crate::render::{self, DocSpec, Engine, Format, RenderOptions, SourceState};

/// Output format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Self-contained HTML, printable on A4 (default).
    Html,
    /// Markdown.
    Md,
    /// CSV (SoA and registers).
    Csv,
    /// Excel workbook (SoA and registers).
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Md => Format::Md,
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

/// Arguments of `isms render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Documents to render (see --list); every document when none is given. A folder name
    /// (`policies`, `audits`, `reviews`) selects every document in it. A first value that is
    /// an ISMS folder (it contains isms.yaml) is taken as the repository, like -C.
    #[arg(value_name = "DOC")]
    pub docs: Vec<String>,
    /// The ISMS repository.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Output format [default: html; with -o, taken from the file extension].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Output folder [default: DIR/build]. Must be outside the records (or under DIR/build).
    #[arg(long, value_name = "OUT_DIR", conflicts_with = "output")]
    pub out: Option<PathBuf>,
    /// Write one document to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Render as of this day (generation date, overdue flags) instead of today, so the same
    /// commit and date always give the same bytes.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<Date>,
    /// Write every document and register in every format, with a manifest of SHA-256 hashes,
    /// into one zip for the auditor.
    #[arg(long, value_name = "FILE.zip", conflicts_with_all = ["output", "out", "format"])]
    pub audit_pack: Option<PathBuf>,
    /// Overwrite existing files (files this command wrote before and nobody changed since are
    /// replaced without it).
    #[arg(long)]
    pub force: bool,
    /// Mark every document DRAFT, and render even when some records fail to load.
    #[arg(long)]
    pub draft: bool,
    /// List the documents this repository has and exit.
    #[arg(long, conflicts_with_all = ["output", "out", "audit_pack"])]
    pub list: bool,
    /// Largest record file read, in MiB (default: `limits.max_file_size_mib` of isms.yaml,
    /// else 8).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
    /// Add the coverage document of another framework (`nis2`, `csf` or one defined in
    /// frameworks/*.csv) to the set; with no DOC named, render only it. Repeatable.
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
}

/// Name of the file in the output folder that remembers what `isms render` wrote, so a later
/// run may replace its own untouched output without `--force`.
const MARKER: &str = ".isms-render.json";

/// Runs `isms render`.
pub fn run(mut args: Args, global: &Global) -> anyhow::Result<Status> {
    process_start();
    // `isms render examples/acme-saas` reads like `isms check DIR`: a first positional that is
    // an ISMS folder (it holds isms.yaml) is the repository, not a document name.
    if args.dir == Path::new(".")
        && let Some(first) = args.docs.first()
        && Path::new(first).join("isms.yaml").is_file()
    {
        args.dir = PathBuf::from(args.docs.remove(0));
    }
    let dir = &args.dir;
    let started = std::time::Instant::now();
    let mut loaded = crate::loader::load_with(dir, super::check::load_options(args.max_file_size))
        .with_context(|| format!("cannot render {}", dir.display()))?;
    global.loaded(&loaded, started);
    super::check::select_frameworks(&mut loaded.model, &args.frameworks)?;
    if args.docs.is_empty() && !args.frameworks.is_empty() && args.audit_pack.is_none() {
        for n in &args.frameworks {
            if let Some(fw) = crate::frameworks::find(&loaded.model, n) {
                args.docs
                    .push(format!("frameworks/{}", crate::render::file_stem(&fw.id)));
            }
        }
    }
    let isms = &loaded.model;
    let all = render::documents(isms);
    if args.list {
        list(&all)?;
        return Ok(Status::Success);
    }
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 && !args.draft {
        eprintln!(
            "error: {errors} problem(s) found while loading the records; documents would be \
             incomplete. Run `isms check {}` to see them, or pass --draft to render anyway as DRAFT.",
            dir.display()
        );
        return Ok(Status::Failure);
    }
    let engine = Engine::load(dir)?;
    let selected = render::select(&all, &args.docs)?;
    // Only the files of the documents being rendered have their revisions looked up.
    let history: BTreeSet<String> = selected
        .iter()
        .flat_map(|d| render::history_files(isms, d))
        .collect();
    let mut state = source_state(dir, isms, &history);
    let as_of = super::evaluation_date(args.as_of, isms, global)?;
    // `isms check` on the same records and date: each document shows the errors in its own
    // records, and the audit pack carries the whole result. The pack runs the Git evidence
    // rules too, as a plain `isms check` does.
    let outcome = if args.audit_pack.is_some() && state.commit.is_some() {
        crate::checks::check_repository(dir, &loaded, &[], as_of)
    } else {
        crate::checks::check_loaded(&loaded, &[], as_of)
    };
    state.findings = SourceState::findings_from(&outcome);
    let opts = RenderOptions {
        as_of,
        force_draft: args.draft,
        tool: format!("isms {}", env!("CARGO_PKG_VERSION")),
        linked_formats: if args.audit_pack.is_some() {
            Format::ALL.to_vec()
        } else {
            vec![args.format.unwrap_or(FormatArg::Html).into()]
        },
    };

    if let Some(zip) = &args.audit_pack {
        return audit_pack(
            &args, zip, &engine, &loaded, &outcome, &state, &opts, &selected, &all,
        );
    }
    if let Some(file) = &args.output {
        return single(&args, file, &engine, isms, &state, &opts, &selected, &all);
    }

    let format: Format = args.format.unwrap_or(FormatArg::Html).into();
    // A document named explicitly must exist in the format; with no names, documents that do
    // not come in the format (a policy as CSV) are skipped.
    if !args.docs.is_empty() {
        for d in &selected {
            if !d.has_format(format) && args.docs.iter().any(|n| n == &d.name) {
                return Err(render::RenderError::format_unavailable(d, format).into());
            }
        }
    }
    let files = render::render_many(&engine, isms, &state, &opts, &selected, &all, &[format])?;
    if files.is_empty() {
        anyhow::bail!("none of the selected documents comes in {format}");
    }
    let out = args.out.clone().unwrap_or_else(|| dir.join("build"));
    check_outside_records(dir, &out)?;
    write_folder(&out, &files, args.force)?;
    Ok(Status::Success)
}

fn list(all: &[DocSpec]) -> anyhow::Result<()> {
    let width = all.iter().map(|d| d.name.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for d in all {
        let formats: Vec<&str> = d.formats().iter().map(|f| f.extension()).collect();
        let line = format!("{:<width$}  {:<18}  {}", d.name, formats.join(","), d.title);
        let written = writeln!(out, "{}", line.trim_end());
        super::check::ignore_broken_pipe(written)?;
    }
    Ok(())
}

/// `-o FILE`: one document in one format.
#[allow(clippy::too_many_arguments)]
fn single(
    args: &Args,
    file: &Path,
    engine: &Engine,
    isms: &Isms,
    state: &SourceState,
    opts: &RenderOptions,
    selected: &[&DocSpec],
    all: &[DocSpec],
) -> anyhow::Result<Status> {
    let [spec] = selected else {
        anyhow::bail!(
            "-o writes one document; name exactly one (e.g. `isms render soa -o soa.html`), not {}",
            selected.len()
        );
    };
    let format = match args.format {
        Some(f) => f.into(),
        None => {
            let ext = file
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "html" | "htm" => Format::Html,
                "md" | "markdown" => Format::Md,
                "csv" => Format::Csv,
                "xlsx" => Format::Xlsx,
                _ => anyhow::bail!(
                    "cannot tell the format from {}; add --format html|md|csv|xlsx",
                    file.display()
                ),
            }
        }
    };
    let bytes = render::render(engine, isms, state, opts, spec, all, format)?;
    let (parent, name) = split_file(file)?;
    check_outside_records(&args.dir, &parent)?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let written =
        write_atomic(&parent, Path::new(&name), &bytes, overwrite).map_err(anyhow::Error::from)?;
    println!("wrote {}", written.display());
    Ok(Status::Success)
}

/// `--audit-pack FILE.zip`: every selected document in every format it comes in.
#[allow(clippy::too_many_arguments)]
fn audit_pack(
    args: &Args,
    zip: &Path,
    engine: &Engine,
    loaded: &crate::loader::Loaded,
    outcome: &crate::checks::Outcome,
    state: &SourceState,
    opts: &RenderOptions,
    selected: &[&DocSpec],
    all: &[DocSpec],
) -> anyhow::Result<Status> {
    let isms = &loaded.model;
    let files = render::render_many(engine, isms, state, opts, selected, all, &Format::ALL)?;
    // The same test as each document's: uncommitted records, not any untracked file.
    let draft = opts.force_draft || state.commit.is_none() || state.records_uncommitted(isms);
    let evidence = read_evidence(&args.dir, isms);
    let meta = PackMeta {
        organisation: isms.organisation_name().unwrap_or("").to_string(),
        as_of: opts.as_of,
        source_commit: state.commit.clone(),
        draft,
        tool: opts.tool.clone(),
        check: Some(check_result(loaded, outcome)?),
        evidence,
    };
    let reasons = pack::draft_reasons(&meta);
    let changed: Vec<&str> = meta
        .evidence
        .iter()
        .filter(|e| e.state == pack::EvidenceState::Mismatch)
        .filter_map(|e| e.path.as_deref())
        .collect();
    let bytes = pack::build(&files, &meta)?;
    let (parent, name) = split_file(zip)?;
    check_outside_records(&args.dir, &parent)?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let written =
        write_atomic(&parent, Path::new(&name), &bytes, overwrite).map_err(anyhow::Error::from)?;
    let entries = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..]))
        .map(|z| z.len())
        .unwrap_or_default();
    println!(
        "wrote {} ({entries} files, SHA-256 {})",
        written.display(),
        sha256_hex(&bytes)
    );
    if !reasons.is_empty() {
        eprintln!("warning: the audit pack is a DRAFT: {}", reasons.join("; "));
    }
    if !changed.is_empty() {
        // The pack is written (it reports the mismatch itself), but it cannot serve as
        // evidence: fail like `isms check` does on SOA-15.
        eprintln!(
            "error: evidence changed since it was collected (SHA-256 mismatch): {}",
            changed.join(", ")
        );
        return Ok(Status::Failure);
    }
    Ok(Status::Success)
}

/// The largest evidence file put into an audit pack.
const MAX_EVIDENCE_BYTES: u64 = 512 << 20;

/// The evidence the SoA cites, with the content of each file found in the repository. Only
/// files the loader found under the records folder are read (never a path that leaves it).
fn read_evidence(dir: &Path, isms: &Isms) -> Vec<pack::CitedEvidence> {
    pack::cited_evidence(isms)
        .into_iter()
        .map(|e| {
            let Some(path) = e.path.clone() else {
                return e;
            };
            if !isms.files.contains_key(&path) {
                return e;
            }
            let read = crate::fsutil::confined_join(dir, Path::new(&path))
                .map_err(|err| err.to_string())
                .and_then(|full| {
                    crate::fsutil::read_regular(&full, MAX_EVIDENCE_BYTES)
                        .map_err(|err| err.to_string())
                });
            match read {
                Ok(bytes) => e.with_content(bytes),
                Err(err) => {
                    eprintln!(
                        "warning: evidence file {path} cannot be read for the audit pack: {err}"
                    );
                    e
                }
            }
        })
        .collect()
}

/// The `isms check` result of the same records and date, as text and JSON for the pack.
fn check_result(
    loaded: &crate::loader::Loaded,
    outcome: &crate::checks::Outcome,
) -> anyhow::Result<pack::CheckResult> {
    use crate::report::{self, Format as ReportFormat, Options, Report};
    let options = Options {
        color: false,
        fold: false,
        path_prefix: String::new(),
    };
    let report = Report {
        outcome,
        sources: &loaded.model.sources,
        options: &options,
    };
    let mut text = Vec::new();
    report::emit(ReportFormat::Human, &report, &mut text).context("writing the check result")?;
    let mut json = Vec::new();
    report::emit(ReportFormat::Json, &report, &mut json).context("writing the check result")?;
    let summary = outcome.summary();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in &outcome.findings {
        if f.waiver.is_none() && f.diagnostic.severity == Severity::Error {
            *by_rule.entry(f.diagnostic.code.clone()).or_default() += 1;
        }
    }
    let mut errors_by_rule: Vec<(String, usize)> = by_rule.into_iter().collect();
    errors_by_rule.sort_by(|a, b| crate::render::natural_cmp(&a.0, &b.0));
    Ok(pack::CheckResult {
        errors: summary.errors,
        warnings: summary.warnings,
        infos: summary.infos,
        waived: summary.waived,
        failed: outcome.failed(),
        text: String::from_utf8_lossy(&text).into_owned(),
        json,
        errors_by_rule,
    })
}

/// Splits a file path into its folder (`.` when none) and file name.
fn split_file(file: &Path) -> anyhow::Result<(PathBuf, String)> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} is not a file name", file.display()))?
        .to_string();
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Resolves `p` as far as it exists (symbolic links included) and appends the rest, so a
/// folder that does not exist yet can still be compared with the records folder.
fn resolve(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut existing = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return normalise(&out);
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(n), Some(parent)) => {
                rest.push(n);
                existing = parent.to_path_buf();
            }
            _ => return normalise(&abs),
        }
    }
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Refuses an output location inside the records: rendered files there would be read back as
/// records or overwrite them. Inside the repository only `build/` is allowed.
fn check_outside_records(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let root = resolve(dir);
    let target = resolve(out);
    if let Ok(rel) = target.strip_prefix(&root) {
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if first.as_deref() != Some("build") {
            anyhow::bail!(
                "refusing to write into {}: it is inside the ISMS records at {}; use {}/build (the default) or a folder outside it",
                out.display(),
                dir.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

/// Writes the files into `out`, each atomically. A file that exists is replaced only with
/// `--force` or when this command wrote it last time and it has not been changed since.
///
/// A render can be killed at any moment and must leave a folder the next render accepts
/// without `--force`. So before any file is replaced, the ownership record
/// (`.isms-render.json`) is rewritten to own both the content on disk and the content about
/// to be written; every file is renamed into place whole, so after a kill each one holds one
/// of the two. Once all are written, the record keeps only the new content. Temporary files
/// left by a killed run are removed first.
fn write_folder(out: &Path, files: &[pack::PackFile], force: bool) -> anyhow::Result<()> {
    if let Ok(meta) = out.metadata()
        && !meta.is_dir()
    {
        anyhow::bail!(
            "--out {} is {}, not a folder: give a folder to write the documents into, or -o FILE to write one document",
            out.display(),
            crate::fsutil::file_kind(&meta.file_type())
        );
    }
    let stale = crate::fsutil::remove_stale_temp_files(out, process_start(), 8);
    if !stale.is_empty() {
        eprintln!(
            "note: removed {} temporary file(s) left in {} by an interrupted run",
            stale.len(),
            out.display()
        );
    }
    let previous = read_marker(out);
    let mut refused = Vec::new();
    // The hash of each target that exists now and may be replaced.
    let mut on_disk: BTreeMap<&str, String> = BTreeMap::new();
    for f in files {
        let target = out.join(&f.path);
        if target.exists() {
            // Never block on (or slurp) something that is not a file; write_atomic refuses it.
            let hash = crate::fsutil::read_regular(&target, 1 << 30)
                .ok()
                .map(|b| sha256_hex(&b));
            let ours = hash
                .as_ref()
                .is_some_and(|h| previous.get(&f.path).is_some_and(|known| known.contains(h)));
            if !ours && !force {
                refused.push(target.display().to_string());
            }
            if let Some(h) = hash {
                on_disk.insert(f.path.as_str(), h);
            }
        }
    }
    if !refused.is_empty() {
        anyhow::bail!(
            "{} file(s) already exist and were not written by the last `isms render` (use --force to overwrite them): {}",
            refused.len(),
            refused.join(", ")
        );
    }
    let mut pending = previous.clone();
    for f in files {
        let mut known = vec![sha256_hex(&f.bytes)];
        if let Some(h) = on_disk.get(f.path.as_str())
            && !known.contains(h)
        {
            known.push(h.clone());
        }
        pending.insert(f.path.clone(), known);
    }
    write_marker(out, &pending)?;
    let mut marker = previous;
    let mut stdout = std::io::stdout().lock();
    for f in files {
        let written = write_atomic(out, Path::new(&f.path), &f.bytes, Overwrite::Replace)
            .map_err(|e: WriteError| anyhow::anyhow!(e))?;
        marker.insert(f.path.clone(), vec![sha256_hex(&f.bytes)]);
        super::check::ignore_broken_pipe(writeln!(stdout, "wrote {}", written.display()))?;
    }
    write_marker(out, &marker)
}

/// When this process started, as near as we can tell: temporary files older than this are
/// not being written by it.
fn process_start() -> std::time::SystemTime {
    static START: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::SystemTime::now)
}

/// Writes the ownership record: each file with the SHA-256 of its content, or a list of them
/// while a render is replacing it.
fn write_marker(out: &Path, files: &BTreeMap<String, Vec<String>>) -> anyhow::Result<()> {
    let files: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .map(|(k, v)| {
            let v = match v.as_slice() {
                [one] => serde_json::json!(one),
                many => serde_json::json!(many),
            };
            (k.clone(), v)
        })
        .collect();
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "written_by": "isms render",
        "files": files,
    }))?;
    write_atomic(out, Path::new(MARKER), &json, Overwrite::Replace).map_err(anyhow::Error::from)?;
    Ok(())
}

/// The ownership record: each file `isms render` wrote with the hashes of the contents it
/// owns. An unreadable record owns nothing (every existing file then needs `--force`).
fn read_marker(out: &Path) -> BTreeMap<String, Vec<String>> {
    let Ok(bytes) = crate::fsutil::read_regular(&out.join(MARKER), 64 << 20) else {
        return BTreeMap::new();
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return BTreeMap::new();
    };
    let hashes = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|h| h.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    v.get("files")
        .and_then(|f| f.as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), hashes(v))).collect())
        .unwrap_or_default()
}

/// What Git says about the record files, with the revisions of the `history` files (those of
/// the documents being rendered). Problems reading the history are reported and leave the
/// documents without Git data (and so marked DRAFT), never stop rendering.
fn source_state(dir: &Path, isms: &Isms, history: &BTreeSet<String>) -> SourceState {
    let mut state = SourceState::default();
    // Defaults: renames followed, record ids not precomputed (not needed here).
    let options = BuildOptions::default();
    match HistoryIndex::build(dir, &options) {
        Ok(Some(index)) => {
            state.commit = index.commits().first().map(|c| c.id.clone());
            for (_, f) in isms.sources.files() {
                if let Some(c) = index.last_change(&f.path) {
                    state
                        .last_change
                        .insert(f.path.clone(), c.local_datetime().date());
                }
            }
            for path in history {
                let revisions = revision_history(&index, path);
                if !revisions.is_empty() {
                    state.revisions.insert(path.clone(), revisions);
                }
            }
            // The history order of the commits that appear, to merge the revisions of a
            // document written in several files.
            let listed: BTreeSet<&str> = state
                .revisions
                .values()
                .flatten()
                .map(|r| r.commit.as_str())
                .collect();
            state.commit_order = index
                .commits()
                .iter()
                .enumerate()
                .filter(|(_, c)| listed.contains(c.short_id.as_str()))
                .map(|(i, c)| (c.short_id.clone(), i))
                .collect();
        }
        Ok(None) => {}
        Err(e) => eprintln!("warning: cannot read the Git history: {e}"),
    }
    match working_tree_changes(dir) {
        Ok(changes) => state.uncommitted = changes.into_iter().map(|c| c.path).collect(),
        Err(e) => eprintln!("warning: cannot read the working tree state: {e}"),
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_inside_records_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(check_outside_records(root, &root.join("build")).is_ok());
        assert!(check_outside_records(root, &root.join("build/sub")).is_ok());
        assert!(check_outside_records(root, root).is_err());
        assert!(check_outside_records(root, &root.join("policies")).is_err());
        assert!(check_outside_records(root, &root.join("build/../policies")).is_err());
        let other = tempfile::tempdir().unwrap();
        assert!(check_outside_records(root, other.path()).is_ok());
    }

    #[test]
    fn split_file_defaults_to_current_folder() {
        assert_eq!(
            split_file(Path::new("soa.html")).unwrap(),
            (PathBuf::from("."), "soa.html".into())
        );
        assert_eq!(
            split_file(Path::new("a/b.zip")).unwrap(),
            (PathBuf::from("a"), "b.zip".into())
        );
    }
}
