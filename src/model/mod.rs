//! The typed ISMS model: every register and document of one repository, as loaded by
//! [`crate::loader`]. Field names are the YAML keys (see `docs/format.md`).
//!
//! Records keep the location they were read from ([`Spanned`]), so checks can point at the
//! exact line without reading the file again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Serialize;

use crate::diagnostic::Location;
use crate::source::{SourceMap, Span};
pub use crate::yaml::Records;
use crate::yaml::Spanned;

pub mod common;
pub mod context;
pub mod documents;
pub mod manifest;
pub mod registers;

pub use common::{
    Acceptance, Action, ActionStatus, Approval, Date, DocSource, Document, EvidenceRef, Frequency,
    Id, Replan, SecurityProperty,
};
pub use context::{
    ClimateDetermination, Context, InterestedParty, Issue, IssueKind, Obligation, ObligationKind,
    Requirement,
};
pub use documents::{
    Audit, AuditKind, AuditProgramme, AuditReport, AuditStatus, Decision, DecisionKind, Exclusion,
    Finding, FindingKind, InScope, Interface, ManagementReview, Period, PlannedAudit, Policy,
    PolicyKind, Procedure, ReviewInputs, Scope,
};
pub use manifest::{
    Cadences, ChecksConfig, Communication, ConfiguredSeverity, ExternalDocument, LevelBand,
    LevelFormula, Manifest, Organisation, Person, Process, RiskMethodology, Role, RuleOverride,
    SCHEMA_VERSION, ScalePoint, Standard, Waiver,
};
pub use registers::{
    Agreement, Asset, AssetKind, AssetRegister, AwarenessRecord, Change, ChangeRegister, CiaValues,
    Classification, CompetenceRecord, Criticality, EffectivenessReview, ImplementationStatus,
    Incident, IncidentRegister, IncidentSeverity, InclusionReason, Measurement, Metric,
    MetricRegister, MetricResult, Nonconformity, NonconformityRegister, NonconformitySource,
    Objective, ObjectiveRegister, ObjectiveStatus, Rating, RecordStatus, Risk, RiskRegister,
    SoaDocument, SoaEntry, StatementOfApplicability, Supplier, SupplierRegister, SupplierReview,
    TrainingRecords, Treatment,
};

/// The items of a record list that loaded (same as `records.iter()`).
pub fn loaded<T>(records: &Records<T>) -> impl Iterator<Item = &T> {
    records.iter()
}

/// Kinds of record file, used to say which registers a repository has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// `isms.yaml`.
    Manifest,
    /// `context.yaml`.
    Context,
    /// `scope.md`.
    Scope,
    /// `policies/*.md`.
    Policies,
    /// `procedures/*.md`.
    Procedures,
    /// `assets.yaml`.
    Assets,
    /// `risks.yaml` or `risks/*.yaml`.
    Risks,
    /// `soa.yaml`.
    Soa,
    /// `objectives.yaml`.
    Objectives,
    /// `suppliers.yaml`.
    Suppliers,
    /// `training.yaml`.
    Training,
    /// `metrics.yaml`.
    Metrics,
    /// `incidents.yaml`.
    Incidents,
    /// `changes.yaml`.
    Changes,
    /// `nonconformities.yaml`.
    Nonconformities,
    /// `audits/programme.md`.
    AuditProgramme,
    /// `audits/*.md`.
    Audits,
    /// `reviews/*.md`.
    Reviews,
}

/// A file present in the repository (records, evidence, anything), for evidence checks that
/// must not read the disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepoFile {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 (hex) of the content, computed by the loader for files referenced as evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A whole ISMS repository, loaded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Isms {
    /// The repository root folder.
    pub root: PathBuf,
    /// The text of every record file, for diagnostics.
    #[serde(skip)]
    pub sources: SourceMap,
    /// Which record files were found and read.
    pub present: BTreeSet<RecordKind>,
    /// `isms.yaml`.
    pub manifest: Option<Manifest>,
    /// People from `isms.yaml` that loaded.
    pub people: Vec<Spanned<Person>>,
    /// ISMS roles from `isms.yaml` that loaded.
    pub roles: Vec<Spanned<Role>>,
    /// `context.yaml`.
    pub context: Option<Context>,
    /// `scope.md`.
    pub scope: Option<Scope>,
    /// `policies/*.md`, sorted by path.
    pub policies: Vec<Policy>,
    /// `procedures/*.md`, sorted by path.
    pub procedures: Vec<Procedure>,
    /// Assets.
    pub assets: Vec<Spanned<Asset>>,
    /// Dates of complete risk assessments stated in the risk register file(s).
    pub risk_assessments: Vec<Spanned<Date>>,
    /// Risks, from `risks.yaml` or `risks/*.yaml`.
    pub risks: Vec<Spanned<Risk>>,
    /// The files the risk register was read from (`risks.yaml`, `risks/*.yaml`,
    /// `risks/*.yml`), in load order.
    pub risk_files: Vec<String>,
    /// `soa.yaml`.
    pub soa: Option<StatementOfApplicability>,
    /// Objectives.
    pub objectives: Vec<Spanned<Objective>>,
    /// Suppliers.
    pub suppliers: Vec<Spanned<Supplier>>,
    /// Competence records.
    pub competence: Vec<Spanned<CompetenceRecord>>,
    /// Awareness training records.
    pub awareness: Vec<Spanned<AwarenessRecord>>,
    /// Metrics.
    pub metrics: Vec<Spanned<Metric>>,
    /// Incidents.
    pub incidents: Vec<Spanned<Incident>>,
    /// Planned changes to the ISMS.
    pub changes: Vec<Spanned<Change>>,
    /// Nonconformities and corrective actions.
    pub nonconformities: Vec<Spanned<Nonconformity>>,
    /// `audits/programme.md`.
    pub audit_programme: Option<AuditProgramme>,
    /// Audit records, sorted by path.
    pub audits: Vec<Audit>,
    /// Management reviews, sorted by path.
    pub reviews: Vec<ManagementReview>,
    /// Ids of records that are written in the files but could not be loaded (each has a
    /// load error). Rules must not report them as missing or as dangling references: that
    /// would report one typo twice.
    pub unloaded: BTreeSet<String>,
    /// Record files that exist but gave nothing at all (unreadable, too large, not UTF-8,
    /// invalid YAML, wrong shape), with the kind of record they hold. Each has a load error;
    /// rules and the reference check must not add "empty", "missing" or "does not exist"
    /// findings that only restate it.
    pub failed: BTreeMap<String, RecordKind>,
    /// Lookup tables for the id accessors, built on first use (the model is complete once the
    /// loader returns it), so rules stay linear on registers of thousands of records.
    #[serde(skip)]
    pub index: Indexes,
    /// Every file below the root (except `.git`, `build/` and `templates/`), by
    /// repository-relative path.
    pub files: BTreeMap<String, RepoFile>,
}

/// Id → position tables behind [`Isms::person`], [`Isms::risk`], [`Isms::asset`] and
/// [`Isms::soa_entry`]. The first record with an id wins, as a linear search would find it.
#[derive(Debug, Clone, Default)]
pub struct Indexes {
    people: OnceLock<HashMap<String, usize>>,
    risks: OnceLock<HashMap<String, usize>>,
    assets: OnceLock<HashMap<String, usize>>,
    soa: OnceLock<HashMap<String, usize>>,
}

fn first_index<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id.clone()).or_insert(i);
    }
    map
}

impl Isms {
    /// Resolves a span to a file location.
    pub fn location(&self, span: Span) -> Location {
        Location::from_span(&self.sources, span)
    }

    /// The person with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        let i = *self
            .index
            .people
            .get_or_init(|| first_index(self.people.iter().map(|p| &p.id.value)))
            .get(id)?;
        self.people.get(i).map(|p| &p.value)
    }

    /// Whether the person with this id is top management.
    pub fn is_top_management(&self, id: &str) -> bool {
        self.person(id).is_some_and(|p| p.top_management)
    }

    /// The risk with this id.
    pub fn risk(&self, id: &str) -> Option<&Spanned<Risk>> {
        let i = *self
            .index
            .risks
            .get_or_init(|| first_index(self.risks.iter().map(|r| &r.id.value)))
            .get(id)?;
        self.risks.get(i)
    }

    /// The asset with this id.
    pub fn asset(&self, id: &str) -> Option<&Spanned<Asset>> {
        let i = *self
            .index
            .assets
            .get_or_init(|| first_index(self.assets.iter().map(|a| &a.id.value)))
            .get(id)?;
        self.assets.get(i)
    }

    /// The SoA entries that loaded.
    pub fn soa_entries(&self) -> impl Iterator<Item = &Spanned<SoaEntry>> {
        self.soa.iter().flat_map(|s| s.controls.iter())
    }

    /// The SoA entry for a control id.
    pub fn soa_entry(&self, id: &str) -> Option<&Spanned<SoaEntry>> {
        let i = *self
            .index
            .soa
            .get_or_init(|| first_index(self.soa_entries().map(|e| &e.id.value)))
            .get(id)?;
        self.soa_entries().nth(i)
    }

    /// The risk methodology, if `isms.yaml` defines one.
    pub fn methodology(&self) -> Option<&RiskMethodology> {
        self.manifest
            .as_ref()?
            .risk_methodology
            .as_ref()
            .map(|m| &m.value)
    }

    /// The cadences (defaults when `isms.yaml` is missing).
    pub fn cadences(&self) -> Cadences {
        self.manifest
            .as_ref()
            .map(|m| m.cadences.clone())
            .unwrap_or_default()
    }

    /// The organisation's name, if known.
    pub fn organisation_name(&self) -> Option<&str> {
        self.manifest
            .as_ref()
            .map(|m| m.organisation.name.value.as_str())
    }

    /// The information security policy (5.2).
    pub fn information_security_policy(&self) -> Option<&Policy> {
        self.policies
            .iter()
            .find(|p| p.kind.value == PolicyKind::InformationSecurity)
    }

    /// Whether a file of this kind of record exists but could not be loaded at all.
    pub fn failed_kind(&self, kind: RecordKind) -> bool {
        self.failed.values().any(|k| *k == kind)
    }

    /// Every controlled Markdown document (scope, policies, procedures, audit programme,
    /// audits, reviews).
    pub fn documents(&self) -> Vec<&dyn Document> {
        let mut docs: Vec<&dyn Document> = Vec::new();
        if let Some(s) = &self.scope {
            docs.push(s);
        }
        docs.extend(self.policies.iter().map(|p| p as &dyn Document));
        docs.extend(self.procedures.iter().map(|p| p as &dyn Document));
        if let Some(p) = &self.audit_programme {
            docs.push(p);
        }
        docs.extend(self.audits.iter().map(|a| a as &dyn Document));
        docs.extend(self.reviews.iter().map(|r| r as &dyn Document));
        docs
    }

    /// The document (policy, procedure, ...) with this id.
    pub fn document(&self, id: &str) -> Option<&dyn Document> {
        self.documents().into_iter().find(|d| d.id().value == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Spanned;

    fn risk(id: &str, title: &str) -> Spanned<Risk> {
        let text = format!("{{ id: {id}, title: {title} }}");
        let file = crate::source::SourceFile::new("r.yaml", text.clone());
        let node = crate::yaml::parse(crate::source::FileId(0), &file, 0..text.len()).unwrap();
        let (r, errors) = crate::yaml::from_node::<Spanned<Risk>>(&node);
        assert!(errors.is_empty(), "{errors:?}");
        r.unwrap()
    }

    #[test]
    fn id_lookups_find_the_first_record_with_an_id() {
        let m = Isms {
            risks: vec![
                risk("R-1", "first"),
                risk("R-2", "two"),
                risk("R-1", "second"),
            ],
            ..Isms::default()
        };
        assert_eq!(m.risk("R-1").unwrap().title.value, "first");
        assert_eq!(m.risk("R-2").unwrap().title.value, "two");
        assert!(m.risk("R-3").is_none());
        assert!(m.person("p-x").is_none());
        assert!(m.soa_entry("5.1").is_none());
    }
}
