//! The decision commands: `isms approve`, `accept`, `close` and `done`. Each records one
//! decision a person took, where the format keeps it, through the editing layer (only the
//! decision's own bytes change), after checking that the person may take it by the same
//! judgement `isms check` applies. `--commit` records it in Git with an `Approved-by:` trailer.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::civil::Date;

use super::check::parse_date;
use super::new::{finish, load, person};
use super::{Global, Status};
use crate::edit::{ChangeSet, Step, Value};
use crate::model::Isms;

/// Options every decision command shares.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The date of the decision (default today).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub on: Option<Date>,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Commit exactly the changed files to Git, with an `Approved-by:` trailer naming the
    /// person who decided.
    #[arg(long, conflicts_with = "dry_run")]
    pub commit: bool,
}

#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// What is approved: a document id (POL-01, PRC-03, AUD-2026-01, ...), `soa`, `scope`,
    /// `methodology` (the risk methodology in isms.yaml), a risk id (its treatment plan),
    /// `risks` (every treatment plan of the risks `--by` owns still waiting for approval) or a
    /// change id.
    pub target: String,
    /// Who approves (a person id from isms.yaml).
    #[arg(long)]
    pub by: String,
    /// Where the approval is recorded (minutes, ticket, pull request).
    #[arg(long)]
    pub record: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The risk whose residual risk is accepted, or `risks`: every residual risk `--by` owns
    /// that is within the acceptance criteria and not yet accepted (a risk above the criteria
    /// is accepted on its own, with its own rationale).
    pub risk: String,
    /// Who accepts (the risk owner, or the authority the methodology names for the level).
    #[arg(long)]
    pub by: String,
    /// Why the residual risk is acceptable.
    #[arg(long)]
    pub rationale: String,
    /// The acceptance lapses on this day unless renewed. When the methodology sets
    /// `acceptance_max_months`, it may be no later than that, and is that day by default.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub until: Option<Date>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// The nonconformity to close.
    pub nonconformity: String,
    /// Why it happened (10.2 b).
    #[arg(long)]
    pub root_cause: String,
    /// What the effectiveness review of the corrective action found (10.2 d).
    #[arg(long)]
    pub effectiveness: String,
    /// The corrective action taken, when the record does not state it yet.
    #[arg(long)]
    pub corrective_action: Option<String>,
    /// Who reviewed the effectiveness (a person id).
    #[arg(long)]
    pub by: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct DoneArgs {
    /// The action: its id (RTP-001-1, MR-2026-01-A1), a nonconformity id (its corrective
    /// action), or a risk id with the action's number (`R-001#2`) for actions without an id.
    pub action: String,
    #[command(flatten)]
    pub common: Common,
}

impl Common {
    /// `--on`, else the repository's frozen `as_of`, else today (or `ISMS_TODAY`).
    fn date(&self, model: &crate::model::Isms) -> anyhow::Result<Date> {
        super::record_date(self.on, model)
    }
}

#[derive(Debug, clap::Args)]
pub struct ConfirmArgs {
    /// What is confirmed: a risk id (its proposed ratings, marked `to_confirm: true`, and its
    /// assessment date); `risks` (every risk `--by` owns that has a proposed rating or no
    /// assessment date); `assessment` (the risk assessment as a whole: the register's
    /// `assessed:` date); an SoA control id (its proposed exclusion, `proposed: true`); an
    /// obligation id, or `obligations` (every obligation `--by` keeps), reviewed and still
    /// current; an external document id (the edition in use, with `--edition`); `climate`
    /// (the climate-change determination in context.yaml); `context` (the review of the
    /// context analysis); `assets` (the asset inventory checked against reality); an
    /// objective id (the proposed objective is agreed: its `set:` date, and `due:` from --due).
    pub target: String,
    /// Who confirms: the risk owner for a risk; for an exclusion, someone who may approve
    /// the SoA; the owner of an obligation or an external document; top management for the
    /// climate-change determination, the context review and an objective.
    #[arg(long)]
    pub by: String,
    /// Risk: the owner's own inherent rating instead of the proposal, as
    /// LIKELIHOODxIMPACT on the methodology's scales (`3x4`).
    #[arg(long, value_name = "LxI", value_parser = parse_rating)]
    pub inherent: Option<(u8, u8)>,
    /// Risk: the owner's own residual rating (the risk once the plan is done), as
    /// LIKELIHOODxIMPACT (`1x4`).
    #[arg(long, value_name = "LxI", value_parser = parse_rating)]
    pub residual: Option<(u8, u8)>,
    /// External document: the version or date of the edition in use.
    #[arg(long)]
    pub edition: Option<String>,
    /// External document: where the copy in use is kept (a link or a folder).
    #[arg(long)]
    pub location: Option<String>,
    /// Objective: the date it is to be achieved by (6.2 i), when the record has none yet.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub due: Option<Date>,
    #[command(flatten)]
    pub common: Common,
}

/// `3x4` (or `3,4`): a likelihood and an impact.
fn parse_rating(s: &str) -> Result<(u8, u8), String> {
    let t = s.trim();
    let (l, i) = t
        .split_once(['x', 'X', ','])
        .ok_or_else(|| format!("`{s}` is not a rating: write LIKELIHOODxIMPACT, such as 3x4"))?;
    let n = |v: &str| {
        v.trim().parse::<u8>().map_err(|_| {
            format!(
                "`{s}` is not a rating: write LIKELIHOODxIMPACT with whole numbers, such as 3x4"
            )
        })
    };
    Ok((n(l)?, n(i)?))
}

/// A planned decision: the change set and who decided, for the commit message.
pub(crate) struct Decision {
    pub(crate) changes: ChangeSet,
    pub(crate) subject: String,
    pub(crate) by: String,
}

pub(crate) fn conclude(common: &Common, model: &Isms, d: Decision) -> anyhow::Result<Status> {
    finish(&common.dir, &d.changes, common.dry_run)?;
    if common.dry_run {
        return Ok(Status::Success);
    }
    let files: Vec<String> = d.changes.changed().map(|f| f.rel().to_string()).collect();
    for f in &files {
        println!("{}: {}", f, d.subject);
    }
    if common.commit {
        let id = commit(&common.dir, model, &d, &files)?;
        println!("committed {id}");
    }
    Ok(Status::Success)
}

pub fn approve(args: ApproveArgs, g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    person(&model, &args.by, "--by")?;
    let dir = &args.common.dir;
    let mut changes = ChangeSet::new();
    let mut approval = vec![
        ("by".to_string(), Value::str(&args.by)),
        ("on".to_string(), Value::Date(on)),
    ];
    if let Some(r) = &args.record {
        approval.push(("record".to_string(), Value::str(r)));
    }
    let approval = Value::Map(approval);
    let target = args.target.as_str();
    let top = |doc: &str| crate::checks::may_approve(&model, &args.by, doc, true, on);
    let subject;
    if target.eq_ignore_ascii_case("methodology") {
        if model.methodology().is_none() {
            bail!("isms.yaml has no risk_methodology to approve");
        }
        if !model.is_top_management(&args.by) {
            bail!(
                "{} is not top management: the risk methodology and its acceptance criteria are approved by top management (6.1.2 a); nothing was written",
                args.by
            );
        }
        let e = changes.open(dir, "isms.yaml")?;
        e.set(&[Step::key("risk_methodology")], "approval", &approval)?;
        subject = format!("risk methodology approved by {}", args.by);
    } else if let Some(r) = model.risk(target) {
        let owner = r.owner.as_ref().map(|o| o.value.as_str());
        if let Some(o) = owner
            && !model.acts_as(&args.by, o)
        {
            bail!(
                "{} is not the owner of risk {target} ({o}): the risk owner approves the treatment plan (6.1.3 f); nothing was written",
                args.by
            );
        }
        let file = model.sources.path(r.span.file).to_string();
        let e = changes.open(dir, &file)?;
        e.set(
            &[Step::key("risks"), Step::id(target)],
            "plan_approval",
            &approval,
        )?;
        subject = format!("treatment plan of {target} approved by {}", args.by);
    } else if target == "risks" {
        // Every treatment plan of the person's risks still waiting for their approval.
        let mut done = Vec::new();
        for r in model.risks.iter().filter(|r| owned_by(&model, r, &args.by)) {
            if r.plan.is_empty() || r.plan_approval.is_complete() {
                continue;
            }
            let file = model.sources.path(r.span.file).to_string();
            changes.open(dir, &file)?.set(
                &[Step::key("risks"), Step::id(&r.id.value)],
                "plan_approval",
                &approval,
            )?;
            done.push(r.id.value.clone());
        }
        if done.is_empty() {
            bail!(
                "no risk owned by {} has a treatment plan waiting for approval; nothing was written",
                args.by
            );
        }
        subject = format!(
            "treatment plans of {} risk(s) approved by {}: {}",
            done.len(),
            args.by,
            done.join(", ")
        );
    } else if let Some(c) = model.changes.iter().find(|c| c.id.value == target) {
        let file = model.sources.path(c.span.file).to_string();
        let e = changes.open(dir, &file)?;
        e.set(
            &[Step::key("changes"), Step::id(target)],
            "approval",
            &approval,
        )?;
        subject = format!("change {target} approved by {}", args.by);
    } else {
        let (file, doc_id, is_soa, version) = if target.eq_ignore_ascii_case("soa") {
            let soa = model
                .soa
                .as_ref()
                .context("there is no soa.yaml to approve")?;
            (
                "soa.yaml".to_string(),
                soa.document.id.value.clone(),
                true,
                soa.document.version.as_ref().map(|v| v.value.clone()),
            )
        } else {
            let doc = if target.eq_ignore_ascii_case("scope") {
                model
                    .scope
                    .as_ref()
                    .map(|s| s as &dyn crate::model::Document)
            } else {
                model
                    .documents()
                    .into_iter()
                    .find(|d| d.id().value == target)
            };
            let Some(doc) = doc else {
                let ids: Vec<String> = model
                    .documents()
                    .iter()
                    .map(|d| d.id().value.clone())
                    .chain(model.risks.iter().map(|r| r.id.value.clone()))
                    .collect();
                let mut s = crate::diagnostic::Suggester::new(ids.iter().map(String::as_str));
                let near = s
                    .suggest(target)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_else(|| {
                        "; give a document id, `soa`, `scope`, `methodology`, a risk id or a change id"
                            .to_string()
                    });
                bail!("nothing with the id `{target}` can be approved{near}");
            };
            (
                doc.doc_source().path.clone(),
                doc.id().value.clone(),
                false,
                doc.version().map(|v| v.value.clone()),
            )
        };
        let main_policy = model
            .information_security_policy()
            .is_some_and(|p| p.id.value == doc_id);
        let is_scope = model.scope.as_ref().is_some_and(|s| s.id.value == doc_id);
        let needs_top = is_soa || main_policy || is_scope;
        if !crate::checks::may_approve(&model, &args.by, &doc_id, needs_top, on)
            || (needs_top && !top(&doc_id))
        {
            bail!(
                "{} may not approve {doc_id}: {}; nothing was written",
                args.by,
                if needs_top {
                    "it needs a member of top management, or a role that lists it under `approves:` in isms.yaml"
                } else {
                    "a role in isms.yaml lists it under `approves:` and this person holds none of them"
                }
            );
        }
        let path: Vec<Step> = if is_soa {
            vec![Step::key("document")]
        } else {
            Vec::new()
        };
        let e = changes.open(dir, &file)?;
        if let Some(v) = version {
            e.set(&path, "version", &Value::str(bump(&v)))?;
        }
        if !is_soa && e.contains(&[Step::key("version_date")])? {
            e.set(&path, "version_date", &Value::Date(on))?;
        }
        e.set(&path, "approval", &approval)?;
        super::record::note_unfinished(e, &doc_id, g);
        subject = format!("{doc_id} approved by {}", args.by);
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: args.by,
        },
    )
}

pub fn confirm(args: ConfirmArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    person(&model, &args.by, "--by")?;
    let dir = &args.common.dir;
    let target = args.target.as_str();
    let by = args.by.as_str();
    let rated = args.inherent.is_some() || args.residual.is_some();
    let documented = args.edition.is_some() || args.location.is_some();
    let mut changes = ChangeSet::new();
    let subject;
    let is_risk = model.risk(target).is_some();
    if rated && !is_risk {
        bail!("--inherent and --residual rate one risk: give its id (such as R-001)");
    }
    let external = model
        .manifest
        .as_ref()
        .and_then(|m| m.external_documents.iter().find(|d| d.id.value == target));
    if documented && external.is_none() {
        bail!(
            "--edition and --location describe an external document: give its id (such as EXT-03)"
        );
    }
    if let Some(r) = model.risk(target) {
        if !confirm_risk(
            &model,
            r,
            by,
            on,
            (args.inherent, args.residual),
            &mut changes,
            dir,
        )? {
            bail!(
                "risk {target} has no proposed rating to confirm and was already assessed on {on}; give --inherent or --residual to re-rate it"
            );
        }
        subject = format!("ratings of {target} confirmed by {by}");
    } else if target == "risks" {
        // The owner's risks that need it: proposals, no assessment date, or one older than
        // the assessment interval.
        let interval = model.cadences().risk_assessment_months;
        let mut done = Vec::new();
        for r in model.risks.iter().filter(|r| owned_by(&model, r, by)) {
            let proposed = [&r.inherent, &r.residual]
                .iter()
                .any(|x| x.as_ref().is_some_and(|x| x.to_confirm));
            let due = r
                .last_assessed
                .as_ref()
                .is_none_or(|d| d.value.add_months(interval) < crate::model::Date(on));
            if (proposed || due)
                && confirm_risk(&model, r, by, on, (None, None), &mut changes, dir)?
            {
                done.push(r.id.value.clone());
            }
        }
        if done.is_empty() {
            bail!(
                "no risk owned by {by} has a proposed rating (`to_confirm: true`) or lacks an assessment date; nothing was written"
            );
        }
        subject = format!(
            "ratings of {} risk(s) of {by} confirmed: {}",
            done.len(),
            done.join(", ")
        );
    } else if target == "assessment" {
        let proposed: Vec<&str> = model
            .risks
            .iter()
            .filter(|r| {
                [&r.inherent, &r.residual]
                    .iter()
                    .any(|x| x.as_ref().is_some_and(|x| x.to_confirm))
            })
            .map(|r| r.id.value.as_str())
            .collect();
        if !proposed.is_empty() {
            bail!(
                "the risk assessment is not complete: the ratings of {} are still proposals; have their owners confirm them (`isms confirm risks --by OWNER`) first; nothing was written",
                list_some(&proposed)
            );
        }
        let unrated: Vec<&str> = model
            .risks
            .iter()
            .filter(|r| r.inherent.is_none())
            .map(|r| r.id.value.as_str())
            .collect();
        if !unrated.is_empty() {
            bail!(
                "the risk assessment is not complete: {} not rated yet; have the owners rate them (`isms confirm RISK --by OWNER --inherent LxI`) first; nothing was written",
                list_some(&unrated)
            );
        }
        if model.risk_files.is_empty() {
            bail!("there is no risk register (risks.yaml) to date");
        }
        for file in &model.risk_files {
            changes
                .open(dir, file)?
                .set_decided(&[], "assessed", &Value::Date(on))?;
        }
        subject = format!("risk assessment of {on} confirmed by {by}");
    } else if let Some(entry) = model.soa_entry(target) {
        let soa = model.soa.as_ref().context("there is no soa.yaml")?;
        if !entry.proposed.as_ref().is_some_and(|p| p.value) {
            bail!("control {target} has no proposed decision to confirm (no `proposed: true`)");
        }
        if !crate::checks::may_approve(&model, by, &soa.document.id.value, true, on) {
            bail!(
                "{by} may not decide the SoA: it needs a member of top management, or a role that lists {} under `approves:`; nothing was written",
                soa.document.id.value
            );
        }
        let e = changes.open(dir, "soa.yaml")?;
        e.set_decided(
            &[Step::key("controls"), Step::id(&entry.id.value)],
            "proposed",
            &Value::Bool(false),
        )?;
        subject = format!("SoA decision on {target} confirmed by {by}");
    } else if let Some(o) = obligations(&model).find(|o| o.id.value == target) {
        if let Some(owner) = o.owner.as_ref().map(|x| x.value.as_str())
            && !model.acts_as(by, owner)
        {
            bail!(
                "{by} does not keep obligation {target} ({owner} does): its owner reviews it (A.5.31); nothing was written"
            );
        }
        let file = model.sources.path(o.span.file).to_string();
        changes.open(dir, &file)?.set_decided(
            &[Step::key("obligations"), Step::id(target)],
            "last_reviewed",
            &Value::Date(on),
        )?;
        subject = format!("obligation {target} reviewed by {by}");
    } else if target == "obligations" {
        let interval = model.cadences().obligations_review_months;
        let mut done = Vec::new();
        for o in obligations(&model) {
            let mine = o
                .owner
                .as_ref()
                .is_some_and(|x| model.acts_as(by, &x.value));
            let due = o
                .last_reviewed
                .as_ref()
                .is_none_or(|d| d.value.add_months(interval) < crate::model::Date(on));
            if mine && due {
                let file = model.sources.path(o.span.file).to_string();
                changes.open(dir, &file)?.set_decided(
                    &[Step::key("obligations"), Step::id(&o.id.value)],
                    "last_reviewed",
                    &Value::Date(on),
                )?;
                done.push(o.id.value.clone());
            }
        }
        if done.is_empty() {
            bail!("no obligation kept by {by} is due for review; nothing was written");
        }
        subject = format!("obligation(s) {} reviewed by {by}", done.join(", "));
    } else if let Some(d) = external {
        if !documented {
            bail!(
                "give what is confirmed for external document {target}: --edition (the version or date of the edition in use) and/or --location (where it is kept)"
            );
        }
        if let Some(owner) = d.owner.as_ref().map(|x| x.value.as_str())
            && !model.acts_as(by, owner)
        {
            bail!(
                "{by} does not keep external document {target} ({owner} does): its owner keeps it current (7.5.3); nothing was written"
            );
        }
        let path = [Step::key("external_documents"), Step::id(target)];
        let e = changes.open(dir, "isms.yaml")?;
        for (field, value) in [("version", &args.edition), ("location", &args.location)] {
            if let Some(v) = value {
                if v.trim().is_empty() {
                    bail!(
                        "--{} is empty",
                        if field == "version" { "edition" } else { field }
                    );
                }
                e.set_decided(&path, field, &Value::str(v.trim()))?;
            }
        }
        subject = format!("external document {target} confirmed by {by}");
    } else if let Some(s) = super::record::confirm_other(&model, &args, on, &mut changes)? {
        subject = s;
    } else {
        let mut ids: Vec<String> = model.risks.iter().map(|r| r.id.value.clone()).collect();
        ids.extend(obligations(&model).map(|o| o.id.value.clone()));
        ids.extend(model.objectives.iter().map(|o| o.id.value.clone()));
        if let Some(m) = &model.manifest {
            ids.extend(m.external_documents.iter().map(|d| d.id.value.clone()));
        }
        ids.extend(
            [
                "risks",
                "assessment",
                "obligations",
                "climate",
                "context",
                "assets",
            ]
            .map(String::from),
        );
        let near = super::new::closest(&model, ids.iter().map(String::as_str), target, "");
        bail!(
            "there is no risk, SoA control, obligation, external document or objective `{target}` to confirm (or `climate`, `context`, `assets`){near}"
        );
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: args.by,
        },
    )
}

/// Whether `by` owns the risk (directly or through a role).
fn owned_by(model: &Isms, r: &crate::model::Risk, by: &str) -> bool {
    r.owner
        .as_ref()
        .is_some_and(|o| model.acts_as(by, &o.value))
}

fn obligations(
    model: &Isms,
) -> impl Iterator<Item = &crate::yaml::Spanned<crate::model::Obligation>> {
    model.context.iter().flat_map(|c| c.obligations.iter())
}

/// "R-001, R-002 and 3 more".
fn list_some(ids: &[&str]) -> String {
    if ids.len() <= 5 {
        return ids.join(", ");
    }
    format!("{} and {} more", ids[..5].join(", "), ids.len() - 5)
}

/// The owner's own inherent and residual ratings (likelihood, impact), when given.
type OwnRatings = (Option<(u8, u8)>, Option<(u8, u8)>);

/// Plans the owner's confirmation of a risk's ratings (the proposals, or the owner's own
/// ratings) and dates its assessment. `false` when there is nothing to confirm.
fn confirm_risk(
    model: &Isms,
    r: &crate::yaml::Spanned<crate::model::Risk>,
    by: &str,
    on: Date,
    (inherent, residual): OwnRatings,
    changes: &mut ChangeSet,
    dir: &Path,
) -> anyhow::Result<bool> {
    let id = r.id.value.as_str();
    if let Some(o) = r.owner.as_ref().map(|o| o.value.as_str())
        && !model.acts_as(by, o)
    {
        bail!(
            "{by} is not the owner of risk {id} ({o}): the risk owner rates the risk (6.1.2 c-d); nothing was written"
        );
    }
    let file = model.sources.path(r.span.file).to_string();
    let e = changes.open(dir, &file)?;
    let path = [Step::key("risks"), Step::id(id)];
    let mut any = false;
    for (field, rating, given) in [
        ("inherent", &r.inherent, inherent),
        ("residual", &r.residual, residual),
    ] {
        if let Some((l, i)) = given {
            super::new::on_scales(
                model,
                (l, &format!("--{field} likelihood")),
                (i, &format!("--{field} impact")),
            )?;
            // The owner's own rating replaces the proposal whole (its stated level and the
            // scaffold's band comment were the proposal's).
            e.set_decided(
                &path,
                field,
                &Value::map([
                    ("likelihood", Value::Int(i64::from(l))),
                    ("impact", Value::Int(i64::from(i))),
                ]),
            )?;
            any = true;
        } else if rating.as_ref().is_some_and(|x| x.to_confirm) {
            let mut p = path.to_vec();
            p.push(Step::key(field));
            e.set(&p, "to_confirm", &Value::Bool(false))?;
            any = true;
        }
    }
    // Without a proposal or a new rating, the owner re-assessed the risk and kept its
    // ratings: that dates the assessment, unless it is already dated that day.
    if !any && r.last_assessed.as_ref().is_some_and(|d| d.value.0 >= on) {
        return Ok(false);
    }
    e.set(&path, "last_assessed", &Value::Date(on))?;
    Ok(true)
}

/// The version an approval issues: a draft `0.x` becomes `1.0`, `X.Y` becomes `X.(Y+1)`.
fn bump(v: &str) -> String {
    let Some((major, minor)) = v.split_once('.') else {
        return match v.parse::<u64>() {
            Ok(n) => (n + 1).to_string(),
            Err(_) => v.to_string(),
        };
    };
    match (major.parse::<u64>(), minor.parse::<u64>()) {
        (Ok(0), Ok(_)) => "1.0".to_string(),
        (Ok(m), Ok(n)) => format!("{m}.{}", n + 1),
        _ => v.to_string(),
    }
}

pub fn accept(args: AcceptArgs, g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    person(&model, &args.by, "--by")?;
    if args.rationale.trim().is_empty() {
        bail!("--rationale is empty: say why the residual risk is acceptable");
    }
    let until = acceptance_until(&model, on, args.until)?;
    let mut changes = ChangeSet::new();
    let subject = if args.risk == "risks" {
        // The person's residual risks within the acceptance criteria, all for the same reason.
        // A risk above the criteria needs its own rationale, so it is left to a single accept.
        let mut done = Vec::new();
        let mut left = Vec::new();
        for r in model.risks.iter().filter(|r| owned_by(&model, r, &args.by)) {
            let today = crate::model::Date(on);
            match model.risk_acceptance(r, today) {
                crate::model::status::RiskAcceptance::Required(n) if !n.problems.is_empty() => {
                    if n.above {
                        left.push(format!("{} (above the acceptance criteria: accept it on its own, with its own rationale)", r.id.value));
                    } else if let Some(why) = model
                        .acceptance_refusal(r, &acceptance_of(&args.by, on, &args.rationale, until))
                    {
                        left.push(format!("{} ({why})", r.id.value));
                    } else {
                        plan_acceptance(
                            &model,
                            r,
                            &args.by,
                            on,
                            &args.rationale,
                            until,
                            &mut changes,
                            &args.common.dir,
                        )?;
                        done.push(r.id.value.clone());
                    }
                }
                crate::model::status::RiskAcceptance::NoResidual(_) => left.push(format!(
                    "{} (no residual rating yet: `isms confirm {} --by {} --residual LxI`)",
                    r.id.value, r.id.value, args.by
                )),
                _ => {}
            }
        }
        for l in &left {
            g.note(format_args!("not accepted: {l}"));
        }
        if done.is_empty() {
            bail!(
                "no residual risk owned by {} within the acceptance criteria is waiting for acceptance; nothing was written",
                args.by
            );
        }
        format!(
            "residual risk of {} risk(s) accepted by {}: {}",
            done.len(),
            args.by,
            done.join(", ")
        )
    } else {
        let Some(r) = model.risk(&args.risk) else {
            let ids: Vec<&str> = model.risks.iter().map(|r| r.id.value.as_str()).collect();
            let near = super::new::closest(&model, ids, &args.risk, "");
            bail!("there is no risk `{}`{near}", args.risk);
        };
        if let Some(why) =
            model.acceptance_refusal(r, &acceptance_of(&args.by, on, &args.rationale, until))
        {
            bail!(
                "{} cannot accept risk {}: {why}; nothing was written",
                args.by,
                args.risk
            );
        }
        plan_acceptance(
            &model,
            r,
            &args.by,
            on,
            &args.rationale,
            until,
            &mut changes,
            &args.common.dir,
        )?;
        format!("residual risk of {} accepted by {}", args.risk, args.by)
    };
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: args.by,
        },
    )
}

/// The `until:` of a new acceptance: `--until`, checked against the methodology's
/// `acceptance_max_months` (which also gives the default when `--until` is not given).
fn acceptance_until(model: &Isms, on: Date, until: Option<Date>) -> anyhow::Result<Option<Date>> {
    if let Some(u) = until
        && u <= on
    {
        bail!("--until {u} is not after the day of the acceptance ({on}); nothing was written");
    }
    let Some(months) = model.methodology().and_then(|m| m.acceptance_max_months) else {
        return Ok(until);
    };
    let latest = crate::model::Date(on).add_months(months).0;
    match until {
        Some(u) if u > latest => bail!(
            "--until {u} is more than {months} months after {on}: the risk methodology lets an acceptance hold until {latest} at the latest (`acceptance_max_months` in isms.yaml); nothing was written"
        ),
        Some(u) => Ok(Some(u)),
        None => Ok(Some(latest)),
    }
}

fn acceptance_of(
    by: &str,
    on: Date,
    rationale: &str,
    until: Option<Date>,
) -> crate::model::Acceptance {
    crate::model::Acceptance {
        by: Some(crate::yaml::Spanned::detached(by.to_string())),
        on: Some(crate::yaml::Spanned::detached(crate::model::Date(on))),
        rationale: Some(crate::yaml::Spanned::detached(rationale.to_string())),
        until: until.map(|u| crate::yaml::Spanned::detached(crate::model::Date(u))),
        ..Default::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_acceptance(
    model: &Isms,
    r: &crate::yaml::Spanned<crate::model::Risk>,
    by: &str,
    on: Date,
    rationale: &str,
    until: Option<Date>,
    changes: &mut ChangeSet,
    dir: &Path,
) -> anyhow::Result<()> {
    let mut value = vec![
        ("by".to_string(), Value::str(by)),
        ("on".to_string(), Value::Date(on)),
        ("rationale".to_string(), Value::str(rationale)),
    ];
    if let Some(u) = until {
        value.push(("until".to_string(), Value::Date(u)));
    }
    let file = model.sources.path(r.span.file).to_string();
    changes.open(dir, &file)?.set(
        &[Step::key("risks"), Step::id(&r.id.value)],
        "acceptance",
        &Value::Map(value),
    )?;
    Ok(())
}

pub fn close(args: CloseArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    if let Some(b) = &args.by {
        person(&model, b, "--by")?;
    }
    let Some(nc) = model
        .nonconformities
        .iter()
        .find(|n| n.id.value == args.nonconformity)
    else {
        let ids: Vec<&str> = model
            .nonconformities
            .iter()
            .map(|n| n.id.value.as_str())
            .collect();
        let near = super::new::closest(&model, ids, &args.nonconformity, "");
        bail!("there is no nonconformity `{}`{near}", args.nonconformity);
    };
    if nc.corrective_action.is_none()
        && nc.no_action_reason.is_none()
        && args.corrective_action.is_none()
    {
        bail!(
            "nonconformity {} records no corrective action: give --corrective-action (10.2 c); nothing was written",
            nc.id.value
        );
    }
    let path = [Step::key("nonconformities"), Step::id(&args.nonconformity)];
    let file = model.sources.path(nc.span.file).to_string();
    let mut changes = ChangeSet::new();
    let e = changes.open(&args.common.dir, &file)?;
    e.set(&path, "root_cause", &Value::str(&args.root_cause))?;
    if let Some(c) = &args.corrective_action {
        e.set(&path, "corrective_action", &Value::str(c))?;
    }
    if nc.action_completed.is_none() {
        e.set(&path, "action_completed", &Value::Date(on))?;
    }
    e.set(&path, "status", &Value::str("closed"))?;
    e.set(&path, "closed", &Value::Date(on))?;
    let mut review = vec![("date".to_string(), Value::Date(on))];
    if let Some(b) = &args.by {
        review.push(("by".to_string(), Value::str(b)));
    }
    review.push(("effective".to_string(), Value::Bool(true)));
    review.push(("notes".to_string(), Value::str(&args.effectiveness)));
    e.set(&path, "effectiveness", &Value::Map(review))?;
    let by = args
        .by
        .clone()
        .or_else(|| nc.owner.as_ref().map(|o| o.value.clone()))
        .unwrap_or_default();
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("nonconformity {} closed", args.nonconformity),
            by,
        },
    )
}

pub fn done(args: DoneArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    let want = args.action.as_str();
    let mut changes = ChangeSet::new();
    let dir = &args.common.dir;
    // A risk id with the action's number: `R-001#2`.
    let numbered = want
        .split_once('#')
        .and_then(|(r, n)| Some((r, n.parse::<usize>().ok()?.checked_sub(1)?)));
    let mut found: Option<(String, Vec<Step>, String)> = None;
    for r in &model.risks {
        let file = model.sources.path(r.span.file).to_string();
        for (i, a) in r.plan.iter().enumerate() {
            let by_id = a.id.as_ref().is_some_and(|x| x.value == want);
            let by_number = numbered.is_some_and(|(rid, n)| rid == r.id.value && n == i);
            if by_id || by_number {
                let step = if by_id {
                    Step::id(want)
                } else {
                    Step::Index(i)
                };
                let owner = a
                    .owner
                    .as_ref()
                    .map(|o| o.value.clone())
                    .unwrap_or_default();
                found = Some((
                    file.clone(),
                    vec![
                        Step::key("risks"),
                        Step::id(&r.id.value),
                        Step::key("plan"),
                        step,
                    ],
                    owner,
                ));
            }
        }
    }
    if found.is_none() {
        for rv in &model.reviews {
            if let Some(a) = rv
                .actions
                .iter()
                .find(|a| a.id.as_ref().is_some_and(|x| x.value == want))
            {
                let owner = a
                    .owner
                    .as_ref()
                    .map(|o| o.value.clone())
                    .unwrap_or_default();
                found = Some((
                    rv.source.path.clone(),
                    vec![Step::key("actions"), Step::id(want)],
                    owner,
                ));
            }
        }
    }
    if found.is_none()
        && let Some(nc) = model.nonconformities.iter().find(|n| n.id.value == want)
    {
        let file = model.sources.path(nc.span.file).to_string();
        let e = changes.open(dir, &file)?;
        e.set(
            &[Step::key("nonconformities"), Step::id(want)],
            "action_completed",
            &Value::Date(on),
        )?;
        let by = nc
            .owner
            .as_ref()
            .map(|o| o.value.clone())
            .unwrap_or_default();
        return conclude(
            &args.common,
            &model,
            Decision {
                changes,
                subject: format!("corrective action of {want} completed"),
                by,
            },
        );
    }
    let Some((file, path, owner)) = found else {
        bail!(
            "there is no action `{want}` (give a treatment-plan or review action id, a nonconformity id, or a risk id with the action's number such as `R-001#2`)"
        );
    };
    let e = changes.open(dir, &file)?;
    e.set(&path, "status", &Value::str("done"))?;
    e.set(&path, "completed", &Value::Date(on))?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("action {want} done"),
            by: owner,
        },
    )
}

/// Commits exactly `files` (paths relative to the ISMS folder) on top of HEAD, whatever else
/// is staged, with an `Approved-by: Name <email>` trailer for the person who decided.
fn commit(dir: &Path, model: &Isms, d: &Decision, files: &[String]) -> anyhow::Result<String> {
    let repo = git2::Repository::discover(dir)
        .with_context(|| format!("--commit: {} is not inside a Git repository", dir.display()))?;
    let workdir = repo
        .workdir()
        .context("--commit: the Git repository has no working tree")?
        .canonicalize()?;
    let base = dir.canonicalize()?;
    let prefix = base.strip_prefix(&workdir).unwrap_or(Path::new(""));
    let sig = repo.signature().context(
        "--commit: Git does not know who you are; set `git config user.name` and `user.email`",
    )?;
    let parent = match repo.head() {
        Ok(h) => Some(h.peel_to_commit()?),
        Err(_) => None,
    };
    // A private index from HEAD's tree: only our files change, whatever the user staged.
    let mut index = git2::Index::new()?;
    if let Some(p) = &parent {
        index.read_tree(&p.tree()?)?;
    }
    let mut real = repo.index()?;
    for f in files {
        let rel = prefix.join(f);
        let rel_str = rel
            .to_str()
            .context("--commit: a path is not valid UTF-8")?
            .replace('\\', "/");
        let bytes = std::fs::read(base.join(f))?;
        let oid = repo.blob(&bytes)?;
        let mode = 0o100644;
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            file_size: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            id: oid,
            flags: 0,
            flags_extended: 0,
            path: rel_str.clone().into_bytes(),
        };
        index.add(&entry)?;
        real.add_path(Path::new(&rel_str))?;
    }
    let tree_id = index.write_tree_to(&repo)?;
    let tree = repo.find_tree(tree_id)?;
    let trailer = match model.person(&d.by) {
        Some(p) => match &p.email {
            Some(e) => format!("{} <{e}>", p.name.value),
            None => p.name.value.clone(),
        },
        None => d.by.clone(),
    };
    let message = if d.by.is_empty() {
        format!("{}\n", d.subject)
    } else {
        format!(
            "{}\n\n{}: {trailer}\n",
            d.subject,
            crate::evidence::APPROVED_BY
        )
    };
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = repo.commit(Some("HEAD"), &sig, &sig, &message, &tree, &parents)?;
    real.write()?;
    Ok(id.to_string()[..7].to_string())
}

#[cfg(test)]
mod tests {
    use super::parse_rating;

    #[test]
    fn ratings_are_likelihood_by_impact() {
        assert_eq!(parse_rating("3x4"), Ok((3, 4)));
        assert_eq!(parse_rating(" 2X5 "), Ok((2, 5)));
        assert_eq!(parse_rating("1,3"), Ok((1, 3)));
        for bad in ["3", "x4", "3x", "3x4x5", "-1x2", "2.5x3", "300x1"] {
            assert!(parse_rating(bad).is_err(), "{bad}");
        }
    }
}
