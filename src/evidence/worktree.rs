//! Uncommitted state of the ISMS folder: records edited, added, deleted or not yet tracked.
//! `isms check` warns about them and rendered documents are marked DRAFT, because what the
//! auditor sees must be what is in the history.

use std::path::Path;

use git2::{Status, StatusOptions};
use serde::Serialize;

use super::error::{EvidenceError, GitContext};
use super::repo;

/// How a file differs from the last commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkingStatus {
    /// Tracked and changed (staged or not), including renames and type changes.
    Modified,
    /// New and staged (`git add`) but not committed.
    Added,
    /// Tracked and removed (staged or not).
    Deleted,
    /// New and not known to Git at all.
    Untracked,
}

impl WorkingStatus {
    /// Lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkingStatus::Modified => "modified",
            WorkingStatus::Added => "added",
            WorkingStatus::Deleted => "deleted",
            WorkingStatus::Untracked => "untracked",
        }
    }
}

/// One uncommitted change in the ISMS folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WorkingChange {
    /// Path relative to the ISMS folder, `/`-separated.
    pub path: String,
    /// How it differs from `HEAD`.
    pub status: WorkingStatus,
}

/// The uncommitted changes inside the ISMS folder `root`, sorted by path. Ignored files
/// (`.gitignore`) are left out; untracked folders are listed file by file.
///
/// Empty when there is no repository or it is bare (no working tree): check
/// [`super::RepoState::detect`] to tell those apart from a clean tree. In a repository
/// without commits every file is untracked or added.
pub fn working_tree_changes(root: &Path) -> Result<Vec<WorkingChange>, EvidenceError> {
    let Some((repo, state)) = repo::open(root)? else {
        return Ok(Vec::new());
    };
    let Some(info) = state.info() else {
        return Ok(Vec::new());
    };
    if info.bare {
        return Ok(Vec::new());
    }
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    if !info.prefix.is_empty() {
        opts.pathspec(format!("{}/", info.prefix));
    }
    let statuses = repo
        .statuses(Some(&mut opts))
        .ctx("reading the working tree status")?;
    let strip = if info.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", info.prefix)
    };
    let mut out = Vec::new();
    for entry in statuses.iter() {
        let Some(status) = classify(entry.status()) else {
            continue;
        };
        let full = String::from_utf8_lossy(entry.path_bytes()).into_owned();
        let Some(rel) = full.strip_prefix(&strip) else {
            continue;
        };
        out.push(WorkingChange {
            path: rel.to_string(),
            status,
        });
    }
    out.sort();
    Ok(out)
}

fn classify(s: Status) -> Option<WorkingStatus> {
    if s.is_ignored() || s.is_empty() {
        return None;
    }
    // Staged as new wins: whatever happened since, the index holds an uncommitted file.
    if s.contains(Status::INDEX_NEW) {
        return Some(WorkingStatus::Added);
    }
    if s.intersects(Status::INDEX_DELETED | Status::WT_DELETED) {
        return Some(WorkingStatus::Deleted);
    }
    if s.contains(Status::WT_NEW) {
        return Some(WorkingStatus::Untracked);
    }
    if s.intersects(
        Status::INDEX_MODIFIED
            | Status::WT_MODIFIED
            | Status::INDEX_RENAMED
            | Status::WT_RENAMED
            | Status::INDEX_TYPECHANGE
            | Status::WT_TYPECHANGE
            | Status::CONFLICTED,
    ) {
        return Some(WorkingStatus::Modified);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify(Status::WT_NEW), Some(WorkingStatus::Untracked));
        assert_eq!(
            classify(Status::INDEX_NEW | Status::WT_MODIFIED),
            Some(WorkingStatus::Added)
        );
        assert_eq!(
            classify(Status::INDEX_DELETED),
            Some(WorkingStatus::Deleted)
        );
        assert_eq!(classify(Status::WT_MODIFIED), Some(WorkingStatus::Modified));
        assert_eq!(classify(Status::IGNORED), None);
        assert_eq!(classify(Status::CURRENT), None);
    }
}
