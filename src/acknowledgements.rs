//! Importing policy acknowledgements (7.3, A.5.1, A.6.3) from the CSV export of an HR or
//! e-signature system into `acknowledgements.yaml`.
//!
//! Every row is resolved against the loaded model first (people by id, e-mail or name;
//! policies by id or title); any problem is reported with its row's line and nothing is
//! planned. Rows already recorded are skipped, so importing the same export twice changes
//! nothing.

use crate::diagnostic::did_you_mean;
use crate::edit::{ChangeSet, EditError, Step, Value};
use crate::model::{Date, Isms, Policy};

/// The columns of the import file (header names, case-insensitive; other columns ignored).
pub const COLUMNS: [&str; 5] = ["person", "policy", "version", "date", "method"];

/// One acknowledgement read from the file and resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Line in the import file.
    pub line: u32,
    /// Person id.
    pub person: String,
    /// Policy id.
    pub policy: String,
    /// Version acknowledged (given, or the version in force on the date).
    pub version: Option<String>,
    /// Date.
    pub date: Date,
    /// Method.
    pub method: Option<String>,
}

/// A problem with one row (or the file as a whole, line 1 for the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line.
    pub line: u32,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// What an import would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Rows to add.
    pub new: Vec<Row>,
    /// Rows already in the register.
    pub already: usize,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn person_id(isms: &Isms, key: &str) -> Result<String, String> {
    let k = norm(key);
    if let Some(p) = isms.people.iter().find(|p| p.id.value == key.trim()) {
        return Ok(p.id.value.clone());
    }
    let by_email: Vec<_> = isms
        .people
        .iter()
        .filter(|p| p.email.as_deref().is_some_and(|e| norm(e) == k))
        .collect();
    let by_name: Vec<_> = isms
        .people
        .iter()
        .filter(|p| norm(&p.name.value) == k)
        .collect();
    match (by_email.as_slice(), by_name.as_slice()) {
        ([p], _) | ([], [p]) => Ok(p.id.value.clone()),
        ([], []) => {
            let hint = did_you_mean(
                key.trim(),
                isms.people
                    .iter()
                    .flat_map(|p| [p.id.value.as_str(), p.name.value.as_str()]),
            )
            .map_or_else(
                || "add them to `people:` in isms.yaml, or correct the row".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            Err(format!("unknown person `{}`: {hint}", key.trim()))
        }
        _ => Err(format!(
            "`{}` names more than one person; give the person's id",
            key.trim()
        )),
    }
}

fn policy_of<'a>(isms: &'a Isms, key: &str) -> Result<&'a Policy, String> {
    let k = norm(key);
    // Ids exactly, then ignoring case (exports often upper- or lower-case them).
    if let Some(p) = isms.policies.iter().find(|p| p.id.value == key.trim()) {
        return Ok(p);
    }
    let by_id: Vec<&Policy> = isms
        .policies
        .iter()
        .filter(|p| norm(&p.id.value) == k)
        .collect();
    if let [p] = by_id.as_slice() {
        return Ok(p);
    }
    let by_title: Vec<&Policy> = isms
        .policies
        .iter()
        .filter(|p| norm(&p.title.value) == k)
        .collect();
    match by_title.as_slice() {
        [p] => Ok(p),
        [] => {
            let hint = did_you_mean(
                key.trim(),
                isms.policies
                    .iter()
                    .flat_map(|p| [p.id.value.as_str(), p.title.value.as_str()]),
            )
            .map_or_else(
                || "give a policy id or title from policies/".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            Err(format!("unknown policy `{}`: {hint}", key.trim()))
        }
        _ => Err(format!(
            "`{}` is the title of more than one policy; give the policy id",
            key.trim()
        )),
    }
}

/// Reads and resolves the rows of an import file. Returns every row or every problem.
pub fn read(isms: &Isms, text: &str) -> Result<Vec<Row>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(norm).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                message: format!("cannot read the header row: {e}"),
            }]);
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = ["person", "policy", "date"]
        .into_iter()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(vec![RowError {
            line: 1,
            message: format!(
                "the header lacks the column(s) {}; the columns are {} (version and method may be left out)",
                missing.join(", "),
                COLUMNS.join(", ")
            ),
        }]);
    }
    let (ci, pi, di) = (col("person"), col("policy"), col("date"));
    let (vi, mi) = (col("version"), col("method"));
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                errors.push(RowError {
                    line,
                    message: format!("cannot read this row: {e}"),
                });
                continue;
            }
        };
        let line = rec
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let person = match get(ci) {
            Some(p) => person_id(isms, p).map_err(|e| problems.push(e)).ok(),
            None => {
                problems.push("the person is empty".to_string());
                None
            }
        };
        let policy = match get(pi) {
            Some(p) => policy_of(isms, p).map_err(|e| problems.push(e)).ok(),
            None => {
                problems.push("the policy is empty".to_string());
                None
            }
        };
        let date = match get(di) {
            Some(d) => Date::parse(d)
                .ok_or(())
                .map_err(|()| {
                    problems.push(format!(
                        "`{d}` is not a date; write YYYY-MM-DD, e.g. 2026-03-02"
                    ))
                })
                .ok(),
            None => {
                problems.push("the date is empty".to_string());
                None
            }
        };
        if !problems.is_empty() {
            for message in problems {
                errors.push(RowError { line, message });
            }
            continue;
        }
        let (Some(person), Some(policy), Some(date)) = (person, policy, date) else {
            continue;
        };
        // An export without versions: the version in force on the day, when that is clear.
        let version = get(vi).map(str::to_string).or_else(|| {
            let approved = policy.approval.on.as_ref()?.value;
            (date >= approved)
                .then(|| policy.version.as_ref().map(|v| v.value.clone()))
                .flatten()
        });
        rows.push(Row {
            line,
            person,
            policy: policy.id.value.clone(),
            version,
            date,
            method: get(mi).map(str::to_string),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Splits rows into new ones and those already recorded (same person, policy and version),
/// dropping repeats within the file.
pub fn plan(isms: &Isms, rows: Vec<Row>) -> Plan {
    let mut plan = Plan::default();
    let same = |a: &str, b: &str, v: Option<&str>, r: &Row| {
        a == r.person && b == r.policy && v == r.version.as_deref()
    };
    for r in rows {
        let recorded = isms.acknowledgements.iter().any(|a| {
            same(
                &a.person.value,
                &a.policy.value,
                a.version.as_ref().map(|v| v.value.as_str()),
                &r,
            )
        });
        let repeated = plan
            .new
            .iter()
            .any(|n| same(&n.person, &n.policy, n.version.as_deref(), &r));
        if recorded || repeated {
            plan.already += 1;
        } else {
            plan.new.push(r);
        }
    }
    plan
}

/// The register text for a new file.
const NEW_REGISTER: &str = "# Policy acknowledgements (7.3, A.5.1, A.6.3): who acknowledged which policy version, when and how.\nacknowledgements: []\n";

/// Plans the new rows as appends to the acknowledgements register under `root`.
pub fn changes(root: &std::path::Path, plan: &Plan) -> Result<(ChangeSet, String), EditError> {
    let rel = crate::edit::register_file(root, "acknowledgements");
    let mut set = ChangeSet::new();
    let file = set.open(root, &rel)?;
    if file.original().is_none() || file.text().trim().is_empty() {
        file.set_text(NEW_REGISTER)?;
    }
    for r in &plan.new {
        let mut fields = vec![
            ("person", Value::str(&r.person)),
            ("policy", Value::str(&r.policy)),
        ];
        if let Some(v) = &r.version {
            fields.push(("version", Value::str(v)));
        }
        fields.push(("date", Value::Date(r.date.0)));
        if let Some(m) = &r.method {
            fields.push(("method", Value::str(m)));
        }
        file.append(&[Step::key("acknowledgements")], &Value::map(fields))?;
    }
    Ok((set, rel))
}
