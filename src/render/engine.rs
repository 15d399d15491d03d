//! The template engine: built-in templates embedded in the binary, overridden by name from the
//! `templates/` folder of the ISMS repository.
//!
//! Two Tera instances are kept because Tera has one escape function per instance: `.html`
//! templates (and the `.css` they include) are autoescaped for HTML, `.md` templates are
//! autoescaped for Markdown ([`super::markdown::escape_markdown`]). Either way every record
//! field that reaches a document is escaped unless a template explicitly marks it `safe`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera, Value};

use super::markdown;

/// One template embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The template name, as used by `extends`/`include` and by user overrides.
    pub name: &'static str,
    /// The template source.
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            text: include_str!(concat!("../../templates/render/", $name)),
        }
    };
}

/// Every built-in template, in one place: the layout, the stylesheet and one HTML and one
/// Markdown template per document kind.
pub const BUILTINS: &[Builtin] = &[
    builtin!("base.html"),
    builtin!("style.css"),
    builtin!("base.md"),
    builtin!("index.html"),
    builtin!("index.md"),
    builtin!("soa.html"),
    builtin!("soa.md"),
    builtin!("risk-register.html"),
    builtin!("risk-register.md"),
    builtin!("risk-treatment-plan.html"),
    builtin!("risk-treatment-plan.md"),
    builtin!("risk-heat-map.html"),
    builtin!("risk-heat-map.md"),
    builtin!("asset-inventory.html"),
    builtin!("asset-inventory.md"),
    builtin!("scope.html"),
    builtin!("scope.md"),
    builtin!("context.html"),
    builtin!("context.md"),
    builtin!("policy.html"),
    builtin!("policy.md"),
    builtin!("objectives.html"),
    builtin!("objectives.md"),
    builtin!("audit-programme.html"),
    builtin!("audit-programme.md"),
    builtin!("audit.html"),
    builtin!("audit.md"),
    builtin!("review.html"),
    builtin!("review.md"),
    builtin!("nonconformities.html"),
    builtin!("nonconformities.md"),
    builtin!("procedure.html"),
    builtin!("procedure.md"),
    builtin!("roles.html"),
    builtin!("roles.md"),
    builtin!("processes.html"),
    builtin!("processes.md"),
    builtin!("communication.html"),
    builtin!("communication.md"),
    builtin!("external-documents.html"),
    builtin!("external-documents.md"),
    builtin!("suppliers.html"),
    builtin!("suppliers.md"),
    builtin!("incidents.html"),
    builtin!("incidents.md"),
    builtin!("competence.html"),
    builtin!("competence.md"),
    builtin!("metrics.html"),
    builtin!("metrics.md"),
    builtin!("changes.html"),
    builtin!("changes.md"),
    builtin!("framework-coverage.html"),
    builtin!("framework-coverage.md"),
];

/// The folder, relative to the ISMS root, whose files override built-in templates by name.
pub const USER_TEMPLATE_DIR: &str = "templates";

/// Largest user template accepted; templates are small text files, a bigger one is a mistake.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Largest output of one template (256 MiB): many times a full register, small enough that a
/// runaway template (nested loops over large registers) stops before exhausting memory.
const MAX_OUTPUT_BYTES: usize = 256 * 1024 * 1024;

/// Longest time one template may render.
const MAX_RENDER_TIME: std::time::Duration = std::time::Duration::from_secs(60);

/// The render target with a budget: writing past the size or time limit fails, which stops
/// Tera's interpreter at its next write.
struct Budgeted {
    buf: Vec<u8>,
    max_bytes: usize,
    deadline: std::time::Instant,
    max_time: std::time::Duration,
    exceeded: Option<String>,
}

impl Budgeted {
    fn new(max_bytes: usize, max_time: std::time::Duration) -> Self {
        Budgeted {
            buf: Vec::new(),
            max_bytes,
            deadline: std::time::Instant::now() + max_time,
            max_time,
            exceeded: None,
        }
    }
}

impl std::io::Write for Budgeted {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len().saturating_add(data.len()) > self.max_bytes {
            self.exceeded = Some(format!("{} MiB", self.max_bytes / 1024 / 1024));
        } else if std::time::Instant::now() > self.deadline {
            self.exceeded = Some(format!("{} s of rendering", self.max_time.as_secs()));
        }
        if self.exceeded.is_some() {
            return Err(std::io::Error::other("render budget exceeded"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where a template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Builtin,
    /// The user's file, as a path relative to the ISMS root.
    User(PathBuf),
}

/// A template read from the user's `templates/` folder.
#[derive(Debug, Clone)]
pub struct UserTemplate {
    /// Template name: the path inside `templates/`, `/`-separated.
    pub name: String,
    /// The file, relative to the ISMS root (for error messages).
    pub path: PathBuf,
    /// The template source.
    pub text: String,
}

/// A template that failed to load or render.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template has a syntax or validation error, or failed while rendering.
    #[error("{}", display_located(.file, .line, .column, .message, .report))]
    Template {
        /// The template file (`templates/soa.html`) or the built-in template name.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The error message without source context.
        message: String,
        /// Tera's report with a source snippet (may be empty).
        report: String,
    },
    /// Any other template error (missing template, circular extends).
    #[error("{0}")]
    Other(String),
    /// The user template folder could not be read.
    #[error("cannot read template {path}: {message}")]
    Read {
        /// The file or folder.
        path: String,
        /// What went wrong.
        message: String,
    },
}

fn display_located(
    file: &str,
    line: &Option<usize>,
    column: &Option<usize>,
    message: &str,
    report: &str,
) -> String {
    let mut s = format!("template {file}");
    if let Some(l) = line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = column {
            s.push_str(&format!(":{c}"));
        }
    }
    s.push_str(&format!(": {message}"));
    // Tera's report starts with its own `error: message` line, already said above.
    let snippet = match report.split_once('\n') {
        Some((first, rest)) if first.starts_with("error: ") => rest,
        _ => report,
    };
    if !snippet.trim().is_empty() {
        s.push('\n');
        s.push_str(snippet);
    }
    s
}

impl TemplateError {
    /// The template file and line the error points at, when known (for tests and tools).
    pub fn location(&self) -> Option<(&str, Option<usize>)> {
        match self {
            TemplateError::Template { file, line, .. } => Some((file, *line)),
            _ => None,
        }
    }
}

/// Which engine a template belongs to, decided by its name.
fn flavour(name: &str) -> Option<Flavour> {
    if name.ends_with(".md") {
        Some(Flavour::Markdown)
    } else if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".css") {
        Some(Flavour::Html)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Html,
    Markdown,
}

/// The resolved template set: built-ins with the user's overrides applied. Built once per run
/// (the user folder is read once) and shared by every renderer.
#[derive(Debug, Clone)]
pub struct Engine {
    html: Tera,
    md: Tera,
    origins: BTreeMap<String, Origin>,
}

impl Engine {
    /// The built-in templates only.
    pub fn builtin() -> Result<Engine, TemplateError> {
        Engine::new(&[])
    }

    /// Reads the user's templates from `root/templates/` (if the folder exists) and builds the
    /// engine with them overriding the built-ins.
    pub fn load(root: &Path) -> Result<Engine, TemplateError> {
        let user = read_user_templates(root)?;
        Engine::new(&user)
    }

    /// Builds the engine from the built-ins and the given user templates (user wins by name).
    pub fn new(user: &[UserTemplate]) -> Result<Engine, TemplateError> {
        let mut origins = BTreeMap::new();
        let mut html = new_tera(Flavour::Html);
        let mut md = new_tera(Flavour::Markdown);
        let mut builtin_html = Vec::new();
        let mut builtin_md = Vec::new();
        for b in BUILTINS {
            origins.insert(b.name.to_string(), Origin::Builtin);
            match flavour(b.name) {
                Some(Flavour::Markdown) => builtin_md.push((b.name, b.text)),
                _ => builtin_html.push((b.name, b.text)),
            }
        }
        let no_user = BTreeMap::new();
        html.add_raw_templates(builtin_html)
            .map_err(|e| convert(e, &no_user))?;
        md.add_raw_templates(builtin_md)
            .map_err(|e| convert(e, &no_user))?;

        let mut user_html = Vec::new();
        let mut user_md = Vec::new();
        for t in user {
            match flavour(&t.name) {
                Some(Flavour::Html) => user_html.push((t.name.as_str(), t.text.as_str())),
                Some(Flavour::Markdown) => user_md.push((t.name.as_str(), t.text.as_str())),
                None => continue,
            }
            origins.insert(t.name.clone(), Origin::User(t.path.clone()));
        }
        let user_files: BTreeMap<String, String> = user
            .iter()
            .map(|t| (t.name.clone(), display_path(&t.path)))
            .collect();
        // An override can break a built-in that extends it (a base without the `content`
        // block): name the overrides in that case, the built-in itself is not at fault.
        let blame = |e: tera::Error, names: Vec<&str>| {
            let mut err = convert(e, &user_files);
            if let TemplateError::Template { file, message, .. } = &mut err
                && file.ends_with("(built-in)")
            {
                let files: Vec<String> = names
                    .iter()
                    .filter_map(|n| user_files.get(*n).cloned())
                    .collect();
                message.push_str(&format!(
                    " (after applying your templates: {})",
                    files.join(", ")
                ));
            }
            err
        };
        if !user_html.is_empty() {
            let names = user_html.iter().map(|(n, _)| *n).collect();
            html.add_raw_templates(user_html.clone())
                .map_err(|e| blame(e, names))?;
        }
        if !user_md.is_empty() {
            let names = user_md.iter().map(|(n, _)| *n).collect();
            md.add_raw_templates(user_md.clone())
                .map_err(|e| blame(e, names))?;
        }
        Ok(Engine { html, md, origins })
    }

    /// Every template name with where it resolves from, sorted by name.
    pub fn templates(&self) -> impl Iterator<Item = (&str, &Origin)> {
        self.origins.iter().map(|(n, o)| (n.as_str(), o))
    }

    /// Whether a template of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    /// Renders the named template with the given context.
    /// Output is limited to 256 MiB and 60 s per template, so a runaway user template stops
    /// with an error naming it instead of rendering for minutes with growing memory.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, TemplateError> {
        self.render_budgeted(name, ctx, MAX_OUTPUT_BYTES, MAX_RENDER_TIME)
    }

    /// [`Engine::render`] with an explicit budget.
    fn render_budgeted(
        &self,
        name: &str,
        ctx: &tera::Context,
        max_bytes: usize,
        max_time: std::time::Duration,
    ) -> Result<String, TemplateError> {
        let tera = match flavour(name) {
            Some(Flavour::Markdown) => &self.md,
            _ => &self.html,
        };
        let mut out = Budgeted::new(max_bytes, max_time);
        let result = tera.render_to(name, ctx, &mut out);
        if let Some(what) = out.exceeded {
            let template = match self.origins.get(name) {
                Some(Origin::User(p)) => display_path(p),
                _ => name.to_string(),
            };
            return Err(TemplateError::Other(format!(
                "template {template} was stopped: its output exceeded {what}; \
                 look for nested loops over large registers, or render less per document"
            )));
        }
        result.map_err(|e| convert(e, &self.user_files()))?;
        let text = String::from_utf8(out.buf).map_err(|e| {
            TemplateError::Other(format!(
                "template {name} produced text that is not UTF-8: {e}"
            ))
        })?;
        Ok(without_controls(&text))
    }

    fn user_files(&self) -> BTreeMap<String, String> {
        self.origins
            .iter()
            .filter_map(|(n, o)| match o {
                Origin::User(p) => Some((n.clone(), display_path(p))),
                Origin::Builtin => None,
            })
            .collect()
    }
}

/// The rendered text with control characters (a NUL or ESC from a record's text) replaced by
/// U+FFFD: they are invalid in HTML, and in Markdown they reach whatever displays it.
/// CRLF line ends are kept.
pub(crate) fn without_controls(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c != '\r' && crate::diagnostic::is_unsafe_char(c))
    {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c != '\r' && crate::diagnostic::is_unsafe_char(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn display_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A Tera instance with our escaping and filters.
fn new_tera(flavour: Flavour) -> Tera {
    let mut t = Tera::new();
    match flavour {
        Flavour::Html => {
            t.autoescape_on([".html", ".htm"]);
            t.register_filter("markdown", |s: &str, _: Kwargs, _: &State| {
                Value::safe_string(&markdown::to_html(s))
            });
            t.register_filter("links", |v: &Value, k: Kwargs, _: &State| {
                let titles = k.get::<bool>("titles")?.unwrap_or(false);
                Ok::<_, tera::Error>(Value::safe_string(&links_html(v, titles)))
            });
        }
        Flavour::Markdown => {
            t.autoescape_on([".md"]);
            t.set_escape_fn(markdown::escape_markdown_to);
            t.register_filter("markdown", |s: &str, _: Kwargs, _: &State| {
                Value::safe_string(&markdown::to_safe_markdown(s))
            });
            t.register_filter("links", |v: &Value, k: Kwargs, _: &State| {
                let titles = k.get::<bool>("titles")?.unwrap_or(false);
                Ok::<_, tera::Error>(Value::safe_string(&links_markdown(v, titles)))
            });
        }
    }
    // `one_line` keeps multi-line text inside one table cell; the result is still escaped.
    t.register_filter("one_line", |s: &str, _: Kwargs, _: &State| {
        markdown::one_line(s)
    });
    // `css_string` quotes text for a CSS `content:` value (running headers in `@page`).
    t.register_filter("css_string", |s: &str, _: Kwargs, _: &State| {
        Value::safe_string(&css_string(s))
    });
    t
}

/// The fields of a link value (see `views::Link`): id, title and the target for `key`.
fn link_parts<'v>(item: &'v Value, key: &str) -> (&'v str, Option<&'v str>, Option<&'v str>) {
    (
        field(item, "id").unwrap_or(""),
        field(item, "title").filter(|t| !t.is_empty()),
        field(item, key).filter(|h| !h.is_empty()),
    )
}

fn field<'v>(item: &'v Value, key: &str) -> Option<&'v str> {
    let map = item.as_map()?;
    map.iter()
        .find(|(k, _)| k.as_str() == Some(key))?
        .1
        .as_str()
}

fn html_escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(s, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Renders a list of links as HTML, every part escaped: `<a href="…" title="…">ID</a>, …`.
/// With `titles`, the title follows the id in the link text.
pub fn links_html(v: &Value, titles: bool) -> String {
    let items = v.as_array().unwrap_or(&[]);
    let parts: Vec<String> = items
        .iter()
        .map(|item| {
            let (id, title, href) = link_parts(item, "html");
            let text = match (titles, title) {
                (true, Some(t)) => format!("{} {}", html_escape(id), html_escape(t)),
                _ => html_escape(id),
            };
            let title_attr = title
                .map(|t| format!(" title=\"{}\"", html_escape(t)))
                .unwrap_or_default();
            match href {
                Some(h) => format!("<a href=\"{}\"{title_attr}>{text}</a>", html_escape(h)),
                None => format!("<span{title_attr}>{text}</span>"),
            }
        })
        .collect();
    parts.join(if titles { "<br>" } else { ", " })
}

/// Renders a list of links as Markdown: `[ID](target), …`, text escaped and the target
/// percent-encoded where Markdown would end it.
pub fn links_markdown(v: &Value, titles: bool) -> String {
    let items = v.as_array().unwrap_or(&[]);
    let parts: Vec<String> = items
        .iter()
        .map(|item| {
            let (id, title, href) = link_parts(item, "md");
            let text = match (titles, title) {
                (true, Some(t)) => format!(
                    "{} {}",
                    markdown::escape_markdown(id),
                    markdown::escape_markdown(t)
                ),
                _ => markdown::escape_markdown(id),
            };
            match href {
                Some(h) => format!("[{text}]({})", encode_target(h)),
                None => text,
            }
        })
        .collect();
    parts.join(if titles { "; " } else { ", " })
}

fn encode_target(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '\\' | '"' | '`' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Quotes text as a CSS string literal. Everything that could end the string, the rule or the
/// `<style>` element is written as a CSS hex escape, so record text cannot alter the stylesheet.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\'' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Maps a Tera error onto a [`TemplateError`] naming the user's file when the template is one
/// of theirs. `user_files` maps template names to repository-relative file paths.
fn convert(e: tera::Error, user_files: &BTreeMap<String, String>) -> TemplateError {
    let file_of = |name: &str| -> String {
        user_files
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("{name} (built-in)"))
    };
    let fix_report = |report: String| -> String {
        // Tera's report says `--> name:line:col`; point at the user's file instead.
        let mut out = report;
        for (name, file) in user_files {
            out = out.replace(&format!("--> {name}:"), &format!("--> {file}:"));
        }
        out
    };
    let chain = source_chain(&e);
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let report = fix_report(e.kind().to_string());
            TemplateError::Template {
                file: file_of(r.filename()),
                line: Some(r.span().start_line),
                column: Some(r.span().start_col + 1),
                message: format!("{}{chain}", r.message()),
                report,
            }
        }
        tera::ErrorKind::Msg(msg) => {
            // Validation errors (unknown filter, unknown block, ...) come as joined reports;
            // the first `--> name:line:col` locates the first one.
            if let Some((name, line, column)) = first_locus(msg) {
                let first_line = msg
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ");
                TemplateError::Template {
                    file: file_of(&name),
                    line: Some(line),
                    column: Some(column),
                    message: format!("{first_line}{chain}"),
                    report: fix_report(msg.clone()),
                }
            } else {
                TemplateError::Other(format!("{msg}{chain}"))
            }
        }
        tera::ErrorKind::MissingParent { current, parent } => TemplateError::Template {
            file: file_of(current),
            line: None,
            column: None,
            message: format!("extends `{parent}`, which does not exist"),
            report: String::new(),
        },
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => TemplateError::Template {
            file: file_of(tpl),
            line: None,
            column: None,
            message: e.kind().to_string(),
            report: String::new(),
        },
        other => TemplateError::Other(format!("{other}{chain}")),
    }
}

/// The messages of the error's sources, each prefixed by `: `.
fn source_chain(e: &tera::Error) -> String {
    let mut out = String::new();
    let mut cur = std::error::Error::source(e);
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Finds the first `--> name:line:col` in a Tera report.
fn first_locus(report: &str) -> Option<(String, usize, usize)> {
    let start = report.find("--> ")? + 4;
    let rest = report[start..].lines().next()?;
    let mut parts = rest.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.to_string();
    Some((name, line, col))
}

/// Reads every template file under `root/templates/`, recursively, sorted by name. Files whose
/// names do not end in `.html`, `.htm`, `.css` or `.md` (a README, say) and hidden files are
/// skipped. Symbolic links are refused so a template cannot pull in a file from elsewhere.
pub fn read_user_templates(root: &Path) -> Result<Vec<UserTemplate>, TemplateError> {
    let dir = root.join(USER_TEMPLATE_DIR);
    let meta = match dir.symlink_metadata() {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(TemplateError::Read {
                path: dir.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    if !meta.is_dir() {
        return Err(TemplateError::Read {
            path: dir.display().to_string(),
            message: "not a folder".into(),
        });
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| TemplateError::Read {
            path: e
                .path()
                .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
            message: e.to_string(),
        })?;
        let rel_in_dir = match entry.path().strip_prefix(&dir) {
            Ok(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
            _ => continue,
        };
        let hidden = rel_in_dir
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden || entry.file_type().is_dir() {
            continue;
        }
        let name = display_path(&rel_in_dir);
        if flavour(&name).is_none() {
            continue;
        }
        let rel = Path::new(USER_TEMPLATE_DIR).join(&rel_in_dir);
        let read_err = |message: String| TemplateError::Read {
            path: display_path(&rel),
            message,
        };
        if entry.file_type().is_symlink() {
            return Err(read_err(
                "symbolic links are not followed for templates".into(),
            ));
        }
        let len = entry.metadata().map_err(|e| read_err(e.to_string()))?.len();
        if len > MAX_TEMPLATE_BYTES {
            return Err(read_err(format!("larger than {MAX_TEMPLATE_BYTES} bytes")));
        }
        // Regular files only: a FIFO among the templates would block the render forever.
        let bytes = crate::fsutil::read_regular(entry.path(), MAX_TEMPLATE_BYTES)
            .map_err(|e| read_err(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| read_err("not valid UTF-8".into()))?;
        out.push(UserTemplate {
            name,
            path: rel,
            text,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, text: &str) -> UserTemplate {
        UserTemplate {
            name: name.into(),
            path: Path::new("templates").join(name),
            text: text.into(),
        }
    }

    #[test]
    fn a_runaway_template_is_stopped_with_its_name() {
        let t = "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}";
        let e = Engine::new(&[user("soa.md", t)]).unwrap();
        let err = e
            .render_budgeted(
                "soa.md",
                &tera::Context::new(),
                1 << 20,
                std::time::Duration::from_secs(30),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("templates/soa.md") && err.contains("1 MiB"),
            "{err}"
        );
        let err = e
            .render_budgeted(
                "soa.md",
                &tera::Context::new(),
                usize::MAX,
                std::time::Duration::ZERO,
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("0 s of rendering"), "{err}");
    }

    #[test]
    fn builtins_parse() {
        // Every built-in template compiles (each one is also rendered by the snapshot tests).
        Engine::builtin().unwrap();
    }

    #[test]
    fn user_template_overrides_builtin() {
        let e = Engine::new(&[user("soa.md", "custom {{ title }}")]).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("title", "SoA");
        assert_eq!(e.render("soa.md", &ctx).unwrap(), "custom SoA");
        let origins: BTreeMap<_, _> = e.templates().collect();
        assert_eq!(
            origins["soa.md"],
            &Origin::User(PathBuf::from("templates/soa.md"))
        );
        assert_eq!(origins["soa.html"], &Origin::Builtin);
    }

    #[test]
    fn breaking_a_parent_points_at_the_override() {
        let err = Engine::new(&[user("base.md", "no blocks here")]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("templates/base.md"), "{text}");
    }

    #[test]
    fn broken_user_template_names_file_and_line() {
        let err = Engine::new(&[user("soa.html", "line one\nline two {% if %}\n")]).unwrap_err();
        assert_eq!(
            err.location(),
            Some(("templates/soa.html", Some(2))),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.starts_with("template templates/soa.html:2:"), "{text}");
    }

    #[test]
    fn unknown_filter_names_file_and_line() {
        let err = Engine::new(&[user("x.html", "a\nb\n{{ x | nosuchfilter }}")]).unwrap_err();
        assert_eq!(err.location(), Some(("templates/x.html", Some(3))), "{err}");
        assert!(err.to_string().contains("nosuchfilter"), "{err}");
    }

    #[test]
    fn render_error_names_file_and_line() {
        let e = Engine::new(&[user("x.html", "ok\n{{ 1 + missing.field }}")]).unwrap();
        let err = e.render("x.html", &tera::Context::new()).unwrap_err();
        assert_eq!(err.location(), Some(("templates/x.html", Some(2))), "{err}");
    }

    #[test]
    fn html_fields_are_escaped() {
        let e = Engine::new(&[user("x.html", "<p>{{ v }}</p>{{ md | markdown }}")]).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("v", "<script>alert(1)</script>");
        ctx.insert("md", "*hi* <script>alert(2)</script>");
        let out = e.render("x.html", &ctx).unwrap();
        assert!(!out.contains("<script>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("<em>hi</em>"), "{out}");
    }

    #[test]
    fn markdown_fields_are_escaped() {
        let e = Engine::new(&[user("x.md", "| {{ v | one_line }} |")]).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("v", "a|b\n<script>");
        let out = e.render("x.md", &ctx).unwrap();
        assert_eq!(out, "| a\\|b \\<script\\> |");
    }

    #[test]
    fn links_are_escaped() {
        let v = Value::from_serializable(&serde_json::json!([
            {"id": "R-1", "title": "<b>x</b>", "html": "risk-register.html#risk-R-1", "md": "risk-register.md"},
            {"id": "P\"<", "title": null, "html": null, "md": null},
        ]));
        assert_eq!(
            links_html(&v, false),
            "<a href=\"risk-register.html#risk-R-1\" title=\"&lt;b&gt;x&lt;/b&gt;\">R-1</a>, <span>P&quot;&lt;</span>"
        );
        assert_eq!(links_markdown(&v, false), "[R-1](risk-register.md), P\"\\<");
        assert_eq!(encode_target("a b(c)"), "a%20b%28c%29");
    }

    #[test]
    fn css_strings_cannot_escape() {
        assert_eq!(
            css_string("a\"b</style>\\\n"),
            "\"a\\22 b\\3c /style\\3e \\5c \\a \""
        );
        assert_eq!(css_string("Acme · SoA"), "\"Acme · SoA\"");
    }

    #[test]
    fn reads_user_folder_and_skips_other_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/partials")).unwrap();
        std::fs::write(dir.path().join("templates/soa.md"), "x").unwrap();
        std::fs::write(dir.path().join("templates/partials/a.html"), "y").unwrap();
        std::fs::write(dir.path().join("templates/README.txt"), "z").unwrap();
        std::fs::write(dir.path().join("templates/.hidden.md"), "z").unwrap();
        let t = read_user_templates(dir.path()).unwrap();
        let names: Vec<_> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["partials/a.html", "soa.md"]);
        assert_eq!(t[1].path, Path::new("templates/soa.md"));
    }

    #[test]
    fn missing_user_folder_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_user_templates(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn non_utf8_user_template_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/soa.md"), [0xff, 0xfe]).unwrap();
        let err = read_user_templates(dir.path()).unwrap_err();
        assert!(err.to_string().contains("templates/soa.md"), "{err}");
    }
}
