//! Rules of the Git evidence layer (`GIT-nn`). Their findings are produced by
//! [`crate::evidence::check`] from the history of the repository (see docs/evidence.md); they
//! are registered here so that configuration, waivers, `isms explain`, SARIF and the rules page
//! know them.

use super::rule::{Area, Check, Rule};
use crate::diagnostic::Severity;

const fn git(
    code: &'static str,
    name: &'static str,
    clause: &'static str,
    default_severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        area: Area::Evidence,
        clause,
        default_severity,
        summary,
        explanation,
        check: Check::Evidence,
    }
}

/// The Git evidence rules.
pub(super) const RULES: &[Rule] = &[
    git(
        "GIT-01",
        "git-no-history",
        "7.5.3",
        Severity::Info,
        "The ISMS is not in a Git repository, or it has no commit yet: the history rules were skipped.",
        "\
The Git history is the ISMS's change record: who changed a policy and when, whether it was
approved again afterwards, how old the evidence is. Outside a repository (or before the first
commit) none of that can be shown, so the history rules (GIT-04 to GIT-07) are skipped and this
is reported once, for information.

Fix: keep the ISMS in Git and commit it (`isms init` does this unless `--no-git` is given).
Use `isms check --no-git` to skip the Git rules on purpose, for example on an exported copy.",
    ),
    git(
        "GIT-02",
        "git-shallow-clone",
        "7.5.3",
        Severity::Warning,
        "The repository is a shallow clone: the history is truncated and dates may be wrong.",
        "\
In a shallow clone the oldest visible commit looks like the creation of every file, so approval
and evidence dates computed from the history can be wrong. CI systems clone shallowly by
default.

Fix: fetch the whole history (`git fetch --unshallow`), or in GitHub Actions:

```yaml
- uses: actions/checkout@v4
  with: { fetch-depth: 0 }
```",
    ),
    git(
        "GIT-03",
        "git-uncommitted-changes",
        "7.5.3",
        Severity::Warning,
        "A file in the ISMS folder is modified, added, deleted or untracked and not committed.",
        "\
Documented information must be controlled (7.5.3): what the auditor is shown has to be in the
history, with who changed it and when. An uncommitted change has no author, date or review
trail, and a check that passes only with uncommitted files proves nothing about the record.

Fix: commit the change (through your usual review), or discard it.",
    ),
    git(
        "GIT-04",
        "git-approval-outdated",
        "7.5.2 c",
        Severity::Warning,
        "A controlled document changed after the approval it records.",
        "\
An approval covers the text that was approved, and the commit that recorded it shows which text
that was. A commit after it (not an ancestor of it) that changes the content of a policy,
procedure, scope, audit programme, audit or review record, or the SoA, whatever its date, means
the document in force is no longer the approved one. Changes to the approval fields alone, or
to the record of how a policy was communicated (`communicated:`, which describes what happened
to the approved text, not the text), pure renames, and changes in the recording commit itself
do not count; a change whose commit (or the
merge that brought it in) carries an `Approved-by:` trailer naming a recognised approver counts
as approved. An approval dated before content changes that were committed ahead of it
(back-dated) is reported too: the approver cannot have seen that text on that day.

Fix: have the change approved and record the new approval, or approve through the commit:

```yaml
approval: { by: p-ceo, on: 2025-07-02 }
```",
    ),
    git(
        "GIT-05",
        "git-approver-not-recognised",
        "7.5.2 c",
        Severity::Warning,
        "An `Approved-by:` commit trailer names someone who is not a (suitable) person of isms.yaml.",
        "\
Approvals given through commit trailers (`Approved-by: Jane Doe <jane@example.com>`) count only
when the approver is a person of isms.yaml (matched by e-mail, else by name) and, for the
information security policy, a member of top management (5.2). Otherwise the approval cannot be
traced to an accountable person.

Fix: add the approver to isms.yaml with the e-mail used in the trailer, or have the right person
approve.

```yaml
people:
  - { id: p-ceo, name: Jane Doe, role: CEO, top_management: true, email: jane@example.com }
```",
    ),
    git(
        "GIT-06",
        "git-evidence-stale",
        "9.1",
        Severity::Warning,
        "The newest evidence of an applicable control is older than the evidence maximum age.",
        "\
Evidence shows that a control operates now, not that it once did. The date of an evidence file
is the author date of the last commit that changed it, or its `collected:` date when that is
older (evidence collected long ago and committed recently is old evidence); of a URL, its
`collected:` date. When the
newest evidence of an applicable control is older than `cadences.evidence_max_age_days`
(default 365) on the `--as-of` day, or has passed its `expires:` date, it no longer counts.

Fix: collect fresh evidence and record it.

```yaml
evidence:
  - { url: https://tickets.example.com/SEC-412, description: Q3 access review, collected: 2025-09-30 }
```",
    ),
    git(
        "GIT-07",
        "git-evidence-undated",
        "9.1",
        Severity::Warning,
        "Evidence of an implemented control has no date: an uncommitted file, or a URL without `collected:`.",
        "\
An auditor judges evidence by its date. A file that was never committed has no date in the
history, and a URL without `collected:` has none either, so nobody can tell whether it is
current. (A control with no evidence at all is SOA-11.)

Fix: commit the evidence file, or add the date a URL's content was collected.

```yaml
evidence:
  - { url: https://dash.example.com/backups, description: Backup success rate, collected: 2025-06-02 }
```",
    ),
    git(
        "GIT-08",
        "git-history-unreadable",
        "7.5.3",
        Severity::Warning,
        "The Git history could not be read; the history rules were skipped.",
        "\
A damaged repository or an unsupported repository format stops the history from being read,
so approvals and evidence dates cannot be verified. The message carries the reason.

Fix: repair the repository (`git fsck`), or check on a fresh clone.",
    ),
    git(
        "GIT-09",
        "git-evidence-collected-after-commit",
        "7.5.3",
        Severity::Warning,
        "An evidence file's `collected:` date is later than the last commit that changed the file.",
        "\
Evidence must be what it claims to be (7.5.3: documented information is protected against loss
of integrity). When an evidence file says it was collected on a day after the file was last
committed, the file in the repository existed before the collection it records: the date was
moved forward, or the evidence of that day was never committed. Either way the auditor cannot
rely on the date, and an inflated date would hide stale evidence.

Fix: correct `collected:` to the day the evidence was produced, or commit the evidence that was
collected on that day.

```yaml
evidence:
  - { path: evidence/backups/restore-2025-04.md, collected: 2025-04-02 }   # committed 2025-04-03
```",
    ),
];
