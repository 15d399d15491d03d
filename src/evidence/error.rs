//! Errors of the evidence layer. Findings about the history (a stale approval, old evidence)
//! are diagnostics, never errors: an `EvidenceError` means the history could not be read.

/// Why the Git history could not be read.
///
/// git2 errors are carried as text so that no git2 type leaks into the public API.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// A libgit2 operation failed.
    #[error("{action}: {message}")]
    Git {
        /// What was being done, e.g. "reading commit 1a2b3c4".
        action: String,
        /// libgit2's message.
        message: String,
    },
    /// The ISMS folder could not be resolved on disk.
    #[error("cannot resolve {path}: {source}")]
    Io {
        /// The folder.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The ISMS folder is inside the repository's `.git` folder or otherwise outside its
    /// working tree.
    #[error("{path} is not inside the working tree of the repository at {workdir}")]
    OutsideWorkTree {
        /// The ISMS folder.
        path: String,
        /// The repository's working tree.
        workdir: String,
    },
}

impl EvidenceError {
    /// Wraps a git2 error with what was being done.
    pub(crate) fn git(action: impl Into<String>, e: &git2::Error) -> Self {
        EvidenceError::Git {
            action: action.into(),
            message: e.message().to_string(),
        }
    }
}

/// Shorthand for `map_err` on git2 results.
pub(crate) trait GitContext<T> {
    /// Attaches `action` to a git2 error.
    fn ctx(self, action: &str) -> Result<T, EvidenceError>;
    /// Attaches a lazily built action to a git2 error.
    fn with_ctx(self, action: impl FnOnce() -> String) -> Result<T, EvidenceError>;
}

impl<T> GitContext<T> for Result<T, git2::Error> {
    fn ctx(self, action: &str) -> Result<T, EvidenceError> {
        self.map_err(|e| EvidenceError::git(action, &e))
    }

    fn with_ctx(self, action: impl FnOnce() -> String) -> Result<T, EvidenceError> {
        self.map_err(|e| EvidenceError::git(action(), &e))
    }
}
