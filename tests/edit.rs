//! The editing layer on real registers: edits of several files of the example applied as one
//! change set, every other byte unchanged, and nothing written when one file is refused.

use std::path::Path;

use isms::edit::{ChangeSet, EditError, Step, Value};
use isms::fsutil::Overwrite;

fn example_copy() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
    let tmp = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let target = tmp.path().join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    tmp
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

/// `after` is `before` with one block inserted or replaced: the common prefix and suffix
/// cover everything else.
fn one_block_changed(before: &str, after: &str) -> (String, String) {
    let p = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let s = before[p..]
        .bytes()
        .rev()
        .zip(after[p..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        before[p..before.len() - s].to_string(),
        after[p..after.len() - s].to_string(),
    )
}

#[test]
fn a_change_set_over_several_registers_of_the_example() {
    let dir = example_copy();
    let root = dir.path();
    let risks = read(root, "risks.yaml");
    let soa = read(root, "soa.yaml");
    let mut set = ChangeSet::new();
    let placed = set
        .open(root, "risks.yaml")
        .unwrap()
        .append(
            &[Step::key("risks")],
            &Value::map([
                ("id", Value::str("R-900")),
                ("title", Value::str("Test: a risk")),
                ("owner", Value::str("p-sre")),
                ("controls", Value::strs(["5.10", "8.1"])),
            ]),
        )
        .unwrap();
    set.open(root, "soa.yaml")
        .unwrap()
        .set(
            &[Step::key("controls"), Step::id("5.10")],
            "implementation",
            &Value::str("Acceptable use: yes, signed # by all"),
        )
        .unwrap();
    let diff = set.diff();
    assert!(diff.contains("+++ b/risks.yaml"), "{diff}");
    assert!(diff.contains("+++ b/soa.yaml"), "{diff}");
    set.apply(root, Overwrite::Refuse).unwrap();

    let (removed, added) = one_block_changed(&risks, &read(root, "risks.yaml"));
    assert_eq!(removed, "");
    assert!(
        added.contains("  - id: R-900\n    title: \"Test: a risk\"\n"),
        "{added}"
    );
    let line = read(root, "risks.yaml")
        .lines()
        .position(|l| l == "  - id: R-900")
        .unwrap();
    assert_eq!(placed.line as usize, line + 1);
    let (_, added) = one_block_changed(&soa, &read(root, "soa.yaml"));
    assert!(
        added.contains("\"Acceptable use: yes, signed # by all\""),
        "{added}"
    );

    // The example still loads with the new risk and the new text.
    let loaded = isms::loader::load(root).unwrap();
    assert!(loaded.model.risk("R-900").is_some());
    let e = loaded.model.soa_entry("5.10").unwrap();
    assert_eq!(
        e.implementation.as_deref(),
        Some("Acceptable use: yes, signed # by all")
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| !d.code.starts_with("LOAD"))
    );
}

#[cfg(unix)]
#[test]
fn nothing_is_written_when_one_file_is_refused() {
    let dir = example_copy();
    let root = dir.path();
    let assets = read(root, "assets.yaml");
    let mut set = ChangeSet::new();
    set.open(root, "assets.yaml")
        .unwrap()
        .append(
            &[Step::key("assets")],
            &Value::map([("id", Value::str("A-900")), ("name", Value::str("x"))]),
        )
        .unwrap();
    set.open(root, "suppliers.yaml")
        .unwrap()
        .append(
            &[Step::key("suppliers")],
            &Value::map([("id", Value::str("SUP-900")), ("name", Value::str("x"))]),
        )
        .unwrap();
    // The second file is swapped for a link after it was read.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("s.yaml"), "suppliers: []\n").unwrap();
    std::fs::remove_file(root.join("suppliers.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("s.yaml"), root.join("suppliers.yaml")).unwrap();
    let err = set.apply(root, Overwrite::Refuse).unwrap_err();
    assert!(
        matches!(
            err,
            EditError::Read { .. } | EditError::Write(_) | EditError::Changed { .. }
        ),
        "{err}"
    );
    assert_eq!(read(root, "assets.yaml"), assets);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("s.yaml")).unwrap(),
        "suppliers: []\n"
    );
    let leftovers = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".isms-tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_file_changed_on_disk_meanwhile_is_not_overwritten() {
    let dir = example_copy();
    let root = dir.path();
    let mut set = ChangeSet::new();
    set.open(root, "changes.yaml")
        .unwrap()
        .append(
            &[Step::key("changes")],
            &Value::map([("id", Value::str("CHG-900")), ("title", Value::str("x"))]),
        )
        .unwrap();
    let edited = format!("{}# someone else's edit\n", read(root, "changes.yaml"));
    std::fs::write(root.join("changes.yaml"), &edited).unwrap();
    assert!(matches!(
        set.apply(root, Overwrite::Refuse),
        Err(EditError::Changed { .. })
    ));
    assert_eq!(read(root, "changes.yaml"), edited);
}
