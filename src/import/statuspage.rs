//! Statuspage's API v2 JSON (`incidents.json`, `scheduled-maintenances.json`, `summary.json`,
//! single incident objects) read into drafts: one per incident, updates with their components.

use super::{level_rank, Draft, DraftEvent, DraftKind, Import};
use crate::record::valid_id;
use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Statuspage's incident impacts, most severe first (what `--severity-map` maps).
pub const LEVELS: [&str; 4] = ["critical", "major", "minor", "none"];

/// The fields of an incident this reader maps; the other scalar ones go under `extra:`.
const KNOWN: [&str; 16] = [
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
    "scheduled_for",
    "scheduled_until",
    "postmortem_body",
];

/// Reads every incident and window in `files` (each a parsed JSON document and its name).
pub fn read(files: &[(String, Value)], severities: &BTreeMap<String, String>) -> Import {
    let mut import = Import::default();
    let mut objects: Vec<&Map<String, Value>> = Vec::new();
    let mut components: Components = Vec::new();
    for (_, doc) in files {
        collect(doc, &mut objects, &mut components, &mut import);
    }
    for incident in &objects {
        for c in incident.get("components").and_then(Value::as_array).into_iter().flatten() {
            component(c, &mut components);
        }
    }
    // Services first, in the order the sources list them, each under its group's name.
    let groups: BTreeMap<String, String> =
        components.iter().filter(|(_, c)| c.2).map(|(id, c)| (id.clone(), c.0.clone())).collect();
    // Services in the order the sources list them: `summary.json`'s positions, then first mention.
    let mut service_of: BTreeMap<String, String> = BTreeMap::new();
    for (id, (name, group_id, is_group, description)) in &components {
        if *is_group {
            continue;
        }
        let group = group_id.as_ref().and_then(|g| groups.get(g)).map(String::as_str);
        service_of.insert(id.clone(), import.service(name, group, description.as_deref()));
    }

    // One draft per incident id: of duplicates, the most recently updated.
    let mut latest: BTreeMap<String, &Map<String, Value>> = BTreeMap::new();
    for object in objects {
        let Some(id) = object.get("id").and_then(Value::as_str).filter(|s| !s.trim().is_empty()) else {
            import.lost("incident without an `id` (skipped)");
            continue;
        };
        match latest.get(id) {
            Some(kept) => {
                import.lost("duplicate incident (the most recently updated kept)");
                if time_of(object, "updated_at") > time_of(kept, "updated_at") {
                    latest.insert(id.to_string(), object);
                }
            }
            None => {
                latest.insert(id.to_string(), object);
            }
        }
    }
    for object in latest.into_values() {
        if let Some(draft) = draft(object, severities, &mut service_of, &mut import) {
            import.drafts.push(draft);
        }
    }
    import.drafts.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    import
}

/// Component id → name, group id, whether it is a group, description; in the order first met.
type Components = Vec<(String, (String, Option<String>, bool, Option<String>))>;

/// Gathers the incident objects and components in one document, whatever its shape.
fn collect<'a>(doc: &'a Value, out: &mut Vec<&'a Map<String, Value>>, comps: &mut Components, import: &mut Import) {
    match doc {
        Value::Array(items) => items.iter().for_each(|i| collect(i, out, comps, import)),
        Value::Object(map) if is_incident(map) => out.push(map),
        Value::Object(map) => {
            let mut any = false;
            for key in ["incidents", "scheduled_maintenances"] {
                if let Some(Value::Array(items)) = map.get(key) {
                    any = true;
                    for item in items {
                        match item.as_object().filter(|m| is_incident(m)) {
                            Some(m) => out.push(m),
                            None => import.lost(format!("entry of `{key}` that is not an incident object (skipped)")),
                        }
                    }
                }
            }
            if let Some(Value::Array(items)) = map.get("components") {
                any = true;
                items.iter().for_each(|c| component(c, comps));
            }
            if !any {
                import.lost("JSON document with no incidents, maintenances or components (skipped)");
            }
        }
        _ => import.lost("JSON document that is not an object or a list (skipped)"),
    }
}

fn is_incident(map: &Map<String, Value>) -> bool {
    map.contains_key("incident_updates")
        || (map.contains_key("name") && map.contains_key("status") && map.contains_key("id"))
}

fn component(c: &Value, comps: &mut Components) {
    let Some(id) = c.get("id").and_then(Value::as_str) else { return };
    let Some(name) = c.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) else { return };
    let group_id = c.get("group_id").and_then(Value::as_str).map(str::to_string);
    let is_group = c.get("group").and_then(Value::as_bool).unwrap_or(false);
    let description = c.get("description").and_then(Value::as_str).map(str::to_string);
    if comps.iter().all(|(known, _)| known != id) {
        comps.push((id.to_string(), (name.to_string(), group_id, is_group, description)));
    }
}

fn time_of(map: &Map<String, Value>, key: &str) -> Option<DateTime<FixedOffset>> {
    map.get(key).and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok())
}

/// A component status in the record's words (`operational` kept).
fn level_of(status: &str) -> Option<&'static str> {
    Some(match status {
        "operational" => "operational",
        "degraded_performance" => "degraded",
        "partial_outage" => "partial",
        "major_outage" => "major",
        "under_maintenance" => "maintenance",
        _ => return None,
    })
}

/// The level a listed component without update data takes from the incident's impact.
fn level_of_impact(impact: &str) -> &'static str {
    match impact {
        "critical" => "major",
        "major" => "partial",
        "maintenance" => "maintenance",
        _ => "degraded",
    }
}

fn draft(
    object: &Map<String, Value>,
    severities: &BTreeMap<String, String>,
    service_of: &mut BTreeMap<String, String>,
    import: &mut Import,
) -> Option<Draft> {
    let source_id = object.get("id").and_then(Value::as_str).unwrap_or_default().trim().to_string();
    let id = if valid_id(&source_id) { source_id.clone() } else { super::id_slug(&source_id, "incident") };
    let mut extra: Vec<(String, String)> = Vec::new();
    if id != source_id {
        extra.push(("statuspage_id".into(), source_id.clone()));
    }
    let title = match object.get("name").and_then(Value::as_str).map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => {
            import.lost("incident without a `name` (titled by its id)");
            source_id.clone()
        }
    };
    let status_word = object.get("status").and_then(Value::as_str).unwrap_or("");
    let impact_word = object.get("impact").and_then(Value::as_str).unwrap_or("none");
    let maintenance = object.get("scheduled_for").is_some_and(|v| !v.is_null())
        || impact_word == "maintenance"
        || matches!(status_word, "scheduled" | "in_progress" | "verifying" | "completed");
    let kind = if maintenance { DraftKind::Maintenance } else { DraftKind::Incident };

    // The updates, oldest first.
    let mut updates: Vec<DraftEvent> = Vec::new();
    for u in object.get("incident_updates").and_then(Value::as_array).into_iter().flatten() {
        let Some(at) = u.as_object().and_then(|m| time_of(m, "display_at").or_else(|| time_of(m, "created_at"))) else {
            import.lost("update without a valid `display_at` or `created_at` (skipped)");
            continue;
        };
        let written = u.get("status").and_then(Value::as_str).unwrap_or("");
        let status = match (kind, written) {
            (DraftKind::Incident, "investigating" | "identified" | "monitoring" | "resolved") => status_static(written),
            (DraftKind::Incident, "postmortem") => {
                import.lost("update with status `postmortem` (kept as resolved)");
                "resolved"
            }
            (_, "scheduled" | "in_progress" | "completed") => status_static(written),
            (DraftKind::Maintenance, "verifying") => {
                import.lost("update with status `verifying` (kept as in_progress)");
                "in_progress"
            }
            (DraftKind::Maintenance, "investigating" | "identified" | "monitoring") => "in_progress",
            (DraftKind::Maintenance, "resolved") => "completed",
            _ => {
                import.lost(format!("update with status `{written}` (kept as the one before)"));
                updates.last().and_then(|u: &DraftEvent| u.status).unwrap_or(if maintenance {
                    "scheduled"
                } else {
                    "investigating"
                })
            }
        };
        let body = u.get("body").and_then(Value::as_str).unwrap_or("");
        let text = if body.trim().is_empty() {
            import.lost("update without a body (given its status as text)");
            crate::record::Status::INCIDENT
                .iter()
                .chain(&crate::record::Status::MAINTENANCE)
                .find(|(n, _)| *n == status)
                .map(|(_, s)| format!("{}.", s.label()))
                .unwrap_or_else(|| "Update.".to_string())
        } else {
            body.to_string()
        };
        let mut impact = Vec::new();
        for c in u.get("affected_components").and_then(Value::as_array).into_iter().flatten() {
            let code = c.get("code").and_then(Value::as_str).unwrap_or("");
            let name = c.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty());
            let service = match (service_of.get(code), name) {
                (Some(s), _) => s.clone(),
                (None, Some(name)) => {
                    let s = import.service(name, None, None);
                    service_of.insert(code.to_string(), s.clone());
                    s
                }
                (None, None) => {
                    import.lost("affected component without a name (skipped)");
                    continue;
                }
            };
            let new_status = c.get("new_status").and_then(Value::as_str).unwrap_or("");
            let Some(level) = level_of(new_status) else {
                import.lost(format!("component status `{new_status}` (skipped)"));
                continue;
            };
            let level = if maintenance && level != "operational" { "maintenance" } else { level };
            if let Some(i) = impact.iter().position(|(s, _): &(String, &str)| *s == service) {
                impact[i].1 = level;
            } else {
                impact.push((service, level));
            }
        }
        updates.push(DraftEvent { at, event: "update", status: Some(status), text: Some(text), impact });
    }
    updates.sort_by_key(|u| u.at);

    // The record's impact: the worst level each service reached; listed components the updates
    // never set take the incident's impact.
    let mut impact: Vec<(String, &'static str)> = Vec::new();
    for (service, level) in updates.iter().flat_map(|u| u.impact.iter()) {
        if *level == "operational" {
            continue;
        }
        match impact.iter_mut().find(|(s, _)| s == service) {
            Some(entry) if level_rank(level) > level_rank(entry.1) => entry.1 = level,
            Some(_) => {}
            None => impact.push((service.clone(), level)),
        }
    }
    for c in object.get("components").and_then(Value::as_array).into_iter().flatten() {
        let Some(service) = c.get("id").and_then(Value::as_str).and_then(|id| service_of.get(id)) else { continue };
        // A window's components are all under maintenance, whatever its updates list.
        let listed_in_updates = updates.iter().any(|u| u.impact.iter().any(|(s, _)| s == service));
        if (maintenance || !listed_in_updates) && impact.iter().all(|(s, _)| s != service) {
            let level = if maintenance { "maintenance" } else { level_of_impact(impact_word) };
            impact.push((service.clone(), level));
        }
    }
    if maintenance {
        for (_, level) in impact.iter_mut() {
            *level = "maintenance";
        }
    }

    let created = time_of(object, "created_at").or(updates.first().map(|u| u.at));
    let Some(created) = created else {
        import.lost("incident without `created_at` or any update (skipped)");
        return None;
    };
    for key in ["shortlink", "impact"] {
        if let Some(v) = object.get(key).and_then(Value::as_str).filter(|v| !v.is_empty()) {
            let name = if key == "impact" { "statuspage_impact" } else { key };
            extra.push((name.to_string(), v.to_string()));
        }
    }
    import.keep_unmapped(object, &KNOWN, ("incident field", "object"), &mut extra);
    if object.get("postmortem_body").and_then(Value::as_str).is_some_and(|b| !b.trim().is_empty()) {
        import.lost("incident `postmortem_body` (kept as the record's body, unpublished)");
    }
    let body = object.get("postmortem_body").and_then(Value::as_str).unwrap_or("").to_string();

    let mut draft = Draft {
        id,
        kind,
        title,
        severity: None,
        status: None,
        impact,
        timeline: Vec::new(),
        window: None,
        shown: None,
        pin: false,
        extra,
        body,
        at: created,
    };
    if maintenance {
        let from = time_of(object, "scheduled_for").unwrap_or(created);
        let until = time_of(object, "scheduled_until").filter(|u| *u >= from).unwrap_or_else(|| {
            import.lost("maintenance without a valid `scheduled_until` (the window ends when it starts)");
            from
        });
        draft.window = Some((from, until));
        draft.at = from;
        // A window's services are under maintenance inside it: its updates' states add nothing.
        for u in &mut updates {
            u.impact.clear();
        }
        draft.status = Some(match status_word {
            "in_progress" | "verifying" => "in_progress",
            "completed" | "resolved" => "completed",
            _ => "scheduled",
        });
        draft.timeline = updates;
        return Some(draft);
    }

    draft.severity = severities.get(if LEVELS.contains(&impact_word) { impact_word } else { "none" }).cloned();
    if !LEVELS.contains(&impact_word) {
        import.lost(format!("incident impact `{impact_word}` (read as none)"));
    }
    let resolved_word = matches!(status_word, "resolved" | "postmortem");
    if status_word == "postmortem" {
        import.lost("incident status `postmortem` (kept as resolved)");
    }
    let status = if resolved_word {
        "resolved"
    } else if matches!(status_word, "investigating" | "identified" | "monitoring") {
        status_static(status_word)
    } else {
        import.lost(format!("incident status `{status_word}` (read as the latest update's)"));
        updates.iter().rev().filter_map(|u| u.status).find(|s| *s != "resolved").unwrap_or("investigating")
    };
    draft.status = Some(status);
    let mut detected = created;
    let started = time_of(object, "started_at").filter(|s| *s < created);
    let resolved = if status == "resolved" {
        Some(
            time_of(object, "resolved_at")
                .or_else(|| updates.iter().rev().find(|u| u.status == Some("resolved")).map(|u| u.at))
                .or(updates.last().map(|u| u.at))
                .unwrap_or(created),
        )
    } else {
        None
    };
    if let Some(r) = resolved.filter(|r| *r < detected) {
        import.lost("`created_at` after `resolved_at` (detected set to the resolution time)");
        detected = r;
    }
    let mitigated = time_of(object, "monitoring_at").filter(|m| {
        let fits = *m >= detected && resolved.is_none_or(|r| *m <= r);
        if !fits {
            import.lost("`monitoring_at` outside the incident (not kept as mitigated)");
        }
        fits
    });
    let milestone = |at, event| DraftEvent { at, event, status: None, text: None, impact: Vec::new() };
    let mut timeline: Vec<DraftEvent> = Vec::new();
    if let Some(s) = started {
        timeline.push(milestone(s, "started"));
    }
    timeline.push(milestone(detected, "detected"));
    if let Some(m) = mitigated {
        timeline.push(milestone(m, "mitigated"));
    }
    if let Some(r) = resolved {
        timeline.push(milestone(r, "resolved"));
    }
    timeline.extend(updates);
    timeline.sort_by_key(|e| e.at);
    draft.timeline = timeline;
    draft.at = started.unwrap_or(detected);
    Some(draft)
}

fn status_static(word: &str) -> &'static str {
    crate::record::Status::INCIDENT
        .iter()
        .chain(&crate::record::Status::MAINTENANCE)
        .find(|(n, _)| *n == word)
        .map(|(n, _)| *n)
        .unwrap_or("investigating")
}
