//! `codexgw template`: Terraform for a Coder template, on stdout.

use crate::cli::TemplateArgs;
use crate::coder::deployment::StandaloneGateway;
use crate::commands::Context;
use crate::template::{self, TemplateOptions};

pub fn run(ctx: &Context, args: &TemplateArgs) -> anyhow::Result<()> {
    let gateway = args
        .gateway_url
        .as_deref()
        .map(|url| StandaloneGateway::parse(url, args.allow_http))
        .transpose()?;
    let text = template::render(&TemplateOptions {
        mode: args.mode,
        workdir: args.workdir.clone(),
        module_version: args.module_version.clone(),
        agent: args.agent.clone(),
        gateway,
    })?;
    ctx.ui.out(text)
}
