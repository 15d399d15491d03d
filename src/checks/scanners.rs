//! Results of automated scans recorded in the SoA (`scan:` on an evidence entry, written by
//! `isms evidence import`): a control recorded as implemented while its newest scan reports
//! failures (`SCAN-01`), and GitHub repository settings that leave source code and changes
//! unprotected (`SCAN-02`).
//!
//! Only the newest unexpired result of each tool counts: a later clean scan supersedes an
//! earlier failing one, and an expired result is the business of `SOA-16`.

use std::collections::BTreeMap;

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EvidenceRef, ImplementationStatus, ScanResults, loaded};

/// The newest unexpired scan result of each tool for one control.
fn newest_by_tool<'a>(
    evidence: impl Iterator<Item = &'a EvidenceRef>,
    today: crate::model::Date,
) -> BTreeMap<&'a str, (&'a EvidenceRef, &'a ScanResults)> {
    let mut newest: BTreeMap<&str, (&EvidenceRef, &ScanResults)> = BTreeMap::new();
    for ev in evidence {
        let Some(scan) = &ev.scan else { continue };
        if ev.expires.as_ref().is_some_and(|x| x.value < today) {
            continue;
        }
        let tool = scan.value.tool.value.as_str();
        let day = ev.collected.as_ref().map(|c| c.value);
        let newer = newest
            .get(tool)
            .is_none_or(|(old, _)| day >= old.collected.as_ref().map(|c| c.value));
        if newer {
            newest.insert(tool, (ev, &scan.value));
        }
    }
    newest
}

fn label(ev: &EvidenceRef) -> String {
    ev.path
        .as_ref()
        .or(ev.url.as_ref())
        .map(|p| p.value.clone())
        .unwrap_or_default()
}

fn failing_list(scan: &ScanResults) -> String {
    const SHOWN: usize = 5;
    let mut s = scan
        .failing
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if scan.failing.len() > SHOWN {
        s.push_str(&format!(" and {} more", scan.failing.len() - SHOWN));
    }
    s
}

fn scanner_failures(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    scan_findings(ctx, out, false);
}

fn repository_weaknesses(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    scan_findings(ctx, out, true);
}

/// Findings for GitHub results (`github`) or for every other tool.
fn scan_findings(ctx: &Context<'_>, out: &mut Vec<Diagnostic>, github: bool) {
    let today = ctx.today();
    for entry in ctx.model.soa_entries() {
        let implemented = entry
            .status
            .as_ref()
            .is_some_and(|s| s.value == ImplementationStatus::Implemented);
        if !entry.is_applicable() || !implemented {
            continue;
        }
        let id = &entry.id.value;
        for (tool, (ev, scan)) in newest_by_tool(loaded(&entry.evidence).map(|e| &e.value), today) {
            if scan.failed == 0 || (tool == "github") != github {
                continue;
            }
            let date = ev
                .collected
                .as_ref()
                .map_or("an unknown day".to_string(), |c| c.value.to_string());
            let (rule, mut message) = if tool == "github" {
                let noun = if scan.failed == 1 {
                    "protection"
                } else {
                    "protections"
                };
                (
                    &SCAN_02,
                    format!(
                        "control {id} is recorded as implemented, but the GitHub settings saved on {date} ({}) lack {} {noun}",
                        label(ev),
                        scan.failed
                    ),
                )
            } else {
                let noun = if scan.failed == 1 {
                    "failure"
                } else {
                    "failures"
                };
                (
                    &SCAN_01,
                    format!(
                        "control {id} is recorded as implemented, but {tool} reports {} {noun}, newest on {date} ({})",
                        scan.failed,
                        label(ev)
                    ),
                )
            };
            let failing = failing_list(scan);
            if !failing.is_empty() {
                message.push_str(&format!(": {failing}"));
            }
            let hint = if tool == "github" {
                "protect the branch (required reviews, status checks, no force pushes, rules for \
                 administrators too), save the settings again and import them; or change the \
                 control's `status:`"
            } else {
                "fix the failing checks and import a new scan, or change the control's `status:` \
                 to `partial` until they pass"
            };
            let d = rule.diag(message).with_hint(hint);
            out.push(ctx.place(d, entry.span, "").for_record(id.clone()));
        }
    }
}

const SCAN_01: Rule = Rule {
    code: "SCAN-01",
    name: "scan-failures-on-implemented-control",
    area: Area::AnnexA,
    clause: "9.1",
    default_severity: Severity::Warning,
    summary: "A control recorded as implemented has failures in its newest imported scan.",
    explanation: "\
Evidence that arrives from a scanner (Prowler, Powerpipe) says, for each Annex A control it
maps its checks to, how many results passed and failed. Passed results support the claim that
the control operates; failed ones contradict it. When the newest unexpired scan of a tool
reports failures for a control that the SoA records as implemented, an auditor who samples the
control will find the gap. Older scans superseded by a newer one, and expired scans, do not
count. Checks the scanner reports as manual were never imported as evidence.

Fix: remediate the failing checks and import a new scan (`isms evidence import prowler FILE`),
or record the control as `partial` until they pass.

```yaml
  - id: \"8.24\"
    status: partial   # two unencrypted RDS instances left, see SEC-812
```",
    check: Check::Model(scanner_failures),
};

const SCAN_02: Rule = Rule {
    code: "SCAN-02",
    name: "scan-repository-protection-weak",
    area: Area::AnnexA,
    clause: "9.1",
    default_severity: Severity::Warning,
    summary: "Saved GitHub settings show a weakness for a control recorded as implemented.",
    explanation: "\
Branch protection is the technical core of access to source code (8.4), the secure development
life cycle (8.25) and change management (8.32): changes reach the main branch only through
reviewed pull requests that pass the required status checks, history cannot be rewritten with
force pushes, and administrators are bound by the same rules. When the newest imported
branch-protection or review export shows one of these missing for a control recorded as
implemented, the claim is not supported.

Fix: protect the branch, save the settings again with
`gh api repos/OWNER/REPO/branches/BRANCH/protection > protection.json` and import them with
`isms evidence import github protection.json`; or record the control as `partial`.",
    check: Check::Model(repository_weaknesses),
};

/// The scan-result rules.
pub(super) const RULES: &[Rule] = &[SCAN_01, SCAN_02];
