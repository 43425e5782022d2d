//! The notices the status page shows: those current at the build's now, pinned ones first, then
//! the newest.

use super::context::Shared;
use super::markdown;
use super::time::Time;
use serde::Serialize;

#[derive(Serialize)]
pub struct NoticeView {
    pub id: String,
    pub title: String,
    pub pinned: bool,
    pub from: Time,
    pub until: Option<Time>,
    /// The services it concerns, by name.
    pub services: Vec<String>,
    /// The body as sanitized HTML.
    pub body_html: String,
}

/// The view's notices current at now, pinned first, then newest `from` first; `root` is the way
/// from the page to the site's root.
pub fn current(s: &Shared, root: &str) -> Vec<NoticeView> {
    let now = s.opts.now;
    let mut shown: Vec<_> = s
        .view
        .notices
        .iter()
        .filter_map(|r| r.notice.as_ref().map(|n| (r, n)))
        .filter(|(_, n)| n.is_current(now))
        .collect();
    shown.sort_by(|(a, x), (b, y)| (y.pin, y.from, &b.id.value).cmp(&(x.pin, x.from, &a.id.value)));
    shown
        .into_iter()
        .map(|(r, n)| NoticeView {
            id: r.id.value.clone(),
            title: r.title().to_string(),
            pinned: n.pin,
            from: s.clock.time(&n.from),
            until: n.until.as_ref().map(|u| s.clock.time(u)),
            services: n
                .services
                .iter()
                .map(|id| s.view.policy.service(id).map(|svc| svc.name.clone()).unwrap_or_else(|| id.value.clone()))
                .collect(),
            body_html: markdown::render(&r.body, 2, &s.base_path, root),
        })
        .collect()
}
