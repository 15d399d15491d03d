//! Output formats for `isms check`: one emitter per file, all writing to a `&mut dyn Write`.
//!
//! Every emitter gets the same sorted [`Outcome`]: `human` is for people at a terminal,
//! `json` is the stable machine format, `sarif` feeds code-scanning dashboards, `github`
//! writes workflow annotations and `junit` suits CI test dashboards. Results go to stdout;
//! only the human format folds long runs of one rule, the others always carry everything.

use std::io::{self, Write};

use crate::checks::Outcome;
use crate::diagnostic::Location;
use crate::source::SourceMap;

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

/// An output format of `isms check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets and a summary (default).
    #[default]
    Human,
    /// A versioned JSON document (schema in docs/check.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: one test suite per area, one test case per rule.
    Junit,
    /// GitLab Code Quality (Code Climate JSON subset), for merge request widgets.
    Gitlab,
}

/// Presentation choices shared by the emitters.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use ANSI colours (human format only).
    pub color: bool,
    /// Fold long runs of findings of one rule (human format only).
    pub fold: bool,
    /// Prepended to every path in `github`, `sarif` and `junit` output, so that paths are
    /// relative to the Git repository root when the ISMS lives in a sub-folder
    /// (for example `examples/acme-saas/`). Empty or ending in `/`.
    pub path_prefix: String,
}

impl Options {
    /// The path of a location as CI systems expect it: relative to the repository root.
    pub fn ci_path(&self, location: &Location) -> String {
        format!("{}{}", self.path_prefix, location.path)
    }
}

/// Everything an emitter needs.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The findings after configuration.
    pub outcome: &'a Outcome,
    /// The loaded files, for snippets.
    pub sources: &'a SourceMap,
    /// Presentation choices.
    pub options: &'a Options,
}

/// Writes the report in the chosen format. Control characters in record text (ids,
/// messages, paths, source snippets) are escaped first, for every format: a raw ESC or BEL in
/// an id would otherwise reach the terminal or CI log (log injection).
pub fn emit(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome;
    let sources;
    let mut report = *report;
    if report
        .outcome
        .findings
        .iter()
        .any(|f| f.diagnostic != f.diagnostic.escaped())
    {
        let mut o = report.outcome.clone();
        for f in &mut o.findings {
            f.diagnostic = f.diagnostic.escaped();
        }
        outcome = o;
        report.outcome = &outcome;
    }
    if report.sources.files().any(|(_, f)| has_unsafe(&f.text)) {
        let mut m = SourceMap::default();
        for (_, f) in report.sources.files() {
            m.add(crate::source::SourceFile::new(
                f.path.clone(),
                mask_source(&f.text),
            ));
        }
        sources = m;
        report.sources = &sources;
    }
    emit_escaped(format, &report, out)
}

/// Unsafe characters other than the CR of a CRLF line end.
fn has_unsafe(text: &str) -> bool {
    text.replace("\r\n", "\n")
        .chars()
        .any(crate::diagnostic::is_unsafe_char)
}

/// The text with unsafe characters masked (same byte offsets), CRLF line ends kept.
fn mask_source(text: &str) -> String {
    text.split("\r\n")
        .map(|part| crate::diagnostic::mask_controls(part).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn emit_escaped(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::emit(report, out),
        Format::Json => json::emit(report, out),
        Format::Sarif => sarif::emit(report, out),
        Format::Github => github::emit(report, out),
        Format::Junit => junit::emit(report, out),
        Format::Gitlab => gitlab::emit(report, out),
    }
}

/// The version of `isms` writing the report.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
