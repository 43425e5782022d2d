//! The machine-readable half of the built site — the Statuspage API v2 files, incsite's own
//! export, the Atom and iCalendar feeds, the badges and the sitemap — rendered through the library
//! from the fixture site `tests/sites/api` at a fixed instant (2026-03-04T12:00:00Z), when:
//! - INC-ACTIVE (checkout-api major, payments degraded) is unresolved;
//! - INC-RESOLVED (website partial) was resolved on 1 March;
//! - INC-PRIVATE (email major, private) is unresolved;
//! - MNT-ACTIVE (database) is inside its window, MNT-UPCOMING (search) is ahead, MNT-DONE
//!   (search) is completed and MNT-CANCELLED (email) is cancelled.

mod common;

use chrono::{DateTime, Utc};
use incsite::render::{self, Options, Pages};
use incsite::site::{self, Audience};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const NOW: &str = "2026-03-04T12:00:00Z";
const BASE: &str = "https://status.acme.example";

const V2_FILES: [&str; 8] = [
    "api/v2/summary.json",
    "api/v2/status.json",
    "api/v2/components.json",
    "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json",
    "api/v2/scheduled-maintenances.json",
    "api/v2/scheduled-maintenances/upcoming.json",
    "api/v2/scheduled-maintenances/active.json",
];
const PAGE: &[&str] = &["id", "name", "url", "time_zone", "updated_at"];
const COMPONENT: &[&str] = &[
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
];
const INCIDENT: &[&str] = &[
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
];
const UPDATE: &[&str] = &[
    "id",
    "status",
    "body",
    "incident_id",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
];
const COMPONENT_STATUSES: &[&str] =
    &["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"];

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn build_at(audience: Audience, now: &str) -> Pages {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/api");
    let site = site::load(&root, at(now)).unwrap();
    let opts = Options { now: at(now), base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
    render::render(&site.view(audience), &opts).unwrap()
}

fn build(audience: Audience) -> Pages {
    build_at(audience, NOW)
}

fn json(pages: &Pages, path: &str) -> Value {
    let bytes = pages.get(path).unwrap_or_else(|| panic!("{path} was not rendered"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text<'a>(pages: &'a Pages, path: &str) -> &'a str {
    std::str::from_utf8(pages.get(path).unwrap_or_else(|| panic!("{path} was not rendered"))).unwrap()
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|x| x["id"].as_str().unwrap()).collect()
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|x| x["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

/// A Statuspage time: RFC 3339 in UTC with milliseconds.
fn assert_time(value: &Value, what: &str) {
    let s = value.as_str().unwrap_or_else(|| panic!("{what}: {value} is not a time"));
    assert!(s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.', "{what}: {s}");
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{what}: {s}: {e}"));
}

fn assert_component(c: &Value) {
    let id = c["id"].as_str().unwrap();
    let mut expected = set(COMPONENT);
    if c["group"] == true {
        expected.insert("components");
    }
    assert_eq!(keys(c), expected, "component {id}");
    assert!(COMPONENT_STATUSES.contains(&c["status"].as_str().unwrap()), "{id}: {}", c["status"]);
    assert_time(&c["created_at"], id);
    assert_time(&c["updated_at"], id);
    assert!(c["position"].as_u64().unwrap() >= 1);
    assert_eq!(c["page_id"], "status-acme-example");
}

fn assert_incident(i: &Value, maintenance: bool) {
    let id = i["id"].as_str().unwrap();
    let mut expected = set(INCIDENT);
    if maintenance {
        expected.extend(["scheduled_for", "scheduled_until"]);
        assert_eq!(i["impact"], "maintenance", "{id}");
        assert!(["scheduled", "in_progress", "verifying", "completed"].contains(&i["status"].as_str().unwrap()));
        assert_time(&i["scheduled_for"], id);
        assert_time(&i["scheduled_until"], id);
    } else {
        assert!(["none", "minor", "major", "critical"].contains(&i["impact"].as_str().unwrap()), "{id}");
        assert!(["investigating", "identified", "monitoring", "resolved"].contains(&i["status"].as_str().unwrap()));
    }
    assert_eq!(keys(i), expected, "incident {id}");
    for field in ["created_at", "updated_at", "started_at"] {
        assert_time(&i[field], id);
    }
    assert_eq!(i["shortlink"], format!("{BASE}/incidents/{id}/"));
    assert_eq!(i["page_id"], "status-acme-example");
    let updates = i["incident_updates"].as_array().unwrap();
    assert!(!updates.is_empty(), "{id} has no updates");
    for u in updates {
        assert_eq!(keys(u), set(UPDATE), "update of {id}");
        assert_eq!(u["incident_id"], id);
        assert_time(&u["display_at"], id);
        for a in u["affected_components"].as_array().into_iter().flatten() {
            assert_eq!(keys(a), set(&["code", "name", "old_status", "new_status"]));
        }
    }
    // Newest first.
    let shown: Vec<&str> = updates.iter().map(|u| u["display_at"].as_str().unwrap()).collect();
    let mut sorted = shown.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(shown, sorted, "{id}: updates newest first");
    for c in i["components"].as_array().unwrap() {
        assert_component(c);
    }
}

#[test]
fn every_v2_file_has_the_statuspage_page_object_and_top_level_keys() {
    let pages = build(Audience::Public);
    for path in V2_FILES {
        let file = json(&pages, path);
        assert_eq!(keys(&file["page"]), set(PAGE), "{path}");
        assert_eq!(file["page"]["url"], BASE, "{path}");
        assert_eq!(file["page"]["name"], "Acme <Status> & Co", "{path}");
        assert_eq!(file["page"]["time_zone"], "Europe/Berlin", "{path}");
        assert_time(&file["page"]["updated_at"], path);
        let top: &[&str] = match path {
            "api/v2/summary.json" => &["page", "components", "incidents", "scheduled_maintenances", "status"],
            "api/v2/status.json" => &["page", "status"],
            "api/v2/components.json" => &["page", "components"],
            p if p.contains("incidents") => &["page", "incidents"],
            _ => &["page", "scheduled_maintenances"],
        };
        assert_eq!(keys(&file), set(top), "{path}");
    }
}

#[test]
fn components_carry_each_services_state_and_groups_list_their_members() {
    let pages = build(Audience::Public);
    let components = &json(&pages, "api/v2/components.json")["components"];
    for c in components.as_array().unwrap() {
        assert_component(c);
    }
    assert_eq!(
        ids(components),
        ["group-payments", "checkout-api", "payments", "website", "group-data", "database", "search", "email"]
    );
    let state = |id: &str| find(components, id)["status"].as_str().unwrap().to_string();
    // The active incident's services, at the impact it declares.
    assert_eq!(state("checkout-api"), "major_outage");
    assert_eq!(state("payments"), "degraded_performance");
    // Inside MNT-ACTIVE's window.
    assert_eq!(state("database"), "under_maintenance");
    // Upcoming and completed windows, a resolved incident, a private incident: no effect.
    assert_eq!(state("search"), "operational");
    assert_eq!(state("website"), "operational");
    assert_eq!(state("email"), "operational");

    let group = find(components, "group-payments");
    assert_eq!(group["group"], true);
    assert_eq!(group["components"], serde_json::json!(["checkout-api", "payments"]));
    assert_eq!(group["status"], "major_outage");
    assert_eq!(group["group_id"], Value::Null);
    assert_eq!(find(components, "group-data")["components"], serde_json::json!(["database", "search"]));
    for member in ["checkout-api", "payments"] {
        assert_eq!(find(components, member)["group_id"], "group-payments");
        assert_eq!(find(components, member)["group"], false);
    }
    let website = find(components, "website");
    assert_eq!((&website["group_id"], &website["group"]), (&Value::Null, &Value::Bool(false)));
    assert_eq!(website["description"], "The marketing site.");
    assert_eq!(find(components, "payments")["description"], Value::Null);
    // Top-level positions, then positions within the group.
    let positions: Vec<u64> = components.as_array().unwrap().iter().map(|c| c["position"].as_u64().unwrap()).collect();
    assert_eq!(positions, [1, 1, 2, 2, 3, 1, 2, 4]);
}

#[test]
fn status_json_gives_the_indicator_of_the_worst_active_incident() {
    let pages = build(Audience::Public);
    let status = &json(&pages, "api/v2/status.json")["status"];
    assert_eq!(keys(status), set(&["indicator", "description"]));
    // INC-ACTIVE declares a major impact: Statuspage's "critical".
    assert_eq!(status["indicator"], "critical");
    assert_eq!(status["description"], "Major Service Outage");
    assert_eq!(&json(&pages, "api/v2/summary.json")["status"], status);

    // Before INC-ACTIVE began, during INC-RESOLVED (a partial outage): Statuspage's "major".
    let earlier = build_at(Audience::Public, "2026-03-01T09:30:00Z");
    let status = &json(&earlier, "api/v2/status.json")["status"];
    assert_eq!((&status["indicator"], &status["description"]), (&"major".into(), &"Partial System Outage".into()));
    let unresolved = &json(&earlier, "api/v2/incidents/unresolved.json")["incidents"];
    assert_eq!(ids(unresolved), ["INC-RESOLVED"]);
    assert_eq!(unresolved[0]["status"], "investigating", "as its latest update by then said");
    assert_eq!(unresolved[0]["resolved_at"], Value::Null);
    assert_eq!(unresolved[0]["incident_updates"].as_array().unwrap().len(), 1);
    assert_eq!(ids(&json(&earlier, "api/v2/incidents.json")["incidents"]), ["INC-RESOLVED"], "INC-ACTIVE is ahead");
    assert!(!text(&earlier, "feed.xml").contains("INC-ACTIVE"));
    // Nothing active.
    let quiet = build_at(Audience::Public, "2026-03-02T00:00:00Z");
    let status = &json(&quiet, "api/v2/status.json")["status"];
    assert_eq!((&status["indicator"], &status["description"]), (&"none".into(), &"All Systems Operational".into()));
}

#[test]
fn incidents_and_unresolved_incidents() {
    let pages = build(Audience::Public);
    let incidents = &json(&pages, "api/v2/incidents.json")["incidents"];
    assert_eq!(ids(incidents), ["INC-ACTIVE", "INC-RESOLVED"], "newest first, no maintenance");
    for i in incidents.as_array().unwrap() {
        assert_incident(i, false);
    }
    let unresolved = &json(&pages, "api/v2/incidents/unresolved.json")["incidents"];
    assert_eq!(ids(unresolved), ["INC-ACTIVE"]);
    assert_eq!(&unresolved[0], find(incidents, "INC-ACTIVE"));

    let active = find(incidents, "INC-ACTIVE");
    assert_eq!(active["status"], "identified");
    assert_eq!(active["impact"], "critical");
    assert_eq!(active["started_at"], "2026-03-04T09:00:00.000Z");
    assert_eq!(active["resolved_at"], Value::Null);
    assert_eq!(ids(&active["components"]), ["checkout-api", "payments"]);
    assert_eq!(active["components"][0]["status"], "major_outage");
    let updates = &active["incident_updates"];
    let statuses: Vec<&str> = updates.as_array().unwrap().iter().map(|u| u["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["identified", "investigating"]);
    assert_eq!(updates[1]["body"], "We are investigating failed checkouts.");
    assert_eq!(updates[1]["created_at"], "2026-03-04T09:10:00.000Z");
    let first_change = &updates[1]["affected_components"][0];
    assert_eq!((&first_change["code"], &first_change["old_status"]), (&"checkout-api".into(), &"operational".into()));
    assert_eq!(first_change["new_status"], "major_outage");

    let resolved = find(incidents, "INC-RESOLVED");
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["impact"], "major", "a partial outage is Statuspage's major impact");
    assert_eq!(resolved["started_at"], "2026-03-01T09:00:00.000Z", "10:00+01:00 in UTC");
    assert_eq!(resolved["resolved_at"], "2026-03-01T10:00:00.000Z");
    assert_eq!(resolved["monitoring_at"], "2026-03-01T09:45:00.000Z");
    let latest = &resolved["incident_updates"][0];
    assert_eq!(latest["status"], "resolved");
    assert_eq!(latest["body"], "The website is fast again.");
    assert_eq!(latest["display_at"], resolved["resolved_at"]);
    assert_eq!(latest["affected_components"][0]["new_status"], "operational");
}

#[test]
fn an_incident_resolved_without_a_public_update_shows_its_services_recovering() {
    let dir = common::copy_site("api");
    let record = concat!(
        "---\nid: INC-QUIET\ntitle: Website down\nseverity: SEV-3\nstatus: resolved\nimpact:\n  website: major\n",
        "roles:\n  resolver: Erin Wu\ntimeline:\n  - at: 2026-03-02T09:00:00Z\n    event: detected\n",
        "  - at: 2026-03-02T09:30:00Z\n    event: resolved\n---\n",
    );
    std::fs::write(dir.path().join("content/incidents/quiet.md"), record).unwrap();
    let site = site::load(dir.path(), at(NOW)).unwrap();
    let opts = Options { now: at(NOW), base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
    let pages = render::render(&site.view(Audience::Public), &opts).unwrap();
    let incidents = json(&pages, "api/v2/incidents.json");
    let quiet = find(&incidents["incidents"], "INC-QUIET");
    let updates = quiet["incident_updates"].as_array().unwrap();
    assert_eq!(updates.len(), 1, "{updates:?}");
    let change = &updates[0]["affected_components"][0];
    assert_eq!((&change["old_status"], &change["new_status"]), (&"major_outage".into(), &"operational".into()));
}

#[test]
fn scheduled_maintenances_upcoming_and_active() {
    let pages = build(Audience::Public);
    let all = &json(&pages, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"];
    assert_eq!(ids(all), ["MNT-UPCOMING", "MNT-ACTIVE", "MNT-DONE"], "newest first, cancelled left out");
    for m in all.as_array().unwrap() {
        assert_incident(m, true);
    }
    let upcoming = &json(&pages, "api/v2/scheduled-maintenances/upcoming.json")["scheduled_maintenances"];
    assert_eq!(ids(upcoming), ["MNT-UPCOMING"]);
    assert_eq!(upcoming[0]["status"], "scheduled");
    assert_eq!(upcoming[0]["scheduled_for"], "2026-03-10T00:00:00.000Z");
    assert_eq!(upcoming[0]["scheduled_until"], "2026-03-10T03:00:00.000Z");
    let active = &json(&pages, "api/v2/scheduled-maintenances/active.json")["scheduled_maintenances"];
    assert_eq!(ids(active), ["MNT-ACTIVE"]);
    assert_eq!(active[0]["status"], "in_progress");
    assert_eq!(active[0]["components"][0]["status"], "under_maintenance");
    assert_eq!(active[0]["incident_updates"][0]["status"], "in_progress");
    let done = find(all, "MNT-DONE");
    assert_eq!(done["status"], "completed");
    assert_eq!(done["resolved_at"], "2026-02-20T02:00:00.000Z");
}

#[test]
fn summary_holds_components_unresolved_incidents_and_ongoing_maintenance() {
    let pages = build(Audience::Public);
    let summary = json(&pages, "api/v2/summary.json");
    assert_eq!(summary["components"], json(&pages, "api/v2/components.json")["components"]);
    assert_eq!(summary["incidents"], json(&pages, "api/v2/incidents/unresolved.json")["incidents"]);
    assert_eq!(ids(&summary["scheduled_maintenances"]), ["MNT-ACTIVE", "MNT-UPCOMING"]);
}

#[test]
fn under_maintenance_only_inside_the_window() {
    let database = |now: &str| {
        let pages = build_at(Audience::Public, now);
        let components = json(&pages, "api/v2/components.json");
        let active = ids(&json(&pages, "api/v2/scheduled-maintenances/active.json")["scheduled_maintenances"])
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        (find(&components["components"], "database")["status"].as_str().unwrap().to_string(), active)
    };
    assert_eq!(database("2026-03-04T10:59:59Z"), ("operational".to_string(), vec![]));
    assert_eq!(database("2026-03-04T11:00:00Z"), ("under_maintenance".to_string(), vec!["MNT-ACTIVE".to_string()]));
    assert_eq!(database("2026-03-04T13:00:00Z"), ("operational".to_string(), vec![]));
}

#[test]
fn the_private_incident_is_in_no_public_file() {
    let public = build(Audience::Public);
    assert!(public.len() >= 19, "{} files", public.len());
    for (path, bytes) in &public {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["INC-PRIVATE", "SECRETPRIVATE", "INTERNAL-NOTE-TEXT"] {
            assert!(!text.contains(secret), "{path} contains {secret}");
        }
    }
    // The same files of an internal build do hold it: the check above can fail.
    let internal = build(Audience::Internal);
    assert!(text(&internal, "api/incidents.json").contains("SECRETPRIVATE"));
    assert!(text(&internal, "api/incidents.json").contains("INTERNAL-NOTE-TEXT"));
    let unresolved = &json(&internal, "api/v2/incidents/unresolved.json")["incidents"];
    assert_eq!(ids(unresolved), ["INC-PRIVATE", "INC-ACTIVE"]);
    let components = &json(&internal, "api/v2/components.json")["components"];
    assert_eq!(find(components, "email")["status"], "major_outage");
    assert!(text(&internal, "feed.xml").contains("SECRETPRIVATE"));
}

#[test]
fn own_export_holds_facts_and_derived_times() {
    let pages = build(Audience::Public);
    let export = json(&pages, "api/incidents.json");
    assert_eq!(export["audience"], "public");
    assert_eq!(export["generated_at"], "2026-03-04T12:00:00.000Z");
    let list = &export["incidents"];
    assert_eq!(
        ids(list),
        ["MNT-UPCOMING", "MNT-CANCELLED", "MNT-ACTIVE", "INC-ACTIVE", "INC-RESOLVED", "MNT-DONE"],
        "every record of the view, newest first"
    );
    let resolved = find(list, "INC-RESOLVED");
    assert_eq!(resolved["url"], format!("{BASE}/incidents/INC-RESOLVED/"));
    assert_eq!(resolved["severity"]["id"], "SEV-3");
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["started"], "2026-03-01T09:00:00.000Z");
    assert_eq!(
        [&resolved["ttd_s"], &resolved["tta_s"], &resolved["ttm_s"], &resolved["ttr_s"]],
        [600, 120, 2400, 3600].map(Value::from).each_ref()
    );
    assert_eq!(resolved["roles"], serde_json::json!({"resolver": []}), "which roles were filled, not by whom");
    let internal = json(&build(Audience::Internal), "api/incidents.json");
    assert_eq!(find(&internal["incidents"], "INC-RESOLVED")["roles"], serde_json::json!({"resolver": ["Erin Wu"]}));
    assert_eq!(resolved["services"], serde_json::json!(["website"]));
    assert_eq!(resolved["impact"][0]["level"], "partial");
    assert_eq!(resolved["postmortem"]["status"], "draft");
    let overdue: Vec<&Value> = resolved["action_items"].as_array().unwrap().iter().map(|a| &a["overdue"]).collect();
    assert_eq!(overdue, [&Value::Bool(true), &Value::Bool(false)]);
    assert_eq!(resolved["action_items"][0]["id"], "INC-RESOLVED#1");

    let active = find(list, "INC-ACTIVE");
    assert_eq!(active["active"], true);
    assert_eq!(active["ttr_s"], Value::Null);
    let roles: BTreeSet<&str> = keys(&active["roles"]);
    assert_eq!(roles, set(&["incident_commander", "communicator", "resolver"]), "aliases resolved");
    let events: Vec<&str> =
        active["timeline"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["update", "update"], "only the public entries in a public build");

    let upcoming = find(list, "MNT-UPCOMING");
    assert_eq!(upcoming["kind"], "maintenance");
    assert_eq!(upcoming["phase"], "upcoming");
    assert_eq!(upcoming["window"]["from"], "2026-03-10T00:00:00.000Z");
    assert_eq!(find(list, "MNT-CANCELLED")["phase"], "cancelled");
}

#[test]
fn atom_feed_is_well_formed_and_escapes_record_text() {
    let pages = build(Audience::Public);
    let xml = text(&pages, "feed.xml");
    let doc = roxmltree::Document::parse(xml).expect("feed.xml is well-formed XML");
    let feed = doc.root_element();
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!((feed.tag_name().name(), feed.tag_name().namespace()), ("feed", Some(atom)));
    let child = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children().find(|c| c.has_tag_name((atom, name))).and_then(|c| c.text()).map(str::to_string)
    };
    assert_eq!(child(feed, "title").unwrap(), "Acme <Status> & Co - Incident History");
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name((atom, "entry"))).collect();
    assert_eq!(entries.len(), 6);
    let mut newest = String::new();
    for entry in &entries {
        let id = child(*entry, "id").unwrap();
        assert!(id.starts_with(&format!("{BASE}/incidents/")), "{id}");
        let updated = child(*entry, "updated").unwrap();
        DateTime::parse_from_rfc3339(&updated).unwrap();
        newest = newest.max(updated);
        let link = entry.children().find(|c| c.has_tag_name((atom, "link"))).unwrap();
        assert_eq!((link.attribute("rel"), link.attribute("href")), (Some("alternate"), Some(id.as_str())));
    }
    assert_eq!(child(feed, "updated").unwrap(), newest);

    let active = entries.iter().find(|e| child(**e, "id").unwrap().contains("INC-ACTIVE")).unwrap();
    assert_eq!(child(*active, "title").unwrap(), "Checkout <b>failing</b> & slow", "the title as text");
    assert_eq!(child(*active, "updated").unwrap(), "2026-03-04T09:40:00.000Z", "its latest update");
    let html = child(*active, "content").unwrap();
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.find("Identified").unwrap() < html.find("Investigating").unwrap(), "newest first: {html}");
}

#[test]
fn maintenance_calendar_is_folded_crlf_and_escaped() {
    let pages = build(Audience::Public);
    let ics = text(&pages, "maintenance.ics");
    assert!(ics.ends_with("\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "a bare LF");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(ics.split("\r\n").any(|l| l.starts_with(' ')), "the long descriptions are folded");
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    assert_eq!(lines[..3], ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//incsite//incsite 0.1.0//EN"]);
    assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 4);
    assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 4);
    for expected in [
        "UID:MNT-ACTIVE@status.acme.example",
        "DTSTAMP:20260304T120000Z",
        "DTSTART:20260304T110000Z",
        "DTEND:20260304T130000Z",
        "SUMMARY:Search cluster upgrade\\; reindex\\, part 2",
        "URL:https://status.acme.example/incidents/MNT-UPCOMING/",
        "STATUS:CANCELLED",
        "STATUS:CONFIRMED",
        "END:VCALENDAR",
    ] {
        assert!(lines.contains(&expected), "no line {expected}");
    }
    let description = lines.iter().find(|l| l.starts_with("DESCRIPTION:We are moving search")).unwrap();
    assert!(
        description.contains("cluster\\, with a rolling reindex\\; during")
            && description.contains("\\n\\nAffected: Search")
    );
    // Soonest first.
    let starts: Vec<&&str> = lines.iter().filter(|l| l.starts_with("DTSTART:")).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn badges_are_well_formed_svg_per_service_and_for_the_page() {
    let pages = build(Audience::Public);
    let badges: Vec<&String> = pages.keys().filter(|k| k.starts_with("badges/")).collect();
    assert_eq!(
        badges,
        ["checkout-api", "database", "email", "payments", "search", "status", "website"]
            .map(|s| format!("badges/{s}.svg"))
            .iter()
            .collect::<Vec<_>>()
    );
    for path in badges {
        let svg = text(&pages, path);
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{path}");
        assert!(root.children().any(|c| c.has_tag_name("title")), "{path} has no <title>");
        assert!(doc.descendants().all(|n| !n.has_tag_name("script") && !n.has_tag_name("foreignObject")), "{path}");
        for node in doc.descendants() {
            for attr in node.attributes() {
                assert!(!attr.name().starts_with("on") && !attr.value().contains("http:"), "{path}: {}", attr.name());
            }
        }
    }
    let title = |path: &str| {
        let svg = text(&pages, path);
        let doc = roxmltree::Document::parse(svg).unwrap();
        let t = doc.descendants().find(|n| n.has_tag_name("title")).unwrap().text().unwrap().to_string();
        t
    };
    assert_eq!(title("badges/checkout-api.svg"), "Checkout API: major outage");
    assert_eq!(title("badges/database.svg"), "Database: under maintenance");
    assert_eq!(title("badges/website.svg"), "Website <b>& docs</b>: operational");
    assert_eq!(title("badges/status.svg"), "status: major outage");
    assert!(text(&pages, "badges/checkout-api.svg").contains("#e05d44"));
    assert!(text(&pages, "badges/search.svg").contains("#4c1"));
}

#[test]
fn sitemap_is_well_formed_and_lists_every_html_page() {
    let pages = build(Audience::Public);
    let xml = text(&pages, "sitemap.xml");
    let doc = roxmltree::Document::parse(xml).expect("sitemap.xml is well-formed XML");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert!(doc.root_element().has_tag_name((ns, "urlset")));
    let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name((ns, "loc"))).filter_map(|n| n.text()).collect();
    let html: Vec<&String> = pages.keys().filter(|k| *k == "index.html" || k.ends_with("/index.html")).collect();
    assert_eq!(locs.len(), html.len());
    for loc in &locs {
        assert!(loc.starts_with(BASE) && loc.ends_with('/'), "{loc}");
    }
}

#[test]
fn the_same_inputs_render_the_same_bytes() {
    assert_eq!(build(Audience::Public), build(Audience::Public));
    assert_eq!(build(Audience::Internal), build(Audience::Internal));
}

#[test]
fn the_demo_sites_private_records_are_in_no_public_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let now = at("2026-12-06T02:00:00+01:00");
    let site = site::load(root, now).unwrap();
    let private: Vec<_> = site.records.iter().filter(|r| !r.is_public()).collect();
    assert!(!private.is_empty(), "the demo site has a private incident");
    let opts = Options { now, base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
    let pages = render::render(&site.view(Audience::Public), &opts).unwrap();
    for (path, bytes) in &pages {
        let text = String::from_utf8_lossy(bytes);
        for record in &private {
            assert!(
                !text.contains(&record.id.value) && !text.contains(record.title()),
                "{path} names {}",
                record.id.value
            );
        }
    }
}

/// The pages tell a window's phase as the API does, by the build's clock: MNT-ACTIVE is written
/// `status: scheduled`, and shows Scheduled before its window, In progress inside it and Completed
/// after it — on its own page, in the history, under the history's status filters, in the API and in
/// the Atom feed.
#[test]
fn the_pages_show_a_windows_phase_as_the_api_does() {
    let seen = |now: &str| {
        let pages = build_at(Audience::Public, now);
        let page = text(&pages, "incidents/MNT-ACTIVE/index.html");
        let head = page.split("<header class=\"record-head").nth(1).and_then(|h| h.split("</header>").next());
        let page = head.expect("the record's page has its header");
        let badges: Vec<&str> = ["scheduled", "in-progress", "completed"]
            .into_iter()
            .filter(|class| page.contains(&format!("<span class=\"badge status-{class}\">")))
            .collect();
        let filters: Vec<String> = pages
            .keys()
            .filter(|p| p.starts_with("incidents/status/") && p.ends_with("/index.html"))
            .filter(|p| text(&pages, p).contains("incidents/MNT-ACTIVE/\""))
            .map(|p| p.to_string())
            .collect();
        let all = &json(&pages, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"];
        let api = find(all, "MNT-ACTIVE")["status"].as_str().unwrap().to_string();
        // The Atom feed's entry for it says the same, in words.
        let feed = text(&pages, "feed.xml");
        let entry = feed.split("<entry>").find(|e| e.contains("MNT-ACTIVE")).expect("a feed entry for MNT-ACTIVE");
        let word = match api.as_str() {
            "scheduled" => "Scheduled",
            "in_progress" => "In progress",
            _ => "Completed",
        };
        assert!(entry.contains(&format!("Status:&lt;/strong&gt; {word}&lt;/p&gt;")), "{entry}");
        (badges, filters, api)
    };
    fn expect(badge: &'static str, filter: &str, api: &str) -> (Vec<&'static str>, Vec<String>, String) {
        (vec![badge], vec![format!("incidents/status/{filter}/index.html")], api.to_string())
    }
    assert_eq!(seen("2026-03-04T10:00:00Z"), expect("scheduled", "scheduled", "scheduled"));
    assert_eq!(seen("2026-03-04T12:00:00Z"), expect("in-progress", "in_progress", "in_progress"));
    assert_eq!(seen("2026-03-04T13:00:00Z"), expect("completed", "completed", "completed"));

    // The history's row carries the window, so that live.js moves its badge between builds too.
    let pages = build(Audience::Public);
    assert!(text(&pages, "incidents/index.html").contains(
        r#"<li class="row edge-maintenance" data-window-from="2026-03-04T11:00:00Z" data-window-until="2026-03-04T13:00:00Z">"#
    ));
}
