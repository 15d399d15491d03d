//! Tests of the embedded templates: the table matches the folders, every file renders, the
//! result loads without a single problem, and the content is internally consistent (levels
//! follow the methodology, the SoA and the risk register point at each other).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::model::{Isms, RiskMethodology};

/// An organisation name with every character that needs escaping in YAML or Markdown.
const TRICKY_ORG: &str = r#"Ac"me \ Cloud: #1 {GmbH} & *Co* 'Ltd'"#;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2025, 3, 14)
}

fn options(dir: &Path) -> InitOptions {
    InitOptions {
        dir: dir.to_path_buf(),
        org: Some(TRICKY_ORG.to_string()),
        template: DEFAULT_TEMPLATE.to_string(),
        git: false,
        force: false,
        today: today(),
    }
}

/// Writes the default template into a temporary folder and loads it.
fn load_scaffold() -> (tempfile::TempDir, Isms) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("isms");
    init(&options(&root)).unwrap();
    let loaded = crate::loader::load(&root).unwrap();
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(
        problems.is_empty(),
        "the scaffold has load problems:\n{}",
        problems.join("\n")
    );
    (dir, loaded.model)
}

#[test]
fn table_lists_exactly_the_files_of_each_template_folder() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/scaffold");
    let folders: BTreeSet<String> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let names: BTreeSet<String> = templates().iter().map(|t| t.name.to_string()).collect();
    assert_eq!(folders, names, "every folder is a template and vice versa");
    for t in templates() {
        let dir = base.join(t.name);
        let on_disk: BTreeSet<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&dir).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        let listed: BTreeSet<String> = t.files.iter().map(|f| f.path.to_string()).collect();
        assert_eq!(listed.len(), t.files.len(), "{}: duplicate paths", t.name);
        assert_eq!(
            on_disk, listed,
            "{}: update src/scaffold/embedded.rs",
            t.name
        );
        for f in t.files {
            let text = std::fs::read_to_string(dir.join(f.path)).unwrap();
            assert_eq!(text, f.text, "{} is stale", f.path);
        }
    }
}

#[test]
fn every_file_renders_without_leftover_placeholders() {
    let vars = Vars::new(TRICKY_ORG, today()).unwrap();
    for t in templates() {
        for (path, text) in t.render(&vars).unwrap() {
            assert!(!text.contains("{{"), "{path}: unreplaced placeholder");
            assert!(!text.contains("}}"), "{path}: stray braces");
        }
    }
}

#[test]
fn unknown_template_is_refused_with_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&dir.path().join("x"));
    o.template = "enterprise".into();
    let e = init(&o).unwrap_err();
    assert!(
        matches!(&e, InitError::UnknownTemplate { available, .. } if available.contains("startup-saas")),
        "{e}"
    );
    assert!(!dir.path().join("x").exists(), "nothing is created");
}

#[test]
fn a_file_as_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        init(&options(&file)),
        Err(InitError::NotADirectory(_))
    ));
}

#[test]
fn a_bad_organisation_name_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&dir.path().join("x"));
    o.org = Some("Acme\nLtd".into());
    assert!(matches!(
        init(&o),
        Err(InitError::Org(OrgError::ControlCharacter))
    ));
    assert!(!dir.path().join("x").exists());
}

#[test]
fn scaffold_loads_with_no_problems_and_keeps_the_organisation_name() {
    let (_dir, m) = load_scaffold();
    assert_eq!(m.organisation_name(), Some(TRICKY_ORG));
    // The name also survives in YAML front matter and Markdown text.
    let scope = m.scope.as_ref().unwrap();
    assert!(
        scope
            .in_scope
            .services
            .iter()
            .any(|s| s.value.contains(TRICKY_ORG)),
        "{:?}",
        scope.in_scope.services
    );
    let programme = m.audit_programme.as_ref().unwrap();
    let period = programme.period.as_ref().unwrap();
    assert_eq!(period.from.value.to_string(), "2025-03-14");
    assert_eq!(period.to.value.to_string(), "2026-03-14");
    assert_eq!(
        programme.planned.iter().next().unwrap().id.value,
        "AUD-2025-01"
    );
}

#[test]
fn scaffold_has_the_required_breadth() {
    let (_dir, m) = load_scaffold();
    assert!(m.policies.len() >= 12, "{} policies", m.policies.len());
    assert!(m.risks.len() >= 30, "{} risks", m.risks.len());
    assert!(m.assets.len() >= 20, "{} assets", m.assets.len());
    assert!(m.information_security_policy().is_some());
    assert!(!m.procedures.is_empty());
    assert!(!m.objectives.is_empty());
    assert!(!m.suppliers.is_empty());
    assert!(!m.metrics.is_empty());
    assert!(m.audit_programme.is_some());
    assert!(m.audits.is_empty(), "no audit result is invented");
    assert!(m.reviews.is_empty(), "no management review is invented");
    assert!(m.nonconformities.is_empty());
    assert!(m.incidents.is_empty());
    let ctx = m.context.as_ref().unwrap();
    let climate = ctx.climate_change.as_ref().unwrap();
    assert!(climate.rationale.is_some());
    let roles = &m.roles;
    assert!(roles.iter().any(|r| r.ensures_conformity));
    assert!(roles.iter().any(|r| r.reports_performance));
}

#[test]
fn soa_has_all_93_controls_with_exact_titles_in_catalogue_order() {
    let (_dir, m) = load_scaffold();
    let soa: Vec<(String, String)> = m
        .soa_entries()
        .map(|e| {
            let title = e
                .title
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default();
            (e.id.value.clone(), title)
        })
        .collect();
    let catalogue: Vec<(String, String)> = crate::catalogue::controls()
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    assert_eq!(catalogue.len(), 93);
    assert_eq!(soa, catalogue);
    for e in m.soa_entries() {
        assert!(e.applicable.is_some(), "{} undecided", e.id.value);
        assert!(e.justification.is_some(), "{} unjustified", e.id.value);
        if e.is_applicable() {
            assert!(!e.reasons.is_empty(), "{} has no reason", e.id.value);
            assert!(!e.policies.is_empty(), "{} has no policy", e.id.value);
            // Nothing is claimed as implemented: the user confirms what is in place.
            let status = e.status.as_ref().map(|s| s.value);
            assert_eq!(status, Some(crate::model::ImplementationStatus::Planned));
        }
    }
}

fn methodology(m: &Isms) -> &RiskMethodology {
    m.methodology().unwrap()
}

#[test]
fn risk_ratings_follow_the_methodology() {
    let (_dir, m) = load_scaffold();
    let meth = methodology(&m);
    for r in &m.risks {
        for (what, rating) in [("inherent", &r.inherent), ("residual", &r.residual)] {
            let rating = rating
                .as_ref()
                .unwrap_or_else(|| panic!("{} {what}", r.id.value));
            let level = meth
                .evaluate(rating.likelihood.value, rating.impact.value)
                .unwrap_or_else(|_| panic!("{} {what} off the scales", r.id.value));
            assert_eq!(
                rating.level.as_ref().and_then(|l| meth.resolve(&l.value)),
                Some(level),
                "{} {what}",
                r.id.value
            );
            // The ratings are proposals: the check keeps reporting them until the owner
            // decides.
            assert!(
                rating.to_confirm,
                "{} {what} not marked to confirm",
                r.id.value
            );
        }
        let inherent = r.inherent.as_ref().unwrap();
        let residual = r.residual.as_ref().unwrap();
        let (i, res) = (
            meth.evaluate(inherent.likelihood.value, inherent.impact.value)
                .unwrap(),
            meth.evaluate(residual.likelihood.value, residual.impact.value)
                .unwrap(),
        );
        assert!(res <= i, "{}: residual above inherent", r.id.value);
        let treatment = r.treatment.as_ref().map(|t| t.value);
        assert!(treatment.is_some(), "{} has no treatment", r.id.value);
        if treatment == Some(crate::model::Treatment::Accept) {
            assert!(
                meth.is_acceptable(i),
                "{} accepted above threshold",
                r.id.value
            );
        }
        if treatment == Some(crate::model::Treatment::Mitigate) {
            assert!(!r.controls.is_empty(), "{} without controls", r.id.value);
            assert!(!r.plan.is_empty(), "{} without plan", r.id.value);
        }
        // Approvals and acceptances are the owner's to give: never pre-filled.
        assert!(!r.plan_approval.is_complete(), "{}", r.id.value);
        if let Some(a) = &r.acceptance {
            assert!(a.by.is_none() && a.on.is_none(), "{}", r.id.value);
        }
    }
}

#[test]
fn soa_and_risk_register_point_at_each_other() {
    let (_dir, m) = load_scaffold();
    let mut by_control: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &m.risks {
        for c in &r.controls {
            by_control
                .entry(c.value.as_str())
                .or_default()
                .insert(r.id.value.as_str());
        }
    }
    for e in m.soa_entries() {
        let listed: BTreeSet<&str> = e.risks.iter().map(|r| r.value.as_str()).collect();
        let expected = by_control.remove(e.id.value.as_str()).unwrap_or_default();
        assert_eq!(listed, expected, "SoA {} risks", e.id.value);
        if !expected.is_empty() {
            assert!(
                e.is_applicable(),
                "{} treats risks but is excluded",
                e.id.value
            );
        }
    }
    assert!(
        by_control.is_empty(),
        "controls not in the SoA: {by_control:?}"
    );
}

#[test]
fn record_templates_match_the_model() {
    use crate::model::documents::{Audit, ManagementReview};
    use crate::model::registers::NonconformityRegister;
    use crate::source::{FileId, SourceFile};
    use crate::yaml::{DeErrorKind, from_node, parse};

    let t = template(DEFAULT_TEMPLATE).unwrap();
    let vars = Vars::new("X", today()).unwrap();
    let files: BTreeMap<_, _> = t.render(&vars).unwrap().into_iter().collect();
    let front = |path: &str| {
        let text = files[path].clone();
        let (range, _) = crate::loader::split_front_matter(&text).unwrap();
        (text, range)
    };

    // The audit template loads as it is.
    let (text, range) = front("_templates/internal-audit.md");
    let src = SourceFile::new("a.md", text);
    let node = parse(FileId(0), &src, range).unwrap();
    let (audit, errors) = from_node::<Audit>(&node);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(audit.is_some());

    // The review and nonconformity templates only lack the date that must be filled in.
    let (text, range) = front("_templates/management-review.md");
    let src = SourceFile::new("r.md", text);
    let node = parse(FileId(0), &src, range).unwrap();
    let (_, errors) = from_node::<ManagementReview>(&node);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("found nothing"), "{errors:?}");

    let text = files["_templates/nonconformity.yaml"].clone();
    let src = SourceFile::new("n.yaml", text.clone());
    let node = parse(FileId(0), &src, 0..text.len()).unwrap();
    let (_, errors) = from_node::<NonconformityRegister>(&node);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(
            errors[0].kind,
            DeErrorKind::WrongType | DeErrorKind::MissingField
        ),
        "{errors:?}"
    );
}
