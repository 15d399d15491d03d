//! docs/workflow.md is a walkthrough a newcomer follows: every `$ ` line of its ```console
//! blocks is run here, in order, in a temporary folder, and the rules `isms check` still
//! reports at the end must be exactly the ones the page lists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `$` line of a console block, run by the shell, or a diff block: the edit the page shows
/// a person making in an editor, applied with `git apply`.
enum Step {
    Run(String),
    Edit(String),
}

fn steps(doc: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut block: Option<(&str, String)> = None;
    for line in doc.lines() {
        if line.starts_with("```") {
            match block.take() {
                Some(("diff", patch)) => out.push(Step::Edit(patch)),
                Some(_) => {}
                None => {
                    let kind = line.trim().trim_start_matches('`');
                    block = Some((
                        if kind == "diff" {
                            "diff"
                        } else if kind == "console" {
                            "console"
                        } else {
                            "other"
                        },
                        String::new(),
                    ));
                }
            }
            continue;
        }
        match &mut block {
            Some(("console", _)) => {
                if let Some(cmd) = line.strip_prefix("$ ") {
                    out.push(Step::Run(cmd.to_string()));
                }
            }
            Some(("diff", patch)) => {
                patch.push_str(line);
                patch.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn commands(doc: &str) -> Vec<String> {
    steps(doc)
        .into_iter()
        .filter_map(|s| match s {
            Step::Run(c) => Some(c),
            Step::Edit(_) => None,
        })
        .collect()
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
    let mut edits = 0;
    for step in steps(&doc) {
        let cmd = match step {
            Step::Run(cmd) => cmd,
            Step::Edit(patch) => {
                let file = tmp.path().join("edit.diff");
                std::fs::write(&file, &patch).unwrap();
                let out = Command::new("git")
                    .args(["apply", "--whitespace=nowarn"])
                    .arg(&file)
                    .current_dir(&cwd)
                    .env("HOME", &home)
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "a diff of the page does not apply:\n{patch}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                edits += 1;
                continue;
            }
        };
        let cmd = &cmd;
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
    assert!(edits > 0, "the page shows the edits made in an editor");
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
