//! The `incsite` command line: arguments, exit codes, and error printing.

use clap::{Parser, Subcommand};
use incsite::{cmd, site};
use std::path::PathBuf;
use std::process::ExitCode;

/// Incident records in git, checked against your policies and published as a status site.
#[derive(Debug, Parser)]
#[command(name = "incsite", version, about)]
struct Cli {
    /// The site root (default: the nearest directory upwards holding incsite.toml).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every record against the format and the site's policies.
    Check(cmd::check::Args),
    /// Preview the site: serve it from memory and reload the browser on every save.
    Serve(cmd::serve::Args),
    /// What the working tree changes against a git revision, for a pull-request comment.
    Diff(cmd::diff::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir()?;
    match cli.command {
        Command::Check(args) => cmd::check::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Serve(args) => cmd::serve::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Diff(args) => cmd::diff::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
    }
}
