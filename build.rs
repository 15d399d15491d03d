//! Records the commit the binary is built from, for `isms --version`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn main() {
    // A build from a published package has no Git checkout; the version then says so.
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    let date = git(&["log", "-1", "--format=%cs", "HEAD"]);
    let described = match (commit, date) {
        (Some(c), Some(d)) => format!("commit {c}, {d}"),
        (Some(c), None) => format!("commit {c}"),
        _ => "commit unknown".to_owned(),
    };
    println!("cargo:rustc-env=ISMS_BUILD_COMMIT={described}");
    // Rebuild when HEAD moves: HEAD itself (a branch switch) and the refs (a new commit).
    for dir in ["--git-dir", "--git-common-dir"] {
        if let Some(d) = git(&["rev-parse", dir]) {
            for f in ["HEAD", "packed-refs", "refs/heads"] {
                let p = std::path::Path::new(&d).join(f);
                if p.exists() {
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
