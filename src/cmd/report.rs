//! `incsite report`: MTTD / MTTA / MTTM / MTTR and the other figures, as tables for people, JSON
//! (FORMAT.md's object plus the other figures) or CSV (one row per group).

use crate::diag::Level;
use crate::duration::human;
use crate::metrics::{self, Filter, Group, Report};
use crate::site::{self, Audience, View};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// aligned tables for people
    #[value(alias = "table")]
    Human,
    /// one JSON object
    Json,
    /// one row per group: overall, each severity, service and month
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Only incidents that started on or after this day (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Only incidents that started on or before this day (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Only incidents of this severity (repeat or separate with commas for several).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub severity: Vec<String>,
    /// Only incidents that impacted this service (repeat or separate with commas for several).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub service: Vec<String>,
    /// Whose figures: `internal` counts every incident, `public` leaves out private ones.
    #[arg(long, value_enum, default_value_t = Audience::Internal)]
    pub audience: Audience,
    /// The time that overdue items are measured against (RFC 3339); default: SOURCE_DATE_EPOCH or now.
    #[arg(long)]
    pub now: Option<String>,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2026-03-01, not `{text}`"))
}

/// Prints the report and returns the exit status (0). Bad filters are errors (exit 2).
pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(args.now.as_deref())?;
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since > until {
            bail!("--since {since} is after --until {until}: no incident can match");
        }
    }
    let site = site::load(root, now)?;
    if site.has_errors() {
        eprintln!("warning: {}; figures may be incomplete (run `incsite check` for details)", error_summary(&site));
    }
    let view = site.view(args.audience);
    let filter = Filter {
        since: args.since,
        until: args.until,
        severities: known(&args.severity, "severity", &view, |v| {
            v.policy
                .severities
                .iter()
                .map(|s| s.id.clone())
                .chain(v.records.iter().filter_map(|r| r.severity.as_ref().map(|s| s.value.clone())))
                .collect()
        })?,
        services: known(&args.service, "service", &view, |v| {
            v.policy
                .services
                .iter()
                .map(|s| s.id.clone())
                .chain(v.records.iter().flat_map(|r| r.impact.iter().map(|i| i.service.value.clone())))
                .collect()
        })?,
    };
    let report = metrics::report(&view, &filter, now);
    let text = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
        Format::Csv => csv(&report),
        Format::Human => tables(&report, &view),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    super::check::ignore_broken_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))?;
    // The process ends next: freeing the site's and the view's many small allocations one by one
    // would only cost time (~5 % of a report's instructions).
    std::mem::forget((site, view, report));
    Ok(0)
}

/// "2 records have errors".
fn error_summary(site: &site::Site) -> String {
    let files: BTreeSet<&str> =
        site.diagnostics.iter().filter(|d| d.level == Level::Error).map(|d| d.file.as_str()).collect();
    let records = files.iter().all(|f| f.starts_with("content/"));
    let noun = if records { "record" } else { "file" };
    match files.len() {
        1 => format!("1 {noun} has errors"),
        n => format!("{n} {noun}s have errors"),
    }
}

/// The values of a filter, refused when one names nothing the site knows (a likely typo).
fn known(values: &[String], what: &str, view: &View, ids: impl Fn(&View) -> BTreeSet<String>) -> Result<Vec<String>> {
    let values: Vec<String> = values.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    let ids = ids(view);
    for value in &values {
        if !ids.contains(value) {
            let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = match crate::diag::closest(value, &candidates) {
                Some(best) => format!(" (did you mean `{best}`?)"),
                None => format!(" (known: {})", candidates.join(", ")),
            };
            bail!("--{what} `{value}`: no such {what}{hint}");
        }
    }
    Ok(values)
}

/// The figure columns' names, in order.
const FIGURES: [&str; 4] = ["mttd", "mtta", "mttm", "mttr"];

/// Every group of the report, as (kind, name, group), in the CSV's and tables' order.
fn rows(report: &Report) -> Vec<(&'static str, &str, &Group)> {
    let mut rows = vec![("overall", "all", &report.overall)];
    for (kind, map) in [("severity", &report.by_severity), ("service", &report.by_service), ("month", &report.by_month)]
    {
        rows.extend(map.iter().map(|(k, g)| (kind, k.as_str(), g)));
    }
    rows
}

/// One CSV row per group.
pub fn csv(report: &Report) -> String {
    let mut out = String::from("group_kind,group,incidents");
    for f in FIGURES {
        let _ = write!(out, ",{f}_count,{f}_mean_s,{f}_median_s,{f}_p90_s");
    }
    out.push('\n');
    let num = |v: Option<f64>| {
        v.map(|v| serde_json::Number::from_f64(v).map(|n| n.to_string()).unwrap_or_default()).unwrap_or_default()
    };
    for (kind, name, group) in rows(report) {
        let _ = write!(out, "{kind},{},{}", csv_field(name), group.incidents);
        for (_, f) in group.figures() {
            let _ = write!(out, ",{},{},{},{}", f.count, num(f.mean_s), num(f.median_s), num(f.p90_s));
        }
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A duration in seconds for people; `–` when absent.
fn secs(v: Option<f64>) -> String {
    v.map(|s| human(s.round() as i64)).unwrap_or_else(|| "–".to_string())
}

fn percent(v: Option<f64>) -> String {
    metrics::show::percent(v, "–")
}

/// A plain-text table: columns padded to their widest cell, numbers right-aligned.
struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(columns: &[(&str, bool)]) -> Self {
        Table {
            header: columns.iter().map(|c| c.0.to_string()).collect(),
            right: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn render(&self, out: &mut String) {
        let width = |i: usize| {
            let cells = self.rows.iter().map(|r| r.get(i).map(|c| c.chars().count()).unwrap_or(0));
            cells.chain(std::iter::once(self.header[i].chars().count())).max().unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        for cells in std::iter::once(&self.header).chain(self.rows.iter()) {
            let mut line = String::from(" ");
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                let pad = w - cell.chars().count();
                line.push(' ');
                if self.right[i] {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                line.push(' ');
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

use metrics::show::ordered;

/// The figures of some groups, one row per group and figure.
fn group_table(out: &mut String, title: &str, column: &'static str, groups: &[(&str, &Group)]) {
    let _ = writeln!(out, "{title}");
    if groups.is_empty() {
        out.push_str("  (no incidents)\n\n");
        return;
    }
    let mut t = Table::new(&[
        (column, false),
        ("incidents", true),
        ("figure", false),
        ("count", true),
        ("mean", true),
        ("median", true),
        ("p90", true),
    ]);
    for (name, group) in groups {
        if group.incidents == 0 {
            // A level or service with no incident: one line, not four of dashes.
            t.row(vec![
                name.to_string(),
                "0".into(),
                "–".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        for (i, (label, f)) in group.figures().into_iter().enumerate() {
            let (name, incidents) =
                if i == 0 { (name.to_string(), group.incidents.to_string()) } else { (String::new(), String::new()) };
            t.row(vec![
                name,
                incidents,
                label.to_string(),
                f.count.to_string(),
                secs(f.mean_s),
                secs(f.median_s),
                secs(f.p90_s),
            ]);
        }
    }
    t.render(out);
    out.push('\n');
}

/// The whole report as tables for people.
pub fn tables(report: &Report, view: &View) -> String {
    let mut out = String::new();
    let scope = &report.scope;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let from = |f: crate::config::From| match f {
        crate::config::From::Started => "started",
        crate::config::From::Detected => "detected",
    };
    let audience = match scope.audience {
        Audience::Public => "public",
        Audience::Internal => "internal",
    };
    let _ = writeln!(
        out,
        "Incident report: {} ({audience} audience; MTTA from {}, MTTR from {})",
        plural(report.overall.incidents, "incident"),
        from(scope.mtta_from),
        from(scope.mttr_from)
    );
    let mut filters = Vec::new();
    if let Some(s) = scope.since {
        filters.push(format!("since {s}"));
    }
    if let Some(u) = scope.until {
        filters.push(format!("until {u}"));
    }
    if !scope.severities.is_empty() {
        filters.push(format!("severity {}", scope.severities.join(", ")));
    }
    if !scope.services.is_empty() {
        filters.push(format!("service {}", scope.services.join(", ")));
    }
    if !filters.is_empty() {
        let _ = writeln!(out, "Only incidents {}", filters.join("; "));
    }
    out.push('\n');

    let severities: Vec<&str> = view.policy.severities.iter().map(|s| s.id.as_str()).collect();
    let services: Vec<&str> = view.policy.services.iter().map(|s| s.id.as_str()).collect();
    group_table(&mut out, "Overall", "group", &[("all", &report.overall)]);
    group_table(&mut out, "By severity", "severity", &ordered(&report.by_severity, &severities));
    group_table(&mut out, "By service", "service", &ordered(&report.by_service, &services));
    let months: Vec<(&str, &Group)> = report.by_month.iter().map(|(k, v)| (k.as_str(), v)).collect();
    group_table(&mut out, "By month (UTC, of the start)", "month", &months);

    volume_table(&mut out, report, &severities);
    longest_table(&mut out, report);
    repeats_text(&mut out, report);
    actions_text(&mut out, report);
    compliance_table(&mut out, report, &severities);
    postmortem_table(&mut out, report, &severities);
    people_table(&mut out, report);
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn volume_table(out: &mut String, report: &Report, order: &[&str]) {
    if report.volume.by_month.is_empty() {
        return;
    }
    let mut sevs: Vec<&str> = order.to_vec();
    let seen: BTreeSet<&str> =
        report.volume.by_month.values().flat_map(|t| t.by_severity.keys().map(String::as_str)).collect();
    sevs.extend(seen.iter().filter(|s| !order.contains(s)));
    sevs.retain(|s| seen.contains(s));
    let _ = writeln!(out, "Volume by month");
    let mut columns: Vec<(&str, bool)> = vec![("month", false), ("incidents", true)];
    columns.extend(sevs.iter().map(|s| (*s, true)));
    let mut t = Table::new(&columns);
    for (month, tally) in &report.volume.by_month {
        let mut row = vec![month.clone(), tally.total.to_string()];
        row.extend(sevs.iter().map(|s| tally.by_severity.get(*s).copied().unwrap_or(0).to_string()));
        t.row(row);
    }
    t.render(out);
    out.push('\n');
}

fn longest_table(out: &mut String, report: &Report) {
    if report.longest.is_empty() {
        return;
    }
    let _ = writeln!(out, "Longest incidents (by TTR)");
    let mut t =
        Table::new(&[("id", false), ("severity", false), ("start (UTC)", false), ("TTR", true), ("title", false)]);
    for l in &report.longest {
        // `2026-03-04T09:12:00Z` → `2026-03-04 09:12`.
        let start =
            l.start.as_deref().map(|s| s.chars().take(16).collect::<String>().replace('T', " ")).unwrap_or_default();
        t.row(vec![l.id.clone(), l.severity.clone().unwrap_or_default(), start, human(l.ttr_s), l.title.clone()]);
    }
    t.render(out);
    out.push('\n');
}

fn repeats_text(out: &mut String, report: &Report) {
    let r = &report.repeats;
    if r.incidents == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "Repeat incidents: {} of {} ({}) had a cause seen on an earlier incident{}",
        r.repeats,
        r.incidents,
        percent(r.share),
        if r.ids.is_empty() { String::new() } else { format!(": {}", r.ids.join(", ")) }
    );
    if !r.by_cause.is_empty() {
        let causes: Vec<String> = r.by_cause.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        let _ = writeln!(out, "  recurring causes: {}", causes.join(", "));
    }
    out.push('\n');
}

fn actions_text(out: &mut String, report: &Report) {
    let a = &report.action_items;
    if a.total == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "Action items: {} — {} open, {} in progress, {} overdue, {} done ({} on time, {} late), {} won't do; completion {}",
        a.total,
        a.open,
        a.in_progress,
        a.overdue,
        a.done,
        a.done_on_time,
        a.done_late,
        a.wont_do,
        percent(a.completion_rate)
    );
    let mut t = Table::new(&[("owner", false), ("open", true), ("overdue", true), ("done", true)]);
    for (owner, o) in &a.by_owner {
        t.row(vec![owner.clone(), o.open.to_string(), o.overdue.to_string(), o.done.to_string()]);
    }
    t.render(out);
    out.push('\n');
}

fn compliance_table(out: &mut String, report: &Report, order: &[&str]) {
    if report.compliance.is_empty() {
        return;
    }
    let _ = writeln!(out, "Response compliance");
    let mut t = Table::new(&[
        ("severity", false),
        ("incidents", true),
        ("respond within", true),
        ("acknowledged in time", true),
        ("update every", true),
        ("updated in time", true),
    ]);
    let limit = |s: Option<i64>| s.map(human).unwrap_or_else(|| "–".into());
    let share = |limit: Option<i64>, good: usize, bad: usize, rate: Option<f64>| {
        if limit.is_none() || good + bad == 0 {
            "–".to_string()
        } else {
            format!("{good}/{} ({})", good + bad, percent(rate))
        }
    };
    for (sev, c) in ordered(&report.compliance, order) {
        t.row(vec![
            sev.to_string(),
            c.incidents.to_string(),
            limit(c.respond_within_s),
            share(c.respond_within_s, c.acknowledged_in_time, c.acknowledged_late, c.acknowledged_rate),
            limit(c.update_every_s),
            share(c.update_every_s, c.updated_in_time, c.updated_late, c.updated_rate),
        ]);
    }
    t.render(out);
    out.push('\n');
}

fn postmortem_table(out: &mut String, report: &Report, order: &[&str]) {
    if report.postmortems.is_empty() {
        return;
    }
    let _ = writeln!(out, "Post-mortems (resolved incidents)");
    let mut t = Table::new(&[
        ("severity", false),
        ("policy", false),
        ("within", true),
        ("resolved", true),
        ("published", true),
        ("on time", true),
        ("late", true),
        ("unpublished", true),
        ("overdue", true),
    ]);
    for (sev, p) in ordered(&report.postmortems, order) {
        let policy = match p.policy {
            crate::schema::PostmortemPolicy::Required => "required",
            crate::schema::PostmortemPolicy::Optional => "optional",
        };
        t.row(vec![
            sev.to_string(),
            policy.to_string(),
            p.within_s.map(human).unwrap_or_else(|| "–".into()),
            p.resolved.to_string(),
            p.published.to_string(),
            p.on_time.to_string(),
            p.late.to_string(),
            p.unpublished.to_string(),
            p.overdue.to_string(),
        ]);
    }
    t.render(out);
    out.push('\n');
}

fn people_table(out: &mut String, report: &Report) {
    if report.people.is_empty() {
        return;
    }
    let _ = writeln!(out, "Load per person");
    let mut t = Table::new(&[("person", false), ("incidents", true), ("acknowledged", true), ("roles", false)]);
    let mut people: Vec<(&String, &metrics::Load)> = report.people.iter().collect();
    people.sort_by(|a, b| b.1.incidents.cmp(&a.1.incidents).then_with(|| a.0.cmp(b.0)));
    for (person, load) in people {
        let roles: Vec<String> =
            load.roles.iter().map(|(r, n)| if *n == 1 { r.clone() } else { format!("{r} ×{n}") }).collect();
        t.row(vec![person.clone(), load.incidents.to_string(), load.acknowledged.to_string(), roles.join(", ")]);
    }
    t.render(out);
    out.push('\n');
}
