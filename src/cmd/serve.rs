//! `incsite serve`: a live preview of the site that follows every save.

use crate::serve;
use crate::site::Audience;
use anyhow::Result;
use std::net::IpAddr;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but loopback shows the preview to other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the preview in the browser.
    #[arg(long)]
    pub open: bool,
    /// Who the preview is for: `internal` shows private incidents and entries too.
    #[arg(long, value_enum, default_value_t = Audience::Public)]
    pub audience: Audience,
    /// A fixed time for the status page (RFC 3339); default: the clock, read on every rebuild.
    #[arg(long)]
    pub now: Option<String>,
    /// The URL used in feeds and the sitemap; default: the preview's own address.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Serves until stopped; 0 when it stopped cleanly.
pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = args.now.as_deref().map(|t| super::now(Some(t))).transpose()?;
    let opts = serve::Options {
        bind: args.bind,
        port: args.port,
        open: args.open,
        audience: args.audience,
        now,
        base_url: args.base_url.clone(),
    };
    serve::run(root, &opts)?;
    Ok(0)
}
