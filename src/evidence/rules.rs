//! The `GIT-nn` findings of `isms check`, computed from the history index and the loaded
//! model. The rules are documented in docs/evidence.md and registered (code, name, default
//! severity, clause) in the rule table; each function here emits them at that default
//! severity, and the check engine's sink applies configuration and waivers afterwards.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use git2::Oid;

use jiff::civil::Date;

use super::history::{BuildOptions, ChangeKind, HistoryEntry, HistoryIndex};
use super::records::{DocFormat, ParsedDoc, only_paths_changed_in, path_changed_in};
use super::repo::RepoState;
use super::worktree::{WorkingChange, working_tree_changes};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{self, Approval, ImplementationStatus, Isms, Person};
use crate::yaml::{Node, Spanned};

/// Where the approval sits in a Markdown document's front matter.
const MARKDOWN_APPROVAL: &[&str] = &["approval"];
/// Where the approval sits in a YAML document (the SoA keeps document control under
/// `document:`).
const YAML_APPROVAL: &[&str] = &["document", "approval"];
/// The record of how a policy was communicated: recording it later does not change the
/// document that was approved.
const MARKDOWN_COMMUNICATED: &[&str] = &["communicated"];

/// Every `GIT-nn` diagnostic for the ISMS in `root`, whose loaded model is `model`, with
/// date-driven rules evaluated as of `as_of`.
///
/// Never fails: a history that cannot be read is itself a finding (`GIT-08`), and the rules
/// that need it are skipped.
pub fn check(root: &Path, model: &Isms, as_of: Date) -> Vec<Diagnostic> {
    Trail::read(root).findings(model, as_of)
}

/// What the Git evidence rules read from the repository before they need the model: the
/// history index and the uncommitted changes. Reading it takes as long as loading the records
/// of a small ISMS, so `isms check` reads both at once, on two threads.
pub struct Trail {
    /// The findings that need no model (repository state, uncommitted files, unreadable
    /// history).
    found: Vec<Diagnostic>,
    index: Option<HistoryIndex>,
}

impl Trail {
    /// Reads the history and working tree of the repository holding `root`.
    pub fn read(root: &Path) -> Trail {
        let mut found = Vec::new();
        let index = match HistoryIndex::build(root, &BuildOptions::default()) {
            Ok(index) => index,
            Err(e) => {
                found.push(unreadable(&e.to_string()));
                return Trail { found, index: None };
            }
        };
        match &index {
            Some(index) => found.extend(state_findings(index.state())),
            None => found.extend(state_findings(&RepoState::NoRepository {
                searched_from: root.to_path_buf(),
            })),
        }
        if index.is_some() {
            match working_tree_changes(root) {
                Ok(changes) => found.extend(worktree_findings(&changes)),
                Err(e) => found.push(unreadable(&e.to_string())),
            }
        }
        Trail { found, index }
    }

    /// Every `GIT-nn` diagnostic, given the model loaded from the same folder.
    pub fn findings(self, model: &Isms, as_of: Date) -> Vec<Diagnostic> {
        let mut out = self.found;
        if let Some(index) = self.index.filter(|i| i.state().has_history()) {
            out.extend(approval_findings(&index, model));
            out.extend(freshness_findings(&index, model, as_of));
        }
        out
    }
}

fn unreadable(reason: &str) -> Diagnostic {
    Diagnostic::warning(
        "GIT-08",
        format!("the Git history cannot be read, so approval and evidence-age checks were skipped: {reason}"),
    )
    .with_hint("run `git fsck` in the repository; if it reports damage, restore it from a clone")
}

/// `GIT-01` (no history) and `GIT-02` (shallow clone).
pub fn state_findings(state: &RepoState) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    match state {
        RepoState::NoRepository { .. } => out.push(
            Diagnostic::info(
                "GIT-01",
                "the ISMS is not in a Git repository: approval and evidence-age checks were skipped",
            )
            .with_hint(
                "keep the ISMS in Git (`git init`, then commit it): the history is the evidence \
                 trail an auditor can follow",
            ),
        ),
        RepoState::Empty(_) => out.push(
            Diagnostic::info(
                "GIT-01",
                "the Git repository has no commits yet: approval and evidence-age checks were skipped",
            )
            .with_hint("commit the ISMS to start its evidence trail"),
        ),
        RepoState::Ready(info) => {
            if info.shallow {
                out.push(
                    Diagnostic::warning(
                        "GIT-02",
                        "this is a shallow clone: the history is truncated, so approval and \
                         evidence dates read from it may be wrong",
                    )
                    .with_hint(
                        "fetch the full history with `git fetch --unshallow`; in GitHub Actions \
                         set `fetch-depth: 0` on actions/checkout",
                    ),
                );
            }
        }
    }
    out
}

/// `GIT-03`: one finding per uncommitted or untracked file in the ISMS folder.
pub fn worktree_findings(changes: &[WorkingChange]) -> Vec<Diagnostic> {
    changes
        .iter()
        .map(|c| {
            let what = match c.status {
                super::WorkingStatus::Modified => "has uncommitted changes",
                super::WorkingStatus::Added => "is staged but not committed",
                super::WorkingStatus::Deleted => "is deleted but the deletion is not committed",
                super::WorkingStatus::Untracked => "is not in Git (untracked)",
            };
            Diagnostic::warning("GIT-03", format!("{} {what}", c.path))
                .at(Location::file(c.path.clone()))
                .with_hint(
                    "commit it so that the evidence trail shows it (rendered documents are marked \
                     DRAFT until then), or list it in .gitignore if it is not part of the ISMS",
                )
        })
        .collect()
}

/// A controlled document as the approval rules see it.
struct ControlledDoc<'a> {
    id: &'a str,
    path: String,
    approval: &'a Approval,
    format: DocFormat,
    approval_path: &'static [&'static str],
    /// The information security policy must be approved by top management (5.2).
    needs_top_management: bool,
    /// The text on disk and the loader's tree of it, where the loader kept one (the SoA).
    tree: Option<(&'a str, &'a Node)>,
}

fn controlled_docs(model: &Isms) -> Vec<ControlledDoc<'_>> {
    let isp = model
        .information_security_policy()
        .map(|p| p.source.path.clone());
    let mut docs: Vec<ControlledDoc<'_>> = model
        .documents()
        .into_iter()
        .map(|d| {
            let path = d.doc_source().path.clone();
            ControlledDoc {
                id: &d.id().value,
                needs_top_management: isp.as_deref() == Some(path.as_str()),
                path,
                approval: d.approval(),
                format: DocFormat::Markdown,
                approval_path: MARKDOWN_APPROVAL,
                tree: None,
            }
        })
        .collect();
    if let Some(soa) = &model.soa {
        let doc = &soa.document;
        docs.push(ControlledDoc {
            id: &doc.id.value,
            path: model.sources.path(doc.span.file).to_string(),
            approval: &doc.approval,
            format: DocFormat::Yaml,
            approval_path: YAML_APPROVAL,
            needs_top_management: false,
            tree: model
                .soa_tree
                .as_deref()
                .filter(|t| t.span.file == doc.span.file)
                .zip(model.sources.get(doc.span.file))
                .map(|(t, s)| (s.text.as_str(), t)),
        });
    }
    docs.retain(|d| !d.path.is_empty());
    docs
}

/// Why an `Approved-by:` value does not name a recognised approver.
fn unrecognised(model: &Isms, value: &str, needs_top_management: bool) -> Option<String> {
    match approver(model, value) {
        None => Some("is not a person listed in isms.yaml".to_string()),
        Some(p) if needs_top_management && !p.top_management => Some(format!(
            "is {} ({}), who is not top management; the information security policy must be \
             approved by top management (5.2)",
            p.name.value, p.id.value
        )),
        Some(_) => None,
    }
}

/// The person an `Approved-by:` value (`Name <email>`, or just a name or email) names:
/// matched by email first, then by name, both without regard to case.
fn approver<'a>(model: &'a Isms, value: &str) -> Option<&'a Person> {
    let (name, email) = match (value.find('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => (value[..a].trim(), Some(value[a + 1..b].trim())),
        _ if value.contains('@') => ("", Some(value.trim())),
        _ => (value.trim(), None),
    };
    let people = || model.people.iter().map(|p| &p.value);
    email
        .filter(|e| !e.is_empty())
        .and_then(|e| {
            people().find(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|pe| pe.eq_ignore_ascii_case(e))
            })
        })
        .or_else(|| {
            (!name.is_empty())
                .then(|| people().find(|p| p.name.value.trim().eq_ignore_ascii_case(name)))
                .flatten()
        })
}

/// Whether the change in `entry` carries a recognised Git approval: an `Approved-by:` trailer
/// on its own commit, or on a merge commit (newer in the same history) that brought it in.
fn approved_in_git(
    index: &HistoryIndex,
    model: &Isms,
    doc: &ControlledDoc<'_>,
    history: &[HistoryEntry<'_>],
    position: usize,
) -> bool {
    let ok = |values: &[String]| {
        values
            .iter()
            .any(|v| unrecognised(model, v, doc.needs_top_management).is_none())
    };
    let commit = history[position].commit;
    if ok(&commit.approved_by) {
        return true;
    }
    history[..position].iter().any(|later| {
        later.commit.is_merge()
            && ok(&later.commit.approved_by)
            && index.is_ancestor(&commit.id, &later.commit.id)
    })
}

/// `GIT-04` (content changed after approval) and `GIT-05` (unrecognised `Approved-by:`).
pub fn approval_findings(index: &HistoryIndex, model: &Isms) -> Vec<Diagnostic> {
    let docs: Vec<(ControlledDoc<'_>, Vec<HistoryEntry<'_>>)> = controlled_docs(model)
        .into_iter()
        .filter_map(|doc| {
            let mut history = index.history(&doc.path);
            // Older entries than a deletion belong to an earlier file at the same path.
            if let Some(cut) = history
                .iter()
                .position(|e| matches!(e.change.kind, ChangeKind::Deleted))
            {
                history.truncate(cut);
            }
            (!history.is_empty()).then_some((doc, history))
        })
        .collect();
    // Comparing versions means parsing them, most of the cost of `check` in a repository with
    // history; documents are independent, so they are compared side by side, the longest
    // histories first, and the findings kept in document order.
    let mut longest_first: Vec<usize> = (0..docs.len()).collect();
    longest_first.sort_by_key(|&i| std::cmp::Reverse(docs[i].1.len()));
    crate::parallel::map_in_order(&docs, usize::MAX, Some(&longest_first), |(doc, history)| {
        let mut out = unrecognised_trailers(model, doc, history);
        let newest = history.first().and_then(|e| e.change.blobs().1);
        let versions = Versions::new(index, doc.format, newest, doc.tree);
        out.extend(outdated_approval(index, model, doc, history, &versions));
        versions.free();
        out
    })
    .into_iter()
    .flatten()
    .collect()
}

fn unrecognised_trailers(
    model: &Isms,
    doc: &ControlledDoc<'_>,
    history: &[HistoryEntry<'_>],
) -> Vec<Diagnostic> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in history {
        for value in &e.commit.approved_by {
            if !seen.insert((e.commit.id.as_str(), value.as_str())) {
                continue;
            }
            if let Some(why) = unrecognised(model, value, doc.needs_top_management) {
                out.push(
                    Diagnostic::warning(
                        "GIT-05",
                        format!(
                            "commit {} ({}) changed {} with `Approved-by: {value}`, but {value} {why}",
                            e.commit.short_id,
                            e.commit.local_datetime().date(),
                            doc.id
                        ),
                    )
                    .at(Location::file(doc.path.clone()))
                    .for_record(doc.id)
                    .with_hint(
                        "approvals count only from people in isms.yaml (matched by email, then name); \
                         add the approver there, or record the approval again by someone entitled to give it",
                    ),
                );
            }
        }
    }
    out
}

/// `GIT-04`. The commit that records the current approval binds it to the content as committed
/// there: changes in that commit are covered, and so are changes in commits it descends from.
/// Every content change that is not an ancestor of it came after the approval, whatever its
/// date. The `on:` date is the approver's claim and is checked against the history: a content
/// change committed after that day but before the approval was recorded (a back-dated approval)
/// is reported as a date mismatch, since the approver cannot have seen it on that day.
fn outdated_approval(
    index: &HistoryIndex,
    model: &Isms,
    doc: &ControlledDoc<'_>,
    history: &[HistoryEntry<'_>],
    versions: &Versions<'_>,
) -> Vec<Diagnostic> {
    let Some(on) = doc.approval.on.as_ref() else {
        return Vec::new();
    };
    let approved = on.value.civil();
    // Both sides of a change, parsed when first needed: the rules below ask about the same
    // versions several times, and the old side of one change is the new side of the next.
    let side = |i: usize| {
        let (old, new) = history[i].change.blobs();
        (versions.get(old, new), versions.get(new, old))
    };
    // A change to the content (not a rename, not the approval fields alone) that no
    // `Approved-by:` trailer covers.
    let unapproved_content_change = |i: usize| -> bool {
        // The trailers are read without parsing anything: ask them before comparing versions.
        if history[i].change.content_unchanged() || approved_in_git(index, model, doc, history, i) {
            return false;
        }
        let records: &[&[&str]] = match doc.format {
            DocFormat::Markdown => &[doc.approval_path, MARKDOWN_COMMUNICATED],
            DocFormat::Yaml => &[doc.approval_path],
        };
        // A file added or deleted, or a version that cannot be read, is a content change; an
        // added file's first version is not parsed for it.
        let (old_blob, new_blob) = history[i].change.blobs();
        if old_blob.is_none() || new_blob.is_none() {
            return true;
        }
        let Some(old) = versions.get(old_blob, new_blob) else {
            return true;
        };
        !matches!(versions.get(new_blob, old_blob), Some(new) if only_paths_changed_in(&old.doc, &new.doc, records))
    };
    // History is newest first: the first change of the approval fields recorded the approval
    // in force.
    let recorded = (0..history.len()).position(|i| {
        let (old, new) = side(i);
        path_changed_in(
            old.as_ref().map(|v| &v.doc),
            new.as_ref().map(|v| &v.doc),
            doc.approval_path,
        )
    });
    let mut out = Vec::new();
    let Some(pos) = recorded else {
        // The approval is not committed (GIT-03 reports that): only the date can tell.
        let after: Vec<usize> = (0..history.len())
            .filter(|&i| history[i].commit.local_datetime().date() > approved)
            .filter(|&i| unapproved_content_change(i))
            .collect();
        out.extend(changed_after(model, doc, on, history, &after));
        return out;
    };
    let rec = history[pos].commit;
    let after: Vec<usize> = (0..history.len())
        .filter(|&i| i != pos && !index.is_ancestor(&history[i].commit.id, &rec.id))
        .filter(|&i| unapproved_content_change(i))
        .collect();
    out.extend(changed_after(model, doc, on, history, &after));

    // An approval dated after the commit that records it no longer extends its cover (the
    // commits decide, not the date); a date after the as-of day is SUP-08's.
    let recorded_on = rec.local_datetime().date();
    // Changes the recording commit descends from, committed after the day the approval claims:
    // the approver cannot have seen them on that day.
    let between: Vec<usize> = (pos + 1..history.len())
        .filter(|&i| history[i].commit.local_datetime().date() > approved)
        .filter(|&i| index.is_ancestor(&history[i].commit.id, &rec.id))
        .filter(|&i| unapproved_content_change(i))
        .collect();
    // Newest first: the last one is the first change after the approval date.
    if let Some(&first) = between.last() {
        let c = history[first].commit;
        out.push(
            Diagnostic::warning(
                "GIT-04",
                format!(
                    "{} ({}) is recorded as approved on {approved}, but the approval was committed \
                     on {recorded_on} (commit {}) after its content changed in commit {} on {} by \
                     {} (\"{}\"){}: the approval is dated before the text it was recorded with",
                    doc.id,
                    doc.path,
                    rec.short_id,
                    c.short_id,
                    c.local_datetime().date(),
                    c.author,
                    c.subject,
                    and_more(between.len() - 1, "later commit")
                ),
            )
            .at(model.location(on.span))
            .for_record(doc.id)
            .with_hint(format!(
                "if the approver approved the current text, set `approval.on` to the day they did; \
                 otherwise have the current text approved; `isms log {}` shows the changes",
                doc.path
            )),
        );
    }
    out
}

/// The versions of one controlled document, parsed at most once each (by blob id). A version
/// is parsed by patching a neighbouring version already parsed (only records changed between
/// consecutive versions, as a rule), so reading a long history costs about one full parse.
struct Versions<'i> {
    index: &'i HistoryIndex,
    format: DocFormat,
    /// `None`: the version cannot be read or parsed.
    parsed: RefCell<HashMap<Oid, Option<Arc<Version>>>>,
}

impl<'i> Versions<'i> {
    /// `newest` is the last committed version and `working` the copy on disk with the tree
    /// the loader read it into: when the two are the same text (nothing uncommitted), that
    /// tree is the newest version's, and the history is patched from it instead of starting
    /// with a full parse.
    fn new(
        index: &'i HistoryIndex,
        format: DocFormat,
        newest: Option<Oid>,
        working: Option<(&str, &Node)>,
    ) -> Self {
        let mut parsed = HashMap::new();
        if let (Some(blob), Some((text, tree))) = (newest, working)
            && let Ok(Some(committed)) = index.blob_text(Some(blob))
            && committed == text
            && let Some(doc) = ParsedDoc::from_tree(format, &committed, tree)
        {
            parsed.insert(
                blob,
                Some(Arc::new(Version {
                    text: committed,
                    doc,
                })),
            );
        }
        Versions {
            index,
            format,
            parsed: RefCell::new(parsed),
        }
    }

    /// Frees the parsed versions. The trees of a long SoA history take about a millisecond
    /// to free and the findings do not wait for it, so that happens on a thread of its own.
    fn free(self) {
        let parsed = self.parsed.into_inner();
        if self.format == DocFormat::Yaml && parsed.len() > 2 {
            // A thread refused drops the closure, and the versions with it, right here.
            let _ = std::thread::Builder::new().spawn(move || drop(parsed));
        }
    }

    /// The parsed version `blob`; `near` is a version that probably differs little from it
    /// (the other side of the same change), used as the starting point when it is parsed.
    fn get(&self, blob: Option<Oid>, near: Option<Oid>) -> Option<Arc<Version>> {
        let blob = blob?;
        if let Some(known) = self.parsed.borrow().get(&blob) {
            return known.clone();
        }
        let from = near.and_then(|n| self.parsed.borrow().get(&n).cloned().flatten());
        let parsed = self
            .index
            .blob_text(Some(blob))
            .ok()
            .flatten()
            .and_then(|text| {
                let doc = match &from {
                    Some(f) => ParsedDoc::parse_from(self.format, &f.doc, &f.text, &text),
                    None => ParsedDoc::parse(self.format, &text),
                }?;
                Some(Arc::new(Version { text, doc }))
            });
        self.parsed.borrow_mut().insert(blob, parsed.clone());
        parsed
    }
}

/// A version's text with its parse.
struct Version {
    text: String,
    doc: ParsedDoc,
}

/// " (and N later commits)" for the commits after the first one named.
fn and_more(n: usize, what: &str) -> String {
    match n {
        0 => String::new(),
        1 => format!(" (and 1 {what})"),
        n => format!(" (and {n} {what}s)"),
    }
}

/// The `GIT-04` finding for content changes (`after`, indices into the newest-first `history`)
/// made after the approval was recorded.
fn changed_after(
    model: &Isms,
    doc: &ControlledDoc<'_>,
    on: &Spanned<model::Date>,
    history: &[HistoryEntry<'_>],
    after: &[usize],
) -> Option<Diagnostic> {
    let approved = on.value.civil();
    // Newest first: the last element is the first change after the approval.
    let c = history[*after.last()?].commit;
    Some(
        Diagnostic::warning(
            "GIT-04",
            format!(
                "{} ({}) was approved on {approved}, but its content changed afterwards in commit {} on {} by {} (\"{}\"){}",
                doc.id,
                doc.path,
                c.short_id,
                c.local_datetime().date(),
                c.author,
                c.subject,
                and_more(after.len() - 1, "later commit")
            ),
        )
        .at(model.location(on.span))
        .for_record(doc.id)
        .with_hint(format!(
            "have the change reviewed and record the new approval (`approval: {{ by, on }}`), or \
             approve it in Git with an `Approved-by:` trailer; `isms log {}` shows the changes",
            doc.path
        )),
    )
}

/// The date of one evidence reference, or why it has none.
enum EvidenceDate {
    Dated {
        date: Date,
        how: String,
    },
    Undated(String),
    /// Past its `expires:` date or otherwise not usable: ignored.
    Ignored,
}

fn normalise(p: &str) -> String {
    crate::loader::normalise_rel(p)
}

fn evidence_date(index: &HistoryIndex, r: &model::EvidenceRef, as_of: Date) -> EvidenceDate {
    if r.expires.as_ref().is_some_and(|e| e.value.civil() < as_of) {
        return EvidenceDate::Ignored;
    }
    let collected = r.collected.as_ref().map(|c| c.value.civil());
    if let Some(path) = &r.path {
        let p = normalise(&path.value);
        let last_change = |p: &str| -> Option<(Date, bool)> {
            let h = index.history(p);
            let e = h.first()?;
            Some((
                e.commit.local_datetime().date(),
                matches!(e.change.kind, ChangeKind::Deleted),
            ))
        };
        // The recorded collection date decides when it is older than the commit: a file
        // collected in 2024 and committed last week is still 2024 evidence.
        let dated = |committed: Date, what: &str| match collected {
            Some(c) if c < committed => EvidenceDate::Dated {
                date: c,
                how: format!("{what}, collected"),
            },
            _ => EvidenceDate::Dated {
                date: committed,
                how: format!("{what}, last committed"),
            },
        };
        match last_change(&p) {
            Some((date, false)) => {
                return dated(date, &p);
            }
            Some((_, true)) => {}
            None => {
                // A folder of evidence: its newest file.
                let prefix = format!("{p}/");
                let newest = index
                    .paths()
                    .into_iter()
                    .filter(|q| q.starts_with(&prefix))
                    .filter_map(last_change)
                    .filter(|(_, deleted)| !deleted)
                    .map(|(d, _)| d)
                    .max();
                if let Some(date) = newest {
                    return dated(date, &format!("{p}/"));
                }
            }
        }
        return match collected {
            Some(date) => EvidenceDate::Dated {
                date,
                how: format!("{p}, collected"),
            },
            None => {
                EvidenceDate::Undated(format!("{p} is not committed and has no `collected:` date"))
            }
        };
    }
    if let Some(url) = &r.url {
        return match collected {
            Some(date) => EvidenceDate::Dated {
                date,
                how: format!("{}, collected", url.value),
            },
            None => EvidenceDate::Undated(format!("{} has no `collected:` date", url.value)),
        };
    }
    EvidenceDate::Ignored
}

/// `GIT-09`: an evidence file whose `collected:` date is later than the last commit that
/// changed it. The file in the repository existed before it was supposedly collected, so
/// either the date or the file is wrong.
fn collected_after_commit(
    index: &HistoryIndex,
    model: &Isms,
    id: &str,
    r: &model::EvidenceRef,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(path), Some(collected)) = (&r.path, &r.collected) else {
        return;
    };
    let p = normalise(&path.value);
    let h = index.history(&p);
    let Some(last) = h.first() else {
        return; // a folder or an uncommitted file: no single commit to compare with
    };
    if matches!(last.change.kind, ChangeKind::Deleted) {
        return;
    }
    let committed = last.commit.local_datetime().date();
    if collected.value.civil() <= committed {
        return;
    }
    out.push(
        Diagnostic::warning(
            "GIT-09",
            format!(
                "evidence {p} of control {id} is dated `collected: {}`, but the file was last committed on {committed}, before it was collected",
                collected.value
            ),
        )
        .at(model.location(collected.span))
        .for_record(id)
        .with_hint(
            "correct the `collected:` date to the day the evidence was produced, or commit the \
             evidence that was actually collected on that day",
        ),
    );
}

/// `GIT-06` (newest evidence too old), `GIT-07` (no dated evidence for an implemented
/// control) and `GIT-09` (collected after it was committed), for every applicable control of
/// the SoA.
pub fn freshness_findings(index: &HistoryIndex, model: &Isms, as_of: Date) -> Vec<Diagnostic> {
    let max_age = model.cadences().evidence_max_age_days;
    let mut out = Vec::new();
    for entry in model.soa_entries() {
        let control = &entry.value;
        if !control.is_applicable() {
            continue;
        }
        let id = control.id.value.as_str();
        let mut newest: Option<(Date, String, crate::source::Span)> = None;
        let mut undated: Vec<String> = Vec::new();
        for r in control.evidence.iter() {
            collected_after_commit(index, model, id, &r.value, &mut out);
            match evidence_date(index, &r.value, as_of) {
                EvidenceDate::Dated { date, how } => {
                    if newest.as_ref().is_none_or(|(d, _, _)| date > *d) {
                        newest = Some((date, how, r.span));
                    }
                }
                EvidenceDate::Undated(why) => undated.push(why),
                EvidenceDate::Ignored => {}
            }
        }
        match newest {
            Some((date, how, span)) => {
                let age = model::Date(date).days_until(model::Date(as_of));
                if age > i64::from(max_age) {
                    out.push(
                        Diagnostic::warning(
                            "GIT-06",
                            format!(
                                "the newest evidence for control {id} is from {date} ({how}), {age} days before {as_of}; evidence older than {max_age} days is stale"
                            ),
                        )
                        .at(model.location(span))
                        .for_record(id)
                        .with_hint(
                            "collect fresh evidence that the control operates and commit it (for \
                             external evidence, update `collected:`), or set \
                             `cadences.evidence_max_age_days` in isms.yaml if a longer interval is justified",
                        ),
                    );
                }
            }
            None if !undated.is_empty() => {
                let implemented = control.status.as_ref().is_some_and(|s| {
                    matches!(
                        s.value,
                        ImplementationStatus::Implemented | ImplementationStatus::Partial
                    )
                });
                if implemented {
                    out.push(
                        Diagnostic::warning(
                            "GIT-07",
                            format!(
                                "control {id} is implemented, but none of its evidence has a date: {}",
                                undated.join("; ")
                            ),
                        )
                        .at(model.location(entry.span))
                        .for_record(id)
                        .with_hint("commit the evidence file, or add `collected: YYYY-MM-DD` to the evidence entry"),
                    );
                }
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_paths_are_normalised() {
        assert_eq!(normalise("./evidence/backups/"), "evidence/backups");
        assert_eq!(normalise("evidence\\a.pdf"), "evidence/a.pdf");
    }

    #[test]
    fn state_findings_per_state() {
        let none = state_findings(&RepoState::NoRepository {
            searched_from: "x".into(),
        });
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].code, "GIT-01");
        let info = super::super::RepoInfo {
            head: super::super::Head::Branch("main".into()),
            shallow: true,
            bare: false,
            workdir: None,
            prefix: String::new(),
        };
        let shallow = state_findings(&RepoState::Ready(info.clone()));
        assert_eq!(shallow[0].code, "GIT-02");
        assert!(
            shallow[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("fetch-depth: 0")
        );
        let full = RepoState::Ready(super::super::RepoInfo {
            shallow: false,
            ..info
        });
        assert!(state_findings(&full).is_empty());
    }
}
