//! `incsite ack | update | mitigate | resolve | note | decision | action | handoff | severity`:
//! one line each for the commander, the scribe and the communicator during an incident. Each adds
//! one timeline entry to a record found by its id (and changes the one front-matter value that goes
//! with it), checks the result in its site, and writes it atomically — or changes nothing, exits 1
//! and says why.

use crate::atomic;
use crate::check::{is_placeholder, same_person as same};
use crate::diag::{self, Diagnostic, Level};
use crate::record::edit::{self, Change, Entry};
use crate::record::{EventKind, Kind, Record, Status};
use crate::site::{self, Site};
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::builder::{PossibleValue, TypedValueParser};
use std::path::{Path, PathBuf};

/// The flags every one of these commands takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// When it happened: RFC 3339 with an offset, e.g. 2026-03-04T09:12:00Z (default: now).
    /// Written in UTC.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Who did it (default: git's user.name).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

/// The help of an ID argument; the zsh script finds the argument by it.
const ID_HELP: &str = "The incident id (its id field, or its file name without .md)";

/// An incident id, completed from the site by the completion scripts.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    #[arg(value_name = "ID", help = ID_HELP)]
    pub id: String,
}

#[derive(Debug, clap::Args)]
pub struct AckArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Appends an `update` entry (public for a public incident) and sets the front matter's `status`.
`--status resolved` does what `incsite resolve ID TEXT` does.

Example:
  incsite update INC-2026-0042 --status identified \"We found the cause: a bad deploy. Rolling back.\"")]
pub struct UpdateArgs {
    #[command(flatten)]
    pub target: Target,
    /// The status the update announces.
    #[arg(long, value_name = "STATUS", value_parser = Words(&["investigating", "identified", "monitoring", "resolved"]))]
    pub status: String,
    /// The update's text, for customers (any characters; quoted for YAML by the command).
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// `mitigate` and `resolve`: an optional text.
#[derive(Debug, clap::Args)]
pub struct MilestoneArgs {
    #[command(flatten)]
    pub target: Target,
    /// What was done (optional).
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    #[command(flatten)]
    pub target: Target,
    /// The note (any characters).
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    pub text: Vec<String>,
    /// Show it on the status page (notes are internal by default).
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub common: Common,
}

/// `decision` and `action`: the scribe's record.
#[derive(Debug, clap::Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub target: Target,
    /// What was decided or done (any characters).
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Appends a `handoff` entry and lists NAME under the role in `roles` (the earlier holders stay
listed: `roles` names everyone who held a role). The person handing over is the last `to` of the
role's handoffs, else its one holder; give --from when that is not clear.

A seat nobody has taken yet (a `TBD (…)` placeholder that `incsite new` wrote, or a role with
nobody under it) is taken instead: NAME replaces the placeholder and a `note` records it.")]
pub struct HandoffArgs {
    #[command(flatten)]
    pub target: Target,
    /// The role (an id or alias from schema/roles.yaml).
    #[arg(value_name = "ROLE")]
    pub role: String,
    /// Who takes the role.
    #[arg(long, value_name = "NAME")]
    pub to: String,
    /// Who hands it over (default: who holds it now).
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct SeverityArgs {
    #[command(flatten)]
    pub target: Target,
    /// The new level id from schema/severities.yaml (SEV-1, …).
    #[arg(value_name = "SEV-N")]
    pub severity: String,
    #[command(flatten)]
    pub common: Common,
}

/// Which command, with its arguments.
#[derive(Debug)]
pub enum Live<'a> {
    Ack(&'a AckArgs),
    Update(&'a UpdateArgs),
    Mitigate(&'a MilestoneArgs),
    Resolve(&'a MilestoneArgs),
    Note(&'a NoteArgs),
    Decision(&'a TextArgs),
    Action(&'a TextArgs),
    Handoff(&'a HandoffArgs),
    Severity(&'a SeverityArgs),
}

/// A value parser that takes any string (the command checks it and exits 1 with a suggestion)
/// but tells help and the completion scripts the words it expects.
#[derive(Debug, Clone, Copy)]
pub struct Words(pub &'static [&'static str]);

impl TypedValueParser for Words {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|w| PossibleValue::new(*w))))
    }
}

/// A reason to change nothing: printed, exit 1.
struct Refusal(String);

type Refused<T> = std::result::Result<T, Refusal>;

fn refuse<T>(message: impl Into<String>) -> Refused<T> {
    Err(Refusal(message.into()))
}

/// A bad argument (`pick`'s unknown-value errors) as a refusal.
fn bad_argument(e: anyhow::Error) -> Refusal {
    Refusal(format!("{e:#}"))
}

impl Live<'_> {
    fn target(&self) -> &Target {
        match self {
            Live::Ack(a) => &a.target,
            Live::Update(a) => &a.target,
            Live::Mitigate(a) | Live::Resolve(a) => &a.target,
            Live::Note(a) => &a.target,
            Live::Decision(a) | Live::Action(a) => &a.target,
            Live::Handoff(a) => &a.target,
            Live::Severity(a) => &a.target,
        }
    }

    fn common(&self) -> &Common {
        match self {
            Live::Ack(a) => &a.common,
            Live::Update(a) => &a.common,
            Live::Mitigate(a) | Live::Resolve(a) => &a.common,
            Live::Note(a) => &a.common,
            Live::Decision(a) | Live::Action(a) => &a.common,
            Live::Handoff(a) => &a.common,
            Live::Severity(a) => &a.common,
        }
    }
}

/// Runs one of the commands: 0 written, 1 refused (nothing changed), 2 could not run.
pub fn run(root: &Path, command: Live) -> Result<u8> {
    let now = Utc::now();
    let at = match parse_at(command.common().at.as_deref(), now) {
        Ok(at) => at,
        Err(Refusal(message)) => return Ok(refused(&message)),
    };
    let site = site::load(root, now)?;
    let record = match find(&site, &command.target().id) {
        Ok(record) => record,
        Err(Refusal(message)) => return Ok(refused(&message)),
    };
    let given = command.common().by.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let by = given.map(str::to_string).or_else(|| git_user(root));
    let changes = match changes(&site, record, &command, at, by) {
        Ok(changes) => changes,
        Err(Refusal(message)) => return Ok(refused(&format!("{}: {message}", record.id.value))),
    };
    match write(&site, record, &changes, now)? {
        Ok(path) => {
            println!("{}", path.display());
            eprintln!("{}: {}", record.id.value, describe(&changes));
            Ok(0)
        }
        Err(Refusal(message)) => Ok(refused(&format!("{}: {message}", record.id.value))),
    }
}

fn refused(message: &str) -> u8 {
    eprintln!("error: {message}");
    eprintln!("nothing was changed");
    1
}

/// `--at` as a UTC time to the second, or now.
fn parse_at(text: Option<&str>, now: DateTime<Utc>) -> Refused<DateTime<Utc>> {
    let Some(text) = text else { return Ok(to_second(now)) };
    match crate::decode::parse_time(text) {
        Ok(t) => Ok(to_second(t.to_utc())),
        Err(crate::decode::TimeError::NoOffset) => refuse(format!(
            "--at `{text}` has no UTC offset: write `{}Z` for UTC, or add the offset (`+01:00`)",
            text.trim()
        )),
        Err(crate::decode::TimeError::Invalid) => {
            refuse(format!("--at must be an RFC 3339 time with an offset, like 2026-03-04T09:12:00Z, not `{text}`"))
        }
    }
}

/// `t` to the whole second, as entries are written.
fn to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    chrono::Timelike::with_nanosecond(&t, 0).unwrap_or(t)
}

/// The record with id `id` (a case-only difference is forgiven), or a refusal that says what was
/// meant.
fn find<'s>(site: &'s Site, id: &str) -> Refused<&'s Record> {
    let id = id.trim();
    let exact: Vec<&Record> = site.records.iter().map(|r| r.as_ref()).filter(|r| r.id.value == id).collect();
    let hits = if exact.is_empty() {
        site.records.iter().map(|r| r.as_ref()).filter(|r| r.id.value.eq_ignore_ascii_case(id)).collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => {
            let ids: Vec<&str> = site.records.iter().map(|r| r.id.value.as_str()).collect();
            match diag::closest(id, &ids) {
                Some(best) => refuse(format!("no incident with id `{id}`: did you mean `{best}`?")),
                None => {
                    // A record that cannot be read at all has no id to find it by.
                    const UNREADABLE: [&str; 6] =
                        ["yaml", "no-front-matter", "not-a-mapping", "empty-file", "empty-front-matter", "not-utf8"];
                    let broken = site
                        .diagnostics
                        .iter()
                        .filter(|d| d.file.starts_with("content/incidents/") && UNREADABLE.contains(&d.code))
                        .count();
                    let also = if broken > 0 {
                        format!("; {broken} record file(s) could not be read at all (run `incsite check`)")
                    } else {
                        String::new()
                    };
                    refuse(format!(
                        "no incident with id `{id}` in content/incidents (`incsite status` lists the open ones){also}"
                    ))
                }
            }
        }
        many => {
            let files: Vec<&str> = many.iter().map(|r| r.path.as_str()).collect();
            refuse(format!("the id `{id}` is used by more than one record ({}); fix that first", files.join(", ")))
        }
    }
}

/// git's `user.name` for the site's repository (or the user's global one), when set.
pub fn git_user(root: &Path) -> Option<String> {
    let config = match git2::Repository::discover(root) {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    }?;
    config.get_string("user.name").ok().map(|n| n.trim().to_string()).filter(|n| !n.is_empty())
}

fn joined(text: &[String]) -> Option<String> {
    let text = text.join(" ");
    (!text.trim().is_empty()).then_some(text)
}

/// What a command changes in the record.
fn changes(
    site: &Site,
    record: &Record,
    command: &Live,
    at: DateTime<Utc>,
    by: Option<String>,
) -> Refused<Vec<Change>> {
    if record.kind == Kind::Notice {
        return refuse(format!("{} is a notice: it has no timeline to add to (edit the file)", record.path));
    }
    if command_needs_incident(command) && record.kind != Kind::Incident {
        return refuse(format!("{} is a maintenance window, not an incident", record.path));
    }
    let entry = |kind: EventKind, text: Option<String>| {
        let mut e = Entry::new(at, kind);
        e.text = text;
        e.by = by.clone();
        e
    };
    let status_change = |status: Status| -> Vec<Change> {
        if record.status.as_ref().is_some_and(|s| s.value == status) {
            Vec::new()
        } else {
            vec![Change::Set { key: "status", value: status.as_str().to_string() }]
        }
    };
    let resolve = |e: Entry| {
        let mut out = vec![Change::Append(e)];
        out.extend(status_change(Status::Resolved));
        out
    };
    let required_text =
        |text: &[String]| joined(text).ok_or_else(|| Refusal("the text is empty: say what happened".to_string()));
    let out = match command {
        Live::Ack(_) => {
            if by.is_none() {
                return refuse("who acknowledged it? pass --by NAME (git has no user.name here)");
            }
            vec![Change::Append(entry(EventKind::Acknowledged, None))]
        }
        Live::Update(a) => {
            let got = a.status.trim();
            let Some(status) = Status::INCIDENT.iter().find(|(w, _)| w.eq_ignore_ascii_case(got)).map(|(_, s)| *s)
            else {
                let words: Vec<&str> = Status::INCIDENT.iter().map(|(w, _)| *w).collect();
                let hint = diag::closest(got, &words).map(|w| format!(" (did you mean `{w}`?)")).unwrap_or_default();
                return refuse(format!("unknown status `{got}`{hint}: an update's status is {}", words.join(" | ")));
            };
            let text = required_text(&a.text)?;
            if status == Status::Resolved {
                resolve(entry(EventKind::Resolved, Some(text)))
            } else {
                let mut e = entry(EventKind::Update, Some(text));
                e.status = Some(status);
                let mut out = vec![Change::Append(e)];
                out.extend(status_change(status));
                out
            }
        }
        Live::Mitigate(a) => vec![Change::Append(entry(EventKind::Mitigated, joined(&a.text)))],
        Live::Resolve(a) => resolve(entry(EventKind::Resolved, joined(&a.text))),
        Live::Note(a) => {
            let mut e = entry(EventKind::Note, Some(required_text(&a.text)?));
            e.public = a.public.then_some(true);
            vec![Change::Append(e)]
        }
        Live::Decision(a) => vec![Change::Append(entry(EventKind::Decision, Some(required_text(&a.text)?)))],
        Live::Action(a) => vec![Change::Append(entry(EventKind::Action, Some(required_text(&a.text)?)))],
        Live::Handoff(a) => handoff(site, record, a, entry(EventKind::Handoff, None))?,
        Live::Severity(a) => {
            let ids: Vec<&str> = site.policy.severities.iter().map(|s| s.id.as_str()).collect();
            let to = super::new::pick("severity", a.severity.trim(), &ids).map_err(bad_argument)?;
            let from = record.severity.as_ref().map(|s| s.value.clone());
            if from.as_deref() == Some(to) {
                return refuse(format!("the severity is already {to}"));
            }
            let Some(from) = from else { return refuse("the record has no `severity` to change from") };
            let mut e = entry(EventKind::Severity, None);
            e.from = Some(from);
            e.to = Some(to.to_string());
            vec![Change::Append(e), Change::Set { key: "severity", value: to.to_string() }]
        }
    };
    // Nothing the commands record happens before the incident was noticed.
    if let Some(detected) = record.milestones.detected.filter(|d| at < d.to_utc()) {
        return refuse(format!(
            "{} is before the incident was detected ({}); check --at and its offset (10:00+01:00 is 09:00Z)",
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            detected.to_rfc3339()
        ));
    }
    Ok(out)
}

fn command_needs_incident(command: &Live) -> bool {
    matches!(
        command,
        Live::Ack(_) | Live::Update(_) | Live::Mitigate(_) | Live::Resolve(_) | Live::Handoff(_) | Live::Severity(_)
    )
}

/// The handoff entry and, unless already listed, the new holder under the role.
fn handoff(site: &Site, record: &Record, args: &HandoffArgs, mut e: Entry) -> Refused<Vec<Change>> {
    let policy = &site.policy;
    let Some(role) = policy.role(args.role.trim()) else {
        let names = policy.role_names();
        let hint = match diag::closest(args.role.trim(), &names) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                let ids: Vec<String> = policy.roles.iter().map(|r| format!("`{}`", r.id)).collect();
                format!("the roles are {}", ids.join(", "))
            }
        };
        return refuse(format!("unknown role `{}`: {hint}", args.role.trim()));
    };
    let to = args.to.trim().to_string();
    if to.is_empty() {
        return refuse("--to is empty: who takes the role?");
    }
    let holders = record.holders(policy, &role.id);
    let real: Vec<&str> = holders.iter().copied().filter(|p| !is_placeholder(p)).collect();
    let last_to = record
        .timeline_sorted()
        .into_iter()
        .filter(|h| {
            h.kind == EventKind::Handoff
                && h.role.as_deref().and_then(|r| policy.role(r)).is_some_and(|r| r.id == role.id)
        })
        .filter_map(|h| h.to.clone())
        .next_back();
    // A placeholder still under the role is an empty seat: the person takes it.
    if args.from.is_none() && holders.len() > real.len() {
        return Ok(take_role(record, policy, role, to, e));
    }
    let from = match (&args.from, last_to, real.as_slice()) {
        (Some(from), _, _) => from.trim().to_string(),
        (None, Some(last), _) => last,
        (None, None, [one]) => one.to_string(),
        (None, None, []) => return Ok(take_role(record, policy, role, to, e)),
        (None, None, many) => {
            return refuse(format!("`{}` is held by {}: say who hands it over with --from", role.id, many.join(", ")))
        }
    };
    if from.is_empty() || same(&from, &to) {
        return refuse(format!("{to} would hand `{}` to themselves", role.id));
    }
    e.role = Some(role.id.clone());
    e.from = Some(from);
    e.to = Some(to.clone());
    let mut out = vec![Change::Append(e)];
    if !holders.iter().any(|p| same(p, &to)) {
        let written = record
            .roles
            .iter()
            .find(|a| policy.role(&a.role).is_some_and(|r| r.id == role.id))
            .map(|a| a.role.value.clone());
        out.insert(0, Change::AddPerson { written, role: role.id.clone(), person: to });
    }
    Ok(out)
}

/// A seat in a role that nobody has taken (a placeholder such as `TBD (Scribe)` under it, or
/// nobody at all): the person replaces the placeholder (or is listed under the role), and a
/// `note` says so — a `handoff` needs someone handing over.
fn take_role(
    record: &Record,
    policy: &crate::schema::Policy,
    role: &crate::schema::Role,
    to: String,
    mut e: Entry,
) -> Vec<Change> {
    e.event = EventKind::Note;
    e.text = Some(format!("{to} takes the role of {}.", role.name));
    let assignments = record.roles.iter().filter(|a| policy.role(&a.role).is_some_and(|r| r.id == role.id));
    let placeholder = assignments
        .clone()
        .find_map(|a| a.people.iter().find(|p| is_placeholder(p)).map(|p| (a.role.value.clone(), p.value.clone())));
    let change = match placeholder {
        Some((written, old)) => Change::ReplacePerson { written, old, person: to },
        None => Change::AddPerson {
            written: assignments.map(|a| a.role.value.clone()).next(),
            role: role.id.clone(),
            person: to,
        },
    };
    vec![change, Change::Append(e)]
}

/// Makes the changes, checks the result in the site, and writes it. Returns the file's path, or
/// the refusal; an error is a file that cannot be read or written (exit 2).
fn write(site: &Site, record: &Record, changes: &[Change], now: DateTime<Utc>) -> Result<Refused<PathBuf>> {
    let path = site.root.join(&record.path);
    let before = crate::files::Root::new(&site.root)
        .read(&record.path, crate::files::MAX_RECORD)
        .map_err(|refusal| anyhow::anyhow!("{} was not read: {refusal}", record.path))?;
    let mut bytes = before.clone();
    for change in changes {
        bytes = match edit::apply(&record.path, &bytes, change) {
            Ok(bytes) => bytes,
            Err(e) => return Ok(refuse(format!("{}: {e}", record.path))),
        };
    }
    let introduced = {
        let (before, after) = (findings(site, record, &before, now), findings(site, record, &bytes, now));
        introduced_errors(&before, &after).into_iter().cloned().collect::<Vec<_>>()
    };
    if !introduced.is_empty() {
        let lines: Vec<String> =
            introduced.iter().map(|d| format!("  {}:{}: {} [{}]", d.file, d.line, d.message, d.code)).collect();
        return Ok(refuse(format!("the record would not pass `incsite check`:\n{}", lines.join("\n"))));
    }
    atomic::replace(&path, &before, &bytes)?;
    Ok(Ok(PathBuf::from(&record.path)))
}

/// What `incsite check` finds that a record file's text can change: the parser's findings in that
/// file, and the site-wide rules (`check::run`) over the site with the record read from `bytes`.
/// (The other files' parser findings, the settings' and the runbooks' cannot change.)
fn findings(site: &Site, record: &Record, bytes: &[u8], now: DateTime<Utc>) -> Vec<Diagnostic> {
    let (parsed, mut found) = crate::record::parse(&record.path, bytes);
    let mut records = site.records.clone();
    let at = records.iter().position(|r| std::ptr::eq(r.as_ref(), record));
    match (at, parsed) {
        (Some(i), Some(parsed)) => records[i] = std::sync::Arc::new(parsed),
        (Some(i), None) => {
            records.remove(i);
        }
        (None, _) => {}
    }
    found.extend(crate::check::run(&crate::check::Input {
        config: &site.config,
        policy: &site.policy,
        records: &records,
        runbooks: &site.runbooks,
        now,
    }));
    found
}

/// The errors in `after` that `before` did not have: by file and code, those beyond the count
/// `before` had (preferring ones whose message is new). Errors a record already had do not stop
/// an unrelated entry from being added; warnings never do.
pub fn introduced_errors<'a>(before: &'a [Diagnostic], after: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
    let errors = |ds: &'a [Diagnostic]| ds.iter().filter(|d| d.level == Level::Error).collect::<Vec<_>>();
    let (old, new) = (errors(before), errors(after));
    let mut out = Vec::new();
    let mut groups: Vec<(&str, &str)> = new.iter().map(|d| (d.file.as_str(), d.code)).collect();
    groups.sort();
    groups.dedup();
    for (file, code) in groups {
        let was: Vec<&Diagnostic> = old.iter().copied().filter(|d| d.file == file && d.code == code).collect();
        let now: Vec<&Diagnostic> = new.iter().copied().filter(|d| d.file == file && d.code == code).collect();
        let extra = now.len().saturating_sub(was.len());
        if extra == 0 {
            continue;
        }
        let mut fresh: Vec<&Diagnostic> =
            now.iter().copied().filter(|d| !was.iter().any(|w| w.message == d.message)).collect();
        if fresh.len() < extra {
            fresh = now[now.len() - extra..].to_vec();
        }
        out.extend(fresh.into_iter().take(extra.max(1)));
    }
    out
}

/// "added `resolved` at 2026-03-04T10:40:00Z; set status: resolved".
fn describe(changes: &[Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Append(e) => format!("added `{}` at {}", e.event.as_str(), e.at_text()),
            Change::Set { key, value } => format!("set {key}: {value}"),
            Change::AddPerson { role, person, written } => {
                format!("listed {person} under {}", written.as_deref().unwrap_or(role))
            }
            Change::ReplacePerson { written, old, person } => format!("{person} replaces {old} under {written}"),
        })
        .collect();
    parts.join("; ")
}

/// The ids the completion scripts offer: incidents first, open ones before the rest.
pub fn ids(root: &Path) -> Result<u8> {
    let site = site::load(root, Utc::now())?;
    let mut records: Vec<&Record> = site.records.iter().map(|r| r.as_ref()).collect();
    records.sort_by_key(|r| (r.kind != Kind::Incident, r.status.as_ref().is_some_and(|s| s.value == Status::Resolved)));
    let mut out = String::new();
    for r in records {
        out.push_str(&r.id.value);
        out.push('\n');
    }
    use std::io::Write;
    super::check::ignore_broken_pipe(std::io::stdout().lock().write_all(out.as_bytes()))?;
    Ok(0)
}

/// What the completion script for `shell` needs beyond clap's: incident ids where these commands
/// take one. `script` is clap's script, changed where the shell needs it.
pub fn completion_extras(shell: clap_complete::Shell, script: &mut String) {
    use clap_complete::Shell;
    const COMMANDS: &str = "ack update mitigate resolve note decision action handoff severity";
    match shell {
        Shell::Bash => {
            let wrapper = format!(
                r#"
# Incident ids for the commands that take one (from `incsite complete-ids`).
_incsite_ids() {{
    local i cmd="" at=0 root=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            --root) root=(--root "${{COMP_WORDS[i+1]}}"); ((i++)) ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=${{COMP_WORDS[i]}}; at=$i; fi ;;
        esac
    done
    case " {COMMANDS} " in
        *" $cmd "*)
            if [[ $cmd != "" ]] && (( COMP_CWORD == at + 1 )) && [[ ${{COMP_WORDS[COMP_CWORD]}} != -* ]]; then
                COMPREPLY=( $(compgen -W "$(incsite "${{root[@]}}" complete-ids 2>/dev/null)" -- "${{COMP_WORDS[COMP_CWORD]}}") )
                return 0
            fi ;;
    esac
    _incsite "$@"
}}
complete -F _incsite_ids -o nosort -o bashdefault -o default incsite
"#
            );
            script.push_str(&wrapper);
        }
        Shell::Zsh => {
            let ids = "_incsite_ids() { local -a ids; ids=(${(f)\"$(incsite complete-ids 2>/dev/null)\"}); _describe 'incident id' ids }\n";
            let marker = format!(":id -- {ID_HELP}:_default");
            let replaced = script.replace(&marker, &format!(":id -- {ID_HELP}:_incsite_ids"));
            // After `#compdef incsite`, which must stay the first line.
            let first = replaced.find('\n').map_or(replaced.len(), |i| i + 1);
            *script = format!("{}{ids}{}", &replaced[..first], &replaced[first..]);
        }
        Shell::Fish => {
            script.push_str(&format!(
                "complete -c incsite -n \"__fish_seen_subcommand_from {COMMANDS}; and test (count (commandline -opc)) -eq 2\" -f -a \"(incsite complete-ids 2>/dev/null)\"\n"
            ));
        }
        _ => {}
    }
}
