//! `isms new <kind>`: adds a record with the next free id and every field the format needs,
//! through the editing layer, so nothing else in the register changes.
//!
//! Decisions only a person can take (approvals, acceptance, ratings nobody gave) are left
//! undecided in the scaffold's way (`approval: { by: ~, on: ~ }`, no rating), so `isms check`
//! keeps asking for them.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use serde::de::DeserializeOwned;

use super::check::parse_date;
use super::{Global, Status};
use crate::edit::{ChangeSet, FileEdit, Step, Value};
use crate::fsutil::Overwrite;
use crate::model::Isms;

/// What kind of record to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A risk in risks.yaml (or the last file of risks/).
    Risk,
    /// An asset in assets.yaml.
    Asset,
    /// A policy document in policies/.
    Policy,
    /// A procedure or other controlled document in procedures/.
    Procedure,
    /// A supplier in suppliers.yaml.
    Supplier,
    /// An information security objective in objectives.yaml.
    Objective,
    /// An internal audit record in audits/.
    Audit,
    /// A management review record in reviews/.
    Review,
    /// A nonconformity in nonconformities.yaml.
    Nonconformity,
    /// An information security incident in incidents.yaml.
    Incident,
    /// A planned change to the ISMS in changes.yaml.
    Change,
    /// A person in isms.yaml.
    Person,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to create.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Id of the new record (default: the next free id of the register's own scheme).
    #[arg(long)]
    pub id: Option<String>,
    /// Title (the name of an asset, supplier or person).
    #[arg(long, visible_alias = "name")]
    pub title: Option<String>,
    /// Owner: a person id or a role id from isms.yaml.
    #[arg(long)]
    pub owner: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Risk: affected asset ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub asset: Vec<String>,
    /// Risk, policy, procedure: Annex A control ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub controls: Vec<String>,
    /// Risk: the security properties it affects (confidentiality, integrity, availability),
    /// comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub affects: Vec<String>,
    /// Risk: the threat.
    #[arg(long)]
    pub threat: Option<String>,
    /// Risk: the vulnerability.
    #[arg(long)]
    pub vulnerability: Option<String>,
    /// Risk: likelihood on the methodology's scale (give it with --impact).
    #[arg(long)]
    pub likelihood: Option<u8>,
    /// Risk: impact on the methodology's scale (give it with --likelihood).
    #[arg(long)]
    pub impact: Option<u8>,
    /// Risk: treatment option (mitigate, accept, avoid, transfer).
    #[arg(long)]
    pub treatment: Option<String>,
    /// Asset: kind (information, software, hardware, service, cloud-service, people, site, other).
    #[arg(long = "asset-kind", value_name = "KIND")]
    pub asset_kind: Option<String>,
    /// Asset: classification (public, internal, confidential, restricted).
    #[arg(long)]
    pub classification: Option<String>,
    /// Supplier: the service provided.
    #[arg(long)]
    pub service: Option<String>,
    /// Supplier: criticality (low, medium, high).
    #[arg(long)]
    pub criticality: Option<String>,
    /// Objective: the target; nonconformity, change: due or planned date.
    #[arg(long)]
    pub target: Option<String>,
    /// Objective, nonconformity: due date; change: planned date.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub due: Option<Date>,
    /// Incident: severity (low, medium, high, critical).
    #[arg(long)]
    pub severity: Option<String>,
    /// Nonconformity: where it was found (internal-audit, external-audit, incident,
    /// management-review, monitoring, complaint, self-identified).
    #[arg(long)]
    pub source: Option<String>,
    /// Nonconformity: the immediate correction or containment.
    #[arg(long)]
    pub correction: Option<String>,
    /// Person: job role.
    #[arg(long)]
    pub role: Option<String>,
    /// Person: e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// Person: a member of top management.
    #[arg(long)]
    pub top_management: bool,
    /// Audit: the lead auditor (a person id).
    #[arg(long)]
    pub auditor: Option<String>,
    /// Audit: the clauses covered (4 to 10, or sub-clauses such as 6.1.2), comma-separated;
    /// default the clauses the programme plans for an audit of the same id.
    #[arg(long, value_delimiter = ',')]
    pub clauses: Vec<String>,
    /// Audit: the audit criteria (default: the standard and the ISMS's own policies and
    /// procedures).
    #[arg(long)]
    pub criteria: Option<String>,
    /// Review: the person ids present, comma-separated (top management among them, 9.3.1).
    #[arg(long, value_delimiter = ',')]
    pub attendees: Vec<String>,
    /// Review: the audit records presented (9.3.2 d3), comma-separated; default the latest
    /// completed internal audit.
    #[arg(long, value_delimiter = ',')]
    pub audits: Vec<String>,
    /// The date of the record (identified, raised, reported, set, held); default today.
    #[arg(long, alias = "date", value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub on: Option<Date>,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(mut args: Args, _global: &Global) -> anyhow::Result<Status> {
    let model = load(&args.dir)?;
    prompt_missing(&mut args, &model)?;
    let on = super::record_date(args.on, &model)?;
    let mut changes = ChangeSet::new();
    let created = plan(&args, &model, on, &mut changes)?;
    finish(&args.dir, &changes, args.dry_run)?;
    if !args.dry_run {
        println!(
            "created {} in {}:{}",
            created.id, created.file, created.line
        );
    }
    Ok(Status::Success)
}

/// What `isms new` created.
struct Created {
    id: String,
    file: String,
    line: u32,
}

/// Loads the repository; commands that edit refuse to work on files that do not parse.
pub(crate) fn load(dir: &Path) -> anyhow::Result<Isms> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder (give the folder that contains isms.yaml)",
            dir.display()
        );
    }
    let loaded =
        crate::loader::load(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if loaded.model.manifest.is_none() {
        bail!(
            "{} has no readable isms.yaml; run `isms check {}` and fix it first",
            dir.display(),
            dir.display()
        );
    }
    Ok(loaded.model)
}

/// Prints the diff (`--dry-run`) or writes every change at once.
pub(crate) fn finish(dir: &Path, changes: &ChangeSet, dry_run: bool) -> anyhow::Result<()> {
    if dry_run {
        print!("{}", changes.diff());
        return Ok(());
    }
    changes.apply(dir, Overwrite::Refuse)?;
    Ok(())
}

/// Refuses a person or role id that does not exist, naming the closest one.
pub(crate) fn person_or_role(model: &Isms, id: &str, flag: &str) -> anyhow::Result<()> {
    if model.person(id).is_some() || model.role(id).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = model
        .people
        .iter()
        .map(|p| p.id.value.as_str())
        .chain(model.roles.iter().map(|r| r.id.value.as_str()))
        .collect();
    bail!("{}", unknown(model, "person or role", id, flag, &ids))
}

/// Refuses a person id that does not exist, naming the closest one.
pub(crate) fn person(model: &Isms, id: &str, flag: &str) -> anyhow::Result<()> {
    if model.person(id).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = model.people.iter().map(|p| p.id.value.as_str()).collect();
    bail!("{}", unknown(model, "person", id, flag, &ids))
}

/// The tail of a "there is no ... `id`" message: the closest id, or `otherwise`. A record that
/// is written in the files but failed to load is not missing, so its load error is named
/// instead: a spelling suggestion would send the user looking for the wrong thing.
pub(crate) fn closest<'a>(
    model: &Isms,
    ids: impl IntoIterator<Item = &'a str>,
    id: &str,
    otherwise: &str,
) -> String {
    match model.unloaded.get(id) {
        Some(d) => format!(
            "; it is written{} but could not be loaded ({}): fix that first (`isms check` lists every problem)",
            d.location
                .as_ref()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default(),
            d.message
        ),
        None => crate::diagnostic::did_you_mean_tail(ids, id, otherwise),
    }
}

fn unknown(model: &Isms, what: &str, id: &str, flag: &str, ids: &[&str]) -> String {
    if model.unloaded.contains_key(id) {
        return format!(
            "{flag} {id}: there is no {what} `{id}`{}",
            closest(model, ids.iter().copied(), id, "")
        );
    }
    let mut s = crate::diagnostic::Suggester::new(ids.iter().copied());
    match s.suggest(id) {
        Some(near) => format!("{flag} {id}: there is no {what} `{id}`; did you mean `{near}`?"),
        None => format!(
            "{flag} {id}: there is no {what} `{id}` (isms.yaml lists people and roles; add one with `isms new person`)"
        ),
    }
}

/// The next id in the scheme of `ids` (`R-017` → `R-018`, keeping prefix and padding): one
/// past the highest number with the prefix of the last id, so a deleted id is never reused.
pub(crate) fn next_id<'a>(ids: impl IntoIterator<Item = &'a str>, default: &str) -> String {
    let ids: Vec<&str> = ids.into_iter().collect();
    let split = |id: &'a str| -> Option<(&'a str, &'a str)> {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        (digits > 0).then(|| id.split_at(id.len() - digits))
    };
    let Some((prefix, last_digits)) = ids.iter().rev().find_map(|id| split(id)) else {
        return default.to_string();
    };
    let mut width = last_digits.len();
    let mut max = 0u64;
    for id in &ids {
        if let Some((p, d)) = split(id)
            && p == prefix
        {
            width = width.max(d.len());
            max = max.max(d.parse().unwrap_or(0));
        }
    }
    let mut candidate = max.saturating_add(1);
    loop {
        let id = format!("{prefix}{candidate:0width$}");
        if !ids.contains(&id.as_str()) {
            return id;
        }
        candidate = candidate.saturating_add(1);
    }
}

/// A required flag: its name, the question asked for it, and where its value is.
type Required = (&'static str, &'static str, fn(&Args) -> Option<&String>);

/// The flags a kind of record cannot do without.
fn required(kind: Kind) -> Vec<Required> {
    let title: Required = ("--title", "Title", |a| a.title.as_ref());
    let name: Required = ("--name", "Name", |a| a.title.as_ref());
    let owner: Required = ("--owner", "Owner (person or role id)", |a| a.owner.as_ref());
    match kind {
        Kind::Person => vec![name, ("--role", "Job role", |a| a.role.as_ref())],
        Kind::Incident => vec![title],
        Kind::Nonconformity => vec![
            title,
            (
                "--source",
                "Source (internal-audit, external-audit, incident, management-review, monitoring, complaint, self-identified)",
                |a| a.source.as_ref(),
            ),
        ],
        Kind::Asset => vec![
            name,
            (
                "--asset-kind",
                "Kind (information, software, hardware, service, cloud-service, people, site, other)",
                |a| a.asset_kind.as_ref(),
            ),
            owner,
        ],
        Kind::Audit => vec![
            title,
            ("--auditor", "Lead auditor (person id)", |a| {
                a.auditor.as_ref()
            }),
        ],
        _ => vec![title, owner],
    }
}

/// Asks for the missing required values when a person is at the terminal; never when input
/// comes from a pipe or a script (the command then names the missing flags instead). A
/// reference typed at the prompt is checked at once, so a typo is corrected there and then.
fn prompt_missing(args: &mut Args, model: &Isms) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(());
    }
    for (flag, question, get) in required(args.kind) {
        if get(args).is_some_and(|v| !v.trim().is_empty()) {
            continue;
        }
        let answer: String = dialoguer::Input::new()
            .with_prompt(question)
            .validate_with(|v: &String| -> Result<(), String> {
                let v = v.trim();
                if v.is_empty() {
                    return Err(format!("{flag} is required"));
                }
                match flag {
                    "--owner" => person_or_role(model, v, flag).map_err(|e| e.to_string()),
                    "--auditor" => person(model, v, flag).map_err(|e| e.to_string()),
                    _ => Ok(()),
                }
            })
            .interact_text()
            .with_context(|| format!("cannot read {flag} from the terminal"))?;
        let slot = match flag {
            "--title" | "--name" => &mut args.title,
            "--owner" => &mut args.owner,
            "--role" => &mut args.role,
            "--source" => &mut args.source,
            "--asset-kind" => &mut args.asset_kind,
            _ => &mut args.auditor,
        };
        *slot = Some(answer.trim().to_string());
    }
    Ok(())
}

fn opt(entries: &mut Vec<(String, Value)>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        entries.push((key.to_string(), Value::str(v.clone())));
    }
}

fn field(entries: &mut Vec<(String, Value)>, key: &str, value: Value) {
    entries.push((key.to_string(), value));
}

fn undecided_approval() -> Value {
    Value::map([("by", Value::Null), ("on", Value::Null)])
}

fn plan(args: &Args, model: &Isms, on: Date, changes: &mut ChangeSet) -> anyhow::Result<Created> {
    let missing: Vec<&str> = required(args.kind)
        .iter()
        .filter(|(_, _, get)| get(args).is_none_or(|v| v.trim().is_empty()))
        .map(|(flag, _, _)| *flag)
        .collect();
    if !missing.is_empty() {
        bail!(
            "isms new {} needs {} (give them as flags)",
            kind_name(args.kind),
            missing.join(", ")
        );
    }
    if let Some(o) = &args.owner {
        person_or_role(model, o, "--owner")?;
    }
    if let Some(a) = &args.auditor {
        person(model, a, "--auditor")?;
    }
    for a in &args.attendees {
        person(model, a, "--attendees")?;
    }
    for a in &args.audits {
        if !model.audits.iter().any(|x| x.id.value == *a) {
            let ids: Vec<&str> = model.audits.iter().map(|x| x.id.value.as_str()).collect();
            bail!("{}", unknown(model, "audit record", a, "--audits", &ids));
        }
    }
    for a in &args.asset {
        if model.asset(a).is_none() {
            let ids: Vec<&str> = model.assets.iter().map(|x| x.id.value.as_str()).collect();
            bail!("{}", unknown(model, "asset", a, "--asset", &ids));
        }
    }
    for c in &args.controls {
        if crate::catalogue::get(c).is_none() {
            let ids: Vec<&str> = crate::catalogue::controls()
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            bail!(
                "{}",
                unknown(model, "Annex A control", c, "--controls", &ids)
            );
        }
    }
    for c in &args.clauses {
        let main = c
            .trim()
            .split('.')
            .next()
            .and_then(|n| n.parse::<u32>().ok());
        let rest_ok =
            c.trim().split('.').skip(1).all(|p| {
                !p.is_empty() && p.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' ')
            });
        if !main.is_some_and(|n| (4..=10).contains(&n)) || !rest_ok {
            bail!(
                "--clauses {c}: not a clause of ISO/IEC 27001 with requirements; give 4 to 10 or a sub-clause such as 6.1.2"
            );
        }
    }
    let title = args.title.clone().unwrap_or_default();
    let dir = &args.dir;
    match args.kind {
        Kind::Risk => {
            let rating = rating(args, model)?;
            let id = new_id(
                args,
                model.risks.iter().map(|r| r.id.value.as_str()),
                "R-001",
                "risk",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "title", Value::str(&title));
            opt(&mut e, "description", &args.description);
            if !args.asset.is_empty() {
                field(&mut e, "assets", Value::strs(args.asset.clone()));
            }
            opt(&mut e, "threat", &args.threat);
            opt(&mut e, "vulnerability", &args.vulnerability);
            if !args.affects.is_empty() {
                field(&mut e, "affects", Value::strs(args.affects.clone()));
            }
            opt(&mut e, "owner", &args.owner);
            if let Some(r) = rating {
                field(&mut e, "inherent", r);
            }
            opt(&mut e, "treatment", &args.treatment);
            if !args.controls.is_empty() {
                field(&mut e, "controls", Value::strs(args.controls.clone()));
            }
            field(&mut e, "identified", Value::Date(on));
            let file = crate::edit::register_file(dir, "risks");
            append::<crate::model::RiskRegister>(changes, dir, &file, "risks", id, e)
        }
        Kind::Asset => {
            let id = new_id(
                args,
                model.assets.iter().map(|r| r.id.value.as_str()),
                "A-01",
                "asset",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "name", Value::str(&title));
            opt(&mut e, "type", &args.asset_kind);
            opt(&mut e, "owner", &args.owner);
            opt(&mut e, "classification", &args.classification);
            opt(&mut e, "description", &args.description);
            let file = crate::edit::register_file(dir, "assets");
            append::<crate::model::AssetRegister>(changes, dir, &file, "assets", id, e)
        }
        Kind::Supplier => {
            let id = new_id(
                args,
                model.suppliers.iter().map(|r| r.id.value.as_str()),
                "SUP-01",
                "supplier",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "name", Value::str(&title));
            opt(&mut e, "service", &args.service);
            opt(&mut e, "criticality", &args.criticality);
            opt(&mut e, "owner", &args.owner);
            let file = crate::edit::register_file(dir, "suppliers");
            append::<crate::model::SupplierRegister>(changes, dir, &file, "suppliers", id, e)
        }
        Kind::Objective => {
            let id = new_id(
                args,
                model.objectives.iter().map(|r| r.id.value.as_str()),
                "OBJ-01",
                "objective",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "title", Value::str(&title));
            opt(&mut e, "target", &args.target);
            opt(&mut e, "owner", &args.owner);
            if let Some(d) = args.due {
                field(&mut e, "due", Value::Date(d));
            }
            field(&mut e, "set", Value::Date(on));
            let file = crate::edit::register_file(dir, "objectives");
            append::<crate::model::ObjectiveRegister>(changes, dir, &file, "objectives", id, e)
        }
        Kind::Incident => {
            let id = new_id(
                args,
                model.incidents.iter().map(|r| r.id.value.as_str()),
                "INC-001",
                "incident",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "title", Value::str(&title));
            field(&mut e, "reported", Value::Date(on));
            opt(&mut e, "severity", &args.severity);
            opt(&mut e, "description", &args.description);
            field(&mut e, "status", Value::str("open"));
            if !args.controls.is_empty() {
                field(&mut e, "controls", Value::strs(args.controls.clone()));
            }
            let file = crate::edit::register_file(dir, "incidents");
            append::<crate::model::IncidentRegister>(changes, dir, &file, "incidents", id, e)
        }
        Kind::Change => {
            let id = new_id(
                args,
                model.changes.iter().map(|r| r.id.value.as_str()),
                "CHG-001",
                "change",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "title", Value::str(&title));
            opt(&mut e, "purpose", &args.description);
            if let Some(d) = args.due {
                field(&mut e, "planned", Value::Date(d));
            }
            field(&mut e, "approval", undecided_approval());
            field(&mut e, "status", Value::str("planned"));
            let file = crate::edit::register_file(dir, "changes");
            append::<crate::model::ChangeRegister>(changes, dir, &file, "changes", id, e)
        }
        Kind::Nonconformity => {
            let default = format!("NC-{}-01", on.year());
            let id = new_id(
                args,
                model.nonconformities.iter().map(|r| r.id.value.as_str()),
                &default,
                "nonconformity",
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "title", Value::str(&title));
            opt(&mut e, "source", &args.source);
            field(&mut e, "raised", Value::Date(on));
            opt(&mut e, "description", &args.description);
            opt(&mut e, "correction", &args.correction);
            opt(&mut e, "owner", &args.owner);
            if let Some(d) = args.due {
                field(&mut e, "due", Value::Date(d));
            }
            field(&mut e, "status", Value::str("open"));
            let file = crate::edit::register_file(dir, "nonconformities");
            append::<crate::model::NonconformityRegister>(
                changes,
                dir,
                &file,
                "nonconformities",
                id,
                e,
            )
        }
        Kind::Person => {
            let id = args
                .id
                .clone()
                .unwrap_or_else(|| format!("p-{}", slug(&title)));
            refuse_taken(
                model.person(&id).is_some() || model.role(&id).is_some(),
                "person or role",
                &id,
            )?;
            let mut e = Vec::new();
            field(&mut e, "id", Value::str(&id));
            field(&mut e, "name", Value::str(&title));
            opt(&mut e, "role", &args.role);
            if args.top_management {
                field(&mut e, "top_management", Value::Bool(true));
            }
            opt(&mut e, "email", &args.email);
            append::<crate::model::Manifest>(changes, dir, "isms.yaml", "people", id, e)
        }
        Kind::Policy | Kind::Procedure | Kind::Audit | Kind::Review => {
            document(args, model, on, &title, changes)
        }
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Risk => "risk",
        Kind::Asset => "asset",
        Kind::Policy => "policy",
        Kind::Procedure => "procedure",
        Kind::Supplier => "supplier",
        Kind::Objective => "objective",
        Kind::Audit => "audit",
        Kind::Review => "review",
        Kind::Nonconformity => "nonconformity",
        Kind::Incident => "incident",
        Kind::Change => "change",
        Kind::Person => "person",
    }
}

/// The id of a new record: `--id`, else the next free id after `ids` (`first` when the
/// register is empty); refused when a record already has it.
fn new_id<'a>(
    args: &Args,
    ids: impl IntoIterator<Item = &'a str>,
    first: &str,
    what: &str,
) -> anyhow::Result<String> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| next_id(ids.iter().copied(), first));
    refuse_taken(ids.contains(&id.as_str()), what, &id)?;
    Ok(id)
}

fn refuse_taken(taken: bool, what: &str, id: &str) -> anyhow::Result<()> {
    if taken {
        bail!("there already is a {what} `{id}`; ids are permanent, choose another --id");
    }
    Ok(())
}

/// The inherent rating from --likelihood and --impact, on the methodology's scales.
fn rating(args: &Args, model: &Isms) -> anyhow::Result<Option<Value>> {
    let (l, i) = match (args.likelihood, args.impact) {
        (None, None) => return Ok(None),
        (Some(l), Some(i)) => (l, i),
        _ => bail!("give both --likelihood and --impact, or neither (the risk owner rates later)"),
    };
    on_scales(model, (l, "--likelihood"), (i, "--impact"))?;
    Ok(Some(Value::map([
        ("likelihood", Value::Int(i64::from(l))),
        ("impact", Value::Int(i64::from(i))),
    ])))
}

/// Refuses a likelihood or impact that is not a point of the methodology's scales.
pub(crate) fn on_scales(
    model: &Isms,
    (l, l_flag): (u8, &str),
    (i, i_flag): (u8, &str),
) -> anyhow::Result<()> {
    if let Some(m) = model.methodology() {
        for (value, scale, flag) in [(l, &m.likelihood, l_flag), (i, &m.impact, i_flag)] {
            if !scale.is_empty() && !scale.iter().any(|p| p.value.value == value) {
                let values: Vec<String> = scale
                    .iter()
                    .map(|p| format!("{} ({})", p.value.value, p.label.value))
                    .collect();
                bail!(
                    "{flag} {value} is not on the methodology's scale in isms.yaml: {}",
                    values.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// Appends the record to `list` in `file` and checks that the register still reads as `T`.
fn append<T: DeserializeOwned>(
    changes: &mut ChangeSet,
    dir: &Path,
    file: &str,
    list: &str,
    id: String,
    entries: Vec<(String, Value)>,
) -> anyhow::Result<Created> {
    let edit = changes.open(dir, file)?;
    let placed = edit.append(&[Step::key(list)], &Value::Map(entries))?;
    typed::<T>(edit)?;
    Ok(Created {
        id,
        file: file.to_string(),
        line: placed.line,
    })
}

/// Refuses an edit after which the file no longer reads as a `T` record file.
pub(crate) fn typed<T: DeserializeOwned>(edit: &FileEdit) -> anyhow::Result<()> {
    let text = edit.text();
    let range = if edit.rel().ends_with(".md") {
        let start = text.find("---\n").map_or(0, |i| i + 4);
        let end = text[start..]
            .find("\n---")
            .map_or(text.len(), |i| start + i + 1);
        start..end
    } else {
        0..text.len()
    };
    let source = crate::source::SourceFile::new(edit.rel(), text);
    let node = crate::yaml::parse(crate::source::FileId(0), &source, range)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", edit.rel(), e.span.line, e.message))?;
    let (_, errors) = crate::yaml::from_node::<T>(&node);
    if let Some(e) = errors.first() {
        let line = e.span.map_or(0, |s| s.line);
        let hint = e
            .hint
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        bail!(
            "{}:{line}: the new record would not load: {}{hint}; nothing was written",
            edit.rel(),
            e.message
        );
    }
    Ok(())
}

/// A file name from a title: lower case, words joined by `-`.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "new".to_string()
    } else {
        out.chars().take(60).collect()
    }
}

/// `id` is `prefix` followed by digits only (`AUD-2026-03`, not `AUD-2026-EXT-01`).
fn numbered(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn document(
    args: &Args,
    model: &Isms,
    on: Date,
    title: &str,
    changes: &mut ChangeSet,
) -> anyhow::Result<Created> {
    let doc_ids: Vec<&str> = model
        .documents()
        .into_iter()
        .map(|d| d.id().value.as_str())
        .collect();
    let (folder, id) = match args.kind {
        Kind::Policy => {
            let ids = model.policies.iter().map(|p| p.id.value.as_str());
            ("policies", next_id(ids, "POL-01"))
        }
        Kind::Procedure => {
            let ids = model.procedures.iter().map(|p| p.id.value.as_str());
            ("procedures", next_id(ids, "PRC-01"))
        }
        Kind::Audit => {
            let prefix = format!("AUD-{}-", on.year());
            let ids = model
                .audits
                .iter()
                .map(|p| p.id.value.as_str())
                .filter(|i| numbered(i, &prefix));
            ("audits", next_id(ids, &format!("{prefix}01")))
        }
        _ => {
            let prefix = format!("MR-{}-", on.year());
            let ids = model
                .reviews
                .iter()
                .map(|p| p.id.value.as_str())
                .filter(|i| numbered(i, &prefix));
            ("reviews", next_id(ids, &format!("{prefix}01")))
        }
    };
    let id = args.id.clone().unwrap_or(id);
    refuse_taken(doc_ids.contains(&id.as_str()), "document", &id)?;
    let name = match args.kind {
        Kind::Audit | Kind::Review => format!("{folder}/{}.md", slug(&id)),
        _ => format!("{folder}/{}.md", slug(title)),
    };
    let mut e = Vec::new();
    field(&mut e, "id", Value::str(&id));
    field(&mut e, "title", Value::str(title));
    match args.kind {
        Kind::Audit => {
            // The audit the programme planned under this id: what it was to cover is the
            // starting point of the record (9.2.2 a), unless the flags say otherwise.
            let plan = model
                .audit_programme
                .as_ref()
                .and_then(|p| p.planned.iter().find(|x| x.id.value == id));
            field(&mut e, "type", Value::str("internal"));
            field(&mut e, "status", Value::str("planned"));
            field(&mut e, "version", Value::str("1.0"));
            opt(&mut e, "owner", &args.owner);
            field(&mut e, "date", Value::Date(on));
            let scope = args
                .description
                .clone()
                .or_else(|| plan.map(|p| p.scope.value.clone()));
            opt(&mut e, "scope", &scope);
            let clauses: Vec<String> = if args.clauses.is_empty() {
                plan.map(|p| p.clauses.iter().map(|c| c.value.clone()).collect())
                    .unwrap_or_default()
            } else {
                args.clauses.clone()
            };
            if !clauses.is_empty() {
                field(&mut e, "clauses", Value::strs(clauses));
            }
            let controls: Vec<String> = if args.controls.is_empty() {
                plan.map(|p| p.controls.iter().map(|c| c.value.clone()).collect())
                    .unwrap_or_default()
            } else {
                args.controls.clone()
            };
            if !controls.is_empty() {
                field(&mut e, "controls", Value::strs(controls));
            }
            field(
                &mut e,
                "criteria",
                Value::str(args.criteria.clone().unwrap_or_else(|| {
                    "ISO/IEC 27001:2022 with Amd 1:2024; the policies and procedures of the ISMS"
                        .to_string()
                })),
            );
            opt(&mut e, "auditor", &args.auditor);
            field(&mut e, "approval", undecided_approval());
        }
        Kind::Review => {
            field(&mut e, "version", Value::str("1.0"));
            opt(&mut e, "owner", &args.owner);
            field(&mut e, "date", Value::Date(on));
            if !args.attendees.is_empty() {
                field(&mut e, "attendees", Value::strs(args.attendees.clone()));
            }
            // Audit results are an input of every review (9.3.2 d3): by default the latest
            // internal audit reported by the day of the review.
            let audits: Vec<String> = if args.audits.is_empty() {
                model
                    .audits
                    .iter()
                    .filter(|a| {
                        a.kind.value == crate::model::AuditKind::Internal
                            && a.status.value == crate::model::AuditStatus::Completed
                    })
                    .filter_map(|a| {
                        let d = a.report.date.as_ref().or(a.date.as_ref())?.value.0;
                        (d <= on).then_some((d, a.id.value.clone()))
                    })
                    .max()
                    .map(|(_, id)| vec![id])
                    .unwrap_or_default()
            } else {
                args.audits.clone()
            };
            if !audits.is_empty() {
                field(&mut e, "audits_considered", Value::strs(audits));
            }
            field(&mut e, "approval", undecided_approval());
        }
        _ => {
            field(&mut e, "version", Value::str("0.1"));
            opt(&mut e, "owner", &args.owner);
            field(&mut e, "approval", undecided_approval());
            field(&mut e, "review_months", Value::Int(12));
            if !args.controls.is_empty() {
                field(&mut e, "controls", Value::strs(args.controls.clone()));
            }
        }
    }
    let mut front = String::new();
    for (k, v) in &e {
        front.push_str(&crate::edit::entry_text(k, v));
    }
    let body = match args.kind {
        Kind::Audit => format!("\n# {title}\n\n## Audit plan\n\n## Summary\n\n## Findings\n"),
        Kind::Review => format!("\n# {title}\n\n## Minutes\n\n## Decisions and actions\n"),
        _ => format!(
            "\n# {title}\n\n## Purpose\n\n## Scope\n\n## Rules\n\n## Roles and responsibilities\n"
        ),
    };
    let text = format!("---\n{front}---\n{body}");
    let mut edit = FileEdit::new(name.clone(), None);
    edit.set_text(text)?;
    match args.kind {
        Kind::Policy => typed::<crate::model::Policy>(&edit)?,
        Kind::Procedure => typed::<crate::model::Procedure>(&edit)?,
        Kind::Audit => typed::<crate::model::Audit>(&edit)?,
        _ => typed::<crate::model::ManagementReview>(&edit)?,
    }
    if args.dir.join(&name).exists() {
        bail!("{name} already exists; give another --title or --id");
    }
    changes.push(edit);
    Ok(Created {
        id,
        file: name,
        line: 2,
    })
}
