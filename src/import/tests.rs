use super::*;

fn grid(rows: &[&[&str]]) -> Grid {
    Grid {
        sheet: Some("SoA".into()),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::text(*c)).collect())
            .collect(),
    }
}

fn ctx() -> Context {
    let pts = |labels: &[&str]| {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u8 + 1, l.to_string()))
            .collect()
    };
    Context {
        people: vec![Person {
            id: "p-ciso".into(),
            name: "Dana Kim".into(),
            email: Some("dana@example.com".into()),
        }],
        likelihood: pts(&["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]),
        impact: pts(&["Negligible", "Minor", "Moderate", "Major", "Severe"]),
        asset_values: pts(&["Low", "Medium", "High"]),
        suppliers: Vec::new(),
    }
}

#[test]
fn header_below_a_title_row_and_2013_ids_merge() {
    let g = grid(&[
        &["Acme Statement of Applicability", "", ""],
        &[],
        &[
            "Annex A ref",
            "Applicable?",
            "Reason for inclusion/exclusion",
            "Owner",
        ],
        &["A.5 Information security policies", "", "", ""],
        &["A.5.1.1", "Y", "Policy set needed", "dana kim"],
        &["A.5.1.2", "N", "Reviewed with 5.1.1", "Bob"],
        &["A9.2.1", "✓", "Joiners", "DANA@example.com"],
    ]);
    let out = import(Kind::Soa, &g, &ctx(), &[]).unwrap();
    assert_eq!(out.header_row, 3);
    assert!(out.mapped_2013);
    let r51 = out.records.iter().find(|r| r.id == "5.1").unwrap();
    assert_eq!(r51.get("applicable"), Some(&Value::Bool(true)));
    assert_eq!(
        r51.get("justification"),
        Some(&Value::Str(
            "A.5.1.1: Policy set needed; A.5.1.2: Reviewed with 5.1.1".into()
        ))
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.id == "5.1" && n.message.contains("applicable"))
    );
    let r516 = out.records.iter().find(|r| r.id == "5.16").unwrap();
    assert_eq!(r516.get("owner"), Some(&Value::Str("p-ciso".into())));
    assert_eq!(out.unknown_people, vec![("Bob".to_string(), vec![6])]);
    assert_eq!(out.records.len(), 93);
    assert!(
        out.notes
            .iter()
            .any(|n| n.id == "5.7" && n.message.contains("new in"))
    );
}

#[test]
fn missing_required_column_names_the_row() {
    let g = grid(&[&["Control", "Notes"], &["5.1", "x"]]);
    let err = import(Kind::Soa, &g, &ctx(), &[]).unwrap_err();
    assert!(err[0].to_string().contains("row 1"), "{}", err[0]);
    assert!(err[0].message.contains("`applicable`"));
}

#[test]
fn overrides_map_unusual_headers() {
    let g = grid(&[&["Control", "Decision"], &["5.1", "yes"]]);
    let o = vec!["Decision=applicable".parse::<Override>().unwrap()];
    let out = import(Kind::Soa, &g, &ctx(), &o).unwrap();
    assert_eq!(out.records[0].get("applicable"), Some(&Value::Bool(true)));
}

#[test]
fn duplicate_and_unknown_controls_are_refused() {
    let g = grid(&[
        &["Control", "Applicable"],
        &["5.1", "y"],
        &["5.1", "n"],
        &["9.9", "y"],
    ]);
    let err = import(Kind::Soa, &g, &ctx(), &[]).unwrap_err();
    let text: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("row 4") && t.contains("\"9.9\"")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("row 3") && t.contains("duplicate")),
        "{text:?}"
    );
}

#[test]
fn numeric_cells_keep_ten_apart_from_one() {
    assert_eq!(resolve_numeric_control("5.1", Some("5.9")), "5.10");
    assert_eq!(resolve_numeric_control("5.1", None), "5.1");
    assert_eq!(resolve_numeric_control("8.3", Some("8.29")), "8.30");
}

#[test]
fn risk_scales_words_and_labels() {
    let c = ctx();
    assert_eq!(scale_point("4", &c.likelihood, "likelihood"), Ok(4));
    assert_eq!(scale_point("likely", &c.likelihood, "likelihood"), Ok(4));
    assert_eq!(scale_point("Very high", &c.impact, "impact"), Ok(5));
    assert!(
        scale_point("7", &c.impact, "impact")
            .unwrap_err()
            .contains("1 Negligible")
    );
    let g = grid(&[
        &[
            "Risk ID",
            "Risk description",
            "Probability",
            "Consequence",
            "Risk response",
            "Risk owner",
        ],
        &["", "Laptop theft", "High", "Minor", "Reduce", "p-ciso"],
        &["R-001", "Phishing", "5", "4", "retain", "Eve"],
    ]);
    let out = import(Kind::Risks, &g, &c, &[]).unwrap();
    assert_eq!(out.records[0].id, "R-002");
    assert_eq!(
        out.records[0].get("inherent.likelihood"),
        Some(&Value::Int(4))
    );
    assert_eq!(
        out.records[1].get("treatment"),
        Some(&Value::Str("accept".into()))
    );
    let v = show(&out.records[1].to_value());
    assert!(v.contains("inherent: {likelihood: 5, impact: 4}"), "{v}");
}

#[test]
fn dates_yes_no_and_words() {
    assert_eq!(parse_date("31/03/2026").unwrap().to_string(), "2026-03-31");
    assert_eq!(parse_date("2026/03/31").unwrap().to_string(), "2026-03-31");
    assert!(parse_date("03/04/2026").unwrap_err().contains("ambiguous"));
    assert!(parse_date("soon").is_err());
    assert_eq!(yes_no("✗"), Some(false));
    assert_eq!(yes_no("X"), Some(true));
    assert_eq!(yes_no("maybe"), None);
    assert_eq!(
        word("affects", "C/I").unwrap(),
        Value::Seq(vec![
            Value::Str("confidentiality".into()),
            Value::Str("integrity".into())
        ])
    );
    assert_eq!(column_letter(28), "AB");
}
