//! The history index: one walk of the history from `HEAD` that records, for every file of the
//! ISMS, each commit that changed it, and for registers which record ids changed.
//!
//! # How the walk reads history
//!
//! * Every commit reachable from `HEAD` is visited once, newest first, in topological order
//!   with ties broken by commit time (`git log --topo-order`).
//! * Each commit is compared with its **first parent** only. For an ordinary commit that is
//!   its own change. For a merge it is everything the merge brought into the branch it was
//!   made on: a pull request merged into `main` shows up both on the branch commits (who
//!   wrote the change) and on the merge commit (when it was accepted into `main`, and by
//!   whom). That is what an auditor asks about, and it keeps "last change" dates honest for
//!   work that was done on a branch long before it was merged.
//! * Renames are detected per commit (libgit2's similarity detection, the same idea as
//!   `git log -M`), and [`HistoryIndex::history`] follows a file back across them.
//! * Paths are relative to the ISMS folder, which may be a subfolder of the repository; only
//!   that folder's subtree is compared, so the rest of a monorepo costs next to nothing.
//! * In a shallow clone the oldest commit we can see has no parent: everything in it looks
//!   "added". [`crate::evidence::RepoState::notices`] says so.
//!
//! # Record-level changes are read on demand
//!
//! The walk records, for each changed file, the blob ids before and after. Which record ids a
//! change touched ([`HistoryIndex::record_changes`]) is worked out from those blobs the first
//! time it is asked for, then cached: `isms log` showing the last 20 commits parses 20
//! commits' registers, not 20,000. [`HistoryIndex::record_history`] only parses the versions
//! whose text contains the id. [`BuildOptions::precompute_records`] does all of it up front.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::{Mutex, MutexGuard, OnceLock};

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, ObjectType, Oid, Repository, Sort};
use jiff::Timestamp;
use serde::Serialize;

use super::error::{EvidenceError, GitContext};
use super::records::{self, RecordChange, RecordFileKind, Records};
use super::repo::{self, RepoState};
use super::trailers;
use super::treediff::{self, RawChange, RawStatus};

/// One commit, as the ISMS needs to know it. Own type: no git2 type leaks out of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hexadecimal commit id.
    pub id: String,
    /// The shortest prefix of `id` (at least 7 characters) that is unique among the commits
    /// of the index.
    pub short_id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date: when the change was written.
    pub time: Timestamp,
    /// The author's UTC offset in minutes, to show dates as the author saw them.
    pub offset_minutes: i32,
    /// Committer date: when the commit was made (differs from `time` after a rebase).
    pub committed: Timestamp,
    /// First line of the message.
    pub subject: String,
    /// Values of the `Approved-by:` trailers of the message, e.g. `Jane Doe <jane@example.com>`.
    pub approved_by: Vec<String>,
    /// Number of parents: 0 for a root commit (or the edge of a shallow clone), 2 or more for a
    /// merge.
    pub parents: usize,
}

impl CommitInfo {
    /// Whether this is a merge commit.
    pub fn is_merge(&self) -> bool {
        self.parents > 1
    }

    /// The author date in the author's own time zone.
    pub fn local_datetime(&self) -> jiff::civil::DateTime {
        offset(self.offset_minutes).to_datetime(self.time)
    }

    /// The author date as RFC 3339 with the author's offset, e.g. `2024-03-01T10:00:00+01:00`.
    pub fn rfc3339(&self) -> String {
        self.time
            .display_with_offset(offset(self.offset_minutes))
            .to_string()
    }
}

fn offset(minutes: i32) -> jiff::tz::Offset {
    jiff::tz::Offset::from_seconds(minutes.saturating_mul(60)).unwrap_or(jiff::tz::Offset::UTC)
}

/// How a commit changed a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ChangeKind {
    /// The file appeared.
    Added,
    /// The file's content (or mode) changed.
    Modified,
    /// The file disappeared.
    Deleted,
    /// The file was moved here from `from` (its content may also have changed).
    Renamed {
        /// The previous path, relative to the ISMS folder.
        from: String,
    },
}

impl ChangeKind {
    /// Lowercase name used in text and JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed { .. } => "renamed",
        }
    }

    /// One-letter code as in `git log --name-status`.
    pub fn letter(&self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Modified => 'M',
            ChangeKind::Deleted => 'D',
            ChangeKind::Renamed { .. } => 'R',
        }
    }
}

/// One file changed by one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    /// The path after the change (for a deletion, the path that was deleted), relative to the
    /// ISMS folder, `/`-separated.
    pub path: String,
    /// What happened to it.
    pub kind: ChangeKind,
    commit: u32,
    /// Position in `HistoryIndex::changes`, the key of the record cache.
    slot: u32,
    old_blob: Option<Oid>,
    new_blob: Option<Oid>,
}

impl PathChange {
    /// Whether the file's content is the same before and after (a pure rename or a mode
    /// change).
    pub fn content_unchanged(&self) -> bool {
        self.old_blob.is_some() && self.old_blob == self.new_blob
    }

    /// The blob ids of the file before and after (`None` where it did not exist).
    pub(crate) fn blobs(&self) -> (Option<Oid>, Option<Oid>) {
        (self.old_blob, self.new_blob)
    }

    /// Whether this change leaves the same content as `other` (by blob id).
    pub(crate) fn same_result_as(&self, other: &PathChange) -> bool {
        self.new_blob.is_some() && self.new_blob == other.new_blob
    }
}

/// A change together with the commit that made it.
#[derive(Debug, Clone, Copy)]
pub struct HistoryEntry<'a> {
    /// The commit.
    pub commit: &'a CommitInfo,
    /// What it did to the file.
    pub change: &'a PathChange,
}

/// A change to one record (by id) together with the file change and commit it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct RecordEntry<'a> {
    /// The commit.
    pub commit: &'a CommitInfo,
    /// The file change that carried it.
    pub change: &'a PathChange,
    /// What happened to the record.
    pub record: &'a RecordChange,
}

/// The text of a file before and after a change (`None` on the side where it did not exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeTexts {
    /// The version in the first parent.
    pub old: Option<String>,
    /// The version in the commit.
    pub new: Option<String>,
}

/// What to compute while walking the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildOptions {
    /// Work out the record ids of every change while building, instead of on demand. Costs two
    /// blob reads and parses per changed register or document; worth it only when every
    /// change will be asked for.
    pub precompute_records: bool,
    /// Detect renames, so that a file's history continues across `git mv`.
    pub renames: bool,
    /// Stop the walk after this many commits that changed the ISMS folder (newest first).
    /// The index then holds only the newest part of the history: right for "the last N
    /// changes", wrong for anything that needs the whole history of a path or record.
    pub max_changed_commits: Option<usize>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            precompute_records: false,
            renames: true,
            max_changed_commits: None,
        }
    }
}

/// Parsed file versions kept while answering record questions on demand. Bounded: a history
/// query reads each version at most twice, close together in time.
const PARSE_CACHE_LIMIT: usize = 1024;

/// Keyed by blob and kind: the same content under a `.md` and a `.yaml` name parses differently.
type ParseCache = HashMap<(Oid, RecordFileKind), Arc<Option<Records>>>;

/// The history of an ISMS folder, built in one walk of the repository history from `HEAD`.
///
/// Holds the repository open so that file contents at any indexed change can be read later
/// ([`HistoryIndex::texts`]).
pub struct HistoryIndex {
    /// Behind a lock so that the index can be shared by threads (GIT-04 compares documents
    /// side by side); libgit2 handles are not to be used from two threads at once.
    repo: Mutex<Repository>,
    state: RepoState,
    /// Newest first, in walk order: a lower index is never an ancestor of a higher one.
    commits: Vec<CommitInfo>,
    /// Every change, grouped by commit in walk order.
    changes: Vec<PathChange>,
    /// `changes[commit_starts[i]..commit_starts[i + 1]]` are the changes of commit `i`.
    commit_starts: Vec<u32>,
    /// Change indices per path, newest first. A rename is listed under both paths.
    by_path: HashMap<String, Vec<u32>>,
    /// Record-level changes, per change, once worked out.
    records: Vec<OnceLock<Vec<RecordChange>>>,
    /// Parsed versions for on-demand record changes.
    parsed: Mutex<ParseCache>,
    /// The commit graph, by walk index, when the walk saw every commit: ancestry is then
    /// answered here instead of by a graph walk in libgit2 per question.
    graph: Option<Graph>,
    /// Ancestors (bit per walk index) of the commits asked about so far.
    ancestors: Mutex<HashMap<u32, Vec<u64>>>,
}

/// Walk indices of the commits and of their parents.
struct Graph {
    index_of: HashMap<Oid, u32>,
    parents: Vec<Vec<u32>>,
}

impl Graph {
    fn new(parent_ids: &[Vec<Oid>], commits: &[CommitInfo]) -> Option<Graph> {
        let index_of: HashMap<Oid, u32> = commits
            .iter()
            .enumerate()
            .map(|(i, c)| Some((Oid::from_str(&c.id).ok()?, u32::try_from(i).ok()?)))
            .collect::<Option<_>>()?;
        // A parent outside the walk (the edge of a shallow clone) has no index: it is no
        // commit of the index, so nothing below it can be asked about.
        let parents = parent_ids
            .iter()
            .map(|ps| ps.iter().filter_map(|p| index_of.get(p).copied()).collect())
            .collect();
        Some(Graph { index_of, parents })
    }

    /// Every commit reachable from `d` (itself included), one bit per walk index.
    fn ancestors(&self, d: u32) -> Vec<u64> {
        let mut seen = vec![0u64; self.parents.len().div_ceil(64)];
        let mut stack = vec![d];
        while let Some(c) = stack.pop() {
            let (word, bit) = (c as usize / 64, 1u64 << (c % 64));
            if seen[word] & bit != 0 {
                continue;
            }
            seen[word] |= bit;
            stack.extend(self.parents[c as usize].iter().copied());
        }
        seen
    }
}

impl std::fmt::Debug for HistoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryIndex")
            .field("state", &self.state)
            .field("commits", &self.commits.len())
            .field("changes", &self.changes.len())
            .field("paths", &self.by_path.len())
            .finish()
    }
}

impl HistoryIndex {
    /// Walks the history of the repository holding `root` (searched upwards, like `git`).
    ///
    /// Returns `Ok(None)` when `root` is not inside a repository, and an index without commits
    /// for an empty repository; [`HistoryIndex::state`] tells which, and
    /// [`RepoState::notices`] what it means for the user.
    pub fn build(
        root: &Path,
        options: &BuildOptions,
    ) -> Result<Option<HistoryIndex>, EvidenceError> {
        let Some((repo, state)) = repo::open(root)? else {
            return Ok(None);
        };
        // libgit2 re-hashes every object it reads by default, which is a third of the cost of
        // the walk. Git itself does not (`git fsck` is the integrity check), and we only read.
        // The setting is process-wide; nothing in isms writes objects.
        git2::opts::strict_hash_verification(false);
        let walked = match &state {
            RepoState::Ready(info) => walk(&repo, &info.prefix, options)?,
            _ => Walked::default(),
        };
        let records = (0..walked.changes.len()).map(|_| OnceLock::new()).collect();
        let graph = (walked.complete && walked.parent_ids.len() == walked.commits.len())
            .then(|| Graph::new(&walked.parent_ids, &walked.commits))
            .flatten();
        let index = HistoryIndex {
            repo: Mutex::new(repo),
            state,
            commits: walked.commits,
            changes: walked.changes,
            commit_starts: walked.commit_starts,
            by_path: walked.by_path,
            records,
            parsed: Mutex::new(HashMap::new()),
            graph,
            ancestors: Mutex::new(HashMap::new()),
        };
        if options.precompute_records {
            index.precompute_records();
        }
        Ok(Some(index))
    }

    /// The repository state the index was built in.
    pub fn state(&self) -> &RepoState {
        &self.state
    }

    /// Every commit reachable from `HEAD`, newest first (topological order).
    pub fn commits(&self) -> &[CommitInfo] {
        &self.commits
    }

    /// The changes a commit made inside the ISMS folder (`index` into [`Self::commits`]).
    /// Empty for an out-of-range index and for commits that changed nothing in the folder.
    pub fn changes_of(&self, index: usize) -> &[PathChange] {
        let (Some(&start), Some(&end)) = (
            self.commit_starts.get(index),
            self.commit_starts.get(index + 1),
        ) else {
            return &[];
        };
        self.changes
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// The commit that made a change.
    pub fn commit_of(&self, change: &PathChange) -> Option<&CommitInfo> {
        self.commits.get(change.commit as usize)
    }

    /// Every path that appears in the history, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Whether `path` (relative to the ISMS folder) appears in the history.
    pub fn contains_path(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// Every record id that appears in the history, sorted. Works out the record changes of
    /// every change that has not been read yet, so it costs a full pass over the registers.
    pub fn record_ids(&self) -> Vec<&str> {
        self.precompute_records();
        let mut v: Vec<&str> = self
            .records
            .iter()
            .filter_map(OnceLock::get)
            .flatten()
            .map(|r| r.id.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The changes of a file, newest first, following it back across renames (like
    /// `git log --follow`). A rename is listed once, as the change that moved the file.
    pub fn history(&self, path: &str) -> Vec<HistoryEntry<'_>> {
        let mut out = Vec::new();
        let mut current = path.to_string();
        // Only changes strictly older than this commit index belong to the renamed-from file.
        let mut older_than: Option<u32> = None;
        // Guards against pathological rename cycles.
        for _ in 0..=self.commits.len() {
            let Some(list) = self.by_path.get(&current) else {
                break;
            };
            let mut next = None;
            for &ci in list {
                let Some(change) = self.changes.get(ci as usize) else {
                    continue;
                };
                if older_than.is_some_and(|c| change.commit <= c) {
                    continue;
                }
                // The old path's copy of a rename away from it: not part of this file's story.
                if change.path != current
                    && !matches!(&change.kind, ChangeKind::Renamed { from } if *from == current && older_than.is_none())
                {
                    continue;
                }
                if let Some(entry) = self.entry(change) {
                    out.push(entry);
                }
                if let ChangeKind::Renamed { from } = &change.kind
                    && change.path == current
                {
                    next = Some((from.clone(), change.commit));
                    break;
                }
            }
            match next {
                Some((from, at)) => {
                    current = from;
                    older_than = Some(at);
                }
                None => break,
            }
        }
        out
    }

    /// The newest commit that changed `path`, if any.
    pub fn last_change(&self, path: &str) -> Option<&CommitInfo> {
        self.by_path
            .get(path)
            .and_then(|l| l.first())
            .and_then(|&ci| self.changes.get(ci as usize))
            .and_then(|c| self.commit_of(c))
    }

    /// The oldest commit in the (rename-aware) history of `path`: where the file began, or
    /// the edge of a shallow clone.
    pub fn first_change(&self, path: &str) -> Option<&CommitInfo> {
        self.history(path).last().map(|e| e.commit)
    }

    /// The (rename-aware) changes of `path` authored strictly after `since`, newest first.
    pub fn changes_since(&self, path: &str, since: Timestamp) -> Vec<HistoryEntry<'_>> {
        self.history(path)
            .into_iter()
            .filter(|e| e.commit.time > since)
            .collect()
    }

    /// Every change to the record `id` across all files, newest first.
    ///
    /// Only file versions whose text contains `id` are parsed, so asking about one record
    /// does not parse the whole history of every register.
    pub fn record_history(&self, id: &str) -> Vec<RecordEntry<'_>> {
        let mut out = Vec::new();
        if id.is_empty() {
            return out;
        }
        for change in &self.changes {
            if !is_record_change(change) {
                continue;
            }
            let known = self
                .records
                .get(change.slot as usize)
                .and_then(OnceLock::get);
            if known.is_none() && !self.mentions(change, id.as_bytes()) {
                continue;
            }
            let Some(commit) = self.commit_of(change) else {
                continue;
            };
            for record in self.record_changes(change) {
                if record.id == id {
                    out.push(RecordEntry {
                        commit,
                        change,
                        record,
                    });
                }
            }
        }
        out
    }

    /// Which records (by id) a change added, removed or modified, sorted by id. Empty for
    /// files that hold no records, and when either version cannot be parsed (the change is
    /// then known at file level only). Worked out on first use, then cached.
    pub fn record_changes(&self, change: &PathChange) -> &[RecordChange] {
        let Some(cell) = self.records.get(change.slot as usize) else {
            return &[];
        };
        cell.get_or_init(|| {
            let mut cache = locked(&self.parsed);
            if cache.len() > PARSE_CACHE_LIMIT {
                cache.clear();
            }
            record_changes(&self.repo(), change, &mut cache)
        })
    }

    /// Works out the record changes of every change, newest first so that each file version
    /// is parsed once (the old side of a change is the new side of the file's previous one).
    fn precompute_records(&self) {
        let mut cache = ParseCache::new();
        for (change, cell) in self.changes.iter().zip(&self.records) {
            if cell.get().is_none() {
                let _ = cell.set(record_changes(&self.repo(), change, &mut cache));
            }
        }
    }

    /// Whether either version of the change contains `needle` (a cheap filter before parsing).
    fn mentions(&self, change: &PathChange, needle: &[u8]) -> bool {
        [change.old_blob, change.new_blob]
            .into_iter()
            .flatten()
            .any(|oid| {
                self.repo()
                    .find_blob(oid)
                    .is_ok_and(|b| b.content().windows(needle.len()).any(|w| w == needle))
            })
    }

    /// The text of the file before and after `change` (lossy UTF-8).
    pub fn texts(&self, change: &PathChange) -> Result<ChangeTexts, EvidenceError> {
        Ok(ChangeTexts {
            old: self.blob_text(change.old_blob)?,
            new: self.blob_text(change.new_blob)?,
        })
    }

    /// The text of `path` before and after the commit `commit_id` (full id or unique prefix),
    /// or `None` when that commit did not change `path`.
    pub fn texts_at(
        &self,
        path: &str,
        commit_id: &str,
    ) -> Result<Option<ChangeTexts>, EvidenceError> {
        let Some(list) = self.by_path.get(path) else {
            return Ok(None);
        };
        for &ci in list {
            let Some(change) = self.changes.get(ci as usize) else {
                continue;
            };
            if change.path == path
                && self
                    .commit_of(change)
                    .is_some_and(|c| c.id.starts_with(commit_id) && !commit_id.is_empty())
            {
                return self.texts(change).map(Some);
            }
        }
        Ok(None)
    }

    /// Whether commit `ancestor` is reachable from commit `descendant` (full ids). False when
    /// either id is unknown.
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> bool {
        let (Ok(a), Ok(d)) = (Oid::from_str(ancestor), Oid::from_str(descendant)) else {
            return false;
        };
        if a == d {
            return true;
        }
        if let Some(g) = &self.graph {
            let (Some(&ai), Some(&di)) = (g.index_of.get(&a), g.index_of.get(&d)) else {
                // Not reachable from HEAD: ask the repository.
                return self.repo().graph_descendant_of(d, a).unwrap_or(false);
            };
            // Walk order is topological: an ancestor never comes before its descendant.
            if ai < di {
                return false;
            }
            let mut cache = locked(&self.ancestors);
            let set = cache.entry(di).or_insert_with(|| g.ancestors(di));
            return set
                .get(ai as usize / 64)
                .is_some_and(|w| w & (1u64 << (ai % 64)) != 0);
        }
        self.repo().graph_descendant_of(d, a).unwrap_or(false)
    }

    fn repo(&self) -> MutexGuard<'_, Repository> {
        locked(&self.repo)
    }

    fn entry<'a>(&'a self, change: &'a PathChange) -> Option<HistoryEntry<'a>> {
        Some(HistoryEntry {
            commit: self.commit_of(change)?,
            change,
        })
    }

    /// The text of one blob (lossy UTF-8).
    pub(crate) fn blob_text(&self, oid: Option<Oid>) -> Result<Option<String>, EvidenceError> {
        let Some(oid) = oid else { return Ok(None) };
        let repo = self.repo();
        let blob = repo
            .find_blob(oid)
            .with_ctx(|| format!("reading blob {oid}"))?;
        Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
    }
}

/// The guarded value; a lock poisoned by a panicking thread still holds consistent data here
/// (caches and a read-only repository handle).
fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The raw results of the walk, moved into the index.
#[derive(Default)]
struct Walked {
    commits: Vec<CommitInfo>,
    changes: Vec<PathChange>,
    commit_starts: Vec<u32>,
    by_path: HashMap<String, Vec<u32>>,
    /// Parent ids of each commit, in walk order.
    parent_ids: Vec<Vec<Oid>>,
    /// Every commit reachable from HEAD was walked (no limit stopped the walk).
    complete: bool,
}

/// The single history walk.
fn walk(repo: &Repository, prefix: &str, options: &BuildOptions) -> Result<Walked, EvidenceError> {
    let mut revwalk = repo.revwalk().ctx("starting the history walk")?;
    revwalk
        .set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .ctx("sorting the history walk")?;
    revwalk
        .push_head()
        .ctx("starting the history walk at HEAD")?;

    let mut out = Walked {
        complete: true,
        ..Walked::default()
    };
    // ISMS subtree of commits whose parent we have seen but not yet visited: each tree lookup
    // by path is done once per commit, not once per child.
    let mut pending_subtrees: HashMap<Oid, Option<Oid>> = HashMap::new();
    let prefix_path = Path::new(prefix);
    let mut raw: Vec<RawChange> = Vec::new();
    let mut found: Vec<PathChange> = Vec::new();
    let mut trees = treediff::TreeCache::new(repo)?;
    let mut changed_commits = 0usize;

    for oid in revwalk {
        if options
            .max_changed_commits
            .is_some_and(|max| changed_commits >= max)
        {
            out.complete = false;
            break;
        }
        let oid = oid.ctx("walking the history")?;
        let commit = repo
            .find_commit(oid)
            .with_ctx(|| format!("reading commit {oid}"))?;
        let commit_index = u32::try_from(out.commits.len()).unwrap_or(u32::MAX);
        out.commit_starts
            .push(u32::try_from(out.changes.len()).unwrap_or(u32::MAX));
        out.commits.push(commit_info(&commit));
        out.parent_ids.push(commit.parent_ids().collect());

        let new_tree = match pending_subtrees.remove(&oid) {
            Some(t) => t,
            None => subtree_of(repo, commit.tree_id(), prefix_path)?,
        };
        let old_tree = match commit.parent_ids().next() {
            Some(parent_id) => match repo.find_commit(parent_id) {
                Ok(parent) => {
                    let t = subtree_of(repo, parent.tree_id(), prefix_path)?;
                    pending_subtrees.insert(parent_id, t);
                    t
                }
                // The parent is outside a shallow clone's history.
                Err(e) if e.code() == git2::ErrorCode::NotFound => None,
                Err(e) => {
                    return Err(EvidenceError::git(
                        format!("reading the parent of {oid}"),
                        &e,
                    ));
                }
            },
            None => None,
        };
        if new_tree == old_tree {
            continue;
        }
        raw.clear();
        found.clear();
        trees.next_commit();
        treediff::diff_trees(&mut trees, old_tree, new_tree, &mut raw)?;
        let adds = raw.iter().any(|c| c.status == RawStatus::Added);
        let deletes = raw.iter().any(|c| c.status == RawStatus::Deleted);
        if options.renames && adds && deletes {
            // Possible renames: let libgit2's similarity detection pair them up.
            renamed_changes(repo, old_tree, new_tree, &mut found)
                .with_ctx(|| format!("finding renames in {oid}"))?;
        } else {
            found.extend(raw.drain(..).map(from_raw));
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        if !found.is_empty() {
            changed_commits += 1;
        }
        for mut change in found.drain(..) {
            let change_index = u32::try_from(out.changes.len()).unwrap_or(u32::MAX);
            change.commit = commit_index;
            change.slot = change_index;
            out.by_path
                .entry(change.path.clone())
                .or_default()
                .push(change_index);
            if let ChangeKind::Renamed { from } = &change.kind {
                out.by_path
                    .entry(from.clone())
                    .or_default()
                    .push(change_index);
            }
            out.changes.push(change);
        }
    }
    out.commit_starts
        .push(u32::try_from(out.changes.len()).unwrap_or(u32::MAX));
    assign_short_ids(&mut out.commits);
    Ok(out)
}

fn from_raw(c: RawChange) -> PathChange {
    let kind = match c.status {
        RawStatus::Added => ChangeKind::Added,
        RawStatus::Deleted => ChangeKind::Deleted,
        RawStatus::Modified => ChangeKind::Modified,
    };
    PathChange {
        path: c.path,
        kind,
        commit: 0,
        slot: 0,
        old_blob: c.old,
        new_blob: c.new,
    }
}

/// The changes between two trees with rename detection, through libgit2's diff.
fn renamed_changes(
    repo: &Repository,
    old_tree: Option<Oid>,
    new_tree: Option<Oid>,
    out: &mut Vec<PathChange>,
) -> Result<(), git2::Error> {
    let old_tree = old_tree.map(|t| repo.find_tree(t)).transpose()?;
    let new_tree = new_tree.map(|t| repo.find_tree(t)).transpose()?;
    let mut diff_opts = DiffOptions::new();
    // Paths only: no content is compared, so binary detection is wasted work.
    diff_opts.skip_binary_check(true).ignore_submodules(true);
    let mut diff =
        repo.diff_tree_to_tree(old_tree.as_ref(), new_tree.as_ref(), Some(&mut diff_opts))?;
    let mut find_opts = DiffFindOptions::new();
    find_opts.renames(true);
    diff.find_similar(Some(&mut find_opts))?;
    out.extend(diff.deltas().filter_map(|d| path_change(&d)));
    Ok(())
}

/// The tree id of the ISMS folder in a commit tree, `None` when the folder does not exist.
fn subtree_of(repo: &Repository, tree: Oid, prefix: &Path) -> Result<Option<Oid>, EvidenceError> {
    if prefix.as_os_str().is_empty() {
        return Ok(Some(tree));
    }
    let tree = repo
        .find_tree(tree)
        .with_ctx(|| format!("reading tree {tree}"))?;
    match tree.get_path(prefix) {
        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Ok(Some(entry.id())),
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(EvidenceError::git(
            format!("looking up {}", prefix.display()),
            &e,
        )),
    }
}

fn path_string(file: &git2::DiffFile<'_>) -> Option<String> {
    file.path_bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

fn blob_id(file: &git2::DiffFile<'_>) -> Option<Oid> {
    let id = file.id();
    (!id.is_zero() && file.mode() != FileMode::Commit).then_some(id)
}

fn path_change(delta: &git2::DiffDelta<'_>) -> Option<PathChange> {
    let (old, new) = (delta.old_file(), delta.new_file());
    // Submodules are other repositories, not ISMS records.
    if old.mode() == FileMode::Commit || new.mode() == FileMode::Commit {
        return None;
    }
    let (path, kind) = match delta.status() {
        Delta::Added | Delta::Copied => (path_string(&new)?, ChangeKind::Added),
        Delta::Deleted => (path_string(&old)?, ChangeKind::Deleted),
        Delta::Modified | Delta::Typechange => (path_string(&new)?, ChangeKind::Modified),
        Delta::Renamed => (
            path_string(&new)?,
            ChangeKind::Renamed {
                from: path_string(&old)?,
            },
        ),
        _ => return None,
    };
    let old_blob = if matches!(kind, ChangeKind::Added) {
        None
    } else {
        blob_id(&old)
    };
    let new_blob = if matches!(kind, ChangeKind::Deleted) {
        None
    } else {
        blob_id(&new)
    };
    Some(PathChange {
        path,
        kind,
        commit: 0,
        slot: 0,
        old_blob,
        new_blob,
    })
}

/// Whether either side of a change is a file that can hold records.
fn is_record_change(change: &PathChange) -> bool {
    RecordFileKind::of(&change.path).is_some()
        || matches!(&change.kind, ChangeKind::Renamed { from } if RecordFileKind::of(from).is_some())
}

/// Which record ids a file change touched. Parsed versions are cached by blob id: walking
/// newest first, the "old" side of one change is the "new" side of the file's next (older)
/// change, so each version is parsed once.
fn record_changes(
    repo: &Repository,
    change: &PathChange,
    parsed: &mut ParseCache,
) -> Vec<RecordChange> {
    let new_kind = RecordFileKind::of(&change.path);
    let old_kind = match &change.kind {
        ChangeKind::Renamed { from } => RecordFileKind::of(from),
        _ => new_kind,
    };
    if new_kind.is_none() && old_kind.is_none() {
        return Vec::new();
    }
    if change.old_blob.is_some() && change.old_blob == change.new_blob {
        return Vec::new();
    }
    let mut load = |oid: Option<Oid>,
                    kind: Option<RecordFileKind>,
                    keep: bool|
     -> Option<Arc<Option<Records>>> {
        let oid = oid?;
        let Some(kind) = kind else {
            return Some(Arc::new(Some(Records::default())));
        };
        let value = match parsed.remove(&(oid, kind)) {
            Some(v) => v,
            None => {
                let text = repo.find_blob(oid).ok().and_then(|b| {
                    (b.size() <= records::MAX_PARSE_BYTES)
                        .then(|| String::from_utf8(b.content().to_vec()).ok())
                        .flatten()
                });
                Arc::new(text.and_then(|t| records::parse_records(kind, &t)))
            }
        };
        if keep {
            parsed.insert((oid, kind), Arc::clone(&value));
        }
        Some(value)
    };
    let new = load(change.new_blob, new_kind, false);
    let old = load(change.old_blob, old_kind, true);
    // A side that exists but cannot be parsed makes the record diff meaningless.
    let old_ref = match &old {
        Some(rc) => match rc.as_ref() {
            Some(r) => Some(r),
            None => return Vec::new(),
        },
        None => None,
    };
    let new_ref = match &new {
        Some(rc) => match rc.as_ref() {
            Some(r) => Some(r),
            None => return Vec::new(),
        },
        None => None,
    };
    records::diff_records(old_ref, new_ref)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn timestamp(t: git2::Time) -> Timestamp {
    // A commit with an impossible date is still history; show it at the epoch.
    Timestamp::from_second(t.seconds()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    let message = lossy(commit.message_bytes());
    CommitInfo {
        id: commit.id().to_string(),
        short_id: String::new(),
        author: lossy(author.name_bytes()),
        email: lossy(author.email_bytes()),
        time: timestamp(author.when()),
        offset_minutes: author.when().offset_minutes(),
        committed: timestamp(commit.time()),
        subject: commit.summary_bytes().map(lossy).unwrap_or_default(),
        approved_by: trailers::approved_by(&message),
        parents: commit.parent_count(),
    }
}

/// Sets every `short_id` to the shortest prefix (at least 7 characters) unique among `commits`.
fn assign_short_ids(commits: &mut [CommitInfo]) {
    let mut ids: Vec<&str> = commits.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    let longest_shared = ids
        .windows(2)
        .map(|w| {
            w[0].bytes()
                .zip(w[1].bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0);
    let len = (longest_shared + 1).max(7);
    for c in commits {
        c.short_id = c.id.get(..len).unwrap_or(&c.id).to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestry_follows_every_parent_of_a_merge() {
        // Walk order, newest first: 0 merges 1 and 2; 1 and 2 branch from 3; 4 is unrelated
        // history reachable only through nothing (a commit the walk saw last).
        let g = Graph {
            index_of: HashMap::new(),
            parents: vec![vec![1, 2], vec![3], vec![3], vec![], vec![]],
        };
        let bits = |d: u32| {
            let set = g.ancestors(d);
            (0..5u32)
                .filter(|&a| set[a as usize / 64] & (1 << (a % 64)) != 0)
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(0), vec![0, 1, 2, 3]);
        assert_eq!(bits(1), vec![1, 3]);
        assert_eq!(bits(2), vec![2, 3]);
        assert_eq!(bits(4), vec![4]);
    }

    #[test]
    fn short_ids_are_unique_prefixes() {
        let mk = |id: &str| CommitInfo {
            id: id.into(),
            short_id: String::new(),
            author: String::new(),
            email: String::new(),
            time: Timestamp::UNIX_EPOCH,
            offset_minutes: 0,
            committed: Timestamp::UNIX_EPOCH,
            subject: String::new(),
            approved_by: Vec::new(),
            parents: 1,
        };
        let mut v = vec![
            mk("abcdef0123456789"),
            mk("abcdef0199999999"),
            mk("1234567890"),
        ];
        assign_short_ids(&mut v);
        // The first two share 8 characters, so 9 are needed everywhere.
        assert_eq!(v[0].short_id, "abcdef012");
        assert_eq!(v[1].short_id, "abcdef019");
        assert_eq!(v[2].short_id, "123456789");
        let mut w = vec![mk("abcdef0123456789")];
        assign_short_ids(&mut w);
        assert_eq!(w[0].short_id, "abcdef0");
    }

    #[test]
    fn local_time_uses_the_author_offset() {
        let c = CommitInfo {
            id: "x".into(),
            short_id: "x".into(),
            author: "A".into(),
            email: "a@example.com".into(),
            time: Timestamp::from_second(1_700_000_000).unwrap(),
            offset_minutes: -300,
            committed: Timestamp::UNIX_EPOCH,
            subject: String::new(),
            approved_by: Vec::new(),
            parents: 2,
        };
        assert_eq!(c.rfc3339(), "2023-11-14T17:13:20-05:00");
        assert_eq!(c.local_datetime().date().to_string(), "2023-11-14");
        assert!(c.is_merge());
    }
}
