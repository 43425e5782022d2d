//! `badges/<service>.svg` and `badges/status.svg`: shields.io-style flat badges ("Checkout API |
//! operational") for READMEs and dashboards, coloured by state, from the same [`Status`] as the
//! status page. Plain SVG: no scripts, no external references, a `<title>` for screen readers.
//!
//! A service whose id is `status` gets no badge of its own: `badges/status.svg` is the page's.

use super::xml_escape;
use crate::record::valid_id;
use crate::render::{Options, Pages};
use crate::site::View;
use crate::status::{ComponentStatus, Status};
use std::fmt::Write as _;

pub(super) fn render(_view: &View, status: &Status, _opts: &Options, pages: &mut Pages) {
    for svc in &status.services {
        if valid_id(&svc.id) && svc.id != "status" {
            pages.insert(format!("badges/{}.svg", svc.id), badge(&svc.name, svc.status).into_bytes());
        }
    }
    pages.insert("badges/status.svg".to_string(), badge("status", status.worst).into_bytes());
}

/// The words on a badge's right half.
fn message(state: ComponentStatus) -> &'static str {
    match state {
        ComponentStatus::Operational => "operational",
        ComponentStatus::UnderMaintenance => "under maintenance",
        ComponentStatus::DegradedPerformance => "degraded performance",
        ComponentStatus::PartialOutage => "partial outage",
        ComponentStatus::MajorOutage => "major outage",
    }
}

/// shields.io's colours: brightgreen, blue, yellow, orange, red.
fn colour(state: ComponentStatus) -> &'static str {
    match state {
        ComponentStatus::Operational => "#4c1",
        ComponentStatus::UnderMaintenance => "#007ec6",
        ComponentStatus::DegradedPerformance => "#dfb317",
        ComponentStatus::PartialOutage => "#fe7d37",
        ComponentStatus::MajorOutage => "#e05d44",
    }
}

/// Widths of the printable ASCII characters in 11px Verdana (shields.io measures text the same way).
const WIDTHS: [f64; 95] = [
    3.87, 4.33, 5.05, 9.0, 7.0, 11.84, 7.99, 2.95, 4.99, 4.99, 7.0, 9.0, 4.0, 4.99, 4.0, 4.99, // ' '..'/'
    7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, // '0'..'9'
    4.99, 4.99, 9.0, 9.0, 9.0, 6.0, 11.0, // ':'..'@'
    7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.63, 5.0, 7.62, 6.12, 9.27, // 'A'..'M'
    8.23, 8.66, 6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, // 'N'..'Z'
    4.99, 4.99, 4.99, 9.0, 7.0, 7.0, // '['..'`'
    6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.7, // 'a'..'m'
    6.96, 6.68, 6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 8.98, 6.51, 6.51, 5.78, // 'n'..'z'
    6.98, 4.99, 6.98, 9.0, // '{'..'~'
];

/// The width of a text in 11px Verdana; outside ASCII an estimate (East Asian scripts wide).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c as u32 {
            32..=126 => WIDTHS[(c as u32 - 32) as usize],
            0x2E80.. => 11.0,
            _ => 7.0,
        })
        .sum()
}

/// A flat badge.
fn badge(label: &str, state: ComponentStatus) -> String {
    let message = message(state);
    let label_w = (text_width(label) + 10.0).round() as u32;
    let message_w = (text_width(message) + 10.0).round() as u32;
    let width = label_w + message_w;
    let label_x = label_w * 5;
    let message_x = label_w * 10 + message_w * 5;
    let (label, title) = (xml_escape(label), xml_escape(&format!("{label}: {message}")));
    let mut svg = String::with_capacity(1200);
    let _ = write!(
        svg,
        concat!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" role=\"img\" aria-label=\"{title}\">",
            "<title>{title}</title>",
            "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>",
            "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>",
            "<clipPath id=\"r\"><rect width=\"{w}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>",
            "<g clip-path=\"url(#r)\"><rect width=\"{lw}\" height=\"20\" fill=\"#555\"/>",
            "<rect x=\"{lw}\" width=\"{mw}\" height=\"20\" fill=\"{colour}\"/>",
            "<rect width=\"{w}\" height=\"20\" fill=\"url(#s)\"/></g>",
            "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" ",
            "text-rendering=\"geometricPrecision\" font-size=\"110\">",
            "<text aria-hidden=\"true\" x=\"{lx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\">{label}</text>",
            "<text x=\"{lx}\" y=\"140\" transform=\"scale(.1)\">{label}</text>",
            "<text aria-hidden=\"true\" x=\"{mx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\">{message}</text>",
            "<text x=\"{mx}\" y=\"140\" transform=\"scale(.1)\">{message}</text>",
            "</g></svg>\n"
        ),
        w = width,
        lw = label_w,
        mw = message_w,
        lx = label_x,
        mx = message_x,
        colour = colour(state),
        title = title,
        label = label,
        message = message,
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_escapes_its_label_and_grows_with_it() {
        let short = badge("API", ComponentStatus::Operational);
        let long = badge("<script>alert(1)</script> & more", ComponentStatus::MajorOutage);
        assert!(!long.contains("<script>"));
        assert!(long.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(long.contains("#e05d44") && short.contains("#4c1"));
        let width = |svg: &str| svg.split("width=\"").nth(1).and_then(|w| w.split('"').next()?.parse::<u32>().ok());
        assert!(width(&long) > width(&short));
    }
}
