//! The header names each importer recognises, per record field. One table drives header
//! detection and the list in docs/import.md (kept in step by a test).

use super::Kind;

/// How the text of a column becomes a field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An id (record or control id), kept as text.
    Id,
    /// Free text.
    Text,
    /// yes/no, Y/N, ✓/✗, included/excluded...
    YesNo,
    /// A list of ids or words separated by commas, semicolons or line breaks.
    List,
    /// A person: matched to a `people` id by id, name or e-mail.
    Person,
    /// People, as a list.
    People,
    /// A likelihood point of the methodology's scale.
    Likelihood,
    /// An impact point of the methodology's scale.
    Impact,
    /// A risk level: a number or a band label.
    Level,
    /// A calendar date.
    Date,
    /// One word of a fixed vocabulary (status, treatment, type, criticality...).
    Word,
    /// An asset value point (1 low ... 3 high by default).
    AssetValue,
    /// Annex A control ids (2013 ids are mapped to 2022).
    Controls,
    /// A supplier: matched to a supplier id by id or name.
    Supplier,
}

/// One record field an importer can fill, and the column headers that mean it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The field in the record, `a.b` for a nested field (`inherent.likelihood`).
    pub field: &'static str,
    /// Whether an import without this column is refused.
    pub required: bool,
    /// How the cell text is read.
    pub shape: Shape,
    /// Header names, compared after [`fold`] (case, spaces and punctuation do not matter).
    pub headers: &'static [&'static str],
}

const fn f(
    field: &'static str,
    required: bool,
    shape: Shape,
    headers: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        field,
        required,
        shape,
        headers,
    }
}

const SOA: &[FieldSpec] = &[
    f(
        "id",
        true,
        Shape::Id,
        &[
            "Control",
            "Control ID",
            "Control no",
            "Control number",
            "Control ref",
            "Control reference",
            "Ref",
            "Reference",
            "Annex A ref",
            "Annex A reference",
            "Annex A control",
            "Annex A",
            "ISO ref",
            "ISO 27001 ref",
            "Clause",
            "ID",
            "No",
            "#",
        ],
    ),
    f(
        "title",
        false,
        Shape::Text,
        &[
            "Title",
            "Control title",
            "Control name",
            "Name",
            "Control objective",
        ],
    ),
    f(
        "applicable",
        true,
        Shape::YesNo,
        &[
            "Applicable",
            "Applicable?",
            "Applicability",
            "Applies",
            "Included",
            "Include",
            "Included?",
            "Inclusion",
            "Selected",
            "In scope",
            "Y/N",
            "Yes/No",
            "Applicable (Y/N)",
            "Applicable (Yes/No)",
        ],
    ),
    f(
        "justification",
        false,
        Shape::Text,
        &[
            "Justification",
            "Reason",
            "Reasons for selection",
            "Reason for inclusion/exclusion",
            "Reason for inclusion or exclusion",
            "Reason for inclusion",
            "Reason for exclusion",
            "Justification for inclusion",
            "Justification for exclusion",
            "Justification for inclusion/exclusion",
            "Rationale",
        ],
    ),
    f("reasons", false, Shape::List, &["Reasons", "Reason codes"]),
    f(
        "status",
        false,
        Shape::Word,
        &[
            "Status",
            "Implementation status",
            "Implemented",
            "Implemented?",
            "Implementation state",
            "Progress",
        ],
    ),
    f(
        "owner",
        false,
        Shape::Person,
        &[
            "Owner",
            "Control owner",
            "Responsible",
            "Responsibility",
            "Accountable",
        ],
    ),
    f(
        "implementation",
        false,
        Shape::Text,
        &[
            "Implementation",
            "How implemented",
            "Implementation notes",
            "Implementation details",
            "Implementation description",
            "Implementation summary",
            "Comments",
            "Notes",
        ],
    ),
    f(
        "risks",
        false,
        Shape::List,
        &["Risks", "Related risks", "Risk ids", "Risk refs"],
    ),
    f(
        "obligations",
        false,
        Shape::List,
        &["Obligations", "Requirements", "Legal requirements"],
    ),
    f(
        "policies",
        false,
        Shape::List,
        &["Policies", "Policy", "Related policies", "Policy reference"],
    ),
];

const RISKS: &[FieldSpec] = &[
    f(
        "id",
        false,
        Shape::Id,
        &[
            "Risk",
            "Risk ID",
            "Risk no",
            "Risk number",
            "Risk ref",
            "Ref",
            "Reference",
            "ID",
            "No",
            "#",
        ],
    ),
    f(
        "title",
        true,
        Shape::Text,
        &[
            "Title",
            "Risk title",
            "Risk name",
            "Name",
            "Risk description",
            "Risk scenario",
            "Scenario",
            "Summary",
        ],
    ),
    f(
        "description",
        false,
        Shape::Text,
        &["Description", "Details", "Detail", "Risk details"],
    ),
    f(
        "assets",
        false,
        Shape::List,
        &["Assets", "Asset", "Affected assets", "Asset ids"],
    ),
    f(
        "threat",
        false,
        Shape::Text,
        &["Threat", "Threats", "Threat source"],
    ),
    f(
        "vulnerability",
        false,
        Shape::Text,
        &["Vulnerability", "Vulnerabilities", "Weakness"],
    ),
    f(
        "affects",
        false,
        Shape::Word,
        &["C/I/A", "CIA", "Affects", "Security properties"],
    ),
    f("owner", false, Shape::Person, &["Owner", "Risk owner"]),
    f(
        "inherent.likelihood",
        true,
        Shape::Likelihood,
        &[
            "Likelihood",
            "Probability",
            "Inherent likelihood",
            "Likelihood (inherent)",
            "Initial likelihood",
            "Inherent probability",
        ],
    ),
    f(
        "inherent.impact",
        true,
        Shape::Impact,
        &[
            "Impact",
            "Consequence",
            "Severity",
            "Inherent impact",
            "Impact (inherent)",
            "Initial impact",
            "Inherent consequence",
        ],
    ),
    f(
        "inherent.level",
        false,
        Shape::Level,
        &[
            "Risk score",
            "Score",
            "Level",
            "Risk level",
            "Risk rating",
            "Rating",
            "Inherent level",
            "Inherent risk",
            "Inherent score",
            "Inherent risk score",
        ],
    ),
    f(
        "treatment",
        false,
        Shape::Word,
        &[
            "Treatment",
            "Risk treatment",
            "Treatment option",
            "Risk response",
            "Response",
            "Decision",
        ],
    ),
    f(
        "controls",
        false,
        Shape::Controls,
        &[
            "Controls",
            "Annex A controls",
            "Control ids",
            "Controls applied",
            "Annex A",
        ],
    ),
    f(
        "other_controls",
        false,
        Shape::List,
        &["Other controls", "Existing controls", "Current controls"],
    ),
    f(
        "residual.likelihood",
        false,
        Shape::Likelihood,
        &[
            "Residual likelihood",
            "Likelihood (residual)",
            "Residual probability",
        ],
    ),
    f(
        "residual.impact",
        false,
        Shape::Impact,
        &[
            "Residual impact",
            "Impact (residual)",
            "Residual consequence",
        ],
    ),
    f(
        "residual.level",
        false,
        Shape::Level,
        &[
            "Residual level",
            "Residual risk",
            "Residual score",
            "Residual rating",
            "Residual risk score",
        ],
    ),
    f(
        "identified",
        false,
        Shape::Date,
        &["Identified", "Date identified", "Date raised", "Raised"],
    ),
    f(
        "last_assessed",
        false,
        Shape::Date,
        &[
            "Last assessed",
            "Date assessed",
            "Assessment date",
            "Last reviewed",
            "Review date",
        ],
    ),
];

const ASSETS: &[FieldSpec] = &[
    f(
        "id",
        false,
        Shape::Id,
        &[
            "Asset",
            "Asset ID",
            "Asset no",
            "Asset number",
            "Asset tag",
            "Ref",
            "ID",
            "No",
            "#",
        ],
    ),
    f(
        "name",
        true,
        Shape::Text,
        &["Name", "Asset name", "Asset title"],
    ),
    f(
        "type",
        true,
        Shape::Word,
        &["Type", "Asset type", "Category", "Asset category", "Class"],
    ),
    f(
        "owner",
        false,
        Shape::Person,
        &["Owner", "Asset owner", "Responsible"],
    ),
    f(
        "classification",
        false,
        Shape::Word,
        &[
            "Classification",
            "Data classification",
            "Information classification",
            "Sensitivity",
            "Label",
        ],
    ),
    f(
        "value.confidentiality",
        false,
        Shape::AssetValue,
        &["C", "Confidentiality"],
    ),
    f(
        "value.integrity",
        false,
        Shape::AssetValue,
        &["I", "Integrity"],
    ),
    f(
        "value.availability",
        false,
        Shape::AssetValue,
        &["A", "Availability"],
    ),
    f(
        "location",
        false,
        Shape::Text,
        &["Location", "Site", "Hosted", "Hosting"],
    ),
    f("supplier", false, Shape::Supplier, &["Supplier", "Vendor"]),
    f(
        "description",
        false,
        Shape::Text,
        &["Description", "Details", "Notes"],
    ),
    f("in_scope", false, Shape::YesNo, &["In scope", "In scope?"]),
];

const SUPPLIERS: &[FieldSpec] = &[
    f(
        "id",
        false,
        Shape::Id,
        &["Supplier ID", "Vendor ID", "Ref", "ID", "No", "#"],
    ),
    f(
        "name",
        true,
        Shape::Text,
        &[
            "Supplier",
            "Supplier name",
            "Vendor",
            "Vendor name",
            "Name",
            "Company",
            "Provider",
        ],
    ),
    f(
        "service",
        false,
        Shape::Text,
        &[
            "Service",
            "Services",
            "Service provided",
            "Product",
            "Description",
        ],
    ),
    f(
        "contact",
        false,
        Shape::Text,
        &[
            "Contact",
            "Supplier contact",
            "Contact details",
            "Contact email",
        ],
    ),
    f(
        "criticality",
        false,
        Shape::Word,
        &[
            "Criticality",
            "Tier",
            "Importance",
            "Risk rating",
            "Risk level",
        ],
    ),
    f(
        "owner",
        false,
        Shape::Person,
        &[
            "Owner",
            "Supplier owner",
            "Relationship owner",
            "Business owner",
        ],
    ),
    f(
        "data_access",
        false,
        Shape::YesNo,
        &[
            "Data access",
            "Access to data",
            "Processes personal data",
            "Personal data",
        ],
    ),
    f(
        "cloud",
        false,
        Shape::YesNo,
        &["Cloud", "Cloud service", "SaaS"],
    ),
    f(
        "certifications",
        false,
        Shape::List,
        &["Certifications", "Certificates", "Attestations"],
    ),
    f(
        "security_requirements",
        false,
        Shape::Text,
        &["Security requirements", "Requirements"],
    ),
];

/// The fields of one importer.
pub fn fields(kind: Kind) -> &'static [FieldSpec] {
    match kind {
        Kind::Soa => SOA,
        Kind::Risks => RISKS,
        Kind::Assets => ASSETS,
        Kind::Suppliers => SUPPLIERS,
    }
}

/// The field of `kind` named `name` (as written after `--map "Column=field"`).
pub fn field(kind: Kind, name: &str) -> Option<&'static FieldSpec> {
    fields(kind).iter().find(|f| f.field == name.trim())
}

/// A header folded for comparison: lowercase letters and digits only, so `Annex A ref`,
/// `annex-a_ref` and `ANNEX A REF:` are the same header. `#` and `?`-only headers keep their
/// sign, as `#` is a common id column.
pub fn fold(header: &str) -> String {
    let folded: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if folded.is_empty() {
        header.trim().to_string()
    } else {
        folded
    }
}

/// The field a header means for `kind`, if any.
pub fn field_for_header(kind: Kind, header: &str) -> Option<&'static FieldSpec> {
    let h = fold(header);
    if h.is_empty() {
        return None;
    }
    fields(kind)
        .iter()
        .find(|f| f.headers.iter().any(|n| fold(n) == h))
}

/// The recognised headers as a Markdown section per importer (docs/import.md).
pub fn markdown_table() -> String {
    let mut out = String::new();
    for kind in Kind::ALL {
        out.push_str(&format!(
            "### `isms import {}`\n\n| Field | Required | Recognised headers |\n|---|---|---|\n",
            kind.name()
        ));
        for f in fields(kind) {
            let headers = f
                .headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                f.field,
                if f.required { "yes" } else { "no" },
                headers.replace('|', "\\|")
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_case_space_and_punctuation() {
        assert_eq!(fold("Annex A ref"), fold("ANNEX-A_REF:"));
        assert_eq!(
            field_for_header(Kind::Soa, "Applicable?").map(|f| f.field),
            Some("applicable")
        );
        assert_eq!(
            field_for_header(Kind::Soa, "Reason for inclusion / exclusion").map(|f| f.field),
            Some("justification")
        );
        assert_eq!(
            field_for_header(Kind::Risks, "Risk Response").map(|f| f.field),
            Some("treatment")
        );
        assert!(field_for_header(Kind::Soa, "Colour").is_none());
    }

    #[test]
    fn a_published_soa_template_header_row_is_recognised() {
        // The column headings of a public SoA template (git.blackdice.ai psjenkins/ISMS,
        // 00-governance/statement-of-applicability-template.md).
        let row = [
            ("Control Reference", Some("id")),
            ("Control Title", Some("title")),
            ("Applicable (Yes/No)", Some("applicable")),
            ("Justification", Some("justification")),
            ("Implementation Summary", Some("implementation")),
            ("Related Document / Evidence", None),
            ("Control Owner", Some("owner")),
            ("Review Date", None),
        ];
        for (h, want) in row {
            assert_eq!(field_for_header(Kind::Soa, h).map(|f| f.field), want, "{h}");
        }
    }

    #[test]
    fn no_header_means_two_fields_of_one_importer() {
        for kind in Kind::ALL {
            let mut seen = std::collections::HashMap::new();
            for f in fields(kind) {
                for h in f.headers {
                    if let Some(other) = seen.insert(fold(h), f.field)
                        && other != f.field
                    {
                        panic!("{h} means both {other} and {}", f.field);
                    }
                }
            }
        }
    }
}
