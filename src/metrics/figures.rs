//! The statistics FORMAT.md "Derived values" defines for one set of durations: count, mean,
//! median and nearest-rank 90th percentile, and the four of them (MTTD..MTTR) for a group.

use crate::record::Durations;
use serde::Serialize;

/// Mean, median and 90th percentile of one duration over the incidents that have it, in seconds.
/// Over no incident every value is `None` (`null` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub count: usize,
    pub mean_s: Option<f64>,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
}

impl Figure {
    /// The figure over `values` (seconds, any order).
    pub fn of(mut values: Vec<i64>) -> Self {
        let n = values.len();
        if n == 0 {
            return Figure { count: 0, mean_s: None, median_s: None, p90_s: None };
        }
        values.sort_unstable();
        let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
        let mean = sum as f64 / n as f64;
        let median = if n % 2 == 1 {
            values[n / 2] as f64
        } else {
            // The mean of the two middle values, without overflowing on huge ones.
            (i128::from(values[n / 2 - 1]) + i128::from(values[n / 2])) as f64 / 2.0
        };
        // Nearest rank: the value at 1-based position ceil(0.9 × n), in integers to avoid 0.9's
        // binary rounding.
        let rank = (9 * n).div_ceil(10);
        let p90 = values[rank - 1] as f64;
        Figure { count: n, mean_s: Some(mean), median_s: Some(median), p90_s: Some(p90) }
    }
}

/// The four figures for one group of incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// How many incidents the group holds (each figure's `count` may be lower: a value is absent
    /// when a milestone is).
    pub incidents: usize,
    pub mttd: Figure,
    pub mtta: Figure,
    pub mttm: Figure,
    pub mttr: Figure,
}

impl Group {
    pub fn of(durations: &[Durations]) -> Self {
        let pick = |f: fn(&Durations) -> Option<i64>| Figure::of(durations.iter().filter_map(f).collect());
        Group {
            incidents: durations.len(),
            mttd: pick(|d| d.ttd),
            mtta: pick(|d| d.tta),
            mttm: pick(|d| d.ttm),
            mttr: pick(|d| d.ttr),
        }
    }

    /// The figures with their short names, in the order people read them.
    pub fn figures(&self) -> [(&'static str, &Figure); 4] {
        [("MTTD", &self.mttd), ("MTTA", &self.mtta), ("MTTM", &self.mttm), ("MTTR", &self.mttr)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_all_null() {
        let f = Figure::of(vec![]);
        assert_eq!(f, Figure { count: 0, mean_s: None, median_s: None, p90_s: None });
        assert_eq!(
            serde_json::to_value(f).unwrap(),
            serde_json::json!({"count": 0, "mean_s": null, "median_s": null, "p90_s": null})
        );
    }

    #[test]
    fn odd_and_even_medians() {
        // 1, 2, 9: median is the middle value 2; mean 12/3 = 4.
        let f = Figure::of(vec![9, 1, 2]);
        assert_eq!((f.mean_s, f.median_s), (Some(4.0), Some(2.0)));
        // 1, 2, 4, 9: median (2 + 4) / 2 = 3; mean 16/4 = 4.
        let f = Figure::of(vec![4, 9, 1, 2]);
        assert_eq!((f.mean_s, f.median_s), (Some(4.0), Some(3.0)));
        // 1, 2: median 1.5.
        assert_eq!(Figure::of(vec![2, 1]).median_s, Some(1.5));
    }

    #[test]
    fn p90_is_nearest_rank() {
        // n = 1: ceil(0.9) = 1st.
        assert_eq!(Figure::of(vec![7]).p90_s, Some(7.0));
        // n = 10: ceil(9.0) = 9th, not the 10th.
        assert_eq!(Figure::of((1..=10).collect()).p90_s, Some(9.0));
        // n = 11: ceil(9.9) = 10th.
        assert_eq!(Figure::of((1..=11).collect()).p90_s, Some(10.0));
        // n = 5: ceil(4.5) = 5th.
        assert_eq!(Figure::of(vec![50, 10, 40, 20, 30]).p90_s, Some(50.0));
        // n = 20: ceil(18.0) = 18th.
        assert_eq!(Figure::of((1..=20).collect()).p90_s, Some(18.0));
    }

    #[test]
    fn figures_skip_absent_values() {
        let d = [
            Durations { ttd: Some(60), tta: None, ttm: Some(600), ttr: Some(1200) },
            Durations { ttd: None, tta: Some(30), ttm: Some(300), ttr: Some(600) },
        ];
        let g = Group::of(&d);
        assert_eq!(g.incidents, 2);
        assert_eq!((g.mttd.count, g.mttd.mean_s), (1, Some(60.0)));
        assert_eq!((g.mtta.count, g.mtta.mean_s), (1, Some(30.0)));
        assert_eq!((g.mttr.count, g.mttr.mean_s, g.mttr.median_s), (2, Some(900.0), Some(900.0)));
    }
}
