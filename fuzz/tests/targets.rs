//! Property-based fuzz targets: whatever the input, the YAML layer, the front-matter splitter
//! and the loader return values or diagnostics, never panic. Inputs are mutations of real
//! records (the examples and the test fixture), so the generator reaches deep parser states.
//! `PROPTEST_CASES` sets the number of executions per target (default 256).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every record file of the seed repositories.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for base in ["examples/acme-saas", "tests/fixtures/check/clean"] {
        let dir = root().join(base);
        for e in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if e.file_type().is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "md") {
                let rel = p
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(p).unwrap()));
            }
        }
    }
    out
}

/// A mutation: insert, overwrite or delete bytes, or splice a YAML-significant token.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Overwrite(usize, u8),
    Delete(usize, usize),
    Token(usize, usize),
}

const TOKENS: &[&str] = &[
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "!!binary ",
    "---\n",
    "...\n",
    "\t",
    "\"",
    "'",
    "? ",
    "|\n",
    ">-\n",
    "#",
    "\u{0}",
    "\u{1b}",
    "\r",
    "\u{feff}",
    "9999999999999999999999",
    "-1",
    "0x10",
    ".nan",
    "2025-02-30",
    "<<: *a\n",
    "\n  ",
    "\n",
    "~",
    "null",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Overwrite(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Token(i, t)),
    ]
}

fn apply(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Insert(i, b) => {
                let p = at(*i, data.len());
                data.splice(p..p, b.iter().copied());
            }
            Mutation::Overwrite(i, b) => {
                if !data.is_empty() {
                    let p = i % data.len();
                    data[p] = *b;
                }
            }
            Mutation::Delete(i, n) => {
                let p = at(*i, data.len());
                let end = (p + n).min(data.len());
                data.drain(p..end);
            }
            Mutation::Token(i, t) => {
                let p = at(*i, data.len());
                data.splice(p..p, TOKENS[*t].bytes());
            }
        }
    }
    data
}

fn mutated() -> impl Strategy<Value = (String, Vec<u8>)> {
    let seeds = seeds();
    (0..seeds.len(), proptest::collection::vec(mutation(), 1..12))
        .prop_map(move |(i, muts)| (seeds[i].0.clone(), apply(seeds[i].1.clone(), &muts)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    /// The YAML layer: parse and read as every register type.
    #[test]
    fn yaml_layer((_, bytes) in mutated()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut map = isms::source::SourceMap::default();
        let id = map.add(isms::source::SourceFile::new("x.yaml", text.clone()));
        let source = map.get(id).unwrap();
        if let Ok(node) = isms::yaml::parse(id, source, 0..text.len()) {
            let _ = isms::yaml::from_node::<isms::model::Manifest>(&node);
            let _ = isms::yaml::from_node::<isms::model::RiskRegister>(&node);
            let _ = isms::yaml::from_node::<isms::model::AssetRegister>(&node);
            let _ = isms::yaml::from_node::<isms::model::Policy>(&node);
        }
    }

    /// The front-matter splitter: ranges it returns are in bounds and on char boundaries.
    #[test]
    fn front_matter((_, bytes) in mutated()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((fm, body)) = isms::loader::split_front_matter(&text) {
            prop_assert!(fm.end <= body && body <= text.len());
            prop_assert!(text.is_char_boundary(fm.start) && text.is_char_boundary(body));
        }
    }

    /// The partial re-parse (the language server's keystrokes, GIT-04's versions): from a
    /// record file and a mutation of it, the patched tree is the full parse's, or the old tree
    /// comes back untouched.
    #[test]
    fn partial_reparse(
        i in 0..seeds().len(),
        muts in proptest::collection::vec(mutation(), 1..4),
    ) {
        let seeds: Vec<_> = seeds().into_iter().filter(|(rel, _)| rel.ends_with(".yaml")).collect();
        let (rel, old) = &seeds[i % seeds.len()];
        let old = String::from_utf8_lossy(old).into_owned();
        let new = String::from_utf8_lossy(&apply(old.clone().into_bytes(), &muts)).into_owned();
        let id = isms::source::FileId(0);
        let old_file = isms::source::SourceFile::new(rel.as_str(), old.as_str());
        let new_file = isms::source::SourceFile::new(rel.as_str(), new.as_str());
        let Ok(tree) = isms::yaml::parse(id, &old_file, 0..old.len()) else {
            return Ok(());
        };
        let full = isms::yaml::parse(id, &new_file, 0..new.len());
        // One stretch after another (GIT-04's versions): the same tree or none.
        if let Some(patched) = isms::yaml::reparse_in_steps(&old, &tree, &new_file) {
            prop_assert_eq!(Ok(&patched), full.as_ref());
        }
        match isms::yaml::reparse(&old, tree.clone(), &new_file) {
            Ok(patched) => prop_assert_eq!(Ok(&patched), full.as_ref()),
            Err(back) => prop_assert_eq!(back, tree),
        }
    }

    /// The whole loader and the checks on a repository image with one mutated file.
    #[test]
    fn loader_and_checks((rel, bytes) in mutated()) {
        let dir = tempfile::tempdir().unwrap();
        let base = root().join("tests/fixtures/check/clean");
        for e in walkdir::WalkDir::new(&base).into_iter().filter_map(Result::ok) {
            let to = dir.path().join(e.path().strip_prefix(&base).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        let target = dir.path().join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, &bytes).unwrap();
        let loaded = isms::loader::load(dir.path()).unwrap();
        let _ = isms::checks::check_loaded(&loaded, &[], "2025-06-30".parse().unwrap());
    }
}
