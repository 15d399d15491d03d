//! The CI integrations are exercised, not only documented: the GitHub Action's check script,
//! the GitLab template's commands and the pre-commit hook's entry run here on copies of the
//! example and of a fresh scaffold; their SARIF is validated against the SARIF 2.1.0 schema
//! by Microsoft's SARIF Multitool (which `.ci/run` installs) and the GitLab report against the
//! shape GitLab documents for Code Quality.

#[path = "support/clean.rs"]
mod clean;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use isms::source::{FileId, SourceFile};
use isms::yaml::{Node, NodeKind};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &str) -> Node {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let source = SourceFile::new(path, text);
    isms::yaml::parse(FileId(0), &source, 0..source.text.len()).unwrap()
}

fn text(node: &Node) -> &str {
    match &node.kind {
        NodeKind::Str(s) => s,
        _ => panic!("not a string: {node:?}"),
    }
}

/// PATH with the isms binary under test first.
fn path_with_isms() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_isms")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    clean::copy_dir(&root().join("examples/acme-saas"), tmp.path());
    tmp
}

fn scaffold() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    let ok = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["init", "--no-git", "--org", "Example Ltd"])
        .arg(&dir)
        .env("ISMS_TODAY", "2026-12-07")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    (tmp, dir)
}

/// Runs `script` with bash in `dir`, the isms under test on PATH.
fn bash(script: &str, dir: &Path, env: &[(&str, &Path)]) -> std::process::Output {
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path_with_isms())
        .env("ISMS_TODAY", "2026-12-07")
        .env_remove("ISMS_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// The SARIF Multitool, when installed (`.ci/run` puts it in `ISMS_SARIF_MULTITOOL`).
fn multitool() -> Option<PathBuf> {
    match std::env::var_os("ISMS_SARIF_MULTITOOL") {
        Some(p) => {
            let p = PathBuf::from(p);
            assert!(
                p.is_file(),
                "ISMS_SARIF_MULTITOOL={} is missing",
                p.display()
            );
            Some(p)
        }
        None => {
            eprintln!(
                "note: SARIF schema validation skipped (set ISMS_SARIF_MULTITOOL; .ci/run installs it)"
            );
            None
        }
    }
}

/// Structural checks any SARIF consumer relies on, plus the Multitool's schema validation.
fn validate_sarif(file: &Path, expect_results: bool) {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(!results.is_empty(), expect_results);
    let Some(tool) = multitool() else { return };
    let log = file.with_extension("validation.sarif");
    let out = Command::new(tool)
        .arg("validate")
        .arg(file)
        .arg("-o")
        .arg(&log)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let errors: Vec<&str> = stdout.lines().filter(|l| l.contains(": error ")).collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&log).expect("the validator wrote its log")).unwrap();
    let failed: Vec<&serde_json::Value> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// The shape GitLab reads for Code Quality: an array of issues with a description, a
/// check name, a unique fingerprint, a known severity and a path with a begin line.
fn validate_gitlab(file: &Path) -> usize {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let issues = v.as_array().expect("a JSON array");
    let mut prints = HashSet::new();
    for i in issues {
        assert!(
            i["description"].as_str().is_some_and(|s| !s.is_empty()),
            "{i}"
        );
        assert!(
            i["check_name"].as_str().is_some_and(|s| !s.is_empty()),
            "{i}"
        );
        let fp = i["fingerprint"].as_str().unwrap();
        assert!(prints.insert(fp.to_owned()), "duplicate fingerprint {fp}");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap()),
            "{i}"
        );
        let path = i["location"]["path"].as_str().unwrap();
        assert!(!path.is_empty() && !path.starts_with('/'), "{i}");
        assert!(
            i["location"]["lines"]["begin"].as_u64().unwrap() >= 1,
            "{i}"
        );
    }
    issues.len()
}

/// The script of the action's `check` step.
fn action_check_script() -> String {
    let action = yaml("action.yml");
    assert_eq!(
        text(action.get("runs").unwrap().get("using").unwrap()),
        "composite"
    );
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(Node::as_seq)
        .unwrap();
    let check = steps
        .iter()
        .find(|s| s.get("id").map(text) == Some("check"))
        .expect("a step with id check");
    text(check.get("run").unwrap()).to_owned()
}

fn run_action(dir: &Path, args: &str) -> (std::process::Output, tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    let output = work.path().join("output");
    let summary = work.path().join("summary.md");
    std::fs::write(&output, "").unwrap();
    let script = action_check_script();
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path_with_isms())
        .env("ISMS_TODAY", "2026-12-07")
        .env("ISMS_PATH", ".")
        .env("ISMS_ARGS", args)
        .env("ISMS_SARIF", "true")
        .env("RUNNER_TEMP", work.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("ISMS_COLOR");
    (c.output().unwrap(), work)
}

#[test]
fn github_action_on_the_example_and_a_scaffold() {
    let ex = example();
    let (out, work) = run_action(ex.path(), "--no-git");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = std::fs::read_to_string(work.path().join("output")).unwrap();
    assert!(outputs.contains("status=0"), "{outputs}");
    assert!(outputs.contains("sarif-file="), "{outputs}");
    validate_sarif(&work.path().join("isms.sarif"), false);

    let (_tmp, dir) = scaffold();
    let (out, work) = run_action(&dir, "--no-git");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a scaffold has decisions to make"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error "), "annotations: {stdout}");
    let outputs = std::fs::read_to_string(work.path().join("output")).unwrap();
    assert!(outputs.contains("status=1"), "{outputs}");
    validate_sarif(&work.path().join("isms.sarif"), true);
}

#[test]
fn action_inputs_are_not_spliced_into_the_script() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for line in action.lines().filter(|l| l.contains("${{ inputs.")) {
        assert!(
            line.trim_start().starts_with("ISMS_") || line.contains("description"),
            "inputs reach scripts through env only: {line}"
        );
    }
}

/// The `isms` lines of the GitLab template, run in order.
#[test]
fn gitlab_template_writes_a_code_quality_report() {
    let ci = yaml("docs/ci/gitlab-ci.yml");
    let job = ci.get("isms").unwrap();
    let report = text(
        job.get("artifacts")
            .and_then(|a| a.get("reports"))
            .and_then(|r| r.get("codequality"))
            .unwrap(),
    )
    .to_owned();
    let script: Vec<String> = job
        .get("script")
        .and_then(Node::as_seq)
        .unwrap()
        .iter()
        .map(|n| text(n).to_owned())
        .filter(|l| l.starts_with("isms "))
        .collect();
    assert_eq!(script.len(), 2);
    let (_tmp, dir) = scaffold();
    let first = bash(
        &format!("{} --no-git", script[0].replace(" >", " --no-git >")),
        &dir,
        &[],
    );
    assert!(
        first.status.success(),
        "the report step never fails the job"
    );
    let issues = validate_gitlab(&dir.join(&report));
    assert!(issues > 100, "a scaffold has many open decisions: {issues}");
    let second = bash(&format!("{} --no-git", script[1]), &dir, &[]);
    assert_eq!(
        second.status.code(),
        Some(1),
        "the second step gates the merge"
    );

    let ex = example();
    let first = bash(&script[0].replace(" >", " --no-git >"), ex.path(), &[]);
    assert!(first.status.success());
    assert_eq!(validate_gitlab(&ex.path().join(&report)), 0);
    let second = bash(&format!("{} --no-git", script[1]), ex.path(), &[]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
}

#[test]
fn pre_commit_hooks_run_their_entry() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_seq().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| text(h.get("id").unwrap())).collect();
    assert!(ids.contains(&"isms-check"));
    let example_config = yaml("docs/ci/pre-commit-config.yaml");
    let used = example_config.get("repos").and_then(Node::as_seq).unwrap()[0]
        .get("hooks")
        .and_then(Node::as_seq)
        .unwrap()[0]
        .get("id")
        .map(text)
        .unwrap()
        .to_owned();
    assert!(
        ids.contains(&used.as_str()),
        "the example uses a hook that exists"
    );
    for hook in hooks {
        let entry = text(hook.get("entry").unwrap());
        let ex = example();
        let out = bash(entry, ex.path(), &[]);
        assert!(
            out.status.success(),
            "{entry}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let (_tmp, dir) = scaffold();
        let out = bash(entry, &dir, &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{entry} blocks a commit with errors"
        );
    }
}

#[test]
fn sarif_and_gitlab_fingerprints_are_unique_and_stable() {
    let (_tmp, dir) = scaffold();
    let run = |format: &str| {
        let out = bash(
            &format!("isms check . --no-git --format {format}"),
            &dir,
            &[],
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let a = run("gitlab");
    assert_eq!(a, run("gitlab"), "stable across runs");
    let file = dir.join("report.json");
    std::fs::write(&file, &a).unwrap();
    validate_gitlab(&file);
}
