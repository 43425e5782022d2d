use super::*;
use chrono::TimeZone;

const PATH: &str = "content/incidents/x.md";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, h, m, 0).unwrap()
}

fn note(text: &str) -> Change {
    let mut e = Entry::new(at(10, 0), EventKind::Note);
    e.text = Some(text.to_string());
    e.by = Some("Bob Diaz".to_string());
    Change::Append(e)
}

fn edit(text: &str, change: &Change) -> String {
    String::from_utf8(apply(PATH, text.as_bytes(), change).unwrap_or_else(|e| panic!("{e}: {text}"))).unwrap()
}

const HEAD: &str =
    "---\n# a comment\ntitle: 'Odd: quoting'   # keep me\nseverity: SEV-2\nstatus: \"investigating\"  # now\n";

#[test]
fn appends_after_the_last_entry_before_trailing_comments() {
    let text = format!(
        "{HEAD}timeline:\n  # the start\n  - at: 2026-03-04T09:15:00Z\n    event: detected\n    # text: how\n\n  - at: 2026-03-04T09:20:00Z\n    event: update\n    status: investigating\n    text: Looking.   # a comment\n    # an entry comment\n  # Next: acknowledged\n\naction_items: []\n---\nBody\n"
    );
    let want = text.replace(
        "    # an entry comment\n",
        "    # an entry comment\n  - at: 2026-03-04T10:00:00Z\n    event: note\n    text: \"Disk: full #3\"\n    by: Bob Diaz\n",
    );
    assert_eq!(edit(&text, &note("Disk: full #3")), want);
}

#[test]
fn appends_to_an_empty_flow_list_a_null_or_a_missing_timeline() {
    let entry = "  - at: 2026-03-04T10:00:00Z\n    event: note\n    text: Plain words.\n    by: Bob Diaz\n";
    let text = format!("{HEAD}timeline: []   # later\nimpact: {{}}\n---\n");
    let want = format!("{HEAD}timeline:   # later\n{entry}impact: {{}}\n---\n");
    assert_eq!(edit(&text, &note("Plain words.")), want);

    let text = format!("{HEAD}timeline:\nimpact: {{}}\n---\n");
    let want = format!("{HEAD}timeline:\n{entry}impact: {{}}\n---\n");
    assert_eq!(edit(&text, &note("Plain words.")), want);

    let text = format!("{HEAD}impact: {{}}\n---\n\nBody\n");
    let want = format!("{HEAD}impact: {{}}\ntimeline:\n{entry}---\n\nBody\n");
    assert_eq!(edit(&text, &note("Plain words.")), want);
}

#[test]
fn keeps_crlf_and_the_file_s_indentation() {
    let text = "---\r\ntitle: T\r\nstatus: investigating\r\ntimeline:\r\n    -   at: 2026-03-04T09:15:00Z\r\n        event: detected\r\n---\r\nBody\r\n";
    let want = text.replace(
        "---\r\nBody",
        "    -   at: 2026-03-04T10:00:00Z\r\n        event: note\r\n        text: Plain.\r\n        by: Bob Diaz\r\n---\r\nBody",
    );
    assert_eq!(edit(text, &note("Plain.")), want);
}

#[test]
fn appends_to_an_indentless_list_and_a_flow_list() {
    let text = "---\ntitle: T\ntimeline:\n- at: 2026-03-04T09:15:00Z\n  event: detected\nstatus: investigating\n---\n";
    let want =
        text.replace("status:", "- at: 2026-03-04T10:00:00Z\n  event: note\n  text: Plain.\n  by: Bob Diaz\nstatus:");
    assert_eq!(edit(text, &note("Plain.")), want);

    let text = "---\ntitle: T\ntimeline: [{at: 2026-03-04T09:15:00Z, event: detected}]  # one\n---\n";
    let want = "---\ntitle: T\ntimeline: [{at: 2026-03-04T09:15:00Z, event: detected}, {at: 2026-03-04T10:00:00Z, event: note, text: \"a, b\", by: Bob Diaz}]  # one\n---\n";
    assert_eq!(edit(text, &note("a, b")), want);
}

#[test]
fn sets_one_value_and_nothing_else() {
    let set = |key, value: &str| Change::Set { key, value: value.to_string() };
    let text = format!("{HEAD}timeline: []\n---\n");
    assert_eq!(
        edit(&text, &set("status", "resolved")),
        text.replace("status: \"investigating\"  # now", "status: resolved  # now")
    );
    assert_eq!(edit(&text, &set("severity", "SEV-1")), text.replace("SEV-2", "SEV-1"));
    let text = "---\ntitle: T\nstatus:   # fill in\n---\n";
    assert_eq!(edit(text, &set("status", "identified")), "---\ntitle: T\nstatus:   identified # fill in\n---\n");
    let text = "---\ntitle: T\n---\n";
    assert_eq!(edit(text, &set("severity", "SEV-1")), "---\ntitle: T\nseverity: SEV-1\n---\n");
}

#[test]
fn adds_a_person_under_a_role_as_the_file_writes_it() {
    let add = |written: Option<&str>, person: &str| Change::AddPerson {
        written: written.map(str::to_string),
        role: "incident_commander".to_string(),
        person: person.to_string(),
    };
    let text = "---\ntitle: T\nroles:\n  ic: \"Alice Chen\"   # first\n  resolver:\n    - Dave\n    - Erin  # two\n  scribe: [Bob, 'O''Neil']\n---\n";
    assert_eq!(edit(text, &add(Some("ic"), "Frank Li")), text.replace("\"Alice Chen\"", "[\"Alice Chen\", Frank Li]"));
    assert_eq!(
        edit(text, &add(Some("resolver"), "Gina")),
        text.replace("    - Erin  # two\n", "    - Erin  # two\n    - Gina\n")
    );
    assert_eq!(edit(text, &add(Some("scribe"), "Ann: B")), text.replace("'O''Neil']", "'O''Neil', \"Ann: B\"]"));
    assert_eq!(
        edit(text, &add(None, "Frank")),
        text.replace("---\n---", "---")
            .replace("  scribe: [Bob, 'O''Neil']\n", "  scribe: [Bob, 'O''Neil']\n  incident_commander: Frank\n")
    );
    let text = "---\ntitle: T\nroles: {ic: Alice, x: y}\n---\n";
    assert_eq!(
        edit(text, &add(None, "Frank")),
        "---\ntitle: T\nroles: {ic: Alice, x: y, incident_commander: Frank}\n---\n"
    );
    assert_eq!(
        edit(text, &add(Some("ic"), "Frank, Jr.")),
        "---\ntitle: T\nroles: {ic: [Alice, \"Frank, Jr.\"], x: y}\n---\n"
    );
    let text = "---\ntitle: T\nroles: {}\n---\n";
    assert_eq!(edit(text, &add(None, "Frank")), "---\ntitle: T\nroles: {incident_commander: Frank}\n---\n");
    let text = "---\ntitle: T\nroles:\n  ic:\n---\n";
    assert_eq!(edit(text, &add(Some("ic"), "Frank")), "---\ntitle: T\nroles:\n  ic: Frank\n---\n");
    let text = "---\ntitle: T\n---\n";
    assert_eq!(edit(text, &add(None, "Frank")), "---\ntitle: T\nroles:\n  incident_commander: Frank\n---\n");
}

#[test]
fn refuses_an_edit_it_cannot_make_safely() {
    // A block scalar with a blank line, then a line that looks like a comment: the entry would land
    // inside the text, and the check after the edit sees it.
    let text = "---\ntitle: T\ntimeline:\n  - at: 2026-03-04T09:15:00Z\n    event: detected\n    text: |\n      one\n\n      # two\n---\n";
    let err = apply(PATH, text.as_bytes(), &note("x")).unwrap_err();
    assert!(err.0.contains("could not be made safely"), "{err}");
    assert!(apply(PATH, b"---\ntitle: [\n---\n", &note("x")).is_err());
    assert!(apply(PATH, b"no front matter\n", &note("x")).is_err());
}

#[test]
fn scalars_are_plain_only_when_that_reads_back_the_same() {
    assert_eq!(scalar("Rolled back to deploy 8811."), "Rolled back to deploy 8811.");
    assert_eq!(scalar("See https://x.example/a"), "See https://x.example/a");
    assert_eq!(scalar("Alert: 5xx"), "\"Alert: 5xx\"");
    assert_eq!(scalar("yes"), "\"yes\"");
    assert_eq!(scalar("1.5"), "\"1.5\"");
    assert_eq!(scalar("- dash"), "\"- dash\"");
    assert_eq!(scalar("a\nb \"q\" \\"), "\"a\\nb \\\"q\\\" \\\\\"");
    assert_eq!(scalar("x\u{2028}\u{85}\u{feff}"), "\"x\\u2028\\u0085\\uFEFF\"");
    assert_eq!(flow_scalar("a, b"), "\"a, b\"");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Any text, appended by the commands, reads back through incsite's own parser as exactly
    /// that text, in every layout of `timeline`.
    #[test]
    fn any_text_round_trips(
        text in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[ -~]{0,30}",
            "[a-z :#'\"\\-\\[\\]{},&*!|>%@`?\n\t\\\\]{0,20}",
            "[\u{80}-\u{10ffff}]{0,8}",
        ],
        layout in 0usize..4,
    ) {
        let timeline = ["timeline:\n  - at: 2026-03-04T09:15:00Z\n    event: detected\n", "timeline: []\n", "", "timeline: [{at: 2026-03-04T09:15:00Z, event: detected}]\n"][layout];
        let file = format!("---\ntitle: T\nstatus: investigating\n{timeline}---\n");
        let mut e = Entry::new(at(10, 0), EventKind::Note);
        e.text = Some(text.clone());
        e.by = Some(text.clone());
        let out = apply(PATH, file.as_bytes(), &Change::Append(e)).map_err(|e| proptest::test_runner::TestCaseError::fail(e.0))?;
        let (record, _) = parse(PATH, &out);
        let last = record.unwrap().timeline.pop().unwrap();
        proptest::prop_assert_eq!(last.text.as_deref(), Some(text.as_str()));
        proptest::prop_assert_eq!(last.by.as_deref(), Some(text.as_str()));
    }

    /// A person of any name is added under a role and reads back as that name.
    #[test]
    fn any_person_round_trips(name in "[ -~\u{a0}-\u{3000}]{1,16}", layout in 0usize..4) {
        let roles = ["roles:\n  ic: Alice\n", "roles:\n  ic: [Alice]\n", "roles:\n  ic:\n    - Alice\n", "roles: {ic: Alice}\n"][layout];
        let file = format!("---\ntitle: T\n{roles}---\n");
        let change = Change::AddPerson { written: Some("ic".into()), role: "incident_commander".into(), person: name.clone() };
        let result = apply(PATH, file.as_bytes(), &change);
        // An empty or null-looking name is not a person; everything else must work.
        if name.trim().is_empty() {
            return Ok(());
        }
        let out = result.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {name:?}")))?;
        let (record, _) = parse(PATH, &out);
        let people: Vec<String> = record.unwrap().roles[0].people.iter().map(|p| p.value.clone()).collect();
        proptest::prop_assert_eq!(people, vec!["Alice".to_string(), name]);
    }
}
