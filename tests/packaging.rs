//! The crate is ready to publish: complete metadata, and a package that carries what builds
//! and documents the tool, and nothing that stays in the repository.

use std::process::Command;

fn manifest() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap()
}

#[test]
fn metadata_is_complete_for_publishing() {
    let toml = manifest();
    for key in [
        "description",
        "license",
        "repository",
        "homepage",
        "documentation",
        "readme",
        "keywords",
        "categories",
        "rust-version",
    ] {
        assert!(
            toml.lines().any(|l| l.starts_with(&format!("{key} = "))),
            "Cargo.toml lacks `{key}`"
        );
    }
    let keywords = toml.lines().find(|l| l.starts_with("keywords = ")).unwrap();
    assert!(
        keywords.matches('"').count() / 2 <= 5,
        "crates.io takes at most five keywords"
    );
}

#[test]
fn the_package_holds_the_sources_and_not_the_ci_files() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    for needed in [
        "src/main.rs",
        "build.rs",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "data/annex-a-2022.csv",
        "data/mapping-2013-2022.csv",
    ] {
        assert!(
            files.iter().any(|f| f == needed),
            "the package lacks {needed}"
        );
    }
    assert!(files.iter().any(|f| f.starts_with("templates/scaffold/")));
    for f in &files {
        assert!(
            !f.starts_with("fuzz/")
                && !f.starts_with(".ci/")
                && !f.starts_with("target/")
                && !f.starts_with(".github/"),
            "{f} should stay out of the package"
        );
        let size = std::fs::metadata(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(
            size < 1 << 20,
            "{f} is {size} bytes: generated data does not belong in the package"
        );
    }
}
