//! The Git evidence layer: the history of the ISMS read from its Git repository, so that an
//! auditor's questions (who changed this policy and when, was it approved again after the
//! change, how old is the evidence for a control) are answered from the record itself.
//!
//! * [`HistoryIndex::build`] walks the history once and indexes every change of every file in
//!   the ISMS folder, rename-aware, with the record ids each commit touched in registers.
//! * [`RepoState`] says what kind of repository we are in (none, empty, shallow, detached,
//!   bare) and what that means for the user.
//! * [`working_tree_changes`] lists uncommitted changes in the ISMS folder.
//! * [`only_front_matter_keys_changed`] tells approval-only edits apart from content changes.
//! * [`check`] computes the `GIT-nn` findings of `isms check` (approvals changed since,
//!   unrecognised Git approvals, stale or undated evidence, uncommitted files, repository state).
//! * [`revision_history`] gives the revision table of a rendered document.
//!
//! Only local repositories are read (git2 without network features); nothing here fetches.
//! No git2 type appears in this module's public API.

mod error;
mod history;
pub mod import;
mod records;
mod repo;
mod revisions;
mod rules;
mod trailers;
mod treediff;
mod worktree;

pub use error::EvidenceError;
pub use history::{
    BuildOptions, ChangeKind, ChangeTexts, CommitInfo, HistoryEntry, HistoryIndex, PathChange,
    RecordEntry,
};
pub use records::{RecordChange, RecordChangeKind, only_front_matter_keys_changed};
pub use repo::{Head, RepoInfo, RepoState};
pub use revisions::{Revision, revision_history};
pub use rules::{
    Trail, approval_findings, check, freshness_findings, state_findings, worktree_findings,
};
pub use trailers::{APPROVED_BY, approved_by};
pub use worktree::{WorkingChange, WorkingStatus, working_tree_changes};
