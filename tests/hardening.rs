//! Robustness of the loader, renderer and emitters against hostile or broken input: no panic,
//! no hang, located diagnostics, nothing written where it must not be.

#[path = "support/clean.rs"]
mod clean;

use clean::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

const AS_OF: &str = "2025-06-30";

fn clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

/// A copy of the clean fixture.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&clean(), dir.path());
    dir
}

/// Replaces the one occurrence of `from` in `file` by `to`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{file}: `{from}` once");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn run(args: &[&str], dir: &Path) -> Output {
    cargo_bin_cmd!("isms")
        .args(args)
        .arg(dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

/// `isms check --format json`: exit code (never a crash) and diagnostics.
fn check_json(dir: &Path) -> (i32, Vec<Value>) {
    let out = run(
        &["check", "--no-git", "--format", "json", "--as-of", AS_OF],
        dir,
    );
    let code = out.status.code().expect("exit code, not killed");
    assert_ne!(code, 101, "panic: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "json: {e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        code,
        json["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

fn at(d: &Value) -> (String, u64) {
    (
        d["location"]["path"].as_str().unwrap_or("").to_string(),
        d["location"]["line"].as_u64().unwrap_or(0),
    )
}

fn line_of(dir: &Path, file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

// --- 1. Date arithmetic -------------------------------------------------------------------

#[test]
fn clean_fixture_is_clean() {
    let dir = repo();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn huge_review_interval_on_a_policy_is_a_located_error_not_a_panic() {
    let dir = repo();
    let f = "policies/information-security.md";
    edit(dir.path(), f, "review_months: 12", "review_months: 239977");
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let found = with_code(&diags, "LOAD-011");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(
        at(found[0]),
        (f.to_string(), line_of(dir.path(), f, "review_months"))
    );
    assert!(found[0]["hint"].as_str().unwrap().contains("1200"));
}

#[test]
fn huge_cadences_are_located_errors_not_panics() {
    for (field, value) in [
        ("policy_review_months", "9999999"),
        ("access_revocation_days", "9999999"),
        ("evidence_max_age_days", "4294967295"),
    ] {
        let dir = repo();
        let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
        std::fs::write(
            dir.path().join("isms.yaml"),
            format!("{text}cadences:\n  {field}: {value}\n"),
        )
        .unwrap();
        let (code, diags) = check_json(dir.path());
        assert_eq!(code, 1, "{field}");
        let found = with_code(&diags, "LOAD-011");
        assert_eq!(found.len(), 1, "{field}: {diags:#?}");
        assert_eq!(
            at(found[0]),
            (
                "isms.yaml".to_string(),
                line_of(dir.path(), "isms.yaml", field)
            ),
            "{field}"
        );
    }
}

#[test]
fn the_largest_allowed_intervals_load_and_check_without_panic() {
    let dir = repo();
    let f = "policies/information-security.md";
    edit(dir.path(), f, "review_months: 12", "review_months: 1200");
    let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
    std::fs::write(
        dir.path().join("isms.yaml"),
        format!("{text}cadences:\n  policy_review_months: 1200\n  access_revocation_days: 36525\n  evidence_max_age_days: 36525\n"),
    )
    .unwrap();
    let (_, diags) = check_json(dir.path());
    assert!(with_code(&diags, "LOAD-011").is_empty(), "{diags:#?}");
}

// --- 2. Non-regular files and links in place of records -----------------------------------

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let _ = std::fs::remove_file(p);
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_record_is_reported_not_read() {
    for file in [
        "policies/information-security.md",
        "risks.yaml",
        "isms.yaml",
    ] {
        let dir = repo();
        mkfifo(&dir.path().join(file));
        let (code, diags) = check_json(dir.path());
        assert_eq!(code, 1, "{file}");
        let found: Vec<_> = with_code(&diags, "LOAD-002")
            .into_iter()
            .filter(|d| d["message"].as_str().unwrap().contains("FIFO"))
            .collect();
        assert_eq!(found.len(), 1, "{file}: {diags:#?}");
        assert_eq!(at(found[0]), (file.to_string(), 0));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_evidence_is_not_hashed() {
    let dir = repo();
    let ev = walkdir::WalkDir::new(dir.path().join("evidence"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path();
    mkfifo(&ev);
    // Must finish (the 60 s timeout of `run` turns a hang into a failure).
    let (code, _) = check_json(dir.path());
    assert!(code == 0 || code == 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_outside_the_repository_is_named_as_such() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "risks: []\n").unwrap();
    let dir = repo();
    std::fs::remove_file(dir.path().join("risks.yaml")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("risks.yaml"),
    )
    .unwrap();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let found = with_code(&diags, "LOAD-016");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("outside the repository")
    );
    assert_eq!(at(found[0]), ("risks.yaml".to_string(), 0));
}

// --- 3. Output over non-regular files -----------------------------------------------------

#[cfg(unix)]
#[test]
fn render_never_replaces_a_device_or_fifo_even_with_force() {
    let dir = repo();
    let out = tempfile::tempdir().unwrap();
    let fifo = out.path().join("soa.html");
    mkfifo(&fifo);
    for force in [false, true] {
        let mut args = vec!["render", "soa", "--as-of", AS_OF, "--draft", "-o"];
        let target = fifo.to_str().unwrap().to_string();
        args.push(&target);
        if force {
            args.push("--force");
        }
        args.push("-C");
        let o = run(&args, dir.path());
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("not a regular file"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!fifo.symlink_metadata().unwrap().file_type().is_file());
    }
    // As root, `-o /dev/null --force` must leave the device alone too.
    let o = run(
        &[
            "render",
            "soa",
            "--as-of",
            AS_OF,
            "--draft",
            "--format",
            "html",
            "-o",
            "/dev/null",
            "--force",
            "-C",
        ],
        dir.path(),
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(
        !Path::new("/dev/null")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_file()
    );
}

// --- 7. Configurable size limit -----------------------------------------------------------

/// Pads assets.yaml past 8 MiB with a trailing comment (still valid YAML).
fn oversize_assets(dir: &Path) {
    let p = dir.join("assets.yaml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push('#');
    text.push_str(&"x".repeat(9 * 1024 * 1024));
    text.push('\n');
    std::fs::write(&p, text).unwrap();
}

#[test]
fn an_oversize_register_says_how_to_raise_the_limit_or_split_it() {
    let dir = repo();
    oversize_assets(dir.path());
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let found = with_code(&diags, "LOAD-003");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(at(found[0]), ("assets.yaml".to_string(), 0));
    let hint = found[0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("assets/*.yaml")
            && hint.contains("max_file_size_mib")
            && hint.contains("--max-file-size"),
        "{hint}"
    );
}

#[test]
fn the_size_limit_is_raised_in_isms_yaml_or_on_the_command_line() {
    let dir = repo();
    oversize_assets(dir.path());
    let o = run(
        &[
            "check",
            "--no-git",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--max-file-size",
            "16",
        ],
        dir.path(),
    );
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{json:#}");

    let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
    std::fs::write(
        dir.path().join("isms.yaml"),
        format!("{text}limits:\n  max_file_size_mib: 16\n"),
    )
    .unwrap();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");

    // A limit out of range is refused at its line, and the default stays in force.
    let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
    std::fs::write(
        dir.path().join("isms.yaml"),
        text.replace("max_file_size_mib: 16", "max_file_size_mib: 999999"),
    )
    .unwrap();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let found = with_code(&diags, "LOAD-011");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(
        at(found[0]),
        (
            "isms.yaml".to_string(),
            line_of(dir.path(), "isms.yaml", "max_file_size_mib")
        )
    );
    assert_eq!(with_code(&diags, "LOAD-003").len(), 1);
}

// --- 5. Suggestions -----------------------------------------------------------------------

#[test]
fn a_deleted_policy_is_not_suggested_as_another_number_and_a_typo_is_suggested_once() {
    let dir = repo();
    edit(
        dir.path(),
        "policies/information-security.md",
        "id: POL-01",
        "id: POL-10",
    );
    let (_, diags) = check_json(dir.path());
    let dangling = with_code(&diags, "LOAD-013");
    assert!(!dangling.is_empty());
    for d in &dangling {
        assert!(
            !d["hint"].as_str().unwrap().contains("did you mean"),
            "{d:#}"
        );
    }
    // A real typo is suggested, on the first reference only.
    let dir = repo();
    edit(
        dir.path(),
        "policies/information-security.md",
        "id: POL-01",
        "id: POL-ISMS",
    );
    let text = std::fs::read_to_string(dir.path().join("objectives.yaml")).unwrap();
    std::fs::write(
        dir.path().join("objectives.yaml"),
        text.replace("POL-01", "POL-ISM"),
    )
    .unwrap();
    let (_, diags) = check_json(dir.path());
    let suggested = with_code(&diags, "LOAD-013")
        .into_iter()
        .filter(|d| {
            d["hint"]
                .as_str()
                .unwrap()
                .contains("did you mean `POL-ISMS`?")
        })
        .count();
    assert_eq!(suggested, 1, "{diags:#?}");
}

#[test]
fn a_register_that_failed_to_load_gives_no_empty_register_findings() {
    let dir = repo();
    oversize_assets(dir.path());
    let (_, diags) = check_json(dir.path());
    assert_eq!(with_code(&diags, "LOAD-003").len(), 1);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d["severity"] == "error" && d["code"] != "LOAD-003")
        .collect();
    assert!(errors.is_empty(), "only the root cause: {errors:#?}");
}

// --- 8. Cascades --------------------------------------------------------------------------

#[test]
fn a_syntax_error_in_the_risk_register_is_reported_alone() {
    let dir = repo();
    let text = std::fs::read_to_string(dir.path().join("risks.yaml")).unwrap();
    std::fs::write(
        dir.path().join("risks.yaml"),
        format!("{text}  - id: [unclosed\n"),
    )
    .unwrap();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let errors: Vec<_> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["code"], "LOAD-006");
    assert_eq!(at(errors[0]).0, "risks.yaml");
    let hint = errors[0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("reference(s) to records of this file are not checked"),
        "{hint}"
    );
}

#[test]
fn a_dangling_reference_is_still_reported_when_everything_loads() {
    let dir = repo();
    let text = std::fs::read_to_string(dir.path().join("soa.yaml")).unwrap();
    let first = text.find("risks: [").expect("an SoA entry with risks");
    let mut t = text.clone();
    t.replace_range(first..first + "risks: [".len(), "risks: [R-NOPE, ");
    std::fs::write(dir.path().join("soa.yaml"), t).unwrap();
    let (_, diags) = check_json(dir.path());
    let found = with_code(&diags, "LOAD-013");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(at(found[0]).0, "soa.yaml");
}

// --- 4. Control characters ----------------------------------------------------------------

#[test]
fn control_characters_never_reach_any_output_format_or_rendered_document() {
    let dir = repo();
    let f = "policies/information-security.md";
    // A dangling owner id carrying ESC and BEL (log injection), and a NUL in the title.
    edit(
        dir.path(),
        f,
        "owner: p-ciso",
        "owner: \"p-\\e[31m\\a\\e]0;pwned\\a\"",
    );
    edit(
        dir.path(),
        f,
        "title: Information Security Policy",
        "title: \"Information\\0Security\\x9b Policy\"",
    );
    for format in ["human", "json", "sarif", "github", "junit"] {
        let o = run(
            &[
                "check", "--no-git", "--as-of", AS_OF, "--color", "never", "--format", format,
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("p-"), "{format}: the finding is there: {out}");
        for bad in ['\u{1b}', '\u{7}', '\u{0}', '\u{9b}'] {
            assert!(!out.contains(bad), "{format} passes {bad:?}: {out}");
        }
    }
    let outdir = tempfile::tempdir().unwrap();
    for ext in ["html", "md"] {
        let target = outdir.path().join(format!("pol.{ext}"));
        let o = run(
            &[
                "render",
                "policies/POL-01",
                "--as-of",
                AS_OF,
                "--draft",
                "-o",
                target.to_str().unwrap(),
                "-C",
            ],
            dir.path(),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.contains("Information"), "{text}");
        for bad in ['\u{1b}', '\u{7}', '\u{0}', '\u{9b}'] {
            assert!(!text.contains(bad), "{ext} passes {bad:?}");
        }
    }
}

// --- 9. Corrupt Git objects ---------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let o = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn a_truncated_head_commit_object_is_a_finding_not_a_hang() {
    let dir = repo();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "records"]);
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    let obj = dir
        .path()
        .join(".git/objects")
        .join(&head[..2])
        .join(&head[2..]);
    let bytes = std::fs::read(&obj).unwrap();
    let mut perm = std::fs::metadata(&obj).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&obj, perm).unwrap();
    std::fs::write(&obj, &bytes[..bytes.len() / 2]).unwrap();

    // `run` kills the command after 60 s: a hang fails the test instead of stalling it.
    let o = run(&["check", "--format", "json", "--as-of", AS_OF], dir.path());
    assert!(o.status.code().is_some(), "check was killed");
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let found = with_code(diags, "GIT-08");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert!(
        found[0]["message"].as_str().unwrap().contains(&head),
        "{:#}",
        found[0]
    );

    let o = run(&["log", "-C"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("damaged"));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("soa.html");
    let o = run(
        &[
            "render",
            "soa",
            "--as-of",
            AS_OF,
            "-o",
            target.to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert!(o.status.code().is_some(), "render was killed");
}

// --- 7. Every register splits into a folder -----------------------------------------------

/// Moves `NAME.yaml` to `NAME/part.yaml`.
fn split(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::rename(
        dir.join(format!("{name}.yaml")),
        dir.join(name).join("part.yaml"),
    )
    .unwrap();
}

#[test]
fn every_register_may_live_in_a_folder() {
    let dir = repo();
    for name in [
        "assets",
        "risks",
        "objectives",
        "suppliers",
        "training",
        "metrics",
        "incidents",
        "changes",
        "nonconformities",
    ] {
        if dir.path().join(format!("{name}.yaml")).exists() {
            split(dir.path(), name);
        }
    }
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn a_duplicate_id_across_a_split_register_is_located_in_the_second_file() {
    let dir = repo();
    let text = std::fs::read_to_string(dir.path().join("assets.yaml")).unwrap();
    split(dir.path(), "assets");
    std::fs::write(dir.path().join("assets/zz.yaml"), &text).unwrap();
    let (_, diags) = check_json(dir.path());
    let dups = with_code(&diags, "LOAD-012");
    assert!(!dups.is_empty(), "{diags:#?}");
    assert!(
        dups.iter().all(|d| at(d).0 == "assets/zz.yaml"),
        "{dups:#?}"
    );
}

// --- 11. Bad-input corpus -----------------------------------------------------------------

/// Writes `text` to `file` and returns the diagnostics.
fn with_file(file: &str, bytes: &[u8]) -> (tempfile::TempDir, i32, Vec<Value>) {
    let dir = repo();
    std::fs::write(dir.path().join(file), bytes).unwrap();
    let (code, diags) = check_json(dir.path());
    (dir, code, diags)
}

fn only(diags: &[Value], code: &str) -> Value {
    let found = with_code(diags, code);
    assert_eq!(found.len(), 1, "one {code}: {diags:#?}");
    found[0].clone()
}

#[test]
fn corpus_duplicate_key() {
    let (_, code, diags) = with_file(
        "assets.yaml",
        b"assets:\n  - id: A-01\n    name: Customer database\n    name: Again\n    type: information\n    owner: p-cto\n    classification: confidential\n    value: { confidentiality: 3, integrity: 3, availability: 2 }\n",
    );
    assert_eq!(code, 1);
    let d = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("name"))
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(at(d), ("assets.yaml".to_string(), 4), "{d:#}");
}

#[test]
fn corpus_deep_nesting() {
    let mut text = "assets: ".to_string();
    text.push_str(&"[".repeat(10_000));
    text.push_str(&"]".repeat(10_000));
    text.push('\n');
    let (_, code, diags) = with_file("assets.yaml", text.as_bytes());
    assert_eq!(code, 1);
    let d = only(&diags, "LOAD-006");
    assert_eq!(at(&d).0, "assets.yaml");
}

#[test]
fn corpus_binary_and_utf16_files() {
    let (_, code, diags) = with_file("assets.yaml", b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe");
    assert_eq!(code, 1);
    assert_eq!(
        at(&only(&diags, "LOAD-004")),
        ("assets.yaml".to_string(), 1)
    );
    let utf16: Vec<u8> = "\u{feff}assets: []\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let (_, code, diags) = with_file("assets.yaml", &utf16);
    assert_eq!(code, 1);
    assert_eq!(at(&only(&diags, "LOAD-004")).0, "assets.yaml");
}

#[test]
fn corpus_bom_and_crlf_load_fine() {
    let dir = repo();
    for f in [
        "assets.yaml",
        "policies/information-security.md",
        "isms.yaml",
    ] {
        let p = dir.path().join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    }
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn corpus_unclosed_front_matter() {
    let dir = repo();
    let f = "policies/information-security.md";
    let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
    let (fm, body) = text[4..].split_once("\n---\n").unwrap();
    std::fs::write(dir.path().join(f), format!("---\n{fm}\n{body}")).unwrap();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "LOAD-007");
    assert_eq!(at(&d), (f.to_string(), 1));
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("close the front matter")
    );
}

#[test]
fn corpus_evidence_paths_leaving_the_repository() {
    for bad in ["../outside.md", "/etc/passwd", "file:///etc/passwd"] {
        let dir = repo();
        edit(
            dir.path(),
            "soa.yaml",
            "      - path: ./evidence/ops/runbook-review-2025-05.md",
            &format!("      - path: \"{bad}\""),
        );
        let line = line_of(dir.path(), "soa.yaml", bad);
        let (code, diags) = check_json(dir.path());
        assert_eq!(code, 1, "{bad}");
        let located: Vec<_> = diags
            .iter()
            .filter(|d| at(d) == ("soa.yaml".to_string(), line))
            .collect();
        assert_eq!(located.len(), 1, "{bad}: {diags:#?}");
    }
}

#[test]
fn corpus_templates_cannot_include_files_outside_the_template_folder() {
    let dir = repo();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    for include in ["../secret.txt", "/etc/hostname", "../../secret.txt"] {
        std::fs::write(
            dir.path().join("templates/soa.html"),
            format!("{{% include \"{include}\" %}}"),
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("soa.html");
        let o = run(
            &[
                "render",
                "soa",
                "--as-of",
                AS_OF,
                "--draft",
                "-o",
                target.to_str().unwrap(),
                "-C",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{include}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("templates/soa.html"), "{include}: {err}");
        assert!(!target.exists());
    }
}

#[test]
fn corpus_script_in_text_fields_and_bodies_is_inert_in_rendered_html() {
    let dir = repo();
    let f = "policies/information-security.md";
    let payloads = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> <svg onload=alert(5)>";
    let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
    std::fs::write(dir.path().join(f), format!("{text}\n{payloads}\n")).unwrap();
    edit(
        dir.path(),
        f,
        "title: Information Security Policy",
        &format!("title: '{}'", payloads.replace('\'', "''")),
    );
    let out = tempfile::tempdir().unwrap();
    let o = run(
        &[
            "render",
            "--as-of",
            AS_OF,
            "--draft",
            "--out",
            out.path().to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut seen = 0;
    for e in walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(e.path())
            .unwrap()
            .to_ascii_lowercase();
        seen += 1;
        // Escaped text (`&lt;script&gt;`) is inert; live markup or a live link is not.
        for bad in [
            "<script>alert",
            "<img src=x onerror",
            "href=\"javascript:",
            "href='javascript:",
            "href=javascript:",
            "<svg onload",
        ] {
            assert!(!html.contains(bad), "{}: {bad}", e.path().display());
        }
    }
    assert!(seen > 0);
}

// --- 12. Guarantees -----------------------------------------------------------------------

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn guarantee_render_writes_only_inside_its_target_folder() {
    let parent = tempfile::tempdir().unwrap();
    let records = parent.path().join("isms");
    copy_dir(&clean(), &records);
    let out = parent.path().join("out");
    let before = snapshot(parent.path());
    let o = run(
        &[
            "render",
            "--as-of",
            AS_OF,
            "--draft",
            "--out",
            out.to_str().unwrap(),
            "-C",
        ],
        &records,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for (path, bytes) in snapshot(parent.path()) {
        if !path.starts_with(&out) {
            assert_eq!(
                before.get(&path),
                Some(&bytes),
                "{} changed",
                path.display()
            );
        }
    }
    // `check` writes nothing at all.
    let before = snapshot(parent.path());
    run(&["check", "--no-git", "--as-of", AS_OF], &records);
    assert_eq!(snapshot(parent.path()), before);
}

#[test]
fn guarantee_nothing_is_overwritten_without_force() {
    let dir = repo();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("soa.html");
    std::fs::write(&target, "mine").unwrap();
    let o = run(
        &[
            "render",
            "soa",
            "--as-of",
            AS_OF,
            "--draft",
            "-o",
            target.to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    std::fs::write(out.path().join("index.html"), "mine too").unwrap();
    let o = run(
        &[
            "render",
            "--as-of",
            AS_OF,
            "--draft",
            "--out",
            out.path().to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(out.path().join("index.html")).unwrap(),
        "mine too"
    );
    let o = run(
        &[
            "render",
            "soa",
            "--as-of",
            AS_OF,
            "--draft",
            "--force",
            "-o",
            target.to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(std::fs::read_to_string(&target).unwrap(), "mine");
}

#[test]
fn guarantee_no_network_access_for_url_evidence() {
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = repo();
    edit(
        dir.path(),
        "soa.yaml",
        "url: https://tickets.example.com/SEC-3",
        &format!("url: http://127.0.0.1:{port}/SEC-3"),
    );
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
    let out = tempfile::tempdir().unwrap();
    let o = run(
        &[
            "render",
            "--as-of",
            AS_OF,
            "--draft",
            "--out",
            out.path().to_str().unwrap(),
            "-C",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        listener.accept().is_err(),
        "isms connected to the evidence URL"
    );
}

#[test]
fn guarantee_no_panic_on_mangled_records() {
    // Every record file cut at several points: whatever it becomes, a diagnostic, never a panic.
    let files: Vec<String> = walkdir::WalkDir::new(clean())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "md")
        })
        .map(|e| {
            e.path()
                .strip_prefix(clean())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for f in &files {
        let full = std::fs::read(clean().join(f)).unwrap();
        for cut in [full.len() / 3, full.len() / 2, full.len() * 9 / 10] {
            let dir = repo();
            std::fs::write(dir.path().join(f), &full[..cut]).unwrap();
            check_json(dir.path());
        }
    }
}
