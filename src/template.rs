//! Terraform for a Coder template: the registry's codex module set up for one mode. The TOML a
//! template embeds comes from [`render_block`], the code `setup` and `show` use, so every
//! workspace gets exactly the block `codexgw show` prints for its deployment.

use std::fmt::Write as _;

use crate::coder::deployment::{Deployment, Route};
use crate::codex::mode::{self, Mode, ProviderSpec, TokenSource};
use crate::error;
use crate::setup::plan::render_block;

pub const MODULE_SOURCE: &str = "registry.coder.com/coder-labs/codex/coder";
/// Module 5.x is the one with `enable_ai_gateway` (provider id `aigateway`).
pub const DEFAULT_MODULE_VERSION: &str = "~> 5.0";
pub const DEFAULT_AGENT: &str = "coder_agent.main";
pub const DEFAULT_WORKDIR: &str = "/home/coder/project";

/// The deployment URL as the workspace knows it. Coder's `access_url` may end with `/`; trimming
/// it keeps `base_url` free of `//`.
pub const ACCESS_URL_EXPR: &str = r#"${trimsuffix(data.coder_workspace.me.access_url, "/")}"#;

/// Rendered in place of the deployment, then swapped for [`ACCESS_URL_EXPR`]. `.invalid` is
/// reserved (RFC 2606), so no real deployment can collide with it.
const PLACEHOLDER_URL: &str = "https://codexgw-template.invalid";

/// The heredoc delimiter around `base_config_toml`; no TOML line can consist of it alone.
const HEREDOC: &str = "TOML";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateOptions {
    pub mode: Mode,
    pub workdir: String,
    pub module_version: String,
    /// `main`, `coder_agent.main` or `coder_agent.main.id`.
    pub agent: String,
}

/// The Terraform text for `opts`, ready to paste into a template's `main.tf`.
pub fn render(opts: &TemplateOptions) -> anyhow::Result<String> {
    let agent_id = agent_id_expr(&opts.agent)?;
    if opts.module_version.trim().is_empty() {
        return Err(error::usage(
            "the module version is empty",
            format!("use a version, e.g. `{DEFAULT_MODULE_VERSION}`"),
        ));
    }
    let mut out = String::new();
    for line in header(opts.mode) {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');

    let mut module = vec![
        ("source", hcl_string(MODULE_SOURCE)),
        ("version", hcl_string(&opts.module_version)),
        ("agent_id", agent_id.clone()),
        ("workdir", hcl_string(&opts.workdir)),
    ];
    match opts.mode {
        Mode::Centralized => {
            module.push(("enable_ai_gateway", "true".into()));
            out.push_str("module \"codex\" {\n");
            attributes(&mut out, &module);
            out.push_str("}\n");
        }
        Mode::Byok | Mode::Chatgpt => {
            out.push_str("resource \"coder_env\" \"coder_api_token\" {\n");
            attributes(
                &mut out,
                &[
                    ("agent_id", agent_id),
                    ("name", hcl_string(mode::CODER_TOKEN_VAR)),
                    (
                        "value",
                        "data.coder_workspace_owner.me.session_token".into(),
                    ),
                ],
            );
            out.push_str("}\n\nmodule \"codex\" {\n");
            attributes(&mut out, &module);
            let _ = writeln!(
                out,
                "\n  # What `codexgw show --mode {}` prints. Not `enable_ai_gateway = true`: that would add\n  \
                 # the module's own centralized provider next to this one.",
                opts.mode
            );
            let _ = writeln!(out, "  base_config_toml = <<-{HEREDOC}");
            for line in templated_block(opts.mode)?.lines() {
                if !line.is_empty() {
                    out.push_str("    ");
                    out.push_str(line);
                }
                out.push('\n');
            }
            let _ = writeln!(out, "  {HEREDOC}\n}}");
        }
    }
    Ok(out)
}

fn header(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Centralized => &[
            "Codex through the Coder AI Gateway with the workspace owner's Coder token as the key",
            "(`codexgw template --mode centralized`); the deployment's OpenAI account pays.",
            "With `enable_ai_gateway`, the codex module (5.x) writes the provider `aigateway` into",
            "~/.codex/config.toml and sets OPENAI_CODER_AIGATEWAY_SESSION_TOKEN to the owner's session",
            "token. Check a workspace with `codexgw doctor --provider-id aigateway`.",
        ],
        Mode::Byok => &[
            "Codex through the Coder AI Gateway with each user's own OpenAI API key",
            "(`codexgw template --mode byok`); the workspace owner's Coder token rides in the",
            "X-Coder-AI-Governance-Token header.",
            "The key stays each user's and is not in this template. In this mode `codex exec` does not",
            "read OPENAI_API_KEY; it uses Codex's own login, so each user runs once in the workspace",
            "`printenv OPENAI_API_KEY | codex login --with-api-key`, or sets CODEX_API_KEY.",
            "Needs `data \"coder_workspace\" \"me\" {}` and `data \"coder_workspace_owner\" \"me\" {}`",
            "(most templates declare both already).",
        ],
        Mode::Chatgpt => &[
            "Codex through the Coder AI Gateway with each user's ChatGPT login",
            "(`codexgw template --mode chatgpt`); the workspace owner's Coder token rides in the",
            "X-Coder-AI-Governance-Token header. The deployment needs an `openai`-type provider named",
            "`chatgpt` (Coder v2.34+), else Codex gets `404 route not supported`.",
            "OPENAI_API_KEY must NOT be set in the workspace (no `openai_api_key`, no coder_env for it):",
            "Codex would log in with the key instead of ChatGPT. Each user runs `codex login` once in",
            "the workspace and signs in with their ChatGPT account.",
            "Needs `data \"coder_workspace\" \"me\" {}` and `data \"coder_workspace_owner\" \"me\" {}`",
            "(most templates declare both already).",
        ],
    }
}

/// The block `show` prints for `mode`, with the deployment replaced by [`ACCESS_URL_EXPR`] and
/// everything else escaped for a heredoc template.
fn templated_block(mode: Mode) -> anyhow::Result<String> {
    let spec = ProviderSpec {
        id: mode::DEFAULT_PROVIDER_ID.into(),
        mode,
        deployment: Deployment::parse(PLACEHOLDER_URL, false)?.deployment,
        // Served by every Coder version with the gateway, so one template fits them all.
        route: Route::Aibridge,
        token_source: TokenSource::Env(mode::DEFAULT_ENV_KEY.into()),
    };
    let block = escape_template(&render_block(&spec)?);
    anyhow::ensure!(
        block.matches(PLACEHOLDER_URL).count() == 1,
        "internal: the rendered block must name the deployment exactly once"
    );
    Ok(block.replace(PLACEHOLDER_URL, ACCESS_URL_EXPR))
}

/// Turns an agent reference into the expression for its id: `main` and `coder_agent.main` become
/// `coder_agent.main.id`.
pub fn agent_id_expr(reference: &str) -> anyhow::Result<String> {
    let reference = reference.trim();
    let mut parts: Vec<&str> = reference.split('.').collect();
    if !parts.iter().all(|p| is_traversal_step(p)) {
        return Err(error::usage(
            format!("`{reference}` is not a Terraform reference to an agent"),
            "pass the agent's resource address, e.g. `--agent coder_agent.main`",
        ));
    }
    if parts.len() == 1 {
        parts.insert(0, "coder_agent");
    }
    if parts.last() != Some(&"id") {
        parts.push("id");
    }
    Ok(parts.join("."))
}

/// An identifier, optionally indexed (`main`, `main[0]`).
fn is_traversal_step(step: &str) -> bool {
    let (name, index) = match step.split_once('[') {
        Some((name, rest)) => (name, Some(rest)),
        None => (step, None),
    };
    let name_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let index_ok = index.is_none_or(|rest| {
        rest.strip_suffix(']')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    });
    name_ok && index_ok
}

/// A quoted HCL string literal holding exactly `value`.
pub fn hcl_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in escape_template(value).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Keeps `${` and `%{` literal inside an HCL template (quoted string or heredoc).
fn escape_template(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// `key = value` lines inside a block, `=` aligned as `terraform fmt` does.
fn attributes(out: &mut String, attrs: &[(&str, String)]) {
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in attrs {
        let _ = writeln!(out, "  {key:<width$} = {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_references_become_id_expressions() {
        for (input, want) in [
            ("main", "coder_agent.main.id"),
            ("coder_agent.main", "coder_agent.main.id"),
            ("coder_agent.dev.id", "coder_agent.dev.id"),
            (" coder_agent.main[0] ", "coder_agent.main[0].id"),
        ] {
            assert_eq!(agent_id_expr(input).unwrap(), want, "{input}");
        }
        for bad in [
            "",
            "coder_agent.",
            "1agent",
            "coder_agent.main\"",
            "a[b]",
            "a[]",
            "x y",
        ] {
            let err = agent_id_expr(bad).unwrap_err();
            assert_eq!(error::exit_kind(&err), error::ExitKind::Usage, "{bad}");
        }
    }

    #[test]
    fn strings_are_escaped_for_hcl() {
        assert_eq!(hcl_string("/home/coder"), "\"/home/coder\"");
        assert_eq!(hcl_string("a\"b\\c${d}%{e}\n"), r#""a\"b\\c$${d}%%{e}\n""#);
    }

    #[test]
    fn the_block_names_the_workspace_url_once() {
        let block = templated_block(Mode::Chatgpt).unwrap();
        assert!(block.contains(&format!(
            "base_url = \"{ACCESS_URL_EXPR}/api/v2/aibridge/chatgpt/v1\""
        )));
        assert!(!block.contains(PLACEHOLDER_URL));
    }
}
