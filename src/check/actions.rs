//! Action items: unique ids within a record, due dates kept, closed items dated.

use super::Index;
use crate::diag::Diagnostic;
use crate::record::{ActionStatus, Record};
use foldhash::{HashMap, HashMapExt};

/// `duplicate-id`: two action items of one record with the same id (the tracker could not tell
/// them apart).
pub(super) fn duplicate_ids(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for item in &record.action_items {
        match seen.get(item.id.as_str()) {
            Some(line) => out.push(Diagnostic::error(
                &record.path,
                item.pos,
                "duplicate-id",
                format!("action item id `{}` is already used at line {line}", item.id),
            )),
            None => {
                seen.insert(&item.id, item.pos.line);
            }
        }
    }
}

/// `action-overdue` (warning): an open or in-progress item whose due date has passed (in the
/// site's time zone).
pub(super) fn overdue(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for item in &record.action_items {
        let Some(due) = item.due.filter(|_| item.is_overdue(ix.today)) else { continue };
        let days = (ix.today - due).num_days();
        let status = if item.status == ActionStatus::InProgress { "in progress" } else { "open" };
        out.push(
            Diagnostic::warning(
                &record.path,
                item.pos,
                "action-overdue",
                format!(
                    "action item `{}` is {status} and was due {due} ({days} day{} ago)",
                    item.title.as_deref().unwrap_or(&item.id),
                    if days == 1 { "" } else { "s" }
                ),
            )
            .with_hint("finish it, move `due`, or set `status: wont_do` with `done_on`"),
        );
    }
}

/// `done-without-date` (warning): a done or won't-do item without `done_on`.
pub(super) fn done_without_date(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for item in record.action_items.iter().filter(|i| i.status.is_closed() && i.done_on.is_none()) {
        let status = if item.status == ActionStatus::Done { "done" } else { "wont_do" };
        out.push(
            Diagnostic::warning(
                &record.path,
                item.pos,
                "done-without-date",
                format!(
                    "action item `{}` is `{status}` but has no `done_on`",
                    item.title.as_deref().unwrap_or(&item.id)
                ),
            )
            .with_hint("add `done_on: YYYY-MM-DD`, the day it was closed"),
        );
    }
}
