//! The Annex A control catalogue of ISO/IEC 27001:2022 and the mapping from the 2013 edition.
//!
//! Data sources, embedded at compile time from `data/`:
//! - `annex-a-2022.csv`: the 93 control ids and titles of ISO/IEC 27001:2022 Annex A, with the
//!   five attribute families of ISO/IEC 27002:2022 (control type, security properties,
//!   cybersecurity concepts, operational capabilities, security domains);
//! - `mapping-2013-2022.csv`: the 114 ISO/IEC 27001:2013 Annex A controls and the 2022
//!   control(s) each one became;
//! - `guidance.txt`: one or two sentences per control in this project's own words.
//!
//! Control ids are text: always compare and sort them with
//! [`compare_ids`](crate::catalogue::compare_ids), never as strings or
//! floats ("5.10" follows "5.9" and is not "5.1").

use std::cmp::Ordering;
use std::sync::LazyLock;

use serde::Serialize;

mod data;
mod ids;

pub use data::DataError;
pub use ids::{compare_ids, is_2013_id, normalize_id};

/// The parsed catalogue, built on first use.
static CATALOGUE: LazyLock<Result<data::Catalogue, DataError>> = LazyLock::new(data::load);

/// The error that stopped the embedded data from loading, if any.
///
/// Never expected in a released binary (unit tests parse the data on every build), but the
/// catalogue does not panic: when this returns `Some`, [`controls`] is empty and every lookup
/// returns `None`. Commands that depend on the catalogue should report this error.
pub fn data_error() -> Option<&'static DataError> {
    CATALOGUE.as_ref().err()
}

fn catalogue() -> Option<&'static data::Catalogue> {
    CATALOGUE.as_ref().ok()
}

/// The four themes of Annex A, one per clause of ISO/IEC 27002:2022.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Theme {
    /// Clause 5, organizational controls (37).
    Organizational,
    /// Clause 6, people controls (8).
    People,
    /// Clause 7, physical controls (14).
    Physical,
    /// Clause 8, technological controls (34).
    Technological,
}

impl Theme {
    /// All themes in clause order.
    pub const ALL: [Theme; 4] = [
        Theme::Organizational,
        Theme::People,
        Theme::Physical,
        Theme::Technological,
    ];

    /// The clause number of ISO/IEC 27002:2022 (and first part of the control ids): "5" to "8".
    pub fn clause(self) -> &'static str {
        match self {
            Theme::Organizational => "5",
            Theme::People => "6",
            Theme::Physical => "7",
            Theme::Technological => "8",
        }
    }

    /// The theme name as written in the catalogue: "Organizational", "People", ...
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Organizational => "Organizational",
            Theme::People => "People",
            Theme::Physical => "Physical",
            Theme::Technological => "Technological",
        }
    }

    /// Parses a theme name case-insensitively; also accepts the British "organisational" and
    /// the clause number ("5" to "8").
    pub fn parse(s: &str) -> Option<Theme> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "organizational" | "organisational" | "5" => Some(Theme::Organizational),
            "people" | "6" => Some(Theme::People),
            "physical" | "7" => Some(Theme::Physical),
            "technological" | "8" => Some(Theme::Technological),
            _ => None,
        }
    }
}

impl std::fmt::Display for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five attribute families that ISO/IEC 27002:2022 assigns to each control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// Preventive, detective, corrective.
    ControlType,
    /// Confidentiality, integrity, availability.
    SecurityProperty,
    /// Identify, protect, detect, respond, recover.
    CybersecurityConcept,
    /// Governance, asset management, ... (15 values).
    OperationalCapability,
    /// Governance and ecosystem, protection, defence, resilience.
    SecurityDomain,
}

/// Control type values, in the order ISO/IEC 27002:2022 lists them.
pub const CONTROL_TYPES: [&str; 3] = ["Preventive", "Detective", "Corrective"];
/// Information security property values.
pub const SECURITY_PROPERTIES: [&str; 3] = ["Confidentiality", "Integrity", "Availability"];
/// Cybersecurity concept values.
pub const CYBERSECURITY_CONCEPTS: [&str; 5] =
    ["Identify", "Protect", "Detect", "Respond", "Recover"];
/// Operational capability values, spelled as in the catalogue data.
pub const OPERATIONAL_CAPABILITIES: [&str; 15] = [
    "Governance",
    "Asset_management",
    "Information_protection",
    "Human_resource_security",
    "Physical_security",
    "System_and_network_security",
    "Application_security",
    "Secure_configuration",
    "Identity_and_access_management",
    "Threat_and_vulnerability_management",
    "Continuity",
    "Supplier_relationships_security",
    "Legal_and_compliance",
    "Information_security_event_management",
    "Information_security_assurance",
];
/// Security domain values, spelled as in the catalogue data.
pub const SECURITY_DOMAINS: [&str; 4] = [
    "Governance_and_Ecosystem",
    "Protection",
    "Defence",
    "Resilience",
];

impl Attribute {
    /// All attribute families in the order of the catalogue columns.
    pub const ALL: [Attribute; 5] = [
        Attribute::ControlType,
        Attribute::SecurityProperty,
        Attribute::CybersecurityConcept,
        Attribute::OperationalCapability,
        Attribute::SecurityDomain,
    ];

    /// Every valid value of this attribute, spelled as in the catalogue data.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Attribute::ControlType => &CONTROL_TYPES,
            Attribute::SecurityProperty => &SECURITY_PROPERTIES,
            Attribute::CybersecurityConcept => &CYBERSECURITY_CONCEPTS,
            Attribute::OperationalCapability => &OPERATIONAL_CAPABILITIES,
            Attribute::SecurityDomain => &SECURITY_DOMAINS,
        }
    }

    /// A lowercase human name for messages: "control type", "security property", ...
    pub fn label(self) -> &'static str {
        match self {
            Attribute::ControlType => "control type",
            Attribute::SecurityProperty => "security property",
            Attribute::CybersecurityConcept => "cybersecurity concept",
            Attribute::OperationalCapability => "operational capability",
            Attribute::SecurityDomain => "security domain",
        }
    }

    /// The canonical spelling of `input` as a value of this attribute, matched
    /// case-insensitively with spaces, hyphens and underscores treated alike
    /// (`"identity and access management"` → `"Identity_and_access_management"`).
    pub fn canonical_value(self, input: &str) -> Option<&'static str> {
        let wanted = fold_value(input);
        self.values()
            .iter()
            .copied()
            .find(|v| fold_value(v) == wanted)
    }
}

/// Lowercases and unifies word separators so attribute values compare loosely.
fn fold_value(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// The display form of an attribute value: underscores become spaces
/// (`Governance_and_Ecosystem` → `Governance and Ecosystem`).
pub fn display_value(value: &str) -> String {
    value.replace('_', " ")
}

/// One Annex A control of ISO/IEC 27001:2022 with its ISO/IEC 27002:2022 attributes.
///
/// Attribute values keep the catalogue spelling (`Governance_and_Ecosystem`); use
/// [`display_value`] to print them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The control id, e.g. "5.10" (text: never parse it as a number).
    pub id: String,
    /// The control title as listed in Annex A.
    pub title: String,
    /// The theme, which is also the first part of the id.
    pub theme: Theme,
    /// Preventive, Detective and/or Corrective.
    pub control_types: Vec<String>,
    /// Confidentiality, Integrity and/or Availability.
    pub security_properties: Vec<String>,
    /// Identify, Protect, Detect, Respond and/or Recover.
    pub cybersecurity_concepts: Vec<String>,
    /// Operational capabilities, e.g. `Identity_and_access_management`.
    pub operational_capabilities: Vec<String>,
    /// Security domains, e.g. `Governance_and_Ecosystem`.
    pub security_domains: Vec<String>,
    /// What the control means for a small or mid-sized SaaS company and what evidence an auditor
    /// usually asks for, in this project's own words.
    pub guidance: &'static str,
}

impl Control {
    /// The values of one attribute family.
    pub fn attribute(&self, attribute: Attribute) -> &[String] {
        match attribute {
            Attribute::ControlType => &self.control_types,
            Attribute::SecurityProperty => &self.security_properties,
            Attribute::CybersecurityConcept => &self.cybersecurity_concepts,
            Attribute::OperationalCapability => &self.operational_capabilities,
            Attribute::SecurityDomain => &self.security_domains,
        }
    }

    /// Whether this control carries `value` (matched loosely, see
    /// [`Attribute::canonical_value`]) in the given attribute family.
    pub fn has_attribute(&self, attribute: Attribute, value: &str) -> bool {
        attribute
            .canonical_value(value)
            .is_some_and(|v| self.attribute(attribute).iter().any(|have| have == v))
    }

    /// Whether this control was added in the 2022 edition (no 2013 predecessor).
    pub fn is_new_in_2022(&self) -> bool {
        is_new_in_2022(&self.id)
    }

    /// The alternative official spellings of this control's title, if any.
    pub fn title_variants(&self) -> &'static [&'static str] {
        title_variants(&self.id)
    }
}

/// One ISO/IEC 27001:2013 Annex A control and the 2022 control(s) that replace it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping2013 {
    /// The 2013 id in canonical form, e.g. "A.9.2.1".
    pub id_2013: String,
    /// The 2013 title.
    pub title_2013: String,
    /// The 2022 control ids that replace it (one, or two for A.18.2.3).
    pub ids_2022: Vec<String>,
    /// The titles of `ids_2022`, in the same order.
    pub titles_2022: Vec<String>,
}

/// All 93 controls in catalogue order (5.1, 5.2, ..., 5.9, 5.10, ..., 8.34).
pub fn controls() -> &'static [Control] {
    catalogue().map_or(&[], |c| c.controls.as_slice())
}

/// The control with this id, after [`normalize_id`] (so `A.8.5` finds 8.5). Exact match only:
/// "5.1" never finds 5.10.
pub fn get(id: &str) -> Option<&'static Control> {
    let cat = catalogue()?;
    cat.by_id.get(&normalize_id(id)).map(|&i| &cat.controls[i])
}

/// Official alternative spellings of control titles: ISO's own documents write these two both
/// ways, and records may use either.
const TITLE_VARIANTS: [(&str, &str); 2] = [
    ("8.1", "User endpoint devices"),
    ("8.25", "Secure development lifecycle"),
];

fn title_variants(id: &str) -> &'static [&'static str] {
    match id {
        "8.1" => &[TITLE_VARIANTS[0].1],
        "8.25" => &[TITLE_VARIANTS[1].1],
        _ => &[],
    }
}

/// Lowercases and collapses whitespace so titles compare the way a person reads them.
fn fold_title(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `title` is the title of control `id`: case-insensitive, whitespace-normalised, and
/// accepting the official variants "User endpoint devices" (8.1) and "Secure development
/// lifecycle" (8.25) as well as the catalogue spellings. False for an unknown id.
pub fn title_matches(id: &str, title: &str) -> bool {
    let Some(control) = get(id) else { return false };
    let wanted = fold_title(title);
    fold_title(&control.title) == wanted
        || control
            .title_variants()
            .iter()
            .any(|v| fold_title(v) == wanted)
}

/// The 2013 control with this id (`A.9.2.1` or `9.2.1`), with the 2022 control(s) that replace it.
pub fn map_2013(id: &str) -> Option<&'static Mapping2013> {
    let cat = catalogue()?;
    let key = ids::canonical_2013(id)?;
    cat.mapping_by_id.get(&key).map(|&i| &cat.mapping[i])
}

/// All 2013 controls (114) in 2013 catalogue order.
pub fn mappings_2013() -> &'static [Mapping2013] {
    catalogue().map_or(&[], |c| c.mapping.as_slice())
}

/// The 2013 controls that the 2022 control `id_2022` replaces, in 2013 order. Empty for the
/// controls new in 2022 and for unknown ids.
pub fn predecessors_2013(id_2022: &str) -> Vec<&'static Mapping2013> {
    let id = normalize_id(id_2022);
    mappings_2013()
        .iter()
        .filter(|m| m.ids_2022.contains(&id))
        .collect()
}

/// The 11 controls added in ISO/IEC 27001:2022, which have no 2013 predecessor.
pub const NEW_IN_2022: [&str; 11] = [
    "5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28",
];

/// Whether control `id` (after [`normalize_id`]) is one of the 11 added in 2022.
pub fn is_new_in_2022(id: &str) -> bool {
    let id = normalize_id(id);
    NEW_IN_2022.contains(&id.as_str())
}

/// Sorts controls (or anything keyed by a control id) in catalogue order. A convenience over
/// [`compare_ids`] for `sort_by`.
pub fn cmp_controls(a: &Control, b: &Control) -> Ordering {
    compare_ids(&a.id, &b.id)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn embedded_data_parses() {
        assert!(data_error().is_none(), "{:?}", data_error());
    }

    #[test]
    fn exactly_93_controls_per_theme() {
        assert_eq!(controls().len(), 93);
        let count = |t| controls().iter().filter(|c| c.theme == t).count();
        assert_eq!(count(Theme::Organizational), 37);
        assert_eq!(count(Theme::People), 8);
        assert_eq!(count(Theme::Physical), 14);
        assert_eq!(count(Theme::Technological), 34);
        for c in controls() {
            assert!(
                c.id.starts_with(&format!("{}.", c.theme.clause())),
                "{}",
                c.id
            );
        }
    }

    #[test]
    fn mapping_has_114_rows() {
        assert_eq!(mappings_2013().len(), 114);
    }

    #[test]
    fn ids_are_unique() {
        let ids: HashSet<&str> = controls().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), 93);
        let ids_2013: HashSet<&str> = mappings_2013().iter().map(|m| m.id_2013.as_str()).collect();
        assert_eq!(ids_2013.len(), 114);
    }

    #[test]
    fn catalogue_order_is_numeric() {
        let ids: Vec<&str> = controls().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            &ids[..11],
            [
                "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10", "5.11"
            ]
        );
        assert_eq!(ids.last(), Some(&"8.34"));
        let pos = |id| ids.iter().position(|i| *i == id);
        assert!(pos("5.9") < pos("5.10"));
        assert!(pos("5.37") < pos("6.1"));
        assert!(
            ids.windows(2)
                .all(|w| compare_ids(w[0], w[1]) == Ordering::Less)
        );
    }

    #[test]
    fn get_is_exact_after_normalising() {
        assert_eq!(
            get("5.10").map(|c| c.title.as_str()),
            Some("Acceptable use of information and other associated assets")
        );
        assert_eq!(
            get("5.1").map(|c| c.title.as_str()),
            Some("Policies for information security")
        );
        assert_eq!(get("A.8.5").map(|c| c.id.as_str()), Some("8.5"));
        assert_eq!(get(" A 5.10 ").map(|c| c.id.as_str()), Some("5.10"));
        assert!(get("5.38").is_none());
        assert!(get("9.1").is_none());
        assert!(get("A.9.2.1").is_none());
        assert!(get("").is_none());
    }

    #[test]
    fn attributes_follow_the_csv() {
        let c = get("5.37").unwrap();
        assert_eq!(c.control_types, ["Preventive", "Corrective"]);
        assert_eq!(c.operational_capabilities.len(), 9);
        assert_eq!(
            c.security_domains,
            ["Governance_and_Ecosystem", "Protection", "Defence"]
        );
        let c = get("8.5").unwrap();
        assert_eq!(c.theme, Theme::Technological);
        assert_eq!(
            c.operational_capabilities,
            ["Identity_and_access_management"]
        );
        assert!(c.has_attribute(
            Attribute::OperationalCapability,
            "identity and access MANAGEMENT"
        ));
        assert!(!c.has_attribute(Attribute::ControlType, "detective"));
        assert!(!c.has_attribute(Attribute::ControlType, "nonsense"));
        assert_eq!(get("5.30").unwrap().security_properties, ["Availability"]);
    }

    #[test]
    fn attribute_values_match_loosely() {
        assert_eq!(
            Attribute::SecurityDomain.canonical_value("governance and ecosystem"),
            Some("Governance_and_Ecosystem")
        );
        assert_eq!(
            Attribute::SecurityDomain.canonical_value("Governance_and_Ecosystem"),
            Some("Governance_and_Ecosystem")
        );
        assert_eq!(
            Attribute::ControlType.canonical_value(" PREVENTIVE "),
            Some("Preventive")
        );
        assert_eq!(
            Attribute::OperationalCapability.canonical_value("legal-and-compliance"),
            Some("Legal_and_compliance")
        );
        assert_eq!(Attribute::ControlType.canonical_value("protective"), None);
        assert_eq!(
            display_value("Governance_and_Ecosystem"),
            "Governance and Ecosystem"
        );
    }

    #[test]
    fn every_vocabulary_value_is_used() {
        // Guards against a constant with a value that no control carries (a typo filters nothing).
        for attribute in Attribute::ALL {
            for v in attribute.values() {
                assert!(
                    controls()
                        .iter()
                        .any(|c| c.attribute(attribute).iter().any(|x| x == v)),
                    "{v}"
                );
            }
        }
    }

    #[test]
    fn themes() {
        assert_eq!(Theme::Organizational.clause(), "5");
        assert_eq!(Theme::Technological.clause(), "8");
        assert_eq!(Theme::People.as_str(), "People");
        assert_eq!(Theme::parse("organisational"), Some(Theme::Organizational));
        assert_eq!(Theme::parse("PHYSICAL"), Some(Theme::Physical));
        assert_eq!(Theme::parse("7"), Some(Theme::Physical));
        assert_eq!(Theme::parse("tech"), None);
        assert_eq!(serde_json::to_string(&Theme::People).unwrap(), "\"People\"");
    }

    #[test]
    fn titles_match_with_variants() {
        assert!(title_matches("5.1", "Policies for information security"));
        assert!(title_matches(
            "A.5.1",
            "  policies   FOR information\tsecurity "
        ));
        assert!(!title_matches("5.10", "Policies for information security"));
        assert!(title_matches("8.1", "User end point devices"));
        assert!(title_matches("8.1", "User endpoint devices"));
        assert!(title_matches("8.25", "Secure development life cycle"));
        assert!(title_matches("8.25", "secure development lifecycle"));
        assert!(!title_matches("8.24", "Secure development lifecycle"));
        assert!(!title_matches("9.99", "Anything"));
    }

    #[test]
    fn maps_2013_ids() {
        let m = map_2013("A.9.2.1").unwrap();
        assert_eq!(m.title_2013, "User registration and de-registration");
        assert_eq!(m.ids_2022, ["5.16"]);
        assert_eq!(m.titles_2022, ["Identity management"]);
        let m = map_2013("12.3.1").unwrap();
        assert_eq!(m.id_2013, "A.12.3.1");
        assert_eq!(m.ids_2022, ["8.13"]);
        let m = map_2013("A.18.2.3").unwrap();
        assert_eq!(m.ids_2022, ["5.36", "8.8"]);
        assert!(map_2013("A.9.9.9").is_none());
        assert!(map_2013("5.1").is_none());
    }

    #[test]
    fn predecessors_are_the_reverse_mapping() {
        let ids = |id| {
            predecessors_2013(id)
                .iter()
                .map(|m| m.id_2013.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("8.15"), ["A.12.4.1", "A.12.4.2", "A.12.4.3"]);
        assert_eq!(ids("A.8.5"), ["A.9.4.2"]);
        assert_eq!(ids("8.8"), ["A.12.6.1", "A.18.2.3"]);
        assert!(ids("5.7").is_empty());
        assert!(ids("nope").is_empty());
        // 2013 order is numeric too: A.9.x before A.10.x.
        let ids_2013: Vec<&str> = mappings_2013().iter().map(|m| m.id_2013.as_str()).collect();
        assert!(
            ids_2013
                .windows(2)
                .all(|w| compare_ids(w[0], w[1]) == Ordering::Less)
        );
    }

    #[test]
    fn new_in_2022_are_exactly_the_controls_without_predecessor() {
        let without: Vec<&str> = controls()
            .iter()
            .filter(|c| predecessors_2013(&c.id).is_empty())
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(without, NEW_IN_2022);
        assert!(is_new_in_2022("A.5.7"));
        assert!(!is_new_in_2022("5.1"));
        assert!(get("8.28").unwrap().is_new_in_2022());
    }

    #[test]
    fn every_control_has_short_own_guidance() {
        let mut seen = HashSet::new();
        for c in controls() {
            let g = c.guidance;
            assert!(g.len() >= 60, "{}: guidance too short", c.id);
            assert!(
                g.ends_with('.'),
                "{}: guidance must end with a full stop",
                c.id
            );
            // At most two sentences: one sentence break at most.
            let breaks = g.matches(". ").count();
            assert!(
                breaks <= 1,
                "{}: guidance has more than two sentences",
                c.id
            );
            assert!(seen.insert(g), "{}: guidance duplicated", c.id);
        }
        assert_eq!(seen.len(), 93);
    }
}
