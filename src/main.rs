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
    /// Build the status site into public/ (or --out), replacing it only when the build succeeds.
    Build(cmd::build::Args),
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
        Command::Build(args) => cmd::build::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
    }
}
