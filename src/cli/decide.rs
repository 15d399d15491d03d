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
    /// `methodology` (the risk methodology in isms.yaml), a risk id (its treatment plan) or a
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
    /// The risk whose residual risk is accepted.
    pub risk: String,
    /// Who accepts (the risk owner, or the authority the methodology names for the level).
    #[arg(long)]
    pub by: String,
    /// Why the residual risk is acceptable.
    #[arg(long)]
    pub rationale: String,
    /// The acceptance lapses on this day unless renewed.
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
    /// assessment date), an SoA control id (its proposed exclusion, `proposed: true`),
    /// `climate` (the climate-change determination in context.yaml), `context` (the review of
    /// the context analysis) or an objective id (the proposed objective is agreed: its `set:`
    /// date, and `due:` from --due).
    pub target: String,
    /// Who confirms: the risk owner for a risk; for an exclusion, someone who may approve
    /// the SoA; top management for the climate-change determination and for an objective.
    #[arg(long)]
    pub by: String,
    /// Objective: the date it is to be achieved by (6.2 i), when the record has none yet.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub due: Option<Date>,
    #[command(flatten)]
    pub common: Common,
}

/// A planned decision: the change set and who decided, for the commit message.
pub(super) struct Decision {
    pub(super) changes: ChangeSet,
    pub(super) subject: String,
    pub(super) by: String,
}

pub(super) fn conclude(common: &Common, model: &Isms, d: Decision) -> anyhow::Result<Status> {
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
    let mut changes = ChangeSet::new();
    let subject;
    if let Some(r) = model.risk(target) {
        if let Some(o) = r.owner.as_ref().map(|o| o.value.as_str())
            && !model.acts_as(&args.by, o)
        {
            bail!(
                "{} is not the owner of risk {target} ({o}): the risk owner rates the risk (6.1.2 c-d); nothing was written",
                args.by
            );
        }
        let file = model.sources.path(r.span.file).to_string();
        let e = changes.open(dir, &file)?;
        let path = [Step::key("risks"), Step::id(target)];
        let mut any = false;
        for (field, rating) in [("inherent", &r.inherent), ("residual", &r.residual)] {
            if rating.as_ref().is_some_and(|x| x.to_confirm) {
                let mut p = path.to_vec();
                p.push(Step::key(field));
                e.set(&p, "to_confirm", &Value::Bool(false))?;
                any = true;
            }
        }
        if !any && r.last_assessed.is_some() {
            bail!("risk {target} has no proposed rating to confirm (no `to_confirm: true`)");
        }
        e.set(&path, "last_assessed", &Value::Date(on))?;
        subject = format!("ratings of {target} confirmed by {}", args.by);
    } else if let Some(entry) = model.soa_entry(target) {
        let soa = model.soa.as_ref().context("there is no soa.yaml")?;
        if !entry.proposed.as_ref().is_some_and(|p| p.value) {
            bail!("control {target} has no proposed decision to confirm (no `proposed: true`)");
        }
        if !crate::checks::may_approve(&model, &args.by, &soa.document.id.value, true, on) {
            bail!(
                "{} may not decide the SoA: it needs a member of top management, or a role that lists {} under `approves:`; nothing was written",
                args.by,
                soa.document.id.value
            );
        }
        let e = changes.open(dir, "soa.yaml")?;
        e.set_decided(
            &[Step::key("controls"), Step::id(&entry.id.value)],
            "proposed",
            &Value::Bool(false),
        )?;
        subject = format!("SoA decision on {target} confirmed by {}", args.by);
    } else if let Some(s) = super::record::confirm_other(&model, &args, on, &mut changes)? {
        subject = s;
    } else {
        bail!(
            "there is no risk, SoA control or objective `{target}` to confirm (or `climate` for the climate-change determination)"
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

pub fn accept(args: AcceptArgs, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = args.common.date(&model)?;
    person(&model, &args.by, "--by")?;
    let Some(r) = model.risk(&args.risk) else {
        let ids: Vec<&str> = model.risks.iter().map(|r| r.id.value.as_str()).collect();
        let mut s = crate::diagnostic::Suggester::new(ids);
        let near = s
            .suggest(&args.risk)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        bail!("there is no risk `{}`{near}", args.risk);
    };
    if args.rationale.trim().is_empty() {
        bail!("--rationale is empty: say why the residual risk is acceptable");
    }
    let acceptance = crate::model::Acceptance {
        by: Some(crate::yaml::Spanned::detached(args.by.clone())),
        on: Some(crate::yaml::Spanned::detached(crate::model::Date(on))),
        rationale: Some(crate::yaml::Spanned::detached(args.rationale.clone())),
        until: args
            .until
            .map(|u| crate::yaml::Spanned::detached(crate::model::Date(u))),
        ..Default::default()
    };
    if let Some(why) = model.acceptance_refusal(r, &acceptance) {
        bail!(
            "{} cannot accept risk {}: {why}; nothing was written",
            args.by,
            args.risk
        );
    }
    let mut value = vec![
        ("by".to_string(), Value::str(&args.by)),
        ("on".to_string(), Value::Date(on)),
        ("rationale".to_string(), Value::str(&args.rationale)),
    ];
    if let Some(u) = args.until {
        value.push(("until".to_string(), Value::Date(u)));
    }
    let file = model.sources.path(r.span.file).to_string();
    let mut changes = ChangeSet::new();
    changes.open(&args.common.dir, &file)?.set(
        &[Step::key("risks"), Step::id(&args.risk)],
        "acceptance",
        &Value::Map(value),
    )?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!("residual risk of {} accepted by {}", args.risk, args.by),
            by: args.by,
        },
    )
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
        let mut s = crate::diagnostic::Suggester::new(ids);
        let near = s
            .suggest(&args.nonconformity)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
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
