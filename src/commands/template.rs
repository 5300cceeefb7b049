//! `codexgw template`: Terraform for a Coder template, on stdout.

use crate::cli::TemplateArgs;
use crate::codex::mode::Websockets;
use crate::commands::{Context, parse_gateway_flag};
use crate::template::{self, TemplateOptions};

pub fn run(ctx: &Context, args: &TemplateArgs) -> anyhow::Result<()> {
    let gateway = args
        .gateway_url
        .as_deref()
        .map(|url| parse_gateway_flag(url, args.allow_http))
        .transpose()?;
    let text = template::render(&TemplateOptions {
        mode: args.mode,
        workdir: args.workdir.clone(),
        module_version: args.module_version.clone(),
        agent: args.agent.clone(),
        gateway,
        websockets: args.websockets.fixed().unwrap_or(Websockets::Leave),
    })?;
    ctx.ui.out(text)
}
