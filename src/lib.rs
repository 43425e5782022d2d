//! incsite: incident records kept in git, checked against the team's severity and role policies,
//! and published as a static status site with post-mortems, an action tracker and MTTx reports.
//!
//! The pipeline (see ARCHITECTURE.md): files → [`record`] parsing → [`check`] → [`site::Site`]
//! → [`site::View`] for one audience → [`render`] pages / [`metrics`] figures → [`output`].

pub mod allocator;
pub mod atomic;
pub mod board;
pub mod check;
pub mod cmd;
pub mod config;
pub mod decode;
pub mod diag;
pub mod duration;
pub mod files;
pub mod git;
pub mod ignored;
pub mod metrics;
pub mod notify;
pub mod output;
pub mod record;
pub mod render;
pub mod salvage;
pub mod schema;
pub mod serve;
pub mod site;
pub mod status;
pub mod yaml;

/// The most items (records, pages) one parallel job takes at a time. Left to itself, rayon cuts
/// a list into about four runs per core and splits a run further only when another core takes
/// part of it: a core that finished its other work found nothing left to take while the last
/// run went on alone (2 s on one core at the end of a 100,000-record build).
pub const PAR_JOB: usize = 16;
pub mod import;
