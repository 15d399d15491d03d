//! Finding the repository that holds an ISMS folder, and describing its state (no repository,
//! empty, shallow, detached, bare) in words a user can act on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use git2::{ErrorCode, Repository};

use super::error::{EvidenceError, GitContext};

/// What `HEAD` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A local branch, e.g. `main`.
    Branch(String),
    /// A commit checked out directly (CI checkouts of pull requests often are).
    Detached {
        /// Full id of the checked-out commit.
        commit: String,
    },
    /// A branch that has no commit yet (a fresh `git init`).
    Unborn(String),
}

/// Facts about a repository that holds an ISMS folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoInfo {
    /// What `HEAD` points at.
    pub head: Head,
    /// The clone has truncated history (`git clone --depth N`): the oldest commits we see are
    /// not the real first commits.
    pub shallow: bool,
    /// The repository has no working tree, so there is no uncommitted state to report.
    pub bare: bool,
    /// The working tree, when there is one.
    pub workdir: Option<PathBuf>,
    /// The ISMS folder relative to the top of the repository, `/`-separated, without a
    /// trailing slash; empty when the ISMS is the whole repository.
    pub prefix: String,
}

/// The state of the Git repository around an ISMS folder, as far as history is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoState {
    /// The folder is not inside any Git repository: history-based checks cannot run.
    NoRepository {
        /// The folder we started looking from.
        searched_from: PathBuf,
    },
    /// A repository without any commit yet.
    Empty(RepoInfo),
    /// A repository with history reachable from `HEAD`.
    Ready(RepoInfo),
}

impl RepoState {
    /// Finds the repository that holds `root` (searching parent folders, like `git` does)
    /// and describes it. A missing repository is a state, not an error.
    pub fn detect(root: &Path) -> Result<RepoState, EvidenceError> {
        Ok(match open(root)? {
            Some((_, state)) => state,
            None => RepoState::NoRepository {
                searched_from: root.to_path_buf(),
            },
        })
    }

    /// The repository facts, unless there is no repository.
    pub fn info(&self) -> Option<&RepoInfo> {
        match self {
            RepoState::NoRepository { .. } => None,
            RepoState::Empty(info) | RepoState::Ready(info) => Some(info),
        }
    }

    /// Whether there is a history to read.
    pub fn has_history(&self) -> bool {
        matches!(self, RepoState::Ready(_))
    }

    /// Whether the history is truncated by a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.info().is_some_and(|i| i.shallow)
    }

    /// A one-line description of the state, e.g. `branch main` or
    /// `detached HEAD at 1a2b3c4, shallow clone`.
    pub fn summary(&self) -> String {
        match self {
            RepoState::NoRepository { .. } => "no Git repository".to_string(),
            RepoState::Empty(info) => match &info.head {
                Head::Unborn(b) | Head::Branch(b) => format!("empty repository (branch {b})"),
                Head::Detached { .. } => "empty repository".to_string(),
            },
            RepoState::Ready(info) => {
                let mut s = match &info.head {
                    Head::Branch(b) | Head::Unborn(b) => format!("branch {b}"),
                    Head::Detached { commit } => {
                        format!("detached HEAD at {}", commit.get(..7).unwrap_or(commit))
                    }
                };
                if info.shallow {
                    s.push_str(", shallow clone");
                }
                if info.bare {
                    s.push_str(", bare repository");
                }
                s
            }
        }
    }

    /// Human messages about anything in this state that limits what the history can tell,
    /// each with what to do about it. Empty when the full history is available.
    pub fn notices(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            RepoState::NoRepository { searched_from } => out.push(format!(
                "{} is not inside a Git repository: history, approval and evidence-age \
                 checks are skipped. Run `git init` and commit the ISMS to keep an evidence trail.",
                searched_from.display()
            )),
            RepoState::Empty(_) => out.push(
                "the Git repository has no commits yet: history, approval and evidence-age \
                 checks are skipped until the ISMS is committed."
                    .to_string(),
            ),
            RepoState::Ready(info) => {
                if info.shallow {
                    out.push(
                        "this is a shallow clone: the history is truncated, so first-commit \
                         dates and older changes are missing. Fetch the full history with \
                         `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` in \
                         actions/checkout)."
                            .to_string(),
                    );
                }
                if let Head::Detached { commit } = &info.head {
                    out.push(format!(
                        "HEAD is detached at {}: showing the history of that commit.",
                        commit.get(..7).unwrap_or(commit)
                    ));
                }
                if info.bare {
                    out.push(
                        "this is a bare repository: there is no working tree, so uncommitted \
                         changes cannot be checked."
                            .to_string(),
                    );
                }
            }
        }
        out
    }
}

/// Opens the repository holding `root`, or `None` when there is none.
pub(crate) fn open(root: &Path) -> Result<Option<(Repository, RepoState)>, EvidenceError> {
    let canonical_root = root.canonicalize().map_err(|source| EvidenceError::Io {
        path: root.display().to_string(),
        source,
    })?;
    let repo = match Repository::discover(&canonical_root) {
        Ok(r) => r,
        Err(e) if e.code() == ErrorCode::NotFound => {
            // libgit2 treats a `.git` file whose `gitdir:` leads nowhere (a moved worktree or
            // submodule) as no repository at all; say what is broken instead.
            if let Some(message) = broken_gitdir_file(&canonical_root) {
                return Err(EvidenceError::Git {
                    action: format!("opening the Git repository around {}", root.display()),
                    message,
                });
            }
            return Ok(None);
        }
        Err(e) => {
            return Err(EvidenceError::git(
                format!("opening the Git repository around {}", root.display()),
                &e,
            ));
        }
    };
    check_loose_objects(repo.path())?;
    let bare = repo.is_bare();
    let workdir = repo.workdir().map(Path::to_path_buf);
    let prefix = match &workdir {
        Some(w) => relative_prefix(&canonical_root, w)?,
        // A bare repository has no working tree: the ISMS is the whole tree.
        None => String::new(),
    };
    let (head, empty) = head_of(&repo)?;
    let info = RepoInfo {
        head,
        shallow: repo.is_shallow(),
        bare,
        workdir,
        prefix,
    };
    let state = if empty {
        RepoState::Empty(info)
    } else {
        RepoState::Ready(info)
    };
    Ok(Some((repo, state)))
}

/// The nearest `.git` file at or above `dir` whose `gitdir:` names a folder that is not a Git
/// repository, described; `None` when there is no such file.
fn broken_gitdir_file(dir: &Path) -> Option<String> {
    let dotgit = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|p| p.symlink_metadata().is_ok())?;
    if !dotgit.symlink_metadata().ok()?.is_file() {
        return None;
    }
    let text = crate::fsutil::read_regular(&dotgit, 64 * 1024).ok()?;
    let text = String::from_utf8_lossy(&text);
    let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    let base = dotgit.parent().unwrap_or(dir);
    let resolved = base.join(target);
    let why = if resolved.exists() {
        "which is not a Git repository"
    } else {
        "which does not exist"
    };
    Some(format!(
        "{} says `gitdir: {target}`, {why} (a moved or deleted worktree or submodule?); fix the path in that file, or remove it and clone the repository again",
        dotgit.display()
    ))
}

/// Verifies every loose object before libgit2 reads any: libgit2 1.9 loops forever inflating
/// a truncated loose object (its zstream bug, fixed upstream after the release git2 0.21
/// bundles), which made `check`, `log` and `render` hang on a damaged repository. An object
/// whose zlib stream ends early or whose content is not as long as its header says is
/// refused here, so the damage becomes an error (GIT-08 in `isms check`) instead of a hang.
/// Memory stays constant: objects are inflated into a sink.
fn check_loose_objects(git_dir: &Path) -> Result<(), EvidenceError> {
    let objects = git_dir.join("objects");
    let Ok(fanout) = std::fs::read_dir(&objects) else {
        return Ok(());
    };
    for dir in fanout.flatten() {
        let name = dir.file_name();
        let name = name.to_string_lossy();
        if name.len() != 2 || !name.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // An object file never changes once written (its name is its content's hash): one
            // verified before in this process, with the same size and time, is not inflated
            // again. A check, a render or the language server opens the repository several
            // times, and a repository not yet packed may hold thousands of loose objects.
            let seen = entry
                .metadata()
                .ok()
                .map(|m| (path.clone(), m.len(), m.modified().ok()));
            if seen
                .as_ref()
                .is_some_and(|k| verified().lock().is_ok_and(|v| v.contains(k)))
            {
                continue;
            }
            if let Err(reason) = check_loose_object(&path) {
                return Err(EvidenceError::Git {
                    action: format!(
                        "reading Git object {name}{}",
                        entry.file_name().to_string_lossy()
                    ),
                    message: format!("the loose object is damaged ({reason})"),
                });
            }
            if let (Some(k), Ok(mut v)) = (seen, verified().lock()) {
                v.insert(k);
            }
        }
    }
    Ok(())
}

/// Loose object files found intact in this process: path, size and modification time.
type VerifiedObjects = HashSet<(PathBuf, u64, Option<SystemTime>)>;

fn verified() -> &'static Mutex<VerifiedObjects> {
    static VERIFIED: OnceLock<Mutex<VerifiedObjects>> = OnceLock::new();
    VERIFIED.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Inflates one loose object and compares its length with its `type size\0` header.
fn check_loose_object(path: &Path) -> Result<(), String> {
    use std::io::{BufRead, Read};
    // Temporary files of a running `git` (tmp_obj_*) and anything not a file are not objects.
    let is_object = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() >= 38 && n.chars().all(|c| c.is_ascii_hexdigit()));
    if !is_object {
        return Ok(());
    }
    let file = crate::fsutil::open_regular(path).map_err(|e| e.to_string())?;
    let mut z = std::io::BufReader::new(flate2::read::ZlibDecoder::new(file));
    let mut header = Vec::new();
    z.by_ref()
        .take(64)
        .read_until(0, &mut header)
        .map_err(|e| format!("bad zlib stream: {e}"))?;
    let Some((&0, head)) = header.split_last() else {
        return Err("no object header".to_string());
    };
    let size: u64 = std::str::from_utf8(head)
        .ok()
        .and_then(|h| h.split_once(' '))
        .and_then(|(_, n)| n.parse().ok())
        .ok_or_else(|| "bad object header".to_string())?;
    let got = std::io::copy(
        &mut z.by_ref().take(size.saturating_add(1)),
        &mut std::io::sink(),
    )
    .map_err(|e| format!("bad zlib stream: {e}"))?;
    if got != size {
        return Err(format!("{got} of {size} bytes"));
    }
    Ok(())
}

/// Reads `HEAD`; the flag is true when it has no commit yet.
fn head_of(repo: &Repository) -> Result<(Head, bool), EvidenceError> {
    match repo.head() {
        Ok(reference) => {
            if repo.head_detached().ctx("reading HEAD")? {
                let commit = reference
                    .target()
                    .map(|o| o.to_string())
                    .unwrap_or_default();
                Ok((Head::Detached { commit }, false))
            } else {
                let name = reference.shorthand().unwrap_or("HEAD").to_string();
                Ok((Head::Branch(name), false))
            }
        }
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            // The symbolic target of HEAD names the branch the first commit will create.
            let name = repo
                .find_reference("HEAD")
                .ok()
                .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_string))
                .map(|t| t.strip_prefix("refs/heads/").unwrap_or(&t).to_string())
                .unwrap_or_else(|| "HEAD".to_string());
            Ok((Head::Unborn(name), true))
        }
        Err(e) => Err(EvidenceError::git("reading HEAD", &e)),
    }
}

/// `root` relative to `workdir`, `/`-separated, both already canonical or canonicalised here.
fn relative_prefix(root: &Path, workdir: &Path) -> Result<String, EvidenceError> {
    let workdir = workdir.canonicalize().map_err(|source| EvidenceError::Io {
        path: workdir.display().to_string(),
        source,
    })?;
    let outside = || EvidenceError::OutsideWorkTree {
        path: root.display().to_string(),
        workdir: workdir.display().to_string(),
    };
    let rel = root.strip_prefix(&workdir).map_err(|_| outside())?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == ".git") {
        return Err(outside());
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_the_fix_for_shallow_clones() {
        let info = RepoInfo {
            head: Head::Detached {
                commit: "0123456789abcdef".into(),
            },
            shallow: true,
            bare: false,
            workdir: None,
            prefix: String::new(),
        };
        let state = RepoState::Ready(info);
        let notices = state.notices().join("\n");
        assert!(notices.contains("git fetch --unshallow"), "{notices}");
        assert!(notices.contains("fetch-depth: 0"), "{notices}");
        assert!(notices.contains("detached at 0123456"), "{notices}");
        assert_eq!(state.summary(), "detached HEAD at 0123456, shallow clone");
    }

    #[test]
    fn full_history_has_no_notices() {
        let info = RepoInfo {
            head: Head::Branch("main".into()),
            shallow: false,
            bare: false,
            workdir: None,
            prefix: String::new(),
        };
        assert!(RepoState::Ready(info).notices().is_empty());
    }

    #[test]
    fn prefix_is_slash_separated() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a").join("b");
        std::fs::create_dir_all(&sub).unwrap();
        let root = dir.path().canonicalize().unwrap();
        let p = relative_prefix(&sub.canonicalize().unwrap(), &root).unwrap();
        assert_eq!(p, "a/b");
        assert_eq!(relative_prefix(&root, &root).unwrap(), "");
        assert!(relative_prefix(&root, &sub).is_err());
    }

    #[test]
    fn a_loose_object_damaged_after_an_earlier_check_is_still_found() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let oid = repo
            .blob(b"policy text, long enough to compress\n")
            .unwrap();
        let hex = oid.to_string();
        let object = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
        check_loose_objects(repo.path()).expect("an intact object passes");
        // The memo of verified objects must not hide a file that changed since.
        let bytes = std::fs::read(&object).unwrap();
        std::fs::remove_file(&object).unwrap();
        std::fs::write(&object, &bytes[..bytes.len() / 2]).unwrap();
        let err = check_loose_objects(repo.path()).expect_err("the truncated object is found");
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}
