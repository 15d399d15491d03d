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
///
/// Every source file is scanned on every run, so this looks at bytes and decodes a character
/// only where an unsafe one can start: ASCII controls, and the lead bytes of C1 controls
/// (0xC2), U+061C (0xD8) and the bidirectional controls (0xE2).
fn has_unsafe(text: &str) -> bool {
    const CHUNK: usize = 32;
    let bytes = text.as_bytes();
    // Printable ASCII and newlines, most of any file, are passed a chunk at a time (the
    // compiler vectorises the fold); a chunk with anything else is looked at byte by byte.
    let plain = |c: &[u8]| {
        c.iter().fold(true, |ok, &b| {
            ok & ((0x20..0x7f).contains(&b) | (b == b'\n'))
        })
    };
    bytes.chunks(CHUNK).enumerate().any(|(n, chunk)| {
        !plain(chunk)
            && chunk
                .iter()
                .enumerate()
                .any(|(j, &b)| unsafe_at(text, n * CHUNK + j, b))
    })
}

/// Whether the character starting at byte `i` (whose first byte is `b`) is unsafe.
fn unsafe_at(text: &str, i: usize, b: u8) -> bool {
    let bytes = text.as_bytes();
    match b {
        b'\n' | b'\t' => false,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        0..0x20 | 0x7f => true,
        0xc2 | 0xd8 | 0xe2 => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(crate::diagnostic::is_unsafe_char),
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::has_unsafe;
    use crate::diagnostic::is_unsafe_char;

    /// The byte scan agrees with the character rule on every character, wherever it falls in
    /// a chunk, so the two cannot drift apart.
    #[test]
    fn the_byte_scan_finds_exactly_the_unsafe_characters() {
        let mut text = String::new();
        for (n, c) in (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .enumerate()
        {
            text.clear();
            text.push_str(&"a".repeat(n % 40));
            text.push(c);
            text.push('é');
            assert_eq!(
                has_unsafe(&text),
                is_unsafe_char(c),
                "{:?} at {}",
                c,
                n % 40
            );
        }
    }

    #[test]
    fn a_crlf_line_end_is_not_unsafe_but_a_lone_cr_is() {
        assert!(!has_unsafe("a: 1\r\nb: 2\r\n"));
        assert!(has_unsafe("a: 1\rb: 2\n"));
        assert!(has_unsafe("a: 1\r"));
        assert!(!has_unsafe("tab\tand newline\n"));
    }
}
