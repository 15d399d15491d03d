//! What the language server knows about the ids of one loaded repository: where each record
//! is defined, what to say about it on hover, and which kinds of record a key refers to.

use std::collections::HashMap;

use serde::Serialize;

use crate::catalogue;
use crate::diagnostic::Location;
use crate::model::Isms;
use crate::yaml::Spanned;

/// Kind of record an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// `people:` of isms.yaml.
    Person,
    /// `roles:` of isms.yaml.
    Role,
    /// A risk.
    Risk,
    /// An asset.
    Asset,
    /// An SoA entry, or one of the organisation's own controls.
    Control,
    /// A controlled document (scope, policy, procedure, audit, review, SoA document).
    Document,
    /// A supplier.
    Supplier,
    /// An objective.
    Objective,
    /// A metric.
    Metric,
    /// An incident.
    Incident,
    /// A change.
    Change,
    /// A nonconformity.
    Nonconformity,
    /// An issue of context.yaml.
    Issue,
    /// An interested party.
    Party,
    /// A requirement of an interested party.
    Requirement,
    /// An obligation.
    Obligation,
}

impl IdKind {
    /// Lower-case name, for completion details.
    pub fn label(self) -> &'static str {
        match self {
            IdKind::Person => "person",
            IdKind::Role => "role",
            IdKind::Risk => "risk",
            IdKind::Asset => "asset",
            IdKind::Control => "control",
            IdKind::Document => "document",
            IdKind::Supplier => "supplier",
            IdKind::Objective => "objective",
            IdKind::Metric => "metric",
            IdKind::Incident => "incident",
            IdKind::Change => "change",
            IdKind::Nonconformity => "nonconformity",
            IdKind::Issue => "issue",
            IdKind::Party => "interested party",
            IdKind::Requirement => "requirement",
            IdKind::Obligation => "obligation",
        }
    }
}

/// The kinds of record a key refers to (docs/format.md, "Ids and references"), or none when
/// the key does not hold references.
pub fn kinds_for_key(key: &str) -> &'static [IdKind] {
    match key {
        "owner" => &[IdKind::Person, IdKind::Role],
        "by" | "also_by" | "on_behalf_of" | "auditor" | "auditors" | "holders" | "attendees"
        | "auditees" | "recipients" | "measured_by" | "analysed_by" | "person" => &[IdKind::Person],
        "role" => &[IdKind::Role],
        "risks" => &[IdKind::Risk],
        "assets" => &[IdKind::Asset],
        "controls" => &[IdKind::Control],
        "policies" | "policy" => &[IdKind::Document],
        "supplier" | "suppliers" => &[IdKind::Supplier],
        "objectives" => &[IdKind::Objective],
        "obligations" => &[IdKind::Obligation],
        "sources" => &[IdKind::Issue, IdKind::Requirement],
        "incident" => &[IdKind::Incident],
        "nonconformity" => &[IdKind::Nonconformity],
        "audit" | "audits_considered" => &[IdKind::Document],
        _ => &[],
    }
}

/// One record that defines an id.
#[derive(Debug, Clone)]
pub struct Definition {
    /// What it is.
    pub kind: IdKind,
    /// Where its id is written.
    pub location: Location,
    /// A one-line description (title, name).
    pub title: String,
    /// Markdown shown on hover.
    pub hover: String,
}

/// Every id defined in a loaded repository.
#[derive(Debug, Default)]
pub struct Index {
    /// By id; an id may be defined by records of different kinds.
    pub by_id: HashMap<String, Vec<Definition>>,
    /// Ids in definition order, for completion.
    pub order: Vec<String>,
}

/// The serde name of an enum value (`mitigate`, `in-progress`).
fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

impl Index {
    fn add(
        &mut self,
        model: &Isms,
        kind: IdKind,
        id: &Spanned<String>,
        title: &str,
        hover: String,
    ) {
        if id.span.line == 0 {
            return;
        }
        let def = Definition {
            kind,
            location: model.location(id.span),
            title: title.to_string(),
            hover,
        };
        let entry = self.by_id.entry(id.value.clone()).or_default();
        if entry.is_empty() {
            self.order.push(id.value.clone());
        }
        entry.push(def);
    }

    /// Builds the index of `model`.
    pub fn build(model: &Isms) -> Index {
        let mut ix = Index::default();
        for p in &model.people {
            let mut h = format!(
                "**{}** (person `{}`)\n\n{}",
                p.name.value, p.id.value, p.role.value
            );
            if p.top_management {
                h.push_str(", top management");
            }
            if let Some(e) = &p.email {
                h.push_str(&format!("\n\n{e}"));
            }
            ix.add(model, IdKind::Person, &p.id, &p.name, h);
        }
        for r in &model.roles {
            let holders: Vec<&str> = r.holders.iter().map(|h| h.value.as_str()).collect();
            let h = format!(
                "**{}** (role `{}`)\n\nheld by {}",
                r.title.value,
                r.id.value,
                if holders.is_empty() {
                    "nobody".to_string()
                } else {
                    holders.join(", ")
                }
            );
            ix.add(model, IdKind::Role, &r.id, &r.title, h);
        }
        for r in &model.risks {
            let rating = |label: &str, x: &Option<Spanned<crate::model::Rating>>| {
                x.as_ref().map_or(format!("{label}: not rated"), |x| {
                    let level = x
                        .level
                        .as_ref()
                        .map_or(String::new(), |l| format!(", level {}", l.value));
                    format!(
                        "{label}: likelihood {} × impact {}{level}",
                        crate::model::fmt_level(x.likelihood.value),
                        crate::model::fmt_level(x.impact.value)
                    )
                })
            };
            let treatment = r
                .treatment
                .as_ref()
                .map_or("not decided".to_string(), |t| name_of(&t.value));
            let owner = r.owner.as_ref().map_or("no owner", |o| o.value.as_str());
            let h = format!(
                "**{} {}** (risk)\n\n{}  \n{}  \ntreatment: {treatment}; owner: {owner}",
                r.id.value,
                r.title.value,
                rating("inherent", &r.inherent),
                rating("residual", &r.residual),
            );
            ix.add(model, IdKind::Risk, &r.id, &r.title, h);
        }
        for a in &model.assets {
            let h = format!("**{} {}** (asset)", a.id.value, a.name.value);
            ix.add(model, IdKind::Asset, &a.id, &a.name, h);
        }
        for e in model.soa_entries() {
            let title = catalogue::get(&e.id.value).map_or("", |c| c.title.as_str());
            ix.add(
                model,
                IdKind::Control,
                &e.id,
                title,
                control_hover(model, &e.id.value),
            );
        }
        for c in model.additional_controls() {
            let h = format!(
                "**{} {}** (the organisation's own control)",
                c.id.value, c.title.value
            );
            ix.add(model, IdKind::Control, &c.id, &c.title, h);
        }
        for d in model.documents() {
            let h = format!(
                "**{} {}** (document {})",
                d.id().value,
                d.title().value,
                d.version()
                    .map_or(String::new(), |v| format!("version {}", v.value))
            );
            ix.add(model, IdKind::Document, d.id(), &d.title().value, h);
        }
        if let Some(soa) = &model.soa {
            let d = &soa.document;
            let h = format!(
                "**{} {}** (the Statement of Applicability)",
                d.id.value, d.title.value
            );
            ix.add(model, IdKind::Document, &d.id, &d.title, h);
        }
        for s in &model.suppliers {
            let h = format!("**{} {}** (supplier)", s.id.value, s.name.value);
            ix.add(model, IdKind::Supplier, &s.id, &s.name, h);
        }
        for o in &model.objectives {
            let h = format!("**{} {}** (objective)", o.id.value, o.title.value);
            ix.add(model, IdKind::Objective, &o.id, &o.title, h);
        }
        for m in &model.metrics {
            let h = format!("**{} {}** (metric)", m.id.value, m.title.value);
            ix.add(model, IdKind::Metric, &m.id, &m.title, h);
        }
        for i in &model.incidents {
            let h = format!("**{} {}** (incident)", i.id.value, i.title.value);
            ix.add(model, IdKind::Incident, &i.id, &i.title, h);
        }
        for c in &model.changes {
            let h = format!("**{} {}** (change)", c.id.value, c.title.value);
            ix.add(model, IdKind::Change, &c.id, &c.title, h);
        }
        for n in &model.nonconformities {
            let h = format!("**{} {}** (nonconformity)", n.id.value, n.title.value);
            ix.add(model, IdKind::Nonconformity, &n.id, &n.title, h);
        }
        if let Some(ctx) = &model.context {
            for i in ctx.issues.iter() {
                let h = format!("**{}** (issue)\n\n{}", i.id.value, i.description.value);
                ix.add(model, IdKind::Issue, &i.id, &i.description, h);
            }
            for p in ctx.interested_parties.iter() {
                let h = format!("**{} {}** (interested party)", p.id.value, p.name.value);
                ix.add(model, IdKind::Party, &p.id, &p.name, h);
                for r in p.requirements.iter() {
                    let h = format!(
                        "**{}** (requirement of {})\n\n{}",
                        r.id.value, p.name.value, r.description.value
                    );
                    ix.add(model, IdKind::Requirement, &r.id, &r.description, h);
                }
            }
            for o in ctx.obligations.iter() {
                let h = format!("**{} {}** (obligation)", o.id.value, o.title.value);
                ix.add(model, IdKind::Obligation, &o.id, &o.title, h);
            }
        }
        ix
    }

    /// The definitions of `id`, those of `kinds` first when given.
    pub fn lookup(&self, id: &str) -> &[Definition] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Hover text of an Annex A control: its title and this ISMS's decision in the SoA.
pub fn control_hover(model: &Isms, id: &str) -> String {
    let bare = catalogue::normalize_id(id);
    let Some(c) = catalogue::get(&bare) else {
        return String::new();
    };
    let mut h = format!("**{} {}** (Annex A, {})", c.id, c.title, c.theme.as_str());
    match model.soa_entry(&c.id) {
        None => h.push_str("\n\nNot in the Statement of Applicability."),
        Some(e) => {
            let decision = match e.applicable.as_ref().map(|a| a.value) {
                Some(true) => "applicable",
                Some(false) => "excluded",
                None => "applicability not decided",
            };
            h.push_str(&format!("\n\nSoA: **{decision}**"));
            if let Some(s) = &e.status {
                h.push_str(&format!(", status {}", name_of(&s.value)));
            }
            if let Some(o) = &e.owner {
                h.push_str(&format!(", owner {}", o.value));
            }
            if let Some(j) = &e.justification {
                let first = j.value.lines().next().unwrap_or("");
                h.push_str(&format!("\n\n{first}"));
            }
        }
    }
    h
}
