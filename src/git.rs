//! The content's history from git (git2), gathered in one walk for the whole site, and reading
//! the site as it was at another revision (for `check --base` and `diff`).

pub mod base;
mod cache;
mod changes;
mod graph;

use changes::Differ;
use chrono::{DateTime, FixedOffset, Offset, Utc};
use git2::{Oid, Repository};
use graph::{Graph, Meta, Node};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How many commits are kept per file (the newest ones).
pub const MAX_COMMITS_PER_FILE: usize = 20;

/// One commit that touched a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    pub id: String,
    pub short_id: String,
    /// `None` where a public view leaves it out (see `site::redact`).
    pub author: Option<String>,
    pub date: DateTime<FixedOffset>,
    /// The first line of the message; `None` where a public view leaves it out.
    pub summary: Option<String>,
    /// The commit touched a record that was not public at that commit.
    pub private: bool,
}

/// The history of the site's files, newest commit first per file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// Path relative to the site root (`/`-separated) → the commits that changed it.
    pub by_path: HashMap<String, Vec<Commit>>,
    /// The commit the site is built from.
    pub head: Option<Commit>,
}

/// A repository holding a site, and where the site sits inside its work tree.
pub struct SiteRepo {
    pub repo: Repository,
    /// The site root relative to the work tree, `/`-separated, empty or ending in `/`.
    pub prefix: String,
}

impl SiteRepo {
    /// Finds the repository whose work tree holds `root`.
    pub fn discover(root: &Path) -> Result<SiteRepo, String> {
        let repo = Repository::discover(root).map_err(|_| "not a git repository".to_string())?;
        let workdir = repo.workdir().map(Path::to_path_buf).ok_or_else(|| "the git repository is bare".to_string())?;
        let prefix = prefix_of(&workdir, root)?;
        Ok(SiteRepo { repo, prefix })
    }

    /// A path relative to the site root as a path relative to the work tree.
    pub fn repo_path(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.prefix)
    }
}

/// `root` relative to `workdir`, `/`-separated with a trailing `/` (empty when they are the same).
fn prefix_of(workdir: &Path, root: &Path) -> Result<String, String> {
    let canon = |p: &Path| -> PathBuf { p.canonicalize().unwrap_or_else(|_| p.to_path_buf()) };
    let (workdir, root) = (canon(workdir), canon(root));
    let rel = root.strip_prefix(&workdir).map_err(|_| format!("{} is outside the git work tree", root.display()))?;
    let mut prefix = String::new();
    for part in rel.components() {
        prefix.push_str(&part.as_os_str().to_string_lossy());
        prefix.push('/');
    }
    Ok(prefix)
}

/// Reads the history of every file under `root` in one walk. `Err` holds a one-line reason for
/// people ("not a git repository", "shallow clone: history incomplete") when there is none.
///
/// The walk visits every commit reachable from HEAD once, children before parents and otherwise
/// newest first (`git log --date-order`). A commit with one parent is diffed against it (tree to
/// tree, paths only, limited to the site's `content/`, `schema/` and `incsite.toml`; a folder
/// whose tree did not change is skipped without a diff). A merge is credited with a path only
/// when the path differs from every parent — as `git log -- path` does — so a change made on a
/// branch is credited to the commit that made it, not again to the merge that brought it in.
///
/// What each commit changed is cached in the git directory (see `cache`), so only the trees of
/// commits new since the last walk are compared; the result is the same with or without it.
pub fn history(root: &Path) -> Result<History, String> {
    let site = SiteRepo::discover(root).map_err(|reason| format!("{reason}: building without history"))?;
    if site.repo.is_shallow() {
        return Err(
            "shallow clone: history incomplete, building without it (fetch the full history, e.g. `fetch-depth: 0` in actions/checkout)"
                .into(),
        );
    }
    let head = match site.repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(c) => c,
        // A repository without commits yet: no history, and nothing wrong.
        Err(_) => return Ok(History::default()),
    };
    walk(&site, head.id()).map_err(|e| format!("cannot read the git history: {}", e.message()))
}

fn walk(site: &SiteRepo, head: Oid) -> Result<History, git2::Error> {
    // libgit2 re-hashes every object it reads by default (SHA-1 with collision detection): two
    // thirds of the walk's time. git itself does not verify on read either (only `git fsck`).
    git2::opts::strict_hash_verification(false);
    let repo = &site.repo;
    let (cache_path, scope) = (cache::path(repo, &site.prefix), cache::scope(&site.prefix));
    let mut graph = cache::load(&cache_path, &scope);
    let cached = graph.nodes.len();

    // Read the commits the cache does not know, from HEAD down to the ones it does (whose
    // ancestors it holds too).
    let mut new: Vec<(u32, Oid)> = Vec::new();
    let mut parent_ids: Vec<Vec<Oid>> = Vec::new();
    let mut stack = vec![head];
    while let Some(id) = stack.pop() {
        if graph.index.contains_key(&id) {
            continue;
        }
        let commit = repo.find_commit(id)?;
        let parents: Vec<Oid> = commit.parent_ids().collect();
        stack.extend(&parents);
        let i = graph.push(Node {
            id,
            time: commit.time().seconds(),
            parents: Vec::new(),
            paths: Vec::new(),
            meta: Meta::of(&commit),
        });
        new.push((i, commit.tree_id()));
        parent_ids.push(parents);
    }
    for (&(i, _), parents) in new.iter().zip(&parent_ids) {
        let parents: Result<Vec<u32>, _> =
            parents.iter().map(|p| graph.index.get(p).copied().ok_or_else(|| missing(*p))).collect();
        graph.nodes[i as usize].parents = parents?;
    }
    let head_index = graph.index.get(&head).copied().ok_or_else(|| missing(head))?;
    let order = graph.date_order(head_index);

    // Compare the new commits' trees with their parents', newest first, in runs of consecutive
    // commits on every core: each run with its own handle on the repository (a libgit2 handle is
    // not shared between threads) and its own cache of the trees the commit before it read.
    if !new.is_empty() {
        use rayon::prelude::*;
        let trees: HashMap<u32, Oid> = new.iter().copied().collect();
        let is_new: HashSet<u32> = new.iter().map(|(i, _)| *i).collect();
        let todo: Vec<u32> = order.iter().copied().filter(|i| is_new.contains(i)).collect();
        let run = todo.len().div_ceil(rayon::current_num_threads() * 4).max(64);
        let (git_dir, prefix, graph_ref) = (site.repo.path().to_path_buf(), site.prefix.as_str(), &graph);
        let runs: Vec<Vec<Compared>> = todo
            .par_chunks(run)
            .map(|commits| compare(&git_dir, prefix, graph_ref, &trees, commits))
            .collect::<Result<_, git2::Error>>()?;
        for c in runs.into_iter().flatten() {
            let node = &mut graph.nodes[c.commit as usize];
            if c.paths.is_empty() {
                node.meta = Meta::default();
            }
            node.paths = c.paths;
            node.meta.private |= c.private;
        }
    }

    let mut history = History { by_path: HashMap::new(), head: None };
    for &i in &order {
        let node = &graph.nodes[i as usize];
        if node.paths.is_empty() {
            continue;
        }
        let info = commit_of(node.id, &node.meta);
        for path in &node.paths {
            let list = history.by_path.entry(path.clone()).or_default();
            if list.len() < MAX_COMMITS_PER_FILE {
                list.push(info.clone());
            }
        }
    }
    history.head = Some(commit_info(&repo.find_commit(head)?));

    // Keep the cache to what HEAD reaches, and write it only when that changed.
    if !new.is_empty() || order.len() != cached {
        cache::store(&cache_path, &scope, &graph.subset(&order));
    }
    Ok(history)
}

/// What comparing one commit with its parents found.
struct Compared {
    commit: u32,
    /// The site's files it changed.
    paths: Vec<String>,
    /// Whether a record it touched was private as the commit left it (or, deleted, as it was).
    private: bool,
}

/// Compares each of `commits` (consecutive in date order, newest first) with its parents, through
/// a handle on the repository of its own.
fn compare(
    git_dir: &Path,
    prefix: &str,
    graph: &Graph,
    trees: &HashMap<u32, Oid>,
    commits: &[u32],
) -> Result<Vec<Compared>, git2::Error> {
    let repo = Repository::open(git_dir)?;
    let odb = repo.odb()?;
    let mut differ = Differ::new(&odb, prefix);
    let tree_of = |i: u32| -> Result<Oid, git2::Error> {
        match trees.get(&i) {
            Some(t) => Ok(*t),
            None => Ok(repo.find_commit(graph.nodes[i as usize].id)?.tree_id()),
        }
    };
    let mut out = Vec::with_capacity(commits.len());
    for &i in commits {
        let parent_trees =
            graph.nodes[i as usize].parents.iter().map(|&p| tree_of(p)).collect::<Result<Vec<_>, _>>()?;
        let tree = tree_of(i)?;
        let paths = differ.changed(&parent_trees, tree)?;
        let mut private = false;
        for path in paths.iter().filter(|p| is_record_path(p)) {
            // The record as the commit left it, or as it was before the commit deleted it.
            let mut blob = differ.blob_at(tree, path)?;
            for &parent in &parent_trees {
                if blob.is_some() {
                    break;
                }
                blob = differ.blob_at(parent, path)?;
            }
            if let Some(blob) = blob {
                private |= !was_public(odb.read(blob)?.data());
            }
        }
        out.push(Compared { commit: i, paths, private });
    }
    Ok(out)
}

/// An incident or maintenance record's path (relative to the site root).
fn is_record_path(path: &str) -> bool {
    path.starts_with("content/incidents/") && path.ends_with(".md")
}

/// Whether a record, as these bytes hold it, was public: read as the loader reads it, and
/// private when it cannot be read at all (failing closed).
fn was_public(bytes: &[u8]) -> bool {
    crate::record::parse("record.md", bytes).0.is_some_and(|r| r.is_public())
}

fn missing(id: Oid) -> git2::Error {
    git2::Error::from_str(&format!("commit {id} is missing"))
}

/// A commit as the site shows it.
pub fn commit_info(commit: &git2::Commit) -> Commit {
    commit_of(commit.id(), &Meta::of(commit))
}

fn commit_of(id: Oid, meta: &Meta) -> Commit {
    let offset = FixedOffset::east_opt(meta.offset_minutes * 60).unwrap_or_else(|| Utc.fix());
    let date = DateTime::from_timestamp(meta.seconds, 0).unwrap_or_default().with_timezone(&offset);
    let id = id.to_string();
    Commit {
        short_id: id.chars().take(7).collect(),
        id,
        author: Some(meta.author.clone()),
        date,
        summary: Some(meta.summary.clone()),
        private: meta.private,
    }
}
