//! The JSON Schemas of the record files: the committed copies are those the model generates,
//! every record file of the example and of the scaffold is valid against its schema (checked
//! with an independent validator), and `isms schema` writes and protects them.

use std::path::{Path, PathBuf};

use isms::schema::{self, SchemaKind};
use isms::source::{FileId, SourceFile};
use isms::yaml::{Node, NodeKind};

fn isms() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("isms")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed schema folder (`isms init` generates its copy from the model).
fn committed_dirs() -> Vec<PathBuf> {
    vec![root().join("schemas")]
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    let generated = schema::all();
    for dir in committed_dirs() {
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut names: Vec<String> = generated.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        assert_eq!(
            on_disk,
            names,
            "{}: schema files differ; run `cargo run -- schema --out {} --force`",
            dir.display(),
            dir.strip_prefix(root()).unwrap().display()
        );
        for (name, text) in &generated {
            let old = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(
                old == *text,
                "{}/{name} is stale; run `cargo run -- schema --out {} --force`",
                dir.display(),
                dir.strip_prefix(root()).unwrap().display()
            );
        }
    }
}

/// The YAML tree as JSON, typed the way a YAML 1.2 editor sees it (`5.10` unquoted is a
/// number there), so the test fails where an editor would show a false error.
fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => serde_json::Number::from_i128(*i).map_or(Value::Null, Value::Number),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) => Value::String(s.to_string()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.to_string(), to_json(v)))
                .collect(),
        ),
    }
}

/// The YAML of a record file (the front matter of a Markdown document) as JSON.
fn record_json(path: &Path, rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let range = if rel.ends_with(".md") {
        isms::loader::split_front_matter(&text)
            .unwrap_or_else(|| panic!("{rel}: no front matter"))
            .0
    } else {
        0..text.len()
    };
    let file = SourceFile::new(rel, text);
    let node = isms::yaml::parse(FileId(0), &file, range)
        .unwrap_or_else(|e| panic!("{rel}: not YAML: {e:?}"));
    to_json(&node)
}

/// Validates every record file below `dir`; returns how many were checked.
fn validate_tree(dir: &Path) -> usize {
    let validators: Vec<(SchemaKind, jsonschema::Validator)> = SchemaKind::ALL
        .iter()
        .map(|k| {
            let s = serde_json::to_value(schema::schema(*k)).unwrap();
            (*k, jsonschema::validator_for(&s).expect("schema compiles"))
        })
        .collect();
    let mut checked = 0;
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = SchemaKind::of_path(&rel) else {
            continue;
        };
        let value = record_json(entry.path(), &rel);
        let (_, v) = validators.iter().find(|(k, _)| *k == kind).unwrap();
        for e in v.iter_errors(&value) {
            problems.push(format!("{rel} {}: {e}", e.instance_path()));
        }
        checked += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    checked
}

#[test]
fn every_record_of_the_example_is_valid_against_its_schema() {
    let n = validate_tree(&root().join("examples/acme-saas"));
    assert!(n >= 30, "only {n} record files checked");
}

#[test]
fn every_record_of_the_scaffold_is_valid_against_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .args(["init", "--no-git"])
        .arg(&dir)
        .assert()
        .success();
    let n = validate_tree(&dir);
    assert!(n >= 30, "only {n} record files checked");
}

#[test]
fn the_validator_rejects_what_the_loader_rejects() {
    // Without this, a schema that accepts everything would pass the tests above.
    let soa = serde_json::to_value(schema::schema(SchemaKind::Soa)).unwrap();
    let v = jsonschema::validator_for(&soa).unwrap();
    let bad_field = serde_json::json!({ "document": { "id": "DOC-SOA", "title": "SoA" },
        "controls": [ { "id": "5.1", "applicable": true, "justifiction": "typo" } ] });
    assert!(!v.is_valid(&bad_field), "an unknown field must be refused");
    let bad_id = serde_json::json!({ "document": { "id": "DOC-SOA", "title": "SoA" },
        "controls": [ { "id": "A.9.2.1", "applicable": true } ] });
    assert!(!v.is_valid(&bad_id), "a 2013 control id must be refused");
    let risks = serde_json::to_value(schema::schema(SchemaKind::Risks)).unwrap();
    let v = jsonschema::validator_for(&risks).unwrap();
    let bad_enum = serde_json::json!({ "risks": [ { "id": "R-1", "title": "t",
        "treatment": "Mitigate" } ] });
    assert!(
        !v.is_valid(&bad_enum),
        "a value outside the enum must be refused"
    );
    let bad_date = serde_json::json!({ "risks": [ { "id": "R-1", "title": "t",
        "last_assessed": "31/03/2025" } ] });
    assert!(
        !v.is_valid(&bad_date),
        "a date in another form must be refused"
    );
}

#[test]
fn scaffold_yaml_files_point_at_their_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .args(["init", "--no-git"])
        .arg(&dir)
        .assert()
        .success();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(kind) = SchemaKind::of_path(&name) else {
            continue;
        };
        if kind.is_front_matter() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert_eq!(first, schema::modeline(kind), "{name}");
        let target = first.rsplit_once('=').unwrap().1;
        assert!(
            dir.join(target).is_file(),
            "{name}: {target} is not written"
        );
        seen += 1;
    }
    assert_eq!(seen, 12);
    // The schemas written are the ones generated from the model, every one of them.
    for (name, text) in schema::all() {
        let written = std::fs::read_to_string(dir.join(schema::SCHEMA_DIR).join(&name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(written, text, "{name}");
    }
}

#[test]
fn schema_out_writes_refuses_to_replace_and_forces() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    isms()
        .args(["schema", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("20 schema file(s) written"));
    // Unchanged files are left alone without --force.
    isms()
        .args(["schema", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("0 schema file(s) written"));
    std::fs::write(out.join("risks.schema.json"), "{}").unwrap();
    isms()
        .args(["schema", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("risks.schema.json"))
        .stderr(predicates::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(out.join("risks.schema.json")).unwrap(),
        "{}"
    );
    isms()
        .args(["schema", "--force", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("1 schema file(s) written"));
}

#[test]
fn schema_prints_one_kind_and_names_the_kinds() {
    isms()
        .args(["schema", "risks"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"",
        ));
    isms()
        .args(["schema", "risk"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("risks"));
}
