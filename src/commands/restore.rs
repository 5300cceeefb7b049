//! `codexgw restore`: list codexgw's backups, or put one back (backing up the current file).

use crate::cli::RestoreArgs;
use crate::commands::{Context, apply, require_consent};
use crate::error;
use crate::files::{self, Backup};
use crate::setup::plan::FileChange;

pub fn run(
    ctx: &Context,
    args: &RestoreArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let home = ctx.codex_home(codex_home)?;
    let backups = files::list_backups(&home.backups_dir())?;
    let Some(wanted) = args.backup.as_deref().filter(|_| !args.list) else {
        if backups.is_empty() {
            ctx.ui
                .status(format!("no backups in `{}`", home.backups_dir().display()));
        }
        let list: String = backups
            .iter()
            .map(|backup| format!("{}\t{}\n", backup.name(), backup.original))
            .collect();
        ctx.ui.out(list)?;
        if !args.list && !backups.is_empty() {
            return Err(error::usage(
                "name the backup to put back",
                "e.g. `codexgw restore latest`, or a name from the list above",
            ));
        }
        return Ok(());
    };
    let backup = find(&backups, wanted).ok_or_else(|| {
        error::usage(
            format!(
                "no backup named `{wanted}` in `{}`",
                home.backups_dir().display()
            ),
            "see the names with `codexgw restore --list`",
        )
    })?;
    let _lock = files::lock(&home.backups_dir())?;
    let text = files::read_optional(&backup.path)?.ok_or_else(|| {
        error::failure(
            format!("the backup `{}` vanished", backup.path.display()),
            "see what is left with `codexgw restore --list`",
        )
    })?;
    let target = home.restorable(&backup.original).ok_or_else(|| {
        error::failure(
            format!(
                "`{}` is not a backup codexgw made: codexgw backs up only config.toml and profile files, not `{}`",
                backup.name(),
                backup.original
            ),
            "copy the file back by hand if you put it there on purpose; nothing was written",
        )
    })?;
    let change = FileChange {
        before: files::read_optional(&target)?,
        path: target,
        after: text,
    };
    if change.is_noop() {
        ctx.ui.status(format!(
            "`{}` already matches `{}`",
            change.path.display(),
            backup.name()
        ));
        return Ok(());
    }
    let changes = [change];
    require_consent(
        ctx,
        &changes,
        &format!("Put `{}` back?", backup.name()),
        true,
        args.yes,
        ("codexgw restore", false),
    )?;
    apply(ctx, &home, &changes, true)?;
    ctx.ui.status(format!("restored `{}`", backup.name()));
    Ok(())
}

fn find<'a>(backups: &'a [Backup], wanted: &str) -> Option<&'a Backup> {
    if wanted == "latest" {
        return backups.iter().find(|b| b.original == "config.toml");
    }
    backups
        .iter()
        .find(|b| b.name() == wanted || b.path.to_str() == Some(wanted))
}
