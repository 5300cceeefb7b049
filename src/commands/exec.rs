//! `codexgw exec -- CMD`: run CMD with the environment `codexgw env` would set up, so the
//! tokens live only in that process. On Unix codexgw replaces itself with CMD, so signals,
//! the terminal and the exit status belong to CMD alone.

use std::process::ExitCode;

use crate::cli::ExecArgs;
use crate::codex::launch::{self, EnvChange};
use crate::commands::{Context, configured_provider};
use crate::error;
use crate::secrets;

pub fn run(
    ctx: &Context,
    args: &ExecArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let provider = configured_provider(ctx, codex_home, &args.provider_id, args.url.as_deref())?;
    let store = secrets::system_store(&ctx.env);
    let changes = launch::environment_for(&provider, &ctx.env, Some(&store))?;
    let (program, rest) = args
        .command
        .split_first()
        .expect("clap requires the command");
    let mut command = std::process::Command::new(program);
    command.args(rest);
    for change in &changes {
        match change {
            EnvChange::Set(name, value) => command.env(name, value.expose()),
            EnvChange::Unset(name) => command.env_remove(name),
        };
    }
    let cannot_run = |err: std::io::Error| {
        error::failure(
            format!("cannot run `{}`: {err}", program.to_string_lossy()),
            "check the command's name and that it is on PATH",
        )
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        // `exec` returns only when it failed.
        Err(cannot_run(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(cannot_run)?;
        Ok(ExitCode::from(
            u8::try_from(status.code().unwrap_or(1)).unwrap_or(1),
        ))
    }
}
