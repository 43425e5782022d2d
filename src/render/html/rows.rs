//! Every record's list row (`incident_row.html`), rendered once for all the pages that list it
//! (the incident list and its filters, the runbooks), whatever their folder depth.
//!
//! A row is rendered with [`MARK`] as its `root` and the page's own way to the root goes in where
//! the mark is, as the page is put together. That is exact when the mark can only have come from
//! `root`: the escaping never makes it, so a record whose values hold it is rendered at each page's
//! root instead, and so is every record when the first one's row does not come out the same both
//! ways at every depth (a theme that holds the mark, or tests `root`, in its row template).

use super::{value_marks, Renderer, MARK};
use anyhow::Result;
use rayon::prelude::*;
use std::io::Write;

/// The ways to the root of the pages that list rows: a theme's row must come out the same at each
/// whether rendered there or marked and filled in.
const ROOTS: [&str; 4] = ["./", "../", "../../", "../../../"];

/// The rows of all records, in `view.records` order.
pub struct Rows {
    /// Each record's row, or `None` for one rendered at each page's root when asked.
    marked: Vec<Option<Marked>>,
}

/// A row without its marks, and where they were: where a page's root goes.
struct Marked {
    text: String,
    at: Box<[usize]>,
}

impl Marked {
    fn new(row: &str) -> Marked {
        let mut text = String::with_capacity(row.len());
        let mut at = Vec::with_capacity(1);
        for (k, part) in row.split(MARK).enumerate() {
            if k > 0 {
                at.push(text.len());
            }
            text.push_str(part);
        }
        Marked { text, at: at.into_boxed_slice() }
    }
}

impl Rows {
    /// Renders every record's row, on every core.
    pub fn new(r: &Renderer) -> Result<Rows> {
        let n = r.shared.view.records.len();
        let shared = n > 0 && {
            let card = r.shared.card_value(0);
            let row = r.row_of(0, &card, MARK)?;
            let mut same = true;
            for root in ROOTS {
                same &= r.row_of(0, &card, root)? == row.replace(MARK, root);
            }
            same
        };
        let marked = (0..n)
            .into_par_iter()
            .with_max_len(crate::PAR_JOB)
            .map(|i| {
                let card = r.shared.card_value(i);
                if shared && value_marks(&card) == 0 {
                    r.row_of(i, &card, MARK).map(|row| Some(Marked::new(&row)))
                } else {
                    Ok(None)
                }
            })
            .collect::<Result<_>>()?;
        Ok(Rows { marked })
    }

    /// Writes record `i`'s row for a page whose way to the root is `root`.
    pub fn write<W: Write + ?Sized>(&self, r: &Renderer, out: &mut W, i: usize, root: &str) -> Result<()> {
        match &self.marked[i] {
            Some(row) => {
                let mut from = 0;
                for &at in &row.at {
                    out.write_all(&row.text.as_bytes()[from..at])?;
                    out.write_all(root.as_bytes())?;
                    from = at;
                }
                out.write_all(&row.text.as_bytes()[from..])?;
            }
            None => out.write_all(r.row(i, root)?.as_bytes())?,
        }
        Ok(())
    }

    /// The rows of `records` for a page whose way to the root is `root`, one after another.
    pub fn get(&self, r: &Renderer, records: &[usize], root: &str) -> Result<String> {
        let mut out = Vec::with_capacity(records.iter().map(|&i| self.len_hint(i)).sum());
        for &i in records {
            self.write(r, &mut out, i, root)?;
        }
        Ok(String::from_utf8(out)?)
    }

    /// About how long record `i`'s row is, for sizing a page.
    fn len_hint(&self, i: usize) -> usize {
        self.marked[i].as_ref().map_or(1024, |row| row.text.len() + 16 * row.at.len())
    }
}
