//! `incsite notify --base REV`: tells the channels in `[[notify]]` what the public learned since
//! REV (the deployed commit): incidents opened, updated and resolved, maintenance scheduled,
//! started, completed or cancelled. Reads only the public views of both versions.

use crate::cmd::check::{self, ignore_broken_pipe};
use crate::config::{NotifyConfig, NotifyKind};
use crate::git::base::Revision;
use crate::notify::events::{self, Event};
use crate::notify::formats::{self, Body, Context as FormatContext, Message};
use crate::notify::send::{self, Retry};
use crate::render::api::statuspage;
use crate::render::Options;
use crate::site::{self, Audience};
use anyhow::{Context, Result};
use chrono::DateTime;
use serde::Serialize;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// lines for people (and the messages themselves with --dry-run)
    Human,
    /// one JSON object
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The revision subscribers were last told about: the deployed commit (`commit` in the
    /// live site's api/build.json).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// Maintenance windows that start or end after this instant and by --now are announced
    /// (default: the base commit's time). Pass the deployed site's `built_at`, so that runs
    /// every few minutes announce each edge once.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Print what would be sent and to whom; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The instant the events are taken at (RFC 3339 or seconds since 1970); default:
    /// SOURCE_DATE_EPOCH or now. Use the same value as the build that was deployed.
    #[arg(long)]
    pub now: Option<String>,
    /// The site's absolute URL, for links (overrides base_url in incsite.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// What happened to one channel.
#[derive(Debug, Serialize)]
struct ChannelReport {
    /// 1-based, in incsite.toml's order.
    channel: usize,
    kind: &'static str,
    /// Where it goes, without secrets: the variable holding the URL, or the recipients.
    target: String,
    messages: Vec<MessageReport>,
    /// Why the channel could not be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// What a dry run noticed but did not need (a secret that is not set here).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct MessageReport {
    key: String,
    event: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    headers: Vec<(String, String)>,
    body: serde_json::Value,
    /// `sent`, `failed`, or `dry-run`.
    outcome: &'static str,
    attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    base: String,
    base_commit: String,
    since: String,
    now: String,
    dry_run: bool,
    events: Vec<Event>,
    channels: Vec<ChannelReport>,
}

pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(args.now.as_deref())?;
    let base = Revision::open(root, &args.base)?;
    let since = match &args.since {
        Some(text) => super::now(Some(text)).map_err(|e| anyhow::anyhow!("--since: {e}"))?,
        None => {
            let commit = base.site.repo.find_commit(base.commit)?;
            DateTime::from_timestamp(commit.time().seconds(), 0).context("the base commit's time is out of range")?
        }
    };

    let scratch = tempfile::tempdir().context("cannot make a temporary folder")?;
    base.extract(scratch.path())?;
    // Only the public views are read from here on: nothing else may reach a channel.
    let before = site::load(scratch.path(), since)?.into_view(Audience::Public);
    let mut after = site::load(root, now)?;
    if after.has_errors() {
        check::print(&after, check::Format::Human)?;
        eprintln!("error: not notifying: fix the errors above first");
        return Ok(1);
    }
    after.history = crate::git::history(root).ok().map(std::sync::Arc::new);
    let channels = after.config.notify.clone();
    let mut after = after.into_view(Audience::Public);
    if let Some(url) = &args.base_url {
        after.config.base_url = url.trim_end_matches('/').to_string();
    }
    let opts = Options { now, base_url: after.config.base_url.clone(), live_reload: false, theme_dir: None };

    let events = events::compute(&before, &after, since, now);
    let indexes: Vec<usize> = events.iter().map(|e| e.record).collect();
    let shapes = statuspage::shapes(&after, &opts, &indexes);
    let ctx = FormatContext { view: &after, opts: &opts, shapes: &shapes };
    let host = crate::render::feeds::host(&opts);
    let retry = Retry::from_env();

    let mut reports = Vec::new();
    for (n, channel) in channels.iter().enumerate() {
        reports.push(deliver(n + 1, channel, &events, &ctx, &host, &retry, args.dry_run, &after));
    }
    let failed = reports.iter().any(|c| c.error.is_some() || c.messages.iter().any(|m| m.outcome == "failed"));
    let report = Report {
        base: args.base.clone(),
        base_commit: base.commit.to_string(),
        since: crate::render::api::time(&since),
        now: crate::render::api::time(&now),
        dry_run: args.dry_run,
        events,
        channels: reports,
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Human => human(&report),
    };
    ignore_broken_pipe(std::io::stdout().lock().write_all(text.as_bytes()))?;
    Ok(if failed { 1 } else { 0 })
}

/// The value of the environment variable `name`, or why the channel cannot be used.
fn env(name: &Option<String>, what: &str) -> Result<String, String> {
    let Some(name) = name else { return Err(format!("no `{what}` is set for this channel")) };
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        _ => Err(format!("the environment variable {name} (`{what}`) is not set")),
    }
}

#[allow(clippy::too_many_arguments)]
fn deliver(
    number: usize,
    channel: &NotifyConfig,
    events: &[Event],
    ctx: &FormatContext,
    host: &str,
    retry: &Retry,
    dry_run: bool,
    view: &crate::site::View,
) -> ChannelReport {
    let target = match channel.kind {
        NotifyKind::Email => format!("{} via ${}", channel.to.join(", "), channel.smtp_env.as_deref().unwrap_or("?")),
        _ => format!("${}", channel.url_env.as_deref().unwrap_or("?")),
    };
    let mut report = ChannelReport {
        channel: number,
        kind: channel.kind.as_str(),
        target,
        messages: Vec::new(),
        error: None,
        note: None,
    };
    if let Some(unknown) = channel.services.iter().find(|s| view.policy.service(s).is_none()) {
        report.error = Some(format!("`services` names `{unknown}`, which is not a service in schema/services.yaml"));
        return report;
    }
    let messages: Vec<(&Event, Message)> = events
        .iter()
        .filter(|e| formats::wanted(e, &channel.services))
        .flat_map(|e| formats::messages(channel.kind, e, ctx).into_iter().map(move |m| (e, m)))
        .collect();
    if messages.is_empty() {
        return report;
    }
    // Secrets: a missing one stops this channel (a dry run only says so, and shows the rest).
    let secrets = (|| -> Result<(String, Option<String>), String> {
        let destination = match channel.kind {
            NotifyKind::Email => env(&channel.smtp_env, "smtp_env")?,
            _ => env(&channel.url_env, "url_env")?,
        };
        let secret = match channel.kind {
            NotifyKind::Webhook if channel.secret_env.is_some() => Some(env(&channel.secret_env, "secret_env")?),
            _ => None,
        };
        Ok((destination, secret))
    })();
    match &secrets {
        Err(problem) if dry_run => report.note = Some(problem.clone()),
        Err(problem) => report.error = Some(problem.clone()),
        Ok(_) => {}
    }
    let secret = secrets.as_ref().ok().and_then(|(_, secret)| secret.clone());
    for (event, message) in messages {
        let mut headers = Vec::new();
        let (body, bytes) = match &message.body {
            Body::Json(value) => {
                let bytes = serde_json::to_vec(value).unwrap_or_default();
                headers.push(("Idempotency-Key".to_string(), message.key.clone()));
                if let Some(secret) = &secret {
                    headers.push(("X-Incsite-Signature".to_string(), send::signature(secret.as_bytes(), &bytes)));
                }
                (value.clone(), bytes)
            }
            Body::Email(email) => {
                headers.push(("Message-ID".to_string(), send::message_id(&message.key, host)));
                headers.push(("Subject".to_string(), email.subject.clone()));
                (serde_json::json!({"text": email.text, "html": email.html}), Vec::new())
            }
        };
        let mut m = MessageReport {
            key: message.key.clone(),
            event: event.id.clone(),
            headers,
            body,
            outcome: "dry-run",
            attempts: 0,
            error: None,
        };
        if !dry_run {
            let result = match (&secrets, &message.body) {
                (Err(problem), _) => Err((anyhow::anyhow!("not sent: {problem}"), 0)),
                (Ok((url, _)), Body::Json(_)) => send::post(url, &bytes, &m.headers, retry),
                (Ok((url, _)), Body::Email(email)) => {
                    let id = send::message_id(&message.key, host);
                    send::mail(url, channel.from.as_deref().unwrap_or_default(), &channel.to, &id, email, retry)
                }
            };
            match result {
                Ok(attempts) => {
                    m.outcome = "sent";
                    m.attempts = attempts;
                }
                Err((e, attempts)) => {
                    m.outcome = "failed";
                    m.attempts = attempts;
                    m.error = Some(format!("{e:#}"));
                }
            }
        }
        report.messages.push(m);
    }
    report
}

fn human(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let short = &report.base_commit[..report.base_commit.len().min(7)];
    let _ = writeln!(
        out,
        "{} public event{} since {} ({short}, {}) up to {}",
        report.events.len(),
        if report.events.len() == 1 { "" } else { "s" },
        report.base,
        report.since,
        report.now
    );
    for e in &report.events {
        let services = if e.services.is_empty() { String::new() } else { format!(" [{}]", e.services.join(", ")) };
        let _ = writeln!(
            out,
            "  {}  {:<9}  {}  {}{services}",
            crate::render::api::time(&e.at),
            e.what.as_str(),
            e.id,
            e.title
        );
    }
    if report.channels.is_empty() {
        out.push_str("no [[notify]] channels in incsite.toml: nothing to send\n");
    }
    for c in &report.channels {
        let _ = writeln!(
            out,
            "\nchannel {} ({}) to {}: {} message{}",
            c.channel,
            c.kind,
            c.target,
            c.messages.len(),
            if c.messages.len() == 1 { "" } else { "s" }
        );
        if let Some(e) = &c.error {
            let _ = writeln!(out, "  error: {e}");
        }
        if let Some(note) = &c.note {
            let _ = writeln!(out, "  note: {note}");
        }
        for m in &c.messages {
            match m.outcome {
                "dry-run" => {
                    let _ = writeln!(out, "  would send {}", m.key);
                    for (name, value) in &m.headers {
                        let _ = writeln!(out, "    {name}: {value}");
                    }
                    let body = match m.body.get("text") {
                        Some(serde_json::Value::String(text)) if m.body.get("html").is_some() => {
                            let html = m.body.get("html").and_then(|h| h.as_str()).unwrap_or_default();
                            format!("{text}\n--- html ---\n{html}")
                        }
                        _ => serde_json::to_string_pretty(&m.body).unwrap_or_default(),
                    };
                    for line in body.lines() {
                        let _ = writeln!(out, "    | {line}");
                    }
                }
                "sent" => {
                    let _ = writeln!(
                        out,
                        "  sent {} ({} attempt{})",
                        m.key,
                        m.attempts,
                        if m.attempts == 1 { "" } else { "s" }
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "  FAILED {} after {} attempt{}: {}",
                        m.key,
                        m.attempts,
                        if m.attempts == 1 { "" } else { "s" },
                        m.error.as_deref().unwrap_or("")
                    );
                }
            }
        }
    }
    out
}
