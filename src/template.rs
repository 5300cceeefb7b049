//! Terraform for a Coder template: the registry's codex module set up for one mode. The TOML a
//! template embeds comes from [`render_block`], the code `setup` and `show` use, so every
//! workspace gets exactly the block `codexgw show` prints for its deployment.

use std::fmt::Write as _;

use crate::coder::deployment::{Deployment, Route, StandaloneGateway};
use crate::codex::mode::{self, Mode, ProviderSpec, TokenSource, Websockets};
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
    /// A standalone gateway the workspaces' Codex talks to instead of the deployment's route.
    pub gateway: Option<StandaloneGateway>,
    /// `supports_websockets` in the block: a template cannot ask the relay, so only `On`
    /// writes it (a fresh block without the key is Codex's default, HTTP).
    pub websockets: Websockets,
}

/// The Terraform text for `opts`, ready to paste into a template's `main.tf`.
pub fn render(opts: &TemplateOptions) -> anyhow::Result<String> {
    let agent_id = agent_id_expr(&opts.agent)?;
    let workdir = absolute_workdir(&opts.workdir)?;
    let module_versions = ModuleVersions::parse(&opts.module_version)?;
    // The module's own switch writes a provider at the deployment's route; a standalone
    // gateway needs the block codexgw writes, like byok and chatgpt.
    let own_block = opts.mode != Mode::Centralized || opts.gateway.is_some();
    let switch = if own_block {
        None
    } else {
        Some(module_versions.gateway_switch()?)
    };
    if opts.websockets == Websockets::On && !own_block {
        return Err(error::usage(
            "`--websockets on` needs the provider block codexgw writes, and a centralized template uses the module's own provider",
            "add `--gateway-url URL` (the template then carries codexgw's block), or drop `--websockets on`",
        ));
    }
    let mut out = String::new();
    for line in header(opts.mode, &module_versions, opts.gateway.as_ref()) {
        out.push_str("# ");
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');

    let mut module = vec![
        ("source", hcl_string(MODULE_SOURCE)),
        ("version", hcl_string(opts.module_version.trim())),
        ("agent_id", agent_id.clone()),
        ("workdir", hcl_string(workdir)),
    ];
    if let Some(switch) = switch {
        module.push((switch.variable, "true".into()));
        out.push_str("module \"codex\" {\n");
        attributes(&mut out, &module);
        out.push_str("}\n");
        return Ok(out);
    }
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
    let show = show_command(opts.mode, opts.gateway.as_ref(), opts.websockets);
    let _ = writeln!(
        out,
        "\n  # The block from `{show}`,\n  \
         # plus the workdir's trust entry (the module adds that only to its default config).\n  \
         # Not the module's gateway switch (`enable_ai_gateway`; `enable_aibridge` in 4.x):\n  \
         # that would add a second provider."
    );
    let _ = writeln!(out, "  base_config_toml = <<-{HEREDOC}");
    for line in
        templated_config(opts.mode, workdir, opts.gateway.as_ref(), opts.websockets)?.lines()
    {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "  {HEREDOC}\n}}");
    Ok(out)
}

/// The `codexgw show` command whose block a template embeds.
fn show_command(mode: Mode, gateway: Option<&StandaloneGateway>, websockets: Websockets) -> String {
    let command = match (mode, gateway) {
        (Mode::Centralized, Some(g)) => format!(
            "codexgw show --mode centralized --env-key {} --gateway-url {g}",
            mode::CODER_TOKEN_VAR
        ),
        (_, Some(g)) => format!("codexgw show --mode {mode} --gateway-url {g}"),
        (_, None) => format!("codexgw show --mode {mode}"),
    };
    match websockets {
        Websockets::On => format!("{command} --websockets on"),
        Websockets::Leave | Websockets::Off => command,
    }
}

/// Codex trusts a project only by its absolute path, and the module creates the folder: a
/// relative one would be relative to wherever the agent's script happens to run.
fn absolute_workdir(workdir: &str) -> anyhow::Result<&str> {
    let trimmed = workdir.trim();
    if !trimmed.starts_with('/') {
        return Err(error::usage(
            format!("`--workdir {workdir}` is not an absolute path"),
            format!("pass the folder as the workspace sees it, e.g. `--workdir {DEFAULT_WORKDIR}`"),
        ));
    }
    // The module trims a trailing `/` too; `/` alone stays.
    Ok(match trimmed.trim_end_matches('/') {
        "" => "/",
        path => path,
    })
}

/// A registry codex module version: `(major, minor, patch)`.
type Version = (u64, u64, u64);

/// What one range of module versions calls its gateway switch and what that switch writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewaySwitch {
    /// The module variable that turns it on.
    pub variable: &'static str,
    /// The provider id it writes into config.toml.
    pub provider_id: &'static str,
    /// The variable it sets to the owner's session token (`env_key`).
    pub token_var: &'static str,
}

/// The module's history (coder/registry `registry/coder-labs/modules/codex/main.tf`): which
/// versions have `workdir`, and the gateway switch of each range, half-open `[from, until)`.
const WORKDIR_SINCE: Version = (3, 0, 0);
const SWITCHES: [(Version, Version, GatewaySwitch); 3] = [
    (
        (4, 1, 0),
        (5, 0, 0),
        GatewaySwitch {
            variable: "enable_aibridge",
            provider_id: "aibridge",
            token_var: "CODER_AIBRIDGE_SESSION_TOKEN",
        },
    ),
    (
        (5, 0, 0),
        (5, 2, 1),
        GatewaySwitch {
            variable: "enable_ai_gateway",
            provider_id: "aigateway",
            token_var: "CODER_AIBRIDGE_SESSION_TOKEN",
        },
    ),
    (
        (5, 2, 1),
        (6, 0, 0),
        GatewaySwitch {
            variable: "enable_ai_gateway",
            provider_id: "aigateway",
            token_var: "OPENAI_CODER_AIGATEWAY_SESSION_TOKEN",
        },
    ),
];
/// The first major codexgw does not know the variables of.
const UNKNOWN_SINCE: Version = (6, 0, 0);

/// The versions a Terraform version constraint (`~> 5.0`, `>= 5.1, < 6`, `5.2.1`) allows, as
/// one half-open range `[low, high)`; `!=` clauses are ignored (they only punch holes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleVersions {
    raw: String,
    low: Version,
    high: Option<Version>,
}

impl ModuleVersions {
    pub fn parse(constraint: &str) -> anyhow::Result<ModuleVersions> {
        let raw = constraint.trim().to_string();
        let bad = |why: String| {
            error::usage(
                format!("`--module-version {raw}` {why}"),
                format!(
                    "pass a Terraform version constraint for the codex module, e.g. `--module-version \"{DEFAULT_MODULE_VERSION}\"`"
                ),
            )
        };
        if raw.is_empty() {
            return Err(bad("is empty".into()));
        }
        let mut range = ModuleVersions {
            raw: raw.clone(),
            low: (0, 0, 0),
            high: None,
        };
        for clause in raw.split(',') {
            let clause = clause.trim();
            let op_len = clause
                .find(|c: char| c.is_ascii_digit() || c == 'v')
                .unwrap_or(clause.len());
            let (op, version) = (clause[..op_len].trim(), clause[op_len..].trim());
            let (at, parts) = parse_version(version)
                .ok_or_else(|| bad(format!("has `{clause}`, which names no version")))?;
            let next_patch = (at.0, at.1, at.2 + 1);
            match op {
                "" | "=" => {
                    range.raise(at);
                    range.lower(next_patch);
                }
                "!=" => {}
                ">=" => range.raise(at),
                ">" => range.raise(next_patch),
                "<" => range.lower(at),
                "<=" => range.lower(next_patch),
                // Only the right-most given part may grow (HashiCorp go-version).
                "~>" => {
                    range.raise(at);
                    match parts {
                        1 => {}
                        2 => range.lower((at.0 + 1, 0, 0)),
                        _ => range.lower((at.0, at.1 + 1, 0)),
                    }
                }
                other => return Err(bad(format!("has the unknown operator `{other}`"))),
            }
        }
        if range.high.is_some_and(|high| high <= range.low) {
            return Err(bad("allows no version at all".into()));
        }
        if range.low < WORKDIR_SINCE {
            return Err(bad(
                "allows module versions before 3.0, which have no `workdir` variable".into(),
            ));
        }
        if range.high.is_none_or(|high| high > UNKNOWN_SINCE) {
            return Err(bad(
                "allows module 6.0 or later, whose variables codexgw does not know; a new major may rename them".into(),
            ));
        }
        Ok(range)
    }

    fn raise(&mut self, at: Version) {
        self.low = self.low.max(at);
    }

    fn lower(&mut self, below: Version) {
        self.high = Some(self.high.map_or(below, |high| high.min(below)));
    }

    fn allows_any(&self, from: Version, until: Version) -> bool {
        self.low < until && self.high.is_none_or(|high| from < high)
    }

    /// The switches of every version allowed, oldest first.
    fn switches(&self) -> Vec<GatewaySwitch> {
        SWITCHES
            .iter()
            .filter(|(from, until, _)| self.allows_any(*from, *until))
            .map(|(_, _, switch)| *switch)
            .collect()
    }

    /// The one gateway switch every allowed version has, or why there is none.
    pub fn gateway_switch(&self) -> anyhow::Result<GatewaySwitch> {
        let raw = &self.raw;
        if self.low < SWITCHES[0].0 {
            return Err(error::usage(
                format!(
                    "`--module-version {raw}` allows codex module versions before 4.1, which have no AI Gateway switch"
                ),
                "pass `--module-version \"~> 5.0\"` (or `\"~> 4.1\"` for the 4.x variables)",
            ));
        }
        let switches = self.switches();
        let variable = switches[0].variable;
        if switches.iter().any(|s| s.variable != variable) {
            return Err(error::usage(
                format!(
                    "`--module-version {raw}` allows codex module 4.x (`enable_aibridge`) and 5.x (`enable_ai_gateway`), whose variables differ"
                ),
                "pin one major: `--module-version \"~> 5.0\"` or `--module-version \"~> 4.1\"`",
            ));
        }
        Ok(switches[0])
    }
}

/// `5`, `5.2`, `v5.2.1`, `5.2.1-rc.1` (pre-release and build are ignored), with how many parts
/// were given.
fn parse_version(text: &str) -> Option<(Version, usize)> {
    let core = text.trim_start_matches('v').split(['-', '+']).next()?;
    let parts: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let at = |i: usize| parts.get(i).copied().unwrap_or(0);
    (1..=3)
        .contains(&parts.len())
        .then(|| ((at(0), at(1), at(2)), parts.len()))
}

fn header(
    mode: Mode,
    versions: &ModuleVersions,
    gateway: Option<&StandaloneGateway>,
) -> Vec<String> {
    let mut lines: Vec<String> = match mode {
        Mode::Centralized => vec![
            "Codex through the Coder AI Gateway with the workspace owner's Coder token as the key".into(),
            "(`codexgw template --mode centralized`); the deployment's OpenAI account pays.".into(),
        ],
        Mode::Byok => [
            "Codex through the Coder AI Gateway with each user's own OpenAI API key",
            "(`codexgw template --mode byok`); the workspace owner's Coder token rides in the",
            "X-Coder-AI-Governance-Token header.",
            "The key stays each user's and is not in this template. In this mode `codex exec` does not",
            "read OPENAI_API_KEY; it uses Codex's own login, so each user runs once in the workspace",
            "`printenv OPENAI_API_KEY | codex login --with-api-key`, or sets CODEX_API_KEY.",
        ]
        .map(String::from)
        .to_vec(),
        Mode::Chatgpt => [
            "Codex through the Coder AI Gateway with each user's ChatGPT login",
            "(`codexgw template --mode chatgpt`); the workspace owner's Coder token rides in the",
            "X-Coder-AI-Governance-Token header. The deployment needs an `openai`-type provider named",
            "`chatgpt` (Coder v2.34+), else Codex gets `404 route not supported`.",
            "OPENAI_API_KEY must NOT be set in the workspace (no `openai_api_key`, no coder_env for it):",
            "Codex would log in with the key instead of ChatGPT. Each user runs `codex login` once in",
            "the workspace and signs in with their ChatGPT account.",
        ]
        .map(String::from)
        .to_vec(),
    };
    match (mode, gateway) {
        (_, Some(gateway)) => {
            lines.push(format!(
                "Codex talks to the standalone AI Gateway at {gateway} (Coder v2.36+); the"
            ));
            lines.push("Coder token comes from CODER_API_TOKEN below.".into());
        }
        (Mode::Centralized, None) => {
            // Only called with a version range that has one switch.
            if let Ok(switch) = versions.gateway_switch() {
                let token_vars: Vec<&str> =
                    versions.switches().iter().map(|s| s.token_var).collect();
                let token_var = match token_vars.as_slice() {
                    [only] => only.to_string(),
                    many if many.iter().all(|v| *v == many[0]) => many[0].to_string(),
                    [older, .., newer] => format!("{newer} (module 5.2.1+; {older} before)"),
                    [] => String::new(),
                };
                lines.push(format!(
                    "With `{}`, the codex module writes the provider `{}` into",
                    switch.variable, switch.provider_id
                ));
                lines.push("~/.codex/config.toml and puts the owner's session token in".into());
                lines.push(format!("{token_var}."));
                lines.push(format!(
                    "Check a workspace with `codexgw doctor --provider-id {}`.",
                    switch.provider_id
                ));
            }
        }
        _ => {}
    }
    if gateway.is_some() {
        lines.push(
            "Needs `data \"coder_workspace_owner\" \"me\" {}` (most templates declare it already)."
                .into(),
        );
    } else if mode != Mode::Centralized {
        lines.push(
            "Needs `data \"coder_workspace\" \"me\" {}` and `data \"coder_workspace_owner\" \"me\" {}`".into(),
        );
        lines.push("(most templates declare both already).".into());
    }
    lines
}

/// What `base_config_toml` holds: the block `show` prints for `mode` (its deployment replaced
/// by [`ACCESS_URL_EXPR`] unless a standalone gateway is named), then the workdir's trust entry,
/// all escaped for a heredoc template.
fn templated_config(
    mode: Mode,
    workdir: &str,
    gateway: Option<&StandaloneGateway>,
    websockets: Websockets,
) -> anyhow::Result<String> {
    let token_source = TokenSource::Env(match (mode, gateway) {
        // Not OPENAI_API_KEY: other tools in the workspace would take the Coder token for a key.
        (Mode::Centralized, Some(_)) => mode::CODER_TOKEN_VAR.into(),
        _ => mode::DEFAULT_ENV_KEY.into(),
    });
    let spec = ProviderSpec {
        id: mode::DEFAULT_PROVIDER_ID.into(),
        mode,
        deployment: Deployment::parse(PLACEHOLDER_URL, false)?.deployment,
        // Served by every Coder version with the gateway, so one template fits them all.
        route: Route::Aibridge,
        gateway: gateway.cloned(),
        token_source,
        websockets,
    };
    let mut config = render_block(&spec)?;
    let projects = toml_edit::Key::new("projects");
    let _ = write!(
        config,
        "\n[{}.{}]\ntrust_level = \"trusted\"\n",
        projects.display_repr(),
        toml_edit::Key::new(workdir).display_repr()
    );
    let config = escape_template(&config);
    if gateway.is_some() {
        return Ok(config);
    }
    anyhow::ensure!(
        config.matches(PLACEHOLDER_URL).count() == 1,
        "internal: the rendered block must name the deployment exactly once"
    );
    Ok(config.replace(PLACEHOLDER_URL, ACCESS_URL_EXPR))
}

/// Turns an agent reference into the expression for its id. A resource (`main`,
/// `coder_agent.main`, `coder_agent.main[0]`) gets `.id`; anything that already is a value (an
/// attribute, `module.x.agent_id`, `var.agent_id`, `local.agent_id`) is used as it is.
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
    let names_a_resource = match parts[0] {
        "module" | "var" | "local" => false,
        "data" => parts.len() == 3,
        _ => parts.len() == 2,
    };
    if names_a_resource {
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
            ("module.x.agent_id", "module.x.agent_id"),
            ("var.agent_id", "var.agent_id"),
            ("local.agent", "local.agent"),
            ("data.coder_agent.dev", "data.coder_agent.dev.id"),
            ("coder_agent.main.id", "coder_agent.main.id"),
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
    fn the_block_names_the_workspace_url_once_and_trusts_the_workdir() {
        let block =
            templated_config(Mode::Chatgpt, "/srv/a \"b\"", None, Websockets::Leave).unwrap();
        assert!(block.contains(&format!(
            "base_url = \"{ACCESS_URL_EXPR}/api/v2/aibridge/chatgpt/v1\""
        )));
        assert!(!block.contains(PLACEHOLDER_URL));
        assert!(
            block.ends_with("\n[projects.'/srv/a \"b\"']\ntrust_level = \"trusted\"\n"),
            "{block}"
        );
    }

    #[test]
    fn a_standalone_gateway_is_named_literally() {
        let gateway = StandaloneGateway::parse("https://gw.example.com", false).unwrap();
        let block =
            templated_config(Mode::Centralized, "/w", Some(&gateway), Websockets::On).unwrap();
        assert!(
            block.contains("base_url = \"https://gw.example.com/openai/v1\""),
            "{block}"
        );
        assert!(block.contains("env_key = \"CODER_API_TOKEN\""), "{block}");
        assert!(block.contains("supports_websockets = true\n"), "{block}");
        assert!(!block.contains("access_url"), "{block}");
    }

    fn versions(constraint: &str) -> anyhow::Result<ModuleVersions> {
        ModuleVersions::parse(constraint)
    }

    #[test]
    fn version_constraints_become_ranges() {
        for (constraint, low, high) in [
            ("~> 5.0", (5, 0, 0), Some((6, 0, 0))),
            ("~> 5.2.1", (5, 2, 1), Some((5, 3, 0))),
            (">= 5.1, < 6", (5, 1, 0), Some((6, 0, 0))),
            ("5.2.1", (5, 2, 1), Some((5, 2, 2))),
            ("= v4.3.1", (4, 3, 1), Some((4, 3, 2))),
            ("> 4.1, <= 4.3", (4, 1, 1), Some((4, 3, 1))),
            ("~> 5.0, != 5.1.0", (5, 0, 0), Some((6, 0, 0))),
            ("5.3.0-rc.1", (5, 3, 0), Some((5, 3, 1))),
        ] {
            let range = versions(constraint).unwrap();
            assert_eq!((range.low, range.high), (low, high), "{constraint}");
        }
        for (bad, says) in [
            ("", "is empty"),
            ("~> five", "names no version"),
            ("=> 5.0", "unknown operator `=>`"),
            ("> 5.3, < 5.2", "allows no version"),
            ("~> 2.0", "before 3.0"),
            (">= 5.0", "6.0 or later"),
            ("~> 5", "6.0 or later"),
        ] {
            let err = versions(bad).unwrap_err();
            assert!(err.to_string().contains(says), "{bad}: {err}");
            assert_eq!(error::exit_kind(&err), error::ExitKind::Usage);
        }
    }

    #[test]
    fn each_range_has_its_own_gateway_switch() {
        let switch = |c| versions(c).unwrap().gateway_switch();
        let four = switch("~> 4.1").unwrap();
        assert_eq!(
            (four.variable, four.provider_id, four.token_var),
            (
                "enable_aibridge",
                "aibridge",
                "CODER_AIBRIDGE_SESSION_TOKEN"
            )
        );
        let early = switch(">= 5.0, < 5.2.1").unwrap();
        assert_eq!(
            (early.variable, early.provider_id, early.token_var),
            (
                "enable_ai_gateway",
                "aigateway",
                "CODER_AIBRIDGE_SESSION_TOKEN"
            )
        );
        let late = switch("~> 5.2.1").unwrap();
        assert_eq!(late.token_var, "OPENAI_CODER_AIGATEWAY_SESSION_TOKEN");
        for (constraint, says) in [
            ("~> 4.0", "before 4.1"),
            ("~> 3.1", "before 4.1"),
            (">= 4.2, < 6", "4.x (`enable_aibridge`) and 5.x"),
        ] {
            let err = switch(constraint).unwrap_err();
            assert!(err.to_string().contains(says), "{constraint}: {err}");
        }
    }

    #[test]
    fn a_workdir_must_be_absolute() {
        assert_eq!(absolute_workdir("/home/coder/p/").unwrap(), "/home/coder/p");
        assert_eq!(absolute_workdir("/").unwrap(), "/");
        for bad in ["project", "./p", "~/project", ""] {
            let err = absolute_workdir(bad).unwrap_err();
            assert!(err.to_string().contains("not an absolute path"), "{bad}");
        }
    }
}
