//! Commands that record what happened, as opposed to what was decided: a policy or a role made
//! known (`isms communicate`), a measurement (`isms measure`), awareness training and
//! competence (`isms awareness`, `isms competence`), a supplier's assessment and contract
//! (`isms assess`, `isms agreement`), an internal audit's report (`isms report`), a management
//! review's inputs and decisions (`isms present`, `isms decide`) and a placeholder's real name
//! (`isms rename`); also top management's confirmations of the context and of the objectives
//! (`isms confirm climate|context|OBJ-..`). Like the decision commands they write through the
//! editing layer (only the record's own bytes change), refuse what `isms check` would reject
//! (writing nothing), and accept `--dry-run` and `--commit`, and `--on` where a date is kept.

use anyhow::bail;
use jiff::civil::Date;

use super::check::parse_date;
use super::decide::{Common, Decision, conclude};
use super::new::{load, person, typed};
use super::{Global, Status};
use crate::edit::{ChangeSet, Step, Value};
use crate::model::Isms;

#[derive(Debug, clap::Args)]
pub struct CommunicateArgs {
    /// What was communicated: policy ids (POL-01) or ISMS role ids (isms-owner),
    /// comma-separated.
    #[arg(value_parser = list)]
    pub targets: List,
    /// How it was made known: all-hands meeting, appointment letter, intranet page.
    #[arg(long)]
    pub how: String,
    /// Policy: where the acknowledgements of the staff are recorded.
    #[arg(long)]
    pub acknowledgements: Option<String>,
    /// Policy: how interested parties can obtain it (a web address, "on request under NDA").
    #[arg(long)]
    pub available: Option<String>,
    /// Policy: it is published (then --available says where).
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct MeasureArgs {
    /// The metric (M-01) or objective (OBJ-02) measured.
    pub target: String,
    /// The value measured (`97%`, `4`, `2 of 3`).
    #[arg(long)]
    pub value: String,
    /// Metric: the result meets the target.
    #[arg(long, conflicts_with = "not_met")]
    pub met: bool,
    /// Metric: the result misses the target.
    #[arg(long)]
    pub not_met: bool,
    /// The analysis of the result (what it means, what is done about it).
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct AwarenessArgs {
    /// Who completed the training: person ids, comma-separated.
    #[arg(value_parser = list)]
    pub people: List,
    /// The course or session.
    #[arg(long)]
    pub course: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct CompetenceArgs {
    /// Whose competence: person ids, comma-separated.
    #[arg(value_parser = list)]
    pub people: List,
    /// The ISMS role the competence is for (each person must hold it); without it the record
    /// is general (an internal auditor's qualification).
    #[arg(long)]
    pub role: Option<String>,
    /// What shows the competence: certificate, course, experience, and where the proof is.
    #[arg(long)]
    pub evidence: String,
    /// When the certificate or qualification expires.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub expires: Option<Date>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    /// The suppliers assessed or reviewed: supplier ids, comma-separated.
    #[arg(value_parser = list)]
    pub suppliers: List,
    /// Who assessed (a person id).
    #[arg(long)]
    pub by: String,
    /// The result: what was checked and the conclusion.
    #[arg(long)]
    pub result: String,
    /// Where the assessment record is (questionnaire, ticket, report).
    #[arg(long)]
    pub reference: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct AgreementArgs {
    /// The supplier.
    pub supplier: String,
    /// The contract: its reference or where it is kept.
    #[arg(long)]
    pub reference: String,
    /// The contract has information security clauses (say so only after reading it).
    #[arg(long)]
    pub security_clauses: bool,
    /// A data processing agreement is in place.
    #[arg(long)]
    pub dpa: bool,
    #[command(flatten)]
    pub common: Common,
}

/// Ids given as one comma-separated argument (`p-ceo,p-cto`): one positional value, so the
/// repository folder can still follow it.
#[derive(Debug, Clone)]
pub struct List(pub Vec<String>);

impl List {
    fn join(&self, sep: &str) -> String {
        self.0.join(sep)
    }
}

impl<'a> IntoIterator for &'a List {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

fn list(s: &str) -> Result<List, String> {
    let ids: Vec<String> = s
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if ids.is_empty() {
        return Err("give at least one id (several are separated by commas)".to_string());
    }
    Ok(List(ids))
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The internal audit whose report was issued (an id in audits/).
    pub audit: String,
    /// Who received the report: person ids, comma-separated; at least one from management
    /// (top management, or the holder of the role that ensures conformity or reports
    /// performance).
    #[arg(long, value_parser = list)]
    pub to: List,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct PresentArgs {
    /// The management review (an id in reviews/).
    pub review: String,
    /// a) The status of actions from previous reviews.
    #[arg(long)]
    pub previous_actions: Option<String>,
    /// b) Changes in external and internal issues.
    #[arg(long)]
    pub context_changes: Option<String>,
    /// c) Changes in the needs and expectations of interested parties.
    #[arg(long)]
    pub interested_party_changes: Option<String>,
    /// d) Nonconformities and corrective actions.
    #[arg(long)]
    pub nonconformities: Option<String>,
    /// d) Monitoring and measurement results.
    #[arg(long)]
    pub monitoring_results: Option<String>,
    /// d) Audit results.
    #[arg(long)]
    pub audit_results: Option<String>,
    /// d) Fulfilment of the information security objectives.
    #[arg(long)]
    pub objectives: Option<String>,
    /// e) Feedback from interested parties.
    #[arg(long)]
    pub interested_party_feedback: Option<String>,
    /// f) Results of risk assessment and status of the risk treatment plan.
    #[arg(long)]
    pub risk_assessment: Option<String>,
    /// g) Opportunities for continual improvement.
    #[arg(long)]
    pub improvement_opportunities: Option<String>,
    /// Replace an input that already records something.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: Common,
}

impl PresentArgs {
    fn inputs(&self) -> [(&'static str, Option<&String>); 10] {
        [
            ("previous_actions", self.previous_actions.as_ref()),
            ("context_changes", self.context_changes.as_ref()),
            (
                "interested_party_changes",
                self.interested_party_changes.as_ref(),
            ),
            ("nonconformities", self.nonconformities.as_ref()),
            ("monitoring_results", self.monitoring_results.as_ref()),
            ("audit_results", self.audit_results.as_ref()),
            ("objectives", self.objectives.as_ref()),
            (
                "interested_party_feedback",
                self.interested_party_feedback.as_ref(),
            ),
            ("risk_assessment", self.risk_assessment.as_ref()),
            (
                "improvement_opportunities",
                self.improvement_opportunities.as_ref(),
            ),
        ]
    }
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("kind").required(true).args(["improvement", "change", "resources", "other"])))]
pub struct DecideArgs {
    /// The management review (an id in reviews/).
    pub review: String,
    /// A decision on a continual-improvement opportunity.
    #[arg(long)]
    pub improvement: Option<String>,
    /// A decision on the need for changes to the ISMS ("no change needed" is one).
    #[arg(long)]
    pub change: Option<String>,
    /// A decision on resources.
    #[arg(long)]
    pub resources: Option<String>,
    /// Any other decision.
    #[arg(long)]
    pub other: Option<String>,
    /// The action that carries the decision out (give --owner and --due with it).
    #[arg(long, requires_all = ["owner", "due"])]
    pub action: Option<String>,
    /// Who carries the action out (a person or role id).
    #[arg(long, requires = "action")]
    pub owner: Option<String>,
    /// When the action is due.
    #[arg(long, requires = "action", value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub due: Option<Date>,
    #[command(flatten)]
    pub common: Common,
}

fn review<'m>(model: &'m Isms, id: &str) -> anyhow::Result<&'m crate::model::ManagementReview> {
    model
        .reviews
        .iter()
        .find(|r| r.id.value == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = model.reviews.iter().map(|r| r.id.value.as_str()).collect();
            not_found(
                model,
                "management review",
                id,
                ids,
                "create it with `isms new review`",
            )
        })
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// The person, supplier or asset (its id stays: every reference to it keeps working).
    pub id: String,
    /// The real name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct OrganisationArgs {
    /// The trading name.
    #[arg(long)]
    pub name: Option<String>,
    /// The registered legal name.
    #[arg(long)]
    pub legal_name: Option<String>,
    /// The registered or head-office address.
    #[arg(long)]
    pub address: Option<String>,
    /// The public website.
    #[arg(long)]
    pub website: Option<String>,
    /// Replace a value that is already filled in.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: Common,
}

fn non_empty(flag: &str, v: &str, why: &str) -> anyhow::Result<()> {
    if v.trim().is_empty() {
        bail!("{flag} is empty: {why}");
    }
    Ok(())
}

fn not_found(model: &Isms, what: &str, id: &str, ids: Vec<&str>, hint: &str) -> anyhow::Error {
    let near = super::new::closest(model, ids, id, &format!(" ({hint})"));
    anyhow::anyhow!("there is no {what} `{id}`{near}")
}

fn file_of(model: &Isms, span: crate::source::Span, default: &str) -> String {
    let p = model.sources.path(span.file);
    if p.is_empty() {
        default.to_string()
    } else {
        p.to_string()
    }
}

/// Refuses a person who is not (or no longer) with the organisation on `on`.
fn current(model: &Isms, id: &str, flag: &str, on: Date) -> anyhow::Result<()> {
    person(model, id, flag)?;
    if model
        .person(id)
        .is_some_and(|p| !p.is_current(crate::model::Date(on)))
    {
        bail!("{flag} {id}: {id} has left the organisation by {on}; nothing was written");
    }
    Ok(())
}

pub fn communicate(args: CommunicateArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    non_empty(
        "--how",
        &args.how,
        "say how it was made known (meeting, letter, intranet page)",
    )?;
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let mut done = Vec::new();
    for target in &args.targets {
        let target = target.trim();
        if let Some(p) = model.policies.iter().find(|p| p.id.value == target) {
            // A policy is communicated once approved (5.2 f); SUP-09 reads the order.
            let Some(approved) = p.approval.on.as_ref().filter(|_| p.approval.by.is_some()) else {
                bail!(
                    "policy {target} is not approved yet: approve it first (`isms approve {target} --by ...`), then communicate the approved version; nothing was written"
                );
            };
            if on < approved.value.0 {
                bail!(
                    "policy {target} was approved on {}, after {on}: it cannot have been communicated before; nothing was written",
                    approved.value.0
                );
            }
            let main = model
                .information_security_policy()
                .is_some_and(|m| m.id.value == p.id.value);
            let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            if main && !given(&args.acknowledgements) && p.communicated.acknowledgements.is_none() {
                bail!(
                    "the information security policy needs --acknowledgements: where the staff's acknowledgements are recorded (5.2 f); nothing was written"
                );
            }
            let recorded_available = p
                .communicated
                .available
                .as_ref()
                .is_some_and(|a| !crate::scaffold::has_marker(&a.value));
            if main && !given(&args.available) && !recorded_available {
                bail!(
                    "the information security policy needs --available: how interested parties can obtain it, e.g. a web address or \"on request\" (5.2 g); nothing was written"
                );
            }
            let mut fields = vec![
                ("on".to_string(), Value::Date(on)),
                ("via".to_string(), Value::str(args.how.trim())),
            ];
            if let Some(a) = args
                .acknowledgements
                .as_deref()
                .filter(|s| !s.trim().is_empty())
            {
                fields.push(("acknowledgements".to_string(), Value::str(a.trim())));
            }
            if args.public {
                fields.push(("public".to_string(), Value::Bool(true)));
            }
            if let Some(a) = args.available.as_deref().filter(|s| !s.trim().is_empty()) {
                fields.push(("available".to_string(), Value::str(a.trim())));
            }
            let e = changes.open(dir, &p.source.path)?;
            // Field by field, so the other fields and their comments stay as they are; when
            // the block cannot be edited that way (`communicated: ~`, an inline mapping
            // without the field), the whole block is written with what it already held.
            let mut trial = e.clone();
            let by_field = trial.contains(&[Step::key("communicated")])?
                && fields.iter().all(|(k, v)| {
                    trial
                        .set_decided(&[Step::key("communicated")], k, v)
                        .is_ok()
                });
            if by_field {
                *e = trial;
            } else {
                let c = &p.communicated;
                let has = |fields: &[(String, Value)], k: &str| fields.iter().any(|(x, _)| x == k);
                if !has(&fields, "acknowledgements")
                    && let Some(a) = &c.acknowledgements
                {
                    fields.push(("acknowledgements".to_string(), Value::str(a)));
                }
                if !has(&fields, "public") && c.public {
                    fields.push(("public".to_string(), Value::Bool(true)));
                }
                if !has(&fields, "available")
                    && let Some(a) = &c.available
                {
                    fields.push(("available".to_string(), Value::str(&a.value)));
                }
                e.set(&[], "communicated", &Value::Map(fields))?;
            }
            typed::<crate::model::Policy>(e)?;
            done.push(format!("policy {target}"));
        } else if let Some(r) = model.role(target) {
            if r.holders.iter().all(|h| h.value.trim().is_empty()) {
                bail!(
                    "role {target} has no holders: assign it in isms.yaml before communicating it; nothing was written"
                );
            }
            let e = changes.open(dir, "isms.yaml")?;
            e.set(
                &[Step::key("roles"), Step::id(target)],
                "communicated",
                &Value::map([
                    ("on", Value::Date(on)),
                    ("how", Value::str(args.how.trim())),
                ]),
            )?;
            typed::<crate::model::Manifest>(e)?;
            done.push(format!("role {target}"));
        } else {
            let ids: Vec<&str> = model
                .policies
                .iter()
                .map(|p| p.id.value.as_str())
                .chain(model.roles.iter().map(|r| r.id.value.as_str()))
                .collect();
            return Err(not_found(
                &model,
                "policy or role",
                target,
                ids,
                "give a policy id or a role id from isms.yaml",
            ));
        }
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("{} communicated", done.join(", ")),
            by: String::new(),
        },
    )
}

pub fn measure(args: MeasureArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    non_empty("--value", &args.value, "give the value measured")?;
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let target = args.target.trim();
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let subject;
    if let Some(m) = model.metrics.iter().find(|m| m.id.value == target) {
        // 9.1 e-f: a result is evaluated, against the target when there is one.
        let has_target = m.target.as_deref().is_some_and(|t| !t.trim().is_empty());
        let met = match (args.met, args.not_met) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        if has_target && met.is_none() {
            bail!(
                "metric {target} has a target: say whether the result meets it with --met or --not-met (9.1 f); nothing was written"
            );
        }
        if !has_target && met.is_none() && note.is_none() {
            bail!(
                "metric {target} has no target: give the analysis of the result with --note (9.1 e); nothing was written"
            );
        }
        if let Some(last) = m.results.iter().map(|r| r.date.value.0).max()
            && last >= on
        {
            bail!(
                "metric {target} already has a result dated {last}: a new result is dated after it (give --on); nothing was written"
            );
        }
        let mut item = vec![
            ("date".to_string(), Value::Date(on)),
            ("value".to_string(), Value::str(args.value.trim())),
        ];
        if let Some(x) = met {
            item.push(("met".to_string(), Value::Bool(x)));
        }
        if let Some(n) = note {
            item.push(("note".to_string(), Value::str(n)));
        }
        let file = file_of(&model, m.span, "metrics.yaml");
        let e = changes.open(dir, &file)?;
        e.append(
            &[Step::key("metrics"), Step::id(target), Step::key("results")],
            &Value::Map(item),
        )?;
        typed::<crate::model::MetricRegister>(e)?;
        subject = format!("result of metric {target} recorded");
    } else if let Some(o) = model.objectives.iter().find(|o| o.id.value == target) {
        if args.met || args.not_met {
            bail!(
                "--met and --not-met are for metrics; an objective's result is evaluated when it is due (its `status:`)"
            );
        }
        let mut item = vec![
            ("date".to_string(), Value::Date(on)),
            ("value".to_string(), Value::str(args.value.trim())),
        ];
        if let Some(n) = note {
            item.push(("note".to_string(), Value::str(n)));
        }
        let file = file_of(&model, o.span, "objectives.yaml");
        let e = changes.open(dir, &file)?;
        e.append(
            &[
                Step::key("objectives"),
                Step::id(target),
                Step::key("measurements"),
            ],
            &Value::Map(item),
        )?;
        typed::<crate::model::ObjectiveRegister>(e)?;
        subject = format!("progress of objective {target} recorded");
    } else {
        let ids: Vec<&str> = model
            .metrics
            .iter()
            .map(|m| m.id.value.as_str())
            .chain(model.objectives.iter().map(|o| o.id.value.as_str()))
            .collect();
        return Err(not_found(
            &model,
            "metric or objective",
            target,
            ids,
            "give a metric id from metrics.yaml or an objective id from objectives.yaml",
        ));
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: String::new(),
        },
    )
}

pub fn awareness(args: AwarenessArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    non_empty("--course", &args.course, "name the course or session")?;
    for p in &args.people {
        current(&model, p.trim(), "awareness", on)?;
        if model.awareness.iter().any(|a| {
            a.person.value == p.trim()
                && a.course.value.trim() == args.course.trim()
                && a.completed.value.0 == on
        }) {
            bail!(
                "{p} already has a record of \"{}\" completed on {on}; nothing was written",
                args.course.trim()
            );
        }
    }
    let dir = &args.common.dir;
    let file = crate::edit::register_file(dir, "training");
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &file)?;
    for p in &args.people {
        e.append(
            &[Step::key("awareness")],
            &Value::map([
                ("person", Value::str(p.trim())),
                ("course", Value::str(args.course.trim())),
                ("completed", Value::Date(on)),
            ]),
        )?;
    }
    typed::<crate::model::TrainingRecords>(e)?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("awareness training of {} recorded", args.people.join(", ")),
            by: String::new(),
        },
    )
}

pub fn competence(args: CompetenceArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    non_empty(
        "--evidence",
        &args.evidence,
        "say what shows the competence and where the proof is kept",
    )?;
    if let Some(x) = args.expires
        && x <= on
    {
        bail!("--expires {x} is not after {on}: an expired record shows no competence");
    }
    let role = args.role.as_deref().map(str::trim);
    if let Some(r) = role
        && model.role(r).is_none()
    {
        let ids: Vec<&str> = model.roles.iter().map(|r| r.id.value.as_str()).collect();
        return Err(not_found(
            &model,
            "role",
            r,
            ids,
            "isms.yaml lists the roles",
        ));
    }
    for p in &args.people {
        let p = p.trim();
        current(&model, p, "competence", on)?;
        if let Some(r) = role
            && !model.holders(r).contains(&p)
        {
            bail!(
                "{p} does not hold role {r} (isms.yaml names its holders); record the competence for a role the person holds, or without --role; nothing was written"
            );
        }
    }
    let dir = &args.common.dir;
    let file = crate::edit::register_file(dir, "training");
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &file)?;
    for p in &args.people {
        let mut item = vec![("person".to_string(), Value::str(p.trim()))];
        if let Some(r) = role {
            item.push(("role".to_string(), Value::str(r)));
        }
        item.push(("evidence".to_string(), Value::str(args.evidence.trim())));
        item.push(("date".to_string(), Value::Date(on)));
        if let Some(x) = args.expires {
            item.push(("expires".to_string(), Value::Date(x)));
        }
        e.append(&[Step::key("competence")], &Value::Map(item))?;
    }
    typed::<crate::model::TrainingRecords>(e)?;
    let what = role.map_or_else(String::new, |r| format!(" for role {r}"));
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("competence of {}{what} recorded", args.people.join(", ")),
            by: String::new(),
        },
    )
}

fn supplier<'m>(
    model: &'m Isms,
    id: &str,
) -> anyhow::Result<&'m crate::yaml::Spanned<crate::model::Supplier>> {
    model
        .suppliers
        .iter()
        .find(|s| s.id.value == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = model
                .suppliers
                .iter()
                .map(|s| s.id.value.as_str())
                .collect();
            not_found(model, "supplier", id, ids, "suppliers.yaml lists them")
        })
}

pub fn assess(args: AssessArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    current(&model, &args.by, "--by", on)?;
    non_empty(
        "--result",
        &args.result,
        "say what was checked and the conclusion",
    )?;
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    for id in &args.suppliers {
        let id = id.trim();
        let s = supplier(&model, id)?;
        if s.reviews.iter().any(|r| {
            r.date.value.0 == on && r.by.as_ref().is_some_and(|b| b.value == args.by.trim())
        }) {
            bail!(
                "supplier {id} already has an assessment by {} on {on}; nothing was written",
                args.by.trim()
            );
        }
        if let Some(last) = s.reviews.iter().map(|r| r.date.value.0).max()
            && last > on
        {
            bail!("supplier {id} has a review dated {last}, after {on}; nothing was written");
        }
        let mut item = vec![
            ("date".to_string(), Value::Date(on)),
            ("by".to_string(), Value::str(args.by.trim())),
            ("result".to_string(), Value::str(args.result.trim())),
        ];
        if let Some(r) = args.reference.as_deref().filter(|r| !r.trim().is_empty()) {
            item.push(("reference".to_string(), Value::str(r.trim())));
        }
        let file = file_of(&model, s.span, "suppliers.yaml");
        let e = changes.open(dir, &file)?;
        e.append(
            &[Step::key("suppliers"), Step::id(id), Step::key("reviews")],
            &Value::Map(item),
        )?;
        typed::<crate::model::SupplierRegister>(e)?;
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!(
                "assessment of {} by {} recorded",
                args.suppliers.join(", "),
                args.by
            ),
            by: args.by.clone(),
        },
    )
}

pub fn agreement(args: AgreementArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    non_empty(
        "--reference",
        &args.reference,
        "give the contract's reference or where it is kept",
    )?;
    let id = args.supplier.trim();
    let s = supplier(&model, id)?;
    let dir = &args.common.dir;
    let file = file_of(&model, s.span, "suppliers.yaml");
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &file)?;
    // The whole mapping: the scaffold writes it inline with its to-do note on the same line.
    e.set_decided(
        &[Step::key("suppliers"), Step::id(id)],
        "agreement",
        &Value::map([
            ("reference", Value::str(args.reference.trim())),
            ("security_clauses", Value::Bool(args.security_clauses)),
            // A data processing agreement is often a separate document: once recorded it stays.
            ("dpa", Value::Bool(args.dpa || s.agreement.dpa)),
        ]),
    )?;
    typed::<crate::model::SupplierRegister>(e)?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("agreement with supplier {id} recorded"),
            by: String::new(),
        },
    )
}

/// `isms confirm climate` and `isms confirm OBJ-..`: the proposals of the scaffold that top
/// management takes over as its own. `None` when `target` names neither.
pub(super) fn confirm_other(
    model: &Isms,
    args: &super::decide::ConfirmArgs,
    on: Date,
    changes: &mut ChangeSet,
) -> anyhow::Result<Option<String>> {
    let target = args.target.trim();
    let by = args.by.as_str();
    let dir = &args.common.dir;
    let top = |what: &str| -> anyhow::Result<()> {
        if !model.is_top_management(by) {
            bail!(
                "{by} is not top management: {what} is decided by top management (`top_management: true` in isms.yaml); nothing was written"
            );
        }
        Ok(())
    };
    if target.eq_ignore_ascii_case("climate") || target.eq_ignore_ascii_case("climate-change") {
        let Some(cc) = model
            .context
            .as_ref()
            .and_then(|c| c.climate_change.as_ref())
        else {
            bail!(
                "context.yaml records no climate-change determination (`climate_change:`) to confirm"
            );
        };
        top("whether climate change is a relevant issue (4.1)")?;
        if cc
            .rationale
            .as_ref()
            .is_none_or(|r| r.value.trim().is_empty())
        {
            bail!(
                "the climate-change determination in context.yaml has no rationale: write why it is (or is not) relevant, then confirm it; nothing was written"
            );
        }
        if args.due.is_some() {
            bail!("--due is for objectives");
        }
        let file = file_of(model, cc.span, "context.yaml");
        let e = changes.open(dir, &file)?;
        e.set_decided(
            &[Step::key("climate_change")],
            "determined",
            &Value::map([("by", Value::str(by)), ("on", Value::Date(on))]),
        )?;
        typed::<crate::model::Context>(e)?;
        return Ok(Some(format!(
            "climate-change determination confirmed by {by}"
        )));
    }
    if target.eq_ignore_ascii_case("assets") {
        if args.due.is_some() {
            bail!("--due is for objectives");
        }
        return confirm_assets(model, by, on, dir, changes).map(Some);
    }
    if target.eq_ignore_ascii_case("context") {
        let Some(c) = model.context.as_ref() else {
            bail!("there is no context.yaml whose review could be confirmed");
        };
        top("the review of the context analysis (4.1, 4.2)")?;
        if args.due.is_some() {
            bail!("--due is for objectives");
        }
        if c.climate_change.is_some()
            && !c
                .climate_change
                .as_ref()
                .is_some_and(|cc| cc.determined.is_complete())
        {
            bail!(
                "the climate-change determination in context.yaml is not confirmed yet: a review of the context decides it too (`isms confirm climate --by {by}`); nothing was written"
            );
        }
        let e = changes.open(dir, "context.yaml")?;
        e.set_decided(
            &[],
            "reviewed",
            &Value::map([("by", Value::str(by)), ("on", Value::Date(on))]),
        )?;
        typed::<crate::model::Context>(e)?;
        return Ok(Some(format!(
            "review of the context analysis confirmed by {by}"
        )));
    }
    let Some(o) = model.objectives.iter().find(|o| o.id.value == target) else {
        return Ok(None);
    };
    top("an information security objective (5.1 b, 6.2)")?;
    let due = match (args.due, &o.due) {
        (Some(d), _) => d,
        (None, Some(d)) => d.value.0,
        (None, None) => bail!(
            "objective {target} has no due date: give --due, the date by which it is to be achieved (6.2 i); nothing was written"
        ),
    };
    if due < on {
        bail!("--due {due} is before {on}; nothing was written");
    }
    if let Some(set) = &o.set
        && args.due.is_none()
    {
        bail!(
            "objective {target} was already agreed on {}; give --due to re-plan it",
            set.value.0
        );
    }
    let file = file_of(model, o.span, "objectives.yaml");
    let e = changes.open(dir, &file)?;
    let path = [Step::key("objectives"), Step::id(target)];
    if o.set.is_none() {
        e.set_decided(&path, "set", &Value::Date(on))?;
    }
    if args.due.is_some() {
        e.set_decided(&path, "due", &Value::Date(due))?;
    }
    typed::<crate::model::ObjectiveRegister>(e)?;
    Ok(Some(format!(
        "objective {target} agreed by {by}, due {due}"
    )))
}

/// `isms report AUD-..`: the audit's report was issued to management (9.2.2 c), which
/// completes the audit record.
pub fn report(args: ReportArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    let id = args.audit.trim();
    let Some(a) = model.audits.iter().find(|a| a.id.value == id) else {
        let ids: Vec<&str> = model.audits.iter().map(|a| a.id.value.as_str()).collect();
        return Err(not_found(
            &model,
            "audit record",
            id,
            ids,
            "create it with `isms new audit`",
        ));
    };
    if a.status.value == crate::model::AuditStatus::Completed && a.report.date.is_some() {
        bail!("audit {id} is already completed and reported; nothing was written");
    }
    let blank = |v: &Option<crate::yaml::Spanned<String>>| {
        v.as_ref()
            .is_none_or(|s| s.value.trim().is_empty() || crate::scaffold::has_marker(&s.value))
    };
    if blank(&a.scope) || blank(&a.criteria) {
        bail!(
            "audit {id} does not state its scope and criteria (9.2.2 a): the report of an audit without them cannot be judged; nothing was written"
        );
    }
    if a.auditor.is_none() && a.external_auditor.is_none() {
        bail!("audit {id} names no auditor (`auditor:`); nothing was written");
    }
    if let Some(d) = &a.date
        && d.value.0 > on
    {
        bail!(
            "audit {id} starts on {}, after {on}: its report cannot be issued before it; nothing was written",
            d.value.0
        );
    }
    for p in &args.to {
        current(&model, p, "--to", on)?;
    }
    let management = |p: &str| {
        model.is_top_management(p)
            || model.roles.iter().any(|r| {
                (r.ensures_conformity || r.reports_performance)
                    && r.holders.iter().any(|h| h.value == p)
            })
    };
    if !args.to.0.iter().any(|p| management(p)) {
        bail!(
            "none of {} is management: the results go to top management or to whoever ensures the ISMS conforms or reports its performance (9.2.2 c); nothing was written",
            args.to.join(", ")
        );
    }
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &a.source.path)?;
    e.set_decided(&[], "status", &Value::str("completed"))?;
    let recipients = Value::strs(args.to.0.clone());
    if e.contains(&[Step::key("report")])? {
        e.set_decided(&[Step::key("report")], "date", &Value::Date(on))?;
        e.set(&[Step::key("report")], "recipients", &recipients)?;
    } else {
        e.set(
            &[],
            "report",
            &Value::map([("date", Value::Date(on)), ("recipients", recipients)]),
        )?;
    }
    typed::<crate::model::Audit>(e)?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("report of audit {id} issued to {}", args.to.join(", ")),
            by: String::new(),
        },
    )
}

/// `isms present MR-..`: what was presented at a management review for the inputs of 9.3.2.
pub fn present(args: PresentArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let id = args.review.trim();
    let r = review(&model, id)?;
    let given: Vec<(&str, &String)> = args
        .inputs()
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
    if given.is_empty() {
        bail!(
            "say what was presented for at least one input, e.g. --previous-actions or --audit-results (see `isms present --help`)"
        );
    }
    for (k, v) in &given {
        non_empty(
            &format!("--{}", k.replace('_', "-")),
            v,
            "write what was presented, or \"none\" with the reason",
        )?;
    }
    if !args.force {
        let recorded: Vec<&str> = r
            .inputs
            .all()
            .into_iter()
            .filter(|(_, k, v)| {
                given.iter().any(|(g, _)| g == k) && v.is_some_and(|v| !v.value.trim().is_empty())
            })
            .map(|(_, k, _)| k)
            .collect();
        if !recorded.is_empty() {
            bail!(
                "management review {id} already records {}: give --force to replace what is written; nothing was written",
                recorded.join(", ")
            );
        }
    }
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &r.source.path)?;
    if e.contains(&[Step::key("inputs")])? {
        for (k, v) in &given {
            e.set_decided(&[Step::key("inputs")], k, &Value::str(v.trim()))?;
        }
    } else {
        e.set(
            &[],
            "inputs",
            &Value::Map(
                given
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::str(v.trim())))
                    .collect(),
            ),
        )?;
    }
    typed::<crate::model::ManagementReview>(e)?;
    let names: Vec<&str> = given.iter().map(|(k, _)| *k).collect();
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!(
                "inputs of management review {id} recorded: {}",
                names.join(", ")
            ),
            by: String::new(),
        },
    )
}

/// `isms decide MR-..`: a decision of a management review (9.3.3), and the action that
/// carries it out.
pub fn decide(args: DecideArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let id = args.review.trim();
    let r = review(&model, id)?;
    let (kind, text) = [
        ("improvement", &args.improvement),
        ("change", &args.change),
        ("resources", &args.resources),
        ("other", &args.other),
    ]
    .into_iter()
    .find_map(|(k, v)| Some((k, v.as_ref()?)))
    .ok_or_else(|| {
        anyhow::anyhow!("give the decision: --improvement, --change, --resources or --other")
    })?;
    non_empty(&format!("--{kind}"), text, "write the decision")?;
    if let Some(o) = &args.owner {
        super::new::person_or_role(&model, o, "--owner")?;
    }
    let held = r.date.value.0;
    if let Some(due) = args.due
        && due < held
    {
        bail!("--due {due} is before the review was held ({held}); nothing was written");
    }
    let decision_ids: Vec<&str> = r
        .decisions
        .iter()
        .filter_map(|d| d.id.as_ref().map(|i| i.value.as_str()))
        .collect();
    let decision_id = super::new::next_id(decision_ids, &format!("{id}-D1"));
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &r.source.path)?;
    e.append(
        &[Step::key("decisions")],
        &Value::map([
            ("id", Value::str(&decision_id)),
            ("decision", Value::str(text.trim())),
            ("type", Value::str(kind)),
        ]),
    )?;
    let mut action_id = None;
    if let (Some(a), Some(owner), Some(due)) = (&args.action, &args.owner, args.due) {
        non_empty("--action", a, "say what is to be done")?;
        let ids: Vec<&str> = r
            .actions
            .iter()
            .filter_map(|x| x.id.as_ref().map(|i| i.value.as_str()))
            .collect();
        let aid = super::new::next_id(ids, &format!("{id}-A1"));
        e.append(
            &[Step::key("actions")],
            &Value::map([
                ("id", Value::str(&aid)),
                ("action", Value::str(a.trim())),
                ("owner", Value::str(owner.trim())),
                ("due", Value::Date(due)),
                ("status", Value::str("planned")),
            ]),
        )?;
        action_id = Some(aid);
    }
    typed::<crate::model::ManagementReview>(e)?;
    let subject = match &action_id {
        Some(a) => {
            format!("decision {decision_id} and action {a} of management review {id} recorded")
        }
        None => format!("decision {decision_id} of management review {id} recorded"),
    };
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: String::new(),
        },
    )
}

/// `isms rename ID --name ...`: the real name of a person, supplier or asset, in place of the
/// scaffold's placeholder; the id, and so every reference, stays.
pub fn rename(args: RenameArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let id = args.id.trim();
    let name = args.name.trim();
    non_empty("--name", name, "give the real name")?;
    if crate::scaffold::has_marker(name) {
        bail!("--name {name:?} is still a placeholder; give the real name");
    }
    let (file, path, what) = if model.person(id).is_some() {
        (
            "isms.yaml".to_string(),
            vec![Step::key("people"), Step::id(id)],
            format!("person {id}"),
        )
    } else if let Some(s) = model.suppliers.iter().find(|s| s.id.value == id) {
        (
            file_of(&model, s.span, "suppliers.yaml"),
            vec![Step::key("suppliers"), Step::id(id)],
            format!("supplier {id}"),
        )
    } else if let Some(a) = model.asset(id) {
        (
            file_of(&model, a.span, "assets.yaml"),
            vec![Step::key("assets"), Step::id(id)],
            format!("asset {id}"),
        )
    } else {
        let ids: Vec<&str> = model
            .people
            .iter()
            .map(|p| p.id.value.as_str())
            .chain(model.suppliers.iter().map(|s| s.id.value.as_str()))
            .chain(model.assets.iter().map(|a| a.id.value.as_str()))
            .collect();
        return Err(not_found(
            &model,
            "person, supplier or asset",
            id,
            ids,
            "give an id from isms.yaml, suppliers.yaml or assets.yaml",
        ));
    };
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &file)?;
    e.set_decided(&path, "name", &Value::str(name))?;
    match path.first() {
        Some(Step::Key(k)) if k == "people" => typed::<crate::model::Manifest>(e)?,
        Some(Step::Key(k)) if k == "suppliers" => typed::<crate::model::SupplierRegister>(e)?,
        _ => typed::<crate::model::AssetRegister>(e)?,
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("{what} renamed to {name}"),
            by: String::new(),
        },
    )
}

/// Says (on standard error) when a document being approved still holds the scaffold's to-do
/// notes: SUP-12 reports them as errors once it is approved, since the approval then covers
/// unfinished text.
pub(super) fn note_unfinished(edit: &crate::edit::FileEdit, id: &str, g: &Global) {
    let file = edit.rel();
    // In the text as it will be: the note on the approval line goes with the approval.
    let lines: Vec<String> = crate::loader::markers_in(file, edit.text())
        .iter()
        .map(|m| m.line.to_string())
        .collect();
    if lines.is_empty() {
        return;
    }
    g.note(format_args!(
        "{id} still holds {} to-do note{} of the scaffold ({file}, line{} {}): the approval covers unfinished text, and `isms check` reports it (SUP-12) until the text is finished",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        if lines.len() == 1 { "" } else { "s" },
        lines.join(", ")
    ));
}

/// `isms organisation --legal-name ...`: the organisation's details in isms.yaml, in place of
/// the scaffold's placeholders; a value already filled in is replaced only with `--force`.
pub fn organisation(args: OrganisationArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let Some(org) = model.manifest.as_ref().map(|m| &m.organisation) else {
        bail!("isms.yaml has no organisation to describe");
    };
    let given: Vec<(&str, &str, Option<&str>)> = [
        ("name", args.name.as_deref(), Some(org.name.value.as_str())),
        (
            "legal_name",
            args.legal_name.as_deref(),
            org.legal_name.as_deref(),
        ),
        ("address", args.address.as_deref(), org.address.as_deref()),
        ("website", args.website.as_deref(), org.website.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v, old)| Some((k, v?.trim(), old)))
    .collect();
    if given.is_empty() {
        bail!("give at least one of --name, --legal-name, --address, --website");
    }
    for (k, v, old) in &given {
        let flag = format!("--{}", k.replace('_', "-"));
        non_empty(&flag, v, "give the value")?;
        if crate::scaffold::has_marker(v) {
            bail!("{flag} {v:?} is still a placeholder; give the real value");
        }
        let filled = old.is_some_and(|o| !o.trim().is_empty() && !crate::scaffold::has_marker(o));
        if filled && !args.force {
            bail!(
                "the organisation's {} is already {:?}: give --force to replace it; nothing was written",
                k.replace('_', " "),
                old.unwrap_or_default()
            );
        }
    }
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, "isms.yaml")?;
    for (k, v, _) in &given {
        e.set_decided(&[Step::key("organisation")], k, &Value::str(*v))?;
    }
    typed::<crate::model::Manifest>(e)?;
    let names: Vec<String> = given.iter().map(|(k, _, _)| k.replace('_', " ")).collect();
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("organisation's {} recorded", names.join(", ")),
            by: String::new(),
        },
    )
}

#[derive(Debug, clap::Args)]
pub struct AssetArgs {
    /// The asset's id (`A-03`).
    pub id: String,
    /// The person accountable for the asset (A.5.9), an id from isms.yaml.
    #[arg(long)]
    pub owner: Option<String>,
    /// Where the asset is: a site, a cloud account and region, a system.
    #[arg(long)]
    pub location: Option<String>,
    /// The supplier that provides or holds it, an id from suppliers.yaml.
    #[arg(long)]
    pub supplier: Option<String>,
    /// Its classification (A.5.12): public, internal, confidential or restricted.
    #[arg(long, value_parser = ["public", "internal", "confidential", "restricted"])]
    pub classification: Option<String>,
    /// What it is and what it holds.
    #[arg(long)]
    pub description: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// `isms asset ID`: corrects an entry of the asset inventory (A.5.9) as it is found to be, the
/// work of keeping the inventory true to reality.
pub fn asset(args: AssetArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let id = args.id.trim();
    let Some(a) = model.asset(id) else {
        let ids: Vec<&str> = model.assets.iter().map(|a| a.id.value.as_str()).collect();
        return Err(not_found(
            &model,
            "asset",
            id,
            ids,
            "give an id from assets.yaml",
        ));
    };
    let mut fields: Vec<(&str, Value)> = Vec::new();
    if let Some(o) = &args.owner {
        let o = o.trim();
        if model.person(o).is_none() {
            let ids: Vec<&str> = model.people.iter().map(|p| p.id.value.as_str()).collect();
            return Err(not_found(
                &model,
                "person",
                o,
                ids,
                "add them with `isms new person`",
            ));
        }
        fields.push(("owner", Value::str(o)));
    }
    if let Some(s) = &args.supplier {
        let s = s.trim();
        if !model.suppliers.iter().any(|x| x.id.value == s) {
            let ids: Vec<&str> = model
                .suppliers
                .iter()
                .map(|x| x.id.value.as_str())
                .collect();
            return Err(not_found(
                &model,
                "supplier",
                s,
                ids,
                "add it with `isms new supplier`",
            ));
        }
        fields.push(("supplier", Value::str(s)));
    }
    for (flag, field, v) in [
        ("--location", "location", &args.location),
        ("--description", "description", &args.description),
        ("--classification", "classification", &args.classification),
    ] {
        if let Some(v) = v {
            non_empty(flag, v, "give the value")?;
            if crate::scaffold::has_marker(v) {
                bail!("{flag} {v:?} is still a placeholder; give the real value");
            }
            fields.push((field, Value::str(v.trim())));
        }
    }
    if fields.is_empty() {
        bail!(
            "give what to record: --owner, --location, --supplier, --classification or --description"
        );
    }
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let e = changes.open(dir, &file_of(&model, a.span, "assets.yaml"))?;
    let path = [Step::key("assets"), Step::id(id)];
    for (field, v) in &fields {
        e.set_decided(&path, field, v)?;
    }
    typed::<crate::model::AssetRegister>(e)?;
    let names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("asset {id}: {} recorded", names.join(", ")),
            by: String::new(),
        },
    )
}

/// `isms confirm assets --by PERSON`: the inventory was checked against reality. Refused while
/// an entry still holds a placeholder, since then the check cannot have been finished.
fn confirm_assets(
    model: &Isms,
    by: &str,
    on: Date,
    dir: &std::path::Path,
    changes: &mut ChangeSet,
) -> anyhow::Result<String> {
    if model.person(by).is_none() {
        let ids: Vec<&str> = model.people.iter().map(|p| p.id.value.as_str()).collect();
        return Err(not_found(
            model,
            "person",
            by,
            ids,
            "give an id from isms.yaml",
        ));
    }
    let open: Vec<String> = model
        .assets
        .iter()
        .filter(|a| {
            [
                Some(&a.name.value),
                a.location.as_ref(),
                a.description.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|v| crate::scaffold::has_marker(v))
        })
        .map(|a| a.id.value.clone())
        .collect();
    if !open.is_empty() {
        bail!(
            "asset(s) {} still hold a placeholder: record what they are first (`isms asset ID --location ...`, `isms rename ID --name ...`); nothing was written",
            open.join(", ")
        );
    }
    let mut files: Vec<String> = model
        .assets
        .iter()
        .map(|a| file_of(model, a.span, "assets.yaml"))
        .collect();
    files.sort();
    files.dedup();
    if files.is_empty() {
        bail!("the asset inventory is empty: add the assets first (`isms new asset`)");
    }
    for file in &files {
        let e = changes.open(dir, file)?;
        e.set_decided(
            &[],
            "reviewed",
            &Value::map([("by", Value::str(by)), ("on", Value::Date(on))]),
        )?;
        typed::<crate::model::AssetRegister>(e)?;
    }
    Ok(format!("asset inventory checked by {by}"))
}
