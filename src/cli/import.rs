//! `isms import`: brings registers kept in spreadsheets (CSV, xlsx) and policies kept as
//! Markdown into the ISMS. Rows are read by [`crate::import`]; records are written through
//! the editing layer ([`crate::edit`]), so `--dry-run` shows the exact diff, a real run writes
//! every file or none, and existing records are only changed with `--update`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};

use super::{Global, Status};
use crate::edit::{ChangeSet, FileEdit, Step, Value};
use crate::fsutil::{self, Overwrite};
use crate::import::{self, Kind, Outcome, Override, Record, show};
use crate::source::{FileId, SourceFile};
use crate::yaml::{self, Node, NodeKind};

/// Arguments of `isms import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Import a Statement of Applicability (one row per Annex A control; 2013 ids are mapped).
    #[command(
        after_help = "Examples:\n  isms import soa soa-2019.xlsx . --dry-run\n  \
                            isms import soa soa.xlsx . --sheet \"SoA 2022\" --update"
    )]
    Soa(SheetArgs),
    /// Import a risk register.
    #[command(
        after_help = "Examples:\n  isms import risks risks.csv . --map \"Risk appetite=-\"\n  \
                            isms import risks build/risk-register.xlsx . --update"
    )]
    Risks(SheetArgs),
    /// Import an asset inventory.
    #[command(after_help = "Example:\n  isms import assets assets.csv . --dry-run")]
    Assets(SheetArgs),
    /// Import a supplier register.
    #[command(
        after_help = "Example:\n  isms import suppliers vendors.xlsx . --map \"Vendor tier=criticality\""
    )]
    Suppliers(SheetArgs),
    /// Import Markdown policies with another tool's front matter (or none) into policies/.
    #[command(after_help = "Example:\n  isms import policies ~/old-policies . --dry-run")]
    Policies(PolicyArgs),
    /// Policy acknowledgements from a CSV with the columns person (id, name or e-mail), policy
    /// (id or title), version, date (YYYY-MM-DD) and method. An empty version means the
    /// version in force on the date.
    #[command(
        after_help = "Examples:\n  isms import acknowledgements hr-export.csv --dry-run\n  isms import acknowledgements hr-export.csv -C acme-isms"
    )]
    Acknowledgements(super::acknowledgements::AckArgs),
}

/// Arguments of the spreadsheet importers.
#[derive(Debug, clap::Args)]
pub struct SheetArgs {
    /// The spreadsheet: .xlsx (or .xls, .ods) or .csv (comma, semicolon or tab separated).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The ISMS repository to import into.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The workbook sheet to read [default: the first sheet with content].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Read a column as a field when its header is not recognised: "Column name=field"
    /// (`-` as the field ignores the column). Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<Override>,
    /// Show the unified diff of what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Merge into existing records by id: only the fields whose value differs are edited.
    #[arg(long)]
    pub update: bool,
}

/// Arguments of `isms import policies`.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// The folder of Markdown documents (searched recursively), or one Markdown file.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The ISMS repository to import into.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Show what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `isms import`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    match args.what {
        What::Soa(a) => sheet(Kind::Soa, &a),
        What::Risks(a) => sheet(Kind::Risks, &a),
        What::Assets(a) => sheet(Kind::Assets, &a),
        What::Suppliers(a) => sheet(Kind::Suppliers, &a),
        What::Policies(a) => policies(&a),
        What::Acknowledgements(a) => super::acknowledgements::import_acknowledgements(a),
    }
}

/// Spreadsheets larger than this are refused before they are read.
const MAX_SHEET_BYTES: u64 = 64 * 1024 * 1024;

fn sheet(kind: Kind, args: &SheetArgs) -> anyhow::Result<Status> {
    let shown = args.file.display().to_string();
    let bytes = fsutil::read_regular(&args.file, MAX_SHEET_BYTES)
        .with_context(|| format!("cannot read {shown}"))?;
    if bytes.len() as u64 > MAX_SHEET_BYTES {
        bail!("{shown}: the file is larger than 64 MiB");
    }
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let grid = import::sheet::read(&bytes, &name, args.sheet.as_deref())
        .map_err(|e| anyhow!("{shown}: {e}\nnothing was written"))?;
    let place = match &grid.sheet {
        Some(s) => format!("{shown} (sheet {s:?})"),
        None => shown.clone(),
    };
    let loaded = crate::loader::load(&args.dir)
        .with_context(|| format!("cannot load the ISMS at {}", args.dir.display()))?;
    let ctx = import::Context::from_isms(&loaded.model);
    let outcome = match import::import(kind, &grid, &ctx, &args.map) {
        Ok(o) => o,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {place}: {p}");
            }
            bail!(
                "nothing was written: {} problem{} in {place}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
        }
    };
    let plan = plan(kind, &args.dir, &outcome, args.update)?;
    if !plan.refused.is_empty() {
        for (id, row) in &plan.refused {
            eprintln!(
                "error: {place}: row {row}: {} {id} already exists in {}: use --update to merge \
                 the sheet into the existing records",
                record_word(kind),
                plan.file_of.get(id).map_or("the register", String::as_str)
            );
        }
        bail!(
            "nothing was written: {} record{} already exist",
            plan.refused.len(),
            if plan.refused.len() == 1 { "" } else { "s" }
        );
    }
    print!("{}", report(kind, &place, &outcome, &plan));
    if args.dry_run {
        print!("{}", plan.changes.diff());
        println!("Dry run: nothing was written.");
        return Ok(Status::Success);
    }
    if plan.changes.is_empty() {
        println!("Nothing to write: the records already hold these values.");
        return Ok(Status::Success);
    }
    let written = plan
        .changes
        .apply(&args.dir, Overwrite::Refuse)
        .map_err(|e| anyhow!("nothing was written: {e}"))?;
    for w in written {
        println!("Wrote {}", w.display());
    }
    Ok(Status::Success)
}

fn record_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Soa => "control",
        Kind::Risks => "risk",
        Kind::Assets => "asset",
        Kind::Suppliers => "supplier",
    }
}

/// What an import will write.
#[derive(Default)]
pub struct Plan {
    /// The edits.
    pub changes: ChangeSet,
    /// Ids of new records.
    pub added: Vec<String>,
    /// Field changes of existing records: id, field, old and new value.
    pub updated: Vec<(String, String, String, String)>,
    /// Existing records left as they were.
    pub unchanged: usize,
    /// Records that exist already, without `--update`: id and row.
    pub refused: Vec<(String, usize)>,
    /// The file holding each existing record.
    pub file_of: BTreeMap<String, String>,
}

/// The register files that exist for `kind`: `<register>.yaml` and, for a split register,
/// `<register>/*.yaml`.
fn register_files(root: &Path, kind: Kind) -> Vec<String> {
    let reg = kind.register();
    let mut out = Vec::new();
    if root.join(format!("{reg}.yaml")).is_file() {
        out.push(format!("{reg}.yaml"));
    }
    if crate::loader::SPLIT_REGISTERS.contains(&reg) {
        let mut names: Vec<String> = std::fs::read_dir(root.join(reg))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".yaml") && !n.starts_with('.'))
            .collect();
        names.sort();
        out.extend(names.into_iter().map(|n| format!("{reg}/{n}")));
    }
    out
}

fn parse_tree(rel: &str, text: &str) -> anyhow::Result<Node> {
    let source = SourceFile::new(rel.to_string(), text.to_string());
    yaml::parse(FileId(0), &source, 0..text.len())
        .map_err(|e| anyhow!("{rel}:{}: {}", e.span.line, e.message))
}

/// Plans the edits that bring `outcome` into the register at `root`.
pub fn plan(kind: Kind, root: &Path, outcome: &Outcome, update: bool) -> anyhow::Result<Plan> {
    let list = kind.list_key();
    let mut plan = Plan::default();
    // Every existing record, by id, with the file it is in.
    let mut existing: BTreeMap<String, (String, Node)> = BTreeMap::new();
    for rel in register_files(root, kind) {
        let edit = plan.changes.open(root, &rel).map_err(|e| anyhow!("{e}"))?;
        let tree = parse_tree(&rel, edit.text())?;
        for item in tree.get(list).and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(id) = item.get("id").and_then(Node::written_text) {
                existing
                    .entry(id.to_string())
                    .or_insert_with(|| (rel.clone(), item.clone()));
            }
        }
    }
    let target = crate::edit::register_file(root, kind.register());
    let mut new_records: Vec<&Record> = Vec::new();
    for rec in &outcome.records {
        match existing.get(&rec.id) {
            Some((rel, node)) => {
                plan.file_of.insert(rec.id.clone(), rel.clone());
                if rec.row == 0 {
                    // Added undecided because the sheet lacked it: the record says more.
                    plan.unchanged += 1;
                    continue;
                }
                if !update {
                    plan.refused.push((rec.id.clone(), rec.row));
                    continue;
                }
                let edit = plan.changes.open(root, rel).map_err(|e| anyhow!("{e}"))?;
                let n = update_record(kind, edit, rec, node, &mut plan.updated)?;
                if n == 0 {
                    plan.unchanged += 1;
                }
            }
            None => new_records.push(rec),
        }
    }
    if new_records.is_empty() {
        return Ok(plan);
    }
    let edit = plan
        .changes
        .open(root, &target)
        .map_err(|e| anyhow!("{e}"))?;
    if edit.original().is_none() {
        // A new register: written in one go (appending thousands of rows one by one would
        // re-read the growing file each time), then parsed once by the editing layer.
        let mut text = new_register_header(kind);
        for rec in &new_records {
            text.push('\n');
            emit_item(&mut text, &rec.to_value());
        }
        edit.set_text(text).map_err(|e| anyhow!("{e}"))?;
    } else {
        for rec in &new_records {
            edit.append(&[Step::key(list)], &rec.to_value())
                .map_err(|e| anyhow!("{e}"))?;
        }
    }
    plan.added = new_records.iter().map(|r| r.id.clone()).collect();
    Ok(plan)
}

/// Sets the fields of `rec` that differ from the record `node` in the file. Returns how many
/// fields were set.
fn update_record(
    kind: Kind,
    edit: &mut FileEdit,
    rec: &Record,
    node: &Node,
    log: &mut Vec<(String, String, String, String)>,
) -> anyhow::Result<usize> {
    let base = vec![Step::key(kind.list_key()), Step::id(rec.id.clone())];
    let mut n = 0;
    let mut parents_done: Vec<String> = Vec::new();
    for (field, value) in &rec.fields {
        // Titles of Annex A controls come from the catalogue, and levels are derived from
        // likelihood and impact: a rendered sheet shows both even where the record leaves
        // them out, so neither is added by an update.
        if kind == Kind::Soa && field == "title" {
            continue;
        }
        match field.split_once('.') {
            None => {
                let old = node.get(field);
                if old.is_some_and(|o| same(o, value)) {
                    continue;
                }
                // A field left out holds its default: a sheet showing the default changes
                // nothing.
                if old.is_none() && is_default(kind, field, value) {
                    continue;
                }
                edit.set(&base, field, value).map_err(|e| anyhow!("{e}"))?;
                log.push((
                    rec.id.clone(),
                    field.clone(),
                    old.map_or_else(|| "(none)".into(), show_node),
                    show(value),
                ));
                n += 1;
            }
            Some((parent, child)) => {
                let old_parent = node.get(parent);
                let old = old_parent.and_then(|p| p.get(child));
                if child == "level" && old.is_none() {
                    continue;
                }
                if old.is_some_and(|o| same(o, value)) {
                    continue;
                }
                if old_parent.is_some_and(|p| p.as_map().is_some()) {
                    let mut path = base.clone();
                    path.push(Step::key(parent));
                    edit.set(&path, child, value).map_err(|e| anyhow!("{e}"))?;
                } else if !parents_done.iter().any(|p| p == parent) {
                    // No such mapping yet: write the whole group (e.g. a first residual rating).
                    let prefix = format!("{parent}.");
                    let group: Vec<(String, Value)> = rec
                        .fields
                        .iter()
                        .filter_map(|(k, v)| {
                            k.strip_prefix(&prefix).map(|c| (c.to_string(), v.clone()))
                        })
                        .collect();
                    edit.set(&base, parent, &Value::Map(group))
                        .map_err(|e| anyhow!("{e}"))?;
                    parents_done.push(parent.to_string());
                }
                log.push((
                    rec.id.clone(),
                    field.clone(),
                    old.map_or_else(|| "(none)".into(), show_node),
                    show(value),
                ));
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Whether `value` is what the register assumes when `field` is left out.
fn is_default(kind: Kind, field: &str, value: &Value) -> bool {
    matches!(
        (kind, field, value),
        (Kind::Assets, "in_scope", Value::Bool(true))
            | (Kind::Suppliers, "data_access" | "cloud", Value::Bool(false))
    ) || matches!(value, Value::Seq(v) if v.is_empty())
}

/// Whether the record's node already holds `v`.
fn same(n: &Node, v: &Value) -> bool {
    match (&n.kind, v) {
        (NodeKind::Str(s), Value::Str(t)) => s.trim() == t.trim(),
        (_, Value::Str(t)) => n.raw.as_deref() == Some(t.as_str()),
        (NodeKind::Bool(a), Value::Bool(b)) => a == b,
        (NodeKind::Int(a), Value::Int(b)) => *a == i128::from(*b),
        (NodeKind::Float(a), Value::Int(b)) => *a == *b as f64,
        (NodeKind::Str(s), Value::Date(d)) => *s == d.to_string(),
        (NodeKind::Null, Value::Null) => true,
        (NodeKind::Seq(items), Value::Seq(vs)) => {
            (items.len() == vs.len() && items.iter().zip(vs).all(|(a, b)| same(a, b)))
                // A rendered sheet joins free-text items with "; ", and items may hold "; "
                // themselves: the same text is the same list.
                || joined_node(items).is_some_and(|a| Some(a) == joined_value(vs))
        }
        (NodeKind::Map(_), Value::Map(vs)) => {
            vs.iter().all(|(k, v)| n.get(k).is_some_and(|x| same(x, v)))
        }
        _ => false,
    }
}

fn joined_node(items: &[Node]) -> Option<String> {
    items
        .iter()
        .map(|n| match &n.kind {
            NodeKind::Str(s) => Some(s.trim().to_string()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|v| v.join("; "))
}

fn joined_value(items: &[Value]) -> Option<String> {
    items
        .iter()
        .map(|v| match v {
            Value::Str(s) => Some(s.trim().to_string()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|v| v.join("; "))
}

fn show_node(n: &Node) -> String {
    match &n.kind {
        NodeKind::Null => "(none)".into(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => n
            .raw
            .as_ref()
            .map_or_else(|| f.to_string(), |r| r.to_string()),
        NodeKind::Str(s) => format!("{s:?}"),
        NodeKind::Seq(items) => format!(
            "[{}]",
            items.iter().map(show_node).collect::<Vec<_>>().join(", ")
        ),
        NodeKind::Map(_) => "{...}".into(),
    }
}

fn new_register_header(kind: Kind) -> String {
    let what = match kind {
        Kind::Soa => "Statement of Applicability (6.1.3 d)",
        Kind::Risks => "information security risk register (6.1.2, 6.1.3, 8.2, 8.3)",
        Kind::Assets => "inventory of information and other associated assets (A.5.9)",
        Kind::Suppliers => "supplier register (A.5.19 to A.5.23)",
    };
    let mut s = format!(
        "# {}.yaml: the {what}, imported from a spreadsheet by `isms import {}`.\n\
         # Review every record: the import report lists the decisions it could not take.\n",
        kind.register(),
        kind.name()
    );
    if kind == Kind::Soa {
        s.push_str(
            "\ndocument:\n  id: DOC-SOA\n  title: \"Statement of Applicability\"\n  version: \"0.1\"\n  \
             approval: { by: ~, on: ~ }   # to do: approval of the SoA by top management\n  \
             review_months: 12\n",
        );
    }
    let _ = writeln!(s, "\n{}:", kind.list_key());
    s
}

/// Writes `v` (a record mapping) as one block sequence item at indentation 2. Strings are
/// written as JSON strings, which YAML reads back as exactly the same text.
fn emit_item(out: &mut String, v: &Value) {
    let Value::Map(entries) = v else { return };
    for (i, (k, val)) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "  - " } else { "    " });
        out.push_str(k);
        out.push(':');
        match val {
            Value::Map(m) => {
                out.push_str(" {");
                for (j, (mk, mv)) in m.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{mk}: {}", inline(mv));
                }
                out.push_str("}\n");
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// Whether a string can be written plain and still read back as the same string, in block and
/// in flow context: it starts with a letter, holds only letters, digits, spaces and `.-_/@'()`,
/// and is no word YAML reads as a boolean or null.
fn plain_ok(s: &str) -> bool {
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null"];
    s.chars().next().is_some_and(char::is_alphabetic)
        && !s.ends_with(' ')
        && s.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '/' | '@' | '\'' | '(' | ')')
        })
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

fn inline(v: &Value) -> String {
    match v {
        Value::Null => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Str(s) if plain_ok(s) => s.clone(),
        Value::Str(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The import report: how the columns were read, what is written, and what a person still
/// has to decide.
pub fn report(kind: Kind, place: &str, outcome: &Outcome, plan: &Plan) -> String {
    let mut s = String::new();
    let rows = outcome.records.iter().filter(|r| r.row > 0).count();
    let _ = writeln!(
        s,
        "Import of {place}: header row {}, {rows} {}{} read.",
        outcome.header_row,
        record_word(kind),
        if rows == 1 { "" } else { "s" }
    );
    let _ = writeln!(s, "\nColumns:");
    for c in &outcome.columns {
        let _ = writeln!(
            s,
            "  {:<3} {:<32} {}",
            import::column_letter(c.index),
            format!("{:?}", c.header),
            c.field
                .map_or_else(|| "not imported".to_string(), |f| format!("-> {f}"))
        );
    }
    if outcome.mapped_2013 {
        let _ = writeln!(
            s,
            "\nISO/IEC 27001:2013 Annex A ids were mapped to the 2022 controls (ISO/IEC 27002:2022 \
             correspondence)."
        );
    }
    let _ = writeln!(
        s,
        "\nRecords: {} new, {} field{} changed, {} unchanged.",
        plan.added.len(),
        plan.updated.len(),
        if plan.updated.len() == 1 { "" } else { "s" },
        plan.unchanged
    );
    for (id, field, old, new) in &plan.updated {
        let _ = writeln!(s, "  {id} {field}: {old} -> {new}");
    }
    if !outcome.notes.is_empty() {
        let _ = writeln!(s, "\nDecisions for a person ({}):", outcome.notes.len());
        for n in &outcome.notes {
            let rows = match n.rows.as_slice() {
                [] => String::new(),
                [r] => format!(" (row {r})"),
                rs => format!(
                    " (rows {})",
                    rs.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let _ = writeln!(s, "  {}{rows}: {}", n.id, n.message);
        }
    }
    if !outcome.unknown_people.is_empty() {
        let _ = writeln!(
            s,
            "\nPeople not in isms.yaml (written as they are: add them to `people` or correct the cells):"
        );
        for (p, rows) in &outcome.unknown_people {
            let _ = writeln!(
                s,
                "  {p:?} (row{} {})",
                if rows.len() == 1 { "" } else { "s" },
                rows.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if !outcome.unknown_suppliers.is_empty() {
        let _ = writeln!(
            s,
            "\nSuppliers not in the supplier register (written as they are: import the suppliers \
             first or correct the cells):"
        );
        for (p, rows) in &outcome.unknown_suppliers {
            let _ = writeln!(
                s,
                "  {p:?} (row{} {})",
                if rows.len() == 1 { "" } else { "s" },
                rows.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    s.push('\n');
    s
}

/// `isms import policies`.
fn policies(args: &PolicyArgs) -> anyhow::Result<Status> {
    let src = &args.source;
    let mut files: Vec<PathBuf> = Vec::new();
    if src.is_file() {
        files.push(src.clone());
    } else if src.is_dir() {
        for e in walkdir::WalkDir::new(src)
            .sort_by_file_name()
            .follow_links(false)
        {
            let e = e.with_context(|| format!("cannot read {}", src.display()))?;
            if e.file_type().is_file() {
                files.push(e.path().to_path_buf());
            }
        }
    } else {
        bail!("{}: no such file or folder", src.display());
    }
    let ext = |p: &Path| {
        p.extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    };
    let docx: Vec<&PathBuf> = files
        .iter()
        .filter(|p| matches!(ext(p).as_str(), "docx" | "doc" | "odt"))
        .collect();
    if !docx.is_empty() {
        for d in &docx {
            eprintln!(
                "error: {}: Word documents are not imported; convert it to Markdown first: \
                 pandoc -t gfm -o {}.md {}",
                d.display(),
                d.file_stem()
                    .map(|s| s.to_string_lossy())
                    .unwrap_or_default(),
                d.display()
            );
        }
        bail!(
            "nothing was written: {} Word document(s) (see docs/import.md)",
            docx.len()
        );
    }
    let md: Vec<&PathBuf> = files.iter().filter(|p| ext(p) == "md").collect();
    if md.is_empty() {
        bail!("{}: no Markdown (.md) documents found", src.display());
    }
    let loaded = crate::loader::load(&args.dir)
        .with_context(|| format!("cannot load the ISMS at {}", args.dir.display()))?;
    let ctx = import::Context::from_isms(&loaded.model);
    let mut next = loaded
        .model
        .policies
        .iter()
        .filter_map(|p| p.id.value.strip_prefix("POL-")?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let mut changes = ChangeSet::new();
    let mut problems = Vec::new();
    let mut report = String::new();
    let mut taken: Vec<String> = Vec::new();
    for path in md {
        let shown = path.display().to_string();
        let bytes = fsutil::read_regular(path, crate::loader::MAX_FILE_SIZE)
            .with_context(|| format!("cannot read {shown}"))?;
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(format!("{shown}: not UTF-8 text"));
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let slug: String = stem
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let slug = slug.trim_matches('-').to_string();
        if slug.is_empty() || slug.starts_with('_') {
            continue;
        }
        let rel = format!("policies/{slug}.md");
        if args.dir.join(&rel).exists() || taken.contains(&rel) {
            problems.push(format!(
                "{shown}: {rel} exists already and is never overwritten (rename the source file \
                 or remove the existing document first)"
            ));
            continue;
        }
        taken.push(rel.clone());
        let foreign = import::policies::read(&text, &stem);
        let id = format!("POL-{next:02}");
        next += 1;
        let (out, unknown) = import::policies::convert(&text, &foreign, &id, &ctx);
        let mut edit = FileEdit::new(rel.clone(), None);
        if let Err(e) = edit.set_text(out) {
            problems.push(format!("{shown}: {e}"));
            continue;
        }
        changes.push(edit);
        let _ = writeln!(report, "{shown} -> {rel} ({id}, {:?})", foreign.title);
        if let Some(d) = foreign.version_date {
            let _ = writeln!(report, "  version date {d}");
        }
        match (&foreign.owner, unknown) {
            (_, Some(u)) => {
                let _ = writeln!(
                    report,
                    "  owner {u:?} is not in isms.yaml: left to fill in (add the person to `people`)"
                );
            }
            (None, None) => {
                let _ = writeln!(report, "  no owner given: left to fill in");
            }
            _ => {}
        }
        if foreign.version.is_none() {
            let _ = writeln!(report, "  no version given: 0.1, marked to do");
        }
        for u in &foreign.unreadable {
            let _ = writeln!(report, "  could not read the {u}");
        }
        if !foreign.dropped.is_empty() {
            let _ = writeln!(
                report,
                "  front matter not carried over: {}",
                foreign.dropped.join(", ")
            );
        }
        let _ = writeln!(
            report,
            "  to do: approval and the Annex A controls the policy implements"
        );
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        bail!("nothing was written: {} problem(s)", problems.len());
    }
    print!("{report}");
    if args.dry_run {
        print!("{}", changes.diff());
        println!("Dry run: nothing was written.");
        return Ok(Status::Success);
    }
    let written = changes
        .apply(&args.dir, Overwrite::Refuse)
        .map_err(|e| anyhow!("nothing was written: {e}"))?;
    for w in written {
        println!("Wrote {}", w.display());
    }
    Ok(Status::Success)
}
