//! The audit pack: every rendered document and register in one zip, with a manifest of SHA-256
//! hashes, the source commit and the `--as-of` date, so an auditor receives one verifiable
//! file. Entries are sorted and carry a fixed timestamp, so the same input gives the same bytes.
//!
//! Beside the documents the pack carries the in-repository evidence files the SoA cites (each
//! checked against its recorded SHA-256), a list of the external evidence, and the result of
//! `isms check` for the same records and date. A pack of records that do not pass (check
//! errors, changed evidence) says so on its cover and in its manifest (`draft: true`).
//! [`verify`] re-checks a pack against its own manifest (`isms pack verify`).

use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

/// One file in the pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// Path inside the archive, `/`-separated.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// What the manifest says about the source of the pack.
#[derive(Debug, Clone)]
pub struct PackMeta {
    /// Organisation name.
    pub organisation: String,
    /// The `--as-of` date the documents were rendered for.
    pub as_of: jiff::civil::Date,
    /// The Git commit the records were read from, when known.
    pub source_commit: Option<String>,
    /// Whether the records had uncommitted changes (the documents are then marked DRAFT).
    pub draft: bool,
    /// Tool name and version, e.g. `isms 0.1.0`.
    pub tool: String,
    /// The result of `isms check` for the same records and date, when it was run.
    pub check: Option<CheckResult>,
    /// The evidence the SoA cites.
    pub evidence: Vec<CitedEvidence>,
}

/// The result of `isms check` carried in the pack.
#[derive(Debug, Clone, Default)]
pub struct CheckResult {
    /// Errors not waived.
    pub errors: usize,
    /// Warnings not waived.
    pub warnings: usize,
    /// Informational findings not waived.
    pub infos: usize,
    /// Waived findings.
    pub waived: usize,
    /// Whether the check failed (errors, or warnings under `--deny warnings` configuration).
    pub failed: bool,
    /// The report for people (`isms check` without colours).
    pub text: String,
    /// The JSON report (`isms check --format json`).
    pub json: Vec<u8>,
    /// The error messages per rule code, in code order: `(code, count)`.
    pub errors_by_rule: Vec<(String, usize)>,
}

/// What became of one piece of evidence the SoA cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceState {
    /// A file in the repository whose SHA-256 matches the recorded one.
    Verified,
    /// A file in the repository with no SHA-256 recorded: included, not verifiable.
    Unhashed,
    /// A file whose content no longer matches the recorded SHA-256.
    Mismatch,
    /// A path that names no file in the repository.
    Missing,
    /// External evidence (a URL): listed, not included.
    External,
}

impl EvidenceState {
    fn label(self) -> &'static str {
        match self {
            EvidenceState::Verified => "verified",
            EvidenceState::Unhashed => "included, no SHA-256 recorded",
            EvidenceState::Mismatch => "CHANGED since collection (SHA-256 mismatch)",
            EvidenceState::Missing => "MISSING from the repository",
            EvidenceState::External => "external",
        }
    }
}

/// One piece of evidence the SoA cites, as the pack lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CitedEvidence {
    /// The control (or own control) it is evidence for.
    pub control: String,
    /// Repository-relative path, for a file.
    pub path: Option<String>,
    /// Where it is inside the pack, when included.
    pub pack_path: Option<String>,
    /// URL, for external evidence.
    pub url: Option<String>,
    /// What it shows.
    pub description: Option<String>,
    /// When it was collected.
    pub collected: Option<String>,
    /// When it expires.
    pub expires: Option<String>,
    /// The SHA-256 recorded in the SoA.
    pub recorded_sha256: Option<String>,
    /// The SHA-256 of the file as included.
    pub actual_sha256: Option<String>,
    /// Outcome.
    pub state: EvidenceState,
    /// The content, for an included file.
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// Where an evidence file of the repository goes inside the pack.
pub fn evidence_pack_path(repo_path: &str) -> String {
    format!("evidence/files/{repo_path}")
}

/// The evidence the SoA cites, without content: the caller (which may read the disk) fills
/// in the bytes of each file with [`CitedEvidence::with_content`]. Each file is listed once
/// per control that cites it.
pub fn cited_evidence(isms: &crate::model::Isms) -> Vec<CitedEvidence> {
    let mut out = Vec::new();
    let entries = isms
        .soa_entries()
        .map(|e| (e.id.value.clone(), &e.evidence))
        .chain(
            isms.additional_controls()
                .map(|c| (c.id.value.clone(), &c.evidence)),
        );
    for (control, evidence) in entries {
        for ev in crate::model::loaded(evidence) {
            let path = ev
                .path
                .as_ref()
                .map(|p| crate::loader::normalise_rel(&p.value))
                .filter(|p| !p.is_empty());
            let url = ev
                .url
                .as_ref()
                .map(|u| u.value.trim().to_string())
                .filter(|u| !u.is_empty());
            if path.is_none() && url.is_none() {
                continue;
            }
            let state = if path.is_some() {
                EvidenceState::Missing
            } else {
                EvidenceState::External
            };
            out.push(CitedEvidence {
                control: control.clone(),
                path,
                pack_path: None,
                url,
                description: ev.description.clone().filter(|d| !d.trim().is_empty()),
                collected: ev.collected.as_ref().map(|d| d.value.to_string()),
                expires: ev.expires.as_ref().map(|d| d.value.to_string()),
                recorded_sha256: ev
                    .sha256
                    .as_ref()
                    .map(|h| h.value.trim().to_ascii_lowercase()),
                actual_sha256: None,
                state,
                bytes: None,
            });
        }
    }
    out
}

impl CitedEvidence {
    /// Records the content of an evidence file read from the repository and verifies it
    /// against the recorded SHA-256.
    pub fn with_content(mut self, bytes: Vec<u8>) -> CitedEvidence {
        let Some(path) = &self.path else {
            return self;
        };
        let actual = sha256_hex(&bytes);
        self.state = match &self.recorded_sha256 {
            Some(r) if *r == actual => EvidenceState::Verified,
            Some(_) => EvidenceState::Mismatch,
            None => EvidenceState::Unhashed,
        };
        self.pack_path = Some(evidence_pack_path(path));
        self.actual_sha256 = Some(actual);
        self.bytes = Some(bytes);
        self
    }
}

/// Why the pack could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The zip library failed.
    #[error("cannot build the audit pack: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into memory failed (should not happen).
    #[error("cannot build the audit pack: {0}")]
    Io(#[from] std::io::Error),
    /// The manifest could not be serialised.
    #[error("cannot write the audit pack manifest: {0}")]
    Json(#[from] serde_json::Error),
    /// Two files have the same path.
    #[error("two files in the audit pack are named {0}")]
    Duplicate(String),
}

/// One line of the manifest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ManifestEntry {
    /// Path inside the archive.
    pub path: String,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// The machine-readable manifest (`MANIFEST.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Manifest format version, bumped on incompatible change.
    pub manifest_version: u32,
    /// Tool name and version.
    pub generated_by: String,
    /// Organisation name.
    pub organisation: String,
    /// The `--as-of` date.
    pub as_of: String,
    /// Source commit, if the records are in Git.
    pub source_commit: Option<String>,
    /// Whether the pack is a draft: the records have uncommitted changes or are not in Git,
    /// `isms check` reports errors, or evidence has changed since collection.
    pub draft: bool,
    /// Why it is a draft, one sentence each (empty when it is not).
    pub draft_reasons: Vec<String>,
    /// The `isms check` result for the same records and date (`check/result.json` has every
    /// finding).
    pub check: Option<ManifestCheck>,
    /// Counts of the cited evidence by outcome.
    pub evidence: ManifestEvidence,
    /// Every other file in the archive, sorted by path.
    pub files: Vec<ManifestEntry>,
}

/// The check summary in the manifest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ManifestCheck {
    /// Whether the records pass `isms check` (no failing finding).
    pub passed: bool,
    /// Errors not waived.
    pub errors: usize,
    /// Warnings not waived.
    pub warnings: usize,
    /// Informational findings.
    pub infos: usize,
    /// Waived findings.
    pub waived: usize,
}

/// The evidence counts in the manifest.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ManifestEvidence {
    /// Files whose SHA-256 matches the recorded one.
    pub verified: usize,
    /// Files included without a recorded SHA-256.
    pub unhashed: usize,
    /// Files that changed since collection.
    pub mismatched: usize,
    /// Cited files missing from the repository.
    pub missing: usize,
    /// External evidence (listed, not included).
    pub external: usize,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Why a pack built with `meta` is a draft, one sentence each.
pub fn draft_reasons(meta: &PackMeta) -> Vec<String> {
    let mut out = Vec::new();
    if meta.draft {
        out.push("the records have uncommitted changes or are not in Git".to_string());
    }
    if let Some(c) = &meta.check
        && c.failed
    {
        out.push(format!(
            "the ISMS does not pass `isms check`: {} error{}, {} warning{}",
            c.errors,
            if c.errors == 1 { "" } else { "s" },
            c.warnings,
            if c.warnings == 1 { "" } else { "s" }
        ));
    }
    let changed = meta
        .evidence
        .iter()
        .filter(|e| e.state == EvidenceState::Mismatch)
        .count();
    if changed > 0 {
        out.push(format!(
            "{changed} evidence file{} changed since collection (SHA-256 mismatch)",
            if changed == 1 { " has" } else { "s have" }
        ));
    }
    let missing = meta
        .evidence
        .iter()
        .filter(|e| e.state == EvidenceState::Missing)
        .count();
    if missing > 0 {
        out.push(format!(
            "{missing} cited evidence file{} missing from the repository",
            if missing == 1 { " is" } else { "s are" }
        ));
    }
    out
}

fn evidence_counts(ev: &[CitedEvidence]) -> ManifestEvidence {
    let mut c = ManifestEvidence::default();
    for e in ev {
        match e.state {
            EvidenceState::Verified => c.verified += 1,
            EvidenceState::Unhashed => c.unhashed += 1,
            EvidenceState::Mismatch => c.mismatched += 1,
            EvidenceState::Missing => c.missing += 1,
            EvidenceState::External => c.external += 1,
        }
    }
    c
}

/// Builds the manifest for the given files (sorted by path).
pub fn manifest(files: &[PackFile], meta: &PackMeta) -> Manifest {
    let mut entries: Vec<ManifestEntry> = files
        .iter()
        .map(|f| ManifestEntry {
            path: f.path.clone(),
            sha256: sha256_hex(&f.bytes),
            bytes: f.bytes.len() as u64,
        })
        .collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Manifest {
        manifest_version: 1,
        generated_by: meta.tool.clone(),
        organisation: meta.organisation.clone(),
        as_of: meta.as_of.to_string(),
        source_commit: meta.source_commit.clone(),
        draft_reasons: draft_reasons(meta),
        draft: !draft_reasons(meta).is_empty(),
        check: meta.check.as_ref().map(|c| ManifestCheck {
            passed: !c.failed,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            waived: c.waived,
        }),
        evidence: evidence_counts(&meta.evidence),
        files: entries,
    }
}

/// The human-readable manifest (`MANIFEST.txt`).
fn manifest_text(m: &Manifest) -> String {
    let mut s = String::new();
    s.push_str("ISMS audit pack\n");
    s.push_str("===============\n\n");
    s.push_str(&format!("Organisation:   {}\n", m.organisation));
    s.push_str(&format!("As of:          {}\n", m.as_of));
    s.push_str(&format!(
        "Source commit:  {}\n",
        m.source_commit
            .as_deref()
            .unwrap_or("(not a Git repository)")
    ));
    if m.draft {
        s.push_str("State:          DRAFT\n");
        for r in &m.draft_reasons {
            s.push_str(&format!("                - {r}\n"));
        }
    } else {
        s.push_str("State:          committed, passes isms check\n");
    }
    if let Some(c) = &m.check {
        s.push_str(&format!(
            "isms check:     {} ({} errors, {} warnings, {} waived; see check/result.txt)\n",
            if c.passed { "passed" } else { "FAILED" },
            c.errors,
            c.warnings,
            c.waived
        ));
    }
    let e = &m.evidence;
    s.push_str(&format!(
        "Evidence:       {} verified, {} without SHA-256, {} changed, {} missing, {} external (see evidence/INDEX.md)\n",
        e.verified, e.unhashed, e.mismatched, e.missing, e.external
    ));
    s.push_str(&format!("Generated by:   {}\n\n", m.generated_by));
    s.push_str("Verify the files with: sha256sum -c SHA256SUMS\n\n");
    s.push_str("SHA-256                                                           bytes  file\n");
    for f in &m.files {
        s.push_str(&format!("{}  {:>9}  {}\n", f.sha256, f.bytes, f.path));
    }
    s
}

/// The files the pack carries beside the documents: the cover, the check result, the
/// evidence index and the evidence files themselves (each once, however many controls cite
/// it).
fn supplements(meta: &PackMeta) -> Result<Vec<PackFile>, PackError> {
    let mut out = Vec::new();
    let reasons = draft_reasons(meta);
    out.push(PackFile {
        path: "COVER.md".into(),
        bytes: cover_md(meta, &reasons).into_bytes(),
    });
    out.push(PackFile {
        path: "cover.html".into(),
        bytes: cover_html(meta, &reasons).into_bytes(),
    });
    if let Some(c) = &meta.check {
        out.push(PackFile {
            path: "check/result.txt".into(),
            bytes: c.text.clone().into_bytes(),
        });
        out.push(PackFile {
            path: "check/result.json".into(),
            bytes: c.json.clone(),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for e in &meta.evidence {
        if let (Some(p), Some(b)) = (&e.pack_path, &e.bytes)
            && seen.insert(p.clone())
        {
            out.push(PackFile {
                path: p.clone(),
                bytes: b.clone(),
            });
        }
    }
    out.push(PackFile {
        path: "evidence/INDEX.md".into(),
        bytes: evidence_index_md(&meta.evidence).into_bytes(),
    });
    let mut json = serde_json::to_vec_pretty(&meta.evidence)?;
    json.push(b'\n');
    out.push(PackFile {
        path: "evidence/index.json".into(),
        bytes: json,
    });
    Ok(out)
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Markdown table cell text: no line breaks, pipes escaped.
fn cell(s: &str) -> String {
    s.replace(['\r', '\n'], " ").replace('|', "\\|")
}

fn cover_lines(meta: &PackMeta, reasons: &[String]) -> (String, Vec<String>) {
    let state = if reasons.is_empty() {
        "ISSUED: the records are committed and pass `isms check`.".to_string()
    } else {
        "DRAFT: this pack does not show a passing ISMS.".to_string()
    };
    let mut lines = vec![
        format!("Organisation: {}", meta.organisation),
        format!("As of: {}", meta.as_of),
        format!(
            "Source commit: {}",
            meta.source_commit
                .as_deref()
                .unwrap_or("(not a Git repository)")
        ),
        format!("Generated by: {}", meta.tool),
    ];
    match &meta.check {
        Some(c) => lines.push(format!(
            "isms check: {} ({} error{}, {} warning{}, {} waived)",
            if c.failed { "FAILED" } else { "passed" },
            c.errors,
            if c.errors == 1 { "" } else { "s" },
            c.warnings,
            if c.warnings == 1 { "" } else { "s" },
            c.waived
        )),
        None => lines.push("isms check: not run".to_string()),
    }
    (state, lines)
}

fn cover_md(meta: &PackMeta, reasons: &[String]) -> String {
    let (state, lines) = cover_lines(meta, reasons);
    let mut s = format!("# ISMS audit pack\n\n**{state}**\n\n");
    for r in reasons {
        s.push_str(&format!("- {r}\n"));
    }
    if !reasons.is_empty() {
        s.push('\n');
    }
    for l in lines {
        s.push_str(&format!("- {l}\n"));
    }
    if let Some(c) = &meta.check
        && !c.errors_by_rule.is_empty()
    {
        s.push_str("\n## Errors by rule\n\n| Rule | Errors |\n|---|---|\n");
        for (code, n) in &c.errors_by_rule {
            s.push_str(&format!("| {} | {n} |\n", cell(code)));
        }
        s.push_str("\nEvery finding is in `check/result.txt` and `check/result.json`.\n");
    }
    s.push_str("\nStart with `index.html` (the ISMS manual). The evidence the Statement of Applicability cites is listed in `evidence/INDEX.md`; `MANIFEST.json` and `SHA256SUMS` list every file with its SHA-256 (`isms pack verify` or `sha256sum -c SHA256SUMS` checks them).\n");
    s
}

fn cover_html(meta: &PackMeta, reasons: &[String]) -> String {
    let (state, lines) = cover_lines(meta, reasons);
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ISMS audit pack</title>\n<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.4}.draft{color:#b00020;border:2px solid #b00020;padding:.5rem}.issued{color:#1b5e20;border:2px solid #1b5e20;padding:.5rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}</style>\n</head>\n<body>\n<h1>ISMS audit pack</h1>\n",
    );
    let class = if reasons.is_empty() {
        "issued"
    } else {
        "draft"
    };
    s.push_str(&format!(
        "<div class=\"{class}\"><strong>{}</strong>",
        esc(&state)
    ));
    if !reasons.is_empty() {
        s.push_str("<ul>");
        for r in reasons {
            s.push_str(&format!("<li>{}</li>", esc(r)));
        }
        s.push_str("</ul>");
    }
    s.push_str("</div>\n<ul>\n");
    for l in lines {
        s.push_str(&format!("<li>{}</li>\n", esc(&l)));
    }
    s.push_str("</ul>\n");
    if let Some(c) = &meta.check
        && !c.errors_by_rule.is_empty()
    {
        s.push_str("<h2>Errors by rule</h2>\n<table><tr><th>Rule</th><th>Errors</th></tr>\n");
        for (code, n) in &c.errors_by_rule {
            s.push_str(&format!("<tr><td>{}</td><td>{n}</td></tr>\n", esc(code)));
        }
        s.push_str("</table>\n<p>Every finding: <a href=\"check/result.txt\">check/result.txt</a>, <a href=\"check/result.json\">check/result.json</a>.</p>\n");
    }
    s.push_str("<p><a href=\"index.html\">ISMS manual</a> · <a href=\"evidence/INDEX.md\">Evidence index</a> · <a href=\"MANIFEST.txt\">Manifest</a></p>\n</body>\n</html>\n");
    s
}

fn evidence_index_md(ev: &[CitedEvidence]) -> String {
    let mut s = String::from(
        "# Evidence cited in the Statement of Applicability\n\nFiles from the repository are included under `evidence/files/` and checked against the SHA-256 recorded in the SoA; external evidence is listed with its address and date.\n\n",
    );
    let files: Vec<&CitedEvidence> = ev.iter().filter(|e| e.path.is_some()).collect();
    let external: Vec<&CitedEvidence> = ev.iter().filter(|e| e.path.is_none()).collect();
    s.push_str("## Files in the repository\n\n");
    if files.is_empty() {
        s.push_str("None.\n");
    } else {
        s.push_str("| Control | File | Collected | Expires | State | SHA-256 |\n|---|---|---|---|---|---|\n");
        for e in files {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                cell(&e.control),
                cell(e.path.as_deref().unwrap_or("")),
                e.collected.as_deref().unwrap_or("–"),
                e.expires.as_deref().unwrap_or("–"),
                e.state.label(),
                e.actual_sha256.as_deref().unwrap_or("–"),
            ));
        }
    }
    s.push_str("\n## External evidence\n\n");
    if external.is_empty() {
        s.push_str("None.\n");
    } else {
        s.push_str(
            "| Control | Address | Description | Collected | Expires |\n|---|---|---|---|---|\n",
        );
        for e in external {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&e.control),
                cell(e.url.as_deref().unwrap_or("")),
                cell(e.description.as_deref().unwrap_or("")),
                e.collected.as_deref().unwrap_or("–"),
                e.expires.as_deref().unwrap_or("–"),
            ));
        }
    }
    s
}

/// `sha256sum`-compatible checksum list (`SHA256SUMS`).
fn sha256sums(m: &Manifest) -> String {
    m.files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect()
}

/// Builds the zip: the files, `MANIFEST.json`, `MANIFEST.txt` and `SHA256SUMS`, all entries
/// sorted by path with the `as_of` date (midnight) as timestamp and fixed permissions.
pub fn build(files: &[PackFile], meta: &PackMeta) -> Result<Vec<u8>, PackError> {
    let mut files: Vec<PackFile> = files.to_vec();
    files.extend(supplements(meta)?);
    let files = files.as_slice();
    let mut sorted: Vec<&PackFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for w in sorted.windows(2) {
        if w[0].path == w[1].path {
            return Err(PackError::Duplicate(w[0].path.clone()));
        }
    }
    let m = manifest(files, meta);
    let mut json = serde_json::to_vec_pretty(&m)?;
    json.push(b'\n');
    let extra = [
        PackFile {
            path: "MANIFEST.json".into(),
            bytes: json,
        },
        PackFile {
            path: "MANIFEST.txt".into(),
            bytes: manifest_text(&m).into_bytes(),
        },
        PackFile {
            path: "SHA256SUMS".into(),
            bytes: sha256sums(&m).into_bytes(),
        },
    ];
    for e in &extra {
        if sorted.iter().any(|f| f.path == e.path) {
            return Err(PackError::Duplicate(e.path.clone()));
        }
    }
    let mut all: Vec<&PackFile> = sorted.into_iter().chain(extra.iter()).collect();
    all.sort_by(|a, b| a.path.cmp(&b.path));

    // DOS timestamps cannot go before 1980; the zip default (1980-01-01) is used then.
    let ts = zip::DateTime::from_date_and_time(
        u16::try_from(meta.as_of.year()).unwrap_or(1980),
        meta.as_of.month() as u8,
        meta.as_of.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(ts)
        .unix_permissions(0o644);
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in all {
        zw.start_file(f.path.as_str(), opts)?;
        zw.write_all(&f.bytes)?;
    }
    Ok(zw.finish()?.into_inner())
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// Files listed in the manifest.
    pub listed: usize,
    /// Listed files whose content matches.
    pub matched: usize,
    /// What is wrong, one line each (empty when the pack is intact).
    pub problems: Vec<String>,
    /// Whether the manifest marks the pack a draft.
    pub draft: bool,
    /// The manifest's reasons for it.
    pub draft_reasons: Vec<String>,
    /// The organisation, the as-of date and the commit the manifest names.
    pub organisation: String,
    /// As-of date.
    pub as_of: String,
    /// Source commit.
    pub source_commit: Option<String>,
}

impl Verification {
    /// Whether every file is present, listed and unchanged.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The largest entry `verify` reads: a pack is documents and evidence, not media.
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// Files the manifest does not list because they describe the others.
const SELF_DESCRIBING: [&str; 3] = ["MANIFEST.json", "MANIFEST.txt", "SHA256SUMS"];

/// Re-checks an audit pack against its own `MANIFEST.json`: every listed file present with
/// its SHA-256 and size, nothing in the zip that is not listed, `SHA256SUMS` in agreement.
/// Problems are collected, never fatal: a damaged pack gets a full report.
pub fn verify(zip_bytes: &[u8]) -> Verification {
    use std::collections::BTreeMap;
    use std::io::Read;
    let mut v = Verification::default();
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)) {
        Ok(z) => z,
        Err(e) => {
            v.problems.push(format!("not a readable zip file: {e}"));
            return v;
        }
    };
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                v.problems.push(format!("entry {i} cannot be read: {e}"));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        let name = match f.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                v.problems
                    .push(format!("entry {i} has an unreadable name: {e}"));
                continue;
            }
        };
        if f.size() > MAX_ENTRY_BYTES {
            v.problems.push(format!(
                "{name} is {} bytes, larger than an audit pack entry can be",
                f.size()
            ));
            continue;
        }
        let mut buf = Vec::new();
        if let Err(e) = (&mut f).take(MAX_ENTRY_BYTES).read_to_end(&mut buf) {
            v.problems.push(format!("{name} cannot be read: {e}"));
            continue;
        }
        if contents.insert(name.clone(), buf).is_some() {
            v.problems.push(format!("{name} appears twice in the zip"));
        }
    }
    let Some(json) = contents.get("MANIFEST.json") else {
        v.problems
            .push("MANIFEST.json is missing: this is not an isms audit pack".to_string());
        return v;
    };
    let m: serde_json::Value = match serde_json::from_slice(json) {
        Ok(m) => m,
        Err(e) => {
            v.problems
                .push(format!("MANIFEST.json is not valid JSON: {e}"));
            return v;
        }
    };
    let text = |k: &str| m.get(k).and_then(|x| x.as_str()).map(str::to_string);
    v.organisation = text("organisation").unwrap_or_default();
    v.as_of = text("as_of").unwrap_or_default();
    v.source_commit = text("source_commit");
    v.draft = m.get("draft").and_then(|d| d.as_bool()).unwrap_or(false);
    v.draft_reasons = m
        .get("draft_reasons")
        .and_then(|r| r.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let Some(files) = m.get("files").and_then(|f| f.as_array()) else {
        v.problems
            .push("MANIFEST.json has no `files` list".to_string());
        return v;
    };
    let mut listed = std::collections::BTreeSet::new();
    let mut sums = String::new();
    for f in files {
        let (Some(path), Some(sha)) = (
            f.get("path").and_then(|p| p.as_str()),
            f.get("sha256").and_then(|p| p.as_str()),
        ) else {
            v.problems
                .push("MANIFEST.json lists a file without `path` or `sha256`".to_string());
            continue;
        };
        v.listed += 1;
        listed.insert(path.to_string());
        sums.push_str(&format!("{sha}  {path}\n"));
        let Some(bytes) = contents.get(path) else {
            v.problems.push(format!(
                "{path} is listed in the manifest but missing from the zip"
            ));
            continue;
        };
        let actual = sha256_hex(bytes);
        let size = f.get("bytes").and_then(|b| b.as_u64());
        if actual != sha {
            v.problems.push(format!(
                "{path} has been changed: its SHA-256 is {actual}, the manifest says {sha}"
            ));
        } else if size.is_some_and(|s| s != bytes.len() as u64) {
            v.problems.push(format!(
                "{path} is {} bytes, the manifest says {}",
                bytes.len(),
                size.unwrap_or_default()
            ));
        } else {
            v.matched += 1;
        }
    }
    for name in contents.keys() {
        if !listed.contains(name) && !SELF_DESCRIBING.contains(&name.as_str()) {
            v.problems.push(format!(
                "{name} is in the zip but not listed in the manifest"
            ));
        }
    }
    match contents.get("SHA256SUMS") {
        Some(b) if *b == sums.as_bytes() => {}
        Some(_) => v
            .problems
            .push("SHA256SUMS does not agree with MANIFEST.json".to_string()),
        None => v.problems.push("SHA256SUMS is missing".to_string()),
    }
    if !contents.contains_key("MANIFEST.txt") {
        v.problems.push("MANIFEST.txt is missing".to_string());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn meta() -> PackMeta {
        PackMeta {
            organisation: "Acme".into(),
            as_of: jiff::civil::date(2025, 3, 1),
            source_commit: Some("abc123".into()),
            draft: false,
            tool: "isms 0.1.0".into(),
            check: None,
            evidence: Vec::new(),
        }
    }

    fn files() -> Vec<PackFile> {
        vec![
            PackFile {
                path: "soa.html".into(),
                bytes: b"<html>".to_vec(),
            },
            PackFile {
                path: "registers/soa.csv".into(),
                bytes: b"a,b\r\n".to_vec(),
            },
        ]
    }

    #[test]
    fn sha256_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pack_is_reproducible_and_verifiable() {
        let a = build(&files(), &meta()).unwrap();
        let mut rev = files();
        rev.reverse();
        let b = build(&rev, &meta()).unwrap();
        assert_eq!(a, b, "input order must not change the bytes");

        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "COVER.md",
                "MANIFEST.json",
                "MANIFEST.txt",
                "SHA256SUMS",
                "cover.html",
                "evidence/INDEX.md",
                "evidence/index.json",
                "registers/soa.csv",
                "soa.html"
            ]
        );
        let mut json = String::new();
        zip.by_name("MANIFEST.json")
            .unwrap()
            .read_to_string(&mut json)
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["source_commit"], "abc123");
        assert_eq!(v["as_of"], "2025-03-01");
        let files = v["files"].as_array().unwrap();
        let soa = files.iter().find(|f| f["path"] == "soa.html").unwrap();
        assert_eq!(soa["sha256"], sha256_hex(b"<html>"));
        assert_eq!(v["draft"], false);
        let f = zip.by_name("soa.html").unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2025, 3, 1));
    }

    #[test]
    fn duplicate_paths_are_refused() {
        let mut f = files();
        f.push(PackFile {
            path: "soa.html".into(),
            bytes: vec![],
        });
        assert!(matches!(build(&f, &meta()), Err(PackError::Duplicate(_))));
        let f = vec![PackFile {
            path: "MANIFEST.json".into(),
            bytes: vec![],
        }];
        assert!(matches!(build(&f, &meta()), Err(PackError::Duplicate(_))));
    }
}
