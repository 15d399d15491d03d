//! The Git evidence layer on small repositories built in temporary folders (fixed dates) and
//! on the real history of a published policy repository.

#[path = "support/git.rs"]
mod git_support;

use std::collections::{BTreeMap, BTreeSet};

use git_support::{ALICE, BOB, DAY, EPOCH, TestRepo};
use isms::evidence::{
    BuildOptions, ChangeKind, Head, HistoryIndex, RecordChangeKind, RepoState, WorkingStatus,
    only_front_matter_keys_changed, working_tree_changes,
};

fn build(path: &std::path::Path) -> HistoryIndex {
    HistoryIndex::build(path, &BuildOptions::default())
        .expect("history readable")
        .expect("a repository")
}

fn kinds(index: &HistoryIndex, path: &str) -> Vec<(String, String)> {
    index
        .history(path)
        .iter()
        .map(|e| {
            let kind = match &e.change.kind {
                ChangeKind::Renamed { from } => format!("renamed from {from}"),
                k => k.as_str().to_string(),
            };
            (
                e.commit.subject.clone(),
                format!("{} {kind}", e.change.path),
            )
        })
        .collect()
}

fn date(index: &HistoryIndex, path: &str) -> Option<String> {
    index.last_change(path).map(|c| c.time.to_string())
}

const POLICY: &str = "---\nid: POL-01\ntitle: Access control policy\n---\n# Access control\n\n\
Access is granted on a need-to-know basis and reviewed every quarter.\n\
Administrative access requires multi-factor authentication.\n";

#[test]
fn add_modify_rename_delete() {
    let mut r = TestRepo::new();
    r.write("policies/access.md", POLICY)
        .write("README.md", "hello\n");
    r.commit("Add access policy");
    r.write("policies/access.md", &POLICY.replace("quarter", "month"));
    r.commit_as(&BOB, EPOCH + 10 * DAY, "Review access monthly");
    r.rename("policies/access.md", "policies/access-control.md");
    r.commit("Rename access policy");
    r.remove("README.md");
    r.commit("Drop readme");

    let index = build(r.path());
    assert!(matches!(index.state(), RepoState::Ready(_)));
    assert_eq!(index.commits().len(), 4);
    // Newest first.
    let subjects: Vec<&str> = index.commits().iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "Drop readme",
            "Rename access policy",
            "Review access monthly",
            "Add access policy"
        ]
    );

    assert_eq!(
        kinds(&index, "policies/access-control.md"),
        vec![
            (
                "Rename access policy".into(),
                "policies/access-control.md renamed from policies/access.md".into()
            ),
            (
                "Review access monthly".into(),
                "policies/access.md modified".into()
            ),
            (
                "Add access policy".into(),
                "policies/access.md added".into()
            ),
        ]
    );
    // The old path's history ends with the move away from it.
    let old = kinds(&index, "policies/access.md");
    assert_eq!(old.len(), 3);
    assert_eq!(
        old[0].1,
        "policies/access-control.md renamed from policies/access.md"
    );

    let review = &index.history("policies/access-control.md")[1];
    assert_eq!(review.commit.author, "Bob Example");
    assert_eq!(review.commit.email, "bob@example.com");
    assert_eq!(review.commit.time.to_string(), "2024-01-11T00:00:00Z");
    assert_eq!(
        index
            .first_change("policies/access-control.md")
            .map(|c| c.subject.as_str()),
        Some("Add access policy")
    );
    assert_eq!(
        date(&index, "policies/access-control.md").as_deref(),
        Some("2024-01-12T00:00:00Z")
    );
    assert_eq!(kinds(&index, "README.md")[0].1, "README.md deleted");
    assert!(index.history("nope.md").is_empty());
    assert!(index.last_change("nope.md").is_none());
    assert!(index.contains_path("policies/access.md"));

    // The document's front-matter id is followed as a record across the rename.
    let rec: Vec<_> = index
        .record_history("POL-01")
        .iter()
        .map(|e| (e.commit.subject.as_str(), e.record.kind))
        .collect();
    assert_eq!(
        rec,
        vec![
            ("Review access monthly", RecordChangeKind::Modified),
            ("Add access policy", RecordChangeKind::Added)
        ]
    );

    // Blob texts before and after a change.
    let texts = index.texts(review.change).unwrap();
    assert_eq!(texts.old.as_deref(), Some(POLICY));
    assert!(texts.new.unwrap().contains("every month"));
    let add_id = index.commits()[3].id.clone();
    let at = index
        .texts_at("policies/access.md", &add_id[..10])
        .unwrap()
        .unwrap();
    assert_eq!((at.old, at.new.as_deref()), (None, Some(POLICY)));
    assert!(
        index
            .texts_at("policies/access.md", &index.commits()[0].id)
            .unwrap()
            .is_none()
    );

    // changes_since uses the author date.
    let since = jiff::Timestamp::from_second(EPOCH + 5 * DAY).unwrap();
    let recent = index.changes_since("policies/access-control.md", since);
    assert_eq!(recent.len(), 2);
}

#[test]
fn isms_in_a_subfolder() {
    let mut r = TestRepo::new();
    r.write("src/main.rs", "fn main() {}\n")
        .write("isms/risks.yaml", "risks: []\n");
    r.commit("Start");
    r.write("src/main.rs", "fn main() { }\n");
    r.commit("Code only");
    r.write(
        "isms/risks.yaml",
        "risks:\n  - id: R-001\n    title: Laptop theft\n",
    );
    r.commit("Add a risk");

    let index = build(&r.path().join("isms"));
    assert_eq!(index.state().info().unwrap().prefix, "isms");
    assert_eq!(index.paths(), vec!["risks.yaml"]);
    assert!(
        index.changes_of(1).is_empty(),
        "a code-only commit changes nothing in the ISMS"
    );
    assert_eq!(index.history("risks.yaml").len(), 2);
    // Built from a folder inside the ISMS folder, paths are relative to that folder.
    std::fs::create_dir_all(r.path().join("isms/sub")).unwrap();
    r.write("isms/sub/a.md", "x\n");
    r.commit("Nested");
    let nested = build(&r.path().join("isms/sub"));
    assert_eq!(nested.paths(), vec!["a.md"]);
}

#[test]
fn merges_are_compared_with_their_first_parent() {
    let mut r = TestRepo::new();
    r.write("assets.yaml", "assets:\n  - id: A-1\n    name: Laptop\n");
    r.commit_as(&ALICE, EPOCH, "Start");
    r.branch("feature");
    r.write(
        "assets.yaml",
        "assets:\n  - id: A-1\n    name: Laptop\n  - id: A-2\n    name: Phone\n",
    );
    r.commit_as(&BOB, EPOCH + DAY, "Add phone");
    r.checkout("main");
    r.write("other.md", "x\n");
    r.commit_as(&ALICE, EPOCH + 2 * DAY, "Unrelated");
    r.merge(
        "feature",
        &ALICE,
        EPOCH + 3 * DAY,
        "Merge feature\n\nApproved-by: Carol <carol@example.com>\n",
    );

    let index = build(r.path());
    assert_eq!(index.commits().len(), 4);
    let merge = &index.commits()[0];
    assert!(merge.is_merge());
    assert_eq!(merge.approved_by, vec!["Carol <carol@example.com>"]);
    // The branch commit (who wrote it) and the merge (when it was accepted) both appear.
    let h: Vec<(&str, &str)> = index
        .history("assets.yaml")
        .iter()
        .map(|e| (e.commit.subject.as_str(), e.change.kind.as_str()))
        .collect();
    assert_eq!(
        h,
        vec![
            ("Merge feature", "modified"),
            ("Add phone", "modified"),
            ("Start", "added")
        ]
    );
    assert_eq!(
        index.last_change("assets.yaml").unwrap().subject,
        "Merge feature"
    );
    let a2: Vec<&str> = index
        .record_history("A-2")
        .iter()
        .map(|e| e.commit.subject.as_str())
        .collect();
    assert_eq!(a2, vec!["Merge feature", "Add phone"]);
    // The merge does not re-list the main-line change it already had.
    let paths: Vec<&str> = index
        .changes_of(0)
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(paths, vec!["assets.yaml"]);
}

#[test]
fn record_ids_changed_per_commit() {
    let mut r = TestRepo::new();
    r.write(
        "soa.yaml",
        "controls:\n  - id: 5.1\n    applicable: true\n  - id: 5.2\n    applicable: true\n",
    );
    r.write(
        "risks.yaml",
        "risks:\n  - id: R-001\n    title: A\n  - id: R-002\n    title: B\n",
    );
    r.commit("Start");
    r.write(
        "soa.yaml",
        "controls:\n  - id: 5.1\n    applicable: true\n  - id: 5.2\n    applicable: true\n  - id: 5.10\n    applicable: false\n",
    );
    r.commit("Add 5.10");
    r.write(
        "risks.yaml",
        "risks:\n  - id: R-001\n    title: A changed\n  - id: R-003\n    title: C\n",
    );
    r.commit("Rework risks");
    r.write("risks.yaml", "risks: [\n");
    r.commit("Break the register");
    r.write(
        "risks.yaml",
        "risks:\n  - id: R-001\n    title: A changed\n",
    );
    r.commit("Fix the register");

    let index = build(r.path());
    let changes = |subject: &str| -> Vec<(String, &'static str)> {
        let i = index
            .commits()
            .iter()
            .position(|c| c.subject == subject)
            .unwrap();
        index
            .changes_of(i)
            .iter()
            .flat_map(|c| {
                index
                    .record_changes(c)
                    .iter()
                    .map(|r| (r.id.clone(), r.kind.as_str()))
            })
            .collect()
    };
    assert_eq!(changes("Add 5.10"), vec![("5.10".to_string(), "added")]);
    assert_eq!(
        changes("Rework risks"),
        vec![
            ("R-001".to_string(), "modified"),
            ("R-002".to_string(), "removed"),
            ("R-003".to_string(), "added")
        ]
    );
    // Unparseable versions: path-level history only.
    assert!(changes("Break the register").is_empty());
    assert!(changes("Fix the register").is_empty());
    assert_eq!(index.history("risks.yaml").len(), 4);

    let five_one: Vec<&str> = index
        .record_history("5.1")
        .iter()
        .map(|e| e.commit.subject.as_str())
        .collect();
    assert_eq!(five_one, vec!["Start"], "5.10 must not be mistaken for 5.1");
    assert_eq!(index.record_history("5.10").len(), 1);
    assert_eq!(index.record_history("R-002").len(), 2);
    assert!(index.record_ids().contains(&"R-003"));

    // Worked out up front, the answers are the same.
    let eager = HistoryIndex::build(
        r.path(),
        &BuildOptions {
            precompute_records: true,
            ..BuildOptions::default()
        },
    )
    .unwrap()
    .unwrap();
    assert_eq!(eager.history("risks.yaml").len(), 4);
    assert_eq!(eager.record_history("R-002").len(), 2);
    assert_eq!(
        eager.record_ids(),
        vec!["5.1", "5.10", "5.2", "R-001", "R-002", "R-003"]
    );
}

#[test]
fn approved_by_trailers() {
    let mut r = TestRepo::new();
    r.write("policy.md", POLICY);
    r.commit(
        "Approve access policy\n\nReviewed at the management review.\n\n\
         Approved-by: Dana Director <dana@example.com>\n\
         Approved-by: Eve CEO <eve@example.com>\n",
    );
    r.write("policy.md", &format!("{POLICY}More.\n"));
    r.commit("Edit\n\nApproved-by: this line is in the body\nand this is not a trailer block.\n");
    let index = build(r.path());
    assert_eq!(index.commits()[0].approved_by, Vec::<String>::new());
    assert_eq!(
        index.commits()[1].approved_by,
        vec![
            "Dana Director <dana@example.com>",
            "Eve CEO <eve@example.com>"
        ]
    );
}

#[test]
fn shallow_clone_is_reported() {
    let mut r = TestRepo::new();
    for i in 0..4 {
        r.write("log.md", &format!("entry {i}\n"));
        r.commit(&format!("Entry {i}"));
    }
    let clone = r.shallow_clone(2);
    let state = RepoState::detect(clone.path()).unwrap();
    assert!(state.is_shallow());
    let notices = state.notices().join("\n");
    assert!(notices.contains("git fetch --unshallow"), "{notices}");
    assert!(notices.contains("fetch-depth: 0"), "{notices}");

    let index = build(clone.path());
    assert_eq!(index.commits().len(), 2);
    // The edge of the clone looks like the file's creation: the notice explains why.
    let h = index.history("log.md");
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].change.kind, ChangeKind::Added);
    assert_eq!(h[1].commit.subject, "Entry 2");
}

#[test]
fn detached_head_works() {
    let mut r = TestRepo::new();
    r.write("a.md", "1\n");
    let first = r.commit("One");
    r.write("a.md", "2\n");
    r.commit("Two");
    r.repo.set_head_detached(first).unwrap();
    let index = build(r.path());
    match index.state() {
        RepoState::Ready(info) => {
            assert_eq!(
                info.head,
                Head::Detached {
                    commit: first.to_string()
                }
            );
        }
        other => panic!("unexpected state {other:?}"),
    }
    assert!(index.state().notices().join(" ").contains("detached"));
    assert_eq!(
        index.commits().len(),
        1,
        "history is read from the detached commit"
    );
    assert_eq!(index.commits()[0].subject, "One");
}

#[test]
fn empty_repository_and_no_repository() {
    let r = TestRepo::new();
    r.write("a.md", "draft\n");
    let index = build(r.path());
    assert!(matches!(index.state(), RepoState::Empty(_)));
    assert!(index.commits().is_empty());
    assert!(index.state().notices()[0].contains("no commits"));
    assert_eq!(
        working_tree_changes(r.path())
            .unwrap()
            .iter()
            .map(|c| c.status)
            .collect::<Vec<_>>(),
        vec![WorkingStatus::Untracked]
    );

    let plain = tempfile::tempdir().unwrap();
    assert!(
        HistoryIndex::build(plain.path(), &BuildOptions::default())
            .unwrap()
            .is_none()
    );
    let state = RepoState::detect(plain.path()).unwrap();
    assert!(matches!(state, RepoState::NoRepository { .. }));
    assert!(state.notices()[0].contains("not inside a Git repository"));
    assert!(working_tree_changes(plain.path()).unwrap().is_empty());

    let missing = plain.path().join("does-not-exist");
    assert!(HistoryIndex::build(&missing, &BuildOptions::default()).is_err());
}

#[test]
fn bare_repository() {
    let mut r = TestRepo::new();
    r.write("a.md", "1\n");
    r.commit("One");
    let bare = tempfile::tempdir().unwrap();
    git_support::run_git(
        None,
        &[
            "clone",
            "--quiet",
            "--bare",
            &r.path().to_string_lossy(),
            &bare.path().to_string_lossy(),
        ],
    );
    let index = build(bare.path());
    assert!(index.state().info().unwrap().bare);
    assert!(index.state().notices().join(" ").contains("bare"));
    assert_eq!(index.paths(), vec!["a.md"]);
    assert!(working_tree_changes(bare.path()).unwrap().is_empty());
}

#[test]
fn working_tree_changes_in_the_isms_folder() {
    let mut r = TestRepo::new();
    r.write("isms/risks.yaml", "risks: []\n")
        .write("isms/old.md", "old\n")
        .write("isms/keep.md", "keep\n")
        .write("isms/.gitignore", "*.tmp\n")
        .write("outside.md", "x\n");
    r.commit("Start");
    r.write("isms/risks.yaml", "risks:\n  - id: R-1\n")
        .write("isms/new/untracked.md", "new\n")
        .write("isms/scratch.tmp", "ignored\n")
        .write("outside.md", "changed outside\n")
        .write("isms/staged.md", "staged\n")
        .remove("isms/old.md");
    let mut idx = r.repo.index().unwrap();
    idx.add_path(std::path::Path::new("isms/staged.md"))
        .unwrap();
    idx.write().unwrap();

    let changes: Vec<(String, WorkingStatus)> = working_tree_changes(&r.path().join("isms"))
        .unwrap()
        .into_iter()
        .map(|c| (c.path, c.status))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("new/untracked.md".to_string(), WorkingStatus::Untracked),
            ("old.md".to_string(), WorkingStatus::Deleted),
            ("risks.yaml".to_string(), WorkingStatus::Modified),
            ("staged.md".to_string(), WorkingStatus::Added),
        ]
    );
    // The whole repository sees the outside change too.
    let all = working_tree_changes(r.path()).unwrap();
    assert!(all.iter().any(|c| c.path == "outside.md"));
}

#[test]
fn approval_only_edits_via_the_index() {
    let mut r = TestRepo::new();
    let v1 = "---\nid: POL-02\napproved_by: CEO\napproved_on: 2024-01-01\n---\nBody\n";
    r.write("p.md", v1);
    r.commit("Policy");
    r.write("p.md", &v1.replace("2024-01-01", "2025-01-01"));
    r.commit("Re-approve");
    r.write(
        "p.md",
        &v1.replace("2024-01-01", "2025-01-01")
            .replace("Body", "New body"),
    );
    r.commit("Change content");
    let index = build(r.path());
    let h = index.history("p.md");
    let keys = ["approved_by", "approved_on"];
    let only = |i: usize| {
        let t = index.texts(h[i].change).unwrap();
        only_front_matter_keys_changed(
            t.old.as_deref().unwrap_or(""),
            t.new.as_deref().unwrap(),
            &keys,
        )
    };
    assert!(!only(0), "content change");
    assert!(only(1), "approval-only change");
    assert!(!only(2), "creation");
}

/// The real history of a published policy repository (CC0): 46 commits over 2022-2026.
#[test]
fn real_policy_repository_history() {
    let clone = git_support::clone_with_git(&git_support::fixture("git/security-policies.bundle"));
    let index = build(clone.path());
    assert_eq!(index.commits().len(), 46);
    assert_eq!(index.commits().iter().filter(|c| c.is_merge()).count(), 13);
    let authors: BTreeSet<&str> = index.commits().iter().map(|c| c.email.as_str()).collect();
    assert!(authors.contains("awly@tailscale.com"));

    // The incident response policy was moved in 2023; its history continues across the move.
    let h = index.history("incident-response-policy/index.md");
    let non_merge: Vec<(String, String, String)> = h
        .iter()
        .filter(|e| !e.commit.is_merge())
        .map(|e| {
            (
                e.commit.short_id.clone(),
                e.commit.local_datetime().date().to_string(),
                e.commit.author.clone(),
            )
        })
        .collect();
    assert_eq!(
        non_merge,
        vec![
            ("212fcba".into(), "2026-01-13".into(), "KayLEvans".into()),
            ("8e413bb".into(), "2026-01-12".into(), "KayLEvans".into()),
            (
                "f7ec040".into(),
                "2025-04-22".into(),
                "Isabel Cortes".into()
            ),
            (
                "af87440".into(),
                "2023-08-30".into(),
                "Andrew Lytvynov".into()
            ),
            (
                "e519c5a".into(),
                "2023-07-31".into(),
                "Andrew Lytvynov".into()
            ),
            (
                "1be8c3a".into(),
                "2023-07-28".into(),
                "Andrew Lytvynov".into()
            ),
            (
                "ea1bf6f".into(),
                "2022-09-06".into(),
                "Maya Kaczorowski".into()
            ),
        ]
    );
    let rename = h.iter().find(|e| e.commit.short_id == "af87440").unwrap();
    assert_eq!(
        rename.change.kind,
        ChangeKind::Renamed {
            from: "incident-response/index.md".into()
        }
    );
    assert_eq!(h.last().unwrap().change.kind, ChangeKind::Added);
    assert_eq!(h.last().unwrap().change.path, "incident-response/index.md");
    assert_eq!(
        index
            .first_change("incident-response-policy/index.md")
            .unwrap()
            .rfc3339(),
        "2022-09-06T08:24:39-07:00"
    );
}

/// Every commit's changes agree with `git log --diff-merges=first-parent --name-status`, and
/// the walk visits every commit before its parents.
#[test]
fn real_history_matches_git_log() {
    let clone = git_support::clone_with_git(&git_support::fixture("git/security-policies.bundle"));
    let index = build(clone.path());
    let out = git_support::run_git(
        Some(clone.path()),
        &[
            "-c",
            "diff.renames=true",
            "log",
            "--diff-merges=first-parent",
            "--name-status",
            "--format=@%H %P",
        ],
    );
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut parents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = String::new();
    for line in out.lines().filter(|l| !l.is_empty()) {
        if let Some(ids) = line.strip_prefix('@') {
            let mut ids = ids.split(' ').map(str::to_string);
            current = ids.next().unwrap();
            parents.insert(current.clone(), ids.filter(|p| !p.is_empty()).collect());
            expected.insert(current.clone(), BTreeSet::new());
        } else {
            let cols: Vec<&str> = line.split('\t').collect();
            let letter = &cols[0][..1];
            expected
                .get_mut(&current)
                .unwrap()
                .insert(format!("{letter} {}", cols.last().unwrap()));
        }
    }
    assert_eq!(expected.len(), index.commits().len());
    let position: BTreeMap<&str, usize> = index
        .commits()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for (i, c) in index.commits().iter().enumerate() {
        let ours: BTreeSet<String> = index
            .changes_of(i)
            .iter()
            .map(|ch| format!("{} {}", ch.kind.letter(), ch.path))
            .collect();
        assert_eq!(
            Some(&ours),
            expected.get(&c.id),
            "changes of {} ({})",
            c.id,
            c.subject
        );
        for p in &parents[&c.id] {
            assert!(
                position[p.as_str()] > i,
                "{} is listed after its parent {p}",
                c.id
            );
        }
    }
}

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
cadences:
  evidence_max_age_days: 90
";

const ISP: &str = "---
id: POL-01
title: Information Security Policy
kind: information-security
version: \"1.0\"
owner: p-isms
approval:
  by: p-ceo
  on: 2024-01-02
---
# Information security policy

We protect the information entrusted to us.
";

const SOA: &str = "document:
  id: DOC-SOA
  title: Statement of Applicability
  version: \"1.0\"
  owner: p-isms
  approval:
    by: p-ceo
    on: 2024-01-01
controls:
  - id: \"8.13\"
    applicable: true
    justification: Backups protect against data loss
    status: implemented
    evidence:
      - path: evidence/restore-test.md
  - id: \"5.10\"
    applicable: true
    justification: Acceptable use
    status: implemented
    evidence:
      - url: https://tickets.example.com/OPS-1
  - id: \"5.1\"
    applicable: true
    justification: Policies
    status: implemented
    evidence:
      - url: https://wiki.example.com/policies
        collected: 2024-05-01
";

fn as_of(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

fn codes(diags: &[isms::diagnostic::Diagnostic]) -> Vec<(String, Option<String>)> {
    let mut v: Vec<(String, Option<String>)> = diags
        .iter()
        .map(|d| (d.code.clone(), d.record.clone()))
        .collect();
    v.sort();
    v
}

fn load(root: &std::path::Path) -> isms::model::Isms {
    isms::loader::load(root).expect("the ISMS loads").model
}

/// Approval integrity, Git approvals and evidence freshness on one small ISMS.
#[test]
fn git_rules_on_a_small_isms() {
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", ISP)
        .write("soa.yaml", SOA)
        .write(
            "evidence/restore-test.md",
            "Restore of the production database: OK\n",
        );
    r.commit_as(&ALICE, EPOCH, "Start the ISMS");
    // A content change after the approval of 2024-01-02, approved in Git by someone who is
    // not top management: GIT-05, and it does not count as an approval (GIT-04).
    r.write(
        "policies/information-security.md",
        &ISP.replace("We protect", "We carefully protect"),
    );
    r.commit_as(
        &BOB,
        EPOCH + 4 * DAY,
        "Reword the policy\n\nApproved-by: Bob Example <bob@example.com>\n",
    );
    // Approval-only change of the SoA: not a content change.
    r.write("soa.yaml", &SOA.replace("on: 2024-01-01", "on: 2024-01-06"));
    r.commit_as(&ALICE, EPOCH + 5 * DAY, "Re-approve the SoA");
    // A content change approved in Git by the CEO: covered.
    let soa2 = SOA
        .replace("on: 2024-01-01", "on: 2024-01-06")
        .replace("Backups protect", "Backups guard");
    r.write("soa.yaml", &soa2);
    r.commit_as(
        &BOB,
        EPOCH + 7 * DAY,
        "Clarify 8.13\n\nApproved-by: Carol Chief <carol@example.com>\n",
    );
    // Untracked evidence.
    r.write("evidence/new-scan.md", "scan\n");

    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    assert_eq!(
        codes(&diags),
        vec![
            ("GIT-03".to_string(), None),
            ("GIT-04".to_string(), Some("POL-01".to_string())),
            ("GIT-05".to_string(), Some("POL-01".to_string())),
            ("GIT-06".to_string(), Some("8.13".to_string())),
            ("GIT-07".to_string(), Some("5.10".to_string())),
        ],
        "{diags:#?}"
    );
    let find = |code: &str| diags.iter().find(|d| d.code == code).unwrap();
    let git04 = find("GIT-04");
    assert!(
        git04.message.contains("approved on 2024-01-02"),
        "{}",
        git04.message
    );
    assert!(
        git04
            .message
            .contains("on 2024-01-05 by Bob Example (\"Reword the policy\")"),
        "{}",
        git04.message
    );
    let loc = git04.location.as_ref().unwrap();
    assert_eq!(
        (loc.path.as_str(), loc.line),
        ("policies/information-security.md", 9)
    );
    assert!(find("GIT-05").message.contains("not top management"));
    let git06 = find("GIT-06");
    assert!(
        git06.message.contains(
            "from 2024-01-01 (evidence/restore-test.md, last committed), 152 days before 2024-06-01"
        ),
        "{}",
        git06.message
    );
    assert_eq!(git06.location.as_ref().unwrap().path, "soa.yaml");
    assert!(
        find("GIT-07")
            .message
            .contains("https://tickets.example.com/OPS-1 has no `collected:` date")
    );
    assert!(
        find("GIT-03")
            .message
            .contains("evidence/new-scan.md is not in Git")
    );

    // Fresh evidence and a re-approval clear GIT-04 and GIT-06.
    std::fs::remove_file(r.path().join("evidence/new-scan.md")).unwrap();
    r.write("evidence/restore-test.md", "Restore test 2024-05-20: OK\n");
    r.write(
        "policies/information-security.md",
        &ISP.replace("We protect", "We carefully protect")
            .replace("on: 2024-01-02", "on: 2024-05-21"),
    );
    r.commit_as(
        &ALICE,
        EPOCH + 140 * DAY,
        "Restore test and policy re-approval",
    );
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    assert_eq!(
        codes(&diags),
        vec![
            ("GIT-05".to_string(), Some("POL-01".to_string())),
            ("GIT-07".to_string(), Some("5.10".to_string())),
        ],
        "{diags:#?}"
    );
}

/// A change made on a branch is approved by the `Approved-by:` trailer of the merge commit.
#[test]
fn merge_trailer_approves_branch_changes() {
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", ISP);
    r.commit_as(&ALICE, EPOCH, "Start");
    r.branch("edit");
    r.write(
        "policies/information-security.md",
        &ISP.replace("We protect", "We guard"),
    );
    r.commit_as(&BOB, EPOCH + 3 * DAY, "Edit the policy");
    r.checkout("main");
    r.merge(
        "edit",
        &ALICE,
        EPOCH + 4 * DAY,
        "Merge the policy edit\n\nApproved-by: carol@example.com\n",
    );
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-02-01"));
    assert!(
        diags
            .iter()
            .all(|d| d.code != "GIT-04" && d.code != "GIT-05"),
        "{diags:#?}"
    );

    // Without the trailer the branch change is reported.
    let mut r2 = TestRepo::new();
    r2.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", ISP);
    r2.commit_as(&ALICE, EPOCH, "Start");
    r2.branch("edit");
    r2.write(
        "policies/information-security.md",
        &ISP.replace("We protect", "We guard"),
    );
    r2.commit_as(&BOB, EPOCH + 3 * DAY, "Edit the policy");
    r2.checkout("main");
    r2.merge("edit", &ALICE, EPOCH + 4 * DAY, "Merge the policy edit");
    let model = load(r2.path());
    let diags = isms::evidence::check(r2.path(), &model, as_of("2024-02-01"));
    let git04: Vec<_> = diags.iter().filter(|d| d.code == "GIT-04").collect();
    assert_eq!(git04.len(), 1, "{diags:#?}");
    assert!(
        git04[0]
            .message
            .contains("\"Edit the policy\") (and 1 later commit)"),
        "{}",
        git04[0].message
    );
}

#[test]
fn git_rules_without_history() {
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("isms.yaml"), MANIFEST).unwrap();
    let model = load(plain.path());
    let diags = isms::evidence::check(plain.path(), &model, as_of("2024-06-01"));
    assert_eq!(codes(&diags), vec![("GIT-01".to_string(), None)]);

    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST).write("soa.yaml", SOA);
    r.commit("Start");
    let clone = r.shallow_clone(1);
    let model = load(clone.path());
    let diags = isms::evidence::check(clone.path(), &model, as_of("2024-01-02"));
    assert!(diags.iter().any(|d| d.code == "GIT-02"), "{diags:#?}");
}

#[test]
fn revision_table_of_a_document() {
    let mut r = TestRepo::new();
    r.write(
        "policies/p.md",
        "---\nid: POL-01\nversion: \"1.0\"\n---\nOne\n",
    );
    r.commit_as(&ALICE, EPOCH, "First version");
    r.branch("edit");
    r.write(
        "policies/p.md",
        "---\nid: POL-01\nversion: \"1.1\"\n---\nTwo\n",
    );
    r.commit_as(&BOB, EPOCH + DAY, "Second version");
    r.checkout("main");
    r.merge("edit", &ALICE, EPOCH + 2 * DAY, "Merge the edit");
    r.rename("policies/p.md", "policies/policy.md");
    r.commit_as(&ALICE, EPOCH + 3 * DAY, "Rename");
    let index = build(r.path());
    let rows: Vec<(Option<String>, String, String, String)> =
        isms::evidence::revision_history(&index, "policies/policy.md")
            .into_iter()
            .map(|rev| (rev.version, rev.date.to_string(), rev.author, rev.summary))
            .collect();
    assert_eq!(
        rows,
        vec![
            (
                Some("1.1".into()),
                "2024-01-04".into(),
                "Alice Example".into(),
                "Rename".into()
            ),
            (
                Some("1.1".into()),
                "2024-01-02".into(),
                "Bob Example".into(),
                "Second version".into()
            ),
            (
                Some("1.0".into()),
                "2024-01-01".into(),
                "Alice Example".into(),
                "First version".into()
            ),
        ]
    );
}

/// Edits made before the commit that recorded the current approval are covered by it; when the
/// approval date written in the record is older than those edits, the date is reported (the
/// approver cannot have seen them on that day). Edits after that commit are not covered.
#[test]
fn changes_before_the_recorded_approval_are_covered_by_it() {
    let draft = ISP.replace("approval:\n  by: p-ceo\n  on: 2024-01-02\n", "");
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", &draft);
    r.commit_as(&ALICE, EPOCH, "Draft the policy");
    r.write(
        "policies/information-security.md",
        &draft.replace("We protect", "We carefully protect"),
    );
    r.commit_as(&BOB, EPOCH + 10 * DAY, "Reword the draft");
    // The approval given on paper on 2024-01-02 is recorded later, on the reworded text.
    let approved = ISP.replace("We protect", "We carefully protect");
    r.write("policies/information-security.md", &approved);
    r.commit_as(&ALICE, EPOCH + 14 * DAY, "Record the CEO's approval");
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    let git04: Vec<_> = diags.iter().filter(|d| d.code == "GIT-04").collect();
    assert_eq!(git04.len(), 1, "{diags:#?}");
    assert!(
        git04[0]
            .message
            .contains("the approval is dated before the text it was recorded with"),
        "{}",
        git04[0].message
    );
    // Dated the day the reworded text was approved, it covers the edits before it.
    let approved = approved.replace("on: 2024-01-02", "on: 2024-01-14");
    r.write("policies/information-security.md", &approved);
    r.commit_as(&ALICE, EPOCH + 15 * DAY, "Correct the approval date");
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    assert!(diags.iter().all(|d| d.code != "GIT-04"), "{diags:#?}");

    r.write(
        "policies/information-security.md",
        &approved.replace("entrusted to us", "entrusted to us by customers"),
    );
    r.commit_as(&BOB, EPOCH + 20 * DAY, "Widen the policy");
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    let git04: Vec<_> = diags.iter().filter(|d| d.code == "GIT-04").collect();
    assert_eq!(git04.len(), 1, "{diags:#?}");
    assert!(
        git04[0].message.contains("\"Widen the policy\""),
        "{}",
        git04[0].message
    );
}

/// A document saved with a byte-order mark is read like any other: an edit of its approval
/// fields alone is not a content change.
#[test]
fn approval_only_edit_of_a_document_with_a_byte_order_mark() {
    let with_bom = format!("\u{feff}{ISP}");
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", &with_bom);
    r.commit_as(&ALICE, EPOCH, "Start the ISMS");
    r.write(
        "policies/information-security.md",
        &with_bom.replace(
            "  on: 2024-01-02\n",
            "  on: 2024-01-02\n  record: Board minutes\n",
        ),
    );
    r.commit_as(&BOB, EPOCH + 10 * DAY, "Say where the approval is recorded");
    let model = load(r.path());
    let diags = isms::evidence::check(r.path(), &model, as_of("2024-06-01"));
    assert!(diags.iter().all(|d| d.code != "GIT-04"), "{diags:#?}");
}

/// GIT-04 compares documents side by side; its findings still come in document order, the
/// same on every run, whatever the length of each document's history.
#[test]
fn approval_findings_keep_document_order() {
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST).write("soa.yaml", SOA);
    let policy = |n: i64, words: &str| {
        ISP.replace("POL-01", &format!("POL-0{n}"))
            .replace("kind: information-security\n", "kind: topic-specific\n")
            .replace("We protect", words)
    };
    for n in 1..=6 {
        r.write(&format!("policies/p{n}.md"), &policy(n, "We protect"));
    }
    r.commit_as(&ALICE, EPOCH, "Start the ISMS");
    // Later policies change more often: the longest histories are compared first.
    for round in 1..=6i64 {
        for n in round..=6 {
            r.write(
                &format!("policies/p{n}.md"),
                &policy(n, &format!("Round {round}: we protect")),
            );
        }
        r.commit_as(
            &BOB,
            EPOCH + (3 + round) * DAY,
            &format!("Edit round {round}"),
        );
    }
    let model = load(r.path());
    let runs: Vec<Vec<String>> = (0..3)
        .map(|_| {
            isms::evidence::check(r.path(), &model, as_of("2024-06-01"))
                .iter()
                .filter(|d| d.code == "GIT-04")
                .map(|d| format!("{:?} {}", d.record, d.message))
                .collect()
        })
        .collect();
    let records: Vec<&str> = runs[0]
        .iter()
        .map(|m| m.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        records,
        (1..=6)
            .map(|n| format!("Some(\"POL-0{n}\")"))
            .collect::<Vec<_>>(),
        "{:#?}",
        runs[0]
    );
    assert!(runs.iter().all(|r| *r == runs[0]));
}

/// GIT-04 patches the SoA's history from the tree the loader read when the copy on disk is
/// the newest committed version: the findings are those of a history parsed from scratch,
/// with the copy on disk committed or not.
#[test]
fn soa_history_from_the_loaded_tree_gives_the_same_findings() {
    let mut r = TestRepo::new();
    r.write("isms.yaml", MANIFEST)
        .write("policies/information-security.md", ISP)
        .write("soa.yaml", SOA)
        .write("evidence/restore-test.md", "Restore: OK\n");
    r.commit_as(&ALICE, EPOCH, "Start the ISMS");
    // Content changes after the approval of 2024-01-01, in two places, without approval.
    r.write(
        "soa.yaml",
        &SOA.replace("Backups protect", "Backups guard")
            .replace("justification: Policies", "justification: Our policies"),
    );
    r.commit_as(&BOB, EPOCH + 3 * DAY, "Reword two justifications");
    r.write(
        "soa.yaml",
        &SOA.replace("Backups protect", "Backups guard")
            .replace("justification: Policies", "justification: Our policies")
            .replace("justification: Acceptable use", "justification: Use"),
    );
    r.commit_as(&BOB, EPOCH + 4 * DAY, "Shorten 5.10");
    let soa_04 = |diags: &[isms::diagnostic::Diagnostic]| -> Vec<String> {
        diags
            .iter()
            .filter(|d| d.code == "GIT-04" && d.record.as_deref() == Some("DOC-SOA"))
            .map(|d| format!("{} {:?}", d.message, d.location))
            .collect()
    };
    let check = |model: &isms::model::Isms| {
        soa_04(&isms::evidence::check(r.path(), model, as_of("2024-06-01")))
    };

    let model = load(r.path());
    let tree = model
        .soa_tree
        .as_deref()
        .expect("the loader keeps the SoA's tree");
    let text = &model.sources.get(tree.span.file).unwrap().text;
    assert!(
        tree.same_content(
            &isms::yaml::parse(
                tree.span.file,
                model.sources.get(tree.span.file).unwrap(),
                0..text.len()
            )
            .unwrap()
        )
    );
    let with_tree = check(&model);
    assert_eq!(with_tree.len(), 1, "{with_tree:?}");
    assert!(with_tree[0].contains("and 1 later commit"), "{with_tree:?}");
    let mut without = model.clone();
    without.soa_tree = None;
    assert_eq!(check(&without), with_tree);

    // An uncommitted edit: the tree on disk is no committed version, and is not used as one.
    r.write(
        "soa.yaml",
        &SOA.replace("justification: Acceptable use", "justification: Use"),
    );
    let edited = load(r.path());
    let mut edited_without = edited.clone();
    edited_without.soa_tree = None;
    assert_eq!(check(&edited), check(&edited_without));
    assert_eq!(check(&edited), with_tree);
}
