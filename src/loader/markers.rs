//! Finds the scaffold's markers ("to do:", "to fill in") in the record files, including in
//! YAML comments, which the parsed records do not keep.

use crate::model::Marker;
use crate::source::SourceMap;

/// Longest excerpt of a marker line kept for messages, in characters.
const EXCERPT: usize = 80;

/// Every marker of [`crate::scaffold::MARKERS`] in the loaded files, one per line. A marker
/// between backticks is a mention (`` `# to do:` ``), not a marker, and is skipped.
pub fn find(sources: &SourceMap) -> Vec<Marker> {
    let mut out = Vec::new();
    for (_, file) in sources.files() {
        out.extend(find_in(&file.path, &file.text));
    }
    out
}

/// The markers of one file's text (a file about to be written, for instance).
pub(crate) fn find_in(path: &str, text: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lower = line.to_lowercase();
        // Lowercasing can change byte lengths outside ASCII; only use positions when it
        // did not.
        if lower.len() != line.len() {
            if crate::scaffold::has_marker(line) {
                out.push(marker(path, i, 0, line));
            }
            continue;
        }
        let first = crate::scaffold::MARKERS
            .iter()
            .flat_map(|m| lower.match_indices(m).map(|(p, _)| p))
            .filter(|&p| line[..p].matches('`').count() % 2 == 0)
            .min();
        if let Some(p) = first {
            out.push(marker(path, i, p, line));
        }
    }
    out
}

fn marker(path: &str, index: usize, byte: usize, line: &str) -> Marker {
    let rest = line.get(byte..).unwrap_or(line).trim();
    let mut text: String = rest.chars().take(EXCERPT).collect();
    if rest.chars().count() > EXCERPT {
        text.push_str("...");
    }
    let column = line.get(..byte).map_or(0, |s| s.chars().count());
    Marker {
        path: path.to_string(),
        line: u32::try_from(index + 1).unwrap_or(u32::MAX),
        column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn markers_in_values_comments_and_text_but_not_mentions() {
        let mut map = SourceMap::default();
        map.add(SourceFile::new(
            "a.yaml",
            "# Lines marked `# to do:` are decisions.\nname: \"Office (address to fill in)\"\ndue: ~   # To do: target date\nok: done\n",
        ));
        let found: Vec<(u32, u32)> = find(&map).iter().map(|m| (m.line, m.column)).collect();
        assert_eq!(found, vec![(2, 24), (3, 12)]);
    }
}
