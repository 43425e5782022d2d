//! incsite: incident records kept in git, checked against the team's severity and role policies,
//! and published as a static status site with post-mortems, an action tracker and MTTx reports.
//!
//! The pipeline (see ARCHITECTURE.md): files → [`record`] parsing → [`check`] → [`site::Site`]
//! → [`site::View`] for one audience → [`render`] pages / [`metrics`] figures → [`output`].

pub mod allocator;
pub mod check;
pub mod cmd;
pub mod config;
pub mod decode;
pub mod diag;
pub mod duration;
pub mod git;
pub mod metrics;
pub mod output;
pub mod record;
pub mod render;
pub mod schema;
pub mod serve;
pub mod site;
pub mod status;
pub mod yaml;
