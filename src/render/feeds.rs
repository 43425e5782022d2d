//! The feeds and machine files: Atom, iCalendar, sitemap and SVG status badges.

use super::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use anyhow::Result;

pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    let _ = (view, status, opts, pages);
    Ok(())
}
