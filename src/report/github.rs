//! GitHub Actions workflow commands: each finding becomes an annotation on the file and line
//! in the pull request (`::error file=soa.yaml,line=12,col=5,title=isms SOA-05::...`).
//!
//! Escaping follows the Actions toolkit: in the message `%`, CR and LF are percent-encoded; in
//! properties `:` and `,` are too, since they delimit the property list.

use std::io::{self, Write};

use super::Report;
use crate::diagnostic::Severity;

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

/// Writes one workflow command per finding. Waived findings are written as notices, so the
/// exception stays visible in the pull request without failing it.
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.outcome.findings {
        let d = &f.diagnostic;
        let command = match (&f.waiver, d.severity) {
            (Some(_), _) | (None, Severity::Info) => "notice",
            (None, Severity::Error) => "error",
            (None, Severity::Warning) => "warning",
        };
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
    Ok(())
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
