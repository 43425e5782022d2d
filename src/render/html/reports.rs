//! `reports/index.html`: the figures of [`crate::metrics::report`] over the page's view (so a
//! public build counts only public incidents) as tables, with the four SVG charts of
//! [`crate::render::charts`] drawn at build time. Load per person is shown only to an internal
//! audience: people's names are not for the public. Its words come from the locale files
//! (`reports.*`; the charts' from `charts.*`).

use super::context::{Sev, Shared};
use super::i18n::Words;
use super::time::{human_in, units_in, Time};
use super::{Rendered, Renderer};
use crate::metrics::show::ordered;
use crate::metrics::{self, Figure, Filter, Group, Report};
use crate::render::{charts, urls};
use crate::schema::PostmortemPolicy;
use crate::site::Audience;
use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// One of MTTD..MTTR for display: every value already in words, "—" when there is none.
#[derive(Serialize)]
struct FigureView {
    abbr: &'static str,
    name: String,
    count: usize,
    mean: String,
    median: String,
    p90: String,
    /// No incident has the value.
    none: bool,
}

/// A row of a by-severity / by-service / by-month table.
#[derive(Serialize)]
struct GroupView {
    key: String,
    label: String,
    /// A site path to the matching incident list, when there is one.
    url: Option<String>,
    severity: Option<Sev>,
    /// `key` is a month (`2026-03`).
    month: bool,
    incidents: usize,
    figures: Vec<FigureView>,
}

#[derive(Serialize)]
struct Charts {
    mttx: String,
    volume: String,
    ttr: String,
    actions: String,
}

#[derive(Serialize)]
struct VolumeRow {
    key: String,
    label: String,
    total: usize,
    /// One count per column of `volume_severities`.
    counts: Vec<usize>,
}

#[derive(Serialize)]
struct BinView {
    label: String,
    count: usize,
}

#[derive(Serialize)]
struct LongestView {
    id: String,
    title: String,
    url: String,
    severity: Option<Sev>,
    start: Option<Time>,
    ttr: String,
}

#[derive(Serialize)]
struct LinkView {
    id: String,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct CauseView {
    cause: String,
    incidents: usize,
}

#[derive(Serialize)]
struct RepeatsView {
    incidents: usize,
    repeats: usize,
    share: String,
    list: Vec<LinkView>,
    causes: Vec<CauseView>,
}

#[derive(Serialize)]
struct ActionsView {
    total: usize,
    open: usize,
    in_progress: usize,
    overdue: usize,
    done: usize,
    done_on_time: usize,
    done_late: usize,
    wont_do: usize,
    completion: String,
}

#[derive(Serialize)]
struct ComplianceView {
    severity: Sev,
    incidents: usize,
    respond_within: String,
    acknowledged: String,
    acknowledged_unknown: usize,
    update_every: String,
    updated: String,
    updated_unknown: usize,
    /// Some incidents missed a limit.
    late: bool,
}

#[derive(Serialize)]
struct PostmortemView {
    severity: Sev,
    policy: String,
    within: String,
    resolved: usize,
    published: usize,
    on_time: usize,
    late: usize,
    unpublished: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct PersonView {
    name: String,
    incidents: usize,
    acknowledged: usize,
    roles: String,
}

#[derive(Serialize)]
struct Page {
    /// Counted incidents.
    incidents: usize,
    /// "12 incidents", in words.
    incidents_text: String,
    /// "January 2026 – May 2026", or empty.
    period: String,
    mtta_from: String,
    mttr_from: String,
    overall: Vec<FigureView>,
    by_severity: Vec<GroupView>,
    by_service: Vec<GroupView>,
    by_month: Vec<GroupView>,
    charts: Charts,
    volume_severities: Vec<String>,
    volume_months: Vec<VolumeRow>,
    ttr_bins: Vec<BinView>,
    longest: Vec<LongestView>,
    repeats: RepeatsView,
    actions: ActionsView,
    compliance: Vec<ComplianceView>,
    postmortems: Vec<PostmortemView>,
    /// Only for an internal audience; `None` in a public build.
    people: Option<Vec<PersonView>>,
}

pub fn page(r: &Renderer) -> Result<Rendered> {
    let s = r.shared;
    let report = metrics::report(s.view, &Filter::default(), s.opts.now);
    let page = build(s, &report);
    r.page("reports.html", "reports/index.html", "reports", s.words.get("reports.heading"), &page)
}

/// The charts draw the latest two years by month and the latest year by week (the tables by
/// month hold every month): a chart of every week of a long history outgrows the page budget.
const CHART_MONTHS: usize = 24;
const CHART_WEEKS: usize = 52;
/// The repeat incidents listed by name, newest first (the share counts them all).
const REPEATS_SHOWN: usize = 50;

/// The last `n` entries of a map keyed by sortable periods (`2026-03`, `2026-W09`).
fn latest<V: Clone>(map: &BTreeMap<String, V>, n: usize) -> BTreeMap<String, V> {
    map.iter().rev().take(n).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The newest `n` of the records `ids`, newest first (ids not in the view last, as given).
fn latest_records<'a>(s: &Shared, ids: &'a [String], n: usize) -> Vec<&'a String> {
    let mut known: Vec<(usize, &String)> =
        ids.iter().filter_map(|id| s.by_id.get(id.as_str()).map(|&i| (i, id))).collect();
    known.sort_by(|a, b| super::listing::newest_first(s, a.0, b.0));
    let mut out: Vec<&String> = known.into_iter().map(|(_, id)| id).collect();
    out.extend(ids.iter().filter(|id| !s.by_id.contains_key(id.as_str())));
    out.truncate(n);
    out
}

fn build(s: &Shared, report: &Report) -> Page {
    let w: &Words = &s.words;
    let severities: Vec<&str> = s.view.policy.severities.iter().map(|x| x.id.as_str()).collect();
    let services: Vec<&str> = s.view.policy.services.iter().map(|x| x.id.as_str()).collect();
    let scope = &report.scope;
    let from = |f: crate::config::From| match f {
        crate::config::From::Started => w.get("reports.from_started").to_string(),
        crate::config::From::Detected => w.get("reports.from_detected").to_string(),
    };
    let columns = volume_columns(report, &severities);
    let bins: Vec<metrics::Bin> =
        report.ttr_histogram.iter().map(|b| metrics::Bin { label: units_in(w, &b.label), ..b.clone() }).collect();
    let months: Vec<&String> = report.by_month.keys().collect();
    let period = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a == b => month_label(w, a),
        (Some(a), Some(b)) => format!("{} – {}", month_label(w, a), month_label(w, b)),
        _ => String::new(),
    };
    Page {
        incidents: report.overall.incidents,
        incidents_text: w.count("reports.incidents_n", report.overall.incidents as u64),
        period,
        mtta_from: from(scope.mtta_from),
        mttr_from: from(scope.mttr_from),
        overall: figures(w, &report.overall),
        by_severity: ordered(&report.by_severity, &severities)
            .into_iter()
            .map(|(id, g)| {
                let mut v = group(w, id, id.to_string(), g);
                v.severity = Some(s.severity(id));
                v.url = Some(urls::severity(id));
                v
            })
            .collect(),
        by_service: ordered(&report.by_service, &services)
            .into_iter()
            .map(|(id, g)| {
                let mut v = group(w, id, s.service_name(id), g);
                if services.contains(&id) {
                    v.url = Some(urls::service(id));
                }
                v
            })
            .collect(),
        by_month: report
            .by_month
            .iter()
            .map(|(m, g)| GroupView { month: true, ..group(w, m, month_label(w, m), g) })
            .collect(),
        charts: Charts {
            mttx: charts::mttx_by_month(&latest(&report.by_month, CHART_MONTHS), w),
            volume: charts::weekly_volume(&latest(&report.volume.by_week, CHART_WEEKS), &severities, w),
            ttr: charts::ttr_histogram(&bins, w),
            actions: charts::open_actions(&report.action_items.open_over_time, w),
        },
        volume_months: report
            .volume
            .by_month
            .iter()
            .map(|(m, t)| VolumeRow {
                key: m.clone(),
                label: short_month_label(w, m),
                total: t.total,
                counts: columns.iter().map(|c| t.by_severity.get(c).copied().unwrap_or(0)).collect(),
            })
            .collect(),
        volume_severities: columns,
        ttr_bins: bins.iter().map(|b| BinView { label: b.label.clone(), count: b.count }).collect(),
        longest: report
            .longest
            .iter()
            .map(|l| {
                let card = s.by_id.get(l.id.as_str()).map(|&i| s.card(i));
                LongestView {
                    id: l.id.clone(),
                    title: l.title.clone(),
                    url: s.record_url(&l.id),
                    severity: l.severity.as_deref().map(|x| s.severity(x)),
                    start: card.and_then(|c| c.start.clone()),
                    ttr: human_in(w, l.ttr_s),
                }
            })
            .collect(),
        repeats: RepeatsView {
            incidents: report.repeats.incidents,
            repeats: report.repeats.repeats,
            share: percent(report.repeats.share),
            list: latest_records(s, &report.repeats.ids, REPEATS_SHOWN)
                .into_iter()
                .map(|id| LinkView {
                    id: id.clone(),
                    title: s.by_id.get(id.as_str()).map(|&i| s.card(i).title.clone()).unwrap_or_else(|| id.clone()),
                    url: s.record_url(id),
                })
                .collect(),
            causes: {
                let mut causes: Vec<CauseView> = report
                    .repeats
                    .by_cause
                    .iter()
                    .map(|(c, n)| CauseView { cause: c.clone(), incidents: *n })
                    .collect();
                causes.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.cause.cmp(&b.cause)));
                causes
            },
        },
        actions: {
            let a = &report.action_items;
            ActionsView {
                total: a.total,
                open: a.open,
                in_progress: a.in_progress,
                overdue: a.overdue,
                done: a.done,
                done_on_time: a.done_on_time,
                done_late: a.done_late,
                wont_do: a.wont_do,
                completion: percent(a.completion_rate),
            }
        },
        compliance: ordered(&report.compliance, &severities)
            .into_iter()
            .map(|(id, c)| ComplianceView {
                severity: s.severity(id),
                incidents: c.incidents,
                respond_within: limit(w, c.respond_within_s),
                acknowledged: share(w, c.respond_within_s, c.acknowledged_in_time, c.acknowledged_late),
                acknowledged_unknown: c.acknowledged_unknown,
                update_every: limit(w, c.update_every_s),
                updated: share(w, c.update_every_s, c.updated_in_time, c.updated_late),
                updated_unknown: c.updated_unknown,
                late: (c.respond_within_s.is_some() && c.acknowledged_late > 0)
                    || (c.update_every_s.is_some() && c.updated_late > 0),
            })
            .collect(),
        postmortems: ordered(&report.postmortems, &severities)
            .into_iter()
            .map(|(id, p)| PostmortemView {
                severity: s.severity(id),
                policy: w
                    .get(match p.policy {
                        PostmortemPolicy::Required => "reports.required",
                        PostmortemPolicy::Optional => "reports.optional",
                    })
                    .to_string(),
                within: limit(w, p.within_s),
                resolved: p.resolved,
                published: p.published,
                on_time: p.on_time,
                late: p.late,
                unpublished: p.unpublished,
                overdue: p.overdue,
            })
            .collect(),
        people: (s.view.audience == Audience::Internal).then(|| people(s, report)),
    }
}

fn group(w: &Words, key: &str, label: String, g: &Group) -> GroupView {
    GroupView {
        key: key.to_string(),
        label,
        url: None,
        severity: None,
        month: false,
        incidents: g.incidents,
        figures: figures(w, g),
    }
}

fn figures(w: &Words, g: &Group) -> Vec<FigureView> {
    let keys = ["reports.figure.mttd", "reports.figure.mtta", "reports.figure.mttm", "reports.figure.mttr"];
    g.figures().into_iter().zip(keys).map(|((abbr, f), key)| figure(w, abbr, w.get(key).to_string(), f)).collect()
}

fn figure(w: &Words, abbr: &'static str, name: String, f: &Figure) -> FigureView {
    FigureView {
        abbr,
        name,
        count: f.count,
        mean: seconds(w, f.mean_s),
        median: seconds(w, f.median_s),
        p90: seconds(w, f.p90_s),
        none: f.count == 0,
    }
}

/// A duration in words, rounded to the second; "—" for none.
fn seconds(w: &Words, v: Option<f64>) -> String {
    v.map(|s| human_in(w, s.round() as i64)).unwrap_or_else(|| "—".to_string())
}

/// "27%"; "—" for none.
fn percent(v: Option<f64>) -> String {
    metrics::show::percent(v, "—")
}

/// A policy limit; "—" when the policy sets none.
fn limit(w: &Words, v: Option<i64>) -> String {
    v.map(|v| human_in(w, v)).unwrap_or_else(|| "—".to_string())
}

/// "2 of 3 (67%)" of the incidents that could be judged; "—" without a limit or a judgeable one.
fn share(w: &Words, limit: Option<i64>, good: usize, bad: usize) -> String {
    let n = good + bad;
    if limit.is_none() || n == 0 {
        return "—".to_string();
    }
    let percent = percent(Some(good as f64 / n as f64));
    w.fill("reports.share", &[("good", &good.to_string()), ("n", &n.to_string()), ("percent", &percent)])
}

/// `2026-03` → "March 2026" (`date.month`, in the site's language).
fn month_label(w: &Words, key: &str) -> String {
    NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
        .map(|d| w.date(d, "month"))
        .unwrap_or_else(|_| key.to_string())
}

/// `2026-03` → "Mar 2026" (`reports.short_month`).
fn short_month_label(w: &Words, key: &str) -> String {
    NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
        .map(|d| d.format_localized(w.get("reports.short_month"), w.locale).to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// The severities that occur in the monthly volume, the policy's order first.
fn volume_columns(report: &Report, order: &[&str]) -> Vec<String> {
    let seen: Vec<&String> = report.volume.by_month.values().flat_map(|t| t.by_severity.keys()).collect();
    let mut out: Vec<String> = order.iter().filter(|s| seen.iter().any(|x| x == *s)).map(|s| s.to_string()).collect();
    let mut others: Vec<String> =
        seen.into_iter().filter(|s| !order.contains(&s.as_str())).map(String::clone).collect();
    others.sort();
    others.dedup();
    out.extend(others);
    out
}

/// Load per person, busiest first; roles by their catalogue names.
fn people(s: &Shared, report: &Report) -> Vec<PersonView> {
    let mut people: Vec<PersonView> = report
        .people
        .iter()
        .map(|(name, load)| PersonView {
            name: name.clone(),
            incidents: load.incidents,
            acknowledged: load.acknowledged,
            roles: load
                .roles
                .iter()
                .map(|(role, n)| {
                    let role = s.view.policy.role(role).map(|r| r.name.clone()).unwrap_or_else(|| role.clone());
                    if *n == 1 {
                        role
                    } else {
                        format!("{role} ×{n}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    people.sort_by(|a, b| {
        (b.incidents, b.acknowledged).cmp(&(a.incidents, a.acknowledged)).then_with(|| a.name.cmp(&b.name))
    });
    people
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::html::i18n::english;

    #[test]
    fn words_for_values() {
        let en = english();
        assert_eq!(seconds(en, Some(3900.4)), "1h 05m");
        assert_eq!(seconds(en, None), "—");
        assert_eq!(percent(Some(3.0 / 11.0)), "27%");
        assert_eq!(share(en, Some(300), 2, 1), "2 of 3 (67%)");
        assert_eq!(share(en, None, 2, 1), "—");
        assert_eq!(share(en, Some(300), 0, 0), "—");
        assert_eq!(month_label(en, "2026-03"), "March 2026");
        assert_eq!(short_month_label(en, "2026-03"), "Mar 2026");
        assert_eq!(month_label(en, "junk"), "junk");
    }

    #[test]
    fn words_in_german() {
        let de = Words::load("de", None).unwrap();
        assert_eq!(seconds(&de, Some(3900.4)), "1 Std. 05 Min.");
        assert_eq!(share(&de, Some(300), 2, 1), "2 von 3 (67%)");
        assert_eq!(month_label(&de, "2026-03"), "März 2026");
        assert_eq!(units_in(&de, "8h–1d"), "8 Std.–1 Tg.");
        assert_eq!(units_in(english(), "≥ 3d"), "≥ 3d");
        let f = Figure { count: 0, mean_s: None, median_s: None, p90_s: None };
        let g = Group { incidents: 0, mttd: f, mtta: f, mttm: f, mttr: f };
        assert_eq!(figures(&de, &g)[0].name, "Mittlere Zeit bis zur Erkennung");
    }
}
