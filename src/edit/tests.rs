use super::*;

/// Asserts that `after` is `before` with `inserted` put in at one place: every byte before and
/// after the inserted block is identical.
fn assert_inserted(before: &str, after: &str, inserted: &str) {
    assert_eq!(
        after.len(),
        before.len() + inserted.len(),
        "after:\n{after}\n---\nexpected to insert:\n{inserted}"
    );
    let at = after.find(inserted).expect("inserted text present");
    assert_eq!(&after[..at], &before[..at], "prefix changed");
    assert_eq!(
        &after[at + inserted.len()..],
        &before[at..],
        "suffix changed"
    );
}

fn risk(id: &str) -> Value {
    Value::map([
        ("id", Value::str(id)),
        ("title", Value::str("New risk")),
        ("owner", Value::str("p-ciso")),
        ("controls", Value::strs(["5.10", "8.2"])),
    ])
}

fn key(k: &str) -> Step {
    Step::key(k)
}

const REGISTER: &str = "\
# Risk register (6.1.2).
assessed: 2026-10-06

risks:

  - id: R-001
    title: First   # a comment
    owner: p-sre
    description: >-
      Folded text that
      spans lines.

  # Second risk.
  - id: R-002
    title: 'Second'
    owner: p-sre

# Trailing comment about opportunities.
opportunities: []
";

#[test]
fn appends_after_the_last_item_with_its_indentation_and_spacing() {
    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    let placed = e.append(&[key("risks")], &risk("R-003")).unwrap();
    let inserted = "\n  - id: R-003\n    title: New risk\n    owner: p-ciso\n    controls: [\"5.10\", \"8.2\"]\n";
    assert_inserted(REGISTER, e.text(), inserted);
    assert_eq!(
        e.line_of(&[key("risks"), Step::id("R-003")]).unwrap(),
        Some(placed.line)
    );
    assert_eq!(placed.line, 18);
}

#[test]
fn four_space_indentation_and_dash_gap_are_followed() {
    let before =
        "risks:\n    -   id: R-1\n        title: A\n        plan:\n            -   id: A-1\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.append(
        &[key("risks")],
        &Value::map([("id", Value::str("R-2")), ("title", Value::str("B"))]),
    )
    .unwrap();
    assert_inserted(before, e.text(), "    -   id: R-2\n        title: B\n");
}

#[test]
fn items_at_column_zero() {
    let before = "assets:\n- id: A-1\n  name: Laptop\n";
    let mut e = FileEdit::new("assets.yaml", Some(before.to_string()));
    e.append(
        &[key("assets")],
        &Value::map([("id", Value::str("A-2")), ("name", Value::str("Phone"))]),
    )
    .unwrap();
    assert_inserted(before, e.text(), "- id: A-2\n  name: Phone\n");
}

#[test]
fn crlf_and_missing_trailing_newline() {
    let before = "risks:\r\n  - id: R-1\r\n    title: A";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.append(&[key("risks")], &Value::map([("id", Value::str("R-2"))]))
        .unwrap();
    assert_eq!(
        e.text(),
        "risks:\r\n  - id: R-1\r\n    title: A\r\n  - id: R-2\r\n"
    );
}

#[test]
fn empty_flow_list_missing_key_null_and_empty_file() {
    let item = Value::map([("id", Value::str("O-1"))]);
    let before = "risks: []\nopportunities: []   # none yet\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.append(&[key("opportunities")], &item).unwrap();
    assert_eq!(
        e.text(),
        "risks: []\nopportunities:\n  - id: O-1   # none yet\n"
    );

    let before = "risks:\n  - id: R-1\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.append(&[key("opportunities")], &item).unwrap();
    assert_inserted(before, e.text(), "opportunities:\n  - id: O-1\n");

    for before in ["risks:\n", "risks: ~\n", "risks:   # later\n"] {
        let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
        e.append(&[key("risks")], &item).unwrap();
        assert!(
            e.text().ends_with("\n  - id: O-1\n"),
            "{before:?} -> {:?}",
            e.text()
        );
        assert!(!e.text().contains('~'));
        assert_eq!(before.contains("# later"), e.text().contains("# later"));
    }

    let mut e = FileEdit::new("risks/new.yaml", None);
    e.append(&[key("risks")], &item).unwrap();
    assert_eq!(e.text(), "risks:\n  - id: O-1\n");

    let before = "# only a comment";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.append(&[key("risks")], &item).unwrap();
    assert_eq!(e.text(), "# only a comment\nrisks:\n  - id: O-1\n");
}

#[test]
fn appends_to_a_flow_list_of_scalars() {
    let before = "a:\n  - id: X\n    controls: [\"5.1\", 8.2]  # kept\n    other: 1\n";
    let mut e = FileEdit::new("soa.yaml", Some(before.to_string()));
    e.append(
        &[key("a"), Step::id("X"), key("controls")],
        &Value::str("5.10"),
    )
    .unwrap();
    assert_inserted(before, e.text(), ", \"5.10\"");
}

#[test]
fn nested_list_field_is_created_or_extended() {
    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    let path = [key("risks"), Step::id("R-001"), key("plan")];
    let action = Value::map([
        ("id", Value::str("RTP-1")),
        ("due", Value::Date(jiff::civil::date(2026, 3, 1))),
    ]);
    e.append(&path, &action).unwrap();
    assert_inserted(
        REGISTER,
        e.text(),
        "    plan:\n      - id: RTP-1\n        due: 2026-03-01\n",
    );
    let first = e.text().to_string();
    e.append(&path, &Value::map([("id", Value::str("RTP-2"))]))
        .unwrap();
    assert_inserted(&first, e.text(), "      - id: RTP-2\n");
}

#[test]
fn set_replaces_only_the_value_and_keeps_quoting() {
    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    e.set(
        &[key("risks"), Step::id("R-002")],
        "title",
        &Value::str("It's second"),
    )
    .unwrap();
    assert_eq!(e.text(), REGISTER.replace("'Second'", "'It''s second'"));

    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    e.set(
        &[key("risks"), Step::id("R-001")],
        "title",
        &Value::str("5.10"),
    )
    .unwrap();
    assert_eq!(
        e.text(),
        REGISTER.replace("title: First ", "title: \"5.10\" ")
    );

    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    e.set(
        &[],
        "assessed",
        &Value::Date(jiff::civil::date(2026, 12, 7)),
    )
    .unwrap();
    assert_eq!(e.text(), REGISTER.replace("2026-10-06", "2026-12-07"));
}

#[test]
fn set_inserts_a_missing_field_after_the_last_key() {
    let mut e = FileEdit::new("risks.yaml", Some(REGISTER.to_string()));
    let acceptance = Value::map([
        ("by", Value::str("p-ceo")),
        ("rationale", Value::str("Cost: exceeds benefit")),
    ]);
    e.set(
        &[key("risks"), Step::id("R-001")],
        "acceptance",
        &acceptance,
    )
    .unwrap();
    assert_inserted(
        REGISTER,
        e.text(),
        "    acceptance:\n      by: p-ceo\n      rationale: \"Cost: exceeds benefit\"\n",
    );
    // Replacing it rewrites only that entry.
    let first = e.text().to_string();
    e.set(
        &[key("risks"), Step::id("R-001")],
        "acceptance",
        &Value::map([("by", Value::str("p-x"))]),
    )
    .unwrap();
    assert_eq!(
        e.text(),
        first.replace(
            "      by: p-ceo\n      rationale: \"Cost: exceeds benefit\"\n",
            "      by: p-x\n"
        )
    );
}

#[test]
fn empty_value_is_filled_in_after_the_colon() {
    let before = "items:\n  - id: X\n    closed:\n    status: open\n";
    let mut e = FileEdit::new("x.yaml", Some(before.to_string()));
    e.set(
        &[key("items"), Step::id("X")],
        "closed",
        &Value::Date(jiff::civil::date(2026, 1, 2)),
    )
    .unwrap();
    assert_eq!(
        e.text(),
        before.replace("closed:\n", "closed: 2026-01-02\n")
    );
}

#[test]
fn front_matter_of_a_markdown_document() {
    let before =
        "---\nid: POL-01\ntitle: Policy\nversion: \"1.0\"\n---\n\n# Body\n\nid: not yaml\n";
    let mut e = FileEdit::new("policies/p.md", Some(before.to_string()));
    e.set(&[], "version", &Value::str("1.1")).unwrap();
    e.set(&[], "approval", &Value::map([("by", Value::str("p-ceo"))]))
        .unwrap();
    assert_eq!(
        e.text(),
        "---\nid: POL-01\ntitle: Policy\nversion: \"1.1\"\napproval:\n  by: p-ceo\n---\n\n# Body\n\nid: not yaml\n"
    );
}

#[test]
fn refuses_what_it_cannot_edit_safely() {
    let mut e = FileEdit::new("x.yaml", Some("a: [1, 2\n".to_string()));
    assert!(matches!(
        e.append(&[key("a")], &Value::Int(3)),
        Err(EditError::Parse { .. })
    ));
    let mut e = FileEdit::new("x.yaml", Some("items: [{id: X}]\n".to_string()));
    assert!(matches!(
        e.set(&[key("items"), Step::id("X")], "t", &Value::Int(1)),
        Err(EditError::Unsupported { .. })
    ));
    assert!(matches!(
        e.append(&[key("items")], &Value::map([("id", Value::str("Y"))])),
        Err(EditError::Unsupported { .. })
    ));
    assert!(matches!(
        e.set(&[key("items"), Step::id("nope")], "t", &Value::Int(1)),
        Err(EditError::NotFound { .. })
    ));
    assert_eq!(e.text(), "items: [{id: X}]\n");
}

#[test]
fn awkward_strings_read_back_as_written() {
    let nasty = [
        "yes",
        "null",
        "5.10",
        "2026-01-01",
        "- dash",
        ": colon",
        "# hash",
        "a: b",
        "tab\there",
        "line\nbreak",
        "quote \" and \\",
        "bell\u{7}",
        "  spaces  ",
        "",
        "[x]",
        "x, y",
    ];
    for s in nasty {
        let mut e = FileEdit::new(
            "x.yaml",
            Some("items:\n  - id: X\n    t: old\n".to_string()),
        );
        e.set(&[key("items"), Step::id("X")], "t", &Value::str(s))
            .unwrap();
        e.append(&[key("items"), Step::id("X"), key("list")], &Value::str(s))
            .unwrap();
        e.append(&[key("items")], &Value::map([("id", Value::str(s))]))
            .unwrap();
        let (tree, _) = e.tree().unwrap();
        assert!(
            locate(&tree, &[key("items"), Step::id(s)]).is_some(),
            "{s:?}"
        );
    }
}

#[test]
fn change_set_diff_and_all_or_nothing_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.yaml"), REGISTER).unwrap();
    let mut set = ChangeSet::new();
    set.open(dir.path(), "risks.yaml")
        .unwrap()
        .append(&[key("risks")], &risk("R-003"))
        .unwrap();
    set.open(dir.path(), "risks/extra.yaml")
        .unwrap()
        .append(&[key("risks")], &risk("R-004"))
        .unwrap();
    let diff = set.diff();
    assert!(
        diff.contains("--- a/risks.yaml\n+++ b/risks.yaml\n"),
        "{diff}"
    );
    assert!(diff.contains("+  - id: R-003\n"), "{diff}");
    assert!(
        diff.contains("--- /dev/null\n+++ b/risks/extra.yaml\n"),
        "{diff}"
    );

    // A file that appeared meanwhile is not replaced, and the other file is not written.
    std::fs::create_dir(dir.path().join("risks")).unwrap();
    std::fs::write(dir.path().join("risks/extra.yaml"), "x").unwrap();
    assert!(set.apply(dir.path(), Overwrite::Refuse).is_err());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("risks.yaml")).unwrap(),
        REGISTER
    );
    std::fs::remove_file(dir.path().join("risks/extra.yaml")).unwrap();

    let written = set.apply(dir.path(), Overwrite::Refuse).unwrap();
    assert_eq!(written.len(), 2);
    assert!(
        std::fs::read_to_string(dir.path().join("risks.yaml"))
            .unwrap()
            .contains("R-003")
    );
    // Applying again: risks.yaml no longer matches what was read.
    assert!(matches!(
        set.apply(dir.path(), Overwrite::Refuse),
        Err(EditError::Changed { .. }) | Err(EditError::Write(_))
    ));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".isms-tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn register_file_prefers_the_split_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(register_file(dir.path(), "risks"), "risks.yaml");
    std::fs::create_dir(dir.path().join("risks")).unwrap();
    assert_eq!(register_file(dir.path(), "risks"), "risks/risks.yaml");
    std::fs::write(dir.path().join("risks/a.yaml"), "risks: []\n").unwrap();
    std::fs::write(dir.path().join("risks/b.yaml"), "risks: []\n").unwrap();
    assert_eq!(register_file(dir.path(), "risks"), "risks/b.yaml");
    std::fs::write(dir.path().join("assets.yaml"), "assets: []\n").unwrap();
    assert_eq!(register_file(dir.path(), "assets"), "assets.yaml");
}

/// Table test over the example registers: appending to every register changes nothing
/// outside the inserted block.
#[test]
fn example_registers_keep_every_other_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
    for (file, list) in [
        ("risks.yaml", "risks"),
        ("assets.yaml", "assets"),
        ("suppliers.yaml", "suppliers"),
        ("objectives.yaml", "objectives"),
        ("incidents.yaml", "incidents"),
        ("changes.yaml", "changes"),
        ("nonconformities.yaml", "nonconformities"),
    ] {
        let before = std::fs::read_to_string(root.join(file)).unwrap();
        let mut e = FileEdit::new(file, Some(before.clone()));
        e.append(
            &[key(list)],
            &Value::map([("id", Value::str("ZZ-1")), ("title", Value::str("t"))]),
        )
        .unwrap();
        let after = e.text();
        let common_prefix = before
            .bytes()
            .zip(after.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let common_suffix = before
            .bytes()
            .rev()
            .zip(after.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        assert!(common_prefix + common_suffix >= before.len(), "{file}");
        let inserted = &after[common_prefix..after.len() - (before.len() - common_prefix)];
        assert!(inserted.contains("id: ZZ-1"), "{file}: {inserted:?}");
    }
}

#[test]
fn a_to_do_comment_goes_with_the_value_it_asked_for() {
    let before =
        "assessed: ~   # to do: date of the assessment\nrisks:\n  - plan:\n      - due: ~ # note\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    e.set(&[], "assessed", &Value::Date(jiff::civil::date(2026, 2, 1)))
        .unwrap();
    let path = [key("risks"), Step::Index(0), key("plan"), Step::Index(0)];
    e.set(&path, "due", &Value::Date(jiff::civil::date(2026, 3, 1)))
        .unwrap();
    assert_eq!(
        e.text(),
        "assessed: 2026-02-01\nrisks:\n  - plan:\n      - due: 2026-03-01 # note\n"
    );
}

#[test]
fn the_first_item_of_an_empty_list_takes_its_to_do_note_along() {
    let before = "suppliers:\n  - id: S-1\n    reviews: []   # to do: assess the supplier\n    x: 1   # to do: keep\n";
    let mut e = FileEdit::new("suppliers.yaml", Some(before.to_string()));
    let path = [key("suppliers"), Step::id("S-1"), key("reviews")];
    e.append(&path, &Value::map([("by", Value::str("p-a"))]))
        .unwrap();
    assert_eq!(
        e.text(),
        "suppliers:\n  - id: S-1\n    reviews:\n      - by: p-a\n    x: 1   # to do: keep\n"
    );
    // An ordinary comment stays where it was, and so does a note once the list has items.
    let before = "a: []   # kept\nb:\n  - 1   # to do: more\n";
    let mut e = FileEdit::new("x.yaml", Some(before.to_string()));
    e.append(&[key("a")], &Value::Int(1)).unwrap();
    e.append(&[key("b")], &Value::Int(2)).unwrap();
    assert_eq!(
        e.text(),
        "a:\n  - 1   # kept\nb:\n  - 1   # to do: more\n  - 2\n"
    );
}

#[test]
fn front_matter_indentation_ignores_the_markdown_body() {
    let before = "---\nid: POL-9\nlist: [a]\n---\n\n1. Item\n   continued with three spaces\n";
    let mut e = FileEdit::new("policies/p.md", Some(before.to_string()));
    e.set(
        &[],
        "communicated",
        &Value::map([("via", Value::str("Wiki"))]),
    )
    .unwrap();
    assert_eq!(
        e.text(),
        "---\nid: POL-9\nlist: [a]\ncommunicated:\n  via: Wiki\n---\n\n1. Item\n   continued with three spaces\n"
    );
}

#[test]
fn a_flow_mapping_is_filled_in_flow_style() {
    let before = "risks:\n  - id: R-1\n    plan_approval: { by: ~, on: ~ }   # to do: the owner approves\n    x: 1\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    let v = Value::map([
        ("by", Value::str("p-ceo")),
        ("on", Value::Date(jiff::civil::date(2026, 1, 2))),
    ]);
    e.set(&[key("risks"), Step::id("R-1")], "plan_approval", &v)
        .unwrap();
    assert_eq!(
        e.text(),
        "risks:\n  - id: R-1\n    plan_approval: { by: p-ceo, on: 2026-01-02 }\n    x: 1\n"
    );
}

#[test]
fn inline_items_get_an_inline_item() {
    let before =
        "people:\n  - { id: p-ceo, name: Ada }\n  - { id: p-cto, name: Cleo }\nroles: []\n";
    let mut e = FileEdit::new("isms.yaml", Some(before.to_string()));
    e.append(
        &[key("people")],
        &Value::map([("id", Value::str("p-x")), ("name", Value::str("Jo: B"))]),
    )
    .unwrap();
    assert_inserted(before, e.text(), "  - { id: p-x, name: \"Jo: B\" }\n");
}

#[test]
fn a_scalar_inside_an_inline_mapping_is_replaced_in_place() {
    let before = "risks:\n  - id: R-1\n    inherent: { likelihood: 4, impact: 4, to_confirm: true }   # High\n";
    let mut e = FileEdit::new("risks.yaml", Some(before.to_string()));
    let path = [key("risks"), Step::id("R-1"), key("inherent")];
    e.set(&path, "to_confirm", &Value::Bool(false)).unwrap();
    assert_eq!(
        e.text(),
        before.replace("to_confirm: true", "to_confirm: false")
    );
    // A new key cannot be inserted into it.
    assert!(matches!(
        e.set(&path, "level", &Value::Int(16)),
        Err(EditError::Unsupported { .. })
    ));
}

#[test]
fn a_block_text_is_replaced_as_a_whole_entry() {
    let before =
        "items:\n  - id: X\n    text: >-\n      Folded over\n      two lines.\n\n    next: 1\n";
    let mut e = FileEdit::new("x.yaml", Some(before.to_string()));
    e.set(
        &[key("items"), Step::id("X")],
        "text",
        &Value::str("New: text"),
    )
    .unwrap();
    assert_eq!(
        e.text(),
        "items:\n  - id: X\n    text: \"New: text\"\n\n    next: 1\n"
    );
}

/// Found by the `edit_register` fuzz target: a null value whose token sits on the line after
/// its key made the append slice the text backwards and panic.
#[test]
fn a_null_written_after_its_key_line_is_refused_not_a_panic() {
    let crash = b"risks:\n  ~- id: R-000\n    title: Ransomware o\xebn laptops\n    p-cto\n    inherent:\n \x1a     l\x01nelihood: likely\n      impact: 4\n";
    let lossy = String::from_utf8_lossy(crash).into_owned();
    let prefix = "risks:\n  ~- id: R-000\n    title: Ransomware o".to_string();
    for text in [
        lossy,
        prefix,
        "risks:\n  ~\n".to_string(),
        "risks:\n  ~ # none\n".to_string(),
    ] {
        let mut e = FileEdit::new("risks.yaml", Some(text.clone()));
        if e.append(&[key("risks")], &risk("R-999")).is_ok() {
            assert!(e.text().starts_with("risks:"), "{text:?} -> {:?}", e.text());
        }
    }
}
