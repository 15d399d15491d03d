//! Walks an ISMS repository, reads every record file and builds the typed [`Isms`] model,
//! collecting every problem as a [`Diagnostic`] instead of stopping at the first.
//!
//! The loader is the only part of `isms` that reads record files. It is bounded: files larger
//! than [`MAX_FILE_SIZE`] (or the configured limit) are refused, only regular files are opened, YAML is parsed with budgets (no alias bombs, limited
//! depth), symbolic links are never followed, and nothing here panics on bad input.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::catalogue;
use crate::diagnostic::{Diagnostic, Location, did_you_mean, did_you_mean_id};
use crate::model::{
    AcknowledgementRegister, AssetRegister, Audit, ChangeRegister, Document, FrameworkAnswers, Id,
    IncidentRegister, Isms, ManagementReview, Manifest, MetricRegister, NonconformityRegister,
    ObjectiveRegister, Policy, Procedure, RecordKind, RepoFile, RiskRegister, SCHEMA_VERSION,
    SupplierRegister, TrainingRecords,
};
use crate::source::{FileId, SourceFile};
use crate::yaml::{self, DeErrorKind, Node};

mod codes;

pub use codes::{LOAD_CODES, LoadCode};

/// Largest record file the loader reads (8 MiB): far above any real register, small enough
/// that a stray binary dump cannot exhaust memory.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Upper bound for a configured file-size limit (1 GiB, in MiB): one record file is read into
/// memory whole, so the limit stays a protection even when raised.
pub const MAX_FILE_SIZE_LIMIT_MIB: u32 = 1024;

/// How to load: limits that `isms.yaml` or the command line may change.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Largest record file read, in bytes; overrides `limits.max_file_size_mib` of isms.yaml.
    /// `None`: what isms.yaml says, else [`MAX_FILE_SIZE`].
    pub max_file_size: Option<u64>,
}

/// Folders below the root that never hold records: Git internals, rendered output, template
/// overrides, record templates, dependency and build folders.
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "build",
    "templates",
    "_templates",
    "target",
    "node_modules",
];

/// The result of loading a repository: the model (with whatever could be read) and every
/// problem found.
#[derive(Debug)]
pub struct Loaded {
    /// The loaded model.
    pub model: Isms,
    /// Problems found while loading (codes `LOAD-nnn`).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a repository could not be loaded at all (the command cannot run: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder does not exist.
    #[error("{0} does not exist")]
    NotFound(PathBuf),
    /// The path is not a folder.
    #[error("{0} is not a folder (give the folder that contains isms.yaml)")]
    NotADirectory(PathBuf),
    /// The folder cannot be listed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Register and document names at the root of a repository.
const ROOT_RECORDS: &[&str] = &[
    "isms.yaml",
    "context.yaml",
    "scope.md",
    "assets.yaml",
    "risks.yaml",
    "soa.yaml",
    "objectives.yaml",
    "suppliers.yaml",
    "training.yaml",
    "metrics.yaml",
    "incidents.yaml",
    "changes.yaml",
    "nonconformities.yaml",
    "acknowledgements.yaml",
];

/// Folders whose Markdown files are records.
const RECORD_FOLDERS: &[&str] = &["policies", "procedures", "audits", "reviews"];

/// Registers that may be split into a folder of YAML files named like the register
/// (`risks/*.yaml` next to or instead of `risks.yaml`).
pub const SPLIT_REGISTERS: &[&str] = &[
    "assets",
    "risks",
    "objectives",
    "suppliers",
    "training",
    "metrics",
    "incidents",
    "changes",
    "nonconformities",
    "acknowledgements",
];

/// Text that stands in for the content of some record files during one load, by
/// repository-relative path: an editor's unsaved buffers. Every other guarantee of the loader
/// (size limit, UTF-8, symlinks and special files refused, only known record paths read) holds
/// for overlaid text as for text read from disk.
pub type Overlay = HashMap<String, String>;

/// Parsed YAML trees kept from one load to the next, so that a file whose text did not change
/// is not parsed again (the language server reloads on every change). Safe to share between
/// threads; a tree is reused only for byte-identical text.
#[derive(Debug, Default)]
pub struct ParseCache {
    entries: std::sync::Mutex<HashMap<String, CachedParse>>,
    /// Trees patched by re-parsing only the edited records, since the cache was made.
    patched: std::sync::atomic::AtomicUsize,
    /// The scaffold markers of each file, by path, with the text they were found in.
    markers: markers::Cache,
    /// Typed records read from the trees, by path, for files whose text did not change.
    typed: std::sync::Mutex<HashMap<String, TypedRead>>,
}

/// The typed read of one file: what [`yaml::from_node`] gave for this text, range and file id.
struct TypedRead {
    text: String,
    file: FileId,
    range: std::ops::Range<usize>,
    /// `None` until the same text was read twice: a file being edited changes at every
    /// keystroke, and keeping a copy of its records each time would cost more than it saves.
    value: Option<(Box<dyn std::any::Any + Send>, Vec<yaml::DeError>)>,
}

impl std::fmt::Debug for TypedRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedRead")
            .field("file", &self.file)
            .field("range", &self.range)
            .field("kept", &self.value.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct CachedParse {
    text: String,
    parsed: Parsed,
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> Self {
        ParseCache::default()
    }

    /// Takes the tree parsed from exactly this text, if there is one.
    fn take(&self, rel: &str, text: &str) -> Option<Parsed> {
        let mut entries = self.entries.lock().ok()?;
        match entries.remove(rel) {
            Some(c) if c.text == text => Some(c.parsed),
            _ => None,
        }
    }

    /// The tree of `file`: the cached one when its text is unchanged, else the cached tree of
    /// an earlier text with the edited records re-parsed ([`yaml::reparse`]). `Err` gives back
    /// what the cache held (to keep through a full parse that may fail) when neither works.
    fn take_or_reparse(&self, file: &SourceFile) -> Result<Parsed, Option<Box<CachedParse>>> {
        let old = self
            .entries
            .lock()
            .ok()
            .and_then(|mut e| e.remove(&file.path))
            .ok_or(None)?;
        if old.text == file.text {
            return Ok(old.parsed);
        }
        match old.parsed {
            (range, Ok(tree)) if range == (0..old.text.len()) && !file.path.ends_with(".md") => {
                match yaml::reparse(&old.text, tree, file) {
                    Ok(node) => {
                        self.patched
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        Ok((0..file.text.len(), Ok(node)))
                    }
                    Err(tree) => Err(Some(Box::new(CachedParse {
                        text: old.text,
                        parsed: (range, Ok(tree)),
                    }))),
                }
            }
            parsed => Err(Some(Box::new(CachedParse {
                text: old.text,
                parsed,
            }))),
        }
    }

    /// Puts back an entry taken by [`Self::take_or_reparse`], unless a newer one arrived.
    fn restore(&self, rel: &str, old: CachedParse) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.entry(rel.to_string()).or_insert(old);
        }
    }

    fn put(&self, rel: String, text: String, parsed: Parsed) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(rel, CachedParse { text, parsed });
        }
    }

    /// The typed records of a file read before from exactly this text, range and file id,
    /// with the problems found reading them.
    fn typed<T: Clone + 'static>(
        &self,
        path: &str,
        file: FileId,
        range: &std::ops::Range<usize>,
        text: &str,
    ) -> Option<(Option<T>, Vec<yaml::DeError>)> {
        let entries = self.typed.lock().ok()?;
        let e = entries.get(path)?;
        if e.file != file || e.range != *range || e.text != text {
            return None;
        }
        let (value, errors) = e.value.as_ref()?;
        Some((value.downcast_ref::<Option<T>>()?.clone(), errors.clone()))
    }

    /// Remembers a typed read (its records from the second time the same text is read).
    fn put_typed<T: Clone + Send + 'static>(
        &self,
        path: &str,
        file: FileId,
        range: std::ops::Range<usize>,
        text: &str,
        value: &Option<T>,
        errors: &[yaml::DeError],
    ) {
        let Ok(mut entries) = self.typed.lock() else {
            return;
        };
        let seen = entries
            .get(path)
            .is_some_and(|e| e.file == file && e.range == range && e.text == text);
        let kept: Option<(Box<dyn std::any::Any + Send>, Vec<yaml::DeError>)> =
            seen.then(|| (Box::new(value.clone()) as _, errors.to_vec()));
        entries.insert(
            path.to_string(),
            TypedRead {
                text: text.to_string(),
                file,
                range,
                value: kept,
            },
        );
    }

    /// How many trees were patched by re-parsing only the edited records (not parsed whole).
    pub fn patched(&self) -> usize {
        self.patched.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Number of trees held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// Whether no tree is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Loads the ISMS repository at `root` with the given limits, reading the text of the files
/// in `overlay` from there instead of the disk, and reusing (and refilling) the trees of
/// `cache` for files whose text did not change.
pub fn load_overlaid(
    root: &Path,
    options: LoadOptions,
    overlay: std::sync::Arc<Overlay>,
    cache: Option<std::sync::Arc<ParseCache>>,
) -> Result<Loaded, LoadError> {
    load_inner(root, options, overlay, cache)
}

/// Loads the ISMS repository at `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    load_with(root, LoadOptions::default())
}

/// Loads the ISMS repository at `root` with the given limits.
pub fn load_with(root: &Path, options: LoadOptions) -> Result<Loaded, LoadError> {
    load_inner(root, options, std::sync::Arc::default(), None)
}

fn load_inner(
    root: &Path,
    options: LoadOptions,
    overlay: std::sync::Arc<Overlay>,
    cache: Option<std::sync::Arc<ParseCache>>,
) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(root.to_path_buf()),
        _ => LoadError::Io {
            path: root.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory(root.to_path_buf()));
    }
    let mut l = Loader {
        root: root.to_path_buf(),
        model: Isms::default(),
        diags: Vec::new(),
        max_file_size: options.max_file_size.unwrap_or(MAX_FILE_SIZE),
        size_from_flag: options.max_file_size.is_some(),
        preloader: None,
        parsed: HashMap::new(),
        overlay,
        cache,
    };
    l.model.root = root.to_path_buf();
    let files = l.walk()?;
    l.load_all(&files);
    l.report_unrecognised(&files);
    l.flatten();
    l.model.markers = markers::find(&l.model.sources, l.cache.as_deref().map(|c| &c.markers));
    normalise_control_ids(&mut l.model);
    l.cross_reference();
    l.check_evidence_refs();
    l.hash_evidence();
    crate::diagnostic::sort(&mut l.diags);
    Ok(Loaded {
        model: l.model,
        diagnostics: l.diags,
    })
}

struct Loader {
    root: PathBuf,
    model: Isms,
    diags: Vec<Diagnostic>,
    /// Largest record file read, in bytes.
    max_file_size: u64,
    /// The limit was given on the command line (isms.yaml does not change it then).
    size_from_flag: bool,
    /// Files read and parsed ahead on worker threads, while [`Self::load_records`] runs.
    preloader: Option<std::sync::Arc<preload::Preloader>>,
    /// Parsed YAML of files already in the source map, until it is read into records.
    parsed: HashMap<FileId, Parsed>,
    /// Text read instead of the disk's, by path.
    overlay: std::sync::Arc<Overlay>,
    /// Trees of earlier loads, reused for unchanged text and refilled after the typed read.
    cache: Option<std::sync::Arc<ParseCache>>,
}

/// A parse result with the byte range it covers (the whole file, or the front matter).
type Parsed = (std::ops::Range<usize>, Result<Node, yaml::ParseError>);

/// A file read and parsed ahead of the (sequential) typed read.
type Prepared = (SourceFile, Option<Parsed>);

/// A file found by the walk.
#[derive(Debug, Clone)]
struct Found {
    rel: String,
    symlink: bool,
    /// What it is when it is neither a regular file nor a link (FIFO, device, socket).
    special: Option<&'static str>,
}

impl Loader {
    fn walk(&mut self) -> Result<Vec<Found>, LoadError> {
        let mut found = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_dir()
                        && e.file_name()
                            .to_str()
                            .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if e.depth() == 0 {
                        return Err(LoadError::Io {
                            path: self.root.clone(),
                            source: e
                                .into_io_error()
                                .unwrap_or_else(|| std::io::Error::other("walk failed")),
                        });
                    }
                    let path = e.path().map(|p| self.rel(p)).unwrap_or_default();
                    self.diags.push(
                        Diagnostic::error("LOAD-002", format!("cannot read {path}: {e}"))
                            .at(Location::file(path))
                            .with_hint("check the file permissions"),
                    );
                    continue;
                }
            };
            if entry.depth() == 0 || entry.file_type().is_dir() {
                continue;
            }
            let rel = self.rel(entry.path());
            let symlink = entry.path_is_symlink();
            if symlink && entry.path().is_dir() && in_record_place(&rel) {
                // A linked folder is skipped like a linked file, and says so: its records
                // would otherwise vanish without a word.
                self.diags.push(
                    Diagnostic::error(
                        "LOAD-016",
                        format!(
                            "{rel} is a symbolic link to a folder; links are not followed, so no record in it is loaded"
                        ),
                    )
                    .at(Location::file(rel.clone()))
                    .with_hint("replace the link with the folder itself"),
                );
                continue;
            }
            let ft = entry.file_type();
            let special = (!symlink && !ft.is_file()).then(|| crate::fsutil::file_kind(&ft));
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if !symlink {
                self.model
                    .files
                    .insert(rel.clone(), RepoFile { size, sha256: None });
            }
            found.push(Found {
                rel,
                symlink,
                special,
            });
        }
        Ok(found)
    }

    fn rel(&self, p: &Path) -> String {
        let r = p.strip_prefix(&self.root).unwrap_or(p);
        r.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Reads a record file (from the preloaded results when there are some) and adds it to the
    /// source map. Returns the file id when its text is usable.
    fn read(&mut self, f: &Found) -> Option<FileId> {
        let pre = self.preloader.as_ref().and_then(|p| p.take(&f.rel));
        let (file, parsed) = match pre {
            Some(Ok((file, parsed))) => (file, parsed),
            Some(Err(d)) => {
                self.diags.push(*d);
                return None;
            }
            None => match read_text(
                &self.root,
                f,
                self.size_limit(),
                self.overlay.get(&f.rel).map(String::as_str),
            ) {
                Ok(text) => (SourceFile::new(f.rel.clone(), text), None),
                Err(d) => {
                    self.diags.push(*d);
                    return None;
                }
            },
        };
        let id = self.model.sources.add(file);
        if let Some((range, mut result)) = parsed {
            match &mut result {
                Ok(node) => set_file(node, id),
                Err(e) => e.span.file = id,
            }
            self.parsed.insert(id, (range, result));
        }
        Some(id)
    }

    fn size_limit(&self) -> SizeLimit {
        SizeLimit {
            bytes: self.max_file_size,
            from_flag: self.size_from_flag,
        }
    }

    fn load_all(&mut self, files: &[Found]) {
        let by_rel: HashMap<&str, &Found> = files.iter().map(|f| (f.rel.as_str(), f)).collect();
        let single = |name: &str| by_rel.get(name).map(|f| (*f).clone());

        match single("isms.yaml") {
            Some(f) => {
                if let Some((m, _)) = self.yaml_file::<Manifest>(&f, false) {
                    self.check_schema(&m);
                    self.apply_limits(&m);
                    self.model.manifest = Some(m);
                    self.model.present.insert(RecordKind::Manifest);
                } else {
                    self.model.failed.insert(f.rel.clone(), RecordKind::Manifest);
                    self.salvage_people(&f);
                }
            }
            None => self.diags.push(
                Diagnostic::error("LOAD-001", "isms.yaml is missing")
                    .at(Location::file("isms.yaml"))
                    .with_hint("run this command on the folder that contains isms.yaml, or create one with `isms init`"),
            ),
        }
        // The other files are read and parsed ahead, with the limit isms.yaml set.
        self.load_records_parsed_ahead(files);
    }

    /// Runs [`Self::load_records`] while worker threads read and parse the record files ahead of
    /// it, in its order, on as many threads as the machine offers. Only the results are shared:
    /// the typed read, the source map and the diagnostics stay in the sequential order of
    /// [`Self::load_records`], so output does not depend on thread timing.
    fn load_records_parsed_ahead(&mut self, files: &[Found]) {
        let jobs: Vec<(Found, u64)> = read_order(files)
            .into_iter()
            .map(|f| {
                let size = self.model.files.get(&f.rel).map_or(0, |m| m.size);
                (f, size)
            })
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(jobs.len())
            .min(16);
        let pre = std::sync::Arc::new(preload::Preloader::new(
            jobs,
            preload::Budget::default(),
            self.root.clone(),
            self.size_limit(),
            self.overlay.clone(),
            self.cache.clone(),
        ));
        std::thread::scope(|s| {
            let _stop = preload::StopOnDrop(pre.clone());
            if threads > 1 {
                for _ in 0..threads {
                    let pre = &pre;
                    s.spawn(move || pre.work());
                }
            }
            self.preloader = Some(pre.clone());
            self.load_records(files);
            self.preloader = None;
        });
        // The two orders are fixed by the code, not by the files: a mismatch is a bug here.
        debug_assert_eq!(
            pre.out_of_order(),
            0,
            "read_order does not follow load_records"
        );
    }

    /// Every record file but isms.yaml, in the order of [`read_order`].
    fn load_records(&mut self, files: &[Found]) {
        let by_rel: HashMap<&str, &Found> = files.iter().map(|f| (f.rel.as_str(), f)).collect();
        let single = |name: &str| by_rel.get(name).map(|f| (*f).clone());
        self.model.context = self.register(single("context.yaml"), RecordKind::Context);
        if let Some(f) = single("scope.md") {
            self.model.scope = self.document(&f, RecordKind::Scope);
        }
        // Every register may be one file or a folder of files (`assets.yaml` or `assets/*.yaml`),
        // so no register has to outgrow the per-file limit.
        for f in register_files(files, "assets") {
            if let Some(r) = self.register::<AssetRegister>(Some(f), RecordKind::Assets) {
                self.model.asset_reviews.push(r.reviewed);
                self.model.assets.extend(r.assets.into_loaded());
            }
        }
        for f in register_files(files, "risks") {
            let rel = f.rel.clone();
            if let Some(r) = self.register::<RiskRegister>(Some(f), RecordKind::Risks) {
                self.model.risk_files.push(rel);
                self.model.risk_assessments.extend(r.assessed);
                self.model.risks.extend(r.risks.into_loaded());
                self.model
                    .opportunities
                    .extend(r.opportunities.into_loaded());
            }
        }
        // GIT-04 compares the committed versions of the SoA, and the copy on disk is usually
        // the newest of them: its tree is kept so that it is not parsed twice.
        if let Some((soa, tree)) = self.register_tree(single("soa.yaml"), RecordKind::Soa, true) {
            self.model.soa = Some(soa);
            self.model.soa_tree = tree.map(std::sync::Arc::new);
        }
        for f in register_files(files, "objectives") {
            if let Some(r) = self.register::<ObjectiveRegister>(Some(f), RecordKind::Objectives) {
                self.model.objectives.extend(r.objectives.into_loaded());
            }
        }
        for f in register_files(files, "suppliers") {
            if let Some(r) = self.register::<SupplierRegister>(Some(f), RecordKind::Suppliers) {
                self.model.suppliers.extend(r.suppliers.into_loaded());
            }
        }
        for f in register_files(files, "training") {
            if let Some(r) = self.register::<TrainingRecords>(Some(f), RecordKind::Training) {
                self.model.competence.extend(r.competence.into_loaded());
                self.model.awareness.extend(r.awareness.into_loaded());
                self.model
                    .competence_actions
                    .extend(r.actions.into_loaded());
            }
        }
        for f in register_files(files, "metrics") {
            if let Some(r) = self.register::<MetricRegister>(Some(f), RecordKind::Metrics) {
                self.model.metrics.extend(r.metrics.into_loaded());
            }
        }
        for f in register_files(files, "incidents") {
            if let Some(r) = self.register::<IncidentRegister>(Some(f), RecordKind::Incidents) {
                self.model.incidents.extend(r.incidents.into_loaded());
            }
        }
        for f in register_files(files, "changes") {
            if let Some(r) = self.register::<ChangeRegister>(Some(f), RecordKind::Changes) {
                self.model.changes.extend(r.changes.into_loaded());
            }
        }
        for f in register_files(files, "nonconformities") {
            if let Some(r) =
                self.register::<NonconformityRegister>(Some(f), RecordKind::Nonconformities)
            {
                self.model
                    .nonconformities
                    .extend(r.nonconformities.into_loaded());
            }
        }
        for f in in_folder(files, "policies", "md") {
            if let Some(d) = self.document::<Policy>(&f, RecordKind::Policies) {
                self.model.policies.push(d);
            }
        }
        for f in in_folder(files, "procedures", "md") {
            if let Some(d) = self.document::<Procedure>(&f, RecordKind::Procedures) {
                self.model.procedures.push(d);
            }
        }
        for f in in_folder(files, "audits", "md") {
            if f.rel == "audits/programme.md" {
                self.model.audit_programme = self.document(&f, RecordKind::AuditProgramme);
            } else {
                if let Some(d) = self.document::<Audit>(&f, RecordKind::Audits) {
                    self.model.audits.push(d);
                }
            }
        }
        for f in in_folder(files, "reviews", "md") {
            if let Some(d) = self.document::<ManagementReview>(&f, RecordKind::Reviews) {
                self.model.reviews.push(d);
            }
        }
        for f in register_files(files, "acknowledgements") {
            if let Some(r) =
                self.register::<AcknowledgementRegister>(Some(f), RecordKind::Acknowledgements)
            {
                self.model
                    .acknowledgements
                    .extend(r.acknowledgements.into_loaded());
            }
        }
        self.load_frameworks(files);
    }

    /// `frameworks/*.csv` (custom requirement lists and mappings) and `frameworks/*.yaml` (own
    /// answers). Answers are checked against the frameworks once the custom ones are known.
    fn load_frameworks(&mut self, files: &[Found]) {
        let mut csv_ids = Vec::new();
        for f in in_folder(files, "frameworks", "csv") {
            if let Some(id) = self.read(&f) {
                csv_ids.push(id);
                self.model.present.insert(RecordKind::FrameworkMappings);
            } else {
                self.model
                    .failed
                    .insert(f.rel.clone(), RecordKind::FrameworkMappings);
            }
        }
        let texts: Vec<crate::frameworks::custom::CsvFile<'_>> = csv_ids
            .iter()
            .filter_map(|id| self.model.sources.get(*id))
            .map(|s| crate::frameworks::custom::CsvFile {
                path: &s.path,
                text: &s.text,
            })
            .collect();
        let (custom, errors) = crate::frameworks::custom::build(&texts);
        for e in errors {
            let loc = Location {
                line: e.line,
                ..Location::file(e.path)
            };
            self.diags.push(
                Diagnostic::error("FWK-03", e.message)
                    .at(loc)
                    .with_hint(e.hint),
            );
        }
        self.model.custom_frameworks = custom;
        let mut answer_files: Vec<Found> = in_folder(files, "frameworks", "yaml").collect();
        answer_files.extend(in_folder(files, "frameworks", "yml"));
        for f in answer_files {
            let rel = f.rel.clone();
            let Some(r) = self.register::<FrameworkAnswers>(Some(f), RecordKind::FrameworkAnswers)
            else {
                continue;
            };
            let stem = rel
                .rsplit('/')
                .next()
                .and_then(|n| n.rsplit_once('.'))
                .map_or(rel.as_str(), |(s, _)| s)
                .to_string();
            let framework = r.framework.unwrap_or_else(|| {
                let span = self
                    .model
                    .sources
                    .id_of(&rel)
                    .map(crate::source::Span::file);
                match span {
                    Some(s) => yaml::Spanned::new(stem.clone(), s),
                    None => yaml::Spanned::detached(stem.clone()),
                }
            });
            let answers = r.answers.into_loaded();
            match crate::frameworks::find(&self.model, &framework.value) {
                None => {
                    let known = crate::frameworks::ids(&self.model);
                    self.diags.push(
                        Diagnostic::error(
                            "FWK-04",
                            format!("`{}` is not a framework isms knows", framework.value),
                        )
                        .at(self.model.location(framework.span))
                        .with_hint(format!(
                            "name one of {} with `framework:` (or as the file name), or define it in frameworks/*.csv",
                            known.join(", ")
                        )),
                    );
                }
                Some(fw) => {
                    let mut diags = Vec::new();
                    for a in &answers {
                        if fw.node(&a.id.value).is_some_and(|n| n.requirement) {
                            continue;
                        }
                        let hint =
                            did_you_mean(&a.id.value, fw.requirements().map(|n| n.id.as_str()))
                                .map_or_else(
                                    || {
                                        format!(
                                            "`isms frameworks show {}` lists the requirement ids",
                                            fw.id
                                        )
                                    },
                                    |s| format!("did you mean `{s}`?"),
                                );
                        diags.push(
                            Diagnostic::error(
                                "FWK-05",
                                format!("{} has no requirement `{}`", fw.id, a.id.value),
                            )
                            .at(self.model.location(a.id.span))
                            .with_hint(hint)
                            .for_record(a.id.value.clone()),
                        );
                    }
                    self.diags.extend(diags);
                }
            }
            self.model
                .framework_answers
                .push(crate::model::FrameworkAnswerFile {
                    path: rel,
                    framework,
                    answers,
                });
        }
        // `frameworks:` of isms.yaml selects the frameworks `isms check` adds rules for.
        let selected: Vec<yaml::Spanned<String>> = self
            .model
            .manifest
            .as_ref()
            .map(|m| m.frameworks.clone())
            .unwrap_or_default();
        for s in selected {
            match crate::frameworks::find(&self.model, &s.value) {
                Some(fw) => {
                    let id = fw.id.clone();
                    if !self.model.selected_frameworks.contains(&id) {
                        self.model.selected_frameworks.push(id);
                    }
                }
                None => {
                    let known = crate::frameworks::ids(&self.model);
                    self.diags.push(
                        Diagnostic::error(
                            "FWK-04",
                            format!("`{}` is not a framework isms knows", s.value),
                        )
                        .at(self.model.location(s.span))
                        .with_hint(format!("use one of {}", known.join(", "))),
                    );
                }
            }
        }
    }

    /// Reads an optional register file; marks its kind present when it loads.
    fn register<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        file: Option<Found>,
        kind: RecordKind,
    ) -> Option<T> {
        self.register_tree(file, kind, false)
            .map(|(value, _)| value)
    }

    /// [`Loader::register`], with the YAML tree the register was read from when `keep_tree`.
    fn register_tree<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        file: Option<Found>,
        kind: RecordKind,
        keep_tree: bool,
    ) -> Option<(T, Option<Node>)> {
        let file = file?;
        let Some(read) = self.yaml_file::<T>(&file, keep_tree) else {
            self.model.failed.insert(file.rel, kind);
            return None;
        };
        self.model.present.insert(kind);
        Some(read)
    }

    /// Reads a Markdown document; marks its kind present when it loads.
    fn document<T: DeserializeOwned + Document + Clone + Send + 'static>(
        &mut self,
        file: &Found,
        kind: RecordKind,
    ) -> Option<T> {
        let Some(value) = self.markdown_file::<T>(file) else {
            self.model.failed.insert(file.rel.clone(), kind);
            return None;
        };
        self.model.present.insert(kind);
        Some(value)
    }

    /// When isms.yaml has an error outside its record lists it cannot be used as a whole; its
    /// people and roles are still read (errors already reported) so that every reference to a
    /// person does not turn into a second, misleading "does not exist" problem.
    fn salvage_people(&mut self, f: &Found) {
        #[derive(serde::Deserialize)]
        struct PeopleOnly {
            #[serde(default)]
            people: crate::yaml::Records<crate::yaml::Spanned<crate::model::Person>>,
            #[serde(default)]
            roles: crate::yaml::Records<crate::yaml::Spanned<crate::model::Role>>,
        }
        let Some(id) = self.model.sources.id_of(&f.rel) else {
            return;
        };
        let Some(source) = self.model.sources.get(id) else {
            return;
        };
        let Ok(node) = yaml::parse(id, source, 0..source.text.len()) else {
            return;
        };
        if let (Some(p), _) = yaml::from_node::<PeopleOnly>(&node) {
            self.model.people = p.people.into_loaded();
            self.model.roles = p.roles.into_loaded();
        }
    }

    /// Every evidence reference needs something to point at.
    fn check_evidence_refs(&mut self) {
        let mut found = Vec::new();
        for e in self.model.soa_entries() {
            for ev in e.evidence.iter() {
                if ev.path.is_none() && ev.url.is_none() {
                    found.push(
                        Diagnostic::error("LOAD-009", format!("evidence of control {} has neither `path` nor `url`", e.id.value))
                            .at(self.model.location(ev_span(ev, e.span)))
                            .with_hint("add `path: evidence/...` for a file in the repository or `url: https://...` for external evidence")
                            .for_record(e.id.value.clone()),
                    );
                }
                if let Some(url) = &ev.url
                    && let Some(why) = unusable_evidence_url(&url.value)
                {
                    // A warning: the record is usable, only this link is not evidence an
                    // auditor can open (and the renderer never makes it a live link).
                    found.push(
                        Diagnostic::warning(
                            "LOAD-020",
                            format!("evidence URL of control {} {why}", e.id.value),
                        )
                        .at(self.model.location(url.span))
                        .with_hint(
                            "evidence URLs are `https://` (or `http://`) links an auditor can open; \
                             keep files in the repository and cite them with `path:`",
                        )
                        .for_record(e.id.value.clone()),
                    );
                }
            }
        }
        self.diags.extend(found);
    }

    /// Files that look like records but are not read: a silent skip would hide a register.
    fn report_unrecognised(&mut self, files: &[Found]) {
        for f in files {
            let (dir, name) = match f.rel.rsplit_once('/') {
                Some((d, n)) => (Some(d), n),
                None => (None, f.rel.as_str()),
            };
            let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
            let hint = match dir {
                None if matches!(ext, "yaml" | "yml") && !ROOT_RECORDS.contains(&name) => {
                    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
                    let yaml = format!("{stem}.yaml");
                    if ext == "yml" && ROOT_RECORDS.contains(&yaml.as_str()) {
                        Some(format!(
                            "rename it to `{yaml}`: isms reads `.yaml` register names"
                        ))
                    } else {
                        did_you_mean(name, ROOT_RECORDS.iter().copied())
                            .map(|s| format!("did you mean `{s}`? Rename the file, or move it out of the repository root"))
                    }
                }
                Some(d) => {
                    let top = d.split('/').next().unwrap_or(d);
                    let nested = d.contains('/');
                    let wants = if SPLIT_REGISTERS.contains(&top) {
                        "yaml"
                    } else {
                        "md"
                    };
                    if (RECORD_FOLDERS.contains(&top) || SPLIT_REGISTERS.contains(&top))
                        && nested
                        && (ext == wants || ext == "yml")
                    {
                        Some(format!(
                            "move it to `{top}/`: isms reads `{top}/*.{wants}` only, not subfolders"
                        ))
                    } else {
                        None
                    }
                }
                None => None,
            };
            if let Some(hint) = hint {
                self.diags.push(
                    Diagnostic::warning("LOAD-018", format!("isms does not read {}", f.rel))
                        .at(Location::file(f.rel.clone()))
                        .with_hint(hint),
                );
            }
        }
    }

    /// Takes the file-size limit of isms.yaml (read first, under the default limit), unless
    /// the command line set one.
    fn apply_limits(&mut self, m: &Manifest) {
        let Some(mib) = &m.limits.max_file_size_mib else {
            return;
        };
        if mib.value == 0 || mib.value > MAX_FILE_SIZE_LIMIT_MIB {
            self.diags.push(
                Diagnostic::error(
                    "LOAD-011",
                    format!("`max_file_size_mib: {}` is out of range", mib.value),
                )
                .at(self.model.location(mib.span))
                .with_hint(format!(
                    "give a number of MiB from 1 to {MAX_FILE_SIZE_LIMIT_MIB}; split large registers into folders instead"
                )),
            );
            return;
        }
        if !self.size_from_flag {
            self.max_file_size = u64::from(mib.value) * 1024 * 1024;
        }
    }

    fn check_schema(&mut self, m: &Manifest) {
        let v = m.schema_version.value;
        if v == 0 || v > SCHEMA_VERSION {
            let hint = if v > SCHEMA_VERSION {
                format!(
                    "this repository was written by a newer isms; upgrade isms (this release reads schema_version {SCHEMA_VERSION})"
                )
            } else {
                format!("set `schema_version: {SCHEMA_VERSION}`")
            };
            self.diags.push(
                Diagnostic::error("LOAD-017", format!("unsupported schema_version {v}"))
                    .at(self.model.location(m.schema_version.span))
                    .with_hint(hint),
            );
        }
    }

    /// Reads, parses and deserialises a YAML file.
    fn yaml_file<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        f: &Found,
        keep_tree: bool,
    ) -> Option<(T, Option<Node>)> {
        let id = self.read(f)?;
        let len = self.model.sources.get(id).map_or(0, |s| s.text.len());
        self.parse_typed(id, 0..len, keep_tree)
    }

    /// The typed value of `range` of file `id`, with its tree when `keep_tree`.
    fn parse_typed<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        id: FileId,
        range: std::ops::Range<usize>,
        keep_tree: bool,
    ) -> Option<(T, Option<Node>)> {
        let kept_range = range.clone();
        let source = self.model.sources.get(id)?;
        let cached = self
            .parsed
            .remove(&id)
            .filter(|(r, _)| *r == range)
            .map(|(_, r)| r);
        let reused = || {
            let (r, mut result) = self.cache.as_ref()?.take(&source.path, &source.text)?;
            if r != range {
                return None;
            }
            if let Ok(node) = &mut result {
                set_file(node, id);
            }
            Some(result)
        };
        let parsed = match cached.or_else(reused) {
            Some(r) => r,
            None => yaml::parse(id, source, range),
        };
        let node = match parsed {
            Ok(n) => n,
            Err(e) => {
                let d = Diagnostic::error("LOAD-006", format!("invalid YAML: {}", e.message))
                    .at_span(&self.model.sources, e.span)
                    .with_hint(e.hint.unwrap_or("fix the YAML syntax at this position (indentation, an unclosed bracket or quote, a tab, a duplicated key)"));
                self.diags.push(d);
                return None;
            }
        };
        if matches!(node.kind, yaml::NodeKind::Null) {
            let d = Diagnostic::error(
                "LOAD-005",
                format!("{} has no content", self.model.sources.path(id)),
            )
            .at(Location::file(self.model.sources.path(id)))
            .with_hint("fill it in (`isms init` writes a complete starting point) or delete it");
            self.diags.push(d);
            return None;
        }
        let value = self.typed_cached::<T>(id, &kept_range, &node);
        let cache = self.cache.as_ref().zip(self.model.sources.get(id));
        // The tree goes to the cache (the language server's), to the caller, or to both.
        let tree = match (keep_tree && value.is_some(), cache) {
            (false, _) => None,
            (true, Some(_)) => Some(node.clone()),
            (true, None) => return value.map(|v| (v, Some(node))),
        };
        if let Some((cache, source)) = cache {
            cache.put(
                source.path.clone(),
                source.text.clone(),
                (kept_range, Ok(node)),
            );
        }
        value.map(|v| (v, tree))
    }

    /// The typed read of a tree, from the cache when the file's text did not change.
    fn typed_cached<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        id: FileId,
        range: &std::ops::Range<usize>,
        node: &Node,
    ) -> Option<T> {
        let (Some(cache), Some(source)) = (self.cache.clone(), self.model.sources.get(id)) else {
            let (value, errors) = yaml::from_node::<T>(node);
            self.report(node, errors);
            return value;
        };
        let (value, errors) = match cache.typed::<T>(&source.path, id, range, &source.text) {
            Some(hit) => hit,
            None => {
                let (value, errors) = yaml::from_node::<T>(node);
                cache.put_typed(
                    &source.path,
                    id,
                    range.clone(),
                    &source.text,
                    &value,
                    &errors,
                );
                (value, errors)
            }
        };
        self.report(node, errors);
        value
    }

    /// Reports the problems of a typed read.
    fn report(&mut self, node: &Node, errors: Vec<yaml::DeError>) {
        for e in errors {
            let code = match e.kind {
                DeErrorKind::UnknownField => "LOAD-008",
                DeErrorKind::MissingField => "LOAD-009",
                DeErrorKind::WrongType | DeErrorKind::DuplicateField => "LOAD-010",
                DeErrorKind::InvalidValue => "LOAD-011",
            };
            let span = e.span.unwrap_or(node.span);
            let mut d = Diagnostic::error(code, e.message).at_span(&self.model.sources, span);
            if let Some(id) = e.record {
                d = d.for_record(id.clone());
                self.model.unloaded.entry(id).or_insert_with(|| d.clone());
            }
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            self.diags.push(d);
        }
    }

    /// Reads a Markdown document: YAML front matter between `---` lines, then the body.
    fn markdown_file<T: DeserializeOwned + Document + Clone + Send + 'static>(
        &mut self,
        f: &Found,
    ) -> Option<T> {
        let id = self.read(f)?;
        let text = self.model.sources.get(id)?.text.clone();
        let Some((fm, body_start)) = split_front_matter(&text) else {
            let first = text.lines().next().unwrap_or("");
            let hint = if first.trim_end() == "---" {
                "close the front matter with a line containing only `---`".to_string()
            } else {
                "start the file with a line `---`, the YAML front matter (id, title, version, owner, approval), and another `---`".to_string()
            };
            self.diags.push(
                Diagnostic::error("LOAD-007", format!("{} has no YAML front matter", f.rel))
                    .at(Location {
                        path: f.rel.clone(),
                        line: 1,
                        column: 1,
                        len: 0,
                    })
                    .with_hint(hint),
            );
            return None;
        };
        let (mut doc, _) = self.parse_typed::<T>(id, fm, false)?;
        let (body_line, _) = self
            .model
            .sources
            .get(id)
            .map_or((1, 1), |s| s.line_col(body_start));
        let body = text[body_start..].to_string();
        doc.set_doc_source(crate::model::DocSource {
            path: f.rel.clone(),
            file: id,
            sections: crate::model::common::sections(&body, body_line),
            body,
            body_line,
        });
        Some(doc)
    }

    /// Moves the people and roles out of the manifest's item lists into the model.
    fn flatten(&mut self) {
        // Nothing to flatten when isms.yaml failed: salvage_people already filled them.
        if let Some(m) = &self.model.manifest {
            self.model.people = m.people.iter().cloned().collect();
            self.model.roles = m.roles.iter().cloned().collect();
        }
        self.model
            .policies
            .sort_by(|a, b| a.source.path.cmp(&b.source.path));
        self.model
            .procedures
            .sort_by(|a, b| a.source.path.cmp(&b.source.path));
        self.model
            .audits
            .sort_by(|a, b| a.source.path.cmp(&b.source.path));
        self.model
            .reviews
            .sort_by(|a, b| a.source.path.cmp(&b.source.path));
    }

    fn hash_evidence(&mut self) {
        let paths: Vec<String> = self
            .model
            .soa_entries()
            .flat_map(|e| e.evidence.iter())
            .filter_map(|ev| ev.path.as_ref().map(|p| normalise_rel(&p.value)))
            .collect();
        for p in paths {
            let Some(entry) = self.model.files.get_mut(&p) else {
                continue;
            };
            if entry.sha256.is_some() || entry.size > 256 * 1024 * 1024 {
                continue;
            }
            // Only regular files: a FIFO named as evidence would block the hash forever.
            if let Ok(mut file) = crate::fsutil::open_regular(&self.root.join(&p)) {
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut ok = true;
                loop {
                    match file.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => hasher.update(&buf[..n]),
                        Err(_) => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    let digest = hasher.finalize();
                    entry.sha256 = Some(digest.iter().map(|b| format!("{b:02x}")).collect());
                }
            }
        }
    }

    fn cross_reference(&mut self) {
        let refs = references::collect(&self.model);
        let mut diags = Vec::new();
        let folded = refs.check(&self.model, &mut diags);
        self.diags.extend(diags);
        // Say on each root cause how many references wait for it, instead of listing them.
        for (file, count) in folded {
            if let Some(d) = self.diags.iter_mut().find(|d| {
                d.severity == crate::diagnostic::Severity::Error
                    && d.location.as_ref().is_some_and(|l| l.path == file)
                    && matches!(
                        d.code.as_str(),
                        "LOAD-002"
                            | "LOAD-003"
                            | "LOAD-004"
                            | "LOAD-005"
                            | "LOAD-006"
                            | "LOAD-007"
                            | "LOAD-016"
                    )
            }) {
                let note = format!(
                    "{count} reference(s) to records of this file are not checked until it loads"
                );
                d.hint = Some(match d.hint.take() {
                    Some(h) => format!("{h}; {note}"),
                    None => note,
                });
            }
        }
    }
}

/// The span of an evidence entry: its path or url, else the SoA entry.
fn ev_span(
    ev: &crate::yaml::Spanned<crate::model::EvidenceRef>,
    fallback: crate::source::Span,
) -> crate::source::Span {
    if ev.span.line > 0 { ev.span } else { fallback }
}

/// Rewrites every control id that names a control to that control's own id, once, so that the
/// checks compare ids as text: an Annex A id written with an `A.` prefix or padded (`A.5.18`,
/// `" 5.10 "`) becomes the bare 2022 id (`5.18`, `5.10`), and a reference to an own control of
/// `additional_controls:` loses its padding. An id that names no control is left as written,
/// for the load error that quotes it (LOAD-014, LOAD-015, LOAD-019).
fn normalise_control_ids(m: &mut Isms) {
    // An SoA entry under `controls:` is an Annex A control (own controls have their own list).
    fn annex_a(id: &mut Id) {
        if catalogue::get(&id.value).is_some() {
            let canon = catalogue::normalize_id(&id.value);
            if canon != id.value {
                id.value = canon;
            }
        }
    }
    let own: std::collections::HashSet<String> = m
        .additional_controls()
        .map(|c| c.id.value.clone())
        .collect();
    let fix = |id: &mut Id| {
        annex_a(id);
        let trimmed = id.value.trim();
        if trimmed.len() != id.value.len() && own.contains(trimmed) {
            id.value = trimmed.to_string();
        }
    };
    let fix_all = |ids: &mut [Id]| ids.iter_mut().for_each(fix);
    if let Some(soa) = &mut m.soa {
        for e in soa.controls.iter_mut() {
            annex_a(&mut e.value.id);
        }
    }
    for r in &mut m.risks {
        fix_all(&mut r.value.controls);
        for a in r.value.plan.iter_mut() {
            fix_all(&mut a.value.controls);
        }
    }
    for p in &mut m.policies {
        fix_all(&mut p.controls);
    }
    for p in &mut m.procedures {
        fix_all(&mut p.controls);
    }
    if let Some(ctx) = &mut m.context {
        for o in ctx.obligations.iter_mut() {
            fix_all(&mut o.value.controls);
        }
    }
    if let Some(p) = &mut m.audit_programme {
        for a in p.planned.iter_mut() {
            fix_all(&mut a.value.controls);
        }
    }
    for a in &mut m.audits {
        fix_all(&mut a.controls);
        for f in a.findings.iter_mut() {
            if let Some(c) = &mut f.value.control {
                fix(c);
            }
        }
    }
    for nc in &mut m.nonconformities {
        if let Some(c) = &mut nc.value.control {
            fix(c);
        }
    }
    for i in &mut m.incidents {
        fix_all(&mut i.value.controls);
    }
    for r in &mut m.reviews {
        for a in r.actions.iter_mut() {
            fix_all(&mut a.value.controls);
        }
    }
    // Keys of a mapping: `{ "A.8.8": 1 }` sets the cadence of 8.8 (it used to add a control of
    // that name and leave 8.8 at its default). An id written both ways keeps the bare one's.
    if let Some(man) = &mut m.manifest {
        let months = &mut man.cadences.control_evidence_months.value;
        let written: Vec<String> = months.keys().cloned().collect();
        for key in written {
            let mut id = Id {
                value: key.clone(),
                span: crate::source::Span::default(),
            };
            fix(&mut id);
            if id.value != key
                && let Some(v) = months.remove(&key)
            {
                months.entry(id.value).or_insert(v);
            }
        }
    }
    for x in &mut m.metrics {
        fix_all(&mut x.value.controls);
    }
}

/// Normalises a repository-relative path as written by a user to the form of
/// [`Isms::files`](crate::model::Isms::files): `\` read as `/`, leading `./` and trailing `/`
/// dropped. Every part of `isms` that matches user paths against files uses this one function.
pub fn normalise_rel(p: &str) -> String {
    let p = p.trim().replace('\\', "/");
    let mut rest = p.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.trim_end_matches('/').to_string()
}

/// The record files [`Loader::load_records`] reads (all but isms.yaml), in the order it reads
/// them, so the workers parse ahead in that order. A file out of this order still loads the
/// same; it is only parsed without look-ahead.
fn read_order(files: &[Found]) -> Vec<Found> {
    let single = |name: &str| files.iter().find(|f| f.rel == name).cloned();
    let mut out: Vec<Found> = Vec::new();
    out.extend(single("context.yaml"));
    out.extend(single("scope.md"));
    out.extend(register_files(files, "assets"));
    out.extend(register_files(files, "risks"));
    out.extend(single("soa.yaml"));
    for name in [
        "objectives",
        "suppliers",
        "training",
        "metrics",
        "incidents",
        "changes",
        "nonconformities",
    ] {
        out.extend(register_files(files, name));
    }
    for folder in RECORD_FOLDERS {
        out.extend(in_folder(files, folder, "md"));
    }
    out.extend(register_files(files, "acknowledgements"));
    out
}

/// The files of a register: `NAME.yaml`, then `NAME/*.yaml` and `NAME/*.yml` in name order.
fn register_files(files: &[Found], name: &str) -> Vec<Found> {
    let single = format!("{name}.yaml");
    let mut out: Vec<Found> = files.iter().filter(|f| f.rel == single).cloned().collect();
    out.extend(in_folder(files, name, "yaml"));
    out.extend(in_folder(files, name, "yml"));
    out
}

fn in_folder<'a>(
    files: &'a [Found],
    folder: &'a str,
    ext: &'a str,
) -> impl Iterator<Item = Found> + 'a {
    files
        .iter()
        .filter(move |f| {
            f.rel
                .strip_prefix(folder)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|name| {
                    !name.contains('/')
                        && name.ends_with(&format!(".{ext}"))
                        && !name.starts_with('_')
                })
        })
        .cloned()
}

/// Splits `---`-fenced YAML front matter from a Markdown text. Returns the byte range of the
/// YAML and the offset where the body starts.
pub fn split_front_matter(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    // A byte-order mark before the opening line is harmless (editors on Windows write one).
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut lines = text[bom..].split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let start = bom + first.len();
    let mut pos = start;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Some((start..pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

mod markers;
pub(crate) use markers::find_in as markers_in;

/// The largest record file read, and whether the command line set it (the hint differs).
#[derive(Debug, Clone, Copy)]
struct SizeLimit {
    bytes: u64,
    from_flag: bool,
}

/// Reads a record file with the size, symlink, special-file, UTF-8 and emptiness checks. Pure (no shared
/// state), so files can be read on several threads.
fn read_text(
    root: &Path,
    f: &Found,
    limit: SizeLimit,
    overlay: Option<&str>,
) -> Result<String, Box<Diagnostic>> {
    let loc = Location::file(f.rel.clone());
    if f.symlink {
        let path = root.join(&f.rel);
        // Say where a link leads when that is outside the repository: it may be an attempt
        // to have a record read from elsewhere (e.g. a secret on the CI machine).
        let outside = match (path.canonicalize(), root.canonicalize()) {
            (Ok(target), Ok(root)) => !target.starts_with(&root),
            // A dangling link, or a loop: not inside, in any useful sense.
            _ => true,
        };
        let message = if outside {
            format!(
                "{} is a symbolic link pointing outside the repository; links are not followed",
                f.rel
            )
        } else {
            format!("{} is a symbolic link; links are not followed", f.rel)
        };
        return Err(Box::new(
            Diagnostic::error("LOAD-016", message)
                .at(loc)
                .with_hint("replace the link with the file itself, inside the repository"),
        ));
    }
    if let Some(kind) = f.special {
        return Err(Box::new(
            Diagnostic::error(
                "LOAD-002",
                format!("{} is {kind}, not a regular file; it is not read", f.rel),
            )
            .at(loc)
            .with_hint("replace it with an ordinary file holding the record, or remove it"),
        ));
    }
    let path = root.join(&f.rel);
    // Reads one byte past the limit to detect oversize files without trusting metadata.
    let read = match overlay {
        Some(text) => Ok(text.as_bytes().to_vec()),
        None => crate::fsutil::read_regular(&path, limit.bytes),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            return Err(Box::new(
                Diagnostic::error("LOAD-002", format!("cannot read {}: {e}", f.rel))
                    .at(loc)
                    .with_hint("check that the file exists, is an ordinary file and is readable"),
            ));
        }
    };
    if bytes.len() as u64 > limit.bytes {
        let raise = if limit.from_flag {
            "give a larger `--max-file-size`".to_string()
        } else {
            format!(
                "raise the limit with `limits: {{ max_file_size_mib: N }}` in isms.yaml or `--max-file-size N` (MiB, at most {MAX_FILE_SIZE_LIMIT_MIB})"
            )
        };
        let split = if f.rel.contains('/') {
            "keep large evidence outside the records and point to it".to_string()
        } else {
            let stem = f.rel.rsplit_once('.').map_or(f.rel.as_str(), |(s, _)| s);
            format!("split the register into a folder of files (`{stem}/*.yaml`)")
        };
        return Err(Box::new(
            Diagnostic::error(
                "LOAD-003",
                format!(
                    "{} is larger than the limit of {}",
                    f.rel,
                    human_size(limit.bytes)
                ),
            )
            .at(loc)
            .with_hint(format!("{split}, or {raise}")),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let line = prefix.matches('\n').count() as u32 + 1;
            return Err(Box::new(
                Diagnostic::error(
                    "LOAD-004",
                    format!(
                        "{} is not valid UTF-8 (first bad byte at offset {offset})",
                        f.rel
                    ),
                )
                .at(Location {
                    path: f.rel.clone(),
                    line,
                    column: 0,
                    len: 0,
                })
                .with_hint("save the file as UTF-8 (most editors offer \"Save with encoding\")"),
            ));
        }
    };
    // A byte-order mark is harmless but would end up in the first key.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::error("LOAD-005", format!("{} is empty", f.rel))
                .at(loc)
                .with_hint(
                    "fill it in (`isms init` writes a complete starting point) or delete it",
                ),
        ));
    }
    Ok(text)
}

/// Reads a record file and parses its YAML (a Markdown file's front matter). Spans carry a
/// placeholder file id until [`Loader::read`] knows the real one.
fn prepare(
    root: &Path,
    f: &Found,
    limit: SizeLimit,
    overlay: &Overlay,
    cache: Option<&ParseCache>,
) -> Result<Prepared, Box<Diagnostic>> {
    let text = read_text(root, f, limit, overlay.get(&f.rel).map(String::as_str))?;
    let file = SourceFile::new(f.rel.clone(), text);
    let kept = match cache.map(|c| c.take_or_reparse(&file)) {
        Some(Ok(parsed)) => return Ok((file, Some(parsed))),
        Some(Err(kept)) => kept,
        None => None,
    };
    let range = if f.rel.ends_with(".md") {
        split_front_matter(&file.text).map(|(fm, _)| fm)
    } else {
        Some(0..file.text.len())
    };
    let parsed = range.map(|r| {
        let result = yaml::parse(FileId(0), &file, r.clone());
        (r, result)
    });
    // Half-typed YAML: keep the last good tree, so the next keystroke that repairs it
    // re-parses only the edit.
    if let (Some(cache), Some(old)) = (cache, kept)
        && !matches!(parsed, Some((_, Ok(_))))
    {
        cache.restore(&f.rel, *old);
    }
    Ok((file, parsed))
}

/// Sets the file of every span in a tree parsed before its file id was known.
fn set_file(node: &mut Node, id: FileId) {
    // A tree has one file throughout (parsed, patched or kept whole): when its root already
    // says `id`, so does every node, and a kept register is not walked again.
    if node.span.file == id {
        return;
    }
    node.span.file = id;
    match &mut node.kind {
        yaml::NodeKind::Seq(items) => items.iter_mut().for_each(|n| set_file(n, id)),
        yaml::NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            k.span.file = id;
            set_file(v, id);
        }),
        _ => {}
    }
}

mod preload;
mod references;

/// "8 MiB", "512 KiB", "100 bytes".
fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / 1024 / 1024)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Suggests the closest known id for a dangling reference.
fn suggest<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean_id(id, known).map(|s| format!("did you mean `{s}`?"))
}

/// Whether an id has the shape of an Annex A id (`5.38`, `A.9.2.1`): such ids are kept for
/// Annex A, so an own control cannot take one.
pub(crate) fn looks_like_annex_a(id: &str) -> bool {
    let t = id.trim();
    let t = t
        .strip_prefix("A.")
        .or_else(|| t.strip_prefix("a."))
        .unwrap_or(t);
    !t.is_empty() && t.contains('.') && t.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Validates one Annex A control reference: unknown ids and 2013-style ids are reported.
fn check_control(model: &Isms, id: &Id, diags: &mut Vec<Diagnostic>) {
    let raw = id.value.trim();
    // The organisation's own controls (6.1.3 c) are valid wherever a control is cited.
    if catalogue::get(raw).is_some()
        || (model.is_additional_control(raw) && !looks_like_annex_a(raw))
    {
        return;
    }
    let loc = model.location(id.span);
    if catalogue::is_2013_id(raw) {
        let hint = match catalogue::map_2013(raw) {
            Some(m) => format!(
                "ISO/IEC 27001:2013 {} ({}) is {} in the 2022 edition",
                m.id_2013,
                m.title_2013,
                m.ids_2022
                    .iter()
                    .zip(&m.titles_2022)
                    .map(|(i, t)| format!("{i} ({t})"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            None => "use the ISO/IEC 27001:2022 control ids (5.1 to 8.34)".to_string(),
        };
        diags.push(
            Diagnostic::error(
                "LOAD-015",
                format!("`{raw}` is an ISO/IEC 27001:2013 control id"),
            )
            .at(loc)
            .with_hint(hint)
            .for_record(raw),
        );
        return;
    }
    let hint = match did_you_mean(raw, catalogue::controls().iter().map(|c| c.id.as_str())) {
        Some(s) => format!(
            "did you mean `{s}` ({})? Annex A ids run 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34",
            catalogue::get(s).map_or("", |c| c.title.as_str())
        ),
        None => {
            "Annex A ids run 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34 (`isms controls` lists them); \
             a control of your own belongs under `additional_controls:` in soa.yaml"
                .to_string()
        }
    };
    diags.push(
        Diagnostic::error(
            "LOAD-014",
            format!("`{raw}` is not an ISO/IEC 27001:2022 Annex A control"),
        )
        .at(loc)
        .with_hint(hint)
        .for_record(raw),
    );
}

/// Why an evidence `url:` cannot be used, or `None` for an `https://` or `http://` link with a
/// host. Other schemes are refused: `file:` points at one machine's disk (and at anything on
/// it), `javascript:` and `data:` run or embed content when the rendered link is clicked.
pub(crate) fn unusable_evidence_url(url: &str) -> Option<String> {
    let t = url.trim();
    let shown = crate::diagnostic::escape_controls(t);
    let shown: String = if shown.chars().count() > 80 {
        shown.chars().take(80).chain("…".chars()).collect()
    } else {
        shown.into_owned()
    };
    let Some((scheme, rest)) = t.split_once(':') else {
        return Some(format!(
            "`{shown}` has no scheme: write the full link, `https://...`"
        ));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Some(
            if scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            {
                format!("`{shown}` has no scheme: write the full link, `https://...`")
            } else {
                format!("`{shown}` uses the `{scheme}:` scheme, which is not accepted")
            },
        );
    }
    let host = rest
        .strip_prefix("//")
        .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() => None,
        _ => Some(format!(
            "`{shown}` names no host: write `{scheme}://host/...`"
        )),
    }
}

/// Whether `rel` is a place the loader reads records from: a record folder or split register
/// at the root (`policies`, `risks`), or an entry inside one.
fn in_record_place(rel: &str) -> bool {
    let first = rel.split('/').next().unwrap_or(rel);
    RECORD_FOLDERS.contains(&first) || SPLIT_REGISTERS.contains(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_normalised() {
        assert_eq!(normalise_rel("./evidence/a.pdf"), "evidence/a.pdf");
        assert_eq!(normalise_rel(".\\evidence\\a.pdf"), "evidence/a.pdf");
        assert_eq!(normalise_rel(" ././evidence/a.pdf "), "evidence/a.pdf");
        assert_eq!(normalise_rel("evidence/a.pdf"), "evidence/a.pdf");
        assert_eq!(normalise_rel(".\\evidence\\b\\"), "evidence/b");
        assert_eq!(normalise_rel("./"), "");
    }

    #[test]
    fn record_files_are_parsed_ahead_in_the_order_they_are_read() {
        // The example has a file of every kind the look-ahead parses; in a debug build the
        // loader asserts that it asked for none of them out of the workers' order.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
        let files: Vec<String> = {
            let mut l = Loader {
                root: root.clone(),
                model: Isms::default(),
                diags: Vec::new(),
                max_file_size: MAX_FILE_SIZE,
                size_from_flag: false,
                preloader: None,
                parsed: HashMap::new(),
                overlay: std::sync::Arc::default(),
                cache: None,
            };
            let found = l.walk().unwrap();
            read_order(&found).into_iter().map(|f| f.rel).collect()
        };
        for kind in [
            "context.yaml",
            "assets.yaml",
            "risks.yaml",
            "soa.yaml",
            "policies/",
        ] {
            assert!(
                files.iter().any(|f| f.starts_with(kind)),
                "{kind} not in {files:?}"
            );
        }
        assert!(!files.iter().any(|f| f == "isms.yaml"));
        let loaded = load(&root).unwrap();
        assert!(!loaded.model.risks.is_empty());
    }

    #[test]
    fn front_matter_split() {
        let t = "---\nid: X\n---\n# Body\n";
        let (fm, body) = split_front_matter(t).unwrap();
        assert_eq!(&t[fm], "id: X\n");
        assert_eq!(&t[body..], "# Body\n");
        assert!(split_front_matter("# no front matter\n").is_none());
        assert!(split_front_matter("---\nid: X\n").is_none());
        let bom = "\u{feff}---\nid: X\n---\nbody";
        let (fm, body) = split_front_matter(bom).unwrap();
        assert_eq!((&bom[fm], &bom[body..]), ("id: X\n", "body"));
        let (fm, _) = split_front_matter("---\r\nid: X\r\n---\r\nbody").unwrap();
        assert_eq!(fm, 5..12);
    }
}
