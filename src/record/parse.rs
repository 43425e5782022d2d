//! From a record file's bytes to a [`Record`]: the front matter is split off (as gray_matter does), parsed
//! into a span-keeping YAML tree, and read field by field, every problem reported at its line.

use super::*;
use crate::decode::{Ctx, Fields};
use crate::diag::Diagnostic;
use crate::yaml::{self, Node, Value};
use std::borrow::Cow;

pub(crate) const TOP_KEYS: [&str; 23] = [
    "id",
    "kind",
    "title",
    "severity",
    "status",
    "visibility",
    "summary",
    "impact",
    "roles",
    "causes",
    "related",
    "runbooks",
    "timeline",
    "action_items",
    "postmortem",
    "exclude_from_metrics",
    "window",
    "extra",
    "imported",
    "from",
    "until",
    "pin",
    "services",
];
pub(crate) const EVENT_KEYS: [&str; 10] =
    ["at", "event", "text", "by", "public", "status", "from", "to", "role", "impact"];
pub(crate) const ACTION_KEYS: [&str; 8] = ["id", "title", "owner", "due", "status", "priority", "done_on", "link"];
pub(crate) const POSTMORTEM_KEYS: [&str; 3] = ["status", "facilitator", "meeting"];
pub(crate) const WINDOW_KEYS: [&str; 2] = ["from", "until"];

/// A gray_matter engine that leaves the front matter unparsed: incsite parses it itself, keeping
/// lines and refusing alias bombs.
struct Unparsed;

impl gray_matter::engine::Engine for Unparsed {
    fn parse(_: &str) -> gray_matter::Result<gray_matter::Pod> {
        Ok(gray_matter::Pod::Null)
    }
}

/// A file split into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines (borrowed from the file unless it has CRs).
    pub matter: Cow<'a, str>,
    /// The file line the YAML text starts on, less one (add it to the YAML's 1-based lines).
    pub matter_offset: usize,
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// The diagnostic for a file that is not UTF-8, at the line of its first bad byte.
pub fn not_utf8(file: &str, bytes: &[u8], e: &std::str::Utf8Error) -> Diagnostic {
    let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
    Diagnostic::error(file, Pos::new(line, 0), "not-utf8", "the file is not valid UTF-8 text")
        .with_hint("save the file as UTF-8")
}

/// Decodes UTF-8 and splits off the front matter, or says what is wrong with the file as a whole.
pub fn split_front_matter<'a>(file: &str, bytes: &'a [u8]) -> Result<Split<'a>, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(file, bytes, &e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(file, Pos::file(), "empty-file", "the file is empty")
            .with_hint("a record starts with front matter between `---` lines"));
    }
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            file,
            Pos::new(1, 1),
            "no-front-matter",
            "the file does not start with front matter",
        )
        .with_hint("put the record's fields between two `---` lines at the top"));
    }
    let never_closed = || {
        Diagnostic::error(file, Pos::new(1, 1), "no-front-matter", "the front matter is never closed")
            .with_hint("end the front matter with a line holding only `---`")
    };
    let after_first = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let (matter, body, close_line) = if text.contains('\r') {
        let Some(close) = text.lines().skip(1).position(|l| l.trim_end() == "---") else {
            return Err(never_closed());
        };
        // gray_matter rebuilds both halves line by line, turning CRLF into LF.
        let parsed = gray_matter::Matter::<Unparsed>::new().parse::<gray_matter::Pod>(text).map_err(|e| {
            Diagnostic::error(file, Pos::file(), "no-front-matter", format!("cannot split the front matter: {e}"))
        })?;
        (Cow::Owned(parsed.matter), parsed.content, close + 2)
    } else {
        // Without a CR, gray_matter's halves are slices of the text: the matter trimmed, the body
        // without leading blank lines and its last newline. Cutting them out directly saves the
        // copies (~10 % of a whole `check`).
        let Some((close_start, close_end, lines_before)) = close_line_span(text, after_first) else {
            return Err(never_closed());
        };
        // The opening line, the lines between, then the closing one.
        let close_line = 1 + lines_before + 1;
        let body = &text[close_end..];
        let body = body.strip_suffix('\n').unwrap_or(body).trim_start_matches('\n');
        (Cow::Borrowed(text[after_first..close_start].trim()), body.to_string(), close_line)
    };
    // The front matter is trimmed, so it starts at the first non-blank character after the
    // opening line (searching for the matter's text instead cost ~10 % of a whole `check`).
    let rest = &text[after_first..];
    let matter_start =
        if matter.is_empty() { after_first } else { after_first + (rest.len() - rest.trim_start().len()) };
    let matter_offset = text[..matter_start].matches('\n').count();
    Ok(Split { matter, matter_offset, body, body_line: close_line + 1 })
}

/// Where the closing `---` line (the first at or after `from`, a line start, that is `---` and
/// blanks) starts, where the line after it starts, and how many lines come between `from` and it,
/// in a text without CRs.
fn close_line_span(text: &str, from: usize) -> Option<(usize, usize, usize)> {
    // Line by line, each newline found by a plain byte loop: a substring search for `---`, or
    // a `find('\n')` per line, cost several times more over a few KB of front matter.
    let bytes = text.as_bytes();
    let line_end =
        |start: usize| bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| start + i + 1);
    let (mut start, mut lines) = (from, 0);
    while start < bytes.len() {
        let end = line_end(start);
        if bytes[start..].starts_with(b"---") && text[start + 3..end].trim_end().is_empty() {
            return Some((start, end, lines));
        }
        (start, lines) = (end, lines + 1);
    }
    None
}

/// Parses a file's front matter into a YAML tree, or gives the one diagnostic that stops it being
/// read at all (`if_empty` for a front matter with nothing in it).
fn front_matter<'m>(
    path: &str,
    matter: &'m str,
    matter_offset: usize,
    if_empty: impl FnOnce() -> Diagnostic,
) -> Result<(Ctx, Node<'m>), Diagnostic> {
    match yaml::parse(matter) {
        Ok(Some(root)) => Ok((Ctx::new(path, matter_offset), root)),
        Ok(None) => Err(if_empty()),
        Err(e) => {
            let x = yaml::explain(&e, matter);
            let d = Diagnostic::error(path, Pos::new(x.line + matter_offset, x.col), "yaml", x.message);
            Err(match x.hint {
                Some(hint) => d.with_hint(hint),
                None => d,
            })
        }
    }
}

/// Parses one record file. Returns the record (when the front matter could be read at all) and
/// every problem found.
pub fn parse(path: &str, bytes: &[u8]) -> (Option<Record>, Vec<Diagnostic>) {
    let empty = || {
        Diagnostic::error(path, Pos::new(1, 1), "empty-front-matter", "the front matter is empty")
            .with_hint("a record needs at least `title`, `status` and, for an incident, `severity`")
    };
    let split = match split_front_matter(path, bytes) {
        Ok(split) => split,
        Err(d) => return (None, vec![d]),
    };
    let (mut ctx, root) = match front_matter(path, &split.matter, split.matter_offset, empty) {
        Ok(parts) => parts,
        Err(d) => return (None, vec![d]),
    };
    if !matches!(root.value, Value::Map(_)) {
        ctx.error(
            &root,
            "not-a-mapping",
            format!("the front matter must be a mapping of keys to values, found {}", root.kind_name()),
        );
        return (None, ctx.diags);
    }
    let record = read_record(&mut ctx, &root, path, split.body, split.body_line);
    (record, ctx.diags)
}

fn read_record(ctx: &mut Ctx, root: &Node, path: &str, body: String, body_line: usize) -> Option<Record> {
    let mut f = ctx.map(root, "the front matter")?;
    let errors_before = ctx.diags.len();
    let kind = f.get("kind").and_then(|n| ctx.one_of(n, "kind", &Kind::ALL)).unwrap_or(Kind::Incident);
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md").to_string();
    let id = match f.get("id") {
        Some(n) => ctx.string(n, "id").map(|s| At::new(s, ctx.pos(n))),
        None => None,
    }
    .unwrap_or_else(|| At::new(stem, Pos::new(1, 1)));
    if !valid_id(&id) {
        let d = Diagnostic::error(path, id.pos, "bad-id", format!("id `{}` {ID_CHARS}", id.value))
            .with_hint("the id is used in URLs; set `id:` or rename the file");
        ctx.push(d);
    }
    let text_at = |ctx: &mut Ctx, f: &mut Fields, key: &str| {
        f.get(key).and_then(|n| ctx.string(n, key).map(|s| At::new(s, ctx.pos(n))))
    };
    let title = text_at(ctx, &mut f, "title");
    let severity = text_at(ctx, &mut f, "severity");
    let statuses: &[(&str, Status)] = match kind {
        Kind::Incident => &Status::INCIDENT,
        Kind::Maintenance | Kind::Notice => &Status::MAINTENANCE,
    };
    // A notice has no status (reported below as such, not as a bad one).
    let status = f
        .get("status")
        .filter(|_| kind != Kind::Notice)
        .and_then(|n| ctx.one_of(n, "status", statuses).map(|s| At::new(s, ctx.pos(n))));
    let visibility = read_visibility(ctx, &mut f);
    let summary = f.get("summary").and_then(|n| ctx.string(n, "summary"));
    let impact = f.get("impact").map(|n| read_impact(ctx, n)).unwrap_or_default();
    let roles = f.get("roles").map(|n| read_roles(ctx, n)).unwrap_or_default();
    let list = |ctx: &mut Ctx, f: &mut Fields, key: &str| -> Vec<At<String>> {
        f.get(key).map(|n| ctx.strings(n, key)).unwrap_or_default().into_iter().map(|(s, p)| At::new(s, p)).collect()
    };
    let causes = list(ctx, &mut f, "causes");
    let related = list(ctx, &mut f, "related");
    let runbooks = list(ctx, &mut f, "runbooks");
    let timeline_node = f.get("timeline");
    let (timeline, dropped) = timeline_node.map(|n| read_timeline(ctx, n, kind)).unwrap_or_default();
    let action_items = f.get("action_items").map(|n| read_actions(ctx, n, &id.value)).unwrap_or_default();
    let postmortem = f.get("postmortem").and_then(|n| read_postmortem(ctx, n));
    let window = f.get("window").and_then(|n| read_window(ctx, n));
    let exclude_from_metrics =
        f.get("exclude_from_metrics").and_then(|n| ctx.boolean(n, "exclude_from_metrics")).unwrap_or(false);
    let extra = f.get("extra").map(|n| extra_json(ctx, n)).unwrap_or(serde_json::Value::Null);
    let imported = f.get("imported").and_then(|n| read_imported(ctx, n));
    let notice = read_notice(ctx, &mut f, kind);
    if kind == Kind::Notice {
        for key in ["severity", "status", "roles", "timeline", "impact", "window", "postmortem", "action_items"] {
            if let Some(n) = f.key_node(key) {
                ctx.error(n, "bad-value", format!("a notice has no `{key}` (it is an announcement, not an outage)"));
            }
        }
    }
    // A required key that is absent or empty; a present but invalid value was reported already.
    let absent: Vec<(&str, Option<Pos>)> = ["title", "status", "severity", "window", "from"]
        .into_iter()
        .filter(|k| !f.has_value(k) && !f.misspells(k, &TOP_KEYS))
        .map(|k| (k, f.key_node(k).map(|n| ctx.pos(n))))
        .collect();
    f.finish(ctx, "the front matter", &TOP_KEYS);

    let record_pos = ctx.pos(root);
    let missing = |ctx: &mut Ctx, key: &str, why: &str| {
        let Some((_, pos)) = absent.iter().find(|(k, _)| *k == key) else { return };
        let d = Diagnostic::error(path, pos.unwrap_or(record_pos), "missing-field", format!("missing `{key}`{why}"));
        ctx.push(d);
    };
    missing(ctx, "title", "");
    if kind != Kind::Notice {
        missing(ctx, "status", "");
    }
    match kind {
        Kind::Incident => {
            missing(ctx, "severity", " (an incident needs a severity level)");
            let has_detected = timeline.iter().any(|e| e.kind == EventKind::Detected);
            if !has_detected && !dropped {
                let pos = timeline_node.map(|n| ctx.pos(n)).unwrap_or(record_pos);
                let d = Diagnostic::error(
                    path,
                    pos,
                    "missing-field",
                    "missing `detected` event in `timeline` (every incident records when it was detected)",
                );
                ctx.push(d);
            }
        }
        Kind::Maintenance => missing(ctx, "window", " (a maintenance needs `window: {from: …, until: …}`)"),
        Kind::Notice => missing(ctx, "from", " (a notice is shown from this time)"),
    }
    let damaged = ctx.diags[errors_before..].iter().any(|d| d.level == crate::diag::Level::Error);
    Some(Record {
        path: path.to_string(),
        kind,
        id,
        title,
        severity,
        status,
        visibility,
        summary,
        impact,
        roles,
        causes,
        related,
        runbooks,
        action_items,
        postmortem,
        window,
        notice,
        exclude_from_metrics,
        milestones: Milestones::of(&timeline),
        timeline,
        extra,
        imported,
        body,
        body_line,
        pos: record_pos,
        damaged,
    })
}

/// `imported:` names the system a record was converted from: a word such as `statuspage`.
fn read_imported(ctx: &mut Ctx, node: &Node) -> Option<String> {
    let source = ctx.string(node, "imported")?;
    if source.is_empty() || !source.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        ctx.error(node, "bad-value", format!("`imported` names the source system in one word, not `{source}`"));
        return None;
    }
    Some(source)
}

/// A notice's `from`, `until`, `pin` and `services` (on any other record, each is an error).
fn read_notice(ctx: &mut Ctx, f: &mut Fields, kind: Kind) -> Option<Notice> {
    if kind != Kind::Notice {
        for key in ["from", "until", "pin", "services"] {
            if let Some(n) = f.get(key) {
                ctx.error(n, "bad-value", format!("only a notice (`kind: notice`) has `{key}`"));
            }
        }
        return None;
    }
    let from = f.get("from").and_then(|n| ctx.time(n, "from"));
    let until_node = f.get("until");
    let until = until_node.and_then(|n| ctx.time(n, "until"));
    let pin = f.get("pin").and_then(|n| ctx.boolean(n, "pin")).unwrap_or(false);
    let services = f
        .get("services")
        .map(|n| ctx.strings(n, "services"))
        .unwrap_or_default()
        .into_iter()
        .map(|(s, p)| At::new(s, p))
        .collect();
    let from = from?;
    if let (Some(until), Some(n)) = (until, until_node) {
        if until < from {
            ctx.error(n, "window-order", "the notice's `until` is before its `from`");
        }
    }
    Some(Notice { from, until, pin, services })
}

fn read_impact(ctx: &mut Ctx, node: &Node) -> Vec<Impact> {
    let Some(mut f) = ctx.map(node, "impact") else { return Vec::new() };
    let mut out = Vec::new();
    for (service, key, level) in f.all() {
        if let Some(level) = ctx.one_of(level, "impact level", &ImpactLevel::ALL) {
            out.push(Impact { service: At::new(service.to_string(), ctx.pos(key)), level });
        }
    }
    out
}

/// An update's `impact:`: service → level, `operational` included.
fn read_update_impact(ctx: &mut Ctx, node: &Node) -> Vec<UpdateImpact> {
    let Some(mut f) = ctx.map(node, "an update's impact") else { return Vec::new() };
    let mut out = Vec::new();
    for (service, key, level) in f.all() {
        if let Some(level) = ctx.one_of(level, "impact level", &UpdateImpact::LEVELS) {
            out.push(UpdateImpact { service: At::new(service.to_string(), ctx.pos(key)), level });
        }
    }
    out
}

fn read_roles(ctx: &mut Ctx, node: &Node) -> Vec<RoleAssignment> {
    let Some(mut f) = ctx.map(node, "roles") else { return Vec::new() };
    let mut out = Vec::new();
    for (role, key, people) in f.all() {
        let people = ctx.strings(people, "a role's people").into_iter().map(|(p, pos)| At::new(p, pos)).collect();
        out.push(RoleAssignment { role: At::new(role.to_string(), ctx.pos(key)), people });
    }
    out
}

/// The timeline entries that could be read, and whether any had to be dropped.
fn read_timeline(ctx: &mut Ctx, node: &Node, kind: Kind) -> (Vec<Event>, bool) {
    let mut out = Vec::new();
    let mut dropped = false;
    let statuses: Vec<(&str, Status)> = Status::INCIDENT.iter().chain(Status::MAINTENANCE.iter()).copied().collect();
    let statuses: &[(&str, Status)] = if kind == Kind::Incident { &Status::INCIDENT } else { &statuses };
    for (index, item) in ctx.list(node, "timeline").iter().enumerate() {
        let Some(mut f) = ctx.map(item, "a timeline entry") else {
            dropped = true;
            continue;
        };
        let pos = ctx.pos(item);
        let at = f.get("at").and_then(|n| ctx.time(n, "at"));
        let event_kind = f.get("event").and_then(|n| ctx.one_of(n, "timeline event", &EventKind::ALL));
        let text = f.get("text").and_then(|n| ctx.string(n, "text"));
        let by = f.get("by").and_then(|n| ctx.string(n, "by"));
        let public = read_public(ctx, &mut f);
        let status_node = f.get("status");
        let status = status_node.and_then(|n| ctx.one_of(n, "status", statuses));
        let from = f.get("from").and_then(|n| ctx.string(n, "from"));
        let to = f.get("to").and_then(|n| ctx.string(n, "to"));
        let role = f.get("role").and_then(|n| ctx.string(n, "role"));
        let impact_node = f.get("impact");
        let impact = impact_node.map(|n| read_update_impact(ctx, n)).unwrap_or_default();
        let (has_at, has_event) = (f.key_node("at").is_some(), f.key_node("event").is_some());
        // A status that is there but not valid is reported as such (bad-value), not as missing too.
        let has_status = status_node.is_some_and(|n| !n.is_null());
        f.finish(ctx, "a timeline entry", &EVENT_KEYS);
        if !has_at {
            ctx.error(item, "missing-field", "timeline entry without `at` (its time)");
        }
        if !has_event {
            let d = Diagnostic::error(&ctx.file, pos, "missing-field", "timeline entry without `event`")
                .suggest("", EventKind::ALL.iter().map(|(n, _)| *n));
            ctx.push(d);
        }
        let (Some(at), Some(kind)) = (at, event_kind) else {
            dropped = true;
            continue;
        };
        if let Some(n) = impact_node.filter(|_| kind != EventKind::Update) {
            ctx.error(n, "bad-value", "only an `update` entry may carry `impact` (the services' states as of it)");
        }
        let event = Event { at, kind, text, by, status, from, to, role, public, impact, pos, index };
        check_event_fields(ctx, &event, has_status);
        out.push(event);
    }
    (out, dropped)
}

/// The fields an event of each kind needs (`has_status`: the entry has a `status` key, valid or not).
fn check_event_fields(ctx: &mut Ctx, e: &Event, has_status: bool) {
    let mut need = |ok: bool, code: &'static str, what: &str| {
        if !ok {
            let d = Diagnostic::error(&ctx.file, e.pos, code, what.to_string());
            ctx.push(d);
        }
    };
    match e.kind {
        EventKind::Update => {
            need(has_status, "update-incomplete", "an `update` needs a `status`");
            need(
                e.text.as_deref().is_some_and(|t| !t.trim().is_empty()),
                "update-incomplete",
                "an `update` needs a `text`",
            );
        }
        EventKind::Severity => need(
            e.from.is_some() && e.to.is_some(),
            "severity-event-incomplete",
            "a `severity` event needs `from` and `to`",
        ),
        EventKind::Handoff => need(
            e.role.is_some() && e.from.is_some() && e.to.is_some(),
            "handoff-incomplete",
            "a `handoff` needs `role`, `from` and `to`",
        ),
        _ => {}
    }
}

fn read_actions(ctx: &mut Ctx, node: &Node, incident: &str) -> Vec<ActionItem> {
    let mut out = Vec::new();
    for (i, item) in ctx.list(node, "action_items").iter().enumerate() {
        let Some(mut f) = ctx.map(item, "an action item") else { continue };
        let pos = ctx.pos(item);
        let given = f.get("id").and_then(|n| ctx.string(n, "id").map(|id| (id, n)));
        if let Some((id, n)) = &given {
            if !valid_id(id) {
                ctx.error(n, "bad-id", format!("action item id `{id}` {ID_CHARS}"));
            }
        }
        let id = given.map(|(id, _)| id).unwrap_or_else(|| format!("{incident}#{}", i + 1));
        let title = f.get("title").and_then(|n| ctx.string(n, "title"));
        let owner = f.get("owner").and_then(|n| ctx.string(n, "owner"));
        let due = f.get("due").and_then(|n| ctx.date(n, "due"));
        let status = f
            .get("status")
            .and_then(|n| ctx.one_of(n, "action item status", &ActionStatus::ALL))
            .unwrap_or(ActionStatus::Open);
        let priority = f.get("priority").and_then(|n| ctx.one_of(n, "priority", &Priority::ALL));
        let done_on = f.get("done_on").and_then(|n| ctx.date(n, "done_on"));
        let link = f.get("link").and_then(|n| ctx.string(n, "link"));
        let missing: Vec<&str> =
            [("title", title.is_none()), ("owner", owner.is_none()), ("due", f.key_node("due").is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(k, _)| *k)
                .collect();
        f.finish(ctx, "an action item", &ACTION_KEYS);
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
            ctx.push(Diagnostic::error(
                &ctx.file,
                pos,
                "action-item-incomplete",
                format!("action item without {}", list.join(", ")),
            ));
        }
        out.push(ActionItem { id, title, owner, due, status, priority, done_on, link, pos });
    }
    out
}

fn read_postmortem(ctx: &mut Ctx, node: &Node) -> Option<Postmortem> {
    let mut f = ctx.map(node, "postmortem")?;
    let status = f
        .get("status")
        .and_then(|n| ctx.one_of(n, "post-mortem status", &PostmortemStatus::ALL))
        .unwrap_or(PostmortemStatus::None);
    let facilitator = f.get("facilitator").and_then(|n| ctx.string(n, "facilitator").map(|s| At::new(s, ctx.pos(n))));
    let meeting = f.get("meeting").and_then(|n| ctx.date(n, "meeting"));
    f.finish(ctx, "postmortem", &POSTMORTEM_KEYS);
    Some(Postmortem { status, facilitator, meeting, pos: ctx.pos(node) })
}

fn read_window(ctx: &mut Ctx, node: &Node) -> Option<At<Window>> {
    let mut f = ctx.map(node, "window")?;
    let from = f.get("from").and_then(|n| ctx.time(n, "from"));
    let until = f.get("until").and_then(|n| ctx.time(n, "until"));
    let (has_from, has_until) = (f.key_node("from").is_some(), f.key_node("until").is_some());
    f.finish(ctx, "window", &WINDOW_KEYS);
    if !has_from || !has_until {
        ctx.error(node, "missing-field", "a `window` needs `from` and `until`");
    }
    let (from, until) = (from?, until?);
    if from >= until {
        ctx.error(node, "window-order", "the window's `from` must be before its `until`");
    }
    Some(At::new(Window { from, until }, ctx.pos(node)))
}

/// `visibility:`, failing closed: absent is `public` (the format's default), but a key left
/// empty or null, or a word other than `public` and `private`, is an error and the record is
/// private, so that no build publishes a record whose author may have meant it to be private.
fn read_visibility(ctx: &mut Ctx, f: &mut Fields) -> Visibility {
    let Some(key) = f.key_node("visibility") else { return Visibility::Public };
    match f.get("visibility") {
        Some(n) => ctx.one_of(n, "visibility", &Visibility::ALL).unwrap_or(Visibility::Private),
        None => {
            let d = Diagnostic::error(&ctx.file, ctx.pos(key), "bad-value", "`visibility` is empty")
                .with_hint("write `visibility: public` or `visibility: private` (or leave the key out for public)");
            ctx.push(d);
            Visibility::Private
        }
    }
}

/// An entry's `public:`, failing closed: a key left empty or null, or a value other than `true`
/// and `false`, is an error and the entry is not public.
fn read_public(ctx: &mut Ctx, f: &mut Fields) -> Option<bool> {
    let key = f.key_node("public")?;
    match f.get("public") {
        Some(n) => Some(ctx.boolean(n, "public").unwrap_or(false)),
        None => {
            let d = Diagnostic::error(&ctx.file, ctx.pos(key), "bad-value", "`public` is empty")
                .with_hint("write `public: true` or `public: false` (or leave the key out for the default)");
            ctx.push(d);
            Some(false)
        }
    }
}

/// The `extra:` map as JSON, with a `duplicate-key` error for a key repeated at any depth (the
/// first one is kept, as everywhere else).
fn extra_json(ctx: &mut Ctx, node: &Node) -> serde_json::Value {
    fn duplicates(ctx: &mut Ctx, node: &Node) {
        match &node.value {
            Value::Seq(items) => items.iter().for_each(|n| duplicates(ctx, n)),
            Value::Map(entries) => {
                let mut seen: Vec<&str> = Vec::new();
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or_default();
                    if seen.contains(&key) {
                        ctx.error(k, "duplicate-key", format!("`{key}` appears twice in `extra`"));
                    }
                    seen.push(key);
                    duplicates(ctx, v);
                }
            }
            Value::Scalar { .. } => {}
        }
    }
    duplicates(ctx, node);
    to_json(node)
}

/// The `extra:` map as JSON for themes: plain `true`/`false` and numbers keep their type; of a
/// repeated key, the first.
pub(crate) fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        _ if node.is_null() => J::Null,
        Value::Scalar { text, plain: true } if text == "true" || text == "false" => J::Bool(text == "true"),
        Value::Scalar { text, plain: true } => text
            .parse::<i64>()
            .map(J::from)
            .ok()
            .or_else(|| text.parse::<f64>().ok().and_then(|f| serde_json::Number::from_f64(f).map(J::Number)))
            .unwrap_or_else(|| J::String(text.to_string())),
        Value::Scalar { text, .. } => J::String(text.to_string()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                map.entry(k.as_str().unwrap_or_default()).or_insert_with(|| to_json(v));
            }
            J::Object(map)
        }
    }
}

/// Parses a runbook page: front matter with `title` and optional `services`, then Markdown.
pub fn parse_runbook(path: &str, bytes: &[u8]) -> (Option<Runbook>, Vec<Diagnostic>) {
    let untitled = || Diagnostic::error(path, Pos::new(1, 1), "missing-field", "a runbook needs a `title`");
    let split = match split_front_matter(path, bytes) {
        Ok(split) => split,
        Err(d) => return (None, vec![d]),
    };
    let (mut ctx, root) = match front_matter(path, &split.matter, split.matter_offset, untitled) {
        Ok(parts) => parts,
        Err(d) => return (None, vec![d]),
    };
    let Some(mut f) = ctx.map(&root, "the front matter") else { return (None, ctx.diags) };
    let title = f.get("title").and_then(|n| ctx.string(n, "title"));
    let services = f.get("services").map(|n| ctx.strings(n, "services")).unwrap_or_default();
    f.finish(&mut ctx, "a runbook's front matter", &["title", "services"]);
    if title.is_none() {
        ctx.error(&root, "missing-field", "a runbook needs a `title`");
    }
    let id = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md").to_string();
    if !valid_id(&id) {
        ctx.push(
            Diagnostic::error(path, Pos::new(1, 1), "bad-id", format!("runbook id `{id}` {ID_CHARS}"))
                .with_hint("the id is the file name without `.md`, used in URLs; rename the file"),
        );
    }
    let runbook = Runbook {
        title: title.unwrap_or_else(|| id.clone()),
        id,
        path: path.to_string(),
        services: services.into_iter().map(|(s, p)| At::new(s, p)).collect(),
        body: split.body,
    };
    (Some(runbook), ctx.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\nid: INC-1\ntitle: Checkout down\nseverity: SEV-1\nstatus: resolved\nimpact:\n  checkout-api: major\nroles:\n  ic: Alice\n  resolver: [Bob, Carol]\ntimeline:\n  - at: 2026-03-04T09:12:00Z\n    event: started\n  - at: 2026-03-04T09:15:00Z\n    event: detected\n  - at: 2026-03-04T10:40:00Z\n    event: resolved\naction_items:\n  - title: Canary\n    owner: Bob\n    due: 2026-03-18\n---\n## Summary\nBody.\n";

    #[test]
    fn an_update_with_a_status_outside_its_list_is_reported_once() {
        for (status, want) in [("fixing", "bad-value"), ("", "update-incomplete")] {
            let entry =
                format!("  - at: 2026-03-04T10:00:00Z\n    event: update\n    status: {status}\n    text: Fixing\n");
            let text =
                GOOD.replace("  - at: 2026-03-04T10:40:00Z\n", &format!("{entry}  - at: 2026-03-04T10:40:00Z\n"));
            let (_, d) = parse("content/incidents/a.md", text.as_bytes());
            let codes: Vec<String> = d.iter().map(|d| d.code.to_string()).collect();
            assert_eq!(codes, [want], "{status:?}: {d:?}");
        }
    }

    #[test]
    fn reads_a_good_record() {
        let (r, d) = parse("content/incidents/a.md", GOOD.as_bytes());
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert_eq!(r.id.value, "INC-1");
        assert_eq!(r.id.pos.line, 2);
        assert_eq!(r.timeline.len(), 3);
        assert_eq!(r.timeline[1].pos.line, 14);
        assert_eq!(r.roles[1].people.len(), 2);
        assert_eq!(r.action_items[0].id, "INC-1#1");
        assert_eq!(r.body, "## Summary\nBody.");
        assert_eq!(r.body_line, 23);
    }

    fn codes(text: &str) -> Vec<(&'static str, usize)> {
        let (_, d) = parse("x.md", text.as_bytes());
        d.iter().map(|d| (d.code, d.line)).collect()
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(codes(""), vec![("empty-file", 1)]);
        assert_eq!(codes("# Just markdown\n"), vec![("no-front-matter", 1)]);
        assert_eq!(codes("---\ntitle: x\n"), vec![("no-front-matter", 1)]);
        assert_eq!(codes("---\n- a\n- b\n---\n"), vec![("not-a-mapping", 2)]);
        assert_eq!(codes("---\n\ntitle: [x\n---\n")[0].0, "yaml");
        let (_, d) = parse("x.md", b"---\ntitle: \xff\n---\n");
        assert_eq!((d[0].code, d[0].line), ("not-utf8", 2));
    }

    #[test]
    fn field_problems_have_lines() {
        let text = GOOD
            .replace("status: resolved", "status: resolvd")
            .replace("    event: started", "    event: begun")
            .replace("  checkout-api: major", "  checkout-api: down\nsevirity: SEV-2")
            .replace("2026-03-04T09:15:00Z", "2026-03-04T09:15:00");
        let got = codes(&text);
        assert!(got.contains(&("bad-value", 5)), "{got:?}");
        assert!(got.contains(&("bad-value", 7)), "{got:?}");
        assert!(got.contains(&("unknown-key", 8)), "{got:?}");
        assert!(got.contains(&("bad-value", 14)), "{got:?}");
        assert!(got.contains(&("time-without-offset", 15)), "{got:?}");
    }

    #[test]
    fn splits_as_gray_matter_does() {
        let texts = [
            "---\nid: X\n---\n## Body\n",
            "---  \n\n  id: X  \n\n---   \n\n\nBody\n\n",
            "---\n---\n",
            "---\n\n---",
            "---\nid: X\n---\nno newline",
            "---\nid: X\n---\n\n",
            "---\nid: X\n---\nA\n---\nB ---\n\n\n",
            "---\n\u{a0}id: X\u{2003}\n---\n\u{a0}\nBody",
            "---\r\nid: X\r\n---\r\n\r\nBody\r\nmore\r\n",
            "---\nid: X\r\n---\nBody\rmore\n",
            "---\na: ----\n ---\n--- x\n----\n---\u{a0}\u{2003}\nbody\n---\n",
            "---\na---\n---\n",
        ];
        for text in texts {
            let split = split_front_matter("x.md", text.as_bytes()).unwrap();
            let gray = gray_matter::Matter::<Unparsed>::new().parse::<gray_matter::Pod>(text).unwrap();
            assert_eq!(
                (split.matter.as_ref(), split.body.as_str()),
                (gray.matter.as_str(), gray.content.as_str()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lines_count_blank_lines_before_the_front_matter() {
        assert!(codes("---\n\nid: X\nsevirity: SEV-1\n---\n").contains(&("unknown-key", 4)));
        assert!(codes("---\r\n\r\nid: X\r\nsevirity: SEV-1\r\n---\r\n").contains(&("unknown-key", 4)));
    }

    #[test]
    fn required_fields() {
        let got = codes("---\nid: X\n---\n");
        assert_eq!(got.iter().filter(|(c, _)| *c == "missing-field").count(), 4, "{got:?}");
        let got = codes("---\nkind: maintenance\ntitle: M\nstatus: scheduled\nwindow: {from: 2026-07-04T04:00:00Z, until: 2026-07-04T02:00:00Z}\n---\n");
        assert_eq!(got, vec![("window-order", 5)]);
    }
}
