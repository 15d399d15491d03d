//! Statement of Applicability rules (6.1.3 c-d): completeness against Annex A, decisions,
//! justifications, implementation status, approval, consistency with the risk register and
//! evidence for implemented controls.

use std::collections::BTreeSet;

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, list_ids};
use crate::catalogue;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{AssetKind, ImplementationStatus, InclusionReason, SoaEntry, loaded};
use crate::yaml::Spanned;

/// The SoA file's path, for findings about the file as a whole.
fn soa_path(ctx: &Context<'_>) -> String {
    ctx.model
        .soa
        .as_ref()
        .map(|s| ctx.model.sources.path(s.document.span.file).to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "soa.yaml".to_string())
}

fn at_entry(ctx: &Context<'_>, d: Diagnostic, e: &Spanned<SoaEntry>) -> Diagnostic {
    ctx.place(d, e.span, &soa_path(ctx))
        .for_record(e.id.value.clone())
}

fn covers_annex_a(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(soa) = &ctx.model.soa else { return };
    let path = soa_path(ctx);
    // Duplicates, unknown ids and 2013 ids are reported by the loader (LOAD-012/014/015);
    // this rule reports what is missing.
    let seen: BTreeSet<String> = loaded(&soa.controls).map(|e| e.id.value.clone()).collect();
    let entries = soa.controls.written();
    for c in catalogue::controls() {
        // An entry written with an error is reported by the loader, not as missing.
        if seen.contains(&c.id) || ctx.model.unloaded.contains_key(&c.id) {
            continue;
        }
        let new = if c.is_new_in_2022() {
            " (new in the 2022 edition)"
        } else {
            ""
        };
        let d = SOA_01
            .diag(format!("control {} \"{}\"{new} is missing from the SoA", c.id, c.title))
            .with_hint(if entries == 0 {
                "list all 93 Annex A controls under `controls:`, each with `applicable:` and a justification".to_string()
            } else {
                format!("add `- id: \"{}\"` under `controls:` with `applicable:` and a justification", c.id)
            });
        out.push(d.at(Location::file(path.clone())).for_record(c.id.clone()));
    }
}

fn no_2013_ids(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(soa) = &ctx.model.soa else { return };
    // Each 2013 id is reported where it is written by the loader (LOAD-015) with its 2022
    // equivalent; this rule states the consequence for the SoA as a whole, once.
    let old: Vec<String> = loaded(&soa.controls)
        .filter(|e| catalogue::is_2013_id(&e.id.value))
        .map(|e| e.id.value.clone())
        .collect();
    if old.is_empty() {
        return;
    }
    let d = SOA_02
        .diag(format!(
            "the SoA has not been transitioned to ISO/IEC 27001:2022: {} entr{} use 2013 control ids ({})",
            old.len(),
            if old.len() == 1 { "y" } else { "ies" },
            list_ids(&old, 5)
        ))
        .with_hint("replace every 2013 id with its 2022 equivalent (each LOAD-015 finding names it) and merge the decisions");
    out.push(
        ctx.place(d, soa.document.span, &soa_path(ctx))
            .for_record(soa.document.id.value.clone()),
    );
}

fn title_matches(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        let Some(title) = &e.title else { continue };
        let Some(c) = catalogue::get(&e.id.value) else {
            continue;
        };
        if catalogue::title_matches(&c.id, &title.value) {
            continue;
        }
        let d = SOA_03
            .diag(format!(
                "the title of control {} is \"{}\", not \"{}\"",
                c.id, c.title, title.value
            ))
            .with_hint(format!(
                "write `title: \"{}\"` or leave the title out",
                c.title
            ));
        out.push(
            ctx.place(d, title.span, &soa_path(ctx))
                .for_record(c.id.clone()),
        );
    }
}

fn applicability_decided(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        if e.applicable.is_none() {
            let d = SOA_04
                .diag(format!(
                    "control {} has no applicability decision",
                    e.id.value
                ))
                .with_hint("add `applicable: true` or `applicable: false` with a justification");
            out.push(at_entry(ctx, d, e));
        }
    }
}

fn decision_confirmed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        let Some(p) = e.proposed.as_ref().filter(|p| p.value) else {
            continue;
        };
        if e.applicable.is_none() {
            continue; // SOA-04: not even proposed
        }
        let what = if e.is_applicable() {
            "inclusion"
        } else {
            "exclusion"
        };
        let d = SOA_19
            .diag(format!(
                "the {what} of control {} is only proposed (`proposed: true`) and has not been confirmed",
                e.id.value
            ))
            .with_hint(format!(
                "check the facts the decision rests on, then confirm it: `isms confirm {} --by <person id>` (someone who may approve the SoA)",
                e.id.value
            ));
        out.push(
            ctx.place(d, p.span, &soa_path(ctx))
                .for_record(e.id.value.clone()),
        );
    }
}

fn exclusion_justified(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        if e.applicable.as_ref().is_none_or(|a| a.value) || !blank(e.justification.as_ref()) {
            continue;
        }
        let d = SOA_05
            .diag(format!("control {} is excluded without a justification", e.id.value))
            .with_hint("say why the control is not needed, e.g. which facts of your organisation make it irrelevant");
        let span = e.justification.as_ref().map_or(e.span, |j| j.span);
        out.push(
            ctx.place(d, span, &soa_path(ctx))
                .for_record(e.id.value.clone()),
        );
    }
}

fn inclusion_justified(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        if !e.is_applicable() || !e.risks.is_empty() || !e.obligations.is_empty() {
            continue;
        }
        let stated_need = !e.reasons.is_empty() && !blank(e.justification.as_ref());
        if stated_need {
            continue;
        }
        let d = SOA_06
            .diag(format!(
                "control {} is included but traced to no risk, obligation or stated business need",
                e.id.value
            ))
            .with_hint("list the risks it treats under `risks:`, the obligations under `obligations:`, or give `reasons: [business]` with a justification");
        out.push(at_entry(ctx, d, e));
    }
}

/// The organisation's own controls (6.1.3 c) must be traced like Annex A controls.
fn additional_traced(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in ctx.model.additional_controls() {
        if !c.risks.is_empty() || !c.obligations.is_empty() || !blank(c.justification.as_ref()) {
            continue;
        }
        let d = SOA_06
            .diag(format!(
                "own control {} is traced to no risk, obligation or stated need",
                c.id.value
            ))
            .with_hint("list the risks it treats under `risks:`, the obligations under `obligations:`, or give a justification");
        out.push(
            ctx.place(d, c.span, &soa_path(ctx))
                .for_record(c.id.value.clone()),
        );
    }
}

fn inclusion_traced(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    inclusion_justified(ctx, out);
    additional_traced(ctx, out);
}

fn implementation_status(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        if e.is_applicable() && e.status.is_none() {
            let d = SOA_07
                .diag(format!(
                    "applicable control {} has no implementation status",
                    e.id.value
                ))
                .with_hint("add `status:` implemented, partial, planned or not-implemented");
            out.push(at_entry(ctx, d, e));
        }
    }
}

fn document_approved(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(soa) = &ctx.model.soa else { return };
    let doc = &soa.document;
    let mut missing = Vec::new();
    if blank(doc.version.as_ref()) {
        missing.push("a version (`version:`)");
    }
    if id_str(doc.owner.as_ref()).is_none() {
        missing.push("an owner (`owner:`)");
    }
    if doc.approval.by.is_none() {
        missing.push("an approver (`approval.by:`)");
    }
    if doc.approval.on.is_none() {
        missing.push("an approval date (`approval.on:`)");
    }
    if missing.is_empty() {
        // Approved: by someone the organisation allows to approve the SoA (top management
        // unless a role is declared for it).
        if let Some(by) = &doc.approval.by
            && !super::util::may_approve(ctx.model, &by.value, &doc.id.value, true, ctx.today())
        {
            let d = SOA_08
                .diag(format!(
                    "the Statement of Applicability is approved by {}, who may not approve it",
                    by.value
                ))
                .with_hint(format!(
                    "have it approved by {}",
                    super::util::approvers_of(ctx.model, &doc.id.value, true)
                ));
            out.push(
                ctx.place(d, by.span, &soa_path(ctx))
                    .for_record(doc.id.value.clone()),
            );
        }
        return;
    }
    let d = SOA_08
        .diag(format!(
            "the Statement of Applicability lacks {}",
            super::util::join_and(&missing.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        ))
        .with_hint("record the approval of the SoA: `isms approve soa --by <person id>` (it completes the `document:` block of soa.yaml)");
    out.push(
        ctx.place(d, doc.span, &soa_path(ctx))
            .for_record(doc.id.value.clone()),
    );
}

/// Every (risk, control reference) pair of the risk register.
fn risk_controls<'a>(
    ctx: &Context<'a>,
) -> impl Iterator<Item = (&'a str, &'a crate::model::Id)> + use<'a> {
    ctx.model
        .risks
        .iter()
        .flat_map(|r| r.controls.iter().map(move |c| (r.id.value.as_str(), c)))
}

fn excluded_not_used(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.model.soa.is_none() {
        return;
    }
    for (risk, c) in risk_controls(ctx) {
        let Some(e) = ctx.model.soa_entry(&c.value) else {
            continue;
        };
        if e.applicable.as_ref().is_some_and(|a| !a.value) {
            let mut d = SOA_09
                .diag(format!("risk {risk} is treated with control {}, which the SoA excludes", e.id.value))
                .with_hint("either mark the control applicable in the SoA, or treat the risk with other controls");
            if let Some(l) = ctx.loc(e.span) {
                d = d.with_related(l, "excluded here");
            }
            out.push(ctx.place(d, c.span, "").for_record(risk.to_string()));
        }
    }
}

/// A control excluded in the SoA but implemented by a policy or procedure: the documents
/// contradict each other.
fn excluded_not_in_documents(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if m.soa.is_none() {
        return;
    }
    let docs = m
        .policies
        .iter()
        .map(|p| ("policy", &p.id, &p.controls, &p.source.path))
        .chain(
            m.procedures
                .iter()
                .map(|p| ("procedure", &p.id, &p.controls, &p.source.path)),
        );
    for (kind, id, controls, path) in docs {
        for c in controls {
            let Some(e) = m.soa_entry(&c.value) else {
                continue;
            };
            if e.applicable.as_ref().is_some_and(|a| !a.value) {
                let mut d = SOA_09
                    .diag(format!(
                        "{kind} {} implements control {}, which the SoA excludes",
                        id.value, e.id.value
                    ))
                    .with_hint("either mark the control applicable in the SoA, or remove it from the document's `controls:`");
                if let Some(l) = ctx.loc(e.span) {
                    d = d.with_related(l, "excluded here");
                }
                out.push(ctx.place(d, c.span, path).for_record(id.value.clone()));
            }
        }
    }
}

fn excluded_used(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    excluded_not_used(ctx, out);
    excluded_not_in_documents(ctx, out);
}

fn risk_controls_applicable(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.model.soa.is_none() {
        return;
    }
    for (risk, c) in risk_controls(ctx) {
        let id = &c.value;
        if catalogue::get(id).is_none() {
            continue; // not an Annex A id: reported when the register is loaded
        }
        let problem = match ctx.model.soa_entry(id) {
            None if ctx.model.unloaded.contains_key(id) => continue, // its load error says why
            None => "is not in the SoA",
            Some(e) if e.applicable.is_none() => "has no applicability decision in the SoA",
            Some(_) => continue,
        };
        let d = SOA_10
            .diag(format!(
                "control {id}, used to treat risk {risk}, {problem}"
            ))
            .with_hint(format!(
                "add control {id} to soa.yaml with `applicable: true` and `risks: [{risk}]`"
            ));
        out.push(ctx.place(d, c.span, "").for_record(risk.to_string()));
    }
}

fn implemented_has_evidence(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in ctx.model.soa_entries() {
        let implemented = e
            .status
            .as_ref()
            .is_some_and(|s| s.value == ImplementationStatus::Implemented);
        if !e.is_applicable() || !implemented || loaded(&e.evidence).next().is_some() {
            continue;
        }
        let d = SOA_11
            .diag(format!(
                "control {} is marked implemented but lists no evidence",
                e.id.value
            ))
            .with_hint("add `evidence:` with a `path:` or `url:` and the date it was `collected:`");
        let span = e.status.as_ref().map_or(e.span, |s| s.span);
        out.push(
            ctx.place(d, span, &soa_path(ctx))
                .for_record(e.id.value.clone()),
        );
    }
}

/// Facts of the organisation's records that an exclusion may contradict.
struct Facts {
    cloud: Vec<String>,
    suppliers: Vec<String>,
    /// In-scope sites not provided by a supplier: own premises.
    own_sites: Vec<String>,
    /// In-scope software with no supplier: developed in-house.
    own_software: Vec<String>,
}

fn facts(ctx: &Context<'_>) -> Facts {
    let m = ctx.model;
    let mut cloud: Vec<String> = m
        .suppliers
        .iter()
        .filter(|s| s.cloud)
        .map(|s| s.id.value.clone())
        .collect();
    cloud.extend(
        m.assets
            .iter()
            .filter(|a| a.kind.value == AssetKind::CloudService)
            .map(|a| a.id.value.clone()),
    );
    let own = |kind: AssetKind| -> Vec<String> {
        m.assets
            .iter()
            .filter(|a| a.kind.value == kind && a.in_scope && id_str(a.supplier.as_ref()).is_none())
            .map(|a| a.id.value.clone())
            .collect()
    };
    Facts {
        cloud,
        suppliers: m.suppliers.iter().map(|s| s.id.value.clone()).collect(),
        own_sites: own(AssetKind::Site),
        own_software: own(AssetKind::Software),
    }
}

/// What contradicts or is missing from one stated exclusion reason.
fn reason_problem(e: &SoaEntry, reason: InclusionReason, f: &Facts) -> Option<String> {
    let listed = |what: &str, ids: &[String]| format!("{what} ({})", list_ids(ids, 4));
    match reason {
        InclusionReason::NoPremises if !f.own_sites.is_empty() => Some(format!(
            "it is excluded for having no premises, but the asset register lists {}",
            listed("sites in scope that no supplier provides", &f.own_sites)
        )),
        InclusionReason::NoDevelopment if !f.own_software.is_empty() => Some(format!(
            "it is excluded for having no development, but the asset register lists {}",
            listed("in-house software in scope", &f.own_software)
        )),
        InclusionReason::NoSuppliers if !f.suppliers.is_empty() => Some(format!(
            "it is excluded for having no suppliers, but {}",
            listed("suppliers are registered", &f.suppliers)
        )),
        InclusionReason::NoCloud if !f.cloud.is_empty() => Some(format!(
            "it is excluded for using no cloud services, but {}",
            listed("cloud services are in use", &f.cloud)
        )),
        InclusionReason::Outsourced if e.suppliers.is_empty() => Some(
            "it is excluded as outsourced, but names no supplier under `suppliers:`".to_string(),
        ),
        InclusionReason::Legal | InclusionReason::Contractual if e.obligations.is_empty() => {
            Some(
                "it is excluded on legal or contractual grounds, but names no obligation under `obligations:`"
                    .to_string(),
            )
        }
        _ => None,
    }
}

/// The fact that makes the exclusion of control `id` doubtful when no reason is stated.
fn unexplained(id: &str, f: &Facts) -> Option<String> {
    match id {
        "5.23" if !f.cloud.is_empty() => Some(format!(
            "cloud services are in use ({})",
            list_ids(&f.cloud, 4)
        )),
        "5.19" | "5.20" | "5.21" | "5.22" if !f.suppliers.is_empty() => Some(format!(
            "suppliers are registered ({})",
            list_ids(&f.suppliers, 4)
        )),
        "8.25" | "8.26" | "8.27" | "8.28" | "8.29" | "8.31" if !f.own_software.is_empty() => {
            Some(format!(
                "the asset register lists in-house software in scope ({})",
                list_ids(&f.own_software, 4)
            ))
        }
        _ if id.starts_with("7.") => Some(if f.own_sites.is_empty() {
            "a physical control is excluded without a stated reason".to_string()
        } else {
            format!(
                "a physical control is excluded while the asset register lists own sites ({})",
                list_ids(&f.own_sites, 4)
            )
        }),
        _ => None,
    }
}

fn exclusion_plausible(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let excluded: Vec<&Spanned<SoaEntry>> = m
        .soa_entries()
        .filter(|e| e.applicable.as_ref().is_some_and(|a| !a.value))
        .collect();
    if excluded.is_empty() {
        return;
    }
    let f = facts(ctx);
    for e in excluded {
        let id = &e.id.value;
        let stated: Vec<&Spanned<InclusionReason>> = e
            .reasons
            .iter()
            .filter(|r| r.value.is_exclusion())
            .collect();
        if stated.is_empty() {
            // Free text is not read (no keywords): without a structured reason, the facts
            // that usually make the control applicable stand unanswered.
            if let Some(fact) = unexplained(id, &f) {
                let d = SOA_12
                    .diag(format!("the exclusion of control {id} looks inconsistent: {fact}"))
                    .with_hint("re-check the decision; if the exclusion stands, state why under `reasons:` (no-premises, no-development, no-suppliers, no-cloud, outsourced with `suppliers:`, legal or contractual with `obligations:`)");
                out.push(at_entry(ctx, d, e));
            }
            continue;
        }
        for r in stated {
            if let Some(problem) = reason_problem(e, r.value, &f) {
                let d = SOA_12
                    .diag(format!("the exclusion of control {id} looks inconsistent: {problem}"))
                    .with_hint("re-check the decision against the records, or correct the records or the reason");
                out.push(ctx.place(d, r.span, &soa_path(ctx)).for_record(id.clone()));
            }
        }
    }
}

/// The SoA must follow the risk assessment: an SoA approved before the latest assessment, or
/// citing risks identified after its approval, was not derived from the current treatment.
fn current_with_risks(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let Some(soa) = &m.soa else { return };
    let Some(approved) = &soa.document.approval.on else {
        return; // SOA-08 reports the missing approval
    };
    let approved_on = approved.value;
    if let Some(latest) = m.risk_assessments.iter().max_by_key(|d| d.value)
        && latest.value > approved_on
    {
        let mut d = SOA_17
            .diag(format!(
                "the SoA was approved on {approved_on}, before the latest risk assessment of {}",
                latest.value
            ))
            .with_hint("review the SoA against the results of the new assessment and treatment plan, and record the new approval");
        if let Some(l) = ctx.loc(latest.span) {
            d = d.with_related(l, "latest risk assessment");
        }
        out.push(
            ctx.place(d, approved.span, &soa_path(ctx))
                .for_record(soa.document.id.value.clone()),
        );
    }
    for e in m.soa_entries() {
        for r in &e.risks {
            let Some(risk) = m.risk(&r.value) else {
                continue;
            };
            let Some(identified) = &risk.identified else {
                continue;
            };
            if identified.value <= approved_on {
                continue;
            }
            let d = SOA_17
                .diag(format!(
                    "control {} cites risk {}, identified on {} after the SoA was approved on {approved_on}",
                    e.id.value, r.value, identified.value
                ))
                .with_hint("the SoA has changed since its approval: have the current version approved");
            out.push(
                ctx.place(d, r.span, &soa_path(ctx))
                    .for_record(e.id.value.clone()),
            );
        }
    }
}

/// A control marked implemented while the treatment action that puts it in place is open.
fn implemented_after_treatment(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for risk in &m.risks {
        for a in loaded(&risk.plan) {
            if !a.status.value.is_open() {
                continue;
            }
            for c in &a.controls {
                let Some(e) = m.soa_entry(&c.value) else {
                    continue;
                };
                let Some(status) = &e.status else { continue };
                if status.value != ImplementationStatus::Implemented {
                    continue;
                }
                let mut d = SOA_18
                    .diag(format!(
                        "control {} is marked implemented, but treatment action \"{}\" of risk {} that puts it in place is still open",
                        e.id.value, a.action.value, risk.id.value
                    ))
                    .with_hint("mark the control `partial` or `planned` until the action is done, or record the action's completion");
                if let Some(l) = ctx.loc(a.span) {
                    d = d.with_related(l, "open treatment action");
                }
                out.push(
                    ctx.place(d, status.span, &soa_path(ctx))
                        .for_record(e.id.value.clone()),
                );
            }
        }
    }
}

/// Checks that every SoA entry mentions the risks that cite its control: the two directions
/// of the risk-to-control trace should agree.
fn risk_links_consistent(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in ctx.model.additional_controls() {
        for r in &c.risks {
            let Some(risk) = ctx.model.risk(&r.value) else {
                continue;
            };
            if risk.controls.iter().any(|x| x.value == c.id.value) {
                continue;
            }
            let d = SOA_13
                .diag(format!(
                    "the SoA says own control {} treats risk {}, but the risk does not list it",
                    c.id.value, r.value
                ))
                .with_hint(format!(
                    "add \"{}\" to the `controls:` of {} or remove {} from the control",
                    c.id.value, r.value, r.value
                ));
            out.push(
                ctx.place(d, r.span, &soa_path(ctx))
                    .for_record(c.id.value.clone()),
            );
        }
    }
    for e in ctx.model.soa_entries() {
        for r in &e.risks {
            let Some(risk) = ctx.model.risk(&r.value) else {
                continue;
            };
            let id = &e.id.value;
            if risk.controls.iter().any(|c| &c.value == id) {
                continue;
            }
            // A 2013 id cannot be added to the risk register (it is a load error there): name
            // the 2022 control(s) that replace it instead.
            let hint = match catalogue::map_2013(&e.id.value) {
                Some(m) => {
                    let ids: Vec<String> = m.ids_2022.iter().map(|i| format!("\"{i}\"")).collect();
                    format!(
                        "{} is a 2013 control id: replace this SoA entry with its 2022 successor{} {} and list {} in the `controls:` of {}",
                        m.id_2013,
                        if ids.len() == 1 { "" } else { "s" },
                        ids.join(" and "),
                        if ids.len() == 1 { "it" } else { "them" },
                        r.value
                    )
                }
                None => format!(
                    "add \"{id}\" to the `controls:` of {} or remove {} from the SoA entry",
                    r.value, r.value
                ),
            };
            let d = SOA_13
                .diag(format!(
                    "the SoA says control {id} treats risk {}, but the risk does not list it",
                    r.value
                ))
                .with_hint(hint);
            out.push(ctx.place(d, r.span, &soa_path(ctx)).for_record(id.clone()));
        }
    }
}

const SOA_01: Rule = Rule {
    code: "SOA-01",
    name: "soa-covers-annex-a",
    area: Area::Soa,
    clause: "6.1.3 c",
    default_severity: Severity::Error,
    summary: "The SoA has an entry for each of the 93 Annex A controls.",
    explanation: "\
Clause 6.1.3 c asks you to compare the controls you need with Annex A so that nothing necessary
is overlooked; the SoA is where that comparison is visible. An auditor checks it first: a
missing control (often one of the eleven added in 2022, such as 5.7 threat intelligence or 8.28
secure coding) means the comparison was never finished, a duplicate means two contradictory
decisions, and an id outside the 93 means the list was not taken from the 2022 edition. This rule
reports each missing control (one finding per control, folded in the human output); duplicates
and unknown ids are reported by the loader (LOAD-012, LOAD-014).

Fix: add one entry per missing control (`isms controls` lists the 93).

```yaml
controls:
  - id: \"5.7\"
    applicable: true
    reasons: [risk]
    risks: [R-012]
    status: partial
```",
    check: Check::Model(covers_annex_a),
};

const SOA_02: Rule = Rule {
    code: "SOA-02",
    name: "soa-no-2013-ids",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "The SoA has been transitioned: no entry uses an ISO/IEC 27001:2013 control id (such as A.9.2.1).",
    explanation: "\
Certificates against the 2013 edition expired at the end of October 2025. An SoA that still
lists 2013 ids (three numbers, such as A.9.2.1) has not been transitioned, which a certification
body raises as a nonconformity. The loader reports each old id with its 2022 replacement
(LOAD-015); this rule reports the SoA as a whole, once.

Fix: replace each 2013 id with its 2022 equivalent and merge the decisions where several old
controls map to one new control.

```yaml
# before: - id: A.9.2.1   (user registration and de-registration)
controls:
  - id: \"5.16\"            # Identity management
    applicable: true
    reasons: [risk]
    risks: [R-004]
```",
    check: Check::Model(no_2013_ids),
};

const SOA_03: Rule = Rule {
    code: "SOA-03",
    name: "soa-title-matches",
    area: Area::Soa,
    clause: "7.5.2",
    default_severity: Severity::Warning,
    summary: "A control title written in the SoA matches the official Annex A title.",
    explanation: "\
Titles are optional in `soa.yaml` (the tool knows them), but when one is written it must match
the control id. A wrong title usually means rows were shifted or copied from another framework,
and the auditor can no longer tell which decision belongs to which control. Case and spacing
are ignored, and both official spellings of 8.1 and 8.25 are accepted.

Fix: correct the title, or remove it.

```yaml
controls:
  - id: \"5.10\"
    title: Acceptable use of information and other associated assets
    applicable: true
```",
    check: Check::Model(title_matches),
};

const SOA_04: Rule = Rule {
    code: "SOA-04",
    name: "soa-applicability-decided",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "Every SoA entry says whether the control is applicable.",
    explanation: "\
The SoA must record a decision for every Annex A control. An entry without `applicable:` is an
undecided control, which an auditor reads as an unfinished risk treatment process. (A decision
marked `proposed: true` is SOA-19.)

Fix: decide, and write the decision with its justification.

```yaml
controls:
  - id: \"7.5\"
    applicable: false
    justification: No own premises; the office is a serviced co-working space whose landlord provides physical protection (see SUP-011).
```",
    check: Check::Model(applicability_decided),
};

const SOA_05: Rule = Rule {
    code: "SOA-05",
    name: "soa-exclusion-justified",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "Every excluded control has a real justification, not a placeholder such as N/A.",
    explanation: "\
Clause 6.1.3 d requires the justification for excluding each Annex A control. Exclusions
without one are the most common Stage 1 finding. \"N/A\", \"-\", \"not applicable\" or \"TBD\"
restate the decision instead of justifying it, so they are treated as missing.

Fix: explain which facts about the organisation make the control unnecessary.

```yaml
controls:
  - id: \"8.30\"
    applicable: false
    justification: All software is developed by employees; no development is outsourced (see scope.md).
```",
    check: Check::Model(exclusion_justified),
};

const SOA_06: Rule = Rule {
    code: "SOA-06",
    name: "soa-inclusion-justified",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "Every applicable control is traced to a risk, an obligation or a stated business need.",
    explanation: "\
The SoA must say why each control is included. Auditors look for \"orphaned\" controls, chosen
because they are in the standard rather than because a risk or requirement calls for them;
such a control cannot be shown to come from risk treatment.

Fix: link the control to the risks it treats, to the obligations it meets, or state the
business need with `reasons: [business]` and a justification.

```yaml
controls:
  - id: \"5.31\"
    applicable: true
    reasons: [legal, contractual]
    obligations: [OBL-01, OBL-04]
    justification: GDPR and customer contracts require a maintained register of obligations.
```",
    check: Check::Model(inclusion_traced),
};

const SOA_07: Rule = Rule {
    code: "SOA-07",
    name: "soa-implementation-status",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "Every applicable control has an implementation status.",
    explanation: "\
Clause 6.1.3 d asks the SoA to say whether each necessary control is implemented. Without a
status the auditor cannot plan the Stage 2 sample or judge the treatment plan.

Fix: add `status:` with one of implemented, partial, planned or not-implemented.

```yaml
controls:
  - id: \"8.13\"
    applicable: true
    reasons: [risk]
    risks: [R-021]
    status: implemented
```",
    check: Check::Model(implementation_status),
};

const SOA_08: Rule = Rule {
    code: "SOA-08",
    name: "soa-document-approved",
    area: Area::Soa,
    clause: "7.5.2",
    default_severity: Severity::Error,
    summary: "The SoA document has a version, an owner and an approval (who and when) by someone allowed to approve it.",
    explanation: "\
The SoA is a mandatory document and must be identified and approved like any controlled
document. An undated or unapproved SoA is a typical Stage 1 nonconformity. It records the
organisation's decisions on controls, so its approval is a management decision: the approver
must be top management (`top_management: true`), unless the organisation has assigned that
authority to a role by listing the SoA's id under the role's `approves:` (5.3); then only
holders of such a role may approve it. The approver may be given as a person or as a role.

Fix: complete the `document:` block once the SoA has been approved.

```yaml
document:
  id: SOA
  version: \"2.1\"
  owner: p-ciso
  approval:
    by: p-ceo
    on: 2025-03-14
```",
    check: Check::Model(document_approved),
};

const SOA_09: Rule = Rule {
    code: "SOA-09",
    name: "soa-excluded-control-not-used",
    area: Area::Soa,
    clause: "6.1.3 b",
    default_severity: Severity::Error,
    summary: "No control excluded in the SoA is used to treat a risk or implemented by a policy or procedure.",
    explanation: "\
If the risk register relies on a control that the SoA declares not applicable, the two
documents contradict each other and the risk is not actually treated. Auditors cross-check
the two documents for exactly this. The same holds for a policy or procedure whose
`controls:` list an excluded control: the organisation says it implements a control it has
declared unnecessary.

Fix: make the control applicable in the SoA (and link the risk), or change the risk's treatment.

```yaml
# soa.yaml
controls:
  - id: \"8.16\"
    applicable: true
    reasons: [risk]
    risks: [R-009]
```",
    check: Check::Model(excluded_used),
};

const SOA_10: Rule = Rule {
    code: "SOA-10",
    name: "soa-risk-controls-applicable",
    area: Area::Soa,
    clause: "6.1.3 c",
    default_severity: Severity::Error,
    summary: "Every Annex A control used in the risk register is in the SoA and decided.",
    explanation: "\
Controls chosen to treat risks are, by definition, necessary controls, and the SoA must list
them as applicable. A control cited by a risk but missing or undecided in the SoA means the SoA
was not derived from the treatment plan.

Fix: add the control to the SoA as applicable and link the risk.

```yaml
controls:
  - id: \"8.8\"
    applicable: true
    reasons: [risk]
    risks: [R-003, R-017]
    status: implemented
```",
    check: Check::Model(risk_controls_applicable),
};

const SOA_11: Rule = Rule {
    code: "SOA-11",
    name: "soa-implemented-has-evidence",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "Every control marked implemented points to at least one piece of evidence.",
    explanation: "\
At Stage 2 the auditor samples controls marked implemented and asks for proof that they
operate. Claiming implementation without any evidence reference is one of the most frequent
audit failures. Evidence can be a file in the repository or a URL (ticket, dashboard, report);
large evidence need not live in Git.

Fix: add evidence pointers with the date they were collected.

```yaml
controls:
  - id: \"8.13\"
    applicable: true
    status: implemented
    evidence:
      - url: https://tickets.example.com/OPS-812
        description: Quarterly restore test of the production database
        collected: 2025-04-02
```",
    check: Check::Model(implemented_has_evidence),
};

const SOA_12: Rule = Rule {
    code: "SOA-12",
    name: "soa-exclusion-plausible",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "An exclusion does not contradict facts recorded elsewhere in the ISMS.",
    explanation: "\
Some exclusions are contradicted by the organisation's own records, and auditors raise them as
unjustifiable. The rule does not read the free-text justification (any wording, in any
language, is accepted there); it reads the structured reasons of the exclusion and compares
them with the records:

* `no-premises` while the asset register lists in-scope sites that no supplier provides;
* `no-development` while it lists in-scope software that no supplier provides (in-house);
* `no-suppliers` while suppliers are registered; `no-cloud` while cloud services are in use;
* `outsourced` without naming the suppliers under `suppliers:`; `legal` or `contractual`
  without naming the obligations under `obligations:`.

When no structured reason is given, the facts that usually make a control applicable are
reported instead: 5.23 with cloud services in use, 5.19-5.22 with suppliers registered, 8.25-8.29
and 8.31 with in-house software, and any physical control (7.x). This is a heuristic, so it is
a warning. (A control excluded while a policy, procedure or risk uses it is SOA-09.)

Fix: re-check the decision. If the exclusion stands, state the reason and what it rests on.

```yaml
controls:
  - id: \"7.8\"
    applicable: false
    reasons: [outsourced]
    suppliers: [SUP-001, SUP-014]
    justification: No own equipment rooms; production runs at the cloud provider and the office is a serviced suite whose operator sites and protects all equipment.
```",
    check: Check::Model(exclusion_plausible),
};

const SOA_13: Rule = Rule {
    code: "SOA-13",
    name: "soa-risk-links-consistent",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "A risk named in an SoA entry also lists that control in the risk register.",
    explanation: "\
The SoA and the risk register describe the same trace from two sides: the SoA entry names the
risks a control treats, and each risk names its controls. When the SoA says a control treats a
risk that does not list the control, one of the two documents is out of date, and the
justification for inclusion rests on a link that does not exist.

Fix: add the control to the risk's `controls:`, or remove the risk from the SoA entry.

```yaml
# risks.yaml
risks:
  - id: R-009
    controls: [\"8.15\", \"8.16\"]
```",
    check: Check::Model(risk_links_consistent),
};

const SOA_17: Rule = Rule {
    code: "SOA-17",
    name: "soa-current-with-risk-assessment",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "The SoA was approved after the latest risk assessment and cites no risk identified since.",
    explanation: "\
The SoA is an output of risk treatment (6.1.3): the controls it lists as necessary come from
the current assessment. An SoA approved before the latest risk assessment (the register's
`assessed:`) may no longer match the treatment plan, and an SoA entry citing a risk
identified after the SoA's approval shows the SoA was edited without being approved again.
Auditors compare these dates.

Fix: review the SoA against the new assessment and record the new approval.

```yaml
document:
  id: SOA
  version: \"1.1\"
  approval: { by: p-ceo, on: 2025-04-15 }   # after `assessed: 2025-04-01` in risks.yaml
```",
    check: Check::Model(current_with_risks),
};

const SOA_18: Rule = Rule {
    code: "SOA-18",
    name: "soa-implemented-treatment-done",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Warning,
    summary: "No control is marked implemented while a treatment action that puts it in place is open.",
    explanation: "\
Clause 6.1.3 d asks the SoA to say whether each necessary control is implemented, and the
risk treatment plan says how and when it will be. When a treatment action names the controls it
puts in place (`controls:` of the action) and is still planned or in progress, an SoA that
already claims those controls implemented overstates the state of treatment. Actions without
`controls:` are not compared.

Fix: mark the control `partial` or `planned` until the action is done, or record the action's
completion.

```yaml
# risks.yaml
plan:
  - action: Roll out disk encryption to all laptops
    controls: [\"8.1\"]
    status: done
    completed: 2025-05-20
```",
    check: Check::Model(implemented_after_treatment),
};

const SOA_19: Rule = Rule {
    code: "SOA-19",
    name: "soa-decision-confirmed",
    area: Area::Soa,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "No SoA decision is still marked as an unconfirmed proposal (`proposed: true`).",
    explanation: "\
The applicability decisions in the SoA are the organisation's own (6.1.3 d). A decision written
in advance, such as the exclusions `isms init` proposes for a startup without its own secure
areas, rests on facts only the organisation can confirm. Until someone has checked them it is
a proposal, and an auditor who learns that the exclusion was copied from a template treats the
control as undecided. Such entries carry `proposed: true`; this rule reports them until the
marker is removed.

Fix: check the facts, confirm or change the decision, and delete the marker.

```yaml
controls:
  - id: \"7.6\"
    applicable: false
    reasons: [outsourced]
    suppliers: [SUP-01]
    justification: No secure areas of our own; the data centres are the cloud provider's.
```",
    check: Check::Model(decision_confirmed),
};

/// The SoA rules.
pub(super) const RULES: &[Rule] = &[
    SOA_01, SOA_02, SOA_03, SOA_04, SOA_05, SOA_06, SOA_07, SOA_08, SOA_09, SOA_10, SOA_11, SOA_12,
    SOA_13, SOA_17, SOA_18, SOA_19,
];
