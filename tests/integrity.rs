//! Integrity of what an auditor is shown: approvals checked against the Git history (GIT-04),
//! ids that cannot deceive, evidence URLs, and renders that survive being interrupted.

#[path = "support/clean.rs"]
mod clean;
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

// ---------------------------------------------------------------------------------------------
// Interrupted renders

fn clean_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

fn render_cmd(out: &std::path::Path, as_of: &str) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_isms"));
    c.arg("render")
        .arg(clean_fixture())
        .arg("--out")
        .arg(out)
        .args(["--as-of", as_of])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    c
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".isms-tmp-"))
        .map(|e| e.path().display().to_string())
        .collect()
}

/// A render killed (SIGKILL) at any point leaves a folder the next render accepts without
/// `--force`, and the temporary files it left are removed by the next run.
#[test]
fn a_killed_render_leaves_a_re_renderable_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let first = render_cmd(&out, "2025-06-30").output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Each run renders another date, so every file is replaced.
    let dates = ["2025-07-01", "2025-07-02"];
    for (i, delay) in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 250, 300, 400]
        .into_iter()
        .enumerate()
    {
        let mut child = render_cmd(&out, dates[i % 2]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // Temp files from the killed run are older than the next process.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let next = render_cmd(&out, dates[(i + 1) % 2]).output().unwrap();
        assert!(
            next.status.success(),
            "after a kill at {delay} ms: {}",
            String::from_utf8_lossy(&next.stderr)
        );
        assert_eq!(
            temp_files(&out),
            Vec::<String>::new(),
            "after a kill at {delay} ms"
        );
    }
}

/// Only our own stale temporary files are removed: not a fresh one (another run may be writing
/// it), not a file that merely starts with the prefix.
#[test]
fn only_our_stale_temp_files_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert!(render_cmd(&out, "2025-06-30").status().unwrap().success());
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let make = |rel: &str, when: std::time::SystemTime| {
        let p = out.join(rel);
        std::fs::write(&p, "partial").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(when)
            .unwrap();
    };
    make(".isms-tmp-AbC123", old);
    make("policies/.isms-tmp-x9Y8z7", old);
    make(".isms-tmp-Q1w2E3", future);
    make(".isms-tmp-notes.txt", old);
    let next = render_cmd(&out, "2025-07-01").output().unwrap();
    assert!(
        next.status.success(),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    assert!(
        String::from_utf8_lossy(&next.stderr).contains("removed 2 temporary file(s)"),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    let mut left: Vec<String> = temp_files(&out)
        .into_iter()
        .map(|p| p.rsplit('/').next().unwrap().to_string())
        .collect();
    left.sort();
    assert_eq!(left, [".isms-tmp-Q1w2E3", ".isms-tmp-notes.txt"]);
}

/// `--out` naming a file says so, once, instead of an OS error.
#[test]
fn out_pointing_at_a_file_is_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("docs.html");
    std::fs::write(&file, "mine").unwrap();
    let o = render_cmd(&file, "2025-06-30").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a regular file, not a folder"), "{err}");
    assert!(err.contains("-o FILE"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

// ---------------------------------------------------------------------------------------------
// Ids that deceive

fn check_json(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_isms"))
        .args([
            "check",
            "--no-git",
            "--format",
            "json",
            "--as-of",
            clean::AS_OF,
        ])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn replace_in(dir: &std::path::Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "`{from}` in {rel}");
    std::fs::write(p, text.replacen(from, to, 1)).unwrap();
}

/// An empty id, an id with a right-to-left override and one with a Cyrillic look-alike are
/// each reported (LOAD-019) at the line that writes them.
#[test]
fn ids_that_deceive_are_reported_where_they_are_written() {
    for (id, why) in [
        ("\"\"", "is empty"),
        (
            "\"R-\u{202e}100\"",
            "U+202E, an invisible bidirectional control",
        ),
        (
            "\"\u{420}-01\"",
            "`\u{420}` (U+0420), a non-ASCII character",
        ),
        ("\"R 01\"", "a space or other blank"),
    ] {
        let dir = clean::copy();
        replace_in(
            dir.path(),
            "risks.yaml",
            "  - id: R-01\n",
            &format!("  - id: {id}\n"),
        );
        replace_in(dir.path(), "objectives.yaml", "risks: [R-01]", "risks: []");
        replace_in(dir.path(), "soa.yaml", "risks: [R-01]", "risks: []");
        let diags = check_json(dir.path());
        let found: Vec<&serde_json::Value> =
            diags.iter().filter(|d| d["code"] == "LOAD-019").collect();
        assert_eq!(found.len(), 1, "{id}: {diags:#?}");
        let d = found[0];
        assert_eq!(d["location"]["path"], "risks.yaml", "{d:#}");
        assert_eq!(d["location"]["line"], 3, "{d:#}");
        let message = d["message"].as_str().unwrap();
        assert!(message.starts_with("risk id `"), "{message}");
        assert!(message.contains(why), "{id}: {message}");
        // Never the raw override in the report.
        assert!(!message.contains('\u{202e}'), "{message}");
    }
    // The ids of the clean fixture (letters, digits, `-`, `_`, `.`) are fine.
    let dir = clean::copy();
    assert!(
        check_json(dir.path())
            .iter()
            .all(|d| d["code"] != "LOAD-019"),
        "clean fixture"
    );
}

/// Bidirectional controls in record text never reach a rendered document raw, in any format.
#[test]
fn rendered_documents_carry_no_bidirectional_controls() {
    let dir = clean::copy();
    replace_in(
        dir.path(),
        "risks.yaml",
        "    title: Loss of customer data\n",
        "    title: \"Loss of \u{202e}atad remotsuc\u{202c} and \u{2067}more\u{2069} \u{200f}\"\n",
    );
    for format in ["html", "md", "csv", "xlsx"] {
        let out = dir.path().join("build").join(format);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_isms"))
            .arg("render")
            .arg(dir.path())
            .args(["--format", format, "--as-of", clean::AS_OF, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = if entry.path().extension().is_some_and(|e| e == "xlsx") {
                xlsx_text(&bytes)
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            if text.contains("Loss of") {
                seen += 1;
            }
            for c in ['\u{202e}', '\u{202c}', '\u{2067}', '\u{2069}', '\u{200f}'] {
                assert!(
                    !text.contains(c),
                    "U+{:04X} in {}",
                    u32::from(c),
                    entry.path().display()
                );
            }
        }
        assert!(seen > 0, "the risk title is rendered in {format}");
    }
}

/// The text of every part of an xlsx file (a zip of XML parts).
fn xlsx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut s = String::new();
        let _ = part.read_to_string(&mut s);
        all.push_str(&s);
    }
    all
}

// ---------------------------------------------------------------------------------------------
// Evidence URLs

/// Evidence URLs are `https://` or `http://` links: `file:`, `javascript:` and `data:` ones, or
/// one without a scheme, are reported at the line of the URL.
#[test]
fn evidence_urls_other_than_http_are_reported() {
    let text = std::fs::read_to_string(clean::fixture().join("soa.yaml")).unwrap();
    let first_url = text
        .lines()
        .find_map(|l| {
            let (_, u) = l.split_once("url: ")?;
            Some(u.split([',', ' ', '}']).next()?.to_string())
        })
        .expect("the clean SoA cites a URL");
    let line = clean::line_of(&text, &format!("url: {first_url}"));
    for (url, why) in [
        ("file:///etc/passwd", "uses the `file:` scheme"),
        ("javascript:alert(1)", "uses the `javascript:` scheme"),
        ("JavaScript:alert(1)", "uses the `javascript:` scheme"),
        (
            "data:text/html;base64,PHNjcmlwdD4=",
            "uses the `data:` scheme",
        ),
        ("tickets.example.com/SEC-1", "has no scheme"),
        ("https:///nothing", "names no host"),
    ] {
        let dir = clean::copy();
        replace_in(
            dir.path(),
            "soa.yaml",
            &format!("url: {first_url}"),
            &format!("url: \"{url}\""),
        );
        let diags = check_json(dir.path());
        let found: Vec<&serde_json::Value> = diags
            .iter()
            .filter(|d| {
                d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("evidence URL"))
            })
            .collect();
        assert_eq!(found.len(), 1, "{url}: {diags:#?}");
        let d = found[0];
        assert_eq!(d["code"], "LOAD-011", "{d:#}");
        assert_eq!(
            (
                d["location"]["path"].as_str(),
                d["location"]["line"].as_u64()
            ),
            (Some("soa.yaml"), Some(u64::from(line))),
            "{d:#}"
        );
        assert!(d["message"].as_str().unwrap().contains(why), "{url}: {d:#}");
    }
    let dir = clean::copy();
    replace_in(
        dir.path(),
        "soa.yaml",
        &format!("url: {first_url}"),
        "url: http://intranet.example.com/report",
    );
    assert!(
        check_json(dir.path())
            .iter()
            .all(|d| d["code"] != "LOAD-011")
    );
}
