//! Each rule on small records: its code, its level and its line, and silence on a clean record.

use super::*;
use crate::diag::Level;
use crate::record::Runbook;
use crate::schema::{self, SchemaSources};

/// A clean SEV-1 under the built-in policy (5m response, 30m updates, 5d post-mortem).
const GOOD: &str = "---
id: INC-1
title: Checkout down
severity: SEV-1
status: resolved
impact:
  checkout-api: major
roles:
  ic: [Alice, Frank]
  scribe: Bob
  comms: Carol
  resolver: [Dave, Erin]
related: [INC-2]
runbooks: [checkout-rollback]
timeline:
  - at: 2026-03-04T09:12:00Z
    event: started
  - at: 2026-03-04T09:15:00Z
    event: detected
  - at: 2026-03-04T09:18:00Z
    event: acknowledged
  - at: 2026-03-04T09:25:00Z
    event: update
    status: investigating
    text: Looking.
  - at: 2026-03-04T09:40:00Z
    event: severity
    from: SEV-2
    to: SEV-1
  - at: 2026-03-04T09:50:00Z
    event: handoff
    role: ic
    from: Alice
    to: Frank
  - at: 2026-03-04T09:54:00Z
    event: update
    status: identified
    text: Rolling back.
  - at: 2026-03-04T10:02:00Z
    event: mitigated
  - at: 2026-03-04T10:20:00Z
    event: update
    status: resolved
    text: Fixed.
  - at: 2026-03-04T10:20:00Z
    event: resolved
action_items:
  - title: Canary
    owner: Dave
    due: 2026-03-18
    status: done
    done_on: 2026-03-15
postmortem:
  status: published
  facilitator: Gina
---
## Summary
x
## Impact
x

Root cause
----------
```
## Action Items
```
### ACTION ITEMS
";

const OTHER: &str = "---
id: INC-2
title: Other
severity: SEV-4
status: investigating
roles: {resolver: Zed}
timeline:
  - {at: 2026-03-01T09:00:00Z, event: detected}
---
";

const NOW: &str = "2026-03-05T00:00:00Z";

fn check_at(files: &[(&str, &str)], now: &str) -> Vec<(&'static str, usize, Level, String)> {
    let (policy, d) = schema::parse(&SchemaSources { severities: None, roles: None, services: None });
    assert!(d.is_empty(), "{d:?}");
    let config = Config::default();
    let mut records = Vec::new();
    for (path, text) in files {
        let (record, diags) = crate::record::parse(path, text.as_bytes());
        assert!(diags.is_empty(), "parser found problems in {path}: {diags:?}");
        records.extend(record.map(Arc::new));
    }
    let runbooks = vec![Runbook {
        id: "checkout-rollback".into(),
        path: "content/runbooks/checkout-rollback.md".into(),
        title: "Roll back".into(),
        services: vec![],
        body: String::new(),
    }];
    let now = crate::decode::parse_time(now).unwrap().to_utc();
    let input = Input { config: &config, policy: &policy, records: &records, runbooks: &runbooks, now };
    let mut out = run(&input);
    crate::diag::sort(&mut out);
    out.into_iter().map(|d| (d.code, d.line, d.level, d.file)).collect()
}

/// The (code, line, level) of every diagnostic for one record (plus the clean OTHER).
fn check(text: &str) -> Vec<(&'static str, usize, Level)> {
    check_now(text, NOW)
}

fn check_now(text: &str, now: &str) -> Vec<(&'static str, usize, Level)> {
    check_at(&[("content/incidents/a.md", text), ("content/incidents/b.md", OTHER)], now)
        .into_iter()
        .filter(|d| d.3 == "content/incidents/a.md")
        .map(|(c, l, lv, _)| (c, l, lv))
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1).unwrap_or_else(|| panic!("no `{needle}`"))
}

const E: Level = Level::Error;
const W: Level = Level::Warning;

#[test]
fn a_clean_record_has_no_problems() {
    assert_eq!(check(GOOD), vec![]);
}

#[test]
fn unknown_references() {
    let text = GOOD
        .replace("severity: SEV-1", "severity: SEV1")
        .replace("  checkout-api: major", "  checkout-apii: major")
        .replace("related: [INC-2]", "related: [INC-3]")
        .replace("runbooks: [checkout-rollback]", "runbooks: [rollback]")
        .replace("  scribe: Bob", "  scrib: Bob");
    let got = check(&text);
    assert!(got.contains(&("unknown-severity", 4, E)), "{got:?}");
    assert!(got.contains(&("unknown-service", 7, E)), "{got:?}");
    assert!(got.contains(&("unknown-role", 10, E)), "{got:?}");
    assert!(got.contains(&("unknown-incident", 13, E)), "{got:?}");
    assert!(got.contains(&("unknown-runbook", 14, E)), "{got:?}");
    // No cascade: an unknown severity or role does not also make roles "missing".
    assert!(!got.iter().any(|d| d.0 == "missing-role" || d.0 == "severity-mismatch"), "{got:?}");
}

#[test]
fn suggestions_name_the_closest() {
    let (policy, _) = schema::parse(&SchemaSources { severities: None, roles: None, services: None });
    let config = Config::default();
    let (record, _) = crate::record::parse("a.md", GOOD.replace("severity: SEV-1", "severity: SEV1").as_bytes());
    let records: Vec<Arc<Record>> = record.into_iter().map(Arc::new).collect();
    let input = Input { config: &config, policy: &policy, records: &records, runbooks: &[], now: Utc::now() };
    let d = run(&input).into_iter().find(|d| d.code == "unknown-severity").unwrap();
    assert_eq!(d.hint.as_deref(), Some("did you mean `SEV-1`?"));
    assert_eq!((d.line, d.column), (4, Some(11)));
}

#[test]
fn a_runbooks_unknown_service_is_named_at_its_file_and_line() {
    let (policy, _) = schema::parse(&SchemaSources { severities: None, roles: None, services: None });
    let config = Config::default();
    let runbooks = vec![Runbook {
        id: "cdn-purge".into(),
        path: "content/runbooks/cdn-purge.md".into(),
        title: "Purge the CDN".into(),
        services: vec![crate::record::At::new("chekout-api".to_string(), crate::diag::Pos { line: 3, col: 12 })],
        body: String::new(),
    }];
    let input = Input { config: &config, policy: &policy, records: &[], runbooks: &runbooks, now: Utc::now() };
    let d = run(&input).into_iter().find(|d| d.code == "unknown-service").expect("an unknown-service error");
    assert_eq!(
        (d.file.as_str(), d.line, d.column, d.level),
        ("content/runbooks/cdn-purge.md", 3, Some(12), Level::Error)
    );
    assert_eq!(d.message, "unknown service `chekout-api` (not in schema/services.yaml)");
    assert_eq!(d.hint.as_deref(), Some("did you mean `checkout-api`?"));
}

#[test]
fn severity_events() {
    let text = GOOD.replace("    to: SEV-1", "    to: SEV-2");
    assert_eq!(check(&text), vec![("severity-mismatch", line_of(GOOD, "    event: severity") - 1, E)]);
    let text = GOOD.replace("    from: SEV-2", "    from: SEV-9");
    assert_eq!(check(&text), vec![("unknown-severity", line_of(GOOD, "    event: severity") - 1, E)]);
}

#[test]
fn duplicate_ids_point_at_both() {
    let got = check_at(&[("content/incidents/a.md", GOOD), ("content/incidents/b.md", GOOD)], NOW);
    let dups: Vec<(usize, &str)> = got.iter().filter(|d| d.0 == "duplicate-id").map(|d| (d.1, d.3.as_str())).collect();
    assert_eq!(dups, vec![(2, "content/incidents/a.md"), (2, "content/incidents/b.md")]);
}

#[test]
fn milestones() {
    let text = GOOD.replace("    event: acknowledged", "    event: detected");
    assert_eq!(check(&text), vec![("milestone-repeated", line_of(GOOD, "event: acknowledged") - 1, E)]);
    // Mitigated before acknowledged, given with another offset: compared as instants.
    let text = GOOD.replace("2026-03-04T10:02:00Z", "2026-03-04T10:17:00+01:00");
    assert_eq!(check(&text), vec![("milestone-order", line_of(GOOD, "event: mitigated") - 1, E)]);
    // Equal times are fine; the same instant in another offset too.
    let text = GOOD.replace("2026-03-04T10:02:00Z", "2026-03-04T11:20:00+01:00");
    assert_eq!(check(&text), vec![]);
    // A late `started` is one error, not one per later milestone.
    let text = GOOD.replace("2026-03-04T09:12:00Z", "2026-03-04T11:00:00Z");
    assert_eq!(check(&text), vec![("milestone-order", line_of(GOOD, "event: detected") - 1, E)]);
}

#[test]
fn status_agrees_with_resolved_event() {
    let text = GOOD.replace("    event: resolved\n", "    event: note\n");
    assert_eq!(check(&text), vec![("resolved-without-event", 5, E)]);
    let text = GOOD.replace("status: resolved\nimpact", "status: monitoring\nimpact");
    assert_eq!(check(&text), vec![("status-not-resolved", 5, E)]);
}

#[test]
fn required_roles() {
    let text = GOOD.replace("  comms: Carol\n", "");
    assert_eq!(check(&text), vec![("missing-role", 4, E)]);
    let text = GOOD.replace("  resolver: [Dave, Erin]", "  resolver: [Dave, dave]");
    assert_eq!(check(&text), vec![("too-few-in-role", 12, E)]);
    // Aliases and ids of the same role add up.
    let text = GOOD.replace("  resolver: [Dave, Erin]", "  resolver: Dave\n  sme: Erin");
    assert_eq!(check(&text), vec![]);
}

#[test]
fn exclusive_roles_and_handoffs() {
    let text = GOOD.replace("  scribe: Bob", "  scribe: Dave");
    assert_eq!(check(&text), vec![("exclusive-role", 12, W)]);
    let text = GOOD.replace("    to: Frank", "    to: Bob");
    assert_eq!(check(&text), vec![("handoff-not-in-roles", line_of(GOOD, "event: handoff") - 1, W)]);
}

#[test]
fn postmortem_sections_and_facilitator() {
    let text = GOOD.replace("Root cause\n----------\n", "Root causes\n");
    assert_eq!(check(&text), vec![("missing-section", line_of(GOOD, "  status: published"), E)]);
    // A heading inside a code block does not count.
    let text = GOOD.replace("### ACTION ITEMS\n", "");
    assert_eq!(check(&text), vec![("missing-section", line_of(GOOD, "  status: published"), E)]);
    let text = GOOD.replace("facilitator: Gina", "facilitator: carol");
    assert_eq!(check(&text), vec![("facilitator-held-role", line_of(GOOD, "  facilitator:"), E)]);
    // A draft is not checked for sections.
    let text = GOOD.replace("status: published", "status: draft").replace("## Impact", "## Other");
    assert_eq!(check(&text), vec![]);
}

#[test]
fn postmortem_late_depends_on_now() {
    let text = GOOD.replace("status: published", "status: draft");
    assert_eq!(check_now(&text, "2026-03-09T10:20:00Z"), vec![]);
    assert_eq!(
        check_now(&text, "2026-03-09T10:21:00Z"),
        vec![("postmortem-late", line_of(GOOD, "  status: published"), W)]
    );
}

#[test]
fn acknowledgement_and_update_cadence() {
    let text = GOOD.replace("2026-03-04T09:18:00Z", "2026-03-04T09:20:01Z");
    assert_eq!(check(&text), vec![("late-acknowledgement", line_of(GOOD, "T09:18:00Z"), W)]);
    // 09:54 → 10:20 is fine; drop the 09:54 update and 09:25 → 10:20 is 55m.
    let text = GOOD.replace("    event: update\n    status: identified", "    event: note\n    status: identified");
    assert_eq!(check(&text), vec![("update-gap", line_of(GOOD, "T10:20:00Z"), W)]);
    // An internal update does not count.
    let text = GOOD.replace("    status: identified", "    status: identified\n    public: false");
    assert_eq!(check(&text), vec![("update-gap", line_of(GOOD, "T10:20:00Z") + 1, W)]);
}

#[test]
fn update_cadence_while_open_measures_to_now() {
    let text = GOOD
        .replace("status: resolved\nimpact", "status: monitoring\nimpact")
        .replace("    event: resolved\n", "    event: note\n")
        .replace("status: published", "status: draft");
    let last = line_of(GOOD, "T10:20:00Z");
    assert_eq!(check_now(&text, "2026-03-04T10:50:00Z"), vec![]);
    assert_eq!(check_now(&text, "2026-03-04T10:50:01Z"), vec![("update-gap", last, W)]);
}

#[test]
fn action_items() {
    let open = GOOD.replace("    status: done\n    done_on: 2026-03-15\n", "    status: in_progress\n");
    let item = line_of(GOOD, "  - title: Canary");
    assert_eq!(check_now(&open, "2026-03-18T23:00:00Z"), vec![]);
    assert_eq!(check_now(&open, "2026-03-19T00:00:00Z"), vec![("action-overdue", item, W)]);
    let undated = GOOD.replace("    done_on: 2026-03-15\n", "");
    assert_eq!(check(&undated), vec![("done-without-date", item, W)]);
    let twice = GOOD.replace("  - title: Canary", "  - {id: AI-1, title: A, owner: B, due: 2026-03-18, status: wont_do, done_on: 2026-03-10}\n  - id: AI-1\n    title: Canary");
    assert_eq!(check(&twice), vec![("duplicate-id", item + 1, E)]);
}

#[test]
fn maintenance_needs_no_severity_or_roles_but_known_services() {
    let text = "---\nkind: maintenance\nid: MNT-1\ntitle: DB upgrade\nstatus: scheduled\nwindow: {from: 2026-07-04T02:00:00Z, until: 2026-07-04T04:00:00Z}\nimpact: {database: maintenance, public-apii: degraded}\n---\n";
    assert_eq!(check(text), vec![("unknown-service", 7, E)]);
}

#[test]
fn headings_ignore_code_and_accept_setext() {
    let found = headings::headings("Root  Cause\n===\n\n```\n# Impact\n```\n    # Indented\n#### `Action` Items ###\n");
    let mut found: Vec<String> = found.into_iter().collect();
    found.sort();
    assert_eq!(found, vec!["action items", "root cause"]);
}

#[test]
fn placeholder_people_are_warned_about() {
    let text = GOOD.replace("  scribe: Bob", "  scribe: TBD (Scribe)");
    let line = line_of(&text, "scribe: TBD");
    assert_eq!(check(&text), vec![("placeholder-person", line, Level::Warning)]);
    assert!(!is_placeholder_name("Tobias Dunn"));
}

fn is_placeholder_name(name: &str) -> bool {
    let text = GOOD.replace("  scribe: Bob", &format!("  scribe: {name}"));
    check(&text).iter().any(|d| d.0 == "placeholder-person")
}
