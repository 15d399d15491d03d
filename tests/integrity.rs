//! Integrity of what an auditor is shown: approvals checked against the Git history (GIT-04),
//! ids that cannot deceive, evidence URLs, and renders that survive being interrupted.

#[path = "support/git.rs"]
mod git_support;

use git_support::{ALICE, BOB, DAY, TestRepo};
use isms::diagnostic::Diagnostic;

const MANIFEST: &str = "schema_version: 1
organisation:
  name: Test Org
people:
  - id: p-ceo
    name: Carol Chief
    role: Chief Executive Officer
    top_management: true
    email: carol@example.com
  - id: p-isms
    name: Bob Example
    role: ISMS manager
    email: bob@example.com
";

/// 2026-11-01T09:00:00Z.
const NOV_1: i64 = 1_793_523_600;

fn policy(on: Option<&str>, body: &str) -> String {
    let approval = on.map_or(String::new(), |d| {
        format!("approval:\n  by: p-ceo\n  on: {d}\n")
    });
    format!(
        "---\nid: POL-01\ntitle: Information Security Policy\nkind: information-security\n\
         version: \"1.0\"\nowner: p-isms\n{approval}---\n# Information security policy\n\n{body}\n"
    )
}

const PATH: &str = "policies/information-security.md";

fn git04(r: &TestRepo) -> Vec<Diagnostic> {
    let model = isms::loader::load(r.path()).expect("loads").model;
    isms::evidence::check(r.path(), &model, "2026-12-07".parse().unwrap())
        .into_iter()
        .filter(|d| d.code == "GIT-04")
        .collect()
}

fn start(r: &mut TestRepo, on: Option<&str>, body: &str) {
    r.write("isms.yaml", MANIFEST)
        .write(PATH, &policy(on, body));
    r.commit_as(&ALICE, NOV_1, "Start the ISMS");
}

/// An edit committed later on the day of the approval, after the commit that recorded it, is
/// a change the approver did not see.
#[test]
fn git04_same_day_edit_after_the_approval_commit() {
    let mut r = TestRepo::new();
    start(&mut r, Some("2026-11-01"), "We protect information.");
    r.write(
        PATH,
        &policy(Some("2026-11-01"), "We protect some information."),
    );
    r.commit_as(&BOB, NOV_1 + 3600, "Narrow the policy");
    let found = git04(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("changed afterwards in commit")
            && found[0].message.contains("\"Narrow the policy\""),
        "{}",
        found[0].message
    );
}

/// An approval dated 2026-11-01 recorded on 2026-11-20, after a content change of 2026-11-10:
/// the approval is bound to the recorded text, and the date mismatch is reported.
#[test]
fn git04_back_dated_approval() {
    let mut r = TestRepo::new();
    start(&mut r, None, "We protect information.");
    r.write(PATH, &policy(None, "We protect all information."));
    r.commit_as(&BOB, NOV_1 + 9 * DAY, "Widen the policy");
    r.write(
        PATH,
        &policy(Some("2026-11-01"), "We protect all information."),
    );
    r.commit_as(&ALICE, NOV_1 + 19 * DAY, "Record the approval");
    let found = git04(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    let m = &found[0].message;
    assert!(m.contains("recorded as approved on 2026-11-01"), "{m}");
    assert!(m.contains("committed on 2026-11-20"), "{m}");
    assert!(
        m.contains("on 2026-11-10 by Bob Example (\"Widen the policy\")"),
        "{m}"
    );

    // Dated the day the approver approved the recorded text: nothing to report.
    let mut r = TestRepo::new();
    start(&mut r, None, "We protect information.");
    r.write(PATH, &policy(None, "We protect all information."));
    r.commit_as(&BOB, NOV_1 + 9 * DAY, "Widen the policy");
    r.write(
        PATH,
        &policy(Some("2026-11-18"), "We protect all information."),
    );
    r.commit_as(&ALICE, NOV_1 + 19 * DAY, "Record the approval");
    assert_eq!(git04(&r), Vec::<Diagnostic>::new());
}

/// The commit that records the approval covers the text it commits: an edit in the same
/// commit is approved with it, a later one is not.
#[test]
fn git04_approval_in_the_same_commit_as_an_edit() {
    let mut r = TestRepo::new();
    start(&mut r, None, "We protect information.");
    r.write(
        PATH,
        &policy(Some("2026-11-05"), "We protect all information."),
    );
    r.commit_as(&ALICE, NOV_1 + 4 * DAY, "Widen and approve the policy");
    assert_eq!(git04(&r), Vec::<Diagnostic>::new());

    r.write(PATH, &policy(Some("2026-11-05"), "We protect all of it."));
    r.commit_as(&BOB, NOV_1 + 4 * DAY + 60, "Reword");
    let found = git04(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("\"Reword\""),
        "{}",
        found[0].message
    );
}

/// An approval dated after the commit that records it used to cover every commit up to that
/// date; the commits decide now. (A date after the as-of day is SUP-08's.)
#[test]
fn git04_approval_dated_in_the_future() {
    let mut r = TestRepo::new();
    start(&mut r, None, "We protect information.");
    r.write(PATH, &policy(Some("2026-11-30"), "We protect information."));
    r.commit_as(&ALICE, NOV_1 + DAY, "Approve the policy");
    assert_eq!(git04(&r), Vec::<Diagnostic>::new());
    r.write(PATH, &policy(Some("2026-11-30"), "We protect little."));
    r.commit_as(&BOB, NOV_1 + 2 * DAY, "Weaken the policy");
    let found = git04(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("changed afterwards in commit")
            && found[0].message.contains("\"Weaken the policy\""),
        "{}",
        found[0].message
    );
}
