//! Benchmark of the Git history index against `git log`.
//!
//! Generates a deterministic repository (20,000 commits over 2,000 record files by default)
//! with `git fast-import` in a temporary folder, then measures, in the same run:
//!
//! * `git log --name-only --format=%H` (the reference: one walk, paths only),
//! * `HistoryIndex::build` with paths and renames only,
//! * `HistoryIndex::build` with record-level changes (the default used by `isms log`),
//!
//! and prints the ratios. Run with `cargo bench --bench history`. `ISMS_BENCH_COMMITS` and
//! `ISMS_BENCH_FILES` scale the repository down for a quick try.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use isms::evidence::{BuildOptions, HistoryIndex};

/// Deterministic pseudo-random numbers (a 64-bit linear congruential generator), so that the
/// generated repository is identical on every run and machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The current content of one record file.
struct File {
    path: String,
    revision: usize,
    /// False between a deletion and the next change, which adds the file again.
    present: bool,
}

impl File {
    fn is_yaml(&self) -> bool {
        self.path.ends_with(".yaml")
    }

    fn content(&self, n: usize) -> String {
        if self.is_yaml() {
            // A register of five risks; one of them changes with every revision.
            let mut s = String::from("risks:\n");
            for k in 0..5 {
                let review = if k == self.revision % 5 {
                    self.revision
                } else {
                    0
                };
                s.push_str(&format!(
                    "  - id: R-{n:04}-{k}\n    title: Risk {k} of register {n}\n    owner: owner-{k}\n    \
                     likelihood: {}\n    impact: 3\n    controls: [5.1, 5.10, 8.13]\n    review: {review}\n",
                    1 + (self.revision + k) % 5
                ));
            }
            s
        } else {
            let mut s = format!(
                "---\nid: DOC-{n:04}\ntitle: Procedure {n}\nowner: ciso\nversion: {}\n---\n# Procedure {n}\n\n",
                self.revision
            );
            for line in 0..8 {
                s.push_str(&format!(
                    "Step {line}: do the thing properly and record the outcome.\n"
                ));
            }
            s.push_str(&format!("\nRevision note {}.\n", self.revision));
            s
        }
    }
}

/// Writes the fast-import stream: one commit adding every file, then single- or
/// few-file changes, with a rename every 250 commits and a delete + re-add every 1,000.
fn stream(commits: usize, files: usize) -> Vec<u8> {
    let mut rng = Lcg(0x1505_2700_2022);
    let mut out = Vec::with_capacity(commits * 700);
    let mut tree: Vec<File> = (0..files)
        .map(|n| {
            let folder = if n % 2 == 0 {
                "registers"
            } else {
                "procedures"
            };
            let ext = if n % 2 == 0 { "yaml" } else { "md" };
            File {
                path: format!("isms/{folder}/record-{n:04}.{ext}"),
                revision: 0,
                present: true,
            }
        })
        .collect();
    let authors = [
        "Alice Example <alice@example.com>",
        "Bob Example <bob@example.com>",
        "Carol Example <carol@example.com>",
    ];
    let mut time: u64 = 1_577_836_800; // 2020-01-01
    for c in 0..commits {
        time += 3_600 + rng.below(7_200) as u64;
        let who = authors[rng.below(authors.len())];
        let msg = format!("Change {c}\n");
        let _ = write!(out, "commit refs/heads/main\nmark :{}\n", c + 1);
        let _ = write!(
            out,
            "author {who} {time} +0000\ncommitter {who} {time} +0000\n"
        );
        let _ = write!(out, "data {}\n{msg}", msg.len());
        if c > 0 {
            let _ = writeln!(out, "from :{c}");
        }
        let mut touched: Vec<usize> = Vec::new();
        if c == 0 {
            touched.extend(0..files);
        } else if c % 250 == 0 {
            // git mv: a rename with a small edit, as a reorganisation would do.
            let mut n = rng.below(files);
            while !tree[n].present {
                n = (n + 1) % files;
            }
            let old = tree[n].path.clone();
            let new = old.replace("record-", &format!("moved{c}-"));
            let _ = writeln!(out, "R \"{old}\" \"{new}\"");
            tree[n].path = new;
        } else if c % 1_000 == 1 {
            let mut n = rng.below(files);
            while !tree[n].present {
                n = (n + 1) % files;
            }
            let _ = writeln!(out, "D {}", tree[n].path);
            // Added again by whichever later commit changes it.
            tree[n].present = false;
        } else {
            let count = 1 + rng.below(3);
            for _ in 0..count {
                touched.push(rng.below(files));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for n in touched {
            tree[n].revision += 1;
            tree[n].present = true;
            let content = tree[n].content(n);
            let _ = write!(
                out,
                "M 100644 inline {}\ndata {}\n{content}\n",
                tree[n].path,
                content.len()
            );
        }
    }
    out
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "init.defaultBranch")
        .env("GIT_CONFIG_VALUE_0", "main");
    cmd
}

fn generate(dir: &Path, commits: usize, files: usize) -> Result<(), String> {
    let status = git(dir)
        .args(["init", "--quiet"])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("git init failed".into());
    }
    let mut child = git(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let data = stream(commits, files);
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(&data)
        .map_err(|e| e.to_string())?;
    if !child.wait().map_err(|e| e.to_string())?.success() {
        return Err("git fast-import failed".into());
    }
    let status = git(dir)
        .args(["checkout", "--quiet", "main"])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("git checkout failed".into());
    }
    Ok(())
}

/// Best of `runs` timings (the least disturbed by other work on the machine).
fn best<F: FnMut() -> Result<(), String>>(runs: usize, mut f: F) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

fn main() -> Result<(), String> {
    // `cargo bench` passes `--bench`; this program takes no other arguments.
    let commits = env_usize("ISMS_BENCH_COMMITS", 20_000);
    let files = env_usize("ISMS_BENCH_FILES", 2_000);
    let runs = env_usize("ISMS_BENCH_RUNS", 5);
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    // `ISMS_BENCH_DIR` keeps the repository (for timing `isms log` on it); with
    // `ISMS_BENCH_GENERATE_ONLY` nothing is timed.
    let kept = std::env::var_os("ISMS_BENCH_DIR").map(std::path::PathBuf::from);
    let repo = kept.as_deref().unwrap_or(tmp.path());
    std::fs::create_dir_all(repo).map_err(|e| e.to_string())?;
    let t = Instant::now();
    generate(repo, commits, files)?;
    println!(
        "generated {commits} commits over {files} record files in {:.1?} at {}",
        t.elapsed(),
        repo.display()
    );
    if std::env::var_os("ISMS_BENCH_GENERATE_ONLY").is_some() {
        return Ok(());
    }
    let isms = repo.join("isms");

    let git_log = best(runs, || {
        let out = git(repo)
            .args(["log", "--name-only", "--format=%H"])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        out.success()
            .then_some(())
            .ok_or_else(|| "git log failed".to_string())
    })?;
    let mut check = None;
    let index_time = best(runs, || {
        let index = HistoryIndex::build(&isms, &BuildOptions::default())
            .map_err(|e| e.to_string())?
            .ok_or("no repository")?;
        let changes: usize = (0..index.commits().len())
            .map(|i| index.changes_of(i).len())
            .sum();
        check = Some((index.commits().len(), index.paths().len(), changes));
        Ok(())
    })?;
    let mut records = 0;
    let eager = best(runs, || {
        let opts = BuildOptions {
            precompute_records: true,
            ..BuildOptions::default()
        };
        let index = HistoryIndex::build(&isms, &opts)
            .map_err(|e| e.to_string())?
            .ok_or("no repository")?;
        records = index.record_ids().len();
        Ok(())
    })?;
    // What `isms log R-0100-3` does: build, then the history of one record id.
    let mut record_changes = 0;
    let one_record = best(runs, || {
        let index = HistoryIndex::build(&isms, &BuildOptions::default())
            .map_err(|e| e.to_string())?
            .ok_or("no repository")?;
        record_changes = index.record_history("R-0100-3").len();
        Ok(())
    })?;
    let (indexed_commits, paths, changes) = check.unwrap_or_default();
    println!(
        "index: {indexed_commits} commits, {changes} file changes, {paths} paths, {records} record ids"
    );
    let ratio = |d: Duration| d.as_secs_f64() / git_log.as_secs_f64();
    println!(
        "git log --name-only --format=%H          {:>8.3} s",
        git_log.as_secs_f64()
    );
    println!(
        "HistoryIndex::build                      {:>8.3} s  ratio {:.2}x",
        index_time.as_secs_f64(),
        ratio(index_time)
    );
    println!(
        "build + record ids of every change       {:>8.3} s  ratio {:.2}x",
        eager.as_secs_f64(),
        ratio(eager)
    );
    println!(
        "build + history of one record ({record_changes} changes) {:>8.3} s  ratio {:.2}x",
        one_record.as_secs_f64(),
        ratio(one_record)
    );
    Ok(())
}
