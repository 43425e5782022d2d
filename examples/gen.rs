//! A deterministic generator of synthetic incsite sites, for benchmarks and tests: N records shaped
//! like real ones (severity mix, full timelines, roles, action items, post-mortems) that pass
//! `incsite check` with no errors and no warnings at the generator's "now".
//!
//! `cargo run --release --example gen -- --n 10000 --out /tmp/site [--seed 7] [--now 2026-12-01T00:00:00Z] [--git]
//! [--services 126]` (20 services by default; more are regional copies of those 20)
//!
//! The same seed, N and now give byte-identical sites. Check and build a generated site with the
//! same now (`--now` or `SOURCE_DATE_EPOCH`, printed at the end), or the time-dependent rules
//! (overdue action items, late post-mortems) start warning as the clock moves on.
//!
//! Tests and benches include this file as a module (`#[path = "../examples/gen.rs"]`) and call
//! [`generate`] directly.

use chrono::{DateTime, Duration, FixedOffset, Offset, SecondsFormat, TimeZone, Utc};
use std::fmt::Write as _;
use std::path::Path;

/// The "now" a generated site is clean at, unless told otherwise.
pub const DEFAULT_NOW: &str = "2026-12-01T00:00:00Z";
/// How far back the records go.
const YEARS: i64 = 5;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many record files (incidents and ~1 % maintenance windows).
    pub n: usize,
    pub seed: u64,
    /// The instant the site is clean at: every record lies before it (but one upcoming maintenance).
    pub now: DateTime<Utc>,
    /// Also make the site a git repository with a history: a commit per record when it was
    /// written, and a second one when its post-mortem was published (needs `git` on the PATH).
    pub git: bool,
    /// How many services the policy declares: the 20 of [`SERVICES`], then regional copies of
    /// them (a large status page's components, such as "Public API (EU West)").
    pub services: usize,
}

impl Options {
    pub fn new(n: usize, seed: u64) -> Self {
        let now = DateTime::parse_from_rfc3339(DEFAULT_NOW).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        Options { n, seed, now, git: false, services: SERVICES.len() }
    }
}

/// What was generated, for people.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub records: usize,
    pub by_severity: [usize; 4],
    pub maintenance: usize,
    pub private: usize,
    pub excluded: usize,
    pub published_postmortems: usize,
    pub action_items: usize,
    pub events: usize,
    pub bytes: usize,
}

/// splitmix64: small, fast, and good enough for shaping test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

// ---- the site's policies -------------------------------------------------------------------------

const SEVERITIES: &str = include_str!("../schema/severities.yaml");
const ROLES: &str = include_str!("../schema/roles.yaml");

/// 20 services in 5 groups: (group, id, name).
const SERVICES: [(&str, &str, &str); 20] = [
    ("Website", "web-app", "Web App"),
    ("Website", "auth", "Sign-in & SSO"),
    ("Website", "marketing-site", "Marketing Site"),
    ("Website", "docs", "Documentation"),
    ("API", "public-api", "Public API"),
    ("API", "webhooks", "Webhooks"),
    ("API", "graphql-api", "GraphQL API"),
    ("API", "rate-limiter", "Rate Limiter"),
    ("Payments", "checkout-api", "Checkout API"),
    ("Payments", "payments", "Payments"),
    ("Payments", "billing", "Billing"),
    ("Payments", "invoicing", "Invoicing"),
    ("Data", "database", "Database"),
    ("Data", "search", "Search"),
    ("Data", "file-storage", "File Storage"),
    ("Data", "cache", "Cache"),
    ("Notifications", "email", "Email Notifications"),
    ("Notifications", "sms", "SMS Notifications"),
    ("Notifications", "push", "Push Notifications"),
    ("Notifications", "in-app", "In-app Messages"),
];

const RUNBOOKS: [(&str, &str, &[&str]); 6] = [
    ("checkout-rollback", "Roll back a checkout release", &["checkout-api", "payments"]),
    ("database-failover", "Fail over the primary database", &["database"]),
    ("cdn-purge", "Purge the CDN", &["web-app", "marketing-site", "docs"]),
    ("rotate-credentials", "Rotate leaked credentials", &[]),
    ("scale-workers", "Scale the queue workers", &["webhooks", "email", "sms", "push"]),
    ("reindex-search", "Rebuild a search index", &["search"]),
];

/// Per severity: (id, respond_within, update_every or none, post-mortem required within).
struct Level {
    id: &'static str,
    respond_within: Duration,
    update_every: Option<Duration>,
    postmortem_within: Option<Duration>,
}

fn levels() -> [Level; 4] {
    [
        Level {
            id: "SEV-1",
            respond_within: Duration::minutes(5),
            update_every: Some(Duration::minutes(30)),
            postmortem_within: Some(Duration::days(5)),
        },
        Level {
            id: "SEV-2",
            respond_within: Duration::minutes(15),
            update_every: Some(Duration::minutes(60)),
            postmortem_within: Some(Duration::days(7)),
        },
        Level {
            id: "SEV-3",
            respond_within: Duration::hours(1),
            update_every: Some(Duration::hours(4)),
            postmortem_within: None,
        },
        Level { id: "SEV-4", respond_within: Duration::days(1), update_every: None, postmortem_within: None },
    ]
}

const FIRST: [&str; 24] = [
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Gina", "Hiro", "Ines", "Jonas", "Kwame", "Lena", "Mateo",
    "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yara",
];
const LAST: [&str; 12] =
    ["Chen", "Diaz", "Ng", "Park", "Wu", "Li", "Ortiz", "Braun", "Mensah", "Raman", "Weber", "Holm"];

const CAUSES: [&str; 24] = [
    "bad-deploy",
    "config-change",
    "capacity",
    "dependency-failure",
    "certificate-expiry",
    "dns",
    "database-migration",
    "disk-full",
    "memory-leak",
    "network-partition",
    "third-party-provider",
    "expired-credentials",
    "feature-flag",
    "rate-limit",
    "cache-stampede",
    "clock-skew",
    "schema-change",
    "retry-storm",
    "noisy-neighbour",
    "hardware-failure",
    "security-vulnerability",
    "data-corruption",
    "queue-backlog",
    "human-error",
];

const SYMPTOMS: [&str; 12] = [
    "returning 502 errors",
    "elevated latency",
    "unavailable for most customers",
    "intermittent timeouts",
    "delayed processing",
    "failing for some regions",
    "serving stale data",
    "elevated error rate",
    "degraded after a release",
    "rejecting valid requests",
    "slow page loads",
    "partially unavailable",
];

const NOTES: [&str; 16] = [
    "Error rate on the load balancer above 5%; upstream pods healthy.",
    "Latency p99 at 4.2s, up from 300ms; saturation on the primary.",
    "Recent deploy 8812 correlates with the start of the errors.",
    "Dependency dashboard shows the provider's API timing out.",
    "Connection pool exhausted on three of five replicas.",
    "Queue depth at 180k messages and growing by 2k per minute.",
    "Certificate on the edge expired at 00:00 UTC.",
    "Disk on the primary at 97%; WAL archiving behind.",
    "Rolled the canary back; error rate dropping.",
    "Scaled workers from 12 to 40.",
    "Flag `new-pricing-engine` turned off for all customers.",
    "Failover to the replica completed in 41 seconds.",
    "Provider confirms an incident on their side.",
    "Cache hit rate back to 94%.",
    "Customer reports confirm recovery in the EU region.",
    "Paused the deploy pipeline until the rollback finishes.",
];

const DECISIONS: [&str; 6] = [
    "Roll back rather than fix forward.",
    "Fail over to the replica now; investigate the primary afterwards.",
    "Keep the feature flag off until Monday.",
    "Do not rotate keys as a workaround; it would sign everyone out.",
    "Raise to the provider's premium support.",
    "Throttle batch jobs until the backlog clears.",
];

const ACTION_TITLES: [&str; 14] = [
    "Add a canary stage to deploys",
    "Alert on certificate expiry 30 days ahead",
    "Load-test the service at twice peak traffic",
    "Document the failover procedure",
    "Add a circuit breaker around the provider client",
    "Cap retries with exponential backoff",
    "Move the cron job off the primary",
    "Add disk-usage alerts at 80%",
    "Pin dependency versions in the lockfile",
    "Write a runbook for this failure",
    "Add a contract test for the schema change",
    "Automate rollback on error-budget burn",
    "Review on-call escalation paths",
    "Split the shared connection pool",
];

/// A service of the generated policy: (group, id, name).
type Service = (String, String, String);

/// The regions the services past the first 20 are copies of the first 20 in: (name, id).
const REGIONS: [(&str, &str); 6] = [
    ("US East", "us-east"),
    ("US West", "us-west"),
    ("EU West", "eu-west"),
    ("EU Central", "eu-central"),
    ("Asia Pacific", "ap-southeast"),
    ("South America", "sa-east"),
];

/// The first `n` services: the 20 of [`SERVICES`], then each of them per region, grouped by
/// region ("Public API (EU West)").
pub fn services(n: usize) -> Vec<Service> {
    (0..n)
        .map(|i| {
            let (group, id, name) = SERVICES[i % SERVICES.len()];
            if i < SERVICES.len() {
                return (group.to_string(), id.to_string(), name.to_string());
            }
            let copy = i / SERVICES.len() - 1;
            let (region, code) = REGIONS[copy % REGIONS.len()];
            let round = copy / REGIONS.len();
            let (code, region) = if round == 0 {
                (code.to_string(), region.to_string())
            } else {
                (format!("{code}-{round}"), format!("{region} {round}"))
            };
            (region.clone(), format!("{id}-{code}"), format!("{name} ({region})"))
        })
        .collect()
}

/// A double-quoted YAML string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn time(t: DateTime<Utc>, offset: &FixedOffset) -> String {
    t.with_timezone(offset).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(40).collect::<String>().trim_end_matches('-').to_string()
}

// ---- one record ------------------------------------------------------------------------------------

/// The parts of a record that later records and the summary need.
struct Made {
    id: String,
    public: bool,
    /// Whether the file has a published post-mortem (committed in a second step).
    published: bool,
}

/// Everything one incident needs from the site as a whole.
struct Ctx<'a> {
    now: DateTime<Utc>,
    earlier: &'a [Made],
    seq: usize,
    services: &'a [Service],
}

impl Ctx<'_> {
    /// A random service's id.
    fn service(&self, rng: &mut Rng) -> &str {
        &rng.pick(self.services).1
    }

    /// The name of the service `id`.
    fn name(&self, id: &str) -> &str {
        self.services.iter().find(|s| s.1 == id).map(|s| s.2.as_str()).unwrap_or("Service")
    }
}

/// One incident record file: (year, file name, text).
fn incident(rng: &mut Rng, ctx: &Ctx, start: DateTime<Utc>, active: bool, sum: &mut Summary) -> (String, String, Made) {
    let levels = levels();
    let sev = if active {
        1
    } else {
        match rng.below(100) {
            0..=4 => 0,
            5..=24 => 1,
            25..=69 => 2,
            _ => 3,
        }
    };
    sum.by_severity[sev] += 1;
    let level = &levels[sev];
    let year = start.format("%Y").to_string();
    let id = format!("INC-{year}-{:04}", ctx.seq);
    let offset = match rng.below(10) {
        0..=5 => FixedOffset::east_opt(0),
        6 => FixedOffset::east_opt(3600),
        7 => FixedOffset::east_opt(7200),
        8 => FixedOffset::west_opt(5 * 3600),
        _ => FixedOffset::east_opt(5 * 3600 + 1800),
    }
    .unwrap_or_else(|| Utc.fix());
    let private = !active && rng.chance(0.01);
    let excluded = !active && !private && rng.chance(0.01);
    sum.private += usize::from(private);
    sum.excluded += usize::from(excluded);

    // Services.
    let n_services = 1 + rng.below(3);
    let mut services: Vec<&str> = Vec::new();
    while services.len() < n_services {
        let s = ctx.service(rng);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let main = services[0];
    let symptom = rng.word(&SYMPTOMS);
    let title = format!("{} {symptom}", ctx.name(main));

    // People: distinct per incident.
    let mut people: Vec<String> = Vec::new();
    let mut person = |rng: &mut Rng| loop {
        let p = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
        if !people.contains(&p) {
            people.push(p.clone());
            return p;
        }
    };
    // (role key as written, canonical id, people)
    let mut roles: Vec<(&str, &str, Vec<String>)> = Vec::new();
    let mut role = |rng: &mut Rng, names: &[&'static str], id: &'static str, count: usize| {
        let key = *rng.pick(names);
        let holders = (0..count).map(|_| person(rng)).collect::<Vec<_>>();
        roles.push((key, id, holders));
    };
    let handoff = sev == 0 && rng.chance(0.15);
    let ic = ["incident_commander", "ic", "commander"];
    let comms = ["communicator", "comms"];
    let resolver = ["resolver", "technical_lead", "sme"];
    match sev {
        0 => {
            role(rng, &ic, "incident_commander", if handoff { 2 } else { 1 });
            role(rng, &["scribe"], "scribe", 1);
            role(rng, &comms, "communicator", 1);
            {
                let n = 2 + usize::from(rng.chance(0.3));
                role(rng, &resolver, "resolver", n);
            }
            if rng.chance(0.4) {
                role(rng, &["customer_liaison"], "customer_liaison", 1);
            }
            if rng.chance(0.3) {
                role(rng, &["executive", "exec"], "executive", 1);
            }
        }
        1 => {
            role(rng, &ic, "incident_commander", 1);
            role(rng, &comms, "communicator", 1);
            {
                let n = 1 + usize::from(rng.chance(0.4));
                role(rng, &resolver, "resolver", n);
            }
            if rng.chance(0.3) {
                role(rng, &["scribe"], "scribe", 1);
            }
        }
        2 => {
            if rng.chance(0.3) {
                role(rng, &ic, "incident_commander", 1);
            }
            {
                let n = 1 + usize::from(rng.chance(0.3));
                role(rng, &resolver, "resolver", n);
            }
        }
        _ => role(rng, &resolver, "resolver", 1),
    }
    let holders = |id: &str| roles.iter().filter(|r| r.1 == id).flat_map(|r| r.2.iter().cloned()).collect::<Vec<_>>();
    let responders: Vec<String> = roles.iter().flat_map(|r| r.2.iter().cloned()).collect();
    let lead = holders("incident_commander").first().cloned().unwrap_or_else(|| responders[0].clone());

    // Milestones.
    let update_every = level.update_every.unwrap_or(Duration::hours(8));
    let minutes = |d: Duration| d.num_minutes().max(1);
    let started = start;
    let ttd = Duration::minutes(rng.range(0, minutes(update_every) * 3 / 10));
    let detected = started + ttd;
    // Most responders are quick; a few take most of the allowed time.
    let tta = Duration::seconds((level.respond_within.num_seconds() as f64 * 0.9 * rng.unit().powi(3)) as i64);
    let acknowledged = detected + tta;
    // 8–16 entries: the five milestones, 2–9 updates, a handoff or severity change, notes.
    let total = rng.range(8, 16) as usize;
    let severity_change = !active && sev < 2 && rng.chance(0.1);
    let special = usize::from(handoff) + usize::from(severity_change);
    let mut updates = rng.range(2, (total - 5 - special).clamp(2, 9) as i64) as usize;
    let extra_slots = total.saturating_sub(5 + updates + special);
    let first_update = detected + Duration::minutes(rng.range(1, 10.min(minutes(update_every) / 3)));
    // Every gap between public updates (and from the start to the first) stays within 90 % of
    // update_every.
    let max_gap = update_every * 9 / 10;
    let floor = acknowledged + Duration::minutes(5) - first_update;
    let span_max = max_gap * (updates as i32 - 1);
    let span = if span_max > floor {
        floor + Duration::seconds(((span_max - floor).num_seconds() as f64 * (0.3 + 0.7 * rng.unit())) as i64)
    } else {
        floor
    };
    let mut resolved = first_update + span;
    let mut mitigated = acknowledged
        + Duration::seconds(((resolved - acknowledged).num_seconds() as f64 * (0.3 + 0.6 * rng.unit())) as i64);
    if active {
        // Still open: last update a little before now, no `resolved`.
        resolved = ctx.now.min(first_update + span);
        mitigated = acknowledged + (resolved - acknowledged) / 2;
        updates = updates.max(2);
    }

    // Timeline: (time, order within equal times, text of the entry).
    let mut timeline: Vec<(DateTime<Utc>, usize, String)> = Vec::new();
    let ev =
        |t: DateTime<Utc>, kind: &str, rest: &str| format!("  - at: {}\n    event: {kind}\n{rest}", time(t, &offset));
    timeline.push((started, 0, ev(started, "started", &format!("    text: {}\n", q(rng.word(&NOTES))))));
    let alert = format!("Alert: {} {}.", ctx.name(main), rng.pick(&SYMPTOMS));
    timeline.push((detected, 1, ev(detected, "detected", &format!("    text: {}\n", q(&alert)))));
    timeline.push((acknowledged, 2, ev(acknowledged, "acknowledged", &format!("    by: {lead}\n"))));
    let public_mitigation = if rng.chance(0.2) { "    public: true\n" } else { "" };
    let mitigation = format!("    text: {}\n{public_mitigation}", q(rng.word(&NOTES)));
    timeline.push((mitigated, 3, ev(mitigated, "mitigated", &mitigation)));
    if !active {
        timeline.push((resolved, 4, ev(resolved, "resolved", &format!("    text: {}\n", q(rng.word(&NOTES))))));
    }
    let last_status = if active { "monitoring" } else { "resolved" };
    for i in 0..updates {
        let t = if updates == 1 {
            resolved
        } else {
            first_update + (resolved - first_update) * i as i32 / (updates as i32 - 1)
        };
        let status = if i + 1 == updates {
            last_status
        } else if t >= mitigated {
            "monitoring"
        } else if i == 0 {
            "investigating"
        } else {
            "identified"
        };
        let text = match status {
            "investigating" => {
                format!("We are investigating reports of {} {}.", ctx.name(main), rng.pick(&SYMPTOMS))
            }
            "identified" => "We have identified the cause and are working on a fix.".to_string(),
            "monitoring" => "A fix has been applied and we are monitoring the results.".to_string(),
            _ => format!("This incident has been resolved. {} is operating normally.", ctx.name(main)),
        };
        let rest = format!("    status: {status}\n    text: {}\n", q(&text));
        timeline.push((t, 5 + i, ev(t, "update", &rest)));
    }
    if severity_change {
        let t = acknowledged + (mitigated - acknowledged) / 3;
        let rest = format!("    from: {}\n    to: {}\n    by: {lead}\n", levels[sev + 1].id, level.id);
        timeline.push((t, 40, ev(t, "severity", &rest)));
    }
    if handoff {
        let ics = holders("incident_commander");
        let t = acknowledged + (mitigated - acknowledged) / 2;
        let key = roles.iter().find(|r| r.1 == "incident_commander").map(|r| r.0).unwrap_or("ic");
        let rest = format!("    role: {key}\n    from: {}\n    to: {}\n", ics[0], ics[1]);
        timeline.push((t, 41, ev(t, "handoff", &rest)));
    }
    for i in 0..extra_slots {
        let t = acknowledged + Duration::seconds(rng.range(0, (mitigated - acknowledged).num_seconds()));
        let kind = *rng.pick(&["note", "note", "action", "decision"]);
        let text = if kind == "decision" { rng.pick(&DECISIONS) } else { rng.pick(&NOTES) };
        let by = rng.pick(&responders);
        timeline.push((t, 50 + i, ev(t, kind, &format!("    by: {by}\n    text: {}\n", q(text)))));
    }
    timeline.sort_by_key(|(t, order, _)| (*t, *order));
    sum.events += timeline.len();

    // Action items.
    let today = ctx.now.date_naive();
    let resolved_day = resolved.date_naive();
    let n_items = 1 + rng.below(4);
    let mut items = String::new();
    let mut item_titles = Vec::new();
    for _ in 0..n_items {
        let title = rng.pick(&ACTION_TITLES).to_string();
        let due = resolved_day + Duration::days(rng.range(3, 60));
        let status = if active || due > today {
            *rng.pick(&["open", "in_progress", "done", "wont_do"])
        } else if rng.chance(0.85) {
            "done"
        } else {
            "wont_do"
        };
        let _ = writeln!(
            items,
            "  - title: {}\n    owner: {}\n    due: {due}\n    status: {status}",
            q(&title),
            rng.pick(&responders)
        );
        if rng.chance(0.7) {
            let _ = writeln!(items, "    priority: {}", rng.pick(&["low", "medium", "high"]));
        }
        if status == "done" || status == "wont_do" {
            let last = due.min(today - Duration::days(1)).max(resolved_day);
            let done_on = resolved_day + Duration::days(rng.range(0, (last - resolved_day).num_days()));
            let _ = writeln!(items, "    done_on: {done_on}");
        }
        if rng.chance(0.5) {
            let _ = writeln!(items, "    link: https://tracker.example/OPS-{}", 1000 + rng.below(90000));
        }
        item_titles.push((title, status));
    }
    sum.action_items += n_items;

    // Post-mortem.
    let pm_status = if active {
        None
    } else if let Some(within) = level.postmortem_within {
        if resolved + within <= ctx.now {
            Some("published")
        } else {
            Some(*rng.pick(&["draft", "review"]))
        }
    } else {
        match rng.below(100) {
            n if n < if sev == 2 { 40 } else { 15 } => Some("published"),
            n if n < 60 => Some(*rng.pick(&["draft", "review"])),
            _ => None,
        }
    };
    let published = pm_status == Some("published");
    sum.published_postmortems += usize::from(published);

    // Front matter.
    let mut fm = String::with_capacity(4096);
    let _ = writeln!(fm, "---\nid: {id}\ntitle: {}\nseverity: {}", q(&title), level.id);
    let _ = writeln!(fm, "status: {}", if active { "monitoring" } else { "resolved" });
    if private {
        fm.push_str("visibility: private\n");
    }
    if excluded {
        fm.push_str("exclude_from_metrics: true\n");
    }
    let summary = format!(
        "From {} UTC some customers saw {} {symptom}. {}",
        started.format("%Y-%m-%d %H:%M"),
        ctx.name(main),
        if active { "We are monitoring a fix." } else { "The issue is resolved." }
    );
    let _ = writeln!(fm, "summary: {}", q(&summary));
    fm.push_str("impact:\n");
    for (i, s) in services.iter().enumerate() {
        let lvl = if i == 0 {
            ["major", "partial", "degraded", "degraded"][sev]
        } else {
            *rng.pick(&["degraded", "partial"])
        };
        let _ = writeln!(fm, "  {s}: {lvl}");
    }
    fm.push_str("roles:\n");
    for (key, _, who) in &roles {
        if who.len() == 1 {
            let _ = writeln!(fm, "  {key}: {}", who[0]);
        } else {
            let _ = writeln!(fm, "  {key}: [{}]", who.join(", "));
        }
    }
    let n_causes = 1 + rng.below(2);
    let causes: Vec<&str> = (0..n_causes).map(|_| *rng.pick(&CAUSES)).collect::<Vec<_>>();
    let mut causes_unique = causes.clone();
    causes_unique.dedup();
    let _ = writeln!(fm, "causes: [{}]", causes_unique.join(", "));
    let public_earlier: Vec<&Made> = ctx.earlier.iter().rev().filter(|m| m.public).take(200).collect();
    if !public_earlier.is_empty() && rng.chance(0.3) {
        let a = rng.pick(&public_earlier).id.clone();
        let b = rng.pick(&public_earlier).id.clone();
        let related = if a == b || rng.chance(0.5) { a } else { format!("{a}, {b}") };
        let _ = writeln!(fm, "related: [{related}]");
    }
    if rng.chance(0.3) {
        let _ = writeln!(fm, "runbooks: [{}]", rng.pick(&RUNBOOKS).0);
    }
    fm.push_str("timeline:\n");
    for (_, _, text) in &timeline {
        fm.push_str(text);
    }
    fm.push_str("action_items:\n");
    fm.push_str(&items);
    if let Some(status) = pm_status {
        let _ = writeln!(fm, "postmortem:\n  status: {status}");
        if status != "draft" {
            let facilitator = person(rng);
            let meeting = resolved_day + Duration::days(rng.range(1, 3));
            let _ = writeln!(fm, "  facilitator: {facilitator}\n  meeting: {meeting}");
        }
    }
    if rng.chance(0.1) {
        let _ =
            writeln!(fm, "extra:\n  customer_tickets: {}\n  region: {}", rng.below(500), rng.pick(&["eu", "us", "ap"]));
    }
    fm.push_str("---\n");
    match pm_status {
        Some("published") => {
            let target = 2048 + rng.below(2048);
            body(rng, &mut fm, &title, (main, ctx.name(main)), &item_titles, target, true)
        }
        Some(_) => {
            let target = 800 + rng.below(1000);
            body(rng, &mut fm, &title, (main, ctx.name(main)), &item_titles, target, false)
        }
        None => {}
    }

    let file = format!("{}-{}-{:04}.md", started.format("%Y-%m-%d"), slug(&title), ctx.seq);
    sum.bytes += fm.len();
    (format!("{year}/{file}"), fm, Made { id, public: !private, published })
}

/// A post-mortem narrative of about `target` bytes: the required sections (when `complete`), a
/// table, a code block and lists.
fn body(
    rng: &mut Rng,
    out: &mut String,
    title: &str,
    (service, name): (&str, &str),
    items: &[(String, &str)],
    target: usize,
    complete: bool,
) {
    let start = out.len();
    let _ = writeln!(
        out,
        "## Summary\n\n{title}. {} The response team restored service after the change was reverted and \
         the affected queues drained. This review describes what happened, why, and what we are changing.\n",
        rng.pick(&NOTES)
    );
    let _ = writeln!(
        out,
        "## Impact\n\n| Measure | Value |\n|---|---|\n| Failed requests | {}% at worst |\n| Customers affected | about {} |\n| \
         Support tickets | {} |\n| Data lost | none |\n\n{name} was the most affected service; dependants degraded \
         gracefully.\n",
        1 + rng.below(60),
        100 * (1 + rng.below(900)),
        rng.below(400)
    );
    if complete || rng.chance(0.5) {
        let _ = writeln!(
            out,
            "## Root Cause\n\n{} A recent change to {name} interacted badly with a setting that had not changed in years, \
             so tests in staging passed while production failed.\n\n```yaml\n# before\n{service}:\n  pool_size: 20\n  \
             timeout: 30s\n# after\n{service}:\n  pool_size: {}\n  timeout: 5s\n```\n\nThe configuration above is now \
             validated in CI, and the default values are set explicitly rather than inherited.\n",
            rng.pick(&NOTES),
            40 + rng.below(200)
        );
    }
    let mut section = 0;
    while out.len() - start + 400 < target {
        section += 1;
        let heading =
            ["What went well", "What could have gone better", "Timeline notes", "Detection", "Lessons"][section % 5];
        let _ = writeln!(out, "## {heading}\n");
        for _ in 0..3 {
            let _ = writeln!(out, "- {} {}", rng.pick(&NOTES), rng.pick(&DECISIONS));
        }
        out.push('\n');
        if section % 2 == 0 {
            let _ = writeln!(
                out,
                "```sh\nkubectl -n {service} rollout undo deployment/{service}\nkubectl -n {service} rollout status \
                 deployment/{service} --timeout={}s\n```\n",
                60 + rng.below(240)
            );
        }
    }
    if complete {
        out.push_str("## Action Items\n\n");
        for (title, status) in items {
            let _ = writeln!(out, "- **{status}:** {title}");
        }
    }
}

/// One maintenance window: (year/file, text, made).
fn maintenance(rng: &mut Rng, ctx: &Ctx, start: DateTime<Utc>, sum: &mut Summary) -> (String, String, Made) {
    sum.maintenance += 1;
    let from = start.date_naive().and_hms_opt(2, 0, 0).map(|t| Utc.from_utc_datetime(&t)).unwrap_or(start);
    let until = from + Duration::hours(rng.range(1, 4));
    let year = from.format("%Y").to_string();
    let id = format!("MNT-{year}-{:04}", ctx.seq);
    let service = ctx.service(rng);
    let title = format!("{} maintenance", ctx.name(service));
    let utc = Utc.fix();
    let (status, timeline) = if from > ctx.now {
        ("scheduled", " []\n".to_string())
    } else if rng.chance(0.05) {
        ("cancelled", " []\n".to_string())
    } else {
        let t = format!(
            "\n  - at: {}\n    event: update\n    status: in_progress\n    text: \"The maintenance has started.\"\n  - at: {}\n    \
             event: update\n    status: completed\n    text: \"The maintenance is complete.\"\n",
            time(from, &utc),
            time(until, &utc)
        );
        ("completed", t)
    };
    let mut text = format!(
        "---\nkind: maintenance\nid: {id}\ntitle: {}\nstatus: {status}\nwindow: {{from: {}, until: {}}}\nimpact: {{{service}: \
         maintenance}}\nsummary: {}\ntimeline:{timeline}---\n",
        q(&title),
        time(from, &utc),
        time(until, &utc),
        q(&format!("{} may be unavailable for up to an hour during the window.", ctx.name(service)))
    );
    text.push_str("We are upgrading the underlying infrastructure. No action is needed from customers.\n");
    let file = format!("{}-{}-{:04}.md", from.format("%Y-%m-%d"), slug(&title), ctx.seq);
    sum.bytes += text.len();
    (format!("{year}/{file}"), text, Made { id, public: true, published: false })
}

// ---- the site -------------------------------------------------------------------------------------

fn services_yaml(services: &[Service]) -> String {
    let groups = services.iter().map(|s| &s.0).collect::<std::collections::BTreeSet<_>>().len();
    let mut out =
        format!("# {} services in {groups} groups, generated by examples/gen.rs.\nservices:\n", services.len());
    for (group, id, name) in services {
        let _ = writeln!(
            out,
            "  - id: {id}\n    name: {}\n    group: {group}\n    description: {}",
            q(name),
            q(&format!("The {name} service."))
        );
    }
    out
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

/// Writes a site of `opts.n` records into `out`, which must not exist or be empty.
pub fn generate(out: &Path, opts: &Options) -> std::io::Result<Summary> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(std::io::Error::other(format!("{} is not empty; give a new directory", out.display())));
    }
    let mut rng = Rng(opts.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x1C51_7E00);
    let catalog = services(opts.services.max(1));
    let mut setup: Vec<(String, String)> = vec![
        (
            "incsite.toml".into(),
            "# A synthetic site generated by examples/gen.rs.\ntitle = \"Synthetic Status\"\nbase_url = \
             \"https://status.synthetic.example\"\ntimezone = \"Europe/Berlin\"\n\n[metrics]\nmttr_from = \"started\"\n\
             mtta_from = \"detected\"\n\n[postmortem]\nrequired_sections = [\"Summary\", \"Impact\", \"Root Cause\", \
             \"Action Items\"]\n"
                .into(),
        ),
        ("schema/severities.yaml".into(), SEVERITIES.into()),
        ("schema/roles.yaml".into(), ROLES.into()),
        ("schema/services.yaml".into(), services_yaml(&catalog)),
    ];
    for (id, title, services) in RUNBOOKS {
        let text = format!(
            "---\ntitle: {}\nservices: [{}]\n---\n## When to use it\n\nWhen {title} is the fastest safe mitigation.\n\n## Steps\n\n\
             1. Announce it in the incident channel.\n2. Run the command below.\n3. Watch the dashboards for ten minutes.\n\n\
             ```sh\n./ops {id} --confirm\n```\n",
            q(title),
            services.join(", ")
        );
        setup.push((format!("content/runbooks/{id}.md"), text));
    }
    for (path, text) in &setup {
        write(&out.join(path), text)?;
    }
    let span = (YEARS * 365 * 86_400) as u64;
    let first = opts.now - Duration::seconds(span as i64);
    let mut git = if opts.git { Some(git::Import::start(out, first - Duration::days(1), &setup)?) } else { None };

    // Start times spread over YEARS, oldest first; the newest incident is still active and one
    // maintenance window is upcoming.
    let mut starts: Vec<DateTime<Utc>> =
        (0..opts.n).map(|_| first + Duration::seconds((rng.next() % (span - 2 * 86_400)) as i64)).collect();
    starts.sort();
    let mut sum = Summary { records: opts.n, ..Default::default() };
    let mut made: Vec<Made> = Vec::with_capacity(opts.n);
    let mut seq_by_year: std::collections::BTreeMap<String, usize> = Default::default();
    let dir = out.join("content/incidents");
    for (i, start) in starts.iter().enumerate() {
        let special = opts.n >= 20;
        let active = special && i + 1 == opts.n;
        let upcoming = special && i + 2 == opts.n;
        let is_maintenance = upcoming || (!active && rng.chance(0.01));
        let start = if active {
            opts.now - Duration::minutes(50)
        } else if upcoming {
            opts.now + Duration::days(3)
        } else {
            *start
        };
        let seq = seq_by_year.entry(start.format("%Y").to_string()).or_default();
        *seq += 1;
        let ctx = Ctx { now: opts.now, earlier: &made, seq: *seq, services: &catalog };
        let (file, text, m) = if is_maintenance {
            maintenance(&mut rng, &ctx, start, &mut sum)
        } else {
            incident(&mut rng, &ctx, start, active, &mut sum)
        };
        write(&dir.join(&file), &text)?;
        if let Some(git) = git.as_mut() {
            // Written a couple of hours after it started (maintenance: announced days before);
            // a published post-mortem lands a few days later.
            let path = format!("content/incidents/{file}");
            let written = if is_maintenance { start - Duration::days(3) } else { start + Duration::hours(2) };
            let published = start + Duration::days(4);
            if m.published && published < opts.now {
                let front = text.find("\n---\n").map(|i| &text[..i + 5]).unwrap_or(&text);
                git.commit(written.min(opts.now), &path, front, &format!("{}: the record", m.id))?;
                git.later(published, path, text, format!("{}: post-mortem published", m.id));
            } else {
                git.commit(written.min(opts.now), &path, &text, &format!("{}: the record", m.id))?;
            }
        }
        made.push(m);
    }
    if let Some(git) = git {
        git.finish()?;
    }
    Ok(sum)
}

/// A git history for a generated site, written through `git fast-import` (seconds even for
/// 100,000 commits).
mod git {
    use chrono::{DateTime, Utc};
    use std::collections::BinaryHeap;
    use std::io::{BufWriter, Write};
    use std::path::Path;
    use std::process::{Child, ChildStdin, Command, Stdio};

    const AUTHORS: [&str; 6] = ["Alice Chen", "Bob Diaz", "Carol Ng", "Dave Park", "Erin Wu", "Frank Li"];

    pub struct Import {
        child: Child,
        out: BufWriter<ChildStdin>,
        root: std::path::PathBuf,
        commits: usize,
        last: i64,
        /// Commits still to make, earliest first: (time, path, text, message).
        pending: BinaryHeap<std::cmp::Reverse<(i64, String, String, String)>>,
    }

    fn run(root: &Path, args: &[&str]) -> std::io::Result<()> {
        let status = Command::new("git").args(args).current_dir(root).stdout(Stdio::null()).status()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!("git {} failed ({status})", args.join(" "))))
        }
    }

    impl Import {
        /// `git init`, then a first commit holding `files` at `at`.
        pub fn start(root: &Path, at: DateTime<Utc>, files: &[(String, String)]) -> std::io::Result<Import> {
            run(root, &["init", "-q"])?;
            run(root, &["symbolic-ref", "HEAD", "refs/heads/main"])?;
            let mut child = Command::new("git")
                .args(["fast-import", "--quiet", "--done"])
                .current_dir(root)
                .stdin(Stdio::piped())
                .spawn()?;
            let stdin = child.stdin.take().ok_or_else(|| std::io::Error::other("no stdin for git fast-import"))?;
            let mut import = Import {
                child,
                out: BufWriter::with_capacity(1 << 20, stdin),
                root: root.to_path_buf(),
                commits: 0,
                last: 0,
                pending: BinaryHeap::new(),
            };
            import.write(
                at.timestamp(),
                files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
                "Start the status site",
            )?;
            Ok(import)
        }

        /// Commits `text` at `path`, after every pending commit due before `at`.
        pub fn commit(&mut self, at: DateTime<Utc>, path: &str, text: &str, message: &str) -> std::io::Result<()> {
            self.flush_until(at.timestamp())?;
            self.write(at.timestamp(), [(path, text)].into_iter(), message)
        }

        /// Commits `text` at `path` once the history reaches `at`.
        pub fn later(&mut self, at: DateTime<Utc>, path: String, text: String, message: String) {
            self.pending.push(std::cmp::Reverse((at.timestamp(), path, text, message)));
        }

        fn flush_until(&mut self, time: i64) -> std::io::Result<()> {
            while self.pending.peek().is_some_and(|p| p.0 .0 <= time) {
                if let Some(std::cmp::Reverse((t, path, text, message))) = self.pending.pop() {
                    self.write(t, [(path.as_str(), text.as_str())].into_iter(), &message)?;
                }
            }
            Ok(())
        }

        fn write<'a>(
            &mut self,
            time: i64,
            files: impl Iterator<Item = (&'a str, &'a str)>,
            message: &str,
        ) -> std::io::Result<()> {
            // Commit times never go backwards, as in a real repository.
            let time = time.max(self.last + 1);
            self.last = time;
            let author = AUTHORS[self.commits % AUTHORS.len()];
            let email = author.to_lowercase().replace(' ', ".");
            let o = &mut self.out;
            writeln!(o, "commit refs/heads/main\nmark :{}", self.commits + 1)?;
            writeln!(o, "author {author} <{email}@example.com> {time} +0000")?;
            writeln!(o, "committer {author} <{email}@example.com> {time} +0000")?;
            writeln!(o, "data {}\n{message}", message.len())?;
            if self.commits > 0 {
                writeln!(o, "from :{}", self.commits)?;
            }
            for (path, text) in files {
                writeln!(o, "M 100644 inline {path}\ndata {}\n{text}", text.len())?;
            }
            writeln!(o)?;
            self.commits += 1;
            Ok(())
        }

        /// Writes the pending commits, ends the import and points the index at the result.
        pub fn finish(mut self) -> std::io::Result<()> {
            self.flush_until(i64::MAX)?;
            writeln!(self.out, "done")?;
            self.out.flush()?;
            drop(self.out);
            let status = self.child.wait()?;
            if !status.success() {
                return Err(std::io::Error::other(format!("git fast-import failed ({status})")));
            }
            run(&self.root, &["reset", "-q"])
        }
    }
}

// ---- the command line -----------------------------------------------------------------------------

fn usage() -> ! {
    eprintln!(
        "usage: gen --n N --out DIR [--seed S] [--now RFC3339] [--git] [--services N (20; more are regional copies)]"
    );
    std::process::exit(2)
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let (mut n, mut out, mut seed, mut now, mut git, mut services) = (None, None, 1u64, None, false, SERVICES.len());
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--n" => n = value().replace('_', "").parse::<usize>().ok(),
            "--out" => out = Some(std::path::PathBuf::from(value())),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--now" => now = Some(value()),
            "--git" => git = true,
            "--services" => services = value().parse().unwrap_or_else(|_| usage()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let (Some(n), Some(out)) = (n, out) else { usage() };
    let mut opts = Options::new(n, seed);
    opts.git = git;
    opts.services = services;
    if let Some(now) = now {
        match DateTime::parse_from_rfc3339(&now) {
            Ok(t) => opts.now = t.with_timezone(&Utc),
            Err(e) => {
                eprintln!("--now {now}: {e}");
                std::process::exit(2)
            }
        }
    }
    match generate(&out, &opts) {
        Ok(s) => {
            eprintln!(
                "wrote {} records ({} maintenance, {} private, {} excluded; SEV-1..4 {:?}; {} events, {} action items, {} \
                 published post-mortems; {:.1} MB) to {}",
                s.records,
                s.maintenance,
                s.private,
                s.excluded,
                s.by_severity,
                s.events,
                s.action_items,
                s.published_postmortems,
                s.bytes as f64 / 1e6,
                out.display()
            );
            eprintln!(
                "check and build it at the same now: --now {}  (SOURCE_DATE_EPOCH={})",
                opts.now.to_rfc3339_opts(SecondsFormat::Secs, true),
                opts.now.timestamp()
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
    }
}
