//! Terminal tables for the register views: fitted to the width of the terminal (or
//! `COLUMNS`), one line per record with long cells cut short, and colours only when asked for.

use std::io::Write as _;

use anyhow::Context as _;
use comfy_table::{
    ColumnConstraint, ContentArrangement, ContentLineStyle, LineStyle, Row, Table, TableStyle,
    Width,
};

/// Widest a column that is not flexible gets before it is cut.
const CAP: u16 = 20;
/// Flexible columns give up space first, down to this width.
const FLEX_MIN: u16 = 12;
/// No column is cut below this width.
const MIN: u16 = 4;

/// Which columns a table can give up on a narrow terminal.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// Columns that shrink first (titles, justifications).
    pub flex: &'a [usize],
    /// Columns left out, in this order, while the others cannot fit (`--format json` has
    /// them all).
    pub optional: &'a [usize],
}

/// The columns shown at `width`: all, unless even with flexible columns at their minimum
/// the line is too long; then optional columns go, in order.
fn keep(natural: &[u16], layout: Layout<'_>, width: u16) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..natural.len()).collect();
    let need = |kept: &[usize]| -> u32 {
        kept.iter()
            .map(|&i| {
                let cap = if layout.flex.contains(&i) {
                    FLEX_MIN
                } else {
                    CAP
                };
                u32::from(natural[i].min(cap)) + 3
            })
            .sum()
    };
    for drop in layout.optional {
        if need(&kept) <= u32::from(width) {
            break;
        }
        kept.retain(|i| i != drop);
    }
    kept
}

/// Content widths for columns of natural widths `content` in a line of `width`: flexible
/// columns (titles, justifications) give way first, then the widest of the others. Each
/// column takes two characters of padding and one of separator besides its content.
fn fit(content: &[u16], flex: &[usize], width: u16) -> Vec<u16> {
    let overhead = u16::try_from(content.len() * 3).unwrap_or(u16::MAX);
    let avail = width.saturating_sub(overhead);
    let mut w: Vec<u16> = content
        .iter()
        .enumerate()
        .map(|(i, c)| if flex.contains(&i) { *c } else { (*c).min(CAP) })
        .collect();
    while w.iter().map(|x| u32::from(*x)).sum::<u32>() > u32::from(avail) {
        let widest = |pick: &dyn Fn(usize) -> bool, floor: u16| {
            (0..w.len())
                .filter(|i| pick(*i) && w[*i] > floor)
                .max_by_key(|i| w[*i])
        };
        let Some(i) = widest(&|i| flex.contains(&i), FLEX_MIN).or_else(|| widest(&|_| true, MIN))
        else {
            break; // Nothing left to cut: the line will be wider than the terminal.
        };
        w[i] -= 1;
    }
    w
}

/// Columns separated by two spaces, a dashed line under the header, no borders: readable,
/// and still easy to `grep`.
const PLAIN: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction(' '))
    .header_separator(LineStyle::none().fill('-').junction(' '))
    .content_lines(ContentLineStyle::none().junction(' '));

/// The width to fit tables to: `COLUMNS` when set (tests and scripts fix it), else the
/// terminal's, else none (output to a pipe or file is not cut).
pub fn width() -> Option<u16> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0)
}

/// ANSI colours for a table: the header in bold, rows in the colour the caller picks.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to emit escape codes at all.
    pub color: bool,
}

impl Paint {
    /// `s` in the SGR style `code` (`1` bold, `31` red, ...), or plain.
    pub fn paint(self, code: &str, s: &str) -> String {
        if self.color && !code.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// A table of `header` and `rows`, laid out for `width`. `row_style` gives an SGR code per
/// row (empty for none). Colours are applied to whole lines after layout, so escape codes
/// never count towards the column widths.
pub fn table(
    header: &[&str],
    rows: Vec<Vec<String>>,
    layout: Layout<'_>,
    row_style: &[&str],
    width: Option<u16>,
    paint: Paint,
) -> String {
    let natural: Vec<u16> = (0..header.len())
        .map(|i| {
            let cells = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count());
            let w = cells.chain([header[i].chars().count()]).max().unwrap_or(0);
            u16::try_from(w).unwrap_or(u16::MAX)
        })
        .collect();
    let kept = match width {
        Some(w) => keep(&natural, layout, w),
        None => (0..header.len()).collect(),
    };
    let mut t = Table::new();
    t.load_style(PLAIN);
    t.set_truncation_indicator("…");
    t.set_content_arrangement(ContentArrangement::Disabled);
    let mut head = Row::from(kept.iter().map(|&i| header[i]));
    head.max_height(1);
    t.set_header(head);
    let n = rows.len();
    for cells in rows {
        // One line per record: cells that do not fit are cut, not wrapped.
        let mut row = Row::from(
            kept.iter()
                .map(|&i| cells.get(i).cloned().unwrap_or_default()),
        );
        row.max_height(1);
        t.add_row(row);
    }
    if let Some(w) = width {
        let flex: Vec<usize> = (0..kept.len())
            .filter(|k| layout.flex.contains(&kept[*k]))
            .collect();
        let content: Vec<u16> = kept.iter().map(|&i| natural[i]).collect();
        t.set_constraints(
            fit(&content, &flex, w)
                .into_iter()
                .map(|w| ColumnConstraint::Absolute(Width::Fixed(w + 2))),
        );
    }
    let lines: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    let first_row = lines.len().saturating_sub(n);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let styled = if i < first_row {
            if i == 0 {
                paint.paint("1", line)
            } else {
                line.clone()
            }
        } else {
            paint.paint(row_style.get(i - first_row).copied().unwrap_or(""), line)
        };
        out.push_str(&styled);
        out.push('\n');
    }
    out
}

/// Writes the whole output at once; a closed pipe (`isms risks | head`) is not an error.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

/// CSV text of `header` and `rows`.
pub fn csv(header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
    Ok(String::from_utf8(bytes)?)
}

/// `items` joined with `, `, cut after `max` with a count of the rest (`5.15, 8.2, +3`).
pub fn shorten(items: &[String], max: usize) -> String {
    let mut s = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        s.push_str(&format!(", +{}", items.len() - max));
    }
    s
}

/// Loads the ISMS in `dir` for a view. Records that fail to load are left out of the view, so
/// that is said on standard error rather than silently showing less.
pub fn load(
    dir: &std::path::Path,
    max_file_size: Option<u32>,
) -> anyhow::Result<crate::loader::Loaded> {
    if !dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder (give the folder that contains isms.yaml)",
            dir.display()
        );
    }
    let loaded = crate::loader::load_with(dir, super::check::load_options(max_file_size))
        .with_context(|| format!("cannot read {}", dir.display()))?;
    let failed = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    if failed > 0 {
        eprintln!(
            "warning: {failed} problem(s) while loading {}: records that did not load are not shown (run `isms check` for details)",
            dir.display()
        );
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLEX1: Layout<'static> = Layout {
        flex: &[1],
        optional: &[],
    };

    #[test]
    fn narrow_terminals_drop_optional_columns_first() {
        let rows = vec![vec![
            "R-01".into(),
            "title".repeat(5),
            "p-owner".into(),
            "5.1, 5.2".into(),
        ]];
        let layout = Layout {
            flex: &[1],
            optional: &[3],
        };
        let out = table(
            &["ID", "TITLE", "OWNER", "CONTROLS"],
            rows.clone(),
            layout,
            &[],
            Some(40),
            Paint { color: false },
        );
        assert!(!out.contains("CONTROLS") && out.contains("OWNER"), "{out}");
        let out = table(
            &["ID", "TITLE", "OWNER", "CONTROLS"],
            rows,
            layout,
            &[],
            Some(100),
            Paint { color: false },
        );
        assert!(out.contains("CONTROLS"), "{out}");
    }

    #[test]
    fn tables_fit_the_width() {
        let rows = vec![vec!["R-01".into(), "a very long title ".repeat(10)]];
        let out = table(
            &["ID", "TITLE"],
            rows,
            FLEX1,
            &[],
            Some(40),
            Paint { color: false },
        );
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert!(out.contains('…'), "{out}");
    }

    #[test]
    fn colours_wrap_whole_lines() {
        let rows = vec![vec!["R-01".into(), "x".into()]];
        let out = table(
            &["ID", "T"],
            rows,
            FLEX1,
            &["31"],
            None,
            Paint { color: true },
        );
        assert!(out.starts_with("\x1b[1m"), "{out:?}");
        assert!(
            out.lines().last().unwrap().starts_with("\x1b[31m"),
            "{out:?}"
        );
    }

    #[test]
    fn long_lists_are_shortened() {
        let v: Vec<String> = ["5.15", "8.2", "8.3", "8.5"].map(String::from).to_vec();
        assert_eq!(shorten(&v, 2), "5.15, 8.2, +2");
        assert_eq!(shorten(&v[..1], 2), "5.15");
    }
}
