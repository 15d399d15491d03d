//! The YAML layer of the loader: numbers are read only as written in plain decimal, number-like
//! text in a text field stays text, and every budget (depth, node count with aliases expanded,
//! alias count, one document) gives a located LOAD-006 instead of exhausting memory or the stack.

use std::path::Path;

use isms::diagnostic::Diagnostic;
use isms::loader::{self, Loaded};

const MANIFEST: &str = "\
schema_version: 1
organisation:
  name: Test Ltd
people:
  - id: p-ceo
    name: Ceo Person
    role: CEO
    top_management: true
";

fn load_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p: &Path = &dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let loaded = loader::load(dir.path()).unwrap();
    (dir, loaded)
}

fn only<'a>(l: &'a Loaded, code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = l.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        (found.len(), l.diagnostics.len()),
        (1, 1),
        "expected exactly one {code}, got {:#?}",
        l.diagnostics
    );
    found[0]
}

fn at(d: &Diagnostic) -> (String, u32) {
    let l = d.location.as_ref().expect("diagnostic has a location");
    (l.path.clone(), l.line)
}

#[test]
fn number_like_text_in_a_text_field_stays_as_written() {
    let risks = "risks:\n  - id: R-1\n    title: .nan\n  - id: R-2\n    title: 1e999\n  - id: R-3\n    title: 0x10\n  - id: R-4\n    title: +3\n  - id: R-5\n    title: 5.10\n  - id: R-6\n    title: .inf\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", risks)]);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let titles: Vec<&str> = l.model.risks.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, [".nan", "1e999", "0x10", "+3", "5.10", ".inf"]);
}

#[test]
fn plain_decimal_ratings_load() {
    let risks = "risks:\n  - id: R-1\n    title: T\n    inherent: { likelihood: 3, impact: 2 }\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", risks)]);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
}

fn rating_error(value: &str) -> Diagnostic {
    let risks = format!(
        "risks:\n  - id: R-1\n    title: T\n    inherent: {{ likelihood: {value}, impact: 2 }}\n"
    );
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", &risks)]);
    only(&l, "LOAD-010").clone()
}

#[test]
fn hexadecimal_rating_is_a_located_error_not_sixteen() {
    let d = rating_error("0x10");
    assert_eq!(at(&d), ("risks.yaml".to_string(), 4));
    assert!(d.message.contains("found the text `0x10`"), "{}", d.message);
    assert!(
        d.hint.as_deref().unwrap().contains("plain decimal"),
        "{d:?}"
    );
}

#[test]
fn plus_signed_and_special_floats_are_located_errors() {
    for v in ["+3", ".inf", ".nan", "1e999", "0o7"] {
        let d = rating_error(v);
        assert_eq!(at(&d), ("risks.yaml".to_string(), 4), "{v}");
        assert!(d.message.contains(&format!("`{v}`")), "{v}: {}", d.message);
        assert!(d.hint.as_deref().unwrap().contains("plain decimal"), "{v}");
    }
}

#[test]
fn ten_thousand_deep_flow_nesting_is_a_located_error() {
    let text = format!(
        "assets:\n  - {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 2));
    assert!(d.message.contains("nests deeper"), "{}", d.message);
}

#[test]
fn deep_block_nesting_is_a_located_error() {
    let mut text = String::from("assets:\n");
    for i in 0..200 {
        text.push_str(&" ".repeat(i + 2));
        text.push_str(&format!("k{i}:\n"));
    }
    text.push_str(&" ".repeat(202));
    text.push_str("x: 1\n");
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert!(d.message.contains("nests deeper"), "{}", d.message);
    assert!(at(d).1 > 60, "{d:?}");
}

#[test]
fn aliases_count_against_the_node_budget() {
    // A million values written out and one alias repeating them: 2 million values, over the
    // node budget at the alias, refused before the copy is made.
    let text = format!(
        "assets: []\nbig: &a [{}]\ncopies: [*a]\n",
        "x,".repeat(1_000_000)
    );
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 3));
    assert!(
        d.message
            .contains("more YAML values than isms reads (limit: 2,000,000 values"),
        "{}",
        d.message
    );
}

#[test]
fn aliases_may_not_repeat_more_than_the_file_writes() {
    // 95 KB of YAML that would expand to 1.8 million values (about 250 MiB): refused at the
    // alias where the repeated values outgrow the written ones.
    let text = format!(
        "assets: []\nbig: &a [{}]\ncopies:\n{}",
        vec!["x"; 40_000].join(","),
        "  - *a\n".repeat(45)
    );
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 5));
    assert!(d.message.contains("repeat more values"), "{}", d.message);
}

#[test]
fn a_few_aliases_are_fine() {
    let text = "assets:\n  - id: A-1\n    name: &n Laptop\n    type: hardware\n    owner: p-ceo\n  - id: A-2\n    name: *n\n    type: hardware\n    owner: p-ceo\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", text)]);
    assert!(
        l.diagnostics.iter().all(|d| d.code != "LOAD-006"),
        "{:#?}",
        l.diagnostics
    );
    assert_eq!(l.model.assets.len(), 2, "{:#?}", l.diagnostics);
}

#[test]
fn too_many_aliases_are_refused() {
    let mut text = String::from("assets: []\nx: &a 1\nl:\n");
    for _ in 0..101 {
        text.push_str("  - *a\n");
    }
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 104));
    assert!(d.message.contains("too many YAML aliases"), "{}", d.message);
}

#[test]
fn duplicate_key_is_located_at_the_second_key() {
    let text = "assets:\n  - id: A-1\n    name: N\n    id: A-2\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 4));
    assert!(
        d.message.contains("the key `id` appears twice"),
        "{}",
        d.message
    );
}

#[test]
fn second_document_is_located() {
    let text = "assets: []\n---\nassets: []\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 2));
    assert!(
        d.message.contains("more than one YAML document"),
        "{}",
        d.message
    );
}

#[test]
fn syntax_error_in_front_matter_is_located_in_the_file() {
    let text = "---\nid: POL-01\ntitle: [unclosed\n---\nbody\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("policies/p.md", text)]);
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "LOAD-006")
        .expect("a LOAD-006");
    assert!(at(d).1 >= 3, "{d:?}");
}

#[test]
fn parallel_loading_gives_the_same_diagnostics_every_run() {
    let mut files: Vec<(String, String)> = vec![
        ("isms.yaml".into(), MANIFEST.into()),
        (
            "assets.yaml".into(),
            "assets:\n  - id: A-1\n    name: [x\n".into(),
        ),
    ];
    for i in 0..40 {
        files.push((
            format!("risks/r{i:02}.yaml"),
            format!("risks:\n  - id: R-{i}\n    title: T\n    inherent: {{ likelihood: 0x{i}, impact: 2 }}\n"),
        ));
        files.push((
            format!("policies/p{i:02}.md"),
            format!("---\nid: POL-{i}\ntitle: [unclosed\n---\nbody\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_d1, first) = load_with(&refs);
    let (_d2, second) = load_with(&refs);
    let render = |l: &Loaded| -> Vec<String> {
        l.diagnostics
            .iter()
            .map(|d| format!("{} {:?} {}", d.code, d.location, d.message))
            .collect()
    };
    assert_eq!(render(&first), render(&second));
    assert_eq!(
        first
            .diagnostics
            .iter()
            .filter(|d| d.code == "LOAD-010")
            .count(),
        40
    );
    assert_eq!(
        first
            .diagnostics
            .iter()
            .filter(|d| d.code == "LOAD-006")
            .count(),
        41
    );
    let paths: Vec<&str> = first
        .model
        .sources
        .files()
        .map(|(_, f)| f.path.as_str())
        .collect();
    assert_eq!(paths[0], "isms.yaml");
    assert_eq!(paths[1], "assets.yaml");
}

#[test]
fn duplicate_key_in_a_large_mapping_is_found() {
    let mut text = String::from("assets: []\nbig:\n");
    for i in 0..100 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    text.push_str("  k7: again\n");
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &text)]);
    let d = only(&l, "LOAD-006");
    assert_eq!(at(d), ("assets.yaml".to_string(), 103));
    assert!(
        d.message.contains("the key `k7` appears twice"),
        "{}",
        d.message
    );
}
