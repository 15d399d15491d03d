//! Lossless edits of record files: the one way commands that change records write.
//!
//! A command opens the files it changes ([`ChangeSet::open`]), plans changes against each
//! file's span-aware YAML tree ([`FileEdit::append`], [`FileEdit::set`]) and then either
//! prints the unified diff ([`ChangeSet::diff`], for `--dry-run`) or applies all files at once
//! ([`ChangeSet::apply`]). Each change replaces or inserts only its own bytes: comments,
//! blank lines, key order, quoting and indentation elsewhere stay exactly as they were. Every
//! change is re-parsed before it is accepted: if the edited text does not parse, or the value
//! does not read back as written, the change is refused and nothing is written.
//!
//! Records are found by a [`Step`] path from the root mapping of a YAML file, or of a
//! Markdown document's front matter: `[Key("risks"), Id("R-001"), Key("plan")]` is the
//! treatment plan of risk R-001.

mod emit;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::fsutil::{self, Overwrite, WriteError};
use crate::source::{FileId, SourceFile};
use crate::yaml::{self, Node, NodeKind};

/// A value to write. Strings are always written so that they read back as strings (`5.10`
/// stays text, `yes` stays text); dates are written plain, as YAML dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A calendar date, written `YYYY-MM-DD`.
    Date(jiff::civil::Date),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Value>),
    /// A mapping, in the order given.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// A text value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// A mapping from `(key, value)` pairs, in order.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list of text values.
    pub fn strs<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::Seq(items.into_iter().map(|s| Value::Str(s.into())).collect())
    }
}

/// One step from a mapping or list towards a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value of a key in a mapping.
    Key(String),
    /// The item of a list whose `id` field is this text.
    Id(String),
    /// The n-th item (0-based) of a list, for items without an id.
    Index(usize),
}

impl Step {
    /// [`Step::Key`].
    pub fn key(k: impl Into<String>) -> Step {
        Step::Key(k.into())
    }
    /// [`Step::Id`].
    pub fn id(i: impl Into<String>) -> Step {
        Step::Id(i.into())
    }
}

fn path_text(path: &[Step]) -> String {
    if path.is_empty() {
        return "the top level".to_string();
    }
    path.iter()
        .map(|s| match s {
            Step::Key(k) => k.clone(),
            Step::Id(i) => format!("[id {i}]"),
            Step::Index(n) => format!("[item {}]", n + 1),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Why an edit was refused. Nothing has been written when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file cannot be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// Repository path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The file is not valid YAML (or its front matter is missing), so it cannot be edited
    /// safely.
    #[error(
        "{path}:{line}: cannot edit: {message} (fix the file first; `isms check` shows the problem)"
    )]
    Parse {
        /// Repository path.
        path: String,
        /// 1-based line.
        line: u32,
        /// The parser's message.
        message: String,
    },
    /// The path names nothing in the file.
    #[error("{path}: no {what}")]
    NotFound {
        /// Repository path.
        path: String,
        /// What was looked for.
        what: String,
    },
    /// The file is written in a form this layer does not change (a flow mapping, an alias,
    /// a record that is not a mapping, ...).
    #[error("{path}:{line}: cannot change {what} automatically: {why}; edit it by hand")]
    Unsupported {
        /// Repository path.
        path: String,
        /// 1-based line.
        line: u32,
        /// What was to be changed.
        what: String,
        /// Why not.
        why: String,
    },
    /// The edited text did not read back as intended (a bug, reported instead of written).
    #[error(
        "{path}: the change to {what} did not read back as written ({why}); nothing was written"
    )]
    Verify {
        /// Repository path.
        path: String,
        /// What was changed.
        what: String,
        /// What differed.
        why: String,
    },
    /// The file changed on disk after it was read.
    #[error(
        "{path} changed on disk while the edit was prepared; nothing was written, run the command again"
    )]
    Changed {
        /// Repository path.
        path: String,
    },
    /// Writing failed or was refused.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The planned new text of one file.
#[derive(Debug, Clone)]
pub struct FileEdit {
    rel: String,
    original: Option<String>,
    text: String,
    markdown: bool,
}

/// Where a list item was appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// 1-based line of the new item's first line.
    pub line: u32,
}

impl FileEdit {
    /// An edit of a file whose current text is `text` (`None`: the file does not exist yet and
    /// will be created). Markdown files (`.md`) are edited in their front matter.
    pub fn new(rel: impl Into<String>, text: Option<String>) -> FileEdit {
        let rel = rel.into();
        let markdown = rel.ends_with(".md");
        FileEdit {
            text: text.clone().unwrap_or_default(),
            original: text,
            rel,
            markdown,
        }
    }

    /// Reads `root/rel` (a missing file is an edit that creates it).
    pub fn open(root: &Path, rel: &str) -> Result<FileEdit, EditError> {
        let path = fsutil::confined_join(root, Path::new(rel))?;
        Ok(FileEdit::new(rel, read(&path, rel)?))
    }

    /// The repository path.
    pub fn rel(&self) -> &str {
        &self.rel
    }

    /// The planned text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text before the edit (`None` for a new file).
    pub fn original(&self) -> Option<&str> {
        self.original.as_deref()
    }

    /// Whether the planned text differs from the file.
    pub fn is_changed(&self) -> bool {
        self.original.as_deref() != Some(self.text.as_str())
    }

    /// Replaces the whole planned text (a new document written from a template). The text
    /// must parse.
    pub fn set_text(&mut self, text: impl Into<String>) -> Result<(), EditError> {
        let old = std::mem::replace(&mut self.text, text.into());
        if let Err(e) = self.tree() {
            self.text = old;
            return Err(e);
        }
        Ok(())
    }

    /// Appends `item` to the list at `path` (its last step a [`Step::Key`]). A missing key, an
    /// empty value or `[]` becomes a list. The item follows the indentation, blank-line
    /// spacing and style of the items already there.
    pub fn append(&mut self, path: &[Step], item: &Value) -> Result<Placed, EditError> {
        let (tree, _) = self.tree()?;
        let before = locate(&tree, path)
            .and_then(|n| n.as_seq())
            .map_or(0, <[Node]>::len);
        let (mut range, insert) = self.plan_append(&tree, path, item)?;
        // The first item of a list the scaffold left empty with a to-do note on its line
        // (`reviews: []   # to do: assess the supplier`) does what the note asked.
        if before == 0
            && let Some(end) = self.marker_comment(range.end, false)
        {
            range.end = end;
        }
        let new_text = splice(&self.text, range, &insert);
        let what = format!("{} (new item)", path_text(path));
        let (tree2, _) = self.tree_of(&new_text)?;
        let items = locate(&tree2, path)
            .and_then(|n| n.as_seq())
            .ok_or_else(|| self.verify(&what, "the list is gone"))?;
        if items.len() != before + 1 {
            return Err(self.verify(&what, "the list does not have one more item"));
        }
        let last = items.last().ok_or_else(|| self.verify(&what, "no item"))?;
        if !matches(last, item) {
            return Err(self.verify(&what, "the new item reads back differently"));
        }
        let line = last.span.line;
        self.text = new_text;
        Ok(Placed { line })
    }

    /// Sets field `field` of the mapping at `path` to `value`: an existing scalar has only its
    /// value's bytes replaced (keeping its quoting style where the new text allows), an
    /// existing list or mapping is rewritten in place, and a missing field is inserted after
    /// the mapping's last key with its siblings' indentation.
    pub fn set(&mut self, path: &[Step], field: &str, value: &Value) -> Result<(), EditError> {
        self.set_with(path, field, value, false)
    }

    /// [`FileEdit::set`] for a value that records a decision: a comment after it on its line
    /// (the scaffold's note that the value is still a proposal) goes with the old value.
    pub fn set_decided(
        &mut self,
        path: &[Step],
        field: &str,
        value: &Value,
    ) -> Result<(), EditError> {
        self.set_with(path, field, value, true)
    }

    fn set_with(
        &mut self,
        path: &[Step],
        field: &str,
        value: &Value,
        drop_comment: bool,
    ) -> Result<(), EditError> {
        let (tree, _) = self.tree()?;
        // In a mapping written inline (`{ likelihood: 4, to_confirm: true }`) an existing
        // scalar can still be replaced byte for byte.
        let inline_scalar = locate(&tree, path)
            .filter(|m| is_flow(&self.text, m))
            .and_then(|m| m.get(field))
            .is_some_and(|v| !matches!(v.kind, NodeKind::Seq(_) | NodeKind::Map(_)))
            && !matches!(value, Value::Seq(_) | Value::Map(_));
        let map = match locate(&tree, path) {
            Some(m) if inline_scalar => m,
            _ => self.find_map(&tree, path)?,
        };
        let (mut range, insert) = match map.entry(field) {
            Some((key, old)) => self.plan_replace(key, old, value)?,
            None => self.plan_insert_field(map, path, field, value)?,
        };
        // A scaffold's to-do comment on the line of a value now decided goes with it.
        if let Some(end) = self.marker_comment(range.end, drop_comment) {
            range.end = end;
        }
        let new_text = splice(&self.text, range, &insert);
        let what = format!("{}.{field}", path_text(path));
        let (tree2, _) = self.tree_of(&new_text)?;
        let got = locate(&tree2, path)
            .and_then(|m| m.get(field))
            .ok_or_else(|| self.verify(&what, "the field is gone"))?;
        if !matches(got, value) {
            return Err(self.verify(&what, "the value reads back differently"));
        }
        // Every other field of the record must be untouched.
        let others_same = |a: &Node, b: &Node| {
            let (Some(x), Some(y)) = (a.as_map(), b.as_map()) else {
                return false;
            };
            x.iter()
                .filter(|(k, _)| k.name != field)
                .all(|(k, v)| b.get(&k.name).is_some_and(|w| v.same_content(w)))
                && y.iter()
                    .filter(|(k, _)| k.name != field)
                    .all(|(k, _)| a.get(&k.name).is_some())
        };
        let after = locate(&tree2, path).ok_or_else(|| self.verify(&what, "record gone"))?;
        if !others_same(map, after) {
            return Err(self.verify(&what, "another field changed"));
        }
        self.text = new_text;
        Ok(())
    }

    /// Whether `path` names something in the planned text.
    pub fn contains(&self, path: &[Step]) -> Result<bool, EditError> {
        let (tree, _) = self.tree()?;
        Ok(locate(&tree, path).is_some())
    }

    /// 1-based line of what `path` names in the planned text.
    pub fn line_of(&self, path: &[Step]) -> Result<Option<u32>, EditError> {
        let (tree, _) = self.tree()?;
        Ok(locate(&tree, path).map(|n| n.span.line))
    }

    fn verify(&self, what: &str, why: &str) -> EditError {
        EditError::Verify {
            path: self.rel.clone(),
            what: what.to_string(),
            why: why.to_string(),
        }
    }

    fn unsupported(&self, at: usize, what: &str, why: &str) -> EditError {
        EditError::Unsupported {
            path: self.rel.clone(),
            line: line_at(&self.text, at),
            what: what.to_string(),
            why: why.to_string(),
        }
    }

    fn layout(&self) -> emit::Layout {
        emit::Layout {
            newline: if self.text.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
            // A Markdown body's indentation (list continuations, quotes) says nothing about
            // how the front matter is indented.
            step: indent_step(if self.markdown {
                front_matter(&self.text).map_or("", |r| &self.text[r])
            } else {
                &self.text
            }),
        }
    }

    fn tree(&self) -> Result<(Node, Range<usize>), EditError> {
        self.tree_of(&self.text)
    }

    /// Parses `text` (the front matter of a Markdown file).
    fn tree_of(&self, text: &str) -> Result<(Node, Range<usize>), EditError> {
        let range = if self.markdown {
            front_matter(text).ok_or_else(|| EditError::Parse {
                path: self.rel.clone(),
                line: 1,
                message: "the document has no front matter between `---` lines".to_string(),
            })?
        } else {
            0..text.len()
        };
        let source = SourceFile::new(self.rel.clone(), text.to_string());
        let node =
            yaml::parse(FileId(0), &source, range.clone()).map_err(|e| EditError::Parse {
                path: self.rel.clone(),
                line: e.span.line,
                message: e.message,
            })?;
        Ok((node, range))
    }

    fn find_map<'a>(&self, tree: &'a Node, path: &[Step]) -> Result<&'a Node, EditError> {
        let node = locate(tree, path).ok_or_else(|| EditError::NotFound {
            path: self.rel.clone(),
            what: path_text(path),
        })?;
        match &node.kind {
            NodeKind::Map(_) if !is_flow(&self.text, node) => Ok(node),
            NodeKind::Map(_) => Err(self.unsupported(
                node.span.offset,
                &path_text(path),
                "it is written inline as `{...}`",
            )),
            _ => Err(self.unsupported(
                node.span.offset,
                &path_text(path),
                &format!("it is {}, not a mapping", node.type_name()),
            )),
        }
    }

    /// Text range to replace and the text to put there, plus the line of the new item.
    fn plan_append(
        &self,
        tree: &Node,
        path: &[Step],
        item: &Value,
    ) -> Result<(Range<usize>, String), EditError> {
        let layout = self.layout();
        let nl = layout.newline;
        let what = path_text(path);
        let Some((Step::Key(field), parent_path)) = path.split_last() else {
            return Err(self.unsupported(0, &what, "the path must end with a field name"));
        };
        // A missing parent mapping (an empty file) or a missing field: write the field.
        let parent_is_empty_root = parent_path.is_empty() && matches!(tree.kind, NodeKind::Null);
        if parent_is_empty_root {
            let mut out = String::new();
            let at = self.end_of_yaml();
            if at > 0 && !self.text[..at].ends_with('\n') {
                out.push_str(nl);
            }
            emit::entry(&mut out, field, &Value::Seq(vec![item.clone()]), 0, layout);
            return Ok((at..at, out));
        }
        let map = self.find_map(tree, parent_path)?;
        let Some((key, list)) = map.entry(field) else {
            return self.plan_insert_field(
                map,
                parent_path,
                field,
                &Value::Seq(vec![item.clone()]),
            );
        };
        let key_indent = indent_of(&self.text, key.span.offset);
        match &list.kind {
            NodeKind::Null => {
                // `field:` or `field: ~`: the list goes on the following lines.
                let Some((range, mut out)) = self.after_key_value(key, list) else {
                    return Err(self.unsupported(
                        list.span.offset,
                        &what,
                        "its empty value is written on a later line than its key",
                    ));
                };
                out.push_str(nl);
                let mut block = String::new();
                emit::seq_item(&mut block, item, key_indent + layout.step, layout);
                let block = block.strip_suffix(nl).unwrap_or(&block).to_string();
                out.push_str(&block);
                Ok((range, out))
            }
            NodeKind::Seq(items) if is_flow(&self.text, list) => {
                let close = flow_end(&self.text, list).saturating_sub(1);
                if items.is_empty() {
                    // `[]` becomes a block list under the key.
                    let mut out = String::new();
                    out.push_str(nl);
                    emit::seq_item(&mut out, item, key_indent + layout.step, layout);
                    let out = out.strip_suffix(nl).unwrap_or(&out).to_string();
                    let start = self.trim_space_before(list.span.offset);
                    return Ok((start..close + 1, out));
                }
                let Some(text) = emit::flow_item(item) else {
                    return Err(self.unsupported(
                        list.span.offset,
                        &what,
                        "the list is written inline as `[...]` and the new item is a mapping",
                    ));
                };
                let last_end = content_end(&self.text, items.last().unwrap_or(list));
                Ok((last_end..last_end, format!(", {text}")))
            }
            NodeKind::Seq(items) => {
                let Some(last) = items.last() else {
                    return Err(self.unsupported(list.span.offset, &what, "empty block list"));
                };
                let dash = dash_before(&self.text, last.span.offset).unwrap_or(list.span.offset);
                let dash_indent = indent_of(&self.text, dash);
                // Space between dash and content as the last item has it (`-   id:`).
                let gap = if matches!(last.kind, NodeKind::Map(_)) {
                    col_of(&self.text, last.span.offset).saturating_sub(col_of(&self.text, dash))
                } else {
                    2
                }
                .max(2);
                let at = end_of_line(&self.text, content_end(&self.text, list));
                let mut out = String::new();
                if at == self.text.len() && !self.text.ends_with('\n') {
                    out.push_str(nl);
                }
                // Items separated by blank lines get one too.
                if let [.., prev, _] = items.as_slice() {
                    let prev_end = end_of_line(&self.text, content_end(&self.text, prev));
                    let dash_line = line_start(&self.text, dash);
                    if prev_end < dash_line
                        && self.text[prev_end..dash_line]
                            .lines()
                            .any(|l| l.trim().is_empty())
                    {
                        out.push_str(nl);
                    }
                }
                let mut body = String::new();
                // Items written inline (`- { id: p-ceo, name: ... }`) get a new inline item.
                let inline = match item {
                    Value::Map(entries) if is_flow(&self.text, last) => {
                        emit::flow_map(entries, self.text[last.span.offset..].starts_with("{ "))
                    }
                    _ => None,
                };
                if let Some(text) = inline {
                    body = format!(
                        "{}-{}{text}{nl}",
                        " ".repeat(dash_indent),
                        " ".repeat(gap - 1)
                    );
                } else {
                    emit::seq_item(&mut body, item, dash_indent, layout);
                }
                if gap != 2 && !is_flow(&self.text, last) {
                    body = regap(&body, dash_indent, gap, layout);
                }
                out.push_str(&body);
                Ok((at..at, out))
            }
            _ => Err(self.unsupported(
                list.span.offset,
                &what,
                &format!("it is {}, not a list", list.type_name()),
            )),
        }
    }

    /// For `key:` with an empty or null value: the range of the null token (if written) and
    /// an empty replacement, so the caller can put a block after the key (and any comment).
    /// `None` when a null token is written past the key's line, a layout not guessed at.
    fn after_key_value(&self, key: &yaml::Key, value: &Node) -> Option<(Range<usize>, String)> {
        let key_end = key.span.offset + key.span.len;
        let eol = end_of_line_no_newline(&self.text, key_end);
        if value.span.len > 0 && value.span.offset >= key_end {
            // `key: ~`: drop the token and the space before it, keep any comment.
            let start = self.trim_space_before(value.span.offset);
            let end = value.span.offset + value.span.len;
            let rest = self.text.get(end..eol)?;
            if rest.trim().is_empty() {
                return Some((start..eol, String::new()));
            }
            return Some((start..eol, rest.to_string()));
        }
        Some((eol..eol, String::new()))
    }

    /// The end of a trailing `# to do: ...` comment (or, with `any`, of any comment) that
    /// follows `at` on its line.
    fn marker_comment(&self, at: usize, any: bool) -> Option<usize> {
        let eol = end_of_line_no_newline(&self.text, at);
        let rest = self.text.get(at..eol)?;
        let comment = rest.trim_start_matches([' ', '\t']);
        (comment.starts_with('#') && (any || crate::scaffold::has_marker(comment))).then_some(eol)
    }

    fn trim_space_before(&self, at: usize) -> usize {
        let before = &self.text[..at];
        before.trim_end_matches([' ', '\t']).len()
    }

    /// Where new top-level text goes: end of file, or before the closing `---` of front matter.
    fn end_of_yaml(&self) -> usize {
        if self.markdown {
            front_matter(&self.text).map_or(0, |r| r.end)
        } else {
            self.text.len()
        }
    }

    fn plan_replace(
        &self,
        key: &yaml::Key,
        old: &Node,
        value: &Value,
    ) -> Result<(Range<usize>, String), EditError> {
        let layout = self.layout();
        let key_indent = indent_of(&self.text, key.span.offset);
        // A block scalar's span starts at its text, after the `|` or `>` line: such a value is
        // rewritten as a whole entry below.
        let key_end = key.span.offset + key.span.len;
        let block_scalar = self
            .text
            .get(key_end..old.span.offset)
            .is_some_and(|between| between.contains(['|', '>']));
        let old_is_scalar =
            !block_scalar && !matches!(old.kind, NodeKind::Seq(_) | NodeKind::Map(_));
        if old_is_scalar && let Some(style) = scalar_style(&self.text, old) {
            if let Some(text) = emit::scalar(value, style) {
                if matches!(old.kind, NodeKind::Null) && old.span.len == 0 {
                    let at = key.span.offset + key.span.len;
                    let colon = self.text[at..].find(':').map_or(at, |i| at + i + 1);
                    return Ok((colon..colon, format!(" {text}")));
                }
                let start = old.span.offset;
                let end = content_end(&self.text, old);
                return Ok((start..end, text));
            }
            if is_block_scalar(&self.text, old) {
                return Err(self.unsupported(
                    old.span.offset,
                    &key.name,
                    "it is a block text (`|` or `>`)",
                ));
            }
        }
        // A flow mapping stays one: `{ by: ~, on: ~ }` becomes `{ by: p-ceo, on: 2026-01-01 }`.
        if is_flow(&self.text, old)
            && matches!(old.kind, NodeKind::Map(_))
            && let Value::Map(entries) = value
            && let Some(text) =
                emit::flow_map(entries, self.text[old.span.offset..].starts_with("{ "))
            && !text.contains('\n')
        {
            return Ok((old.span.offset..flow_end(&self.text, old), text));
        }
        // Rewrite the whole entry: from the key to the end of its value.
        let start = key.span.offset;
        let end = end_of_line_no_newline(&self.text, content_end(&self.text, old).max(start));
        let mut out = String::new();
        emit::entry(&mut out, &key.name, value, key_indent, layout);
        let out = out.strip_suffix(layout.newline).unwrap_or(&out).to_string();
        Ok((start..end, out))
    }

    fn plan_insert_field(
        &self,
        map: &Node,
        path: &[Step],
        field: &str,
        value: &Value,
    ) -> Result<(Range<usize>, String), EditError> {
        let layout = self.layout();
        let Some(entries) = map.as_map() else {
            return Err(self.unsupported(map.span.offset, &path_text(path), "not a mapping"));
        };
        let Some((first_key, _)) = entries.first() else {
            return Err(self.unsupported(map.span.offset, &path_text(path), "empty mapping"));
        };
        let indent = col_of(&self.text, first_key.span.offset);
        let at = end_of_line(&self.text, content_end(&self.text, map));
        let mut out = String::new();
        if at == self.text.len() && !self.text.ends_with('\n') && !self.text.is_empty() {
            out.push_str(layout.newline);
        }
        out.push_str(&" ".repeat(indent));
        emit::entry(&mut out, field, value, indent, layout);
        Ok((at..at, out))
    }
}

fn read(path: &Path, rel: &str) -> Result<Option<String>, EditError> {
    match path.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let bytes =
        fsutil::read_regular(path, crate::loader::MAX_FILE_SIZE).map_err(|e| EditError::Read {
            path: rel.to_string(),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > crate::loader::MAX_FILE_SIZE {
        return Err(EditError::Read {
            path: rel.to_string(),
            message: "the file is larger than isms edits (8 MiB)".to_string(),
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| EditError::Read {
            path: rel.to_string(),
            message: "the file is not UTF-8 text".to_string(),
        })
}

/// The byte range of a Markdown document's front matter (between the `---` lines).
fn front_matter(text: &str) -> Option<Range<usize>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let first = body
        .strip_prefix("---\r\n")
        .or_else(|| body.strip_prefix("---\n"))?;
    let start = bom + (body.len() - first.len());
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "---" {
            return Some(start..pos);
        }
        pos += line.len();
    }
    None
}

/// Follows `path` from `root`.
fn locate<'a>(root: &'a Node, path: &[Step]) -> Option<&'a Node> {
    let mut node = root;
    for step in path {
        node = match step {
            Step::Key(k) => node.get(k)?,
            Step::Id(id) => node
                .as_seq()?
                .iter()
                .find(|i| i.get("id").and_then(Node::scalar_text) == Some(id.as_str()))?,
            Step::Index(n) => node.as_seq()?.get(*n)?,
        };
    }
    Some(node)
}

/// Whether a node read back from the text is the value that was written.
fn matches(node: &Node, value: &Value) -> bool {
    match (value, &node.kind) {
        (Value::Null, NodeKind::Null) => true,
        (Value::Bool(b), NodeKind::Bool(c)) => b == c,
        (Value::Int(i), NodeKind::Int(j)) => i128::from(*i) == *j,
        (Value::Str(s), NodeKind::Str(t)) => s == t,
        (Value::Date(d), NodeKind::Str(t)) => d.to_string() == *t,
        (Value::Seq(items), NodeKind::Seq(nodes)) => {
            items.len() == nodes.len() && items.iter().zip(nodes).all(|(v, n)| matches(n, v))
        }
        (Value::Map(entries), NodeKind::Map(nodes)) => {
            entries.len() == nodes.len()
                && entries
                    .iter()
                    .zip(nodes)
                    .all(|((k, v), (nk, n))| *k == nk.name && matches(n, v))
        }
        _ => false,
    }
}

fn splice(text: &str, range: Range<usize>, insert: &str) -> String {
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..range.start]);
    out.push_str(insert);
    out.push_str(&text[range.end..]);
    out
}

fn is_flow(text: &str, node: &Node) -> bool {
    matches!(text.as_bytes().get(node.span.offset), Some(b'[' | b'{'))
        && matches!(node.kind, NodeKind::Seq(_) | NodeKind::Map(_))
}

fn is_block_scalar(text: &str, node: &Node) -> bool {
    matches!(text.as_bytes().get(node.span.offset), Some(b'|' | b'>'))
}

/// The quoting style of a scalar, or `None` for block scalars (`|`, `>`).
fn scalar_style(text: &str, node: &Node) -> Option<emit::Quoting> {
    match text.as_bytes().get(node.span.offset) {
        _ if node.span.len == 0 => Some(emit::Quoting::Plain),
        Some(b'\'') => Some(emit::Quoting::Single),
        Some(b'"') => Some(emit::Quoting::Double),
        Some(b'|' | b'>') => None,
        _ => Some(emit::Quoting::Plain),
    }
}

/// The byte just after a node's last character of content (trailing blank lines and
/// indentation that block scalars' spans include are left out).
fn content_end(text: &str, node: &Node) -> usize {
    let start = node.span.offset.min(text.len());
    match &node.kind {
        NodeKind::Seq(_) | NodeKind::Map(_) if is_flow(text, node) => flow_end(text, node),
        NodeKind::Seq(items) => items
            .iter()
            .map(|i| content_end(text, i))
            .max()
            .unwrap_or(start + 1),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.span.offset + k.span.len).max(content_end(text, v)))
            .max()
            .unwrap_or(start),
        _ => {
            let end = (start + node.span.len).min(text.len());
            let s = &text[start..end];
            start + s.trim_end_matches([' ', '\t', '\r', '\n']).len()
        }
    }
}

/// The byte after the closing bracket of a flow collection.
fn flow_end(text: &str, node: &Node) -> usize {
    let children_end = match &node.kind {
        NodeKind::Seq(items) => items.iter().map(|i| content_end(text, i)).max(),
        NodeKind::Map(entries) => entries.iter().map(|(_, v)| content_end(text, v)).max(),
        _ => None,
    };
    let from = children_end
        .unwrap_or(node.span.offset + 1)
        .max(node.span.offset + 1);
    let close = if matches!(node.kind, NodeKind::Seq(_)) {
        b']'
    } else {
        b'}'
    };
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            c if c == close => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte after the line break of the line holding `at` (or the end of the text).
fn end_of_line(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The end of the line holding `at`, before its line break.
fn end_of_line_no_newline(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let eol = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if eol > at && text.as_bytes().get(eol - 1) == Some(&b'\r') {
        eol - 1
    } else {
        eol
    }
}

/// Column (in bytes) of `at` on its line.
fn col_of(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// Indentation of the line holding `at`, counting a `- ` prefix as indentation for keys in
/// a sequence item: the column of `at` when everything before it on its line is spaces or
/// dashes, else the leading spaces.
fn indent_of(text: &str, at: usize) -> usize {
    let ls = line_start(text, at);
    let before = &text[ls..at];
    if before.chars().all(|c| c == ' ' || c == '-') {
        at - ls
    } else {
        before.len() - before.trim_start_matches(' ').len()
    }
}

/// The `-` that opens the sequence item starting at `at`.
fn dash_before(text: &str, at: usize) -> Option<usize> {
    let before = &text[line_start(text, at)..at];
    let trimmed = before.trim_end_matches(' ');
    trimmed
        .ends_with('-')
        .then(|| line_start(text, at) + trimmed.len() - 1)
}

fn line_at(text: &str, at: usize) -> u32 {
    let n = text[..at.min(text.len())].matches('\n').count();
    u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1)
}

/// The file's indentation step: the smallest positive indentation of a line (2 when the file
/// has no indented lines).
fn indent_step(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|&n| n > 0)
        .min()
        .unwrap_or(2)
        .clamp(2, 8)
}

/// Rewrites an item emitted with `- ` to the dash gap the file uses (`-   id:`).
fn regap(body: &str, dash_indent: usize, gap: usize, layout: emit::Layout) -> String {
    let mut out = String::new();
    for (i, line) in body.split_inclusive(layout.newline).enumerate() {
        if i == 0 {
            let rest = &line[dash_indent + 2..];
            out.push_str(&" ".repeat(dash_indent));
            out.push('-');
            out.push_str(&" ".repeat(gap - 1));
            out.push_str(rest);
        } else if line.len() > dash_indent + 2 && line[..dash_indent + 2].trim().is_empty() {
            out.push_str(&" ".repeat(gap - 2));
            out.push_str(line);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// One `key: value` entry as block YAML at column 0, with a `\n` line ending: the text of a
/// new file's fields (a document's front matter).
pub fn entry_text(key: &str, value: &Value) -> String {
    let mut out = String::new();
    emit::entry(
        &mut out,
        key,
        value,
        0,
        emit::Layout {
            newline: "\n",
            step: 2,
        },
    );
    out
}

/// The planned changes of several files, applied together.
#[derive(Debug, Default)]
pub struct ChangeSet {
    files: Vec<FileEdit>,
}

impl ChangeSet {
    /// An empty change set.
    pub fn new() -> ChangeSet {
        ChangeSet::default()
    }

    /// The edit of `rel`, reading it from `root` the first time.
    pub fn open(&mut self, root: &Path, rel: &str) -> Result<&mut FileEdit, EditError> {
        if let Some(i) = self.files.iter().position(|f| f.rel == rel) {
            return Ok(&mut self.files[i]);
        }
        let edit = FileEdit::open(root, rel)?;
        self.files.push(edit);
        let last = self.files.len() - 1;
        Ok(&mut self.files[last])
    }

    /// Adds an edit prepared elsewhere (replacing an earlier one of the same file).
    pub fn push(&mut self, edit: FileEdit) {
        self.files.retain(|f| f.rel != edit.rel);
        self.files.push(edit);
    }

    /// The files that change, in the order they were opened.
    pub fn changed(&self) -> impl Iterator<Item = &FileEdit> {
        self.files.iter().filter(|f| f.is_changed())
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.changed().next().is_none()
    }

    /// A unified diff of every change (`--dry-run`), paths as `a/…` and `b/…`.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for f in self.changed() {
            let old = f.original.as_deref().unwrap_or("");
            let from = if f.original.is_some() {
                format!("a/{}", f.rel)
            } else {
                "/dev/null".to_string()
            };
            let diff = similar::TextDiff::from_lines(old, f.text.as_str());
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&from, &format!("b/{}", f.rel))
                    .to_string(),
            );
        }
        out
    }

    /// Writes every changed file under `root`: all temporary files first, then the renames, so
    /// a refused or failed file leaves every file as it was. A file that does not exist yet is
    /// created; one that appeared since it was read is not replaced unless `overwrite` says
    /// so, and a file changed on disk since it was read is never replaced.
    pub fn apply(&self, root: &Path, overwrite: Overwrite) -> Result<Vec<PathBuf>, EditError> {
        let mut staged = Vec::new();
        for f in self.changed() {
            let path = fsutil::confined_join(root, Path::new(&f.rel))?;
            let now = read(&path, &f.rel)?;
            let mode = match (&f.original, &now) {
                (Some(before), Some(now)) if before == now => Overwrite::Replace,
                (None, None) => Overwrite::Refuse,
                (None, Some(_)) if overwrite == Overwrite::Replace => Overwrite::Replace,
                (None, Some(_)) => {
                    return Err(WriteError::Exists {
                        path: path.display().to_string(),
                    }
                    .into());
                }
                _ => {
                    return Err(EditError::Changed {
                        path: f.rel.clone(),
                    });
                }
            };
            staged.push(fsutil::stage_atomic(
                root,
                Path::new(&f.rel),
                f.text.as_bytes(),
                mode,
            )?);
        }
        let mut written = Vec::new();
        for s in staged {
            written.push(s.commit()?);
        }
        Ok(written)
    }
}

/// The file a new record of a register goes to: the last file of its folder when the register
/// is split (`risks/*.yaml`), else `<register>.yaml`.
pub fn register_file(root: &Path, register: &str) -> String {
    let dir = root.join(register);
    if crate::loader::SPLIT_REGISTERS.contains(&register)
        && dir.symlink_metadata().is_ok_and(|m| m.is_dir())
    {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".yaml") && !n.starts_with('.'))
            .collect();
        names.sort();
        if let Some(last) = names.pop() {
            return format!("{register}/{last}");
        }
        if !root.join(format!("{register}.yaml")).exists() {
            return format!("{register}/{register}.yaml");
        }
    }
    format!("{register}.yaml")
}

#[cfg(test)]
mod tests;
