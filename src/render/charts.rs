//! The reports page's charts as accessible inline SVG: pure functions from [`crate::metrics`]
//! figures to markup, so the page needs no script and two builds give the same bytes.
//!
//! Every chart has `role="img"`, a `<title>` and a `<desc>` that states the data in words (so a
//! screen reader gets the whole chart), a `viewBox` and no fixed size (it scales to its container),
//! and draws in `currentColor` with opacity steps, so it reads in light and dark mode without any
//! stylesheet. Classes (`chart`, `bar`, `sev-0`…, `axis`, `grid`, `label`, `line`, `point`) let the
//! theme restyle it. Each bar or point carries a `<title>` with its exact value as a tooltip.
//! Every word comes from the caller's [`Words`] (the `charts.*` keys of the locale files).

use super::html::i18n::Words;
use super::html::time::human_in;
use crate::metrics::{Bin, Group, OpenPoint, Tally};
use std::collections::BTreeMap;
use std::fmt::Write as _;
// SVG text and attributes are escaped exactly as the feeds' XML is.
use super::feeds::xml_escape as esc;

const WIDTH: f64 = 640.0;
/// Fill opacities for stacked series, darkest first.
const SHADES: [f64; 5] = [1.0, 0.7, 0.48, 0.3, 0.16];

/// A coordinate with one decimal, the same on every platform.
fn n(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v == v.trunc() {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The opening `<svg>` with its text alternatives.
fn open(kind: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-{kind}\" viewBox=\"0 0 {} {}\" role=\"img\" \
         aria-labelledby=\"chart-{kind}-title chart-{kind}-desc\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\
         <title id=\"chart-{kind}-title\">{}</title><desc id=\"chart-{kind}-desc\">{}</desc>",
        n(WIDTH),
        n(height),
        esc(title),
        esc(desc)
    )
}

/// A chart with nothing to draw: the title and a sentence saying so.
fn empty(kind: &str, title: &str, message: &str) -> String {
    let mut out = open(kind, 60.0, title, message);
    let _ = write!(
        out,
        "<text class=\"label\" x=\"{}\" y=\"34\" text-anchor=\"middle\" fill=\"currentColor\">{}</text></svg>",
        n(WIDTH / 2.0),
        esc(message)
    );
    out
}

/// The smallest "round" count at least `max` (1, 2, 5 × 10^k), at least 1.
fn nice_count(max: usize) -> usize {
    let mut scale = 1;
    loop {
        for step in [1, 2, 5] {
            if step * scale >= max {
                return step * scale;
            }
        }
        scale *= 10;
    }
}

/// The smallest round duration (in seconds) at least `max`.
fn nice_duration(max: f64) -> f64 {
    const STEPS: [f64; 20] = [
        60.0,
        120.0,
        300.0,
        600.0,
        900.0,
        1200.0,
        1800.0,
        3600.0,
        7200.0,
        10_800.0,
        14_400.0,
        21_600.0,
        28_800.0,
        43_200.0,
        86_400.0,
        172_800.0,
        259_200.0,
        345_600.0,
        604_800.0,
        1_209_600.0,
    ];
    if let Some(s) = STEPS.iter().find(|&&s| s >= max) {
        return *s;
    }
    (max / 604_800.0).ceil() * 604_800.0
}

/// The label for the middle grid line of a count axis: only when it is a whole number.
fn half(top: usize) -> String {
    if top.is_multiple_of(2) {
        (top / 2).to_string()
    } else {
        String::new()
    }
}

/// A plot area inside a chart.
struct Area {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Area {
    /// The baseline and a dashed grid line at half and full height, with labels on the left.
    fn axes(&self, out: &mut String, top: &str, middle: &str) {
        let (x0, x1, bottom) = (self.x, self.x + self.w, self.y + self.h);
        for (y, label) in [(self.y, top), (self.y + self.h / 2.0, middle)] {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-opacity=\"0.2\" stroke-dasharray=\"3 3\"/>\
                 <text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
                n(x0),
                n(y),
                n(x1),
                n(y),
                n(x0 - 6.0),
                n(y + 4.0),
                esc(label)
            );
        }
        let _ = write!(
            out,
            "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/>\
             <text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"currentColor\">0</text>",
            n(x0),
            n(bottom),
            n(x1),
            n(bottom),
            n(x0 - 6.0),
            n(bottom + 4.0)
        );
    }

    /// Labels under the slots; when they would not fit side by side, only every n-th one (so
    /// long ranges stay readable).
    fn x_labels(&self, out: &mut String, labels: &[String]) {
        if labels.is_empty() {
            return;
        }
        let slot = self.w / labels.len() as f64;
        // About 6.2 units per character at font-size 11, and a little air between labels.
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * 6.2 + 8.0;
        let every = ((widest / slot).ceil() as usize).max(1);
        for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let _ = write!(
                out,
                "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                // Kept inside the chart at both ends.
                n((self.x + slot * (i as f64 + 0.5)).clamp(widest / 2.0, WIDTH - widest / 2.0)),
                n(self.y + self.h + 14.0),
                esc(label)
            );
        }
    }
}

/// One `<rect>` (`[x, y, width, height]`) with a tooltip.
fn bar(out: &mut String, class: &str, [x, y, w, h]: [f64; 4], opacity: f64, tooltip: &str) {
    let _ = write!(
        out,
        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"currentColor\" fill-opacity=\"{}\"><title>{}</title></rect>",
        n(x),
        n(y),
        n(w),
        n(h.max(0.0)),
        opacity,
        esc(tooltip)
    );
}

/// Mean time to detect, acknowledge, mitigate and resolve per month: four small bar charts side
/// by side, each with its own scale (MTTR would flatten MTTD on a shared one). A month without a
/// value for a figure has no bar in that panel.
pub fn mttx_by_month(by_month: &BTreeMap<String, Group>, w: &Words) -> String {
    let title = w.get("charts.mttx_title");
    if by_month.is_empty() {
        return empty("mttx", title, w.get("charts.no_incidents"));
    }
    let human = |v: f64| human_in(w, v.round() as i64);
    let incidents = |n: usize| w.count("charts.incidents_n", n as u64);
    let months: Vec<String> = by_month.keys().cloned().collect();
    let names = [("mttd", "MTTD"), ("mtta", "MTTA"), ("mttm", "MTTM"), ("mttr", "MTTR")];
    let mut desc = String::new();
    for (i, (key, short)) in names.iter().enumerate() {
        let values: Vec<String> = by_month
            .iter()
            .filter_map(|(m, g)| {
                let f = g.figures()[i].1;
                f.mean_s.map(|v| {
                    w.fill(
                        "charts.mttx_value",
                        &[("month", m), ("mean", &human(v)), ("incidents", &incidents(f.count))],
                    )
                })
            })
            .collect();
        let list = if values.is_empty() { w.get("charts.no_data").to_string() } else { values.join(", ") };
        let name = w.get(&format!("charts.figure.{key}")).to_string();
        let line = w.fill("charts.mttx_desc", &[("short", short), ("name", &name), ("list", &list)]);
        let _ = write!(desc, "{}{line}", if i == 0 { "" } else { " " });
    }
    let (panel_w, panel_h, height) = (WIDTH / 2.0, 150.0, 340.0);
    let mut out = open("mttx", height, title, &desc);
    for (i, (key, short)) in names.iter().enumerate() {
        let (px, py) = ((i % 2) as f64 * panel_w, (i / 2) as f64 * (panel_h + 20.0));
        let area = Area { x: px + 52.0, y: py + 26.0, w: panel_w - 68.0, h: panel_h - 46.0 };
        let max = by_month.values().filter_map(|g| g.figures()[i].1.mean_s).fold(0.0_f64, f64::max);
        let top = nice_duration(max);
        let _ = write!(
            out,
            "<g class=\"panel panel-{key}\"><text class=\"label heading\" x=\"{}\" y=\"{}\" fill=\"currentColor\" font-weight=\"bold\">{}</text>",
            n(px + 8.0),
            n(py + 14.0),
            esc(&w.fill("charts.mttx_heading", &[("short", short)]))
        );
        area.axes(&mut out, &human_in(w, top as i64), &human_in(w, (top / 2.0) as i64));
        let slot = area.w / months.len() as f64;
        let width = (slot * 0.7).min(28.0);
        for (j, (month, group)) in by_month.iter().enumerate() {
            let f = group.figures()[i].1;
            let Some(mean) = f.mean_s else { continue };
            let h = area.h * (mean / top);
            let tip = w.fill(
                "charts.mttx_tip",
                &[
                    ("month", month),
                    ("short", short),
                    ("mean", &human(mean)),
                    ("median", &f.median_s.map(human).unwrap_or_default()),
                    ("p90", &f.p90_s.map(human).unwrap_or_default()),
                    ("incidents", &incidents(f.count)),
                ],
            );
            let x = area.x + slot * j as f64 + (slot - width) / 2.0;
            bar(&mut out, &format!("bar bar-{key}"), [x, area.y + area.h - h, width, h], 1.0, &tip);
        }
        area.x_labels(&mut out, &months);
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Incidents per ISO week, stacked by severity (`severities` most severe first; it sets the
/// stacking order and the shades, most severe darkest and at the bottom). Severities not listed
/// follow in name order.
pub fn weekly_volume(by_week: &BTreeMap<String, Tally>, severities: &[&str], w: &Words) -> String {
    let title = w.get("charts.volume_title");
    let total: usize = by_week.values().map(|t| t.total).sum();
    if total == 0 {
        return empty("volume", title, w.get("charts.no_incidents"));
    }
    let mut order: Vec<String> = severities.iter().map(|s| s.to_string()).collect();
    for tally in by_week.values() {
        for sev in tally.by_severity.keys() {
            if !order.contains(sev) {
                order.push(sev.clone());
            }
        }
    }
    // Each severity keeps its place in the full order for its class and shade (`sev-0` is always
    // the most severe level), so a theme can colour levels consistently whichever ones occur.
    let mut order: Vec<(usize, String)> = order.into_iter().enumerate().collect();
    order.retain(|(_, s)| by_week.values().any(|t| t.by_severity.get(s).is_some_and(|&c| c > 0)));
    let busy: Vec<String> = by_week
        .iter()
        .filter(|(_, t)| t.total > 0)
        .map(|(w, t)| {
            let parts: Vec<String> = order
                .iter()
                .filter_map(|(_, s)| t.by_severity.get(s).filter(|&&c| c > 0).map(|c| format!("{c} {s}")))
                .collect();
            format!(
                "{w}: {}{}",
                t.total,
                if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
            )
        })
        .collect();
    let desc = w.fill(
        "charts.volume_desc",
        &[
            ("incidents", &w.count("charts.incidents_n", total as u64)),
            ("weeks", &w.count("charts.weeks_n", by_week.len() as u64)),
            ("list", &busy.join("; ")),
        ],
    );
    let mut out = open("volume", 260.0, title, &desc);
    // Legend.
    let mut lx = 52.0;
    for (i, sev) in &order {
        let (i, shade) = (*i, SHADES[(*i).min(SHADES.len() - 1)]);
        let _ = write!(
            out,
            "<rect class=\"swatch sev-{i}\" x=\"{}\" y=\"6\" width=\"10\" height=\"10\" fill=\"currentColor\" fill-opacity=\"{shade}\"/>\
             <text class=\"label\" x=\"{}\" y=\"15\" fill=\"currentColor\">{}</text>",
            n(lx),
            n(lx + 14.0),
            esc(sev)
        );
        lx += 22.0 + 7.0 * sev.chars().count() as f64;
    }
    let area = Area { x: 52.0, y: 30.0, w: WIDTH - 68.0, h: 200.0 };
    let max = by_week.values().map(|t| t.total).max().unwrap_or(0);
    let top = nice_count(max);
    area.axes(&mut out, &top.to_string(), &half(top));
    let slot = area.w / by_week.len() as f64;
    let width = (slot * 0.75).min(24.0);
    for (j, (week, tally)) in by_week.iter().enumerate() {
        let x = area.x + slot * j as f64 + (slot - width) / 2.0;
        let mut y = area.y + area.h;
        for (i, sev) in &order {
            let i = *i;
            let count = tally.by_severity.get(sev).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let h = area.h * count as f64 / top as f64;
            y -= h;
            let tip = w.fill(
                "charts.volume_tip",
                &[("week", week), ("severity", sev), ("incidents", &w.count("charts.incidents_n", count as u64))],
            );
            bar(&mut out, &format!("bar sev-{i}"), [x, y, width, h], SHADES[i.min(SHADES.len() - 1)], &tip);
        }
    }
    let weeks: Vec<String> = by_week.keys().cloned().collect();
    area.x_labels(&mut out, &weeks);
    out.push_str("</svg>");
    out
}

/// How long incidents took to resolve: one bar per histogram bin (also the empty ones, so the
/// scale reads the same every time), with its count above it.
pub fn ttr_histogram(bins: &[Bin], w: &Words) -> String {
    let title = w.get("charts.ttr_title");
    let total: usize = bins.iter().map(|b| b.count).sum();
    if total == 0 {
        return empty("ttr", title, w.get("charts.no_resolved"));
    }
    let parts: Vec<String> = bins.iter().map(|b| format!("{} {}", b.label, b.count)).collect();
    let desc = w.fill(
        "charts.ttr_desc",
        &[("resolved", &w.count("charts.resolved_n", total as u64)), ("list", &parts.join(", "))],
    );
    let mut out = open("ttr", 240.0, title, &desc);
    let area = Area { x: 52.0, y: 20.0, w: WIDTH - 68.0, h: 190.0 };
    let top = nice_count(bins.iter().map(|b| b.count).max().unwrap_or(0));
    area.axes(&mut out, &top.to_string(), &half(top));
    let slot = area.w / bins.len() as f64;
    let width = slot * 0.8;
    for (j, b) in bins.iter().enumerate() {
        let h = area.h * b.count as f64 / top as f64;
        let x = area.x + slot * j as f64 + (slot - width) / 2.0;
        let y = area.y + area.h - h;
        let tip = w.fill(
            "charts.ttr_tip",
            &[("bin", &b.label), ("incidents", &w.count("charts.incidents_n", b.count as u64))],
        );
        bar(&mut out, "bar", [x, y, width, h], 0.8, &tip);
        if b.count > 0 {
            let _ = write!(
                out,
                "<text class=\"label value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                n(x + width / 2.0),
                n(y - 4.0),
                b.count
            );
        }
    }
    let labels: Vec<String> = bins.iter().map(|b| b.label.clone()).collect();
    area.x_labels(&mut out, &labels);
    out.push_str("</svg>");
    out
}

/// Open action items over time: a line with one point per sample (a point per week).
pub fn open_actions(points: &[OpenPoint], w: &Words) -> String {
    let title = w.get("charts.actions_title");
    if points.is_empty() {
        return empty("actions", title, w.get("charts.no_actions"));
    }
    let (first, last) = (&points[0], &points[points.len() - 1]);
    let peak = points.iter().max_by_key(|p| (p.open, std::cmp::Reverse(p.date))).unwrap_or(first);
    let desc = w.fill(
        "charts.actions_desc",
        &[
            ("first", &first.open.to_string()),
            ("first_date", &first.date.to_string()),
            ("last", &last.open.to_string()),
            ("last_date", &last.date.to_string()),
            ("peak", &peak.open.to_string()),
            ("peak_date", &peak.date.to_string()),
            ("points", &points.len().to_string()),
        ],
    );
    let mut out = open("actions", 240.0, title, &desc);
    let area = Area { x: 52.0, y: 20.0, w: WIDTH - 68.0, h: 190.0 };
    let top = nice_count(peak.open);
    area.axes(&mut out, &top.to_string(), &half(top));
    let slot = area.w / points.len() as f64;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (area.x + slot * (i as f64 + 0.5), area.y + area.h - area.h * p.open as f64 / top as f64))
        .collect();
    let path: Vec<String> = xy.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
    let _ = write!(
        out,
        "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
        path.join(" ")
    );
    for (p, (x, y)) in points.iter().zip(&xy) {
        let _ = write!(
            out,
            "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"currentColor\"><title>{}</title></circle>",
            n(*x),
            n(*y),
            esc(&w.fill("charts.actions_tip", &[("date", &p.date.to_string()), ("n", &p.open.to_string())]))
        );
    }
    let labels: Vec<String> = points.iter().map(|p| p.date.to_string()).collect();
    area.x_labels(&mut out, &labels);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Figure;
    use crate::render::html::i18n::english;
    use chrono::NaiveDate;

    /// Checks that every tag is closed in order (a small XML well-formedness check: no `<` or
    /// `&` outside tags and entities either).
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "stray > in text {text:?}");
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| entity.starts_with(e)),
                    "bad entity in {text:?}"
                );
            }
            let end = rest[start..].find('>').expect("unclosed tag") + start;
            let tag = &rest[start + 1..end];
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes in <{tag}>");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("");
                stack.push(name.to_string());
            }
            rest = &rest[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert!(rest.is_empty(), "text after the root: {rest:?}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("viewBox=\"0 0 640 "));
        assert!(!svg.contains("<script"));
        assert!(svg.find("<title").unwrap() < svg.find("<desc").unwrap());
    }

    fn figure(v: Option<f64>) -> Figure {
        Figure { count: usize::from(v.is_some()), mean_s: v, median_s: v, p90_s: v }
    }

    fn group(d: Option<f64>, a: Option<f64>, m: Option<f64>, r: Option<f64>) -> Group {
        Group { incidents: 1, mttd: figure(d), mtta: figure(a), mttm: figure(m), mttr: figure(r) }
    }

    #[test]
    fn mttx_has_a_bar_per_value() {
        let mut months = BTreeMap::new();
        months.insert("2026-02".to_string(), group(Some(120.0), None, Some(1800.0), Some(3600.0)));
        months.insert("2026-03".to_string(), group(Some(300.0), Some(60.0), Some(900.0), Some(5400.0)));
        let svg = mttx_by_month(&months, english());
        assert_well_formed(&svg);
        // 2 + 1 + 2 + 2 values: the missing MTTA of February has no bar.
        assert_eq!(svg.matches("<rect class=\"bar ").count(), 7);
        assert_eq!(svg.matches("class=\"bar bar-mtta\"").count(), 1);
        assert!(svg.contains("<title id=\"chart-mttx-title\">Mean time to detect"));
        assert!(svg.contains("2026-03 MTTR: mean 1h 30m"), "{svg}");
        assert!(svg.contains("MTTA (mean time to acknowledge): 2026-03 1m (1 incident)."));
        assert_eq!(svg, mttx_by_month(&months, english()), "deterministic");
    }

    #[test]
    fn weekly_volume_stacks_by_severity() {
        let tally = |pairs: &[(&str, usize)]| Tally {
            total: pairs.iter().map(|p| p.1).sum(),
            by_severity: pairs.iter().map(|(s, c)| (s.to_string(), *c)).collect(),
        };
        let mut weeks = BTreeMap::new();
        weeks.insert("2026-W09".to_string(), tally(&[("SEV-1", 1), ("SEV-3", 2)]));
        weeks.insert("2026-W10".to_string(), tally(&[]));
        weeks.insert("2026-W11".to_string(), tally(&[("SEV-3", 1), ("X<1>", 1)]));
        let svg = weekly_volume(&weeks, &["SEV-1", "SEV-2", "SEV-3"], english());
        assert_well_formed(&svg);
        // One segment per non-zero (week, severity).
        assert_eq!(svg.matches("<rect class=\"bar ").count(), 4);
        // The most severe gets the first shade; SEV-2 has no incident and no legend entry.
        assert!(svg.contains("<rect class=\"bar sev-0\""));
        // SEV-3 keeps its place (sev-2) although SEV-2 has no incident.
        assert!(svg.contains("<rect class=\"bar sev-2\""), "{svg}");
        assert!(!svg.contains("sev-1"), "{svg}");
        assert!(svg.contains("<title>2026-W09 SEV-3: 2 incidents</title>"));
        assert!(!svg.contains(">SEV-2<"));
        assert!(svg.contains("X&lt;1&gt;"), "escaped");
        assert!(svg.contains("5 incidents over 3 weeks"));
        assert_eq!(svg, weekly_volume(&weeks, &["SEV-1", "SEV-2", "SEV-3"], english()));
        let none = weekly_volume(&BTreeMap::new(), &[], english());
        assert_well_formed(&none);
        assert!(none.contains("No incidents"));
    }

    #[test]
    fn histogram_has_a_bar_per_bin() {
        let bins: Vec<Bin> = [("< 15m", 0, 2), ("15–30m", 900, 0), ("≥ 30m", 1800, 5)]
            .iter()
            .map(|(l, f, c)| Bin { label: l.to_string(), from_s: *f, until_s: None, count: *c })
            .collect();
        let svg = ttr_histogram(&bins, english());
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 3);
        assert!(svg.contains("7 resolved incidents by time to resolve: &lt; 15m 2, 15–30m 0, ≥ 30m 5."));
        assert_eq!(svg, ttr_histogram(&bins, english()));
    }

    #[test]
    fn open_actions_has_a_point_per_sample() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let points = vec![
            OpenPoint { date: d("2026-03-08"), open: 3 },
            OpenPoint { date: d("2026-03-15"), open: 5 },
            OpenPoint { date: d("2026-03-18"), open: 1 },
        ];
        let svg = open_actions(&points, english());
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 3);
        assert!(svg.contains("the most, 5, on 2026-03-15"));
        assert!(svg.contains("<title>2026-03-15: 5 open</title>"));
        assert_eq!(svg, open_actions(&points, english()));
        assert_well_formed(&open_actions(&[], english()));
    }

    #[test]
    fn scales_are_round() {
        assert_eq!((nice_count(0), nice_count(1), nice_count(3), nice_count(7), nice_count(11)), (1, 1, 5, 10, 20));
        assert_eq!(nice_duration(100.0), 120.0);
        assert_eq!(nice_duration(4000.0), 7200.0);
        assert_eq!(nice_duration(2_000_000.0), 2_419_200.0);
    }
}
