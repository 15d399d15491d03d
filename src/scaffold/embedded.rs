//! The scaffold files, embedded in the binary at compile time so that `isms init` works from
//! any installation (`cargo install` copies no data files).
//!
//! The table is written out by hand: a missing file is a compile error, and a unit test checks
//! that every file under `templates/scaffold/<name>/` is listed, so a file added to the folder
//! cannot be forgotten here.

use super::{ScaffoldFile, Template};

/// Lists the files of one template folder, each as a [`ScaffoldFile`] with its text included.
macro_rules! files {
    ($dir:literal: $($path:literal),* $(,)?) => {
        &[
            $(
                ScaffoldFile {
                    path: $path,
                    text: include_str!(concat!("../../templates/scaffold/", $dir, "/", $path)),
                },
            )*
        ]
    };
}

/// Every built-in template.
pub(super) const TEMPLATES: &[Template] = &[Template {
    name: "startup-saas",
    description: "Cloud SaaS startup (20 to 80 people, one cloud provider, remote-first with a small office)",
    files: files!("startup-saas":
        ".gitignore",
        "README.md",
        "_templates/README.md",
        "_templates/internal-audit.md",
        "_templates/management-review.md",
        "_templates/nonconformity.yaml",
        "assets.yaml",
        "audits/programme.md",
        "changes.yaml",
        "context.yaml",
        "evidence/README.md",
        "incidents.yaml",
        "isms.yaml",
        "metrics.yaml",
        "nonconformities.yaml",
        "objectives.yaml",
        "policies/acceptable-use.md",
        "policies/access-control.md",
        "policies/asset-management.md",
        "policies/business-continuity.md",
        "policies/change-management.md",
        "policies/cryptography.md",
        "policies/data-retention.md",
        "policies/human-resources-security.md",
        "policies/incident-management.md",
        "policies/information-security.md",
        "policies/logging-monitoring.md",
        "policies/network-security.md",
        "policies/physical-security.md",
        "policies/privacy-compliance.md",
        "policies/remote-working.md",
        "policies/secure-development.md",
        "policies/supplier-security.md",
        "policies/vulnerability-management.md",
        "procedures/business-continuity-plan.md",
        "procedures/corrective-action.md",
        "procedures/document-control.md",
        "procedures/incident-response.md",
        "procedures/internal-audit.md",
        "procedures/joiners-movers-leavers.md",
        "procedures/management-review.md",
        "procedures/risk-management.md",
        "reviews/.gitkeep",
        "risks.yaml",
        "scope.md",
        "soa.yaml",
        "suppliers.yaml",
        "training.yaml",
    ),
}];
