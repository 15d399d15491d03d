//! SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, ...).
//!
//! The `rules` array is built from the registry, with each rule's explanation as help text and
//! its clause and area in `properties`. Waived findings keep their place and carry a
//! `suppressions` entry, which code scanning shows as "dismissed" rather than hiding. Code
//! scanning rejects results without a location, so findings about something missing
//! altogether are anchored at `isms.yaml`, the root file of every ISMS repository.

use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Options, Report, TOOL_VERSION};
use crate::checks::{Finding, registry};
use crate::diagnostic::{Location, Severity};
use crate::source::SourceMap;

/// Where findings without a location are anchored.
pub const ANCHOR_FILE: &str = "isms.yaml";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what a URI reference cannot contain; `/` stays a separator.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The 1-based, exclusive end column of a highlighted range, in characters, when known.
fn end_column(sources: &SourceMap, l: &Location) -> Option<u32> {
    if l.len == 0 || l.line == 0 || l.column == 0 {
        return None;
    }
    let text = sources.by_path(&l.path)?.line_text(l.line)?;
    let start = text.char_indices().nth(l.column as usize - 1)?.0;
    let end = (start + l.len).min(text.len());
    let chars = text.get(start..end)?.chars().count() as u32;
    Some(l.column + chars)
}

fn physical(sources: &SourceMap, opts: &Options, l: &Location) -> Value {
    let mut p = json!({ "artifactLocation": { "uri": uri(&opts.ci_path(l)) } });
    if l.line > 0 {
        let mut region = json!({ "startLine": l.line });
        if l.column > 0 {
            region["startColumn"] = json!(l.column);
        }
        if let Some(end) = end_column(sources, l) {
            region["endColumn"] = json!(end);
        }
        p["region"] = region;
    }
    p
}

fn digest(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0]);
        }
        h.update(p);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stable identity for each finding that survives edits elsewhere in the file, so dashboards
/// track it across commits, and that no two findings of a run share: the code, the file and
/// the record (or message). Line numbers are left out, since they move with every edit above.
/// Findings that would still share one (several findings of a rule about one record) add their
/// message, and identical ones their rank among themselves, in the report's stable order.
fn fingerprints(findings: &[Finding]) -> Vec<String> {
    use std::collections::HashMap;
    let path = |d: &crate::diagnostic::Diagnostic| {
        d.location
            .as_ref()
            .map_or("", |l| l.path.as_str())
            .to_string()
    };
    let base: Vec<String> = findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            digest(&[
                d.code.as_bytes(),
                path(d).as_bytes(),
                d.record.as_deref().unwrap_or(&d.message).as_bytes(),
            ])
        })
        .collect();
    let count = |keys: &[String]| -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for k in keys {
            *m.entry(k.clone()).or_insert(0) += 1;
        }
        m
    };
    let shared = count(&base);
    let with_message: Vec<String> = findings
        .iter()
        .zip(&base)
        .map(|(f, b)| {
            if shared[b] == 1 {
                b.clone()
            } else {
                digest(&[b.as_bytes(), f.diagnostic.message.as_bytes()])
            }
        })
        .collect();
    let shared = count(&with_message);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    with_message
        .iter()
        .map(|k| {
            if shared[k] == 1 {
                return k.clone();
            }
            let n = seen.entry(k.as_str()).or_insert(0);
            *n += 1;
            digest(&[k.as_bytes(), n.to_string().as_bytes()])
        })
        .collect()
}

fn result(report: &Report<'_>, f: &Finding, fingerprint: &str) -> Value {
    let d = &f.diagnostic;
    let opts = report.options;
    let mut text = d.message.clone();
    if let Some(h) = &d.hint {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let anchor = Location::file(ANCHOR_FILE);
    let loc = d.location.as_ref().unwrap_or(&anchor);
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [ { "physicalLocation": physical(report.sources, opts, loc) } ],
        "partialFingerprints": { "isms/v1": fingerprint },
    });
    if let Some(i) = registry::all().iter().position(|x| x.code == d.code) {
        r["ruleIndex"] = json!(i);
    }
    if !d.related.is_empty() {
        r["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(report.sources, opts, &rel.location),
                    "message": { "text": rel.message },
                })
            })
            .collect();
    }
    if let Some(rec) = &d.record {
        r["properties"] = json!({ "record": rec });
    }
    if let Some(w) = &f.waiver {
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (owner {}, expires {})", w.reason, w.owner, w.expires),
        }]);
    }
    r
}

fn rules(report: &Report<'_>) -> Vec<Value> {
    registry::all()
        .iter()
        .map(|r| {
            let mut props = json!({
                "area": r.area.as_str(),
                "name": r.name,
                "tags": ["iso27001", r.area.as_str()],
            });
            if !r.clause.is_empty() {
                props["clause"] = json!(r.clause);
                props["iso"] = json!(r.clause_label());
            }
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.explanation.trim(), "markdown": r.explanation.trim() },
                "defaultConfiguration": {
                    "level": level(r.default_severity),
                    "enabled": !report.outcome.is_disabled(r.code),
                },
                "properties": props,
            })
        })
        .collect()
}

/// Builds the SARIF log as a JSON value.
pub fn log(report: &Report<'_>) -> Value {
    let outcome = report.outcome;
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .zip(fingerprints(&outcome.findings))
        .map(|(f, fp)| result(report, f, &fp))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "isms",
                    "semanticVersion": TOOL_VERSION,
                    "rules": rules(report),
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{ "executionSuccessful": true }],
            "results": results,
            "properties": {
                "asOf": outcome.as_of.to_string(),
                "disabledRules": outcome.disabled,
            },
        }]
    })
}

/// Writes the SARIF log (pretty-printed, newline-terminated).
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report)).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding() {
        assert_eq!(
            uri("policies/access control.md"),
            "policies/access%20control.md"
        );
        assert_eq!(uri("a#b?c%"), "a%23b%3Fc%25");
        assert_eq!(uri("é.md"), "%C3%A9.md");
        assert_eq!(uri("risks/R-001.yaml"), "risks/R-001.yaml");
    }
}
