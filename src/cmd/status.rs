//! `incsite status`: what is happening now, for the person running the incident (the figures come
//! from [`crate::board`]); as lines to read, or JSON for bots.

use crate::board::{self, Board};
use crate::site;
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each unresolved incident with its severity, age, the roles filled and those its severity still
needs, and when the next public update is due by the severity's update_every; the maintenance
running or upcoming; the post-mortems due and the action items overdue. Exit status 0.")]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// The time to measure against: RFC 3339 with an offset, or seconds since 1970 (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(args.now.as_deref())?;
    // To the second: the clock's nanoseconds are noise in a report for people and bots.
    let now = chrono::Timelike::with_nanosecond(&now, 0).unwrap_or(now);
    let site = site::load(root, now)?;
    let board = board::board(&site, now);
    let text = match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&board)?;
            text.push('\n');
            text
        }
        Format::Human => human(&board, site.config.tz()),
    };
    super::check::ignore_broken_pipe(std::io::stdout().lock().write_all(text.as_bytes()))?;
    Ok(0)
}

/// The board as lines to read, times in the site's time zone.
pub fn human(b: &Board, tz: chrono_tz::Tz) -> String {
    let time = |t: &DateTime<Utc>| {
        let local = t.with_timezone(&tz);
        if local.date_naive() == b.now.with_timezone(&tz).date_naive() {
            local.format("%H:%M %Z").to_string()
        } else {
            local.format("%Y-%m-%d %H:%M %Z").to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "Now: {}", b.now.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"));
    let _ = writeln!(out);
    if b.incidents.is_empty() {
        let _ = writeln!(out, "No open incidents.");
    } else {
        let _ = writeln!(out, "Open incidents ({})", b.incidents.len());
    }
    for i in &b.incidents {
        let severity = i.severity.as_deref().unwrap_or("no severity");
        let status = i.status.unwrap_or("no status");
        let private = if i.public { "" } else { " (private)" };
        let _ = writeln!(out, "  {}  {severity}  {status}  {}{private}", i.id, i.title);
        if let (Some(age), Some(started)) = (i.age_s, &i.started_at) {
            let acked = match &i.acknowledged_at {
                Some(t) => format!(", acknowledged {}", time(t)),
                None => ", not acknowledged".to_string(),
            };
            let mitigated = i.mitigated_at.as_ref().map(|t| format!(", mitigated {}", time(t))).unwrap_or_default();
            let _ = writeln!(out, "    age {} (since {}){acked}{mitigated}", board::minutes(age), time(started));
        }
        let filled: Vec<String> = i.roles.iter().map(|r| format!("{} {}", r.role, r.people.join(", "))).collect();
        let _ = writeln!(
            out,
            "    roles: {}",
            if filled.is_empty() { "none filled".to_string() } else { filled.join("; ") }
        );
        if !i.roles_missing.is_empty() {
            let missing: Vec<String> = i
                .roles_missing
                .iter()
                .map(|r| {
                    if r.people.is_empty() && r.required == 1 {
                        r.role.clone()
                    } else {
                        format!("{} ({} of {})", r.role, r.people.len(), r.required)
                    }
                })
                .collect();
            let _ = writeln!(out, "    missing: {}", missing.join(", "));
        }
        let last = match &i.last_public_update_at {
            Some(t) => format!("last public update {} ago ({})", board::minutes((b.now - *t).num_seconds()), time(t)),
            None if i.public => "no public update yet".to_string(),
            None => "private: no public updates".to_string(),
        };
        match i.update_due_in_s {
            Some(due) => {
                let _ = writeln!(out, "    {last}: {}", board::cadence(due));
            }
            None => {
                let _ = writeln!(out, "    {last}");
            }
        }
    }
    if !b.maintenance.is_empty() {
        let _ = writeln!(out, "\nMaintenance");
        for m in &b.maintenance {
            let when = match m.phase {
                "running" => format!("running until {} (ends in {})", time(&m.until), board::minutes(m.in_s)),
                _ => format!("upcoming {} to {} (starts in {})", time(&m.from), time(&m.until), board::minutes(m.in_s)),
            };
            let _ = writeln!(out, "  {}  {}: {when}", m.id, m.title);
        }
    }
    if !b.postmortems_due.is_empty() {
        let _ = writeln!(out, "\nPost-mortems due ({})", b.postmortems_due.len());
        for p in &b.postmortems_due {
            let due = match (p.due_at, p.due_in_s) {
                (Some(at), Some(s)) if s < 0 => format!("due {}, overdue by {}", time(&at), crate::duration::human(-s)),
                (Some(at), Some(s)) => format!("due {} (in {})", time(&at), crate::duration::human(s)),
                _ => "no deadline".to_string(),
            };
            let _ = writeln!(out, "  {}  {}  {}  post-mortem {}: {due}", p.id, p.severity, p.title, p.status);
        }
    }
    if !b.actions_overdue.is_empty() {
        let _ = writeln!(out, "\nAction items overdue ({})", b.actions_overdue.len());
        for a in &b.actions_overdue {
            let days = if a.days_overdue == 1 { "1 day".to_string() } else { format!("{} days", a.days_overdue) };
            let _ = writeln!(
                out,
                "  {} ({})  {}: {}, due {} ({days} overdue)",
                a.id,
                a.incident,
                a.title.as_deref().unwrap_or("untitled"),
                a.owner.as_deref().unwrap_or("no owner"),
                a.due
            );
        }
    }
    out
}
