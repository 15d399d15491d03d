//! Audit-ready documents rendered from the loaded model.
//!
//! Renderers never read the disk: they get the loaded model, what Git says about the records
//! ([`SourceState`]) and a resolved template [`Engine`], and produce bytes. Writing the files is
//! the CLI's job (atomic and confined, through [`crate::fsutil::write_atomic`]).
//!
//! - [`engine`]: built-in templates embedded in the binary, overridable from `templates/`.
//! - [`markdown`]: Markdown bodies through comrak with raw HTML disabled; Markdown escaping.
//! - [`table`]: registers as typed tables, written as CSV and xlsx.
//! - [`pack`]: the audit pack zip with its manifest of SHA-256 hashes.

pub mod acknowledgements;
pub mod docset;
pub mod documents;
pub mod engine;
pub mod framework;
pub mod heatmap;
pub mod markdown;
pub mod pack;
pub mod table;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};

pub use documents::{DocKind, DocSpec, documents, history_files, render, render_many, select};
pub use engine::{Engine, TemplateError};
pub use views::MAX_REVISIONS;

use crate::evidence::Revision;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Self-contained HTML, printable on A4.
    Html,
    /// Markdown.
    Md,
    /// CSV (registers and the SoA only).
    Csv,
    /// Excel workbook (registers and the SoA only).
    Xlsx,
}

impl Format {
    /// Every format, in the order they are produced for an audit pack.
    pub const ALL: [Format; 4] = [Format::Html, Format::Md, Format::Csv, Format::Xlsx];

    /// File extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// Whether the format is a spreadsheet format, produced only for tabular documents.
    pub fn is_tabular(self) -> bool {
        matches!(self, Format::Csv | Format::Xlsx)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// What Git says about the record files, gathered by the evidence layer before rendering.
/// Every field may be empty: outside a Git repository documents render without it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceState {
    /// The commit the records were read from (`HEAD`), full hex id.
    pub commit: Option<String>,
    /// Date of the last commit that changed each file (repository-relative `/` paths).
    pub last_change: BTreeMap<String, jiff::civil::Date>,
    /// Files with uncommitted changes (modified, staged, new or deleted).
    pub uncommitted: BTreeSet<String>,
    /// The revisions of each record file, newest first, as
    /// [`crate::evidence::revision_history`] gives them (repository-relative `/` paths). Only
    /// the files of the documents being rendered need to be here ([`history_files`]); a file
    /// that is absent has no Git history.
    pub revisions: BTreeMap<String, Vec<Revision>>,
    /// The position of each commit (short id) in the history, 0 for the newest. It orders the
    /// rows of a document written in several files (`risks/*.yaml`) the way the history does;
    /// commits missing here are ordered by date.
    pub commit_order: BTreeMap<String, usize>,
    /// The errors `isms check` reports in each record file (repository-relative `/` paths),
    /// gathered by the CLI before rendering: a document shows those of its own record files,
    /// so it never looks finished while `check` says it is not. Empty when check did not run.
    pub findings: BTreeMap<String, Vec<RecordFinding>>,
}

/// An error `isms check` reports in a record file, as documents show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordFinding {
    /// Rule code, e.g. `RSK-10`.
    pub code: String,
    /// The message.
    pub message: String,
    /// The record it is about, when known.
    pub record: Option<String>,
    /// 1-based line in the file (0 for the whole file).
    pub line: u32,
}

impl SourceState {
    /// The error findings of `outcome` that are not waived, by the record file they are in.
    pub fn findings_from(outcome: &crate::checks::Outcome) -> BTreeMap<String, Vec<RecordFinding>> {
        let mut out: BTreeMap<String, Vec<RecordFinding>> = BTreeMap::new();
        for f in &outcome.findings {
            let d = &f.diagnostic;
            if f.waiver.is_some() || d.severity != crate::diagnostic::Severity::Error {
                continue;
            }
            let Some(loc) = &d.location else { continue };
            out.entry(loc.path.clone())
                .or_default()
                .push(RecordFinding {
                    code: d.code.clone(),
                    message: d.message.clone(),
                    record: d.record.clone(),
                    line: loc.line,
                });
        }
        out
    }
}

impl SourceState {
    /// The newest last-change date among `sources`.
    pub fn last_change_of(&self, sources: &[String]) -> Option<jiff::civil::Date> {
        sources
            .iter()
            .filter_map(|s| self.last_change.get(s))
            .max()
            .copied()
    }

    /// Whether any record file of `isms` has uncommitted changes: then some document built
    /// from the records is a draft. Other files (new evidence, notes) do not change a document.
    pub fn records_uncommitted(&self, isms: &crate::model::Isms) -> bool {
        self.uncommitted
            .iter()
            .any(|p| isms.sources.id_of(p).is_some())
    }

    /// Those of `sources` that have uncommitted changes.
    pub fn uncommitted_of<'a>(&self, sources: &'a [String]) -> Vec<&'a str> {
        sources
            .iter()
            .filter(|s| self.uncommitted.contains(s.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// The revisions of a document written in `files`, newest first: each file's revisions,
    /// merged, with a commit that changed several of the files listed once (with the first
    /// file's version label).
    pub fn revisions_of(&self, files: &[String]) -> Vec<&Revision> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<&Revision> = files
            .iter()
            .filter_map(|f| self.revisions.get(f))
            .flatten()
            .filter(|r| seen.insert(r.commit.as_str()))
            .collect();
        if files.len() > 1 {
            // Each file's list is already in history order; only a merge needs sorting. The
            // history order is exact (two commits of the same day stay in order); dates are
            // the fallback when it is not known for every commit.
            if out
                .iter()
                .all(|r| self.commit_order.contains_key(&r.commit))
            {
                out.sort_by_key(|r| self.commit_order.get(&r.commit).copied());
            } else {
                out.sort_by_key(|r| std::cmp::Reverse(r.date));
            }
        }
        out
    }

    /// The commit id shortened to 12 characters, as shown in documents.
    pub fn short_commit(&self) -> Option<String> {
        self.commit.as_ref().map(|c| c.chars().take(12).collect())
    }
}

/// Options that apply to every rendered document.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The date the documents are rendered for (`--as-of`): shown as the generation date and
    /// used for every date-dependent figure, so output is reproducible.
    pub as_of: jiff::civil::Date,
    /// Mark every document DRAFT, whatever Git says (`--draft`).
    pub force_draft: bool,
    /// Tool name and version shown in documents, e.g. `isms 0.1.0`.
    pub tool: String,
    /// The formats produced in this run: the index links only to these, so an HTML-only
    /// build has no dead links to Markdown files.
    pub linked_formats: Vec<Format>,
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The xlsx writer failed.
    #[error("cannot write the workbook {name}: {source}")]
    Xlsx {
        /// Document name.
        name: String,
        /// The writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// The audit pack could not be built.
    #[error(transparent)]
    Pack(#[from] pack::PackError),
    /// The context for a template could not be serialised.
    #[error("cannot prepare the data of {name}: {message}")]
    Context {
        /// Document name.
        name: String,
        /// Serialisation error.
        message: String,
    },
    /// A document name that does not exist.
    #[error("unknown document `{0}` (see `isms render --list`)")]
    UnknownDocument(String),
    /// A format the document does not come in.
    #[error("`{name}` is not available as {format}; it comes as {available} (use --format)")]
    FormatUnavailable {
        /// Document name.
        name: String,
        /// Requested format.
        format: Format,
        /// The formats it does come in, e.g. `html, md`.
        available: String,
    },
}

impl RenderError {
    /// The error for a document asked for in a format it does not come in.
    pub fn format_unavailable(spec: &DocSpec, format: Format) -> RenderError {
        let available: Vec<&str> = spec.formats().iter().map(|f| f.extension()).collect();
        RenderError::FormatUnavailable {
            name: spec.name.clone(),
            format,
            available: available.join(", "),
        }
    }
}

/// Turns a record id into a safe file-name component: letters, digits, `.`, `_` and `-` are
/// kept, everything else becomes `-`; leading dots are dropped so no name is hidden or `..`.
pub fn file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "unnamed".to_string()
    } else {
        s
    }
}

/// Orders ids the way people read them: `POL-2` before `POL-10` (the same order as
/// diagnostics, [`crate::diagnostic::natural_key`]).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use crate::diagnostic::natural_key;
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["POL-10", "POL-2", "POL-01", "AUD-2025-01", "A"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["A", "AUD-2025-01", "POL-01", "POL-2", "POL-10"]);
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("POL-01"), "POL-01");
        assert_eq!(file_stem("../etc/passwd"), "-etc-passwd");
        assert_eq!(file_stem(".."), "unnamed");
        assert_eq!(file_stem("a b/c"), "a-b-c");
    }

    #[test]
    fn source_state_queries() {
        let mut s = SourceState::default();
        s.last_change
            .insert("soa.yaml".into(), jiff::civil::date(2025, 1, 2));
        s.last_change
            .insert("risks.yaml".into(), jiff::civil::date(2025, 2, 3));
        s.uncommitted.insert("risks.yaml".into());
        let src = vec!["soa.yaml".to_string(), "risks.yaml".to_string()];
        assert_eq!(s.last_change_of(&src), Some(jiff::civil::date(2025, 2, 3)));
        assert_eq!(s.uncommitted_of(&src), ["risks.yaml"]);
        assert_eq!(
            s.last_change_of(&src[..1]),
            Some(jiff::civil::date(2025, 1, 2))
        );
        assert!(s.uncommitted_of(&src[..1]).is_empty());
    }
}
