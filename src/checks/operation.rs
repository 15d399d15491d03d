//! Operation rules: externally provided services (8.1, A.5.19-A.5.22).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, blank_str, id_str, months, overdue};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Criticality, Supplier, SupplierReview, loaded};
use crate::yaml::Spanned;

fn path(ctx: &Context<'_>, s: &Spanned<Supplier>) -> String {
    ctx.record_file(s.span, "suppliers.yaml")
}

/// Suppliers whose security matters: they touch information or are critical.
fn relevant(s: &Supplier) -> bool {
    s.data_access
        || s.cloud
        || s.criticality
            .as_ref()
            .is_some_and(|c| c.value == Criticality::High)
}

fn assessed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in ctx.model.suppliers.iter().filter(|s| relevant(s)) {
        // Requirements say what is expected of the supplier; only a dated record of who
        // assessed the supplier against them, with what result, shows due diligence.
        let reviews: Vec<_> = loaded(&s.reviews).collect();
        let recorded =
            |r: &SupplierReview| id_str(r.by.as_ref()).is_some() && !blank_str(r.result.as_ref());
        if reviews.iter().any(|r| recorded(r)) {
            continue;
        }
        let (d, span) = match reviews.first() {
            None => (
                OPS_01.diag(format!(
                    "supplier {} ({}) has no security assessment on record",
                    s.id.value, s.name.value
                )),
                s.span,
            ),
            Some(r) => (
                OPS_01.diag(format!(
                    "the assessment of supplier {} on {} does not record who assessed it and the result",
                    s.id.value, r.date.value
                )),
                r.span,
            ),
        };
        let d = d.with_hint(format!("record the assessment with its date, who assessed the supplier, the result and where the record is: `isms assess {} --by <person id> --result ... --reference ...`; agreed `security_requirements` alone are not an assessment", s.id.value));
        out.push(
            ctx.place(d, span, &path(ctx, s))
                .for_record(s.id.value.clone()),
        );
    }
}

fn agreement(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in ctx.model.suppliers.iter().filter(|s| s.data_access) {
        let a = &s.agreement;
        let problem = if blank(a.reference.as_ref()) {
            "has no agreement reference"
        } else if !a.security_clauses {
            "has an agreement without information security clauses"
        } else {
            continue;
        };
        let d = OPS_02
            .diag(format!("supplier {} accesses information but {problem}", s.id.value))
            .with_hint(format!("once the contract covers security, record it: `isms agreement {} --reference ... --security-clauses`", s.id.value));
        let span = a.reference.as_ref().map_or(s.span, |r| r.span);
        out.push(
            ctx.place(d, span, &path(ctx, s))
                .for_record(s.id.value.clone()),
        );
    }
}

fn reviewed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let interval = ctx.model.cadences().supplier_review_months;
    for s in ctx.model.suppliers.iter().filter(|s| relevant(s)) {
        let last = loaded(&s.reviews).max_by_key(|r| r.date.value);
        let Some(last) = last else {
            continue; // OPS-01 reports a supplier that was never assessed
        };
        if overdue(last.date.value, interval, ctx.today()) {
            let d = OPS_03
                .diag(format!(
                    "supplier {} was last reviewed on {}, more than {} ago",
                    s.id.value,
                    last.date.value,
                    months(interval)
                ))
                .with_hint("review the supplier's security (certificates, incidents, service reports) and record it");
            out.push(
                ctx.place(d, last.date.span, &path(ctx, s))
                    .for_record(s.id.value.clone()),
            );
        }
    }
}

const OPS_01: Rule = Rule {
    code: "OPS-01",
    name: "suppliers-assessed",
    area: Area::Operation,
    clause: "8.1",
    default_severity: Severity::Error,
    summary: "Suppliers that touch information, run cloud services or are critical have a dated assessment saying who assessed them and the result.",
    explanation: "\
Clause 8.1 requires externally provided processes, products and services relevant to the ISMS
to be controlled, and controls 5.19-5.22 describe how. Missing supplier security assessment is
consistently one of the most frequent nonconformity areas. Suppliers with `data_access: true`,
`cloud: true` or `criticality: high` need an assessment: an entry under `reviews:` with its
date, who assessed the supplier (`by:`) and the result. The agreed `security_requirements` say
what is expected of the supplier, not that anyone checked; on their own they do not satisfy the
rule.

Fix: record them (`isms assess SUP-03 --by p-isms --result ... --reference ...`).

```yaml
suppliers:
  - id: SUP-001
    name: CloudCo
    service: Production hosting (IaaS)
    cloud: true
    data_access: true
    criticality: high
    security_requirements: ISO 27001 certified; EU regions only; encryption at rest
    reviews:
      - { date: 2025-01-20, result: Certificate and SOC 2 report reviewed, by: p-ciso }
```",
    check: Check::Model(assessed),
};

const OPS_02: Rule = Rule {
    code: "OPS-02",
    name: "supplier-agreement-security",
    area: Area::Operation,
    clause: "A.5.20",
    default_severity: Severity::Warning,
    summary: "Every supplier with access to information has an agreement with security clauses.",
    explanation: "\
Control 5.20 expects security requirements to be agreed in the contract with each supplier that
accesses, processes or stores the organisation's information. Auditors sample contracts.

Fix: reference the agreement and confirm it has security clauses (`isms agreement SUP-03
--reference ... --security-clauses`).

```yaml
suppliers:
  - id: SUP-004
    data_access: true
    agreement:
      reference: MSA 2024-017 with DPA, schedule 4 (security)
      security_clauses: true
      dpa: true
```",
    check: Check::Model(agreement),
};

const OPS_03: Rule = Rule {
    code: "OPS-03",
    name: "supplier-reviewed",
    area: Area::Operation,
    clause: "A.5.22",
    default_severity: Severity::Warning,
    summary: "Relevant suppliers were reviewed within the supplier review interval.",
    explanation: "\
Control 5.22 expects supplier services to be monitored and reviewed regularly. The interval is
`supplier_review_months` in isms.yaml (default 12); the newest entry under `reviews:` counts.

Fix: review the supplier and record it.

```yaml
reviews:
  - { date: 2025-06-02, result: New SOC 2 type II report, no exceptions, by: p-ciso }
```",
    check: Check::Model(reviewed),
};

/// The operation rules.
pub(super) const RULES: &[Rule] = &[OPS_01, OPS_02, OPS_03];
