//! Revision tables for rendered documents: one row per change of the document's file, from
//! Git, with the version label the document carried after that change.

use serde::Serialize;

use super::history::{ChangeKind, HistoryIndex};
use super::records::{DocFormat, ParsedDoc};
use crate::model::Date;

/// One row of a document's revision table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// The document's `version` after the change (front matter `version:`, or
    /// `document.version` in a YAML register), when it has one.
    pub version: Option<String>,
    /// Author date, in the author's time zone (`YYYY-MM-DD` when serialised).
    pub date: Date,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Short commit id.
    pub commit: String,
    /// The commit subject.
    pub summary: String,
}

/// The revisions of the document at `path` (relative to the ISMS folder), newest first,
/// following renames.
///
/// Every commit that changed the file is a row, except merge commits that only brought in a
/// change already listed from its branch (same resulting content): a merged pull request shows
/// its own commits once. A merge that produced content of its own (a conflict resolution) is
/// listed. Deletions of an earlier file at the same path are not revisions of this document.
pub fn revision_history(index: &HistoryIndex, path: &str) -> Vec<Revision> {
    let history = index.history(path);
    let mut out = Vec::new();
    for entry in &history {
        let change = entry.change;
        if matches!(change.kind, ChangeKind::Deleted) {
            continue;
        }
        if entry.commit.is_merge()
            && history
                .iter()
                .any(|other| !other.commit.is_merge() && other.change.same_result_as(change))
        {
            continue;
        }
        let version = index
            .texts(change)
            .ok()
            .and_then(|t| t.new)
            .and_then(|text| version_of(&change.path, &text));
        out.push(Revision {
            version,
            date: Date(entry.commit.local_datetime().date()),
            author: entry.commit.author.clone(),
            email: entry.commit.email.clone(),
            commit: entry.commit.short_id.clone(),
            summary: entry.commit.subject.clone(),
        });
    }
    out
}

/// The version label of one version of a document.
fn version_of(path: &str, text: &str) -> Option<String> {
    let doc = ParsedDoc::parse(DocFormat::of(path), text)?;
    doc.text(&["version"])
        .or_else(|| doc.text(&["document", "version"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_front_matter_or_document_block() {
        assert_eq!(
            version_of("p.md", "---\nid: P\nversion: \"1.10\"\n---\nx\n").as_deref(),
            Some("1.10")
        );
        assert_eq!(
            version_of("p.md", "---\nid: P\nversion: 1.10\n---\nx\n").as_deref(),
            Some("1.10")
        );
        assert_eq!(
            version_of(
                "soa.yaml",
                "document:\n  id: SOA\n  version: 2.0\ncontrols: []\n"
            )
            .as_deref(),
            Some("2.0")
        );
        assert_eq!(version_of("p.md", "no front matter"), None);
    }
}
