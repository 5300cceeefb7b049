//! `codexgw template`: Terraform for a Coder template, on stdout.

use crate::cli::TemplateArgs;
use crate::commands::Context;
use crate::template::{self, TemplateOptions};

pub fn run(ctx: &Context, args: &TemplateArgs) -> anyhow::Result<()> {
    let text = template::render(&TemplateOptions {
        mode: args.mode,
        workdir: args.workdir.clone(),
        module_version: args.module_version.clone(),
        agent: args.agent.clone(),
    })?;
    ctx.ui.out(text)
}
