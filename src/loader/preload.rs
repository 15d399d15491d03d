//! Reading and parsing record files ahead of the sequential typed read, on worker threads,
//! with a bounded look-ahead.
//!
//! A parsed tree takes many times the bytes of its text, so holding every tree until the typed
//! read reaches it made peak memory grow with the whole repository. Workers now parse files in
//! the order the loader reads them and stop when the trees waiting for it reach a budget (a few
//! files, a few MiB of text); the loader takes each result as soon as it is ready, waits for one
//! a worker is still parsing, or parses a file itself when no worker has started it. Results
//! are handed over by path, so diagnostics stay in the loader's order whatever the timing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{Found, Overlay, ParseCache, Prepared, SizeLimit, prepare};
use crate::diagnostic::Diagnostic;

/// Files parsed ahead and not yet taken (being parsed or waiting): enough to keep every worker
/// busy while the loader reads the previous one.
pub(super) const MAX_AHEAD_FILES: usize = 8;
/// Text bytes of the files parsed ahead and not yet taken. A tree is roughly ten to twenty
/// times its text, so this bounds the trees waiting at a few hundred MiB at most; a single
/// larger file is still parsed, alone.
pub(super) const MAX_AHEAD_BYTES: u64 = 16 * 1024 * 1024;

/// How far the workers may parse ahead of the loader.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    pub(super) files: usize,
    pub(super) bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            files: MAX_AHEAD_FILES,
            bytes: MAX_AHEAD_BYTES,
        }
    }
}

type Outcome = Result<Prepared, Box<Diagnostic>>;

enum Slot {
    /// Nobody has started it.
    Pending,
    /// A worker (or the loader) is reading and parsing it.
    Claimed,
    /// Parsed, waiting for the loader.
    Done(Box<Outcome>),
    /// Handed to the loader.
    Taken,
}

struct State {
    slots: Vec<Slot>,
    /// First slot a worker may still find pending.
    next: usize,
    /// Files claimed by workers or parsed and not yet taken, and their size on disk.
    ahead_files: usize,
    ahead_bytes: u64,
    /// The loader is done: workers stop.
    stop: bool,
    /// The index of the last file taken, to tell whether the loader reads in job order.
    last_taken: Option<usize>,
    out_of_order: usize,
    /// Most files ever ahead at once (for the tests of the budget).
    max_ahead: usize,
}

/// The files to read, in the loader's order, and what the workers made of them so far.
pub(super) struct Preloader {
    jobs: Vec<Found>,
    sizes: Vec<u64>,
    budget: Budget,
    index: HashMap<String, usize>,
    root: PathBuf,
    limit: SizeLimit,
    overlay: Arc<Overlay>,
    cache: Option<Arc<ParseCache>>,
    state: Mutex<State>,
    changed: Condvar,
}

impl Preloader {
    /// `jobs` in the order the loader will ask for them, each with its size on disk.
    pub(super) fn new(
        jobs: Vec<(Found, u64)>,
        budget: Budget,
        root: PathBuf,
        limit: SizeLimit,
        overlay: Arc<Overlay>,
        cache: Option<Arc<ParseCache>>,
    ) -> Self {
        let (jobs, sizes): (Vec<Found>, Vec<u64>) = jobs.into_iter().unzip();
        let index = jobs
            .iter()
            .enumerate()
            .map(|(i, f)| (f.rel.clone(), i))
            .collect();
        let slots = jobs.iter().map(|_| Slot::Pending).collect();
        Preloader {
            jobs,
            sizes,
            budget,
            index,
            root,
            limit,
            overlay,
            cache,
            state: Mutex::new(State {
                slots,
                next: 0,
                ahead_files: 0,
                ahead_bytes: 0,
                stop: false,
                last_taken: None,
                out_of_order: 0,
                max_ahead: 0,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the slots half-updated: every change is one assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn prepare(&self, i: usize) -> Outcome {
        prepare(
            &self.root,
            &self.jobs[i],
            self.limit,
            &self.overlay,
            self.cache.as_deref(),
        )
    }

    /// A worker: claims the next pending file while the look-ahead budget allows, parses it and
    /// leaves the result for the loader, until every file is claimed or the loader is done.
    pub(super) fn work(&self) {
        loop {
            let i = {
                let mut st = self.lock();
                loop {
                    if st.stop {
                        return;
                    }
                    while st.next < st.slots.len() && !matches!(st.slots[st.next], Slot::Pending) {
                        st.next += 1;
                    }
                    let i = st.next;
                    let Some(&size) = self.sizes.get(i) else {
                        return;
                    };
                    // Always allow one file ahead, however large, so the budget cannot stall.
                    let fits = st.ahead_files == 0
                        || (st.ahead_files < self.budget.files
                            && st.ahead_bytes + size <= self.budget.bytes);
                    st.max_ahead = st.max_ahead.max(st.ahead_files + usize::from(fits));
                    if fits {
                        st.slots[i] = Slot::Claimed;
                        st.next = i + 1;
                        st.ahead_files += 1;
                        st.ahead_bytes += size;
                        break i;
                    }
                    st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
                }
            };
            let mut claim = Claim {
                pre: self,
                index: i,
                done: false,
            };
            let outcome = self.prepare(i);
            claim.done = true;
            let mut st = self.lock();
            st.slots[i] = Slot::Done(Box::new(outcome));
            drop(st);
            self.changed.notify_all();
        }
    }

    /// The result for `rel`: parsed ahead (waiting for a worker still on it), or read and
    /// parsed here when no worker started it. `None` when `rel` is not a job or was taken.
    pub(super) fn take(&self, rel: &str) -> Option<Outcome> {
        let &i = self.index.get(rel)?;
        let mut st = self.lock();
        if st.last_taken.is_some_and(|last| i < last) {
            st.out_of_order += 1;
        }
        st.last_taken = Some(i);
        loop {
            match std::mem::replace(&mut st.slots[i], Slot::Taken) {
                Slot::Pending => {
                    // Nobody started it (one core, or the workers are behind): parse it here
                    // rather than wait.
                    drop(st);
                    return Some(self.prepare(i));
                }
                Slot::Claimed => {
                    st.slots[i] = Slot::Claimed;
                    st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
                }
                Slot::Done(outcome) => {
                    st.ahead_files = st.ahead_files.saturating_sub(1);
                    st.ahead_bytes = st.ahead_bytes.saturating_sub(self.sizes[i]);
                    drop(st);
                    self.changed.notify_all();
                    return Some(*outcome);
                }
                Slot::Taken => return None,
            }
        }
    }

    /// Tells the workers to stop; results not taken are dropped with the preloader.
    pub(super) fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }

    /// How many files the loader asked for before one it had already passed in job order:
    /// each is a file the workers could not parse ahead in time.
    pub(super) fn out_of_order(&self) -> usize {
        self.lock().out_of_order
    }
}

/// A worker's claim on a file. Released (the file pending again, for the loader to parse)
/// if the worker unwinds before storing the result, so the loader never waits forever.
struct Claim<'a> {
    pre: &'a Preloader,
    index: usize,
    done: bool,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut st = self.pre.lock();
        st.slots[self.index] = Slot::Pending;
        st.ahead_files = st.ahead_files.saturating_sub(1);
        st.ahead_bytes = st.ahead_bytes.saturating_sub(self.pre.sizes[self.index]);
        st.next = st.next.min(self.index);
        // The workers stop so the loader, not another worker, reads the file.
        st.stop = true;
        drop(st);
        self.pre.changed.notify_all();
    }
}

/// Stops the workers when the loader leaves the scope, also when it unwinds, so the thread
/// scope never waits on a worker blocked on the budget.
pub(super) struct StopOnDrop(pub(super) Arc<Preloader>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(n: usize) -> (tempfile::TempDir, Vec<(Found, u64)>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("risks")).unwrap();
        let jobs = (0..n)
            .map(|i| {
                let rel = format!("risks/part-{i:03}.yaml");
                let text = format!("risks:\n  - id: R-{i}\n    title: risk {i}\n");
                std::fs::write(dir.path().join(&rel), &text).unwrap();
                let found = Found {
                    rel,
                    symlink: false,
                    special: None,
                };
                (found, text.len() as u64)
            })
            .collect();
        (dir, jobs)
    }

    fn preloader(dir: &tempfile::TempDir, jobs: Vec<(Found, u64)>, budget: Budget) -> Preloader {
        Preloader::new(
            jobs,
            budget,
            dir.path().to_path_buf(),
            SizeLimit {
                bytes: super::super::MAX_FILE_SIZE,
                from_flag: false,
            },
            Arc::default(),
            None,
        )
    }

    /// The id of the one risk in a parsed file, to tell results apart.
    fn risk_text(outcome: Outcome) -> String {
        let (file, parsed) = outcome.expect("readable");
        let (_, tree) = parsed.expect("parsed");
        let tree = tree.expect("valid YAML");
        let id = tree
            .get("risks")
            .and_then(|r| r.as_seq())
            .and_then(|r| r[0].get("id"));
        format!(
            "{} {}",
            file.path,
            id.and_then(|n| n.scalar_text()).unwrap_or("")
        )
    }

    #[test]
    fn workers_stay_within_the_look_ahead_and_every_file_arrives_in_order() {
        let (dir, jobs) = repo(40);
        let pre = preloader(
            &dir,
            jobs,
            Budget {
                files: 3,
                bytes: u64::MAX,
            },
        );
        let got: Vec<String> = std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| pre.work());
            }
            let got = (0..40)
                .map(|i| risk_text(pre.take(&format!("risks/part-{i:03}.yaml")).unwrap()))
                .collect();
            pre.stop();
            got
        });
        let want: Vec<String> = (0..40)
            .map(|i| format!("risks/part-{i:03}.yaml R-{i}"))
            .collect();
        assert_eq!(got, want);
        let st = pre.lock();
        assert!(st.max_ahead <= 3, "{} files ahead", st.max_ahead);
        assert_eq!(st.out_of_order, 0);
    }

    #[test]
    fn the_byte_budget_lets_one_large_file_through_alone() {
        let (dir, jobs) = repo(5);
        let pre = preloader(&dir, jobs, Budget { files: 8, bytes: 1 });
        std::thread::scope(|s| {
            s.spawn(|| pre.work());
            for i in 0..5 {
                assert!(pre.take(&format!("risks/part-{i:03}.yaml")).is_some());
            }
            pre.stop();
        });
        // One worker could run ahead by every file; the budget holds it to one (or none, when
        // the loader got to a file first).
        let ahead = pre.lock().max_ahead;
        assert!(ahead <= 1, "{ahead} files ahead");
    }

    #[test]
    fn without_workers_the_loader_parses_each_file_itself_and_in_any_order() {
        let (dir, jobs) = repo(3);
        let pre = preloader(&dir, jobs, Budget::default());
        let last = risk_text(pre.take("risks/part-002.yaml").unwrap());
        let first = risk_text(pre.take("risks/part-000.yaml").unwrap());
        assert_eq!(last, "risks/part-002.yaml R-2");
        assert_eq!(first, "risks/part-000.yaml R-0");
        assert_eq!(pre.out_of_order(), 1);
        // Each file is handed over once; a path that is not a job is the loader's to read.
        assert!(pre.take("risks/part-000.yaml").is_none());
        assert!(pre.take("assets.yaml").is_none());
    }

    #[test]
    fn a_stopped_preloader_leaves_the_remaining_files_to_the_loader() {
        let (dir, jobs) = repo(4);
        let pre = preloader(&dir, jobs, Budget::default());
        pre.stop();
        std::thread::scope(|s| {
            s.spawn(|| pre.work());
        });
        assert_eq!(pre.lock().max_ahead, 0);
        assert!(pre.take("risks/part-003.yaml").is_some());
    }
}
