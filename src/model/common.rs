//! Value types shared by every record: dates, approvals, references, levels.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde::{Serialize, Serializer};

use crate::yaml::Spanned;

/// A record id or a reference to one, with where it was written.
pub type Id = Spanned<String>;

/// A calendar date written as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        // jiff accepts more forms (with times); records are plain dates.
        if s.len() != 10 {
            return None;
        }
        s.parse::<jiff::civil::Date>().ok().map(Date)
    }

    /// The underlying civil date.
    pub fn civil(self) -> jiff::civil::Date {
        self.0
    }

    /// This date plus `months` calendar months (clamped at month end).
    ///
    /// Never panics: `Span::months` panics beyond jiff's span limits, so the checked builder is
    /// used, and a result past the end of the calendar saturates at the last date (the
    /// loader refuses such intervals anyway, see [`MAX_INTERVAL_MONTHS`]).
    pub fn add_months(self, months: u32) -> Date {
        jiff::Span::new()
            .try_months(i64::from(months))
            .ok()
            .and_then(|span| self.0.checked_add(span).ok())
            .map_or(Date(jiff::civil::Date::MAX), Date)
    }

    /// This date plus `days` days (negative goes back), saturating at either end of the
    /// calendar instead of panicking.
    pub fn add_days(self, days: i64) -> Date {
        let edge = if days < 0 {
            jiff::civil::Date::MIN
        } else {
            jiff::civil::Date::MAX
        };
        jiff::Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| self.0.checked_add(span).ok())
            .map_or(Date(edge), Date)
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        self.0
            .until((jiff::Unit::Day, later.0))
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0)
    }
}

/// Longest interval in months a record may declare (100 years). Intervals feed date arithmetic
/// (review due dates, cadences); a larger value is a typo, and beyond jiff's span limits it
/// would not even be a date.
pub const MAX_INTERVAL_MONTHS: u32 = 1200;

/// Longest interval in days a record may declare (100 years), for the same reason.
pub const MAX_INTERVAL_DAYS: u32 = 36_525;

fn interval_error<E: de::Error>(value: u32, max: u32, unit: &str) -> E {
    E::custom(format!(
        "{value} {unit} is out of range\u{0}give a number of {unit} from 0 to {max} ({} years); \
         a larger interval is almost certainly a typo",
        max / if unit == "months" { 12 } else { 365 }
    ))
}

/// Reads an interval in months, refusing values above [`MAX_INTERVAL_MONTHS`] with a located
/// error (`#[serde(deserialize_with)]` on `u32` fields).
pub fn interval_months<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v > MAX_INTERVAL_MONTHS {
        return Err(interval_error(v, MAX_INTERVAL_MONTHS, "months"));
    }
    Ok(v)
}

/// A number of months, from 0 to 1200 (100 years).
// Read with [`interval_months`] for the values of a mapping, where `deserialize_with` cannot
// reach, so an out-of-range value is reported where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Months(pub u32);

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        interval_months(d).map(Months)
    }
}

/// Reads an interval in days, refusing values above [`MAX_INTERVAL_DAYS`].
pub fn interval_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v > MAX_INTERVAL_DAYS {
        return Err(interval_error(v, MAX_INTERVAL_DAYS, "days"));
    }
    Ok(v)
}

/// [`interval_months`] for optional, located fields (`review_months`, `frequency_months`).
pub fn opt_interval_months<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<u32>>, D::Error> {
    let v = Option::<Spanned<u32>>::deserialize(d)?;
    if let Some(m) = &v
        && m.value > MAX_INTERVAL_MONTHS
    {
        return Err(interval_error(m.value, MAX_INTERVAL_MONTHS, "months"));
    }
    Ok(v)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "invalid date `{s}`\u{0}write dates as YYYY-MM-DD with a real calendar day, e.g. 2025-03-31"
            ))
        })
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // The pattern, not only `format`, because most validators treat formats as notes.
        schemars::json_schema!({
            "description": "A calendar date written as YYYY-MM-DD, without a time.",
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

/// Who approved a document or decision, and when (7.5.2 c). Either part may still be empty
/// in a fresh scaffold: `isms check` reports it as a to-do, never invents it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Person id of the approver.
    #[serde(default)]
    pub by: Option<Id>,
    /// Date of the approval.
    #[serde(default)]
    pub on: Option<Spanned<Date>>,
    /// Where the approval is recorded (meeting minutes, ticket, pull request).
    #[serde(default)]
    pub record: Option<String>,
}

impl Approval {
    /// Both approver and date are given.
    pub fn is_complete(&self) -> bool {
        self.by.is_some() && self.on.is_some()
    }
}

/// Acceptance of a residual risk by its owner (6.1.3 f).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Person id of whoever accepted: the risk owner, or the acceptance authority the
    /// methodology names for the risk's level.
    #[serde(default)]
    pub by: Option<Id>,
    /// Further people who accepted the same risk in the same decision (e.g. the owner and
    /// top management together).
    #[serde(default)]
    pub also_by: Vec<Id>,
    /// The risk owner on whose behalf an escalated authority accepted.
    #[serde(default)]
    pub on_behalf_of: Option<Id>,
    /// Date of acceptance.
    #[serde(default)]
    pub on: Option<Spanned<Date>>,
    /// Why the remaining risk is acceptable.
    #[serde(default)]
    pub rationale: Option<Spanned<String>>,
    /// Date by which the acceptance lapses and must be renewed (optional).
    #[serde(default)]
    pub until: Option<Spanned<Date>>,
}

impl Acceptance {
    /// Everyone recorded as accepting: `by` and `also_by`.
    pub fn acceptors(&self) -> impl Iterator<Item = &Id> {
        self.by.iter().chain(self.also_by.iter())
    }
}

/// Confidentiality, integrity, availability.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SecurityProperty {
    /// C.
    Confidentiality,
    /// I.
    Integrity,
    /// A.
    Availability,
}

/// How often something repeats, for metrics and activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every six months.
    #[serde(alias = "semi-annually")]
    HalfYearly,
    /// Every year.
    #[serde(alias = "annually")]
    Yearly,
}

impl Frequency {
    /// The period in days (approximate for months), for freshness rules.
    pub fn days(self) -> i64 {
        match self {
            Frequency::Weekly => 7,
            Frequency::Monthly => 31,
            Frequency::Quarterly => 92,
            Frequency::HalfYearly => 183,
            Frequency::Yearly => 366,
        }
    }
}

/// Status of an action (treatment plan, review action, corrective action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Finished.
    #[serde(alias = "completed")]
    Done,
    /// Dropped (say why in the notes).
    Cancelled,
}

impl ActionStatus {
    /// Planned or in progress.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::InProgress)
    }
}

/// An action with an owner and a due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Optional id (e.g. `MR-2025-A3`).
    #[serde(default)]
    pub id: Option<Id>,
    /// What will be done.
    pub action: Spanned<String>,
    /// Person id responsible.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Target date.
    #[serde(default)]
    pub due: Option<Spanned<Date>>,
    /// Current status.
    #[serde(default = "default_planned")]
    pub status: Spanned<ActionStatus>,
    /// Date it was completed.
    #[serde(default)]
    pub completed: Option<Spanned<Date>>,
    /// Resources needed (people, budget, tools) (6.1.3 e, 6.2).
    #[serde(default)]
    pub resources: Option<String>,
    /// Controls the action puts in place (for a risk treatment action): SoA control ids.
    #[serde(default)]
    pub controls: Vec<Id>,
    /// Re-plans: each moves the due date with a reason (an overdue action with a recorded
    /// re-plan is not "stalled").
    #[serde(default)]
    pub replanned: Vec<Replan>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
}

fn default_planned() -> Spanned<ActionStatus> {
    Spanned::detached(ActionStatus::Planned)
}

/// A recorded change of a due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replan {
    /// When the re-plan was decided.
    pub on: Spanned<Date>,
    /// The new due date.
    pub due: Spanned<Date>,
    /// Why.
    pub reason: Spanned<String>,
    /// Who approved it (person id).
    #[serde(default)]
    pub by: Option<Id>,
}

impl Action {
    /// The due date in force: the latest re-plan, else the original.
    pub fn effective_due(&self) -> Option<Date> {
        self.replanned
            .last()
            .map(|r| r.due.value)
            .or(self.due.as_ref().map(|d| d.value))
    }
}

/// A pointer to evidence: a file in the repository or an external URL, with when it was
/// collected. Large evidence need not live in Git.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// Repository-relative path of an evidence file.
    #[serde(default)]
    pub path: Option<Spanned<String>>,
    /// URL of external evidence (ticket, dashboard, report).
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// What it shows.
    #[serde(default)]
    pub description: Option<String>,
    /// SHA-256 of the file (hex), to prove it has not changed since collection.
    #[serde(default)]
    pub sha256: Option<Spanned<String>>,
    /// When it was collected.
    #[serde(default)]
    pub collected: Option<Spanned<Date>>,
    /// When it stops being valid (a certificate, a pen-test report).
    #[serde(default)]
    pub expires: Option<Spanned<Date>>,
    /// What an automated scan recorded for this control (written by `isms evidence import`).
    #[serde(default)]
    pub scan: Option<Spanned<ScanResults>>,
}

/// The results of an automated scan for one control: how many of the scanner's checks passed
/// and failed. Checks the scanner reports as manual are not counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanResults {
    /// The scanner or export it came from: `prowler`, `powerpipe` or `github`.
    pub tool: Spanned<String>,
    /// Results that passed.
    #[serde(default)]
    pub passed: u32,
    /// Results that failed.
    #[serde(default)]
    pub failed: u32,
    /// The checks that failed, by the scanner's own names.
    #[serde(default)]
    pub failing: Vec<String>,
}

/// Fields every controlled Markdown document has (7.5.2): identification, version, owner,
/// approval and review.
pub trait Document {
    /// The document's id.
    fn id(&self) -> &Id;
    /// The document's title.
    fn title(&self) -> &Spanned<String>;
    /// Its version label.
    fn version(&self) -> Option<&Spanned<String>>;
    /// Person id of the owner.
    fn owner(&self) -> Option<&Id>;
    /// Its approval.
    fn approval(&self) -> &Approval;
    /// Months between reviews, if declared.
    fn review_months(&self) -> Option<u32>;
    /// Next review date, if declared.
    fn next_review(&self) -> Option<Date>;
    /// Where the document came from.
    fn doc_source(&self) -> &DocSource;
    /// Sets where the document came from (the loader does, after reading the front matter).
    fn set_doc_source(&mut self, source: DocSource);

    /// When the document is due for review: its explicit `next_review`, else its approval date
    /// plus its own `review_months` or, when it has none, `default_months` (the cadence in
    /// isms.yaml). `None` while it has never been approved.
    fn review_due(&self, default_months: u32) -> Option<Date> {
        review_due(
            self.next_review(),
            self.approval(),
            self.review_months(),
            default_months,
        )
    }
}

/// The one rule for a review date, shared by documents and the SoA.
pub fn review_due(
    next_review: Option<Date>,
    approval: &Approval,
    review_months: Option<u32>,
    default_months: u32,
) -> Option<Date> {
    next_review.or_else(|| {
        let on = approval.on.as_ref()?.value;
        Some(on.add_months(review_months.unwrap_or(default_months)))
    })
}

/// Where a Markdown document was loaded from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocSource {
    /// Repository-relative path.
    pub path: String,
    /// File id in the source map.
    #[serde(skip)]
    pub file: crate::source::FileId,
    /// The Markdown body after the front matter.
    pub body: String,
    /// 1-based line where the body starts.
    pub body_line: u32,
    /// The Markdown headings of the body, in order, so rules can tell which sections a
    /// document has without reading the file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

/// A heading of a Markdown body and whether any text follows it before the next heading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The heading text without the leading `#` marks, trimmed.
    pub heading: String,
    /// Heading level (1 for `#`).
    pub level: u8,
    /// 1-based line of the heading in the file.
    pub line: u32,
    /// Whether the section has text of its own (anything but blank lines) before the next
    /// heading of any level.
    pub has_text: bool,
}

/// Finds the ATX headings (`## Title`) of a Markdown body outside fenced code blocks.
pub fn sections(body: &str, body_line: u32) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, raw) in body.lines().enumerate() {
        let line = raw.trim_start();
        let marker = if line.starts_with("```") {
            Some("```")
        } else if line.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        if let Some(m) = marker {
            fence = match fence {
                Some(f) if f == m => None,
                None => Some(m),
                other => other,
            };
            if let Some(last) = out.last_mut() {
                last.has_text = true;
            }
            continue;
        }
        if fence.is_none() && raw.starts_with('#') {
            let level = raw.chars().take_while(|c| *c == '#').count();
            let rest = &raw[level..];
            if (1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
                let heading = rest.trim().trim_end_matches('#').trim().to_string();
                let n = u32::try_from(i).unwrap_or(u32::MAX);
                out.push(Section {
                    heading,
                    level: u8::try_from(level).unwrap_or(6),
                    line: body_line.saturating_add(n),
                    has_text: false,
                });
                continue;
            }
        }
        if !line.is_empty()
            && let Some(last) = out.last_mut()
        {
            last.has_text = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = Date::parse("2025-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2025-02-28");
        assert_eq!(d.days_until(Date::parse("2025-02-10").unwrap()), 10);
        assert!(Date::parse("2025-02-30").is_none());
        assert!(Date::parse("2025-1-3").is_none());
        assert!(Date::parse("31/01/2025").is_none());
    }

    #[test]
    fn date_arithmetic_saturates_instead_of_panicking() {
        let d = Date::parse("2025-01-31").unwrap();
        let max = Date(jiff::civil::Date::MAX);
        let min = Date(jiff::civil::Date::MIN);
        assert_eq!(d.add_months(239_977), max);
        assert_eq!(d.add_months(u32::MAX), max);
        assert_eq!(d.add_days(9_999_999), max);
        assert_eq!(d.add_days(i64::MAX), max);
        assert_eq!(d.add_days(i64::MIN), min);
        assert_eq!(max.add_days(1), max);
        assert_eq!(d.add_days(-1).to_string(), "2025-01-30");
    }

    #[test]
    fn sections_of_a_body() {
        let body =
            "# Title\n\n## Ziele\nText.\n\n```\n# not a heading\n```\n## Leer\n\n### Unter\nx\n";
        let s = sections(body, 10);
        let h: Vec<(&str, u8, u32, bool)> = s
            .iter()
            .map(|x| (x.heading.as_str(), x.level, x.line, x.has_text))
            .collect();
        assert_eq!(
            h,
            vec![
                ("Title", 1, 10, false),
                ("Ziele", 2, 12, true),
                ("Leer", 2, 18, false),
                ("Unter", 3, 20, true)
            ]
        );
    }
}
