//! `incsite new`: starts an incident record during the incident, so that the responder fills in
//! blanks instead of remembering the format: the next free id, the site's severity and the roles
//! it requires, a `detected` event and a first public update, with hints as YAML comments.

use crate::diag;
use crate::record::ImpactLevel;
use crate::schema::Policy;
use crate::site;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Utc};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Writes content/incidents/<year>/<date>-<slug>.md and prints its path, then the new id on a second
line (`incsite ack <id>` and the other incident commands take it). An existing file is never
overwritten: when the name is taken, -2, -3, … is appended to it.

The record is complete enough to publish (status investigating, a detected event and a first
public update), but the people are placeholders: replace every `TBD (…)` under `roles`.

Example:
  incsite new \"Checkout API returning 502s\" --severity SEV-2 --service checkout-api=major")]
pub struct Args {
    /// What is wrong, in a few words (also the file name).
    pub title: String,
    /// A severity level id from schema/severities.yaml.
    #[arg(long, short)]
    pub severity: String,
    /// An affected service id from schema/services.yaml, with its impact level if not `partial`
    /// (degraded | partial | major | maintenance). Repeat for more services.
    #[arg(long = "service", value_name = "ID[=LEVEL]")]
    pub services: Vec<String>,
    /// Keep the incident out of public builds (visibility: private).
    #[arg(long)]
    pub private: bool,
    /// When it was detected: RFC 3339 with an offset, or seconds since 1970 (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// What goes into a new record, already checked against the site's policy.
#[derive(Debug)]
pub struct Draft<'a> {
    pub id: String,
    pub title: String,
    pub severity: &'a str,
    pub private: bool,
    /// Service id, its display name, and the impact level.
    pub impact: Vec<(&'a str, &'a str, ImpactLevel)>,
    pub detected: DateTime<Utc>,
}

/// Writes the new record and prints its path; bad arguments are errors (exit 2).
pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let detected = match args.now.as_deref() {
        Some(text) => super::now(Some(text))?,
        None => Utc::now(),
    };
    let title = args.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        bail!("the title is empty: say in a few words what is wrong, e.g. \"Checkout API returning 502s\"");
    }
    let site = site::load(root, detected)?;
    let policy = &site.policy;
    let severity = pick_severity(policy, &args.severity)?;
    let impact = args.services.iter().map(|spec| pick_service(policy, spec)).collect::<Result<Vec<_>>>()?;
    let year = detected.year();
    let mut ids: Vec<String> = site.records.iter().map(|r| r.id.value.clone()).collect();
    ids.extend(scan_ids(&root.join("content").join("incidents"))?);
    let draft = Draft {
        id: next_id(year, ids.iter().map(String::as_str)),
        title,
        severity,
        private: args.private,
        impact,
        detected,
    };
    let text = render(&draft, policy);

    let dir = root.join("content").join("incidents").join(year.to_string());
    let base = format!("{}-{}", detected.format("%Y-%m-%d"), slug(&draft.title));
    let path = write_new(&dir, &base, &text)?;
    // The path, then the id on a line of its own, for the next command (`incsite ack <id>`).
    println!("{}", path.display());
    println!("{}", draft.id);
    let role_note =
        if text.contains("TBD (") { ": replace the TBD role holders, then run `incsite check`" } else { "" };
    eprintln!("created {} ({}){role_note}", draft.id, draft.severity);
    Ok(0)
}

/// The severity id as the policy writes it (a case-only difference is forgiven).
fn pick_severity<'a>(policy: &'a Policy, got: &str) -> Result<&'a str> {
    let ids: Vec<&str> = policy.severities.iter().map(|s| s.id.as_str()).collect();
    if ids.is_empty() {
        bail!("the site's schema/severities.yaml defines no levels (run `incsite check`)");
    }
    pick("severity", got.trim(), &ids)
}

/// `id` or `id=level` → the service's id, name and level (default `partial`).
fn pick_service<'a>(policy: &'a Policy, spec: &str) -> Result<(&'a str, &'a str, ImpactLevel)> {
    let (id, level) = match spec.split_once('=') {
        Some((id, level)) => (id.trim(), Some(level.trim())),
        None => (spec.trim(), None),
    };
    let ids: Vec<&str> = policy.services.iter().map(|s| s.id.as_str()).collect();
    let id = pick("service", id, &ids)?;
    let name = policy.service(id).map(|s| s.name.as_str()).filter(|n| !n.is_empty()).unwrap_or(id);
    let level = match level {
        None => ImpactLevel::Partial,
        Some(level) => {
            let levels: Vec<&str> = ImpactLevel::ALL.iter().map(|(n, _)| *n).collect();
            let level = pick("impact level", level, &levels)?;
            ImpactLevel::ALL.iter().find(|(n, _)| *n == level).map(|(_, l)| *l).unwrap_or(ImpactLevel::Partial)
        }
    };
    Ok((id, name, level))
}

/// `got` as one of `known`, or an error that says what was meant or what there is.
pub(crate) fn pick<'a>(what: &str, got: &str, known: &[&'a str]) -> Result<&'a str> {
    if let Some(hit) = known.iter().find(|k| **k == got) {
        return Ok(hit);
    }
    let folded: Vec<&&str> = known.iter().filter(|k| k.eq_ignore_ascii_case(got)).collect();
    if let [hit] = folded.as_slice() {
        return Ok(hit);
    }
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    // A suggestion only when one name is closer than all others: `SEV-9` is as near to `SEV-1`
    // as to `SEV-4`, and guessing would be worse than listing.
    let distance = |k: &str| strsim::damerau_levenshtein(&got.to_lowercase(), &k.to_lowercase());
    let best =
        diag::closest(got, known).filter(|best| known.iter().filter(|k| distance(k) == distance(best)).count() == 1);
    match best {
        Some(best) => bail!("unknown {what} `{got}`: did you mean `{best}`? (the site has {list})"),
        None => bail!("unknown {what} `{got}`: the site has {list}"),
    }
}

/// `INC-<year>-<NNNN>`: one more than the highest such id among `ids` (0001 for the first).
pub fn next_id<'a>(year: i32, ids: impl IntoIterator<Item = &'a str>) -> String {
    let prefix = format!("INC-{year}-");
    let highest = ids
        .into_iter()
        .filter_map(|id| id.trim().strip_prefix(&prefix))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:04}", highest + 1)
}

/// The ids in record files as written (`id:` at the start of a line) and their file names, found
/// without parsing, so that a record broken right now still keeps its number.
pub(crate) fn scan_ids(dir: &Path) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    if !dir.is_dir() {
        return Ok(ids);
    }
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        let Some(stem) = name.strip_suffix(".md") else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        ids.push(stem.to_string());
        let bytes = std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines().filter_map(|l| l.strip_prefix("id:")) {
            let value = line.split(" #").next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'');
            ids.push(value.to_string());
        }
    }
    Ok(ids)
}

/// A file-name slug: lowercase ASCII letters and digits joined by single hyphens, at most 60
/// characters, cut at a word boundary when there is one.
pub fn slug(title: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for c in title.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.len() > MAX {
        out.truncate(MAX);
        if !out.ends_with('-') {
            if let Some(cut) = out.rfind('-').filter(|&i| i >= MAX / 2) {
                out.truncate(cut);
            }
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "incident".to_string()
    } else {
        out
    }
}

/// Latin letters with marks as their plain ASCII letters (ß as ss, æ as ae, …); others as they are.
fn fold(c: char) -> Vec<char> {
    let plain = match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ș' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        _ => return vec![c],
    };
    plain.chars().collect()
}

/// Creates `dir/<base>.md` (or `<base>-2.md`, `-3`, … when taken) holding `text`; never replaces
/// a file. Returns the path written.
fn write_new(dir: &Path, base: &str, text: &str) -> Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for n in 1..=1000 {
        let name = if n == 1 { format!("{base}.md") } else { format!("{base}-{n}.md") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    bail!("{}: {base}.md and 999 variants of it already exist", dir.display())
}

/// The record's text: front matter with a hint for each field, and an empty body (the
/// post-mortem is written later).
pub fn render(draft: &Draft, policy: &Policy) -> String {
    let mut out = String::new();
    let mut line = |code: &str, comment: &str| {
        if comment.is_empty() {
            let _ = writeln!(out, "{code}");
        } else {
            let _ = writeln!(out, "{code:<28} # {comment}");
        }
    };
    let levels: Vec<String> = policy.severities.iter().map(|s| format!("{} {}", s.id, s.name)).collect();
    let message = first_update(&draft.impact);

    line("---", "");
    line("# Started with `incsite new`. Replace every TBD, add what you learn as you go,", "");
    line("# and run `incsite check` before you commit.", "");
    line(&format!("id: {}", draft.id), "unique across the site; used in URLs");
    line(&format!("title: {}", yaml_scalar(&draft.title)), "");
    line(&format!("severity: {}", draft.severity), &levels.join(" | "));
    line("status: investigating", "investigating | identified | monitoring | resolved");
    if draft.private {
        line("visibility: private", "private: never in a public build; public: on the status page");
    } else {
        line("visibility: public", "public: on the status page; private: never in a public build");
    }
    line("# The summary and the updates are public: plain language, what customers notice.", "");
    line(&format!("summary: {}", yaml_scalar(&message)), "");
    if draft.impact.is_empty() {
        let ids: Vec<&str> = policy.services.iter().map(|s| s.id.as_str()).collect();
        let mut known = ids.iter().take(6).copied().collect::<Vec<_>>().join(", ");
        if ids.len() > 6 {
            known.push_str(", …");
        }
        line("impact: {}", &format!("service id: degraded | partial | major ({known})"));
    } else {
        line("impact:", "service id: degraded | partial | major | maintenance");
        for (id, _, level) in &draft.impact {
            line(&format!("  {id}: {}", level.as_str()), "");
        }
    }
    let required = policy.severity(draft.severity).map(|s| s.required_roles.clone()).unwrap_or_default();
    if required.is_empty() {
        line("roles: {}", "role id: a person or [a list, of people]");
    } else {
        line("roles:", &format!("{} requires these: replace each TBD with a person", draft.severity));
        for (role, count, _) in &required {
            let (id, name) = match policy.role(role) {
                Some(r) => (r.id.as_str(), r.name.as_str()),
                None => (role.as_str(), role.as_str()),
            };
            if *count <= 1 {
                line(&format!("  {id}: TBD ({name})"), "");
            } else {
                line(&format!("  {id}:"), &format!("at least {count} people"));
                for n in 1..=*count {
                    line(&format!("    - TBD ({name} {n})"), "");
                }
            }
        }
    }
    line("causes: []", "root-cause tags, once known (bad-deploy, expired-certificate, …)");
    line("runbooks: []", "ids of pages in content/runbooks/");
    line("timeline:", "");
    line("  # Add `started` (when impact began) before `detected` once you know it.", "");
    let at = draft.detected.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    line(&format!("  - at: {at}"), "");
    line("    event: detected", "");
    line("    # text: how it was noticed (an alert, a customer report, …)", "");
    line(&format!("  - at: {at}"), "");
    line("    event: update", "a status-page update: public for a public incident");
    line("    status: investigating", "");
    line(&format!("    text: {}", yaml_scalar(&message)), "");
    line("  # Next: acknowledged (by), updates as things change, mitigated, resolved;", "");
    line("  # note, decision and action entries are the scribe's record.", "");
    line("action_items: []", "- {title: …, owner: …, due: YYYY-MM-DD, status: open}");
    line("---", "");
    out
}

/// "We are investigating reports of problems with Checkout API and Payments."
fn first_update(impact: &[(&str, &str, ImpactLevel)]) -> String {
    let names: Vec<&str> = impact.iter().map(|(_, name, _)| *name).collect();
    match names.as_slice() {
        [] => "We are investigating reports of a problem and will post an update soon.".to_string(),
        [one] => format!("We are investigating reports of problems with {one}."),
        [rest @ .., last] => format!("We are investigating reports of problems with {} and {last}.", rest.join(", ")),
    }
}

/// `text` as a YAML scalar: plain when that reads back as the same string, else double-quoted.
fn yaml_scalar(text: &str) -> String {
    let plain_char = |c: char| c.is_alphanumeric() || " .,;-_()/'+?!&%".contains(c);
    let starts_well = text.chars().next().is_some_and(|c| c.is_alphanumeric());
    let special = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
    ) || text.parse::<f64>().is_ok();
    if starts_well && !special && text.chars().all(plain_char) && text.trim() == text {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Checkout API returning 502s"), "checkout-api-returning-502s");
        assert_eq!(slug("  DB: replica down!! "), "db-replica-down");
        assert_eq!(slug("Zahlungsausfall für Kunden in Österreich"), "zahlungsausfall-fur-kunden-in-osterreich");
        assert_eq!(slug("???"), "incident");
        let long = slug(&"word ".repeat(40));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
        assert!(slug(&"x".repeat(100)).len() == 60);
    }

    #[test]
    fn next_ids() {
        assert_eq!(next_id(2026, []), "INC-2026-0001");
        assert_eq!(next_id(2026, ["INC-2026-0009", "INC-2025-0040", "INC-2026-0002", "INC-2026-x"]), "INC-2026-0010");
        assert_eq!(next_id(2026, ["INC-2026-9999"]), "INC-2026-10000");
    }

    #[test]
    fn scalars_read_back() {
        assert_eq!(yaml_scalar("Checkout API returning 502s"), "Checkout API returning 502s");
        assert_eq!(yaml_scalar("DB: down"), "\"DB: down\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("404"), "\"404\"");
        assert_eq!(yaml_scalar("#1 problem"), "\"#1 problem\"");
    }
}
