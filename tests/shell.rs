//! The shell side of the CLI: completions, man pages, help examples that really parse,
//! `--quiet`/`--verbose`, and a `--version` that names its commit.

use assert_cmd::Command;
use clap::CommandFactory;
use isms::cli::Cli;

fn isms() -> Command {
    let mut c = Command::cargo_bin("isms").unwrap();
    c.env_remove("ISMS_COLOR").env_remove("ISMS_TODAY");
    c
}

/// Every visible command with its full name (`isms templates export`).
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = format!("{prefix} {}", sub.get_name());
            out.push((name.clone(), sub.clone()));
            walk(&name, sub, out);
        }
    }
    let mut out = Vec::new();
    walk("isms", &Cli::command(), &mut out);
    out
}

#[test]
fn completions_cover_every_shell_and_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = isms().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for (name, _) in commands() {
            let leaf = name.rsplit(' ').next().unwrap();
            assert!(script.contains(leaf), "{shell} completion lacks `{name}`");
        }
    }
    isms().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_for_every_command_refusing_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    isms().args(["man", "--out"]).arg(&dir).assert().success();
    let mut expected: Vec<String> = commands()
        .iter()
        .map(|(n, _)| format!("{}.1", n.replace(' ', "-")))
        .collect();
    expected.push("isms.1".into());
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, expected);
    let check = std::fs::read_to_string(dir.join("isms-check.1")).unwrap();
    assert!(
        check.starts_with(".ie") || check.contains(".TH isms-check"),
        "{check}"
    );
    assert!(check.contains("as\\-of"), "options are documented");

    let before = std::fs::read(dir.join("isms.1")).unwrap();
    std::fs::write(dir.join("isms.1"), "mine").unwrap();
    isms()
        .args(["man", "--out"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read(dir.join("isms.1")).unwrap(), b"mine");
    isms()
        .args(["man", "--force", "--out"])
        .arg(&dir)
        .assert()
        .success();
    assert_eq!(std::fs::read(dir.join("isms.1")).unwrap(), before);

    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    isms()
        .args(["man", "--out"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is a file, not a folder"));
    let top = isms().arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains(".TH isms"));
}

/// Help ends with examples, and every example is a command line the parser accepts.
#[test]
fn every_help_ends_with_examples_that_parse() {
    let mut checked = 0;
    for (name, cmd) in commands() {
        if cmd.has_subcommands() {
            continue;
        }
        let help = cmd
            .get_after_help()
            .or(cmd.get_after_long_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        let tail = help
            .split_once("Example")
            .unwrap_or_else(|| panic!("`{name} --help` has no example"))
            .1;
        let examples: Vec<&str> = tail
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| l.starts_with("isms "))
            .collect();
        assert!(!examples.is_empty(), "`{name}`: no example lines");
        for example in examples {
            let command = example.split(" > ").next().unwrap();
            let words = shell_words(command.split(" | ").next().unwrap());
            Cli::command()
                .try_get_matches_from(&words)
                .unwrap_or_else(|e| panic!("example `{example}` of `{name}` does not parse: {e}"));
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} examples");
}

/// Splits a command line on spaces outside double quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => words.push(String::new()),
            c => words.last_mut().unwrap().push(c),
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

#[test]
fn version_names_the_commit() {
    let out = isms().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("isms {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}

#[test]
fn quiet_hides_notes_and_verbose_shows_what_was_read() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme-saas");
    let normal = isms()
        .args(["status", "--no-git", example])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&normal.stderr).contains("note: evaluated as of"));
    let quiet = isms()
        .args(["status", "--no-git", "--quiet", example])
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(quiet.stdout, normal.stdout, "results are unchanged");
    let verbose = isms()
        .args(["check", "--no-git", "-v", example])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.contains("info: read ") && stderr.contains(" file(s) in "),
        "{stderr}"
    );
    isms().args(["check", "-q", "-v", example]).assert().code(2);
}
