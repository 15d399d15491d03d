//! Evidence that arrives by itself: scanner and platform exports turned into per-control
//! results for the SoA.
//!
//! Each parser is a pure function from the bytes of an export to a [`ScanSummary`]: for every
//! Annex A control the scanner maps its checks to, how many results passed and failed and
//! which checks failed. Requirements the scanner reports as manual are not evidence and are
//! only counted. Nothing here touches the disk; [`plan`] turns a summary into the changes
//! `isms evidence import` makes to the repository.
//!
//! * [`prowler`]: Prowler's ISO/IEC 27001:2022 compliance CSV and its JSON-OCSF findings.
//! * [`powerpipe`]: a Powerpipe benchmark run exported as JSON, with tags mapped to controls.
//! * [`github`]: GitHub's branch protection and pull-request review listings (`gh api`).

pub mod github;
pub mod plan;
pub mod powerpipe;
pub mod prowler;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

/// Where imported evidence comes from; the name is also the key of `evidence.ttl_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Prowler (<https://github.com/prowler-cloud/prowler>).
    Prowler,
    /// Powerpipe (<https://powerpipe.io>).
    Powerpipe,
    /// GitHub repository settings and reviews, as `gh api` returns them.
    Github,
}

impl Tool {
    /// The name used in `scan.tool`, file names and `evidence.ttl_days`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Prowler => "prowler",
            Tool::Powerpipe => "powerpipe",
            Tool::Github => "github",
        }
    }
}

/// Results for one control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Results that passed.
    pub passed: u32,
    /// Results that failed.
    pub failed: u32,
    /// Names of the checks that failed, sorted and without repeats.
    pub failing: BTreeSet<String>,
}

impl Tally {
    fn pass(&mut self) {
        self.passed = self.passed.saturating_add(1);
    }

    fn fail(&mut self, check: &str) {
        self.failed = self.failed.saturating_add(1);
        if !check.is_empty() {
            self.failing.insert(check.to_string());
        }
    }
}

/// What one export says, per Annex A control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSummary {
    /// The tool it came from.
    pub tool: Tool,
    /// What kind of export it is, for messages (`Prowler ISO 27001:2022 compliance CSV`).
    pub kind: String,
    /// The file extension to store it under (`csv`, `json`).
    pub extension: &'static str,
    /// A short name for the stored file after the tool name (`branch-protection-acme-app-main`),
    /// empty when the tool name and the date are enough.
    pub label: String,
    /// The day of the scan, when the export says.
    pub collected: Option<Date>,
    /// Results by 2022 control id (`5.10`, never `5.1`).
    pub controls: BTreeMap<String, Tally>,
    /// Controls whose requirements the scanner reported as manual only: not evidence.
    pub manual: BTreeSet<String>,
    /// Results that were muted or skipped by the scanner, not counted either way.
    pub skipped: u32,
}

impl ScanSummary {
    fn new(tool: Tool, kind: &str, extension: &'static str) -> Self {
        ScanSummary {
            tool,
            kind: kind.to_string(),
            extension,
            label: String::new(),
            collected: None,
            controls: BTreeMap::new(),
            manual: BTreeSet::new(),
            skipped: 0,
        }
    }

    /// The controls in catalogue order (`5.9` before `5.10`).
    pub fn controls_in_order(&self) -> Vec<(&String, &Tally)> {
        let mut v: Vec<_> = self.controls.iter().collect();
        v.sort_by(|a, b| crate::catalogue::compare_ids(a.0, b.0));
        v
    }

    /// Manual-only controls: reported manual and with no automated result.
    pub fn manual_only(&self) -> Vec<&String> {
        let mut v: Vec<_> = self
            .manual
            .iter()
            .filter(|id| !self.controls.contains_key(*id))
            .collect();
        v.sort_by(|a, b| crate::catalogue::compare_ids(a, b));
        v
    }

    fn note_collected(&mut self, day: Date) {
        if self.collected.is_none_or(|d| day > d) {
            self.collected = Some(day);
        }
    }
}

/// An export that cannot be imported, with where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", where_in_file(*.line, *.column, .record.as_deref()))]
pub struct ImportError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// The record within the file (`row 4`, `finding 12`), when lines are not known.
    pub record: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

fn where_in_file(line: Option<u32>, column: Option<u32>, record: Option<&str>) -> String {
    match (line, column, record) {
        (Some(l), Some(c), _) => format!(":{l}:{c}"),
        (Some(l), None, _) => format!(":{l}"),
        (None, _, Some(r)) => format!(" ({r})"),
        _ => String::new(),
    }
}

impl ImportError {
    pub(crate) fn new(file: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line: None,
            column: None,
            record: None,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn in_record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }

    /// A JSON syntax error (truncated file, stray character), at its line and column.
    pub(crate) fn json(file: &str, e: &serde_json::Error, what: &str) -> Self {
        let message = if e.is_eof() {
            format!("the JSON ends too early: the file is truncated or incomplete ({e})")
        } else {
            format!("this is not valid JSON: {e}")
        };
        ImportError {
            file: file.to_string(),
            line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
            column: u32::try_from(e.column()).ok().filter(|c| *c > 0),
            record: None,
            message,
            hint: format!("export the file again ({what}) and import the complete file"),
        }
    }
}

/// A requirement id as a scanner writes it (`A.8.1`, `8.1`, ` A.5.10 `) as the 2022 Annex A
/// id, when it is one. Ids stay text: `5.10` is never `5.1`.
pub fn annex_a_id(requirement: &str) -> Option<String> {
    let id = crate::catalogue::normalize_id(requirement);
    crate::catalogue::get(&id).map(|c| c.id.clone())
}

/// An unknown requirement id, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    pub id: String,
    pub line: Option<u32>,
    pub record: Option<String>,
}

/// The error for requirement ids that are not 2022 Annex A controls.
pub(crate) fn unknown_ids_error(file: &str, unknown: &[Unknown]) -> Option<ImportError> {
    let first = unknown.first()?;
    let mut ids: Vec<&str> = unknown.iter().map(|u| u.id.as_str()).collect();
    ids.sort_by(|a, b| crate::catalogue::compare_ids(a, b));
    ids.dedup();
    let shown = ids.iter().take(10).copied().collect::<Vec<_>>().join(", ");
    let more = if ids.len() > 10 {
        format!(" and {} more", ids.len() - 10)
    } else {
        String::new()
    };
    let two_thousand_thirteen = ids.iter().any(|i| crate::catalogue::is_2013_id(i));
    let hint = if two_thousand_thirteen {
        "these look like ISO/IEC 27001:2013 ids: use the scanner's ISO 27001:2022 framework \
         (for Prowler, the compliance file ending in `_iso27001_2022_<provider>.csv`)"
    } else {
        "Annex A of ISO/IEC 27001:2022 has controls 5.1-5.37, 6.1-6.8, 7.1-7.14 and 8.1-8.34; \
         check that the file is an ISO 27001:2022 report and has not been edited"
    };
    let mut e = ImportError::new(
        file,
        format!(
            "{} requirement id(s) are not Annex A controls of ISO/IEC 27001:2022: {shown}{more}",
            ids.len()
        ),
        hint,
    );
    e.line = first.line;
    e.record = first.record.clone();
    Some(e)
}

/// The first ten characters of a timestamp (`2026-12-07T10:20:30Z`, `2026-12-07 10:20:30.1`)
/// as a date.
pub(crate) fn date_prefix(s: &str) -> Option<Date> {
    let day = s.trim().get(..10)?;
    crate::model::Date::parse(day).map(|d| d.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_ids_are_matched_as_text() {
        assert_eq!(annex_a_id("A.5.10").as_deref(), Some("5.10"));
        assert_eq!(annex_a_id("5.10").as_deref(), Some("5.10"));
        assert_eq!(annex_a_id(" A.8.1 ").as_deref(), Some("8.1"));
        assert_ne!(annex_a_id("A.5.10"), annex_a_id("A.5.1"));
        assert_eq!(annex_a_id("A.5.38"), None);
        assert_eq!(
            annex_a_id("A.9.2.1"),
            None,
            "a 2013 id is not a 2022 control"
        );
        assert_eq!(annex_a_id("A.10.1"), None);
    }

    #[test]
    fn error_locations_read_like_compiler_output() {
        let e = ImportError::new("f.csv", "bad", "fix").at_line(3);
        assert_eq!(e.to_string(), "f.csv:3: bad");
        let e = ImportError::new("f.json", "bad", "fix").in_record("finding 2");
        assert_eq!(e.to_string(), "f.json (finding 2): bad");
    }

    #[test]
    fn timestamps_give_their_day() {
        assert_eq!(
            date_prefix("2026-12-07 09:30:00.123")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-12-07")
        );
        assert_eq!(
            date_prefix("2026-12-07T09:30:00Z")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-12-07")
        );
        assert_eq!(date_prefix("07/12/2026"), None);
        assert_eq!(date_prefix("2026"), None);
    }
}
