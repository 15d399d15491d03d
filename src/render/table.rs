//! Tabular output: a register as a small table (sheet name, typed columns, rows of typed cells)
//! rendered to CSV (RFC 4180) and to xlsx workbooks (one sheet per register), so auditors and
//! managers can filter and sort the SoA and the registers in a spreadsheet.

use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// Column width in spreadsheet character units.
    pub width: f64,
}

impl Column {
    /// A column with a header and a width.
    pub fn new(header: impl Into<String>, width: f64) -> Column {
        Column {
            header: header.into(),
            width,
        }
    }
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text.
    Text(String),
    /// An integer (likelihood, impact, counts).
    Int(i64),
    /// A calendar date: a real date in xlsx, `YYYY-MM-DD` in CSV.
    Date(Date),
    /// Yes/no.
    Bool(bool),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
}

impl From<Option<Date>> for Cell {
    fn from(d: Option<Date>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Cell {
        Cell::Date(d)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map_or(Cell::Empty, Cell::from)
    }
}

impl From<Option<&str>> for Cell {
    fn from(v: Option<&str>) -> Cell {
        v.map_or(Cell::Empty, Cell::from)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<u8> for Cell {
    fn from(n: u8) -> Cell {
        Cell::Int(i64::from(n))
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Int(i64::from(n))
    }
}

/// A register as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name in the workbook (shortened and cleaned to Excel's rules when written).
    pub sheet: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows; each should have one cell per column (missing cells are empty, extra ignored).
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with the given sheet name and columns.
    pub fn new(sheet: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            sheet: sheet.into(),
            columns,
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

/// Text for a cell in CSV, with the formula-injection guard applied to text.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        // Control and bidirectional characters of record text never reach a spreadsheet raw.
        Cell::Text(s) => guard_formula(&super::engine::without_controls(s)),
        Cell::Int(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
    }
}

/// Prefixes text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and the tab
/// and carriage return some programs also treat as formula starts) with a single quote, so
/// opening the CSV cannot run a formula planted in a record.
pub fn guard_formula(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Writes the table as CSV: RFC 4180 (comma separated, CRLF line ends, fields quoted when they
/// contain a comma, quote or line break, quotes doubled), header row first.
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let n = table.columns.len();
    // Writing to a Vec<u8> cannot fail, and every record has the same length, so the csv
    // errors are unreachable; they are still handled rather than unwrapped.
    let mut ok = w
        .write_record(table.columns.iter().map(|c| guard_formula(&c.header)))
        .is_ok();
    for row in &table.rows {
        let fields = (0..n).map(|i| row.get(i).map(csv_text).unwrap_or_default());
        ok &= w.write_record(fields).is_ok();
    }
    debug_assert!(ok);
    w.into_inner()
        .unwrap_or_else(|e| e.into_inner().get_ref().clone())
}

/// Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`, not empty, and
/// unique within the workbook (case-insensitive).
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let base: String = if cleaned.is_empty() {
        "Sheet".into()
    } else {
        cleaned.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({n})");
        let keep = 31usize.saturating_sub(suffix.chars().count());
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// Document metadata for a workbook.
#[derive(Debug, Clone)]
pub struct WorkbookMeta<'a> {
    /// Workbook title (document properties).
    pub title: &'a str,
    /// Organisation name (document properties "company").
    pub company: &'a str,
    /// The `--as-of` date: used as the creation date so output is reproducible.
    pub as_of: Date,
}

/// The longest text a cell can hold in Excel.
const MAX_CELL_CHARS: usize = 32_767;

/// Writes the tables as one xlsx workbook, one sheet per table: header row bold and frozen,
/// autofilter over the data, column widths set, dates as real dates formatted `yyyy-mm-dd`.
/// The creation date in the document properties is the `as_of` date, not the clock, so the
/// same input gives identical bytes.
pub fn to_xlsx(tables: &[Table], meta: &WorkbookMeta<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        meta.as_of.year().clamp(1900, 9999) as u16,
        meta.as_of.month() as u8,
        meta.as_of.day() as u8,
    )?;
    let props = DocProperties::new()
        .set_title(meta.title)
        .set_company(meta.company)
        .set_author("isms")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Top);
    let top = Format::new().set_align(FormatAlign::Top);
    let mut taken = Vec::new();
    for table in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&table.sheet, &mut taken))?;
        for (c, col) in table.columns.iter().enumerate() {
            let c = col_num(c)?;
            ws.set_column_width(c, col.width)?;
            ws.write_string_with_format(0, c, &col.header, &header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().take(table.columns.len()).enumerate() {
                let c = col_num(c)?;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        // write_string stores text as text: a leading `=` is never a formula.
                        let s: String = super::engine::without_controls(s)
                            .chars()
                            .take(MAX_CELL_CHARS)
                            .collect();
                        ws.write_string_with_format(r, c, &s, &text)?;
                    }
                    Cell::Int(n) => {
                        // Register numbers are small scores; f64 represents them exactly.
                        ws.write_number_with_format(r, c, *n as f64, &top)?;
                    }
                    Cell::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year().clamp(1900, 9999) as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, c, &dt, &date)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_string_with_format(r, c, if *b { "yes" } else { "no" }, &text)?;
                    }
                }
            }
        }
        if !table.columns.is_empty() {
            let last_col = col_num(table.columns.len() - 1)?;
            let last_row =
                u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.set_freeze_panes(1, 0)?;
            ws.autofilter(0, 0, last_row, last_col)?;
        }
    }
    if tables.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer()
}

fn col_num(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(
            "Risks",
            vec![Column::new("Id", 8.0), Column::new("Title", 40.0)],
        );
        t.push(vec!["R-1".into(), "Plain".into()]);
        t.push(vec!["R-2".into(), "Comma, \"quote\"\nand line".into()]);
        t.push(vec!["R-3".into(), "=HYPERLINK(\"http://x\")".into()]);
        t.push(vec!["R-4".into(), Cell::Empty]);
        t
    }

    #[test]
    fn csv_is_rfc4180_and_guards_formulas() {
        let out = String::from_utf8(to_csv(&sample())).unwrap();
        assert_eq!(
            out,
            "Id,Title\r\nR-1,Plain\r\nR-2,\"Comma, \"\"quote\"\"\nand line\"\r\n\
             R-3,\"'=HYPERLINK(\"\"http://x\"\")\"\r\nR-4,\r\n"
        );
    }

    #[test]
    fn formula_guard() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(guard_formula(s).starts_with('\''), "{s}");
        }
        assert_eq!(guard_formula("a=b"), "a=b");
        assert_eq!(guard_formula(""), "");
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("a/b", &mut taken), "a-b");
        assert_eq!(sheet_name("A-B", &mut taken), "A-B (2)");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &mut taken).chars().count(), 31);
        assert_eq!(sheet_name("", &mut taken), "Sheet");
    }

    #[test]
    fn xlsx_is_deterministic() {
        let meta = WorkbookMeta {
            title: "t",
            company: "c",
            as_of: jiff::civil::date(2025, 3, 1),
        };
        let a = to_xlsx(&[sample()], &meta).unwrap();
        // The library's default creation time has one-second resolution: wait past it.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let b = to_xlsx(&[sample()], &meta).unwrap();
        assert_eq!(a, b);
    }
}
