//! The history walk's cache: every commit's parents, time, changed site files, author, summary
//! and whether it touched a record that was private then,
//! kept in the repository's git directory (`.git/incsite/history-v2`) so that a build compares the
//! trees of new commits only. A commit id fixes its trees and parents, so an entry never goes
//! stale; a cache that is missing, unreadable, corrupt or of another version is ignored and
//! rebuilt, and failing to write one never fails a build.
//!
//! The file: a magic line, a checksum of the rest, then the scope (which part of the repository
//! the paths describe), the authors, and the commits (parents as indexes into the commits).
//! Numbers are LEB128 varints (zigzag for signed ones), strings a length and UTF-8 bytes.

use super::graph::{Graph, Meta, Node};
use git2::Oid;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 16] = b"incsite-history2";

/// Where the cache of the site at `prefix` in `repo` lives: in the git directory shared by all
/// work trees (not the work tree: nothing of it shows in `git status`), one file per site.
pub fn path(repo: &git2::Repository, prefix: &str) -> PathBuf {
    let name = if prefix.is_empty() {
        "history-v2".to_string()
    } else {
        let id = Oid::hash_object(git2::ObjectType::Blob, prefix.as_bytes()).map(|o| o.to_string()).unwrap_or_default();
        format!("history-v2-{}", &id[..id.len().min(12)])
    };
    repo.commondir().join("incsite").join(name)
}

/// What the paths of a cache describe: the site's place in the repository and what is tracked.
pub fn scope(prefix: &str) -> String {
    format!("{prefix}\n{}\n{}", super::changes::TRACKED_DIRS.join("\n"), crate::config::FILE)
}

/// The cached graph, or an empty one when there is no usable cache.
pub fn load(path: &Path, scope: &str) -> Graph {
    std::fs::read(path).ok().and_then(|bytes| decode(&bytes, scope)).unwrap_or_default()
}

/// Writes the cache atomically (a temporary file renamed over it), quietly doing nothing when it
/// cannot: a read-only repository still builds, only without the cache.
pub fn store(path: &Path, scope: &str, graph: &Graph) {
    let write = || -> std::io::Result<()> {
        let dir = path.parent().ok_or(std::io::ErrorKind::NotFound)?;
        std::fs::create_dir_all(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&encode(graph, scope))?;
        file.persist(path)?;
        Ok(())
    };
    let _ = write();
}

fn checksum(bytes: &[u8]) -> u64 {
    // Not stable across Rust releases, which only costs a rebuild of the cache.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

pub fn encode(graph: &Graph, scope: &str) -> Vec<u8> {
    let mut authors: Vec<&str> = Vec::new();
    let mut author_index: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut body = Vec::with_capacity(graph.nodes.len() * 96);
    for node in &graph.nodes {
        body.extend_from_slice(node.id.as_bytes());
        put_i64(&mut body, node.time);
        put_u64(&mut body, node.parents.len() as u64);
        for &p in &node.parents {
            put_u64(&mut body, u64::from(p));
        }
        put_u64(&mut body, node.paths.len() as u64);
        for path in &node.paths {
            put_str(&mut body, path);
        }
        if !node.paths.is_empty() {
            let meta = &node.meta;
            let a = *author_index.entry(&meta.author).or_insert_with(|| {
                authors.push(&meta.author);
                authors.len() as u64 - 1
            });
            put_u64(&mut body, a);
            put_i64(&mut body, meta.seconds);
            put_i64(&mut body, i64::from(meta.offset_minutes));
            put_str(&mut body, &meta.summary);
            put_u64(&mut body, u64::from(meta.private));
        }
    }
    let mut rest = Vec::with_capacity(body.len() + 1024);
    put_str(&mut rest, scope);
    put_u64(&mut rest, authors.len() as u64);
    for a in &authors {
        put_str(&mut rest, a);
    }
    put_u64(&mut rest, graph.nodes.len() as u64);
    rest.extend_from_slice(&body);
    let mut out = Vec::with_capacity(rest.len() + 24);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&checksum(&rest).to_le_bytes());
    out.extend_from_slice(&rest);
    out
}

/// The graph in `bytes`, or `None` unless they are a whole, intact cache for `scope`.
pub fn decode(bytes: &[u8], scope: &str) -> Option<Graph> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (sum, rest) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*sum) != checksum(rest) {
        return None;
    }
    let mut r = Reader(rest);
    if r.str()? != scope {
        return None;
    }
    let authors: Vec<String> = (0..r.len()?).map(|_| r.str().map(str::to_string)).collect::<Option<_>>()?;
    let count = r.len()?;
    let mut graph = Graph { nodes: Vec::with_capacity(count), index: Default::default() };
    graph.index.reserve(count);
    for i in 0..count {
        let id = Oid::from_bytes(r.take(20)?).ok()?;
        let time = r.i64()?;
        let parents = (0..r.len()?).map(|_| r.u64().and_then(|p| u32::try_from(p).ok())).collect::<Option<Vec<_>>>()?;
        // Written children first: a parent's index is past its child's, so the graph is acyclic.
        if parents.iter().any(|&p| p as usize >= count || p as usize <= i) {
            return None;
        }
        let paths: Vec<String> = (0..r.len()?).map(|_| r.str().map(str::to_string)).collect::<Option<_>>()?;
        let meta = if paths.is_empty() {
            Meta::default()
        } else {
            Meta {
                author: authors.get(usize::try_from(r.u64()?).ok()?)?.clone(),
                seconds: r.i64()?,
                offset_minutes: i32::try_from(r.i64()?).ok()?,
                summary: r.str()?.to_string(),
                private: match r.u64()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                },
            }
        };
        graph.push(Node { id, time, parents, paths, meta });
    }
    // Every byte accounted for, and no commit twice.
    (r.0.is_empty() && graph.index.len() == count).then_some(graph)
}

fn put_u64(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_i64(out: &mut Vec<u8>, n: i64) {
    put_u64(out, ((n << 1) ^ (n >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn i64(&mut self) -> Option<i64> {
        let n = self.u64()?;
        Some(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    /// A count of things still to read: never more than the bytes left, so a corrupt count
    /// cannot make the reader allocate wildly.
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok().filter(|&n| n <= self.0.len())
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Graph {
        let mut g = Graph::default();
        let meta = |a: &str, s: &str| Meta {
            author: a.into(),
            seconds: -5,
            offset_minutes: -330,
            summary: s.into(),
            private: s.is_empty(),
        };
        g.push(Node {
            id: Oid::from_bytes(&[1; 20]).unwrap(),
            time: 1_800_000_000,
            parents: vec![1, 2],
            paths: vec!["content/a.md".into(), "schema/é.yaml".into()],
            meta: meta("Ana", "Merge"),
        });
        g.push(Node {
            id: Oid::from_bytes(&[2; 20]).unwrap(),
            time: 7,
            parents: vec![2],
            paths: vec![],
            meta: Meta::default(),
        });
        g.push(Node {
            id: Oid::from_bytes(&[3; 20]).unwrap(),
            time: i64::MIN,
            parents: vec![],
            paths: vec!["incsite.toml".into()],
            meta: meta("Ana", ""),
        });
        g
    }

    #[test]
    fn a_cache_reads_back_as_written() {
        let g = graph();
        assert_eq!(decode(&encode(&g, "s"), "s"), Some(g));
        assert_eq!(decode(&encode(&Graph::default(), ""), ""), Some(Graph::default()));
    }

    #[test]
    fn anything_but_a_whole_cache_for_this_scope_is_ignored() {
        let bytes = encode(&graph(), "s");
        assert_eq!(decode(&bytes, "t"), None, "another site's cache");
        for n in 0..bytes.len() {
            assert_eq!(decode(&bytes[..n], "s"), None, "truncated to {n} bytes");
            let mut flipped = bytes.clone();
            flipped[n] ^= 0x10;
            assert_eq!(decode(&flipped, "s"), None, "byte {n} changed");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, "s"), None);
        let mut other_version = bytes;
        other_version[15] = b'1';
        assert_eq!(decode(&other_version, "s"), None);
    }
}
