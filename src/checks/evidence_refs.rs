//! Evidence references of the Statement of Applicability (6.1.3 d, 7.5.3): the files they
//! point at exist, their recorded SHA-256 still matches, and they have not expired.
//!
//! These rules read only the model: the loader lists every file of the repository in
//! `model.files` and computes the SHA-256 of each file referenced as evidence, so nothing here
//! touches the disk. The dates of evidence in the Git history are the evidence layer's
//! business (`GIT-06`, `GIT-07`).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::join_and;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EvidenceRef, ImplementationStatus, SoaEntry, loaded};
use crate::yaml::Spanned;

/// The SoA file's path, for findings that have no span of their own.
fn soa_path(ctx: &Context<'_>) -> String {
    ctx.model
        .soa
        .as_ref()
        .map(|s| ctx.model.sources.path(s.document.span.file).to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "soa.yaml".to_string())
}

/// A repository-relative path as written by a user, in the form `model.files` uses.
pub(crate) fn normalise_path(p: &str) -> String {
    crate::loader::normalise_rel(p)
}

/// What an evidence path points at in the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target<'a> {
    /// A file, with the SHA-256 the loader computed for it (if it could).
    File(Option<&'a str>),
    /// A folder with at least one file under it.
    Folder,
    /// Nothing.
    Missing,
}

fn target<'a>(ctx: &Context<'a>, path: &str) -> Target<'a> {
    if path.is_empty() {
        return Target::Missing;
    }
    if let Some(f) = ctx.model.files.get(path) {
        return Target::File(f.sha256.as_deref());
    }
    let prefix = format!("{path}/");
    // `files` is sorted, so the first key at or after the prefix tells whether any file is
    // under the folder.
    let under = ctx
        .model
        .files
        .range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix));
    if under {
        Target::Folder
    } else {
        Target::Missing
    }
}

/// Every evidence entry of the SoA with its control.
fn evidence<'a>(
    ctx: &Context<'a>,
) -> impl Iterator<Item = (&'a Spanned<SoaEntry>, &'a Spanned<EvidenceRef>)> + use<'a> {
    ctx.model
        .soa_entries()
        .flat_map(|e| loaded(&e.evidence).map(move |ev| (e, ev)))
}

/// How to name one piece of evidence in a message: its path, else its URL, else its
/// description.
fn label(ev: &EvidenceRef) -> String {
    if let Some(p) = &ev.path {
        format!("`{}`", p.value.trim())
    } else if let Some(u) = &ev.url {
        u.value.trim().to_string()
    } else if let Some(d) = &ev.description {
        format!("\"{}\"", d.trim())
    } else {
        "without path or URL".to_string()
    }
}

/// A folder of the path that the loader does not list (at any depth, as the loader skips it).
fn skipped_folder(path: &str) -> Option<&'static str> {
    path.split('/').find_map(|seg| {
        crate::loader::SKIPPED_DIRS
            .iter()
            .copied()
            .find(|d| *d == seg)
    })
}

fn files_exist(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let fallback = soa_path(ctx);
    for (entry, ev) in evidence(ctx) {
        let Some(path) = &ev.path else { continue };
        let norm = normalise_path(&path.value);
        if target(ctx, &norm) != Target::Missing {
            continue;
        }
        let id = &entry.id.value;
        let (message, hint) = if norm.is_empty() {
            (
                format!("evidence of control {id} has an empty `path:`"),
                "write the path of the evidence file relative to the repository root, or use `url:` for external evidence".to_string(),
            )
        } else if let Some(dir) = skipped_folder(&norm) {
            (
                format!(
                    "evidence file `{norm}` of control {id} is in a `{dir}/` folder, which isms does not read"
                ),
                format!(
                    "move the file out of `{dir}/` (for example to `evidence/`) and update `path:`"
                ),
            )
        } else {
            (
                format!("evidence file `{norm}` of control {id} does not exist in the repository"),
                "add the file at this path (relative to the repository root) and commit it, correct the path, or point to external evidence with `url:`".to_string(),
            )
        };
        let d = SOA_14.diag(message).with_hint(hint);
        out.push(ctx.place(d, path.span, &fallback).for_record(id.clone()));
    }
}

/// Whether a text is a SHA-256 written in hex (64 hex digits, either case).
fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hashes_match(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let fallback = soa_path(ctx);
    for (entry, ev) in evidence(ctx) {
        let Some(written) = &ev.sha256 else { continue };
        let id = &entry.id.value;
        let hash = written.value.trim();
        if !is_sha256(hash) {
            let d = SOA_15
                .diag(format!(
                    "the sha256 of evidence {} of control {id} is not a SHA-256: expected 64 hexadecimal digits, found {} character{}",
                    label(ev),
                    hash.chars().count(),
                    if hash.chars().count() == 1 { "" } else { "s" }
                ))
                .with_hint("record the value printed by `sha256sum FILE` (64 hex digits), or remove `sha256:`");
            out.push(ctx.place(d, written.span, &fallback).for_record(id.clone()));
            continue;
        }
        // A hash without a path (external evidence) cannot be verified from the repository;
        // a missing file is SOA-14.
        let Some(path) = &ev.path else { continue };
        let norm = normalise_path(&path.value);
        let (message, hint) = match target(ctx, &norm) {
            Target::File(Some(actual)) if actual.eq_ignore_ascii_case(hash) => continue,
            Target::File(Some(actual)) => (
                format!(
                    "evidence file `{norm}` of control {id} has changed since it was collected: its SHA-256 is {actual}, not the recorded {}",
                    hash.to_ascii_lowercase()
                ),
                "restore the file as collected (see its Git history); if the new content is the evidence, record it as new evidence with its own `collected:` date and sha256".to_string(),
            ),
            Target::Folder => (
                format!(
                    "evidence `{norm}` of control {id} is a folder, so its recorded sha256 cannot be verified"
                ),
                "record a sha256 per file: list each file of the folder as its own evidence entry".to_string(),
            ),
            // Too large to hash, unreadable (reported by the loader), or missing (SOA-14).
            Target::File(None) | Target::Missing => continue,
        };
        let d = SOA_15.diag(message).with_hint(hint);
        out.push(ctx.place(d, written.span, &fallback).for_record(id.clone()));
    }
}

fn not_expired(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let fallback = soa_path(ctx);
    let today = ctx.today();
    for entry in ctx.model.soa_entries() {
        if !entry.is_applicable() {
            continue;
        }
        let all: Vec<&Spanned<EvidenceRef>> = loaded(&entry.evidence).collect();
        // The expiry day itself is still valid, as for waivers and the evidence layer.
        let expired: Vec<&Spanned<EvidenceRef>> = all
            .iter()
            .copied()
            .filter(|ev| crate::model::status::evidence_expired(ev, today))
            .collect();
        if expired.is_empty() {
            continue;
        }
        let implemented = entry
            .status
            .as_ref()
            .is_some_and(|s| s.value == ImplementationStatus::Implemented);
        let none_left = implemented && expired.len() == all.len();
        let id = &entry.id.value;
        for ev in expired {
            let Some(expires) = &ev.expires else { continue };
            let mut message = format!(
                "evidence {} of control {id} expired on {}",
                label(ev),
                expires.value
            );
            if none_left {
                message.push_str(&if all.len() == 1 {
                    "; it is the only evidence of this implemented control, so nothing current shows that the control operates".to_string()
                } else {
                    format!(
                        "; all {} pieces of evidence of this implemented control have expired, so nothing current shows that the control operates",
                        all.len()
                    )
                });
            }
            let mut fixes =
                vec!["collect current evidence and add it with its `collected:` date".to_string()];
            if implemented {
                fixes.push("reconsider `status: implemented`".to_string());
            }
            let d = SOA_16.diag(message).with_hint(format!(
                "{}; keep the expired entry as history or remove it",
                join_and(&fixes)
            ));
            out.push(ctx.place(d, expires.span, &fallback).for_record(id.clone()));
        }
    }
}

const SOA_14: Rule = Rule {
    code: "SOA-14",
    name: "soa-evidence-file-exists",
    area: Area::Soa,
    clause: "7.5.3",
    default_severity: Severity::Error,
    summary: "Every evidence `path:` in the SoA names a file (or a folder with files) in the repository.",
    explanation: "\
Evidence that cannot be produced is no evidence. When an auditor samples a control and the file
the SoA points to is missing, the claim that the control operates is unsupported, and the
documented information is not under control (7.5.3: available where and when needed). Paths are
relative to the repository root; a leading `./` is ignored and `\\` is read as `/`. A path to a
folder counts when at least one file is under it. Files in the folders `isms` never reads
(`.git`, `build`, `templates`, `_templates`, `target`, `node_modules`, at any depth) do not
count.

Fix: commit the file at the path, correct the path, or point to external evidence with `url:`.

```yaml
controls:
  - id: \"8.13\"
    applicable: true
    status: implemented
    evidence:
      - path: evidence/backups/2025-05-restore-test.md
        collected: 2025-05-14
```",
    check: Check::Model(files_exist),
};

const SOA_15: Rule = Rule {
    code: "SOA-15",
    name: "soa-evidence-hash-matches",
    area: Area::Soa,
    clause: "7.5.3",
    default_severity: Severity::Error,
    summary: "A recorded evidence `sha256:` is 64 hex digits and matches the file in the repository.",
    explanation: "\
A SHA-256 recorded when evidence was collected lets anyone show that the file handed to the
auditor is the one that was collected. When the file's content no longer matches, the evidence
was changed afterwards (7.5.3 protection of integrity), and the record cannot be trusted until
someone explains why. A value that is not 64 hexadecimal digits was mistyped and proves nothing.
Case does not matter. A hash on external evidence (`url:` only) cannot be verified from the
repository and is only checked for its form; a hash on a folder cannot be verified at all.

Fix: restore the file as collected, or record the new content as new evidence with its own date
and hash (`sha256sum FILE` prints it).

```yaml
evidence:
  - path: evidence/access-reviews/2025-q2.csv
    sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
    collected: 2025-06-28
```",
    check: Check::Model(hashes_match),
};

const SOA_16: Rule = Rule {
    code: "SOA-16",
    name: "soa-evidence-not-expired",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "Evidence of an applicable control is not past its `expires:` date.",
    explanation: "\
Some evidence is valid only for a time: a supplier certificate, a penetration test report, a
signed attestation. After its `expires:` date (compared with `--as-of`; the day itself still
counts) it no longer shows that the control operates. When every piece of evidence of a control
marked implemented has expired, the message says so: the SoA then claims an implemented control
with nothing current behind it.

Fix: collect current evidence; keep or remove the expired entry.

```yaml
evidence:
  - url: https://tickets.example.com/SEC-501
    description: Penetration test report 2025
    collected: 2025-04-02
    expires: 2026-04-02
  - url: https://tickets.example.com/SEC-777
    description: Penetration test report 2026
    collected: 2026-03-20
    expires: 2027-03-20
```",
    check: Check::Model(not_expired),
};

/// The evidence reference rules (SoA area).
pub(super) const RULES: &[Rule] = &[SOA_14, SOA_15, SOA_16];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise_path(" ./evidence/a.pdf "), "evidence/a.pdf");
        assert_eq!(normalise_path(".\\evidence\\b\\"), "evidence/b");
        assert_eq!(normalise_path("././x"), "x");
        assert_eq!(normalise_path("./"), "");
    }

    #[test]
    fn sha256_form() {
        assert!(is_sha256(&"a".repeat(64)));
        assert!(is_sha256(&"AbC0".repeat(16)));
        assert!(!is_sha256(&"a".repeat(63)));
        assert!(!is_sha256(&"g".repeat(64)));
        assert!(!is_sha256(""));
    }

    #[test]
    fn skipped_folders() {
        assert_eq!(skipped_folder("build/soa.pdf"), Some("build"));
        assert_eq!(
            skipped_folder("evidence/node_modules/x"),
            Some("node_modules")
        );
        assert_eq!(skipped_folder("evidence/builds/x"), None);
    }
}
