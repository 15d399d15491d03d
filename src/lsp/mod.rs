//! `isms lsp`: a language server over stdio for the record files of one ISMS repository.
//!
//! Diagnostics come from the real loader and rules, run on the open buffers overlaid on the
//! disk ([`crate::loader::load_overlaid`]), so unsaved text is checked exactly as `isms check`
//! would check it once saved. Changes are debounced, and the parsed trees of unchanged files
//! are kept between runs ([`crate::loader::ParseCache`]), so a keystroke re-parses one file.
//! Navigation (definition, hover, completion) and quick fixes work from the last loaded model.
//!
//! Built on `lsp-server`/`lsp-types` (rust-analyzer's): synchronous, one thread, no runtime.

mod index;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::Url;
use serde_json::Value;

use crate::catalogue;
use crate::checks;
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::{self, LoadOptions, Loaded, Overlay, ParseCache};
use index::{IdKind, Index};
pub use text::{LineIndex, word_at};

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The client broke the protocol (e.g. exited before `initialize`).
    #[error("language server protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// The connection to the client failed.
    #[error("cannot talk to the editor: {0}")]
    Io(#[from] std::io::Error),
}

/// Settings the client may pass in `initializationOptions`.
#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct InitOptions {
    /// Evaluate date-driven rules as of this date instead of today (`YYYY-MM-DD`).
    as_of: Option<String>,
    /// Quiet time after a change before the repository is checked again, in milliseconds.
    debounce_ms: Option<u64>,
}

/// An open document.
#[derive(Debug, Clone)]
struct OpenDoc {
    uri: Url,
    text: String,
}

/// The server's state.
struct Server {
    root: Option<PathBuf>,
    /// The client's `asOf`; without it, what `isms check` uses (isms.yaml's `as_of`, today).
    as_of: Option<jiff::civil::Date>,
    debounce: Duration,
    /// Open documents, by repository-relative path.
    docs: HashMap<String, OpenDoc>,
    cache: Arc<ParseCache>,
    loaded: Option<Loaded>,
    /// The ids of `loaded`, built on the first request that needs them (not per keystroke).
    index: std::cell::OnceCell<Index>,
    /// What was last published, by repository-relative path.
    published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    /// Open documents that have had at least one publication.
    shown: std::collections::HashSet<String>,
    /// A check is due (a document changed since the last one).
    dirty: bool,
    /// When the oldest change not yet checked arrived, for the log.
    changed_at: Option<Instant>,
}

/// Runs the language server on stdin/stdout until the client says `exit`.
pub fn run_stdio() -> Result<(), LspError> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// Serves one client over `connection`: the initialize handshake, then messages until `exit`.
pub fn serve(connection: &Connection) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let init: lsp::InitializeParams = serde_json::from_value(params.clone()).unwrap_or_default();
    let options: InitOptions = init
        .initialization_options
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "isms", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let as_of = options
        .as_of
        .as_deref()
        .and_then(|s| crate::model::Date::parse(s).map(|d| d.civil()));
    #[allow(deprecated)] // root_uri is what older clients (Neovim 0.7) send
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(init.root_uri.clone())
        .and_then(|u| u.to_file_path().ok())
        .and_then(|p| find_root(&p));
    let mut server = Server::new(
        root,
        as_of,
        Duration::from_millis(options.debounce_ms.unwrap_or(30)),
    );
    server.main_loop(connection)
}

/// The folder at or above `start` that holds `isms.yaml`.
fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join("isms.yaml").is_file())
        .map(Path::to_path_buf)
}

impl Server {
    fn new(root: Option<PathBuf>, as_of: Option<jiff::civil::Date>, debounce: Duration) -> Self {
        Server {
            root,
            as_of,
            debounce,
            docs: HashMap::new(),
            cache: Arc::new(ParseCache::new()),
            loaded: None,
            index: std::cell::OnceCell::new(),
            published: BTreeMap::new(),
            shown: Default::default(),
            dirty: false,
            changed_at: None,
        }
    }

    fn main_loop(&mut self, connection: &Connection) -> Result<(), LspError> {
        loop {
            let msg = if self.dirty {
                match connection.receiver.recv_timeout(self.debounce) {
                    Ok(m) => Some(m),
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return Ok(()),
                }
            } else {
                match connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(()),
                }
            };
            let Some(msg) = msg else {
                self.analyse(connection);
                continue;
            };
            match msg {
                Message::Request(req) => {
                    if connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    // Answer from an up-to-date model: a request right after a change must
                    // not see the state before it.
                    if self.dirty {
                        self.analyse(connection);
                    }
                    let response = self.guarded_request(req);
                    connection.sender.send(Message::Response(response)).ok();
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Ok(());
                    }
                    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notification(n);
                    }));
                    if caught.is_err() {
                        log(connection, "internal error while handling a notification");
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    /// Answers a request; a bug in a handler becomes an error response, never a dead server.
    fn guarded_request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(req))) {
            Ok(r) => r,
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "internal error in the isms language server".into(),
            ),
        }
    }

    fn request(&mut self, req: Request) -> Response {
        fn parse<P: serde::de::DeserializeOwned>(
            id: &RequestId,
            params: Value,
        ) -> Result<P, Response> {
            serde_json::from_value(params).map_err(|e| {
                Response::new_err(
                    id.clone(),
                    ErrorCode::InvalidParams as i32,
                    format!("invalid parameters: {e}"),
                )
            })
        }
        let id = req.id.clone();
        let result: Result<Value, Response> = match req.method.as_str() {
            "textDocument/hover" => parse::<lsp::HoverParams>(&id, req.params).map(|p| {
                serde_json::to_value(self.hover(&p.text_document_position_params))
                    .unwrap_or(Value::Null)
            }),
            "textDocument/definition" => {
                parse::<lsp::GotoDefinitionParams>(&id, req.params).map(|p| {
                    serde_json::to_value(self.definition(&p.text_document_position_params))
                        .unwrap_or(Value::Null)
                })
            }
            "textDocument/completion" => parse::<lsp::CompletionParams>(&id, req.params).map(|p| {
                serde_json::to_value(self.completion(&p.text_document_position))
                    .unwrap_or(Value::Null)
            }),
            "textDocument/codeAction" => parse::<lsp::CodeActionParams>(&id, req.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or(Value::Null)),
            _ => Err(Response::new_err(
                id.clone(),
                ErrorCode::MethodNotFound as i32,
                format!("isms does not handle `{}`", req.method),
            )),
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(r) => r,
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    self.open(p.text_document.uri, p.text_document.text);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full sync: the last change holds the whole text.
                    if let Some(c) = p.content_changes.into_iter().last() {
                        self.open(p.text_document.uri, c.text);
                    }
                }
            }
            "textDocument/didSave" => self.touch(),
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                    && let Some(rel) = self.rel(&p.text_document.uri)
                {
                    self.docs.remove(&rel);
                    self.shown.remove(&rel);
                    self.touch();
                }
            }
            "workspace/didChangeWatchedFiles" => self.touch(),
            _ => {}
        }
    }

    fn touch(&mut self) {
        self.dirty = true;
        self.changed_at.get_or_insert_with(Instant::now);
    }

    fn open(&mut self, uri: Url, text: String) {
        if self.root.is_none() {
            self.root = uri
                .to_file_path()
                .ok()
                .and_then(|p| p.parent().and_then(find_root));
        }
        if let Some(rel) = self.rel(&uri) {
            self.docs.insert(rel, OpenDoc { uri, text });
            self.touch();
        }
    }

    /// The repository-relative path of a document, when it is inside the repository.
    fn rel(&self, uri: &Url) -> Option<String> {
        let root = self.root.as_ref()?;
        let path = uri.to_file_path().ok()?;
        // The file may not exist yet; canonicalise its folder, which does.
        let parent = path.parent()?.canonicalize().ok()?;
        let full = parent.join(path.file_name()?);
        let rel = full.strip_prefix(root).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    fn uri_of(&self, rel: &str) -> Option<Url> {
        if let Some(d) = self.docs.get(rel) {
            return Some(d.uri.clone());
        }
        Url::from_file_path(self.root.as_ref()?.join(rel)).ok()
    }

    /// The current text of a file: the open buffer, else what the last load read.
    fn text_of(&self, rel: &str) -> Option<&str> {
        if let Some(d) = self.docs.get(rel) {
            return Some(&d.text);
        }
        let loaded = self.loaded.as_ref()?;
        loaded.model.sources.by_path(rel).map(|f| f.text.as_str())
    }

    /// Loads and checks the repository with the open buffers, and publishes what changed.
    fn analyse(&mut self, connection: &Connection) {
        self.dirty = false;
        let started = self.changed_at.take().unwrap_or_else(Instant::now);
        let Some(root) = self.root.clone() else {
            return;
        };
        let overlay: Overlay = self
            .docs
            .iter()
            .map(|(rel, d)| (rel.clone(), d.text.clone()))
            .collect();
        let loaded = match loader::load_overlaid(
            &root,
            LoadOptions::default(),
            Arc::new(overlay),
            Some(self.cache.clone()),
        ) {
            Ok(l) => l,
            Err(e) => {
                log(connection, &format!("cannot load {}: {e}", root.display()));
                return;
            }
        };
        // The date `isms check` would evaluate on; a bad ISMS_TODAY is said, not fatal.
        let as_of = match crate::clock::evaluation_date(self.as_of, &loaded.model) {
            Ok((d, _)) => d,
            Err(e) => {
                log(connection, &format!("{e}; evaluating as of today"));
                jiff::ZonedDateTime::now().date()
            }
        };
        let outcome = checks::check_loaded(&loaded, &[], as_of);
        let mut by_file: BTreeMap<String, Vec<lsp::Diagnostic>> = BTreeMap::new();
        // One line index per file, not per finding: a large register has many.
        let mut lines: HashMap<&str, LineIndex<'_>> = HashMap::new();
        for f in outcome.findings.iter().filter(|f| f.waiver.is_none()) {
            let Some(loc) = &f.diagnostic.location else {
                continue;
            };
            let ix = lines.entry(loc.path.as_str()).or_insert_with(|| {
                let text = self
                    .docs
                    .get(&loc.path)
                    .map(|d| d.text.as_str())
                    .or_else(|| {
                        loaded
                            .model
                            .sources
                            .by_path(&loc.path)
                            .map(|s| s.text.as_str())
                    })
                    .unwrap_or("");
                LineIndex::new(text)
            });
            by_file
                .entry(loc.path.clone())
                .or_default()
                .push(to_lsp(&f.diagnostic, ix));
        }
        // A file that no longer parses says nothing about the others: keep what they last
        // showed (its own syntax error is published), rather than a burst of follow-on errors.
        let broken: Vec<String> = outcome
            .findings
            .iter()
            .filter(|f| matches!(f.diagnostic.code.as_str(), "LOAD-006" | "LOAD-007"))
            .filter_map(|f| f.diagnostic.location.as_ref().map(|l| l.path.clone()))
            .filter(|p| self.docs.contains_key(p))
            .collect();
        let keep_others = !broken.is_empty();
        let mut paths: Vec<String> = by_file.keys().cloned().collect();
        paths.extend(self.published.keys().cloned());
        // Every open document hears once that it is clean, so clients can show it.
        paths.extend(
            self.docs
                .keys()
                .filter(|p| !self.shown.contains(*p))
                .cloned(),
        );
        paths.sort();
        paths.dedup();
        for path in paths {
            if keep_others && !broken.contains(&path) {
                continue;
            }
            let new = by_file.remove(&path).unwrap_or_default();
            let first = self.docs.contains_key(&path) && self.shown.insert(path.clone());
            if !first && self.published.get(&path).unwrap_or(&Vec::new()) == &new {
                continue;
            }
            let Some(uri) = self.uri_of(&path) else {
                continue;
            };
            let params = lsp::PublishDiagnosticsParams {
                uri,
                diagnostics: new.clone(),
                version: None,
            };
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    params,
                )))
                .ok();
            if new.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path, new);
            }
        }
        if !keep_others {
            self.index = std::cell::OnceCell::new();
            // Freeing the previous model of a large repository takes milliseconds the editor
            // would wait for: it goes on another thread.
            let old = self.loaded.replace(loaded);
            std::thread::spawn(move || drop(old));
        }
        log(
            connection,
            &format!(
                "checked {} in {} ms",
                root.display(),
                started.elapsed().as_millis()
            ),
        );
    }

    /// The ids of the last loaded model.
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            self.loaded
                .as_ref()
                .map_or_else(Index::default, |l| Index::build(&l.model))
        })
    }

    /// The document, its text and the word under the cursor.
    fn word(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(String, String)> {
        let rel = self.rel(&pos.text_document.uri)?;
        let text = self.text_of(&rel)?;
        let word = word_at(text, pos.position)?;
        Some((rel, word))
    }

    fn hover(&self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let (_, word) = self.word(pos)?;
        let model = &self.loaded.as_ref()?.model;
        let mut parts: Vec<String> = self
            .index()
            .lookup(&word)
            .iter()
            .filter(|d| d.kind != IdKind::Control)
            .map(|d| d.hover.clone())
            .collect();
        let control = index::control_hover(model, &word);
        if !control.is_empty() {
            parts.insert(0, control);
        } else if let Some(m) = catalogue::map_2013(&word) {
            parts.push(format!(
                "**{}** is an ISO/IEC 27001:2013 id ({}); in 2022: {}",
                m.id_2013,
                m.title_2013,
                m.ids_2022
                    .iter()
                    .zip(&m.titles_2022)
                    .map(|(i, t)| format!("{i} {t}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        } else if let Some(own) = self
            .index()
            .lookup(&word)
            .iter()
            .find(|d| d.kind == IdKind::Control)
        {
            parts.push(own.hover.clone());
        }
        if parts.is_empty() {
            return None;
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    fn definition(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::GotoDefinitionResponse> {
        let (rel, word) = self.word(pos)?;
        let line = pos.position.line + 1;
        let bare = catalogue::normalize_id(&word);
        let defs = match self.index().lookup(&word) {
            [] => self.index().lookup(&bare),
            d => d,
        };
        let targets: Vec<lsp::Location> = defs
            .iter()
            // On the definition itself, there is nowhere to go.
            .filter(|d| !(d.location.path == rel && d.location.line == line))
            .filter_map(|d| {
                let text = self.text_of(&d.location.path)?;
                Some(lsp::Location {
                    uri: self.uri_of(&d.location.path)?,
                    range: LineIndex::new(text).range(&d.location),
                })
            })
            .collect();
        match targets.len() {
            0 => None,
            1 => targets
                .into_iter()
                .next()
                .map(lsp::GotoDefinitionResponse::Scalar),
            _ => Some(lsp::GotoDefinitionResponse::Array(targets)),
        }
    }

    fn completion(&self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::CompletionResponse> {
        let rel = self.rel(&pos.text_document.uri)?;
        let text = self.text_of(&rel)?;
        let key = text::key_at(text, pos.position)?;
        let kinds = index::kinds_for_key(&key);
        if kinds.is_empty() {
            return None;
        }
        let mut items = Vec::new();
        if kinds.contains(&IdKind::Control) {
            for c in catalogue::controls() {
                items.push(lsp::CompletionItem {
                    label: c.id.clone(),
                    kind: Some(lsp::CompletionItemKind::REFERENCE),
                    detail: Some(c.title.clone()),
                    // Quoted, so no other tool reads 5.10 as the number 5.1.
                    insert_text: Some(format!("\"{}\"", c.id)),
                    sort_text: Some(format!("{:0>3}", items.len())),
                    ..Default::default()
                });
            }
        }
        for id in &self.index().order {
            for d in self.index().lookup(id) {
                if !kinds.contains(&d.kind)
                    || (d.kind == IdKind::Control && catalogue::get(id).is_some())
                {
                    continue;
                }
                items.push(lsp::CompletionItem {
                    label: id.clone(),
                    kind: Some(lsp::CompletionItemKind::REFERENCE),
                    detail: Some(format!("{}: {}", d.kind.label(), d.title)),
                    sort_text: Some(format!("{:0>6}", items.len())),
                    ..Default::default()
                });
                break;
            }
        }
        Some(lsp::CompletionResponse::Array(items))
    }

    fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let mut out = Vec::new();
        for d in &p.context.diagnostics {
            let Some(replacement) = d
                .data
                .as_ref()
                .and_then(|v| v.get("replacement"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let edit = lsp::TextEdit {
                range: d.range,
                new_text: replacement.to_string(),
            };
            let mut changes = HashMap::new();
            changes.insert(p.text_document.uri.clone(), vec![edit]);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Replace with `{replacement}`"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        out
    }
}

/// Sends a line to the client's log (window/logMessage).
fn log(connection: &Connection, message: &str) {
    let params = lsp::LogMessageParams {
        typ: lsp::MessageType::LOG,
        message: message.to_string(),
    };
    connection
        .sender
        .send(Message::Notification(Notification::new(
            "window/logMessage".into(),
            params,
        )))
        .ok();
}

/// The one replacement a diagnostic's hint proposes unambiguously: the 2022 id of a 2013
/// control, or the single "did you mean" suggestion of an unknown id, key or value.
pub fn replacement(d: &Diagnostic, written: &str) -> Option<String> {
    if d.code == "LOAD-015" || d.code == "SOA-02" {
        let m = catalogue::map_2013(written)?;
        return match m.ids_2022.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
    }
    if !matches!(
        d.code.as_str(),
        "LOAD-008" | "LOAD-011" | "LOAD-013" | "LOAD-014"
    ) {
        return None;
    }
    let hint = d.hint.as_deref()?;
    let rest = hint.split("did you mean `").nth(1)?;
    let (suggestion, _) = rest.split_once('`')?;
    (!suggestion.is_empty() && suggestion != written).then(|| suggestion.to_string())
}

/// An isms diagnostic as an LSP diagnostic in the file of this line index.
fn to_lsp(d: &Diagnostic, ix: &LineIndex<'_>) -> lsp::Diagnostic {
    let (range, written) = match &d.location {
        Some(loc) => {
            let range = ix.range(loc);
            let written = ix.slice(range).unwrap_or_default();
            (range, written)
        }
        None => (lsp::Range::default(), String::new()),
    };
    let severity = match d.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(h) = &d.hint {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let href = Url::parse(&format!(
        "https://docs.rs/crate/isms/latest/source/docs/rules.md#{}",
        d.code.to_ascii_lowercase()
    ))
    .ok();
    let data = replacement(d, written.trim_matches(|c| c == '"' || c == '\'')).map(
        |r| serde_json::json!({ "replacement": r, "explain": format!("isms explain {}", d.code) }),
    );
    lsp::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        code_description: href.map(|href| lsp::CodeDescription { href }),
        source: Some("isms".into()),
        message,
        related_information: None,
        tags: None,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }

    fn server(root: &Path) -> Server {
        Server::new(
            Some(root.to_path_buf()),
            Some(jiff::civil::date(2026, 12, 7)),
            Duration::ZERO,
        )
    }

    /// Without `asOf`, a frozen repository is evaluated on its `as_of`, as `isms check` does
    /// (the server used to take today's date).
    #[test]
    fn without_as_of_a_frozen_repository_is_checked_on_its_date() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
        let uri = Url::from_file_path(root.join("risks.yaml")).unwrap();
        let text = std::fs::read_to_string(root.join("risks.yaml")).unwrap();
        let (conn, _client) = Connection::memory();
        let published = |as_of: Option<jiff::civil::Date>| {
            let mut s = Server::new(Some(root.clone()), as_of, Duration::ZERO);
            s.open(uri.clone(), text.clone());
            s.analyse(&conn);
            s.published
        };
        let frozen = published(Some(jiff::civil::date(2026, 12, 1)));
        assert_eq!(published(None), frozen);
        // The date matters: two years on, the example has findings it does not have now.
        assert_ne!(published(Some(jiff::civil::date(2028, 12, 7))), frozen);
    }

    fn position(text: &str, needle: &str, offset: u32) -> lsp::TextDocumentPositionParams {
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?}"));
        let line = text[..at].matches('\n').count() as u32;
        let col = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
        lsp::TextDocumentPositionParams {
            text_document: lsp::TextDocumentIdentifier {
                uri: Url::parse("file:///unused").unwrap(),
            },
            position: lsp::Position::new(line, col + offset),
        }
    }

    /// Every keystroke goes through the incremental path (trees patched, typed records and
    /// rules reused where nothing changed); after each, what is published, hovered and found
    /// must be what a server that loads everything from scratch says about the same text.
    #[test]
    fn incremental_analysis_matches_a_fresh_load_after_every_edit() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap().join("acme");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
            &root,
        );
        let risks_uri = Url::from_file_path(root.join("risks.yaml")).unwrap();
        let soa_uri = Url::from_file_path(root.join("soa.yaml")).unwrap();
        let risks = std::fs::read_to_string(root.join("risks.yaml")).unwrap();
        let soa = std::fs::read_to_string(root.join("soa.yaml")).unwrap();
        let (conn, _client) = Connection::memory();
        let mut live = server(&root);
        live.open(soa_uri.clone(), soa.clone());
        live.open(risks_uri.clone(), risks.clone());
        live.analyse(&conn);

        let typo = risks.replacen("owner: p-people", "owner: p-peop", 1);
        let typed = risks.replacen("owner: p-people", "owner: p-peoplex", 1);
        let newline = typed.replacen("  - id: R-030\n", "  - id: R-030\n\n", 1);
        let r030 = &newline
            [newline.find("  - id: R-030\n").unwrap()..newline.find("  - id: R-031\n").unwrap()];
        let deleted = newline.replacen(r030, "", 1);
        assert_ne!(deleted, newline);
        let added = deleted.replacen(
            "  - id: R-031\n",
            "  - id: R-100\n    title: Added while typing\n    owner: p-cto\n\n  - id: R-031\n",
            1,
        );
        let broken = added.replacen(
            "    title: Added while typing\n",
            "    title: [Added whi\n",
            1,
        );
        let steps: Vec<(&str, String)> = vec![
            ("typing inside a record", typo),
            ("the typo grows", typed),
            ("a new line", newline),
            ("deleting a record", deleted),
            ("adding a record before R-031", added.clone()),
            ("a half-typed broken line", broken),
            ("undo back to valid", added),
            ("undo everything", risks.clone()),
        ];
        for (name, text) in &steps {
            live.open(risks_uri.clone(), text.clone());
            live.analyse(&conn);
            let mut fresh = server(&root);
            fresh.open(soa_uri.clone(), soa.clone());
            fresh.open(risks_uri.clone(), text.clone());
            fresh.analyse(&conn);
            assert_eq!(
                live.published.get("risks.yaml"),
                fresh.published.get("risks.yaml"),
                "{name}"
            );
            if text.contains("[Added whi") {
                assert!(
                    live.published["risks.yaml"]
                        .iter()
                        .any(|d| d.code == Some(lsp::NumberOrString::String("LOAD-006".into()))),
                    "{name}"
                );
                continue;
            }
            assert_eq!(live.published, fresh.published, "{name}");
            // R-031 moves as records are added and deleted above it.
            let mut at = position(&soa, "risks: [R-031]", 10);
            at.text_document.uri = soa_uri.clone();
            assert_eq!(live.definition(&at), fresh.definition(&at), "{name}");
            assert!(live.definition(&at).is_some(), "{name}");
            assert_eq!(
                live.hover(&at).map(|h| format!("{:?}", h.contents)),
                fresh.hover(&at).map(|h| format!("{:?}", h.contents)),
                "{name}"
            );
            let mut on_owner = position(text, "    owner: p-", 12);
            on_owner.text_document.uri = risks_uri.clone();
            assert_eq!(
                live.hover(&on_owner).map(|h| format!("{:?}", h.contents)),
                fresh.hover(&on_owner).map(|h| format!("{:?}", h.contents)),
                "{name}"
            );
        }
        assert!(
            live.cache.patched() >= steps.len() - 2,
            "only {} of {} edits were patched",
            live.cache.patched(),
            steps.len()
        );
    }
}
