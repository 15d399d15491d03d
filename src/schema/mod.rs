//! JSON Schemas (draft 2020-12) of the record files, generated from the model types, so that
//! editors with a YAML language server complete and check fields while the file is written.
//!
//! The model is the one source of truth: every schema comes from the `schemars` derives on the
//! types the loader reads, and the field descriptions are their doc comments. The schemas are
//! committed under `schemas/` and written by `isms init` into `.isms/schemas/`; a record file
//! points at its schema with a `# yaml-language-server: $schema=...` first line.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

use crate::model::{
    AssetRegister, Audit, AuditProgramme, ChangeRegister, Context, IncidentRegister,
    ManagementReview, Manifest, MetricRegister, NonconformityRegister, ObjectiveRegister, Policy,
    Procedure, RiskRegister, Scope, StatementOfApplicability, SupplierRegister, TrainingRecords,
};

/// Folder of a repository that holds the schemas (written by `isms init`).
pub const SCHEMA_DIR: &str = ".isms/schemas";

/// A kind of record file that has a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaKind {
    /// `isms.yaml`.
    Manifest,
    /// `context.yaml`.
    Context,
    /// Front matter of `scope.md`.
    Scope,
    /// Front matter of `policies/*.md`.
    Policy,
    /// Front matter of `procedures/*.md`.
    Procedure,
    /// Front matter of `audits/programme.md`.
    AuditProgramme,
    /// Front matter of `audits/*.md`.
    Audit,
    /// Front matter of `reviews/*.md`.
    Review,
    /// `assets.yaml`, `assets/*.yaml`.
    Assets,
    /// `risks.yaml`, `risks/*.yaml`.
    Risks,
    /// `soa.yaml`.
    Soa,
    /// `objectives.yaml`, `objectives/*.yaml`.
    Objectives,
    /// `suppliers.yaml`, `suppliers/*.yaml`.
    Suppliers,
    /// `training.yaml`, `training/*.yaml`.
    Training,
    /// `metrics.yaml`, `metrics/*.yaml`.
    Metrics,
    /// `incidents.yaml`, `incidents/*.yaml`.
    Incidents,
    /// `changes.yaml`, `changes/*.yaml`.
    Changes,
    /// `nonconformities.yaml`, `nonconformities/*.yaml`.
    Nonconformities,
}

impl SchemaKind {
    /// Every kind, in the order of docs/format.md.
    pub const ALL: [SchemaKind; 18] = [
        SchemaKind::Manifest,
        SchemaKind::Context,
        SchemaKind::Scope,
        SchemaKind::Policy,
        SchemaKind::Procedure,
        SchemaKind::AuditProgramme,
        SchemaKind::Audit,
        SchemaKind::Review,
        SchemaKind::Assets,
        SchemaKind::Risks,
        SchemaKind::Soa,
        SchemaKind::Objectives,
        SchemaKind::Suppliers,
        SchemaKind::Training,
        SchemaKind::Metrics,
        SchemaKind::Incidents,
        SchemaKind::Changes,
        SchemaKind::Nonconformities,
    ];

    /// Short name, also the stem of the schema file (`risks` → `risks.schema.json`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Manifest => "isms",
            SchemaKind::Context => "context",
            SchemaKind::Scope => "scope",
            SchemaKind::Policy => "policy",
            SchemaKind::Procedure => "procedure",
            SchemaKind::AuditProgramme => "audit-programme",
            SchemaKind::Audit => "audit",
            SchemaKind::Review => "review",
            SchemaKind::Assets => "assets",
            SchemaKind::Risks => "risks",
            SchemaKind::Soa => "soa",
            SchemaKind::Objectives => "objectives",
            SchemaKind::Suppliers => "suppliers",
            SchemaKind::Training => "training",
            SchemaKind::Metrics => "metrics",
            SchemaKind::Incidents => "incidents",
            SchemaKind::Changes => "changes",
            SchemaKind::Nonconformities => "nonconformities",
        }
    }

    /// File name of the schema, e.g. `risks.schema.json`.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    /// Whether the schema describes the front matter of a Markdown document.
    pub fn is_front_matter(self) -> bool {
        matches!(
            self,
            SchemaKind::Scope
                | SchemaKind::Policy
                | SchemaKind::Procedure
                | SchemaKind::AuditProgramme
                | SchemaKind::Audit
                | SchemaKind::Review
        )
    }

    /// What the file holds, for the schema's title.
    fn title(self) -> &'static str {
        match self {
            SchemaKind::Manifest => "isms.yaml: organisation, people, roles, risk methodology",
            SchemaKind::Context => "context.yaml: issues, interested parties, obligations",
            SchemaKind::Scope => "scope.md front matter: the ISMS scope",
            SchemaKind::Policy => "policies/*.md front matter: a policy",
            SchemaKind::Procedure => "procedures/*.md front matter: a controlled document",
            SchemaKind::AuditProgramme => {
                "audits/programme.md front matter: the internal audit programme"
            }
            SchemaKind::Audit => "audits/*.md front matter: an audit record",
            SchemaKind::Review => "reviews/*.md front matter: a management review",
            SchemaKind::Assets => "assets.yaml: the asset inventory",
            SchemaKind::Risks => "risks.yaml: risk register and treatment plans",
            SchemaKind::Soa => "soa.yaml: the Statement of Applicability",
            SchemaKind::Objectives => "objectives.yaml: information security objectives",
            SchemaKind::Suppliers => "suppliers.yaml: suppliers and their reviews",
            SchemaKind::Training => "training.yaml: competence and awareness records",
            SchemaKind::Metrics => "metrics.yaml: monitoring and measurement",
            SchemaKind::Incidents => "incidents.yaml: information security incidents",
            SchemaKind::Changes => "changes.yaml: planned changes to the ISMS",
            SchemaKind::Nonconformities => {
                "nonconformities.yaml: nonconformities and corrective actions"
            }
        }
    }

    /// The kind of a repository-relative record path (`risks/cloud.yaml` → risks), if it is a
    /// record file the loader reads.
    pub fn of_path(rel: &str) -> Option<SchemaKind> {
        let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
        if file.starts_with('_') {
            return None;
        }
        let yaml = file.ends_with(".yaml") || (!dir.is_empty() && file.ends_with(".yml"));
        let md = file.ends_with(".md");
        let by_register = |name: &str| match name {
            "assets" => Some(SchemaKind::Assets),
            "risks" => Some(SchemaKind::Risks),
            "objectives" => Some(SchemaKind::Objectives),
            "suppliers" => Some(SchemaKind::Suppliers),
            "training" => Some(SchemaKind::Training),
            "metrics" => Some(SchemaKind::Metrics),
            "incidents" => Some(SchemaKind::Incidents),
            "changes" => Some(SchemaKind::Changes),
            "nonconformities" => Some(SchemaKind::Nonconformities),
            _ => None,
        };
        match (dir, file) {
            ("", "isms.yaml") => Some(SchemaKind::Manifest),
            ("", "context.yaml") => Some(SchemaKind::Context),
            ("", "soa.yaml") => Some(SchemaKind::Soa),
            ("", "scope.md") => Some(SchemaKind::Scope),
            ("", f) if yaml => by_register(f.trim_end_matches(".yaml")),
            ("policies", _) if md => Some(SchemaKind::Policy),
            ("procedures", _) if md => Some(SchemaKind::Procedure),
            ("audits", "programme.md") => Some(SchemaKind::AuditProgramme),
            ("audits", _) if md => Some(SchemaKind::Audit),
            ("reviews", _) if md => Some(SchemaKind::Review),
            (d, _) if yaml && !d.contains('/') => by_register(d),
            _ => None,
        }
    }
}

fn root_schema<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The JSON Schema of one kind of record file.
pub fn schema(kind: SchemaKind) -> Schema {
    let mut s = match kind {
        SchemaKind::Manifest => root_schema::<Manifest>(),
        SchemaKind::Context => root_schema::<Context>(),
        SchemaKind::Scope => root_schema::<Scope>(),
        SchemaKind::Policy => root_schema::<Policy>(),
        SchemaKind::Procedure => root_schema::<Procedure>(),
        SchemaKind::AuditProgramme => root_schema::<AuditProgramme>(),
        SchemaKind::Audit => root_schema::<Audit>(),
        SchemaKind::Review => root_schema::<ManagementReview>(),
        SchemaKind::Assets => root_schema::<AssetRegister>(),
        SchemaKind::Risks => root_schema::<RiskRegister>(),
        SchemaKind::Soa => root_schema::<StatementOfApplicability>(),
        SchemaKind::Objectives => root_schema::<ObjectiveRegister>(),
        SchemaKind::Suppliers => root_schema::<SupplierRegister>(),
        SchemaKind::Training => root_schema::<TrainingRecords>(),
        SchemaKind::Metrics => root_schema::<MetricRegister>(),
        SchemaKind::Incidents => root_schema::<IncidentRegister>(),
        SchemaKind::Changes => root_schema::<ChangeRegister>(),
        SchemaKind::Nonconformities => root_schema::<NonconformityRegister>(),
    };
    s.insert("title".into(), kind.title().into());
    s.insert(
        "$comment".into(),
        "Generated by `isms schema` from the isms model; see docs/format.md. Do not edit.".into(),
    );
    s
}

/// The schema as the text written to disk: pretty JSON with a final newline, so the committed
/// files diff cleanly.
pub fn schema_text(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// Every schema file: (file name, text).
pub fn all() -> Vec<(String, String)> {
    SchemaKind::ALL
        .iter()
        .map(|k| (k.file_name(), schema_text(*k)))
        .collect()
}

/// The first line of a YAML record file at the root of a repository (`isms.yaml`,
/// `risks.yaml`, ...) that points yaml-language-server at the schema `isms init` wrote.
/// Works offline: the path is relative to the file.
///
/// Any command that writes a new record file should start it with this line; for files in a
/// register folder (`risks/cloud.yaml`) use [`modeline_at`].
pub fn modeline(kind: SchemaKind) -> String {
    format!(
        "# yaml-language-server: $schema={SCHEMA_DIR}/{}",
        kind.file_name()
    )
}

/// [`modeline`] for a file at a repository-relative path, with the schema path relative to
/// that file's folder (`risks/cloud.yaml` → `../.isms/schemas/risks.schema.json`).
pub fn modeline_at(kind: SchemaKind, rel: &str) -> String {
    let depth = rel.matches('/').count();
    format!(
        "# yaml-language-server: $schema={}{SCHEMA_DIR}/{}",
        "../".repeat(depth),
        kind.file_name()
    )
}

/// Whether a line is a yaml-language-server schema modeline.
pub fn is_modeline(line: &str) -> bool {
    line.trim_start()
        .strip_prefix('#')
        .is_some_and(|r| r.trim_start().starts_with("yaml-language-server:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_kind() {
        assert_eq!(SchemaKind::of_path("isms.yaml"), Some(SchemaKind::Manifest));
        assert_eq!(SchemaKind::of_path("risks.yaml"), Some(SchemaKind::Risks));
        assert_eq!(
            SchemaKind::of_path("risks/cloud.yml"),
            Some(SchemaKind::Risks)
        );
        assert_eq!(SchemaKind::of_path("risks.yml"), None);
        assert_eq!(
            SchemaKind::of_path("audits/programme.md"),
            Some(SchemaKind::AuditProgramme)
        );
        assert_eq!(
            SchemaKind::of_path("audits/2026-ia.md"),
            Some(SchemaKind::Audit)
        );
        assert_eq!(SchemaKind::of_path("policies/_draft.md"), None);
        assert_eq!(SchemaKind::of_path("evidence/x.yaml"), None);
        assert_eq!(SchemaKind::of_path("soa/x.yaml"), None);
    }

    #[test]
    fn modelines_are_relative_to_the_file() {
        assert_eq!(
            modeline(SchemaKind::Risks),
            "# yaml-language-server: $schema=.isms/schemas/risks.schema.json"
        );
        assert_eq!(
            modeline_at(SchemaKind::Risks, "risks/cloud.yaml"),
            "# yaml-language-server: $schema=../.isms/schemas/risks.schema.json"
        );
        assert!(is_modeline(&modeline(SchemaKind::Soa)));
    }

    #[test]
    fn control_ids_are_text_with_a_pattern() {
        let text = schema_text(SchemaKind::Soa);
        assert!(text.contains(r#""pattern": "^\\d+\\.\\d+$""#), "{text}");
        assert!(text.contains("2020-12"));
    }
}
