//! The content's history from git (git2), gathered in one walk for the whole site, and reading
//! the site as it was at another revision (for `check --base` and `diff`).

pub mod base;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use git2::{ObjectType, Oid, Repository, Sort, Tree};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How many commits are kept per file (the newest ones).
pub const MAX_COMMITS_PER_FILE: usize = 20;

/// The folders of a site whose history matters, relative to the site root (and `incsite.toml`).
const TRACKED_DIRS: [&str; 2] = ["content", "schema"];

/// One commit that touched a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    pub id: String,
    pub short_id: String,
    pub author: String,
    pub date: DateTime<FixedOffset>,
    /// The first line of the message.
    pub summary: String,
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
/// The walk visits every commit reachable from HEAD once (topological, then time order). A
/// commit with one parent is diffed against it (tree to tree, paths only, limited to the site's
/// `content/`, `schema/` and `incsite.toml`; a folder whose tree did not change is skipped
/// without a diff). A merge is credited with a path only when the path
/// differs from every parent — as `git log -- path` does — so a change made on a branch is
/// credited to the commit that made it, not again to the merge that brought it in.
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
    let mut revwalk = repo.revwalk()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    revwalk.push(head)?;

    let mut history = History { by_path: HashMap::new(), head: Some(commit_info(&repo.find_commit(head)?)) };
    let mut trees = Trees::new(repo);
    for oid in revwalk {
        trees.next_commit();
        let commit = repo.find_commit(oid?)?;
        let tree = commit.tree()?;
        let changed: Vec<String> = match commit.parent_count() {
            0 => changed_paths(site, &mut trees, None, &tree)?,
            1 => changed_paths(site, &mut trees, Some(&commit.parent(0)?.tree()?), &tree)?,
            _ => merge_changes(site, &mut trees, &commit, &tree)?,
        };
        if changed.is_empty() {
            continue;
        }
        let info = commit_info(&commit);
        for path in changed {
            let list = history.by_path.entry(path).or_default();
            if list.len() < MAX_COMMITS_PER_FILE {
                list.push(info.clone());
            }
        }
    }
    Ok(history)
}

/// The paths a merge changed relative to every one of its parents.
fn merge_changes<'r>(
    site: &SiteRepo,
    trees: &mut Trees<'r>,
    commit: &git2::Commit,
    tree: &Tree,
) -> Result<Vec<String>, git2::Error> {
    let mut common: Option<HashSet<String>> = None;
    for parent in commit.parents() {
        let paths: HashSet<String> = changed_paths(site, trees, Some(&parent.tree()?), tree)?.into_iter().collect();
        common = Some(match common {
            None => paths,
            Some(c) => c.intersection(&paths).cloned().collect(),
        });
        if common.as_ref().is_some_and(HashSet::is_empty) {
            break;
        }
    }
    let mut out: Vec<String> = common.unwrap_or_default().into_iter().collect();
    out.sort();
    Ok(out)
}

/// The site's files (relative to the site root) that differ between two trees: only the
/// site's `content/` and `schema/` folders are compared, each skipped outright when its tree is
/// the same object on both sides (as it is for most commits of a repository that also holds code).
fn changed_paths<'r>(
    site: &SiteRepo,
    trees: &mut Trees<'r>,
    old: Option<&Tree>,
    new: &Tree,
) -> Result<Vec<String>, git2::Error> {
    let entry_id = |tree: Option<&Tree>, path: &str| -> Option<(Oid, Option<ObjectType>)> {
        let entry = tree?.get_path(Path::new(&site.repo_path(path))).ok()?;
        Some((entry.id(), entry.kind()))
    };
    let mut out = Vec::new();
    for dir in TRACKED_DIRS {
        let (a, b) = (entry_id(old, dir), entry_id(Some(new), dir));
        if a == b {
            continue;
        }
        let mut as_tree = |e: Option<(Oid, Option<ObjectType>)>| -> Result<Option<Tree<'r>>, git2::Error> {
            match e {
                Some((id, Some(ObjectType::Tree))) => trees.get(id).map(Some),
                _ => Ok(None),
            }
        };
        let (a, b) = (as_tree(a)?, as_tree(b)?);
        tree_changes(trees, a.as_ref(), b.as_ref(), dir, &mut out)?;
    }
    if entry_id(old, crate::config::FILE) != entry_id(Some(new), crate::config::FILE) {
        out.push(crate::config::FILE.to_string());
    }
    Ok(out)
}

/// Adds to `out` the path (under `prefix`) of every file that differs between two trees, either
/// of which may be absent — what a tree-to-tree diff without rename detection lists, each path
/// once. Subtrees that are the same object on both sides are skipped without being read, and only
/// differing entries get a path: libgit2's diff builds the full path of every entry it passes,
/// which made the history walk 4x slower on folders of a few thousand records.
fn tree_changes(
    trees: &mut Trees,
    old: Option<&Tree>,
    new: Option<&Tree>,
    prefix: &str,
    out: &mut Vec<String>,
) -> Result<(), git2::Error> {
    let mut a = old.map(|t| t.iter()).into_iter().flatten().peekable();
    let mut b = new.map(|t| t.iter()).into_iter().flatten().peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => git_order(x, y),
        };
        let (x, y) = match order {
            Ordering::Less => (a.next(), None),
            Ordering::Greater => (None, b.next()),
            Ordering::Equal => (a.next(), b.next()),
        };
        if let (Some(x), Some(y)) = (&x, &y) {
            if x.id() == y.id() && x.filemode() == y.filemode() {
                continue;
            }
        }
        let name = x.as_ref().or(y.as_ref()).map(|e| String::from_utf8_lossy(e.name_bytes()).into_owned());
        let path = format!("{prefix}/{}", name.unwrap_or_default());
        let mut subtree = |e: &Option<git2::TreeEntry>| -> Result<Option<Tree>, git2::Error> {
            match e {
                Some(e) if e.kind() == Some(ObjectType::Tree) => trees.get(e.id()).map(Some),
                _ => Ok(None),
            }
        };
        let (tx, ty) = (subtree(&x)?, subtree(&y)?);
        // A file on either side is a changed path; a folder on either side holds changed paths.
        let is_file = |e: &Option<git2::TreeEntry>| e.as_ref().is_some_and(|e| e.kind() != Some(ObjectType::Tree));
        if is_file(&x) || is_file(&y) {
            out.push(path.clone());
        }
        if tx.is_some() || ty.is_some() {
            tree_changes(trees, tx.as_ref(), ty.as_ref(), &path, out)?;
        }
    }
}

/// The trees read for one commit, kept for the next: walking newest first, a commit's parent is
/// the next commit, so each version of a big folder is read (and parsed) once instead of twice.
struct Trees<'r> {
    repo: &'r Repository,
    last: HashMap<Oid, Tree<'r>>,
    this: HashMap<Oid, Tree<'r>>,
}

impl<'r> Trees<'r> {
    fn new(repo: &'r Repository) -> Self {
        Trees { repo, last: HashMap::new(), this: HashMap::new() }
    }

    fn get(&mut self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        let tree = match self.last.get(&id).or_else(|| self.this.get(&id)) {
            Some(tree) => tree.clone(),
            None => self.repo.find_tree(id)?,
        };
        self.this.insert(id, tree.clone());
        Ok(tree)
    }

    /// Forgets the trees of the commit before last.
    fn next_commit(&mut self) {
        self.last = std::mem::take(&mut self.this);
    }
}

/// Git's order of tree entries: by name, a folder's name as if it ended in `/`.
fn git_order(a: &git2::TreeEntry, b: &git2::TreeEntry) -> Ordering {
    let (an, bn) = (a.name_bytes(), b.name_bytes());
    let n = an.len().min(bn.len());
    let next = |e: &git2::TreeEntry, name: &[u8]| {
        name.get(n).copied().or((e.kind() == Some(ObjectType::Tree)).then_some(b'/'))
    };
    an[..n].cmp(&bn[..n]).then_with(|| next(a, an).cmp(&next(b, bn)))
}

/// A commit as the site shows it.
pub fn commit_info(commit: &git2::Commit) -> Commit {
    let author = commit.author();
    let when = author.when();
    let offset = FixedOffset::east_opt(when.offset_minutes() * 60).unwrap_or_else(|| Utc.fix());
    let date = DateTime::from_timestamp(when.seconds(), 0).unwrap_or_default().with_timezone(&offset);
    let id = commit.id().to_string();
    Commit {
        short_id: id.chars().take(7).collect(),
        id,
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        date,
        summary: commit.summary_bytes().map(|s| String::from_utf8_lossy(s).trim().to_string()).unwrap_or_default(),
    }
}
