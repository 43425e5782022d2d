//! The subcommands, one small file each: arguments in, exit code out.

pub mod build;
pub mod check;
pub mod completions;
pub mod diff;
pub mod diff_changes;
pub mod import;
pub mod init;
pub mod live;
pub mod new;
pub mod notify;
pub mod report;
pub mod schema;
pub mod serve;
pub mod status;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// "Now" for a command: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn now(arg: Option<&str>) -> Result<DateTime<Utc>> {
    if let Some(text) = arg {
        if let Ok(t) = crate::decode::parse_time(text) {
            return Ok(t.with_timezone(&Utc));
        }
        if let Ok(secs) = text.parse::<i64>() {
            return DateTime::from_timestamp(secs, 0).context("--now is out of range");
        }
        anyhow::bail!(
            "--now must be an RFC 3339 time with an offset (2026-03-04T09:12:00Z) or seconds since 1970, not `{text}`"
        );
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().context("SOURCE_DATE_EPOCH must be a whole number of seconds")?;
        return DateTime::from_timestamp(secs, 0).context("SOURCE_DATE_EPOCH is out of range");
    }
    Ok(Utc::now())
}
