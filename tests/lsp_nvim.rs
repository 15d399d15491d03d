//! End to end in a real editor: Neovim's built-in LSP client runs `isms lsp` on a copy of the
//! example, a typo is typed into an unsaved buffer, and the diagnostics and a hover the editor
//! received are asserted on. Skips with a notice when `nvim` is not installed, unless
//! `ISMS_REQUIRE_EDITOR=1` (set by `.ci/run`, which installs Neovim).

use std::path::Path;
use std::process::Command;

#[path = "support/clean.rs"]
mod clean;

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn neovim_shows_diagnostics_and_hover_from_isms_lsp() {
    if !nvim_available() {
        if std::env::var("ISMS_REQUIRE_EDITOR").is_ok_and(|v| v == "1") {
            panic!("ISMS_REQUIRE_EDITOR=1 but `nvim` is not installed (apt-get install neovim)");
        }
        eprintln!("notice: skipping the Neovim test: `nvim` is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("acme");
    clean::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        &root,
    );
    let before = std::fs::read(root.join("risks.yaml")).unwrap();
    let out = tmp.path().join("nvim-out.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/nvim-session.lua");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("ISMS_ROOT", &root)
        .env("ISMS_OUT", &out)
        .env("ISMS_BIN", env!("CARGO_BIN_EXE_isms"))
        .env("HOME", tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .status()
        .expect("nvim runs");
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status:?}):\n{report}");
    assert!(report.contains("done"), "{report}");
    let typo_line: u32 = report
        .lines()
        .find_map(|l| l.strip_prefix("typo at line "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{report}"));
    let expected = format!("diagnostic {typo_line}:12 LOAD-013 ");
    assert!(
        report
            .lines()
            .any(|l| l.starts_with(&expected) && l.contains("p-peple")),
        "expected `{expected}...` in:\n{report}"
    );
    let hover = report
        .lines()
        .find(|l| l.starts_with("hover "))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        hover.contains("(risk)") && hover.contains("treatment:"),
        "{hover}"
    );
    let definition = report
        .lines()
        .find(|l| l.starts_with("definition "))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(definition.contains("assets.yaml"), "{definition}");
    // The buffer was never saved: the disk is unchanged.
    assert_eq!(std::fs::read(root.join("risks.yaml")).unwrap(), before);
}
