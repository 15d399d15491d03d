//! `isms lsp` driven over stdio with JSON-RPC, as an editor would: initialize, open a file,
//! diagnostics, a typo typed in, diagnostics updated, hover, definition, completion, a quick
//! fix, half-typed YAML, unknown methods, shutdown and exit.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/clean.rs"]
mod clean;
use clean::copy_dir;

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read but not yet asked for.
    backlog: Vec<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_isms"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("isms lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (already read or still to come) matching `pred`.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("timed out; seen: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed the connection; seen: {:#?}", self.backlog)
                }
            }
        }
    }

    /// The next diagnostics published for `uri` that satisfy `pred`.
    fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && pred(
                    m["params"]["diagnostics"]
                        .as_array()
                        .map_or(&[], |v| v.as_slice()),
                )
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("acme");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        &dir,
    );
    (tmp, dir)
}

fn open(c: &mut Client, path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(path), "languageId": "yaml", "version": 1, "text": text } }),
    );
    text
}

fn change(c: &mut Client, path: &Path, version: i32, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [ { "text": text } ] }),
    );
}

/// 0-based line and character of the first `needle` in `text` (plus `offset` characters).
fn pos(text: &str, needle: &str, offset: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": col + offset })
}

fn line_of(text: &str, needle: &str) -> u64 {
    pos(text, needle, 0)["line"].as_u64().unwrap()
}

fn initialize(c: &mut Client, root: &Path) {
    let r = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(root), "capabilities": {},
                "initializationOptions": { "asOf": "2026-12-07", "debounceMs": 5 } }),
    );
    assert_eq!(r["result"]["serverInfo"]["name"], "isms", "{r}");
    assert_eq!(r["result"]["capabilities"]["hoverProvider"], true);
    c.notify("initialized", json!({}));
}

#[test]
fn a_session_from_initialize_to_exit() {
    let (_tmp, root) = example_copy();
    let mut c = Client::start();
    initialize(&mut c, &root);

    // Opening a clean file publishes an empty list for it.
    let risks = root.join("risks.yaml");
    let risks_uri = uri(&risks);
    let risks_text = open(&mut c, &risks);
    let d = c.diagnostics(&risks_uri, |_| true);
    assert!(d.is_empty(), "{d:#?}");

    // A typo in an owner: a dangling reference at that line, with a quick fix.
    let at = risks_text.find("owner: p-people").unwrap();
    let typo = format!(
        "{}owner: p-peple{}",
        &risks_text[..at],
        &risks_text[at + "owner: p-people".len()..]
    );
    change(&mut c, &risks, 2, &typo);
    let d = c.diagnostics(&risks_uri, |d| !d.is_empty());
    let dangling = d
        .iter()
        .find(|d| d["code"] == "LOAD-013")
        .unwrap_or_else(|| panic!("{d:#?}"));
    let line = line_of(&typo, "owner: p-peple");
    assert_eq!(dangling["range"]["start"]["line"], line, "{dangling:#}");
    assert_eq!(dangling["range"]["start"]["character"], 11, "{dangling:#}");
    assert_eq!(dangling["range"]["end"]["character"], 18, "{dangling:#}");
    assert_eq!(dangling["source"], "isms");
    assert_eq!(dangling["severity"], 1);
    assert!(
        dangling["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("#load-013")
    );
    assert!(dangling["message"].as_str().unwrap().contains("p-peple"));
    assert_eq!(dangling["data"]["replacement"], "p-people", "{dangling:#}");

    // The quick fix puts the existing id back.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": risks_uri }, "range": dangling["range"],
                "context": { "diagnostics": [dangling] } }),
    );
    let edit = &actions["result"][0]["edit"]["changes"][&risks_uri][0];
    assert_eq!(edit["newText"], "p-people", "{actions:#}");
    assert_eq!(edit["range"], dangling["range"]);

    // Fixing it clears the file again.
    change(&mut c, &risks, 3, &risks_text);
    let d = c.diagnostics(&risks_uri, |_| true);
    assert!(d.is_empty(), "{d:#?}");

    // Hover and definition from the SoA.
    let soa = root.join("soa.yaml");
    let soa_uri = uri(&soa);
    let soa_text = open(&mut c, &soa);
    c.diagnostics(&soa_uri, |_| true);
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&soa_text, "risks: [R-031]", 9) }),
    );
    let hover = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(hover.contains("R-031") && hover.contains("(risk)"), "{h:#}");
    assert!(hover.contains("inherent: likelihood"), "{hover}");
    assert!(hover.contains("treatment:"), "{hover}");

    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&soa_text, "id: \"5.1\"", 6) }),
    );
    let hover = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        hover.contains("5.1 Policies for information security"),
        "{h:#}"
    );
    assert!(hover.contains("SoA: **applicable**"), "{hover}");

    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&soa_text, "owner: p-isms", 9) }),
    );
    let hover = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(hover.contains("(person `p-isms`)"), "{h:#}");

    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&soa_text, "risks: [R-031]", 10) }),
    );
    assert_eq!(def["result"]["uri"], risks_uri, "{def:#}");
    assert_eq!(
        def["result"]["range"]["start"]["line"],
        line_of(&risks_text, "id: R-031")
    );
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&soa_text, "owner: p-isms", 8) }),
    );
    let isms_text = std::fs::read_to_string(root.join("isms.yaml")).unwrap();
    assert_eq!(
        def["result"]["uri"],
        uri(&root.join("isms.yaml")),
        "{def:#}"
    );
    assert_eq!(
        def["result"]["range"]["start"]["line"],
        line_of(&isms_text, "id: p-isms")
    );
    // A control id in a risk jumps to its SoA entry.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": risks_uri }, "position": pos(&risks_text, "\"5.15\"", 2) }),
    );
    assert_eq!(def["result"]["uri"], soa_uri, "{def:#}");
    assert_eq!(
        def["result"]["range"]["start"]["line"],
        line_of(&soa_text, "id: \"5.15\"")
    );

    // Completion of people where an owner is expected, of controls in a control list.
    let at = soa_text.find("    owner: p-isms").unwrap();
    let blank = format!(
        "{}    owner: {}",
        &soa_text[..at],
        &soa_text[at + "    owner: p-isms".len()..]
    );
    change(&mut c, &soa, 2, &blank);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": soa_uri }, "position": pos(&blank, "    owner: \n", 11) }),
    );
    let labels: Vec<&str> = comp["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{comp:#}"))
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"p-isms") && labels.contains(&"p-cto"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"R-031"), "{labels:?}");
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": risks_uri }, "position": pos(&risks_text, "controls: [", 11) }),
    );
    let items = comp["result"].as_array().unwrap();
    let ten = items
        .iter()
        .find(|i| i["label"] == "5.10")
        .expect("5.10 offered");
    assert_eq!(
        ten["detail"],
        "Acceptable use of information and other associated assets"
    );
    assert_eq!(ten["insertText"], "\"5.10\"");

    // A 2013 control id: flagged, with its 2022 id as the quick fix.
    let at = soa_text.find("id: \"5.1\"").unwrap();
    let old = format!(
        "{}id: \"A.5.1.1\"{}",
        &soa_text[..at],
        &soa_text[at + "id: \"5.1\"".len()..]
    );
    change(&mut c, &soa, 3, &old);
    let d = c.diagnostics(&soa_uri, |d| d.iter().any(|d| d["code"] == "LOAD-015"));
    let d2013 = d.iter().find(|d| d["code"] == "LOAD-015").unwrap();
    assert_eq!(d2013["range"]["start"]["line"], line_of(&old, "A.5.1.1"));
    assert_eq!(d2013["data"]["replacement"], "5.1", "{d2013:#}");

    // Half-typed YAML in the SoA: its syntax error shows, and the server lives on.
    let broken = format!("{}\n  - id: [unclosed\n", old);
    change(&mut c, &soa, 4, &broken);
    let d = c.diagnostics(&soa_uri, |d| d.iter().any(|d| d["code"] == "LOAD-006"));
    let syntax = d.iter().find(|d| d["code"] == "LOAD-006").unwrap();
    assert_eq!(
        syntax["range"]["start"]["line"],
        line_of(&broken, "[unclosed"),
        "{syntax:#}"
    );
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": risks_uri }, "position": pos(&risks_text, "owner: p-people", 9) }),
    );
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("p-people"),
        "the last good model still answers: {h:#}"
    );
    change(&mut c, &soa, 5, &soa_text);
    c.diagnostics(&soa_uri, |d| d.is_empty());

    // Unknown methods and bad parameters are answered, not fatal.
    let r = c.request("isms/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.notify("textDocument/didChange", json!({ "garbage": [1, 2, 3] }));
    c.notify("$/unknownNotification", json!(null));

    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_broken_file_keeps_the_other_files_diagnostics() {
    let (_tmp, root) = example_copy();
    let mut c = Client::start();
    initialize(&mut c, &root);
    let risks = root.join("risks.yaml");
    let risks_text = open(&mut c, &risks);
    c.diagnostics(&uri(&risks), |_| true);
    let typo = risks_text.replacen("owner: p-people", "owner: p-peple", 1);
    change(&mut c, &risks, 2, &typo);
    c.diagnostics(&uri(&risks), |d| d.iter().any(|d| d["code"] == "LOAD-013"));

    // isms.yaml half-typed: only its own syntax error is published.
    let isms = root.join("isms.yaml");
    let isms_text = open(&mut c, &isms);
    c.diagnostics(&uri(&isms), |_| true);
    change(&mut c, &isms, 2, &format!("{isms_text}\npeople: [\n"));
    c.diagnostics(&uri(&isms), |d| d.iter().any(|d| d["code"] == "LOAD-006"));
    // The risk file was not told to drop its finding (nor flooded with follow-on errors).
    assert!(
        !c.backlog.iter().any(|m| m["params"]["uri"] == uri(&risks)),
        "{:#?}",
        c.backlog
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
}

#[test]
fn messages_before_initialize_and_exit_without_shutdown_do_not_crash() {
    let mut c = Client::start();
    let r = c.request("textDocument/hover", json!({}));
    assert!(r.get("error").is_some(), "{r}");
    let (_tmp, root) = example_copy();
    initialize(&mut c, &root);
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    while c.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_loader_reads_overlaid_text_and_reuses_unchanged_trees() {
    let (_tmp, root) = example_copy();
    let risks = std::fs::read_to_string(root.join("risks.yaml")).unwrap();
    let cache = std::sync::Arc::new(isms::loader::ParseCache::new());
    let load = |overlay: isms::loader::Overlay| {
        isms::loader::load_overlaid(
            &root,
            isms::loader::LoadOptions::default(),
            std::sync::Arc::new(overlay),
            Some(cache.clone()),
        )
        .unwrap()
    };
    let first = load(Default::default());
    assert!(first.diagnostics.is_empty(), "{:#?}", first.diagnostics);
    assert!(cache.len() > 10, "trees kept: {}", cache.len());
    let mut overlay = isms::loader::Overlay::new();
    overlay.insert(
        "risks.yaml".into(),
        risks.replacen("owner: p-people", "owner: p-peple", 1),
    );
    let second = load(overlay);
    let codes: Vec<&str> = second.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["LOAD-013"], "{:#?}", second.diagnostics);
    // The disk is untouched, and a plain load of it is clean again through the cache.
    assert_eq!(
        std::fs::read_to_string(root.join("risks.yaml")).unwrap(),
        risks
    );
    let third = load(Default::default());
    assert!(third.diagnostics.is_empty(), "{:#?}", third.diagnostics);
    assert_eq!(third.model.risks.len(), first.model.risks.len());
    // Overlaid text passes the same checks as text on disk.
    let mut overlay = isms::loader::Overlay::new();
    overlay.insert("risks.yaml".into(), "  \n".into());
    let empty = load(overlay);
    assert!(empty.diagnostics.iter().any(|d| d.code == "LOAD-005"));
}
