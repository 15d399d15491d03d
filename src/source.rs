//! Source files held in memory so that every diagnostic can show a snippet of the line it
//! points at without reading the disk again.

use std::collections::HashMap;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A position in a loaded source file: 1-based line and column, byte offset and length.
///
/// `line == 0` means "the file as a whole" (for example an empty file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file this span belongs to.
    pub file: FileId,
    /// 1-based line number (0 when the span covers the whole file).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset of the start in the file text.
    pub offset: usize,
    /// Length in bytes (0 when unknown).
    pub len: usize,
}

impl Span {
    /// A span covering a whole file, used when no finer position is known.
    pub fn file(file: FileId) -> Self {
        Span {
            file,
            line: 0,
            column: 0,
            offset: 0,
            len: 0,
        }
    }
}

/// One loaded text file, with its path relative to the ISMS root (always `/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The full text of the file.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps a file's text and indexes its line starts.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// The 0-based line that byte `offset` is on.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset where 0-based line `index` starts.
    pub fn line_start(&self, index: usize) -> Option<usize> {
        self.line_starts.get(index).copied()
    }

    /// The number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Converts a byte offset into a 1-based (line, column) pair, column counted in characters.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let idx = self.line_index(offset);
        let start = self.line_starts[idx];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (idx as u32 + 1, col as u32 + 1)
    }
}

/// All files read while loading an ISMS repository.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    by_path: HashMap<String, FileId>,
}

impl SourceMap {
    /// Adds a file and returns its id (or the id it already has).
    pub fn add(&mut self, file: SourceFile) -> FileId {
        if let Some(id) = self.by_path.get(&file.path) {
            return *id;
        }
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(file.path.clone(), id);
        self.files.push(file);
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The file at this repository-relative path, if it was loaded.
    pub fn by_path(&self, path: &str) -> Option<&SourceFile> {
        self.by_path.get(path).and_then(|id| self.get(*id))
    }

    /// The id of the file at this repository-relative path, if it was loaded.
    pub fn id_of(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// The repository-relative path of a file id (empty if unknown).
    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.path.as_str())
    }

    /// Every loaded file, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_text_and_line_col() {
        let f = SourceFile::new("a.yaml", "one\ntwo\r\nthree");
        assert_eq!(f.line_text(1), Some("one"));
        assert_eq!(f.line_text(2), Some("two"));
        assert_eq!(f.line_text(3), Some("three"));
        assert_eq!(f.line_text(4), None);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_col(9), (3, 1));
    }
}
