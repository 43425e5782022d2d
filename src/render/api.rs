//! The JSON API: Statuspage API v2 shapes under `api/v2/`, and incsite's own `api/incidents.json`.

use super::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use anyhow::Result;

pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    let _ = (view, status, opts, pages);
    Ok(())
}
