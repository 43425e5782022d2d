//! The search index (`search/index.json`): one compact entry per record of the [`View`] being
//! rendered, so a public index holds only what the public pages show. `static/search.js` loads
//! it when someone first types into the search box and ranks the entries in the browser.
//!
//! Why not elasticlunr's format: it stores, for every word, every document it occurs in with its
//! frequency, plus a copy of every document; for a few thousand short records that is several
//! times this file, and its client is unmaintained. Here each record is one array of its fields
//! (the post-mortem as the set of its distinct words, not its text), and the client scores
//! fields by weight (see `theme/static/search.js` and docs/FORMAT.md, "Search").

use super::Sink;
use crate::record::Record;
use crate::site::View;
use anyhow::Result;
use foldhash::{HashMap, HashSet, HashSetExt};
use serde::Serialize;
use std::borrow::Cow;

/// Where the index is written, relative to the site's root.
pub const PATH: &str = "search/index.json";

/// The index as written.
#[derive(Debug, Serialize)]
pub struct Index {
    /// The format's version: a theme's script can check it.
    pub version: u32,
    /// The names of each entry's fields, in order.
    pub fields: [&'static str; 8],
    /// One entry per record, newest first.
    pub docs: Vec<[String; 8]>,
}

/// The fields of an entry, in order.
pub const FIELDS: [&str; 8] = ["id", "title", "summary", "services", "causes", "words", "date", "kind"];

/// Builds the index of `view`.
pub fn index(view: &View) -> Index {
    let services: HashMap<&str, &str> = view.policy.services.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let mut records: Vec<&Record> = view.records.iter().map(|r| &**r).collect();
    records.sort_by_cached_key(|r| std::cmp::Reverse(start(r)));
    let mut docs: Vec<([String; 8], Vec<Cow<str>>)> = records.into_iter().map(|r| entry(r, &services)).collect();
    // A post-mortem word that more than a fifth of all records (and more than COMMON records)
    // hold narrows a search by little and would be most of the file: it is left out. Titles,
    // summaries, services and causes are always indexed whole.
    let mut df: HashMap<&str, usize> = HashMap::default();
    for (_, words) in &docs {
        for w in words {
            *df.entry(w).or_default() += 1;
        }
    }
    let limit = (docs.len() / 5).max(COMMON);
    let common: HashSet<String> = df.into_iter().filter(|&(_, n)| n > limit).map(|(w, _)| w.to_string()).collect();
    let docs = docs
        .iter_mut()
        .map(|(fields, words)| {
            fields[5] =
                words.iter().filter(|w| !common.contains(w.as_ref())).map(|w| w.as_ref()).collect::<Vec<_>>().join(" ");
            std::mem::take(fields)
        })
        .collect();
    Index { version: 1, fields: FIELDS, docs }
}

/// Below this many records, every post-mortem word is indexed.
const COMMON: usize = 200;

/// Writes the index of `view` into `sink`.
pub fn render(view: &View, sink: &dyn Sink) -> Result<()> {
    let bytes = serde_json::to_vec(&index(view))?;
    sink.put(PATH.to_string(), bytes)
}

/// When a record starts: an incident's impact, a maintenance window's opening.
fn start(r: &Record) -> Option<chrono::DateTime<chrono::Utc>> {
    r.milestones.start().or_else(|| r.window.as_ref().map(|w| w.from)).map(|t| t.to_utc())
}

/// A record's entry, with the post-mortem's words apart (its `words` field is left empty).
fn entry<'a>(r: &'a Record, services: &HashMap<&'a str, &'a str>) -> ([String; 8], Vec<Cow<'a, str>>) {
    let (title, summary) = (r.title(), r.summary.as_deref().unwrap_or_default());
    let names: Vec<&str> =
        r.impact.iter().map(|i| services.get(i.service.as_str()).copied().unwrap_or(i.service.as_str())).collect();
    let causes: Vec<&str> = r.causes.iter().map(|c| c.value.as_str()).collect();
    // Words the other fields already hold would only make the file larger.
    let mut seen: HashSet<Cow<str>> = HashSet::new();
    for text in
        [r.id.value.as_str(), title, summary].into_iter().chain(names.iter().copied()).chain(causes.iter().copied())
    {
        seen.extend(words(text));
    }
    let body = body_words(&r.body, &mut seen);
    let date = start(r).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let kind = if r.is_incident() { "incident" } else { "maintenance" };
    let fields = [
        r.id.value.clone(),
        title.to_string(),
        summary.to_string(),
        names.join(", "),
        causes.join(", "),
        String::new(),
        date,
        kind.to_string(),
    ];
    (fields, body)
}

/// The distinct words of a Markdown body that `seen` does not hold yet, in order of first use
/// (Markdown syntax and link targets left out). Words are borrowed from the body where its text
/// is (most of it): only words with capitals, and text pulldown-cmark rewrote, are copied.
fn body_words<'a>(markdown: &'a str, seen: &mut HashSet<Cow<'a, str>>) -> Vec<Cow<'a, str>> {
    use pulldown_cmark::{CowStr, Event, Parser};
    let mut out: Vec<Cow<'a, str>> = Vec::new();
    let mut new = |word: Cow<'a, str>, out: &mut Vec<Cow<'a, str>>| {
        if word.chars().nth(1).is_some() && !seen.contains(word.as_ref()) {
            seen.insert(word.clone());
            out.push(word);
        }
    };
    for event in Parser::new(markdown) {
        let (Event::Text(text) | Event::Code(text)) = event else { continue };
        match text {
            CowStr::Borrowed(text) => words(text).for_each(|w| new(w, &mut out)),
            text => words(&text).for_each(|w| new(Cow::Owned(w.into_owned()), &mut out)),
        }
    }
    out
}

/// The words of `text` as the client splits them: runs of letters and digits, lowercased
/// (borrowed when they are lowercase already).
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| {
        if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::schema::{self, SchemaSources};
    use crate::site::Audience;

    /// A view of `n` incidents whose post-mortems each say "everyone" and their own word.
    fn view(n: usize) -> View {
        let services = "services:\n  - id: db\n    name: Database\n";
        let (policy, _) = schema::parse(&SchemaSources {
            severities: None,
            roles: None,
            services: Some(("schema/services.yaml", services)),
        });
        let records = (0..n)
            .map(|i| {
                let text = format!(
                    "---\nid: INC-{i}\ntitle: Slow queries\nseverity: SEV-3\nstatus: resolved\nimpact: {{db: degraded}}\n\
                     causes: [capacity]\ntimeline:\n  - at: 2026-03-04T10:00:00Z\n    event: detected\n\
                     postmortem:\n  status: published\n---\n## Summary\n\nEveryone saw word{i}x.\n"
                );
                let (record, _) = crate::record::parse(&format!("content/incidents/{i}.md"), text.as_bytes());
                std::sync::Arc::new(record.unwrap())
            })
            .collect();
        View {
            audience: Audience::Public,
            config: Config::default(),
            policy,
            records,
            notices: Vec::new(),
            runbooks: Vec::new(),
            history: None,
        }
    }

    #[test]
    fn entries_hold_the_fields_and_common_words_go_only_in_large_sites() {
        let small = index(&view(3));
        let doc = &small.docs[0];
        assert_eq!(doc[1], "Slow queries");
        assert_eq!(doc[3], "Database");
        assert_eq!(doc[4], "capacity");
        assert_eq!((doc[6].as_str(), doc[7].as_str()), ("2026-03-04", "incident"));
        assert!(doc[5].split(' ').any(|w| w == "everyone"), "{}", doc[5]);
        assert!(!doc[5].split(' ').any(|w| w == "slow"), "title words are not repeated: {}", doc[5]);
        let large = index(&view(COMMON + 1));
        for doc in &large.docs {
            assert!(!doc[5].split(' ').any(|w| w == "everyone"), "in every record: left out");
            assert!(doc[5].split(' ').any(|w| w == format!("word{}x", &doc[0][4..])), "{}", doc[5]);
        }
    }

    #[test]
    fn body_words_are_distinct_and_new() {
        let mut seen: HashSet<Cow<str>> = words("Database failover").collect();
        let got = body_words("## Root Cause\n\nThe *database* failover took [a while](https://x.example/secret-path). `pg_bouncer` ok, Ärger.", &mut seen);
        assert_eq!(got.join(" "), "root cause the took while pg bouncer ok ärger");
    }
}
