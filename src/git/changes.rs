//! Which of the site's files a commit changed: its tree compared with its parents' trees, entry by
//! entry, descending only into folders that differ.
//!
//! Trees are read as raw objects and parsed here, not through libgit2's tree objects: a year
//! folder of a big site holds thousands of records, every commit brings a new version of it, and
//! libgit2's parse (plus an FFI call per entry to compare) was most of the walk's time. Two
//! versions of a folder share all but a few entries, so the comparison skips the bytes they have
//! in common at either end and only looks at the entries in between.

use git2::{ObjectType, Odb, OdbObject, Oid};
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::ffi::CStr;
use std::rc::Rc;

/// The folders of a site whose history matters, relative to the site root (and `incsite.toml`).
pub const TRACKED_DIRS: [&str; 2] = ["content", "schema"];

/// Compares commits' trees, keeping the trees read for one commit for the next: walking newest
/// first, a commit's parent is usually the next commit, so each version of a big folder is read
/// (and parsed) once instead of twice.
pub struct Differ<'r> {
    odb: &'r Odb<'r>,
    /// The site root relative to the work tree, `/`-separated, empty or ending in `/`.
    prefix: &'r str,
    last: HashMap<Oid, Rc<RawTree<'r>>>,
    this: HashMap<Oid, Rc<RawTree<'r>>>,
}

impl<'r> Differ<'r> {
    pub fn new(odb: &'r Odb<'r>, prefix: &'r str) -> Self {
        Differ { odb, prefix, last: HashMap::new(), this: HashMap::new() }
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

    /// The id of the blob at `site_path` (relative to the site root) in the commit whose root
    /// tree is `tree`, when there is a file there.
    pub fn blob_at(&mut self, tree: Oid, site_path: &str) -> Result<Option<Oid>, git2::Error> {
        let root = self.tree(tree)?;
        let path = format!("{}{site_path}", self.prefix);
        Ok(self.entry_at(&root, &path)?.filter(|(_, mode)| !is_tree(*mode)).map(|(id, _)| id))
    }

    fn tree(&mut self, id: Oid) -> Result<Rc<RawTree<'r>>, git2::Error> {
        let tree = match self.last.get(&id).or_else(|| self.this.get(&id)) {
            Some(tree) => tree.clone(),
            None => Rc::new(RawTree::read(self.odb, id)?),
        };
        self.this.insert(id, tree.clone());
        Ok(tree)
    }

    /// The entry at `path` (`/`-separated) under a root tree: its id and mode.
    fn entry_at(&mut self, root: &Rc<RawTree<'r>>, path: &str) -> Result<Option<(Oid, u32)>, git2::Error> {
        let mut tree = root.clone();
        let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
        while let Some(part) = parts.next() {
            let Some(entry) = tree.entries()?.find(|e| e.name == part.as_bytes()) else { return Ok(None) };
            let (id, mode) = (entry.oid()?, entry.mode);
            if parts.peek().is_none() {
                return Ok(Some((id, mode)));
            }
            if !is_tree(mode) {
                return Ok(None);
            }
            tree = self.tree(id)?;
        }
        Ok(None)
    }

    /// The site's files that differ between two root trees: only the site's `content/` and
    /// `schema/` folders are compared, each skipped outright when its tree is the same object on
    /// both sides (as it is for most commits of a repository that also holds code).
    fn changed_paths(
        &mut self,
        old: Option<&Rc<RawTree<'r>>>,
        new: &Rc<RawTree<'r>>,
    ) -> Result<Vec<String>, git2::Error> {
        let mut out = Vec::new();
        for dir in TRACKED_DIRS.into_iter().chain([crate::config::FILE]) {
            let path = format!("{}{dir}", self.prefix);
            let a = match old {
                Some(old) => self.entry_at(old, &path)?,
                None => None,
            };
            let b = self.entry_at(new, &path)?;
            if a.map(|(id, mode)| (id, normalize(mode))) == b.map(|(id, mode)| (id, normalize(mode))) {
                continue;
            }
            let is_file = |e: Option<(Oid, u32)>| e.is_some_and(|(_, mode)| !is_tree(mode));
            if is_file(a) || is_file(b) {
                out.push(dir.to_string());
            }
            let a = self.subtree(a)?;
            let b = self.subtree(b)?;
            if a.is_some() || b.is_some() {
                self.tree_changes(a.as_deref(), b.as_deref(), dir, &mut out)?;
            }
        }
        Ok(out)
    }

    fn subtree(&mut self, entry: Option<(Oid, u32)>) -> Result<Option<Rc<RawTree<'r>>>, git2::Error> {
        match entry {
            Some((id, mode)) if is_tree(mode) => self.tree(id).map(Some),
            _ => Ok(None),
        }
    }

    /// Adds to `out` the path (under `prefix`) of every file that differs between two trees,
    /// either of which may be absent — what a tree-to-tree diff without rename detection lists,
    /// each path once. Subtrees that are the same object on both sides are skipped without being
    /// read, and only differing entries get a path.
    fn tree_changes(
        &mut self,
        old: Option<&RawTree>,
        new: Option<&RawTree>,
        prefix: &str,
        out: &mut Vec<String>,
    ) -> Result<(), git2::Error> {
        let (start, end_a, end_b) = match (old, new) {
            (Some(a), Some(b)) => RawTree::differing(a, b)?,
            (a, b) => {
                let len = |t: Option<&RawTree>| -> Result<usize, git2::Error> {
                    Ok(t.map(RawTree::offsets).transpose()?.map_or(0, |o| o.len() - 1))
                };
                (0, len(a)?, len(b)?)
            }
        };
        let mut a = old.map(|t| t.entries_in(start, end_a)).into_iter().flatten().peekable();
        let mut b = new.map(|t| t.entries_in(start, end_b)).into_iter().flatten().peekable();
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
                if x.raw == y.raw || (x.id == y.id && normalize(x.mode) == normalize(y.mode)) {
                    continue;
                }
            }
            let name = x.as_ref().or(y.as_ref()).map(|e| String::from_utf8_lossy(e.name)).unwrap_or_default();
            let path = format!("{prefix}/{name}");
            let as_tree = |e: &Option<Entry>| -> Result<Option<(Oid, u32)>, git2::Error> {
                match e {
                    Some(e) if is_tree(e.mode) => Ok(Some((e.oid()?, e.mode))),
                    _ => Ok(None),
                }
            };
            let (tx, ty) = (self.subtree(as_tree(&x)?)?, self.subtree(as_tree(&y)?)?);
            // A file on either side is a changed path; a folder on either side holds changed paths.
            let is_file = |e: &Option<Entry>| e.as_ref().is_some_and(|e| !is_tree(e.mode));
            if is_file(&x) || is_file(&y) {
                out.push(path.clone());
            }
            if tx.is_some() || ty.is_some() {
                self.tree_changes(tx.as_deref(), ty.as_deref(), &path, out)?;
            }
        }
    }
}

/// A tree object's bytes (entries of `<octal mode> <name>\0<20-byte id>`) and, once known,
/// where each entry starts.
struct RawTree<'r> {
    id: Oid,
    object: OdbObject<'r>,
    /// The offset of every entry, then the length of the data.
    offsets: OnceCell<Vec<u32>>,
}

/// One entry of a tree.
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
    /// The whole entry, as stored.
    raw: &'a [u8],
}

impl Entry<'_> {
    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

impl<'r> RawTree<'r> {
    fn read(odb: &'r Odb<'r>, id: Oid) -> Result<RawTree<'r>, git2::Error> {
        let object = odb.read(id)?;
        let tree = RawTree { id, object, offsets: OnceCell::new() };
        if tree.object.kind() != ObjectType::Tree {
            return Err(git2::Error::from_str(&format!("{id} is not a tree")));
        }
        u32::try_from(tree.data().len()).map_err(|_| tree.corrupt())?;
        Ok(tree)
    }

    fn data(&self) -> &[u8] {
        self.object.data()
    }

    fn corrupt(&self) -> git2::Error {
        git2::Error::from_str(&format!("tree {} is corrupt", self.id))
    }

    /// Where the entry that starts at `pos` ends, checking its shape.
    fn entry_end(&self, pos: usize) -> Result<usize, git2::Error> {
        let data = self.data();
        let head = data.get(pos..).and_then(|d| CStr::from_bytes_until_nul(d).ok()).ok_or_else(|| self.corrupt())?;
        let head = head.to_bytes();
        let sp = head.iter().position(|&c| c == b' ').unwrap_or(0);
        let end = pos + head.len() + 1 + 20;
        if !(1..8).contains(&sp) || !head[..sp].iter().all(|c| (b'0'..=b'7').contains(c)) || end > data.len() {
            return Err(self.corrupt());
        }
        Ok(end)
    }

    /// Where each entry starts (parsing the whole tree the first time).
    fn offsets(&self) -> Result<&[u32], git2::Error> {
        if let Some(offsets) = self.offsets.get() {
            return Ok(offsets);
        }
        let len = self.data().len();
        let mut offsets = Vec::with_capacity(len / 40 + 1);
        let mut pos = 0;
        while pos < len {
            offsets.push(pos as u32);
            pos = self.entry_end(pos)?;
        }
        offsets.push(len as u32);
        Ok(self.offsets.get_or_init(|| offsets))
    }

    /// The number of entries; the offsets must be known.
    fn len(&self) -> usize {
        self.offsets.get().map_or(0, |o| o.len() - 1)
    }

    /// Entry `k`; the offsets must be known.
    fn entry(&self, k: usize) -> Entry<'_> {
        let offsets = self.offsets.get().map_or(&[][..], Vec::as_slice);
        let raw = &self.data()[offsets[k] as usize..offsets[k + 1] as usize];
        // Checked when the offsets were found: `<mode> <name>\0` and 20 bytes.
        let (head, id) = raw.split_at(raw.len() - 21);
        let sp = head.iter().position(|&c| c == b' ').unwrap_or(0);
        let mode = head[..sp].iter().fold(0u32, |m, c| m * 8 + u32::from(c - b'0'));
        Entry { mode, name: &head[sp + 1..], id: &id[1..], raw }
    }

    fn entries(&self) -> Result<impl Iterator<Item = Entry<'_>>, git2::Error> {
        self.offsets()?;
        Ok(self.entries_in(0, self.len()))
    }

    fn entries_in(&self, from: usize, to: usize) -> impl Iterator<Item = Entry<'_>> {
        (from..to).map(|k| self.entry(k))
    }

    /// Where two versions of a tree may differ: entries `start..end_a` of `a` and `start..end_b`
    /// of `b`. The entries before are the same bytes at the same place in both; those after are
    /// the same bytes at the same distance from the end. Finds the offsets of both trees, the
    /// second from the first's without parsing the bytes they share.
    fn differing(a: &RawTree, b: &RawTree) -> Result<(usize, usize, usize), git2::Error> {
        if b.offsets.get().is_none() {
            a.offsets()?;
            return Self::derive(a, b);
        }
        if a.offsets.get().is_none() {
            let (start, end_b, end_a) = Self::derive(b, a)?;
            return Ok((start, end_a, end_b));
        }
        let (ka, kb) = (a.offsets()?, b.offsets()?);
        let (x, y) = (a.data(), b.data());
        let (start, suffix) = common_ends(ka, x, y);
        // The first entry of `a` wholly within the common tail, if its start is also where an
        // entry of `b` starts (parsing on from there, the rest then match entry for entry).
        let tail = ka[..a.len()].partition_point(|&o| (o as usize) < x.len() - suffix);
        for (end_a, &offset) in ka.iter().enumerate().skip(tail.max(start)) {
            let at = offset as usize + y.len() - x.len();
            if let Ok(end_b) = kb.binary_search(&(at as u32)) {
                if end_b >= start {
                    return Ok((start, end_a, end_b));
                }
            }
        }
        Ok((start, a.len(), b.len()))
    }

    /// [`differing`](Self::differing) when only `known`'s offsets are: `other`'s are those of
    /// `known` for the common head, found by parsing the middle, and shifted for the common tail.
    fn derive(known: &RawTree, other: &RawTree) -> Result<(usize, usize, usize), git2::Error> {
        let ko = known.offsets()?;
        let (x, y) = (known.data(), other.data());
        let (start, suffix) = common_ends(ko, x, y);
        let mut offsets: Vec<u32> = Vec::with_capacity(ko.len() + 4);
        offsets.extend_from_slice(&ko[..=start]);
        let mut pos = ko[start] as usize;
        loop {
            if pos + suffix >= y.len() {
                // Within the common tail: where is this in `known`, and does an entry start there?
                let at = pos + x.len() - y.len();
                if let Ok(end_known) = ko.binary_search(&(at as u32)) {
                    if end_known >= start {
                        let end_other = offsets.len() - 1;
                        offsets.extend(ko[end_known + 1..].iter().map(|&o| (o as usize + y.len() - x.len()) as u32));
                        let _ = other.offsets.set(offsets);
                        return Ok((start, end_known, end_other));
                    }
                }
            }
            if pos >= y.len() {
                return Err(other.corrupt());
            }
            pos = other.entry_end(pos)?;
            offsets.push(pos as u32);
        }
    }
}

/// For two versions `x` (entry offsets `offsets`) and `y` of a tree: how many entries of `x` lie
/// wholly within the bytes both start with (they parse the same in both), and how many bytes both
/// end with, not overlapping those.
fn common_ends(offsets: &[u32], x: &[u8], y: &[u8]) -> (usize, usize) {
    let prefix = common_prefix(x, y);
    let start = offsets[1..].partition_point(|&o| o as usize <= prefix);
    let suffix = common_suffix(x, y).min(x.len().min(y.len()) - prefix);
    (start, suffix)
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 32;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 32;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + CHUNK <= n && a[n - i - CHUNK..n - i] == b[n - i - CHUNK..n - i] {
        i += CHUNK;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

fn is_tree(mode: u32) -> bool {
    mode & 0o170000 == 0o040000
}

/// A mode as libgit2 and git compare them (e.g. an old `100664` is a `100644`).
fn normalize(mode: u32) -> u32 {
    match mode & 0o170000 {
        0o040000 => 0o040000,
        _ if mode & 0o111 != 0 => 0o100755,
        0o160000 => 0o160000,
        0o120000 => 0o120000,
        _ => 0o100644,
    }
}

/// Git's order of tree entries: by name, a folder's name as if it ended in `/`.
fn git_order(a: &Entry, b: &Entry) -> Ordering {
    let (an, bn) = (a.name, b.name);
    let n = an.len().min(bn.len());
    let next = |e: &Entry, name: &[u8]| name.get(n).copied().or(is_tree(e.mode).then_some(b'/'));
    an[..n].cmp(&bn[..n]).then_with(|| next(a, an).cmp(&next(b, bn)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of files named by `names`, each holding its own name (or `changed` for `bump`).
    fn tree(repo: &git2::Repository, names: &[&str], bump: &str) -> Oid {
        let mut builder = repo.treebuilder(None).unwrap();
        for name in names {
            let text = if *name == bump { "changed" } else { name };
            builder.insert(name, repo.blob(text.as_bytes()).unwrap(), 0o100644).unwrap();
        }
        builder.write().unwrap()
    }

    #[test]
    fn the_entries_two_versions_share_at_either_end_are_skipped_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let odb = repo.odb().unwrap();
        let all: Vec<String> = (10..60).map(|n| format!("INC-{n}.md")).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let base = tree(&repo, &all, "");
        let cases: [(&[&str], &str, &[&str]); 6] = [
            (&all, "INC-30.md", &["INC-30.md"]),
            (&all[1..], "", &["INC-10.md"]),
            (&all[..49], "", &["INC-59.md"]),
            (&all[..49], "INC-10.md", &["INC-10.md", "INC-59.md"]),
            (&[], "", &all),
            (&all, "", &[]),
        ];
        for (names, bump, want) in cases {
            let other = tree(&repo, names, bump);
            // Both orders, and with either side's offsets known first.
            for (a, b) in [(base, other), (other, base)] {
                for known in [0, 1, 2] {
                    let (ta, tb) = (RawTree::read(&odb, a).unwrap(), RawTree::read(&odb, b).unwrap());
                    match known {
                        0 => drop(ta.offsets().unwrap()),
                        1 => drop(tb.offsets().unwrap()),
                        _ => drop((ta.offsets().unwrap(), tb.offsets().unwrap())),
                    }
                    let mut differ = Differ::new(&odb, "");
                    let mut out = Vec::new();
                    differ.tree_changes(Some(&ta), Some(&tb), "d", &mut out).unwrap();
                    let want: Vec<String> = want.iter().map(|n| format!("d/{n}")).collect();
                    assert_eq!(out, want, "{names:?} {bump} known {known}");
                    // The offsets found by skipping are those a full parse finds.
                    let full = |id| RawTree::read(&odb, id).unwrap().offsets().unwrap().to_vec();
                    assert_eq!(ta.offsets().unwrap(), full(a));
                    assert_eq!(tb.offsets().unwrap(), full(b));
                }
            }
        }
    }
}
