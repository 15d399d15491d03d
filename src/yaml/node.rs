//! The YAML node tree and the parser that builds it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::source::{FileId, SourceFile, Span};

/// A mapping key with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text, exactly as written.
    pub name: String,
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
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

/// A YAML node with its location and, for plain non-string scalars, the exact source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where the node starts.
    pub span: Span,
    /// Source text of a plain scalar that YAML would read as a number or boolean
    /// (e.g. `5.10`), so that string fields keep it verbatim.
    pub raw: Option<String>,
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
}

/// Maximum nesting depth and node count: generous for any real register, small enough that a
/// hostile file cannot exhaust memory.
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 2_000_000;
const MAX_ALIASES: usize = 100;

/// Parses `source.text[range]` (the whole file, or the front matter of a Markdown file) into
/// a node tree. Locations are relative to the whole file.
pub fn parse(
    file: FileId,
    source: &SourceFile,
    range: std::ops::Range<usize>,
) -> Result<Node, ParseError> {
    let text = source.text.get(range.clone()).unwrap_or("");
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_documents: 1,
        },
        with_snippet: false,
    };
    let builder = Builder {
        file,
        source,
        base: range.start,
    };
    match serde_saphyr::from_str_with_options::<Option<serde_saphyr::Spanned<Raw>>>(text, options) {
        Ok(Some(root)) => Ok(builder.node(root)),
        Ok(None) => Ok(Node {
            kind: NodeKind::Null,
            span: builder.span_at(0, 0),
            raw: None,
        }),
        Err(e) => {
            let span = match e.location() {
                Some(loc) if loc.line() > 0 => {
                    let offset = loc.span().byte_offset().map(|o| o as usize);
                    match offset {
                        Some(o) => builder.span_at(o, loc.span().byte_len().unwrap_or(0) as usize),
                        None => {
                            let (base_line, _) = source.line_col(range.start);
                            Span {
                                file,
                                line: base_line + loc.line() as u32 - 1,
                                column: loc.column() as u32,
                                offset: range.start,
                                len: 0,
                            }
                        }
                    }
                }
                _ => Span::file(file),
            };
            Err(ParseError {
                message: clean_message(&e.to_string()),
                span,
            })
        }
    }
}

/// serde-saphyr messages may start with "line N column M: " and end with location text that
/// our own diagnostic already shows.
fn clean_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let stripped = match first.find(": ") {
        Some(i) if first[..i].starts_with("line ") && first[..i].contains("column") => {
            &first[i + 2..]
        }
        _ => first,
    };
    // Our diagnostic shows the location itself.
    let stripped = match stripped.rfind(" at line ") {
        Some(i) if stripped[i..].contains("column") => &stripped[..i],
        _ => stripped,
    };
    if let Some(rest) = stripped.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest).trim();
        return format!("the key `{key}` appears twice in the same mapping (keep one)");
    }
    if stripped.starts_with("budget breached") {
        let what = if stripped.contains("Documents") {
            "more than one YAML document in the file (a second `---` line?); keep one document per file"
        } else if stripped.contains("Depth") {
            "the YAML nests deeper than isms allows (64 levels)"
        } else if stripped.contains("Alias") {
            "too many YAML aliases (`*name`); write the values out instead"
        } else {
            "the file is larger or more complex than isms reads safely"
        };
        return what.to_string();
    }
    stripped.to_string()
}

struct Builder<'a> {
    file: FileId,
    source: &'a SourceFile,
    base: usize,
}

impl Builder<'_> {
    fn span_at(&self, rel_offset: usize, len: usize) -> Span {
        let offset = self.base + rel_offset;
        let (line, column) = self.source.line_col(offset);
        Span {
            file: self.file,
            line,
            column,
            offset,
            len,
        }
    }

    fn span_of(&self, loc: &serde_saphyr::Location) -> Span {
        let s = loc.span();
        match s.byte_offset() {
            Some(o) => self.span_at(o as usize, s.byte_len().unwrap_or(0) as usize),
            None => {
                let (base_line, _) = self.source.line_col(self.base);
                Span {
                    file: self.file,
                    line: base_line + (loc.line() as u32).saturating_sub(1),
                    column: loc.column() as u32,
                    offset: self.base,
                    len: 0,
                }
            }
        }
    }

    fn raw_text(&self, span: &Span) -> Option<String> {
        self.source
            .text
            .get(span.offset..span.offset + span.len)
            .map(|s| s.trim().to_string())
    }

    fn node(&self, raw: serde_saphyr::Spanned<Raw>) -> Node {
        let span = self.span_of(&raw.referenced);
        let mut node = Node {
            kind: NodeKind::Null,
            span,
            raw: None,
        };
        node.kind = match raw.value {
            Raw::Null => NodeKind::Null,
            Raw::Bool(b) => {
                node.raw = self.raw_text(&span);
                NodeKind::Bool(b)
            }
            Raw::Int(i) => {
                node.raw = self.raw_text(&span);
                NodeKind::Int(i)
            }
            Raw::Float(f) => {
                node.raw = self.raw_text(&span);
                NodeKind::Float(f)
            }
            Raw::Str(s) => NodeKind::Str(s),
            Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|i| self.node(i)).collect()),
            Raw::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = Key {
                            name: k.value,
                            span: self.span_of(&k.referenced),
                        };
                        (key, self.node(v))
                    })
                    .collect(),
            ),
        };
        node
    }
}

/// The shape serde-saphyr hands us, before locations are resolved against the file.
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Raw>>),
    Map(Vec<(serde_saphyr::Spanned<String>, serde_saphyr::Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Int(v.into()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
                i128::try_from(v)
                    .map(Raw::Int)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_char<E>(self, v: char) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(k) = a.next_key()? {
                    let v = a.next_value()?;
                    entries.push((k, v));
                }
                Ok(Raw::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
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
