//! The incident and maintenance model: what one record file says, with the line of every fact a
//! check may need to point at.

mod derived;
pub mod edit;
pub mod jsonschema;
mod parse;
mod states;

pub use derived::{Durations, Milestones};
pub(crate) use parse::to_json as yaml_to_json;
pub use parse::{not_utf8, parse, parse_runbook, split_front_matter};

use crate::diag::Pos;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

/// A value and the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> At<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        At { value, pos }
    }
}

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// True for an id usable in URLs: letters, digits, `.`, `_` and `-` (and not only dots).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !id.chars().all(|c| c == '.')
}

/// What [`valid_id`] asks of an id, for the `bad-id` messages.
pub const ID_CHARS: &str = "may hold only letters, digits, `.`, `_` and `-`, and not only dots";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Incident,
    Maintenance,
    /// An announcement with no outage: shown on the status page while current, never in metrics.
    Notice,
}

impl Kind {
    pub const ALL: [(&'static str, Kind); 3] =
        [("incident", Kind::Incident), ("maintenance", Kind::Maintenance), ("notice", Kind::Notice)];
}

/// A notice's own fields: when it is shown, whether it stays on top, and the services it concerns.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub from: DateTime<FixedOffset>,
    pub until: Option<DateTime<FixedOffset>>,
    pub pin: bool,
    pub services: Vec<At<String>>,
}

impl Notice {
    /// Shown at `now`: from `from`, until `until` (open-ended without one).
    pub fn is_current(&self, now: DateTime<chrono::Utc>) -> bool {
        self.from <= now && self.until.is_none_or(|u| now < u)
    }
}

/// The state of an incident (first four) or a maintenance window (last four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

impl Status {
    pub const INCIDENT: [(&'static str, Status); 4] = [
        ("investigating", Status::Investigating),
        ("identified", Status::Identified),
        ("monitoring", Status::Monitoring),
        ("resolved", Status::Resolved),
    ];
    pub const MAINTENANCE: [(&'static str, Status); 4] = [
        ("scheduled", Status::Scheduled),
        ("in_progress", Status::InProgress),
        ("completed", Status::Completed),
        ("cancelled", Status::Cancelled),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
            Status::Scheduled => "scheduled",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Words for people: "In progress".
    pub fn label(self) -> &'static str {
        match self {
            Status::Investigating => "Investigating",
            Status::Identified => "Identified",
            Status::Monitoring => "Monitoring",
            Status::Resolved => "Resolved",
            Status::Scheduled => "Scheduled",
            Status::InProgress => "In progress",
            Status::Completed => "Completed",
            Status::Cancelled => "Cancelled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Private,
}

impl Visibility {
    pub const ALL: [(&'static str, Visibility); 2] = [("public", Visibility::Public), ("private", Visibility::Private)];
}

/// How badly a service is affected, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImpactLevel {
    Maintenance,
    Degraded,
    Partial,
    Major,
}

impl ImpactLevel {
    pub const ALL: [(&'static str, ImpactLevel); 4] = [
        ("degraded", ImpactLevel::Degraded),
        ("partial", ImpactLevel::Partial),
        ("major", ImpactLevel::Major),
        ("maintenance", ImpactLevel::Maintenance),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImpactLevel::Maintenance => "maintenance",
            ImpactLevel::Degraded => "degraded",
            ImpactLevel::Partial => "partial",
            ImpactLevel::Major => "major",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub service: At<String>,
    pub level: ImpactLevel,
}

/// One service's state as of an `update` entry (`impact:` on the update): a level, or `None`
/// for `operational` (the service is listed as fine again).
#[derive(Debug, Clone, Serialize)]
pub struct UpdateImpact {
    pub service: At<String>,
    pub level: Option<ImpactLevel>,
}

impl UpdateImpact {
    /// The levels an update may give, `operational` among them.
    pub const LEVELS: [(&'static str, Option<ImpactLevel>); 5] = [
        ("operational", None),
        ("degraded", Some(ImpactLevel::Degraded)),
        ("partial", Some(ImpactLevel::Partial)),
        ("major", Some(ImpactLevel::Major)),
        ("maintenance", Some(ImpactLevel::Maintenance)),
    ];
}

/// A role as written (`ic`) and the people holding it.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAssignment {
    pub role: At<String>,
    pub people: Vec<At<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Started,
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
    Update,
    Severity,
    Handoff,
    Action,
    Decision,
    Note,
}

impl EventKind {
    pub const ALL: [(&'static str, EventKind); 11] = [
        ("started", EventKind::Started),
        ("detected", EventKind::Detected),
        ("acknowledged", EventKind::Acknowledged),
        ("mitigated", EventKind::Mitigated),
        ("resolved", EventKind::Resolved),
        ("update", EventKind::Update),
        ("severity", EventKind::Severity),
        ("handoff", EventKind::Handoff),
        ("action", EventKind::Action),
        ("decision", EventKind::Decision),
        ("note", EventKind::Note),
    ];

    /// The five milestones, in the order they must happen.
    pub const MILESTONES: [EventKind; 5] =
        [EventKind::Started, EventKind::Detected, EventKind::Acknowledged, EventKind::Mitigated, EventKind::Resolved];

    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| *k == self).map(|(n, _)| *n).unwrap_or("note")
    }

    pub fn is_milestone(self) -> bool {
        Self::MILESTONES.contains(&self)
    }
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: DateTime<FixedOffset>,
    pub kind: EventKind,
    pub text: Option<String>,
    pub by: Option<String>,
    /// For `update`: the status it announces.
    pub status: Option<Status>,
    /// For `severity` and `handoff`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// For `handoff`: the role as written.
    pub role: Option<String>,
    /// The `public:` override as written; see [`Event::is_public`].
    pub public: Option<bool>,
    /// For `update`: the listed services' states as of this update (empty: not said).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impact: Vec<UpdateImpact>,
    #[serde(skip)]
    pub pos: Pos,
    /// Position in the file, for stable ordering of equal times.
    #[serde(skip)]
    pub index: usize,
}

impl Event {
    /// Whether the entry is shown to the public (for a public record): updates by default.
    pub fn is_public(&self) -> bool {
        self.public.unwrap_or(self.kind == EventKind::Update)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    WontDo,
}

impl ActionStatus {
    pub const ALL: [(&'static str, ActionStatus); 4] = [
        ("open", ActionStatus::Open),
        ("in_progress", ActionStatus::InProgress),
        ("done", ActionStatus::Done),
        ("wont_do", ActionStatus::WontDo),
    ];

    /// Done or won't do.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::WontDo)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub const ALL: [(&'static str, Priority); 3] =
        [("low", Priority::Low), ("medium", Priority::Medium), ("high", Priority::High)];
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionItem {
    /// As written, or `<incident id>#<n>`.
    pub id: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    pub priority: Option<Priority>,
    pub done_on: Option<NaiveDate>,
    pub link: Option<String>,
    #[serde(skip)]
    pub pos: Pos,
}

impl ActionItem {
    /// Open or in progress, and due before `today` (the site's date): the one rule for overdue
    /// that the checks, the tracker, the reports and the export share.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.status.is_closed() && self.due.is_some_and(|due| due < today)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostmortemStatus {
    None,
    Draft,
    Review,
    Published,
}

impl PostmortemStatus {
    pub const ALL: [(&'static str, PostmortemStatus); 4] = [
        ("none", PostmortemStatus::None),
        ("draft", PostmortemStatus::Draft),
        ("review", PostmortemStatus::Review),
        ("published", PostmortemStatus::Published),
    ];
}

#[derive(Debug, Clone, Serialize)]
pub struct Postmortem {
    pub status: PostmortemStatus,
    pub facilitator: Option<At<String>>,
    pub meeting: Option<NaiveDate>,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub from: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
}

/// One record file: an incident or a maintenance window.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    pub kind: Kind,
    pub id: At<String>,
    pub title: Option<At<String>>,
    pub severity: Option<At<String>>,
    pub status: Option<At<Status>>,
    pub visibility: Visibility,
    pub summary: Option<String>,
    pub impact: Vec<Impact>,
    pub roles: Vec<RoleAssignment>,
    pub causes: Vec<At<String>>,
    pub related: Vec<At<String>>,
    pub runbooks: Vec<At<String>>,
    /// In file order; see [`Record::timeline_sorted`].
    pub timeline: Vec<Event>,
    pub action_items: Vec<ActionItem>,
    pub postmortem: Option<Postmortem>,
    pub window: Option<At<Window>>,
    /// `kind: notice` only.
    pub notice: Option<Notice>,
    pub exclude_from_metrics: bool,
    /// The milestone times, taken from the whole timeline before any audience filter, so that a
    /// public view keeps its durations even when the milestone entries themselves are internal.
    pub milestones: Milestones,
    /// The free `extra:` map, for themes.
    pub extra: serde_json::Value,
    /// `imported:` the system the record was converted from (`statuspage`, `cstate`): the
    /// policies needing what such a system never recorded (roles, post-mortem, acknowledgement,
    /// update cadence) do not apply to it.
    pub imported: Option<String>,
    /// The Markdown body (the post-mortem narrative).
    pub body: String,
    /// The file line the body starts on.
    #[serde(skip)]
    pub body_line: usize,
    /// Where to point at the record as a whole (the first front-matter line).
    #[serde(skip)]
    pub pos: Pos,
    /// The record had errors that make parts of it unreliable (a dropped timeline entry, …).
    #[serde(skip)]
    pub damaged: bool,
}

impl Record {
    pub fn title(&self) -> &str {
        self.title.as_ref().map(|t| t.value.as_str()).unwrap_or(&self.id.value)
    }

    pub fn is_incident(&self) -> bool {
        self.kind == Kind::Incident
    }

    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }

    /// Counted in MTTx figures, incident counts and downtime.
    pub fn counts_in_metrics(&self) -> bool {
        self.is_incident() && !self.exclude_from_metrics
    }

    /// Whether the body may be shown to the public: a maintenance note always, an incident's
    /// post-mortem only once `postmortem.status` is `published` (drafts stay internal).
    pub fn postmortem_is_public(&self) -> bool {
        !self.is_incident() || self.postmortem.as_ref().is_some_and(|p| p.status == PostmortemStatus::Published)
    }

    /// The timeline sorted by time; equal times keep file order.
    pub fn timeline_sorted(&self) -> Vec<&Event> {
        let mut v: Vec<&Event> = self.timeline.iter().collect();
        v.sort_by_key(|e| (e.at, e.index));
        v
    }

    /// The public `update` entries at or after `from` and, when given, at or before `until`, in
    /// timeline order: what a severity's `update_every` spaces out. The `update-gap` warning and
    /// the reports' update compliance both read it, so they always count the same updates.
    pub fn public_updates(&self, from: DateTime<FixedOffset>, until: Option<DateTime<FixedOffset>>) -> Vec<&Event> {
        self.timeline_sorted()
            .into_iter()
            .filter(|e| e.kind == EventKind::Update && e.is_public() && e.at >= from && until.is_none_or(|u| e.at <= u))
            .collect()
    }

    /// The first event of a kind.
    pub fn milestone(&self, kind: EventKind) -> Option<&Event> {
        self.timeline.iter().find(|e| e.kind == kind)
    }

    /// The people holding a role (by role id, aliases resolved through `policy`).
    pub fn holders<'a>(&'a self, policy: &crate::schema::Policy, role_id: &str) -> Vec<&'a str> {
        self.roles
            .iter()
            .filter(|r| policy.role(&r.role).map(|p| p.id.as_str()) == Some(role_id))
            .flat_map(|r| r.people.iter().map(|p| p.value.as_str()))
            .collect()
    }
}

/// A runbook page.
#[derive(Debug, Clone, Serialize)]
pub struct Runbook {
    pub id: String,
    pub path: String,
    pub title: String,
    pub services: Vec<At<String>>,
    pub body: String,
}
