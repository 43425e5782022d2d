//! What every page shares: lookups indexed once per render (records by id, services, severities,
//! runbooks, reverse links), the time formatter, and the small display values ("cards", labels)
//! that several pages show for the same record.

use super::i18n::Words;
use super::time::{Clock, Time};
use crate::git::Commit;
use crate::record::{ImpactLevel, Kind, Record, Runbook, Status as RecordStatus};
use crate::render::Options;
use crate::schema::{Service, Severity};
use crate::site::{Audience, View};
use crate::status::{self, ComponentStatus, Status};
use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// A value with its words for people and a CSS class.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub value: String,
    pub label: String,
    pub class: String,
}

impl Label {
    fn new(value: &str, label: &str, class: &str) -> Self {
        Label { value: value.to_string(), label: label.to_string(), class: class.to_string() }
    }
}

/// The CSS class of a component state: `operational`, `maintenance`, `degraded`, `partial`, `major`.
pub fn state_class(s: ComponentStatus) -> &'static str {
    match s {
        ComponentStatus::Operational => "operational",
        ComponentStatus::UnderMaintenance => "maintenance",
        ComponentStatus::DegradedPerformance => "degraded",
        ComponentStatus::PartialOutage => "partial",
        ComponentStatus::MajorOutage => "major",
    }
}

pub fn state_label(s: ComponentStatus, w: &Words) -> Label {
    Label::new(s.as_str(), w.get(&format!("state.{}", s.as_str())), state_class(s))
}

pub fn record_status_label(s: RecordStatus, w: &Words) -> Label {
    let class = match s {
        RecordStatus::Investigating => "investigating",
        RecordStatus::Identified => "identified",
        RecordStatus::Monitoring => "monitoring",
        RecordStatus::Resolved => "resolved",
        RecordStatus::Scheduled => "scheduled",
        RecordStatus::InProgress => "in-progress",
        RecordStatus::Completed => "completed",
        RecordStatus::Cancelled => "cancelled",
    };
    Label::new(s.as_str(), w.get(&format!("status.{}", s.as_str())), class)
}

/// A severity level for display.
#[derive(Debug, Clone, Serialize)]
pub struct Sev {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `sev-0` (most severe) … `sev-3` (and below).
    pub class: String,
}

/// One affected service of a record.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactView {
    pub service: String,
    pub name: String,
    pub level: String,
    pub label: String,
    pub class: String,
}

/// A maintenance window for display.
#[derive(Debug, Clone, Serialize)]
pub struct WindowView {
    pub from: Time,
    pub until: Time,
    pub length: String,
    /// "2 Dec 2026, 01:00 – 04:00 CET" when it fits in one day.
    pub text: String,
}

/// A record as lists and cards show it.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    /// The record's page as a site path (`incidents/INC-1/`): templates write `{{ root }}{{ url }}`.
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub maintenance: bool,
    pub severity: Option<Sev>,
    pub status: Option<Label>,
    pub summary: Option<String>,
    pub impact: Vec<ImpactView>,
    /// Incidents: the start of impact; maintenance: the window's start.
    pub start: Option<Time>,
    /// Incidents: resolved; maintenance: the window's end.
    pub end: Option<Time>,
    /// "1h 28m", or for an unresolved incident "2h 3m so far".
    pub duration: Option<String>,
    pub ongoing: bool,
    pub private: bool,
    /// Shown but not counted in figures (a game day, a false alarm).
    pub excluded: bool,
    pub window: Option<WindowView>,
    /// The worst impact, for a coloured edge.
    pub worst: String,
}

/// The site-wide values every template gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// The URL path the site lives under, ending in `/` (`/` at a domain's root). Pages link
    /// relative to themselves (`root`); only `404.html` links from this path.
    pub root: String,
    pub audience: Audience,
    pub internal: bool,
    pub timezone: String,
    pub built: Time,
    pub commit: Option<HeadCommit>,
    pub version: &'static str,
    /// Whether pages may name people (internal builds, or `[public] people = true`).
    pub people: bool,
}

/// The commit a site was built from, without its message (which may name anything).
#[derive(Debug, Clone, Serialize)]
pub struct HeadCommit {
    pub id: String,
    pub short_id: String,
    pub date: Time,
}

/// One commit in a record's history.
#[derive(Debug, Clone, Serialize)]
pub struct CommitView {
    pub id: String,
    pub short_id: String,
    /// `None` when the view leaves it out (a public build, unless `[public] people`).
    pub author: Option<String>,
    pub date: Time,
    /// `None` when the view leaves it out (the commit touched a record private then or now).
    pub message: Option<String>,
}

/// Everything indexed once per render.
pub struct Shared<'a> {
    pub view: &'a View,
    /// The status the caller computed, or one worked out when a page first asks (the incident
    /// pages `serve` renders first after a save do not).
    status: Option<&'a Status>,
    own_status: OnceLock<Status>,
    pub opts: &'a Options,
    pub clock: Clock,
    /// The words of the site's language.
    pub words: Arc<Words>,
    /// The path part of the base URL (`/`, `/status/`): what a root-relative link in a body may
    /// start with.
    pub base_path: String,
    /// The [`SiteInfo`] every template gets as `site`, converted once for every page's context.
    pub site_value: Arc<serde_json::Value>,
    pub by_id: HashMap<&'a str, usize>,
    pub runbooks: HashMap<&'a str, &'a Runbook>,
    services: HashMap<&'a str, &'a Service>,
    severities: HashMap<&'a str, &'a Severity>,
    /// Record index → indexes of the records that list it under `related`.
    pub related_from: Vec<Vec<usize>>,
    /// Runbook id → indexes of the records that link it.
    pub runbook_users: HashMap<&'a str, Vec<usize>>,
    /// One card per record, in `view.records` order, made when first asked for: `serve`, after a
    /// save, renders one incident page and needs only the cards it shows.
    cards: Vec<OnceLock<Card>>,
}

/// The cards are freed on every core: a build's 100,000 took 0.1 s on one, at its very end.
impl Drop for Shared<'_> {
    fn drop(&mut self) {
        use rayon::prelude::*;
        std::mem::take(&mut self.cards).into_par_iter().for_each(drop);
    }
}

impl<'a> Shared<'a> {
    pub fn new(view: &'a View, status: Option<&'a Status>, opts: &'a Options, words: Arc<Words>) -> Self {
        let clock = Clock { tz: view.config.tz(), now: opts.now, words: Arc::clone(&words) };
        let base_path = root_path(&opts.base_url);
        let by_id: HashMap<&str, usize> =
            view.records.iter().enumerate().map(|(i, r)| (r.id.value.as_str(), i)).collect();
        let runbooks = view.runbooks.iter().map(|r| (r.id.as_str(), r)).collect();
        let services = view.policy.services.iter().map(|s| (s.id.as_str(), s)).collect();
        let severities = view.policy.severities.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut related_from = vec![Vec::new(); view.records.len()];
        let mut runbook_users: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in view.records.iter().enumerate() {
            for rel in &r.related {
                if let Some(&j) = by_id.get(rel.value.as_str()) {
                    if j != i && !related_from[j].contains(&i) {
                        related_from[j].push(i);
                    }
                }
            }
            for rb in &r.runbooks {
                runbook_users.entry(rb.value.as_str()).or_default().push(i);
            }
        }
        let site = SiteInfo {
            title: view.config.title.clone(),
            description: view.config.description.clone(),
            base_url: opts.base_url.clone(),
            root: base_path.clone(),
            audience: view.audience,
            internal: view.audience == Audience::Internal,
            timezone: view.config.timezone.clone(),
            built: clock.time(&opts.now),
            commit: view.history.as_ref().and_then(|h| h.head.as_ref()).map(|c| HeadCommit {
                id: c.id.clone(),
                short_id: c.short_id.clone(),
                date: clock.time(&c.date),
            }),
            version: env!("CARGO_PKG_VERSION"),
            people: view.shows_people(),
        };
        let mut shared = Shared {
            view,
            status,
            own_status: OnceLock::new(),
            opts,
            clock,
            words,
            base_path,
            site_value: template_value(&site),
            by_id,
            runbooks,
            services,
            severities,
            related_from,
            runbook_users,
            cards: Vec::new(),
        };
        shared.cards = view.records.iter().map(|_| OnceLock::new()).collect();
        shared
    }

    /// The services' states and the active and upcoming records.
    pub fn status(&self) -> &Status {
        match self.status {
            Some(status) => status,
            None => self.own_status.get_or_init(|| status::compute(self.view, self.opts.now)),
        }
    }

    /// The card of record `i` (an index into `view.records`).
    pub fn card(&self, i: usize) -> &Card {
        self.cards[i].get_or_init(|| self.make_card(&self.view.records[i]))
    }

    pub fn service_name(&self, id: &str) -> String {
        self.services.get(id).map(|s| s.name.clone()).unwrap_or_else(|| id.to_string())
    }

    pub fn severity(&self, id: &str) -> Sev {
        match self.severities.get(id) {
            Some(s) => Sev {
                id: s.id.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                class: format!("sev-rank-{}", s.rank.min(3)),
            },
            None => {
                Sev { id: id.to_string(), name: String::new(), description: String::new(), class: "sev-rank-3".into() }
            }
        }
    }

    /// A record's page as a site path (`incidents/INC-1/`).
    pub fn record_url(&self, id: &str) -> String {
        crate::render::urls::record(id)
    }

    /// A link a person wrote (a Markdown body, an action item's `link`) as the page at `root`
    /// must write it: a root-relative `/incidents/X/` (or `/status/incidents/X/` when the site is
    /// published under `/status/`) becomes `{root}incidents/X/`; anything else stays as written.
    pub fn site_href(&self, url: &str, root: &str) -> Option<String> {
        site_href(url, &self.base_path, root)
    }

    fn make_card(&self, r: &Record) -> Card {
        let maintenance = r.kind == Kind::Maintenance;
        let impact: Vec<ImpactView> = r
            .impact
            .iter()
            .map(|i| {
                let state =
                    if maintenance { ComponentStatus::UnderMaintenance } else { ComponentStatus::from_impact(i.level) };
                ImpactView {
                    service: i.service.value.clone(),
                    name: self.service_name(&i.service),
                    level: i.level.as_str().to_string(),
                    label: impact_label(i.level, &self.words).to_string(),
                    class: state_class(state).to_string(),
                }
            })
            .collect();
        let worst = r
            .impact
            .iter()
            .map(
                |i| if maintenance { ComponentStatus::UnderMaintenance } else { ComponentStatus::from_impact(i.level) },
            )
            .max()
            .unwrap_or(if maintenance {
                ComponentStatus::UnderMaintenance
            } else {
                ComponentStatus::DegradedPerformance
            });
        let window = r.window.as_ref().map(|w| self.window(w.from, w.until));
        let (start, end, duration, ongoing) = if maintenance {
            (
                window.as_ref().map(|w| w.from.clone()),
                window.as_ref().map(|w| w.until.clone()),
                window.as_ref().map(|w| w.length.clone()),
                false,
            )
        } else {
            let start = r.milestones.start();
            let end = r.milestones.resolved;
            let duration = match (start, end) {
                (Some(s), Some(e)) => Some(self.clock.duration((e - s).num_seconds())),
                (Some(s), None) if s.with_timezone(&Utc) <= self.clock.now => {
                    let so_far = self.clock.duration((self.clock.now - s.with_timezone(&Utc)).num_seconds());
                    Some(self.words.fill("duration.so_far", &[("d", &so_far)]))
                }
                _ => None,
            };
            (
                start.map(|t| self.clock.time(&t)),
                end.map(|t| self.clock.time(&t)),
                duration,
                end.is_none() && status::is_active_incident(r, self.clock.now),
            )
        };
        Card {
            id: r.id.value.clone(),
            url: self.record_url(&r.id),
            title: r.title().to_string(),
            kind: if maintenance { "maintenance" } else { "incident" },
            maintenance,
            severity: r.severity.as_ref().map(|s| self.severity(s)),
            status: status::shown_status(r, self.clock.now).map(|s| record_status_label(s, &self.words)),
            summary: r.summary.clone().filter(|s| !s.trim().is_empty()),
            impact,
            start,
            end,
            duration,
            ongoing,
            private: !r.is_public(),
            excluded: r.is_incident() && r.exclude_from_metrics,
            window,
            worst: state_class(worst).to_string(),
        }
    }

    pub fn window(&self, from: DateTime<chrono::FixedOffset>, until: DateTime<chrono::FixedOffset>) -> WindowView {
        let (f, u) = (self.clock.time(&from), self.clock.time(&until));
        let text = if f.date == u.date {
            format!("{}, {} – {} {}", f.date, f.clock, u.clock, u.zone)
        } else {
            format!("{} – {}", f.text, u.text)
        };
        WindowView { length: self.clock.duration((until - from).num_seconds()), from: f, until: u, text }
    }

    /// A record's git history, newest first.
    pub fn history(&self, r: &Record) -> Vec<CommitView> {
        let Some(commits) = self.view.history.as_ref().and_then(|h| h.by_path.get(&r.path)) else {
            return Vec::new();
        };
        commits.iter().map(|c| self.commit(c)).collect()
    }

    fn commit(&self, c: &Commit) -> CommitView {
        CommitView {
            id: c.id.clone(),
            short_id: c.short_id.clone(),
            author: c.author.clone(),
            date: self.clock.time(&c.date),
            message: c.summary.clone(),
        }
    }
}

/// A display value as tera sees it. The display structs hold strings, numbers, booleans, options
/// and lists, and maps keyed by field name, so the conversion cannot fail.
fn template_value(value: &impl Serialize) -> Arc<serde_json::Value> {
    Arc::new(serde_json::to_value(value).unwrap_or_default())
}

pub fn impact_label(level: ImpactLevel, w: &Words) -> &str {
    w.get(match level {
        ImpactLevel::Maintenance => "state.under_maintenance",
        ImpactLevel::Degraded => "state.degraded_performance",
        ImpactLevel::Partial => "state.partial_outage",
        ImpactLevel::Major => "state.major_outage",
    })
}

/// `url` relative to the page whose way to the site's root is `root` (`./`, `../../`), when it
/// is root-relative (`/x`, not `//host/x`); `None` otherwise. A link that already starts with the
/// published path (`/status/x` on a site under `/status/`) drops it first.
pub fn site_href(url: &str, base_path: &str, root: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let base = base_path.trim_end_matches('/');
    let rest = match url.strip_prefix(base) {
        Some(r) if !base.is_empty() && (r.is_empty() || r.starts_with(['/', '?', '#'])) => r,
        _ => url,
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    Some(format!("{root}{rest}"))
}

/// The way from the page at output path `path` back to the site's root: `./` for `index.html`,
/// `../` for `incidents/index.html`, `../../` for `incidents/INC-1/index.html`.
pub fn relative_root(path: &str) -> String {
    match path.matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

/// The path part of the base URL, as a prefix for root-relative links: `/` or `/status/`.
pub fn root_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, rest)| rest.find('/').map(|i| &rest[i..]).unwrap_or(""));
    let path = after_scheme.unwrap_or(if base_url.starts_with('/') { base_url } else { "" });
    let path = path.split(['?', '#']).next().unwrap_or("").trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_relative_to_the_page() {
        assert_eq!(relative_root("index.html"), "./");
        assert_eq!(relative_root("incidents/index.html"), "../");
        assert_eq!(relative_root("incidents/INC-1/index.html"), "../../");
        assert_eq!(relative_root("incidents/severity/SEV-1/index.html"), "../../../");
    }

    #[test]
    fn site_links_become_relative() {
        let at = |url: &str, base: &str| site_href(url, base, "../../");
        assert_eq!(at("/incidents/X/", "/").as_deref(), Some("../../incidents/X/"));
        assert_eq!(at("/incidents/X/#timeline", "/status/").as_deref(), Some("../../incidents/X/#timeline"));
        assert_eq!(at("/status/incidents/X/", "/status/").as_deref(), Some("../../incidents/X/"));
        assert_eq!(at("/status", "/status/").as_deref(), Some("../../"));
        assert_eq!(at("/statusx/a", "/status/").as_deref(), Some("../../statusx/a"));
        assert_eq!(at("/", "/").as_deref(), Some("../../"));
        assert_eq!(at("/#x", "/").as_deref(), Some("../../#x"));
        for kept in ["//cdn.example/x", "https://x.example/", "other/", "#top", "mailto:a@b.example"] {
            assert_eq!(at(kept, "/"), None, "{kept}");
        }
    }

    #[test]
    fn root_from_base_url() {
        assert_eq!(root_path("https://status.example"), "/");
        assert_eq!(root_path("https://status.example/"), "/");
        assert_eq!(root_path("https://acme.github.io/status"), "/status/");
        assert_eq!(root_path("https://acme.github.io/a/b/"), "/a/b/");
        assert_eq!(root_path(""), "/");
        assert_eq!(root_path("/docs"), "/docs/");
    }
}
