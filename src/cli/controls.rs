//! `isms controls`: list the 93 Annex A controls with filters, or show one control.
//!
//! Also answers for ISO/IEC 27001:2013 ids (`isms controls A.9.2.1`), because old statements of
//! applicability are full of them and the first question is always "what is this now?".

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Context as _;
use clap::ValueEnum;
use serde::Serialize;

use super::{Global, Status};
use crate::catalogue::{self, Attribute, Control, Mapping2013, Theme};
use crate::diagnostic::did_you_mean;
use crate::views::control::ControlDecision;
use crate::views::risks::Level;

/// Width at which guidance text is wrapped in the human output.
const WRAP: usize = 88;

/// Output format of `isms controls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// A stable JSON array (or one object when an id is given) with every attribute.
    Json,
    /// CSV with one row per control; multi-valued attributes joined with `;`.
    Csv,
}

/// Arguments of `isms controls`.
///
/// Filters combine: a control is listed only when it matches all of them. Filter values are
/// case-insensitive and accept spaces or underscores (`--capability "asset management"`).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Filters combine: a control is listed only when it matches all of them. Values are \
                  case-insensitive, and spaces and underscores are interchangeable.\n\n\
                  Examples:\n  isms controls --theme people\n  isms controls 5.15"
)]
pub struct Args {
    /// Show one control (`8.5`, `A.8.5`), or what replaced an ISO/IEC 27001:2013 control (`A.9.2.1`).
    // Conflicts are listed one by one rather than with the group so that clap's error names
    // only the filter actually given.
    #[arg(
        value_name = "ID",
        conflicts_with_all = ["theme", "control_type", "property", "concept", "capability", "domain", "new"]
    )]
    pub id: Option<String>,
    /// Only controls of this theme: organizational, people, physical or technological.
    #[arg(long, value_name = "THEME", value_parser = parse_theme)]
    pub theme: Option<Theme>,
    /// Only controls of this control type: preventive, detective or corrective.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_control_type)]
    pub control_type: Option<&'static str>,
    /// Only controls that protect this property: confidentiality, integrity or availability.
    #[arg(long, value_name = "PROPERTY", value_parser = parse_property)]
    pub property: Option<&'static str>,
    /// Only controls with this cybersecurity concept: identify, protect, detect, respond or recover.
    #[arg(long, value_name = "CONCEPT", value_parser = parse_concept)]
    pub concept: Option<&'static str>,
    /// Only controls with this operational capability (e.g. "asset management"; an unknown
    /// value lists all 15).
    #[arg(long, value_name = "NAME", value_parser = parse_capability)]
    pub capability: Option<&'static str>,
    /// Only controls in this security domain: governance and ecosystem, protection, defence or
    /// resilience.
    #[arg(long, value_name = "NAME", value_parser = parse_domain)]
    pub domain: Option<&'static str>,
    /// Only the 11 controls added in the 2022 edition.
    #[arg(long)]
    pub new: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With an ID: also show this ISMS's decision about the control (the SoA entry, risks,
    /// documents, evidence, findings). Defaults to the current folder when it holds isms.yaml.
    #[arg(long, value_name = "DIR", requires = "id")]
    pub dir: Option<std::path::PathBuf>,
    /// The day evidence ages and the check findings are computed for, instead of today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<jiff::civil::Date>,
}

/// The ISMS a control is looked up in: its model and the outcome of `isms check` on it.
struct Here {
    dir: std::path::PathBuf,
    loaded: crate::loader::Loaded,
    outcome: crate::checks::Outcome,
    as_of: crate::model::Date,
}

impl Here {
    /// The ISMS given with `--dir`, or the current folder when it holds `isms.yaml`; `None`
    /// outside an ISMS, where the command shows the catalogue only, as before.
    fn find(args: &Args, global: &Global) -> anyhow::Result<Option<Here>> {
        let dir = match &args.dir {
            Some(d) => d.clone(),
            None if std::path::Path::new("isms.yaml").is_file() => std::path::PathBuf::from("."),
            None => return Ok(None),
        };
        let loaded = super::term::load(&dir, None)?;
        let as_of = super::evaluation_date(args.as_of, &loaded.model, global)?;
        // The Git evidence rules are about approvals, not controls: not run, to stay quick.
        let outcome = crate::checks::check_loaded(&loaded, &[], as_of);
        Ok(Some(Here {
            dir,
            loaded,
            outcome,
            as_of: crate::model::Date(as_of),
        }))
    }

    fn decision(&self, id: &str) -> ControlDecision {
        crate::views::control::decision(&self.loaded.model, &self.outcome, id, self.as_of)
    }
}

/// The list of valid values shown when a filter value is unknown: lowercase, with underscores
/// so each can be pasted into a shell unquoted.
fn valid_values(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| v.to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_theme(s: &str) -> Result<Theme, String> {
    Theme::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown theme; valid values: {}", valid_values(&names))
    })
}

fn parse_attribute(attribute: Attribute, s: &str) -> Result<&'static str, String> {
    attribute.canonical_value(s).ok_or_else(|| {
        format!(
            "unknown {}; valid values: {}",
            attribute.label(),
            valid_values(attribute.values())
        )
    })
}

fn parse_control_type(s: &str) -> Result<&'static str, String> {
    parse_attribute(Attribute::ControlType, s)
}

fn parse_property(s: &str) -> Result<&'static str, String> {
    parse_attribute(Attribute::SecurityProperty, s)
}

fn parse_concept(s: &str) -> Result<&'static str, String> {
    parse_attribute(Attribute::CybersecurityConcept, s)
}

fn parse_capability(s: &str) -> Result<&'static str, String> {
    parse_attribute(Attribute::OperationalCapability, s)
}

fn parse_domain(s: &str) -> Result<&'static str, String> {
    parse_attribute(Attribute::SecurityDomain, s)
}

impl Args {
    /// Whether `control` passes every filter given (filters combine with AND).
    fn matches(&self, control: &Control) -> bool {
        let attribute_filters = [
            (Attribute::ControlType, self.control_type),
            (Attribute::SecurityProperty, self.property),
            (Attribute::CybersecurityConcept, self.concept),
            (Attribute::OperationalCapability, self.capability),
            (Attribute::SecurityDomain, self.domain),
        ];
        self.theme.is_none_or(|t| control.theme == t)
            && (!self.new || control.is_new_in_2022())
            && attribute_filters.iter().all(|(attribute, value)| {
                value.is_none_or(|v| control.attribute(*attribute).iter().any(|have| have == v))
            })
    }
}

/// Runs `isms controls`.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    if let Some(err) = catalogue::data_error() {
        return Err(anyhow::Error::new(err).context("the built-in control catalogue is damaged"));
    }
    let style = Style {
        color: global.color.enabled(false),
    };
    let here = if args.id.is_some() {
        Here::find(&args, global)?
    } else {
        None
    };
    let out = match &args.id {
        Some(id) => show(id, args.format, style, here.as_ref())?,
        None => list(&args, style)?,
    };
    write_stdout(&out)?;
    Ok(Status::Success)
}

/// Writes the whole output at once; a closed pipe (`isms controls | head`) is not an error.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

/// ANSI styling, applied only when colour is enabled.
#[derive(Debug, Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn bold(self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn dim(self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The JSON/CSV view of a control: the catalogue entry plus what is derived from the mapping.
#[derive(Debug, Serialize)]
struct ControlView {
    #[serde(flatten)]
    control: &'static Control,
    /// Added in the 2022 edition.
    new_in_2022: bool,
    /// The 2013 ids this control replaces.
    predecessors_2013: Vec<&'static str>,
}

impl ControlView {
    fn new(control: &'static Control) -> Self {
        ControlView {
            control,
            new_in_2022: control.is_new_in_2022(),
            predecessors_2013: catalogue::predecessors_2013(&control.id)
                .iter()
                .map(|m| m.id_2013.as_str())
                .collect(),
        }
    }
}

/// Column names of the CSV output; the attribute columns match the embedded catalogue CSV.
const CSV_HEADER: [&str; 11] = [
    "id",
    "title",
    "theme",
    "control_type",
    "security_properties",
    "cybersecurity_concepts",
    "operational_capabilities",
    "security_domains",
    "new_in_2022",
    "predecessors_2013",
    "guidance",
];

fn csv_output<I, R>(header: &[&str], rows: I) -> anyhow::Result<String>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
    Ok(String::from_utf8(bytes)?)
}

fn control_csv_row(view: &ControlView) -> Vec<String> {
    let c = view.control;
    vec![
        c.id.clone(),
        c.title.clone(),
        c.theme.as_str().to_string(),
        c.control_types.join(";"),
        c.security_properties.join(";"),
        c.cybersecurity_concepts.join(";"),
        c.operational_capabilities.join(";"),
        c.security_domains.join(";"),
        view.new_in_2022.to_string(),
        view.predecessors_2013.join(";"),
        c.guidance.to_string(),
    ]
}

fn list(args: &Args, style: Style) -> anyhow::Result<String> {
    let all = catalogue::controls();
    let selected: Vec<&'static Control> = all.iter().filter(|c| args.matches(c)).collect();
    match args.format {
        Format::Json => {
            let views: Vec<ControlView> = selected.into_iter().map(ControlView::new).collect();
            Ok(serde_json::to_string_pretty(&views)? + "\n")
        }
        Format::Csv => csv_output(
            &CSV_HEADER,
            selected
                .into_iter()
                .map(|c| control_csv_row(&ControlView::new(c))),
        ),
        Format::Table => {
            let filtered = selected.len() != all.len();
            let mut out = String::new();
            if selected.is_empty() {
                let _ = writeln!(out, "no control matches these filters (0 of {})", all.len());
                return Ok(out);
            }
            let id_w = selected
                .iter()
                .map(|c| c.id.len())
                .max()
                .unwrap_or(0)
                .max("ID".len());
            let title_w = selected
                .iter()
                .map(|c| c.title.chars().count())
                .max()
                .unwrap_or(0)
                .max("TITLE".len());
            let header = format!("{:<id_w$}  {:<title_w$}  THEME", "ID", "TITLE");
            let _ = writeln!(out, "{}", style.bold(&header));
            for c in &selected {
                let _ = writeln!(out, "{:<id_w$}  {:<title_w$}  {}", c.id, c.title, c.theme);
            }
            let count = if filtered {
                format!("{} of {} controls", selected.len(), all.len())
            } else {
                format!("{} controls", all.len())
            };
            let _ = writeln!(out, "{}", style.dim(&count));
            Ok(out)
        }
    }
}

fn show(id: &str, format: Format, style: Style, here: Option<&Here>) -> anyhow::Result<String> {
    if let Some(control) = catalogue::get(id) {
        return show_control(control, format, style, here);
    }
    if catalogue::is_2013_id(id) {
        return match catalogue::map_2013(id) {
            Some(m) => show_2013(m, format, style),
            None => {
                let wanted = id.trim();
                let wanted = if wanted.starts_with(['A', 'a']) {
                    wanted.to_string()
                } else {
                    format!("A.{wanted}")
                };
                let hint = did_you_mean(
                    &wanted,
                    catalogue::mappings_2013()
                        .iter()
                        .map(|m| m.id_2013.as_str()),
                )
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
                anyhow::bail!(
                    "`{}` looks like an ISO/IEC 27001:2013 id, but 2013 Annex A has no such control{hint}",
                    id.trim()
                )
            }
        };
    }
    // A full title is also accepted, since that is what people often remember.
    if let Some(control) = catalogue::controls()
        .iter()
        .find(|c| catalogue::title_matches(&c.id, id))
    {
        return show_control(control, format, style, here);
    }
    anyhow::bail!("unknown Annex A control `{}`{}", id.trim(), suggestion(id))
}

/// "; did you mean `5.9` (Inventory of ...)?" for an unknown id or title, or an invitation to
/// list the controls.
fn suggestion(input: &str) -> String {
    let controls = catalogue::controls();
    let normalized = catalogue::normalize_id(input);
    let by_id = did_you_mean(&normalized, controls.iter().map(|c| c.id.as_str()));
    let found = by_id.and_then(catalogue::get).or_else(|| {
        // Not close to any id: try the titles, compared in lowercase.
        let lower: Vec<String> = controls.iter().map(|c| c.title.to_lowercase()).collect();
        let best = did_you_mean(
            &input.trim().to_lowercase(),
            lower.iter().map(String::as_str),
        )?;
        lower.iter().position(|t| t == best).map(|i| &controls[i])
    });
    match found {
        Some(c) => format!("; did you mean `{}` ({})?", c.id, c.title),
        None => format!("; run `isms controls` to list all {}", controls.len()),
    }
}

/// One control in JSON: the catalogue entry, and the ISMS's decision when run inside one.
#[derive(Debug, Serialize)]
struct ShownControl {
    #[serde(flatten)]
    view: ControlView,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<ControlDecision>,
}

fn show_control(
    control: &'static Control,
    format: Format,
    style: Style,
    here: Option<&Here>,
) -> anyhow::Result<String> {
    let view = ControlView::new(control);
    let decision = here.map(|h| h.decision(&control.id));
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&ShownControl { view, decision })? + "\n"),
        Format::Csv => csv_output(&CSV_HEADER, [control_csv_row(&view)]),
        Format::Table => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{}",
                style.bold(&format!("{} {}", control.id, control.title))
            );
            for variant in control.title_variants() {
                let _ = writeln!(
                    out,
                    "{}",
                    style.dim(&format!("(also written \"{variant}\")"))
                );
            }
            let _ = writeln!(out);
            let join = |values: &[String]| {
                values
                    .iter()
                    .map(|v| catalogue::display_value(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut rows = vec![
                (
                    "Theme",
                    format!("{} (clause {})", control.theme, control.theme.clause()),
                ),
                ("Control type", join(&control.control_types)),
                ("Security properties", join(&control.security_properties)),
                (
                    "Cybersecurity concepts",
                    join(&control.cybersecurity_concepts),
                ),
                (
                    "Operational capabilities",
                    join(&control.operational_capabilities),
                ),
                ("Security domains", join(&control.security_domains)),
            ];
            let predecessors = catalogue::predecessors_2013(&control.id);
            if control.is_new_in_2022() {
                rows.push((
                    "New in 2022",
                    "yes, no ISO/IEC 27001:2013 predecessor".to_string(),
                ));
            } else {
                let list: Vec<String> = predecessors
                    .iter()
                    .map(|m| format!("{} {}", m.id_2013, m.title_2013))
                    .collect();
                rows.push(("Replaces (2013)", list.join("\n")));
            }
            let label_w = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
            for (label, value) in rows {
                for (i, line) in value.lines().enumerate() {
                    let label = if i == 0 { label } else { "" };
                    let _ = writeln!(
                        out,
                        "  {}  {line}",
                        style.bold(&format!("{label:<label_w$}"))
                    );
                }
            }
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", style.bold("Guidance"));
            out.push_str(&wrap(control.guidance, WRAP, "  "));
            if let (Some(h), Some(d)) = (here, &decision) {
                let _ = writeln!(out);
                out.push_str(&decision_text(d, &h.dir, style));
            }
            Ok(out)
        }
    }
}

/// "High" or "High?" (a rating still to confirm), "-" when unrated.
fn level_text(l: Option<&Level>) -> String {
    match l {
        Some(l) if l.to_confirm => format!("{}?", l.label),
        Some(l) => l.label.clone(),
        None => "-".into(),
    }
}

/// "in 30 days", "12 days ago", "today".
fn days_text(n: i64) -> String {
    match n {
        0 => "today".into(),
        1 => "in 1 day".into(),
        -1 => "1 day ago".into(),
        n if n > 0 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// The decision section of `isms controls ID` inside an ISMS.
fn decision_text(d: &ControlDecision, dir: &std::path::Path, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!("In this ISMS ({})", dir.display()))
    );
    if !d.in_soa {
        let _ = writeln!(
            out,
            "  The Statement of Applicability does not list {}: decide it in soa.yaml.",
            d.id
        );
    }
    let mut rows: Vec<(&str, String)> = Vec::new();
    if d.in_soa {
        let decision = match d.applicable {
            Some(true) => "applicable",
            Some(false) => "excluded",
            None => "undecided (no `applicable:`)",
        };
        let proposed = if d.proposed {
            " (proposed, not yet confirmed)"
        } else {
            ""
        };
        rows.push(("Decision", format!("{decision}{proposed}")));
        if !d.reasons.is_empty() {
            rows.push(("Reasons", d.reasons.join(", ")));
        }
        rows.push((
            "Justification",
            d.justification.clone().unwrap_or_else(|| "-".into()),
        ));
        rows.push(("Status", d.status.clone().unwrap_or_else(|| "-".into())));
        rows.push(("Owner", d.owner.clone().unwrap_or_else(|| "-".into())));
        if let Some(i) = &d.implementation {
            rows.push(("Implementation", i.trim().to_string()));
        }
    }
    let risks: Vec<String> = d
        .risks
        .iter()
        .map(|r| {
            format!(
                "{} {} (inherent {}, residual {})",
                r.id,
                r.title,
                level_text(r.inherent.as_ref()),
                level_text(r.residual.as_ref())
            )
        })
        .collect();
    rows.push(("Risks", lines_or(&risks, "none linked")));
    let docs: Vec<String> = d
        .documents
        .iter()
        .map(|p| format!("{} {} ({})", p.id, p.title, p.path))
        .collect();
    rows.push((
        "Cited by",
        lines_or(&docs, "no policy or procedure lists it in `controls:`"),
    ));
    let evidence: Vec<String> = d
        .evidence
        .iter()
        .map(|e| {
            let mut s = e
                .what
                .clone()
                .or_else(|| e.description.clone())
                .unwrap_or_default();
            if let (Some(c), Some(a)) = (e.collected, e.age_days) {
                s.push_str(&format!(", collected {c} ({})", days_text(-a)));
            }
            if let (Some(x), Some(n)) = (e.expires, e.expires_in_days) {
                let verb = if n < 0 { "expired" } else { "expires" };
                s.push_str(&format!(", {verb} {x} ({})", days_text(n)));
            }
            s
        })
        .collect();
    rows.push(("Evidence", lines_or(&evidence, "none recorded")));
    let findings: Vec<String> = d
        .findings
        .iter()
        .map(|f| {
            let sev = format!("{:?}", f.severity).to_lowercase();
            let at = f
                .location
                .as_ref()
                .map_or_else(String::new, |l| format!(" [{l}]"));
            let waived = if f.waived { " (waived)" } else { "" };
            format!("{sev} {}: {}{at}{waived}", f.code, f.message)
        })
        .collect();
    rows.push(("Check", lines_or(&findings, "no findings")));
    let label_w = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, value) in rows {
        for (i, line) in value.lines().enumerate() {
            let label = if i == 0 { label } else { "" };
            let _ = writeln!(
                out,
                "  {}  {line}",
                style.bold(&format!("{label:<label_w$}"))
            );
        }
    }
    out
}

fn show_2013(m: &'static Mapping2013, format: Format, style: Style) -> anyhow::Result<String> {
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(m)? + "\n"),
        Format::Csv => csv_output(
            &["id_2013", "title_2013", "ids_2022", "titles_2022"],
            [vec![
                m.id_2013.clone(),
                m.title_2013.clone(),
                m.ids_2022.join(";"),
                m.titles_2022.join(";"),
            ]],
        ),
        Format::Table => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{}",
                style.bold(&format!("{} {}", m.id_2013, m.title_2013))
            );
            let _ = writeln!(
                out,
                "This is an ISO/IEC 27001:2013 Annex A id; the 2022 edition replaces it with:"
            );
            let id_w = m.ids_2022.iter().map(String::len).max().unwrap_or(0);
            for (id, title) in m.ids_2022.iter().zip(&m.titles_2022) {
                let _ = writeln!(out, "  {id:<id_w$}  {title}");
            }
            let first = m.ids_2022.first().map_or("", String::as_str);
            let _ = writeln!(
                out,
                "{}",
                style.dim(&format!(
                    "Show a 2022 control with `isms controls {first}`."
                ))
            );
            Ok(out)
        }
    }
}

/// Wraps `text` at `width` columns, prefixing every line with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// One item per line, or `none` when there is no item.
fn lines_or(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_width() {
        let text = "one two three four five six seven";
        let wrapped = wrap(text, 12, "  ");
        assert_eq!(wrapped, "  one two\n  three four\n  five six\n  seven\n");
        assert!(wrapped.lines().all(|l| l.len() <= 12));
        assert_eq!(wrap("", 10, "  "), "");
    }

    #[test]
    fn filter_values_are_loose_and_errors_list_values() {
        assert_eq!(parse_capability("Asset management"), Ok("Asset_management"));
        assert_eq!(
            parse_domain("GOVERNANCE_and ecosystem"),
            Ok("Governance_and_Ecosystem")
        );
        assert_eq!(parse_theme("Technological"), Ok(Theme::Technological));
        let err = parse_control_type("protective").unwrap_err();
        assert!(err.contains("preventive, detective, corrective"), "{err}");
        let err = parse_theme("cloud").unwrap_err();
        assert!(
            err.contains("organizational, people, physical, technological"),
            "{err}"
        );
    }

    #[test]
    fn unknown_ids_get_suggestions() {
        assert!(
            suggestion("5.99").contains("`5.9`"),
            "{}",
            suggestion("5.99")
        );
        assert!(suggestion("secure authentification").contains("`8.5`"));
        assert!(suggestion("zzz").contains("isms controls"));
    }
}
