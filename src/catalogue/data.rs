//! Parsing of the embedded catalogue data (`data/*.csv`, `data/guidance.txt`).
//!
//! The data is compiled into the binary, so parsing can only fail if a data file was edited
//! badly; unit tests parse it on every build. Even so nothing here panics: a failure becomes a
//! [`DataError`] that [`super::data_error`] exposes, and the lookup functions see an empty
//! catalogue.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::ids::{canonical_2013, compare_ids, is_2022_shape};
use super::{Attribute, Control, Mapping2013, Theme};

/// The Annex A controls of ISO/IEC 27001:2022 with their ISO/IEC 27002:2022 attributes.
const ANNEX_A_CSV: &str = include_str!("../../data/annex-a-2022.csv");
/// The ISO/IEC 27001:2013 Annex A controls and the 2022 controls that replace them.
const MAPPING_CSV: &str = include_str!("../../data/mapping-2013-2022.csv");
/// The project's own guidance text for every control.
const GUIDANCE_TXT: &str = include_str!("../../data/guidance.txt");

/// Names of the embedded files, used in error messages.
const ANNEX_A_FILE: &str = "data/annex-a-2022.csv";
const MAPPING_FILE: &str = "data/mapping-2013-2022.csv";
const GUIDANCE_FILE: &str = "data/guidance.txt";

/// Why the embedded catalogue data could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A CSV file could not be read as CSV or a row did not have the expected columns.
    #[error("{file}: {source}")]
    Csv {
        /// The embedded file.
        file: &'static str,
        /// The CSV error, which carries the position.
        #[source]
        source: csv::Error,
    },
    /// A row was readable but its content is wrong (unknown theme, duplicate id, ...).
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The embedded file.
        file: &'static str,
        /// 1-based line of the offending row (0 when the problem is about the file as a whole).
        line: u64,
        /// What is wrong.
        message: String,
    },
}

fn invalid(file: &'static str, line: u64, message: impl Into<String>) -> DataError {
    DataError::Invalid {
        file,
        line,
        message: message.into(),
    }
}

/// The parsed catalogue with its lookup indexes.
#[derive(Debug)]
pub(crate) struct Catalogue {
    /// Controls in catalogue order.
    pub(crate) controls: Vec<Control>,
    /// Control id → index into `controls`.
    pub(crate) by_id: HashMap<String, usize>,
    /// 2013 controls in 2013 catalogue order.
    pub(crate) mapping: Vec<Mapping2013>,
    /// Canonical 2013 id (`A.9.2.1`) → index into `mapping`.
    pub(crate) mapping_by_id: HashMap<String, usize>,
}

/// One row of `annex-a-2022.csv`.
#[derive(Debug, Deserialize)]
struct RawControl {
    id: String,
    title: String,
    theme: String,
    control_type: String,
    security_properties: String,
    cybersecurity_concepts: String,
    operational_capabilities: String,
    security_domains: String,
}

/// One row of `mapping-2013-2022.csv`.
#[derive(Debug, Deserialize)]
struct RawMapping {
    id_2013: String,
    title_2013: String,
    ids_2022: String,
    titles_2022: String,
}

/// Splits a `;`-separated cell into trimmed, non-empty values.
fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect()
}

/// Reads every row of an embedded CSV file as `T`, with the line it came from.
fn read_rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &'static str,
) -> Result<Vec<(u64, T)>, DataError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|source| DataError::Csv { file, source })?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| DataError::Csv { file, source })?;
        let line = record.position().map_or(0, csv::Position::line);
        let row = record
            .deserialize(Some(&headers))
            .map_err(|source| DataError::Csv { file, source })?;
        rows.push((line, row));
    }
    Ok(rows)
}

/// Parses `guidance.txt`: `<id>: <text>` lines, `#` comments and blank lines ignored.
fn parse_guidance(text: &'static str) -> Result<HashMap<&'static str, &'static str>, DataError> {
    let mut out = HashMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = (n + 1) as u64;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((id, body)) = trimmed.split_once(':') else {
            return Err(invalid(GUIDANCE_FILE, line, "expected `<id>: <text>`"));
        };
        let (id, body) = (id.trim(), body.trim());
        if body.is_empty() {
            return Err(invalid(
                GUIDANCE_FILE,
                line,
                format!("control {id} has empty guidance"),
            ));
        }
        if out.insert(id, body).is_some() {
            return Err(invalid(
                GUIDANCE_FILE,
                line,
                format!("control {id} has guidance twice"),
            ));
        }
    }
    Ok(out)
}

/// Checks that every value of one attribute column is in the ISO/IEC 27002 vocabulary, so a
/// typo in the data cannot create a value no filter would ever match.
fn check_values(
    values: &[String],
    attribute: Attribute,
    id: &str,
    line: u64,
) -> Result<(), DataError> {
    if values.is_empty() {
        return Err(invalid(
            ANNEX_A_FILE,
            line,
            format!("control {id}: no {}", attribute.label()),
        ));
    }
    match values
        .iter()
        .find(|v| !attribute.values().contains(&v.as_str()))
    {
        Some(bad) => Err(invalid(
            ANNEX_A_FILE,
            line,
            format!("control {id}: unknown {} `{bad}`", attribute.label()),
        )),
        None => Ok(()),
    }
}

fn parse_controls(
    guidance: &HashMap<&'static str, &'static str>,
) -> Result<Vec<Control>, DataError> {
    let mut controls = Vec::new();
    let mut seen = HashSet::new();
    for (line, raw) in read_rows::<RawControl>(ANNEX_A_FILE, ANNEX_A_CSV)? {
        let id = raw.id.trim().to_string();
        if !is_2022_shape(&id) {
            return Err(invalid(
                ANNEX_A_FILE,
                line,
                format!("`{id}` is not a 2022 control id"),
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(invalid(
                ANNEX_A_FILE,
                line,
                format!("duplicate control id {id}"),
            ));
        }
        let Some(theme) = Theme::parse(&raw.theme) else {
            return Err(invalid(
                ANNEX_A_FILE,
                line,
                format!("control {id}: unknown theme `{}`", raw.theme),
            ));
        };
        if id.split('.').next() != Some(theme.clause()) {
            return Err(invalid(
                ANNEX_A_FILE,
                line,
                format!(
                    "control {id} is listed under theme {} (clause {})",
                    theme.as_str(),
                    theme.clause()
                ),
            ));
        }
        let Some(&text) = guidance.get(id.as_str()) else {
            return Err(invalid(
                GUIDANCE_FILE,
                0,
                format!("no guidance for control {id}"),
            ));
        };
        let control = Control {
            title: raw.title.trim().to_string(),
            theme,
            control_types: split_list(&raw.control_type),
            security_properties: split_list(&raw.security_properties),
            cybersecurity_concepts: split_list(&raw.cybersecurity_concepts),
            operational_capabilities: split_list(&raw.operational_capabilities),
            security_domains: split_list(&raw.security_domains),
            guidance: text,
            id,
        };
        if control.title.is_empty() {
            return Err(invalid(
                ANNEX_A_FILE,
                line,
                format!("control {} has no title", control.id),
            ));
        }
        for attribute in Attribute::ALL {
            check_values(control.attribute(attribute), attribute, &control.id, line)?;
        }
        controls.push(control);
    }
    if let Some(extra) = guidance.keys().find(|id| !seen.contains(**id)) {
        return Err(invalid(
            GUIDANCE_FILE,
            0,
            format!("guidance for unknown control {extra}"),
        ));
    }
    // The CSV is already in catalogue order; sorting makes that a guarantee, not an assumption.
    controls.sort_by(|a, b| compare_ids(&a.id, &b.id));
    Ok(controls)
}

fn parse_mapping(
    by_id: &HashMap<String, usize>,
    controls: &[Control],
) -> Result<Vec<Mapping2013>, DataError> {
    let mut mapping = Vec::new();
    let mut seen = HashSet::new();
    for (line, raw) in read_rows::<RawMapping>(MAPPING_FILE, MAPPING_CSV)? {
        let Some(id_2013) = canonical_2013(&raw.id_2013) else {
            return Err(invalid(
                MAPPING_FILE,
                line,
                format!("`{}` is not a 2013 control id", raw.id_2013),
            ));
        };
        if !seen.insert(id_2013.clone()) {
            return Err(invalid(
                MAPPING_FILE,
                line,
                format!("duplicate 2013 id {id_2013}"),
            ));
        }
        let ids_2022 = split_list(&raw.ids_2022);
        let titles_2022 = split_list(&raw.titles_2022);
        if ids_2022.is_empty() || ids_2022.len() != titles_2022.len() {
            return Err(invalid(
                MAPPING_FILE,
                line,
                format!(
                    "{id_2013}: {} 2022 ids but {} titles",
                    ids_2022.len(),
                    titles_2022.len()
                ),
            ));
        }
        // Every target must exist, and its title must agree with the catalogue: this catches a
        // mistyped id that happens to hit another control.
        for (id, title) in ids_2022.iter().zip(&titles_2022) {
            let Some(&i) = by_id.get(id) else {
                return Err(invalid(
                    MAPPING_FILE,
                    line,
                    format!("{id_2013} maps to unknown control {id}"),
                ));
            };
            if controls[i].title != *title {
                return Err(invalid(
                    MAPPING_FILE,
                    line,
                    format!(
                        "{id_2013}: title `{title}` does not match control {id} `{}`",
                        controls[i].title
                    ),
                ));
            }
        }
        mapping.push(Mapping2013 {
            id_2013,
            title_2013: raw.title_2013.trim().to_string(),
            ids_2022,
            titles_2022,
        });
    }
    mapping.sort_by(|a, b| compare_ids(&a.id_2013, &b.id_2013));
    Ok(mapping)
}

/// Parses all embedded data and builds the indexes.
pub(crate) fn load() -> Result<Catalogue, DataError> {
    let guidance = parse_guidance(GUIDANCE_TXT)?;
    let controls = parse_controls(&guidance)?;
    let by_id: HashMap<String, usize> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mapping = parse_mapping(&by_id, &controls)?;
    let mapping_by_id = mapping
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id_2013.clone(), i))
        .collect();
    Ok(Catalogue {
        controls,
        by_id,
        mapping,
        mapping_by_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guidance_parser_rejects_bad_lines() {
        assert!(
            parse_guidance("# comment\n\n5.1: Text.\n")
                .is_ok_and(|g| g.get("5.1") == Some(&"Text."))
        );
        assert!(matches!(
            parse_guidance("5.1 no colon"),
            Err(DataError::Invalid { line: 1, .. })
        ));
        assert!(matches!(
            parse_guidance("5.1:   "),
            Err(DataError::Invalid { .. })
        ));
        assert!(matches!(
            parse_guidance("5.1: a.\n5.1: b."),
            Err(DataError::Invalid { line: 2, .. })
        ));
    }

    #[test]
    fn list_cells_split_on_semicolons() {
        assert_eq!(
            split_list("Preventive;Corrective"),
            ["Preventive", "Corrective"]
        );
        assert_eq!(split_list(" Protect ; "), ["Protect"]);
        assert!(split_list("").is_empty());
    }

    #[test]
    fn csv_errors_carry_the_file_name() {
        let err = read_rows::<RawMapping>("x.csv", "id_2013,title_2013\nA.5.1.1,t\n").unwrap_err();
        assert!(err.to_string().starts_with("x.csv: "), "{err}");
    }
}
