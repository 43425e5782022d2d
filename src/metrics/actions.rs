//! Action items across incidents: how many are open, overdue and done, done on time, the
//! completion rate, per owner, and how many were open week by week.

use super::Incident;
use crate::record::ActionStatus;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionFigures {
    pub total: usize,
    pub open: usize,
    pub in_progress: usize,
    /// Open or in progress, and due before today (UTC day of `now`).
    pub overdue: usize,
    pub done: usize,
    /// Done with `done_on` on or before `due`.
    pub done_on_time: usize,
    /// Done with `done_on` after `due`.
    pub done_late: usize,
    pub wont_do: usize,
    /// `done / (total − wont_do)`: a won't-do item is no longer expected to be done. Null when
    /// nothing is expected.
    pub completion_rate: Option<f64>,
    pub by_owner: BTreeMap<String, OwnerActions>,
    /// Items open at the end of each ISO week (Sunday), from the week of the first incident with
    /// items to `now` (the last point is `now`'s day). An item opens on its incident's start day
    /// and closes on `done_on`; a closed item without `done_on` is left out (its span is unknown).
    pub open_over_time: Vec<OpenPoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OwnerActions {
    /// Open or in progress.
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenPoint {
    pub date: NaiveDate,
    pub open: usize,
}

pub(super) fn actions(incidents: &[&Incident], now: DateTime<Utc>) -> ActionFigures {
    let today = now.date_naive();
    let mut f = ActionFigures {
        total: 0,
        open: 0,
        in_progress: 0,
        overdue: 0,
        done: 0,
        done_on_time: 0,
        done_late: 0,
        wont_do: 0,
        completion_rate: None,
        by_owner: BTreeMap::new(),
        open_over_time: Vec::new(),
    };
    // (opened, closed) for the series.
    let mut spans: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for incident in incidents {
        for item in &incident.record.action_items {
            f.total += 1;
            let overdue = item.is_overdue(today);
            f.overdue += usize::from(overdue);
            match item.status {
                ActionStatus::Open => f.open += 1,
                ActionStatus::InProgress => f.in_progress += 1,
                ActionStatus::Done => {
                    f.done += 1;
                    if let (Some(done_on), Some(due)) = (item.done_on, item.due) {
                        if done_on <= due {
                            f.done_on_time += 1;
                        } else {
                            f.done_late += 1;
                        }
                    }
                }
                ActionStatus::WontDo => f.wont_do += 1,
            }
            if let Some(owner) = item.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                let o = f.by_owner.entry(owner.to_string()).or_default();
                o.open += usize::from(!item.status.is_closed());
                o.overdue += usize::from(overdue);
                o.done += usize::from(item.status == ActionStatus::Done);
            }
            if let Some(opened) = incident.start.map(|s| s.date_naive()) {
                match (item.status.is_closed(), item.done_on) {
                    (false, _) => spans.push((opened, None)),
                    (true, Some(closed)) => spans.push((opened, Some(closed))),
                    (true, None) => {}
                }
            }
        }
    }
    let expected = f.total - f.wont_do;
    f.completion_rate = (expected > 0).then(|| f.done as f64 / expected as f64);
    f.open_over_time = open_over_time(&spans, today);
    f
}

/// The number of items open at the end of each week, and on `today`.
fn open_over_time(spans: &[(NaiveDate, Option<NaiveDate>)], today: NaiveDate) -> Vec<OpenPoint> {
    let Some(first) = spans.iter().map(|s| s.0).min() else { return Vec::new() };
    // Open on `day`: opened by then, less those also closed by then (opened and closed by `day`
    // is the later of the two by `day`), counted by binary search in sorted days.
    let mut opened: Vec<NaiveDate> = spans.iter().map(|s| s.0).collect();
    let mut gone: Vec<NaiveDate> = spans.iter().filter_map(|&(o, c)| c.map(|c| c.max(o))).collect();
    opened.sort_unstable();
    gone.sort_unstable();
    let open_on = |day: NaiveDate| opened.partition_point(|&d| d <= day) - gone.partition_point(|&d| d <= day);
    let mut points = Vec::new();
    let mut sunday = first + Days::new(u64::from(6 - first.weekday().num_days_from_monday()));
    while sunday < today {
        points.push(OpenPoint { date: sunday, open: open_on(sunday) });
        sunday = sunday + Days::new(7);
    }
    if first <= today {
        points.push(OpenPoint { date: today, open: open_on(today) });
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn open_items_week_by_week() {
        // Opened Wed 2026-03-04, closed 2026-03-10; another opened 2026-03-04, still open.
        let spans = [(d("2026-03-04"), Some(d("2026-03-10"))), (d("2026-03-04"), None)];
        let points = open_over_time(&spans, d("2026-03-18"));
        let got: Vec<(String, usize)> = points.iter().map(|p| (p.date.to_string(), p.open)).collect();
        assert_eq!(
            got,
            [("2026-03-08".into(), 2), ("2026-03-15".into(), 1), ("2026-03-18".into(), 1)]
                .map(|(a, b): (String, usize)| (a, b))
        );
        assert!(open_over_time(&[], d("2026-03-18")).is_empty());
    }

    #[test]
    fn open_items_match_a_direct_count() {
        // Including an item closed before it opened (a typo in `done_on`), which is never open.
        let spans = [
            (d("2026-01-05"), Some(d("2026-02-01"))),
            (d("2026-01-20"), None),
            (d("2026-02-10"), Some(d("2026-01-01"))),
            (d("2026-01-11"), Some(d("2026-01-11"))),
            (d("2026-03-01"), Some(d("2026-03-08"))),
        ];
        let today = d("2026-03-20");
        for point in open_over_time(&spans, today) {
            let direct = spans.iter().filter(|(o, c)| *o <= point.date && c.is_none_or(|c| c > point.date)).count();
            assert_eq!(point.open, direct, "{}", point.date);
        }
    }
}
