use std::process::ExitCode;

use clap::Parser;

use codexgw::cli::{Cli, Command};
use codexgw::commands::{self, Context};
use codexgw::error;

fn main() -> ExitCode {
    codexgw::toml_parse::install_quiet_hook();
    let cli = Cli::parse();
    let ctx = Context::from_process();
    let home = cli.codex_home.as_deref();
    let result = match &cli.command {
        Command::Setup(args) => commands::setup::run(&ctx, args, home),
        Command::Show(args) => commands::show::run(&ctx, args),
        Command::Remove(args) => commands::remove::run(&ctx, args, home),
        Command::Restore(args) => commands::restore::run(&ctx, args, home),
        Command::Doctor(args) => commands::doctor::run(&ctx, args, home),
        Command::Template(args) => commands::template::run(&ctx, args),
        Command::Completions(args) => commands::completions::run(&ctx, args),
        Command::Man(args) => commands::man::run(&ctx, args),
        Command::Token(args) => commands::token::run(&ctx, args, home),
        Command::Env(args) => commands::env::run(&ctx, args, home),
        Command::Exec(args) => match commands::exec::run(&ctx, args, home) {
            Ok(code) => return code,
            Err(err) => Err(err),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            ctx.ui.err(error::render(&err));
            ExitCode::from(error::exit_kind(&err).code())
        }
    }
}
