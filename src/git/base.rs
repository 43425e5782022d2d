//! `--base REV`: the site as it was at another revision, and the rules that keep published
//! history honest — a published post-mortem's timeline is append-only, ids are permanent, and
//! records are never deleted.

use super::SiteRepo;
use crate::diag::{Diagnostic, Pos};
use crate::record::{self, Event, PostmortemStatus, Record, Status};
use crate::site::Site;
use anyhow::{Context, Result};
use git2::{ObjectType, Oid, TreeWalkMode, TreeWalkResult};
use std::collections::HashMap;
use std::path::Path;

/// The site's repository and one resolved revision of it.
pub struct Revision {
    pub site: SiteRepo,
    /// The revision as the user wrote it (`main`, `origin/main`, a hash).
    pub rev: String,
    pub commit: Oid,
    /// `abc1234 "First line of the message"`, for messages.
    pub described: String,
}

impl Revision {
    /// Resolves `rev` in the repository holding `root`. An error here means the command cannot run.
    pub fn open(root: &Path, rev: &str) -> Result<Revision> {
        let site = SiteRepo::discover(root).map_err(|e| anyhow::anyhow!("--base {rev}: {e}"))?;
        let (commit, described) = {
            let commit = site.repo.revparse_single(rev).and_then(|o| o.peel_to_commit()).map_err(|e| {
                let shallow = if site.repo.is_shallow() {
                    "; this is a shallow clone: fetch the base first (e.g. `git fetch --depth=1 origin main`)"
                } else {
                    ""
                };
                anyhow::anyhow!("--base {rev}: no such revision in this repository ({}){shallow}", e.message())
            })?;
            let info = super::commit_info(&commit);
            (commit.id(), format!("{} \"{}\"", info.short_id, info.summary.unwrap_or_default()))
        };
        Ok(Revision { site, rev: rev.to_string(), commit, described })
    }

    /// Every file at this revision under `dir` (relative to the site root, e.g. `content/`), as
    /// (path relative to the site root, bytes), sorted by path.
    pub fn files_under(&self, dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let repo = &self.site.repo;
        let tree = repo.find_commit(self.commit)?.tree()?;
        let dir = dir.trim_end_matches('/');
        let entry = match tree.get_path(Path::new(&self.site.repo_path(dir))) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut blobs: Vec<(String, Oid)> = Vec::new();
        match entry.kind() {
            Some(ObjectType::Blob) => blobs.push((dir.to_string(), entry.id())),
            Some(ObjectType::Tree) => {
                let sub = repo.find_tree(entry.id())?;
                sub.walk(TreeWalkMode::PreOrder, |parent, e| {
                    if e.kind() == Some(ObjectType::Blob) {
                        if let Ok(name) = e.name() {
                            blobs.push((format!("{dir}/{parent}{name}"), e.id()));
                        }
                    }
                    TreeWalkResult::Ok
                })?;
            }
            _ => {}
        }
        blobs.sort();
        blobs
            .into_iter()
            .map(|(path, oid)| Ok((path, repo.find_blob(oid)?.content().to_vec())))
            .collect::<Result<_, git2::Error>>()
            .with_context(|| format!("cannot read {dir} at {}", self.rev))
    }

    /// The record files at this revision, as the site loader would find them.
    pub fn record_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files = self.files_under("content/incidents")?;
        files.retain(|(path, _)| {
            let name = path.rsplit('/').next().unwrap_or(path);
            name.ends_with(".md") && !name.starts_with('.')
        });
        Ok(files)
    }

    /// Writes the site's settings, schema and content at this revision into `dir`, so that the
    /// ordinary loader can read the site as it was.
    pub fn extract(&self, dir: &Path) -> Result<()> {
        let mut files = self.files_under(crate::config::FILE)?;
        files.extend(self.files_under("schema")?);
        files.extend(self.files_under("content")?);
        for (path, bytes) in files {
            // Paths come from git trees, whose entries never hold `..` or absolute parts; check anyway.
            if path.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
                continue;
            }
            let target = dir.join(&path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))?;
        }
        Ok(())
    }
}

/// The `--base` rules for `site` against the revision `rev`: one diagnostic per violation. A
/// base without the site (the pull request that adds it) has nothing to compare.
pub fn check(site: &Site, rev: &str) -> Result<Vec<Diagnostic>> {
    let base = Revision::open(&site.root, rev)?;
    let old: Vec<Record> =
        base.record_files()?.iter().filter_map(|(path, bytes)| record::parse(path, bytes).0).collect();
    let by_path: HashMap<&str, &Record> = site.records.iter().map(|r| (r.path.as_str(), &**r)).collect();
    let by_id: HashMap<&str, &Record> = site.records.iter().map(|r| (r.id.value.as_str(), &**r)).collect();
    let mut out = Vec::new();
    for before in &old {
        let now = match by_path.get(before.path.as_str()) {
            Some(r) => Some(*r),
            // A file that is still there but cannot be parsed now: its own errors say why.
            None if site.root.join(&before.path).exists() => None,
            None => match by_id.get(before.id.value.as_str()) {
                // Moved to another file with the same id: not a deletion.
                Some(r) => Some(*r),
                None => {
                    out.push(deleted(before, &base));
                    continue;
                }
            },
        };
        let Some(now) = now else { continue };
        if now.path == before.path && now.id.value != before.id.value {
            out.push(
                Diagnostic::error(
                    &now.path,
                    now.id.pos,
                    "base-id-changed",
                    format!(
                        "the id changed from `{}` (at {}) to `{}`: ids are permanent, links and the API point at them",
                        before.id.value, base.rev, now.id.value
                    ),
                )
                .with_hint(format!("keep `id: {}`", before.id.value)),
            );
        }
        // A record with errors of its own may have lost entries in parsing: those errors come first.
        if is_published(before) && !now.damaged {
            let text = crate::files::source_text(&site.root, &now.path);
            out.extend(timeline_changes(before, now, text.as_deref().unwrap_or(""), &base.rev));
        }
    }
    crate::diag::sort(&mut out);
    Ok(out)
}

fn deleted(before: &Record, base: &Revision) -> Diagnostic {
    Diagnostic::error(
        &before.path,
        Pos::file(),
        "base-record-deleted",
        format!(
            "`{}` was deleted, but it exists at {} (commit {}): incident records are never deleted",
            before.id.value, base.rev, base.described
        ),
    )
    .with_hint(format!(
        "restore it with `git checkout {} -- {}`; mark it `visibility: private` to hide it",
        base.rev,
        base.site.repo_path(&before.path)
    ))
}

/// Resolved with a published post-mortem: its timeline is now part of the public record.
fn is_published(r: &Record) -> bool {
    r.is_incident()
        && r.status.as_ref().map(|s| s.value) == Some(Status::Resolved)
        && r.postmortem.as_ref().is_some_and(|p| p.status == PostmortemStatus::Published)
}

/// Two timeline entries say the same thing.
fn same(a: &Event, b: &Event) -> bool {
    a.at == b.at
        && a.kind == b.kind
        && a.text == b.text
        && a.by == b.by
        && a.status == b.status
        && a.from == b.from
        && a.to == b.to
        && a.role == b.role
        && a.public == b.public
}

fn describe(e: &Event) -> String {
    let mut s = format!("{} {}", e.at.to_rfc3339(), e.kind.as_str());
    if let Some(text) = &e.text {
        let short: String = text.chars().take(60).collect();
        s.push_str(": ");
        s.push_str(&short);
        if short.len() < text.len() {
            s.push('…');
        }
    }
    s
}

/// The changed and removed entries of a published timeline. Entries that keep their content and
/// relative order are matched (a longest common subsequence), so new entries may be added anywhere;
/// an unmatched old entry opposite an unmatched new one was changed, one with none was removed.
fn timeline_changes(before: &Record, now: &Record, text: &str, rev: &str) -> Vec<Diagnostic> {
    let (old, new) = (&before.timeline, &now.timeline);
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if same(&old[i], &new[j]) { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut gap_old, mut gap_new): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let flush = |gap_old: &mut Vec<usize>, gap_new: &mut Vec<usize>, out: &mut Vec<Diagnostic>| {
        for (k, &oi) in gap_old.iter().enumerate() {
            out.push(match gap_new.get(k) {
                Some(&nj) => Diagnostic::error(
                    &now.path,
                    new[nj].pos,
                    "base-timeline-changed",
                    format!(
                        "a timeline entry of a resolved incident with a published post-mortem was changed (at {rev} it read `{}`): entries may be added, not changed",
                        describe(&old[oi])
                    ),
                )
                .with_hint("restore the entry as it was and add a new entry (e.g. `event: note`) with the correction"),
                None => Diagnostic::error(
                    &now.path,
                    timeline_key(text).unwrap_or(now.pos),
                    "base-timeline-changed",
                    format!(
                        "a timeline entry of a resolved incident with a published post-mortem was removed (at {rev}: `{}`): entries may be added, not removed",
                        describe(&old[oi])
                    ),
                )
                .with_hint("restore the entry; add a `note` entry to correct it"),
            });
        }
        gap_old.clear();
        gap_new.clear();
    };
    while i < n || j < m {
        if i < n && j < m && same(&old[i], &new[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            flush(&mut gap_old, &mut gap_new, &mut out);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            gap_new.push(j);
            j += 1;
        } else {
            gap_old.push(i);
            i += 1;
        }
    }
    flush(&mut gap_old, &mut gap_new, &mut out);
    out
}

/// The line of the front matter's `timeline:` key.
fn timeline_key(text: &str) -> Option<Pos> {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .find_map(|(i, l)| (l.starts_with("timeline:") || l.starts_with("timeline :")).then_some(Pos::new(i + 1, 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "---\ntitle: T\nseverity: SEV-4\nstatus: resolved\nroles: {resolver: A}\npostmortem: {status: published}\ntimeline:\n";

    fn rec(entries: &[(&str, &str, &str)]) -> (Record, String) {
        let mut text = HEAD.to_string();
        for (at, event, t) in entries {
            text.push_str(&format!("  - at: {at}\n    event: {event}\n    text: {t}\n"));
        }
        text.push_str("---\n");
        let record = record::parse("content/incidents/x.md", text.as_bytes()).0.expect("parses");
        (record, text)
    }

    const A: (&str, &str, &str) = ("2026-01-01T10:00:00Z", "detected", "alert");
    const B: (&str, &str, &str) = ("2026-01-01T10:05:00Z", "note", "looked");
    const C: (&str, &str, &str) = ("2026-01-01T11:00:00Z", "resolved", "fixed");

    fn changes(old: &[(&str, &str, &str)], new: &[(&str, &str, &str)]) -> Vec<(usize, String)> {
        let (before, _) = rec(old);
        let (now, text) = rec(new);
        timeline_changes(&before, &now, &text, "main").into_iter().map(|d| (d.line, d.message)).collect()
    }

    #[test]
    fn appended_and_inserted_entries_are_fine() {
        assert!(changes(&[A, C], &[A, C, B]).is_empty());
        assert!(changes(&[A, C], &[A, B, C]).is_empty());
        assert!(changes(&[A, B, C], &[A, B, C]).is_empty());
    }

    #[test]
    fn a_changed_entry_is_pointed_at() {
        let edited = ("2026-01-01T10:05:00Z", "note", "looked again");
        let found = changes(&[A, B, C], &[A, edited, C]);
        assert_eq!(found.len(), 1, "{found:?}");
        // Entries start at line 8 and take 3 lines each: the second is on line 11.
        assert_eq!(found[0].0, 11);
        assert!(found[0].1.contains("was changed"), "{}", found[0].1);
        assert!(found[0].1.contains("looked"), "{}", found[0].1);
    }

    #[test]
    fn a_removed_entry_points_at_the_timeline_key() {
        let found = changes(&[A, B, C], &[A, C]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 7);
        assert!(found[0].1.contains("was removed"), "{}", found[0].1);
    }

    #[test]
    fn finds_the_timeline_key_only_in_front_matter() {
        assert_eq!(timeline_key("---\ntitle: x\ntimeline:\n---\ntimeline: body\n"), Some(Pos::new(3, 1)));
        assert_eq!(timeline_key("---\ntitle: x\n---\ntimeline: body\n"), None);
    }
}
