//! `isms new` asks for the missing required values when a person is at the terminal. These
//! tests run the binary under a pseudo-terminal (python3's `pty` module, present wherever
//! python3 is) and answer the questions the way a person would, keystroke by keystroke.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `argv` in a pseudo-terminal; for each `(question, answer)` waits until the question
/// has been printed, then types the answer and Enter. Prints everything the terminal showed
/// and exits with the program's exit code (3 when a question never came).
const DRIVER: &str = r#"
import os, pty, select, sys, time
answers = [a.split("=", 1) for a in sys.argv[1].split("\x1f") if a]
argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
seen = 0
deadline = time.time() + 60

def pump(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    if not chunk:
        return False
    out += chunk
    return True

for question, answer in answers:
    while question.encode() not in out[seen:]:
        if time.time() > deadline or not pump(0.2):
            sys.stdout.write(out.decode(errors="replace"))
            sys.stdout.write("\n[driver] the question %r never came\n" % question)
            sys.exit(3)
    seen = out.index(question.encode(), seen) + len(question)
    time.sleep(0.1)
    for ch in answer:
        os.write(fd, ch.encode())
    os.write(fd, b"\r")
while time.time() < deadline and pump(0.5):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

fn python() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .args(["-c", "import pty"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from("python3"))
}

fn scaffold() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    let out = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["init", "--no-git", "--org", "Acme Ltd"])
        .arg(&dir)
        .env_remove("ISMS_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (tmp, dir)
}

/// Runs `isms <args>` in a terminal, answering `answers`; returns the exit code and what the
/// terminal showed.
fn in_terminal(dir: &Path, args: &[&str], answers: &[(&str, &str)]) -> (i32, String) {
    let py = python().expect("python3 with the pty module");
    let answers: String = answers
        .iter()
        .map(|(q, a)| format!("{q}={a}\u{1f}"))
        .collect();
    let out = Command::new(py)
        .arg("-c")
        .arg(DRIVER)
        .arg(answers)
        .arg(env!("CARGO_BIN_EXE_isms"))
        .args(args)
        .arg(dir)
        .env("ISMS_TODAY", "2026-12-01")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env_remove("ISMS_COLOR")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn new_person_asks_for_the_name_and_the_role() {
    if python().is_none() {
        eprintln!("skipped: python3 with the pty module is not available");
        return;
    }
    let (_t, dir) = scaffold();
    let before = std::fs::read_to_string(dir.join("isms.yaml")).unwrap();
    let (code, screen) = in_terminal(
        &dir,
        &["new", "person", "--email", "dana@acme.example"],
        &[("Name", "Dana Lee"), ("Job role", "Internal auditor")],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("created p-dana-lee in isms.yaml:"),
        "{screen}"
    );
    let after = std::fs::read_to_string(dir.join("isms.yaml")).unwrap();
    assert!(after.starts_with(&before[..before.find("\nroles:").unwrap()]));
    assert!(
        after.contains("  - id: p-dana-lee\n    name: Dana Lee\n    role: Internal auditor\n    email: dana@acme.example\n"),
        "{after}"
    );
}

#[test]
fn an_unknown_owner_typed_at_the_prompt_is_refused_with_the_closest_id_and_asked_again() {
    if python().is_none() {
        eprintln!("skipped: python3 with the pty module is not available");
        return;
    }
    let (_t, dir) = scaffold();
    let (code, screen) = in_terminal(
        &dir,
        &["new", "asset", "--asset-kind", "hardware"],
        &[
            ("Name", "Build server"),
            ("Owner", "p-ops-leed"),
            ("did you mean `p-ops-lead`?", "p-ops-lead"),
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("created A-"), "{screen}");
    let assets = std::fs::read_to_string(dir.join("assets.yaml")).unwrap();
    assert!(assets.contains("name: Build server"), "{assets}");
    assert!(assets.contains("owner: p-ops-lead"), "{assets}");
    assert!(!assets.contains("p-ops-leed"), "{assets}");
}

#[test]
fn without_a_terminal_nothing_is_asked_and_the_missing_flags_are_named() {
    let (_t, dir) = scaffold();
    let before = std::fs::read_to_string(dir.join("isms.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["new", "person"])
        .arg(&dir)
        .env_remove("ISMS_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs --name, --role"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("isms.yaml")).unwrap(),
        before
    );
}
