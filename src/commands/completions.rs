//! `codexgw completions SHELL`: the completion script, generated from the same clap definition
//! that parses the arguments, so it can never offer a flag that does not exist.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionShell, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Elvish => Shell::Elvish,
    };
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, &mut std::io::stdout());
    Ok(())
}
