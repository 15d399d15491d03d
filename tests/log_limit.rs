//! `isms log -n N` stops the history walk after N commits that changed the ISMS, and shows the
//! same newest N commits as the full walk would.

#[path = "support/git.rs"]
mod git_support;

use assert_cmd::cargo::cargo_bin_cmd;
use git_support::TestRepo;
use isms::evidence::{BuildOptions, HistoryIndex};

fn repo() -> TestRepo {
    let mut r = TestRepo::new();
    for i in 0..6 {
        r.write("isms/risks.yaml", &format!("risks: [] # version {i}\n"));
        r.commit(&format!("Risk register version {i}"));
        // Commits outside the ISMS folder do not count towards the limit.
        r.write("README.md", &format!("readme {i}\n"));
        r.commit(&format!("Readme {i}"));
    }
    r
}

#[test]
fn the_walk_stops_after_n_changing_commits() {
    let r = repo();
    let isms = r.path().join("isms");
    let full = HistoryIndex::build(&isms, &BuildOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(full.commits().len(), 12);
    let opts = BuildOptions {
        max_changed_commits: Some(2),
        ..BuildOptions::default()
    };
    let short = HistoryIndex::build(&isms, &opts).unwrap().unwrap();
    // Newest first: readme 5, risks 5, readme 4, risks 4; the walk ends there.
    assert_eq!(short.commits().len(), 4);
    let ids: Vec<&str> = short.commits().iter().map(|c| c.id.as_str()).collect();
    let full_ids: Vec<&str> = full.commits()[..4].iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, full_ids);
}

#[test]
fn log_with_a_limit_shows_the_newest_changes() {
    let r = repo();
    let out = cargo_bin_cmd!("isms")
        .args(["log", "-n", "2", "-C"])
        .arg(r.path().join("isms"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Risk register version 5"), "{text}");
    assert!(text.contains("Risk register version 4"), "{text}");
    assert!(!text.contains("Risk register version 3"), "{text}");
    assert!(!text.contains("Readme"), "{text}");
}
