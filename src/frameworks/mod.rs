//! Other frameworks seen through one ISMS: NIST CSF 2.0 and the NIS2 Implementing Regulation
//! (EU) 2024/2690 are embedded with their published mappings to ISO/IEC 27001:2022; an
//! organisation may load mappings of its own (SOC 2, CIS, internal catalogues) from CSV files
//! in its repository.
//!
//! Every mapping relation says the requirement and the ISO reference share content
//! ("intersect"): a mapped control is relevant evidence for the requirement, never proof that
//! the requirement is fulfilled. The coverage computed in [`coverage`] keeps to that wording.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;

pub mod coverage;
pub mod custom;

pub use coverage::{
    AnswerView, Coverage, CoverageClass, RefDecision, RequirementCoverage, SectionRollup,
};

/// How a requirement relates to an ISO/IEC 27001:2022 reference (the set-theory relationships
/// of NIST IR 8278A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    /// Same content.
    Equal,
    /// The requirement is contained in the ISO reference.
    Subset,
    /// The requirement contains the ISO reference.
    Superset,
    /// They share some content.
    Intersect,
}

impl Relationship {
    /// Parses the CSV word (case-insensitive).
    pub fn parse(s: &str) -> Option<Relationship> {
        match s.trim().to_ascii_lowercase().as_str() {
            "equal" => Some(Relationship::Equal),
            "subset" => Some(Relationship::Subset),
            "superset" => Some(Relationship::Superset),
            "intersect" => Some(Relationship::Intersect),
            _ => None,
        }
    }

    /// The CSV word.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersect => "intersect",
        }
    }
}

/// An ISO/IEC 27001:2022 reference: a clause of 4-10 or an Annex A control.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum IsoRef {
    /// A clause, e.g. `6.1.2`.
    Clause(String),
    /// An Annex A control id without the `A.` prefix, e.g. `5.15`.
    Control(String),
}

impl IsoRef {
    /// Parses `A.5.15` (also `5.15` when it is a control of the catalogue and not a clause
    /// written the same way is meant: only with the `A.` prefix is it a control) or a clause
    /// `6.1.2` of 4-10.
    pub fn parse(s: &str) -> Result<IsoRef, String> {
        let s = s.trim();
        if let Some(c) = s.strip_prefix("A.").or_else(|| s.strip_prefix("a.")) {
            return if crate::catalogue::get(c).is_some() {
                Ok(IsoRef::Control(c.to_string()))
            } else {
                Err(format!(
                    "`{s}` is not an Annex A control of ISO/IEC 27001:2022"
                ))
            };
        }
        let head = s.split('.').next().unwrap_or("");
        let well_formed = !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if well_formed && matches!(head, "4" | "5" | "6" | "7" | "8" | "9" | "10") {
            Ok(IsoRef::Clause(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is neither a clause of 4-10 (`6.1.2`) nor an Annex A control (`A.5.15`)"
            ))
        }
    }

    /// The reference as written in mappings: `6.1.2` or `A.5.15`.
    pub fn label(&self) -> String {
        match self {
            IsoRef::Clause(c) => c.clone(),
            IsoRef::Control(c) => format!("A.{c}"),
        }
    }
}

/// One node of a framework: a section heading or an assessable requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Id, e.g. `1.1.1.a` or `GV.OC-01`.
    pub id: String,
    /// Parent node id; `None` for a top-level section.
    pub parent: Option<String>,
    /// Whether the node is a requirement to assess (the rest are headings).
    pub requirement: bool,
    /// Short name, when the framework gives one.
    pub name: String,
    /// The requirement or description text, when the framework's licence allows shipping it.
    pub text: String,
}

impl Node {
    /// A one-line title: the name, else the text.
    pub fn title(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.text
        } else {
            &self.name
        }
    }
}

/// One relation of a requirement to an ISO reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The requirement id.
    pub requirement: String,
    /// The ISO/IEC 27001:2022 reference.
    pub iso: IsoRef,
    /// How they relate.
    pub relationship: Relationship,
}

/// A framework with its requirements and its mapping to ISO/IEC 27001:2022.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    /// Short id used on the command line and in `frameworks/<id>.yaml`: `nis2`, `csf`, or a
    /// custom id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Whether it is embedded in isms (else loaded from the repository).
    pub builtin: bool,
    /// Where the data comes from and under which terms, one line each.
    pub attribution: Vec<String>,
    /// Files it was loaded from (custom frameworks only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Sections and requirements in the framework's order.
    pub nodes: Vec<Node>,
    /// The mapping, in file order.
    pub mappings: Vec<Mapping>,
    #[serde(skip)]
    by_id: BTreeMap<String, usize>,
}

impl Framework {
    /// A framework from its parts; ids index the nodes (the first node with an id wins).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        builtin: bool,
        attribution: Vec<String>,
        nodes: Vec<Node>,
        mappings: Vec<Mapping>,
    ) -> Framework {
        let mut by_id = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_id.entry(n.id.clone()).or_insert(i);
        }
        Framework {
            id: id.into(),
            name: name.into(),
            builtin,
            attribution,
            files: Vec::new(),
            nodes,
            mappings,
            by_id,
        }
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.by_id.get(id).and_then(|&i| self.nodes.get(i))
    }

    /// The assessable requirements, in order.
    pub fn requirements(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.requirement)
    }

    /// The top-level section a node belongs to (itself for a top-level node). Parent chains
    /// are followed at most as deep as there are nodes, so a cycle in custom data ends.
    pub fn section_of<'a>(&'a self, node: &'a Node) -> &'a Node {
        let mut cur = node;
        for _ in 0..self.nodes.len() {
            match cur.parent.as_deref().and_then(|p| self.node(p)) {
                Some(p) => cur = p,
                None => break,
            }
        }
        cur
    }

    /// The ISO references mapped to a requirement, each once: clauses first, then Annex A
    /// controls, each in natural order (`A.5.4` before `A.5.36`).
    pub fn mapped(&self, requirement: &str) -> Vec<&Mapping> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out: Vec<&Mapping> = self
            .mappings
            .iter()
            .filter(|m| m.requirement == requirement && seen.insert(&m.iso))
            .collect();
        out.sort_by_cached_key(|m| match &m.iso {
            IsoRef::Clause(c) => (0, crate::diagnostic::natural_key(c)),
            IsoRef::Control(c) => (1, crate::diagnostic::natural_key(c)),
        });
        out
    }
}

const NIS2_NODES: &str = include_str!("../../data/frameworks/nis2-ir-2024-2690.csv");
const NIS2_MAP: &str = include_str!("../../data/frameworks/nis2-ir-2024-2690-to-iso27001-2022.csv");
const CSF_NODES: &str = include_str!("../../data/frameworks/nist-csf-2.0.csv");
const CSF_MAP: &str = include_str!("../../data/frameworks/nist-csf-2.0-to-iso27001-2022.csv");

/// The attribution of the NIS2 data, as shipped (CC BY 4.0 asks for credit and the change).
pub const NIS2_ATTRIBUTION: &[&str] = &[
    "Requirements: Annex of Commission Implementing Regulation (EU) 2024/2690, from EUR-Lex; reuse of EU legal texts is authorised by Commission Decision 2011/833/EU.",
    "Mapping: © European Union Agency for Cybersecurity (ENISA), 2025, \"NIS2 Technical Implementation Guidance\" (June 2025, v1.0), mapping table, CC BY 4.0. Changed: converted to a CSV of requirement ids and ISO/IEC 27001:2022 references.",
    "Every relation is \"intersect\": a mapped control is relevant evidence, not fulfilment of the requirement.",
];

/// The attribution of the NIST CSF data.
pub const CSF_ATTRIBUTION: &[&str] = &[
    "Requirements: NIST Cybersecurity Framework 2.0 (NIST CSWP 29, 2024), a work of the US Government; credit: National Institute of Standards and Technology.",
    "Mapping: NIST informative reference CSF 2.0 to ISO/IEC 27001:2022 (2025-06-13); credit NIST. Some practitioners dispute parts of it: it is NIST's mapping, not an equivalence.",
    "Every relation is \"intersect\": a mapped control is relevant evidence, not fulfilment of the requirement.",
];

fn attribution(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

/// Reads the rows of an embedded CSV as records; the data is fixed at build time and checked
/// by tests, so a bad row is skipped rather than reported.
fn embedded_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .collect()
}

fn embedded_mappings(text: &str) -> Vec<Mapping> {
    embedded_rows(text)
        .iter()
        .filter_map(|r| {
            Some(Mapping {
                requirement: r.get(0)?.to_string(),
                iso: IsoRef::parse(r.get(1)?).ok()?,
                relationship: Relationship::parse(r.get(2)?)?,
            })
        })
        .collect()
}

fn nis2() -> Framework {
    let nodes = embedded_rows(NIS2_NODES)
        .iter()
        .map(|r| {
            let f = |i: usize| r.get(i).unwrap_or("").trim().to_string();
            let id = f(0);
            // Two rows (5.2.a, 5.2.b) have no parent in the data; the id says where they belong.
            let parent = Some(f(1))
                .filter(|p| !p.is_empty())
                .or_else(|| id.rsplit_once('.').map(|(p, _)| p.to_string()));
            Node {
                id,
                parent,
                requirement: f(2).eq_ignore_ascii_case("true"),
                name: f(3),
                text: f(4),
            }
        })
        .collect();
    Framework::new(
        "nis2",
        "NIS2 Implementing Regulation (EU) 2024/2690, Annex",
        true,
        attribution(NIS2_ATTRIBUTION),
        nodes,
        embedded_mappings(NIS2_MAP),
    )
}

fn csf() -> Framework {
    let nodes = embedded_rows(CSF_NODES)
        .iter()
        .map(|r| {
            let f = |i: usize| r.get(i).unwrap_or("").trim().to_string();
            Node {
                id: f(0),
                parent: Some(f(2)).filter(|p| !p.is_empty()),
                requirement: f(1) == "subcategory",
                name: f(3),
                text: f(4),
            }
        })
        .collect();
    Framework::new(
        "csf",
        "NIST Cybersecurity Framework 2.0",
        true,
        attribution(CSF_ATTRIBUTION),
        nodes,
        embedded_mappings(CSF_MAP),
    )
}

static BUILTIN: LazyLock<Vec<Framework>> = LazyLock::new(|| vec![nis2(), csf()]);

/// The ids of [`builtin`], known without building the frameworks from their embedded tables
/// (which every `isms check` would otherwise pay for at start-up).
pub const BUILTIN_IDS: [&str; 2] = ["nis2", "csf"];

/// The embedded frameworks: `nis2` and `csf`.
pub fn builtin() -> &'static [Framework] {
    &BUILTIN
}

/// Other names accepted for the built-in ids.
fn canonical(id: &str) -> String {
    let id = id.trim().to_ascii_lowercase();
    match id.as_str() {
        "nist-csf" | "nist-csf-2.0" | "csf-2.0" | "csf2" => "csf".into(),
        "nis-2" | "nis2-ir" | "2024/2690" => "nis2".into(),
        _ => id,
    }
}

/// Every framework available to a repository: the built-in ones, then those it loads itself.
pub fn available(isms: &crate::model::Isms) -> Vec<&Framework> {
    builtin()
        .iter()
        .chain(isms.custom_frameworks.iter())
        .collect()
}

/// The framework with this id (built-in aliases such as `nist-csf` accepted).
pub fn find<'a>(isms: &'a crate::model::Isms, id: &str) -> Option<&'a Framework> {
    let want = canonical(id);
    available(isms)
        .into_iter()
        .find(|f| f.id.eq_ignore_ascii_case(&want))
}

/// The ids of every available framework, for error messages.
pub fn ids(isms: &crate::model::Isms) -> Vec<String> {
    available(isms).iter().map(|f| f.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_is_complete() {
        let ids: Vec<&str> = builtin().iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids, BUILTIN_IDS,
            "BUILTIN_IDS lists the built-in frameworks in order"
        );
        let n = builtin().iter().find(|f| f.id == "nis2").unwrap();
        assert_eq!(n.nodes.len(), 437);
        assert_eq!(n.mappings.len(), 954, "every mapping row parses");
        let c = builtin().iter().find(|f| f.id == "csf").unwrap();
        assert_eq!(c.requirements().count(), 106);
        assert_eq!(c.mappings.len(), 343, "every mapping row parses");
    }

    #[test]
    fn sections_are_top_level_nodes() {
        let n = &builtin()[0];
        let r = n.node("1.1.1.a").unwrap();
        assert_eq!(n.section_of(r).id, "1");
        assert_eq!(n.section_of(n.node("5.2.a").unwrap()).id, "5");
        let top: Vec<&str> = n
            .nodes
            .iter()
            .filter(|x| x.parent.is_none())
            .map(|x| x.id.as_str())
            .collect();
        assert_eq!(
            top,
            [
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"
            ]
        );
        let c = &builtin()[1];
        assert_eq!(c.section_of(c.node("GV.OC-01").unwrap()).id, "GV");
    }

    #[test]
    fn iso_refs_keep_ids_as_text() {
        assert_eq!(IsoRef::parse("A.5.10"), Ok(IsoRef::Control("5.10".into())));
        assert_eq!(IsoRef::parse("6.1.2"), Ok(IsoRef::Clause("6.1.2".into())));
        assert!(IsoRef::parse("A.5.99").is_err());
        assert!(IsoRef::parse("3.1").is_err());
        assert!(IsoRef::parse("").is_err());
    }

    #[test]
    fn mapped_lists_each_reference_once() {
        let n = &builtin()[0];
        let m = n.mapped("1.1.1.a");
        assert!(!m.is_empty());
        let mut labels: Vec<String> = m.iter().map(|m| m.iso.label()).collect();
        let len = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), len);
    }
}
