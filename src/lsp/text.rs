//! Positions in a document: 1-based line/column locations of isms against the 0-based,
//! UTF-16 positions of the protocol, and what the cursor is on.

use lsp_types::{Position, Range};

use crate::diagnostic::Location;

/// Line starts of a text, to convert between byte offsets and protocol positions.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    fn line(&self, line0: usize) -> &'a str {
        let start = self.starts.get(line0).copied().unwrap_or(self.text.len());
        let end = self
            .starts
            .get(line0 + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The byte offset of a protocol position (clamped to the line).
    pub fn offset(&self, p: Position) -> usize {
        let line0 = p.line as usize;
        let Some(&start) = self.starts.get(line0) else {
            return self.text.len();
        };
        let mut units = 0u32;
        for (i, c) in self.line(line0).char_indices() {
            if units >= p.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        start + self.line(line0).len()
    }

    /// The protocol position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line0 = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line0).copied().unwrap_or(0);
        let character = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        Position::new(line0 as u32, character as u32)
    }

    /// The range of an isms location (1-based line, column in characters, length in bytes).
    /// A location without a line covers the start of the file; one without a length covers
    /// the word at its column.
    pub fn range(&self, loc: &Location) -> Range {
        if loc.line == 0 {
            return Range::new(Position::new(0, 0), Position::new(0, 0));
        }
        let line0 = (loc.line - 1) as usize;
        let Some(&start) = self.starts.get(line0) else {
            let end = self.position(self.text.len());
            return Range::new(end, end);
        };
        let line = self.line(line0);
        let col = loc.column.saturating_sub(1) as usize;
        let from = start + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
        let to = if loc.len > 0 {
            (from + loc.len).min(start + line.len().max(from - start))
        } else {
            let rest = self.text.get(from..start + line.len()).unwrap_or("");
            from + rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
                .unwrap_or(rest.len())
        };
        let to = if self.text.is_char_boundary(to) {
            to
        } else {
            from
        };
        Range::new(self.position(from), self.position(to))
    }

    /// The text of a range.
    pub fn slice(&self, r: Range) -> Option<String> {
        let (a, b) = (self.offset(r.start), self.offset(r.end));
        self.text.get(a..b.max(a)).map(str::to_string)
    }
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')
}

/// The id-like word under the cursor (letters, digits, `-`, `_`, `.`), without quotes.
pub fn word_at(text: &str, p: Position) -> Option<String> {
    let ix = LineIndex::new(text);
    let offset = ix.offset(p);
    let line_start = ix.starts.get(p.line as usize).copied()?;
    let line = ix.line(p.line as usize);
    let at = offset.checked_sub(line_start)?;
    let before = line.get(..at)?;
    let after = line.get(at..)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id_char(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = at
        + after
            .char_indices()
            .find(|(_, c)| !is_id_char(*c))
            .map_or(after.len(), |(i, _)| i);
    let word = line.get(start..end)?.trim_end_matches('.');
    (!word.is_empty()).then(|| word.to_string())
}

/// The YAML key whose value the cursor is in: the key on the cursor's line (`owner: |`), or
/// for a block list item (`  - |`) the key above it with less indentation.
pub fn key_at(text: &str, p: Position) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let line0 = p.line as usize;
    let current = lines.get(line0).copied().unwrap_or("");
    let upto: String = current.chars().take(p.character as usize).collect();
    let key_of = |l: &str| -> Option<String> {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        let (k, _) = t.split_once(':')?;
        (!k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .then(|| k.to_string())
    };
    if let Some((_, _)) = upto.split_once(':') {
        return key_of(&upto);
    }
    let trimmed = upto.trim_start();
    if !trimmed.starts_with('-') && !trimmed.is_empty() {
        return None;
    }
    let indent = current.len() - current.trim_start().len();
    for l in lines.get(..line0)?.iter().rev() {
        let li = l.len() - l.trim_start().len();
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        if li < indent || (li == indent && !l.trim_start().starts_with('-')) {
            return key_of(l);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_keys_under_the_cursor() {
        let text = "risks:\n  - id: R-001\n    owner: p-cto\n    controls: [\"5.10\", 8.2]\n    assets:\n      - A-01\n";
        assert_eq!(
            word_at(text, Position::new(1, 10)).as_deref(),
            Some("R-001")
        );
        assert_eq!(word_at(text, Position::new(3, 18)).as_deref(), Some("5.10"));
        assert_eq!(key_at(text, Position::new(2, 12)).as_deref(), Some("owner"));
        assert_eq!(
            key_at(text, Position::new(3, 30)).as_deref(),
            Some("controls")
        );
        assert_eq!(key_at(text, Position::new(5, 8)).as_deref(), Some("assets"));
    }

    #[test]
    fn ranges_count_utf16_units() {
        let text = "a: é x\n";
        let ix = LineIndex::new(text);
        let loc = Location {
            path: "f".into(),
            line: 1,
            column: 6,
            len: 1,
        };
        let r = ix.range(&loc);
        assert_eq!(r.start, Position::new(0, 5));
        assert_eq!(ix.slice(r).as_deref(), Some("x"));
        assert_eq!(ix.offset(Position::new(9, 9)), text.len());
    }
}
