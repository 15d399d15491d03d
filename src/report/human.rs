//! The human format: rustc-style diagnostics with the offending line of YAML or Markdown,
//! followed by waived findings, a per-rule tally and a one-line summary.
//!
//! One cause often produces many findings (a fresh SoA without evidence yields one per
//! control). Unless `--no-fold` is given, only the first [`FOLD_SHOW`] findings of a rule that
//! has more than [`FOLD_ABOVE`] are printed in full, followed by a one-line count, so the output
//! stays a to-do list rather than a wall of text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::Report;
use crate::checks::{Finding, Outcome};
use crate::diagnostic::{Location, Severity};
use crate::source::SourceMap;

/// A rule with more findings than this is folded.
pub const FOLD_ABOVE: usize = 3;
/// How many findings of a folded rule are printed in full.
pub const FOLD_SHOW: usize = 1;
/// How many record ids of the hidden findings the fold line names.
const FOLD_RECORDS: usize = 6;

/// ANSI styles for the few lines annotate-snippets does not draw.
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        match s {
            Severity::Error => self.wrap("1;91", text),
            Severity::Warning => self.wrap("1;93", text),
            Severity::Info => self.wrap("1;94", text),
        }
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
}

/// The byte range within `line` that a location highlights: from its (1-based, character)
/// column for `len` bytes, or to the end of the line's text when the length is unknown.
fn highlight(line: &str, location: &Location) -> std::ops::Range<usize> {
    let col = location.column.max(1) as usize - 1;
    let start = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let trimmed_end = line.trim_end().len().max(start);
    let mut end = if location.len > 0 {
        (start + location.len).min(line.len())
    } else {
        trimmed_end
    };
    while end > start && !line.is_char_boundary(end) {
        end -= 1;
    }
    if end == start && start < line.len() {
        end = start + line[start..].chars().next().map_or(0, char::len_utf8);
    }
    start..end
}

/// A snippet of the located line, or just the file name when there is no line to show.
fn located<'a>(
    sources: &'a SourceMap,
    location: &'a Location,
    kind: AnnotationKind,
    label: Option<&'a str>,
) -> annotate_snippets::Element<'a> {
    let text = (location.line > 0)
        .then(|| {
            sources
                .by_path(&location.path)
                .and_then(|f| f.line_text(location.line))
        })
        .flatten();
    match text {
        Some(text) => {
            let mut ann = kind.span(highlight(text, location));
            if let Some(l) = label {
                ann = ann.label(l);
            }
            Snippet::source(text)
                .line_start(location.line as usize)
                .path(location.path.as_str())
                .annotation(ann)
                .into()
        }
        None => {
            let mut o = Origin::path(location.path.as_str());
            if location.line > 0 {
                o = o.line(location.line as usize);
                if location.column > 0 {
                    o = o.char_column(location.column as usize);
                }
            }
            o.into()
        }
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Renders one finding as a rustc-style block (without trailing newline).
fn render_finding(
    renderer: &Renderer,
    sources: &SourceMap,
    f: &Finding,
    first_of_rule: bool,
) -> String {
    let d = &f.diagnostic;
    let title = match f.rule.filter(|r| !r.clause.is_empty()) {
        Some(r) => format!("{} [{}]", d.message, r.clause),
        None => d.message.clone(),
    };
    let mut group: Group<'_> =
        Group::with_title(level(d.severity).primary_title(title).id(d.code.as_str()));
    if let Some(loc) = &d.location {
        group = group.element(located(sources, loc, AnnotationKind::Primary, None));
    }
    let mut notes = Vec::new();
    for r in &d.related {
        if r.location.line > 0 && sources.by_path(&r.location.path).is_some() {
            group = group.element(located(
                sources,
                &r.location,
                AnnotationKind::Context,
                Some(&r.message),
            ));
        } else {
            notes.push(format!("{}: {}", r.location, r.message));
        }
    }
    for n in notes {
        group = group.element(Level::NOTE.message(n));
    }
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    if let Some(r) = f.rule.filter(|_| first_of_rule) {
        group = group.element(Level::NOTE.message(format!(
            "rule {}: run `isms explain {}` for why and how to fix",
            r.name, r.code
        )));
    }
    renderer.render(&[group])
}

/// The records of the folded findings of a rule, so the fold line still says what to fix:
/// ` about and 38 others`.
fn hidden_records(active: &[&Finding], code: &str) -> String {
    let mut records: Vec<&str> = Vec::new();
    // A set beside the list: a rule can fold tens of thousands of findings.
    let mut seen = std::collections::HashSet::new();
    for f in active
        .iter()
        .filter(|f| f.diagnostic.code == code)
        .skip(FOLD_SHOW)
    {
        if let Some(r) = f.diagnostic.record.as_deref()
            && seen.insert(r)
        {
            records.push(r);
        }
    }
    match records.len() {
        0 => String::new(),
        // "and 1 others" would save nothing: name the last one too.
        n if n <= FOLD_RECORDS + 1 => format!(" about {}", records.join(", ")),
        n => format!(
            " about {} and {} others",
            records[..FOLD_RECORDS].join(", "),
            n - FOLD_RECORDS
        ),
    }
}

/// Writes the human report.
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    let opts = report.options;
    let paint = Paint { on: opts.color };
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };

    let active: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.waiver.is_none())
        .collect();
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &active {
        *per_code.entry(f.diagnostic.code.as_str()).or_default() += 1;
    }
    let folded = |code: &str| opts.fold && per_code.get(code).copied().unwrap_or(0) > FOLD_ABOVE;

    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let mut any_folded = false;
    for f in &active {
        let code = f.diagnostic.code.as_str();
        let n = shown.entry(code).or_default();
        *n += 1;
        if folded(code) && *n > FOLD_SHOW {
            continue;
        }
        writeln!(
            out,
            "{}\n",
            render_finding(&renderer, report.sources, f, *n == 1)
        )?;
        if folded(code) && *n == FOLD_SHOW {
            any_folded = true;
            let total = per_code[code];
            let name = f.rule.map(|r| format!(" ({})", r.name)).unwrap_or_default();
            let line = format!(
                "... and {} more {code} findings{name}{}; use --no-fold to list them all",
                total - FOLD_SHOW,
                hidden_records(&active, code)
            );
            writeln!(out, "{}\n", paint.dim(&line))?;
        }
    }

    let waived: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.waiver.is_some())
        .collect();
    if !waived.is_empty() {
        writeln!(
            out,
            "{}",
            paint.bold("waived findings (accepted exceptions, not failing the run):")
        )?;
        for f in &waived {
            let d = &f.diagnostic;
            let Some(w) = &f.waiver else { continue };
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{l}: "))
                .unwrap_or_default();
            writeln!(out, "  {at}{}[{}] {}", d.severity, d.code, d.message)?;
            writeln!(
                out,
                "    waived until {} by {}: {}",
                w.expires, w.owner, w.reason
            )?;
        }
        writeln!(out)?;
    }

    if any_folded || active.len() >= 10 {
        write_tally(out, outcome, &active, &paint)?;
    }
    write_summary(out, outcome, &paint)
}

/// A per-rule count of the findings, most severe first: the to-do list at a glance.
fn write_tally(
    out: &mut dyn Write,
    _outcome: &Outcome,
    active: &[&Finding],
    paint: &Paint,
) -> io::Result<()> {
    let mut rows: BTreeMap<(Severity, &str), (usize, &str)> = BTreeMap::new();
    for f in active {
        let name = f.rule.map_or("", |r| r.name);
        rows.entry((f.diagnostic.severity, f.diagnostic.code.as_str()))
            .or_insert((0, name))
            .0 += 1;
    }
    writeln!(out, "{}", paint.bold("findings by rule:"))?;
    for ((sev, code), (n, name)) in &rows {
        let sev_text = format!("{:<7}", sev.as_str());
        writeln!(
            out,
            "  {n:>5}  {}  {code:<8} {name}",
            paint.severity(*sev, &sev_text)
        )?;
    }
    writeln!(out)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line, e.g. `isms check: 2 errors, 5 warnings; 1 waived (as of 2025-06-30)`.
fn write_summary(out: &mut dyn Write, outcome: &Outcome, paint: &Paint) -> io::Result<()> {
    let s = outcome.summary();
    let mut line = String::new();
    let mut parts = Vec::new();
    if s.errors > 0 {
        parts.push(paint.severity(Severity::Error, &plural(s.errors, "error", "errors")));
    }
    if s.warnings > 0 {
        parts.push(paint.severity(
            Severity::Warning,
            &plural(s.warnings, "warning", "warnings"),
        ));
    }
    if s.infos > 0 {
        parts.push(paint.severity(Severity::Info, &plural(s.infos, "info", "infos")));
    }
    if parts.is_empty() {
        line.push_str("no problems found");
    } else {
        line.push_str(&parts.join(", "));
    }
    let mut extra = Vec::new();
    if s.waived > 0 {
        extra.push(format!("{} waived", s.waived));
    }
    if !outcome.disabled.is_empty() {
        let codes: Vec<&str> = outcome.disabled.iter().map(|d| d.rule).collect();
        extra.push(format!(
            "{} disabled ({})",
            plural(codes.len(), "rule", "rules"),
            codes.join(", ")
        ));
    }
    if !extra.is_empty() {
        let _ = write!(line, "; {}", extra.join(", "));
    }
    writeln!(
        out,
        "{}: {line} (as of {})",
        paint.bold("isms check"),
        outcome.as_of
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(column: u32, len: usize) -> Location {
        Location {
            path: "a.yaml".into(),
            line: 1,
            column,
            len,
        }
    }

    fn findings(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| Finding {
                diagnostic: crate::diagnostic::Diagnostic::error("SUP-02", "x")
                    .for_record(format!("p-{i}")),
                rule: None,
                waiver: None,
            })
            .collect()
    }

    #[test]
    fn fold_line_names_hidden_records_without_saying_1_others() {
        let f = findings(FOLD_SHOW + FOLD_RECORDS + 1);
        let refs: Vec<&Finding> = f.iter().collect();
        let text = hidden_records(&refs, "SUP-02");
        assert!(!text.contains("others"), "{text}");
        assert_eq!(text.matches("p-").count(), FOLD_RECORDS + 1);
        let f = findings(FOLD_SHOW + FOLD_RECORDS + 3);
        let refs: Vec<&Finding> = f.iter().collect();
        assert!(hidden_records(&refs, "SUP-02").ends_with(" and 3 others"));
    }

    #[test]
    fn highlight_ranges() {
        assert_eq!(highlight("owner: bob  ", &loc(8, 3)), 7..10);
        assert_eq!(
            highlight("owner: bob  ", &loc(8, 0)),
            7..10,
            "to end of text"
        );
        assert_eq!(highlight("owner: bob", &loc(1, 99)), 0..10, "clamped");
        assert_eq!(highlight("", &loc(1, 0)), 0..0, "empty line");
        assert_eq!(highlight("é: x", &loc(1, 1)), 0..2, "char boundary kept");
        assert_eq!(highlight("ab", &loc(9, 0)), 2..2, "column past the end");
    }
}
