//! Upgrading records written against ISO/IEC 27001:2013 Annex A (114 controls) to the 2022
//! catalogue (93): SoA entries are merged per 2022 control, control references elsewhere are
//! rewritten, and everything a person must decide is listed. Pure functions over parsed YAML
//! trees; the CLI (`src/cli/migrate.rs`) reads the files and writes through the editing layer.

use std::collections::BTreeMap;

use super::{Value, show};
use crate::catalogue;
use crate::yaml::{Node, NodeKind};

/// One 2022 control of the migrated SoA and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The 2022 id.
    pub id: String,
    /// The 2013 ids whose entries it combines (empty for a control new in 2022 or an entry
    /// that already had a 2022 id).
    pub from: Vec<String>,
    /// The combined entry.
    pub entry: Value,
    /// What a person must review (conflicting decisions, a split control).
    pub review: Vec<String>,
    /// Added undecided: no 2013 entry maps to it.
    pub undecided: bool,
}

/// A node as a value to write back. Plain dates (`2026-03-31`) stay dates.
pub fn to_value(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => {
            i64::try_from(*i).map_or_else(|_| Value::Str(i.to_string()), Value::Int)
        }
        NodeKind::Float(f) => Value::Str(
            n.raw
                .as_ref()
                .map_or_else(|| f.to_string(), |r| r.to_string()),
        ),
        NodeKind::Str(s) => match s.parse::<jiff::civil::Date>() {
            Ok(d) if s.len() == 10 => Value::Date(d),
            _ => Value::Str(s.to_string()),
        },
        NodeKind::Seq(items) => Value::Seq(items.iter().map(to_value).collect()),
        NodeKind::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.name.to_string(), to_value(v)))
                .collect(),
        ),
    }
}

/// The 2022 ids of a control reference: itself when it is a 2022 id, its successors when it
/// is a 2013 one, `None` when it is neither.
pub fn successors(id: &str) -> Option<Vec<String>> {
    if catalogue::get(id).is_some() {
        return Some(vec![catalogue::normalize_id(id)]);
    }
    catalogue::map_2013(id).map(|m| m.ids_2022.clone())
}

/// Whether a list of control references holds any 2013 id.
pub fn has_2013(ids: &[String]) -> bool {
    ids.iter().any(|i| catalogue::is_2013_id(i))
}

/// A list of control references with 2013 ids replaced by their 2022 successors (order kept,
/// duplicates dropped; unknown ids kept as they are for `isms check` to report).
pub fn rewrite_refs(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let next = if catalogue::is_2013_id(id) {
            successors(id).unwrap_or_else(|| vec![id.clone()])
        } else {
            vec![id.clone()]
        };
        for n in next {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// The texts of a list node.
pub fn strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|n| n.written_text().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Fields whose lists are united when entries merge.
const LIST_FIELDS: &[&str] = &["reasons", "risks", "obligations", "suppliers", "policies"];
/// Fields whose texts are kept side by side, each labelled with its 2013 control.
const TEXT_FIELDS: &[&str] = &["justification", "implementation"];

/// The SoA `controls` list migrated to 2022. `entries` are the items of the list.
pub fn merge_soa(entries: &[Node]) -> Vec<Merged> {
    let mut groups: BTreeMap<String, Vec<(String, &Node, usize)>> = BTreeMap::new();
    for e in entries {
        let Some(id) = e.get("id").and_then(Node::written_text).map(str::to_string) else {
            continue;
        };
        let Some(next) = successors(&id) else {
            continue;
        };
        for n in &next {
            groups
                .entry(n.clone())
                .or_default()
                .push((id.clone(), e, next.len()));
        }
    }
    let mut out = Vec::new();
    for c in catalogue::controls() {
        let Some(group) = groups.get(&c.id) else {
            out.push(Merged {
                id: c.id.clone(),
                from: Vec::new(),
                entry: Value::Map(vec![
                    ("id".into(), Value::Str(c.id.clone())),
                    ("title".into(), Value::Str(c.title.clone())),
                ]),
                review: Vec::new(),
                undecided: true,
            });
            continue;
        };
        let from: Vec<String> = group
            .iter()
            .filter(|(id, _, _)| catalogue::is_2013_id(id))
            .map(|(id, _, _)| {
                catalogue::map_2013(id).map_or_else(|| id.clone(), |m| m.id_2013.clone())
            })
            .collect();
        let mut review = Vec::new();
        let mut fields: Vec<(String, Value)> = vec![
            ("id".into(), Value::Str(c.id.clone())),
            ("title".into(), Value::Str(c.title.clone())),
        ];
        // Field names in the order of their first appearance, so the entry reads like the
        // originals.
        let mut names: Vec<String> = Vec::new();
        for (_, e, _) in group {
            for (k, _) in e.as_map().unwrap_or(&[]) {
                if !matches!(k.name.as_str(), "id" | "title") && !names.iter().any(|n| *n == k.name)
                {
                    names.push(k.name.to_string());
                }
            }
        }
        for name in names {
            let vals: Vec<(&str, &Node)> = group
                .iter()
                .filter_map(|(id, e, _)| e.get(&name).map(|v| (id.as_str(), v)))
                .collect();
            if vals.len() == 1 || group.len() == 1 {
                fields.push((name.clone(), to_value(vals[0].1)));
                continue;
            }
            let value = match name.as_str() {
                "applicable" => {
                    let any = vals.iter().any(|(_, v)| v.kind == NodeKind::Bool(true));
                    let differ = vals.iter().any(|(_, v)| v.kind != vals[0].1.kind);
                    if differ {
                        review.push(format!(
                            "conflicting decisions ({}): applicable wins",
                            vals.iter()
                                .map(|(id, v)| format!("{id} {}", show(&to_value(v))))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    Value::Bool(any)
                }
                "status" => {
                    let rank = |v: &Node| match v.written_text() {
                        Some("implemented") => 3,
                        Some("partial" | "partially-implemented") => 2,
                        Some("planned") => 1,
                        _ => 0,
                    };
                    let min = vals.iter().min_by_key(|(_, v)| rank(v)).map(|(_, v)| *v);
                    if vals
                        .iter()
                        .any(|(_, v)| v.written_text() != vals[0].1.written_text())
                    {
                        review.push("statuses differed: the least advanced was kept".into());
                    }
                    min.map_or(Value::Null, to_value)
                }
                n if TEXT_FIELDS.contains(&n) => {
                    let parts: Vec<String> = vals
                        .iter()
                        .filter_map(|(id, v)| {
                            v.written_text().map(|t| format!("{id}: {}", t.trim()))
                        })
                        .collect();
                    Value::Str(parts.join(" "))
                }
                n if LIST_FIELDS.contains(&n) || n == "evidence" => {
                    let mut all: Vec<Value> = Vec::new();
                    for (_, v) in &vals {
                        if let Value::Seq(items) = to_value(v) {
                            for i in items {
                                if !all.contains(&i) {
                                    all.push(i);
                                }
                            }
                        }
                    }
                    Value::Seq(all)
                }
                _ => {
                    let first = to_value(vals[0].1);
                    if vals.iter().any(|(_, v)| to_value(v) != first) {
                        review.push(format!(
                            "`{name}` differed ({}): {} was kept",
                            vals.iter()
                                .map(|(id, v)| format!("{id} {}", show(&to_value(v))))
                                .collect::<Vec<_>>()
                                .join(", "),
                            show(&first)
                        ));
                    }
                    first
                }
            };
            fields.push((name, value));
        }
        for (id, _, n) in group {
            if *n > 1 {
                review.push(format!(
                    "{id} split into several 2022 controls: its decision was copied to each"
                ));
            }
        }
        out.push(Merged {
            id: c.id.clone(),
            from,
            entry: Value::Map(fields),
            review,
            undecided: false,
        });
    }
    out
}

/// The auditor's table: every 2013 control, its 2022 control(s), and what happened to it.
pub fn report_table(merged: &[Merged], present_2013: &[String]) -> String {
    let mut s = String::from(
        "| ISO/IEC 27001:2013 | 2013 title | ISO/IEC 27001:2022 | 2022 title | Migration |\n|---|---|---|---|---|\n",
    );
    for m in catalogue::mappings_2013() {
        if !present_2013.contains(&m.id_2013) {
            continue;
        }
        let what = m
            .ids_2022
            .iter()
            .filter_map(|id| merged.iter().find(|x| &x.id == id))
            .map(|x| {
                let mut w = if x.from.len() > 1 {
                    format!(
                        "merged with {}",
                        x.from
                            .iter()
                            .filter(|f| **f != m.id_2013)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else if m.ids_2022.len() > 1 {
                    "split: decision copied".to_string()
                } else {
                    "renumbered".to_string()
                };
                let review: Vec<&String> = x
                    .review
                    .iter()
                    .filter(|r| !r.contains("split into"))
                    .collect();
                if !review.is_empty() {
                    w.push_str("; review: ");
                    w.push_str(
                        &review
                            .iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                    );
                }
                w
            })
            .collect::<Vec<_>>()
            .join(" / ");
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.id_2013,
            m.title_2013,
            m.ids_2022.join(", "),
            m.titles_2022.join("; "),
            what.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};

    fn parse(t: &str) -> Node {
        let src = SourceFile::new("soa.yaml".to_string(), t.to_string());
        crate::yaml::parse(FileId(0), &src, 0..t.len()).unwrap()
    }

    #[test]
    fn merged_controls_keep_both_justifications_and_applicable_wins() {
        let t = "controls:\n  - id: A.5.1.1\n    applicable: true\n    justification: Needed\n    evidence:\n      - path: a.pdf\n        collected: 2024-01-02\n  - id: A.5.1.2\n    applicable: false\n    justification: Covered\n";
        let tree = parse(t);
        let merged = merge_soa(tree.get("controls").unwrap().as_seq().unwrap());
        let m = merged.iter().find(|m| m.id == "5.1").unwrap();
        assert_eq!(m.from, ["A.5.1.1", "A.5.1.2"]);
        let s = show(&m.entry);
        assert!(s.contains("applicable: true"), "{s}");
        assert!(s.contains("\"A.5.1.1: Needed A.5.1.2: Covered\""), "{s}");
        assert!(s.contains("collected: 2024-01-02"), "{s}");
        assert!(m.review[0].contains("applicable wins"));
        assert!(merged.iter().find(|m| m.id == "5.7").unwrap().undecided);
        assert_eq!(merged.len(), 93);
    }

    #[test]
    fn references_are_rewritten() {
        let ids = [
            "A.9.2.1".to_string(),
            "A.9.2.2".into(),
            "8.5".into(),
            "A.18.2.3".into(),
        ];
        assert_eq!(rewrite_refs(&ids), ["5.16", "5.18", "8.5", "5.36", "8.8"]);
    }
}
