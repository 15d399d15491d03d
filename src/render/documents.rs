//! The document set: which documents a repository has, what each is called, where it goes in
//! the output folder, and how each is rendered in each format.

use std::collections::BTreeSet;

use serde::Serialize;

use super::docset;
use super::heatmap;
use super::pack::PackFile;
use super::table::{self, Cell, Column, Table, WorkbookMeta};
use super::views::{self, Ctx, DocHead, Link};
use super::{Engine, Format, RenderError, RenderOptions, SourceState, file_stem};
use crate::model::{Date, Isms, RecordKind};

/// The kinds of document `isms render` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    /// The index page ("ISMS manual") linking every document.
    Index,
    /// Statement of Applicability (6.1.3 d).
    Soa,
    /// Risk register (6.1.2, 8.2).
    RiskRegister,
    /// Risk treatment plan (6.1.3 e, 8.3).
    RiskTreatmentPlan,
    /// Risk heat map.
    RiskHeatMap,
    /// Asset inventory (A.5.9).
    AssetInventory,
    /// Scope statement (4.3).
    Scope,
    /// Context and interested parties (4.1, 4.2, A.5.31).
    Context,
    /// One policy.
    Policy,
    /// Information security objectives (6.2).
    Objectives,
    /// The internal audit programme (9.2.2).
    AuditProgramme,
    /// One audit report (9.2).
    Audit,
    /// One management review (9.3).
    Review,
    /// Nonconformity and corrective action register (10.2).
    Nonconformities,
    /// Every register in one workbook (xlsx only).
    Registers,
    /// One procedure (`procedures/*.md`, the risk methodology procedure included).
    Procedure,
    /// Roles, responsibilities and authorities (5.3).
    Roles,
    /// ISMS processes and their interactions (4.4).
    Processes,
    /// Communication plan (7.4).
    Communication,
    /// Documents of external origin (7.5.3).
    ExternalDocuments,
    /// Supplier register (A.5.19 to A.5.22).
    Suppliers,
    /// Incident register (A.5.24 to A.5.28).
    Incidents,
    /// Competence and awareness records (7.2, 7.3).
    Competence,
    /// Monitoring and measurement results (9.1).
    Metrics,
    /// Changes to the ISMS (6.3).
    Changes,
    /// Coverage of another framework (NIS2, NIST CSF, custom) by the ISMS.
    FrameworkCoverage,
}

impl DocKind {
    /// The template base name (`soa` → `soa.html`, `soa.md`).
    pub fn template(self) -> &'static str {
        match self {
            DocKind::Index => "index",
            DocKind::Soa => "soa",
            DocKind::RiskRegister => "risk-register",
            DocKind::RiskTreatmentPlan => "risk-treatment-plan",
            DocKind::RiskHeatMap => "risk-heat-map",
            DocKind::AssetInventory => "asset-inventory",
            DocKind::Scope => "scope",
            DocKind::Context => "context",
            DocKind::Policy => "policy",
            DocKind::Objectives => "objectives",
            DocKind::AuditProgramme => "audit-programme",
            DocKind::Audit => "audit",
            DocKind::Review => "review",
            DocKind::Nonconformities => "nonconformities",
            DocKind::Registers => "registers",
            DocKind::Procedure => "procedure",
            DocKind::Roles => "roles",
            DocKind::Processes => "processes",
            DocKind::Communication => "communication",
            DocKind::ExternalDocuments => "external-documents",
            DocKind::Suppliers => "suppliers",
            DocKind::Incidents => "incidents",
            DocKind::Competence => "competence",
            DocKind::Metrics => "metrics",
            DocKind::Changes => "changes",
            DocKind::FrameworkCoverage => "framework-coverage",
        }
    }
}

/// One document of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSpec {
    /// Name on the command line and path in the output folder without extension, e.g. `soa`
    /// or `policies/POL-01`.
    pub name: String,
    pub kind: DocKind,
    pub title: String,
    /// The record id for per-record documents (policy, audit, review).
    pub record_id: Option<String>,
    /// Section of the index it is listed under.
    pub section: &'static str,
}

impl DocSpec {
    /// The formats the document comes in.
    pub fn formats(&self) -> &'static [Format] {
        match self.kind {
            DocKind::Registers => &[Format::Xlsx],
            DocKind::Soa
            | DocKind::RiskRegister
            | DocKind::RiskTreatmentPlan
            | DocKind::AssetInventory
            | DocKind::Objectives
            | DocKind::Nonconformities
            | DocKind::Suppliers
            | DocKind::Incidents
            | DocKind::Competence
            | DocKind::Metrics
            | DocKind::Changes
            | DocKind::FrameworkCoverage => &Format::ALL,
            _ => &[Format::Html, Format::Md],
        }
    }

    /// Whether the document exists in `format`.
    pub fn has_format(&self, format: Format) -> bool {
        self.formats().contains(&format)
    }

    /// Output path relative to the output folder.
    pub fn path(&self, format: Format) -> String {
        format!("{}.{}", self.name, format.extension())
    }

    /// Prefix from this document's folder back to the output root.
    fn root(&self) -> &'static str {
        if self.name.contains('/') { "../" } else { "" }
    }
}

const SECTION_MANUAL: &str = "ISMS manual";
const SECTION_CONTEXT: &str = "Context of the organisation (clause 4)";
const SECTION_POLICIES: &str = "Leadership and policies (clause 5)";
const SECTION_RISK: &str = "Planning: risk management (clauses 6.1 and 8.2, 8.3)";
const SECTION_SOA: &str = "Statement of Applicability (6.1.3 d)";
const SECTION_ASSETS: &str = "Annex A controls";
const SECTION_OBJECTIVES: &str = "Planning: objectives and changes (6.2, 6.3)";
const SECTION_SUPPORT: &str = "Support (clause 7)";
const SECTION_OPERATION: &str = "Operation: procedures (clause 8)";
const SECTION_EVALUATION: &str = "Performance evaluation (clause 9)";
const SECTION_IMPROVEMENT: &str = "Improvement (clause 10)";
const SECTION_REGISTERS: &str = "Spreadsheets";
const SECTION_FRAMEWORKS: &str = "Other frameworks";

/// Where a section comes in the index: the order an auditor walks the standard (clauses 4
/// to 10, then Annex A). A section not listed here goes before the spreadsheets.
fn section_rank(section: &str) -> usize {
    const ORDER: [&str; 12] = [
        SECTION_MANUAL,
        SECTION_CONTEXT,
        SECTION_POLICIES,
        SECTION_RISK,
        SECTION_SOA,
        SECTION_OBJECTIVES,
        SECTION_SUPPORT,
        SECTION_OPERATION,
        SECTION_EVALUATION,
        SECTION_IMPROVEMENT,
        SECTION_ASSETS,
        SECTION_REGISTERS,
    ];
    ORDER
        .iter()
        .position(|s| *s == section)
        .unwrap_or(ORDER.len() - 1)
        .saturating_mul(2)
        .saturating_sub(usize::from(!ORDER.contains(&section)))
}

/// Every document the repository has, in index order. Per-record documents get unique file
/// names even when ids collide (the loader reports duplicate ids separately).
pub fn documents(isms: &Isms) -> Vec<DocSpec> {
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    let mut push =
        |out: &mut Vec<DocSpec>, name: String, kind, title: String, record_id, section| {
            let mut unique = name.clone();
            let mut n = 2;
            while !used.insert(unique.clone()) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            out.push(DocSpec {
                name: unique,
                kind,
                title,
                record_id,
                section,
            });
        };
    let has = |k: RecordKind| isms.present.contains(&k);
    push(
        &mut out,
        "index".into(),
        DocKind::Index,
        "ISMS manual".into(),
        None,
        SECTION_MANUAL,
    );
    if let Some(s) = &isms.scope {
        push(
            &mut out,
            "scope".into(),
            DocKind::Scope,
            s.title.value.clone(),
            None,
            SECTION_CONTEXT,
        );
    }
    if isms.context.is_some() {
        let t = "Context of the organisation and interested parties".to_string();
        push(
            &mut out,
            "context".into(),
            DocKind::Context,
            t,
            None,
            SECTION_CONTEXT,
        );
    }
    let mut policies: Vec<&crate::model::Policy> = isms.policies.iter().collect();
    policies.sort_by(|a, b| super::natural_cmp(&a.id.value, &b.id.value));
    for p in policies {
        let name = format!("policies/{}", file_stem(&p.id.value));
        let id = Some(p.id.value.clone());
        push(
            &mut out,
            name,
            DocKind::Policy,
            p.title.value.clone(),
            id,
            SECTION_POLICIES,
        );
    }
    if has(RecordKind::Risks) || !isms.risks.is_empty() {
        for (name, kind, title) in [
            ("risk-register", DocKind::RiskRegister, "Risk register"),
            (
                "risk-treatment-plan",
                DocKind::RiskTreatmentPlan,
                "Risk treatment plan",
            ),
            ("risk-heat-map", DocKind::RiskHeatMap, "Risk heat map"),
        ] {
            push(
                &mut out,
                name.into(),
                kind,
                title.into(),
                None,
                SECTION_RISK,
            );
        }
    }
    if let Some(soa) = &isms.soa {
        let t = soa.document.title.value.clone();
        push(&mut out, "soa".into(), DocKind::Soa, t, None, SECTION_SOA);
    }
    if has(RecordKind::Assets) || !isms.assets.is_empty() {
        let t = "Asset inventory".to_string();
        push(
            &mut out,
            "asset-inventory".into(),
            DocKind::AssetInventory,
            t,
            None,
            SECTION_ASSETS,
        );
    }
    if has(RecordKind::Objectives) || !isms.objectives.is_empty() {
        let t = "Information security objectives".to_string();
        push(
            &mut out,
            "objectives".into(),
            DocKind::Objectives,
            t,
            None,
            SECTION_OBJECTIVES,
        );
    }
    if let Some(p) = &isms.audit_programme {
        let t = p.title.value.clone();
        push(
            &mut out,
            "audits/programme".into(),
            DocKind::AuditProgramme,
            t,
            None,
            SECTION_EVALUATION,
        );
    }
    let mut audits: Vec<&crate::model::Audit> = isms.audits.iter().collect();
    audits.sort_by(|a, b| super::natural_cmp(&a.id.value, &b.id.value));
    for a in audits {
        let name = format!("audits/{}", file_stem(&a.id.value));
        let id = Some(a.id.value.clone());
        push(
            &mut out,
            name,
            DocKind::Audit,
            a.title.value.clone(),
            id,
            SECTION_EVALUATION,
        );
    }
    let mut reviews: Vec<&crate::model::ManagementReview> = isms.reviews.iter().collect();
    reviews.sort_by(|a, b| super::natural_cmp(&a.id.value, &b.id.value));
    for r in reviews {
        let name = format!("reviews/{}", file_stem(&r.id.value));
        let id = Some(r.id.value.clone());
        push(
            &mut out,
            name,
            DocKind::Review,
            r.title.value.clone(),
            id,
            SECTION_EVALUATION,
        );
    }
    if has(RecordKind::Nonconformities) || !isms.nonconformities.is_empty() {
        let t = "Nonconformities and corrective actions".to_string();
        push(
            &mut out,
            "nonconformities".into(),
            DocKind::Nonconformities,
            t,
            None,
            SECTION_IMPROVEMENT,
        );
    }
    let manifest = isms.manifest.as_ref();
    for (present, name, kind, title, section) in [
        (
            !isms.roles.is_empty(),
            "roles",
            DocKind::Roles,
            "Roles, responsibilities and authorities",
            SECTION_POLICIES,
        ),
        (
            manifest.is_some_and(|m| !m.processes.is_empty()),
            "processes",
            DocKind::Processes,
            "ISMS processes",
            SECTION_CONTEXT,
        ),
        (
            has(RecordKind::Training) || !isms.competence.is_empty() || !isms.awareness.is_empty(),
            "competence",
            DocKind::Competence,
            "Competence and awareness records",
            SECTION_SUPPORT,
        ),
        (
            manifest.is_some_and(|m| !m.communication.is_empty()),
            "communication",
            DocKind::Communication,
            "Communication plan",
            SECTION_SUPPORT,
        ),
        (
            manifest.is_some_and(|m| !m.external_documents.is_empty()),
            "external-documents",
            DocKind::ExternalDocuments,
            "Documents of external origin",
            SECTION_SUPPORT,
        ),
        (
            has(RecordKind::Changes) || !isms.changes.is_empty(),
            "changes",
            DocKind::Changes,
            "Changes to the ISMS",
            SECTION_OBJECTIVES,
        ),
        (
            has(RecordKind::Metrics) || !isms.metrics.is_empty(),
            "metrics",
            DocKind::Metrics,
            "Monitoring and measurement results",
            SECTION_EVALUATION,
        ),
        (
            has(RecordKind::Suppliers) || !isms.suppliers.is_empty(),
            "suppliers",
            DocKind::Suppliers,
            "Supplier register",
            SECTION_ASSETS,
        ),
        (
            has(RecordKind::Incidents) || !isms.incidents.is_empty(),
            "incidents",
            DocKind::Incidents,
            "Incident register",
            SECTION_ASSETS,
        ),
    ] {
        if present {
            push(&mut out, name.into(), kind, title.into(), None, section);
        }
    }
    let mut procedures: Vec<&crate::model::Procedure> = isms.procedures.iter().collect();
    procedures.sort_by(|a, b| super::natural_cmp(&a.id.value, &b.id.value));
    for p in procedures {
        let name = format!("procedures/{}", file_stem(&p.id.value));
        let id = Some(p.id.value.clone());
        push(
            &mut out,
            name,
            DocKind::Procedure,
            p.title.value.clone(),
            id,
            SECTION_OPERATION,
        );
    }
    for id in &isms.selected_frameworks {
        if let Some(fw) = crate::frameworks::find(isms, id) {
            let name = format!("frameworks/{}", file_stem(&fw.id));
            let title = format!("{}: coverage by the ISMS", fw.name);
            push(
                &mut out,
                name,
                DocKind::FrameworkCoverage,
                title,
                Some(fw.id.clone()),
                SECTION_FRAMEWORKS,
            );
        }
    }
    // The index follows the clauses; within a section documents keep the order above.
    // Within clause 9, monitoring and measurement (9.1) comes before the audits (9.2).
    out.sort_by_key(|d| (section_rank(d.section), d.kind != DocKind::Metrics));
    if out.iter().any(|d| {
        d.kind != DocKind::Registers
            && d.kind != DocKind::FrameworkCoverage
            && d.has_format(Format::Xlsx)
    }) {
        let t = "All registers (one workbook)".to_string();
        push(
            &mut out,
            "registers".into(),
            DocKind::Registers,
            t,
            None,
            SECTION_REGISTERS,
        );
    }
    out
}

/// Picks documents by name. A name selects the document of that name, or every document in
/// that folder (`policies`, `audits`, `reviews`). An empty list selects everything.
pub fn select<'a>(all: &'a [DocSpec], names: &[String]) -> Result<Vec<&'a DocSpec>, RenderError> {
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut picked: Vec<&DocSpec> = Vec::new();
    for n in names {
        let n = n.trim_end_matches('/');
        let prefix = format!("{n}/");
        let matches: Vec<&DocSpec> = all
            .iter()
            .filter(|d| d.name == n || d.name.starts_with(&prefix))
            .collect();
        if matches.is_empty() {
            return Err(RenderError::UnknownDocument(n.to_string()));
        }
        for m in matches {
            if !picked.contains(&m) {
                picked.push(m);
            }
        }
    }
    Ok(picked)
}

/// Renders one document in one format.
pub fn render(
    engine: &Engine,
    isms: &Isms,
    state: &SourceState,
    opts: &RenderOptions,
    spec: &DocSpec,
    all: &[DocSpec],
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    if !spec.has_format(format) {
        return Err(RenderError::format_unavailable(spec, format));
    }
    let ctx = Ctx::new(isms, opts, state);
    let built = build(&ctx, spec, all, &[format])?;
    write(engine, &ctx, spec, &built, format)
}

/// Renders the given documents in the given formats (skipping formats a document does not
/// come in), as files relative to the output folder. Each document is built once and
/// written in every format from that.
pub fn render_many(
    engine: &Engine,
    isms: &Isms,
    state: &SourceState,
    opts: &RenderOptions,
    selected: &[&DocSpec],
    all: &[DocSpec],
    formats: &[Format],
) -> Result<Vec<PackFile>, RenderError> {
    let ctx = Ctx::new(isms, opts, state);
    let mut out = Vec::new();
    for spec in selected {
        let wanted: Vec<Format> = formats
            .iter()
            .copied()
            .filter(|f| spec.has_format(*f))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let built = build(&ctx, spec, all, &wanted)?;
        for f in wanted {
            out.push(PackFile {
                path: spec.path(f),
                bytes: write(engine, &ctx, spec, &built, f)?,
            });
        }
    }
    Ok(out)
}

/// A document built from the records once: the template context the HTML and Markdown are
/// laid out from, and the tables the CSV and xlsx are written from. Each part is empty when
/// no format asked for it needs it.
struct Built {
    context: tera::Context,
    tables: Vec<Table>,
}

/// Writes a built document in one of its formats.
fn write(
    engine: &Engine,
    ctx: &Ctx<'_>,
    spec: &DocSpec,
    built: &Built,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Html | Format::Md => {
            let name = format!("{}.{}", spec.kind.template(), format.extension());
            Ok(engine.render(&name, &built.context)?.into_bytes())
        }
        // Tabular documents other than the workbook have exactly one table.
        Format::Csv => Ok(built.tables.first().map(table::to_csv).unwrap_or_default()),
        Format::Xlsx => {
            let meta = WorkbookMeta {
                title: &spec.title,
                company: ctx.isms.organisation_name().unwrap_or(""),
                as_of: ctx.opts.as_of,
            };
            table::to_xlsx(&built.tables, &meta).map_err(|source| RenderError::Xlsx {
                name: spec.name.clone(),
                source,
            })
        }
    }
}

/// What [`build`] fills in: the template context when an HTML or Markdown file is wanted, the
/// tables when a CSV or xlsx file is.
struct Builder<'s> {
    spec: &'s DocSpec,
    context: Option<tera::Context>,
    tables: Option<Vec<Table>>,
}

impl Builder<'_> {
    fn insert<T: Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), RenderError> {
        let Some(c) = &mut self.context else {
            return Ok(());
        };
        let value = tera::Value::try_from_serializable(v).map_err(|e| RenderError::Context {
            name: self.spec.name.clone(),
            message: e.to_string(),
        })?;
        c.insert_value(key, value);
        Ok(())
    }

    fn table(&mut self, t: impl FnOnce() -> Table) {
        if let Some(tables) = &mut self.tables {
            tables.push(t());
        }
    }
}

/// Builds a document for `formats` (formats it comes in): its views once, then the template
/// context (with the sources and document-control head) and the tables from them.
fn build(
    ctx: &Ctx<'_>,
    spec: &DocSpec,
    all: &[DocSpec],
    formats: &[Format],
) -> Result<Built, RenderError> {
    let mut b = Builder {
        spec,
        context: formats
            .iter()
            .any(|f| !f.is_tabular())
            .then(tera::Context::new),
        tables: formats.iter().any(|f| f.is_tabular()).then(Vec::new),
    };
    let isms = ctx.isms;
    let review_months = isms.cadences().policy_review_months;
    let root = spec.root();
    let manifest = ctx.present(&["isms.yaml"]);
    let with = |mut v: Vec<String>, more: &[&str]| {
        v.extend(ctx.present(more));
        views::uniq(v)
    };
    // The registers (SoA, risks, assets, objectives, nonconformities) are documents at the
    // output root, so they show the run's shared views, whose links are from there.
    let (head, sources): (DocHead<'_>, Vec<String>) = match spec.kind {
        DocKind::Index => {
            let all_files = isms.sources.files().map(|(_, f)| f.path.clone()).collect();
            b.insert("index", &index(ctx, all))?;
            (
                DocHead::generated("ISMS-MANUAL", "ISMS manual"),
                views::uniq(all_files),
            )
        }
        DocKind::Soa => {
            let Some(soa) = &isms.soa else {
                return Err(RenderError::UnknownDocument(spec.name.clone()));
            };
            let d = &soa.document.value;
            let head = DocHead {
                id: d.id.value.clone(),
                title: d.title.value.clone(),
                version: d.version.as_ref().map(|v| v.value.clone()),
                owner: d.owner.as_ref(),
                approval: Some(&d.approval),
                classification: None,
                next_review: d.review_due(review_months),
            };
            let mut src = ctx.present(&["soa.yaml", "context.yaml"]);
            src.extend(ctx.risk_files());
            src.extend(ctx.policy_files());
            b.insert("soa", ctx.soa())?;
            b.table(|| soa_table(ctx.soa()));
            (head, with([manifest.clone(), src].concat(), &[]))
        }
        DocKind::RiskRegister | DocKind::RiskTreatmentPlan | DocKind::RiskHeatMap => {
            let id = match spec.kind {
                DocKind::RiskRegister => "RISK-REGISTER",
                DocKind::RiskTreatmentPlan => "RISK-TREATMENT-PLAN",
                _ => "RISK-HEAT-MAP",
            };
            let head = DocHead::generated(id, &spec.title);
            if spec.kind == DocKind::RiskHeatMap {
                b.insert("heatmap", &heatmap::heat_map(isms))?;
            }
            b.insert("risks", ctx.risks())?;
            match spec.kind {
                DocKind::RiskRegister => b.table(|| risk_table(ctx.risks())),
                DocKind::RiskTreatmentPlan => b.table(|| treatment_table(ctx.risks())),
                _ => {}
            }
            let mut src = ctx.risk_files();
            if spec.kind == DocKind::RiskRegister {
                src.extend(ctx.present(&["assets.yaml"]));
            }
            (head, with([manifest.clone(), src].concat(), &[]))
        }
        DocKind::AssetInventory => {
            b.insert("assets", ctx.assets())?;
            b.table(|| asset_table(ctx.assets()));
            let mut src = ctx.present(&["assets.yaml", "suppliers.yaml"]);
            src.extend(ctx.risk_files());
            (
                DocHead::generated("ASSET-INVENTORY", &spec.title),
                with([manifest.clone(), src].concat(), &[]),
            )
        }
        DocKind::Scope => {
            let Some(s) = &isms.scope else {
                return Err(RenderError::UnknownDocument(spec.name.clone()));
            };
            b.insert("scope", &views::scope(s))?;
            (
                DocHead::of(s, s.classification.as_ref(), Some(review_months)),
                with(vec![s.source.path.clone()], &["isms.yaml"]),
            )
        }
        DocKind::Context => {
            let Some(cx) = &isms.context else {
                return Err(RenderError::UnknownDocument(spec.name.clone()));
            };
            b.insert("context", &views::context(ctx, cx, root))?;
            let head = DocHead {
                approval: Some(&cx.reviewed),
                ..DocHead::generated("CONTEXT", &spec.title)
            };
            let mut src = ctx.present(&["context.yaml"]);
            src.extend(ctx.risk_files());
            (head, with([manifest.clone(), src].concat(), &[]))
        }
        DocKind::Policy => {
            let p = record(spec, &isms.policies, |p| &p.id.value)?;
            b.insert("policy", &views::policy(p, root))?;
            if let Some(a) = super::acknowledgements::view(ctx, p) {
                b.insert("acknowledged", &a)?;
            }
            (
                DocHead::of(p, p.classification.as_ref(), Some(review_months)),
                with(vec![p.source.path.clone()], &["isms.yaml"]),
            )
        }
        DocKind::Objectives => {
            b.insert("objectives", ctx.objectives())?;
            b.table(|| objective_table(ctx.objectives()));
            let src = ctx.present(&["objectives.yaml"]);
            (
                DocHead::generated("OBJECTIVES", &spec.title),
                with([manifest.clone(), src].concat(), &[]),
            )
        }
        DocKind::AuditProgramme => {
            let Some(p) = &isms.audit_programme else {
                return Err(RenderError::UnknownDocument(spec.name.clone()));
            };
            b.insert("programme", &views::programme(ctx, p, root))?;
            let mut src = vec![p.source.path.clone()];
            src.extend(isms.audits.iter().map(|a| a.source.path.clone()));
            (
                DocHead::of(p, p.classification.as_ref(), Some(review_months)),
                with(src, &["isms.yaml"]),
            )
        }
        DocKind::Audit => {
            let a = record(spec, &isms.audits, |a| &a.id.value)?;
            b.insert("audit", &views::audit(ctx, a, root))?;
            let src = vec![a.source.path.clone()];
            (
                DocHead::of(a, a.classification.as_ref(), None),
                with(src, &["isms.yaml", "nonconformities.yaml"]),
            )
        }
        DocKind::Review => {
            let r = record(spec, &isms.reviews, |r| &r.id.value)?;
            b.insert("review", &views::review(ctx, r, root))?;
            (
                DocHead::of(r, r.classification.as_ref(), None),
                with(vec![r.source.path.clone()], &["isms.yaml"]),
            )
        }
        DocKind::Nonconformities => {
            b.insert("register", ctx.nonconformities())?;
            b.table(|| nc_table(ctx.nonconformities()));
            let mut src = ctx.present(&["nonconformities.yaml"]);
            src.extend(isms.audits.iter().map(|a| a.source.path.clone()));
            (
                DocHead::generated("NC-REGISTER", &spec.title),
                with([manifest.clone(), src].concat(), &[]),
            )
        }
        DocKind::Registers => {
            if b.context.is_some() {
                return Err(RenderError::format_unavailable(spec, Format::Html));
            }
            return Ok(Built {
                context: tera::Context::new(),
                tables: workbook_tables(ctx),
            });
        }
        DocKind::Procedure => {
            let p = record(spec, &isms.procedures, |p| &p.id.value)?;
            b.insert("procedure", &docset::procedure(isms, p, root))?;
            (
                DocHead::of(p, p.classification.as_ref(), Some(review_months)),
                with(vec![p.source.path.clone()], &["isms.yaml"]),
            )
        }
        DocKind::Roles
        | DocKind::Processes
        | DocKind::Communication
        | DocKind::ExternalDocuments
        | DocKind::Suppliers
        | DocKind::Incidents
        | DocKind::Competence
        | DocKind::Metrics
        | DocKind::Changes => {
            let (id, register) = match spec.kind {
                DocKind::Roles => ("ROLES", docset::roles(ctx)),
                DocKind::Processes => ("PROCESSES", docset::processes(ctx)),
                DocKind::Communication => ("COMMUNICATION-PLAN", docset::communication(ctx)),
                DocKind::ExternalDocuments => {
                    ("EXTERNAL-DOCUMENTS", docset::external_documents(ctx))
                }
                DocKind::Suppliers => ("SUPPLIER-REGISTER", docset::suppliers(ctx)),
                DocKind::Incidents => ("INCIDENT-REGISTER", docset::incidents(ctx)),
                DocKind::Competence => ("COMPETENCE-RECORDS", docset::competence(ctx)),
                DocKind::Metrics => ("MONITORING-RESULTS", docset::metrics(ctx)),
                _ => ("CHANGE-LOG", docset::changes(ctx)),
            };
            b.insert("register", &register.view)?;
            b.table(|| register.table);
            let src = history_files(isms, spec);
            (
                DocHead::generated(id, &spec.title),
                with([manifest.clone(), src].concat(), &[]),
            )
        }
        DocKind::FrameworkCoverage => {
            let fw = framework_of(isms, spec)?;
            let coverage = super::framework::coverage(ctx, fw);
            b.insert("framework", &super::framework::view(ctx, fw, &coverage))?;
            b.table(|| super::framework::table(fw, &coverage));
            let mut src = ctx.present(&["soa.yaml"]);
            src.extend(framework_files(isms, fw));
            (
                DocHead::generated(
                    &format!("FRAMEWORK-{}", fw.id.to_ascii_uppercase()),
                    &spec.title,
                ),
                with([manifest.clone(), src].concat(), &[]),
            )
        }
    };
    if b.context.is_some() {
        b.insert("org", &ctx.org())?;
        let history = history_files(isms, spec);
        b.insert("doc", &ctx.doc(head, sources, history))?;
        let nav = views::NavView {
            index: (spec.kind != DocKind::Index).then(|| format!("{root}index.html")),
            root: root.to_string(),
        };
        b.insert("nav", &nav)?;
    }
    Ok(Built {
        context: b.context.unwrap_or_default(),
        tables: b.tables.unwrap_or_default(),
    })
}

/// The record files a document is written in: the files whose Git history is the document's
/// revision history. These are the document's own records (a policy's file, `soa.yaml`, the
/// risk register files), not every file it looks things up in: a new person in `isms.yaml` or
/// a changed risk is not a revision of the SoA. The ISMS manual (index) is written from
/// `isms.yaml`. The CLI asks Git about exactly these files before rendering.
pub fn history_files(isms: &Isms, spec: &DocSpec) -> Vec<String> {
    let own = |path: &String| vec![path.clone()];
    match spec.kind {
        DocKind::Index => views::present(isms, &["isms.yaml"]),
        DocKind::Soa => views::present(isms, &["soa.yaml"]),
        DocKind::RiskRegister | DocKind::RiskTreatmentPlan | DocKind::RiskHeatMap => {
            views::risk_files(isms)
        }
        DocKind::AssetInventory => views::present(isms, &["assets.yaml"]),
        DocKind::Scope => isms
            .scope
            .as_ref()
            .map(|s| own(&s.source.path))
            .unwrap_or_default(),
        DocKind::Context => views::present(isms, &["context.yaml"]),
        DocKind::Policy => record(spec, &isms.policies, |p| &p.id.value)
            .map(|p| own(&p.source.path))
            .unwrap_or_default(),
        DocKind::Objectives => views::present(isms, &["objectives.yaml"]),
        DocKind::AuditProgramme => isms
            .audit_programme
            .as_ref()
            .map(|p| own(&p.source.path))
            .unwrap_or_default(),
        DocKind::Audit => record(spec, &isms.audits, |a| &a.id.value)
            .map(|a| own(&a.source.path))
            .unwrap_or_default(),
        DocKind::Review => record(spec, &isms.reviews, |r| &r.id.value)
            .map(|r| own(&r.source.path))
            .unwrap_or_default(),
        DocKind::Nonconformities => views::present(isms, &["nonconformities.yaml"]),
        // The workbook has no document-control block to carry a history.
        DocKind::Registers => Vec::new(),
        DocKind::Procedure => record(spec, &isms.procedures, |p| &p.id.value)
            .map(|p| own(&p.source.path))
            .unwrap_or_default(),
        DocKind::Roles
        | DocKind::Processes
        | DocKind::Communication
        | DocKind::ExternalDocuments => views::present(isms, &["isms.yaml"]),
        DocKind::Suppliers => docset::register_files(isms, "suppliers"),
        DocKind::Incidents => docset::register_files(isms, "incidents"),
        DocKind::Competence => docset::register_files(isms, "training"),
        DocKind::Metrics => docset::register_files(isms, "metrics"),
        DocKind::Changes => docset::register_files(isms, "changes"),
        DocKind::FrameworkCoverage => framework_of(isms, spec)
            .map(|fw| {
                let mut v = views::present(isms, &["soa.yaml"]);
                v.extend(framework_files(isms, fw));
                v
            })
            .unwrap_or_default(),
    }
}

/// The framework a coverage document is about.
fn framework_of<'a>(
    isms: &'a Isms,
    spec: &DocSpec,
) -> Result<&'a crate::frameworks::Framework, RenderError> {
    spec.record_id
        .as_deref()
        .and_then(|id| crate::frameworks::find(isms, id))
        .ok_or_else(|| RenderError::UnknownDocument(spec.name.clone()))
}

/// The repository files a framework's coverage is written from besides the SoA: its own
/// answers and, for a custom framework, its CSV files.
fn framework_files(isms: &Isms, fw: &crate::frameworks::Framework) -> Vec<String> {
    let mut v: Vec<String> = isms
        .framework_answers
        .iter()
        .filter(|f| f.framework.value.eq_ignore_ascii_case(&fw.id))
        .map(|f| f.path.clone())
        .collect();
    v.extend(fw.files.iter().cloned());
    v
}

/// The record a per-record document is about. Duplicate ids get suffixed names
/// (`POL-01-2`), so the n-th record with the id is picked by the suffix.
fn record<'a, T>(
    spec: &DocSpec,
    items: &'a [T],
    id: impl Fn(&T) -> &String,
) -> Result<&'a T, RenderError> {
    let wanted = spec.record_id.as_deref().unwrap_or("");
    let same: Vec<&T> = items.iter().filter(|t| id(t) == wanted).collect();
    let base = spec.name.rsplit('/').next().unwrap_or("");
    let nth = base
        .strip_prefix(&file_stem(wanted))
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(0, |n| n.saturating_sub(1));
    same.get(nth)
        .or(same.first())
        .copied()
        .ok_or_else(|| RenderError::UnknownDocument(spec.name.clone()))
}

// ---------------------------------------------------------------------------------------------
// Index

/// One entry of the index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexDoc {
    pub name: String,
    pub title: String,
    /// Record id for per-record documents.
    pub id: Option<String>,
    /// Link to the HTML version.
    pub html: Option<String>,
    /// Link to the Markdown version.
    pub md: Option<String>,
    /// Link to the CSV version.
    pub csv: Option<String>,
    /// Link to the xlsx version.
    pub xlsx: Option<String>,
}

/// A section of the index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexSection {
    pub title: String,
    pub docs: Vec<IndexDoc>,
}

/// Key figures on the index page.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub applicable_controls: usize,
    pub implemented_controls: usize,
    pub risks: usize,
    /// Risks whose residual level is above the acceptance threshold.
    pub risks_above_threshold: usize,
    pub policies: usize,
    pub open_nonconformities: usize,
}

/// The index page.
#[derive(Debug, Clone, Serialize)]
pub struct IndexView {
    /// Sections with their documents.
    pub sections: Vec<IndexSection>,
    /// Key figures.
    pub stats: IndexStats,
}

fn index(ctx: &Ctx<'_>, all: &[DocSpec]) -> IndexView {
    let mut sections: Vec<IndexSection> = Vec::new();
    for d in all.iter().filter(|d| d.kind != DocKind::Index) {
        let link = |f: Format| {
            (d.has_format(f) && ctx.opts.linked_formats.contains(&f)).then(|| d.path(f))
        };
        let entry = IndexDoc {
            name: d.name.clone(),
            title: d.title.clone(),
            id: d.record_id.clone(),
            html: link(Format::Html),
            md: link(Format::Md),
            csv: link(Format::Csv),
            xlsx: link(Format::Xlsx),
        };
        if entry.html.is_none() && entry.md.is_none() && entry.csv.is_none() && entry.xlsx.is_none()
        {
            // Not produced in this run: a title without a link would only confuse.
            continue;
        }
        match sections.iter_mut().find(|s| s.title == d.section) {
            Some(s) => s.docs.push(entry),
            None => sections.push(IndexSection {
                title: d.section.to_string(),
                docs: vec![entry],
            }),
        }
    }
    let soa = ctx.soa();
    let risks = ctx.risks();
    let nc = ctx.nonconformities();
    IndexView {
        sections,
        stats: IndexStats {
            applicable_controls: soa.summary.applicable,
            implemented_controls: soa.summary.implemented,
            risks: risks.total,
            risks_above_threshold: risks.above_threshold_residual,
            policies: ctx.isms.policies.len(),
            open_nonconformities: nc.open,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

fn text(s: &str) -> Cell {
    Cell::from(s)
}

fn opt(s: &Option<String>) -> Cell {
    Cell::from(s.clone())
}

fn date(d: Option<Date>) -> Cell {
    d.map_or(Cell::Empty, |d| Cell::Date(d.0))
}

fn links(v: &[Link]) -> Cell {
    Cell::from(
        v.iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn num<T: Into<i64>>(v: Option<T>) -> Cell {
    v.map_or(Cell::Empty, |n| Cell::Int(n.into()))
}

fn cols(spec: &[(&str, f64)]) -> Vec<Column> {
    spec.iter().map(|(h, w)| Column::new(*h, *w)).collect()
}

/// The tables of the workbook of every register, in index order.
fn workbook_tables(ctx: &Ctx<'_>) -> Vec<Table> {
    let isms = ctx.isms;
    let has = |k: RecordKind| isms.present.contains(&k);
    let mut t = Vec::new();
    if isms.soa.is_some() {
        t.push(soa_table(ctx.soa()));
    }
    if has(RecordKind::Risks) || !isms.risks.is_empty() {
        t.push(risk_table(ctx.risks()));
        t.push(treatment_table(ctx.risks()));
    }
    if has(RecordKind::Assets) || !isms.assets.is_empty() {
        t.push(asset_table(ctx.assets()));
    }
    if has(RecordKind::Objectives) || !isms.objectives.is_empty() {
        t.push(objective_table(ctx.objectives()));
    }
    if has(RecordKind::Nonconformities) || !isms.nonconformities.is_empty() {
        t.push(nc_table(ctx.nonconformities()));
    }
    if has(RecordKind::Suppliers) || !isms.suppliers.is_empty() {
        t.push(docset::suppliers_table(ctx));
    }
    if has(RecordKind::Incidents) || !isms.incidents.is_empty() {
        t.push(docset::incidents_table(ctx));
    }
    if has(RecordKind::Training) || !isms.competence.is_empty() {
        t.push(docset::competence_table(ctx));
    }
    if has(RecordKind::Metrics) || !isms.metrics.is_empty() {
        t.push(docset::metrics_table(ctx));
    }
    if has(RecordKind::Changes) || !isms.changes.is_empty() {
        t.push(docset::changes_table(ctx));
    }
    t
}

/// The SoA as a table: one row per Annex A control.
pub(crate) fn soa_table(v: &views::SoaView) -> Table {
    let mut t = Table::new(
        "SoA",
        cols(&[
            ("Control", 9.0),
            ("Title", 36.0),
            ("Theme", 14.0),
            ("Applicable", 11.0),
            ("Status", 15.0),
            ("Justification", 50.0),
            ("Reasons", 16.0),
            ("Risks", 18.0),
            ("Obligations", 16.0),
            ("Owner", 20.0),
            ("Policies", 18.0),
            ("Implementation", 40.0),
            ("Evidence", 40.0),
        ]),
    );
    for theme in &v.themes {
        for r in &theme.controls {
            let applicable = match r.is_applicable {
                Some(b) => Cell::Bool(b),
                None => Cell::Empty,
            };
            let evidence = r
                .evidence
                .iter()
                .map(|e| match &e.collected {
                    Some(c) => format!("{} ({c})", e.target),
                    None => e.target.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            t.push(vec![
                text(&r.id),
                text(&r.title),
                text(&theme.name),
                applicable,
                r.status.as_ref().map_or(Cell::Empty, |s| text(&s.label)),
                opt(&r.justification),
                text(&r.reasons.join(", ")),
                links(&r.risks),
                links(&r.obligations),
                opt(&r.owner),
                links(&r.policies),
                opt(&r.implementation),
                text(&evidence),
            ]);
        }
    }
    // The organisation's own controls follow the 93, labelled in the Theme column so a
    // spreadsheet filter separates them; the single sheet keeps the CSV one table.
    for r in &v.additional {
        t.push(vec![
            text(&r.id),
            text(&r.title),
            text(views::ADDITIONAL_CONTROLS),
            Cell::Bool(true),
            r.status.as_ref().map_or(Cell::Empty, |s| text(&s.label)),
            opt(&r.justification),
            r.source
                .as_ref()
                .map_or(Cell::Empty, |s| text(&format!("Source: {s}"))),
            links(&r.risks),
            links(&r.obligations),
            opt(&r.owner),
            links(&r.policies),
            opt(&r.implementation),
            text(&evidence_cell(&r.evidence)),
        ]);
    }
    t
}

fn evidence_cell(ev: &[views::EvidenceView]) -> String {
    ev.iter()
        .map(|e| match &e.collected {
            Some(c) => format!("{} ({c})", e.target),
            None => e.target.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn risk_table(v: &views::RisksView) -> Table {
    let mut t = Table::new(
        "Risks",
        cols(&[
            ("Risk", 9.0),
            ("Title", 34.0),
            ("Description", 50.0),
            ("Assets", 16.0),
            ("Threat", 24.0),
            ("Vulnerability", 24.0),
            ("C/I/A", 8.0),
            ("Owner", 20.0),
            ("Inherent likelihood", 10.0),
            ("Inherent impact", 10.0),
            ("Inherent level", 10.0),
            ("Treatment", 11.0),
            ("Controls", 20.0),
            ("Other controls", 30.0),
            ("Residual likelihood", 10.0),
            ("Residual impact", 10.0),
            ("Residual level", 10.0),
            ("Accepted by", 20.0),
            ("Accepted on", 12.0),
            ("Acceptance rationale", 40.0),
            ("Last assessed", 12.0),
        ]),
    );
    for r in &v.risks {
        let (il, ii, ilv) = rating_cells(r.inherent.as_ref());
        let (rl, ri, rlv) = rating_cells(r.residual.as_ref());
        let acc = r.acceptance.as_ref();
        t.push(vec![
            text(&r.id),
            text(&r.title),
            opt(&r.description),
            links(&r.assets),
            opt(&r.threat),
            opt(&r.vulnerability),
            text(&r.affects),
            opt(&r.owner),
            il,
            ii,
            ilv,
            opt(&r.treatment),
            links(&r.controls),
            text(&r.other_controls.join("; ")),
            rl,
            ri,
            rlv,
            acc.map_or(Cell::Empty, |a| opt(&a.by)),
            acc.map_or(Cell::Empty, |a| date(a.on)),
            acc.map_or(Cell::Empty, |a| opt(&a.rationale)),
            date(r.last_assessed),
        ]);
    }
    t
}

/// A rating value as a cell: an integer for scale points, text for decimals.
fn score(s: views::Score) -> Cell {
    s.whole()
        .map_or_else(|| Cell::Text(s.to_string()), Cell::Int)
}

fn rating_cells(r: Option<&views::RatingView>) -> (Cell, Cell, Cell) {
    match r {
        Some(r) => (score(r.likelihood), score(r.impact), num(r.level)),
        None => (Cell::Empty, Cell::Empty, Cell::Empty),
    }
}

fn treatment_table(v: &views::RisksView) -> Table {
    let mut t = Table::new(
        "Treatment plan",
        cols(&[
            ("Risk", 9.0),
            ("Risk title", 30.0),
            ("Risk owner", 20.0),
            ("Treatment", 11.0),
            ("Action id", 12.0),
            ("Action", 45.0),
            ("Action owner", 20.0),
            ("Due", 12.0),
            ("Status", 14.0),
            ("Completed", 12.0),
            ("Resources", 24.0),
            ("Plan approved by", 20.0),
            ("Plan approved on", 12.0),
            ("Residual level", 10.0),
            ("Residual accepted by", 20.0),
            ("Residual accepted on", 12.0),
        ]),
    );
    for r in &v.risks {
        let approval = r.plan_approval.as_ref();
        let acc = r.acceptance.as_ref();
        let common = |t: &mut Table, a: Option<&views::ActionView>| {
            t.push(vec![
                text(&r.id),
                text(&r.title),
                opt(&r.owner),
                opt(&r.treatment),
                a.map_or(Cell::Empty, |a| opt(&a.id)),
                a.map_or(Cell::Empty, |a| text(&a.action)),
                a.map_or(Cell::Empty, |a| opt(&a.owner)),
                a.map_or(Cell::Empty, |a| date(a.due)),
                a.map_or(Cell::Empty, |a| text(&a.status.label)),
                a.map_or(Cell::Empty, |a| date(a.completed)),
                a.map_or(Cell::Empty, |a| opt(&a.resources)),
                approval.map_or(Cell::Empty, |p| opt(&p.by)),
                approval.map_or(Cell::Empty, |p| date(p.on)),
                num(r.residual.as_ref().and_then(|x| x.level)),
                acc.map_or(Cell::Empty, |a| opt(&a.by)),
                acc.map_or(Cell::Empty, |a| date(a.on)),
            ]);
        };
        if r.plan.is_empty() {
            // A risk without actions still has a treatment decision to show.
            if r.treatment.is_some() {
                common(&mut t, None);
            }
        } else {
            for a in &r.plan {
                common(&mut t, Some(a));
            }
        }
    }
    t
}

fn asset_table(v: &views::AssetsView) -> Table {
    let mut t = Table::new(
        "Assets",
        cols(&[
            ("Asset", 9.0),
            ("Name", 30.0),
            ("Type", 14.0),
            ("Owner", 20.0),
            ("Classification", 14.0),
            ("C", 5.0),
            ("I", 5.0),
            ("A", 5.0),
            ("Location", 20.0),
            ("Supplier", 18.0),
            ("In scope", 9.0),
            ("Description", 45.0),
            ("Risks", 20.0),
        ]),
    );
    for a in &v.assets {
        t.push(vec![
            text(&a.id),
            text(&a.name),
            text(&a.kind),
            opt(&a.owner),
            opt(&a.classification),
            num(a.c),
            num(a.i),
            num(a.a),
            opt(&a.location),
            opt(&a.supplier),
            Cell::Bool(a.in_scope),
            opt(&a.description),
            links(&a.risks),
        ]);
    }
    t
}

fn objective_table(v: &views::ObjectivesView) -> Table {
    let mut t = Table::new(
        "Objectives",
        cols(&[
            ("Objective", 10.0),
            ("Title", 40.0),
            ("Policy", 12.0),
            ("Risks", 16.0),
            ("Metric", 30.0),
            ("Target", 16.0),
            ("Owner", 20.0),
            ("Resources", 24.0),
            ("Due", 12.0),
            ("Evaluation", 30.0),
            ("Status", 12.0),
            ("Latest value", 16.0),
            ("Latest measured", 12.0),
        ]),
    );
    for o in &v.objectives {
        t.push(vec![
            text(&o.id),
            text(&o.title),
            o.policy.as_ref().map_or(Cell::Empty, |p| text(&p.id)),
            links(&o.risks),
            opt(&o.metric),
            opt(&o.target),
            opt(&o.owner),
            opt(&o.resources),
            date(o.due),
            opt(&o.evaluation),
            o.status.as_ref().map_or(Cell::Empty, |s| text(&s.label)),
            o.latest.as_ref().map_or(Cell::Empty, |m| text(&m.value)),
            o.latest
                .as_ref()
                .map_or(Cell::Empty, |m| date(Some(m.date))),
        ]);
    }
    t
}

fn nc_table(v: &views::NcView) -> Table {
    let mut t = Table::new(
        "Nonconformities",
        cols(&[
            ("Nonconformity", 13.0),
            ("Title", 34.0),
            ("Source", 16.0),
            ("Audit", 14.0),
            ("Finding", 9.0),
            ("Incident", 12.0),
            ("Clause", 8.0),
            ("Control", 8.0),
            ("Raised", 12.0),
            ("Description", 45.0),
            ("Correction", 35.0),
            ("Root cause", 35.0),
            ("Corrective action", 40.0),
            ("Owner", 20.0),
            ("Due", 12.0),
            ("Status", 16.0),
            ("Closed", 12.0),
            ("Effectiveness reviewed", 12.0),
            ("Effective", 9.0),
            ("Effectiveness notes", 35.0),
        ]),
    );
    for n in &v.nonconformities {
        let e = n.effectiveness.as_ref();
        t.push(vec![
            text(&n.id),
            text(&n.title),
            text(&n.source),
            n.audit.as_ref().map_or(Cell::Empty, |a| text(&a.id)),
            opt(&n.finding),
            opt(&n.incident),
            opt(&n.clause),
            n.control.as_ref().map_or(Cell::Empty, |c| text(&c.id)),
            date(Some(n.raised)),
            opt(&n.description),
            opt(&n.correction),
            opt(&n.root_cause),
            opt(&n.corrective_action),
            opt(&n.owner),
            date(n.due),
            text(&n.status.label),
            date(n.closed),
            e.map_or(Cell::Empty, |e| date(Some(e.date))),
            e.map_or(Cell::Empty, |e| Cell::Bool(e.effective)),
            e.map_or(Cell::Empty, |e| opt(&e.notes)),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> RenderOptions {
        RenderOptions {
            as_of: jiff::civil::date(2026, 1, 1),
            force_draft: false,
            tool: "isms test".into(),
            linked_formats: Format::ALL.to_vec(),
        }
    }

    fn spec(name: &str, kind: DocKind) -> DocSpec {
        DocSpec {
            name: name.into(),
            kind,
            title: name.into(),
            record_id: None,
            section: "",
        }
    }

    #[test]
    fn an_empty_repository_has_only_the_index_and_it_renders() {
        let isms = Isms::default();
        let all = documents(&isms);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].kind, DocKind::Index);
        let engine = Engine::builtin().unwrap();
        for f in [Format::Html, Format::Md] {
            let out = render(
                &engine,
                &isms,
                &SourceState::default(),
                &opts(),
                &all[0],
                &all,
                f,
            )
            .unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("ISMS manual"), "{text}");
            assert!(text.contains("DRAFT"), "not in Git: draft");
        }
        let err = render(
            &engine,
            &isms,
            &SourceState::default(),
            &opts(),
            &all[0],
            &all,
            Format::Csv,
        );
        assert!(matches!(err, Err(RenderError::FormatUnavailable { .. })));
    }

    #[test]
    fn select_by_name_and_folder() {
        let all = vec![
            spec("index", DocKind::Index),
            spec("policies/POL-1", DocKind::Policy),
            spec("policies/POL-2", DocKind::Policy),
            spec("soa", DocKind::Soa),
        ];
        let names = |v: Vec<&DocSpec>| v.iter().map(|d| d.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(select(&all, &[]).unwrap()).len(), 4);
        assert_eq!(
            names(select(&all, &["policies/".into()]).unwrap()),
            ["policies/POL-1", "policies/POL-2"]
        );
        assert_eq!(
            names(select(&all, &["soa".into(), "soa".into()]).unwrap()),
            ["soa"]
        );
        // "pol" is neither a document nor a folder.
        assert!(matches!(
            select(&all, &["pol".into()]),
            Err(RenderError::UnknownDocument(_))
        ));
    }

    #[test]
    fn formats_per_kind() {
        assert_eq!(spec("soa", DocKind::Soa).formats(), &Format::ALL);
        assert_eq!(
            spec("x", DocKind::Policy).formats(),
            &[Format::Html, Format::Md]
        );
        assert_eq!(
            spec("registers", DocKind::Registers).formats(),
            &[Format::Xlsx]
        );
        assert_eq!(spec("policies/P", DocKind::Policy).root(), "../");
        assert_eq!(
            spec("policies/P", DocKind::Policy).path(Format::Md),
            "policies/P.md"
        );
    }
}
