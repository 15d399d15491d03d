//! Builds small Git repositories in temporary folders for tests, with fixed author and
//! committer dates so that history-based output is deterministic.
//!
//! Include it from an integration test with:
//!
//! ```ignore
//! #[path = "support/git.rs"]
//! mod git_support;
//! use git_support::TestRepo;
//! ```
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{IndexAddOption, Oid, Repository, Signature, Time};

/// Someone who writes commits.
#[derive(Debug, Clone)]
pub struct Person {
    /// Display name.
    pub name: &'static str,
    /// Email address.
    pub email: &'static str,
}

/// The default author of [`TestRepo::commit`].
pub const ALICE: Person = Person {
    name: "Alice Example",
    email: "alice@example.com",
};
/// A second author.
pub const BOB: Person = Person {
    name: "Bob Example",
    email: "bob@example.com",
};

/// 2024-01-01T00:00:00Z: the first commit of every test repository, unless told otherwise.
pub const EPOCH: i64 = 1_704_067_200;
/// One day in seconds: the default step between commits.
pub const DAY: i64 = 86_400;

/// A repository in a temporary folder.
pub struct TestRepo {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
    /// The open repository.
    pub repo: Repository,
    /// Author time (seconds since the epoch) of the next commit made without an explicit time.
    pub next_time: i64,
}

impl TestRepo {
    /// `git init` with `main` as the initial branch.
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = init_main(dir.path());
        TestRepo {
            dir,
            repo,
            next_time: EPOCH,
        }
    }

    /// A bare repository (no working tree).
    pub fn new_bare() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut opts = git2::RepositoryInitOptions::new();
        opts.bare(true).initial_head("main");
        let repo = Repository::init_opts(dir.path(), &opts).expect("git init --bare");
        TestRepo {
            dir,
            repo,
            next_time: EPOCH,
        }
    }

    /// The top of the working tree (or the repository folder when bare).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the top of the working tree.
    pub fn write(&self, rel: &str, content: &str) -> &Self {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(p, content).expect("write file");
        self
    }

    /// Deletes a file.
    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).expect("remove file");
        self
    }

    /// Moves a file (like `git mv`; staging happens at the next commit).
    pub fn rename(&self, from: &str, to: &str) -> &Self {
        let dest = self.path().join(to);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::rename(self.path().join(from), dest).expect("rename file");
        self
    }

    /// Stages everything (additions, changes, deletions) and commits as [`ALICE`] at
    /// `next_time`, then advances `next_time` by a day.
    pub fn commit(&mut self, message: &str) -> Oid {
        let t = self.next_time;
        self.commit_as(&ALICE, t, message)
    }

    /// Stages everything and commits as `who` at `time` (seconds since the epoch, UTC); the
    /// committer is the same person at the same time. Sets `next_time` to a day later.
    pub fn commit_as(&mut self, who: &Person, time: i64, message: &str) -> Oid {
        let tree = self.stage_all();
        let oid = {
            let parents = self.head_commit().into_iter().collect::<Vec<_>>();
            let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            let sig = signature(who, time);
            let tree = self.repo.find_tree(tree).expect("tree");
            self.repo
                .commit(Some("HEAD"), &sig, &sig, message, &tree, &parent_refs)
                .expect("commit")
        };
        self.next_time = time + DAY;
        oid
    }

    /// Creates branch `name` at `HEAD` and checks it out.
    pub fn branch(&self, name: &str) {
        let head = self.head_commit().expect("a commit to branch from");
        self.repo.branch(name, &head, false).expect("create branch");
        self.checkout(name);
    }

    /// Checks out an existing local branch, updating the working tree.
    pub fn checkout(&self, name: &str) {
        let refname = format!("refs/heads/{name}");
        let obj = self.repo.revparse_single(&refname).expect("branch exists");
        let mut co = git2::build::CheckoutBuilder::new();
        co.force().remove_untracked(true);
        self.repo
            .checkout_tree(&obj, Some(&mut co))
            .expect("checkout");
        self.repo.set_head(&refname).expect("set HEAD");
    }

    /// Merges branch `other` into the current branch with a merge commit (no fast-forward),
    /// as `who` at `time`. The branches must not conflict.
    pub fn merge(&mut self, other: &str, who: &Person, time: i64, message: &str) -> Oid {
        let oid = self.merge_commit(other, who, time, message);
        self.next_time = time + DAY;
        oid
    }

    fn merge_commit(&self, other: &str, who: &Person, time: i64, message: &str) -> Oid {
        let ours = self.head_commit().expect("HEAD commit");
        let theirs = self
            .repo
            .revparse_single(&format!("refs/heads/{other}"))
            .and_then(|o| o.peel_to_commit())
            .expect("branch to merge");
        let mut index = self
            .repo
            .merge_commits(&ours, &theirs, None)
            .expect("merge");
        assert!(!index.has_conflicts(), "test merges must not conflict");
        let tree = index.write_tree_to(&self.repo).expect("merged tree");
        let tree = self.repo.find_tree(tree).expect("tree");
        let sig = signature(who, time);
        let oid = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &[&ours, &theirs])
            .expect("merge commit");
        let mut co = git2::build::CheckoutBuilder::new();
        co.force();
        self.repo
            .checkout_head(Some(&mut co))
            .expect("checkout merge");
        oid
    }

    /// Detaches `HEAD` at its current commit.
    pub fn detach(&self) {
        let head = self.head_commit().expect("HEAD commit");
        self.repo.set_head_detached(head.id()).expect("detach HEAD");
    }

    /// The commit `HEAD` points at, if any.
    pub fn head_commit(&self) -> Option<git2::Commit<'_>> {
        self.repo.head().ok().and_then(|h| h.peel_to_commit().ok())
    }

    /// A shallow clone (`git clone --depth <depth>`) made with the `git` command line, which
    /// git2 cannot do for local paths.
    pub fn shallow_clone(&self, depth: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("file://{}", self.path().display());
        run_git(
            None,
            &[
                "clone",
                "--quiet",
                "--depth",
                &depth.to_string(),
                &url,
                &path_str(dir.path()),
            ],
        );
        dir
    }

    fn stage_all(&self) -> Oid {
        let mut index = self.repo.index().expect("index");
        index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .expect("git add");
        index.update_all(["*"], None).expect("stage deletions");
        index.write().expect("write index");
        index.write_tree().expect("write tree")
    }
}

/// `git init -b main` at `path`.
pub fn init_main(path: &Path) -> Repository {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    Repository::init_opts(path, &opts).expect("git init")
}

/// A signature for `who` at `time` (UTC).
pub fn signature(who: &Person, time: i64) -> Signature<'static> {
    Signature::new(who.name, who.email, &Time::new(time, 0)).expect("signature")
}

/// Clones a bundle (or any repository path) into a new temporary folder with the `git`
/// command line (git2 cannot read bundles).
pub fn clone_with_git(source: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    run_git(
        None,
        &["clone", "--quiet", &path_str(source), &path_str(dir.path())],
    );
    dir
}

/// Runs `git` with a neutral environment (no user or system configuration) and panics with
/// its output when it fails.
pub fn run_git(cwd: Option<&Path>, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "init.defaultBranch")
        .env("GIT_CONFIG_VALUE_0", "main");
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let out = cmd.output().expect("the git command line is installed");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The path of a fixture under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(rel)
}
