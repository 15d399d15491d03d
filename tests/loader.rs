//! The loader on every class of bad input: each problem is reported with file, line and a
//! hint, all problems of a run are reported together, and nothing panics.

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
  - id: p-cto
    name: Cto Person
    role: CTO
";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn load_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    let loaded = loader::load(dir.path()).unwrap();
    (dir, loaded)
}

fn codes(l: &Loaded) -> Vec<&str> {
    l.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn only<'a>(l: &'a Loaded, code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = l.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code}, got {:#?}",
        l.diagnostics
    );
    found[0]
}

fn at(d: &Diagnostic) -> (String, u32) {
    let l = d.location.as_ref().expect("diagnostic has a location");
    (l.path.clone(), l.line)
}

#[test]
fn minimal_repository_loads_cleanly() {
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST)]);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    assert_eq!(l.model.people.len(), 2);
    assert!(l.model.is_top_management("p-ceo"));
}

#[test]
fn missing_manifest() {
    let (_d, l) = load_with(&[("assets.yaml", "assets: []\n")]);
    let d = only(&l, "LOAD-001");
    assert!(d.hint.as_deref().unwrap().contains("isms init"));
}

#[test]
fn not_a_folder_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(loader::load(&dir.path().join("nope")).is_err());
    write(dir.path(), "f", "x");
    assert!(loader::load(&dir.path().join("f")).is_err());
}

#[test]
fn non_utf8_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "isms.yaml", MANIFEST);
    std::fs::write(
        dir.path().join("assets.yaml"),
        b"assets:\n  - id: \xff\xfe\n",
    )
    .unwrap();
    let l = loader::load(dir.path()).unwrap();
    let d = only(&l, "LOAD-004");
    assert_eq!(at(d), ("assets.yaml".to_string(), 2));
}

#[test]
fn empty_files() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("risks.yaml", "\n"),
        ("assets.yaml", "# nothing yet\n"),
    ]);
    assert_eq!(codes(&l), vec!["LOAD-005", "LOAD-005"]);
}

#[test]
fn yaml_syntax_error_has_line() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("assets.yaml", "assets:\n  - id: A-1\n    name: [unclosed\n"),
    ]);
    let d = only(&l, "LOAD-006");
    assert_eq!(d.location.as_ref().unwrap().path, "assets.yaml");
    assert!(d.location.as_ref().unwrap().line >= 3);
}

#[test]
fn alias_bomb_is_refused() {
    let mut bomb = String::from("assets:\n  - &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..10 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("  - &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &bomb)]);
    only(&l, "LOAD-006");
}

#[test]
fn markdown_without_front_matter() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("policies/a.md", "# Access policy\n"),
        ("policies/b.md", "---\nid: POL-02\ntitle: B\n"),
    ]);
    let found: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-007")
        .collect();
    assert_eq!(found.len(), 2);
    assert!(
        found[1]
            .hint
            .as_deref()
            .unwrap()
            .contains("close the front matter")
    );
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        (
            "assets.yaml",
            "assets:\n  - id: A-1\n    name: Laptop\n    type: hardware\n    onwer: p-cto\n",
        ),
    ]);
    let d = only(&l, "LOAD-008");
    assert_eq!(at(d), ("assets.yaml".to_string(), 5));
    assert_eq!(d.hint.as_deref(), Some("did you mean `owner`?"));
}

#[test]
fn missing_field_wrong_type_and_bad_date_all_reported_in_one_run() {
    let risks = "\
risks:
  - title: No id here
  - id: R-2
    title: Wrong type
    inherent: { likelihood: high, impact: 3 }
  - id: R-3
    title: Bad date
    last_assessed: 2025-02-30
  - id: R-4
    title: Unknown treatment
    treatment: mitigat
  - id: R-5
    title: Fine
";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", risks)]);
    assert_eq!(
        codes(&l),
        vec!["LOAD-009", "LOAD-010", "LOAD-011", "LOAD-011"],
        "{:#?}",
        l.diagnostics
    );
    let lines: Vec<u32> = l
        .diagnostics
        .iter()
        .map(|d| d.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines, vec![2, 5, 8, 11]);
    assert!(
        l.diagnostics[2]
            .hint
            .as_deref()
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert!(
        l.diagnostics[3]
            .hint
            .as_deref()
            .unwrap()
            .contains("mitigate")
    );
    // The good record still loaded.
    assert_eq!(l.model.risks.len(), 1);
    assert_eq!(l.model.risks[0].id.value, "R-5");
}

#[test]
fn duplicate_ids_point_at_both() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        (
            "assets.yaml",
            "assets:\n  - { id: A-1, name: X, type: hardware }\n  - { id: A-1, name: Y, type: software }\n",
        ),
    ]);
    let d = only(&l, "LOAD-012");
    assert_eq!(at(d).1, 3);
    assert_eq!(d.related[0].location.line, 2);
}

#[test]
fn dangling_references_suggest_close_ids() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        (
            "assets.yaml",
            "assets:\n  - { id: A-1, name: X, type: hardware, owner: p-ctoo }\n",
        ),
        (
            "risks.yaml",
            "risks:\n  - { id: R-1, title: T, assets: [A-2], owner: p-cto }\n",
        ),
    ]);
    let found: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-013")
        .collect();
    assert_eq!(found.len(), 2, "{:#?}", l.diagnostics);
    assert!(found[0].message.contains("p-ctoo"));
    assert_eq!(found[0].hint.as_deref(), Some("did you mean `p-cto`?"));
    assert!(found[1].message.contains("A-2"));
}

#[test]
fn control_ids_are_text_and_validated() {
    let risks = "\
risks:
  - id: R-1
    title: T
    controls: [5.10, 5.1, 5.38, A.9.2.1]
";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", risks)]);
    let ids: Vec<&str> = l.model.risks[0]
        .controls
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(ids, vec!["5.10", "5.1", "5.38", "A.9.2.1"]);
    assert_eq!(
        codes(&l),
        vec!["LOAD-014", "LOAD-015"],
        "{:#?}",
        l.diagnostics
    );
    let old = only(&l, "LOAD-015");
    assert!(
        old.hint
            .as_deref()
            .unwrap()
            .contains("5.16 (Identity management)"),
        "{:?}",
        old.hint
    );
}

#[cfg(unix)]
#[test]
fn symlinked_records_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.yaml", "assets: []\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "isms.yaml", MANIFEST);
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("assets.yaml"),
    )
    .unwrap();
    let l = loader::load(dir.path()).unwrap();
    only(&l, "LOAD-016");
}

#[test]
fn newer_schema_version_is_refused() {
    let (_d, l) = load_with(&[(
        "isms.yaml",
        &MANIFEST.replace("schema_version: 1", "schema_version: 7"),
    )]);
    let d = only(&l, "LOAD-017");
    assert!(d.hint.as_deref().unwrap().contains("upgrade"));
}

#[test]
fn oversized_file_is_refused_without_reading_it_all() {
    let big = format!(
        "assets:\n{}",
        "  # padding padding padding padding padding padding\n".repeat(200_000)
    );
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("assets.yaml", &big)]);
    only(&l, "LOAD-003");
}

#[test]
fn front_matter_lines_are_file_lines() {
    let policy = "---\nid: POL-01\ntitle: Access\nversion: '1.0'\nowner: p-nobody\n---\n# Access\n";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("policies/access.md", policy)]);
    let d = only(&l, "LOAD-013");
    assert_eq!(at(d), ("policies/access.md".to_string(), 5));
    assert_eq!(l.model.policies[0].source.body_line, 7);
    assert_eq!(l.model.policies[0].source.body, "# Access\n");
}

#[test]
fn skipped_folders_are_not_records() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("_templates/policies/x.md", "not a record"),
        ("build/soa.html", "<html>"),
        ("policies/_draft.md", "not a record either"),
    ]);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
}

#[test]
fn a_prefixed_control_ids_are_normalised_and_deduplicated() {
    let soa = "\
document: { id: DOC-SOA }
controls:
  - { id: A.5.18, applicable: true }
  - { id: 5.18, applicable: true }
";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("soa.yaml", soa)]);
    assert!(l.model.soa_entry("5.18").is_some());
    let d = only(&l, "LOAD-012");
    assert_eq!(at(d).1, 4);
}

#[test]
fn control_references_take_the_form_of_the_control_they_name() {
    let soa = "\
document: { id: DOC-SOA }
controls:
  - { id: \"5.10\", applicable: true }
additional_controls:
  - { id: ORG-01, title: Customer data deletion }
";
    let risks = "\
risks:
  - id: R-1
    title: T
    controls: [\"A.5.10\", \" 5.1 \", \" ORG-01 \", \"A.5.38\"]
    plan:
      - { action: Encrypt backups, owner: p-cto, due: 2025-05-31, status: planned, controls: [\"A.5.10\", \" ORG-01\"] }
";
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("soa.yaml", soa),
        ("risks.yaml", risks),
    ]);
    let ids = |v: &[isms::model::Id]| v.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    let risk = &l.model.risks[0];
    // An id that names no control stays as written, as its load error quotes it.
    assert_eq!(ids(&risk.controls), ["5.10", "5.1", "ORG-01", "A.5.38"]);
    let plan: Vec<_> = risk.plan.iter().collect();
    assert_eq!(ids(&plan[0].controls), ["5.10", "ORG-01"]);
    assert!(
        only(&l, "LOAD-014").message.contains("`A.5.38`"),
        "{:#?}",
        l.diagnostics
    );
}

#[test]
fn a_broken_manifest_does_not_make_every_person_reference_dangle() {
    let manifest = MANIFEST.replace(
        "organisation:\n  name: Test Ltd\n",
        "organisation:\n  nmae: Test Ltd\n",
    );
    let (_d, l) = load_with(&[
        ("isms.yaml", &manifest),
        (
            "assets.yaml",
            "assets:\n  - { id: A-1, name: X, type: hardware, owner: p-cto }\n",
        ),
    ]);
    assert_eq!(codes(&l), vec!["LOAD-008"], "{:#?}", l.diagnostics);
    assert_eq!(l.model.people.len(), 2);
}

#[test]
fn an_empty_list_key_means_none() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        (
            "risks.yaml",
            "risks:\n  - id: R-1\n    title: T\n    controls:\n    assets:\n",
        ),
    ]);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    assert!(l.model.risks[0].controls.is_empty());
}

#[test]
fn messages_speak_the_users_language() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        (
            "risks.yaml",
            "risks:\n  - id: R-1\n    title: T\n    inherent: { likelihood: high, impact: 2 }\n",
        ),
        ("assets.yaml", "assets:\n  - id: A-1\n    id: A-2\n"),
        ("soa.yaml", "document: { id: X }\n---\ncontrols: []\n"),
    ]);
    let text: Vec<String> = l.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        text.iter()
            .any(|m| m.contains("expected a number, found the text `high`")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("the key `id` appears twice")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("more than one YAML document")),
        "{text:#?}"
    );
    assert!(
        !text
            .iter()
            .any(|m| m.contains("DuplicateKeyPolicy") || m.contains("budget") || m.contains("u8")),
        "{text:#?}"
    );
}

#[test]
fn evidence_needs_a_path_or_url() {
    let soa = "\
document: { id: DOC-SOA }
controls:
  - id: 8.13
    applicable: true
    evidence:
      - { description: restore test, collected: 2026-01-05 }
";
    let (_d, l) = load_with(&[("isms.yaml", MANIFEST), ("soa.yaml", soa)]);
    let d = only(&l, "LOAD-009");
    assert!(d.message.contains("neither `path` nor `url`"));
}

#[test]
fn near_miss_files_are_reported_not_silently_skipped() {
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("assets.yml", "assets: []\n"),
        ("risk.yaml", "risks: []\n"),
        ("policies/hr/onboarding.md", "---\nid: X\ntitle: Y\n---\n"),
        ("notes.txt", "free text is fine"),
        ("evidence/2026/report.yaml", "anything: here\n"),
    ]);
    let found: Vec<(String, String)> = l
        .diagnostics
        .iter()
        .map(|d| (d.code.clone(), d.location.as_ref().unwrap().path.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("LOAD-018".to_string(), "assets.yml".to_string()),
            (
                "LOAD-018".to_string(),
                "policies/hr/onboarding.md".to_string()
            ),
            ("LOAD-018".to_string(), "risk.yaml".to_string()),
        ]
    );
    assert!(
        l.diagnostics[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("rename it to `assets.yaml`")
    );
}

#[test]
fn finding_ids_are_unique_within_their_audit() {
    let audit = |id: &str, f2: &str| {
        format!(
            "---\nid: {id}\ntitle: Internal audit\nfindings:\n  - {{ id: F-01, type: observation, description: a }}\n  - {{ id: {f2}, type: observation, description: b }}\n---\n"
        )
    };
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("audits/a.md", &audit("AUD-1", "F-01")),
        ("audits/b.md", &audit("AUD-2", "F-02")),
    ]);
    let d = only(&l, "LOAD-012");
    assert_eq!(at(d), ("audits/a.md".to_string(), 6));
}

#[test]
fn an_empty_section_is_an_empty_mapping_and_a_scalar_list_is_a_type_error() {
    let review = "---\nid: MR-1\ntitle: Review\ndate: 2026-03-01\ninputs:\n---\n";
    let (_d, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("reviews/mr-1.md", review),
        (
            "risks.yaml",
            "risks:\n  - { id: R-1, title: T, controls: 8.13 }\n",
        ),
    ]);
    let d = only(&l, "LOAD-010");
    assert_eq!(at(d), ("risks.yaml".to_string(), 2));
    assert!(
        d.hint.as_deref().unwrap().contains("`- item`"),
        "{:?}",
        d.hint
    );
    assert_eq!(l.model.reviews.len(), 1);
    assert!(l.model.reviews[0].inputs.previous_actions.is_none());
}

/// A management review with one action, `extra` being more lines of that action.
fn review_with_action(extra: &str) -> String {
    format!(
        "---\nid: MR-2025-01\ntitle: Management review 2025\ndate: 2025-06-20\nactions:\n  - action: Select an access review tool\n    owner: p-cto\n    due: 2025-09-30\n{extra}---\n# Management review 2025\n"
    )
}

/// The controls a treatment action or a management-review action puts in place are control
/// references like any other: an id that names no control is reported where it is written
/// (it used to pass silently, and SOA-18 then never matched it), and an `A.`-prefixed id
/// is read as the bare 2022 id.
#[test]
fn control_ids_of_treatment_and_review_actions_are_checked_and_normalised() {
    let risks = "risks:
  - id: R-01
    title: Loss of customer data
    owner: p-cto
    controls: [\"8.13\"]
    plan:
      - action: Automate daily backups
        owner: p-cto
        due: 2025-05-31
        controls: [\"9.98\", \"A.8.13\"]
";
    let review = review_with_action("    controls: [\"A.5.18\", \"5.99\"]\n");
    let (_dir, l) = load_with(&[
        ("isms.yaml", MANIFEST),
        ("risks.yaml", risks),
        ("reviews/2025-06.md", &review),
    ]);
    let unknown: Vec<(String, String, u32)> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-014")
        .map(|d| {
            let loc = d.location.as_ref().expect("located");
            (d.message.clone(), loc.path.clone(), loc.line)
        })
        .collect();
    assert_eq!(
        unknown,
        vec![
            (
                "`5.99` is not an ISO/IEC 27001:2022 Annex A control".to_string(),
                "reviews/2025-06.md".to_string(),
                9
            ),
            (
                "`9.98` is not an ISO/IEC 27001:2022 Annex A control".to_string(),
                "risks.yaml".to_string(),
                10
            ),
        ],
        "{:#?}",
        l.diagnostics
    );
    let ids = |v: &[isms::model::Id]| v.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    let plan = l.model.risks[0].plan.iter().next().expect("an action");
    assert_eq!(ids(&plan.controls), ["9.98", "8.13"]);
    let act = l.model.reviews[0].actions.iter().next().expect("an action");
    assert_eq!(ids(&act.controls), ["5.18", "5.99"]);
}

/// Person and document references that used to go unchecked: a role's `approves:` (a
/// misspelt document id lifted the restriction on who approves it), the `replanned.by` of a
/// management-review action and who reviewed the asset inventory.
#[test]
fn approvers_replans_and_inventory_reviews_are_references() {
    let manifest = format!(
        "{MANIFEST}roles:\n  - id: r-isms\n    title: ISMS manager\n    holders: [p-cto]\n    approves: [POL-01, POL-99]\n"
    );
    let policy = "---\nid: POL-01\ntitle: Information security policy\nkind: information-security\nowner: p-ceo\n---\n# Policy\n";
    let review = review_with_action(
        "    replanned:\n      - { due: 2025-10-31, reason: Vendor late, by: p-nobody, on: 2025-09-01 }\n",
    );
    let assets = "reviewed: { by: p-ghost, on: 2025-05-01 }\nassets:\n  - id: A-01\n    name: Laptop\n    type: hardware\n    owner: p-cto\n";
    let (_dir, l) = load_with(&[
        ("isms.yaml", &manifest),
        ("policies/isp.md", policy),
        ("reviews/2025-06.md", &review),
        ("assets.yaml", assets),
    ]);
    let dangling: Vec<(String, String)> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-013")
        .map(|d| {
            (
                d.message.clone(),
                d.location
                    .as_ref()
                    .map(|x| format!("{}:{}", x.path, x.line))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let has = |needle: &str, at: &str| dangling.iter().any(|(m, l)| m.contains(needle) && l == at);
    assert!(
        has("`approves` refers to a document `POL-99`", "isms.yaml:16"),
        "{dangling:#?} {:#?}",
        l.diagnostics
    );
    assert!(
        has("`replanned.by` refers to", "reviews/2025-06.md:10"),
        "{dangling:#?}"
    );
    assert!(
        has("`reviewed.by` refers to", "assets.yaml:1"),
        "{dangling:#?}"
    );
    assert!(
        !dangling.iter().any(|(m, _)| m.contains("POL-01")),
        "{dangling:#?}"
    );
}

/// The keys of `cadences.control_evidence_months` are control ids like any other: `A.8.8`
/// sets the cadence of 8.8 (it used to leave 8.8 at its default and add a control named
/// `A.8.8` that never matched), an unknown id is LOAD-014 at the mapping, and a value is
/// range-checked where it is written, as every other cadence is.
#[test]
fn control_evidence_cadences_are_control_ids_and_checked_intervals() {
    let manifest = format!(
        "{MANIFEST}cadences:\n  control_evidence_months: {{ \"A.8.8\": 1, \"9.99\": 2, \"5.35\": 24 }}\n"
    );
    let (_dir, l) = load_with(&[("isms.yaml", &manifest)]);
    let unknown: Vec<(String, u32)> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-014")
        .map(|d| (d.message.clone(), d.location.as_ref().map_or(0, |x| x.line)))
        .collect();
    assert_eq!(
        unknown,
        vec![(
            "`9.99` is not an ISO/IEC 27001:2022 Annex A control".to_string(),
            13
        )],
        "{:#?}",
        l.diagnostics
    );
    let cadences = l.model.cadences().control_evidence();
    let months = |id: &str| {
        cadences
            .iter()
            .find(|(c, _, _)| c == id)
            .map(|(_, m, _)| *m)
    };
    assert_eq!(months("8.8"), Some(1));
    assert_eq!(months("A.8.8"), None);
    assert_eq!(months("5.35"), Some(24));

    let too_long =
        format!("{MANIFEST}cadences:\n  control_evidence_months:\n    \"8.8\": 4000000000\n");
    let (_dir, l) = load_with(&[("isms.yaml", &too_long)]);
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.message.contains("4000000000 months is out of range"))
        .unwrap_or_else(|| panic!("{:#?}", l.diagnostics));
    assert_eq!(d.location.as_ref().map(|x| x.line), Some(14));
}

/// A dangling reference in an opportunity is reported against the opportunity (so a waiver
/// on it matches), not against the risk read before it.
#[test]
fn an_opportunitys_dangling_reference_is_its_own() {
    let risks = "risks:
  - id: R-01
    title: Loss of customer data
    owner: p-cto
opportunities:
  - id: OPP-01
    title: Automate access reviews
    owner: p-nobody
";
    let (_dir, l) = load_with(&[("isms.yaml", MANIFEST), ("risks.yaml", risks)]);
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "LOAD-013" && d.message.contains("p-nobody"))
        .unwrap_or_else(|| panic!("{:#?}", l.diagnostics));
    assert_eq!(d.record.as_deref(), Some("OPP-01"));
    assert_eq!(
        d.location.as_ref().map(|x| (x.path.as_str(), x.line)),
        Some(("risks.yaml", 8))
    );
}

/// An own control may be owned by a role, as an Annex A entry may; a missing owner is reported
/// against the own control, not the SoA entry read before it.
#[test]
fn own_controls_are_owned_by_people_or_roles() {
    let manifest = format!(
        "{MANIFEST}roles:\n  - id: r-isms\n    title: ISMS manager\n    holders: [p-cto]\n"
    );
    let soa = "document:
  id: DOC-SOA
  title: Statement of Applicability
controls:
  - id: \"5.1\"
    applicable: true
    justification: Policies
additional_controls:
  - id: ORG-01
    title: Vendor questionnaire
    owner: r-isms
    justification: Customer contracts ask for it
  - id: ORG-02
    title: Clean desk walk
    owner: p-nobody
    justification: Office audit
";
    let (_dir, l) = load_with(&[("isms.yaml", &manifest), ("soa.yaml", soa)]);
    let dangling: Vec<(Option<&str>, &str)> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "LOAD-013")
        .map(|d| (d.record.as_deref(), d.message.as_str()))
        .collect();
    assert_eq!(dangling.len(), 1, "{:#?}", l.diagnostics);
    assert_eq!(dangling[0].0, Some("ORG-02"));
    assert!(dangling[0].1.contains("p-nobody"));
}

/// A nonconformity that names a finding without its audit: some audit must have that finding
/// (finding ids are unique per audit only); it used to pass unchecked.
#[test]
fn a_finding_named_without_its_audit_must_exist_in_some_audit() {
    let audit = "---
id: AUD-2025-01
title: Internal audit 2025
type: internal
status: completed
date: 2025-05-01
scope: Whole ISMS
findings:
  - { id: F-01, type: minor, clause: \"9.1\", description: Restore test not documented }
---
# Audit
";
    let ncs = |finding: &str| {
        format!(
            "nonconformities:\n  - id: NC-01\n    title: Restore test not documented\n    source: internal-audit\n    finding: {finding}\n    raised: 2025-05-10\n    description: The Q1 restore test had no record.\n    owner: p-cto\n    status: open\n"
        )
    };
    let dangling = |finding: &str| {
        let (_dir, l) = load_with(&[
            ("isms.yaml", MANIFEST),
            ("audits/2025.md", audit),
            ("nonconformities.yaml", &ncs(finding)),
        ]);
        // Everything else loads: the audit and the nonconformity are both there.
        assert_eq!(
            (l.model.audits.len(), l.model.nonconformities.len()),
            (1, 1)
        );
        assert!(
            l.diagnostics.iter().all(|d| d.code == "LOAD-013"),
            "{:#?}",
            l.diagnostics
        );
        l.diagnostics
            .iter()
            .filter(|d| d.code == "LOAD-013")
            .map(|d| {
                (
                    d.message.clone(),
                    d.record.clone(),
                    d.location.as_ref().map_or(0, |x| x.line),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(dangling("F-01"), vec![]);
    assert_eq!(
        dangling("F-09"),
        vec![(
            "`finding` refers to finding `F-09`, which no audit has".to_string(),
            Some("NC-01".to_string()),
            5
        )]
    );
}
