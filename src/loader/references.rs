//! Referential integrity: ids unique per kind, every reference resolves, every Annex A control
//! id is a 2022 id.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{check_control, suggest};
use crate::diagnostic::{Diagnostic, Suggester};
use crate::model::{Approval, Document, Id, Isms, RecordKind};
use crate::source::Span;

/// Kinds of record that can be referred to by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Person,
    Role,
    Asset,
    Risk,
    Supplier,
    Obligation,
    Document,
    Objective,
    Metric,
    Incident,
    Change,
    Nonconformity,
    Audit,
    Issue,
    InterestedParty,
    Requirement,
    Process,
    ExternalDocument,
    SoaControl,
    /// A finding, within its audit (ids are `AUDIT FINDING`).
    Finding,
    /// A risk's source: an issue or an interested-party requirement.
    Source,
    /// An owner, approver or acceptor: a person, or a role (which stands for its holders).
    Owner,
}

impl Kind {
    /// The record kinds whose files define ids of this kind.
    fn record_kinds(self) -> &'static [RecordKind] {
        match self {
            Kind::Person | Kind::Role | Kind::Owner | Kind::Process | Kind::ExternalDocument => {
                &[RecordKind::Manifest]
            }
            Kind::Asset => &[RecordKind::Assets],
            Kind::Risk => &[RecordKind::Risks],
            Kind::Supplier => &[RecordKind::Suppliers],
            Kind::Obligation
            | Kind::Issue
            | Kind::InterestedParty
            | Kind::Requirement
            | Kind::Source => &[RecordKind::Context],
            Kind::Document => &[
                RecordKind::Scope,
                RecordKind::Policies,
                RecordKind::Procedures,
                RecordKind::AuditProgramme,
                RecordKind::Soa,
            ],
            Kind::Objective => &[RecordKind::Objectives],
            Kind::Metric => &[RecordKind::Metrics],
            Kind::Incident => &[RecordKind::Incidents],
            Kind::Change => &[RecordKind::Changes],
            Kind::Nonconformity => &[RecordKind::Nonconformities],
            Kind::Audit | Kind::Finding => &[RecordKind::Audits],
            Kind::SoaControl => &[RecordKind::Soa],
        }
    }

    /// A file holding records of this kind that failed to load, if any.
    fn failed_file(self, model: &Isms) -> Option<&str> {
        let kinds = self.record_kinds();
        model
            .failed
            .iter()
            .find(|(_, k)| kinds.contains(k))
            .map(|(f, _)| f.as_str())
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Role => "role",
            Kind::Asset => "asset",
            Kind::Risk => "risk",
            Kind::Supplier => "supplier",
            Kind::Obligation => "obligation",
            Kind::Document => "document",
            Kind::Objective => "objective",
            Kind::Metric => "metric",
            Kind::Incident => "incident",
            Kind::Change => "change",
            Kind::Nonconformity => "nonconformity",
            Kind::Audit => "audit",
            Kind::Issue => "issue",
            Kind::InterestedParty => "interested party",
            Kind::Requirement => "requirement",
            Kind::Process => "process",
            Kind::ExternalDocument => "external document",
            Kind::SoaControl => "SoA control",
            Kind::Finding => "finding",
            Kind::Source => "issue or requirement",
            Kind::Owner => "person or role",
        }
    }

    fn defined_in(self) -> &'static str {
        match self {
            Kind::Person => "`people:` in isms.yaml",
            Kind::Role => "`roles:` in isms.yaml",
            Kind::Asset => "assets.yaml",
            Kind::Risk => "the risk register",
            Kind::Supplier => "suppliers.yaml",
            Kind::Obligation => "`obligations:` in context.yaml",
            Kind::Document => "policies/, procedures/ or another document's front matter",
            Kind::Objective => "objectives.yaml",
            Kind::Metric => "metrics.yaml",
            Kind::Incident => "incidents.yaml",
            Kind::Change => "changes.yaml",
            Kind::Nonconformity => "nonconformities.yaml",
            Kind::Audit => "audits/",
            Kind::Issue => "`issues:` in context.yaml",
            Kind::InterestedParty => "`interested_parties:` in context.yaml",
            Kind::Requirement => "the requirements of an interested party in context.yaml",
            Kind::Process => "`processes:` in isms.yaml",
            Kind::ExternalDocument => "`external_documents:` in isms.yaml",
            Kind::SoaControl => "soa.yaml",
            Kind::Finding => "the `findings:` of an audit",
            Kind::Source => "context.yaml (issues, or requirements of interested parties)",
            Kind::Owner => "`people:` or `roles:` in isms.yaml",
        }
    }
}

/// The ids of one kind, with where each is first defined.
type Ids<'a> = HashMap<&'a str, Span>;

/// Every id defined and every reference made in a model, borrowed from it (the language
/// server collects them at every keystroke: no copy of each id).
#[derive(Default)]
pub(super) struct References<'a> {
    defined: Vec<(Kind, Cow<'a, str>, Span)>,
    /// (kind, reference, field, id of the record that makes the reference).
    refs: Vec<(Kind, &'a Id, &'static str, Cow<'a, str>)>,
    /// Owned for the keys of `cadences.control_evidence_months`, located at their mapping.
    controls: Vec<Cow<'a, Id>>,
    /// (audit, finding, id of the referring nonconformity).
    findings: Vec<(Id, Id, String)>,
    /// (finding, id of the referring nonconformity) for a finding named without its audit.
    loose_findings: Vec<(Id, String)>,
    /// The record whose references are being collected, so a dangling reference is reported
    /// against it (and a waiver on it matches), not against the id that is missing.
    record: Cow<'a, str>,
}

impl<'a> References<'a> {
    fn define(&mut self, kind: Kind, id: &'a Id) {
        self.defined.push((kind, Cow::Borrowed(&id.value), id.span));
    }

    /// Makes `id` the record the following references are reported against.
    fn within(&mut self, id: impl Into<Cow<'a, str>>) {
        self.record = id.into();
    }

    fn add_ref(&mut self, kind: Kind, id: &'a Id, field: &'static str) {
        self.refs.push((kind, id, field, self.record.clone()));
    }

    fn add_opt_ref(&mut self, kind: Kind, id: Option<&'a Id>, field: &'static str) {
        if let Some(id) = id {
            self.add_ref(kind, id, field);
        }
    }

    fn people(&mut self, ids: &'a [Id], field: &'static str) {
        for id in ids {
            self.add_ref(Kind::Person, id, field);
        }
    }

    fn approval(&mut self, a: &'a Approval, field: &'static str) {
        self.add_opt_ref(Kind::Owner, a.by.as_ref(), field);
    }

    fn controls(&mut self, ids: &'a [Id]) {
        self.controls.extend(ids.iter().map(Cow::Borrowed));
    }

    fn document<D: Document + ?Sized>(&mut self, d: &'a D) {
        self.within(&d.id().value);
        self.add_opt_ref(Kind::Owner, d.owner(), "owner");
        self.approval(d.approval(), "approval.by");
    }

    /// Reports duplicate ids, dangling references and bad control ids. A reference that does
    /// not resolve while a file of its kind failed to load is not reported (it most likely
    /// names a record of that file); returns, per failed file, how many were folded so.
    pub(super) fn check(&self, model: &Isms, diags: &mut Vec<Diagnostic>) -> Vec<(String, usize)> {
        let mut folded: std::collections::BTreeMap<&str, usize> = Default::default();
        // Definitions are in load order, so "first defined" is the earlier file or line.
        let mut index: HashMap<Kind, Ids<'_>> = HashMap::new();
        for (kind, id, span) in &self.defined {
            let id: &str = id;
            // Findings are defined as "AUDIT FINDING", so that their ids are unique per audit.
            let own = match kind {
                Kind::Finding => id.split_once(' ').map_or(id, |(_, f)| f),
                _ => id,
            };
            if let Some(why) = invalid_id(own) {
                diags.push(
                    Diagnostic::error("LOAD-019", format!("{} id `{own}` {why}", kind.noun()))
                        .at(model.location(*span))
                        .with_hint(
                            "ids use ASCII letters, digits, `-`, `_` and `.` only (docs/format.md, \
                             \"Ids and references\"); retype the id",
                        )
                        .for_record(id.to_string()),
                );
            }
            let seen = index.entry(*kind).or_default();
            if let Some(first) = seen.get(id) {
                diags.push(
                    Diagnostic::error("LOAD-012", format!("duplicate {} id `{id}`", kind.noun()))
                        .at(model.location(*span))
                        .with_related(model.location(*first), "first defined here")
                        .with_hint("give each record its own id; references must point to exactly one record")
                        .for_record(id.to_string()),
                );
            } else {
                seen.insert(id, *span);
            }
        }
        let empty = HashMap::default();
        // At most two maps per kind, without an allocation per reference.
        let lookup = |kind: Kind| -> [Option<&Ids<'_>>; 2] {
            match kind {
                Kind::Source => [index.get(&Kind::Issue), index.get(&Kind::Requirement)],
                Kind::Owner => [index.get(&Kind::Person), index.get(&Kind::Role)],
                _ => [Some(index.get(&kind).unwrap_or(&empty)), None],
            }
        };
        // One suggester per kind, built on first need: suggestions cost O(1) per reference.
        let mut suggesters: HashMap<Kind, Suggester<'_>> = HashMap::new();
        for (kind, id, field, record) in &self.refs {
            let found = lookup(*kind);
            // A record that failed to load has its own error already.
            if found
                .iter()
                .flatten()
                .any(|m| m.contains_key(id.value.as_str()))
                || model.unloaded.contains_key(&id.value)
            {
                continue;
            }
            let maps: Vec<&Ids<'_>> = found.iter().flatten().copied().collect();
            if let Some(file) = kind.failed_file(model) {
                *folded.entry(file).or_default() += 1;
                continue;
            }
            let suggester = suggesters
                .entry(*kind)
                .or_insert_with(|| Suggester::new(maps.iter().flat_map(|m| m.keys().copied())));
            let hint = suggester
                .suggest(&id.value)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "define it in {}, or correct the reference",
                        kind.defined_in()
                    )
                });
            let d = Diagnostic::error(
                "LOAD-013",
                format!(
                    "`{field}` refers to {} `{}`, which does not exist",
                    article(kind.noun()),
                    id.value
                ),
            )
            .at(model.location(id.span))
            .with_hint(hint);
            diags.push(referred_from(d, record));
        }
        for id in &self.controls {
            check_control(model, id, diags);
        }
        for (audit, finding, record) in &self.findings {
            let Some(a) = model.audits.iter().find(|a| a.id.value == audit.value) else {
                continue;
            };
            if !a.findings.iter().any(|f| f.id.value == finding.value) {
                let known: Vec<&str> = a.findings.iter().map(|f| f.id.value.as_str()).collect();
                let hint = suggest(&finding.value, known.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "audit `{}` has the findings: {}",
                        audit.value,
                        known.join(", ")
                    )
                });
                let d = Diagnostic::error(
                    "LOAD-013",
                    format!(
                        "`finding` refers to finding `{}`, which audit `{}` does not have",
                        finding.value, audit.value
                    ),
                )
                .at(model.location(finding.span))
                .with_hint(hint);
                diags.push(referred_from(d, record));
            }
        }
        // Finding ids are unique per audit only; without the audit, some audit must have it.
        let audits_loaded = !model.failed.values().any(|k| *k == RecordKind::Audits);
        for (finding, record) in &self.loose_findings {
            let known = model
                .audits
                .iter()
                .any(|a| a.findings.iter().any(|f| f.id.value == finding.value));
            if known || !audits_loaded {
                continue;
            }
            let d = Diagnostic::error(
                "LOAD-013",
                format!(
                    "`finding` refers to finding `{}`, which no audit has",
                    finding.value
                ),
            )
            .at(model.location(finding.span))
            .with_hint(
                "name the audit the finding belongs to (`audit:`) and correct the finding id,                  or leave `finding:` out",
            );
            diags.push(referred_from(d, record));
        }
        folded
            .into_iter()
            .map(|(f, n)| (f.to_string(), n))
            .collect()
    }
}

/// Attributes a dangling reference to the record that makes it (when it has an id).
fn referred_from(d: Diagnostic, record: &str) -> Diagnostic {
    if record.trim().is_empty() {
        d
    } else {
        d.for_record(record.to_string())
    }
}

fn article(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}

/// Collects definitions and references from every part of the model.
pub(super) fn collect(m: &Isms) -> References<'_> {
    let mut r = References::default();
    for p in &m.people {
        r.define(Kind::Person, &p.id);
        r.within(&p.id.value);
        r.add_opt_ref(
            Kind::Supplier,
            p.covered_by_supplier.as_ref(),
            "covered_by_supplier",
        );
    }
    for role in &m.roles {
        r.within(&role.id.value);
        r.define(Kind::Role, &role.id);
        r.people(&role.holders, "holders");
        // A document id misspelt here would silently lift the restriction on its approvers.
        for d in &role.approves {
            r.add_ref(Kind::Document, d, "approves");
        }
    }
    if let Some(man) = &m.manifest {
        let cadences = &man.cadences.control_evidence_months;
        r.controls.extend(cadences.value.keys().map(|k| {
            Cow::Owned(Id {
                value: k.clone(),
                span: cadences.span,
            })
        }));
        if let Some(meth) = &man.risk_methodology {
            r.within("risk_methodology");
            r.approval(&meth.approval, "approval.by");
        }
        for p in man.processes.iter() {
            r.within(&p.id.value);
            r.define(Kind::Process, &p.id);
            r.add_opt_ref(Kind::Owner, p.owner.as_ref(), "owner");
        }
        r.within("");
        for c in man.communication.iter() {
            r.add_opt_ref(Kind::Owner, c.owner.as_ref(), "owner");
        }
        for d in man.external_documents.iter() {
            r.within(&d.id.value);
            r.define(Kind::ExternalDocument, &d.id);
            r.add_opt_ref(Kind::Owner, d.owner.as_ref(), "owner");
        }
        for w in man.checks.waivers.iter() {
            r.within(w.record.as_ref().map_or("", |x| x.value.as_str()));
            r.add_opt_ref(Kind::Owner, w.owner.as_ref(), "owner");
        }
    }
    if let Some(ctx) = &m.context {
        for i in ctx.issues.iter() {
            r.within(&i.id.value);
            r.define(Kind::Issue, &i.id);
            for risk in &i.risks {
                r.add_ref(Kind::Risk, risk, "risks");
            }
        }
        if let Some(c) = &ctx.climate_change {
            r.within("");
            r.approval(&c.determined, "determined.by");
        }
        for p in ctx.interested_parties.iter() {
            r.define(Kind::InterestedParty, &p.id);
            for q in p.requirements.iter() {
                r.within(&q.id.value);
                r.define(Kind::Requirement, &q.id);
                for o in &q.obligations {
                    r.add_ref(Kind::Obligation, o, "obligations");
                }
            }
        }
        for o in ctx.obligations.iter() {
            r.within(&o.id.value);
            r.define(Kind::Obligation, &o.id);
            r.add_opt_ref(Kind::Owner, o.owner.as_ref(), "owner");
            r.controls(&o.controls);
        }
        r.within("");
        r.approval(&ctx.reviewed, "reviewed.by");
    }
    for d in m.documents() {
        r.define(Kind::Document, d.id());
        r.document(d);
    }
    if let Some(soa) = &m.soa {
        r.within(&soa.document.id.value);
        r.define(Kind::Document, &soa.document.id);
        r.add_opt_ref(Kind::Owner, soa.document.owner.as_ref(), "owner");
        r.approval(&soa.document.approval, "approval.by");
        for e in soa.controls.iter() {
            r.within(&e.id.value);
            r.define(Kind::SoaControl, &e.id);
            r.controls(std::slice::from_ref(&e.id));
            r.add_opt_ref(Kind::Owner, e.owner.as_ref(), "owner");
            for x in &e.risks {
                r.add_ref(Kind::Risk, x, "risks");
            }
            for x in &e.obligations {
                r.add_ref(Kind::Obligation, x, "obligations");
            }
            for x in &e.suppliers {
                r.add_ref(Kind::Supplier, x, "suppliers");
            }
            for x in &e.policies {
                r.add_ref(Kind::Document, x, "policies");
            }
        }
        for c in soa.additional_controls.iter() {
            r.within(&c.id.value);
            r.define(Kind::SoaControl, &c.id);
            if super::looks_like_annex_a(&c.id.value) {
                r.controls(std::slice::from_ref(&c.id)); // reported as not an Annex A control
            }
            // A role may own a control, as for the Annex A entries.
            r.add_opt_ref(Kind::Owner, c.owner.as_ref(), "owner");
            for x in &c.risks {
                r.add_ref(Kind::Risk, x, "risks");
            }
            for x in &c.obligations {
                r.add_ref(Kind::Obligation, x, "obligations");
            }
        }
    }
    for p in &m.policies {
        r.controls(&p.controls);
    }
    for p in &m.procedures {
        r.within(&p.id.value);
        r.controls(&p.controls);
        for pol in &p.policies {
            r.add_ref(Kind::Document, pol, "policies");
        }
    }
    if let Some(p) = &m.audit_programme {
        for a in p.planned.iter() {
            r.within(&a.id.value);
            r.add_opt_ref(Kind::Person, a.auditor.as_ref(), "auditor");
            r.controls(&a.controls);
        }
    }
    for a in &m.audits {
        r.within(&a.id.value);
        r.define(Kind::Audit, &a.id);
        r.add_opt_ref(Kind::Person, a.auditor.as_ref(), "auditor");
        r.people(&a.auditees, "auditees");
        r.people(&a.report.recipients, "report.recipients");
        r.controls(&a.controls);
        for f in a.findings.iter() {
            // Finding ids need only be unique within their audit.
            let scoped = format!("{} {}", a.id.value, f.id.value);
            r.defined
                .push((Kind::Finding, Cow::Owned(scoped), f.id.span));
            r.add_opt_ref(
                Kind::Nonconformity,
                f.nonconformity.as_ref(),
                "nonconformity",
            );
            if let Some(c) = &f.control {
                r.controls(std::slice::from_ref(c));
            }
        }
    }
    for rev in &m.reviews {
        r.within(&rev.id.value);
        r.people(&rev.attendees, "attendees");
        for a in &rev.audits_considered {
            r.add_ref(Kind::Audit, a, "audits_considered");
        }
        for act in rev.actions.iter() {
            r.add_opt_ref(Kind::Owner, act.owner.as_ref(), "owner");
            r.controls(&act.controls);
            for rp in &act.replanned {
                r.add_opt_ref(Kind::Owner, rp.by.as_ref(), "replanned.by");
            }
        }
    }
    r.within("");
    for review in &m.asset_reviews {
        r.approval(review, "reviewed.by");
    }
    for a in &m.assets {
        r.within(&a.id.value);
        r.define(Kind::Asset, &a.id);
        r.add_opt_ref(Kind::Owner, a.owner.as_ref(), "owner");
        r.add_opt_ref(Kind::Supplier, a.supplier.as_ref(), "supplier");
    }
    for risk in &m.risks {
        r.within(&risk.id.value);
        r.define(Kind::Risk, &risk.id);
        r.add_opt_ref(Kind::Owner, risk.owner.as_ref(), "owner");
        for a in &risk.assets {
            r.add_ref(Kind::Asset, a, "assets");
        }
        for s in &risk.sources {
            r.add_ref(Kind::Source, s, "sources");
        }
        r.controls(&risk.controls);
        for act in risk.plan.iter() {
            r.add_opt_ref(Kind::Owner, act.owner.as_ref(), "owner");
            r.controls(&act.controls);
            for rp in &act.replanned {
                r.add_opt_ref(Kind::Owner, rp.by.as_ref(), "replanned.by");
            }
        }
        r.approval(&risk.plan_approval, "plan_approval.by");
        if let Some(acc) = &risk.acceptance {
            r.add_opt_ref(Kind::Owner, acc.by.as_ref(), "acceptance.by");
            for p in &acc.also_by {
                r.add_ref(Kind::Owner, p, "acceptance.also_by");
            }
            r.add_opt_ref(
                Kind::Owner,
                acc.on_behalf_of.as_ref(),
                "acceptance.on_behalf_of",
            );
        }
    }
    for o in &m.opportunities {
        r.within(&o.id.value);
        r.add_opt_ref(Kind::Owner, o.owner.as_ref(), "owner");
        for s in &o.sources {
            r.add_ref(Kind::Source, s, "sources");
        }
    }
    for o in &m.objectives {
        r.within(&o.id.value);
        r.define(Kind::Objective, &o.id);
        r.add_opt_ref(Kind::Owner, o.owner.as_ref(), "owner");
        r.add_opt_ref(Kind::Document, o.policy.as_ref(), "policy");
        for x in &o.risks {
            r.add_ref(Kind::Risk, x, "risks");
        }
    }
    for s in &m.suppliers {
        r.within(&s.id.value);
        r.define(Kind::Supplier, &s.id);
        r.add_opt_ref(Kind::Owner, s.owner.as_ref(), "owner");
        for rev in s.reviews.iter() {
            r.add_opt_ref(Kind::Person, rev.by.as_ref(), "reviews.by");
        }
    }
    for c in &m.competence {
        r.within(&c.person.value);
        r.add_ref(Kind::Person, &c.person, "person");
        r.add_opt_ref(Kind::Role, c.role.as_ref(), "role");
    }
    for a in &m.competence_actions {
        r.within(&a.person.value);
        r.add_ref(Kind::Person, &a.person, "person");
        r.add_opt_ref(Kind::Role, a.role.as_ref(), "role");
        if let Some(e) = &a.effectiveness {
            r.add_opt_ref(Kind::Owner, e.by.as_ref(), "effectiveness.by");
        }
    }
    for a in &m.awareness {
        r.within(&a.person.value);
        r.add_ref(Kind::Person, &a.person, "person");
    }
    for x in &m.metrics {
        r.within(&x.id.value);
        r.define(Kind::Metric, &x.id);
        r.add_opt_ref(Kind::Owner, x.measured_by.as_ref(), "measured_by");
        r.add_opt_ref(Kind::Owner, x.analysed_by.as_ref(), "analysed_by");
        for o in &x.objectives {
            r.add_ref(Kind::Objective, o, "objectives");
        }
        r.controls(&x.controls);
    }
    for i in &m.incidents {
        r.within(&i.id.value);
        r.define(Kind::Incident, &i.id);
        r.add_opt_ref(
            Kind::Nonconformity,
            i.nonconformity.as_ref(),
            "nonconformity",
        );
        r.controls(&i.controls);
    }
    for c in &m.changes {
        r.within(&c.id.value);
        r.define(Kind::Change, &c.id);
        r.approval(&c.approval, "approval.by");
    }
    for nc in &m.nonconformities {
        r.within(&nc.id.value);
        r.define(Kind::Nonconformity, &nc.id);
        r.add_opt_ref(Kind::Owner, nc.owner.as_ref(), "owner");
        r.add_opt_ref(Kind::Audit, nc.audit.as_ref(), "audit");
        r.add_opt_ref(Kind::Incident, nc.incident.as_ref(), "incident");
        if let Some(c) = &nc.control {
            r.controls(std::slice::from_ref(c));
        }
        if let Some(e) = &nc.effectiveness {
            r.add_opt_ref(Kind::Person, e.by.as_ref(), "effectiveness.by");
        }
        for rp in &nc.replanned {
            r.add_opt_ref(Kind::Owner, rp.by.as_ref(), "replanned.by");
        }
        match (&nc.audit, &nc.finding) {
            (Some(a), Some(f)) => r.findings.push((a.clone(), f.clone(), nc.id.value.clone())),
            (None, Some(f)) => r.loose_findings.push((f.clone(), nc.id.value.clone())),
            _ => {}
        }
    }
    for a in &m.acknowledgements {
        r.within(format!("{} {}", a.policy.value, a.person.value));
        r.add_ref(Kind::Person, &a.person, "person");
        r.add_ref(Kind::Document, &a.policy, "policy");
    }
    for f in &m.framework_answers {
        for a in &f.answers {
            r.within(&a.id.value);
            r.add_opt_ref(Kind::Owner, a.owner.as_ref(), "owner");
        }
    }
    r
}

/// Why `id` cannot be an id, or `None` when it is fine: ids are ASCII letters, digits, `-`, `_`
/// and `.`, so that they read the same to everyone (no invisible or look-alike characters).
pub(crate) fn invalid_id(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".to_string());
    }
    let bad = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))?;
    let code = format!("U+{:04X}", u32::from(bad));
    let what = if matches!(bad, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    {
        format!("contains {code}, an invisible bidirectional control that changes how the id reads")
    } else if bad.is_control() || matches!(bad, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
        format!("contains {code}, an invisible character")
    } else if bad.is_whitespace() {
        format!("contains a space or other blank ({code})")
    } else if bad.is_alphanumeric() {
        format!("contains `{bad}` ({code}), a non-ASCII character that may look like an ASCII one")
    } else {
        format!("contains `{bad}` ({code})")
    };
    Some(what)
}
