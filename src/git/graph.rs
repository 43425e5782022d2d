//! The commit graph the history walk works on — per commit its parents, its time and the site's
//! files it changed — and the order the walk visits it in. Read from git or from the cache.

use git2::Oid;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Who made a commit, when, and why: what the site shows of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub author: String,
    /// The author's time, seconds since the epoch, and their offset from UTC in minutes.
    pub seconds: i64,
    pub offset_minutes: i32,
    /// The first line of the message.
    pub summary: String,
    /// The commit touched a record that was not public as it stood at that commit (or, for a
    /// record the commit deleted, as it stood before): a public build shows neither its message
    /// nor its author. Filled in by the walk once the commit's changed paths are known.
    pub private: bool,
}

impl Meta {
    pub fn of(commit: &git2::Commit) -> Meta {
        let author = commit.author();
        let when = author.when();
        Meta {
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            seconds: when.seconds(),
            offset_minutes: when.offset_minutes(),
            summary: commit.summary_bytes().map(|s| String::from_utf8_lossy(s).trim().to_string()).unwrap_or_default(),
            private: false,
        }
    }
}

/// One commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: Oid,
    /// The committer's time (what orders the walk), seconds since the epoch.
    pub time: i64,
    /// Indexes into [`Graph::nodes`].
    pub parents: Vec<u32>,
    /// The site's files the commit changed (see `changes::Differ::changed`).
    pub paths: Vec<String>,
    /// Only kept for a commit that changed something: no page shows the others.
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub index: HashMap<Oid, u32>,
}

impl Graph {
    /// Adds a node (whose parents are filled in later) and returns its index.
    pub fn push(&mut self, node: Node) -> u32 {
        let i = self.nodes.len() as u32;
        self.index.insert(node.id, i);
        self.nodes.push(node);
        i
    }

    /// Every commit reachable from `head`, children before their parents and otherwise newest
    /// (committer time) first, ties in the order they became ready — `git log --date-order`.
    /// For a history whose clocks never go backwards this is also `git log`'s default order.
    pub fn date_order(&self, head: u32) -> Vec<u32> {
        let nodes = &self.nodes;
        // How many reachable children each commit has.
        let mut children = vec![0u32; nodes.len()];
        let mut seen = vec![false; nodes.len()];
        let mut stack = vec![head];
        seen[head as usize] = true;
        while let Some(i) = stack.pop() {
            for &p in &nodes[i as usize].parents {
                children[p as usize] += 1;
                if !std::mem::replace(&mut seen[p as usize], true) {
                    stack.push(p);
                }
            }
        }
        let mut out = Vec::with_capacity(seen.iter().filter(|s| **s).count());
        let mut ready = BinaryHeap::new();
        let mut seq = 0u64;
        ready.push((nodes[head as usize].time, Reverse(seq), head));
        while let Some((_, _, i)) = ready.pop() {
            out.push(i);
            for &p in &nodes[i as usize].parents {
                children[p as usize] -= 1;
                if children[p as usize] == 0 {
                    seq += 1;
                    ready.push((nodes[p as usize].time, Reverse(seq), p));
                }
            }
        }
        out
    }

    /// The commits at `order` alone, re-indexed, in that order.
    pub fn subset(&self, order: &[u32]) -> Graph {
        let mut new_index = vec![u32::MAX; self.nodes.len()];
        for (n, &i) in order.iter().enumerate() {
            new_index[i as usize] = n as u32;
        }
        let mut graph = Graph::default();
        for &i in order {
            let mut node = self.nodes[i as usize].clone();
            node.parents = node.parents.iter().map(|&p| new_index[p as usize]).collect();
            graph.push(node);
        }
        graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(n: u8, time: i64, parents: &[u32]) -> Node {
        Node {
            id: Oid::from_bytes(&[n; 20]).unwrap(),
            time,
            parents: parents.to_vec(),
            paths: vec![],
            meta: Meta::default(),
        }
    }

    #[test]
    fn children_come_before_parents_then_newest_first() {
        // 0 ← 1 ← 3 (merge) and 0 ← 2 ← 3; 2 is newer than 1; 4 is unreachable from 3.
        let mut g = Graph::default();
        for n in [node(0, 10, &[]), node(1, 20, &[0]), node(2, 30, &[0]), node(3, 40, &[1, 2]), node(4, 50, &[3])] {
            g.push(n);
        }
        assert_eq!(g.date_order(3), [3, 2, 1, 0]);
        assert_eq!(g.date_order(4), [4, 3, 2, 1, 0]);
        // A clock that went backwards: the child still comes first.
        g.nodes[0].time = 100;
        assert_eq!(g.date_order(3), [3, 2, 1, 0]);
        // Equal times: first parent first.
        g.nodes[1].time = 30;
        assert_eq!(g.date_order(3), [3, 1, 2, 0]);
        let sub = g.subset(&g.date_order(3));
        assert_eq!(
            sub.nodes.iter().map(|n| n.parents.clone()).collect::<Vec<_>>(),
            [vec![1, 2], vec![3], vec![3], vec![]]
        );
        assert_eq!(sub.index[&g.nodes[3].id], 0);
    }
}
