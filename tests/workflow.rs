//! docs/workflow.md is a walkthrough a newcomer follows: every `$ ` line of its ```console
//! blocks is run here, in order, in a temporary folder, and the rules `isms check` still
//! reports at the end must be exactly the ones the page lists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn commands(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_console = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            in_console = line.trim() == "```console";
            continue;
        }
        if in_console && let Some(cmd) = line.strip_prefix("$ ") {
            out.push(cmd.to_string());
        }
    }
    out
}

fn remaining(doc: &str) -> BTreeSet<String> {
    let line = doc
        .lines()
        .find_map(|l| l.strip_prefix("<!-- remaining:"))
        .expect("the page lists the remaining rules");
    line.trim_end_matches("-->")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_walkthrough_runs_and_leaves_only_what_it_says() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/workflow.md"))
            .unwrap();
    let cmds = commands(&doc);
    assert!(cmds.len() > 15, "{cmds:?}");
    assert!(cmds.first().unwrap().starts_with("isms init"));

    let tmp = tempfile::tempdir().unwrap();
    // Git needs to know who commits; keep the user's own configuration out of it.
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Test Runner\n\temail = runner@example.com\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_isms"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cwd = tmp.path().join("work");
    std::fs::create_dir(&cwd).unwrap();
    let mut last = None;
    for cmd in &cmds {
        if let Some(dir) = cmd.strip_prefix("cd ") {
            cwd = cwd.join(dir.trim());
            continue;
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(&cwd)
            .env("PATH", &path)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("ISMS_TODAY", "2026-12-01")
            // Commits made by `git` itself carry the walkthrough's day too.
            .env("GIT_AUTHOR_DATE", "2026-12-01T12:00:00+0000")
            .env("GIT_COMMITTER_DATE", "2026-12-01T12:00:00+0000")
            .env_remove("ISMS_COLOR")
            .env_remove("ISMS_AS_OF")
            .output()
            .unwrap();
        let reports = cmd.starts_with("isms check") || cmd.starts_with("isms status");
        let ok = out.status.success() || (reports && out.status.code() == Some(1));
        assert!(
            ok,
            "`{cmd}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        last = Some((cmd.clone(), out));
    }
    let (cmd, out) = last.unwrap();
    assert!(
        cmd.starts_with("isms check"),
        "the walkthrough ends with isms check"
    );
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let reported: BTreeSet<String> = text
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect();
    assert_eq!(
        reported,
        remaining(&doc),
        "update the list at the end of docs/workflow.md"
    );
    // The decisions of the walkthrough are no longer reported.
    for gone in [
        "CTX-05", "LDR-01", "RSK-01", "SOA-08", "SOA-19", "IMP-01", "GIT-03",
    ] {
        assert!(!reported.contains(gone), "{gone}");
    }
}
