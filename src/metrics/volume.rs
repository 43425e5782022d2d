//! How many incidents, when, and how long: volume per ISO week and per month by severity, the TTR
//! histogram and the longest incidents.

use super::{month_key, week_key, Incident};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many of the longest incidents a report lists.
pub const LONGEST: usize = 10;

/// Incidents in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: usize,
    /// By severity id (incidents without a severity count only in `total`).
    pub by_severity: BTreeMap<String, usize>,
}

/// Incident volume over time. Every period from the first incident's to the last one's is
/// present, empty ones with zero, so that charts show quiet weeks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// By ISO week of the start (UTC): `2026-W09`.
    pub by_week: BTreeMap<String, Tally>,
    /// By month of the start (UTC): `2026-03`.
    pub by_month: BTreeMap<String, Tally>,
}

pub(super) fn volume(incidents: &[&Incident]) -> Volume {
    let days: Vec<NaiveDate> = incidents.iter().filter_map(|i| i.start).map(|s| s.date_naive()).collect();
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return Volume::default();
    };
    let mut out = Volume::default();
    // Every week and month in the range, empty.
    let mut monday = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    while monday <= last {
        out.by_week.insert(week_key(monday), Tally::default());
        monday = monday + Days::new(7);
    }
    let mut month = first.with_day(1).unwrap_or(first);
    while month <= last {
        out.by_month.insert(month_key(month), Tally::default());
        month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
    }
    for incident in incidents {
        let Some(day) = incident.start.map(|s| s.date_naive()) else { continue };
        for tally in [out.by_week.entry(week_key(day)).or_default(), out.by_month.entry(month_key(day)).or_default()] {
            tally.total += 1;
            if let Some(sev) = incident.severity() {
                *tally.by_severity.entry(sev.to_string()).or_default() += 1;
            }
        }
    }
    out
}

/// One histogram bar: TTRs in `[from_s, until_s)` (`until_s` null for the last, open bin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bin {
    pub label: String,
    pub from_s: i64,
    pub until_s: Option<i64>,
    pub count: usize,
}

/// The bin edges, in seconds, with labels: a human scale that doubles roughly each step.
const EDGES: [(i64, &str); 9] = [
    (0, "< 15m"),
    (900, "15–30m"),
    (1800, "30m–1h"),
    (3600, "1–2h"),
    (7200, "2–4h"),
    (14_400, "4–8h"),
    (28_800, "8h–1d"),
    (86_400, "1–3d"),
    (259_200, "≥ 3d"),
];

pub(super) fn histogram(incidents: &[&Incident]) -> Vec<Bin> {
    let mut bins: Vec<Bin> = EDGES
        .iter()
        .enumerate()
        .map(|(i, (from, label))| Bin {
            label: (*label).to_string(),
            from_s: *from,
            until_s: EDGES.get(i + 1).map(|e| e.0),
            count: 0,
        })
        .collect();
    for ttr in incidents.iter().filter_map(|i| i.durations.ttr) {
        // A negative TTR (milestones out of order, an error `check` reports) goes in the first bin.
        let index = EDGES.iter().rposition(|(from, _)| ttr >= *from).unwrap_or(0);
        bins[index].count += 1;
    }
    bins
}

/// One of the longest incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Longest {
    pub id: String,
    pub title: String,
    pub severity: Option<String>,
    /// The start, RFC 3339 in UTC.
    pub start: Option<String>,
    pub ttr_s: i64,
}

pub(super) fn longest(incidents: &[&Incident]) -> Vec<Longest> {
    let mut with_ttr: Vec<(&Incident, i64)> =
        incidents.iter().filter_map(|i| i.durations.ttr.map(|t| (*i, t))).collect();
    with_ttr.sort_by(|(a, ta), (b, tb)| tb.cmp(ta).then_with(|| a.id().cmp(b.id())));
    with_ttr
        .into_iter()
        .take(LONGEST)
        .map(|(i, ttr)| Longest {
            id: i.id().to_string(),
            title: i.record.title().to_string(),
            severity: i.severity().map(str::to_string),
            start: i.start.map(|s| s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ttr_s: ttr,
        })
        .collect()
}
