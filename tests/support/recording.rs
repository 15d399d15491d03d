//! The setting of the recording-command tests (`tests/planning.rs`, `tests/record.rs`): the
//! binary on a fixed day, and the two repositories they record in.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use super::clean::copy_dir;

/// The binary, with today fixed at 2026-12-01 and no colour or evaluation date from the
/// environment.
pub fn isms() -> Command {
    let mut c = Command::cargo_bin("isms").unwrap();
    c.env_remove("ISMS_COLOR")
        .env_remove("ISMS_AS_OF")
        .env("ISMS_TODAY", "2026-12-01");
    c
}

/// A fresh scaffold, without Git.
pub fn scaffold() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .args(["init", "--no-git", "--org", "Acme Ltd"])
        .arg(&dir)
        .assert()
        .success();
    (tmp, dir)
}

/// A copy of examples/acme-saas (frozen at 2026-12-01).
pub fn acme() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        &dir,
    );
    (tmp, dir)
}
