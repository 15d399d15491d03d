//! `isms communicate`, `measure`, `awareness`, `competence`, `assess`, `agreement` and
//! `confirm climate|OBJ-..`: each records what happened in place (every other byte
//! unchanged), refuses what `isms check` would reject (writing nothing), and clears the
//! finding it answers.

#[path = "support/clean.rs"]
mod clean;
#[path = "support/recording.rs"]
mod recording;

use std::path::Path;

use clean::{findings, snapshot};
use recording::{acme, isms, scaffold};

const AS_OF: &str = "2026-12-07";

/// Asserts that only `file` changed, and returns its text before and after.
fn only_changed(before: &[(String, Vec<u8>)], dir: &Path, file: &str) -> (String, String) {
    let now = snapshot(dir);
    assert_eq!(before.len(), now.len());
    let mut pair = None;
    for ((p, b), (q, c)) in before.iter().zip(&now) {
        assert_eq!(p, q);
        if p == file {
            assert_ne!(b, c, "{file} did not change");
            pair = Some((
                String::from_utf8(b.clone()).unwrap(),
                String::from_utf8(c.clone()).unwrap(),
            ));
        } else {
            assert_eq!(b, c, "{p} changed");
        }
    }
    pair.expect("the file exists")
}

/// The text that replaced `removed` between `before` and `after`: everything before and after
/// the one changed stretch is byte for byte the same.
fn replaced(before: &str, after: &str) -> (String, String) {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        before[prefix..before.len() - suffix].to_string(),
        after[prefix..after.len() - suffix].to_string(),
    )
}

fn has(dir: &Path, code: &str, record: &str) -> bool {
    findings(dir, AS_OF).iter().any(|f| {
        f.code == code && (f.record.as_deref() == Some(record) || f.message.contains(record))
    })
}

fn count(dir: &Path, code: &str) -> usize {
    findings(dir, AS_OF)
        .iter()
        .filter(|f| f.code == code)
        .count()
}

#[test]
fn communicate_the_policy_once_approved_and_the_roles() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "LDR-03", "POL-01"));
    let before = snapshot(&dir);
    isms()
        .args(["communicate", "POL-01"])
        .arg(&dir)
        .args(["--how", "All-hands", "--acknowledgements", "HR system"])
        .args(["--available", "On request"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("approve it first"));
    assert_eq!(snapshot(&dir), before);

    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success();
    let before = snapshot(&dir);
    // The top-level policy needs all of 5.2 f-g.
    isms()
        .args(["communicate", "POL-01"])
        .arg(&dir)
        .args(["--how", "All-hands", "--acknowledgements", "HR system"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs --available"));
    // --dry-run prints the change and writes nothing.
    isms()
        .args(["communicate", "POL-01"])
        .arg(&dir)
        .args(["--how", "All-hands", "--acknowledgements", "HR system"])
        .args(["--available", "On request", "--dry-run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("+  on: 2026-12-01"));
    assert_eq!(snapshot(&dir), before);
    isms()
        .args(["communicate", "POL-01"])
        .arg(&dir)
        .args(["--how", "All-hands", "--acknowledgements", "HR system"])
        .args(["--available", "On request"])
        .assert()
        .success()
        .stdout("policies/information-security.md: policy POL-01 communicated\n");
    let (old, new) = only_changed(&before, &dir, "policies/information-security.md");
    let (gone, came) = replaced(&old, &new);
    // The three values and their to-do notes, nothing else: `public:` keeps its comment.
    assert!(
        gone.starts_with("~               # to do: date"),
        "{gone:?}"
    );
    assert!(came.starts_with("2026-12-01\n  via: All-hands"), "{came:?}");
    assert!(
        new.contains("  public: false       # set to true once published"),
        "{new}"
    );
    assert!(new.contains("  available: On request\n"), "{new}");
    assert!(!has(&dir, "LDR-03", "POL-01"));

    assert!(count(&dir, "LDR-07") > 0);
    isms()
        .args([
            "communicate",
            "top-management,isms-owner,risk-owner,internal-auditor,incident-manager,privacy-lead,people-security",
        ])
        .arg(&dir)
        .args(["--how", "Appointment e-mail from the CEO"])
        .assert()
        .success();
    assert_eq!(count(&dir, "LDR-07"), 0);
}

#[test]
fn communicate_refuses_an_unknown_target_with_the_closest_id() {
    let (_t, dir) = scaffold();
    let before = snapshot(&dir);
    isms()
        .args(["communicate", "isms-owner,isms-ower"])
        .arg(&dir)
        .args(["--how", "Letter"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `isms-owner`?"));
    isms()
        .args(["communicate", "isms-owner"])
        .arg(&dir)
        .args(["--how", "  "])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--how is empty"));
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn measure_a_metric_and_an_objective() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "PER-01", "M-01"));
    let before = snapshot(&dir);
    // A metric with a target is evaluated against it.
    isms()
        .args(["measure", "M-01"])
        .arg(&dir)
        .args(["--value", "96%"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--met or --not-met"));
    isms()
        .args(["measure", "M-1"])
        .arg(&dir)
        .args(["--value", "96%", "--met"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `M-01`?"));
    assert_eq!(snapshot(&dir), before);
    isms()
        .args(["measure", "M-01"])
        .arg(&dir)
        .args(["--value", "96%", "--not-met", "--note", "Two keys on order"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "metrics.yaml");
    let (gone, came) = replaced(&old, &new);
    assert_eq!(gone, " []");
    assert_eq!(
        came,
        "\n      - date: 2026-12-01\n        value: \"96%\"\n        met: false\n        note: Two keys on order"
    );
    assert!(!has(&dir, "PER-01", "M-01"));
    // A second result on the same day is refused.
    isms()
        .args(["measure", "M-01"])
        .arg(&dir)
        .args(["--value", "97%", "--met"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "already has a result dated 2026-12-01",
        ));

    let before = snapshot(&dir);
    isms()
        .args(["measure", "OBJ-02"])
        .arg(&dir)
        .args(["--value", "80", "--note", "Keys rolled out to engineering"])
        .assert()
        .success()
        .stdout("objectives.yaml: progress of objective OBJ-02 recorded\n");
    let (_, new) = only_changed(&before, &dir, "objectives.yaml");
    assert!(
        new.contains("    measurements:\n      - date: 2026-12-01\n        value: \"80\"\n        note: Keys rolled out to engineering\n"),
        "{new}"
    );
    assert!(!has(&dir, "OBJ-02", "OBJ-02"));
}

#[test]
fn awareness_and_competence_records() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "SUP-02", "p-ceo"));
    assert!(has(&dir, "SUP-01", "p-internal-auditor"));
    let before = snapshot(&dir);
    isms()
        .args(["awareness", "p-ceo,p-ctoo"])
        .arg(&dir)
        .args(["--course", "Security awareness 2026"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `p-cto`?"));
    isms()
        .args(["competence", "p-cto"])
        .arg(&dir)
        .args(["--role", "internal-auditor", "--evidence", "Course"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "p-cto does not hold role internal-auditor",
        ));
    assert_eq!(snapshot(&dir), before);

    isms()
        .args(["awareness", "p-ceo,p-cto"])
        .arg(&dir)
        .args(["--course", "Security awareness 2026"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "training.yaml");
    let (gone, came) = replaced(&old, &new);
    assert_eq!(gone, " []");
    assert_eq!(
        came,
        "\n  - person: p-ceo\n    course: Security awareness 2026\n    completed: 2026-12-01\n  - person: p-cto\n    course: Security awareness 2026\n    completed: 2026-12-01"
    );
    assert!(!has(&dir, "SUP-02", "p-ceo"));
    assert!(has(&dir, "SUP-02", "p-ops-lead"));
    // The same completion twice is refused.
    isms()
        .args(["awareness", "p-ops-lead,p-cto"])
        .arg(&dir)
        .args(["--course", "Security awareness 2026"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("p-cto already has a record"));
    assert!(has(&dir, "SUP-02", "p-ops-lead"));

    isms()
        .args(["competence", "p-internal-auditor"])
        .arg(&dir)
        .args(["--role", "internal-auditor"])
        .args([
            "--evidence",
            "Lead auditor certificate",
            "--expires",
            "2029-06-30",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.join("training.yaml")).unwrap();
    assert!(
        text.contains("competence:\n  - person: p-internal-auditor\n    role: internal-auditor\n    evidence: Lead auditor certificate\n    date: 2026-12-01\n    expires: 2029-06-30\n"),
        "{text}"
    );
    assert!(!has(&dir, "SUP-01", "p-internal-auditor"));
}

#[test]
fn assess_a_supplier_and_record_its_agreement() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "OPS-01", "SUP-01"));
    assert!(has(&dir, "OPS-02", "SUP-01"));
    let markers = count(&dir, "SUP-12");
    let before = snapshot(&dir);
    isms()
        .args(["assess", "SUP-01"])
        .arg(&dir)
        .args(["--by", "p-nobody", "--result", "fine"])
        .assert()
        .code(2);
    isms()
        .args(["assess", "SUP-01,SUP-99"])
        .arg(&dir)
        .args(["--by", "p-ops-lead", "--result", "fine"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("there is no supplier `SUP-99`"));
    assert_eq!(snapshot(&dir), before);

    isms()
        .args(["assess", "SUP-01"])
        .arg(&dir)
        .args([
            "--by",
            "p-ops-lead",
            "--result",
            "Certificate checked; acceptable",
        ])
        .args(["--reference", "ticket SEC-12"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "suppliers.yaml");
    let (gone, came) = replaced(&old, &new);
    assert!(gone.starts_with(" []   # to do: assess"), "{gone:?}");
    assert_eq!(
        came,
        "\n      - date: 2026-12-01\n        by: p-ops-lead\n        result: Certificate checked; acceptable\n        reference: ticket SEC-12"
    );
    assert!(!has(&dir, "OPS-01", "SUP-01"));
    isms()
        .args(["assess", "SUP-01"])
        .arg(&dir)
        .args(["--by", "p-ops-lead", "--result", "Again"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "already has an assessment by p-ops-lead",
        ));
    // The to-do note on the line went with it.
    assert_eq!(count(&dir, "SUP-12"), markers - 1);

    let before = snapshot(&dir);
    isms()
        .args(["agreement", "SUP-01"])
        .arg(&dir)
        .args(["--reference", "MSA 2026", "--security-clauses", "--dpa"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "suppliers.yaml");
    let (gone, came) = replaced(&old, &new);
    assert_eq!(
        gone,
        "~, security_clauses: false, dpa: false }   # to do: record the agreement"
    );
    assert_eq!(came, "MSA 2026, security_clauses: true, dpa: true }");
    assert!(!has(&dir, "OPS-02", "SUP-01"));
    assert_eq!(count(&dir, "SUP-12"), markers - 2);
}

#[test]
fn confirm_the_climate_determination_and_an_objective() {
    let (_t, dir) = scaffold();
    assert_eq!(count(&dir, "CTX-02"), 1);
    let before = snapshot(&dir);
    isms()
        .args(["confirm", "climate"])
        .arg(&dir)
        .args(["--by", "p-security-lead"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not top management"));
    isms()
        .args(["confirm", "OBJ-02"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give --due"));
    assert_eq!(snapshot(&dir), before);
    isms()
        .args(["confirm", "climate"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success()
        .stdout("context.yaml: climate-change determination confirmed by p-ceo\n");
    let (old, new) = only_changed(&before, &dir, "context.yaml");
    let (gone, came) = replaced(&old, &new);
    assert!(
        gone.starts_with("~, on: ~ }   # to do: top management"),
        "{gone:?}"
    );
    assert_eq!(came, "p-ceo, on: 2026-12-01 }");
    assert_eq!(count(&dir, "CTX-02"), 0);

    assert!(has(&dir, "OBJ-01", "OBJ-02"));
    assert!(has(&dir, "OBJ-02", "OBJ-02"));
    let before = snapshot(&dir);
    isms()
        .args(["confirm", "OBJ-02"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--due", "2027-06-30"])
        .assert()
        .success();
    let (_, new) = only_changed(&before, &dir, "objectives.yaml");
    assert!(
        new.contains("    due: 2027-06-30\n    evaluation: \"Monthly report from the identity provider (metric M-01)\"\n    set: 2026-12-01\n"),
        "{new}"
    );
    assert!(!has(&dir, "OBJ-01", "OBJ-02"));
    // Set this week: monitoring entries are not expected yet.
    assert!(!has(&dir, "OBJ-02", "OBJ-02"));
}

#[test]
fn on_the_example_only_the_recorded_lines_change() {
    let (_t, dir) = acme();
    let runs: &[(&[&str], &str)] = &[
        (
            &[
                "measure",
                "M-01",
                "--value",
                "99%",
                "--met",
                "--on",
                "2026-12-03",
            ],
            "metrics.yaml",
        ),
        (
            &["measure", "OBJ-01", "--value", "12", "--on", "2026-12-03"],
            "objectives.yaml",
        ),
        (
            &[
                "awareness",
                "p-ceo",
                "--course",
                "Refresher",
                "--on",
                "2026-12-03",
            ],
            "training.yaml",
        ),
        (
            &[
                "competence",
                "p-cto",
                "--role",
                "risk-owner",
                "--evidence",
                "Workshop 2026",
                "--on",
                "2026-12-03",
            ],
            "training.yaml",
        ),
        (
            &[
                "assess",
                "SUP-02",
                "--by",
                "p-isms",
                "--result",
                "Yearly review: acceptable",
                "--on",
                "2026-12-03",
            ],
            "suppliers.yaml",
        ),
        (
            &[
                "communicate",
                "isms-manager",
                "--how",
                "Org chart update",
                "--on",
                "2026-12-03",
            ],
            "isms.yaml",
        ),
    ];
    for (args, file) in runs {
        let before = snapshot(&dir);
        isms()
            .args(&args[..2])
            .arg(&dir)
            .args(&args[2..])
            .assert()
            .success();
        let (old, new) = only_changed(&before, &dir, file);
        let (gone, came) = replaced(&old, &new);
        // An append removes nothing; a replaced record loses only its own old value.
        if !["communicate"].contains(&args[0]) {
            assert!(gone.is_empty(), "{args:?}: {gone:?}");
        }
        assert!(!came.is_empty(), "{args:?}");
        assert!(
            new.matches("2026-12-03").count() > old.matches("2026-12-03").count(),
            "{args:?}: {came:?}"
        );
    }
}

#[test]
fn unusual_layout_comments_and_blank_lines_survive() {
    let (_t, dir) = scaffold();
    let suppliers = "# Our suppliers.\n\nsuppliers:\n\n    # the cloud\n    -   id: SUP-01\n        name: Cloud   # which one\n        data_access: true\n        agreement:\n            reference: ~\n        reviews:\n            -   date: 2026-01-05\n                by: p-ops-lead\n                result: Onboarding check\n\n    -   id: SUP-02\n        name: Chat\n        criticality: low\n# end\n";
    std::fs::write(dir.join("suppliers.yaml"), suppliers).unwrap();
    isms()
        .args(["assess", "SUP-01"])
        .arg(&dir)
        .args(["--by", "p-ops-lead", "--result", "Yearly review"])
        .assert()
        .success();
    isms()
        .args(["agreement", "SUP-01"])
        .arg(&dir)
        .args(["--reference", "MSA", "--security-clauses"])
        .assert()
        .success();
    let after = std::fs::read_to_string(dir.join("suppliers.yaml")).unwrap();
    assert_eq!(
        after,
        "# Our suppliers.\n\nsuppliers:\n\n    # the cloud\n    -   id: SUP-01\n        name: Cloud   # which one\n        data_access: true\n        agreement:\n            reference: MSA\n            security_clauses: true\n            dpa: false\n        reviews:\n            -   date: 2026-01-05\n                by: p-ops-lead\n                result: Onboarding check\n            -   date: 2026-12-01\n                by: p-ops-lead\n                result: Yearly review\n\n    -   id: SUP-02\n        name: Chat\n        criticality: low\n# end\n"
    );
}

#[test]
fn recording_the_communication_of_an_approved_policy_does_not_outdate_its_approval() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms().arg("init").arg(&dir).assert().success();
    let repo = git2::Repository::open(&dir).unwrap();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Test Runner").unwrap();
    cfg.set_str("user.email", "runner@example.com").unwrap();
    // Real dates: the approval is compared with the dates of the commits.
    let isms = || {
        let mut c = isms();
        c.env_remove("ISMS_TODAY");
        c
    };
    let today = jiff::ZonedDateTime::now().date().to_string();
    let git04 = |dir: &Path| {
        let out = isms()
            .arg("check")
            .arg(dir)
            .args(["--as-of", &today])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.starts_with("warning[GIT-04]"))
    };
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--commit"])
        .assert()
        .success();
    assert!(!git04(&dir));
    // A commit without any trailer that records only the communication.
    isms()
        .args(["communicate", "POL-01"])
        .arg(&dir)
        .args(["--how", "All-hands", "--acknowledgements", "HR system"])
        .args(["--available", "On request", "--commit"])
        .assert()
        .success();
    let msg = repo.head().unwrap().peel_to_commit().unwrap();
    assert!(!msg.message().unwrap().contains("Approved-by:"));
    assert!(!git04(&dir));
    // The same kind of commit changing the policy's text is still reported.
    let policy = dir.join("policies/information-security.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{text}\nOne more rule.\n")).unwrap();
    let mut idx = repo.index().unwrap();
    idx.add_path(Path::new("policies/information-security.md"))
        .unwrap();
    idx.write().unwrap();
    let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
    let sig = repo.signature().unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "Add a rule\n", &tree, &[&parent])
        .unwrap();
    assert!(git04(&dir));
}

#[test]
fn an_internal_audit_from_its_plan_to_its_report() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "AUD-03", "no internal audit has been completed"));
    isms()
        .args(["new", "audit"])
        .arg(&dir)
        .args([
            "--id",
            "AUD-2026-01",
            "--title",
            "Internal audit: management system",
        ])
        .args(["--auditor", "p-internal-auditor"])
        .assert()
        .success()
        .stdout("created AUD-2026-01 in audits/aud-2026-01.md:2\n");
    let file = dir.join("audits/aud-2026-01.md");
    let text = std::fs::read_to_string(&file).unwrap();
    // What the programme planned for this id is where the record starts.
    assert!(
        text.contains("scope: ISMS management system requirements (clauses 4 to 10) and organizational controls\nclauses: [\"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\"]\ncontrols: [\"5.1\", \"5.2\","),
        "{text}"
    );
    assert!(text.contains("\ncriteria: ISO/IEC 27001:2022"), "{text}");
    isms()
        .args(["new", "audit"])
        .arg(&dir)
        .args(["--title", "Another", "--auditor", "p-internal-auditor"])
        .args(["--clauses", "4,11"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--clauses 11"));

    let before = snapshot(&dir);
    isms()
        .args(["report", "AUD-2026-01"])
        .arg(&dir)
        .args(["--to", "p-ops-lead"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "none of p-ops-lead is management",
        ));
    isms()
        .args(["report", "AUD-2026-1"])
        .arg(&dir)
        .args(["--to", "p-ceo"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `AUD-2026-01`?"));
    isms()
        .args(["report", "AUD-2026-01"])
        .arg(&dir)
        .args(["--to", "p-ceo,p-security-lead", "--dry-run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("+status: completed"));
    assert_eq!(snapshot(&dir), before);
    isms()
        .args(["report", "AUD-2026-01"])
        .arg(&dir)
        .args(["--to", "p-ceo,p-security-lead"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "audits/aud-2026-01.md");
    assert_eq!(
        new,
        old.replacen("status: planned", "status: completed", 1)
            .replacen(
                "\n---\n",
                "\nreport:\n  date: 2026-12-01\n  recipients: [p-ceo, p-security-lead]\n---\n",
                1
            )
    );
    assert!(!has(&dir, "AUD-03", "no internal audit has been completed"));
    assert_eq!(count(&dir, "AUD-03"), 0);
    assert_eq!(count(&dir, "AUD-05"), 0);
    isms()
        .args(["report", "AUD-2026-01"])
        .arg(&dir)
        .args(["--to", "p-ceo"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already completed"));
}

#[test]
fn the_report_of_an_audit_written_by_hand_changes_only_its_fields() {
    let (_t, dir) = scaffold();
    let text = "---\nid: AUD-2026-07\ntitle: Supplier audit   # by hand\ntype: internal\nstatus: in-progress   # to do: completed when the report is out\n\ndate: 2026-11-20\nscope: Supplier management\ncriteria: ISO/IEC 27001:2022 8.1\nauditor: p-internal-auditor\nreport:\n    date: ~        # to do: date the report was issued\n    recipients: []\napproval: { by: ~, on: ~ }\n---\n\n# Body\n\nKept.\n";
    std::fs::write(dir.join("audits/aud-2026-07.md"), text).unwrap();
    isms()
        .args(["report", "AUD-2026-07"])
        .arg(&dir)
        .args(["--to", "p-cto", "--on", "2026-11-27"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.join("audits/aud-2026-07.md")).unwrap(),
        "---\nid: AUD-2026-07\ntitle: Supplier audit   # by hand\ntype: internal\nstatus: completed\n\ndate: 2026-11-20\nscope: Supplier management\ncriteria: ISO/IEC 27001:2022 8.1\nauditor: p-internal-auditor\nreport:\n    date: 2026-11-27\n    recipients: [p-cto]\napproval: { by: ~, on: ~ }\n---\n\n# Body\n\nKept.\n"
    );
}

#[test]
fn a_management_review_from_its_record_to_its_decisions() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "MR-01", "no management review has been recorded"));
    isms()
        .args(["new", "review"])
        .arg(&dir)
        .args([
            "--title",
            "Management review 2026",
            "--owner",
            "p-security-lead",
        ])
        .args(["--attendees", "p-ceo,p-ctoo"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `p-cto`?"));
    isms()
        .args(["new", "review"])
        .arg(&dir)
        .args([
            "--title",
            "Management review 2026",
            "--owner",
            "p-security-lead",
        ])
        .args(["--attendees", "p-ceo,p-security-lead"])
        .assert()
        .success()
        .stdout("created MR-2026-01 in reviews/mr-2026-01.md:2\n");
    assert_eq!(count(&dir, "MR-01"), 0);
    assert!(has(&dir, "MR-02", "MR-2026-01"));
    assert!(has(&dir, "MR-03", "MR-2026-01"));

    let before = snapshot(&dir);
    isms()
        .args(["present", "MR-2026-01"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at least one input"));
    isms()
        .args(["decide", "MR-2026-01"])
        .arg(&dir)
        .args(["--change", "None", "--action", "x"])
        .assert()
        .code(2);
    isms()
        .args(["decide", "MR-2026-1"])
        .arg(&dir)
        .args(["--change", "None"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `MR-2026-01`?"));
    assert_eq!(snapshot(&dir), before);

    let mut present = isms();
    present.args(["present", "MR-2026-01"]).arg(&dir);
    for flag in [
        "--previous-actions",
        "--context-changes",
        "--interested-party-changes",
        "--nonconformities",
        "--monitoring-results",
        "--audit-results",
        "--objectives",
        "--interested-party-feedback",
        "--risk-assessment",
        "--improvement-opportunities",
    ] {
        present.args([flag, "Presented: see the minutes"]);
    }
    present.assert().success();
    let (_, new) = only_changed(&before, &dir, "reviews/mr-2026-01.md");
    assert!(
        new.contains(
            "inputs:\n  previous_actions: \"Presented: see the minutes\"\n  context_changes:"
        ),
        "{new}"
    );
    assert!(!has(&dir, "MR-02", "MR-2026-01"));

    isms()
        .args(["decide", "MR-2026-01"])
        .arg(&dir)
        .args(["--improvement", "Automate access reviews"])
        .args(["--action", "Script the export", "--owner", "p-ops-lead"])
        .args(["--due", "2027-03-31"])
        .assert()
        .success()
        .stdout("reviews/mr-2026-01.md: decision MR-2026-01-D1 and action MR-2026-01-A1 of management review MR-2026-01 recorded\n");
    assert!(has(&dir, "MR-03", "MR-2026-01"));
    isms()
        .args(["decide", "MR-2026-01"])
        .arg(&dir)
        .args(["--change", "No change to the ISMS is needed"])
        .assert()
        .success();
    assert_eq!(count(&dir, "MR-03"), 0);
    let text = std::fs::read_to_string(dir.join("reviews/mr-2026-01.md")).unwrap();
    assert!(
        text.contains("decisions:\n  - id: MR-2026-01-D1\n    decision: Automate access reviews\n    type: improvement\n  - id: MR-2026-01-D2\n    decision: No change to the ISMS is needed\n    type: change\nactions:\n  - id: MR-2026-01-A1\n    action: Script the export\n    owner: p-ops-lead\n    due: 2027-03-31\n    status: planned\n"),
        "{text}"
    );
    // The action is closed like any other review action.
    isms()
        .args(["done", "MR-2026-01-A1"])
        .arg(&dir)
        .assert()
        .success();
}

#[test]
fn review_inputs_written_by_hand_keep_their_layout() {
    let (_t, dir) = acme();
    let file = "reviews/2026-10-management-review.md";
    let before = std::fs::read_to_string(dir.join(file)).unwrap();
    let id = before
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .trim()
        .to_string();
    let snap = snapshot(&dir);
    let feedback = [
        "--interested-party-feedback",
        "Two customer questionnaires; no complaints",
    ];
    isms()
        .args(["present", &id])
        .arg(&dir)
        .args(feedback)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give --force"));
    assert_eq!(snapshot(&dir), snap);
    isms()
        .args(["present", &id])
        .arg(&dir)
        .args(feedback)
        .arg("--force")
        .assert()
        .success();
    let (old, new) = only_changed(&snap, &dir, file);
    let (gone, came) = replaced(&old, &new);
    // Only the old value went, block scalar and all.
    assert!(
        gone.contains("31 customer security questionnaires"),
        "{gone:?}"
    );
    for key in [
        "interested_party_feedback",
        "risk_assessment",
        "objectives:",
        "decisions",
    ] {
        assert!(!gone.contains(key), "{gone:?}");
    }
    assert!(
        came.contains("Two customer questionnaires; no complaints"),
        "{came:?}"
    );
}

#[test]
fn rename_a_placeholder_and_confirm_the_context_review() {
    let (_t, dir) = scaffold();
    let markers = count(&dir, "SUP-12");
    let check = |dir: &Path| {
        let out = isms()
            .arg("check")
            .arg(dir)
            .args(["--format", "json"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The finding names the command that closes it.
    assert!(check(&dir).contains("give the real name: `isms rename p-ceo --name ...`"));
    let before = snapshot(&dir);
    for (id, name, err) in [
        ("p-ceo", "CEO (name to fill in)", "still a placeholder"),
        ("p-ceo", " ", "--name is empty"),
        ("SUP-1", "AWS", "did you mean `SUP-01`?"),
    ] {
        isms()
            .args(["rename", id])
            .arg(&dir)
            .args(["--name", name])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(err));
    }
    isms()
        .args(["confirm", "context"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("isms confirm climate"));
    assert_eq!(snapshot(&dir), before);
    isms()
        .args(["rename", "p-ceo"])
        .arg(&dir)
        .args(["--name", "Alex Morgan"])
        .assert()
        .success()
        .stdout("isms.yaml: person p-ceo renamed to Alex Morgan\n");
    assert!(!check(&dir).contains("isms rename p-ceo"));
    let (old, new) = only_changed(&before, &dir, "isms.yaml");
    assert_eq!(
        replaced(&old, &new),
        (
            "CEO (name to fill in)".to_string(),
            "Alex Morgan".to_string()
        )
    );
    for (id, file) in [("SUP-01", "suppliers.yaml"), ("A-01", "assets.yaml")] {
        let before = snapshot(&dir);
        isms()
            .args(["rename", id])
            .arg(&dir)
            .args(["--name", "Real name"])
            .assert()
            .success();
        only_changed(&before, &dir, file);
    }
    // The person and the supplier had a marker in their name; the asset did not.
    assert_eq!(count(&dir, "SUP-12"), markers - 2);

    isms()
        .args(["confirm", "climate"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success();
    let before = snapshot(&dir);
    isms()
        .args(["confirm", "context"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "context.yaml");
    let (gone, came) = replaced(&old, &new);
    assert_eq!(
        gone,
        "~, on: ~ }   # to do: record who reviewed this context analysis and when"
    );
    assert_eq!(came, "p-ceo, on: 2026-12-01 }");
    assert_eq!(count(&dir, "SUP-12"), markers - 4);
}

#[test]
fn communicate_a_policy_without_the_block_or_with_it_inline() {
    let (_t, dir) = scaffold();
    for doc in ["POL-02", "POL-03"] {
        isms()
            .args(["approve", doc])
            .arg(&dir)
            .args(["--by", "p-ceo"])
            .assert()
            .success();
    }
    // POL-02 has no `communicated:` block yet.
    let file = dir.join("policies/access-control.md");
    isms()
        .args(["communicate", "POL-02"])
        .arg(&dir)
        .args(["--how", "Wiki page"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\ncommunicated:\n  on: 2026-12-01\n  via: Wiki page\n---\n"),
        "{text}"
    );
    // An inline block without the field keeps what it held.
    let pol03 = walkdir::WalkDir::new(dir.join("policies"))
        .into_iter()
        .flatten()
        .find(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("\nid: POL-03\n")))
        .unwrap()
        .into_path();
    let text = std::fs::read_to_string(&pol03).unwrap();
    let text = text.replacen(
        "\nreview_months:",
        "\ncommunicated: { public: true, available: \"https://example.com/trust\" }\nreview_months:",
        1,
    );
    std::fs::write(&pol03, &text).unwrap();
    isms()
        .args(["communicate", "POL-03"])
        .arg(&dir)
        .args(["--how", "All-hands"])
        .assert()
        .success();
    let after = std::fs::read_to_string(&pol03).unwrap();
    let (_, came) = replaced(&text, &after);
    assert!(came.contains("on: 2026-12-01"), "{came}");
    assert!(after.contains("public: true"), "{after}");
    assert!(after.contains("https://example.com/trust"), "{after}");
    assert!(!has(&dir, "LOAD-01", "POL-03"));
}

#[test]
fn on_the_example_every_command_dry_runs_and_refuses_without_writing() {
    let (_t, dir) = acme();
    let before = snapshot(&dir);
    // Each command as it would succeed, and one refusal of it.
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["communicate", "isms-manager", "--how", "Org chart"],
            &["communicate", "isms-mngr", "--how", "Org chart"],
        ),
        (
            &[
                "measure",
                "M-01",
                "--value",
                "99%",
                "--met",
                "--on",
                "2026-12-03",
            ],
            &["measure", "M-01", "--value", "99%", "--on", "2026-12-03"],
        ),
        (
            &[
                "awareness",
                "p-ceo",
                "--course",
                "Refresher",
                "--on",
                "2026-12-03",
            ],
            &["awareness", "p-ceo", "--course", " "],
        ),
        (
            &[
                "competence",
                "p-cto",
                "--role",
                "risk-owner",
                "--evidence",
                "Workshop",
            ],
            &[
                "competence",
                "p-cto",
                "--role",
                "isms-manager",
                "--evidence",
                "Workshop",
            ],
        ),
        (
            &[
                "assess",
                "SUP-02",
                "--by",
                "p-isms",
                "--result",
                "Fine",
                "--on",
                "2026-12-03",
            ],
            &["assess", "SUP-02", "--by", "p-nobody", "--result", "Fine"],
        ),
        (
            &[
                "agreement",
                "SUP-02",
                "--reference",
                "MSA 2027",
                "--security-clauses",
            ],
            &["agreement", "SUP-2", "--reference", "MSA 2027"],
        ),
        (
            &[
                "present",
                "MR-2026-02",
                "--audit-results",
                "New text",
                "--force",
            ],
            &["present", "MR-2026-02", "--audit-results", "New text"],
        ),
        (
            &["decide", "MR-2026-02", "--other", "Budget for 2027 agreed"],
            &[
                "decide",
                "MR-2026-02",
                "--other",
                "x",
                "--action",
                "y",
                "--owner",
                "p-nobody",
                "--due",
                "2027-01-31",
            ],
        ),
        (
            &["rename", "A-001", "--name", "Customer data"],
            &["rename", "A-001", "--name", "Data (to fill in)"],
        ),
        (
            &["confirm", "OBJ-01", "--by", "p-ceo", "--due", "2027-12-31"],
            &["confirm", "OBJ-01", "--by", "p-isms", "--due", "2027-12-31"],
        ),
        (
            &["confirm", "context", "--by", "p-ceo"],
            &["confirm", "context", "--by", "p-isms"],
        ),
        (
            &["report", "AUD-2026-01", "--to", "p-ceo"],
            &["report", "AUD-2026-01", "--to", "p-nobody"],
        ),
    ];
    for (ok, refused) in cases {
        let out = isms()
            .args(&ok[..2])
            .arg(&dir)
            .args(&ok[2..])
            .arg("--dry-run")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if ok[0] == "report" {
            // Every audit of the example is completed already.
            assert_eq!(out.status.code(), Some(2), "{ok:?}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("already completed"));
        } else {
            assert!(
                out.status.success(),
                "{ok:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.starts_with("--- a/"), "{ok:?}: {stdout}");
        }
        isms()
            .args(&refused[..2])
            .arg(&dir)
            .args(&refused[2..])
            .assert()
            .code(2);
        assert_eq!(snapshot(&dir), before, "{ok:?} / {refused:?}");
    }
}

#[test]
fn approving_a_document_with_to_do_notes_says_so() {
    let (_t, dir) = scaffold();
    // The note on the approval line itself goes with the approval: nothing to say.
    isms()
        .args(["approve", "POL-02"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success()
        .stderr("");
    isms()
        .args(["approve", "scope"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "DOC-SCOPE still holds 3 to-do notes of the scaffold (scope.md, lines 13, 15, 57)",
        ));
}

#[test]
fn the_organisation_details_replace_the_placeholders_and_nothing_else() {
    let (_t, dir) = scaffold();
    let markers = count(&dir, "SUP-12");
    let before = snapshot(&dir);
    for (args, err) in [
        (&["--name", "Acme"][..], "give --force to replace it"),
        (&["--address", "(to fill in)"][..], "still a placeholder"),
        (&[][..], "give at least one"),
    ] {
        isms()
            .arg("organisation")
            .arg(&dir)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(err));
    }
    isms()
        .arg("organisation")
        .arg(&dir)
        .args([
            "--legal-name",
            "Acme Ltd",
            "--website",
            "https://acme.example",
        ])
        .arg("--dry-run")
        .assert()
        .success();
    assert_eq!(snapshot(&dir), before);
    isms()
        .arg("organisation")
        .arg(&dir)
        .args([
            "--legal-name",
            "Acme Ltd",
            "--website",
            "https://acme.example",
        ])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "isms.yaml");
    assert_eq!(
        new,
        old.replacen(
            "legal_name: ~        # to do: registered legal name",
            "legal_name: Acme Ltd",
            1
        )
        .replacen(
            "website: ~           # to do: public website",
            "website: https://acme.example",
            1
        )
    );
    assert_eq!(count(&dir, "SUP-12"), markers - 2);
    isms()
        .arg("organisation")
        .arg(&dir)
        .args(["--name", "Acme", "--force"])
        .assert()
        .success();
}

#[test]
fn asset_details_and_the_inventory_check() {
    let (_t, dir) = scaffold();
    let markers = count(&dir, "SUP-12");
    let before = snapshot(&dir);
    // Refusals write nothing: an unknown owner (with the closest id), a placeholder, nothing to
    // record, and the inventory check while entries still hold placeholders.
    for (args, err) in [
        (
            vec!["asset", "A-15", "--owner", "p-cfo"],
            "no person `p-cfo`",
        ),
        (vec!["asset", "A-1", "--location", "x"], "did you mean"),
        (
            vec!["asset", "A-01", "--location", "Region to fill in"],
            "still a placeholder",
        ),
        (vec!["asset", "A-01"], "give what to record"),
        (vec!["confirm", "assets", "--by", "p-security-lead"], "A-01"),
    ] {
        isms()
            .args(&args[..2])
            .arg(&dir)
            .args(&args[2..])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(err));
    }
    assert_eq!(snapshot(&dir), before);

    isms()
        .args(["asset", "A-15"])
        .arg(&dir)
        .args(["--owner", "p-ops-lead"])
        .assert()
        .success();
    let (old, new) = only_changed(&before, &dir, "assets.yaml");
    let (was, now) = replaced(&old, &new);
    // Only the owner's value changed, and the scaffold's note on that line went with it.
    assert!(
        was.contains("head-finance") && was.contains("to do"),
        "{was:?}"
    );
    assert_eq!(now.trim(), "ops-lead", "{now:?}");

    for (id, location) in [
        ("A-01", "Nimbus Cloud, production, eu-west-2"),
        ("A-06", "Nimbus Cloud, backup account, eu-west-1"),
        ("A-20", "1 High Street, Leeds"),
    ] {
        isms()
            .args(["asset", id])
            .arg(&dir)
            .args(["--location", location])
            .assert()
            .success();
    }
    let text = std::fs::read_to_string(dir.join("assets.yaml")).unwrap();
    assert!(
        text.contains("    location: \"1 High Street, Leeds\"\n"),
        "{text}"
    );
    isms()
        .args(["confirm", "assets"])
        .arg(&dir)
        .args(["--by", "p-security-lead"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.join("assets.yaml")).unwrap();
    assert!(
        text.contains("reviewed: { by: p-security-lead, on: 2026-12-01 }\n"),
        "{text}"
    );
    // Five placeholders fewer: three locations, the owner note and the inventory check.
    assert_eq!(count(&dir, "SUP-12"), markers - 5);
}

/// A record that is written but failed to load is not "missing": the refusal names its load
/// error with the file and line, instead of suggesting another id.
#[test]
fn a_record_that_failed_to_load_is_named_with_its_error_not_as_missing() {
    let (_t, dir) = acme();
    let text = std::fs::read_to_string(dir.join("assets.yaml")).unwrap();
    let broken = text.replacen("    type: information\n", "    type: bogus\n", 1);
    assert_ne!(broken, text);
    std::fs::write(dir.join("assets.yaml"), &broken).unwrap();
    let id = broken
        .lines()
        .take_while(|l| !l.contains("type: bogus"))
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .last()
        .unwrap()
        .to_string();
    let before = snapshot(&dir);
    for args in [
        vec!["asset", id.as_str(), "--location", "Leeds"],
        vec![
            "new",
            "risk",
            "--title",
            "x",
            "--owner",
            "p-cto",
            "--asset",
            id.as_str(),
        ],
    ] {
        // The command and its id or kind, then the folder, then the flags.
        isms()
            .args(&args[..2])
            .arg(&dir)
            .args(&args[2..])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("could not be loaded"))
            .stderr(predicates::str::contains("at assets.yaml:"))
            .stderr(predicates::prelude::PredicateBooleanExt::not(
                predicates::str::contains("did you mean"),
            ));
    }
    assert_eq!(snapshot(&dir), before);
}
