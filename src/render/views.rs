//! View models: what each template receives. Built from the loaded model with every id
//! resolved (people to names, controls to titles, links to their targets) and every figure
//! computed, so templates only lay out text. Field names are documented in `docs/templates.md`.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::{RenderOptions, SourceState, file_stem};
use crate::catalogue;
use crate::model::{
    self, Acceptance, Action, Approval, Date, Document, EvidenceRef, Id, Isms, Rating, loaded,
};
use crate::yaml::Spanned;

/// Everything a view builder needs.
pub(crate) struct Ctx<'a> {
    pub isms: &'a Isms,
    pub opts: &'a RenderOptions,
    pub state: &'a SourceState,
    /// Ids resolved once, so large registers do not cost a scan per reference.
    pub lookup: Lookup<'a>,
    /// The register views as seen from the output root, built on first use: several
    /// documents of a run show the same register (the index its figures, the workbook its
    /// table, the heat map the risks), and each format of a document shares one view.
    shared: Shared,
}

#[derive(Default)]
struct Shared {
    soa: OnceCell<SoaView>,
    risks: OnceCell<RisksView>,
    assets: OnceCell<AssetsView>,
    objectives: OnceCell<ObjectivesView>,
    nonconformities: OnceCell<NcView>,
}

/// Indexes over the model, by id. The first record wins for a duplicate id (the loader
/// reports duplicates).
pub(crate) struct Lookup<'a> {
    people: HashMap<&'a str, &'a model::Person>,
    risk_titles: HashMap<&'a str, &'a str>,
    asset_names: HashMap<&'a str, &'a str>,
    supplier_names: HashMap<&'a str, &'a str>,
    /// Risk ids naming each asset, in register order.
    risks_of_asset: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Lookup<'a> {
    fn new(isms: &'a Isms) -> Lookup<'a> {
        let mut l = Lookup {
            people: HashMap::new(),
            risk_titles: HashMap::new(),
            asset_names: HashMap::new(),
            supplier_names: HashMap::new(),
            risks_of_asset: HashMap::new(),
        };
        for p in &isms.people {
            l.people.entry(p.id.value.as_str()).or_insert(&p.value);
        }
        for r in &isms.risks {
            l.risk_titles
                .entry(r.id.value.as_str())
                .or_insert(r.title.value.as_str());
            for a in &r.assets {
                let v = l.risks_of_asset.entry(a.value.as_str()).or_default();
                if v.last() != Some(&r.id.value.as_str()) {
                    v.push(r.id.value.as_str());
                }
            }
        }
        for a in &isms.assets {
            l.asset_names
                .entry(a.id.value.as_str())
                .or_insert(a.name.value.as_str());
        }
        for s in &isms.suppliers {
            l.supplier_names
                .entry(s.id.value.as_str())
                .or_insert(s.name.value.as_str());
        }
        l
    }
}

/// A link to another document (or a place in it), in both output formats.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The target's id, shown as link text.
    pub id: String,
    /// The target's title, if known.
    pub title: Option<String>,
    /// Relative URL from the current HTML document.
    pub html: Option<String>,
    /// Relative URL from the current Markdown document.
    pub md: Option<String>,
}

/// Document control: shown at the top of every document and in running headers.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    /// Owner's name.
    pub owner: Option<String>,
    /// Approver's name.
    pub approver: Option<String>,
    pub approved_on: Option<Date>,
    /// Where the approval is recorded.
    pub approval_record: Option<String>,
    /// Classification of the document.
    pub classification: Option<String>,
    pub next_review: Option<Date>,
    /// "Approved", "Not approved", "Approval incomplete", or "Generated from the records"
    /// for registers that carry no approval of their own.
    pub status: String,
    /// Whether the document has an approval of its own in the records.
    pub approvable: bool,
    /// Short commit id the records were read from.
    pub commit: Option<String>,
    /// Newest last-change date of the sources.
    pub last_change: Option<Date>,
    pub draft: bool,
    /// Why it is a draft (empty when not).
    pub draft_reason: String,
    /// The `--as-of` date.
    pub generated: Date,
    /// Tool name and version.
    pub tool: String,
    /// Record files the document is built from.
    pub sources: Vec<String>,
    /// Running header, left (id · title · version).
    pub header_text: String,
    /// Running header, right ("DRAFT" or empty).
    pub header_right: String,
    /// Running footer, left (organisation · commit).
    pub footer_text: String,
    /// The revision history of the document's own record file(s), from Git.
    pub revisions: RevisionsView,
    /// Errors `isms check` reports in the document's own record file(s), at most
    /// [`MAX_FINDINGS`] of them.
    pub findings: Vec<super::RecordFinding>,
    /// How many there are in all.
    pub findings_total: usize,
    /// Those not listed (`findings_total` minus the listed ones).
    pub findings_more: usize,
}

/// The most check findings a document lists; `isms check` shows them all.
pub const MAX_FINDINGS: usize = 25;

/// The most revisions a document lists; older ones are counted, not listed (`isms log` shows
/// them all). Twenty covers years of a policy's reviews without burying the document.
pub const MAX_REVISIONS: usize = 20;

/// A document's revision history: one row per commit that changed its record file(s).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RevisionsView {
    /// The newest revisions, newest first, at most [`MAX_REVISIONS`].
    pub rows: Vec<RevisionRow>,
    /// All revisions in the history, listed or not.
    pub total: usize,
    /// Revisions older than the listed ones (`total` minus the rows).
    pub older: usize,
    /// Whether any listed revision carries a version label (the column is left out otherwise).
    pub has_versions: bool,
    /// The record file(s) the history is of.
    pub files: Vec<String>,
    /// Those files with uncommitted changes, which no revision shows yet.
    pub uncommitted: Vec<String>,
    /// The line shown instead of an empty table; `none` when there are rows.
    pub empty_note: Option<String>,
}

/// One revision of a document.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionRow {
    /// The document's version label after the change, when it had one.
    pub version: Option<String>,
    /// Author date, `YYYY-MM-DD`.
    pub date: Date,
    /// Author name.
    pub author: String,
    pub email: String,
    /// The commit subject.
    pub summary: String,
    /// Short commit id.
    pub commit: String,
}

/// The organisation.
#[derive(Debug, Clone, Serialize)]
pub struct OrgView {
    /// Trading name.
    pub name: String,
    pub legal_name: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    /// Standard edition and amendments, e.g. "ISO/IEC 27001:2022 + Amd 1:2024".
    pub standard: String,
}

/// Navigation from the current document.
#[derive(Debug, Clone, Serialize)]
pub struct NavView {
    /// Relative link to the index (absent on the index itself).
    pub index: Option<String>,
    /// Prefix from this document to the output root (`""` or `"../"`).
    pub root: String,
}

/// A labelled value with a CSS class, for statuses and levels.
#[derive(Debug, Clone, Serialize)]
pub struct Badge {
    pub label: String,
    /// CSS class suffix (`st-implemented`, `lvl-high`).
    pub class: String,
}

/// The kebab-case name serde gives an enum value.
pub(crate) fn kebab<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A human label from a kebab-case name: `not-implemented` → `Not implemented`.
pub(crate) fn label_of<T: Serialize>(v: &T) -> String {
    let k = kebab(v).replace('-', " ");
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn badge<T: Serialize>(v: &T, prefix: &str) -> Badge {
    Badge {
        label: label_of(v),
        class: format!("{prefix}-{}", kebab(v)),
    }
}

fn opt_date(d: Option<&Spanned<Date>>) -> Option<Date> {
    d.map(|d| d.value)
}

fn opt_str(s: Option<&Spanned<String>>) -> Option<String> {
    s.map(|s| s.value.clone()).filter(|s| !s.trim().is_empty())
}

/// The body without a leading `# Title` heading that repeats the document title, which the
/// layout already shows.
pub(crate) fn body_without_title(body: &str, title: &str) -> String {
    let trimmed = body.trim_start_matches(['\n', '\r']);
    let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    match first.trim_end().strip_prefix("# ") {
        Some(h) if h.trim().eq_ignore_ascii_case(title.trim()) => {
            rest.trim_start_matches(['\n', '\r']).to_string()
        }
        _ => body.to_string(),
    }
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty()).cloned()
}

impl<'a> Ctx<'a> {
    /// A context for rendering documents of `isms`: one per run, so ids are resolved and
    /// registers are built once for all documents and formats.
    pub fn new(isms: &'a Isms, opts: &'a RenderOptions, state: &'a SourceState) -> Ctx<'a> {
        Ctx {
            isms,
            opts,
            state,
            lookup: Lookup::new(isms),
            shared: Shared::default(),
        }
    }

    /// The SoA with links from the output root.
    pub fn soa(&self) -> &SoaView {
        self.shared.soa.get_or_init(|| soa(self, ""))
    }

    /// The risk register with links from the output root.
    pub fn risks(&self) -> &RisksView {
        self.shared.risks.get_or_init(|| risks(self, ""))
    }

    /// The asset inventory with links from the output root.
    pub fn assets(&self) -> &AssetsView {
        self.shared.assets.get_or_init(|| assets(self, ""))
    }

    /// The objectives with links from the output root.
    pub fn objectives(&self) -> &ObjectivesView {
        self.shared.objectives.get_or_init(|| objectives(self, ""))
    }

    /// The nonconformity register with links from the output root.
    pub fn nonconformities(&self) -> &NcView {
        self.shared
            .nonconformities
            .get_or_init(|| nonconformities(self, ""))
    }

    /// The person's name, or the id itself when it refers to nobody known.
    pub fn person(&self, id: Option<&Id>) -> Option<String> {
        let id = id?;
        Some(match self.lookup.people.get(id.value.as_str()) {
            Some(p) => p.name.value.clone(),
            None => id.value.clone(),
        })
    }

    /// Names of several people.
    pub fn people(&self, ids: &[Id]) -> Vec<String> {
        ids.iter().filter_map(|i| self.person(Some(i))).collect()
    }

    /// "Name (job title)" for the document control block.
    pub fn person_with_role(&self, id: Option<&Id>) -> Option<String> {
        let id = id?;
        Some(match self.lookup.people.get(id.value.as_str()) {
            Some(p) => format!("{} ({})", p.name.value, p.role.value),
            None => id.value.clone(),
        })
    }

    /// The organisation view.
    pub fn org(&self) -> OrgView {
        let m = self.isms.manifest.as_ref();
        let standard = m.map_or_else(
            || "ISO/IEC 27001:2022".to_string(),
            |m| {
                let mut s = m.standard.edition.value.clone();
                for a in &m.standard.amendments {
                    s.push_str(" + ");
                    s.push_str(&a.value);
                }
                s
            },
        );
        OrgView {
            name: self
                .isms
                .organisation_name()
                .unwrap_or("(organisation not named)")
                .to_string(),
            legal_name: m.and_then(|m| non_empty(m.organisation.legal_name.as_ref())),
            description: m.and_then(|m| non_empty(m.organisation.description.as_ref())),
            address: m.and_then(|m| non_empty(m.organisation.address.as_ref())),
            website: m.and_then(|m| non_empty(m.organisation.website.as_ref())),
            standard,
        }
    }

    /// Builds the document control view. `history` are the record files the document is
    /// written in, whose revisions it lists.
    pub fn doc(&self, head: DocHead, sources: Vec<String>, history: Vec<String>) -> DocView {
        let uncommitted = self.state.uncommitted_of(&sources);
        let (draft, draft_reason) = if self.opts.force_draft {
            (
                true,
                "this document was rendered as a draft (--draft).".to_string(),
            )
        } else if !uncommitted.is_empty() {
            (
                true,
                format!(
                    "rendered from uncommitted changes to {}; commit them to issue this document.",
                    uncommitted.join(", ")
                ),
            )
        } else if self.state.commit.is_none() {
            (
                true,
                "the records are not committed to a Git repository.".to_string(),
            )
        } else {
            (false, String::new())
        };
        let approver = self.person_with_role(head.approval.and_then(|a| a.by.as_ref()));
        let approved_on = head.approval.and_then(|a| opt_date(a.on.as_ref()));
        let status = match (head.approval.is_some(), &approver, &approved_on) {
            (false, _, _) => "Generated from the records",
            (true, Some(_), Some(_)) => "Approved",
            (true, None, None) => "Not approved",
            _ => "Approval incomplete",
        }
        .to_string();
        let commit = self.state.short_commit();
        let org = self.isms.organisation_name().unwrap_or("").to_string();
        let mut header_text = format!("{} · {}", head.id, head.title);
        if let Some(v) = &head.version {
            header_text.push_str(&format!(" · v{v}"));
        }
        let footer_text = match &commit {
            Some(c) => format!("{org} · as of {} · commit {c}", self.opts.as_of),
            None => format!("{org} · as of {}", self.opts.as_of),
        };
        DocView {
            id: head.id,
            title: head.title,
            version: head.version,
            owner: self.person_with_role(head.owner),
            approver,
            approved_on,
            approval_record: head.approval.and_then(|a| non_empty(a.record.as_ref())),
            classification: head.classification,
            next_review: head.next_review,
            status,
            approvable: head.approval.is_some(),
            commit,
            last_change: self.state.last_change_of(&sources).map(Date),
            draft,
            draft_reason,
            generated: Date(self.opts.as_of),
            tool: self.opts.tool.clone(),
            header_right: if draft { "DRAFT".into() } else { String::new() },
            sources,
            header_text,
            footer_text,
            findings: history
                .iter()
                .filter_map(|f| self.state.findings.get(f))
                .flatten()
                .take(MAX_FINDINGS)
                .cloned()
                .collect(),
            findings_total: history
                .iter()
                .filter_map(|f| self.state.findings.get(f))
                .map(Vec::len)
                .sum(),
            findings_more: history
                .iter()
                .filter_map(|f| self.state.findings.get(f))
                .map(Vec::len)
                .sum::<usize>()
                .saturating_sub(MAX_FINDINGS),
            revisions: self.revisions(history),
        }
    }

    /// The revision history of the record `files`, from what the evidence layer found in Git.
    pub fn revisions(&self, files: Vec<String>) -> RevisionsView {
        let all = self.state.revisions_of(&files);
        let rows: Vec<RevisionRow> = all
            .iter()
            .take(MAX_REVISIONS)
            .map(|r| RevisionRow {
                version: r.version.clone().filter(|v| !v.trim().is_empty()),
                date: r.date,
                author: r.author.clone(),
                email: r.email.clone(),
                summary: r.summary.clone(),
                commit: r.commit.clone(),
            })
            .collect();
        let uncommitted = self
            .state
            .uncommitted_of(&files)
            .into_iter()
            .map(str::to_string)
            .collect();
        RevisionsView {
            total: all.len(),
            older: all.len().saturating_sub(rows.len()),
            has_versions: rows.iter().any(|r| r.version.is_some()),
            empty_note: rows
                .is_empty()
                .then(|| "No Git history: this document has not been committed yet.".to_string()),
            rows,
            files,
            uncommitted,
        }
    }

    /// Record files present among `candidates`, in order.
    pub fn present(&self, candidates: &[&str]) -> Vec<String> {
        present(self.isms, candidates)
    }

    /// The risk register file(s): `risks.yaml` and/or `risks/*.yaml`.
    pub fn risk_files(&self) -> Vec<String> {
        risk_files(self.isms)
    }

    /// Paths of the policies.
    pub fn policy_files(&self) -> Vec<String> {
        self.isms
            .policies
            .iter()
            .map(|p| p.source.path.clone())
            .collect()
    }
}

/// Record files of `isms` present among `candidates`, in order.
pub(crate) fn present(isms: &Isms, candidates: &[&str]) -> Vec<String> {
    candidates
        .iter()
        .filter(|p| isms.sources.by_path(p).is_some())
        .map(|p| p.to_string())
        .collect()
}

/// The risk register file(s) of `isms`: `risks.yaml` and/or `risks/*.yaml`, sorted.
pub(crate) fn risk_files(isms: &Isms) -> Vec<String> {
    // The loader knows which files it read the register from; deciding again here missed
    // `risks/*.yml`.
    let mut v = isms.risk_files.clone();
    v.sort();
    v
}

/// The document-control fields a document carries in its records.
pub(crate) struct DocHead<'a> {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub owner: Option<&'a Id>,
    pub approval: Option<&'a Approval>,
    pub classification: Option<String>,
    pub next_review: Option<Date>,
}

impl<'a> DocHead<'a> {
    /// Head for a generated document without its own document-control record.
    pub fn generated(id: &str, title: &str) -> DocHead<'a> {
        DocHead {
            id: id.to_string(),
            title: title.to_string(),
            version: None,
            owner: None,
            approval: None,
            classification: None,
            next_review: None,
        }
    }

    /// Head from a controlled Markdown document's front matter.
    /// `default_review_months` is the review cadence from isms.yaml for documents that are
    /// reviewed periodically (scope, policies, the audit programme); records such as audit
    /// reports and review minutes pass `None` and show a next review only when they set one.
    pub fn of(
        d: &'a dyn Document,
        classification: Option<&String>,
        default_review_months: Option<u32>,
    ) -> DocHead<'a> {
        let next_review = match default_review_months.or(d.review_months()) {
            Some(months) => d.review_due(months),
            None => d.next_review(),
        };
        DocHead {
            id: d.id().value.clone(),
            title: d.title().value.clone(),
            version: d.version().map(|v| v.value.clone()),
            owner: d.owner(),
            approval: Some(d.approval()),
            classification: non_empty(classification),
            next_review,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Where each kind of target lives, relative to the output root (without extension).
pub(crate) fn risk_link(ctx: &Ctx<'_>, id: &str, root: &str) -> Link {
    let title = ctx.lookup.risk_titles.get(id).map(|t| t.to_string());
    let anchor = format!("risk-{}", file_stem(id));
    Link {
        id: id.to_string(),
        title,
        html: Some(format!("{root}risk-register.html#{anchor}")),
        md: Some(format!("{root}risk-register.md")),
    }
}

pub(crate) fn control_link(id: &str, root: &str) -> Link {
    let title = catalogue::get(id).map(|c| c.title.clone());
    Link {
        id: id.to_string(),
        title,
        html: Some(format!("{root}soa.html#control-{}", file_stem(id))),
        md: Some(format!("{root}soa.md")),
    }
}

pub(crate) fn policy_link(isms: &Isms, id: &str, root: &str) -> Link {
    if let Some(p) = isms.policies.iter().find(|p| p.id.value == id) {
        let stem = file_stem(&p.id.value);
        return Link {
            id: id.to_string(),
            title: Some(p.title.value.clone()),
            html: Some(format!("{root}policies/{stem}.html")),
            md: Some(format!("{root}policies/{stem}.md")),
        };
    }
    if let Some(p) = isms.procedures.iter().find(|p| p.id.value == id) {
        let stem = file_stem(&p.id.value);
        return Link {
            id: id.to_string(),
            title: Some(p.title.value.clone()),
            html: Some(format!("{root}procedures/{stem}.html")),
            md: Some(format!("{root}procedures/{stem}.md")),
        };
    }
    // Other documents are not rendered: name them without a link.
    let title = isms.document(id).map(|d| d.title().value.clone());
    Link {
        id: id.to_string(),
        title,
        html: None,
        md: None,
    }
}

pub(crate) fn asset_link(ctx: &Ctx<'_>, id: &str, root: &str) -> Link {
    let title = ctx.lookup.asset_names.get(id).map(|t| t.to_string());
    Link {
        id: id.to_string(),
        title,
        html: Some(format!(
            "{root}asset-inventory.html#asset-{}",
            file_stem(id)
        )),
        md: Some(format!("{root}asset-inventory.md")),
    }
}

pub(crate) fn obligation_link(isms: &Isms, id: &str, root: &str) -> Link {
    let title = isms
        .context
        .as_ref()
        .and_then(|c| loaded(&c.obligations).find(|o| o.id.value == id))
        .map(|o| o.title.value.clone());
    Link {
        id: id.to_string(),
        title,
        html: Some(format!("{root}context.html#obligation-{}", file_stem(id))),
        md: Some(format!("{root}context.md")),
    }
}

pub(crate) fn nc_link(id: &str, root: &str) -> Link {
    Link {
        id: id.to_string(),
        title: None,
        html: Some(format!("{root}nonconformities.html#nc-{}", file_stem(id))),
        md: Some(format!("{root}nonconformities.md")),
    }
}

pub(crate) fn audit_link(isms: &Isms, id: &str, root: &str) -> Link {
    match isms.audits.iter().find(|a| a.id.value == id) {
        Some(a) => {
            let stem = file_stem(&a.id.value);
            Link {
                id: id.to_string(),
                title: Some(a.title.value.clone()),
                html: Some(format!("{root}audits/{stem}.html")),
                md: Some(format!("{root}audits/{stem}.md")),
            }
        }
        None => Link {
            id: id.to_string(),
            title: None,
            html: None,
            md: None,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// A rating value: a scale point, or a probability, frequency or amount of a quantitative
/// methodology. Written as a whole number when it is one, so scale points read `3`, not `3.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score(pub f64);

impl Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(n) => s.serialize_i64(n),
            None => s.serialize_f64(self.0),
        }
    }
}

impl Score {
    /// The value as an integer, when it is a whole number of sensible size.
    pub fn whole(self) -> Option<i64> {
        (self.0.is_finite() && self.0.fract() == 0.0 && self.0.abs() < 1e15)
            .then_some(self.0 as i64)
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&model::fmt_level(self.0))
    }
}

/// A likelihood × impact rating with its level.
#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    pub likelihood: Score,
    /// Likelihood label from the methodology.
    pub likelihood_label: Option<String>,
    pub impact: Score,
    /// Impact label from the methodology.
    pub impact_label: Option<String>,
    /// Level computed with the methodology (or as stated when it cannot be computed).
    pub level: Option<u32>,
    /// Band label (Low, Medium, High...).
    pub band: Option<String>,
    /// Whether the level is within the acceptance threshold.
    pub acceptable: Option<bool>,
    /// CSS class for the level.
    pub class: String,
}

/// A level as a whole number for display (negative and non-finite values show as 0).
pub(crate) fn whole(x: f64) -> u32 {
    if x.is_finite() && x > 0.0 {
        x.round().min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

pub(crate) fn rating(isms: &Isms, r: Option<&Spanned<Rating>>) -> Option<RatingView> {
    let r = &r?.value;
    let m = isms.methodology();
    let exact = m.and_then(|m| m.evaluate(r.likelihood.value, r.impact.value).ok());
    let exact = exact.or_else(|| {
        r.level.as_ref().and_then(|x| {
            m.and_then(|m| m.resolve(&x.value)).or(match &x.value {
                model::LevelValue::Number(n) => Some(*n),
                model::LevelValue::Label(_) => None,
            })
        })
    });
    let level = exact.map(whole);
    let band = exact.and_then(|lv| m.and_then(|m| m.band(lv)).map(str::to_string));
    let acceptable = exact.and_then(|lv| m.map(|m| m.is_acceptable(lv)));
    let (l, i) = (r.likelihood.value, r.impact.value);
    let class = match (&band, acceptable) {
        (Some(b), _) => format!("lvl-{}", file_stem(&b.to_lowercase())),
        (None, Some(true)) => "lvl-low".into(),
        (None, Some(false)) => "lvl-high".into(),
        (None, None) => String::new(),
    };
    let label = |scale: Option<&Vec<model::ScalePoint>>, v: f64| {
        scale?
            .iter()
            .find(|p| f64::from(p.value.value) == v)
            .map(|p| p.label.value.clone())
    };
    Some(RatingView {
        likelihood: Score(l),
        likelihood_label: label(m.map(|m| &m.likelihood), l),
        impact: Score(i),
        impact_label: label(m.map(|m| &m.impact), i),
        level,
        band,
        acceptable,
        class,
    })
}

/// An action of a plan, review or corrective action.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    /// Optional id.
    pub id: Option<String>,
    /// What will be done.
    pub action: String,
    /// Owner's name.
    pub owner: Option<String>,
    /// Due date in force (after re-plans).
    pub due: Option<Date>,
    /// Original due date when it was re-planned.
    pub original_due: Option<Date>,
    pub status: Badge,
    pub completed: Option<Date>,
    pub resources: Option<String>,
    /// Whether it is open and past its due date as of the render date.
    pub overdue: bool,
    pub notes: Option<String>,
}

pub(crate) fn action(ctx: &Ctx<'_>, a: &Action) -> ActionView {
    let due = a.effective_due();
    let overdue = model::status::action_overdue(a, Date(ctx.opts.as_of));
    let mut status = badge(&a.status.value, "st");
    if overdue {
        status = Badge {
            label: format!("{} (overdue)", status.label),
            class: "st-overdue".into(),
        };
    }
    ActionView {
        id: a.id.as_ref().map(|i| i.value.clone()),
        action: a.action.value.clone(),
        owner: ctx.person(a.owner.as_ref()),
        due,
        original_due: if a.replanned.is_empty() {
            None
        } else {
            opt_date(a.due.as_ref())
        },
        status,
        completed: opt_date(a.completed.as_ref()),
        resources: non_empty(a.resources.as_ref()),
        overdue,
        notes: non_empty(a.notes.as_ref()),
    }
}

/// An acceptance of residual risk.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceView {
    /// Who accepted.
    pub by: Option<String>,
    pub on: Option<Date>,
    /// Why.
    pub rationale: Option<String>,
}

fn acceptance(ctx: &Ctx<'_>, a: Option<&Spanned<Acceptance>>) -> Option<AcceptanceView> {
    let a = &a?.value;
    Some(AcceptanceView {
        by: ctx.person(a.by.as_ref()),
        on: opt_date(a.on.as_ref()),
        rationale: opt_str(a.rationale.as_ref()),
    })
}

/// The state of a risk's residual-risk acceptance, from the same computation as RSK-10.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceStatusView {
    /// Whether the risk needs an acceptance at all (not for an avoided risk, or an untreated
    /// one above the criteria that needs a treatment decision first).
    pub required: bool,
    /// Whether it needs one and has a valid one, or needs none.
    pub accepted: bool,
    /// What is wrong, in short ("not accepted", "acceptance lapsed on …"); empty when fine.
    pub problems: Vec<String>,
    /// One line for the documents: "accepted", "not required", or the problems.
    pub label: String,
    /// CSS class of the badge.
    pub class: String,
}

pub(crate) fn acceptance_status(ctx: &Ctx<'_>, r: &Spanned<model::Risk>) -> AcceptanceStatusView {
    let a = ctx.isms.risk_acceptance(r, Date(ctx.opts.as_of));
    let problems = a.problems();
    let (label, class) = if !problems.is_empty() {
        (problems.join("; "), "st-missing")
    } else if a.is_required() {
        ("accepted".to_string(), "st-done")
    } else {
        ("not required".to_string(), "st-na")
    };
    AcceptanceStatusView {
        required: a.is_required(),
        accepted: a.is_fine(),
        problems,
        label,
        class: class.to_string(),
    }
}

/// An approval (by, on).
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalView {
    /// Approver's name.
    pub by: Option<String>,
    pub on: Option<Date>,
    /// Where it is recorded.
    pub record: Option<String>,
}

fn approval(ctx: &Ctx<'_>, a: &Approval) -> Option<ApprovalView> {
    if a.by.is_none() && a.on.is_none() && a.record.is_none() {
        return None;
    }
    Some(ApprovalView {
        by: ctx.person(a.by.as_ref()),
        on: opt_date(a.on.as_ref()),
        record: non_empty(a.record.as_ref()),
    })
}

/// Evidence for a control.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Repository path or URL as written.
    pub target: String,
    /// Link for HTML when it is a web address (http/https only).
    pub url: Option<String>,
    /// What it shows.
    pub description: Option<String>,
    pub collected: Option<Date>,
    pub expires: Option<Date>,
    /// Whether it has expired as of the render date.
    pub expired: bool,
}

fn evidence(ctx: &Ctx<'_>, e: &EvidenceRef) -> EvidenceView {
    let url = e.url.as_ref().map(|u| u.value.trim().to_string());
    // Only web links become clickable: a record must not be able to plant `javascript:` or
    // `file:` links in a document an auditor opens.
    let safe_url = url.clone().filter(|u| {
        let l = u.to_ascii_lowercase();
        l.starts_with("https://") || l.starts_with("http://")
    });
    let target = e
        .path
        .as_ref()
        .map(|p| p.value.clone())
        .or(url)
        .unwrap_or_default();
    let expires = e.expires.as_ref().map(|d| d.value);
    EvidenceView {
        target,
        url: safe_url,
        description: non_empty(e.description.as_ref()),
        collected: opt_date(e.collected.as_ref()),
        expires,
        expired: model::status::evidence_expired(e, Date(ctx.opts.as_of)),
    }
}

// ---------------------------------------------------------------------------------------------
// Statement of Applicability

/// One control in the SoA.
#[derive(Debug, Clone, Serialize)]
pub struct SoaRow {
    /// Control id, e.g. `5.10`.
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    /// Official title.
    pub title: String,
    /// Whether an entry exists in `soa.yaml`.
    pub recorded: bool,
    /// `Yes`, `No` or `Not decided`.
    pub applicable: Badge,
    /// Applicable (true), excluded (false), undecided (none).
    pub is_applicable: Option<bool>,
    pub justification: Option<String>,
    /// Reasons for inclusion (Risk, Legal, Contractual, Business).
    pub reasons: Vec<String>,
    /// Risks treated.
    pub risks: Vec<Link>,
    /// Obligations met.
    pub obligations: Vec<Link>,
    pub status: Option<Badge>,
    /// Owner's name.
    pub owner: Option<String>,
    /// Policies and procedures.
    pub policies: Vec<Link>,
    /// How it is implemented.
    pub implementation: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// Where a control of the organisation's own comes from (none for Annex A controls).
    pub source: Option<String>,
}

/// One theme (clause 5 to 8) of Annex A.
#[derive(Debug, Clone, Serialize)]
pub struct SoaTheme {
    /// Clause number, "5" to "8".
    pub clause: String,
    pub name: String,
    /// Its controls, in catalogue order.
    pub controls: Vec<SoaRow>,
    /// Applicable controls in the theme.
    pub applicable: usize,
}

/// Summary counts of the SoA.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SoaSummary {
    /// Controls in Annex A (93).
    pub total: usize,
    pub applicable: usize,
    pub excluded: usize,
    /// No decision recorded (missing entry or `applicable` unset).
    pub undecided: usize,
    /// Applicable and implemented.
    pub implemented: usize,
    /// Applicable and partly implemented.
    pub partial: usize,
    /// Applicable and planned.
    pub planned: usize,
    /// Applicable and not implemented.
    pub not_implemented: usize,
    /// Applicable without a status.
    pub no_status: usize,
}

/// The Statement of Applicability.
#[derive(Debug, Clone, Serialize)]
pub struct SoaView {
    pub summary: SoaSummary,
    /// Controls grouped by theme.
    pub themes: Vec<SoaTheme>,
    /// Controls from other sources than Annex A (6.1.3 c), in file order.
    pub additional: Vec<SoaRow>,
}

/// Section and theme label of the controls that are not from Annex A.
pub(crate) const ADDITIONAL_CONTROLS: &str = "Additional controls (6.1.3 c)";

pub(crate) fn soa(ctx: &Ctx<'_>, root: &str) -> SoaView {
    let isms = ctx.isms;
    let mut summary = SoaSummary::default();
    let mut themes: Vec<SoaTheme> = catalogue::Theme::ALL
        .iter()
        .map(|t| SoaTheme {
            clause: t.clause().to_string(),
            name: t.as_str().to_string(),
            controls: Vec::new(),
            applicable: 0,
        })
        .collect();
    for c in catalogue::controls() {
        summary.total += 1;
        let entry = isms.soa_entry(&c.id).map(|e| &e.value);
        let is_applicable = entry.and_then(|e| e.applicable.as_ref().map(|a| a.value));
        let applicable = match is_applicable {
            Some(true) => Badge {
                label: "Yes".into(),
                class: "st-yes".into(),
            },
            Some(false) => Badge {
                label: "No".into(),
                class: "st-not-applicable".into(),
            },
            None => Badge {
                label: "Not decided".into(),
                class: "st-missing".into(),
            },
        };
        let status = entry
            .and_then(|e| e.status.as_ref())
            .map(|s| badge(&s.value, "st"));
        match is_applicable {
            Some(true) => {
                summary.applicable += 1;
                match entry.and_then(|e| e.status.as_ref()).map(|s| s.value) {
                    Some(model::ImplementationStatus::Implemented) => summary.implemented += 1,
                    Some(model::ImplementationStatus::Partial) => summary.partial += 1,
                    Some(model::ImplementationStatus::Planned) => summary.planned += 1,
                    Some(model::ImplementationStatus::NotImplemented) => {
                        summary.not_implemented += 1
                    }
                    None => summary.no_status += 1,
                }
            }
            Some(false) => summary.excluded += 1,
            None => summary.undecided += 1,
        }
        let row = SoaRow {
            id: c.id.clone(),
            anchor: format!("control-{}", file_stem(&c.id)),
            title: c.title.clone(),
            recorded: entry.is_some(),
            applicable,
            is_applicable,
            justification: entry.and_then(|e| opt_str(e.justification.as_ref())),
            reasons: entry
                .map(|e| e.reasons.iter().map(|r| label_of(&r.value)).collect())
                .unwrap_or_default(),
            risks: entry
                .map(|e| {
                    e.risks
                        .iter()
                        .map(|r| risk_link(ctx, &r.value, root))
                        .collect()
                })
                .unwrap_or_default(),
            obligations: entry
                .map(|e| {
                    e.obligations
                        .iter()
                        .map(|o| obligation_link(isms, &o.value, root))
                        .collect()
                })
                .unwrap_or_default(),
            status,
            owner: entry.and_then(|e| ctx.person(e.owner.as_ref())),
            policies: entry
                .map(|e| {
                    e.policies
                        .iter()
                        .map(|p| policy_link(isms, &p.value, root))
                        .collect()
                })
                .unwrap_or_default(),
            implementation: entry.and_then(|e| non_empty(e.implementation.as_ref())),
            evidence: entry
                .map(|e| loaded(&e.evidence).map(|ev| evidence(ctx, ev)).collect())
                .unwrap_or_default(),
            source: None,
        };
        if let Some(t) = themes.iter_mut().find(|t| t.name == c.theme.as_str()) {
            if row.is_applicable == Some(true) {
                t.applicable += 1;
            }
            t.controls.push(row);
        }
    }
    let additional = isms
        .additional_controls()
        .map(|c| additional_row(ctx, &c.value, root))
        .collect();
    SoaView {
        summary,
        themes,
        additional,
    }
}

/// A control of the organisation's own: listing it in the SoA is what makes it applicable,
/// so it has no `applicable` or exclusion fields, nor policies of its own.
fn additional_row(ctx: &Ctx<'_>, c: &model::AdditionalControl, root: &str) -> SoaRow {
    let isms = ctx.isms;
    SoaRow {
        id: c.id.value.clone(),
        anchor: format!("control-{}", file_stem(&c.id.value)),
        title: c.title.value.clone(),
        recorded: true,
        applicable: Badge {
            label: "Yes".into(),
            class: "st-yes".into(),
        },
        is_applicable: Some(true),
        justification: opt_str(c.justification.as_ref()),
        reasons: Vec::new(),
        risks: c
            .risks
            .iter()
            .map(|r| risk_link(ctx, &r.value, root))
            .collect(),
        obligations: c
            .obligations
            .iter()
            .map(|o| obligation_link(isms, &o.value, root))
            .collect(),
        status: c.status.as_ref().map(|s| badge(&s.value, "st")),
        owner: ctx.person(c.owner.as_ref()),
        policies: Vec::new(),
        implementation: None,
        evidence: loaded(&c.evidence).map(|ev| evidence(ctx, ev)).collect(),
        source: non_empty(c.source.as_ref()),
    }
}

// ---------------------------------------------------------------------------------------------
// Risks

/// One risk.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    pub title: String,
    /// Scenario.
    pub description: Option<String>,
    /// Assets at risk.
    pub assets: Vec<Link>,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    /// C/I/A affected, as letters ("C, I").
    pub affects: String,
    /// Owner's name.
    pub owner: Option<String>,
    pub inherent: Option<RatingView>,
    pub treatment: Option<String>,
    /// Annex A controls.
    pub controls: Vec<Link>,
    /// Own controls.
    pub other_controls: Vec<String>,
    pub transfer_mechanism: Option<String>,
    /// Treatment plan actions.
    pub plan: Vec<ActionView>,
    pub open_actions: usize,
    pub overdue_actions: usize,
    /// Risk owner's approval of the plan.
    pub plan_approval: Option<ApprovalView>,
    pub residual: Option<RatingView>,
    /// Acceptance of the residual risk.
    pub acceptance: Option<AcceptanceView>,
    /// Whether the residual risk is accepted as `isms check` sees it (RSK-10), computed by
    /// [`Isms::risk_acceptance`].
    pub acceptance_status: AcceptanceStatusView,
    pub identified: Option<Date>,
    pub last_assessed: Option<Date>,
}

/// The risk register and the data of the treatment plan.
#[derive(Debug, Clone, Serialize)]
pub struct RisksView {
    /// Risks in register order.
    pub risks: Vec<RiskRow>,
    pub total: usize,
    /// Acceptance threshold of the methodology.
    pub acceptance_threshold: Option<u32>,
    /// Dates of complete risk assessments.
    pub assessments: Vec<Date>,
    /// Risks whose inherent level is above the threshold.
    pub above_threshold_inherent: usize,
    /// Risks whose residual level is above the threshold.
    pub above_threshold_residual: usize,
    /// Risks whose residual risk needs an acceptance they do not have (as RSK-10 reports).
    pub unaccepted_residual: usize,
    /// Scales of the methodology, for the legend.
    pub likelihood_scale: Vec<ScaleView>,
    pub impact_scale: Vec<ScaleView>,
    /// How the level is computed ("likelihood × impact").
    pub level_formula: Option<String>,
}

/// A point of a scale.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleView {
    pub value: u8,
    pub label: String,
    /// Meaning.
    pub description: Option<String>,
}

pub(crate) fn risks(ctx: &Ctx<'_>, root: &str) -> RisksView {
    let isms = ctx.isms;
    let m = isms.methodology();
    let mut rows = Vec::new();
    for spanned in &isms.risks {
        let r = &spanned.value;
        let plan: Vec<ActionView> = loaded(&r.plan).map(|a| action(ctx, a)).collect();
        let letters: Vec<&str> = r
            .affects
            .iter()
            .map(|p| match p.value {
                model::SecurityProperty::Confidentiality => "C",
                model::SecurityProperty::Integrity => "I",
                model::SecurityProperty::Availability => "A",
            })
            .collect();
        rows.push(RiskRow {
            id: r.id.value.clone(),
            anchor: format!("risk-{}", file_stem(&r.id.value)),
            title: r.title.value.clone(),
            description: non_empty(r.description.as_ref()),
            assets: r
                .assets
                .iter()
                .map(|a| asset_link(ctx, &a.value, root))
                .collect(),
            threat: non_empty(r.threat.as_ref()),
            vulnerability: non_empty(r.vulnerability.as_ref()),
            affects: letters.join(", "),
            owner: ctx.person(r.owner.as_ref()),
            inherent: rating(isms, r.inherent.as_ref()),
            treatment: r.treatment.as_ref().map(|t| label_of(&t.value)),
            controls: r
                .controls
                .iter()
                .map(|c| control_link(&c.value, root))
                .collect(),
            other_controls: r.other_controls.clone(),
            transfer_mechanism: opt_str(r.transfer_mechanism.as_ref()),
            open_actions: loaded(&r.plan).filter(|a| a.status.value.is_open()).count(),
            overdue_actions: plan.iter().filter(|a| a.overdue).count(),
            plan,
            plan_approval: approval(ctx, &r.plan_approval),
            residual: rating(isms, r.residual.as_ref()),
            acceptance: acceptance(ctx, r.acceptance.as_ref()),
            acceptance_status: acceptance_status(ctx, spanned),
            identified: opt_date(r.identified.as_ref()),
            last_assessed: opt_date(r.last_assessed.as_ref()),
        });
    }
    let above = |f: &dyn Fn(&RiskRow) -> Option<&RatingView>| {
        rows.iter()
            .filter(|r| f(r).and_then(|v| v.acceptable) == Some(false))
            .count()
    };
    let above_threshold_inherent = above(&|r| r.inherent.as_ref());
    let above_threshold_residual = above(&|r| r.residual.as_ref());
    let scale = |s: &Vec<model::ScalePoint>| {
        s.iter()
            .map(|p| ScaleView {
                value: p.value.value,
                label: p.label.value.clone(),
                description: non_empty(p.description.as_ref()),
            })
            .collect::<Vec<_>>()
    };
    RisksView {
        total: rows.len(),
        unaccepted_residual: rows
            .iter()
            .filter(|r| !r.acceptance_status.accepted)
            .count(),
        risks: rows,
        acceptance_threshold: m.and_then(|m| m.threshold()).map(whole),
        assessments: isms.risk_assessments.iter().map(|d| d.value).collect(),
        above_threshold_inherent,
        above_threshold_residual,
        likelihood_scale: m.map(|m| scale(&m.likelihood)).unwrap_or_default(),
        impact_scale: m.map(|m| scale(&m.impact)).unwrap_or_default(),
        level_formula: m.map(|m| {
            match m.level.value {
                model::LevelFormula::Matrix => "read from the risk matrix",
                f => f.describe(),
            }
            .to_string()
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Assets

/// One asset.
#[derive(Debug, Clone, Serialize)]
pub struct AssetRow {
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    pub name: String,
    /// Kind label.
    pub kind: String,
    /// Owner's name.
    pub owner: Option<String>,
    /// Classification label.
    pub classification: Option<String>,
    /// Confidentiality value.
    pub c: Option<u8>,
    /// Integrity value.
    pub i: Option<u8>,
    /// Availability value.
    pub a: Option<u8>,
    pub location: Option<String>,
    /// The supplier's name, or the id when no supplier has it.
    pub supplier: Option<String>,
    pub description: Option<String>,
    pub in_scope: bool,
    /// Risks naming this asset.
    pub risks: Vec<Link>,
}

/// The asset inventory.
#[derive(Debug, Clone, Serialize)]
pub struct AssetsView {
    /// Assets in register order.
    pub assets: Vec<AssetRow>,
    pub total: usize,
    /// Assets without an owner.
    pub without_owner: usize,
}

pub(crate) fn assets(ctx: &Ctx<'_>, root: &str) -> AssetsView {
    let isms = ctx.isms;
    let rows: Vec<AssetRow> = isms
        .assets
        .iter()
        .map(|a| {
            let a = &a.value;
            let supplier = a.supplier.as_ref().map(|s| {
                ctx.lookup
                    .supplier_names
                    .get(s.value.as_str())
                    .map_or_else(|| s.value.clone(), |n| n.to_string())
            });
            AssetRow {
                id: a.id.value.clone(),
                anchor: format!("asset-{}", file_stem(&a.id.value)),
                name: a.name.value.clone(),
                kind: label_of(&a.kind.value),
                owner: ctx.person(a.owner.as_ref()),
                classification: a.classification.as_ref().map(|c| label_of(&c.value)),
                c: a.value.as_ref().map(|v| v.confidentiality.value),
                i: a.value.as_ref().map(|v| v.integrity.value),
                a: a.value.as_ref().map(|v| v.availability.value),
                location: non_empty(a.location.as_ref()),
                supplier,
                description: non_empty(a.description.as_ref()),
                in_scope: a.in_scope,
                risks: ctx
                    .lookup
                    .risks_of_asset
                    .get(a.id.value.as_str())
                    .map(|ids| ids.iter().map(|r| risk_link(ctx, r, root)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    AssetsView {
        total: rows.len(),
        without_owner: rows.iter().filter(|r| r.owner.is_none()).count(),
        assets: rows,
    }
}

// ---------------------------------------------------------------------------------------------
// Scope

/// An excluded item or an interface.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The item or party.
    pub name: String,
    /// The reason or description.
    pub text: Option<String>,
}

/// The scope statement.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeView {
    pub units: Vec<String>,
    pub locations: Vec<String>,
    /// Services and processes.
    pub services: Vec<String>,
    pub systems: Vec<String>,
    /// Exclusions with reasons.
    pub out_of_scope: Vec<Pair>,
    /// Interfaces and dependencies.
    pub interfaces: Vec<Pair>,
    /// The Markdown body.
    pub body: String,
}

pub(crate) fn scope(s: &model::Scope) -> ScopeView {
    let list = |v: &Vec<Spanned<String>>| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
    ScopeView {
        units: list(&s.in_scope.units),
        locations: list(&s.in_scope.locations),
        services: list(&s.in_scope.services),
        systems: list(&s.in_scope.systems),
        out_of_scope: loaded(&s.out_of_scope)
            .map(|e| Pair {
                name: e.item.value.clone(),
                text: opt_str(e.reason.as_ref()),
            })
            .collect(),
        interfaces: loaded(&s.interfaces)
            .map(|i| Pair {
                name: i.party.value.clone(),
                text: Some(i.description.value.clone()),
            })
            .collect(),
        body: body_without_title(&s.source.body, &s.title.value),
    }
}

// ---------------------------------------------------------------------------------------------
// Context

/// An issue (4.1).
#[derive(Debug, Clone, Serialize)]
pub struct IssueRow {
    pub id: String,
    /// Internal or External.
    pub kind: String,
    pub description: String,
    /// Effect on the ISMS.
    pub effect: Option<String>,
    /// Risks it gives rise to.
    pub risks: Vec<Link>,
}

/// A requirement of an interested party.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementRow {
    pub id: String,
    /// Requirement.
    pub description: String,
    /// Yes / No / Not decided.
    pub addressed: Badge,
    /// How it is addressed.
    pub how: Option<String>,
    pub obligations: Vec<Link>,
    pub climate_related: bool,
}

/// An interested party.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRow {
    pub id: String,
    pub name: String,
    /// Internal or External.
    pub kind: Option<String>,
    pub requirements: Vec<RequirementRow>,
}

/// An obligation (A.5.31).
#[derive(Debug, Clone, Serialize)]
pub struct ObligationRow {
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    pub title: String,
    /// Kind label.
    pub kind: String,
    pub description: Option<String>,
    pub jurisdiction: Option<String>,
    /// Owner's name.
    pub owner: Option<String>,
    pub controls: Vec<Link>,
    pub last_reviewed: Option<Date>,
}

/// The climate-change determination.
#[derive(Debug, Clone, Serialize)]
pub struct ClimateView {
    /// Relevant or not.
    pub relevant: bool,
    /// Why.
    pub rationale: Option<String>,
    /// Interested parties' climate requirements.
    pub interested_party_requirements: Option<String>,
    /// Who decided and when.
    pub determined: Option<ApprovalView>,
}

/// Context of the organisation.
#[derive(Debug, Clone, Serialize)]
pub struct ContextView {
    pub external_issues: Vec<IssueRow>,
    pub internal_issues: Vec<IssueRow>,
    /// Climate-change determination.
    pub climate: Option<ClimateView>,
    pub parties: Vec<PartyRow>,
    pub obligations: Vec<ObligationRow>,
    /// Last review.
    pub reviewed: Option<ApprovalView>,
}

pub(crate) fn context(ctx: &Ctx<'_>, c: &model::Context, root: &str) -> ContextView {
    let isms = ctx.isms;
    let issue = |i: &model::Issue| IssueRow {
        id: i.id.value.clone(),
        kind: label_of(&i.kind.value),
        description: i.description.value.clone(),
        effect: non_empty(i.effect.as_ref()),
        risks: i
            .risks
            .iter()
            .map(|r| risk_link(ctx, &r.value, root))
            .collect(),
    };
    let yes_no = |v: Option<bool>| match v {
        Some(true) => Badge {
            label: "Yes".into(),
            class: "st-yes".into(),
        },
        Some(false) => Badge {
            label: "No".into(),
            class: "st-no".into(),
        },
        None => Badge {
            label: "Not decided".into(),
            class: "st-missing".into(),
        },
    };
    ContextView {
        external_issues: loaded(&c.issues)
            .filter(|i| i.kind.value == model::IssueKind::External)
            .map(|i| issue(i))
            .collect(),
        internal_issues: loaded(&c.issues)
            .filter(|i| i.kind.value == model::IssueKind::Internal)
            .map(|i| issue(i))
            .collect(),
        climate: c.climate_change.as_ref().map(|cc| ClimateView {
            relevant: cc.relevant.value,
            rationale: opt_str(cc.rationale.as_ref()),
            interested_party_requirements: opt_str(cc.interested_party_requirements.as_ref()),
            determined: approval(ctx, &cc.determined),
        }),
        parties: loaded(&c.interested_parties)
            .map(|p| PartyRow {
                id: p.id.value.clone(),
                name: p.name.value.clone(),
                kind: p.kind.as_ref().map(|k| label_of(&k.value)),
                requirements: loaded(&p.requirements)
                    .map(|r| RequirementRow {
                        id: r.id.value.clone(),
                        description: r.description.value.clone(),
                        addressed: yes_no(r.addressed.as_ref().map(|a| a.value)),
                        how: non_empty(r.how.as_ref()),
                        obligations: r
                            .obligations
                            .iter()
                            .map(|o| obligation_link(isms, &o.value, root))
                            .collect(),
                        climate_related: r.climate_related,
                    })
                    .collect(),
            })
            .collect(),
        obligations: loaded(&c.obligations)
            .map(|o| ObligationRow {
                id: o.id.value.clone(),
                anchor: format!("obligation-{}", file_stem(&o.id.value)),
                title: o.title.value.clone(),
                kind: label_of(&o.kind.value),
                description: non_empty(o.description.as_ref()),
                jurisdiction: non_empty(o.jurisdiction.as_ref()),
                owner: ctx.person(o.owner.as_ref()),
                controls: o
                    .controls
                    .iter()
                    .map(|c| control_link(&c.value, root))
                    .collect(),
                last_reviewed: opt_date(o.last_reviewed.as_ref()),
            })
            .collect(),
        reviewed: approval(ctx, &c.reviewed),
    }
}

// ---------------------------------------------------------------------------------------------
// Policies

/// A policy.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    /// "Information security policy" or "Topic-specific policy".
    pub kind: String,
    /// Who it applies to.
    pub applies_to: Option<String>,
    /// Controls it implements.
    pub controls: Vec<Link>,
    /// When it was communicated.
    pub communicated_on: Option<Date>,
    /// How.
    pub communicated_via: Option<String>,
    /// Where acknowledgements are kept.
    pub acknowledgements: Option<String>,
    /// Published to interested parties.
    pub public: bool,
    /// Review interval in months.
    pub review_months: Option<u32>,
    /// The Markdown body.
    pub body: String,
}

pub(crate) fn policy(p: &model::Policy, root: &str) -> PolicyView {
    PolicyView {
        kind: match p.kind.value {
            model::PolicyKind::InformationSecurity => "Information security policy (5.2)",
            model::PolicyKind::TopicSpecific => "Topic-specific policy (A.5.1)",
        }
        .to_string(),
        applies_to: non_empty(p.applies_to.as_ref()),
        controls: p
            .controls
            .iter()
            .map(|c| control_link(&c.value, root))
            .collect(),
        communicated_on: opt_date(p.communicated.on.as_ref()),
        communicated_via: non_empty(p.communicated.via.as_ref()),
        acknowledgements: non_empty(p.communicated.acknowledgements.as_ref()),
        public: p.communicated.public,
        review_months: p.review_months.as_ref().map(|m| m.value),
        body: body_without_title(&p.source.body, &p.title.value),
    }
}

// ---------------------------------------------------------------------------------------------
// Objectives

/// A measurement of an objective.
#[derive(Debug, Clone, Serialize)]
pub struct MeasurementView {
    pub date: Date,
    pub value: String,
    pub note: Option<String>,
}

/// An objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveRow {
    pub id: String,
    /// The objective.
    pub title: String,
    pub policy: Option<Link>,
    /// Risks addressed.
    pub risks: Vec<Link>,
    pub metric: Option<String>,
    pub target: Option<String>,
    /// Owner's name.
    pub owner: Option<String>,
    pub resources: Option<String>,
    pub due: Option<Date>,
    /// Evaluation method.
    pub evaluation: Option<String>,
    /// Date set.
    pub set: Option<Date>,
    pub status: Option<Badge>,
    /// Measurements, oldest first.
    pub measurements: Vec<MeasurementView>,
    pub latest: Option<MeasurementView>,
}

/// The objectives register.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectivesView {
    pub objectives: Vec<ObjectiveRow>,
}

pub(crate) fn objectives(ctx: &Ctx<'_>, root: &str) -> ObjectivesView {
    let isms = ctx.isms;
    ObjectivesView {
        objectives: isms
            .objectives
            .iter()
            .map(|o| {
                let o = &o.value;
                let measurements: Vec<MeasurementView> = loaded(&o.measurements)
                    .map(|m| &m.value)
                    .map(|m: &model::Measurement| MeasurementView {
                        date: m.date.value,
                        value: m.value.value.clone(),
                        note: non_empty(m.note.as_ref()),
                    })
                    .collect();
                ObjectiveRow {
                    id: o.id.value.clone(),
                    title: o.title.value.clone(),
                    policy: o.policy.as_ref().map(|p| policy_link(isms, &p.value, root)),
                    risks: o
                        .risks
                        .iter()
                        .map(|r| risk_link(ctx, &r.value, root))
                        .collect(),
                    metric: opt_str(o.metric.as_ref()),
                    target: opt_str(o.target.as_ref()),
                    owner: ctx.person(o.owner.as_ref()),
                    resources: opt_str(o.resources.as_ref()),
                    due: opt_date(o.due.as_ref()),
                    evaluation: opt_str(o.evaluation.as_ref()),
                    set: opt_date(o.set.as_ref()),
                    status: o.status.as_ref().map(|s| badge(&s.value, "st")),
                    latest: measurements.last().cloned(),
                    measurements,
                }
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Audits

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub id: String,
    pub kind: Badge,
    pub clause: Option<String>,
    pub control: Option<Link>,
    pub description: String,
    pub nonconformity: Option<Link>,
}

/// An audit report.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    /// Internal or External.
    pub kind: String,
    pub status: Badge,
    pub date: Option<Date>,
    pub scope: Option<String>,
    /// Clauses covered.
    pub clauses: Vec<String>,
    /// Controls covered.
    pub controls: Vec<Link>,
    pub criteria: Option<String>,
    /// Lead auditor.
    pub auditor: Option<String>,
    pub external_auditor: Option<String>,
    pub auditees: Vec<String>,
    pub report_date: Option<Date>,
    pub report_recipients: Vec<String>,
    pub findings: Vec<FindingRow>,
    /// Counts per kind: major, minor, observation, opportunity.
    pub counts: FindingCounts,
    /// The Markdown body.
    pub body: String,
}

/// Findings per kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingCounts {
    /// Major nonconformities.
    pub major: usize,
    /// Minor nonconformities.
    pub minor: usize,
    pub observation: usize,
    /// Opportunities for improvement.
    pub opportunity: usize,
}

pub(crate) fn audit(ctx: &Ctx<'_>, a: &model::Audit, root: &str) -> AuditView {
    let mut counts = FindingCounts::default();
    let findings = loaded(&a.findings)
        .map(|f| {
            match f.kind.value {
                model::FindingKind::Major => counts.major += 1,
                model::FindingKind::Minor => counts.minor += 1,
                model::FindingKind::Observation => counts.observation += 1,
                model::FindingKind::Opportunity => counts.opportunity += 1,
            }
            let kind = match f.kind.value {
                model::FindingKind::Major => Badge {
                    label: "Major NC".into(),
                    class: "st-no".into(),
                },
                model::FindingKind::Minor => Badge {
                    label: "Minor NC".into(),
                    class: "st-open".into(),
                },
                model::FindingKind::Observation => Badge {
                    label: "Observation".into(),
                    class: "st-not-applicable".into(),
                },
                model::FindingKind::Opportunity => Badge {
                    label: "Opportunity".into(),
                    class: "st-not-applicable".into(),
                },
            };
            FindingRow {
                id: f.id.value.clone(),
                kind,
                clause: opt_str(f.clause.as_ref()),
                control: f.control.as_ref().map(|c| control_link(&c.value, root)),
                description: f.description.value.clone(),
                nonconformity: f.nonconformity.as_ref().map(|n| nc_link(&n.value, root)),
            }
        })
        .collect();
    AuditView {
        kind: label_of(&a.kind.value),
        status: badge(&a.status.value, "st"),
        date: opt_date(a.date.as_ref()),
        scope: opt_str(a.scope.as_ref()),
        clauses: a.clauses.iter().map(|c| c.value.clone()).collect(),
        controls: a
            .controls
            .iter()
            .map(|c| control_link(&c.value, root))
            .collect(),
        criteria: opt_str(a.criteria.as_ref()),
        auditor: ctx.person(a.auditor.as_ref()),
        external_auditor: non_empty(a.external_auditor.as_ref()),
        auditees: ctx.people(&a.auditees),
        report_date: opt_date(a.report.date.as_ref()),
        report_recipients: ctx.people(&a.report.recipients),
        findings,
        counts,
        body: body_without_title(&a.source.body, &a.title.value),
    }
}

/// One audit planned in the programme.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedAuditRow {
    /// Id of the audit record it becomes.
    pub id: String,
    /// Link to the audit report when one exists.
    pub report: Option<Link>,
    /// What will be audited.
    pub scope: String,
    /// Clauses covered.
    pub clauses: Vec<String>,
    /// Controls covered.
    pub controls: Vec<Link>,
    pub planned: Date,
    /// Planned auditor.
    pub auditor: Option<String>,
    /// Held (a completed audit record exists), in progress, or planned; overdue when planned
    /// and its date has passed.
    pub status: Badge,
}

/// The internal audit programme (9.2.2).
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeView {
    /// Start of the period covered.
    pub period_from: Option<Date>,
    /// End of the period.
    pub period_to: Option<Date>,
    /// Months between audits of the whole ISMS.
    pub frequency_months: Option<u32>,
    pub methods: Vec<String>,
    pub responsibilities: Option<String>,
    /// Planning requirements.
    pub planning: Option<String>,
    pub reporting: Option<String>,
    pub prioritisation: Option<String>,
    /// Planned audits.
    pub planned: Vec<PlannedAuditRow>,
    /// The Markdown body.
    pub body: String,
}

pub(crate) fn programme(ctx: &Ctx<'_>, p: &model::AuditProgramme, root: &str) -> ProgrammeView {
    let isms = ctx.isms;
    ProgrammeView {
        period_from: p.period.as_ref().map(|x| x.from.value),
        period_to: p.period.as_ref().map(|x| x.to.value),
        frequency_months: p.frequency_months.as_ref().map(|m| m.value),
        methods: p.methods.clone(),
        responsibilities: opt_str(p.responsibilities.as_ref()),
        planning: opt_str(p.planning.as_ref()),
        reporting: opt_str(p.reporting.as_ref()),
        prioritisation: opt_str(p.prioritisation.as_ref()),
        planned: loaded(&p.planned)
            .map(|a| {
                let record = isms.audits.iter().find(|r| r.id.value == a.id.value);
                let status = match record.map(|r| r.status.value) {
                    Some(model::AuditStatus::Completed) => Badge {
                        label: "Held".into(),
                        class: "st-done".into(),
                    },
                    Some(model::AuditStatus::InProgress) => Badge {
                        label: "In progress".into(),
                        class: "st-in-progress".into(),
                    },
                    _ if a.planned.value.0 < ctx.opts.as_of => Badge {
                        label: "Planned (overdue)".into(),
                        class: "st-overdue".into(),
                    },
                    _ => Badge {
                        label: "Planned".into(),
                        class: "st-planned".into(),
                    },
                };
                PlannedAuditRow {
                    id: a.id.value.clone(),
                    report: record.map(|_| audit_link(isms, &a.id.value, root)),
                    scope: a.scope.value.clone(),
                    clauses: a.clauses.iter().map(|c| c.value.clone()).collect(),
                    controls: a
                        .controls
                        .iter()
                        .map(|c| control_link(&c.value, root))
                        .collect(),
                    planned: a.planned.value,
                    auditor: ctx.person(a.auditor.as_ref()),
                    status,
                }
            })
            .collect(),
        body: body_without_title(&p.source.body, &p.title.value),
    }
}

// ---------------------------------------------------------------------------------------------
// Management reviews

/// One 9.3.2 input.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewInputView {
    /// Letter, e.g. `d3`.
    pub letter: String,
    /// What the input is about, in this project's words.
    pub topic: String,
    /// What was presented.
    pub text: Option<String>,
}

/// A decision.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    pub id: Option<String>,
    pub decision: String,
    /// Kind label.
    pub kind: Option<String>,
}

/// A management review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// Date held.
    pub date: Date,
    /// Attendees' names.
    pub attendees: Vec<String>,
    /// Inputs a–g.
    pub inputs: Vec<ReviewInputView>,
    pub audits_considered: Vec<Link>,
    pub decisions: Vec<DecisionView>,
    pub actions: Vec<ActionView>,
    /// The Markdown body.
    pub body: String,
}

/// Short topic of each 9.3.2 input, in this project's own words.
fn review_topic(letter: &str) -> &'static str {
    match letter {
        "a" => "Status of actions from previous reviews",
        "b" => "Changes in external and internal issues",
        "c" => "Changes in interested parties' needs and expectations",
        "d1" => "Nonconformities and corrective actions",
        "d2" => "Monitoring and measurement results",
        "d3" => "Audit results",
        "d4" => "Fulfilment of information security objectives",
        "e" => "Feedback from interested parties",
        "f" => "Risk assessment results and risk treatment plan status",
        "g" => "Opportunities for continual improvement",
        _ => "",
    }
}

pub(crate) fn review(ctx: &Ctx<'_>, r: &model::ManagementReview, root: &str) -> ReviewView {
    ReviewView {
        date: r.date.value,
        attendees: ctx.people(&r.attendees),
        inputs: r
            .inputs
            .all()
            .iter()
            .map(|(letter, _, text)| ReviewInputView {
                letter: letter.to_string(),
                topic: review_topic(letter).to_string(),
                text: text.and_then(|t| opt_str(Some(t))),
            })
            .collect(),
        audits_considered: r
            .audits_considered
            .iter()
            .map(|a| audit_link(ctx.isms, &a.value, root))
            .collect(),
        decisions: loaded(&r.decisions)
            .map(|d| DecisionView {
                id: d.id.as_ref().map(|i| i.value.clone()),
                decision: d.decision.value.clone(),
                kind: d.kind.as_ref().map(|k| label_of(&k.value)),
            })
            .collect(),
        actions: loaded(&r.actions).map(|a| action(ctx, a)).collect(),
        body: body_without_title(&r.source.body, &r.title.value),
    }
}

// ---------------------------------------------------------------------------------------------
// Nonconformities

/// A nonconformity and its corrective action.
#[derive(Debug, Clone, Serialize)]
pub struct NcRow {
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    pub title: String,
    /// Source label.
    pub source: String,
    /// Audit it came from.
    pub audit: Option<Link>,
    /// Finding id.
    pub finding: Option<String>,
    /// Incident id.
    pub incident: Option<String>,
    pub clause: Option<String>,
    pub control: Option<Link>,
    pub raised: Date,
    pub description: Option<String>,
    pub correction: Option<String>,
    pub root_cause: Option<String>,
    pub corrective_action: Option<String>,
    pub owner: Option<String>,
    /// Due date in force.
    pub due: Option<Date>,
    /// Original due date when re-planned.
    pub original_due: Option<Date>,
    pub status: Badge,
    /// Open and past due.
    pub overdue: bool,
    pub closed: Option<Date>,
    pub effectiveness: Option<EffectivenessView>,
}

/// Effectiveness review of a corrective action.
#[derive(Debug, Clone, Serialize)]
pub struct EffectivenessView {
    pub date: Date,
    /// Reviewer's name.
    pub by: Option<String>,
    pub effective: bool,
    pub notes: Option<String>,
}

/// The nonconformity register.
#[derive(Debug, Clone, Serialize)]
pub struct NcView {
    pub nonconformities: Vec<NcRow>,
    /// Open (including in progress).
    pub open: usize,
    pub closed: usize,
    /// Open past due.
    pub overdue: usize,
}

pub(crate) fn nonconformities(ctx: &Ctx<'_>, root: &str) -> NcView {
    let isms = ctx.isms;
    let rows: Vec<NcRow> = isms
        .nonconformities
        .iter()
        .map(|n| {
            let n = &n.value;
            let due = n.effective_due();
            let overdue = Isms::nonconformity_overdue(n, Date(ctx.opts.as_of));
            let mut status = badge(&n.status.value, "st");
            if overdue {
                status = Badge {
                    label: format!("{} (overdue)", status.label),
                    class: "st-overdue".into(),
                };
            }
            NcRow {
                id: n.id.value.clone(),
                anchor: format!("nc-{}", file_stem(&n.id.value)),
                title: n.title.value.clone(),
                source: label_of(&n.source.value),
                audit: n.audit.as_ref().map(|a| audit_link(isms, &a.value, root)),
                finding: n.finding.as_ref().map(|f| f.value.clone()),
                incident: n.incident.as_ref().map(|i| i.value.clone()),
                clause: opt_str(n.clause.as_ref()),
                control: n.control.as_ref().map(|c| control_link(&c.value, root)),
                raised: n.raised.value,
                description: opt_str(n.description.as_ref()),
                correction: opt_str(n.correction.as_ref()),
                root_cause: opt_str(n.root_cause.as_ref()),
                corrective_action: opt_str(n.corrective_action.as_ref()),
                owner: ctx.person(n.owner.as_ref()),
                due,
                original_due: if n.replanned.is_empty() {
                    None
                } else {
                    opt_date(n.due.as_ref())
                },
                status,
                overdue,
                closed: opt_date(n.closed.as_ref()),
                effectiveness: n.effectiveness.as_ref().map(|e| EffectivenessView {
                    date: e.date.value,
                    by: ctx.person(e.by.as_ref()),
                    effective: e.effective.value,
                    notes: non_empty(e.notes.as_ref()),
                }),
            }
        })
        .collect();
    NcView {
        open: isms
            .nonconformities
            .iter()
            .filter(|n| n.status.value != model::RecordStatus::Closed)
            .count(),
        closed: isms
            .nonconformities
            .iter()
            .filter(|n| n.status.value == model::RecordStatus::Closed)
            .count(),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        nonconformities: rows,
    }
}

/// Unique, sorted record files.
pub(crate) fn uniq(v: Vec<String>) -> Vec<String> {
    v.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_title_heading_is_dropped() {
        assert_eq!(
            body_without_title("\n# Access Control\n\nText\n", "access control"),
            "Text\n"
        );
        assert_eq!(
            body_without_title("# Other\n\nText", "Access"),
            "# Other\n\nText"
        );
        assert_eq!(body_without_title("Text", "Access"), "Text");
        assert_eq!(body_without_title("", "Access"), "");
    }

    #[test]
    fn labels_come_from_serde_names() {
        assert_eq!(
            label_of(&model::ImplementationStatus::NotImplemented),
            "Not implemented"
        );
        assert_eq!(
            kebab(&model::ImplementationStatus::NotImplemented),
            "not-implemented"
        );
    }

    fn rev(day: i8, commit: &str) -> crate::evidence::Revision {
        crate::evidence::Revision {
            version: Some(format!("1.{day}")),
            date: Date(jiff::civil::date(2025, 1, day)),
            author: "Alice Example".into(),
            email: "alice@example.com".into(),
            commit: commit.into(),
            summary: format!("Change {day}"),
        }
    }

    fn opts() -> RenderOptions {
        RenderOptions {
            as_of: jiff::civil::date(2026, 1, 1),
            force_draft: false,
            tool: "isms test".into(),
            linked_formats: Vec::new(),
        }
    }

    #[test]
    fn revision_history_keeps_the_newest_rows_and_counts_the_rest() {
        let isms = Isms::default();
        let mut state = SourceState {
            commit: Some("f".repeat(40)),
            ..SourceState::default()
        };
        // 25 revisions, newest (day 25) first.
        let list: Vec<_> = (1..=25)
            .rev()
            .map(|d| rev(d, &format!("c{d:02}")))
            .collect();
        state.revisions.insert("policies/p.md".into(), list);
        state.uncommitted.insert("policies/p.md".into());
        let opts = opts();
        let ctx = Ctx::new(&isms, &opts, &state);
        let v = ctx.revisions(vec!["policies/p.md".into()]);
        assert_eq!(v.rows.len(), MAX_REVISIONS);
        assert_eq!((v.total, v.older), (25, 5));
        assert_eq!(v.rows[0].commit, "c25");
        // Templates get dates as `YYYY-MM-DD` text.
        assert_eq!(
            serde_json::to_value(&v.rows[0]).unwrap()["date"],
            "2025-01-25"
        );
        assert_eq!(v.rows[19].commit, "c06");
        assert!(v.has_versions);
        assert!(v.empty_note.is_none());
        assert_eq!(v.uncommitted, ["policies/p.md"]);

        // A file Git knows nothing about: a line instead of a table.
        let v = ctx.revisions(vec!["policies/new.md".into()]);
        assert!(v.rows.is_empty());
        assert_eq!((v.total, v.older), (0, 0));
        assert_eq!(
            v.empty_note.as_deref(),
            Some("No Git history: this document has not been committed yet.")
        );
    }

    #[test]
    fn revisions_of_several_files_merge_in_history_order() {
        let mut state = SourceState::default();
        // Same day, so only the history order can tell c3 (newest) from c2.
        let mut c2 = rev(2, "c2");
        c2.date = Date(jiff::civil::date(2025, 1, 3));
        state
            .revisions
            .insert("risks/a.yaml".into(), vec![rev(3, "c3"), rev(1, "c1")]);
        state
            .revisions
            .insert("risks/b.yaml".into(), vec![c2, rev(1, "c1")]);
        let files = vec!["risks/a.yaml".to_string(), "risks/b.yaml".to_string()];
        let ids = |s: &SourceState| {
            s.revisions_of(&files)
                .iter()
                .map(|r| r.commit.clone())
                .collect::<Vec<_>>()
        };
        // Without the history order: by date, the commit that changed both files once.
        assert_eq!(ids(&state), ["c3", "c2", "c1"]);
        state.commit_order = [("c2", 0), ("c3", 1), ("c1", 2)]
            .into_iter()
            .map(|(c, i)| (c.to_string(), i))
            .collect();
        assert_eq!(ids(&state), ["c2", "c3", "c1"]);
    }
}
