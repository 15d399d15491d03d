//! `isms migrate`: upgrades an ISMS written against ISO/IEC 27001:2013 Annex A to the 2022
//! catalogue. A dry run by default: it prints the auditor's report and the diff; `--write`
//! applies every change at once through the editing layer.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use super::{Global, Status};
use crate::edit::{ChangeSet, Step, Value};
use crate::fsutil::Overwrite;
use crate::import::migrate::{self, Merged};
use crate::source::{FileId, SourceFile};
use crate::yaml::{self, Node};

/// Arguments of `isms migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Apply the changes (without it, only the report and the diff are shown).
    #[arg(long)]
    pub write: bool,
}

fn tree(rel: &str, text: &str) -> anyhow::Result<Node> {
    let range = if rel.ends_with(".md") {
        match crate::loader::split_front_matter(text) {
            Some((r, _)) => r,
            None => {
                return Ok(Node {
                    kind: yaml::NodeKind::Null,
                    span: Default::default(),
                    raw: None,
                });
            }
        }
    } else {
        0..text.len()
    };
    let source = SourceFile::new(rel.to_string(), text.to_string());
    yaml::parse(FileId(0), &source, range)
        .map_err(|e| anyhow!("{rel}:{}: {}", e.span.line, e.message))
}

fn md_files(root: &Path, folder: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join(folder))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("{folder}/{n}"))
        .collect();
    v.sort();
    v
}

fn yaml_files(root: &Path, reg: &str) -> Vec<String> {
    let mut out = Vec::new();
    if root.join(format!("{reg}.yaml")).is_file() {
        out.push(format!("{reg}.yaml"));
    }
    let mut names: Vec<String> = std::fs::read_dir(root.join(reg))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("{reg}/{n}"))
        .collect();
    names.sort();
    out.extend(names);
    out
}

/// Runs `isms migrate`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    let root = &args.dir;
    if !root.join("isms.yaml").is_file() && !root.join("soa.yaml").is_file() {
        anyhow::bail!(
            "{}: no ISMS here (no isms.yaml or soa.yaml)",
            root.display()
        );
    }
    let mut changes = ChangeSet::new();
    let mut report = String::from("# Migration from ISO/IEC 27001:2013 to ISO/IEC 27001:2022\n\n");
    let mut rewrites: Vec<String> = Vec::new();
    let mut manual: Vec<String> = Vec::new();
    let mut merged: Vec<Merged> = Vec::new();
    let mut present: Vec<String> = Vec::new();

    // The Statement of Applicability.
    if root.join("soa.yaml").is_file() {
        let edit = changes.open(root, "soa.yaml").map_err(|e| anyhow!("{e}"))?;
        let t = tree("soa.yaml", edit.text())?;
        let entries = t.get("controls").and_then(Node::as_seq).unwrap_or(&[]);
        let entry_ids: Vec<String> = entries
            .iter()
            .map(|e| {
                e.get("id")
                    .and_then(|n| n.scalar_text().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        if migrate::has_2013(&entry_ids) {
            present = entry_ids
                .iter()
                .filter_map(|i| crate::catalogue::map_2013(i).map(|m| m.id_2013.clone()))
                .collect();
            merged = migrate::merge_soa(entries);
            let mut items: Vec<Value> = merged.iter().map(|m| m.entry.clone()).collect();
            // Entries that are neither 2013 nor 2022 controls are kept as they are, for
            // `isms check` to report.
            for (e, id) in entries.iter().zip(&entry_ids) {
                if migrate::successors(id).is_none() {
                    items.push(migrate::to_value(e));
                    manual.push(format!(
                        "soa.yaml: entry {id} is not an Annex A control; kept as it is"
                    ));
                }
            }
            edit.set(&[], "controls", &Value::Seq(items))
                .map_err(|e| anyhow!("soa.yaml: {e}"))?;
        }
    }

    // Control references in risks (and their treatment actions) and in document front matter.
    for rel in yaml_files(root, "risks") {
        let edit = changes.open(root, &rel).map_err(|e| anyhow!("{e}"))?;
        let t = tree(&rel, edit.text())?;
        let risks: Vec<Node> = t
            .get("risks")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .to_vec();
        for r in &risks {
            let Some(rid) = r
                .get("id")
                .and_then(|n| n.scalar_text().map(str::to_string))
            else {
                continue;
            };
            let base = vec![Step::key("risks"), Step::id(rid.clone())];
            let c = migrate::strings(r.get("controls"));
            if migrate::has_2013(&c) {
                let new = migrate::rewrite_refs(&c);
                edit.set(&base, "controls", &Value::strs(new.clone()))
                    .map_err(|e| anyhow!("{rel}: {e}"))?;
                rewrites.push(format!(
                    "{rel}: risk {rid} controls [{}] -> [{}]",
                    c.join(", "),
                    new.join(", ")
                ));
            }
            for a in r.get("plan").and_then(Node::as_seq).unwrap_or(&[]) {
                let c = migrate::strings(a.get("controls"));
                if !migrate::has_2013(&c) {
                    continue;
                }
                let new = migrate::rewrite_refs(&c);
                match a.get("id").and_then(|n| n.scalar_text().map(str::to_string)) {
                    Some(aid) => {
                        let mut path = base.clone();
                        path.push(Step::key("plan"));
                        path.push(Step::id(aid.clone()));
                        edit.set(&path, "controls", &Value::strs(new.clone()))
                            .map_err(|e| anyhow!("{rel}: {e}"))?;
                        rewrites.push(format!("{rel}: action {aid} controls [{}] -> [{}]", c.join(", "), new.join(", ")));
                    }
                    None => manual.push(format!(
                        "{rel}: an action of risk {rid} without an id lists [{}]: change it to [{}] by hand",
                        c.join(", "),
                        new.join(", ")
                    )),
                }
            }
        }
    }
    for folder in ["policies", "procedures"] {
        for rel in md_files(root, folder) {
            let edit = changes.open(root, &rel).map_err(|e| anyhow!("{e}"))?;
            let t = tree(&rel, edit.text())?;
            let c = migrate::strings(t.get("controls"));
            if migrate::has_2013(&c) {
                let new = migrate::rewrite_refs(&c);
                edit.set(&[], "controls", &Value::strs(new.clone()))
                    .map_err(|e| anyhow!("{rel}: {e}"))?;
                rewrites.push(format!(
                    "{rel}: controls [{}] -> [{}]",
                    c.join(", "),
                    new.join(", ")
                ));
            }
        }
    }

    if merged.is_empty() && rewrites.is_empty() && manual.is_empty() {
        println!("Nothing to migrate: no ISO/IEC 27001:2013 Annex A ids found.");
        return Ok(Status::Success);
    }
    if !merged.is_empty() {
        let _ = writeln!(
            report,
            "The Statement of Applicability had {} entries with 2013 ids; it now has one entry for \
             each of the 93 controls of ISO/IEC 27001:2022 Annex A.\n",
            present.len()
        );
        report.push_str(&migrate::report_table(&merged, &present));
        let undecided: Vec<&Merged> = merged.iter().filter(|m| m.undecided).collect();
        if !undecided.is_empty() {
            let _ = writeln!(
                report,
                "\n## Controls that need a decision\n\nAdded without an applicability decision \
                 (`isms check` reports them until one is recorded):\n"
            );
            for m in undecided {
                let c = crate::catalogue::get(&m.id);
                let new = if crate::catalogue::is_new_in_2022(&m.id) {
                    " (new in 2022)"
                } else {
                    " (no 2013 entry in the SoA)"
                };
                let _ = writeln!(
                    report,
                    "- {} {}{new}",
                    m.id,
                    c.map_or("", |c| c.title.as_str())
                );
            }
        }
        let review: Vec<&Merged> = merged.iter().filter(|m| !m.review.is_empty()).collect();
        if !review.is_empty() {
            let _ = writeln!(report, "\n## Merged decisions to review\n");
            for m in review {
                let _ = writeln!(
                    report,
                    "- {} (from {}): {}",
                    m.id,
                    m.from.join(", "),
                    m.review.join("; ")
                );
            }
        }
    }
    if !rewrites.is_empty() {
        let _ = writeln!(report, "\n## Control references rewritten\n");
        for r in &rewrites {
            let _ = writeln!(report, "- {r}");
        }
    }
    if !manual.is_empty() {
        let _ = writeln!(report, "\n## Left for a person\n");
        for m in &manual {
            let _ = writeln!(report, "- {m}");
        }
    }
    print!("{report}");
    if !args.write {
        println!(
            "\n```diff\n{}```\n\nDry run: nothing was written (use --write to apply).",
            changes.diff()
        );
        return Ok(Status::Success);
    }
    let written = changes
        .apply(root, Overwrite::Refuse)
        .map_err(|e| anyhow!("nothing was written: {e}"))?;
    println!();
    for w in written {
        println!("Wrote {}", w.display());
    }
    Ok(Status::Success)
}
