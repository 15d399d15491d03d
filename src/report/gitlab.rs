//! GitLab Code Quality: the subset of the Code Climate JSON issue format GitLab reads
//! (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`), so findings show in merge request widgets.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Report;
use crate::checks::Finding;
use crate::diagnostic::Severity;

/// GitLab's severities: errors block the merge, warnings are worth a look, infos are minor.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// An identity stable across runs for the same finding (code, file, record or message), made
/// unique by an occurrence number when one record has several findings of one rule: GitLab
/// merges issues with equal fingerprints.
fn fingerprint(f: &Finding, seen: &mut HashMap<String, usize>) -> String {
    let d = &f.diagnostic;
    let path = d.location.as_ref().map_or("", |l| l.path.as_str());
    let key = format!(
        "{}\0{path}\0{}\0{}",
        d.code,
        d.record.as_deref().unwrap_or(""),
        d.message
    );
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update(n.to_string().as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the findings (waived ones left out: GitLab has no notion of an accepted issue) as
/// one JSON array.
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashMap::new();
    let issues: Vec<Value> = report
        .outcome
        .findings
        .iter()
        .filter(|f| f.waiver.is_none())
        .map(|f| {
            let d = &f.diagnostic;
            let (path, line) = match &d.location {
                Some(l) => (report.options.ci_path(l), l.line.max(1)),
                None => (format!("{}isms.yaml", report.options.path_prefix), 1),
            };
            let mut description = format!("{}: {}", d.code, d.message);
            if let Some(h) = &d.hint {
                description.push_str(" (");
                description.push_str(h);
                description.push(')');
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": d.code,
                "categories": ["Compliance"],
                "fingerprint": fingerprint(f, &mut seen),
                "severity": severity(d.severity),
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
