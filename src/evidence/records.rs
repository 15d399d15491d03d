//! Record-level changes: which record ids a commit added, removed or modified in a YAML
//! register, and whether a Markdown document's change touched more than some front-matter
//! fields.
//!
//! A register is a YAML mapping with one or more list keys (`risks:`, `assets:`,
//! `controls:`, ...) whose items are mappings with an `id` field; a file that is a bare list of
//! such mappings counts too. A Markdown document with an `id` in its front matter is one
//! record. Ids are read as the text the user wrote (`5.10` stays `"5.10"`), and values are
//! compared as text with mapping keys in any order, so re-quoting a value or reordering keys
//! is not a change, but `5.1` → `5.10` is.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::source::{FileId, SourceFile};
use crate::yaml::{self, Node, NodeKind};

/// Blobs larger than this are not parsed for record ids (path-level history only): real
/// registers are far smaller, and a huge file should not stall the history walk.
pub(crate) const MAX_PARSE_BYTES: usize = 4 * 1024 * 1024;

/// How one record changed in a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordChangeKind {
    /// The id appeared.
    Added,
    /// The id disappeared.
    Removed,
    /// The id is in both versions with different content.
    Modified,
}

impl RecordChangeKind {
    /// Lowercase name used in text and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordChangeKind::Added => "added",
            RecordChangeKind::Removed => "removed",
            RecordChangeKind::Modified => "modified",
        }
    }
}

/// One record (by id) changed by a commit in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordChange {
    /// The record id as written, e.g. `R-012` or `5.10`.
    pub id: String,
    /// What happened to it.
    #[serde(rename = "change")]
    pub kind: RecordChangeKind,
}

/// The records of one file version, by id. Duplicate ids (an invalid register, reported by
/// `isms check`) keep every occurrence so that any change among them is still seen.
#[derive(Debug, Default)]
pub(crate) struct Records {
    by_id: BTreeMap<String, Vec<Node>>,
}

impl Records {
    /// Whether the file held no record at all.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// What kind of file a path is, for record extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RecordFileKind {
    /// `.yaml` / `.yml`: a register.
    Yaml,
    /// `.md` / `.markdown`: a document whose front matter may carry an id.
    Markdown,
}

impl RecordFileKind {
    /// The kind of `path`, from its extension; `None` for files that hold no records.
    pub(crate) fn of(path: &str) -> Option<RecordFileKind> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        match ext.as_str() {
            "yaml" | "yml" => Some(RecordFileKind::Yaml),
            "md" | "markdown" => Some(RecordFileKind::Markdown),
            _ => None,
        }
    }
}

/// Extracts the records of one file version. `None` when the text cannot be parsed (the
/// change is then tracked at path level only).
pub(crate) fn parse_records(kind: RecordFileKind, text: &str) -> Option<Records> {
    if text.len() > MAX_PARSE_BYTES {
        return None;
    }
    let file = SourceFile::new("", text);
    match kind {
        RecordFileKind::Yaml => {
            let root = yaml::parse(FileId(0), &file, 0..text.len()).ok()?;
            let mut records = Records::default();
            match &root.kind {
                NodeKind::Map(entries) => {
                    for (_, value) in entries {
                        collect_list(value, &mut records);
                    }
                }
                NodeKind::Seq(_) => collect_list(&root, &mut records),
                _ => {}
            }
            Some(records)
        }
        RecordFileKind::Markdown => {
            let (fm, body) = split_front_matter(text)?;
            let root = yaml::parse(FileId(0), &file, fm).ok()?;
            let mut records = Records::default();
            if let Some(id) = root.get("id").and_then(Node::scalar_text) {
                // The body is part of the record: wrap it so a body edit counts as a change.
                let body_node = Node {
                    kind: NodeKind::Str(body.into()),
                    span: root.span,
                    raw: None,
                };
                let node = Node {
                    kind: NodeKind::Seq(vec![root.clone(), body_node]),
                    span: root.span,
                    raw: None,
                };
                records.by_id.entry(id.to_string()).or_default().push(node);
            }
            Some(records)
        }
    }
}

/// Adds the items of a list of mappings that carry an `id`.
fn collect_list(list: &Node, records: &mut Records) {
    let Some(items) = list.as_seq() else { return };
    for item in items {
        if let Some(id) = item.get("id").and_then(Node::scalar_text) {
            records
                .by_id
                .entry(id.to_string())
                .or_default()
                .push(item.clone());
        }
    }
}

/// The record-level difference between two versions of a file (either side may be absent:
/// the file was added or deleted). Sorted by id.
pub(crate) fn diff_records(old: Option<&Records>, new: Option<&Records>) -> Vec<RecordChange> {
    let empty = Records::default();
    let old = old.unwrap_or(&empty);
    let new = new.unwrap_or(&empty);
    let mut out = Vec::new();
    for (id, old_nodes) in &old.by_id {
        match new.by_id.get(id) {
            None => out.push(RecordChange {
                id: id.clone(),
                kind: RecordChangeKind::Removed,
            }),
            Some(new_nodes) => {
                let same = old_nodes.len() == new_nodes.len()
                    && old_nodes
                        .iter()
                        .zip(new_nodes)
                        .all(|(a, b)| a.same_content(b));
                if !same {
                    out.push(RecordChange {
                        id: id.clone(),
                        kind: RecordChangeKind::Modified,
                    });
                }
            }
        }
    }
    for id in new.by_id.keys() {
        if !old.by_id.contains_key(id) {
            out.push(RecordChange {
                id: id.clone(),
                kind: RecordChangeKind::Added,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Splits a Markdown document into the byte range of its YAML front matter and the body after
/// it, exactly as the loader does ([`crate::loader::split_front_matter`]).
pub(crate) fn split_front_matter(text: &str) -> Option<(std::ops::Range<usize>, &str)> {
    crate::loader::split_front_matter(text).map(|(fm, body)| (fm, &text[body..]))
}

/// Whether the only differences between two versions of a Markdown document are in the
/// front-matter fields named in `keys` (for example the approval fields): same body, and the
/// same front matter once those keys are removed.
///
/// Returns `false` when either version has no parseable front matter, so an unreadable change
/// is never mistaken for an approval-only one.
pub fn only_front_matter_keys_changed(old: &str, new: &str, keys: &[&str]) -> bool {
    let paths: Vec<[&str; 1]> = keys.iter().map(|k| [*k]).collect();
    let paths: Vec<&[&str]> = paths.iter().map(|p| p.as_slice()).collect();
    only_paths_changed(DocFormat::Markdown, old, new, &paths)
}

/// How a controlled document is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocFormat {
    /// Markdown with YAML front matter: the front matter holds the document-control fields.
    Markdown,
    /// A YAML file (the SoA keeps its document control under `document:`).
    Yaml,
}

impl DocFormat {
    /// The format of `path`, from its extension (Markdown unless it is `.yaml`/`.yml`).
    pub(crate) fn of(path: &str) -> DocFormat {
        match RecordFileKind::of(path) {
            Some(RecordFileKind::Yaml) => DocFormat::Yaml,
            _ => DocFormat::Markdown,
        }
    }
}

/// A parsed version of a document: its metadata tree and (for Markdown) its body.
pub(crate) struct ParsedDoc {
    root: Node,
    body: String,
}

impl ParsedDoc {
    /// Parses one version; `None` when it cannot be read (no front matter, bad YAML).
    pub(crate) fn parse(format: DocFormat, text: &str) -> Option<ParsedDoc> {
        if text.len() > MAX_PARSE_BYTES {
            return None;
        }
        let file = SourceFile::new("", text);
        match format {
            DocFormat::Markdown => {
                let (fm, body) = split_front_matter(text)?;
                let root = yaml::parse(FileId(0), &file, fm).ok()?;
                Some(ParsedDoc {
                    root,
                    body: body.to_string(),
                })
            }
            DocFormat::Yaml => {
                let root = yaml::parse(FileId(0), &file, 0..text.len()).ok()?;
                Some(ParsedDoc {
                    root,
                    body: String::new(),
                })
            }
        }
    }

    /// Parses `text`, a later or earlier version of the YAML document `from` (whose text is
    /// `from_text`), by patching `from`'s tree where only records changed between the two,
    /// one changed stretch after another (src/yaml/incremental.rs), else from scratch. The
    /// result is the tree [`ParsedDoc::parse`] gives; only the cost differs, which matters
    /// because GIT-04 reads every version of the SoA.
    pub(crate) fn parse_from(
        format: DocFormat,
        from: &ParsedDoc,
        from_text: &str,
        text: &str,
    ) -> Option<ParsedDoc> {
        if format != DocFormat::Yaml || text.len() > MAX_PARSE_BYTES {
            return ParsedDoc::parse(format, text);
        }
        let file = SourceFile::new("", text);
        match yaml::reparse_in_steps(from_text, &from.root, &file) {
            Some(root) => Some(ParsedDoc {
                root,
                body: String::new(),
            }),
            None => ParsedDoc::parse(format, text),
        }
    }

    /// The version whose text is `text`, from a tree of the whole of it read elsewhere (the
    /// loader's): what [`ParsedDoc::parse`] gives, without parsing again.
    pub(crate) fn from_tree(format: DocFormat, text: &str, tree: &Node) -> Option<ParsedDoc> {
        (format == DocFormat::Yaml && text.len() <= MAX_PARSE_BYTES).then(|| ParsedDoc {
            root: tree.clone(),
            body: String::new(),
        })
    }

    /// The node at a key path (`["document", "approval"]`), if present.
    pub(crate) fn get(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(&self.root, |n, k| n.get(k))
    }

    /// The scalar text at a key path.
    pub(crate) fn text(&self, path: &[&str]) -> Option<String> {
        self.get(path)
            .and_then(Node::scalar_text)
            .map(str::to_string)
    }
}

/// Whether two trees have the same content once the entries at the given key paths are left
/// out of both (the comparison of [`Node::same_content`], without copying the trees).
fn same_except(a: &Node, b: &Node, paths: &[&[&str]]) -> bool {
    if paths.is_empty() {
        return a.same_content(b);
    }
    let (NodeKind::Map(x), NodeKind::Map(y)) = (&a.kind, &b.kind) else {
        // Leaving keys out of a mapping keeps it a mapping, never equal to anything else.
        return !matches!(a.kind, NodeKind::Map(_))
            && !matches!(b.kind, NodeKind::Map(_))
            && a.same_content(b);
    };
    let below = |name: &str| -> Option<Vec<&[&str]>> {
        let here: Vec<&[&str]> = paths
            .iter()
            .filter(|p| p.first() == Some(&name))
            .map(|p| &p[1..])
            .collect();
        // `None`: the entry itself is left out.
        (!here.iter().any(|rest| rest.is_empty())).then_some(here)
    };
    let kept = |entries: &[(crate::yaml::Key, Node)]| {
        entries
            .iter()
            .filter(|(k, _)| below(&k.name).is_some())
            .count()
    };
    kept(x) == kept(y)
        && x.iter().all(|(k, v)| match below(&k.name) {
            None => true,
            Some(here) => y
                .iter()
                .find(|(k2, _)| k2.name == k.name)
                .is_some_and(|(_, v2)| same_except(v, v2, &here)),
        })
}

/// Whether two versions of a document differ only at the given key paths (metadata) and not
/// in the body. `false` when either version cannot be parsed.
pub(crate) fn only_paths_changed(
    format: DocFormat,
    old: &str,
    new: &str,
    paths: &[&[&str]],
) -> bool {
    let (Some(a), Some(b)) = (ParsedDoc::parse(format, old), ParsedDoc::parse(format, new)) else {
        return false;
    };
    only_paths_changed_in(&a, &b, paths)
}

/// [`only_paths_changed`] on versions already parsed.
pub(crate) fn only_paths_changed_in(a: &ParsedDoc, b: &ParsedDoc, paths: &[&[&str]]) -> bool {
    a.body == b.body && same_except(&a.root, &b.root, paths)
}

/// Whether the value at `path` differs between two versions (present in one only counts).
/// A version that cannot be parsed counts as having no value.
#[cfg(test)]
pub(crate) fn path_changed(
    format: DocFormat,
    old: Option<&str>,
    new: Option<&str>,
    path: &[&str],
) -> bool {
    let a = old.and_then(|t| ParsedDoc::parse(format, t));
    let b = new.and_then(|t| ParsedDoc::parse(format, t));
    path_changed_in(a.as_ref(), b.as_ref(), path)
}

/// [`path_changed`] on versions already parsed.
pub(crate) fn path_changed_in(a: Option<&ParsedDoc>, b: Option<&ParsedDoc>, path: &[&str]) -> bool {
    match (a.and_then(|d| d.get(path)), b.and_then(|d| d.get(path))) {
        (None, None) => false,
        (Some(x), Some(y)) => !x.same_content(y),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(changes: &[RecordChange]) -> Vec<(String, &'static str)> {
        changes
            .iter()
            .map(|c| (c.id.clone(), c.kind.as_str()))
            .collect()
    }

    fn yaml(text: &str) -> Records {
        parse_records(RecordFileKind::Yaml, text).unwrap()
    }

    #[test]
    fn control_ids_stay_text() {
        let old = yaml("controls:\n  - id: 5.1\n    status: implemented\n");
        let new = yaml(
            "controls:\n  - id: 5.1\n    status: implemented\n  - id: 5.10\n    status: planned\n",
        );
        assert_eq!(
            ids(&diff_records(Some(&old), Some(&new))),
            vec![("5.10".into(), "added")]
        );
        // 5.1 -> 5.10 inside a field is a change, although both read as the float 5.1.
        let a = yaml("risks:\n  - id: R-1\n    controls: [5.1]\n");
        let b = yaml("risks:\n  - id: R-1\n    controls: [5.10]\n");
        assert_eq!(
            ids(&diff_records(Some(&a), Some(&b))),
            vec![("R-1".into(), "modified")]
        );
    }

    #[test]
    fn added_removed_modified_and_unchanged() {
        let old = yaml("risks:\n  - id: R-001\n    title: A\n  - id: R-002\n    title: B\n");
        let new = yaml(
            "# comment\nrisks:\n  - title: A\n    id: R-001\n  - id: R-003\n    title: C\nassets:\n  - id: A-1\n",
        );
        assert_eq!(
            ids(&diff_records(Some(&old), Some(&new))),
            vec![
                ("A-1".into(), "added"),
                ("R-002".into(), "removed"),
                ("R-003".into(), "added")
            ]
        );
        let quoted =
            yaml("risks:\n  - id: \"R-001\"\n    title: 'A'\n  - id: R-002\n    title: B\n");
        assert!(diff_records(Some(&old), Some(&quoted)).is_empty());
    }

    #[test]
    fn file_added_or_deleted() {
        let r = yaml("- id: X-1\n- id: X-2\n");
        assert_eq!(diff_records(None, Some(&r)).len(), 2);
        assert!(
            diff_records(Some(&r), None)
                .iter()
                .all(|c| c.kind == RecordChangeKind::Removed)
        );
    }

    #[test]
    fn unparseable_or_recordless_files() {
        assert!(parse_records(RecordFileKind::Yaml, "risks: [\n").is_none());
        assert!(yaml("title: hello\nitems: [1, 2]\n").is_empty());
        assert!(parse_records(RecordFileKind::Markdown, "no front matter").is_none());
    }

    #[test]
    fn markdown_document_is_one_record() {
        let a = "---\nid: POL-01\ntitle: Access\n---\nBody one\n";
        let b = "---\nid: POL-01\ntitle: Access\n---\nBody two\n";
        let ra = parse_records(RecordFileKind::Markdown, a).unwrap();
        let rb = parse_records(RecordFileKind::Markdown, b).unwrap();
        assert_eq!(
            ids(&diff_records(Some(&ra), Some(&rb))),
            vec![("POL-01".into(), "modified")]
        );
        assert!(diff_records(Some(&ra), Some(&ra)).is_empty());
    }

    #[test]
    fn approval_only_changes() {
        let keys = ["approved_by", "approved_on"];
        let v1 = "---\nid: POL-01\napproved_by: CEO\napproved_on: 2024-01-01\n---\nText\n";
        let v2 = "---\nid: POL-01\napproved_by: CEO\napproved_on: 2025-01-01\n---\nText\n";
        let v3 = "---\nid: POL-01\napproved_by: CEO\napproved_on: 2025-01-01\n---\nText changed\n";
        let v4 = "---\nid: POL-01\ntitle: New\napproved_on: 2025-01-01\n---\nText\n";
        assert!(only_front_matter_keys_changed(v1, v2, &keys));
        assert!(!only_front_matter_keys_changed(v2, v3, &keys));
        assert!(!only_front_matter_keys_changed(v2, v4, &keys));
        assert!(!only_front_matter_keys_changed("Text\n", "Text\n", &keys));
    }

    #[test]
    fn nested_metadata_paths() {
        let approval: &[&str] = &["document", "approval"];
        let v1 = "document:\n  id: SOA\n  approval: {by: p-ceo, on: 2024-01-01}\ncontrols:\n  - id: 5.1\n";
        let v2 = "document:\n  id: SOA\n  approval: {by: p-ceo, on: 2025-01-01}\ncontrols:\n  - id: 5.1\n";
        let v3 = "document:\n  id: SOA\n  approval: {by: p-ceo, on: 2025-01-01}\ncontrols:\n  - id: 5.10\n";
        assert!(only_paths_changed(DocFormat::Yaml, v1, v2, &[approval]));
        assert!(!only_paths_changed(DocFormat::Yaml, v2, v3, &[approval]));
        assert!(path_changed(DocFormat::Yaml, Some(v1), Some(v2), approval));
        assert!(!path_changed(DocFormat::Yaml, Some(v2), Some(v3), approval));
        assert!(path_changed(DocFormat::Yaml, None, Some(v2), approval));
        assert!(!path_changed(DocFormat::Yaml, None, None, approval));
        let d = ParsedDoc::parse(DocFormat::Yaml, v3).unwrap();
        assert_eq!(d.text(&["document", "id"]).as_deref(), Some("SOA"));
        assert_eq!(DocFormat::of("soa.yaml"), DocFormat::Yaml);
        assert_eq!(DocFormat::of("policies/a.md"), DocFormat::Markdown);
    }

    #[test]
    fn leaving_out_key_paths_compares_like_the_trees_without_them() {
        let parse = |t: &str| ParsedDoc::parse(DocFormat::Yaml, t).unwrap().root;
        let a = parse("doc:\n  id: P\n  approval: {on: 2025-01-01, by: A}\nitems: [1, 2]\n");
        let b = parse("items: [1, 2]\ndoc:\n  approval: {by: B}\n  id: P\n");
        let c = parse("doc:\n  id: Q\n  approval: {by: B}\nitems: [1, 2]\n");
        let d = parse("doc:\n  id: P\nitems: [1, 2]\nextra: x\n");
        let approval: &[&str] = &["doc", "approval"];
        for (x, y, want) in [
            (&a, &b, true),
            (&a, &c, false),
            (&a, &d, false),
            (&b, &b, true),
        ] {
            assert_eq!(same_except(x, y, &[approval]), want, "{x:?} / {y:?}");
        }
        // Without paths: plain content equality, `5.10` is not `5.1`.
        assert!(!same_except(&parse("v: 5.10\n"), &parse("v: 5.1\n"), &[]));
        // A mapping with keys left out is still no scalar.
        assert!(!same_except(
            &parse("doc: x\n"),
            &parse("doc: {approval: 1}\n"),
            &[approval]
        ));
    }

    #[test]
    fn front_matter_split() {
        let (fm, body) = split_front_matter("---\na: 1\n---\nbody\n").unwrap();
        assert_eq!(fm, 4..9);
        assert_eq!(body, "body\n");
        let (fm, body) = split_front_matter("---\r\na: 1\r\n...\r\n").unwrap();
        assert_eq!(fm, 5..11);
        assert_eq!(body, "");
        assert!(split_front_matter("---\na: 1\n").is_none());
        assert!(split_front_matter("# Title\n---\n").is_none());
    }

    #[test]
    fn a_version_parsed_from_its_neighbour_is_the_full_parse() {
        let v1 = "document:\n  id: DOC-SOA\n  approval: { by: p-ceo, on: 2026-01-10 }\ncontrols:\n  - id: \"5.1\"\n    status: implemented\n  - id: \"5.10\"\n    status: planned\n";
        // Only a record changed: patched. The approval changed: parsed again. Both must be the
        // tree a parse from scratch gives, including locations.
        let v2 = v1.replace("status: planned", "status: implemented\n    owner: p-isms");
        let v3 = v2.replace("2026-01-10", "2026-02-01");
        let base = ParsedDoc::parse(DocFormat::Yaml, v1).unwrap();
        for (from, from_text, text) in [(&base, v1, v2.as_str()), (&base, v1, v3.as_str())] {
            let patched = ParsedDoc::parse_from(DocFormat::Yaml, from, from_text, text).unwrap();
            let fresh = ParsedDoc::parse(DocFormat::Yaml, text).unwrap();
            assert_eq!(patched.root, fresh.root, "{text}");
        }
        // A version that does not parse is no version, as with a parse from scratch.
        assert!(ParsedDoc::parse_from(DocFormat::Yaml, &base, v1, "controls: [").is_none());
    }
}
