//! Frameworks an organisation defines in its own repository: mappings it holds a licence to
//! (SOC 2, CIS Controls) or its own catalogues, as two kinds of CSV file under `frameworks/`,
//! told apart by their header row:
//!
//! - requirements: `framework_id,requirement_id,title,section`
//! - mapping: `framework_id,requirement_id,iso_ref,relationship`
//!
//! The loader reads the files; this module only turns their text into [`Framework`]s and
//! reports every bad row with its line, so nothing is half-loaded silently.

use std::collections::{BTreeMap, BTreeSet};

use super::{Framework, IsoRef, Mapping, Node, Relationship};

/// The header of a requirement list.
pub const REQUIREMENT_COLUMNS: [&str; 4] = ["framework_id", "requirement_id", "title", "section"];
/// The header of a mapping.
pub const MAPPING_COLUMNS: [&str; 4] =
    ["framework_id", "requirement_id", "iso_ref", "relationship"];

/// Which kind of framework CSV a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    /// A requirement list.
    Requirements,
    /// A mapping to ISO/IEC 27001:2022.
    Mapping,
}

/// A problem in one framework CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Repository-relative path.
    pub path: String,
    /// 1-based line (0: the file as a whole).
    pub line: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// One framework CSV file's text.
#[derive(Debug, Clone)]
pub struct CsvFile<'a> {
    /// Repository-relative path.
    pub path: &'a str,
    /// Its text.
    pub text: &'a str,
}

fn header_of(text: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .next()
        .and_then(Result::ok)
        .map(|h| h.iter().map(|c| c.trim().to_ascii_lowercase()).collect())
        .unwrap_or_default()
}

/// The kind of a framework CSV, from its header (extra columns are allowed after the four).
pub fn kind_of(text: &str) -> Option<CsvKind> {
    let h = header_of(text);
    let starts = |cols: &[&str]| h.len() >= cols.len() && h.iter().zip(cols).all(|(a, b)| a == b);
    if starts(&REQUIREMENT_COLUMNS) {
        Some(CsvKind::Requirements)
    } else if starts(&MAPPING_COLUMNS) {
        Some(CsvKind::Mapping)
    } else {
        None
    }
}

/// Rows of a CSV after its header, with their 1-based line; a row the CSV reader cannot read
/// becomes an error.
fn rows(file: &CsvFile<'_>, errors: &mut Vec<RowError>) -> Vec<(u32, Vec<String>)> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file.text.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec
                    .position()
                    .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                out.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
            }
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                errors.push(RowError {
                    path: file.path.to_string(),
                    line,
                    message: format!("cannot read this CSV row: {e}"),
                    hint: "check the quoting: a value with a comma must be in double quotes".into(),
                });
            }
        }
    }
    out
}

/// A framework's requirement list while it is read: nodes, the ids taken, the files.
type List = (Vec<Node>, BTreeSet<String>, Vec<String>);

/// Builds the custom frameworks from their CSV files. A framework needs a requirement list;
/// mapping rows are checked against it. Every bad row is reported and left out; the rest load.
pub fn build(files: &[CsvFile<'_>]) -> (Vec<Framework>, Vec<RowError>) {
    let mut errors = Vec::new();
    let builtin: BTreeSet<&str> = super::BUILTIN_IDS.into_iter().collect();
    let mut lists: BTreeMap<String, List> = BTreeMap::new();
    let mut mapping_rows: Vec<(&str, u32, Vec<String>)> = Vec::new();
    for f in files {
        match kind_of(f.text) {
            Some(CsvKind::Requirements) => {
                for (line, cols) in rows(f, &mut errors) {
                    let get = |i: usize| cols.get(i).cloned().unwrap_or_default();
                    let (fw, id, title, section) = (get(0), get(1), get(2), get(3));
                    let err = |message: String, hint: &str| RowError {
                        path: f.path.to_string(),
                        line,
                        message,
                        hint: hint.to_string(),
                    };
                    if fw.is_empty() || id.is_empty() {
                        errors.push(err(
                            "a requirement row needs `framework_id` and `requirement_id`".into(),
                            "fill in both columns, or delete the row",
                        ));
                        continue;
                    }
                    if builtin.contains(fw.to_ascii_lowercase().as_str()) {
                        errors.push(err(
                            format!("`{fw}` is a built-in framework of isms"),
                            "give your framework another id (record your own answers to a built-in framework in frameworks/<id>.yaml)",
                        ));
                        continue;
                    }
                    let entry = lists.entry(fw.clone()).or_default();
                    if !entry.2.iter().any(|p| p == f.path) {
                        entry.2.push(f.path.to_string());
                    }
                    if !section.is_empty() && entry.1.insert(section.clone()) {
                        entry.0.push(Node {
                            id: section.clone(),
                            parent: None,
                            requirement: false,
                            name: section.clone(),
                            text: String::new(),
                        });
                    } else if !section.is_empty()
                        && entry.0.iter().any(|n| n.id == section && n.requirement)
                    {
                        errors.push(err(
                            format!("section `{section}` is also the id of a requirement of {fw}"),
                            "give sections names that are not requirement ids",
                        ));
                        continue;
                    }
                    if section == id || !entry.1.insert(id.clone()) {
                        errors.push(err(
                            format!("requirement `{id}` of {fw} is listed twice"),
                            "keep one row per requirement",
                        ));
                        continue;
                    }
                    entry.0.push(Node {
                        id,
                        parent: Some(section).filter(|s| !s.is_empty()),
                        requirement: true,
                        name: title,
                        text: String::new(),
                    });
                }
            }
            Some(CsvKind::Mapping) => {
                for (line, cols) in rows(f, &mut errors) {
                    mapping_rows.push((f.path, line, cols));
                }
            }
            None => errors.push(RowError {
                path: f.path.to_string(),
                line: 1,
                message: "this CSV file is neither a framework requirement list nor a mapping"
                    .into(),
                hint: format!(
                    "start it with the header `{}` or `{}`",
                    REQUIREMENT_COLUMNS.join(","),
                    MAPPING_COLUMNS.join(",")
                ),
            }),
        }
    }
    let mut mappings: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
    for (path, line, cols) in mapping_rows {
        let get = |i: usize| cols.get(i).cloned().unwrap_or_default();
        let (fw, id, iso, rel) = (get(0), get(1), get(2), get(3));
        let err = |message: String, hint: String| RowError {
            path: path.to_string(),
            line,
            message,
            hint,
        };
        let Some(list) = lists.get_mut(&fw) else {
            errors.push(err(
                format!("framework `{fw}` has no requirement list"),
                format!(
                    "add a CSV under frameworks/ with the header `{}` listing its requirements",
                    REQUIREMENT_COLUMNS.join(",")
                ),
            ));
            continue;
        };
        if !list.0.iter().any(|n| n.requirement && n.id == id) {
            let hint = crate::diagnostic::did_you_mean(
                &id,
                list.0
                    .iter()
                    .filter(|n| n.requirement)
                    .map(|n| n.id.as_str()),
            )
            .map_or_else(
                || "add the requirement to the requirement list, or correct the id".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            errors.push(err(
                format!("requirement `{id}` is not in the requirement list of {fw}"),
                hint,
            ));
            continue;
        }
        if !list.2.iter().any(|p| p == path) {
            list.2.push(path.to_string());
        }
        let iso = match IsoRef::parse(&iso) {
            Ok(r) => r,
            Err(m) => {
                errors.push(err(
                    m,
                    "write a clause as `6.1.2` and an Annex A control as `A.5.15`".into(),
                ));
                continue;
            }
        };
        let relationship = if rel.is_empty() {
            Relationship::Intersect
        } else if let Some(r) = Relationship::parse(&rel) {
            r
        } else {
            errors.push(err(
                format!("`{rel}` is not a relationship"),
                "use one of equal, subset, superset, intersect (or leave it empty for intersect)"
                    .into(),
            ));
            continue;
        };
        mappings.entry(fw).or_default().push(Mapping {
            requirement: id,
            iso,
            relationship,
        });
    }
    let frameworks = lists
        .into_iter()
        .map(|(id, (nodes, _, files))| {
            let maps = mappings.remove(&id).unwrap_or_default();
            let mut f = Framework::new(
                id.clone(),
                id.clone(),
                false,
                vec![format!(
                    "Loaded from {}: the organisation's own data, under its own licence.",
                    files.join(", ")
                )],
                nodes,
                maps,
            );
            f.files = files;
            f
        })
        .collect();
    (frameworks, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(path: &'a str, text: &'a str) -> CsvFile<'a> {
        CsvFile { path, text }
    }

    #[test]
    fn builds_a_framework_from_two_files() {
        let req = "framework_id,requirement_id,title,section\nsoc2,CC6.1,Logical access,CC6\nsoc2,CC6.2,Provisioning,CC6\n";
        let map = "framework_id,requirement_id,iso_ref,relationship\nsoc2,CC6.1,A.5.15,intersect\nsoc2,CC6.2,A.5.18,\n";
        let (fws, errors) = build(&[file("frameworks/r.csv", req), file("frameworks/m.csv", map)]);
        assert!(errors.is_empty(), "{errors:?}");
        let f = &fws[0];
        assert_eq!(f.id, "soc2");
        assert_eq!(f.requirements().count(), 2);
        assert_eq!(f.section_of(f.node("CC6.1").unwrap()).id, "CC6");
        assert_eq!(f.mapped("CC6.2")[0].iso, IsoRef::Control("5.18".into()));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let req = "framework_id,requirement_id,title,section\nsoc2,CC1,One,S\nsoc2,CC1,Again,S\nnis2,X,Clash,S\n";
        let map = "framework_id,requirement_id,iso_ref,relationship\nsoc2,CC1,A.5.99,intersect\nsoc2,CC2,A.5.1,intersect\nsoc2,CC1,A.5.1,overlaps\nother,Z,A.5.1,\n";
        let (fws, errors) = build(&[file("r.csv", req), file("m.csv", map)]);
        let lines: Vec<(&str, u32)> = errors.iter().map(|e| (e.path.as_str(), e.line)).collect();
        assert_eq!(
            lines,
            [
                ("r.csv", 3),
                ("r.csv", 4),
                ("m.csv", 2),
                ("m.csv", 3),
                ("m.csv", 4),
                ("m.csv", 5)
            ]
        );
        assert!(errors[4].message.contains("overlaps"), "{errors:?}");
        assert_eq!(fws.len(), 1);
        assert!(fws[0].mappings.is_empty());
    }

    #[test]
    fn unknown_header_is_an_error() {
        let (_, errors) = build(&[file("x.csv", "a,b\n1,2\n")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
    }
}
