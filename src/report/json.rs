//! The JSON format: one versioned document, stable for scripts and dashboards.
//!
//! The schema is documented in `docs/check.md`. Every key is always present (absent values are
//! `null` or empty arrays) so consumers never need to probe. Adding a key is a compatible
//! change; renaming or removing one bumps `version`.

use std::io::{self, Write};

use jiff::civil::Date;
use serde::Serialize;

use super::{Report, TOOL_VERSION};
use crate::checks::sink::{DisabledRule, Summary, WaiverNote};
use crate::diagnostic::{Location, Severity};

/// The version of the JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    #[serde(serialize_with = "crate::checks::sink::serialize_date")]
    as_of: Date,
    failed: bool,
    summary: Summary,
    disabled: &'a [DisabledRule],
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// A finding about a whole file has no region: no `line` (as in every other format), and an
/// unknown column is left out too, rather than written as 0.
#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    line: u32,
    #[serde(skip_serializing_if = "is_zero")]
    column: u32,
    len: usize,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl<'a> From<&'a Location> for JsonLocation<'a> {
    fn from(l: &'a Location) -> Self {
        JsonLocation {
            path: &l.path,
            line: l.line,
            column: l.column,
            len: l.len,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    location: JsonLocation<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: Option<&'static str>,
    area: Option<&'static str>,
    clause: Option<&'static str>,
    severity: Severity,
    default_severity: Option<Severity>,
    message: &'a str,
    location: Option<JsonLocation<'a>>,
    hint: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    record: Option<&'a str>,
    waived: Option<&'a WaiverNote>,
}

/// Writes the JSON report (pretty-printed, newline-terminated).
pub fn emit(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    let diagnostics = outcome
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            JsonDiagnostic {
                code: &d.code,
                name: f.rule.map(|r| r.name),
                area: f.rule.map(|r| r.area.as_str()),
                clause: f.rule.map(|r| r.clause).filter(|c| !c.is_empty()),
                severity: d.severity,
                default_severity: f.rule.map(|r| r.default_severity),
                message: &d.message,
                location: d.location.as_ref().map(JsonLocation::from),
                hint: d.hint.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        location: (&r.location).into(),
                        message: &r.message,
                    })
                    .collect(),
                record: d.record.as_deref(),
                waived: f.waiver.as_ref(),
            }
        })
        .collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "isms",
            version: TOOL_VERSION,
        },
        as_of: outcome.as_of,
        failed: outcome.failed(),
        summary: outcome.summary(),
        disabled: &outcome.disabled,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
