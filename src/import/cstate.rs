//! A cState site (`content/issues/*.md` and the systems in `config.yml`) read into drafts: issues
//! become incidents with their `{{< track >}}` updates, `informational` posts become notices.

use super::{Draft, DraftEvent, DraftKind, Import};
use crate::record::valid_id;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

/// cState's severities, most severe first (what `--severity-map` maps).
pub const LEVELS: [&str; 3] = ["down", "disrupted", "notice"];

/// One source file: its name (for messages and the id) and its text.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Reads the systems of `config` (the text of `config.yml`, when there is one) and every issue.
pub fn read(config: Option<&str>, issues: &[Source], severities: &BTreeMap<String, String>) -> Import {
    let mut import = Import::default();
    if let Some(text) = config {
        systems(text, &mut import);
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for source in issues {
        let Some(draft) = issue(source, severities, &mut import) else { continue };
        if let Some(&at) = seen.get(&draft.id) {
            import.lost("issue with the id of another (the later file kept)");
            import.drafts[at] = draft;
            continue;
        }
        seen.insert(draft.id.clone(), import.drafts.len());
        import.drafts.push(draft);
    }
    import.drafts.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    import
}

/// The YAML text parsed to JSON, or `None` when it is not YAML.
fn yaml_json(text: &str) -> Option<Value> {
    let root = crate::yaml::parse(text).ok()??;
    Some(crate::record::yaml_to_json(&root))
}

/// `params.systems` (each `name`, `category`, `description`), in order, as services.
fn systems(text: &str, import: &mut Import) {
    let Some(config) = yaml_json(text) else {
        import.lost("config.yml that is not YAML (its systems not read)");
        return;
    };
    let params = config.get("params").unwrap_or(&config);
    for system in params.get("systems").and_then(Value::as_array).into_iter().flatten() {
        match system {
            Value::String(name) => {
                import.service(name, None, None);
            }
            Value::Object(m) => {
                let Some(name) = m.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) else {
                    import.lost("system without a `name` in config.yml (skipped)");
                    continue;
                };
                let category = m.get("category").and_then(Value::as_str).filter(|c| *c != "Uncategorized");
                import.service(name, category, m.get("description").and_then(Value::as_str));
            }
            _ => import.lost("system in config.yml that is not a name or a mapping (skipped)"),
        }
    }
}

/// A cState time: RFC 3339, or a date and time without an offset (cState asks for UTC).
fn time(value: Option<&Value>, import: &mut Import) -> Option<DateTime<FixedOffset>> {
    let text = match value? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if let Ok(t) = crate::decode::parse_time(&text) {
        return Some(t);
    }
    let with_t = text.replacen(' ', "T", 1);
    let naive = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&with_t, f).ok())
        .or_else(|| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    import.lost("time without an offset (read as UTC, as cState asks)");
    Some(Utc.from_utc_datetime(&naive).fixed_offset())
}

fn issue(source: &Source, severities: &BTreeMap<String, String>, import: &mut Import) -> Option<Draft> {
    if source.text.trim_start().starts_with("+++") {
        import.lost("issue with TOML front matter (skipped)");
        return None;
    }
    let Ok(split) = crate::record::split_front_matter(&source.name, source.text.as_bytes()) else {
        import.lost("issue without front matter (skipped)");
        return None;
    };
    let Some(Value::Object(fm)) = yaml_json(&split.matter) else {
        import.lost("issue whose front matter is not a YAML mapping (skipped)");
        return None;
    };
    if fm.get("draft").and_then(Value::as_bool) == Some(true) {
        import.lost("draft issue (skipped)");
        return None;
    }
    let stem = source.name.rsplit('/').next().unwrap_or(&source.name).trim_end_matches(".md");
    let id = if valid_id(stem) { stem.to_string() } else { super::id_slug(stem, "issue") };
    let title = match fm.get("title").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => {
            import.lost("issue without a `title` (titled by its file name)");
            stem.to_string()
        }
    };
    let Some(date) = time(fm.get("date"), import) else {
        import.lost("issue without a valid `date` (skipped)");
        return None;
    };
    let resolved_when = time(fm.get("resolvedWhen"), import);
    let mut extra = vec![("cstate_file".to_string(), source.name.clone())];
    let known = [
        "title",
        "date",
        "resolved",
        "resolvedWhen",
        "severity",
        "affected",
        "section",
        "informational",
        "pin",
        "draft",
    ];
    import.keep_unmapped(&fm, &known, ("issue field", "mapping"), &mut extra);
    let body = split.body.trim().to_string();

    if fm.get("informational").and_then(Value::as_bool) == Some(true) {
        let body = strip_tracks(&body, import);
        let body = if body.is_empty() { title.clone() } else { body };
        return Some(Draft {
            id,
            kind: DraftKind::Notice,
            title,
            severity: None,
            status: None,
            impact: affected(&fm, "degraded", import),
            timeline: Vec::new(),
            window: None,
            shown: Some((date, resolved_when.filter(|u| *u > date))),
            pin: fm.get("pin").and_then(Value::as_bool).unwrap_or(false),
            extra,
            body,
            at: date,
        });
    }

    let severity_word = fm.get("severity").and_then(Value::as_str).unwrap_or("");
    let severity_word = if LEVELS.contains(&severity_word) {
        severity_word
    } else {
        import.lost(format!("issue severity `{severity_word}` (read as notice)"));
        "notice"
    };
    let level = match severity_word {
        "down" => "major",
        "disrupted" => "partial",
        _ => "degraded",
    };
    let impact = affected(&fm, level, import);
    let mut updates = updates(&body, date, import);
    let resolved_flag = fm.get("resolved").and_then(Value::as_bool).unwrap_or(false);
    let resolved = if resolved_flag {
        let at = resolved_when.or_else(|| {
            import.lost("resolved issue without `resolvedWhen` (resolved at its last update)");
            updates.last().map(|u| u.at)
        });
        Some(at.unwrap_or(date).max(date))
    } else {
        None
    };
    if resolved_flag && resolved_when.is_some_and(|r| r < date) {
        import.lost("`resolvedWhen` before `date` (resolved at `date`)");
    }
    let status = if resolved.is_some() {
        "resolved"
    } else {
        updates.iter().rev().filter_map(|u| u.status).find(|s| *s != "resolved").unwrap_or("investigating")
    };
    let mut timeline = vec![DraftEvent { at: date, event: "detected", status: None, text: None, impact: Vec::new() }];
    if let Some(r) = resolved {
        timeline.push(DraftEvent { at: r, event: "resolved", status: None, text: None, impact: Vec::new() });
    }
    if resolved.is_none() {
        for u in updates.iter_mut().filter(|u| u.status == Some("resolved")) {
            u.status = Some("monitoring");
            import.lost("`Resolved` update of an unresolved issue (kept as monitoring)");
        }
    }
    timeline.extend(updates);
    timeline.sort_by_key(|e| e.at);
    Some(Draft {
        id,
        kind: DraftKind::Incident,
        title,
        severity: severities.get(severity_word).cloned(),
        status: Some(status),
        impact,
        timeline,
        window: None,
        shown: None,
        pin: false,
        extra,
        body: String::new(),
        at: date,
    })
}

/// The `affected` systems at one level.
fn affected(
    fm: &serde_json::Map<String, Value>,
    level: &'static str,
    import: &mut Import,
) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let names: Vec<String> = match fm.get("affected") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    for name in names.iter().filter(|n| !n.trim().is_empty()) {
        if !import.services.iter().any(|s| s.name.eq_ignore_ascii_case(name.trim())) {
            import.lost("affected system not in config.yml (added as a service)");
        }
        let id = import.service(name, None, None);
        if out.iter().all(|(s, _)| *s != id) {
            out.push((id, level));
        }
    }
    out
}

/// Where each `{{< track "time" >}}` shortcode is: its byte span and its time text.
fn tracks(body: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = body[from..].find("{{<").map(|i| i + from) {
        let Some(close) = body[open..].find(">}}").map(|i| i + open + 3) else { break };
        let inner = body[open + 3..close - 3].trim();
        if let Some(arg) = inner.strip_prefix("track") {
            let arg = arg.trim().trim_matches(|c| c == '"' || c == '\'');
            out.push((open, close, arg.to_string()));
        }
        from = close;
    }
    out
}

/// The body without its shortcodes (for a notice).
fn strip_tracks(body: &str, import: &mut Import) -> String {
    let mut out = String::new();
    let mut from = 0;
    for (s, e, _) in tracks(body) {
        import.lost("`track` shortcode in an informational post (removed)");
        out.push_str(&body[from..s]);
        from = e;
    }
    out.push_str(&body[from..]);
    out.trim().to_string()
}

/// Each text before a `{{< track >}}` is an update at its time, its status from a leading
/// `*Investigating* -`; a body without shortcodes is one update at `date`.
fn updates(body: &str, date: DateTime<FixedOffset>, import: &mut Import) -> Vec<DraftEvent> {
    let marks = tracks(body);
    let mut pieces: Vec<(String, DateTime<FixedOffset>)> = Vec::new();
    let mut from = 0;
    for (s, e, when) in &marks {
        let at = time(Some(&Value::String(when.clone())), import).unwrap_or_else(|| {
            import.lost("`track` shortcode with an unreadable time (the issue's date used)");
            date
        });
        pieces.push((body[from..*s].to_string(), at));
        from = *e;
    }
    let rest = body[from..].trim();
    if !rest.is_empty() {
        if !marks.is_empty() {
            import.lost("text after the last `track` shortcode (an update at the issue's date)");
        }
        pieces.push((rest.to_string(), date));
    }
    let mut out: Vec<DraftEvent> = Vec::new();
    for (text, at) in pieces {
        let (status, text) = status_prefix(text.trim());
        if text.trim().is_empty() {
            continue;
        }
        let status = status.or(out.last().and_then(|u| u.status)).unwrap_or("investigating");
        out.push(DraftEvent { at, event: "update", status: Some(status), text: Some(text), impact: Vec::new() });
    }
    out.sort_by_key(|u| u.at);
    out
}

/// A leading `*Word* -` or `**Word** -` naming an incident status, split off the text.
fn status_prefix(text: &str) -> (Option<&'static str>, String) {
    let marks = text.chars().take_while(|c| *c == '*' || *c == '_').count();
    if marks == 0 || marks > 2 {
        return (None, text.to_string());
    }
    let rest = &text[marks..];
    let Some(end) = rest.find(['*', '_']) else { return (None, text.to_string()) };
    let word = rest[..end].trim().to_lowercase();
    let status = match word.as_str() {
        "investigating" => "investigating",
        "identified" => "identified",
        "monitoring" => "monitoring",
        "resolved" => "resolved",
        _ => return (None, text.to_string()),
    };
    let after = rest[end..].trim_start_matches(['*', '_']).trim_start();
    let after = after.trim_start_matches(['-', '—', '–', ':']).trim_start();
    (Some(status), after.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_prefixes() {
        assert_eq!(status_prefix("*Resolved* -\nAll good."), (Some("resolved"), "All good.".to_string()));
        assert_eq!(status_prefix("**Monitoring** — Watching."), (Some("monitoring"), "Watching.".to_string()));
        assert_eq!(status_prefix("*Note* - Hm."), (None, "*Note* - Hm.".to_string()));
        assert_eq!(status_prefix("Plain text"), (None, "Plain text".to_string()));
    }

    #[test]
    fn track_shortcodes() {
        let body = "*Investigating* - A. {{< track \"2018-05-25 04:13:00\" >}}\n\n*Resolved* - B. {{<track '2018-05-25T05:00:00Z'>}}";
        let mut import = Import::default();
        let date = DateTime::parse_from_rfc3339("2018-05-25T04:00:00Z").unwrap();
        let u = updates(body, date, &mut import);
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].status, Some("investigating"));
        assert_eq!(u[0].text.as_deref(), Some("A."));
        assert_eq!(u[1].at.to_rfc3339(), "2018-05-25T05:00:00+00:00");
        assert_eq!(import.unmapped.get("time without an offset (read as UTC, as cState asks)"), Some(&1));
    }
}
