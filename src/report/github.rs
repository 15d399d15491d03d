//! GitHub Actions workflow commands: each finding becomes an annotation on the file and line
//! in the pull request (`::error file=soa.yaml,line=12,col=5,title=isms SOA-05::...`).
//!
//! Escaping follows the Actions toolkit: in the message `%`, CR and LF are percent-encoded; in
//! properties `:` and `,` are too, since they delimit the property list.
//!
//! GitHub shows only the first 10 error and 10 warning annotations of a step, so errors come
//! first, then warnings, then notices (infos and waived findings), each in the report's order;
//! a closing notice gives the totals and says when annotations were cut, and
//! [`job_summary`] gives the count per rule for `$GITHUB_STEP_SUMMARY`.

use std::io::{self, Write};

use super::Report;
use crate::checks::{Finding, Outcome};
use crate::diagnostic::Severity;

/// Annotations of one kind GitHub shows per step; the rest stay in the log only.
pub const SHOWN_PER_KIND: usize = 10;

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command of a finding. Waived findings are notices, so the exception stays
/// visible in the pull request without failing it.
fn command(f: &Finding) -> &'static str {
    match (&f.waiver, f.diagnostic.severity) {
        (Some(_), _) | (None, Severity::Info) => "notice",
        (None, Severity::Error) => "error",
        (None, Severity::Warning) => "warning",
    }
}

fn rank(command: &str) -> u8 {
    match command {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Writes one workflow command per finding, errors first, then a closing summary notice.
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut findings: Vec<&Finding> = report.outcome.findings.iter().collect();
    // Stable: within a kind the report's order (file, line, code) stays.
    findings.sort_by_key(|f| rank(command(f)));
    for f in &findings {
        let d = &f.diagnostic;
        let command = command(f);
        let mut props = Vec::new();
        if let Some(l) = &d.location {
            props.push(format!(
                "file={}",
                escape_property(&report.options.ci_path(l))
            ));
            if l.line > 0 {
                props.push(format!("line={}", l.line));
                if l.column > 0 {
                    props.push(format!("col={}", l.column));
                }
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("isms {}", d.code))
        ));
        let mut message = String::new();
        if let Some(w) = &f.waiver {
            message.push_str(&format!(
                "[waived until {} by {}: {}] ",
                w.expires, w.owner, w.reason
            ));
        }
        message.push_str(&d.message);
        if let Some(r) = f.rule.filter(|r| !r.clause.is_empty()) {
            message.push_str(&format!(" [{}]", r.clause));
        }
        if let Some(h) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    let count = |c: &str| findings.iter().filter(|f| command(f) == c).count();
    let (errors, warnings) = (count("error"), count("warning"));
    let s = report.outcome.summary();
    let mut line = format!(
        "isms check as of {}: {}, {}, {}",
        report.outcome.as_of,
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(s.infos, "info")
    );
    if s.waived > 0 {
        line.push_str(&format!(", {} waived", s.waived));
    }
    if errors > SHOWN_PER_KIND || warnings > SHOWN_PER_KIND {
        line.push_str(&format!(
            ". GitHub shows the first {SHOWN_PER_KIND} error and {SHOWN_PER_KIND} warning \
             annotations of a step (errors are listed first): the log above and the job summary \
             have them all, and `isms check` shows them locally"
        ));
    }
    writeln!(
        out,
        "::notice title={}::{}",
        escape_property("isms check"),
        escape_data(&line)
    )
}

/// The job summary: a Markdown table of the findings by rule, errors first, for
/// `$GITHUB_STEP_SUMMARY`.
pub fn job_summary(outcome: &Outcome) -> String {
    use std::collections::BTreeMap;
    // (rank, code) -> (severity shown, name, findings, waived)
    let mut rows: BTreeMap<(u8, String), (&'static str, &str, usize, usize)> = BTreeMap::new();
    for f in &outcome.findings {
        let d = &f.diagnostic;
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let rank = match d.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        let name = f.rule.map_or("", |r| r.name);
        let row = rows
            .entry((rank, d.code.clone()))
            .or_insert((severity, name, 0, 0));
        row.2 += 1;
        if f.waiver.is_some() {
            row.3 += 1;
        }
    }
    let s = outcome.summary();
    let mut md = format!(
        "### isms check\n\nAs of {}: {}, {}, {}, {} waived.\n\n",
        outcome.as_of,
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        s.waived
    );
    if rows.is_empty() {
        md.push_str("No findings.\n");
        return md;
    }
    md.push_str("| Rule | Name | Severity | Findings | Waived |\n|---|---|---|---:|---:|\n");
    for ((_, code), (severity, name, n, waived)) in &rows {
        md.push_str(&format!(
            "| {} | {} | {severity} | {n} | {waived} |\n",
            cell(code),
            cell(name)
        ));
    }
    md
}

/// A table cell: `|` would end it and a line break would end the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_property("a: b, c%"), "a%3A b%2C c%25");
        assert_eq!(escape_property("x\ny"), "x%0Ay");
    }
}
