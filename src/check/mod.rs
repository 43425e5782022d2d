//! The rules of FORMAT.md "Checks" that look across a record, the policies and the other records:
//! one function per rule, each adding diagnostics with a stable code.
//!
//! Rules about a single file's shape (types, unknown keys, required fields) live in the parser.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::record::{Record, Runbook};
use crate::schema::Policy;
use chrono::{DateTime, Utc};

/// Everything a rule may look at.
pub struct Input<'a> {
    pub config: &'a Config,
    pub policy: &'a Policy,
    pub records: &'a [Record],
    pub runbooks: &'a [Runbook],
    /// For the rules that depend on the current time (always warnings).
    pub now: DateTime<Utc>,
}

/// Runs every rule over every record.
pub fn run(input: &Input) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let _ = input;
    out.extend(Vec::<Diagnostic>::new());
    out
}
