//! Spreadsheet bytes (CSV or xlsx) to a grid of cell texts. Takes the bytes, never a path, so
//! the importers stay free of I/O.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};

/// One cell: its text, and whether the spreadsheet stored it as a number (a control id typed
/// as `5.10` into a number cell arrives as `5.1`, see [`super::resolve_numeric_control`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// The text as a person reads it (numbers without a trailing `.0`, dates `YYYY-MM-DD`).
    pub text: String,
    /// Stored as a number.
    pub number: bool,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            number: false,
        }
    }
}

/// The cells of one sheet, row by row (row 1 first), with the sheet's name for xlsx.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The sheet name (`None` for CSV).
    pub sheet: Option<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Why a file could not be read as a spreadsheet.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Neither an xlsx workbook nor CSV text.
    #[error("not a spreadsheet: {why} (use an .xlsx workbook or a UTF-8 .csv file)")]
    NotASpreadsheet {
        /// What was wrong.
        why: String,
    },
    /// The workbook could not be read.
    #[error("cannot read the workbook: {0}")]
    Workbook(String),
    /// `--sheet` names no sheet of the workbook.
    #[error("no sheet named {wanted:?}; the workbook has: {}", available.join(", "))]
    NoSuchSheet {
        /// The name given.
        wanted: String,
        /// The sheets there are.
        available: Vec<String>,
    },
    /// The CSV text is malformed.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// `.docx` and other word-processor files.
    #[error(
        "a Word document is not a spreadsheet: save the table as .xlsx or .csv from your word processor"
    )]
    WordDocument,
}

/// Reads `bytes` (the file called `name`) as a workbook or CSV. For a workbook, `sheet` picks
/// the sheet; without it, the first sheet that has any content.
pub fn read(bytes: &[u8], name: &str, sheet: Option<&str>) -> Result<Grid, SheetError> {
    let lower = name.to_lowercase();
    if lower.ends_with(".docx") || lower.ends_with(".doc") || lower.ends_with(".odt") {
        return Err(SheetError::WordDocument);
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if zip || ole {
        return read_workbook(bytes, sheet);
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") {
        return Err(SheetError::NotASpreadsheet {
            why: "the file is named like a workbook but is not one".into(),
        });
    }
    read_csv(bytes)
}

fn read_workbook(bytes: &[u8], wanted: Option<&str>) -> Result<Grid, SheetError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| SheetError::NotASpreadsheet { why: e.to_string() })?;
    let names = wb.sheet_names();
    let chosen: Vec<String> = match wanted {
        Some(w) => {
            let hit = names
                .iter()
                .find(|n| n.as_str() == w)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)));
            match hit {
                Some(n) => vec![n.clone()],
                None => {
                    return Err(SheetError::NoSuchSheet {
                        wanted: w.to_string(),
                        available: names,
                    });
                }
            }
        }
        None => names.clone(),
    };
    let mut first: Option<Grid> = None;
    for name in chosen {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| SheetError::Workbook(format!("sheet {name:?}: {e}")))?;
        let (h, w) = range.get_size();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows = vec![vec![Cell::default(); w + c0 as usize]; h + r0 as usize];
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                rows[r + r0 as usize][c + c0 as usize] = cell(v);
            }
        }
        if let Sheets::Xlsx(x) = &mut wb
            && let Ok(merged) = x.merge_cells_by_sheet_name(&name)
        {
            fill_merged(&mut rows, &merged);
        }
        let grid = Grid {
            sheet: Some(name),
            rows,
        };
        let has_content = grid
            .rows
            .iter()
            .any(|r| r.iter().any(|c| !c.text.trim().is_empty()));
        if has_content || wanted.is_some() {
            return Ok(grid);
        }
        first.get_or_insert(grid);
    }
    Ok(first.unwrap_or_default())
}

/// Copies the value of a merged region's top-left cell into the region's other cells of the
/// same column, so a value merged down several rows (one owner for a group of controls)
/// reaches every row. Merges across columns (title rows) are left alone.
fn fill_merged(rows: &mut [Vec<Cell>], merged: &[calamine::Dimensions]) {
    for m in merged {
        let (r0, c0) = (m.start.0 as usize, m.start.1 as usize);
        let (r1, c1) = (m.end.0 as usize, m.end.1 as usize);
        if c0 != c1 {
            continue;
        }
        let Some(top) = rows.get(r0).and_then(|r| r.get(c0)).cloned() else {
            continue;
        };
        for row in rows.iter_mut().take(r1 + 1).skip(r0 + 1) {
            if let Some(c) = row.get_mut(c0) {
                *c = top.clone();
            }
        }
    }
}

fn cell(v: &Data) -> Cell {
    match v {
        Data::Empty | Data::Error(_) => Cell::default(),
        Data::String(s) => Cell::text(s.clone()),
        Data::Bool(b) => Cell::text(if *b { "true" } else { "false" }),
        Data::Int(i) => Cell {
            text: i.to_string(),
            number: true,
        },
        Data::Float(x) => Cell {
            text: number_text(*x),
            number: true,
        },
        Data::DateTime(d) => Cell::text(excel_date(d.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::text(s.split('T').next().unwrap_or(s).to_string())
        }
    }
}

/// A number as a person typed it: `3` for 3.0, `5.1` for 5.1.
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// An Excel date serial (1900 date system) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = serial.floor();
    if !(0.0..3_000_000.0).contains(&days) {
        return number_text(serial);
    }
    epoch
        .checked_add(jiff::Span::new().days(days as i64))
        .map_or_else(|_| number_text(serial), |d| d.to_string())
}

fn read_csv(bytes: &[u8]) -> Result<Grid, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|e| SheetError::NotASpreadsheet {
        why: format!(
            "byte {} is not UTF-8 text (export the sheet as \"CSV UTF-8\")",
            e.valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(SheetError::NotASpreadsheet {
            why: "the file holds binary data".into(),
        });
    }
    let delimiter = sniff_delimiter(text);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| SheetError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        rows.push(rec.iter().map(Cell::text).collect());
    }
    Ok(Grid { sheet: None, rows })
}

/// Comma, semicolon (spreadsheets in locales with a decimal comma) or tab: whichever appears
/// most in the first lines outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for line in text.lines().take(20) {
        for b in line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                for c in &mut counts {
                    if c.0 == b {
                        c.1 += 1;
                    }
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_bom() {
        let g = read(
            "\u{feff}Control;Applicable\n5.1;Y\n".as_bytes(),
            "x.csv",
            None,
        )
        .unwrap();
        assert_eq!(g.rows[0][0].text, "Control");
        assert_eq!(g.rows[1][1].text, "Y");
    }

    #[test]
    fn binary_is_not_a_spreadsheet() {
        assert!(matches!(
            read(&[0xff, 0xfe, 0, 1], "x.csv", None),
            Err(SheetError::NotASpreadsheet { .. })
        ));
        assert!(matches!(
            read(b"PK\x03\x04garbage", "x.xlsx", None),
            Err(SheetError::NotASpreadsheet { .. })
        ));
        assert!(matches!(
            read(b"anything", "x.docx", None),
            Err(SheetError::WordDocument)
        ));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(excel_date(46000.0), "2025-12-09");
        assert_eq!(number_text(5.1), "5.1");
        assert_eq!(number_text(3.0), "3");
    }
}
