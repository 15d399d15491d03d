//! From a [`ScanSummary`] to the changes an import makes: the export stored under
//! `evidence/scanners/` (or `evidence/github/`), and one evidence entry per control in
//! `soa.yaml`, appended to the control's `evidence:` list through the shared editing layer
//! ([`crate::edit`]), so only the new entry's lines are written and comments, quoting and key
//! order elsewhere stay as the user wrote them. The same export imported again changes
//! nothing; a changed export under the same name (`--force`) has the fields of its entries set.
//! Everything is planned in memory first; [`ImportPlan::apply`] then writes the evidence file
//! and the SoA, both or neither.

use std::path::Path;

use jiff::civil::Date;

use super::{ScanSummary, Tally};
use crate::edit::{ChangeSet, EditError, FileEdit, Step, Value};
use crate::fsutil::{Overwrite, WriteError};
use crate::model::Isms;
use crate::source::{FileId, SourceFile};
use crate::yaml::Node;

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
    /// The control already records this export: nothing to change.
    Unchanged {
        /// The control id.
        control: String,
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
#[derive(Debug)]
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
    /// The planned edit of the SoA.
    pub edits: ChangeSet,
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
    /// A stored export of the same name has other content.
    #[error("{0} already exists with different content; pass --force to replace it")]
    Exists(String),
    /// No control of the export can be recorded.
    #[error("none of the controls in the export is an applicable control of the SoA ({0})")]
    NothingToRecord(String),
    /// The SoA cannot be edited (written in a form the editing layer does not change).
    #[error(transparent)]
    Edit(#[from] EditError),
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
    if soa_path.is_empty() {
        return Err(PlanError::NoSoa);
    }
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
            let target = crate::fsutil::confined_join(root, Path::new(&rel))?;
            let store = if target.exists() {
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
            } else {
                Some((rel.clone(), bytes.to_vec()))
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

    let mut edit = FileEdit::open(root, &soa_path)?;
    let mut not_recorded = Vec::new();
    let mut recorded = 0usize;
    for (id, tally) in summary.controls_in_order() {
        let entry = model.soa_entries().find(|e| e.value.id.value == *id);
        let entry = match entry {
            None => {
                not_recorded.push((id.clone(), "not in the SoA"));
                continue;
            }
            Some(e) if !e.value.is_applicable() => {
                not_recorded.push((id.clone(), "not applicable in the SoA"));
                continue;
            }
            Some(e) => e,
        };
        recorded += 1;
        let item = entry_value(&EntryFields {
            pointer: options.pointer.is_some(),
            reference: &reference,
            description: describe(summary, tally),
            sha256: &sha256,
            collected,
            expires,
            tool: summary.tool.as_str(),
            tally,
        });
        let same = |e: &crate::model::EvidenceRef| {
            let r = if options.pointer.is_some() {
                e.url.as_ref()
            } else {
                e.path.as_ref()
            };
            r.is_some_and(|r| {
                crate::loader::normalise_rel(&r.value) == crate::loader::normalise_rel(&reference)
            })
        };
        let path = [
            Step::key("controls"),
            Step::id(id.clone()),
            Step::key("evidence"),
        ];
        let existing = crate::model::loaded(&entry.value.evidence).position(|e| same(&e.value));
        match existing {
            None => {
                edit.append(&path, &item)?;
                changes.push(PlannedChange::AddEvidence {
                    control: id.clone(),
                    tally: tally.clone(),
                });
            }
            Some(k) => {
                let unchanged = store.is_none()
                    && crate::model::loaded(&entry.value.evidence)
                        .nth(k)
                        .and_then(|e| e.value.sha256.as_ref())
                        .is_some_and(|h| h.value.eq_ignore_ascii_case(&sha256));
                if unchanged {
                    changes.push(PlannedChange::Unchanged {
                        control: id.clone(),
                    });
                    continue;
                }
                // Only the fields an import writes are set; the entry's other fields, and every
                // other entry, stay as they are.
                let k =
                    item_index(&edit, &path, options.pointer.is_some(), &reference)?.unwrap_or(k);
                let mut at = path.to_vec();
                at.push(Step::Index(k));
                if let Value::Map(fields) = &item {
                    for (field, value) in fields {
                        edit.set(&at, field, value)?;
                    }
                }
                changes.push(PlannedChange::ReplaceEvidence {
                    control: id.clone(),
                    tally: tally.clone(),
                });
            }
        }
    }
    if recorded == 0 {
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
    let mut edits = ChangeSet::new();
    edits.push(edit);
    Ok(ImportPlan {
        store,
        reference,
        collected,
        expires,
        soa_path,
        edits,
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
    /// Writes the stored export and the SoA: both, or neither. The export is staged first,
    /// the SoA written through the editing layer, then the export renamed into place.
    pub fn apply(&self, root: &Path) -> Result<(), PlanError> {
        let staged = match &self.store {
            Some((rel, bytes)) => Some(crate::fsutil::stage_atomic(
                root,
                Path::new(rel),
                bytes,
                Overwrite::Replace,
            )?),
            None => None,
        };
        self.edits.apply(root, Overwrite::Refuse)?;
        if let Some(s) = staged {
            s.commit()?;
        }
        Ok(())
    }

    /// The SoA change as a unified diff, for `--dry-run`.
    pub fn soa_diff(&self) -> String {
        self.edits.diff()
    }
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

/// One evidence entry as the editing layer writes it.
fn entry_value(f: &EntryFields<'_>) -> Value {
    let key = if f.pointer { "url" } else { "path" };
    let mut scan = vec![
        ("tool", Value::str(f.tool)),
        ("passed", Value::Int(i64::from(f.tally.passed))),
        ("failed", Value::Int(i64::from(f.tally.failed))),
    ];
    if !f.tally.failing.is_empty() {
        scan.push(("failing", Value::strs(f.tally.failing.iter().cloned())));
    }
    Value::map([
        (key, Value::str(f.reference)),
        ("description", Value::str(f.description.clone())),
        ("sha256", Value::str(f.sha256)),
        ("collected", Value::Date(f.collected)),
        ("expires", Value::Date(f.expires)),
        ("scan", Value::map(scan)),
    ])
}

/// The position, in the planned text, of the evidence item at `path` that refers to
/// `reference`: the model skips entries that failed to load, the text does not.
fn item_index(
    edit: &FileEdit,
    path: &[Step],
    pointer: bool,
    reference: &str,
) -> Result<Option<usize>, PlanError> {
    let source = SourceFile::new(edit.rel().to_string(), edit.text().to_string());
    let tree = crate::yaml::parse(FileId(0), &source, 0..source.text.len()).map_err(|e| {
        EditError::Parse {
            path: edit.rel().to_string(),
            line: e.span.line,
            message: e.message,
        }
    })?;
    let mut node = Some(&tree);
    for step in path {
        node = node.and_then(|n| match step {
            Step::Key(key) => n.get(key),
            Step::Id(id) => n
                .as_seq()?
                .iter()
                .find(|i| i.get("id").and_then(Node::scalar_text) == Some(id.as_str())),
            Step::Index(k) => n.as_seq()?.get(*k),
        });
    }
    let key = if pointer { "url" } else { "path" };
    let wanted = crate::loader::normalise_rel(reference);
    Ok(node.and_then(Node::as_seq).and_then(|items| {
        items.iter().position(|i| {
            i.get(key)
                .and_then(Node::scalar_text)
                .is_some_and(|r| crate::loader::normalise_rel(r) == wanted)
        })
    }))
}
