//! Finds the scaffold's markers ("to do:", "to fill in") in the record files, including in
//! YAML comments, which the parsed records do not keep.

use crate::model::Marker;
use crate::source::SourceMap;

/// Longest excerpt of a marker line kept for messages, in characters.
const EXCERPT: usize = 80;

/// Every marker of [`crate::scaffold::MARKERS`] in the loaded files, one per line. A marker
/// between backticks is a mention (`` `# to do:` ``), not a marker, and is skipped.
///
/// Runs on every load (the language server's keystrokes too), so a file is searched whole
/// and only the lines that may hold a marker are looked at one by one.
pub fn find(sources: &SourceMap, cache: Option<&Cache>) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut kept = cache.and_then(|c| c.0.lock().ok());
    for (_, file) in sources.files() {
        if let Some(kept) = kept.as_mut() {
            match kept.get(&file.path) {
                Some((text, found)) if *text == file.text => out.extend(found.iter().cloned()),
                _ => {
                    let found = in_file(file);
                    out.extend(found.iter().cloned());
                    kept.insert(file.path.clone(), (file.text.clone(), found));
                }
            }
        } else {
            out.extend(in_file(file));
        }
    }
    out
}

/// Markers found before, by path, with the text they were found in (the language server
/// loads on every change; most files did not change).
#[derive(Debug, Default)]
pub struct Cache(std::sync::Mutex<std::collections::HashMap<String, (String, Vec<Marker>)>>);

/// The markers of one file's text (a file about to be written, for instance).
pub(crate) fn find_in(path: &str, text: &str) -> Vec<Marker> {
    in_file(&crate::source::SourceFile::new(
        path.to_string(),
        text.to_string(),
    ))
}

/// The markers of one file.
fn in_file(file: &crate::source::SourceFile) -> Vec<Marker> {
    let mut out = Vec::new();
    let text = file.text.as_str();
    {
        // ASCII lowercasing keeps byte offsets; a line with other characters is looked at
        // anyway, since its full lowercase may differ.
        let lowered = text.to_ascii_lowercase();
        // Lines, not positions: a long line with many candidates is looked at once.
        let mut lines: Vec<usize> = crate::scaffold::MARKERS
            .iter()
            .flat_map(|m| {
                memchr::memmem::find_iter(lowered.as_bytes(), m.as_bytes())
                    .map(|p| file.line_index(p))
            })
            .collect();
        if !text.is_ascii() {
            lines.extend(
                text.split('\n')
                    .enumerate()
                    .filter(|(_, l)| !l.is_ascii())
                    .map(|(i, _)| i),
            );
        }
        lines.sort_unstable();
        lines.dedup();
        for index in lines {
            let Some(start) = file.line_start(index) else {
                continue;
            };
            // The line as `str::lines` gives it.
            let rest = &text[start..];
            let line = match rest.find('\n') {
                Some(end) => {
                    let l = &rest[..end];
                    l.strip_suffix('\r').unwrap_or(l)
                }
                None => rest,
            };
            if let Some(m) = line_marker(&file.path, index, line) {
                out.push(m);
            }
        }
    }
    out
}

/// The marker of one line (0-based `index`), if it has one.
fn line_marker(path: &str, index: usize, line: &str) -> Option<Marker> {
    let lower = line.to_lowercase();
    // Lowercasing can change byte lengths outside ASCII; only use positions when it did not.
    if lower.len() != line.len() {
        return crate::scaffold::has_marker(line).then(|| marker(path, index, 0, line));
    }
    let mut positions: Vec<usize> = crate::scaffold::MARKERS
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(p, _)| p))
        .collect();
    positions.sort_unstable();
    // The backticks before each position, counted once along the line.
    let (mut ticks, mut counted) = (0usize, 0usize);
    for p in positions {
        ticks += line.as_bytes()[counted..p]
            .iter()
            .filter(|&&b| b == b'`')
            .count();
        counted = p;
        if ticks.is_multiple_of(2) {
            return Some(marker(path, index, p, line));
        }
    }
    None
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
        let found: Vec<(u32, u32)> = find(&map, None)
            .iter()
            .map(|m| (m.line, m.column))
            .collect();
        assert_eq!(found, vec![(2, 24), (3, 12)]);
    }

    /// The line-by-line search `find` replaced, kept as the reference.
    fn find_each_line(sources: &SourceMap) -> Vec<Marker> {
        let mut out = Vec::new();
        for (_, file) in sources.files() {
            for (i, line) in file.text.lines().enumerate() {
                out.extend(line_marker(&file.path, i, line));
            }
        }
        out
    }

    #[test]
    fn the_whole_file_search_finds_what_each_line_would() {
        let texts = [
            "a: 1\r\nb: To Do: x\r\n`to do:` then to fill in\n",
            "x: \u{212A}to do:\nÄ: TO FILL IN\nno marker é\n\nlast: to do:",
            "to do:\rto fill in\r",
            "ok: done\n",
            "",
            "İ to do: ß `to fill in` to do:\n\n\n  # to fill in\n",
        ];
        for t in texts {
            let mut map = SourceMap::default();
            map.add(SourceFile::new("a.yaml", t));
            map.add(SourceFile::new("b.md", format!("{t}\n{t}")));
            let (fast, slow) = (find(&map, None), find_each_line(&map));
            let key = |v: &[Marker]| -> Vec<(String, u32, u32, String)> {
                v.iter()
                    .map(|m| (m.path.clone(), m.line, m.column, m.text.clone()))
                    .collect()
            };
            assert_eq!(key(&fast), key(&slow), "{t:?}");
            let cache = Cache::default();
            let _ = find(&map, Some(&cache));
            assert_eq!(key(&find(&map, Some(&cache))), key(&slow), "kept: {t:?}");
        }
    }

    /// Long lines cost their length, not their length times their candidates (a 1 MB line
    /// of non-ASCII text, or of markers inside an open backtick, took minutes).
    #[test]
    fn long_lines_are_scanned_once() {
        let mut map = SourceMap::default();
        let wide = format!("{} to do: x\n", "é".repeat(500_000));
        let quoted = format!("`{}\n", "to do: ".repeat(150_000));
        map.add(SourceFile::new("a.md", wide));
        map.add(SourceFile::new("b.md", quoted));
        let found = find(&map, None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].path.as_str(), found[0].line), ("a.md", 1));
        assert_eq!(found[0].column, 500_002);
    }
}
