//! JUnit XML for CI test dashboards: one `<testsuite>` per clause area, one `<testcase>` per
//! rule. A rule with errors (not waived) fails; warnings, informational and waived findings are
//! listed in the test case's `<system-out>`; a disabled rule is `<skipped>` with its reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::Report;
use crate::checks::{Area, Finding, registry};
use crate::diagnostic::Severity;

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn line(report: &Report<'_>, f: &Finding) -> String {
    let d = &f.diagnostic;
    let mut s = String::new();
    if let Some(l) = &d.location {
        let mut l = l.clone();
        l.path = report.options.ci_path(&l);
        let _ = write!(s, "{l}: ");
    }
    let _ = write!(s, "{}: {}", d.severity, d.message);
    if let Some(w) = &f.waiver {
        let _ = write!(
            s,
            " [waived until {} by {}: {}]",
            w.expires, w.owner, w.reason
        );
    }
    if let Some(h) = &d.hint {
        let _ = write!(s, "\n  help: {h}");
    }
    s
}

struct Case {
    name: String,
    failures: Vec<String>,
    other: Vec<String>,
    skipped: Option<String>,
}

/// Writes the JUnit XML report.
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    // Suite name → rule code → case, in registry order within each suite.
    let mut suites: BTreeMap<(usize, String), Vec<(String, Case)>> = BTreeMap::new();
    for (i, area) in Area::ALL.iter().enumerate() {
        for r in registry::all().iter().filter(|r| r.area == *area) {
            let skipped = outcome
                .disabled
                .iter()
                .find(|d| d.rule == r.code)
                .map(|d| format!("disabled: {}", d.reason));
            let case = Case {
                name: format!("{} {}", r.code, r.name),
                failures: vec![],
                other: vec![],
                skipped,
            };
            suites
                .entry((i, area.as_str().to_string()))
                .or_default()
                .push((r.code.to_string(), case));
        }
    }
    let other_key = (Area::ALL.len(), "other".to_string());
    for f in &outcome.findings {
        let code = f.diagnostic.code.clone();
        let key = f.rule.map_or(other_key.clone(), |r| {
            let i = Area::ALL.iter().position(|a| *a == r.area).unwrap_or(0);
            (i, r.area.as_str().to_string())
        });
        let cases = suites.entry(key).or_default();
        let idx = match cases.iter().position(|(c, _)| *c == code) {
            Some(i) => i,
            None => {
                let case = Case {
                    name: code.clone(),
                    failures: vec![],
                    other: vec![],
                    skipped: None,
                };
                cases.push((code.clone(), case));
                cases.len() - 1
            }
        };
        let text = line(report, f);
        let case = &mut cases[idx].1;
        if f.fails() {
            case.failures.push(text);
        } else {
            case.other.push(text);
        }
    }

    let count = |pred: &dyn Fn(&Case) -> bool| -> usize {
        suites
            .values()
            .flat_map(|v| v.iter())
            .filter(|(_, c)| pred(c))
            .count()
    };
    let tests = count(&|_| true);
    let failures = count(&|c| !c.failures.is_empty());
    let skipped = count(&|c| c.skipped.is_some());

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="isms check" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
    )?;
    for ((_, name), cases) in &suites {
        let f = cases.iter().filter(|(_, c)| !c.failures.is_empty()).count();
        let s = cases.iter().filter(|(_, c)| c.skipped.is_some()).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{f}" errors="0" skipped="{s}">"#,
            escape(name),
            cases.len()
        )?;
        for (_, c) in cases {
            let open = format!(
                r#"    <testcase classname="isms.{}" name="{}""#,
                escape(name),
                escape(&c.name)
            );
            if c.failures.is_empty() && c.other.is_empty() && c.skipped.is_none() {
                writeln!(out, "{open}/>")?;
                continue;
            }
            writeln!(out, "{open}>")?;
            if let Some(reason) = &c.skipped {
                writeln!(out, r#"      <skipped message="{}"/>"#, escape(reason))?;
            }
            if !c.failures.is_empty() {
                let n = c.failures.len();
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{n} {}">{}</failure>"#,
                    Severity::Error,
                    if n == 1 { "error" } else { "errors" },
                    escape(&c.failures.join("\n"))
                )?;
            }
            if !c.other.is_empty() {
                writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape(&c.other.join("\n"))
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("bell\u{7}tab\tnl\n"), "belltab\tnl\n");
    }
}
