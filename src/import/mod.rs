//! Bringing an existing ISMS in from spreadsheets: header detection, value normalisation and
//! mapping rows to records. Pure functions over cell grids ([`sheet::Grid`]); reading files
//! and writing records is the CLI's job (`src/cli/import.rs`).
//!
//! The result of an import is a list of [`Record`]s (field values in the order the register
//! writes them), the [`Note`]s on decisions a person has to take (2013 controls that merged,
//! controls new in 2022, people the ISMS does not know) and, when the input cannot be used,
//! [`Problem`]s naming the row and column.

pub mod fields;
pub mod migrate;
pub mod policies;
pub mod sheet;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::catalogue;
use crate::model::Isms;
pub use fields::{FieldSpec, Shape};
pub use sheet::{Cell, Grid, SheetError};

/// What a spreadsheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The Statement of Applicability (`soa.yaml`).
    Soa,
    /// The risk register (`risks.yaml`).
    Risks,
    /// The asset inventory (`assets.yaml`).
    Assets,
    /// The supplier register (`suppliers.yaml`).
    Suppliers,
}

impl Kind {
    /// Every importer, in the order of the docs.
    pub const ALL: [Kind; 4] = [Kind::Soa, Kind::Risks, Kind::Assets, Kind::Suppliers];

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Soa => "soa",
            Kind::Risks => "risks",
            Kind::Assets => "assets",
            Kind::Suppliers => "suppliers",
        }
    }

    /// The register the records go to (`soa`, `risks`...: the file name without `.yaml`).
    pub fn register(self) -> &'static str {
        self.name()
    }

    /// The key of the list of records in the register file.
    pub fn list_key(self) -> &'static str {
        match self {
            Kind::Soa => "controls",
            Kind::Risks => "risks",
            Kind::Assets => "assets",
            Kind::Suppliers => "suppliers",
        }
    }

    /// The prefix of ids given to rows that have none, and the digits of their number.
    fn id_scheme(self) -> (&'static str, usize) {
        match self {
            Kind::Soa => ("", 0),
            Kind::Risks => ("R-", 3),
            Kind::Assets => ("A-", 3),
            Kind::Suppliers => ("SUP-", 2),
        }
    }
}

pub use crate::edit::Value;

/// A value as reports show it: text quoted, lists in brackets, mappings in braces.
pub fn show(v: &Value) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match v {
        Value::Null => "(none)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::Seq(items) => format!("[{}]", join(items.iter().map(show).collect())),
        Value::Map(entries) => format!(
            "{{{}}}",
            join(
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", show(v)))
                    .collect()
            )
        ),
    }
}

/// One record read from a row (or, for a 2013 SoA, from the rows of the merged controls).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The record id.
    pub id: String,
    /// The 1-based spreadsheet row it came from (the first row, for merged controls; 0 for a
    /// control added undecided because the sheet lacked it).
    pub row: usize,
    /// Field values, nested fields as `a.b`, in the register's order.
    pub fields: Vec<(String, Value)>,
}

impl Record {
    /// The value of a field (`inherent.likelihood` for a nested one).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }

    /// The record as one mapping, nested fields grouped under their parent (`inherent:
    /// {likelihood, impact}`), `id` first.
    pub fn to_value(&self) -> Value {
        let mut out: Vec<(String, Value)> = vec![("id".into(), Value::Str(self.id.clone()))];
        for (k, v) in &self.fields {
            if k == "id" {
                continue;
            }
            match k.split_once('.') {
                Some((parent, child)) => {
                    let pos = out.iter().position(|(n, _)| n == parent);
                    let pos = pos.unwrap_or_else(|| {
                        out.push((parent.to_string(), Value::Map(Vec::new())));
                        out.len() - 1
                    });
                    if let Value::Map(m) = &mut out[pos].1 {
                        m.push((child.to_string(), v.clone()));
                    }
                }
                None => out.push((k.clone(), v.clone())),
            }
        }
        Value::Map(out)
    }
}

/// A place in the spreadsheet: row and column, both 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    /// The row (0: the sheet as a whole).
    pub row: usize,
    /// The column and its header, when one cell is meant.
    pub column: Option<(usize, String)>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row > 0 {
            write!(f, "row {}", self.row)?;
        }
        if let Some((c, h)) = &self.column {
            if self.row > 0 {
                write!(f, ", ")?;
            }
            write!(f, "column {} ({h:?})", column_letter(*c))?;
        }
        Ok(())
    }
}

/// A1-style column letters for a 1-based column number.
pub fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        s.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Why the spreadsheet cannot be imported as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where.
    pub place: Place,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = self.place.to_string();
        if place.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{place}: {}", self.message)
        }
    }
}

/// A decision the import could not take for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The record concerned.
    pub id: String,
    /// The spreadsheet rows behind it (empty for a control the sheet lacked).
    pub rows: Vec<usize>,
    /// What to decide.
    pub message: String,
}

/// A person of `isms.yaml`, for matching owner cells.
#[derive(Debug, Clone)]
pub struct Person {
    /// Id (`p-ceo`).
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
}

/// What the import needs to know of the ISMS it imports into.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The people.
    pub people: Vec<Person>,
    /// Likelihood scale: value and label, lowest first.
    pub likelihood: Vec<(u8, String)>,
    /// Impact scale.
    pub impact: Vec<(u8, String)>,
    /// Asset value scale (1 low ... 3 high when the methodology has none).
    pub asset_values: Vec<(u8, String)>,
    /// Suppliers of the register: id and name.
    pub suppliers: Vec<(String, String)>,
}

impl Context {
    /// The context of a loaded ISMS.
    pub fn from_isms(isms: &Isms) -> Context {
        let people = isms
            .people
            .iter()
            .map(|p| Person {
                id: p.value.id.value.clone(),
                name: p.value.name.value.clone(),
                email: p.value.email.clone(),
            })
            .collect();
        let m = isms
            .manifest
            .as_ref()
            .and_then(|m| m.risk_methodology.as_ref());
        let scale = |pts: &[crate::model::ScalePoint]| -> Vec<(u8, String)> {
            pts.iter()
                .map(|p| (p.value.value, p.label.value.clone()))
                .collect()
        };
        let mut asset_values = m.map(|m| scale(&m.value.asset_values)).unwrap_or_default();
        if asset_values.is_empty() {
            asset_values = vec![(1, "Low".into()), (2, "Medium".into()), (3, "High".into())];
        }
        let suppliers = isms
            .suppliers
            .iter()
            .map(|s| (s.value.id.value.clone(), s.value.name.value.clone()))
            .collect();
        Context {
            suppliers,
            people,
            likelihood: m.map(|m| scale(&m.value.likelihood)).unwrap_or_default(),
            impact: m.map(|m| scale(&m.value.impact)).unwrap_or_default(),
            asset_values,
        }
    }
}

/// One column of the header row and what it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// 1-based column number.
    pub index: usize,
    /// The header as written.
    pub header: String,
    /// The field it fills (`None`: not imported).
    pub field: Option<&'static str>,
}

/// The result of a successful import.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The 1-based row holding the headers.
    pub header_row: usize,
    /// Every non-empty header and its field.
    pub columns: Vec<Column>,
    /// The records, in spreadsheet order (SoA: catalogue order).
    pub records: Vec<Record>,
    /// Decisions left to a person.
    pub notes: Vec<Note>,
    /// Owner cells that name nobody in `isms.yaml`: the text and the rows. Written as they
    /// are, so `isms check` reports them until they are added to `people` or corrected.
    pub unknown_people: Vec<(String, Vec<usize>)>,
    /// Supplier cells that name no supplier of the register, likewise written as they are.
    pub unknown_suppliers: Vec<(String, Vec<usize>)>,
    /// Rows that were skipped as blank or as section headings.
    pub skipped_rows: Vec<usize>,
    /// Whether 2013 Annex A ids were found and mapped to 2022.
    pub mapped_2013: bool,
}

/// A `--map "Column name=field"` override (field `-` to ignore a column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The column header.
    pub column: String,
    /// The field, or `-`.
    pub field: String,
}

impl std::str::FromStr for Override {
    type Err = String;
    fn from_str(s: &str) -> Result<Override, String> {
        let (c, f) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("{s:?} is not \"Column name=field\""))?;
        if c.trim().is_empty() || f.trim().is_empty() {
            return Err(format!("{s:?} is not \"Column name=field\""));
        }
        Ok(Override {
            column: c.trim().to_string(),
            field: f.trim().to_string(),
        })
    }
}

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 30;

/// Reads the records of `kind` from `grid`.
pub fn import(
    kind: Kind,
    grid: &Grid,
    ctx: &Context,
    overrides: &[Override],
) -> Result<Outcome, Vec<Problem>> {
    let mut problems = Vec::new();
    for o in overrides {
        if o.field != "-" && fields::field(kind, &o.field).is_none() {
            problems.push(Problem {
                place: Place::default(),
                message: format!(
                    "--map {:?}: {:?} is not a field of `isms import {}`; the fields are: {}",
                    format!("{}={}", o.column, o.field),
                    o.field,
                    kind.name(),
                    fields::fields(kind)
                        .iter()
                        .map(|f| f.field)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if grid
        .rows
        .iter()
        .all(|r| r.iter().all(|c| c.text.trim().is_empty()))
    {
        return Err(vec![Problem {
            place: Place::default(),
            message: "the sheet is empty".into(),
        }]);
    }
    let (header_row, columns) = find_header(kind, grid, overrides)?;
    let mut reader = RowReader {
        kind,
        ctx,
        columns: &columns,
        problems: Vec::new(),
        unknown_people: BTreeMap::new(),
        unknown_suppliers: BTreeMap::new(),
        notes: Vec::new(),
        mapped_2013: false,
        prev_control: None,
    };
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (i, row) in grid.rows.iter().enumerate().skip(header_row) {
        let n = i + 1;
        if row.iter().all(|c| c.text.trim().is_empty()) {
            skipped.push(n);
            continue;
        }
        match reader.row(n, row) {
            Some(r) => rows.push(r),
            None => skipped.push(n),
        }
    }
    let mut records = match kind {
        Kind::Soa => reader.merge_soa(rows),
        _ => reader.assign_ids(rows),
    };
    if kind == Kind::Soa {
        records.sort_by(|a, b| catalogue::compare_ids(&a.id, &b.id));
    }
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    if records.iter().all(|r| r.row == 0) {
        return Err(vec![Problem {
            place: Place {
                row: header_row,
                column: None,
            },
            message: "the sheet has a header row but no records below it".into(),
        }]);
    }
    Ok(Outcome {
        header_row,
        columns: columns.clone(),
        records,
        notes: reader.notes,
        unknown_people: reader.unknown_people.into_iter().collect(),
        unknown_suppliers: reader.unknown_suppliers.into_iter().collect(),
        skipped_rows: skipped,
        mapped_2013: reader.mapped_2013,
    })
}

/// The header row: among the first rows, the one in which most headers name a field (title
/// rows and blank rows above it are passed over).
fn find_header(
    kind: Kind,
    grid: &Grid,
    overrides: &[Override],
) -> Result<(usize, Vec<Column>), Vec<Problem>> {
    let read_row = |row: &[Cell]| -> Vec<Column> {
        row.iter()
            .enumerate()
            .filter(|(_, c)| !c.text.trim().is_empty())
            .map(|(i, c)| {
                let header = c.text.trim().to_string();
                let over = overrides
                    .iter()
                    .find(|o| fields::fold(&o.column) == fields::fold(&header));
                let field = match over {
                    Some(o) if o.field == "-" => None,
                    Some(o) => fields::field(kind, &o.field).map(|f| f.field),
                    None => fields::field_for_header(kind, &header).map(|f| f.field),
                };
                Column {
                    index: i + 1,
                    header,
                    field,
                }
            })
            .collect()
    };
    let mut best: Option<(usize, Vec<Column>, usize)> = None;
    for (i, row) in grid.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let mut cols = read_row(row);
        // A field named by two columns is filled from the first; the others are not read.
        let mut seen = Vec::new();
        for c in &mut cols {
            if let Some(f) = c.field {
                if seen.contains(&f) {
                    c.field = None;
                } else {
                    seen.push(f);
                }
            }
        }
        let score = seen.len();
        if score > best.as_ref().map_or(0, |b| b.2) {
            best = Some((i + 1, cols, score));
        }
    }
    let Some((row, cols, _)) = best else {
        return Err(vec![Problem {
            place: Place::default(),
            message: format!(
                "no header row found in the first {HEADER_SEARCH_ROWS} rows: none of the cells is a \
                 header `isms import {}` knows (see docs/import.md, or name the columns with \
                 --map \"Column name=field\")",
                kind.name()
            ),
        }]);
    };
    let mut problems = Vec::new();
    for o in overrides {
        if !cols
            .iter()
            .any(|c| fields::fold(&c.header) == fields::fold(&o.column))
        {
            problems.push(Problem {
                place: Place { row, column: None },
                message: format!(
                    "--map names the column {:?}, which the header row does not have",
                    o.column
                ),
            });
        }
    }
    for spec in fields::fields(kind).iter().filter(|f| f.required) {
        if !cols.iter().any(|c| c.field == Some(spec.field)) {
            problems.push(Problem {
                place: Place { row, column: None },
                message: format!(
                    "missing the required column for `{}`: name a column {} (any of these \
                     headers), or map one with --map \"Your header={}\"",
                    spec.field,
                    spec.headers
                        .iter()
                        .take(6)
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    spec.field
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok((row, cols))
    } else {
        Err(problems)
    }
}

/// A row read into fields, before ids are assigned and SoA rows merged.
#[derive(Debug)]
struct Row {
    n: usize,
    /// The id as written (`None` when the row has none).
    id: Option<(String, usize)>,
    /// For the SoA: the 2022 ids the row's control maps to, and the 2013 id when mapped.
    controls: Vec<String>,
    from_2013: Option<String>,
    fields: Vec<(String, Value)>,
}

struct RowReader<'a> {
    kind: Kind,
    ctx: &'a Context,
    columns: &'a [Column],
    problems: Vec<Problem>,
    unknown_people: BTreeMap<String, Vec<usize>>,
    unknown_suppliers: BTreeMap<String, Vec<usize>>,
    notes: Vec<Note>,
    mapped_2013: bool,
    prev_control: Option<String>,
}

impl RowReader<'_> {
    fn problem(&mut self, row: usize, col: &Column, message: String) {
        self.problems.push(Problem {
            place: Place {
                row,
                column: Some((col.index, col.header.clone())),
            },
            message,
        });
    }

    /// Reads one row; `None` for a row that is a section heading.
    fn row(&mut self, n: usize, cells: &[Cell]) -> Option<Row> {
        let mut row = Row {
            n,
            id: None,
            controls: Vec::new(),
            from_2013: None,
            fields: Vec::new(),
        };
        let cell = |c: &Column| cells.get(c.index - 1).cloned().unwrap_or_default();
        // Headings inside a sheet ("A.5 Information security policies", "Organizational
        // controls") fill only one or two cells and name no control: skip them.
        let filled = self
            .columns
            .iter()
            .filter(|c| c.field.is_some() && !cell(c).text.trim().is_empty())
            .count();
        // A heading decides nothing: a row with an applicability answer is a control row.
        let decided = self
            .columns
            .iter()
            .any(|c| c.field == Some("applicable") && !cell(c).text.trim().is_empty());
        let heading = filled <= 2 && !decided;
        for col in self.columns {
            let Some(field) = col.field else { continue };
            let Some(spec) = fields::field(self.kind, field) else {
                continue;
            };
            let c = cell(col);
            let text = c.text.trim();
            if text.is_empty() {
                continue;
            }
            if field == "id" {
                if self.kind == Kind::Soa {
                    match self.control_id(&c) {
                        Ok((ids, from)) => {
                            self.prev_control = ids.last().cloned();
                            row.controls = ids;
                            row.from_2013 = from;
                        }
                        Err(_) if heading => return None,
                        Err(msg) => {
                            self.problem(n, col, msg);
                            return Some(row);
                        }
                    }
                } else if text.chars().any(char::is_whitespace) {
                    self.problem(
                        n,
                        col,
                        format!(
                            "{text:?} does not look like an id (ids have no spaces): if this column \
                             holds names or titles, map it with --map {:?}",
                            format!(
                                "{}={}",
                                col.header,
                                if self.kind == Kind::Risks {
                                    "title"
                                } else {
                                    "name"
                                }
                            )
                        ),
                    );
                    continue;
                }
                row.id = Some((text.to_string(), col.index));
                continue;
            }
            match self.value(spec, col, n, &c) {
                Ok(Some(v)) => row.fields.push((field.to_string(), v)),
                Ok(None) => {}
                Err(msg) => self.problem(n, col, msg),
            }
        }
        if self.kind == Kind::Soa && row.controls.is_empty() {
            if heading {
                return None;
            }
            let col = self.columns.iter().find(|c| c.field == Some("id"))?;
            self.problem(
                n,
                col,
                "the row has no control id: fill it in, or delete the row".into(),
            );
        }
        self.pairs(&mut row);
        let order = |k: &str| {
            fields::fields(self.kind)
                .iter()
                .position(|f| f.field == k)
                .unwrap_or(usize::MAX)
        };
        row.fields.sort_by_key(|(k, _)| order(k));
        Some(row)
    }

    /// Likelihood without impact (or the reverse) cannot make a rating.
    fn pairs(&mut self, row: &mut Row) {
        for group in ["inherent", "residual"] {
            let l = format!("{group}.likelihood");
            let i = format!("{group}.impact");
            let lv = format!("{group}.level");
            let has = |f: &str| row.fields.iter().any(|(k, _)| k == f);
            let (hl, hi, hlv) = (has(&l), has(&i), has(&lv));
            if hl != hi || (hlv && !hl) {
                let missing = if !hl { &l } else { &i };
                self.problems.push(Problem {
                    place: Place {
                        row: row.n,
                        column: None,
                    },
                    message: format!(
                        "a {group} rating needs both likelihood and impact: `{missing}` is empty \
                         (fill it in, or clear the other {group} cells to leave the risk unrated)"
                    ),
                });
            }
        }
        let vals = [
            "value.confidentiality",
            "value.integrity",
            "value.availability",
        ];
        let n = vals
            .iter()
            .filter(|f| row.fields.iter().any(|(k, _)| k == *f))
            .count();
        if n != 0 && n != 3 {
            self.problems.push(Problem {
                place: Place {
                    row: row.n,
                    column: None,
                },
                message: "an asset value needs all three of confidentiality, integrity and \
                          availability (C, I, A): fill in the missing ones or clear the others"
                    .into(),
            });
        }
    }

    /// The 2022 control id(s) of a control cell, and the 2013 id it was mapped from.
    fn control_id(&mut self, c: &Cell) -> Result<(Vec<String>, Option<String>), String> {
        let raw = c.text.trim();
        let id = if c.number {
            resolve_numeric_control(raw, self.prev_control.as_deref())
        } else {
            tidy_control(raw)
        };
        if catalogue::get(&id).is_some() {
            return Ok((vec![catalogue::normalize_id(&id)], None));
        }
        if let Some(m) = catalogue::map_2013(&id) {
            self.mapped_2013 = true;
            return Ok((m.ids_2022.clone(), Some(m.id_2013.clone())));
        }
        Err(format!(
            "{raw:?} is not an ISO/IEC 27001:2022 Annex A control (5.1 to 8.34) nor a 2013 one \
             (A.5.1.1 to A.18.2.3): correct the id, or move an organisation's own control to \
             `additional_controls` in soa.yaml"
        ))
    }

    fn value(
        &mut self,
        spec: &FieldSpec,
        col: &Column,
        row: usize,
        c: &Cell,
    ) -> Result<Option<Value>, String> {
        let text = c.text.trim();
        Ok(Some(match spec.shape {
            Shape::Id | Shape::Text => Value::Str(text.to_string()),
            Shape::YesNo => Value::Bool(yes_no(text).ok_or_else(|| {
                format!(
                    "{text:?} is neither yes nor no: write yes/no, Y/N, true/false, ✓/✗, x, \
                     included/excluded, or leave the cell empty when undecided"
                )
            })?),
            Shape::List => {
                // Free-text lists hold commas inside their items: only `;` and line breaks
                // separate them.
                let items = if matches!(spec.field, "other_controls" | "certifications") {
                    text.split([';', '\n'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                } else {
                    split_list(text)
                };
                if spec.field == "reasons" {
                    Value::Seq(
                        items
                            .into_iter()
                            .map(|s| Value::Str(s.to_lowercase().replace([' ', '_'], "-")))
                            .collect(),
                    )
                } else {
                    Value::Seq(items.into_iter().map(Value::Str).collect())
                }
            }
            Shape::Person => Value::Str(self.person(text, row)),
            Shape::Supplier => {
                let lower = text.to_lowercase();
                let hit =
                    self.ctx.suppliers.iter().find(|(id, name)| {
                        id.to_lowercase() == lower || name.to_lowercase() == lower
                    });
                match hit {
                    Some((id, _)) => Value::Str(id.clone()),
                    None => {
                        self.unknown_suppliers
                            .entry(text.to_string())
                            .or_default()
                            .push(row);
                        Value::Str(text.to_string())
                    }
                }
            }
            Shape::People => Value::Seq(
                split_list(text)
                    .into_iter()
                    .map(|p| Value::Str(self.person(&p, row)))
                    .collect(),
            ),
            Shape::Likelihood => {
                Value::Int(scale_point(text, &self.ctx.likelihood, "likelihood")?.into())
            }
            Shape::Impact => Value::Int(scale_point(text, &self.ctx.impact, "impact")?.into()),
            Shape::AssetValue => {
                Value::Int(scale_point(text, &self.ctx.asset_values, "asset value")?.into())
            }
            Shape::Level => match text.parse::<f64>() {
                Ok(x) if x.fract() == 0.0 && x.abs() < 1e12 => Value::Int(x as i64),
                Ok(_) => Value::Str(text.to_string()),
                Err(_) => Value::Str(text.to_string()),
            },
            Shape::Date => Value::Date(parse_date(text)?),
            Shape::Word => word(spec.field, text)?,
            Shape::Controls => {
                let mut out = Vec::new();
                for item in split_list(text) {
                    let id = tidy_control(&item);
                    if catalogue::get(&id).is_some() {
                        out.push(Value::Str(catalogue::normalize_id(&id)));
                    } else if let Some(m) = catalogue::map_2013(&id) {
                        self.mapped_2013 = true;
                        for n in &m.ids_2022 {
                            if !out.contains(&Value::Str(n.clone())) {
                                out.push(Value::Str(n.clone()));
                            }
                        }
                    } else {
                        let _ = col;
                        return Err(format!(
                            "{item:?} is not an Annex A control id (2022 `5.15` or 2013 `A.9.1.1`)"
                        ));
                    }
                }
                Value::Seq(out)
            }
        }))
    }

    /// The `people` id for an owner cell; the text itself (and a note) when nobody matches.
    fn person(&mut self, text: &str, row: usize) -> String {
        let t = text.trim();
        let lower = t.to_lowercase();
        let found = self.ctx.people.iter().find(|p| {
            p.id.to_lowercase() == lower
                || p.name.to_lowercase() == lower
                || p.email.as_ref().is_some_and(|e| e.to_lowercase() == lower)
        });
        match found {
            Some(p) => p.id.clone(),
            None => {
                self.unknown_people
                    .entry(t.to_string())
                    .or_default()
                    .push(row);
                t.to_string()
            }
        }
    }

    /// Risks, assets and suppliers: rows without an id get the next free one; duplicate ids
    /// are refused.
    fn assign_ids(&mut self, rows: Vec<Row>) -> Vec<Record> {
        let (prefix, digits) = self.kind.id_scheme();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let taken: Vec<String> = rows
            .iter()
            .filter_map(|r| r.id.as_ref().map(|i| i.0.clone()))
            .collect();
        let mut next = 1usize;
        let mut out = Vec::new();
        for r in rows {
            let id = match r.id {
                Some((id, col)) => {
                    if let Some(first) = seen.get(&id) {
                        let header = self
                            .columns
                            .iter()
                            .find(|c| c.index == col)
                            .map_or_else(String::new, |c| c.header.clone());
                        self.problems.push(Problem {
                            place: Place {
                                row: r.n,
                                column: Some((col, header)),
                            },
                            message: format!(
                                "duplicate id {id:?}: row {first} has it too (give each record its own id)"
                            ),
                        });
                        continue;
                    }
                    id
                }
                None => loop {
                    let candidate = format!("{prefix}{next:0digits$}");
                    next += 1;
                    if !taken.contains(&candidate) {
                        self.notes.push(Note {
                            id: candidate.clone(),
                            rows: vec![r.n],
                            message: "the row had no id; this one was given to it".into(),
                        });
                        break candidate;
                    }
                },
            };
            seen.insert(id.clone(), r.n);
            out.push(Record {
                id,
                row: r.n,
                fields: r.fields,
            });
        }
        out
    }

    /// SoA rows to one record per 2022 control: 2013 controls that merged into one 2022 control
    /// are combined (applicable wins, every justification kept, conflicts noted), and the
    /// controls the sheet lacks are added undecided.
    fn merge_soa(&mut self, rows: Vec<Row>) -> Vec<Record> {
        let mut by_id: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for r in &rows {
            for id in &r.controls {
                if !by_id.contains_key(id) {
                    order.push(id.clone());
                }
                by_id.entry(id.clone()).or_default().push(r);
            }
        }
        let mut out = Vec::new();
        for id in order {
            let group = &by_id[&id];
            let direct: Vec<&&Row> = group.iter().filter(|r| r.from_2013.is_none()).collect();
            if direct.len() > 1 {
                let col = self.columns.iter().find(|c| c.field == Some("id"));
                self.problems.push(Problem {
                    place: Place {
                        row: direct[1].n,
                        column: col.map(|c| (c.index, c.header.clone())),
                    },
                    message: format!(
                        "duplicate control {id}: row {} has it too (keep one row per control)",
                        direct[0].n
                    ),
                });
                continue;
            }
            let mut rec = Record {
                id: id.clone(),
                row: group[0].n,
                fields: Vec::new(),
            };
            let title = catalogue::get(&id).map(|c| c.title.clone());
            if let Some(t) = &title {
                rec.fields.push(("title".into(), Value::Str(t.clone())));
            }
            for r in group {
                if r.from_2013.is_none()
                    && let Some(Value::Str(written)) =
                        r.fields.iter().find(|(k, _)| k == "title").map(|(_, v)| v)
                    && !catalogue::title_matches(&id, written)
                {
                    self.notes.push(Note {
                        id: id.clone(),
                        rows: vec![r.n],
                        message: format!(
                            "the sheet's title {written:?} is not the Annex A title; the catalogue \
                             title {:?} was written",
                            title.clone().unwrap_or_default()
                        ),
                    });
                }
            }
            let from: Vec<String> = group.iter().filter_map(|r| r.from_2013.clone()).collect();
            for spec in fields::fields(Kind::Soa) {
                if matches!(spec.field, "id" | "title") {
                    continue;
                }
                let vals: Vec<(&Value, usize)> = group
                    .iter()
                    .filter_map(|r| {
                        r.fields
                            .iter()
                            .find(|(k, _)| k == spec.field)
                            .map(|(_, v)| (v, r.n))
                    })
                    .collect();
                // Merged texts say which 2013 control each part came from.
                let labelled: Vec<Value> = group
                    .iter()
                    .filter_map(|r| {
                        let v = r.fields.iter().find(|(k, _)| k == spec.field)?;
                        match (&v.1, &r.from_2013) {
                            (Value::Str(t), Some(old))
                                if group.len() > 1
                                    && matches!(spec.field, "justification" | "implementation") =>
                            {
                                Some(Value::Str(format!("{old}: {t}")))
                            }
                            (other, _) => Some(other.clone()),
                        }
                    })
                    .collect();
                let vals: Vec<(&Value, usize)> =
                    labelled.iter().zip(vals.iter().map(|v| v.1)).collect();
                if let Some(v) = combine(spec.field, &vals) {
                    rec.fields.push((spec.field.to_string(), v));
                }
                let distinct = {
                    let mut d: Vec<&Value> = vals.iter().map(|v| v.0).collect();
                    d.dedup();
                    d.len()
                };
                if group.len() > 1
                    && distinct > 1
                    && matches!(spec.field, "applicable" | "status" | "owner")
                {
                    let chosen = rec.get(spec.field).map(show).unwrap_or_default();
                    self.notes.push(Note {
                        id: id.clone(),
                        rows: group.iter().map(|r| r.n).collect(),
                        message: format!(
                            "{} merged into {id} with different `{}` values ({}); {chosen} was \
                             kept: review the decision",
                            from.join(" and "),
                            spec.field,
                            vals.iter()
                                .map(|(v, n)| format!("row {n}: {}", show(v)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
            if group.len() > 1 && from.len() > 1 {
                self.notes.push(Note {
                    id: id.clone(),
                    rows: group.iter().map(|r| r.n).collect(),
                    message: format!(
                        "{} merged into {id}: justifications and references of all were kept",
                        from.join(", ")
                    ),
                });
            }
            for r in group {
                if let Some(old) = &r.from_2013
                    && r.controls.len() > 1
                    && r.controls.first() == Some(&id)
                {
                    self.notes.push(Note {
                        id: r.controls.join(" and "),
                        rows: vec![r.n],
                        message: format!(
                            "{old} split into {}: its decision was copied to each; check it fits both",
                            r.controls.join(" and ")
                        ),
                    });
                }
            }
            out.push(rec);
        }
        let present: Vec<String> = out.iter().map(|r| r.id.clone()).collect();
        for c in catalogue::controls() {
            if present.contains(&c.id) {
                continue;
            }
            let why = if self.mapped_2013 && catalogue::is_new_in_2022(&c.id) {
                "new in ISO/IEC 27001:2022 (no 2013 predecessor): decide whether it applies"
            } else {
                "not in the spreadsheet: decide whether it applies"
            };
            self.notes.push(Note {
                id: c.id.clone(),
                rows: Vec::new(),
                message: format!("{} was added undecided, {why}", c.id),
            });
            out.push(Record {
                id: c.id.clone(),
                row: 0,
                fields: vec![("title".into(), Value::Str(c.title.clone()))],
            });
        }
        out
    }
}

/// Several rows' values of one field as one: `applicable` is true when any row says so,
/// texts are joined, lists united, anything else is the first value.
fn combine(field: &str, vals: &[(&Value, usize)]) -> Option<Value> {
    let first = vals.first()?.0.clone();
    if vals.len() == 1 {
        return Some(first);
    }
    Some(match (field, &first) {
        ("applicable", _) => Value::Bool(vals.iter().any(|(v, _)| **v == Value::Bool(true))),
        ("status", _) => {
            // The least advanced status: a merged control is only as implemented as its
            // weakest part.
            let rank = |v: &Value| match v {
                Value::Str(s) => match s.as_str() {
                    "implemented" => 3,
                    "partial" => 2,
                    "planned" => 1,
                    _ => 0,
                },
                _ => 0,
            };
            vals.iter()
                .map(|(v, _)| (*v).clone())
                .min_by_key(rank)
                .unwrap_or(first)
        }
        (_, Value::Str(_)) if matches!(field, "justification" | "implementation") => {
            let mut parts: Vec<String> = Vec::new();
            for (v, _) in vals {
                if let Value::Str(s) = v
                    && !parts.contains(s)
                {
                    parts.push(s.clone());
                }
            }
            Value::Str(parts.join("; "))
        }
        (_, Value::Seq(_)) => {
            let mut all = Vec::new();
            for (v, _) in vals {
                if let Value::Seq(items) = v {
                    for i in items {
                        if !all.contains(i) {
                            all.push(i.clone());
                        }
                    }
                }
            }
            Value::Seq(all)
        }
        _ => first,
    })
}

/// `A9.2.1` → `A.9.2.1`, `A 5.1` → `A.5.1`, trailing dots and spaces dropped.
fn tidy_control(raw: &str) -> String {
    let t = raw.trim().trim_end_matches('.');
    let t = t
        .split_once([' ', '\t'])
        .filter(|(id, _)| id.chars().any(|c| c.is_ascii_digit()))
        .map_or(t, |(id, _)| id)
        .trim();
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (Some('A' | 'a'), Some(d)) if d.is_ascii_digit() => format!("A.{}", &t[1..]),
        (Some('a'), Some('.')) => format!("A{}", &t[1..]),
        _ => t.to_string(),
    }
}

/// A control id a spreadsheet stored as a number loses its trailing zero (`5.10` → `5.1`).
/// When the catalogue has both `x.y` and `x.y0` and the row before held a control after
/// `x.y`, the row is `x.y0`.
pub fn resolve_numeric_control(text: &str, prev: Option<&str>) -> String {
    let id = tidy_control(text);
    let longer = format!("{id}0");
    if catalogue::get(&longer).is_some()
        && prev.is_some_and(|p| catalogue::compare_ids(p, &id) == std::cmp::Ordering::Greater)
    {
        longer
    } else {
        id
    }
}

/// Splits a list cell on commas, semicolons and line breaks.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// yes/no in the forms spreadsheets use.
pub fn yes_no(text: &str) -> Option<bool> {
    let t = text.trim().to_lowercase();
    let t = t.trim_end_matches(['.', '!']);
    match t {
        "yes" | "y" | "true" | "1" | "✓" | "✔" | "☑" | "✅" | "x" | "included" | "include"
        | "applicable" | "selected" | "in scope" | "ja" | "oui" => Some(true),
        "no" | "n" | "false" | "0" | "✗" | "✘" | "☒" | "❌" | "excluded" | "exclude"
        | "not applicable" | "n/a" | "na" | "not selected" | "out of scope" | "nein" | "non" => {
            Some(false)
        }
        _ => None,
    }
}

/// A point of a methodology scale from a number, the point's label, or low/medium/high words
/// placed on the scale (low/medium/high on three points; very low ... very high on five).
pub fn scale_point(text: &str, scale: &[(u8, String)], what: &str) -> Result<u8, String> {
    let t = text.trim();
    let values = || {
        scale
            .iter()
            .map(|(v, l)| format!("{v} {l}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if scale.is_empty() {
        return match t.parse::<u8>() {
            Ok(v) => Ok(v),
            Err(_) => Err(format!(
                "{t:?}: isms.yaml has no {what} scale (risk_methodology) to place a word on; \
                 write the number"
            )),
        };
    }
    if let Ok(x) = t.parse::<f64>() {
        if x.fract() == 0.0
            && let Some((v, _)) = scale.iter().find(|(v, _)| f64::from(*v) == x)
        {
            return Ok(*v);
        }
        return Err(format!(
            "{t} is not a point of the {what} scale in isms.yaml ({}): rescale the column or \
             change the methodology",
            values()
        ));
    }
    let lower = t.to_lowercase();
    if let Some((v, _)) = scale.iter().find(|(_, l)| l.to_lowercase() == lower) {
        return Ok(*v);
    }
    let words: &[&str] = match scale.len() {
        3 => &["low", "medium", "high"],
        5 => &["very low", "low", "medium", "high", "very high"],
        _ => &[],
    };
    let lower = if lower == "med" || lower == "moderate" {
        "medium".to_string()
    } else {
        lower
    };
    if let Some(i) = words.iter().position(|w| *w == lower) {
        return Ok(scale[i].0);
    }
    Err(format!(
        "{t:?} cannot be placed on the {what} scale in isms.yaml ({}): use one of its numbers \
         or labels",
        values()
    ))
}

/// A date in the forms spreadsheets use: `2026-03-31`, `2026/03/31`, `31.03.2026`, and
/// `31/03/2026` or `03/31/2026` when the day is over 12 (otherwise the order is ambiguous and
/// the cell must be written as `YYYY-MM-DD`).
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let t = text.trim();
    let bad = || format!("{t:?} is not a date: write it as YYYY-MM-DD (for example 2026-03-31)");
    let t10 = t.split([' ', 'T']).next().unwrap_or(t);
    if let Ok(d) = t10.replace('/', "-").parse::<jiff::civil::Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = t10.split(['/', '.', '-']).collect();
    let [a, b, y] = parts.as_slice() else {
        return Err(bad());
    };
    let (Ok(a), Ok(b), Ok(y)) = (a.parse::<i8>(), b.parse::<i8>(), y.parse::<i16>()) else {
        return Err(bad());
    };
    if y < 1000 {
        return Err(bad());
    }
    let dotted = t10.contains('.');
    let (day, month) = if dotted || a > 12 {
        (a, b)
    } else if b > 12 {
        (b, a)
    } else {
        return Err(format!(
            "{t:?} is ambiguous (day/month or month/day?): write it as YYYY-MM-DD"
        ));
    };
    jiff::civil::Date::new(y, month, day).map_err(|_| bad())
}

/// The words of a field with a fixed vocabulary.
fn word(field: &str, text: &str) -> Result<Value, String> {
    let t = text.trim().to_lowercase();
    let t = t.trim_end_matches('.');
    let s = |x: &str| Ok(Value::Str(x.to_string()));
    match field {
        "status" => match t {
            "implemented" | "done" | "complete" | "completed" | "yes" | "y" | "in place"
            | "fully implemented" | "operational" | "operating" | "✓" | "✔" => s("implemented"),
            "partial"
            | "partially implemented"
            | "partially"
            | "in progress"
            | "ongoing"
            | "in implementation"
            | "started" => s("partial"),
            "planned" | "scheduled" | "to be implemented" | "to do" | "todo" | "not started" => {
                s("planned")
            }
            "not implemented" | "not-implemented" | "no" | "n" | "none" | "missing"
            | "not in place" | "✗" => s("not-implemented"),
            _ => Err(format!(
                "{text:?} is not an implementation status: write implemented, partial, planned \
                 or not implemented"
            )),
        },
        "treatment" => match t {
            "mitigate" | "mitigation" | "modify" | "reduce" | "treat" | "control" | "reduction" => {
                s("mitigate")
            }
            "accept" | "accepted" | "acceptance" | "retain" | "tolerate" | "retention" => {
                s("accept")
            }
            "transfer" | "transferred" | "share" | "sharing" | "insure" | "insurance" => {
                s("transfer")
            }
            "avoid" | "avoidance" | "terminate" | "eliminate" | "stop" => s("avoid"),
            _ => Err(format!(
                "{text:?} is not a treatment option: write mitigate (modify/reduce), accept \
                 (retain), transfer (share) or avoid"
            )),
        },
        "type" => match t {
            "information" | "data" | "database" | "document" | "documents" | "records"
            | "information asset" | "dataset" | "data set" => s("information"),
            "software" | "application" | "app" | "applications" | "system" | "code" => {
                s("software")
            }
            "hardware" | "device" | "devices" | "laptop" | "laptops" | "server" | "servers"
            | "equipment" | "physical" => s("hardware"),
            "service" | "services" => s("service"),
            "cloud" | "cloud service" | "cloud-service" | "saas" | "iaas" | "paas" => {
                s("cloud-service")
            }
            "people" | "person" | "staff" | "personnel" | "human" => s("people"),
            "site" | "facility" | "office" | "premises" | "building" | "location" => s("site"),
            "other" => s("other"),
            _ => Err(format!(
                "{text:?} is not an asset type: write information, software, hardware, service, \
                 cloud-service, people, site or other"
            )),
        },
        "classification" => match t {
            "public" | "open" | "unclassified" => s("public"),
            "internal" | "internal use" | "internal use only" | "company internal" | "official" => {
                s("internal")
            }
            "confidential" | "sensitive" | "private" => s("confidential"),
            "restricted"
            | "secret"
            | "highly confidential"
            | "strictly confidential"
            | "top secret" => s("restricted"),
            _ => Err(format!(
                "{text:?} is not a classification level: write public, internal, confidential or \
                 restricted"
            )),
        },
        "criticality" => match t {
            "low" | "3" | "tier 3" | "minor" => s("low"),
            "medium" | "med" | "moderate" | "2" | "tier 2" => s("medium"),
            "high" | "critical" | "1" | "tier 1" | "very high" => s("high"),
            _ => Err(format!(
                "{text:?} is not a criticality: write low, medium or high"
            )),
        },
        "affects" => {
            let mut out = Vec::new();
            let tokens: Vec<String> = t
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .flat_map(|w| {
                    if w.len() <= 3 && w.chars().all(|c| "cia".contains(c)) {
                        w.chars().map(|c| c.to_string()).collect()
                    } else {
                        vec![w.to_string()]
                    }
                })
                .collect();
            for w in tokens {
                let p = match w.as_str() {
                    "c" | "confidentiality" => "confidentiality",
                    "i" | "integrity" => "integrity",
                    "a" | "availability" => "availability",
                    _ => {
                        return Err(format!(
                            "{text:?}: {w:?} is not a security property (C, I, A or the words)"
                        ));
                    }
                };
                if !out.contains(&Value::Str(p.into())) {
                    out.push(Value::Str(p.into()));
                }
            }
            Ok(Value::Seq(out))
        }
        _ => Ok(Value::Str(text.trim().to_string())),
    }
}

#[cfg(test)]
mod tests;
