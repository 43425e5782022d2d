//! `feeds/<service-id>.xml`: one Atom feed per service of the public view, of the incidents and
//! maintenance windows that affect it (with their public updates), for subscribers who follow
//! one service rather than the whole site.

use super::atom::{feed, Head};
use crate::render::api::base_url;
use crate::render::{Options, Pages};
use crate::site::View;

/// The path of a service's feed in the site.
pub fn path(service_id: &str) -> String {
    format!("feeds/{service_id}.xml")
}

pub(super) fn render(view: &View, opts: &Options, pages: &mut Pages) {
    let base = base_url(opts);
    for service in &view.policy.services {
        let affecting: Vec<usize> = (0..view.records.len())
            .filter(|&i| view.records[i].impact.iter().any(|imp| imp.service.value == service.id))
            .collect();
        let head = Head {
            id: format!("{base}/{}", path(&service.id)),
            title: format!("{} - {}", view.config.title, service.name),
            alternate: format!("{base}/#service-{}", service.id),
            path: path(&service.id),
        };
        let notices: Vec<usize> = (0..view.notices.len())
            .filter(|&i| {
                view.notices[i].notice.as_ref().is_some_and(|n| n.services.iter().any(|s| s.value == service.id))
            })
            .collect();
        pages.insert(head.path.clone(), feed(view, opts, &head, &affecting, &notices).into_bytes());
    }
}
