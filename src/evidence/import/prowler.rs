//! Prowler exports: the ISO/IEC 27001:2022 compliance CSV (`--compliance iso27001_2022_aws`,
//! written to `output/compliance/*_iso27001_2022_<provider>.csv`) and the JSON-OCSF findings
//! (`-M json-ocsf`), whose `unmapped.compliance["ISO27001-2022"]` lists the requirement ids
//! each finding counts for.
//!
//! The CSV has one row per (finding, requirement), `;`-separated, with upper-case headers; the
//! columns read are `REQUIREMENTS_ID`, `STATUS` (`PASS`, `FAIL`, `MANUAL`), `CHECKID`,
//! `ASSESSMENTDATE`, `FRAMEWORK`, `NAME` and, when present, `MUTED`.

use serde_json::Value;

use super::{ImportError, ScanSummary, Tool, Unknown, annex_a_id, date_prefix, unknown_ids_error};

/// The key of the 2022 mapping in `unmapped.compliance`.
pub const OCSF_KEY: &str = "ISO27001-2022";

const REQUIRED_COLUMNS: [&str; 4] = ["REQUIREMENTS_ID", "STATUS", "CHECKID", "ASSESSMENTDATE"];

/// Parses a Prowler export, CSV or JSON-OCSF, told apart by its first character.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ScanSummary, ImportError> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF));
    match first {
        None => Err(ImportError::new(
            file,
            "the file is empty",
            "import the compliance CSV or the JSON-OCSF file Prowler wrote",
        )),
        Some(b'[') | Some(b'{') => parse_ocsf(file, bytes),
        Some(_) => parse_csv(file, bytes),
    }
}

/// Parses Prowler's ISO/IEC 27001:2022 compliance CSV.
pub fn parse_csv(file: &str, bytes: &[u8]) -> Result<ScanSummary, ImportError> {
    let header_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if header_line.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(file, bytes, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_uppercase())
        .collect::<Vec<_>>();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        let cis = col("REQUIREMENTS_ATTRIBUTES_SECTION").is_some()
            || col("REQUIREMENTS_ATTRIBUTES_PROFILE").is_some();
        let hint = if cis {
            "this looks like a CIS compliance report; import the ISO 27001:2022 one \
             (`prowler <provider> --compliance iso27001_2022_<provider>`, the file ending in \
             `_iso27001_2022_<provider>.csv`)"
                .to_string()
        } else {
            format!(
                "Prowler's compliance CSV has the columns {}; import the file from \
                 `output/compliance/` ending in `_iso27001_2022_<provider>.csv`, unchanged",
                REQUIRED_COLUMNS.join(", ")
            )
        };
        return Err(ImportError::new(
            file,
            format!(
                "this is not a Prowler ISO 27001:2022 compliance CSV: the header has no {} column{}",
                missing.join(", "),
                if missing.len() == 1 { "" } else { "s" }
            ),
            hint,
        )
        .at_line(1));
    }
    let (id_col, status_col, check_col, date_col) = (
        col("REQUIREMENTS_ID").unwrap_or(0),
        col("STATUS").unwrap_or(0),
        col("CHECKID").unwrap_or(0),
        col("ASSESSMENTDATE").unwrap_or(0),
    );
    let framework_col = col("FRAMEWORK");
    let name_col = col("NAME");
    let muted_col = col("MUTED");

    let mut summary = ScanSummary::new(
        Tool::Prowler,
        "Prowler ISO 27001:2022 compliance CSV",
        "csv",
    );
    let mut unknown = Vec::new();
    let mut rows = 0usize;
    // Line starts, found once: looking each row's line up from the start of the file made
    // large reports quadratic.
    let newlines: Vec<u64> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i as u64)
        .collect();
    let line_of = |byte: u64| {
        let before = newlines.partition_point(|&n| n <= byte);
        u32::try_from(before).map_or(u32::MAX, |n| n.saturating_add(1))
    };
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, bytes, &e))?;
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        rows += 1;
        let row_error =
            |message: String, hint: &str| ImportError::new(file, message, hint).at_line(line);
        if let Some(c) = framework_col {
            let framework = field(c);
            if !framework.eq_ignore_ascii_case("ISO27001") {
                return Err(row_error(
                    format!("this report is for the framework `{framework}`, not ISO 27001"),
                    "import the ISO 27001:2022 compliance CSV (`prowler <provider> --compliance \
                     iso27001_2022_<provider>`)",
                ));
            }
        }
        if let Some(c) = name_col {
            let name = field(c);
            if name.contains("2013") {
                return Err(row_error(
                    format!(
                        "this report is for ISO/IEC 27001:2013 (`{name}`), not the 2022 edition"
                    ),
                    "run Prowler with `--compliance iso27001_2022_<provider>` and import that file",
                ));
            }
        }
        let requirement = field(id_col);
        let Some(id) = annex_a_id(requirement) else {
            unknown.push(Unknown {
                id: requirement.to_string(),
                line: Some(line),
                record: None,
            });
            continue;
        };
        if muted_col.is_some_and(|c| field(c).eq_ignore_ascii_case("true")) {
            summary.skipped += 1;
            continue;
        }
        let date = field(date_col);
        let Some(day) = date_prefix(date) else {
            return Err(row_error(
                format!("ASSESSMENTDATE `{date}` is not a date"),
                "the column holds the time of the scan, such as `2026-12-07 09:30:00`; export the file again",
            ));
        };
        summary.note_collected(day);
        match field(status_col).to_ascii_uppercase().as_str() {
            "PASS" => summary.controls.entry(id).or_default().pass(),
            "FAIL" => summary
                .controls
                .entry(id)
                .or_default()
                .fail(field(check_col)),
            "MANUAL" => {
                summary.manual.insert(id);
            }
            other => {
                return Err(row_error(
                    format!("STATUS `{other}` is not one of PASS, FAIL, MANUAL"),
                    "export the file again with Prowler; edited reports cannot be imported",
                ));
            }
        }
    }
    if let Some(e) = unknown_ids_error(file, &unknown) {
        return Err(e);
    }
    if rows == 0 {
        return Err(ImportError::new(
            file,
            "the report has a header but no results",
            "run the scan again; Prowler writes one row per finding and requirement",
        ));
    }
    Ok(summary)
}

/// The 1-based line of a record that starts at `byte`. The csv crate's own line count lags
/// by one after `\r\n` line ends, which Prowler writes; its byte offset points at the line
/// end just before the record, or at the record's first byte.
fn line_at(bytes: &[u8], byte: u64) -> u32 {
    let end = usize::try_from(byte).map_or(bytes.len(), |b| (b + 1).min(bytes.len()));
    let newlines = bytes[..end].iter().filter(|b| **b == b'\n').count();
    u32::try_from(newlines).map_or(u32::MAX, |n| n.saturating_add(1))
}

fn csv_error(file: &str, bytes: &[u8], e: &csv::Error) -> ImportError {
    let line = e.position().map(|p| line_at(bytes, p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => format!("the CSV cannot be read: {e}"),
    };
    let mut err = ImportError::new(
        file,
        message,
        "import the compliance CSV exactly as Prowler wrote it (`;`-separated, one header row)",
    );
    err.line = line;
    err
}

/// Parses Prowler's JSON-OCSF output: an array of Detection Findings.
pub fn parse_ocsf(file: &str, bytes: &[u8]) -> Result<ScanSummary, ImportError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::json(file, &e, "`prowler <provider> -M json-ocsf`"))?;
    let Some(findings) = value.as_array() else {
        return Err(ImportError::new(
            file,
            "this is not Prowler's JSON-OCSF output: the top level is not a list of findings",
            "import the `*.ocsf.json` file Prowler wrote (`-M json-ocsf`)",
        ));
    };
    let mut summary = ScanSummary::new(Tool::Prowler, "Prowler JSON-OCSF findings", "json");
    let mut unknown = Vec::new();
    let mut other_editions = false;
    let mut mapped = 0usize;
    for (i, finding) in findings.iter().enumerate() {
        let n = i + 1;
        let record = || format!("finding {n}");
        let Some(obj) = finding.as_object() else {
            return Err(ImportError::new(
                file,
                "a finding is not a JSON object",
                "import the `*.ocsf.json` file Prowler wrote, unchanged",
            )
            .in_record(record()));
        };
        let compliance = obj
            .get("unmapped")
            .and_then(|u| u.get("compliance"))
            .and_then(Value::as_object);
        let Some(ids) = compliance.and_then(|c| c.get(OCSF_KEY)) else {
            if compliance.is_some_and(|c| c.keys().any(|k| k.starts_with("ISO27001"))) {
                other_editions = true;
            }
            continue;
        };
        let Some(ids) = ids.as_array() else {
            return Err(ImportError::new(
                file,
                format!("`unmapped.compliance.{OCSF_KEY}` is not a list of requirement ids"),
                "import the file as Prowler wrote it",
            )
            .in_record(record()));
        };
        mapped += 1;
        let status = obj
            .get("status_code")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_uppercase();
        let check = obj
            .get("metadata")
            .and_then(|m| m.get("event_code"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let muted = obj
            .get("status")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("suppressed"));
        let time = obj
            .get("time_dt")
            .or_else(|| {
                obj.get("finding_info")
                    .and_then(|f| f.get("created_time_dt"))
            })
            .and_then(Value::as_str);
        let Some(day) = time.and_then(date_prefix) else {
            return Err(ImportError::new(
                file,
                "the finding has no `time_dt` date",
                "import the file as Prowler wrote it; every finding carries the time of the scan",
            )
            .in_record(record()));
        };
        for id in ids {
            let text = id
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| id.to_string());
            let Some(control) = annex_a_id(&text) else {
                unknown.push(Unknown {
                    id: text,
                    line: None,
                    record: Some(record()),
                });
                continue;
            };
            if muted {
                summary.skipped += 1;
                continue;
            }
            summary.note_collected(day);
            match status.as_str() {
                "PASS" => summary.controls.entry(control).or_default().pass(),
                "FAIL" => summary.controls.entry(control).or_default().fail(check),
                "MANUAL" => {
                    summary.manual.insert(control);
                }
                other => {
                    return Err(ImportError::new(
                        file,
                        format!("`status_code` `{other}` is not one of PASS, FAIL, MANUAL"),
                        "import the file as Prowler wrote it",
                    )
                    .in_record(record()));
                }
            }
        }
    }
    if let Some(e) = unknown_ids_error(file, &unknown) {
        return Err(e);
    }
    if mapped == 0 {
        let message = if other_editions {
            format!(
                "no finding is mapped to ISO/IEC 27001:2022 (`{OCSF_KEY}`), only to another edition"
            )
        } else {
            format!(
                "no finding is mapped to ISO/IEC 27001:2022: none has `unmapped.compliance.{OCSF_KEY}`"
            )
        };
        return Err(ImportError::new(
            file,
            message,
            "use a Prowler version whose ISO 27001:2022 framework covers this provider, or import \
             the compliance CSV (`--compliance iso27001_2022_<provider>`)",
        ));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_located_at_their_line() {
        let csv = "REQUIREMENTS_ID;STATUS;CHECKID;ASSESSMENTDATE\r\nA.8.24;PASS;c;2025-06-20\r\nA.5.38;PASS;c;2025-06-20\r\n";
        let e = parse_csv("f.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
