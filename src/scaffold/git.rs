//! The first commit of a new ISMS repository.

use std::path::Path;

use git2::{Repository, Signature};

use super::GitOutcome;

/// Message of the scaffold commit.
pub const COMMIT_MESSAGE: &str = "Initial ISMS scaffold (isms init)";
/// Author name used when Git has no `user.name` configured.
pub const FALLBACK_NAME: &str = "isms";
/// Author e-mail used when Git has no `user.email` configured.
pub const FALLBACK_EMAIL: &str = "isms@localhost";

/// Creates a repository in `dir` and commits `files` (paths relative to `dir`), unless `dir`
/// already belongs to a repository: then nothing is committed, because the user's own history
/// should only receive changes they have reviewed.
pub(super) fn commit_scaffold(dir: &Path, files: &[&str]) -> Result<GitOutcome, git2::Error> {
    if let Ok(existing) = Repository::discover(dir) {
        let workdir = existing
            .workdir()
            .unwrap_or_else(|| existing.path())
            .to_path_buf();
        return Ok(GitOutcome::ExistingRepository { workdir });
    }
    let repo = Repository::init(dir)?;
    let mut index = repo.index()?;
    // Only the files just written: anything else already in the folder (with --force) may be
    // private and is left for the user to add.
    for file in files {
        index.add_path(Path::new(file))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    // `user.name`/`user.email` from the repository, global or system configuration.
    let signature = match repo.signature() {
        Ok(s) => s,
        Err(_) => Signature::now(FALLBACK_NAME, FALLBACK_EMAIL)?,
    };
    let author = format!(
        "{} <{}>",
        String::from_utf8_lossy(signature.name_bytes()),
        String::from_utf8_lossy(signature.email_bytes())
    );
    let oid = repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        COMMIT_MESSAGE,
        &tree,
        &[],
    )?;
    Ok(GitOutcome::Committed {
        commit: oid.to_string(),
        author,
    })
}
