//! `codexgw man --out-dir DIR`: one roff page for codexgw and one per subcommand
//! (`codexgw-setup.1`, `codexgw-token-set.1`, …).

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::commands::Context;
use crate::error::Help;

pub fn run(ctx: &Context, args: &ManArgs) -> anyhow::Result<()> {
    let dir = &args.out_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create `{}`", dir.display()))
        .help("pass a folder you can write to with `--out-dir`")?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = 0;
    write_pages(&cmd, dir, &mut written)?;
    ctx.ui
        .status(format!("wrote {written} man pages to `{}`", dir.display()));
    Ok(())
}

fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut usize) -> anyhow::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)?;
    std::fs::write(&path, page)
        .with_context(|| format!("cannot write `{}`", path.display()))
        .help("pass a folder you can write to with `--out-dir`")?;
    *written += 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
