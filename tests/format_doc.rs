//! Keeps `docs/format.md` in step with the code.
//!
//! * Every example marked `<!-- file: NAME -->` is written into a temporary repository and
//!   loaded: it must load without format errors (unknown field, missing field, wrong type,
//!   invalid value, syntax), and all examples together must form one repository that loads
//!   without a single problem (every reference resolves).
//! * Every record field of the model is listed in a field table marked
//!   `<!-- fields: Struct ... -->`, with the right "required" column, and every enum value
//!   (aliases included) in a value table marked `<!-- values: Enum -->`. The field and value
//!   lists come from the model itself, by tracing its `Deserialize` implementations.
//! * The table of load problem codes is the one generated from `LOAD_CODES`.
//!
//! Set `UPDATE_FORMAT_DOC=1` to rewrite the generated load-code table in place.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use isms::loader::{self, LOAD_CODES, MAX_FILE_SIZE, SKIPPED_DIRS};
use isms::model::{self, RecordKind, SCHEMA_VERSION};

fn doc_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md")
}

fn doc() -> String {
    std::fs::read_to_string(doc_path()).expect("docs/format.md is readable")
}

/// The smallest `isms.yaml` that loads cleanly, for examples shown on their own.
const MINIMAL_MANIFEST: &str = "\
schema_version: 1
organisation:
  name: Example Ltd
";

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

/// An example file shown in the document.
#[derive(Debug)]
struct Example {
    /// Repository-relative file name from the `<!-- file: NAME -->` marker.
    name: String,
    /// The file's text.
    text: String,
    /// 1-based line of the marker in docs/format.md.
    line: usize,
}

/// Extracts every fenced block (```yaml or ```markdown) that follows a `<!-- file: NAME -->`
/// marker, allowing blank lines in between.
fn examples(doc: &str) -> Vec<Example> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let Some(name) = line
            .strip_prefix("<!-- file:")
            .and_then(|r| r.strip_suffix("-->"))
            .map(str::trim)
        else {
            i += 1;
            continue;
        };
        let marker = i + 1;
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim().is_empty() {
            j += 1;
        }
        let fence = lines.get(j).map(|l| l.trim()).unwrap_or("");
        assert!(
            fence == "```yaml" || fence == "```markdown",
            "docs/format.md:{marker}: `<!-- file: {name} -->` must be followed by a ```yaml or ```markdown block, found {fence:?}"
        );
        let mut text = String::new();
        let mut k = j + 1;
        while k < lines.len() && lines[k].trim_end() != "```" {
            text.push_str(lines[k]);
            text.push('\n');
            k += 1;
        }
        assert!(
            k < lines.len(),
            "docs/format.md:{marker}: the block for {name} is not closed"
        );
        out.push(Example {
            name: name.to_string(),
            text,
            line: marker,
        });
        i = k + 1;
    }
    out
}

/// The kind of record a file name is loaded as.
fn kind_of(name: &str) -> Option<RecordKind> {
    let in_folder = |folder: &str, ext: &str| {
        name.strip_prefix(folder)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|f| !f.contains('/') && f.ends_with(ext) && !f.starts_with('_'))
    };
    Some(match name {
        "isms.yaml" => RecordKind::Manifest,
        "context.yaml" => RecordKind::Context,
        "scope.md" => RecordKind::Scope,
        "assets.yaml" => RecordKind::Assets,
        "risks.yaml" => RecordKind::Risks,
        "soa.yaml" => RecordKind::Soa,
        "objectives.yaml" => RecordKind::Objectives,
        "suppliers.yaml" => RecordKind::Suppliers,
        "training.yaml" => RecordKind::Training,
        "metrics.yaml" => RecordKind::Metrics,
        "incidents.yaml" => RecordKind::Incidents,
        "changes.yaml" => RecordKind::Changes,
        "nonconformities.yaml" => RecordKind::Nonconformities,
        "audits/programme.md" => RecordKind::AuditProgramme,
        _ if in_folder("risks", ".yaml") || in_folder("risks", ".yml") => RecordKind::Risks,
        _ if in_folder("policies", ".md") => RecordKind::Policies,
        _ if in_folder("procedures", ".md") => RecordKind::Procedures,
        _ if in_folder("audits", ".md") => RecordKind::Audits,
        _ if in_folder("reviews", ".md") => RecordKind::Reviews,
        _ => return None,
    })
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).expect("write example");
}

/// Codes that mean the text does not match the format (as opposed to references between
/// records, which an example shown on its own cannot satisfy).
const FORMAT_CODES: &[&str] = &[
    "LOAD-005", "LOAD-006", "LOAD-007", "LOAD-008", "LOAD-009", "LOAD-010", "LOAD-011", "LOAD-017",
];

#[test]
fn every_example_loads_without_format_errors() {
    let doc = doc();
    let examples = examples(&doc);
    assert!(
        examples.len() >= 18,
        "expected an example for every record file, found {}",
        examples.len()
    );
    let mut failures = Vec::new();
    for ex in &examples {
        let kind = kind_of(&ex.name).unwrap_or_else(|| {
            panic!(
                "docs/format.md:{}: `{}` is not a file the loader reads",
                ex.line, ex.name
            )
        });
        let dir = tempfile::tempdir().expect("temp dir");
        if ex.name != "isms.yaml" {
            write(dir.path(), "isms.yaml", MINIMAL_MANIFEST);
        }
        write(dir.path(), &ex.name, &ex.text);
        let loaded = loader::load(dir.path()).expect("load");
        let bad: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| FORMAT_CODES.contains(&d.code.as_str()))
            .map(|d| {
                let at = d
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}", l.path, l.line))
                    .unwrap_or_default();
                format!(
                    "{} {at} {} ({})",
                    d.code,
                    d.message,
                    d.hint.as_deref().unwrap_or("")
                )
            })
            .collect();
        if !bad.is_empty() {
            failures.push(format!(
                "docs/format.md:{} example {}:\n    {}",
                ex.line,
                ex.name,
                bad.join("\n    ")
            ));
        } else if !loaded.model.present.contains(&kind) {
            failures.push(format!(
                "docs/format.md:{} example {} did not load as {kind:?}",
                ex.line, ex.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_record_file_has_an_example() {
    let doc = doc();
    let covered: BTreeSet<RecordKind> = examples(&doc)
        .iter()
        .filter_map(|e| kind_of(&e.name))
        .collect();
    let all = [
        RecordKind::Manifest,
        RecordKind::Context,
        RecordKind::Scope,
        RecordKind::Policies,
        RecordKind::Procedures,
        RecordKind::Assets,
        RecordKind::Risks,
        RecordKind::Soa,
        RecordKind::Objectives,
        RecordKind::Suppliers,
        RecordKind::Training,
        RecordKind::Metrics,
        RecordKind::Incidents,
        RecordKind::Changes,
        RecordKind::Nonconformities,
        RecordKind::AuditProgramme,
        RecordKind::Audits,
        RecordKind::Reviews,
    ];
    let missing: Vec<_> = all.iter().filter(|k| !covered.contains(k)).collect();
    assert!(missing.is_empty(), "no example for {missing:?}");
}

/// All examples together are one small ISMS: every id they define is unique and every
/// reference resolves, so a reader can copy them as a starting point.
#[test]
fn examples_form_one_consistent_repository() {
    let doc = doc();
    let examples = examples(&doc);
    let mut seen = BTreeSet::new();
    for ex in &examples {
        assert!(
            seen.insert(ex.name.as_str()),
            "docs/format.md:{}: a second example for {}; give each example its own file name",
            ex.line,
            ex.name
        );
    }
    assert!(
        seen.contains("isms.yaml"),
        "the document has no isms.yaml example"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for ex in &examples {
        write(dir.path(), &ex.name, &ex.text);
    }
    let loaded = loader::load(dir.path()).expect("load");
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.path, l.line))
                .unwrap_or_default();
            format!("{} {at} {}", d.code, d.message)
        })
        .collect();
    assert!(
        problems.is_empty(),
        "the examples together do not load cleanly:\n  {}",
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// Load codes, layout and limits
// ---------------------------------------------------------------------------------------------

const CODES_START: &str =
    "<!-- load-codes:start (generated from LOAD_CODES by tests/format_doc.rs) -->";
const CODES_END: &str = "<!-- load-codes:end -->";

/// The load-code table as generated from `LOAD_CODES`.
fn load_code_table() -> String {
    let mut s = String::from("| code | name | problem |\n|---|---|---|\n");
    for c in LOAD_CODES {
        s.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            c.code,
            c.name,
            c.summary.replace('|', "\\|")
        ));
    }
    s
}

#[test]
fn load_code_table_is_generated_from_load_codes() {
    let doc = doc();
    let start = doc
        .find(CODES_START)
        .unwrap_or_else(|| panic!("docs/format.md lacks the marker {CODES_START}"));
    let body_start = start + CODES_START.len() + 1;
    let end = doc[body_start..]
        .find(CODES_END)
        .map(|e| body_start + e)
        .unwrap_or_else(|| panic!("docs/format.md lacks the marker {CODES_END}"));
    let expected = load_code_table();
    if doc[body_start..end] != expected {
        if std::env::var_os("UPDATE_FORMAT_DOC").is_some() {
            let updated = format!("{}{expected}{}", &doc[..body_start], &doc[end..]);
            std::fs::write(doc_path(), updated).expect("rewrite docs/format.md");
        } else {
            panic!(
                "the load-code table in docs/format.md is out of date; run \
                 `UPDATE_FORMAT_DOC=1 cargo test --test format_doc` or paste:\n{expected}"
            );
        }
    }
}

#[test]
fn every_load_code_appears_in_the_doc() {
    let doc = doc();
    let missing: Vec<&str> = LOAD_CODES
        .iter()
        .map(|c| c.code)
        .filter(|code| !doc.contains(code))
        .collect();
    assert!(missing.is_empty(), "not documented: {missing:?}");
}

#[test]
fn layout_and_limits_match_the_loader() {
    let doc = doc();
    for dir in SKIPPED_DIRS {
        assert!(
            doc.contains(&format!("`{dir}/`")),
            "skipped folder `{dir}/` is not documented"
        );
    }
    assert_eq!(MAX_FILE_SIZE, 8 * 1024 * 1024, "update the limits section");
    assert!(
        doc.contains("8 MiB"),
        "the file size limit is not documented"
    );
    assert!(
        doc.contains(&format!("schema_version: {SCHEMA_VERSION}")),
        "the current schema_version is not documented"
    );
    assert!(
        doc.contains(MINIMAL_MANIFEST),
        "the smallest valid isms.yaml shown in the doc differs from the one the tests use"
    );
}

// ---------------------------------------------------------------------------------------------
// Field and value tables, checked against the model
// ---------------------------------------------------------------------------------------------

/// What the model says about one struct: its YAML keys and which of them are required.
#[derive(Debug, Default, Clone)]
struct StructInfo {
    fields: Vec<&'static str>,
    required: BTreeSet<&'static str>,
}

/// Every struct and enum reachable from the record files.
#[derive(Debug, Default)]
struct Schema {
    structs: BTreeMap<&'static str, StructInfo>,
    enums: BTreeMap<&'static str, Vec<&'static str>>,
}

/// The schema of the model, traced through the `Deserialize` implementation of every
/// top-level record type.
fn schema() -> Schema {
    let mut schema = Schema::default();
    for trace in tracer::TOP_LEVEL {
        let state = trace(None);
        for (name, fields) in state.structs {
            schema.structs.entry(name).or_insert(StructInfo {
                fields,
                required: BTreeSet::new(),
            });
        }
        schema.enums.extend(state.enums);
    }
    // The tracer knows the private markers of `Spanned` and `Collect` (src/yaml). If they are
    // renamed, say so here rather than report the wrappers as undocumented records.
    let internal: Vec<&str> = schema
        .structs
        .keys()
        .copied()
        .filter(|n| n.starts_with("$__isms"))
        .collect();
    assert!(
        internal.is_empty(),
        "the tracer in tests/format_doc.rs does not know the wrapper markers {internal:?}; \
         update SPANNED and COLLECT to match src/yaml"
    );
    // A field is required when leaving it out makes deserialisation report it missing.
    let names: Vec<(&'static str, Vec<&'static str>)> = schema
        .structs
        .iter()
        .map(|(n, s)| (*n, s.fields.clone()))
        .collect();
    for (name, fields) in names {
        for field in fields {
            let missing = tracer::TOP_LEVEL
                .iter()
                .any(|trace| trace(Some((name, field))).missing.contains(&field));
            if missing && let Some(s) = schema.structs.get_mut(name) {
                s.required.insert(field);
            }
        }
    }
    schema
}

/// A table row's cells, without the outer pipes.
fn cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let inner = t.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split(" | ").map(|c| c.trim().to_string()).collect())
}

/// `` `key` `` → `key`.
fn code_text(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?.strip_suffix('`')
}

/// The tables following `<!-- PREFIX: A B C -->` markers: for each name, the rows.
fn marked_tables(doc: &str, prefix: &str) -> Vec<(Vec<String>, usize, Vec<Vec<String>>)> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let open = format!("<!-- {prefix}:");
    for (i, line) in lines.iter().enumerate() {
        let Some(names) = line
            .trim()
            .strip_prefix(open.as_str())
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        let names: Vec<String> = names.split_whitespace().map(str::to_string).collect();
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim().is_empty() {
            j += 1;
        }
        let mut rows = Vec::new();
        let mut k = j;
        while k < lines.len() && lines[k].trim_start().starts_with('|') {
            // The first two rows are the header and the separator.
            if k >= j + 2
                && let Some(c) = cells(lines[k])
            {
                rows.push(c);
            }
            k += 1;
        }
        assert!(
            !rows.is_empty(),
            "docs/format.md:{}: the marker is not followed by a table",
            i + 1
        );
        out.push((names, i + 1, rows));
    }
    out
}

#[test]
fn every_field_is_documented_with_its_required_flag() {
    let doc = doc();
    let schema = schema();
    assert!(
        schema.structs.len() > 40,
        "the tracer found too few structs: {:?}",
        schema.structs.keys()
    );
    let mut documented: BTreeMap<String, Vec<(String, String, usize)>> = BTreeMap::new();
    for (names, line, rows) in marked_tables(&doc, "fields") {
        for name in &names {
            for row in &rows {
                let key = code_text(&row[0]).unwrap_or_else(|| {
                    panic!(
                        "docs/format.md:{line}: first cell {:?} is not a `key`",
                        row[0]
                    )
                });
                let required = row.get(2).cloned().unwrap_or_default();
                documented
                    .entry(name.clone())
                    .or_default()
                    .push((key.to_string(), required, line));
            }
        }
    }
    let mut problems = Vec::new();
    for name in documented.keys() {
        if !schema.structs.contains_key(name.as_str()) {
            problems.push(format!("table for unknown struct `{name}`"));
        }
    }
    for (name, info) in &schema.structs {
        let Some(rows) = documented.get(*name) else {
            problems.push(format!("no field table for `{name}`: {:?}", info.fields));
            continue;
        };
        let doc_keys: Vec<&str> = rows.iter().map(|(k, _, _)| k.as_str()).collect();
        let unique: BTreeSet<&str> = doc_keys.iter().copied().collect();
        if unique.len() != doc_keys.len() {
            problems.push(format!("`{name}`: a field is listed twice: {doc_keys:?}"));
        }
        let model: BTreeSet<&str> = info.fields.iter().copied().collect();
        for k in model.difference(&unique) {
            problems.push(format!("`{name}`: field `{k}` is not documented"));
        }
        for k in unique.difference(&model) {
            problems.push(format!("`{name}`: documented field `{k}` does not exist"));
        }
        for (k, req, line) in rows {
            let says = req.starts_with("yes");
            if !says && !req.starts_with("no") {
                problems.push(format!(
                    "docs/format.md:{line}: `{name}.{k}`: required column must start with yes or no, found {req:?}"
                ));
            } else if model.contains(k.as_str()) && says != info.required.contains(k.as_str()) {
                problems.push(format!(
                    "docs/format.md:{line}: `{name}.{k}` is documented as required={says}, the model says {}",
                    info.required.contains(k.as_str())
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_enum_value_is_documented() {
    let doc = doc();
    let schema = schema();
    assert!(schema.enums.len() > 15, "too few enums: {:?}", schema.enums);
    let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (names, line, rows) in marked_tables(&doc, "values") {
        for name in &names {
            for row in &rows {
                let entry = documented.entry(name.clone()).or_default();
                let value = code_text(&row[0]).unwrap_or_else(|| {
                    panic!(
                        "docs/format.md:{line}: first cell {:?} is not a `value`",
                        row[0]
                    )
                });
                entry.insert(value.to_string());
                // Second cell: aliases, as `a`, `b` (or a dash).
                for alias in row.get(1).map(String::as_str).unwrap_or("").split(',') {
                    if let Some(a) = code_text(alias.trim()) {
                        entry.insert(a.to_string());
                    }
                }
            }
        }
    }
    let mut problems = Vec::new();
    for (name, variants) in &schema.enums {
        let model: BTreeSet<String> = variants.iter().map(|v| v.to_string()).collect();
        match documented.get(*name) {
            None => problems.push(format!("no value table for `{name}`: {model:?}")),
            Some(d) if *d != model => problems.push(format!(
                "`{name}`: documented {d:?}, the model accepts {model:?}"
            )),
            Some(_) => {}
        }
    }
    for name in documented.keys() {
        if !schema.enums.contains_key(name.as_str()) {
            problems.push(format!("value table for unknown enum `{name}`"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A serde deserializer that reads nothing: it answers every request with a plausible value
/// and records the struct fields and enum variants the model asks for. Leaving one field out
/// shows whether the model requires it.
mod tracer {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::value::{SeqDeserializer, StrDeserializer};
    use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, SeqAccess, Visitor};

    use super::model;

    /// What one trace found.
    #[derive(Debug, Default)]
    pub struct State {
        /// Struct name → YAML keys, in declaration order.
        pub structs: BTreeMap<&'static str, Vec<&'static str>>,
        /// Enum name → accepted values (aliases included).
        pub enums: BTreeMap<&'static str, Vec<&'static str>>,
        /// Fields reported missing.
        pub missing: Vec<&'static str>,
        omit: Option<(&'static str, &'static str)>,
        depth: usize,
    }

    thread_local! {
        static STATE: RefCell<State> = RefCell::new(State::default());
    }

    /// Traces one type, optionally leaving out one field of one struct.
    fn trace<T: DeserializeOwned>(omit: Option<(&'static str, &'static str)>) -> State {
        STATE.with(|s| {
            *s.borrow_mut() = State {
                omit,
                ..State::default()
            }
        });
        let _ = T::deserialize(Tracer);
        STATE.with(|s| std::mem::take(&mut *s.borrow_mut()))
    }

    type Trace = fn(Option<(&'static str, &'static str)>) -> State;

    /// The type of every record file.
    pub const TOP_LEVEL: &[Trace] = &[
        trace::<model::Manifest>,
        trace::<model::Context>,
        trace::<model::Scope>,
        trace::<model::Policy>,
        trace::<model::Procedure>,
        trace::<model::AuditProgramme>,
        trace::<model::Audit>,
        trace::<model::ManagementReview>,
        trace::<model::AssetRegister>,
        trace::<model::RiskRegister>,
        trace::<model::StatementOfApplicability>,
        trace::<model::ObjectiveRegister>,
        trace::<model::SupplierRegister>,
        trace::<model::TrainingRecords>,
        trace::<model::MetricRegister>,
        trace::<model::IncidentRegister>,
        trace::<model::ChangeRegister>,
        trace::<model::NonconformityRegister>,
        trace::<model::AcknowledgementRegister>,
        trace::<model::FrameworkAnswers>,
    ];

    #[derive(Debug)]
    pub struct Error(String);

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    impl de::Error for Error {
        fn custom<M: fmt::Display>(msg: M) -> Self {
            Error(msg.to_string())
        }
        fn missing_field(field: &'static str) -> Self {
            STATE.with(|s| s.borrow_mut().missing.push(field));
            Error(format!("missing {field}"))
        }
    }

    /// Markers of the crate's span-keeping wrappers (see `src/yaml`).
    const SPANNED: &str = "$__isms_private_Spanned";
    const COLLECT: &str = "$__isms_private_Collect";

    #[derive(Clone, Copy)]
    struct Tracer;

    impl<'de> de::Deserializer<'de> for Tracer {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_unit()
        }
        fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_bool(false)
        }
        fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        }
        fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        }
        fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        }
        fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        }
        fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_u64(1)
        }
        fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_u64(1)
        }
        fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_u64(1)
        }
        fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_u64(1)
        }
        fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_f64(1.0)
        }
        fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_f64(1.0)
        }
        fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_char('x')
        }
        // Every text is a valid date, so `Date` fields trace like any other text.
        fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_str("2025-01-01")
        }
        fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_str("2025-01-01")
        }
        fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_bytes(b"x")
        }
        fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_bytes(b"x")
        }
        fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_some(self)
        }
        fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_unit()
        }
        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            v: V,
        ) -> Result<V::Value, Error> {
            v.visit_unit()
        }
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            v: V,
        ) -> Result<V::Value, Error> {
            v.visit_newtype_struct(self)
        }
        fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_seq(One(Some(self)))
        }
        fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, Error> {
            v.visit_seq(One(Some(self)))
        }
        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: usize,
            v: V,
        ) -> Result<V::Value, Error> {
            v.visit_seq(One(Some(self)))
        }
        fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_map(Fields {
                keys: vec!["SOA-01"],
                at: 0,
                spanned: false,
            })
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Error> {
            if name == SPANNED {
                return v.visit_map(Fields {
                    keys: fields.to_vec(),
                    at: 0,
                    spanned: true,
                });
            }
            if name == COLLECT {
                return v.visit_map(Fields {
                    keys: fields.to_vec(),
                    at: 0,
                    spanned: false,
                });
            }
            let (omit, too_deep) = STATE.with(|s| {
                let mut s = s.borrow_mut();
                s.structs.entry(name).or_insert_with(|| fields.to_vec());
                s.depth += 1;
                (s.omit, s.depth > 32)
            });
            if too_deep {
                return Err(Error("model nests too deeply to trace".into()));
            }
            let keys = fields
                .iter()
                .copied()
                .filter(|f| omit != Some((name, *f)))
                .collect();
            let r = v.visit_map(Fields {
                keys,
                at: 0,
                spanned: false,
            });
            STATE.with(|s| s.borrow_mut().depth -= 1);
            r
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Error> {
            STATE.with(|s| {
                s.borrow_mut().enums.insert(name, variants.to_vec());
            });
            let first: StrDeserializer<'_, Error> = variants[0].into_deserializer();
            v.visit_enum(first)
        }
        fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_str("x")
        }
        fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_unit()
        }
        fn deserialize_i128<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        }
        fn deserialize_u128<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_u64(1)
        }
    }

    /// A one-element sequence.
    struct One(Option<Tracer>);

    impl<'de> SeqAccess<'de> for One {
        type Error = Error;
        fn next_element_seed<T: de::DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Error> {
            match self.0.take() {
                Some(t) => seed.deserialize(t).map(Some),
                None => Ok(None),
            }
        }
    }

    /// A mapping with the given keys, each answered by the tracer (or, for the span of a
    /// `Spanned` value, by five zeros).
    struct Fields {
        keys: Vec<&'static str>,
        at: usize,
        spanned: bool,
    }

    impl<'de> MapAccess<'de> for Fields {
        type Error = Error;
        fn next_key_seed<K: de::DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            match self.keys.get(self.at) {
                Some(k) => {
                    let d: StrDeserializer<'_, Error> = (*k).into_deserializer();
                    seed.deserialize(d).map(Some)
                }
                None => Ok(None),
            }
        }
        fn next_value_seed<V: de::DeserializeSeed<'de>>(
            &mut self,
            seed: V,
        ) -> Result<V::Value, Error> {
            let first = self.at == 0;
            self.at += 1;
            if self.spanned && first {
                let zeros: SeqDeserializer<_, Error> = SeqDeserializer::new([0u64; 5].into_iter());
                seed.deserialize(zeros)
            } else {
                seed.deserialize(Tracer)
            }
        }
    }
}
