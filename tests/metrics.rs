//! `incsite report` end to end on tests/sites/metrics, against figures worked out by hand.
//!
//! The fixture's counted incidents (durations in seconds; `–` absent). Defaults: TTA from
//! detected, TTR from started (or detected when there is no `started`).
//!
//! | id | sev | services | start (UTC) | TTD | TTA | TTM | TTR |
//! |---|---|---|---|---|---|---|---|
//! | INC-A | SEV-1 | api, web | 2026-01-10 10:00 | 300 | 120 | 1800 | 3600 |
//! | INC-B | SEV-1 | api | 2026-01-20 08:00 | 600 | 1200 | 3600 | 7200 |
//! | INC-C | SEV-2 | db | 2026-02-03 12:00 (no started: detected) | – | 900 | 2700 | 7200 |
//! | INC-D | SEV-2 | web | 2026-02-28 23:30 (= 03-01 00:30+01:00) | 1200 | – (no ack) | 3600 | 9000 |
//! | INC-E (private) | SEV-3 | api, db | 2026-03-10 09:00 | 1500 | 300 | 3600 | 10800 |
//! | INC-F | SEV-3 | web | 2026-03-15 14:00 | 60 | 600 | 1260 | 1860 |
//! | INC-H (unresolved) | SEV-3 | web | 2026-03-28 10:00 | 300 | – | – | – |
//! | INC-I | SEV-2 | api | 2026-04-02 10:00 | 120 | 120 | 1200 | 2400 |
//! | INC-J | SEV-3 | web | 2026-04-06 10:00 | 600 | 1740 | 3600 | 4800 |
//! | INC-K | SEV-3 | db | 2026-04-14 10:00 | 180 | 120 | 600 | 900 |
//! | INC-L | SEV-1 | api | 2026-05-01 02:00 (= 04-30 21:00-05:00) | 240 | 120 | 2400 | 6600 |
//!
//! Not counted: GAME-1 (`exclude_from_metrics`, TTR 3 days, cause bad-deploy, before INC-A) and
//! MNT-1 (maintenance on db).

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-06-01T00:00:00Z";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/metrics")
}

fn incsite(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("report")
        .arg("--root")
        .arg(root)
        .args(["--now", NOW])
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn report_at(root: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = incsite(root, &all);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("report --format json prints one JSON object")
}

fn report(args: &[&str]) -> Value {
    report_at(&fixture(), args)
}

fn fig(count: u64, mean: f64, median: f64, p90: f64) -> Value {
    json!({"count": count, "mean_s": mean, "median_s": median, "p90_s": p90})
}

/// For ratios that have no short decimal form (JSON float parsing may differ in the last bit).
fn approx(got: &Value, want: f64) {
    let got = got.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

const NONE: fn() -> Value = || json!({"count": 0, "mean_s": null, "median_s": null, "p90_s": null});

/// A copy of the fixture in a tempdir, with `incsite.toml` replaced.
fn copy_with_settings(settings: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    std::fs::write(dir.path().join("incsite.toml"), settings).unwrap();
    dir
}

#[test]
fn overall_figures() {
    let r = report(&[]);
    let o = &r["overall"];
    // 11 counted incidents: A B C D E F H I J K L (not GAME-1, not MNT-1).
    assert_eq!(o["incidents"], 11);
    // TTD (C has none): 60 120 180 240 300 300 600 600 1200 1500, n = 10.
    // sum 5100 → mean 510; median (300 + 300) / 2 = 300; p90 at ceil(0.9 × 10) = 9th = 1200.
    assert_eq!(o["mttd"], fig(10, 510.0, 300.0, 1200.0));
    // TTA (D, H none): 120 120 120 120 300 600 900 1200 1740, n = 9.
    // sum 5220 → mean 580; median 5th = 300; p90 at ceil(8.1) = 9th = 1740.
    assert_eq!(o["mtta"], fig(9, 580.0, 300.0, 1740.0));
    // TTM (H none; C from detected): 600 1200 1260 1800 2400 2700 3600 3600 3600 3600, n = 10.
    // sum 24360 → mean 2436; median (2400 + 2700) / 2 = 2550; p90 9th = 3600.
    assert_eq!(o["mttm"], fig(10, 2436.0, 2550.0, 3600.0));
    // TTR (H none; C from detected): 900 1860 2400 3600 4800 6600 7200 7200 9000 10800, n = 10.
    // sum 54360 → mean 5436; median (4800 + 6600) / 2 = 5700; p90 9th = 9000 (not the max 10800).
    assert_eq!(o["mttr"], fig(10, 5436.0, 5700.0, 9000.0));
}

#[test]
fn by_severity() {
    let r = report(&[]);
    let s = &r["by_severity"];
    assert_eq!(s.as_object().unwrap().keys().collect::<Vec<_>>(), ["SEV-1", "SEV-2", "SEV-3"]);
    // SEV-1: A B L.
    assert_eq!(s["SEV-1"]["incidents"], 3);
    // TTD 240 300 600: mean 1140/3 = 380; median 300; p90 ceil(2.7) = 3rd = 600.
    assert_eq!(s["SEV-1"]["mttd"], fig(3, 380.0, 300.0, 600.0));
    // TTA 120 120 1200: mean 1440/3 = 480; median 120; p90 1200.
    assert_eq!(s["SEV-1"]["mtta"], fig(3, 480.0, 120.0, 1200.0));
    // TTM 1800 2400 3600: mean 7800/3 = 2600.
    assert_eq!(s["SEV-1"]["mttm"], fig(3, 2600.0, 2400.0, 3600.0));
    // TTR 3600 6600 7200: mean 17400/3 = 5800.
    assert_eq!(s["SEV-1"]["mttr"], fig(3, 5800.0, 6600.0, 7200.0));
    // SEV-2: C D I (GAME-1 is SEV-2 but excluded).
    assert_eq!(s["SEV-2"]["incidents"], 3);
    // TTD: C none (no started); 120 1200: mean 660, median (120 + 1200) / 2 = 660, p90 ceil(1.8) = 2nd.
    assert_eq!(s["SEV-2"]["mttd"], fig(2, 660.0, 660.0, 1200.0));
    // TTA: D none (no acknowledged); 120 900: mean 510, median 510, p90 900.
    assert_eq!(s["SEV-2"]["mtta"], fig(2, 510.0, 510.0, 900.0));
    // TTM 1200 2700 3600: mean 7500/3 = 2500.
    assert_eq!(s["SEV-2"]["mttm"], fig(3, 2500.0, 2700.0, 3600.0));
    // TTR 2400 7200 9000: mean 18600/3 = 6200.
    assert_eq!(s["SEV-2"]["mttr"], fig(3, 6200.0, 7200.0, 9000.0));
    // SEV-3: E F H J K.
    assert_eq!(s["SEV-3"]["incidents"], 5);
    // TTD 60 180 300 600 1500: sum 2640 → 528; median 300; p90 ceil(4.5) = 5th = 1500.
    assert_eq!(s["SEV-3"]["mttd"], fig(5, 528.0, 300.0, 1500.0));
    // TTA 120 300 600 1740: sum 2760 → 690; median (300 + 600) / 2 = 450; p90 ceil(3.6) = 4th.
    assert_eq!(s["SEV-3"]["mtta"], fig(4, 690.0, 450.0, 1740.0));
    // TTM 600 1260 3600 3600: sum 9060 → 2265; median (1260 + 3600) / 2 = 2430.
    assert_eq!(s["SEV-3"]["mttm"], fig(4, 2265.0, 2430.0, 3600.0));
    // TTR 900 1860 4800 10800: sum 18360 → 4590; median (1860 + 4800) / 2 = 3330.
    assert_eq!(s["SEV-3"]["mttr"], fig(4, 4590.0, 3330.0, 10800.0));
}

#[test]
fn a_level_or_service_without_incidents_is_listed_with_empty_figures() {
    let settings = std::fs::read_to_string(fixture().join("incsite.toml")).unwrap();
    let site = copy_with_settings(&settings);
    let add = |file: &str, text: &str| {
        let path = site.path().join("schema").join(file);
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{old}{text}")).unwrap();
    };
    add("severities.yaml", "  - id: SEV-4\n    name: Low\n    respond_within: 1d\n");
    add("services.yaml", "  - id: cdn\n    name: CDN\n");
    let empty = json!({"incidents": 0, "mttd": NONE(), "mtta": NONE(), "mttm": NONE(), "mttr": NONE()});
    let r = report_at(site.path(), &[]);
    assert_eq!(r["by_severity"]["SEV-4"], empty, "{}", r["by_severity"]);
    assert_eq!(r["by_service"]["cdn"], empty, "{}", r["by_service"]);
    assert_eq!(r["by_severity"]["SEV-1"]["incidents"], 3);
    // A filter lists only what it lets through, even when nothing matched.
    let r = report_at(site.path(), &["--severity", "SEV-4", "--service", "cdn"]);
    assert_eq!(r["by_severity"], json!({"SEV-4": empty}));
    assert_eq!(r["by_service"], json!({"cdn": empty}));
}

#[test]
fn by_month_is_the_utc_month_of_the_start() {
    let r = report(&[]);
    let m = &r["by_month"];
    assert_eq!(
        m.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    );
    // 2026-01: A B (not GAME-1). TTR 3600 7200: mean 5400, median 5400, p90 ceil(1.8) = 2nd.
    assert_eq!(m["2026-01"]["incidents"], 2);
    assert_eq!(m["2026-01"]["mttr"], fig(2, 5400.0, 5400.0, 7200.0));
    // 2026-02: C and D, whose start is 03-01 00:30+01:00 = 02-28 23:30Z.
    // TTD: only D, 1200. TTR 7200 9000: mean 8100.
    assert_eq!(m["2026-02"]["incidents"], 2);
    assert_eq!(m["2026-02"]["mttd"], fig(1, 1200.0, 1200.0, 1200.0));
    assert_eq!(m["2026-02"]["mttr"], fig(2, 8100.0, 8100.0, 9000.0));
    // 2026-03: E F H (D is not here). TTD 60 300 1500: sum 1860 → 620; TTR 1860 10800 → 6330.
    assert_eq!(m["2026-03"]["incidents"], 3);
    assert_eq!(m["2026-03"]["mttd"], fig(3, 620.0, 300.0, 1500.0));
    assert_eq!(m["2026-03"]["mttr"], fig(2, 6330.0, 6330.0, 10800.0));
    // 2026-04: I J K (L started on 04-30 in Chicago, 05-01 02:00 in UTC). TTR 900 2400 4800 → 2700.
    assert_eq!(m["2026-04"]["incidents"], 3);
    assert_eq!(m["2026-04"]["mttr"], fig(3, 2700.0, 2400.0, 4800.0));
    // 2026-05: L alone; no TTA missing: 120.
    assert_eq!(m["2026-05"]["incidents"], 1);
    assert_eq!(m["2026-05"]["mtta"], fig(1, 120.0, 120.0, 120.0));
    assert_eq!(m["2026-05"]["mttr"], fig(1, 6600.0, 6600.0, 6600.0));
}

#[test]
fn by_service_counts_an_incident_for_each_service() {
    let r = report(&[]);
    let s = &r["by_service"];
    assert_eq!(s.as_object().unwrap().keys().collect::<Vec<_>>(), ["api", "db", "web"]);
    // api: A B E I L (A and E also elsewhere; GAME-1 excluded). TTR 2400 3600 6600 7200 10800:
    // sum 30600 → 6120; median 6600; p90 ceil(4.5) = 5th = 10800.
    assert_eq!(s["api"]["incidents"], 5);
    assert_eq!(s["api"]["mttr"], fig(5, 6120.0, 6600.0, 10800.0));
    // db: C E K (not the maintenance). TTR 900 7200 10800: sum 18900 → 6300.
    assert_eq!(s["db"]["incidents"], 3);
    assert_eq!(s["db"]["mttr"], fig(3, 6300.0, 7200.0, 10800.0));
    // web: A D F H J. TTR (H none) 1860 3600 4800 9000: sum 19260 → 4815; median (3600 + 4800) / 2.
    assert_eq!(s["web"]["incidents"], 5);
    assert_eq!(s["web"]["mttr"], fig(4, 4815.0, 4200.0, 9000.0));
    // 5 + 3 + 5 = 13 service memberships for 11 incidents.
}

#[test]
fn public_audience_leaves_out_the_private_incident() {
    let r = report(&["--audience", "public"]);
    // Without E: 10 incidents; TTR 900 1860 2400 3600 4800 6600 7200 7200 9000, n = 9:
    // sum 54360 − 10800 = 43560 → 4840; median 5th = 4800; p90 ceil(8.1) = 9th = 9000.
    assert_eq!(r["overall"]["incidents"], 10);
    assert_eq!(r["overall"]["mttr"], fig(9, 4840.0, 4800.0, 9000.0));
    // TTD without E's 1500: 60 120 180 240 300 300 600 600 1200, sum 3600 → 400; median 300.
    assert_eq!(r["overall"]["mttd"], fig(9, 400.0, 300.0, 1200.0));
    // db: C K; March: F H.
    assert_eq!(r["by_service"]["db"]["incidents"], 2);
    assert_eq!(r["by_month"]["2026-03"]["incidents"], 2);
    assert_eq!(r["by_severity"]["SEV-3"]["incidents"], 4);
    // F's cause was first seen on E, which the public does not see: only B and L repeat.
    assert_eq!(r["repeats"]["ids"], json!(["INC-B", "INC-L"]));
    assert_eq!(r["repeats"]["share"], json!(0.2));
    // E's action item and E's resolver are gone too.
    assert_eq!(r["action_items"]["total"], 5);
    assert!(r["people"].get("Eve").is_none());
    assert!(!serde_json::to_string(&r).unwrap().contains("INC-E"));
    // The internal default counts it.
    assert_eq!(report(&[])["overall"]["incidents"], 11);
}

#[test]
fn other_settings_mttr_from_detected_and_mtta_from_started() {
    let site = copy_with_settings("[metrics]\nmttr_from = \"detected\"\nmtta_from = \"started\"\n[postmortem]\nrequired_sections = [\"Summary\"]\n");
    let r = report_at(site.path(), &[]);
    // TTR = resolved − detected: A 3300, B 6600, C 7200, D 7800, E 9300, F 1800, I 2280, J 4200,
    // K 720, L 6360. Sorted 720 1800 2280 3300 4200 6360 6600 7200 7800 9300; sum 49560
    // (= 54360 − the TTDs 4800 of those incidents) → 4956; median (4200 + 6360) / 2 = 5280; p90 9th.
    assert_eq!(r["overall"]["mttr"], fig(10, 4956.0, 5280.0, 7800.0));
    // TTA = acknowledged − started: A 420, B 1800, E 1800, F 660, I 240, J 2340, K 300, L 360;
    // C has no started, D no ack. Sorted 240 300 360 420 660 1800 1800 2340, sum 7920 → 990;
    // median (420 + 660) / 2 = 540; p90 ceil(7.2) = 8th = 2340.
    assert_eq!(r["overall"]["mtta"], fig(8, 990.0, 540.0, 2340.0));
    // TTD and TTM do not depend on the settings.
    assert_eq!(r["overall"]["mttd"], fig(10, 510.0, 300.0, 1200.0));
    assert_eq!(r["overall"]["mttm"], fig(10, 2436.0, 2550.0, 3600.0));
    assert_eq!(r["scope"]["mttr_from"], "detected");
    assert_eq!(r["scope"]["mtta_from"], "started");
}

#[test]
fn filters_select_by_start_day_severity_and_service() {
    // 2026-03-01..2026-04-30 (UTC): E F H I J K. Not D (02-28 23:30Z), not L (05-01 02:00Z).
    let r = report(&["--since", "2026-03-01", "--until", "2026-04-30"]);
    assert_eq!(r["overall"]["incidents"], 6);
    // TTR 900 1860 2400 4800 10800: sum 20760 → 4152; median 2400; p90 ceil(4.5) = 5th.
    assert_eq!(r["overall"]["mttr"], fig(5, 4152.0, 2400.0, 10800.0));
    assert_eq!(r["by_month"].as_object().unwrap().keys().collect::<Vec<_>>(), ["2026-03", "2026-04"]);
    // Inclusive ends: --since and --until on the day of F (03-15) select F alone.
    let r = report(&["--since", "2026-03-15", "--until", "2026-03-15"]);
    assert_eq!(r["overall"]["incidents"], 1);
    assert_eq!(r["overall"]["mttr"], fig(1, 1860.0, 1860.0, 1860.0));

    let r = report(&["--severity", "SEV-1"]);
    assert_eq!(r["overall"]["mttr"], fig(3, 5800.0, 6600.0, 7200.0));
    assert_eq!(r["by_severity"].as_object().unwrap().len(), 1);

    // db: C E K; by_service keeps only db although E also hit api.
    let r = report(&["--service", "db"]);
    assert_eq!(r["overall"]["incidents"], 3);
    assert_eq!(r["overall"]["mttr"], fig(3, 6300.0, 7200.0, 10800.0));
    assert_eq!(r["by_service"].as_object().unwrap().keys().collect::<Vec<_>>(), ["db"]);

    // Nothing selected: every figure is null.
    let r = report(&["--since", "2027-01-01"]);
    assert_eq!(r["overall"]["incidents"], 0);
    for key in ["mttd", "mtta", "mttm", "mttr"] {
        assert_eq!(r["overall"][key], NONE());
    }
    assert_eq!(r["by_month"], json!({}));
}

#[test]
fn repeats_volume_and_longest() {
    let r = report(&[]);
    // bad-deploy: GAME-1 (excluded, so it makes no repeat) then A, B, L → B and L repeat.
    // disk-full: E then F → F repeats. 3 of 11.
    assert_eq!(r["repeats"]["ids"], json!(["INC-B", "INC-F", "INC-L"]));
    assert_eq!(r["repeats"]["repeats"], 3);
    approx(&r["repeats"]["share"], 3.0 / 11.0);
    assert_eq!(r["repeats"]["by_cause"], json!({"bad-deploy": 3, "disk-full": 2}));
    // From 2026-02-01 on: C..L (9). L still repeats A, which is before the range; F repeats E.
    let since = report(&["--since", "2026-02-01"]);
    assert_eq!(since["repeats"]["ids"], json!(["INC-F", "INC-L"]));
    assert_eq!(since["repeats"]["incidents"], 9);

    // Months: Jan A B (SEV-1), Feb C D (SEV-2), Mar E F H (SEV-3), Apr I (SEV-2) J K (SEV-3), May L.
    let months = &r["volume"]["by_month"];
    assert_eq!(months["2026-01"], json!({"total": 2, "by_severity": {"SEV-1": 2}}));
    assert_eq!(months["2026-02"], json!({"total": 2, "by_severity": {"SEV-2": 2}}));
    assert_eq!(months["2026-04"], json!({"total": 3, "by_severity": {"SEV-2": 1, "SEV-3": 2}}));
    // ISO weeks from A's (2026-W02, Sat 01-10) to L's (2026-W18, Fri 05-01): 17, quiet ones zero.
    let weeks = r["volume"]["by_week"].as_object().unwrap();
    assert_eq!(weeks.len(), 17);
    assert_eq!(weeks["2026-W03"], json!({"total": 0, "by_severity": {}}));
    // E (Tue 03-10) and F (Sun 03-15) share W11; D (Sat 02-28 UTC) is W09.
    assert_eq!(weeks["2026-W11"], json!({"total": 2, "by_severity": {"SEV-3": 2}}));
    assert_eq!(weeks["2026-W09"]["total"], 1);

    // Longest by TTR: E 10800, D 9000, B 7200, C 7200 (tie: by id), L 6600, … K 900.
    let ids: Vec<&str> = r["longest"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["INC-E", "INC-D", "INC-B", "INC-C", "INC-L", "INC-J", "INC-A", "INC-I", "INC-F", "INC-K"]);
    assert_eq!(r["longest"][0]["ttr_s"], 10800);

    // Histogram: K 900 in 15–30m; F 1860, I 2400 in 30m–1h; A 3600, J 4800, L 6600 in 1–2h;
    // B 7200, C 7200, D 9000, E 10800 in 2–4h.
    let counts: Vec<u64> =
        r["ttr_histogram"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, [0, 1, 2, 3, 4, 0, 0, 0, 0]);
}

#[test]
fn action_items_compliance_postmortems_and_people() {
    let r = report(&[]);
    // A: AI-1 done on time (01-18 ≤ 01-20), AI-2 done late (01-25). B: AI-3 open, due 02-01
    // (overdue at 06-01), AI-4 in progress (due 12-31), AI-5 won't do. E: AI-6 open, due 04-01
    // (overdue). GAME-1's AI-7 does not count. Completion 2 done / (6 − 1 won't do) = 0.4.
    assert_eq!(
        r["action_items"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| !["by_owner", "open_over_time"].contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>(),
        json!({"total": 6, "open": 2, "in_progress": 1, "overdue": 2, "done": 2, "done_on_time": 1,
               "done_late": 1, "wont_do": 1, "completion_rate": 0.4})
        .as_object()
        .unwrap()
        .clone()
    );
    // Ann: AI-1 AI-2 done, AI-6 open and overdue. Bo: AI-3 (overdue), AI-4. Cy: AI-5 won't do.
    assert_eq!(
        r["action_items"]["by_owner"],
        json!({"Ann": {"open": 1, "overdue": 1, "done": 2}, "Bo": {"open": 2, "overdue": 1, "done": 0},
               "Cy": {"open": 0, "overdue": 0, "done": 0}})
    );
    // Open over time: on Sun 01-11 (A's week) AI-1 and AI-2 are open (opened 01-10): 2.
    let series = r["action_items"]["open_over_time"].as_array().unwrap();
    assert_eq!(series[0], json!({"date": "2026-01-11", "open": 2}));
    // On 06-01 (now): AI-3 and AI-4 (B) and AI-6 (E) are open; AI-5 closed 02-10.
    assert_eq!(series.last().unwrap(), &json!({"date": "2026-06-01", "open": 3}));

    // Acknowledged within respond_within: SEV-1 (5m): A 2m yes, B 20m no, L 2m yes → 2/3.
    // SEV-2 (15m): C exactly 15m yes, I 2m yes, D no ack → unknown. SEV-3 (1h): E F J K yes, H unknown.
    // Updates (gaps from detection through public updates to resolution):
    // SEV-1 (30m): A max 30m yes; B 08:20 → 09:30 = 70m no; L none for 1h46m no → 1/3.
    // SEV-2 (1h): C none for 2h no; D gaps 10m, 60m, 60m yes; I 38m yes → 2/3. SEV-3: no limit.
    let c = &r["compliance"];
    approx(&c["SEV-1"]["acknowledged_rate"], 2.0 / 3.0);
    approx(&c["SEV-1"]["updated_rate"], 1.0 / 3.0);
    let mut sev1 = c["SEV-1"].clone();
    sev1.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_rate"));
    assert_eq!(
        sev1,
        json!({"incidents": 3, "respond_within_s": 300, "acknowledged_in_time": 2, "acknowledged_late": 1,
               "acknowledged_unknown": 0, "update_every_s": 1800,
               "updated_in_time": 1, "updated_late": 2, "updated_unknown": 0})
    );
    assert_eq!(
        (&c["SEV-2"]["acknowledged_in_time"], &c["SEV-2"]["acknowledged_unknown"], &c["SEV-2"]["acknowledged_rate"]),
        (&json!(2), &json!(1), &json!(1.0))
    );
    assert_eq!((&c["SEV-2"]["updated_in_time"], &c["SEV-2"]["updated_late"]), (&json!(2), &json!(1)));
    assert_eq!((&c["SEV-3"]["acknowledged_in_time"], &c["SEV-3"]["acknowledged_unknown"]), (&json!(4), &json!(1)));
    assert_eq!((&c["SEV-3"]["updated_in_time"], &c["SEV-3"]["update_every_s"]), (&json!(5), &json!(null)));

    // Post-mortems. SEV-1 (required, 5d): A meeting 01-14 ≤ 01-15 on time; B meeting 01-28 >
    // 01-25 late; L draft, due 05-06 03:50Z → overdue at 06-01.
    // SEV-2 (required, 7d): C published without a meeting date; D and I never written → overdue.
    // SEV-3 (optional): E F J K resolved, none published, none overdue (H is unresolved).
    let p = &r["postmortems"];
    assert_eq!(
        p["SEV-1"],
        json!({"policy": "required", "within_s": 432000, "resolved": 3, "published": 2, "on_time": 1,
               "late": 1, "unpublished": 1, "overdue": 1})
    );
    assert_eq!(
        p["SEV-2"],
        json!({"policy": "required", "within_s": 604800, "resolved": 3, "published": 1, "on_time": 0,
               "late": 0, "unpublished": 2, "overdue": 2})
    );
    assert_eq!(
        p["SEV-3"],
        json!({"policy": "optional", "within_s": null, "resolved": 4, "published": 0, "on_time": 0,
               "late": 0, "unpublished": 4, "overdue": 0})
    );

    // People: roles by id with aliases resolved (ic, commander → incident_commander; sme → resolver).
    // Ann: IC of A and B, resolver of I. Bo: resolver of A, D, L. Cy: A, C. Dee: resolver of B,
    // commander of L. Eve: E. Fay only acknowledged F. GAME-1's roles do not count.
    let people = &r["people"];
    assert_eq!(
        people["Ann"],
        json!({"incidents": 3, "roles": {"incident_commander": 2, "resolver": 1}, "acknowledged": 1})
    );
    assert_eq!(people["Bo"], json!({"incidents": 3, "roles": {"resolver": 3}, "acknowledged": 0}));
    assert_eq!(people["Cy"], json!({"incidents": 2, "roles": {"resolver": 2}, "acknowledged": 1}));
    assert_eq!(
        people["Dee"],
        json!({"incidents": 2, "roles": {"incident_commander": 1, "resolver": 1}, "acknowledged": 2})
    );
    assert_eq!(people["Eve"], json!({"incidents": 1, "roles": {"resolver": 1}, "acknowledged": 1}));
    assert_eq!(people["Fay"], json!({"incidents": 0, "roles": {}, "acknowledged": 1}));
}

#[test]
fn csv_has_one_row_per_group() {
    let out = incsite(&fixture(), &["--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "group_kind,group,incidents,mttd_count,mttd_mean_s,mttd_median_s,mttd_p90_s,\
         mtta_count,mtta_mean_s,mtta_median_s,mtta_p90_s,mttm_count,mttm_mean_s,mttm_median_s,mttm_p90_s,\
         mttr_count,mttr_mean_s,mttr_median_s,mttr_p90_s"
    );
    // 1 overall + 3 severities + 3 services + 5 months.
    assert_eq!(lines.len(), 1 + 12);
    // The figures of overall_figures, in order.
    assert_eq!(
        lines[1],
        "overall,all,11,10,510.0,300.0,1200.0,9,580.0,300.0,1740.0,10,2436.0,2550.0,3600.0,10,5436.0,5700.0,9000.0"
    );
    // SEV-2: no TTD for C, no TTA for D.
    assert_eq!(
        lines[3],
        "severity,SEV-2,3,2,660.0,660.0,1200.0,2,510.0,510.0,900.0,3,2500.0,2700.0,3600.0,3,6200.0,7200.0,9000.0"
    );
    assert!(lines.contains(
        &"month,2026-05,1,1,240.0,240.0,240.0,1,120.0,120.0,120.0,1,2400.0,2400.0,2400.0,1,6600.0,6600.0,6600.0"
    ));
    // An empty figure is empty cells.
    let out = incsite(&fixture(), &["--format", "csv", "--until", "2026-03-31", "--since", "2026-03-28"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // H alone: TTD 300, nothing else.
    assert!(text.lines().any(|l| l == "overall,all,1,1,300.0,300.0,300.0,0,,,,0,,,,0,,,"), "{text}");
}

#[test]
fn table_shows_the_figures() {
    let out = incsite(&fixture(), &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Incident report: 11 incidents (internal audience; MTTA from detected, MTTR from started)"),
        "{text}"
    );
    // Overall MTTR: mean 5436 s = 1h 30m 36s → "1h 30m"; median 5700 s = "1h 35m"; p90 9000 s = "2h 30m".
    let mttr = text.lines().find(|l| l.trim_start().starts_with("MTTR")).unwrap();
    let cells: Vec<&str> = mttr.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(cells, ["MTTR", "10", "1h 30m", "1h 35m", "2h 30m"], "{mttr}");
    // Overall MTTD: 510 s = "8m 30s"; 300 s = "5m"; 1200 s = "20m".
    let mttd = text.lines().find(|l| l.contains("MTTD")).unwrap();
    assert!(mttd.contains("8m 30s") && mttd.contains("5m") && mttd.contains("20m"), "{mttd}");
    for heading in [
        "By severity",
        "By service",
        "By month",
        "Longest incidents",
        "Action items: 6",
        "Response compliance",
        "Post-mortems",
        "Load per person",
    ] {
        assert!(text.contains(heading), "missing {heading}:\n{text}");
    }
    assert!(text.contains("Repeat incidents: 3 of 11 (27%)"), "{text}");
    // Columns line up: every row of the overall table is as wide as its header's columns allow.
    let header = text.lines().find(|l| l.trim_start().starts_with("group")).unwrap();
    assert_eq!(header.find("figure"), mttr.find("MTTR"), "{header}\n{mttr}");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for (args, needle) in [
        (&["--since", "2026-13-01"][..], "--since"),
        (&["--until", "yesterday"][..], "--until"),
        (&["--since", "2026-05-01", "--until", "2026-04-01"][..], "is after"),
        (&["--severity", "SEV1"][..], "did you mean `SEV-1`"),
        (&["--service", "apii"][..], "did you mean `api`"),
        (&["--audience", "everyone"][..], "--audience"),
        (&["--format", "xml"][..], "--format"),
    ] {
        let out = incsite(&fixture(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = Command::cargo_bin("incsite")
        .unwrap()
        .args(["report", "--now", "soon", "--root"])
        .arg(fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_site_with_errors_still_reports_with_a_warning() {
    let site = copy_with_settings("[postmortem]\nrequired_sections = [\"Summary\"]\n");
    std::fs::write(
        site.path().join("content/incidents/2026/broken.md"),
        "---\ntitle: Broken\nseverity: SEV-3\nstatus: resolved\ntimeline: [not a mapping\n---\n",
    )
    .unwrap();
    let out = incsite(site.path(), &["--format", "json"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("warning: 1 record has errors; figures may be incomplete"), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["overall"]["incidents"], 11);
    // A clean site prints nothing on stderr.
    assert!(incsite(&fixture(), &["--format", "json"]).stderr.is_empty());
}
