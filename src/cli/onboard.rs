//! `isms onboard PERSON`: the personnel records of a joiner (A.6.1 screening, A.6.2 terms and
//! conditions, A.6.6 confidentiality agreement, A.5.10 acceptable use), dated from the HR
//! system, or the supplier whose agreement covers a contractor. Only those fields of the
//! person's entry in isms.yaml change.

use anyhow::bail;
use jiff::civil::Date;

use super::check::parse_date;
use super::decide::{Common, Decision, conclude};
use super::new::load;
use super::{Global, Status};
use crate::edit::{ChangeSet, Step, Value};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The person (an id from isms.yaml).
    pub person: String,
    /// The day the background verification was completed (A.6.1).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub screened: Option<Date>,
    /// The day the terms and conditions of employment, with their security
    /// responsibilities, were signed (A.6.2).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub terms_signed: Option<Date>,
    /// The day the confidentiality or non-disclosure agreement was signed (A.6.6).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub confidentiality_signed: Option<Date>,
    /// The day the acceptable use rules were acknowledged (A.5.10).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub acceptable_use: Option<Date>,
    /// A contractor whose firm's agreement covers these records: the supplier id.
    #[arg(long, value_name = "SUPPLIER")]
    pub covered_by_supplier: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, _g: &Global) -> anyhow::Result<Status> {
    let model = load(&args.common.dir)?;
    let on = super::record_date(args.common.on, &model)?;
    let Some(p) = model.people.iter().find(|p| p.id.value == args.person) else {
        let ids: Vec<&str> = model.people.iter().map(|p| p.id.value.as_str()).collect();
        let mut s = crate::diagnostic::Suggester::new(ids);
        let near = s
            .suggest(&args.person)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| "; add them with `isms new person`".to_string());
        bail!("there is no person `{}` in isms.yaml{near}", args.person);
    };
    if p.left.is_some() || !p.active {
        bail!(
            "{} has left (or is not active): onboarding records are for current people; nothing was written",
            args.person
        );
    }
    let fields = [
        ("screened", "--screened", args.screened, &p.screened),
        (
            "terms_signed",
            "--terms-signed",
            args.terms_signed,
            &p.terms_signed,
        ),
        (
            "confidentiality_signed",
            "--confidentiality-signed",
            args.confidentiality_signed,
            &p.confidentiality_signed,
        ),
        (
            "acceptable_use_acknowledged",
            "--acceptable-use",
            args.acceptable_use,
            &p.acceptable_use_acknowledged,
        ),
    ];
    if fields.iter().all(|f| f.2.is_none()) && args.covered_by_supplier.is_none() {
        bail!(
            "give the dates to record: --screened, --terms-signed, --confidentiality-signed, --acceptable-use (or --covered-by-supplier for a contractor)"
        );
    }
    let path = [Step::key("people"), Step::id(&args.person)];
    let mut changes = ChangeSet::new();
    let e = changes.open(&args.common.dir, "isms.yaml")?;
    let mut recorded = Vec::new();
    for (field, flag, given, current) in fields {
        let Some(d) = given else { continue };
        if d > on {
            bail!(
                "{flag} {d} is after {on}: record a signature or check once it has happened; nothing was written"
            );
        }
        if let Some(c) = current
            && c.value.0 != d
        {
            bail!(
                "{} already has `{field}: {}`; the record of when it happened does not change (nothing was written)",
                args.person,
                c.value
            );
        }
        e.set_decided(&path, field, &Value::Date(d))?;
        recorded.push(field);
    }
    if let Some(s) = &args.covered_by_supplier {
        if !model.suppliers.iter().any(|x| x.id.value == *s) {
            let ids: Vec<&str> = model
                .suppliers
                .iter()
                .map(|x| x.id.value.as_str())
                .collect();
            let near = super::new::closest(&model, ids, s, "");
            bail!("--covered-by-supplier {s}: there is no supplier `{s}` in suppliers.yaml{near}");
        }
        e.set_decided(&path, "covered_by_supplier", &Value::str(s))?;
        recorded.push("covered_by_supplier");
    }
    super::new::typed::<crate::model::Manifest>(e)?;
    conclude(
        &args.common,
        &model,
        Decision {
            changes,
            subject: format!(
                "personnel records of {} ({})",
                args.person,
                recorded.join(", ")
            ),
            by: String::new(),
        },
    )
}
