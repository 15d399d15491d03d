//! The YAML node tree and the parser that builds it.

use compact_str::CompactString;

use crate::source::{FileId, SourceFile, Span};

/// A mapping key with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text, exactly as written.
    pub name: CompactString,
    /// Where the key is.
    pub span: Span,
}

/// What a YAML node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or an empty value.
    Null,
    /// A plain `true`/`false`.
    Bool(bool),
    /// A plain integer.
    Int(i128),
    /// A plain float.
    Float(f64),
    /// A string (quoted, block, or a plain scalar that is not a number or boolean).
    Str(CompactString),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

/// A YAML node with its location and, for plain non-string scalars, the exact source text.
///
/// Text is a `CompactString`: ids, dates, levels and names, most of a register's scalars, fit
/// in its 24 bytes, so building and dropping a tree allocates per collection, not per value.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where the node starts.
    pub span: Span,
    /// Source text of a plain scalar that YAML would read as a number or boolean
    /// (e.g. `5.10`), so that string fields keep it verbatim.
    pub raw: Option<CompactString>,
}

impl Node {
    /// The value of `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key entry (key and value) for `key` in a mapping node.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The items of a sequence node.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a mapping node.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The text of a scalar as the user wrote it: strings as parsed, plain numbers and
    /// booleans verbatim. `None` for null, sequences and mappings.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => self.raw.as_deref(),
            _ => None,
        }
    }

    /// The text of any scalar exactly as written, a null's included (`~`, `null`, or nothing
    /// for an empty value), where [`Node::scalar_text`] has no text for a null. `None` for
    /// sequences and mappings. For commands that copy values between files.
    pub fn written_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            NodeKind::Seq(_) | NodeKind::Map(_) => None,
            NodeKind::Null | NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {
                self.raw.as_deref()
            }
        }
    }

    /// A short description of the node's type for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "nothing (null)",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "a number",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "text",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// Content equality as the user reads it: scalars by their text (`5.10` is not `5.1`),
    /// lists in order, mappings by key in any order. Locations are ignored. Used to tell
    /// whether two versions of a record differ.
    pub fn same_content(&self, other: &Node) -> bool {
        match (&self.kind, &other.kind) {
            (NodeKind::Seq(x), NodeKind::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.same_content(q))
            }
            (NodeKind::Map(x), NodeKind::Map(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| {
                        y.iter()
                            .find(|(k2, _)| k2.name == k.name)
                            .is_some_and(|(_, v2)| v.same_content(v2))
                    })
            }
            (NodeKind::Null, NodeKind::Null) => true,
            _ => match (self.scalar_text(), other.scalar_text()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

/// A YAML syntax or budget error, with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What went wrong.
    pub message: String,
    /// Where, as precisely as the parser knows.
    pub span: Span,
    /// How to fix it, when it is not a plain syntax error (a budget was exceeded).
    pub hint: Option<&'static str>,
}

/// Maximum nesting depth, node count (aliases counted as the nodes they expand to) and alias
/// count: generous for any real register, small enough that a hostile file cannot exhaust
/// memory or the stack.
pub(super) const MAX_DEPTH: usize = 64;
pub(super) const MAX_NODES: usize = 2_000_000;
const MAX_ALIASES: usize = 100;
/// Values that aliases may repeat beyond those written out: memory stays in proportion to the
/// file (at most twice its tree, plus this allowance) instead of to the node budget.
const ALIAS_ALLOWANCE: usize = 10_000;

// Every budget error names its limit, and its hint says what to do: the limits are fixed (they
// protect against hostile files), so the answer is to flatten or split, never to raise them.
const MSG_DEPTH: &str = "the YAML nests deeper than isms reads (limit: 64 levels)";
const HINT_DEPTH: &str = "no record nests this deep: flatten the structure (a register is a list of records, each a mapping of fields); the limit is fixed";
const MSG_ALIASES: &str = "too many YAML aliases (`*name`) for isms to read (limit: 100 per file)";
const HINT_ALIASES: &str =
    "write the values out instead of repeating them with aliases; the limit is fixed";
const MSG_NODES: &str = "the file has more YAML values than isms reads (limit: 2,000,000 values, an alias counting as the values it repeats)";
const HINT_NODES: &str = "split the register into a folder of smaller files (`risks/*.yaml`, `assets/*.yaml`; docs/format.md, \"Large registers\"); the limit is fixed";
const MSG_ALIAS_EXPANSION: &str = "YAML aliases (`*name`) repeat more values than the file writes out (limit: twice the values written, plus 10,000)";
const MSG_DOCUMENTS: &str =
    "more than one YAML document in the file (a second `---` line?) (limit: one document per file)";
const HINT_DOCUMENTS: &str =
    "remove the second `---` line, or move the second document into a file of its own";

/// The hint for a budget error message, `None` for a syntax error.
fn budget_hint(message: &str) -> Option<&'static str> {
    match message {
        MSG_DEPTH => Some(HINT_DEPTH),
        MSG_ALIASES | MSG_ALIAS_EXPANSION => Some(HINT_ALIASES),
        MSG_NODES => Some(HINT_NODES),
        MSG_DOCUMENTS => Some(HINT_DOCUMENTS),
        _ => None,
    }
}

/// Parses `source.text[range]` (the whole file, or the front matter of a Markdown file) into
/// a node tree. Locations are relative to the whole file.
///
/// The tree is built straight from the parser's events: no intermediate value tree, one
/// allocation per scalar. The budgets are enforced here, while the events arrive.
pub fn parse(
    file: FileId,
    source: &SourceFile,
    range: std::ops::Range<usize>,
) -> Result<Node, ParseError> {
    let text = source.text.get(range.clone()).unwrap_or("");
    let (base_line, base_col) = source.line_col(range.start);
    let mut b = Builder {
        file,
        base: range.start,
        base_line,
        base_col,
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        root: None,
        anchors: Vec::new(),
        nodes: 0,
        alias_nodes: 0,
        aliases: 0,
        documents: 0,
    };
    let parser = granit_parser::Parser::new_from_str(text);
    for ev in parser {
        let (event, span) = match ev {
            Ok(e) => e,
            Err(e) => return Err(b.scan_error(&e)),
        };
        b.event(event, &span)?;
    }
    let empty = b.span(&granit_parser::Span::empty(granit_parser::Marker::new(
        0, 1, 0,
    )));
    Ok(b.root.unwrap_or(Node {
        kind: NodeKind::Null,
        span: empty,
        raw: None,
    }))
}

/// A collection being built.
///
/// Children wait on the builder's scratch stacks (`items`, `entries`) from `start` on, and are
/// moved into one exactly sized vector when the collection ends: no vector growing per
/// collection, no copies of large sequences as they grow.
enum Frame {
    Seq {
        start: usize,
        span: Span,
        anchor: usize,
        first_node: usize,
    },
    Map {
        start: usize,
        key: Option<Key>,
        /// Keys seen so far, once the mapping is too large for a linear duplicate check.
        seen: Option<std::collections::HashSet<CompactString>>,
        span: Span,
        anchor: usize,
        first_node: usize,
    },
}

struct Builder {
    file: FileId,
    base: usize,
    base_line: u32,
    base_col: u32,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<(Key, Node)>,
    root: Option<Node>,
    /// Anchored nodes by anchor id, with the number of nodes each one expands to.
    anchors: Vec<Option<(Node, usize)>>,
    nodes: usize,
    /// Nodes added by expanding aliases (also counted in `nodes`).
    alias_nodes: usize,
    aliases: usize,
    documents: usize,
}

impl Builder {
    fn span(&self, s: &granit_parser::Span) -> Span {
        let start = s.start.byte_offset().unwrap_or(0);
        let end = s.end.byte_offset().unwrap_or(start).max(start);
        self.span_marker(&s.start, end - start, start)
    }

    fn span_marker(&self, m: &granit_parser::Marker, len: usize, start: usize) -> Span {
        let line = m.line().max(1) as u32;
        let mut column = m.col() as u32 + 1;
        if line == 1 {
            column += self.base_col.saturating_sub(1);
        }
        Span {
            file: self.file,
            line: self.base_line + line - 1,
            column,
            offset: self.base + start,
            len,
        }
    }

    fn scan_error(&self, e: &granit_parser::ScanError) -> ParseError {
        let m = e.marker();
        let start = m.byte_offset().unwrap_or(0);
        let info = e.info();
        let mut message = info.lines().next().unwrap_or("").trim().to_string();
        // The scanner's own nesting guard trips before the builder sees the 65th level: one
        // wording for both.
        if message.contains("recursion limit") || message.contains("nesting limit") {
            message = MSG_DEPTH.to_string();
        }
        if message.contains("anchor count exceeded") {
            message = MSG_ALIASES.to_string();
        }
        ParseError {
            hint: budget_hint(&message),
            message: if message.is_empty() {
                "invalid YAML".to_string()
            } else {
                message
            },
            span: self.span_marker(m, 0, start),
        }
    }

    fn fail(&self, message: impl Into<String>, at: Span) -> ParseError {
        let message = message.into();
        ParseError {
            hint: budget_hint(&message),
            message,
            span: at,
        }
    }

    fn count(&mut self, n: usize, at: Span) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(self.fail(MSG_NODES, at));
        }
        Ok(())
    }

    fn open(&mut self, at: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.fail(MSG_DEPTH, at));
        }
        self.count(1, at)
    }

    fn event(
        &mut self,
        event: granit_parser::Event<'_>,
        span: &granit_parser::Span,
    ) -> Result<(), ParseError> {
        use granit_parser::Event;
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.fail(MSG_DOCUMENTS, self.span(span)));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let at = self.span(span);
                self.count(1, at)?;
                let as_text = tag
                    .as_deref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let node = scalar(CompactString::from(value), style, as_text, at);
                self.finish(node, anchor, 1)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                let at = self.span(span);
                self.open(at)?;
                self.stack.push(Frame::Seq {
                    start: self.items.len(),
                    span: at,
                    anchor,
                    first_node: self.nodes,
                });
            }
            Event::MappingStart(_, anchor, _) => {
                let at = self.span(span);
                self.open(at)?;
                self.stack.push(Frame::Map {
                    start: self.entries.len(),
                    key: None,
                    seen: None,
                    span: at,
                    anchor,
                    first_node: self.nodes,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, first) = match self.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        span,
                        anchor,
                        first_node,
                    }) => (
                        Node {
                            kind: NodeKind::Seq(self.items.drain(start..).collect()),
                            span,
                            raw: None,
                        },
                        anchor,
                        first_node,
                    ),
                    Some(Frame::Map {
                        start,
                        span,
                        anchor,
                        first_node,
                        ..
                    }) => (
                        Node {
                            kind: NodeKind::Map(self.entries.drain(start..).collect()),
                            span,
                            raw: None,
                        },
                        anchor,
                        first_node,
                    ),
                    None => return Ok(()),
                };
                let size = self.nodes - first + 1;
                self.finish(node, anchor, size)?;
            }
            Event::Alias(id) => {
                let at = self.span(span);
                self.aliases += 1;
                if self.aliases > MAX_ALIASES {
                    return Err(self.fail(MSG_ALIASES, at));
                }
                let Some(size) = self.anchors.get(id).and_then(|a| a.as_ref()).map(|a| a.1) else {
                    return Err(self.fail("an alias (`*name`) refers to no anchor", at));
                };
                // An alias costs as much as what it expands to: that is what bounds memory.
                self.alias_nodes = self.alias_nodes.saturating_add(size);
                let written = self.nodes - (self.alias_nodes - size);
                if self.alias_nodes > written.saturating_add(ALIAS_ALLOWANCE) {
                    return Err(self.fail(MSG_ALIAS_EXPANSION, at));
                }
                self.count(size, at)?;
                let Some(Some((target, _))) = self.anchors.get(id) else {
                    return Err(self.fail("an alias (`*name`) refers to no anchor", at));
                };
                let mut node = target.clone();
                node.span = at;
                self.finish(node, 0, size)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(self.fail(
                    format!("the alias `*{name}` refers to no anchor"),
                    self.span(span),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Hands a completed node to its parent (or makes it the root).
    fn finish(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some((node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { .. }) => {
                self.items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                start, key, seen, ..
            }) => match key.take() {
                Some(k) => {
                    self.entries.push((k, node));
                    Ok(())
                }
                None => {
                    let span = node.span;
                    let name = match node.kind {
                        NodeKind::Str(s) => s,
                        NodeKind::Null => node.raw.unwrap_or_default(),
                        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {
                            node.raw.unwrap_or_default()
                        }
                        NodeKind::Seq(_) | NodeKind::Map(_) => {
                            return Err(ParseError {
                                message: "a mapping key must be text, not a list or mapping"
                                    .to_string(),
                                span,
                                hint: None,
                            });
                        }
                    };
                    let siblings = self.entries.get(*start..).unwrap_or(&[]);
                    let duplicate = if siblings.len() < 32 {
                        siblings.iter().any(|(k, _)| k.name == name)
                    } else {
                        let set = seen.get_or_insert_with(|| {
                            siblings.iter().map(|(k, _)| k.name.clone()).collect()
                        });
                        !set.insert(name.clone())
                    };
                    if duplicate {
                        return Err(ParseError {
                            message: format!(
                                "the key `{name}` appears twice in the same mapping (keep one)"
                            ),
                            span,
                            hint: None,
                        });
                    }
                    *key = Some(Key { name, span });
                    Ok(())
                }
            },
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema, narrowed to what a record means by it:
/// numbers are plain decimal (`0x10`, `+3`, `.inf`, `.nan` and out-of-range floats stay text,
/// so a text field keeps them as written and a number field reports them).
fn scalar(
    text: CompactString,
    style: granit_parser::ScalarStyle,
    as_text: bool,
    span: Span,
) -> Node {
    let plain = matches!(style, granit_parser::ScalarStyle::Plain) && !as_text;
    let kind = if !plain {
        NodeKind::Str(text)
    } else {
        match text.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => {
                return Node {
                    kind: NodeKind::Null,
                    span,
                    raw: Some(text),
                };
            }
            "true" | "True" | "TRUE" => {
                return Node {
                    kind: NodeKind::Bool(true),
                    span,
                    raw: Some(text),
                };
            }
            "false" | "False" | "FALSE" => {
                return Node {
                    kind: NodeKind::Bool(false),
                    span,
                    raw: Some(text),
                };
            }
            t => match number(t) {
                Some(kind) => {
                    return Node {
                        kind,
                        span,
                        raw: Some(text),
                    };
                }
                None => NodeKind::Str(text),
            },
        }
    };
    Node {
        kind,
        span,
        raw: None,
    }
}

/// A plain decimal integer (`-?[0-9]+`) or float (`-?(.d+|d+(.d*)?)([eE][-+]?d+)?`) that is
/// finite; anything else is not a number.
fn number(t: &str) -> Option<NodeKind> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let b = digits.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return t.parse::<i128>().ok().map(NodeKind::Int);
    }
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = all_digits(int)
        && frac.is_none_or(all_digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(NodeKind::Float(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Node, ParseError> {
        let f = SourceFile::new("t.yaml", text);
        parse(FileId(0), &f, 0..text.len())
    }

    #[test]
    fn keeps_plain_number_text_and_locations() {
        let n = parse_str("# c\nid: 5.10\nlist:\n  - 5.1\n  - \"x\"\n").unwrap();
        let id = n.get("id").unwrap();
        assert_eq!(id.scalar_text(), Some("5.10"));
        assert_eq!((id.span.line, id.span.column), (2, 5));
        let list = n.get("list").unwrap().as_seq().unwrap();
        assert_eq!(list[0].scalar_text(), Some("5.1"));
        assert_eq!(list[1].scalar_text(), Some("x"));
        assert_eq!(list[1].span.line, 5);
        let (key, _) = n.entry("list").unwrap();
        assert_eq!((key.span.line, key.span.column), (3, 1));
    }

    #[test]
    fn syntax_error_has_location() {
        let e = parse_str("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.span.line, 2);
        assert!(!e.message.starts_with("line "), "{}", e.message);
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse_str("").unwrap().kind, NodeKind::Null);
        assert_eq!(
            parse_str("# only a comment\n").unwrap().kind,
            NodeKind::Null
        );
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            s.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse_str(&s).is_err());
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let s = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(parse_str(&s).is_err());
    }

    #[test]
    fn front_matter_offsets() {
        let text = "---\ntitle: X\nid: POL-01\n---\nbody\n";
        let f = SourceFile::new("p.md", text);
        let n = parse(FileId(0), &f, 4..24).unwrap();
        assert_eq!(n.get("id").unwrap().span.line, 3);
    }
}
