//! The derived values of one incident: its milestone times and TTD / TTA / TTM / TTR, exactly as
//! FORMAT.md "Derived values" defines them.

use super::{Event, EventKind};
use crate::config::{From, MetricsConfig};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// The times of the five milestones (the first of each kind, in file order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    pub started: Option<DateTime<FixedOffset>>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub acknowledged: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
}

/// Seconds for each figure; `None` when either end is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Durations {
    pub ttd: Option<i64>,
    pub tta: Option<i64>,
    pub ttm: Option<i64>,
    pub ttr: Option<i64>,
}

impl Milestones {
    pub fn of(timeline: &[Event]) -> Self {
        let at = |k: EventKind| timeline.iter().find(|e| e.kind == k).map(|e| e.at);
        Milestones {
            started: at(EventKind::Started),
            detected: at(EventKind::Detected),
            acknowledged: at(EventKind::Acknowledged),
            mitigated: at(EventKind::Mitigated),
            resolved: at(EventKind::Resolved),
        }
    }

    /// When impact began: `started`, or `detected` when impact's start is unknown.
    pub fn start(&self) -> Option<DateTime<FixedOffset>> {
        self.started.or(self.detected)
    }

    pub fn durations(&self, settings: &MetricsConfig) -> Durations {
        let secs = |a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>| Some((b? - a?).num_seconds());
        let tta_from = match settings.mtta_from {
            From::Detected => self.detected,
            From::Started => self.started,
        };
        let ttr_from = match settings.mttr_from {
            From::Started => self.start(),
            From::Detected => self.detected,
        };
        Durations {
            ttd: secs(self.started, self.detected),
            tta: secs(tta_from, self.acknowledged),
            ttm: secs(self.start(), self.mitigated),
            ttr: secs(ttr_from, self.resolved),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap())
    }

    #[test]
    fn figures_follow_the_settings() {
        let m = Milestones {
            started: t("2026-03-04T09:12:00Z"),
            detected: t("2026-03-04T10:15:00+01:00"),
            acknowledged: t("2026-03-04T09:18:00Z"),
            mitigated: t("2026-03-04T10:02:00Z"),
            resolved: t("2026-03-04T10:40:00Z"),
        };
        let d = m.durations(&MetricsConfig::default());
        assert_eq!(d, Durations { ttd: Some(180), tta: Some(180), ttm: Some(3000), ttr: Some(5280) });
        let other = MetricsConfig { mttr_from: From::Detected, mtta_from: From::Started };
        let d = m.durations(&other);
        assert_eq!((d.tta, d.ttr), (Some(360), Some(5100)));
    }

    #[test]
    fn without_started_detected_is_the_start() {
        let m = Milestones {
            detected: t("2026-03-04T09:00:00Z"),
            resolved: t("2026-03-04T10:00:00Z"),
            ..Default::default()
        };
        let d = m.durations(&MetricsConfig::default());
        assert_eq!(d, Durations { ttd: None, tta: None, ttm: None, ttr: Some(3600) });
        let started = MetricsConfig { mttr_from: From::Started, mtta_from: From::Started };
        assert_eq!(m.durations(&started).tta, None);
    }
}
