//! `incsite completions <shell>`: a shell-completion script on standard output.

use anyhow::Result;
use clap_complete::Shell;
use std::io::Write;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Install, for example:
  bash:  incsite completions bash > ~/.local/share/bash-completion/completions/incsite
  zsh:   incsite completions zsh > \"${fpath[1]}/_incsite\"
  fish:  incsite completions fish > ~/.config/fish/completions/incsite.fish")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for `command` (the whole CLI) to standard output.
pub fn run(command: &mut clap::Command, args: &Args) -> Result<u8> {
    let mut script = Vec::new();
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell, command, name, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    super::live::completion_extras(args.shell, &mut script);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    super::check::ignore_broken_pipe(out.write_all(script.as_bytes()))?;
    Ok(0)
}
