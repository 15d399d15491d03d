//! Benchmark of `isms check` on a large generated ISMS.
//!
//! Generates a deterministic repository (5,000 risks, 20,000 assets, 300 people, 300 suppliers,
//! 1,000 incidents, 500 nonconformities, 100 metrics with a year of results, the full SoA,
//! audits and reviews) in a temporary folder, then measures loading, running every rule, and
//! writing each report format. Run with `cargo bench --bench check`.
//!
//! `ISMS_BENCH_RISKS` and `ISMS_BENCH_ASSETS` change the size; `ISMS_BENCH_SPLIT=<n>` splits
//! assets and risks into `assets/` and `risks/` folders of `n` records per file; `ISMS_BENCH_DIR=<folder>` writes
//! the repository there and keeps it, so the `isms check` binary can be timed on it too;
//! `ISMS_BENCH_GENERATE_ONLY=1` stops after writing it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use isms::checks;
use isms::report::{self, Format, Options, Report};

/// Deterministic pseudo-random numbers, so the repository is identical on every run.
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

const PEOPLE: usize = 300;
const SUPPLIERS: usize = 300;
const INCIDENTS: usize = 1_000;
const NCS: usize = 500;
const METRICS: usize = 100;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(src).unwrap_or(entry.path());
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).expect("write generated file");
}

/// Writes one file of a register split into a folder (`assets/part-0003.yaml`).
fn write_part(dir: &Path, register: &str, part: usize, text: &str) {
    let folder = dir.join(register);
    std::fs::create_dir_all(&folder).expect("create register folder");
    std::fs::write(folder.join(format!("part-{part:04}.yaml")), text).expect("write register part");
}

fn person(i: usize) -> String {
    format!("p-{:03}", i % PEOPLE)
}

/// Writes the generated ISMS: the clean fixture's documents and configuration with large
/// registers. With `split` above 0, assets and the generated risks go into `assets/` and
/// `risks/` folders of `split` records per file (the layout a register above the per-file size
/// limit needs).
fn generate(dir: &Path, risks: usize, assets: usize, split: usize) {
    copy_dir(&fixture(), dir);
    let mut rng = Lcg(2025);

    // People: the fixture's four plus PEOPLE generated staff, all with awareness records.
    let isms = std::fs::read_to_string(dir.join("isms.yaml")).expect("fixture isms.yaml");
    let mut people = String::new();
    for i in 0..PEOPLE {
        let _ = writeln!(
            people,
            "  - {{ id: {}, name: Person {i}, role: Engineer, screened: 2024-01-10, terms_signed: 2024-01-10, confidentiality_signed: 2024-01-10, acceptable_use_acknowledged: 2025-01-15 }}",
            person(i)
        );
    }
    let isms = isms.replacen("people:\n", &format!("people:\n{people}"), 1);
    write(dir, "isms.yaml", &isms);
    let mut training =
        std::fs::read_to_string(dir.join("training.yaml")).expect("fixture training.yaml");
    for i in 0..PEOPLE {
        let _ = writeln!(
            training,
            "  - {{ person: {}, course: Awareness 2025, completed: 2025-02-{:02} }}",
            person(i),
            1 + i % 28
        );
    }
    write(dir, "training.yaml", &training);

    let mut a = String::from("assets:\n");
    if split > 0 {
        std::fs::remove_file(dir.join("assets.yaml")).expect("remove the fixture's assets.yaml");
    }
    for i in 0..assets {
        if split > 0 && i > 0 && i % split == 0 {
            write_part(dir, "assets", i / split - 1, &a);
            a = String::from("assets:\n");
        }
        let kind = [
            "information",
            "software",
            "hardware",
            "service",
            "cloud-service",
        ][i % 5];
        let _ = write!(
            a,
            "  - id: A-{i:05}\n    name: Asset {i}\n    type: {kind}\n    owner: {}\n    classification: internal\n    value: {{ confidentiality: {}, integrity: {}, availability: {} }}\n",
            person(i),
            1 + rng.below(3),
            1 + rng.below(3),
            1 + rng.below(3)
        );
    }
    match (assets.max(1) - 1).checked_div(split) {
        Some(part) => write_part(dir, "assets", part, &a),
        None => write(dir, "assets.yaml", &a),
    }

    // Risks treated with applicable controls that are implemented in the SoA (8.13, 5.30,
    // 5.18), each with a plan, the owner's approval and an acceptable residual level.
    let controls = ["8.13", "5.30", "5.18"];
    let mut r = std::fs::read_to_string(dir.join("risks.yaml")).expect("fixture risks.yaml");
    // The fixture's register ends with `opportunities:`; generated risks appended after it
    // would be read as opportunities (and fail to load), so that list is put back after them.
    let mut tail = String::new();
    if split == 0
        && let Some(at) = r.find("\nopportunities:")
    {
        tail = r.split_off(at + 1);
    }
    if split > 0 {
        // The fixture's own risks and the register-level fields stay in risks.yaml.
        r = String::from("risks:\n");
    }
    for i in 0..risks {
        if split > 0 && i > 0 && i % split == 0 {
            write_part(dir, "risks", i / split - 1, &r);
            r = String::from("risks:\n");
        }
        let owner = person(i);
        let l = 2 + rng.below(2);
        let im = 2 + rng.below(2);
        let _ = write!(
            r,
            "  - id: R-{i:05}
    title: Risk {i}
    description: Generated risk scenario number {i}
    assets: [A-{:05}, A-{:05}]
    threat: Threat {t}
    vulnerability: Weakness {v}
    owner: {owner}
    affects: [confidentiality, availability]
    inherent: {{ likelihood: {l}, impact: {im}, level: {lvl} }}
    treatment: mitigate
    controls: [\"{c1}\", \"{c2}\"]
    plan:
      - {{ action: Implement safeguard {i}, owner: {owner}, due: 2025-05-31, status: done, completed: 2025-05-20 }}
      - {{ action: Verify safeguard {i}, owner: {owner}, due: 2025-12-31, status: planned }}
    plan_approval: {{ by: {owner}, on: 2025-04-02 }}
    residual: {{ likelihood: 1, impact: {im} }}
    acceptance: {{ by: {owner}, on: 2025-04-02 }}
    last_assessed: 2025-04-01
",
            i % assets.max(1),
            (i * 7 + 3) % assets.max(1),
            t = rng.below(50),
            v = rng.below(50),
            lvl = l * im,
            c1 = controls[i % 3],
            c2 = controls[(i + 1) % 3],
        );
    }
    r.push_str(&tail);
    match (risks.max(1) - 1).checked_div(split) {
        Some(part) => write_part(dir, "risks", part, &r),
        None => write(dir, "risks.yaml", &r),
    }

    let mut s = String::from("suppliers:\n");
    for i in 0..SUPPLIERS {
        let _ = write!(
            s,
            "  - id: SUP-{i:03}
    name: Supplier {i}
    cloud: {}
    data_access: true
    criticality: medium
    owner: {}
    security_requirements: Requirements {i}
    agreement: {{ reference: MSA-{i}, security_clauses: true }}
    reviews:
      - {{ date: 2025-0{}-01, result: Reviewed, by: p-ciso }}
",
            i % 2 == 0,
            person(i),
            1 + i % 6
        );
    }
    write(dir, "suppliers.yaml", &s);

    let mut inc = String::from("incidents:\n");
    for i in 0..INCIDENTS {
        let _ = writeln!(
            inc,
            "  - {{ id: INC-{i:04}, title: Event {i}, reported: 2025-0{m}-1{d}, classification: event, severity: low, response: Handled, lessons_learned: Noted, status: closed, closed: 2025-0{m}-2{d} }}",
            m = 1 + i % 6,
            d = i % 9
        );
    }
    write(dir, "incidents.yaml", &inc);

    let mut nc =
        std::fs::read_to_string(dir.join("nonconformities.yaml")).expect("fixture nonconformities");
    for i in 0..NCS {
        let _ = write!(
            nc,
            "  - id: NC-G{i:04}
    title: Generated nonconformity {i}
    source: self-identified
    control: \"{}\"
    raised: 2025-0{}-10
    description: Something was not done {i}
    correction: Done now
    root_cause: Cause {i}
    corrective_action: Process changed {i}
    owner: {}
    due: 2025-06-20
    status: closed
    action_completed: 2025-06-20
    closed: 2025-06-25
    effectiveness: {{ date: 2025-06-25, by: p-ciso, effective: true }}
",
            controls[i % 3],
            1 + i % 5,
            person(i)
        );
    }
    write(dir, "nonconformities.yaml", &nc);

    let mut m = String::from("metrics:\n");
    for i in 0..METRICS {
        let _ = write!(
            m,
            "  - id: M-{i:03}\n    title: Metric {i}\n    method: Report {i}\n    frequency: monthly\n    measured_by: {}\n    analysis: Monthly meeting\n    analysed_by: p-ciso\n    target: \"below 100\"\n    results:\n",
            person(i)
        );
        for month in 1..=6 {
            let _ = writeln!(
                m,
                "      - {{ date: 2025-0{month}-28, value: \"{}\", met: true }}",
                rng.below(100)
            );
        }
    }
    write(dir, "metrics.yaml", &m);
}

fn time<T>(label: &str, runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let v = f();
        best = best.min(start.elapsed());
        last = Some(v);
    }
    println!(
        "{label:<44} {:>9.1} ms (best of {runs})",
        best.as_secs_f64() * 1000.0
    );
    (best, last.expect("at least one run"))
}

/// Parser throughput on the two largest registers: the event parser alone (what any loader
/// built on it pays), our node tree on top of it, and the typed load of the whole repository.
fn throughput(dir: &Path, runs: usize) {
    // The single files, or the folders' parts when the registers are split.
    let mut files: Vec<PathBuf> = Vec::new();
    for register in ["risks", "assets"] {
        let single = dir.join(format!("{register}.yaml"));
        if single.is_file() {
            files.push(single);
        }
        if let Ok(entries) = std::fs::read_dir(dir.join(register)) {
            let mut parts: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).collect();
            parts.sort();
            files.extend(parts);
        }
    }
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("generated register"))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    let (events, _) = time("granit-parser events only (risks + assets)", runs, || {
        let mut n = 0usize;
        for t in &texts {
            for e in granit_parser::Parser::new_from_str(t) {
                if e.is_err() {
                    break;
                }
                n += 1;
            }
        }
        n
    });
    let (tree, _) = time("isms::yaml::parse node tree (risks + assets)", runs, || {
        let mut n = 0usize;
        for t in &texts {
            let f = isms::source::SourceFile::new("r.yaml", t.as_str());
            if isms::yaml::parse(isms::source::FileId(0), &f, 0..t.len()).is_ok() {
                n += 1;
            }
        }
        n
    });
    let rate = |d: Duration| mb / d.as_secs_f64().max(1e-9);
    println!(
        "throughput on {mb:.1} MB: events {:.1} MB/s, node tree {:.1} MB/s ({:.0}% of the event parser)",
        rate(events),
        rate(tree),
        100.0 * events.as_secs_f64() / tree.as_secs_f64().max(1e-9)
    );
}

fn main() {
    let risks = env_usize("ISMS_BENCH_RISKS", 5_000);
    let assets = env_usize("ISMS_BENCH_ASSETS", 20_000);
    let keep = std::env::var_os("ISMS_BENCH_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("output folder");
    let start = Instant::now();
    let split = env_usize("ISMS_BENCH_SPLIT", 0);
    generate(&dir, risks, assets, split);
    let bytes: u64 = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {risks} risks, {assets} assets, {PEOPLE} people, {SUPPLIERS} suppliers, {INCIDENTS} incidents, {NCS} nonconformities in {:.1} s ({:.1} MiB) at {}",
        start.elapsed().as_secs_f64(),
        bytes as f64 / 1024.0 / 1024.0,
        dir.display()
    );

    if std::env::var_os("ISMS_BENCH_GENERATE_ONLY").is_some() {
        // benches/scale.sh times the binary on the repository; the library timings are not
        // needed there.
        return;
    }
    let as_of = "2025-06-30".parse().expect("date");
    let runs = 5;
    throughput(&dir, runs);
    let (_, loaded) = time("load (parse + cross-reference)", runs, || {
        isms::loader::load(&dir).expect("loads")
    });
    let (_, outcome) = time("rules + sink (all rules, no output)", runs, || {
        checks::check_loaded(&loaded, &[], as_of)
    });
    let s = outcome.summary();
    println!(
        "findings: {} errors, {} warnings, {} infos ({} load problems)",
        s.errors,
        s.warnings,
        s.infos,
        loaded.diagnostics.len()
    );
    let options = Options {
        color: false,
        fold: true,
        path_prefix: String::new(),
    };
    // Two years later nearly everything is overdue: thousands of findings to report.
    let late = "2027-06-30".parse().expect("date");
    let (_, many) = time(
        "rules + sink, as of 2027-06-30 (many findings)",
        runs,
        || checks::check_loaded(&loaded, &[], late),
    );
    let s = many.summary();
    println!(
        "findings as of 2027-06-30: {} errors, {} warnings",
        s.errors, s.warnings
    );
    for (label, outcome) in [("no findings", &outcome), ("many findings", &many)] {
        let rep = Report {
            outcome,
            sources: &loaded.model.sources,
            options: &options,
        };
        for format in [
            Format::Human,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Junit,
        ] {
            time(
                &format!("report --format {format:?} ({label})"),
                runs,
                || {
                    let mut out = Vec::new();
                    report::emit(format, &rep, &mut out).expect("report");
                    out.len()
                },
            );
        }
    }
    time("end to end: load + rules + human report", runs, || {
        let loaded = isms::loader::load(&dir).expect("loads");
        let outcome = checks::check_loaded(&loaded, &[], as_of);
        let rep = Report {
            outcome: &outcome,
            sources: &loaded.model.sources,
            options: &options,
        };
        let mut out = Vec::new();
        report::emit(Format::Human, &rep, &mut out).expect("report");
        out.len()
    });
    if keep.is_some() {
        println!(
            "kept the repository; time the binary with: time isms check {} --as-of 2025-06-30",
            dir.display()
        );
    }
}
