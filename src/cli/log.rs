//! `isms log`: the change history of the ISMS, one file or folder, or one record, read from
//! Git.
//!
//! * `isms log` — every commit that changed the ISMS folder, with the files and record ids.
//! * `isms log policies/access-control.md` — the history of one file, across renames.
//! * `isms log registers/` — commits that changed files under a folder.
//! * `isms log R-012` — every change to the record `R-012`, whichever register it is in.
//!
//! Exit codes: 0 when the history was shown (also for an empty repository), 2 when it cannot
//! be: no repository, or nothing in the history matches the argument.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use jiff::civil::Date;
use serde::Serialize;

use super::{Global, Status};
use crate::evidence::{
    BuildOptions, ChangeKind, CommitInfo, Head, HistoryIndex, PathChange, RecordChange, RepoState,
};

/// Output format of `isms log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LogFormat {
    /// One block per commit, for people.
    #[default]
    Text,
    /// One JSON document (described in docs/evidence.md), for tools.
    Json,
}

/// Arguments of `isms log`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A record id (e.g. R-012, 5.10, POL-01), or a file or folder of the ISMS. Without it:
    /// every change to the ISMS.
    #[arg(value_name = "ID|PATH")]
    pub target: Option<String>,
    /// The ISMS folder (it may be a subfolder of a Git repository).
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Only changes authored on or after this day (00:00 UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_date)]
    pub since: Option<Date>,
    /// Show at most N commits (newest first).
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
}

/// What the argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Query {
    /// The whole ISMS.
    All,
    /// One file (relative to the ISMS folder).
    Path(String),
    /// Files under a folder (relative to the ISMS folder, no trailing slash).
    Folder(String),
    /// One record id.
    Record(String),
}

impl Query {
    fn kind(&self) -> &'static str {
        match self {
            Query::All => "all",
            Query::Path(_) => "path",
            Query::Folder(_) => "folder",
            Query::Record(_) => "record",
        }
    }

    fn target(&self) -> Option<&str> {
        match self {
            Query::All => None,
            Query::Path(p) | Query::Folder(p) | Query::Record(p) => Some(p),
        }
    }
}

/// One file change as shown: the change and the record changes that matter for the query.
struct Shown<'a> {
    change: &'a PathChange,
    records: Vec<&'a RecordChange>,
}

/// One commit as shown.
struct Entry<'a> {
    commit: &'a CommitInfo,
    changes: Vec<Shown<'a>>,
}

/// Runs `isms log`.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    if !args.dir.exists() {
        anyhow::bail!(
            "{} does not exist (give the folder that contains isms.yaml)",
            args.dir.display()
        );
    }
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder (give the folder that contains isms.yaml)",
            args.dir.display()
        );
    }
    // The last N changes to the whole ISMS need only the newest N changing commits: stop the
    // walk there. A target or --since needs the whole history (renames, record ids, clock skew).
    let options = BuildOptions {
        max_changed_commits: match (&args.target, args.since) {
            (None, None) => args.limit,
            _ => None,
        },
        ..BuildOptions::default()
    };
    let index = HistoryIndex::build(&args.dir, &options)
        .with_context(|| format!("cannot read the Git history of {}", args.dir.display()))?;
    let Some(index) = index else {
        let state = RepoState::NoRepository {
            searched_from: args.dir.clone(),
        };
        anyhow::bail!("{}", state.notices().join(" "));
    };
    for notice in index.state().notices() {
        global.note(format_args!("{notice}"));
    }
    let query = match &args.target {
        _ if !index.state().has_history() => Query::All,
        None => Query::All,
        Some(t) => resolve(&index, &args.dir, t)?,
    };
    let since = match args.since {
        Some(d) => Some(
            d.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .context("--since is out of range")?,
        ),
        None => None,
    };
    let mut entries = collect(&index, &query);
    if let Some(since) = since {
        entries.retain(|e| e.commit.time >= since);
    }
    if let Some(limit) = args.limit {
        entries.truncate(limit);
    }

    let text = match args.format {
        LogFormat::Text => text(&entries, &query, global.color.enabled(false)),
        LogFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json_doc(&index, &query, &entries))
                .context("encoding the log as JSON")?;
            s.push('\n');
            s
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    super::check::ignore_broken_pipe(written).context("writing the log")?;
    Ok(Status::Success)
}

/// Decides what `target` names: a file or folder in the history (relative to the ISMS folder
/// or to the current folder), else a record id.
fn resolve(index: &HistoryIndex, root: &Path, target: &str) -> anyhow::Result<Query> {
    let cleaned = target.trim().replace('\\', "/");
    let mut candidates = vec![normalize(&cleaned)];
    if let Some(rel) = relative_to_root(root, Path::new(target)) {
        candidates.push(rel);
    }
    let paths = index.paths();
    for c in &candidates {
        if c.is_empty() {
            return Ok(Query::All);
        }
        if index.contains_path(c) {
            return Ok(Query::Path(c.clone()));
        }
        let folder = format!("{c}/");
        if paths.iter().any(|p| p.starts_with(&folder)) {
            return Ok(Query::Folder(c.clone()));
        }
    }
    if !index.record_history(target.trim()).is_empty() {
        return Ok(Query::Record(target.trim().to_string()));
    }
    // Nothing matched: say why, as precisely as we can.
    let on_disk = candidates.iter().any(|c| root.join(c).exists());
    if on_disk {
        anyhow::bail!(
            "{target} has no committed history yet (it exists but was never committed). \
             Commit it to start its evidence trail."
        );
    }
    let mut msg = format!(
        "nothing in the Git history of the ISMS is called {target}: it is neither a file, a folder nor a record id"
    );
    let ids = index.record_ids();
    let close: Vec<&str> = paths
        .iter()
        .chain(ids.iter())
        .copied()
        // Another number is another record or file, never a typo of this one.
        .filter(|s| crate::diagnostic::same_numbers(target, s))
        .filter(|s| strsim::jaro_winkler(s, target) > 0.85)
        .take(3)
        .collect();
    if !close.is_empty() {
        let _ = write!(msg, "; did you mean {}?", close.join(", "));
    }
    anyhow::bail!(msg)
}

/// Lexically cleans a `/`-separated relative path: drops `.` parts, empty parts and a trailing
/// slash. `..` is kept (it cannot name anything inside the ISMS and will not match).
fn normalize(p: &str) -> String {
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// `target` (relative to the current folder, or absolute) relative to the ISMS folder, if it
/// is inside it. Works for files that no longer exist by resolving the nearest existing parent.
fn relative_to_root(root: &Path, target: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let abs = if target.is_absolute() {
        target.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(target)
    };
    let mut existing = abs.as_path();
    let mut rest: Vec<String> = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        rest.push(existing.file_name()?.to_string_lossy().into_owned());
        existing = existing.parent()?;
    };
    let rel = base.strip_prefix(&root).ok()?;
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => return None,
        }
    }
    for r in rest.into_iter().rev() {
        match r.as_str() {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(r),
        }
    }
    Some(parts.join("/"))
}

/// The commits the query shows, newest first, each with the relevant changes.
fn collect<'a>(index: &'a HistoryIndex, query: &Query) -> Vec<Entry<'a>> {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    let mut push = |commit: &'a CommitInfo, shown: Shown<'a>| match entries.last_mut() {
        Some(last) if last.commit.id == commit.id => last.changes.push(shown),
        _ => entries.push(Entry {
            commit,
            changes: vec![shown],
        }),
    };
    match query {
        Query::All | Query::Folder(_) => {
            let folder = match query {
                Query::Folder(f) => Some(format!("{f}/")),
                _ => None,
            };
            for (i, commit) in index.commits().iter().enumerate() {
                for change in index.changes_of(i) {
                    let inside = |p: &str| folder.as_deref().is_none_or(|f| p.starts_with(f));
                    let from_inside =
                        matches!(&change.kind, ChangeKind::Renamed { from } if inside(from));
                    if inside(&change.path) || from_inside {
                        let records = index.record_changes(change).iter().collect();
                        push(commit, Shown { change, records });
                    }
                }
            }
        }
        Query::Path(p) => {
            for e in index.history(p) {
                let records = index.record_changes(e.change).iter().collect();
                push(
                    e.commit,
                    Shown {
                        change: e.change,
                        records,
                    },
                );
            }
        }
        Query::Record(id) => {
            for e in index.record_history(id) {
                push(
                    e.commit,
                    Shown {
                        change: e.change,
                        records: vec![e.record],
                    },
                );
            }
        }
    }
    entries
}

fn date_of(c: &CommitInfo) -> String {
    c.local_datetime().date().to_string()
}

/// Human output: one block per commit.
fn text(entries: &[Entry<'_>], query: &Query, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    if entries.is_empty() {
        let what = match query.target() {
            Some(t) => format!(" for {t}"),
            None => String::new(),
        };
        let _ = writeln!(out, "No changes{what}.");
        return out;
    }
    for (n, e) in entries.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let c = e.commit;
        let merge = if c.is_merge() {
            format!(" {}", paint("2", "(merge)"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} {} {} <{}>{merge}",
            paint("33", &c.short_id),
            date_of(c),
            c.author,
            c.email
        );
        let _ = writeln!(out, "    {}", c.subject);
        for s in &e.changes {
            let ch = s.change;
            let mut line = format!("    {} {}", ch.kind.letter(), ch.path);
            if let ChangeKind::Renamed { from } = &ch.kind {
                let _ = write!(line, " (from {from})");
            }
            if !s.records.is_empty() {
                let ids: Vec<String> = s
                    .records
                    .iter()
                    .map(|r| format!("{} {}", r.id, r.kind.as_str()))
                    .collect();
                let _ = write!(line, ": {}", ids.join(", "));
            }
            let _ = writeln!(out, "{line}");
        }
        for a in &c.approved_by {
            let _ = writeln!(out, "    Approved-by: {a}");
        }
    }
    out
}

/// The JSON document of `isms log --format json` (described in docs/evidence.md).
#[derive(Serialize)]
struct JsonLog<'a> {
    repository: JsonRepository<'a>,
    query: JsonQuery<'a>,
    entries: Vec<JsonEntry<'a>>,
}

#[derive(Serialize)]
struct JsonRepository<'a> {
    /// `ready` or `empty` (no repository is an error, not a document).
    state: &'static str,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detached_at: Option<&'a str>,
    shallow: bool,
    bare: bool,
    /// The ISMS folder relative to the top of the repository.
    prefix: &'a str,
    notices: Vec<String>,
}

#[derive(Serialize)]
struct JsonQuery<'a> {
    kind: &'static str,
    target: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    commit: &'a str,
    short_id: &'a str,
    author: &'a str,
    email: &'a str,
    date: String,
    committed: String,
    subject: &'a str,
    merge: bool,
    approved_by: &'a [String],
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    path: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    records: &'a [&'a RecordChange],
}

fn json_doc<'a>(
    index: &'a HistoryIndex,
    query: &'a Query,
    entries: &'a [Entry<'a>],
) -> JsonLog<'a> {
    let state = index.state();
    let info = state.info();
    let (branch, detached_at) = match info.map(|i| &i.head) {
        Some(Head::Branch(b) | Head::Unborn(b)) => (Some(b.as_str()), None),
        Some(Head::Detached { commit }) => (None, Some(commit.as_str())),
        None => (None, None),
    };
    let repository = JsonRepository {
        state: if state.has_history() {
            "ready"
        } else {
            "empty"
        },
        summary: state.summary(),
        branch,
        detached_at,
        shallow: state.is_shallow(),
        bare: info.is_some_and(|i| i.bare),
        prefix: info.map_or("", |i| i.prefix.as_str()),
        notices: state.notices(),
    };
    let entries = entries
        .iter()
        .map(|e| {
            let c = e.commit;
            JsonEntry {
                commit: &c.id,
                short_id: &c.short_id,
                author: &c.author,
                email: &c.email,
                date: c.rfc3339(),
                committed: c.committed.to_string(),
                subject: &c.subject,
                merge: c.is_merge(),
                approved_by: &c.approved_by,
                changes: e
                    .changes
                    .iter()
                    .map(|s| JsonChange {
                        path: &s.change.path,
                        kind: s.change.kind.as_str(),
                        from: match &s.change.kind {
                            ChangeKind::Renamed { from } => Some(from.as_str()),
                            _ => None,
                        },
                        records: &s.records,
                    })
                    .collect(),
            }
        })
        .collect();
    JsonLog {
        repository,
        query: JsonQuery {
            kind: query.kind(),
            target: query.target(),
        },
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize("./a//b/"), "a/b");
        assert_eq!(normalize("."), "");
        assert_eq!(normalize("../x"), "../x");
    }

    #[test]
    fn paths_relative_to_the_root_even_when_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("isms");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let rel = relative_to_root(&root, &root.join("sub").join("gone.md"));
        assert_eq!(rel.as_deref(), Some("sub/gone.md"));
        assert_eq!(
            relative_to_root(&root, &root.join("sub/../x.md")).as_deref(),
            Some("x.md")
        );
        assert_eq!(relative_to_root(&root, dir.path()), None);
    }
}
