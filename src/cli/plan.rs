//! `isms plan`: the planning decisions of 6.1 and 6.3 — when a treatment action is due (and
//! re-plans, with their reason), a new action in a risk's treatment plan, how an opportunity
//! is addressed, and when a change to the ISMS is planned. Like the decision commands it edits
//! only the bytes of what it records, through the editing layer.

use anyhow::bail;
use jiff::civil::Date;

use super::decide::{Common, Decision, conclude};
use super::new::{load, person, person_or_role};
use super::{Global, Status};
use crate::edit::{ChangeSet, Step, Value};
use crate::model::Isms;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What is planned: a treatment action (its id, or `R-001#2` for the second action of
    /// R-001); a risk id (every action of its plan without a due date, or with `--action` a
    /// new action); `risks` (every open treatment action without a due date); an opportunity
    /// id (how it is addressed, with `--action`); or a change id (its planned date).
    pub target: String,
    /// The due date (for a change: the planned date).
    #[arg(long, value_parser = super::check::parse_date, value_name = "YYYY-MM-DD")]
    pub due: Option<Date>,
    /// A new treatment action for the risk, or how the opportunity is addressed (or why it is
    /// not pursued now).
    #[arg(long)]
    pub action: Option<String>,
    /// Who carries out the new action (or the named action), or pursues the opportunity (a
    /// person or role id).
    #[arg(long)]
    pub owner: Option<String>,
    /// What the new action needs (people, budget, tools).
    #[arg(long)]
    pub resources: Option<String>,
    /// Opportunity: how the effectiveness of the action is evaluated (6.1.1 e).
    #[arg(long)]
    pub evaluation: Option<String>,
    /// Why an action that already has a due date moves (recorded under `replanned:`).
    #[arg(long)]
    pub reason: Option<String>,
    /// Who decided a re-plan (a person id; recorded with it and in the commit trailer).
    #[arg(long)]
    pub by: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Where a treatment action is: its file, its path, a name for messages and the action.
struct Found<'a> {
    file: String,
    path: Vec<Step>,
    name: String,
    action: &'a crate::model::Action,
    /// Named by its position, in a plan where an item did not load: the position in the
    /// file may not be this action's, so it is not edited.
    unsure: bool,
}

pub fn run(args: Args, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    if let Some(b) = &args.by {
        person(&model, b, "--by")?;
    }
    if let Some(o) = &args.owner {
        person_or_role(&model, o, "--owner")?;
    }
    for (flag, v) in [
        ("--action", &args.action),
        ("--reason", &args.reason),
        ("--resources", &args.resources),
        ("--evaluation", &args.evaluation),
    ] {
        if v.as_ref().is_some_and(|v| v.trim().is_empty()) {
            bail!("{flag} is empty");
        }
    }
    let dir = &args.common.dir;
    let target = args.target.as_str();
    let mut changes = ChangeSet::new();
    let subject;
    if let Some(o) = model.opportunities.iter().find(|o| o.id.value == target) {
        let Some(action) = &args.action else {
            bail!(
                "give --action: how opportunity {target} is addressed, or why it is not pursued now (6.1.1 d)"
            );
        };
        if args.due.is_some() || args.reason.is_some() || args.resources.is_some() {
            bail!("an opportunity takes --action, --owner and --evaluation");
        }
        if o.owner.is_none() && args.owner.is_none() {
            bail!("opportunity {target} has no owner: give --owner, who pursues it");
        }
        let file = model.sources.path(o.span.file).to_string();
        let file = if file.is_empty() {
            "risks.yaml".to_string()
        } else {
            file
        };
        let path = [Step::key("opportunities"), Step::id(target)];
        let e = changes.open(dir, &file)?;
        if let Some(owner) = &args.owner {
            e.set_decided(&path, "owner", &Value::str(owner))?;
        }
        e.set_decided(&path, "action", &Value::str(action.trim()))?;
        if let Some(ev) = &args.evaluation {
            e.set_decided(&path, "evaluation", &Value::str(ev.trim()))?;
        }
        subject = format!("opportunity {target}: action planned");
    } else if let Some(c) = model.changes.iter().find(|c| c.id.value == target) {
        let Some(due) = args.due else {
            bail!("give --due: the date change {target} is planned for (6.3)");
        };
        if args.action.is_some() || args.owner.is_some() || args.resources.is_some() {
            bail!("a change takes --due (its planned date)");
        }
        if let Some(p) = &c.planned
            && args.reason.is_none()
        {
            bail!(
                "change {target} is already planned for {}; give --reason to move it; nothing was written",
                p.value
            );
        }
        let file = model.sources.path(c.span.file).to_string();
        changes.open(dir, &file)?.set_decided(
            &[Step::key("changes"), Step::id(target)],
            "planned",
            &Value::Date(due),
        )?;
        subject = match &args.reason {
            Some(r) => format!("change {target} moved to {due}: {}", r.trim()),
            None => format!("change {target} planned for {due}"),
        };
    } else if let Some(r) = model.risk(target)
        && let Some(action) = &args.action
    {
        let Some(due) = args.due else {
            bail!("give --due: a treatment action needs a due date (6.1.3 e)");
        };
        let Some(owner) = &args.owner else {
            bail!("give --owner: who carries out the action (6.1.3 e)");
        };
        if args.reason.is_some() || args.evaluation.is_some() {
            bail!("a new action takes --action, --owner, --due and --resources");
        }
        refuse_past(due, on)?;
        let mut item = vec![
            ("action".to_string(), Value::str(action.trim())),
            ("owner".to_string(), Value::str(owner)),
            ("due".to_string(), Value::Date(due)),
            ("status".to_string(), Value::str("planned")),
        ];
        if let Some(res) = &args.resources {
            item.push(("resources".to_string(), Value::str(res.trim())));
        }
        let file = model.sources.path(r.span.file).to_string();
        let e = changes.open(dir, &file)?;
        e.append(
            &[Step::key("risks"), Step::id(target), Step::key("plan")],
            &Value::Map(item),
        )?;
        super::new::typed::<crate::model::RiskRegister>(e)?;
        subject = format!(
            "treatment action {}#{} planned for {due}",
            r.id.value,
            r.plan.written() + 1
        );
    } else {
        if args.due.is_none() && args.owner.is_none() {
            bail!("give --due: the date the action is due (or --owner: who carries it out)");
        }
        if args.action.is_some() || args.evaluation.is_some() {
            bail!(
                "--action adds an action to a risk or addresses an opportunity; `{target}` is neither"
            );
        }
        if args.resources.is_some() {
            bail!("--resources goes with --action (a new treatment action)");
        }
        let found = actions(&model, target);
        if found.is_empty() {
            bail!("{}", unknown(&model, target));
        }
        let whole = found.len() > 1 || target == "risks" || model.risk(target).is_some();
        if whole && args.owner.is_some() {
            bail!(
                "--owner gives one action its owner: name the action (such as `{}`)",
                found[0].name
            );
        }
        let mut planned = Vec::new();
        for f in &found {
            let open = f.action.status.value.is_open();
            if !open && !whole {
                bail!(
                    "action {} is {}: there is nothing left to plan; nothing was written",
                    f.name,
                    if f.action.status.value == crate::model::ActionStatus::Done {
                        "done"
                    } else {
                        "cancelled"
                    }
                );
            }
            // Several actions at once: only those still open and without a date.
            if whole && (!open || f.action.effective_due().is_some()) {
                continue;
            }
            if f.unsure {
                bail!(
                    "the plan of {} has an action that does not load; fix it first (`isms check` shows the problem); nothing was written",
                    f.name.split('#').next().unwrap_or_default()
                );
            }
            let e = changes.open(dir, &f.file)?;
            if let Some(owner) = &args.owner {
                e.set_decided(&f.path, "owner", &Value::str(owner))?;
            }
            match (args.due, f.action.effective_due()) {
                (None, _) => {}
                (Some(due), None) => {
                    refuse_past(due, on)?;
                    e.set_decided(&f.path, "due", &Value::Date(due))?;
                }
                (Some(due), Some(old)) => {
                    let Some(reason) = &args.reason else {
                        bail!(
                            "action {} is already due on {old}; to move it, give --reason (and --by, who decided); nothing was written",
                            f.name
                        );
                    };
                    refuse_past(due, on)?;
                    let mut replan = vec![
                        ("on".to_string(), Value::Date(on)),
                        ("due".to_string(), Value::Date(due)),
                        ("reason".to_string(), Value::str(reason.trim())),
                    ];
                    if let Some(b) = &args.by {
                        replan.push(("by".to_string(), Value::str(b)));
                    }
                    let mut p = f.path.clone();
                    p.push(Step::key("replanned"));
                    e.append(&p, &Value::Map(replan))?;
                }
            }
            planned.push(f.name.clone());
        }
        if planned.is_empty() {
            bail!(
                "every open action of `{target}` already has a due date; to move one, name it (such as `{}`) with --reason; nothing was written",
                found[0].name
            );
        }
        subject = match (args.due, planned.as_slice()) {
            (None, [one]) => format!(
                "action {one} assigned to {}",
                args.owner.as_deref().unwrap_or_default()
            ),
            (Some(due), [one]) => format!("action {one} planned for {due}"),
            (Some(due), many) => {
                format!(
                    "{} treatment actions of {target} planned for {due}",
                    many.len()
                )
            }
            (None, _) => "treatment actions planned".to_string(),
        };
    }
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject,
            by: args.by.clone().unwrap_or_default(),
        },
    )
}

/// A due date before the day of the decision would be overdue the moment it is written.
fn refuse_past(due: Date, on: Date) -> anyhow::Result<()> {
    if due < on {
        bail!("--due {due} is before {on}: a plan sets dates still to come; nothing was written");
    }
    Ok(())
}

/// The treatment actions `target` names: one action by id or `R-001#2`, every action of a
/// risk, or every action of the register (`risks`).
fn actions<'a>(model: &'a Isms, target: &str) -> Vec<Found<'a>> {
    let numbered = target
        .split_once('#')
        .and_then(|(r, n)| Some((r, n.parse::<usize>().ok()?.checked_sub(1)?)));
    let mut out = Vec::new();
    for r in &model.risks {
        let file = model.sources.path(r.span.file).to_string();
        let whole = target == "risks" || r.id.value == target;
        for (i, a) in r.plan.iter().enumerate() {
            let by_id = a.id.as_ref().is_some_and(|x| x.value == target);
            let by_number = numbered.is_some_and(|(rid, n)| rid == r.id.value && n == i);
            if !(whole || by_id || by_number) {
                continue;
            }
            let step = match &a.id {
                Some(id) => Step::id(&id.value),
                None => Step::Index(i),
            };
            let name = match &a.id {
                Some(id) => id.value.clone(),
                None => format!("{}#{}", r.id.value, i + 1),
            };
            out.push(Found {
                file: file.clone(),
                path: vec![
                    Step::key("risks"),
                    Step::id(&r.id.value),
                    Step::key("plan"),
                    step,
                ],
                name,
                action: a,
                unsure: a.id.is_none() && r.plan.written() != r.plan.len(),
            });
        }
    }
    out
}

fn unknown(model: &Isms, target: &str) -> String {
    if let Some(r) = model.risk(target) {
        return format!(
            "risk {} has no treatment plan yet: add an action with --action, --owner and --due",
            r.id.value
        );
    }
    let mut ids: Vec<String> = model.risks.iter().map(|r| r.id.value.clone()).collect();
    ids.extend(model.changes.iter().map(|c| c.id.value.clone()));
    ids.extend(model.opportunities.iter().map(|o| o.id.value.clone()));
    for r in &model.risks {
        ids.extend(
            r.plan
                .iter()
                .filter_map(|a| a.id.as_ref().map(|i| i.value.clone())),
        );
    }
    let near = super::new::closest(model, ids.iter().map(String::as_str), target, "");
    format!(
        "there is no treatment action, risk, opportunity or change `{target}` to plan{near} (name an action as `R-001#2`)"
    )
}
