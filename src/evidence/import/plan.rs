//! From a [`ScanSummary`] to the changes an import makes: the export stored under
//! `evidence/scanners/` (or `evidence/github/`), and one evidence entry per control in
//! `soa.yaml`, added at the end of the control's `evidence:` list (or replacing the entry for
//! the same file when the same export is imported again). Everything is planned in memory
//! first; [`ImportPlan::apply`] then writes the evidence file and the SoA, both or neither.
//!
//! The SoA is edited as text: only the lines of the new entry are added (or the lines of the
//! replaced entry rewritten), at the indentation of the surrounding list, so comments, quoting
//! and key order elsewhere stay as the user wrote them.

use std::path::Path;

use jiff::civil::Date;

use super::{ScanSummary, Tally};
use crate::fsutil::{Overwrite, WriteError, write_atomic};
use crate::model::Isms;
use crate::source::{FileId, SourceFile};
use crate::yaml::{Node, NodeKind};

/// How an import is recorded.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Record only a pointer to where the export is archived (`url:` with its SHA-256) and do
    /// not store the file in the repository.
    pub pointer: Option<String>,
    /// The collection day, when the export does not carry one (or to override it).
    pub collected: Option<Date>,
    /// Today, the fallback collection day.
    pub today: Option<Date>,
    /// Replace a stored export of the same name with different content.
    pub force: bool,
}

/// One planned change, for the report and `--dry-run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedChange {
    /// Store the export at this repository-relative path.
    StoreFile {
        /// Where.
        path: String,
        /// Its SHA-256.
        sha256: String,
    },
    /// Add an evidence entry to a control.
    AddEvidence {
        /// The control id.
        control: String,
        /// Its results.
        tally: Tally,
    },
    /// Replace the entry of the same export in a control.
    ReplaceEvidence {
        /// The control id.
        control: String,
        /// Its results.
        tally: Tally,
    },
}

/// Everything an import will write.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The export to store (`None` with `--pointer`, or when it is already stored unchanged).
    pub store: Option<(String, Vec<u8>)>,
    /// Where the export is, or is recorded as archived.
    pub reference: String,
    /// The collection day used.
    pub collected: Date,
    /// The expiry day written.
    pub expires: Date,
    /// The SoA file, relative to the ISMS folder.
    pub soa_path: String,
    /// Its text now.
    pub soa_before: String,
    /// Its text after the import.
    pub soa_after: String,
    /// The changes, in order.
    pub changes: Vec<PlannedChange>,
    /// Controls with results that are not in the SoA, or excluded there: not recorded.
    pub not_recorded: Vec<(String, &'static str)>,
}

/// Why an import cannot be planned or applied.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The ISMS has no SoA to record evidence in.
    #[error(
        "there is no soa.yaml that loads: evidence is recorded in the SoA; run `isms check` to see why"
    )]
    NoSoa,
    /// The SoA cannot be edited safely here.
    #[error("{path}:{line}: {message}")]
    Soa {
        /// The SoA file.
        path: String,
        /// The line.
        line: u32,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A stored export of the same name has other content.
    #[error("{0} already exists with different content; pass --force to replace it")]
    Exists(String),
    /// No control of the export can be recorded.
    #[error("none of the controls in the export is an applicable control of the SoA ({0})")]
    NothingToRecord(String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// Reading the stored export failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// The repository-relative path an export is stored at.
pub fn stored_path(summary: &ScanSummary, collected: Date) -> String {
    let folder = match summary.tool {
        super::Tool::Github => "evidence/github",
        _ => "evidence/scanners",
    };
    let name = if summary.label.is_empty() {
        summary.tool.as_str().to_string()
    } else {
        summary.label.clone()
    };
    format!("{folder}/{name}-{collected}.{}", summary.extension)
}

/// Plans the import of `bytes` (summarised as `summary`) into the ISMS at `root`.
pub fn plan(
    root: &Path,
    model: &Isms,
    summary: &ScanSummary,
    bytes: &[u8],
    options: &Options,
) -> Result<ImportPlan, PlanError> {
    let soa = model.soa.as_ref().ok_or(PlanError::NoSoa)?;
    let soa_path = model.sources.path(soa.document.span.file).to_string();
    let source = model.sources.by_path(&soa_path).ok_or(PlanError::NoSoa)?;
    let collected = options
        .collected
        .or(summary.collected)
        .or(options.today)
        .unwrap_or(Date::constant(2000, 1, 1));
    let ttl = model.evidence_settings().ttl_days(summary.tool.as_str());
    let expires = collected
        .checked_add(jiff::Span::new().days(i64::from(ttl)))
        .unwrap_or(collected);
    let sha256 = crate::render::pack::sha256_hex(bytes);

    let mut changes = Vec::new();
    let (reference, store) = match &options.pointer {
        Some(url) => (url.clone(), None),
        None => {
            let rel = stored_path(summary, collected);
            let store = match crate::fsutil::confined_join(root, Path::new(&rel)) {
                Ok(target) if target.exists() => {
                    let old = std::fs::read(&target).map_err(|source| PlanError::Io {
                        path: rel.clone(),
                        source,
                    })?;
                    if old == bytes {
                        None
                    } else if options.force {
                        Some((rel.clone(), bytes.to_vec()))
                    } else {
                        return Err(PlanError::Exists(rel));
                    }
                }
                Ok(_) => Some((rel.clone(), bytes.to_vec())),
                Err(e) => return Err(e.into()),
            };
            if store.is_some() {
                changes.push(PlannedChange::StoreFile {
                    path: rel.clone(),
                    sha256: sha256.clone(),
                });
            }
            (rel, store)
        }
    };

    let tree = crate::yaml::parse(FileId(0), source, 0..source.text.len()).map_err(|e| {
        PlanError::Soa {
            path: soa_path.clone(),
            line: e.span.line,
            message: e.message,
        }
    })?;
    let mut edits: Vec<Edit> = Vec::new();
    let mut not_recorded = Vec::new();
    for (id, tally) in summary.controls_in_order() {
        let entry = model.soa_entries().find(|e| e.value.id.value == *id);
        match entry {
            None => {
                not_recorded.push((id.clone(), "not in the SoA"));
                continue;
            }
            Some(e) if !e.value.is_applicable() => {
                not_recorded.push((id.clone(), "not applicable in the SoA"));
                continue;
            }
            Some(_) => {}
        }
        let fields = EntryFields {
            pointer: options.pointer.is_some(),
            reference: &reference,
            description: describe(summary, tally),
            sha256: &sha256,
            collected,
            expires,
            tool: summary.tool.as_str(),
            tally,
        };
        let (edit, replaced) = edit_for(&soa_path, source, &tree, id, &fields)?;
        edits.push(edit);
        changes.push(if replaced {
            PlannedChange::ReplaceEvidence {
                control: id.clone(),
                tally: tally.clone(),
            }
        } else {
            PlannedChange::AddEvidence {
                control: id.clone(),
                tally: tally.clone(),
            }
        });
    }
    if edits.is_empty() {
        let why = if not_recorded.is_empty() {
            "the export has no automated results".to_string()
        } else {
            not_recorded
                .iter()
                .map(|(id, why)| format!("{id} {why}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(PlanError::NothingToRecord(why));
    }
    let soa_after = apply_edits(&source.text, edits);
    // The result must still be YAML; a failure here is a bug, and nothing is written.
    let check = SourceFile::new(soa_path.clone(), soa_after.clone());
    if let Err(e) = crate::yaml::parse(FileId(0), &check, 0..check.text.len()) {
        return Err(PlanError::Soa {
            path: soa_path,
            line: e.span.line,
            message: format!(
                "the edited SoA would not be valid YAML ({}); nothing was written, please report this",
                e.message
            ),
        });
    }
    Ok(ImportPlan {
        store,
        reference,
        collected,
        expires,
        soa_path,
        soa_before: source.text.clone(),
        soa_after,
        changes,
        not_recorded,
    })
}

fn describe(summary: &ScanSummary, tally: &Tally) -> String {
    format!(
        "{}: {} passed, {} failed",
        summary.kind, tally.passed, tally.failed
    )
}

impl ImportPlan {
    /// Writes the stored export and the SoA: both, or neither (a stored export is removed
    /// again when the SoA cannot be written).
    pub fn apply(&self, root: &Path) -> Result<(), PlanError> {
        let mut written = None;
        if let Some((rel, bytes)) = &self.store {
            let path = write_atomic(root, Path::new(rel), bytes, Overwrite::Replace)?;
            written = Some(path);
        }
        if let Err(e) = write_atomic(
            root,
            Path::new(&self.soa_path),
            self.soa_after.as_bytes(),
            Overwrite::Replace,
        ) {
            if let Some(p) = written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// The SoA change as a unified diff of the lines that change, for `--dry-run`.
    pub fn soa_diff(&self) -> String {
        line_diff(&self.soa_path, &self.soa_before, &self.soa_after)
    }
}

/// A minimal unified diff for one contiguous-or-not set of inserted/replaced lines: common
/// prefix and suffix are skipped per hunk by comparing line by line from both ends between
/// edits. Good enough for the edits this module makes (insertions and block replacements).
fn line_diff(path: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        // Find the next line where the two agree again: the first line of `a` from `i` that
        // appears in `b` after `j`, with the lines in between removed or added.
        let mut resync = None;
        'outer: for di in 0..=(a.len() - i) {
            for dj in 0..=(b.len() - j) {
                let (x, y) = (i + di, j + dj);
                let end_a = x >= a.len();
                let end_b = y >= b.len();
                if (end_a && end_b) || (!end_a && !end_b && a[x] == b[y] && (di > 0 || dj > 0)) {
                    resync = Some((x, y));
                    break 'outer;
                }
            }
        }
        let (x, y) = resync.unwrap_or((a.len(), b.len()));
        let ctx = i.saturating_sub(2);
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            ctx + 1,
            x - ctx,
            j - (i - ctx) + 1,
            y - j + (i - ctx)
        ));
        for line in &a[ctx..i] {
            out.push_str(&format!(" {line}\n"));
        }
        for line in &a[i..x] {
            out.push_str(&format!("-{line}\n"));
        }
        for line in &b[j..y] {
            out.push_str(&format!("+{line}\n"));
        }
        i = x;
        j = y;
    }
    out
}

struct EntryFields<'a> {
    pointer: bool,
    reference: &'a str,
    description: String,
    sha256: &'a str,
    collected: Date,
    expires: Date,
    tool: &'a str,
    tally: &'a Tally,
}

/// A text edit: replace `start..end` with `text`.
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

fn apply_edits(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.start..e.end, &e.text);
    }
    out
}

/// A YAML scalar written so that it reads back as the same text.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-' | ':'))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !s.starts_with(['-', '.'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("'{}'", s.replace('\'', "''")))
    }
}

/// The lines of one evidence entry, the dash at `indent` columns.
fn entry_text(f: &EntryFields<'_>, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let inner = " ".repeat(indent + 2);
    let key = if f.pointer { "url" } else { "path" };
    let mut s = format!("{pad}- {key}: {}\n", scalar(f.reference));
    s.push_str(&format!("{inner}description: {}\n", scalar(&f.description)));
    s.push_str(&format!("{inner}sha256: {}\n", f.sha256));
    s.push_str(&format!("{inner}collected: {}\n", f.collected));
    s.push_str(&format!("{inner}expires: {}\n", f.expires));
    s.push_str(&format!("{inner}scan:\n"));
    s.push_str(&format!("{inner}  tool: {}\n", f.tool));
    s.push_str(&format!("{inner}  passed: {}\n", f.tally.passed));
    s.push_str(&format!("{inner}  failed: {}\n", f.tally.failed));
    if !f.tally.failing.is_empty() {
        s.push_str(&format!("{inner}  failing:\n"));
        for name in &f.tally.failing {
            s.push_str(&format!("{inner}    - {}\n", scalar(name)));
        }
    }
    s
}

/// Byte offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// Moves `end` (a line start) back over trailing blank and comment-only lines, which belong
/// to what follows.
fn trim_back(text: &str, floor: usize, mut end: usize) -> usize {
    while end > floor {
        let prev = line_start(text, end - 1);
        let line = text[prev..end].trim();
        if line.is_empty() || line.starts_with('#') {
            end = prev;
        } else {
            break;
        }
    }
    end
}

/// Where the region of a sequence item ends: the start of the next item's line, or `end`.
fn item_end(text: &str, items: &[Node], i: usize, end: usize) -> usize {
    items
        .get(i + 1)
        .map_or(end, |next| line_start(text, next.span.offset))
}

fn soa_error(path: &str, line: u32, message: impl Into<String>) -> PlanError {
    PlanError::Soa {
        path: path.to_string(),
        line,
        message: message.into(),
    }
}

fn edit_for(
    path: &str,
    source: &SourceFile,
    tree: &Node,
    control: &str,
    f: &EntryFields<'_>,
) -> Result<(Edit, bool), PlanError> {
    let text = source.text.as_str();
    let root_entries = tree
        .as_map()
        .ok_or_else(|| soa_error(path, 1, "the SoA is not a mapping"))?;
    let pos = root_entries
        .iter()
        .position(|(k, _)| k.name == "controls")
        .ok_or_else(|| soa_error(path, 1, "the SoA has no `controls:` list"))?;
    let controls = &root_entries[pos].1;
    let controls_end = root_entries
        .get(pos + 1)
        .map_or(text.len(), |(k, _)| line_start(text, k.span.offset));
    let items = controls.as_seq().ok_or_else(|| {
        soa_error(
            path,
            controls.span.line,
            "`controls:` is not a list written as `- id: ...` items",
        )
    })?;
    let i = items
        .iter()
        .position(|n| n.get("id").and_then(Node::scalar_text) == Some(control))
        .ok_or_else(|| {
            soa_error(
                path,
                controls.span.line,
                format!("control {control} is not in `controls:`"),
            )
        })?;
    let item = &items[i];
    let flow = |n: &Node| text[n.span.offset..].starts_with(['{', '[']);
    if flow(item) {
        return Err(soa_error(
            path,
            item.span.line,
            format!(
                "control {control} is written on one line (`{{ ... }}`); write it as a block mapping so that evidence can be added"
            ),
        ));
    }
    let start = line_start(text, item.span.offset);
    let end = trim_back(text, start, item_end(text, items, i, controls_end));
    let entries = item.as_map().unwrap_or(&[]);
    let key_col = entries
        .first()
        .map_or(0, |(k, _)| k.span.column.saturating_sub(1) as usize);
    let Some(ev_pos) = entries.iter().position(|(k, _)| k.name == "evidence") else {
        // No `evidence:` yet: add the key at the end of the control.
        let mut t = format!("{}evidence:\n", " ".repeat(key_col));
        t.push_str(&entry_text(f, key_col + 2));
        return Ok((
            Edit {
                start: end,
                end,
                text: t,
            },
            false,
        ));
    };
    let (ev_key, ev) = &entries[ev_pos];
    let ev_end = entries.get(ev_pos + 1).map_or(end, |(k, _)| {
        trim_back(text, start, line_start(text, k.span.offset))
    });
    match &ev.kind {
        NodeKind::Null => {
            // `evidence:` with nothing after it: the entries go on the following lines.
            let after_key = text[ev_key.span.offset..]
                .find('\n')
                .map_or(text.len(), |n| ev_key.span.offset + n + 1);
            let t = entry_text(f, key_col + 2);
            let t = if after_key > text.len() || !text[..after_key].ends_with('\n') {
                format!("\n{t}")
            } else {
                t
            };
            Ok((
                Edit {
                    start: after_key,
                    end: after_key,
                    text: t,
                },
                false,
            ))
        }
        NodeKind::Seq(list) if list.is_empty() && flow(ev) => {
            // `evidence: []`: replace the empty list by a block list.
            let close = text[ev.span.offset..]
                .find(']')
                .map_or(ev.span.offset + 2, |n| ev.span.offset + n + 1);
            let t = format!("\n{}", entry_text(f, key_col + 2));
            let t = t.trim_end_matches('\n').to_string();
            Ok((
                Edit {
                    start: ev.span.offset,
                    end: close,
                    text: t,
                },
                false,
            ))
        }
        NodeKind::Seq(list) if !flow(ev) => {
            let first = &list[0];
            let dash_line = line_start(text, first.span.offset);
            let indent = text[dash_line..first.span.offset]
                .find('-')
                .unwrap_or(key_col + 2);
            // The same export imported again replaces its own entry.
            let reference_key = if f.pointer { "url" } else { "path" };
            let same = list.iter().position(|n| {
                n.get(reference_key)
                    .and_then(Node::scalar_text)
                    .is_some_and(|p| {
                        crate::loader::normalise_rel(p) == crate::loader::normalise_rel(f.reference)
                    })
            });
            if let Some(k) = same {
                let s = line_start(text, list[k].span.offset);
                let e = trim_back(text, s, item_end(text, list, k, ev_end));
                if flow(&list[k]) {
                    return Err(soa_error(
                        path,
                        list[k].span.line,
                        format!(
                            "the evidence entry for {} is written on one line; write it as a block mapping, or remove it, and import again",
                            f.reference
                        ),
                    ));
                }
                return Ok((
                    Edit {
                        start: s,
                        end: e,
                        text: entry_text(f, indent),
                    },
                    true,
                ));
            }
            let at = ev_end;
            let mut t = entry_text(f, indent);
            if at > 0 && !text[..at].ends_with('\n') {
                t.insert(0, '\n');
            }
            Ok((
                Edit {
                    start: at,
                    end: at,
                    text: t,
                },
                false,
            ))
        }
        _ => Err(soa_error(
            path,
            ev.span.line,
            format!(
                "the evidence of control {control} is written on one line (`[ ... ]`); write it as a block list (`- path: ...` lines) so that entries can be added"
            ),
        )),
    }
}
