//! `codexgw env`: shell lines that give this shell what the configured mode needs.

use crate::cli::EnvArgs;
use crate::codex::launch::{self, Shell};
use crate::commands::{Context, configured_provider};
use crate::error::Help as _;
use crate::secrets;

pub fn run(
    ctx: &Context,
    args: &EnvArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let shell = match args.shell {
        Some(shell) => shell,
        None => Shell::from_env(&ctx.env)
            .help("pass `--shell sh|bash|zsh|fish|powershell` for the shell that will run them")?,
    };
    let provider = configured_provider(ctx, codex_home, &args.provider_id, args.url.as_deref())?;
    let store = secrets::system_store(&ctx.env);
    let changes = launch::environment_for(&provider, &ctx.env, Some(&store))?;
    if ctx.ui.stdout_is_terminal() {
        ctx.ui.warn("these lines hold your token; apply them with `eval \"$(codexgw env)\"` instead of copying them");
    }
    ctx.ui.out(shell.render(&changes))
}
