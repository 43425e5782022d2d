//! A YAML tree that remembers where every node came from, built with limits so that no input
//! (an alias bomb, a deep nesting) can hang or crash incsite.

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

mod explain;
mod simple;

pub use explain::{explain, Explained};

/// The most nested a document may be.
pub const MAX_DEPTH: usize = 64;
/// The most nodes a document may expand to, aliases included.
pub const MAX_NODES: usize = 200_000;

/// A node and its 1-based line and column in the parsed text, whose scalars borrow from the text
/// where they can.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub line: usize,
    pub col: usize,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A scalar as written; `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
    },
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// A YAML problem at a 1-based line and column of the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Node<'_> {
    /// True for an empty plain scalar, `~` or `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar text, for a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// What kind of value this is, in words, for "expected a list, found a mapping".
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "nothing",
            Value::Scalar { text, plain: true } if matches!(text.as_ref(), "true" | "false") => "a boolean",
            Value::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => "a number",
            Value::Scalar { .. } => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// How many nodes this subtree holds.
    fn size(&self) -> usize {
        match &self.value {
            Value::Scalar { .. } => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Value::Map(entries) => 1 + entries.iter().map(|(k, v)| k.size() + v.size()).sum::<usize>(),
        }
    }
}

enum Frame<'a> {
    Seq(Node<'a>, usize),
    Map(Node<'a>, usize, Option<Node<'a>>),
}

/// Parses one YAML document. An empty text yields `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Node<'_>>, YamlError> {
    // Most front matter is plain `key: value` lines, which a direct reader turns into the same
    // tree several times faster than saphyr-parser; anything else goes to saphyr.
    match simple::parse(text) {
        Some(root) => Ok(Some(root)),
        None => parse_events(text),
    }
}

/// Parses one YAML document from saphyr-parser's events.
fn parse_events(text: &str) -> Result<Option<Node<'_>>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Node> = std::collections::HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut nodes = 0usize;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                let message = if e.info().contains("recursion limit") {
                    format!("nested too deeply (more than {MAX_DEPTH} levels)")
                } else {
                    e.info().to_string()
                };
                return Err(YamlError { line: e.marker().line(), col: e.marker().col() + 1, message });
            }
            Some(Ok(pair)) => pair,
        };
        let (line, col) = (span.start.line(), span.start.col() + 1);
        let err = |message: String| YamlError { line, col, message };
        let finished: Option<(Node, usize)> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err("more than one YAML document; front matter holds exactly one".into()));
                }
                None
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().ok_or_else(|| err("alias to an unknown anchor".into()))?;
                nodes += node.size();
                if nodes > MAX_NODES {
                    return Err(err(format!(
                        "the YAML expands to more than {MAX_NODES} values through aliases; remove the aliases"
                    )));
                }
                Some((Node { line, col, ..node }, 0))
            }
            Event::Scalar(text, style, anchor, _tag) => {
                nodes += 1;
                let plain = matches!(style, ScalarStyle::Plain);
                Some((Node { line, col, value: Value::Scalar { text, plain } }, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("nested more than {MAX_DEPTH} levels deep")));
                }
                stack.push(Frame::Seq(Node { line, col, value: Value::Seq(Vec::new()) }, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("nested more than {MAX_DEPTH} levels deep")));
                }
                stack.push(Frame::Map(Node { line, col, value: Value::Map(Vec::new()) }, anchor, None));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(node, anchor)) | Some(Frame::Map(node, anchor, None)) => Some((node, anchor)),
                Some(Frame::Map(_, _, Some(_))) | None => return Err(err("unbalanced YAML structure".into())),
            },
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => None,
        };
        if nodes > MAX_NODES {
            return Err(err(format!("more than {MAX_NODES} values in one document")));
        }
        let Some((node, anchor)) = finished else { continue };
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            Some(Frame::Seq(Node { value: Value::Seq(items), .. }, _)) => items.push(node),
            Some(Frame::Map(map, _, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((key, node));
                    }
                }
            },
            Some(Frame::Seq(..)) => return Err(err("unbalanced YAML structure".into())),
            None => root = Some(node),
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::arbitrary::Arbitrary;

    fn scalar<'a>(node: &'a Node<'a>) -> &'a str {
        node.as_str().unwrap_or("<null>")
    }

    #[test]
    fn keeps_lines_and_columns() {
        let root = parse("title: A\nlist:\n  - x\n  - {k: v}\n").unwrap().unwrap();
        let Value::Map(entries) = &root.value else { panic!("not a map") };
        assert_eq!((entries[0].0.line, entries[0].0.col), (1, 1));
        assert_eq!(scalar(&entries[0].1), "A");
        let Value::Seq(items) = &entries[1].1.value else { panic!("not a seq") };
        assert_eq!((items[0].line, items[0].col), (3, 5));
        assert_eq!(items[1].line, 4);
    }

    #[test]
    fn empty_text_is_none() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = parse("a: b\nc: [d\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("aliases"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("nested"), "{e:?}");
    }

    /// The direct reader, where it takes a text at all, gives saphyr's tree exactly.
    fn same_as_saphyr(text: &str) -> bool {
        let fast = simple::parse(text);
        if let Some(fast) = &fast {
            assert_eq!(Ok(Some(fast.clone())), parse_events(text), "{text:?}");
        }
        fast.is_some()
    }

    #[test]
    fn direct_reader_matches_saphyr() {
        let taken = [
            "id: INC-1\ntitle: \"Checkout down\"\nseverity: SEV-1\n",
            "a: b\nlist:\n  - x\n  - \"y z\"\n  - at: 2026-03-04T09:12:00Z\n    event: started\n    text: \"é, ü: ok\"\n  - k: v\nc: d",
            "a:\n- x\n- y\nb:\n  c:\n    d: [e, f g, h.i/j]\n  e: []\n  f: [ ]\n",
            "roles:\n  ic: Alice Émile\n  resolver: [Bob, Carol]\ncauses: [x]\nurl: https://example.com/a?b=c\n",
            "a:   spaced   out   \nb: \"  inner  \"\nc: \"\"\nd: x]y,z{",
            "- a\n- b: c\n  d: e\n-   f: g\n    h: i\n",
            "k: ~\nn: null\nt: true\nx: 1.5\n",
            "a: é[x]\nb:\n    - x\n    -    y\n",
        ];
        for text in taken {
            assert!(same_as_saphyr(text), "not taken: {text:?}");
        }
        let refused = [
            "a: b # comment\n",
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a: \"multi\n  line\"\n",
            "a: plain\n  continued\n",
            "a: \"esc\\n\"\n",
            "a: {b: c}\n",
            "a:\nb: c\n",
            "a: b: c\n",
            "a:\tb\n",
            "a: b\n b: c\n",
            "- a\nb: c\n",
            "a: [b, ]\n",
            "a: [\"b\"]\n",
            "a: -1\n",
            "? a\n: b\n",
            "a: 'b'\n",
            "\"a\": b\n",
            "a: b\n---\nc: d\n",
            "a: b\n...\n",
            "%YAML 1.2\n---\na: b\n",
            "just text\n",
            "",
        ];
        for text in refused {
            assert!(!same_as_saphyr(text), "taken: {text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn direct_reader_never_differs(parts in proptest::collection::vec(proptest::sample::select(&[
            "a", "b c", "é", "-", "- ", ":", ": ", "\n", "\n  ", "\n    ", "\n- ", "\n  - ", " ", "  ", "\"", "[",
            "]", ", ", ",", "#", "x:", "key: ", "2026-03-04T09:12:00Z", "'", "{", "}", "~", "&", "*", "|", ".", "\t",
        ][..]), 0..40)) {
            same_as_saphyr(&parts.concat());
        }

        #[test]
        fn direct_reader_never_differs_on_records(edits in proptest::collection::vec(
            (proptest::sample::Index::arbitrary(), proptest::sample::select(&[
                " ", "  ", "\n", "\n  ", "- ", "-", ":", ": ", "\"", "[", "]", ",", "#", "é", "x", "",
            ][..])), 1..5)) {
            let mut text = RECORD.to_string();
            for (at, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert_str(i, insert);
            }
            same_as_saphyr(&text);
        }
    }

    const RECORD: &str = "id: INC-1\ntitle: \"Checkout down\"\nseverity: SEV-1\nimpact:\n  checkout-api: major\nroles:\n  ic: Alice\n  resolver: [Bob, Carol]\ntimeline:\n  - at: 2026-03-04T09:12:00Z\n    event: started\n  - at: 2026-03-04T09:15:00Z\n    event: update\n    text: \"We are on it.\"\naction_items:\n- title: Canary\n  due: 2026-03-18\n";

    #[test]
    fn small_aliases_work() {
        let root = parse("a: &x [1, 2]\nb: *x\n").unwrap().unwrap();
        let Value::Map(entries) = &root.value else { panic!("not a map") };
        assert_eq!(entries[1].1.line, 2);
        assert!(matches!(&entries[1].1.value, Value::Seq(v) if v.len() == 2));
    }
}
