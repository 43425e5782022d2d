//! The messages each kind of channel gets for an event: Statuspage's webhook payloads for the
//! generic webhook, Slack incoming-webhook blocks, a Teams message card, a Discord embed, and a
//! plain-text + HTML email. Pure: an event and the public view in, message bodies out.

use super::events::{Event, What};
use crate::config::NotifyKind;
use crate::record::{ImpactLevel, Kind};
use crate::render::api::statuspage::Shapes;
use crate::render::api::{record_url, time};
use crate::render::feeds::xml_escape;
use crate::render::Options;
use crate::site::View;
use crate::status::ComponentStatus;
use serde_json::{json, Value};

/// What a format needs besides the event.
pub struct Context<'a> {
    /// The public view of the working tree.
    pub view: &'a View,
    pub opts: &'a Options,
    /// The Statuspage shapes of the events' records.
    pub shapes: &'a Shapes,
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Message {
    /// The `Idempotency-Key` (and the seed of an email's `Message-ID`): the event id, with
    /// `/<component>` for a webhook's component update.
    pub key: String,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    Json(Value),
    Email(Email),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The messages a channel of `kind` gets for `event`.
pub fn messages(kind: NotifyKind, event: &Event, ctx: &Context) -> Vec<Message> {
    let one = |body: Body| vec![Message { key: event.id.clone(), body }];
    match kind {
        NotifyKind::Webhook => webhook(event, ctx),
        NotifyKind::Slack => one(Body::Json(slack(event, ctx))),
        NotifyKind::Teams => one(Body::Json(teams(event, ctx))),
        NotifyKind::Discord => one(Body::Json(discord(event, ctx))),
        NotifyKind::Email => one(Body::Email(email(event, ctx))),
    }
}

/// The event's subject line: `Resolved: Checkout errors`.
fn headline(event: &Event) -> String {
    format!("{}: {}", event.what.label(event.kind), event.title)
}

fn url(event: &Event, ctx: &Context) -> String {
    record_url(ctx.opts, &event.record_id)
}

/// The affected services' names, as the status page names them.
fn affected(event: &Event, ctx: &Context) -> String {
    let names: Vec<&str> = event
        .services
        .iter()
        .map(|id| ctx.view.policy.service(id).map(|s| s.name.as_str()).unwrap_or(id.as_str()))
        .collect();
    names.join(", ")
}

/// A time as the status page shows it, in the site's zone.
fn shown(event: &Event, ctx: &Context) -> String {
    event.at.with_timezone(&ctx.view.config.tz()).format("%b %-d, %Y %H:%M %Z").to_string()
}

/// The text, or the status when the update says nothing.
fn text(event: &Event) -> String {
    if event.text.trim().is_empty() {
        event.status.label().to_string()
    } else {
        event.text.clone()
    }
}

/// At most `max` characters, with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A colour for the event: red while an incident is open, green when it is over, blue for
/// maintenance.
fn colour(event: &Event) -> u32 {
    match (event.kind, event.what) {
        (_, What::Resolved | What::Completed) => 0x2e7d32,
        (_, What::Cancelled) => 0x757575,
        (Kind::Maintenance | Kind::Notice, _) => 0x1565c0,
        (Kind::Incident, _) => 0xc62828,
    }
}

fn meta(event: &Event, ctx: &Context) -> Value {
    json!({
        "event_id": event.id,
        "event": format!("{}.{}", match event.kind { Kind::Incident => "incident", Kind::Maintenance => "maintenance", Kind::Notice => "notice" }, event.what.as_str()),
        "generated_at": time(&ctx.opts.now),
        "incsite_version": env!("CARGO_PKG_VERSION"),
    })
}

/// Statuspage's webhook payloads: `{meta, page, incident}` for every event, and for an event that
/// changes the affected components' state (opened, resolved, started, completed) also one
/// `{meta, page, component_update, component}` per component.
fn webhook(event: &Event, ctx: &Context) -> Vec<Message> {
    let page = ctx.shapes.page.clone();
    let mut out = Vec::new();
    if let Some(incident) = ctx.shapes.incidents.get(&event.record) {
        out.push(Message {
            key: event.id.clone(),
            body: Body::Json(json!({"meta": meta(event, ctx), "page": page, "incident": incident})),
        });
    }
    let record = &ctx.view.records[event.record];
    for impact in &record.impact {
        let down = match record.kind {
            Kind::Maintenance => ComponentStatus::UnderMaintenance,
            Kind::Incident => ComponentStatus::from_impact(impact.level.max(ImpactLevel::Degraded)),
            // A notice changes no component's state.
            Kind::Notice => continue,
        };
        let (old, new) = match event.what {
            What::Opened | What::Started => (ComponentStatus::Operational, down),
            What::Resolved | What::Completed => (down, ComponentStatus::Operational),
            _ => continue,
        };
        let id = &impact.service.value;
        let Some(component) = ctx.shapes.components.get(id) else { continue };
        if out.iter().any(|m| m.key == format!("{}/{id}", event.id)) {
            continue;
        }
        out.push(Message {
            key: format!("{}/{id}", event.id),
            body: Body::Json(json!({
                "meta": meta(event, ctx),
                "page": page,
                "component_update": {
                    "id": format!("{}/{id}", event.id),
                    "component_id": id,
                    "created_at": time(&event.at),
                    "old_status": old.as_str(),
                    "new_status": new.as_str(),
                },
                "component": component,
            })),
        });
    }
    out
}

/// Text for Slack's mrkdwn: `&`, `<` and `>` escaped, as Slack asks.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn slack(event: &Event, ctx: &Context) -> Value {
    let mut context = format!("*{}* · {}", event.status.label(), slack_escape(&shown(event, ctx)));
    let services = affected(event, ctx);
    if !services.is_empty() {
        context.push_str(&format!(" · Affected: {}", slack_escape(&services)));
    }
    context.push_str(&format!(" · <{}|View on the status page>", url(event, ctx)));
    json!({
        "text": slack_escape(&headline(event)),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": cut(&headline(event), 150)}},
            {"type": "section", "text": {"type": "mrkdwn", "text": cut(&slack_escape(&text(event)), 3000)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    })
}

fn teams(event: &Event, ctx: &Context) -> Value {
    let mut facts = vec![
        json!({"name": "Status", "value": event.status.label()}),
        json!({"name": "When", "value": shown(event, ctx)}),
    ];
    let services = affected(event, ctx);
    if !services.is_empty() {
        facts.push(json!({"name": "Affected", "value": services}));
    }
    json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": headline(event),
        "themeColor": format!("{:06X}", colour(event)),
        "title": headline(event),
        "text": text(event),
        "sections": [{"facts": facts}],
        "potentialAction": [{
            "@type": "OpenUri",
            "name": "View on the status page",
            "targets": [{"os": "default", "uri": url(event, ctx)}],
        }],
    })
}

fn discord(event: &Event, ctx: &Context) -> Value {
    let mut fields = vec![json!({"name": "Status", "value": event.status.label(), "inline": true})];
    let services = affected(event, ctx);
    if !services.is_empty() {
        fields.push(json!({"name": "Affected", "value": cut(&services, 1024), "inline": true}));
    }
    json!({
        "allowed_mentions": {"parse": []},
        "embeds": [{
            "title": cut(&headline(event), 256),
            "url": url(event, ctx),
            "description": cut(&text(event), 4096),
            "color": colour(event),
            "timestamp": time(&event.at),
            "fields": fields,
            "footer": {"text": event.id},
        }],
    })
}

fn email(event: &Event, ctx: &Context) -> Email {
    let site = &ctx.view.config.title;
    let link = url(event, ctx);
    let services = affected(event, ctx);
    let when = shown(event, ctx);
    let mut plain =
        format!("{}\n\n{}\n\nStatus: {}\nWhen: {when}\n", headline(event), text(event), event.status.label());
    if !services.is_empty() {
        plain.push_str(&format!("Affected: {services}\n"));
    }
    plain.push_str(&format!("\nFollow it on the status page: {link}\n\n-- \n{site}\nEvent {}\n", event.id));
    let e = xml_escape;
    let mut html = format!(
        "<!DOCTYPE html>\n<html><body>\n<h1>{}</h1>\n<p>{}</p>\n<p><strong>Status:</strong> {}<br>\n<strong>When:</strong> {}",
        e(&headline(event)),
        e(&text(event)).replace('\n', "<br>\n"),
        e(event.status.label()),
        e(&when)
    );
    if !services.is_empty() {
        html.push_str(&format!("<br>\n<strong>Affected:</strong> {}", e(&services)));
    }
    html.push_str(&format!(
        "</p>\n<p><a href=\"{}\">Follow it on the status page</a></p>\n<p><small>{} · event {}</small></p>\n</body></html>\n",
        e(&link),
        e(site),
        e(&event.id)
    ));
    Email { subject: format!("[{site}] {}", headline(event)), text: plain, html }
}

/// Whether an event passes a channel's services filter (an empty filter passes everything).
pub fn wanted(event: &Event, services: &[String]) -> bool {
    services.is_empty() || event.services.iter().any(|s| services.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status as RecordStatus;

    #[test]
    fn cuts_long_text_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }

    #[test]
    fn slack_text_cannot_make_links_or_mentions() {
        assert_eq!(slack_escape("<!channel> & <http://x|y>"), "&lt;!channel&gt; &amp; &lt;http://x|y&gt;");
    }

    /// The one event of a site with one open incident on `api`, and its context's parts.
    fn sample() -> (crate::site::View, Options, Event) {
        let text = "---\nid: I-1\ntitle: API <down> & out\nseverity: SEV-4\nstatus: investigating\nimpact:\n  api: major\ntimeline:\n  - at: 2026-03-10T09:00:00Z\n    event: started\n  - at: 2026-03-10T09:10:00Z\n    event: update\n    text: \"<!channel> we look & fix\"\n---\n";
        let record = crate::record::parse("content/incidents/i.md", text.as_bytes()).0.unwrap();
        let view = crate::site::View {
            audience: crate::site::Audience::Public,
            config: Default::default(),
            policy: Default::default(),
            records: vec![std::sync::Arc::new(record)],
            notices: Vec::new(),
            runbooks: Vec::new(),
            history: None,
        };
        let now = "2026-03-10T10:00:00Z".parse().unwrap();
        let opts = Options { now, base_url: "https://s.example".into(), live_reload: false, theme_dir: None };
        let mut before = view.clone();
        before.records.clear();
        let event = super::super::events::compute(&before, &view, now, now).remove(0);
        (view, opts, event)
    }

    #[test]
    fn each_kind_gets_its_own_shape_with_the_link_and_nothing_unescaped() {
        let (view, opts, event) = sample();
        assert_eq!(event.id, "I-1/opened");
        let shapes = crate::render::api::statuspage::shapes(&view, &opts, &[0]);
        let ctx = Context { view: &view, opts: &opts, shapes: &shapes };
        let json = |kind| match messages(kind, &event, &ctx).remove(0).body {
            Body::Json(v) => v,
            Body::Email(_) => panic!("an email"),
        };
        let slack = json(NotifyKind::Slack);
        assert_eq!(slack["blocks"][0]["type"], "header");
        assert_eq!(slack["blocks"][1]["text"]["text"], "&lt;!channel&gt; we look &amp; fix");
        assert!(slack["blocks"][2]["elements"][0]["text"]
            .as_str()
            .unwrap()
            .contains("<https://s.example/incidents/I-1/|"));
        let teams = json(NotifyKind::Teams);
        assert_eq!(teams["@type"], "MessageCard");
        assert_eq!(teams["potentialAction"][0]["targets"][0]["uri"], "https://s.example/incidents/I-1/");
        let discord = json(NotifyKind::Discord);
        assert_eq!(discord["embeds"][0]["url"], "https://s.example/incidents/I-1/");
        assert_eq!(discord["allowed_mentions"]["parse"], serde_json::json!([]));
        let hook = json(NotifyKind::Webhook);
        assert_eq!(hook["incident"]["id"], "I-1");
        assert_eq!(hook["incident"]["incident_updates"][0]["body"], "<!channel> we look & fix");
        let Body::Email(mail) = messages(NotifyKind::Email, &event, &ctx).remove(0).body else {
            panic!("not an email")
        };
        assert_eq!(mail.subject, "[Status] New incident: API <down> & out");
        assert!(mail.html.contains("API &lt;down&gt; &amp; out"), "{}", mail.html);
        assert!(!mail.html.contains("<down>"), "{}", mail.html);
        assert!(mail.text.contains("https://s.example/incidents/I-1/"), "{}", mail.text);
    }

    #[test]
    fn an_empty_filter_passes_everything_and_a_filter_needs_an_affected_service() {
        let event = Event {
            id: "x/opened".into(),
            what: What::Opened,
            record: 0,
            record_id: "x".into(),
            title: "X".into(),
            kind: Kind::Incident,
            at: chrono::Utc::now(),
            status: RecordStatus::Investigating,
            text: String::new(),
            services: vec!["api".into()],
        };
        assert!(wanted(&event, &[]));
        assert!(wanted(&event, &["api".into()]));
        assert!(!wanted(&event, &["web".into()]));
    }
}
