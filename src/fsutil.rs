//! Safe file output. Every file `isms` writes goes through [`write_atomic`]: the content is
//! written to a temporary file in the same folder and renamed into place, so a crash never
//! leaves a half-written record; the target must stay inside the chosen root folder, and an
//! existing file is only replaced when the caller says so (`--force`).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Opens `path` for reading only if it is a regular file. A FIFO, device or socket in place of
/// a record would block the reader forever (or stream without end), and a symbolic link could
/// lead outside the repository, so anything else is refused with
/// [`std::io::ErrorKind::InvalidInput`] before it is opened. On Unix the file is
/// also opened non-blocking, so a FIFO swapped in after the check cannot hang the open, and
/// the opened handle is checked again.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let meta = path.symlink_metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking has no effect on a regular file's reads; it only keeps a FIFO swapped
        // in after the check from blocking the open. No-follow refuses a swapped-in link.
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// Reads a whole regular file (see [`open_regular`]), at most `limit` bytes plus one so a
/// caller can tell an oversized file.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What kind of non-regular file a path is, for messages.
pub fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a folder"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

fn not_regular(meta: &std::fs::Metadata) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", file_kind(&meta.file_type())),
    )
}

/// Why a write was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The relative path would leave the root folder (`..`, an absolute path, a prefix).
    #[error("refusing to write {path}: the path leaves the target folder {root}")]
    OutsideRoot {
        /// The offending path.
        path: String,
        /// The root folder.
        root: String,
    },
    /// The file exists and overwriting was not allowed.
    #[error("{path} already exists (use --force to overwrite it)")]
    Exists {
        /// The existing file.
        path: String,
    },
    /// The path goes through a symbolic link, which could point outside the root.
    #[error("refusing to write {path}: it goes through a symbolic link")]
    Symlink {
        /// The offending path.
        path: String,
    },
    /// Something other than a regular file is in the way (a device, FIFO, socket or folder):
    /// replacing it, even with `--force`, could destroy something that is not ours
    /// (`-o /dev/null --force` as root would replace the system's null device).
    #[error("refusing to write {path}: it is {kind}, not a regular file")]
    NotRegular {
        /// The offending path.
        path: String,
        /// What is there.
        kind: &'static str,
    },
    /// An I/O error, with the path it happened on.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file being written.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// What to do when the target file already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`WriteError::Exists`].
    Refuse,
    /// Replace the file.
    Replace,
}

/// Joins `rel` onto `root`, refusing any path that could leave `root`.
pub fn confined_join(root: &Path, rel: &Path) -> Result<PathBuf, WriteError> {
    let outside = || WriteError::OutsideRoot {
        path: rel.display().to_string(),
        root: root.display().to_string(),
    };
    let mut out = root.to_path_buf();
    let mut depth = 0usize;
    for c in rel.components() {
        match c {
            Component::Normal(p) => {
                out.push(p);
                depth += 1;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(outside());
            }
        }
    }
    if depth == 0 {
        return Err(outside());
    }
    Ok(out)
}

/// Writes `contents` to `root/rel` atomically (temporary file + rename), creating parent
/// folders. Refuses paths outside `root`, paths through symbolic links, and (unless
/// `overwrite` is [`Overwrite::Replace`]) existing files. Returns the full path written.
pub fn write_atomic(
    root: &Path,
    rel: &Path,
    contents: &[u8],
    overwrite: Overwrite,
) -> Result<PathBuf, WriteError> {
    stage_atomic(root, rel, contents, overwrite)?.commit()
}

/// A file written to its temporary name next to the target, waiting for [`Staged::commit`]
/// to rename it into place. Dropping it removes the temporary file, so a caller writing
/// several files can stage them all and rename only when every one was staged.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
    overwrite: Overwrite,
}

impl Staged {
    /// Renames the temporary file into place. Returns the full path written.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        let display = self.target.display().to_string();
        let io = |source| WriteError::Io {
            path: display.clone(),
            source,
        };
        let target = self.target;
        match self.overwrite {
            Overwrite::Replace => self.tmp.persist(&target).map_err(|e| io(e.error))?,
            // persist_noclobber closes the race between the exists() check and the rename.
            Overwrite::Refuse => self.tmp.persist_noclobber(&target).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    WriteError::Exists {
                        path: display.clone(),
                    }
                } else {
                    io(e.error)
                }
            })?,
        };
        Ok(target)
    }
}

/// The checks and the temporary file of [`write_atomic`], without the final rename.
pub fn stage_atomic(
    root: &Path,
    rel: &Path,
    contents: &[u8],
    overwrite: Overwrite,
) -> Result<Staged, WriteError> {
    let target = confined_join(root, rel)?;
    let display = target.display().to_string();
    let io = |source| WriteError::Io {
        path: display.clone(),
        source,
    };
    // Walk from the root down and refuse any symlinked component, so a link planted in the
    // output folder cannot redirect a write elsewhere.
    let mut cur = root.to_path_buf();
    for c in rel.components() {
        if let Component::Normal(p) = c {
            cur.push(p);
            if cur
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(WriteError::Symlink {
                    path: cur.display().to_string(),
                });
            }
        }
    }
    if let Ok(meta) = target.symlink_metadata()
        && !meta.file_type().is_file()
    {
        return Err(WriteError::NotRegular {
            path: display,
            kind: file_kind(&meta.file_type()),
        });
    }
    if target.exists() && overwrite == Overwrite::Refuse {
        return Err(WriteError::Exists { path: display });
    }
    let parent = target.parent().unwrap_or(root);
    std::fs::create_dir_all(parent).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(parent)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    // Temporary files are created owner-only (0600); a record or rendered document is an
    // ordinary file, so give it the mode of the file it replaces, or 0644 when new.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    Ok(Staged {
        tmp,
        target,
        overwrite,
    })
}

/// The name prefix of the temporary files [`write_atomic`] creates next to their target.
pub const TEMP_PREFIX: &str = ".isms-tmp-";

/// Removes the temporary files a killed `isms` left under `root` (at most `max_depth` folders
/// down): regular files named [`TEMP_PREFIX`] followed by the six characters `tempfile` adds,
/// last modified before `started` (the start of this process, so a write still under way in
/// another process that began after it is never touched). Symbolic links are not followed.
/// Returns the files removed; a file that cannot be removed is left for the next run.
pub fn remove_stale_temp_files(
    root: &Path,
    started: std::time::SystemTime,
    max_depth: usize,
) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut folders = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if meta.is_dir() {
                if depth < max_depth {
                    folders.push((entry.path(), depth + 1));
                }
                continue;
            }
            let ours = name.strip_prefix(TEMP_PREFIX).is_some_and(|rest| {
                rest.len() == 6 && rest.chars().all(|c| c.is_ascii_alphanumeric())
            });
            let stale = meta.modified().is_ok_and(|m| m < started);
            if meta.is_file() && ours && stale && std::fs::remove_file(entry.path()).is_ok() {
                removed.push(entry.path());
            }
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_root() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            let r = write_atomic(dir.path(), Path::new(bad), b"x", Overwrite::Replace);
            assert!(
                matches!(r, Err(WriteError::OutsideRoot { .. })),
                "{bad}: {r:?}"
            );
        }
    }

    #[test]
    fn refuses_to_overwrite_without_replace() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), Path::new("a/b.txt"), b"one", Overwrite::Refuse).unwrap();
        let r = write_atomic(dir.path(), Path::new("a/b.txt"), b"two", Overwrite::Refuse);
        assert!(matches!(r, Err(WriteError::Exists { .. })));
        assert_eq!(std::fs::read(dir.path().join("a/b.txt")).unwrap(), b"one");
        write_atomic(dir.path(), Path::new("a/b.txt"), b"two", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/b.txt")).unwrap(), b"two");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_world_readable_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = write_atomic(dir.path(), Path::new("a.txt"), b"x", Overwrite::Refuse).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(dir.path(), Path::new("a.txt"), b"y", Overwrite::Replace).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_replaces_anything_but_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        for (name, exists) in [("folder", true), ("pipe", made.is_ok_and(|s| s.success()))] {
            if !exists {
                continue;
            }
            for ow in [Overwrite::Refuse, Overwrite::Replace] {
                let r = write_atomic(dir.path(), Path::new(name), b"x", ow);
                assert!(
                    matches!(r, Err(WriteError::NotRegular { .. })),
                    "{name}: {r:?}"
                );
            }
            let ft = dir
                .path()
                .join(name)
                .symlink_metadata()
                .unwrap()
                .file_type();
            assert!(!ft.is_file(), "{name} untouched");
        }
    }

    #[cfg(unix)]
    #[test]
    fn reading_a_fifo_is_refused_not_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let e = read_regular(&fifo, 10).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("FIFO"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let r = write_atomic(
            dir.path(),
            Path::new("link/x.txt"),
            b"x",
            Overwrite::Replace,
        );
        assert!(matches!(r, Err(WriteError::Symlink { .. })));
        assert!(!outside.path().join("x.txt").exists());
    }
}
