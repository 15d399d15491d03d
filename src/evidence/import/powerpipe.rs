//! Powerpipe benchmark runs exported as JSON (`powerpipe benchmark run NAME --export json`):
//! a tree of groups, each with `groups` and `controls`; every control has a `control_id`,
//! `tags` and `results`, each result with a `status` of `ok`, `alarm`, `error`, `skip` or
//! `info`.
//!
//! Powerpipe's benchmarks do not name Annex A controls, so the user maps tags to controls:
//! `--map TAG=CONTROL`, where `TAG` is a tag key (the control carries it, with any value
//! other than `false`) or `key:value` (the tag has exactly that value).

use serde_json::Value;

use super::{ImportError, ScanSummary, Tool, annex_a_id, date_prefix};

/// One `--map TAG=CONTROL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMap {
    /// The tag key.
    pub key: String,
    /// The value it must have, if given.
    pub value: Option<String>,
    /// The Annex A control.
    pub control: String,
}

impl TagMap {
    /// Parses `TAG=CONTROL` (`service:AWS/S3=8.24`, `encryption=8.24`).
    pub fn parse(s: &str) -> Result<TagMap, String> {
        let Some((tag, control)) = s.rsplit_once('=') else {
            return Err(format!(
                "`{s}` is not TAG=CONTROL: write it as `--map encryption=8.24` or `--map service:AWS/S3=8.24`"
            ));
        };
        let tag = tag.trim();
        if tag.is_empty() {
            return Err(format!("`{s}` has no tag before `=`"));
        }
        let Some(id) = annex_a_id(control) else {
            return Err(format!(
                "`{}` in `{s}` is not an Annex A control of ISO/IEC 27001:2022 (such as 8.24 or 5.10)",
                control.trim()
            ));
        };
        let (key, value) = match tag.split_once(':') {
            Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
            None => (tag.to_string(), None),
        };
        Ok(TagMap {
            key,
            value,
            control: id,
        })
    }

    fn matches(&self, tags: &serde_json::Map<String, Value>) -> bool {
        let Some(v) = tags.get(&self.key) else {
            return false;
        };
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Null => return false,
            other => other.to_string(),
        };
        match &self.value {
            Some(want) => &text == want,
            None => !text.eq_ignore_ascii_case("false"),
        }
    }
}

/// Parses a Powerpipe benchmark export with the given tag mappings.
pub fn parse(file: &str, bytes: &[u8], maps: &[TagMap]) -> Result<ScanSummary, ImportError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::json(file, &e, "`powerpipe benchmark run NAME --export json`"))?;
    let shape_hint = "import the JSON file `powerpipe benchmark run NAME --export json` writes";
    let Some(root) = value.as_object() else {
        return Err(ImportError::new(
            file,
            "this is not a Powerpipe benchmark export: the top level is not an object",
            shape_hint,
        ));
    };
    if !root.contains_key("groups") && !root.contains_key("controls") {
        return Err(ImportError::new(
            file,
            "this is not a Powerpipe benchmark export: it has neither `groups` nor `controls`",
            shape_hint,
        ));
    }
    let mut summary = ScanSummary::new(Tool::Powerpipe, "Powerpipe benchmark export", "json");
    for key in ["end_time", "start_time"] {
        if let Some(day) = root.get(key).and_then(Value::as_str).and_then(date_prefix) {
            summary.note_collected(day);
            break;
        }
    }
    let mut seen = 0usize;
    let mut matched = 0usize;
    let mut stack: Vec<(&serde_json::Map<String, Value>, String)> =
        vec![(root, "the benchmark".into())];
    while let Some((group, path)) = stack.pop() {
        if let Some(groups) = group.get("groups").filter(|g| !g.is_null()) {
            let Some(groups) = groups.as_array() else {
                return Err(ImportError::new(
                    file,
                    format!("`groups` of {path} is not a list"),
                    shape_hint,
                ));
            };
            for g in groups.iter().rev() {
                let Some(g) = g.as_object() else {
                    return Err(ImportError::new(
                        file,
                        format!("a group of {path} is not an object"),
                        shape_hint,
                    ));
                };
                let name = g.get("group_id").and_then(Value::as_str).unwrap_or("?");
                stack.push((g, format!("group `{name}`")));
            }
        }
        let Some(controls) = group.get("controls").filter(|c| !c.is_null()) else {
            continue;
        };
        let Some(controls) = controls.as_array() else {
            return Err(ImportError::new(
                file,
                format!("`controls` of {path} is not a list"),
                shape_hint,
            ));
        };
        for control in controls {
            seen += 1;
            let Some(control) = control.as_object() else {
                return Err(ImportError::new(
                    file,
                    format!("a control of {path} is not an object"),
                    shape_hint,
                ));
            };
            let name = control
                .get("control_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            let empty = serde_json::Map::new();
            let tags = control
                .get("tags")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let targets: Vec<&str> = maps
                .iter()
                .filter(|m| m.matches(tags))
                .map(|m| m.control.as_str())
                .collect();
            if targets.is_empty() {
                continue;
            }
            matched += 1;
            let results = control.get("results").and_then(Value::as_array);
            for result in results.into_iter().flatten() {
                let status = result.get("status").and_then(Value::as_str).unwrap_or("");
                if matches!(status, "skip" | "info") {
                    summary.skipped += 1;
                    continue;
                }
                for target in dedup(&targets) {
                    let tally = summary.controls.entry(target.to_string()).or_default();
                    match status {
                        "ok" => tally.pass(),
                        "alarm" | "error" => tally.fail(name),
                        other => {
                            return Err(ImportError::new(
                                file,
                                format!(
                                    "control `{name}` has a result with status `{other}`, not one of ok, alarm, error, skip, info"
                                ),
                                shape_hint,
                            ));
                        }
                    }
                }
            }
        }
    }
    if matched == 0 {
        let tags: Vec<String> = maps
            .iter()
            .map(|m| match &m.value {
                Some(v) => format!("{}:{v}", m.key),
                None => m.key.clone(),
            })
            .collect();
        return Err(ImportError::new(
            file,
            if maps.is_empty() {
                format!(
                    "no mapping given: none of the {seen} controls can be assigned to an Annex A control"
                )
            } else {
                format!(
                    "none of the {seen} controls carries the tag(s) {}",
                    tags.join(", ")
                )
            },
            "map the benchmark's tags to Annex A controls with `--map TAG=CONTROL` (see `tags` of \
             the controls in the export), for example `--map encryption=8.24`",
        ));
    }
    Ok(summary)
}

fn dedup<'a>(v: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in v {
        if !out.contains(s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_maps_parse() {
        let m = TagMap::parse("service:AWS/S3=8.12").unwrap();
        assert_eq!(
            (m.key.as_str(), m.value.as_deref(), m.control.as_str()),
            ("service", Some("AWS/S3"), "8.12")
        );
        let m = TagMap::parse("encryption=A.8.24").unwrap();
        assert_eq!(
            (m.key.as_str(), m.value, m.control.as_str()),
            ("encryption", None, "8.24")
        );
        assert!(
            TagMap::parse("encryption")
                .unwrap_err()
                .contains("TAG=CONTROL")
        );
        assert!(TagMap::parse("=8.24").is_err());
        assert!(
            TagMap::parse("x=5.38")
                .unwrap_err()
                .contains("not an Annex A control")
        );
    }

    #[test]
    fn a_tag_set_to_false_does_not_match() {
        let m = TagMap::parse("hipaa=8.24").unwrap();
        let tags = |v: &str| {
            serde_json::json!({ "hipaa": v })
                .as_object()
                .cloned()
                .unwrap()
        };
        assert!(m.matches(&tags("true")));
        assert!(!m.matches(&tags("false")));
        assert!(!m.matches(&serde_json::Map::new()));
    }
}
