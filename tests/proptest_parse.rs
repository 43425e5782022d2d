//! The record parser, and the checks after it, never panic, whatever bytes they are given:
//! arbitrary text, and a valid record with bytes flipped, cut short, or with YAML syntax dropped in.

use proptest::prelude::*;

const VALID: &str = include_str!("sites/valid/content/incidents/2026/2026-03-04-checkout.md");

/// Bits of YAML syntax that tend to find parser corners.
const SYNTAX: &[&str] = &[
    "&a ",
    "*a",
    "*",
    "&",
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">-\n",
    "!!str ",
    "!x ",
    "%YAML 1.2\n",
    "\t",
    "\"",
    "'",
    "#",
    "\n  ",
    "\u{feff}",
    "\r\n",
    "\0",
    "<<: *a\n",
];

fn parse_bytes(bytes: &[u8]) {
    let (record, diags) = incsite::record::parse("content/incidents/x.md", bytes);
    // Whatever comes back is well-formed: diagnostics have lines, and a record has an id.
    for d in &diags {
        assert!(d.line >= 1);
    }
    if let Some(r) = record {
        assert!(!r.id.value.is_empty());
        check(r);
    }
}

/// Runs every cross-record rule over the record (and a copy, so the duplicate-id rule runs too).
fn check(record: incsite::record::Record) {
    use incsite::{check, config::Config, schema};
    let (policy, _) = schema::parse(&schema::SchemaSources { severities: None, roles: None, services: None });
    let config = Config::default();
    let record = std::sync::Arc::new(record);
    let records = vec![record.clone(), record];
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let input = check::Input { config: &config, policy: &policy, records: &records, runbooks: &[], now };
    for d in check::run(&input) {
        assert!(d.line >= 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in "\\PC{0,400}") {
        parse_bytes(text.as_bytes());
        parse_bytes(format!("---\n{text}\n---\n").as_bytes());
    }

    #[test]
    fn arbitrary_bytes_after_front_matter_start(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut all = b"---\n".to_vec();
        all.extend_from_slice(&bytes);
        parse_bytes(&all);
    }

    #[test]
    fn flipped_bytes(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        parse_bytes(&bytes);
    }

    #[test]
    fn truncated(at in any::<prop::sample::Index>()) {
        let bytes = VALID.as_bytes();
        parse_bytes(&bytes[..at.index(bytes.len() + 1)]);
    }

    #[test]
    fn inserted_syntax(inserts in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(SYNTAX)), 1..6)) {
        let mut text = VALID.to_string();
        for (at, piece) in inserts {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, piece);
        }
        parse_bytes(text.as_bytes());
    }
}
