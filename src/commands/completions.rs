//! `codexgw completions SHELL`: the completion script, generated from the same clap definition
//! that parses the arguments, so it can never offer a flag that does not exist.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionShell, CompletionsArgs};
use crate::commands::Context;

pub fn run(ctx: &Context, args: &CompletionsArgs) -> anyhow::Result<()> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Elvish => Shell::Elvish,
    };
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    // Into memory first: clap_complete panics on a write error, and a closed stdout is not one
    // worth a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    ctx.ui.out(script)
}
