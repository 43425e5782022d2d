//! Which of the site's files a commit changed: its tree compared with its parents' trees, entry by
//! entry, descending only into folders that differ.

use git2::{ObjectType, Oid, Repository, Tree};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The folders of a site whose history matters, relative to the site root (and `incsite.toml`).
pub const TRACKED_DIRS: [&str; 2] = ["content", "schema"];

/// Compares commits' trees, keeping the trees read for one commit for the next: walking newest
/// first, a commit's parent is usually the next commit, so each version of a big folder is read
/// (and parsed) once instead of twice.
pub struct Differ<'r> {
    repo: &'r Repository,
    /// The site root relative to the work tree, `/`-separated, empty or ending in `/`.
    prefix: &'r str,
    last: HashMap<Oid, Tree<'r>>,
    this: HashMap<Oid, Tree<'r>>,
}

impl<'r> Differ<'r> {
    pub fn new(repo: &'r Repository, prefix: &'r str) -> Self {
        Differ { repo, prefix, last: HashMap::new(), this: HashMap::new() }
    }

    /// The site's files (relative to the site root, sorted as a merge's are, else in tree order)
    /// that a commit with root tree `tree` changed relative to its parents' root trees: every
    /// file of the site for a root commit, and for a merge only the files that differ from every
    /// parent — as `git log -- path` credits them — so that a change made on a branch is credited
    /// to the commit that made it, not again to the merge that brought it in.
    pub fn changed(&mut self, parents: &[Oid], tree: Oid) -> Result<Vec<String>, git2::Error> {
        // Forget the trees of the commit before last.
        self.last = std::mem::take(&mut self.this);
        let new = self.tree(tree)?;
        match parents {
            [] => self.changed_paths(None, &new),
            [parent] => {
                let old = self.tree(*parent)?;
                self.changed_paths(Some(&old), &new)
            }
            _ => {
                let mut common: Option<HashSet<String>> = None;
                for parent in parents {
                    let old = self.tree(*parent)?;
                    let paths: HashSet<String> = self.changed_paths(Some(&old), &new)?.into_iter().collect();
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
        }
    }

    fn tree(&mut self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        let tree = match self.last.get(&id).or_else(|| self.this.get(&id)) {
            Some(tree) => tree.clone(),
            None => self.repo.find_tree(id)?,
        };
        self.this.insert(id, tree.clone());
        Ok(tree)
    }

    /// The site's files that differ between two root trees: only the site's `content/` and
    /// `schema/` folders are compared, each skipped outright when its tree is the same object on
    /// both sides (as it is for most commits of a repository that also holds code).
    fn changed_paths(&mut self, old: Option<&Tree>, new: &Tree) -> Result<Vec<String>, git2::Error> {
        let prefix = self.prefix;
        let entry_id = |tree: Option<&Tree>, path: &str| -> Option<(Oid, Option<ObjectType>)> {
            let entry = tree?.get_path(Path::new(&format!("{prefix}{path}"))).ok()?;
            Some((entry.id(), entry.kind()))
        };
        let mut out = Vec::new();
        for dir in TRACKED_DIRS {
            let (a, b) = (entry_id(old, dir), entry_id(Some(new), dir));
            if a == b {
                continue;
            }
            let a = self.subtree(a)?;
            let b = self.subtree(b)?;
            self.tree_changes(a.as_ref(), b.as_ref(), dir, &mut out)?;
        }
        if entry_id(old, crate::config::FILE) != entry_id(Some(new), crate::config::FILE) {
            out.push(crate::config::FILE.to_string());
        }
        Ok(out)
    }

    fn subtree(&mut self, entry: Option<(Oid, Option<ObjectType>)>) -> Result<Option<Tree<'r>>, git2::Error> {
        match entry {
            Some((id, Some(ObjectType::Tree))) => self.tree(id).map(Some),
            _ => Ok(None),
        }
    }

    /// Adds to `out` the path (under `prefix`) of every file that differs between two trees,
    /// either of which may be absent — what a tree-to-tree diff without rename detection lists,
    /// each path once. Subtrees that are the same object on both sides are skipped without being
    /// read, and only differing entries get a path: libgit2's diff builds the full path of every
    /// entry it passes, which made the history walk 4x slower on folders of a few thousand records.
    fn tree_changes(
        &mut self,
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
            let as_tree = |e: &Option<git2::TreeEntry>| match e {
                Some(e) if e.kind() == Some(ObjectType::Tree) => Some((e.id(), e.kind())),
                _ => None,
            };
            let (tx, ty) = (self.subtree(as_tree(&x))?, self.subtree(as_tree(&y))?);
            // A file on either side is a changed path; a folder on either side holds changed paths.
            let is_file = |e: &Option<git2::TreeEntry>| e.as_ref().is_some_and(|e| e.kind() != Some(ObjectType::Tree));
            if is_file(&x) || is_file(&y) {
                out.push(path.clone());
            }
            if tx.is_some() || ty.is_some() {
                self.tree_changes(tx.as_ref(), ty.as_ref(), &path, out)?;
            }
        }
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
