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
pub mod frameworks;
pub mod manifest;
pub mod registers;
pub mod status;

pub use common::ScanResults;
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
    PolicyKind, PolicyStatements, Procedure, ReviewInputs, Scope,
};
pub use frameworks::{
    Acknowledgement, AcknowledgementRegister, AnswerStatus, FrameworkAnswer, FrameworkAnswerFile,
    FrameworkAnswers,
};
pub use manifest::EvidenceSettings;
pub use manifest::{
    AcceptanceAuthority, Cadences, ChecksConfig, Communication, ConfiguredSeverity,
    ExternalDocument, LevelBand, LevelFormula, LevelValue, LikelihoodUnit, Manifest, Organisation,
    Person, Process, Quantitative, RiskMethodology, Role, RoleCommunication, RuleOverride,
    SCHEMA_VERSION, ScalePoint, Standard, Unrated, Waiver, fmt_level,
};
pub use registers::AdditionalControl;
pub use registers::{
    Agreement, Asset, AssetKind, AssetRegister, AwarenessRecord, Change, ChangeRegister, CiaValues,
    Classification, CompetenceAction, CompetenceEvaluation, CompetenceRecord, Criticality,
    EffectivenessReview, ImplementationStatus, Incident, IncidentRegister, IncidentSeverity,
    InclusionReason, Measurement, Metric, MetricRegister, MetricResult, Nonconformity,
    NonconformityRegister, NonconformitySource, Objective, ObjectiveRegister, ObjectiveStatus,
    Opportunity, Rating, RecordStatus, Risk, RiskRegister, SoaDocument, SoaEntry,
    StatementOfApplicability, Supplier, SupplierRegister, SupplierReview, TrainingRecords,
    Treatment,
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
    /// `acknowledgements.yaml` or `acknowledgements/*.yaml`.
    Acknowledgements,
    /// `frameworks/*.yaml`: own answers to framework requirements.
    FrameworkAnswers,
    /// `frameworks/*.csv`: custom framework requirements and mappings.
    FrameworkMappings,
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

/// A scaffold marker ("to do:", "to fill in") still present in a record file, wherever it is:
/// a front-matter or YAML value, a YAML comment, or the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// Repository-relative path of the file.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column where the marker starts.
    pub column: u32,
    /// The line's text from the marker on, trimmed and shortened, for the message.
    pub text: String,
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
    /// The checks of the asset inventory against reality, one per asset register file
    /// (`reviewed:`), in load order.
    pub asset_reviews: Vec<Approval>,
    /// Risks, from `risks.yaml` or `risks/*.yaml`.
    pub risks: Vec<Spanned<Risk>>,
    /// Opportunities (6.1.1), from the same register files as the risks.
    pub opportunities: Vec<Spanned<Opportunity>>,
    /// The files the risk register was read from (`risks.yaml`, `risks/*.yaml`,
    /// `risks/*.yml`), in load order.
    pub risk_files: Vec<String>,
    /// `soa.yaml`.
    pub soa: Option<StatementOfApplicability>,
    /// The YAML tree `soa` was read from. GIT-04 compares the committed versions of the SoA,
    /// and the copy on disk is usually the newest of them: it need not be parsed twice.
    #[serde(skip)]
    pub soa_tree: Option<std::sync::Arc<crate::yaml::Node>>,
    /// Objectives.
    pub objectives: Vec<Spanned<Objective>>,
    /// Suppliers.
    pub suppliers: Vec<Spanned<Supplier>>,
    /// Competence records.
    pub competence: Vec<Spanned<CompetenceRecord>>,
    /// Awareness training records.
    pub awareness: Vec<Spanned<AwarenessRecord>>,
    /// Actions to acquire competence and their evaluation (7.2 c).
    pub competence_actions: Vec<Spanned<CompetenceAction>>,
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
    /// Ids of records that are written in the files but could not be loaded, with the first
    /// load error of each. Rules must not report them as missing or as dangling references: that
    /// would report one typo twice.
    pub unloaded: BTreeMap<String, crate::diagnostic::Diagnostic>,
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
    /// Scaffold markers left in the record files, in file and line order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
    /// Policy acknowledgements, from `acknowledgements.yaml` or `acknowledgements/*.yaml`.
    pub acknowledgements: Vec<Spanned<Acknowledgement>>,
    /// Own answers to framework requirements, one entry per `frameworks/<id>.yaml`.
    pub framework_answers: Vec<FrameworkAnswerFile>,
    /// Frameworks the repository defines itself in `frameworks/*.csv`.
    #[serde(skip)]
    pub custom_frameworks: Vec<crate::frameworks::Framework>,
    /// The frameworks whose rules `isms check` runs: `frameworks:` of isms.yaml, plus those
    /// given with `--framework`.
    #[serde(skip)]
    pub selected_frameworks: Vec<String>,
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

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Spanned<Role>> {
        self.roles.iter().find(|r| r.id.value == id)
    }

    /// Who an owner or approver reference stands for: the person it names, or every holder
    /// of the role it names (people and roles may both be referred to). Empty when the id is
    /// neither. Leavers are included; see [`Isms::current_holders`].
    pub fn holders<'a>(&'a self, id: &'a str) -> Vec<&'a str> {
        if self.person(id).is_some() {
            return vec![id];
        }
        self.role(id).map_or_else(Vec::new, |r| {
            r.holders
                .iter()
                .map(|h| h.value.as_str())
                .filter(|h| !h.trim().is_empty())
                .collect()
        })
    }

    /// The holders of [`Isms::holders`] who are still with the organisation on `today`: the
    /// people who can act for the reference (approve, accept, own) that day.
    pub fn current_holders<'a>(&'a self, id: &'a str, today: Date) -> Vec<&'a str> {
        self.holders(id)
            .into_iter()
            .filter(|h| self.person(h).is_none_or(|p| p.is_current(today)))
            .collect()
    }

    /// Whether `person` is the person `reference` names, or holds the role it names. Compare
    /// an acceptor or approver with an owner through this, so owners given as roles work.
    pub fn is_or_holds(&self, person: &str, reference: &str) -> bool {
        person == reference || self.holders(reference).contains(&person)
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

    /// The organisation's own controls listed in the SoA (not from Annex A).
    pub fn additional_controls(&self) -> impl Iterator<Item = &Spanned<AdditionalControl>> {
        self.soa.iter().flat_map(|s| s.additional_controls.iter())
    }

    /// Whether `id` is one of the organisation's own controls listed in the SoA.
    pub fn is_additional_control(&self, id: &str) -> bool {
        self.additional_controls().any(|c| c.id.value == id.trim())
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

    /// Whether `person` acts as `party`: the same id, or a holder of the role `party`. Every
    /// comparison of an acceptor or approver with an owner goes through here, so owners and
    /// authorities may be given as roles.
    pub fn acts_as(&self, person: &str, party: &str) -> bool {
        self.is_or_holds(person, party)
    }

    /// The date a risk was last assessed: its own `last_assessed`, else the `assessed:` of
    /// the register file it is in, else (for a register split into files) the `assessed:` of
    /// the register when exactly one file states one.
    pub fn risk_assessed<'s>(&'s self, r: &'s Spanned<Risk>) -> Option<&'s Spanned<Date>> {
        if let Some(d) = &r.last_assessed {
            return Some(d);
        }
        if let Some(d) = self
            .risk_assessments
            .iter()
            .find(|d| d.span.file == r.span.file)
        {
            return Some(d);
        }
        match self.risk_assessments.as_slice() {
            [only] => Some(only),
            _ => None,
        }
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

    /// Settings for imported evidence (defaults when isms.yaml has none).
    pub fn evidence_settings(&self) -> EvidenceSettings {
        self.manifest
            .as_ref()
            .map(|m| m.evidence.clone())
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
