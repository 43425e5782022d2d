//! The `incsite` command line: arguments, exit codes, and error printing.

use clap::{CommandFactory, Parser, Subcommand};
use incsite::{cmd, site};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: parsing and checking make millions of small allocations.
#[global_allocator]
static GLOBAL: incsite::allocator::Allocator = incsite::allocator::Allocator;

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
    /// MTTD / MTTA / MTTM / MTTR and the other figures, as tables, JSON or CSV.
    Report(cmd::report::Args),
    /// Start a new incident record (prints the path it wrote and the new id).
    New(cmd::new::Args),
    /// Make a new site repository: settings, policies, examples and a CI workflow.
    Init(cmd::init::Args),
    /// Print the JSON Schema of a record's front matter, for editors.
    Schema(cmd::schema::Args),
    /// Print a shell-completion script.
    Completions(cmd::completions::Args),
    /// Preview the site: serve it from memory and reload the browser on every save.
    Serve(cmd::serve::Args),
    /// What the working tree changes against a git revision, for a pull-request comment.
    Diff(cmd::diff::Args),
    /// Build the status site into public/ (or --out), replacing it only when the build succeeds.
    Build(cmd::build::Args),
    /// Record that a responder took the incident (an `acknowledged` entry).
    Ack(cmd::live::AckArgs),
    /// Post a status update (an `update` entry; also sets `status`).
    Update(cmd::live::UpdateArgs),
    /// Record that user impact was removed or contained (a `mitigated` entry).
    Mitigate(cmd::live::MilestoneArgs),
    /// Record that service was restored (a `resolved` entry; also sets `status: resolved`).
    Resolve(cmd::live::MilestoneArgs),
    /// Add a note to the timeline (internal unless --public).
    Note(cmd::live::NoteArgs),
    /// Record a decision in the timeline.
    Decision(cmd::live::TextArgs),
    /// Record an action taken in the timeline.
    Action(cmd::live::TextArgs),
    /// Hand a role to someone (a `handoff` entry; lists them under the role).
    Handoff(cmd::live::HandoffArgs),
    /// Change the severity (a `severity` entry and the front matter's `severity`).
    Severity(cmd::live::SeverityArgs),
    /// What is happening now: open incidents, update cadence, maintenance, post-mortems and actions due.
    Status(cmd::status::Args),
    /// Import history from Statuspage (API v2 JSON) or a cState site as records.
    Import(cmd::import::Args),
    /// The record ids, one a line, for the completion scripts.
    #[command(hide = true)]
    CompleteIds,
    /// Tell the [[notify]] channels what the public learned since a revision (the deployed commit).
    Notify(cmd::notify::Args),
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
        Command::Report(args) => cmd::report::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::New(args) => cmd::new::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Init(args) => cmd::init::run(cli.root.as_deref(), &args),
        Command::Schema(args) => {
            // Inside a site the schema knows its policy; elsewhere it is generic (unless --root says where).
            let root = site::find_root(&cwd, cli.root.as_deref());
            let root = if cli.root.is_some() { Some(root?) } else { root.ok() };
            cmd::schema::run(root.as_deref(), &args)
        }
        Command::Completions(args) => cmd::completions::run(&mut Cli::command(), &args),
        Command::Serve(args) => cmd::serve::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Diff(args) => cmd::diff::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Build(args) => cmd::build::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Status(args) => cmd::status::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::Import(args) => cmd::import::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
        Command::CompleteIds => cmd::live::ids(&site::find_root(&cwd, cli.root.as_deref())?),
        Command::Ack(a) => live(&cwd, &cli.root, cmd::live::Live::Ack(&a)),
        Command::Update(a) => live(&cwd, &cli.root, cmd::live::Live::Update(&a)),
        Command::Mitigate(a) => live(&cwd, &cli.root, cmd::live::Live::Mitigate(&a)),
        Command::Resolve(a) => live(&cwd, &cli.root, cmd::live::Live::Resolve(&a)),
        Command::Note(a) => live(&cwd, &cli.root, cmd::live::Live::Note(&a)),
        Command::Decision(a) => live(&cwd, &cli.root, cmd::live::Live::Decision(&a)),
        Command::Action(a) => live(&cwd, &cli.root, cmd::live::Live::Action(&a)),
        Command::Handoff(a) => live(&cwd, &cli.root, cmd::live::Live::Handoff(&a)),
        Command::Severity(a) => live(&cwd, &cli.root, cmd::live::Live::Severity(&a)),
        Command::Notify(args) => cmd::notify::run(&site::find_root(&cwd, cli.root.as_deref())?, &args),
    }
}

/// Runs one of the commands that edit an incident's record.
fn live(cwd: &std::path::Path, root: &Option<PathBuf>, command: cmd::live::Live) -> anyhow::Result<u8> {
    cmd::live::run(&site::find_root(cwd, root.as_deref())?, command)
}
