//! A lean comparison of two trees, path by path.
//!
//! libgit2's `diff_tree_to_tree` parses every tree into an entry array and builds the full
//! path of every entry of every changed folder; for a history walk over large folders that is
//! most of the cost. Here tree objects are read raw from the object database and the two
//! entry lists are merged in Git's own order straight from the bytes: identical entries are
//! skipped with one byte comparison, equal subtrees by id, and a path is only built for an
//! entry that changed. Renames are not detected: when a commit both adds and deletes files the
//! caller hands it to libgit2's similarity detection instead.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use git2::{ObjectType, Odb, Oid, Repository};

use super::error::{EvidenceError, GitContext};

/// Length of a SHA-1 object id; the only object format this libgit2 build reads.
const ID_LEN: usize = 20;
/// Mode of a folder entry.
const MODE_TREE: u32 = 0o040000;
/// Mode of a submodule entry (a commit of another repository).
const MODE_SUBMODULE: u32 = 0o160000;

/// What happened to one path between two trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawStatus {
    /// Only in the new tree.
    Added,
    /// Only in the old tree.
    Deleted,
    /// In both, with a different blob or mode.
    Modified,
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawChange {
    pub(crate) status: RawStatus,
    /// `/`-separated path relative to the compared trees.
    pub(crate) path: String,
    pub(crate) old: Option<Oid>,
    pub(crate) new: Option<Oid>,
}

/// Reads raw tree objects and keeps those of the last two commits compared: walking newest
/// first, the trees on the "old" side of one commit are the "new" side of the next one.
pub(crate) struct TreeCache<'r> {
    odb: Odb<'r>,
    current: HashMap<Oid, Rc<[u8]>>,
    previous: HashMap<Oid, Rc<[u8]>>,
}

impl<'r> TreeCache<'r> {
    /// An empty cache over `repo`'s object database.
    pub(crate) fn new(repo: &'r Repository) -> Result<Self, EvidenceError> {
        let odb = repo.odb().ctx("opening the object database")?;
        Ok(TreeCache {
            odb,
            current: HashMap::new(),
            previous: HashMap::new(),
        })
    }

    /// Call between commits: forgets trees not used by the last two.
    pub(crate) fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    fn load(&mut self, id: Option<Oid>) -> Result<Option<Rc<[u8]>>, EvidenceError> {
        let Some(id) = id else { return Ok(None) };
        if let Some(t) = self.current.get(&id) {
            return Ok(Some(Rc::clone(t)));
        }
        let data = match self.previous.remove(&id) {
            Some(t) => t,
            None => {
                let obj = self
                    .odb
                    .read(id)
                    .with_ctx(|| format!("reading tree {id}"))?;
                if obj.kind() != ObjectType::Tree {
                    return Err(EvidenceError::Git {
                        action: format!("reading tree {id}"),
                        message: format!("the object is a {}, not a tree", obj.kind()),
                    });
                }
                Rc::from(obj.data())
            }
        };
        self.current.insert(id, Rc::clone(&data));
        Ok(Some(data))
    }
}

/// Compares two trees (either may be absent: everything added or deleted) and appends the
/// changed files to `out`.
pub(crate) fn diff_trees(
    cache: &mut TreeCache<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut Vec<RawChange>,
) -> Result<(), EvidenceError> {
    let mut path = String::new();
    diff_into(cache, old, new, &mut path, out)
}

/// One entry of a raw tree object: `<octal mode> <name>\0<20-byte id>`.
#[derive(Clone, Copy)]
struct Entry<'a> {
    /// The whole entry, for a one-comparison "unchanged" test.
    raw: &'a [u8],
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == MODE_TREE
    }

    fn oid(&self) -> Oid {
        // The slice is ID_LEN bytes by construction; zero is never a real object.
        Oid::from_bytes(self.id).unwrap_or(Oid::ZERO_SHA1)
    }
}

/// Walks the entries of a raw tree object.
struct Entries<'a> {
    buf: &'a [u8],
    pos: usize,
    tree: Oid,
}

impl<'a> Entries<'a> {
    fn new(buf: Option<&'a [u8]>, tree: Option<Oid>) -> Self {
        Entries {
            buf: buf.unwrap_or(&[]),
            pos: 0,
            tree: tree.unwrap_or(Oid::ZERO_SHA1),
        }
    }

    fn corrupt(&self) -> EvidenceError {
        EvidenceError::Git {
            action: format!("reading tree {}", self.tree),
            message: "the tree object is malformed".to_string(),
        }
    }

    fn next_entry(&mut self) -> Result<Option<Entry<'a>>, EvidenceError> {
        loop {
            let rest = &self.buf[self.pos..];
            if rest.is_empty() {
                return Ok(None);
            }
            // The mode is at most 6 octal digits: a short scan. A name can be long: its end is
            // found with the word-at-a-time NUL search behind `CStr`.
            let space = rest
                .iter()
                .take(8)
                .position(|&b| b == b' ')
                .ok_or_else(|| self.corrupt())?;
            let name_len = std::ffi::CStr::from_bytes_until_nul(&rest[space + 1..])
                .map_err(|_| self.corrupt())?
                .count_bytes();
            let nul = space + 1 + name_len;
            let end = nul + 1 + ID_LEN;
            if rest.len() < end {
                return Err(self.corrupt());
            }
            let mut mode = 0u32;
            for &d in &rest[..space] {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(self.corrupt());
                }
                mode = mode.saturating_mul(8).saturating_add(u32::from(d - b'0'));
            }
            let entry = Entry {
                raw: &rest[..end],
                mode,
                name: &rest[space + 1..nul],
                id: &rest[nul + 1..end],
            };
            self.pos += end;
            // Submodules point into other repositories; they are not ISMS files.
            if mode != MODE_SUBMODULE {
                return Ok(Some(entry));
            }
        }
    }
}

/// Git sorts tree entries by name, comparing a folder as if its name ended with `/`.
fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> Ordering {
    let common = a.name.len().min(b.name.len());
    match a.name[..common].cmp(&b.name[..common]) {
        Ordering::Equal => {}
        o => return o,
    }
    let next = |e: &Entry<'_>| -> Option<u8> {
        match e.name.get(common) {
            Some(&c) => Some(c),
            None if e.is_tree() => Some(b'/'),
            None => None,
        }
    };
    next(a).cmp(&next(b))
}

fn diff_into(
    cache: &mut TreeCache<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    path: &mut String,
    out: &mut Vec<RawChange>,
) -> Result<(), EvidenceError> {
    if old == new {
        return Ok(());
    }
    let (old_buf, new_buf) = (cache.load(old)?, cache.load(new)?);
    let mut a = Entries::new(old_buf.as_deref(), old);
    let mut b = Entries::new(new_buf.as_deref(), new);
    let (mut x, mut y) = (a.next_entry()?, b.next_entry()?);
    loop {
        let order = match (&x, &y) {
            (None, None) => break,
            (Some(p), Some(q)) => {
                // Most entries of a changed folder are unchanged: one comparison each.
                if p.raw == q.raw {
                    x = a.next_entry()?;
                    y = b.next_entry()?;
                    continue;
                }
                git_order(p, q)
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                if let Some(p) = x {
                    side(cache, &p, RawStatus::Deleted, path, out)?;
                }
                x = a.next_entry()?;
            }
            Ordering::Greater => {
                if let Some(q) = y {
                    side(cache, &q, RawStatus::Added, path, out)?;
                }
                y = b.next_entry()?;
            }
            Ordering::Equal => {
                if let (Some(p), Some(q)) = (x, y) {
                    // Same name and kind, different id or mode.
                    let len = push(path, p.name);
                    if p.is_tree() {
                        diff_into(cache, Some(p.oid()), Some(q.oid()), path, out)?;
                    } else {
                        out.push(RawChange {
                            status: RawStatus::Modified,
                            path: path.clone(),
                            old: Some(p.oid()),
                            new: Some(q.oid()),
                        });
                    }
                    path.truncate(len);
                }
                x = a.next_entry()?;
                y = b.next_entry()?;
            }
        }
    }
    Ok(())
}

/// An entry present on one side only: a file, or a whole folder of files.
fn side(
    cache: &mut TreeCache<'_>,
    e: &Entry<'_>,
    status: RawStatus,
    path: &mut String,
    out: &mut Vec<RawChange>,
) -> Result<(), EvidenceError> {
    let len = push(path, e.name);
    let id = e.oid();
    if e.is_tree() {
        match status {
            RawStatus::Deleted => diff_into(cache, Some(id), None, path, out)?,
            _ => diff_into(cache, None, Some(id), path, out)?,
        }
    } else {
        let (old, new) = match status {
            RawStatus::Deleted => (Some(id), None),
            _ => (None, Some(id)),
        };
        out.push(RawChange {
            status,
            path: path.clone(),
            old,
            new,
        });
    }
    path.truncate(len);
    Ok(())
}

/// Appends `/name` (or `name` at the top) to `path` and returns the previous length.
fn push(path: &mut String, name: &[u8]) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(&String::from_utf8_lossy(name));
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: u32, name: &'static [u8]) -> Entry<'static> {
        Entry {
            raw: name,
            mode,
            name,
            id: &[0; ID_LEN],
        }
    }

    #[test]
    fn folders_sort_as_if_they_ended_with_a_slash() {
        let file_a = entry(0o100644, b"a");
        let dir_a = entry(MODE_TREE, b"a");
        let file_ab = entry(0o100644, b"a.b");
        let file_a0 = entry(0o100644, b"a0");
        assert_eq!(git_order(&file_a, &dir_a), Ordering::Less);
        assert_eq!(git_order(&file_ab, &dir_a), Ordering::Less); // '.' < '/'
        assert_eq!(git_order(&dir_a, &file_a0), Ordering::Less); // '/' < '0'
        assert_eq!(git_order(&file_a, &file_ab), Ordering::Less);
    }

    #[test]
    fn malformed_trees_are_errors_not_panics() {
        for bad in [
            &b"100644 name"[..],
            b"100644 name\0short",
            b"1x0644 n\0aaaaaaaaaaaaaaaaaaaa",
            b"nospace\0",
        ] {
            let mut e = Entries::new(Some(bad), None);
            assert!(e.next_entry().is_err(), "{bad:?}");
        }
        let ok = b"100644 n\0aaaaaaaaaaaaaaaaaaaa160000 sub\0bbbbbbbbbbbbbbbbbbbb";
        let mut e = Entries::new(Some(ok), None);
        assert_eq!(e.next_entry().unwrap().unwrap().name, b"n");
        assert!(e.next_entry().unwrap().is_none(), "submodules are skipped");
    }
}
