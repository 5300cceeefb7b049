//! What a Codex config document says, read the way Codex reads it: which provider it selects and
//! from where, keys that sit under the wrong table, and whether a provider table fits one of the
//! three gateway modes. Pure: text in, facts and findings out. `doctor` reports them; `setup`
//! can warn with the same findings.

use std::collections::BTreeMap;

use toml_edit::{Document, DocumentMut, Item, TableLike};

use crate::coder::deployment::{Deployment, StandaloneGateway};
use crate::codex::document::ParseError;
use crate::codex::mode::{self, Mode};
use crate::secrets::Secret;

/// Provider fields Codex 0.169 and 0.171 know; anything else is rejected by `--strict-config`.
pub const KNOWN_PROVIDER_FIELDS: [&str; 20] = [
    "name",
    "base_url",
    "env_key",
    "env_key_instructions",
    "experimental_bearer_token",
    "auth",
    "wire_api",
    "query_params",
    "http_headers",
    "env_http_headers",
    "request_max_retries",
    "stream_max_retries",
    "stream_idle_timeout_ms",
    "websocket_connect_timeout_ms",
    "requires_openai_auth",
    "supports_websockets",
    "model_catalog_url",
    "supports_standalone_web_search",
    "gateway_oauth",
    // Only in `amazon-bedrock` and `amazon-bedrock-runtime`: elsewhere a load error.
    "aws",
];

/// Built-in providers that may carry `aws`.
const AWS_PROVIDER_IDS: [&str; 2] = ["amazon-bedrock", "amazon-bedrock-runtime"];

/// Provider ids older Coder docs and registry modules wrote for the gateway.
pub const OLDER_GATEWAY_IDS: [&str; 2] = ["aibridge", "aigateway"];

/// Top-level keys that silently stop working when written below a table header.
const STRANDABLE_KEYS: [&str; 2] = ["model_provider", "profile"];

/// Whether the table at `path` has a `model_provider` of its own: the legacy `[profiles.X]`
/// (inert; its keys are settings, not misplaced ones) and the desktop app's `[desktop]`, which
/// Codex accepts even under `--strict-config`.
fn owns_model_provider(path: &str) -> bool {
    path == "desktop" || path.starts_with("profiles.")
}

/// Tables that are maps of typed entries: a stranded string key there is read as an entry of
/// the wrong type, and Codex refuses the whole file (`invalid type: string "…", expected …`)
/// even without `--strict-config`. Each pairs the table with what Codex says it expected; in
/// every other table Codex ignores the key (and `--strict-config` calls it an unknown field).
pub const REFUSING_TABLES: [(&str, &str); 10] = [
    ("features", "a boolean"),
    ("model_providers", "struct ModelProviderInfo"),
    ("mcp_servers", "struct RawMcpServerConfig"),
    ("projects", "struct ProjectConfig"),
    ("profiles", "struct ConfigProfile"),
    ("plugins", "struct PluginConfig"),
    ("agents", "struct AgentRoleToml"),
    ("apps", "struct AppConfig"),
    ("permissions", "struct PermissionProfileToml"),
    ("marketplaces", "struct MarketplaceConfig"),
];

/// A value and the 1-based line it is written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

/// A top-level key written under a table header, so Codex reads it as part of that table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stranded {
    pub key: String,
    pub value: String,
    /// The dotted name of the table it landed in, e.g. `tui`.
    pub table: String,
    pub line: usize,
    /// The line of that table's header, when it has one.
    pub table_line: Option<usize>,
}

impl Stranded {
    /// What Codex says when the key makes it refuse the whole file (`None`: Codex ignores it,
    /// unless `--strict-config`).
    pub fn refusal(&self) -> Option<String> {
        REFUSING_TABLES
            .iter()
            .find(|(table, _)| *table == self.table)
            .map(|(_, expected)| {
                format!(
                    "invalid type: string \"{}\", expected {expected}",
                    self.value
                )
            })
    }

    /// What is wrong, in the words setup and doctor share; `at` names the file and line.
    pub fn message(&self, at: &str) -> String {
        let verdict = match self.refusal() {
            Some(why) => format!("which makes Codex refuse the whole file: `{why}`"),
            None => format!(
                "where Codex ignores it (`--strict-config` refuses it: `unknown configuration field `{}.{}``)",
                self.table, self.key
            ),
        };
        format!(
            "`{} = \"{}\"` at {at} sits under `[{}]`, {verdict}",
            self.key, self.value, self.table
        )
    }
}

/// What a top-level `profile = "NAME"` does, in the words setup and doctor share; `at` names
/// the file and line. The tail is Codex's own refusal, so a search for it finds this.
pub fn legacy_profile_message(name: &str, at: &str) -> String {
    format!(
        "`profile = \"{name}\"` at {at} makes Codex refuse to start: legacy `profile = \"{name}\"` config is no longer supported"
    )
}

/// A parsed config document with the positions of everything in it: over its own copy of the
/// text, or over the caller's (`Inspected<&str>`, no copy of a large file).
pub struct Inspected<S = String> {
    doc: Document<S>,
    /// Byte offset of each line's start: a line lookup is a binary search, so inspecting a file
    /// of thousands of tables stays linear.
    line_starts: Vec<usize>,
}

/// Top-level keys written where Codex does not read them as top-level keys: what setup warns
/// about and leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Misplaced {
    pub stranded: Vec<Stranded>,
    /// A top-level `profile = "x"`: Codex refuses to start with it.
    pub legacy_profile: Option<Located<String>>,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl Inspected {
    pub fn parse(text: &str) -> Result<Inspected, ParseError> {
        crate::toml_parse::parse(text, text.to_string())
            .map(|doc| Inspected {
                doc,
                line_starts: line_starts(text),
            })
            .map_err(|e| ParseError::new(text, &e))
    }
}

impl<'a> Inspected<&'a str> {
    pub fn parse_borrowed(text: &'a str) -> Result<Inspected<&'a str>, ParseError> {
        crate::toml_parse::parse(text, text)
            .map(|doc| Inspected {
                doc,
                line_starts: line_starts(text),
            })
            .map_err(|e| ParseError::new(text, &e))
    }
}

impl<S: AsRef<str>> Inspected<S> {
    /// The parse, positions and all.
    pub fn document(&self) -> &Document<S> {
        &self.doc
    }

    /// The editable document, from the same parse (positions are dropped).
    pub fn into_document_mut(self) -> DocumentMut {
        self.doc.into_mut()
    }

    pub fn misplaced(&self) -> Misplaced {
        Misplaced {
            stranded: self.stranded(),
            legacy_profile: self.legacy_profile(),
        }
    }

    /// The 1-based line of a span's start (0 without a span).
    fn line(&self, span: Option<std::ops::Range<usize>>) -> usize {
        span.map_or(0, |s| {
            self.line_starts.partition_point(|&start| start <= s.start)
        })
    }

    fn top_level(&self, key: &str) -> Option<Located<String>> {
        let (k, item) = self.doc.as_table().get_key_value(key)?;
        Some(Located {
            value: item
                .as_str()
                .map_or_else(|| item.to_string().trim().to_string(), str::to_string),
            line: self.line(k.span()),
        })
    }

    /// The top-level `model_provider`.
    pub fn model_provider(&self) -> Option<Located<String>> {
        self.top_level("model_provider")
    }

    /// A top-level `profile = "x"`: Codex 0.169 refuses to start with it.
    pub fn legacy_profile(&self) -> Option<Located<String>> {
        self.top_level("profile")
    }

    /// `cli_auth_credentials_store` (`file`, `keyring`, `auto`).
    pub fn credentials_store(&self) -> Option<String> {
        self.top_level("cli_auth_credentials_store")
            .map(|l| l.value)
    }

    /// The names of `[profiles.X]` tables, which Codex 0.169 tolerates but never reads.
    pub fn profile_tables(&self) -> Vec<String> {
        self.doc
            .get("profiles")
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    /// The line of `[profiles.NAME]` (of its key, for dotted and inline tables).
    pub fn profile_table_line(&self, name: &str) -> Option<usize> {
        let profiles = self.doc.get("profiles")?.as_table_like()?;
        let (key, item) = profiles.get_key_value(name)?;
        Some(
            header_span(item)
                .map(|s| self.line(Some(s)))
                .unwrap_or_else(|| self.line(key.span())),
        )
    }

    pub fn provider_ids(&self) -> Vec<String> {
        self.providers()
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    fn providers(&self) -> Option<&dyn TableLike> {
        self.doc.get("model_providers")?.as_table_like()
    }

    /// `model_provider` and `profile` keys written directly in the body of a `[header]` table
    /// (or `[[array]]` element), where a user meant them as top-level keys. Keys inside inline
    /// tables and dotted keys are deliberate settings of that table (`env = { profile = … }`),
    /// and `[profiles.X]` is where `model_provider` belongs (inert, but not misplaced).
    pub fn stranded(&self) -> Vec<Stranded> {
        let mut found = Vec::new();
        for (key, item) in self.doc.as_table().iter() {
            self.collect_stranded(item, key.to_string(), &mut found);
        }
        found.sort_by_key(|s| s.line);
        found
    }

    fn collect_stranded(&self, item: &Item, path: String, found: &mut Vec<Stranded>) {
        let tables: Vec<&toml_edit::Table> = match item {
            Item::Table(table) if !table.is_dotted() => vec![table],
            Item::ArrayOfTables(array) => array.iter().collect(),
            _ => return,
        };
        if owns_model_provider(&path) {
            return;
        }
        for table in tables {
            for (key, child) in table.iter() {
                let bare_value = child.as_value().is_some_and(|v| !v.is_inline_table());
                if !table.is_implicit() && STRANDABLE_KEYS.contains(&key) && bare_value {
                    let (k, _) = table.get_key_value(key).expect("iterated key");
                    found.push(Stranded {
                        key: key.to_string(),
                        value: child
                            .as_str()
                            .map_or_else(|| child.to_string().trim().to_string(), str::to_string),
                        table: path.clone(),
                        line: self.line(k.span()),
                        table_line: table.span().map(|s| self.line(Some(s))),
                    });
                } else if child.is_table() || child.is_array_of_tables() {
                    // Only tables can hold a stranded key: values are never walked (a large
                    // file has tens of thousands).
                    self.collect_stranded(child, format!("{path}.{key}"), found);
                }
            }
        }
    }

    /// Every provider table other than `except` that Codex refuses to load (it then starts with
    /// none of the file), each with the reason and the fix.
    pub fn refused_providers(&self, except: Option<&str>) -> Vec<(Block, Vec<Finding>)> {
        self.provider_ids()
            .iter()
            .filter(|id| Some(id.as_str()) != except)
            .filter_map(|id| self.provider(id))
            .map(|block| {
                let refusals = block.load_errors();
                (block, refusals)
            })
            .filter(|(_, refusals)| !refusals.is_empty())
            .collect()
    }

    /// The provider table `id`, read field by field.
    pub fn provider(&self, id: &str) -> Option<Block> {
        let (key, item) = self.providers()?.get_key_value(id)?;
        let table = item.as_table_like()?;
        let line = header_span(item)
            .map(|s| self.line(Some(s)))
            .unwrap_or_else(|| self.line(key.span()));
        let text = |k: &str| table.get(k).and_then(Item::as_str).map(str::to_string);
        let lines = table
            .iter()
            .map(|(k, _)| {
                let (key, _) = table.get_key_value(k).expect("iterated key");
                (k.to_string(), self.line(key.span()))
            })
            .collect();
        let auth = table
            .get("auth")
            .and_then(Item::as_table_like)
            .map(|auth| AuthCommand {
                command: auth
                    .get("command")
                    .and_then(Item::as_str)
                    .unwrap_or_default()
                    .to_string(),
                args: auth
                    .get("args")
                    .and_then(Item::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                timeout_ms: auth
                    .get("timeout_ms")
                    .and_then(Item::as_integer)
                    .and_then(|ms| u64::try_from(ms).ok()),
                cwd: auth.get("cwd").and_then(Item::as_str).map(str::to_string),
            });
        let governance_var = table
            .get(mode::OwnedHeader::TABLE)
            .and_then(Item::as_table_like)
            .and_then(|headers| {
                headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(mode::GOVERNANCE_HEADER))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            });
        Some(Block {
            id: id.to_string(),
            line,
            name: text("name"),
            base_url: text("base_url"),
            wire_api: text("wire_api"),
            env_key: text("env_key"),
            requires_openai_auth: table
                .get("requires_openai_auth")
                .and_then(Item::as_bool)
                .unwrap_or(false),
            supports_websockets: table.get("supports_websockets").and_then(Item::as_bool),
            auth,
            bearer_token: text("experimental_bearer_token").map(Secret::new),
            governance_var,
            unknown_fields: table
                .iter()
                .map(|(k, _)| k)
                .filter(|k| !KNOWN_PROVIDER_FIELDS.contains(k))
                .map(str::to_string)
                .collect(),
            lines,
        })
    }
}

/// A URL fit to print: `user:token@` becomes `***@` and a query string `?…`, since either may
/// carry a secret (`?api-key=…`). Text that is no URL is cut the same way.
pub fn redact_url(url: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((a, _)) => (a, "#…"),
        None => (url, ""),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((a, _)) => (a, "?…"),
        None => (before_fragment, ""),
    };
    let (scheme, rest) = match base.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), base),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    format!("{scheme}{authority}{path}{query}{fragment}")
}

/// Only a `[header]` table has a line of its own worth naming.
fn header_span(item: &Item) -> Option<std::ops::Range<usize>> {
    item.as_table()
        .filter(|t| !t.is_implicit() && !t.is_dotted())?
        .span()
}

/// `[model_providers.X.auth]`: Codex runs the command for the bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCommand {
    pub command: String,
    pub args: Vec<String>,
    /// How long Codex waits for it (`None`: Codex's default, [`AUTH_TIMEOUT_MS`]).
    pub timeout_ms: Option<u64>,
    /// Where Codex runs it (`None`: Codex's own working folder).
    pub cwd: Option<String>,
}

/// Codex's default `timeout_ms` for an `auth` command (FACTS, verified).
pub const AUTH_TIMEOUT_MS: u64 = 5000;

/// One provider table, as Codex would read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: String,
    /// The line of the table header (or of its key, for dotted and inline tables).
    pub line: usize,
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub wire_api: Option<String>,
    pub env_key: Option<String>,
    pub requires_openai_auth: bool,
    /// `supports_websockets`, when the table sets it (Codex's default is `false`).
    pub supports_websockets: Option<bool>,
    pub auth: Option<AuthCommand>,
    /// `experimental_bearer_token`: the bearer Codex sends when `env_key` is not set.
    pub bearer_token: Option<Secret>,
    /// The variable named for `X-Coder-AI-Governance-Token` in `env_http_headers`.
    pub governance_var: Option<String>,
    pub unknown_fields: Vec<String>,
    /// Each key's line.
    pub lines: BTreeMap<String, usize>,
}

pub use crate::coder::deployment::GatewayUrl;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Codex will not start, or will not reach the gateway with the right credential.
    Error,
    /// Works, but is risky or will break under `--strict-config`.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    pub fix: String,
}

impl Finding {
    fn error(message: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            message: message.into(),
            fix: fix.into(),
        }
    }

    fn warning(message: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl Block {
    fn at(&self, key: &str) -> String {
        match self.lines.get(key) {
            Some(line) if *line > 0 => format!(" (line {line})"),
            _ => String::new(),
        }
    }

    /// Whether `other` sends Codex to the same gateway the same way (URL, wire API and every
    /// credential setting): what setup leaves under an older id it keeps as an alias so
    /// `codex resume` of that id's sessions still works. Names and tuning keys may differ.
    pub fn same_gateway_as(&self, other: &Block) -> bool {
        self.base_url.is_some()
            && self.base_url == other.base_url
            && self.wire_api == other.wire_api
            && self.env_key == other.env_key
            && self.requires_openai_auth == other.requires_openai_auth
            && self.auth == other.auth
            && self.bearer_token.is_none()
            && other.bearer_token.is_none()
            && self.governance_var == other.governance_var
    }

    /// Which mode the table is written for, judged by its credentials and route.
    pub fn mode(&self) -> Option<Mode> {
        let chatgpt_route = self.gateway().is_some_and(|g| g.provider == "chatgpt")
            || self.standalone().is_some_and(|(_, p)| p == "chatgpt");
        if self.requires_openai_auth {
            return Some(if chatgpt_route {
                Mode::Chatgpt
            } else {
                Mode::Byok
            });
        }
        if self.env_key.is_some() || self.auth.is_some() || self.bearer_token.is_some() {
            return Some(Mode::Centralized);
        }
        if chatgpt_route {
            Some(Mode::Chatgpt)
        } else if self.governance_var.is_some() {
            Some(Mode::Byok)
        } else {
            None
        }
    }

    /// The standalone gateway and provider `base_url` names in the root form (`<gateway>/openai/v1`).
    pub fn standalone(&self) -> Option<(StandaloneGateway, &'static str)> {
        StandaloneGateway::from_base_url(self.base_url.as_deref()?)
    }

    /// The Coder deployment the table's tokens belong to, as the file records it: the `--url` of
    /// its `codexgw token print coder` command (setup writes it, also for a standalone
    /// gateway), else the deployment of a gateway `base_url`. `None` when the file does not
    /// say, e.g. a standalone gateway's table that reads the token from a variable.
    pub fn deployment(&self) -> Option<Deployment> {
        let from_command = self
            .auth
            .as_ref()
            .and_then(|auth| crate::secrets::parse_token_print_args(&auth.args))
            .flatten()
            .and_then(|url| Deployment::parse(&url, true).ok())
            .map(|parsed| parsed.deployment);
        from_command.or_else(|| self.gateway().map(|g| g.deployment))
    }

    /// The deployment, route and gateway provider `base_url` names, if it is a gateway URL.
    pub fn gateway(&self) -> Option<GatewayUrl> {
        crate::coder::deployment::parse_gateway_url(self.base_url.as_deref()?)
    }

    /// What makes Codex refuse to load the whole file, whichever provider is selected.
    pub fn load_errors(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let id = &self.id;
        let rename = format!(
            "rename the table, e.g. `[model_providers.{}]`, and `model_provider` with it (or delete it: Codex has `{id}` built in)",
            mode::DEFAULT_PROVIDER_ID
        );
        if mode::RESERVED_PROVIDER_IDS.contains(&id.as_str()) {
            out.push(Finding::error(
                format!("`{id}` is a built-in provider id; Codex refuses to start: `model_providers contains reserved built-in provider IDs: `{id}`.`"),
                rename.clone(),
            ));
        }
        if let Some(allowed) = mode::restricted_fields(id) {
            let other: Vec<String> = self
                .lines
                .keys()
                .filter(|k| !allowed.contains(&k.as_str()))
                .map(|k| format!("`{k}`{}", self.at(k)))
                .collect();
            if !other.is_empty() {
                out.push(Finding::error(
                    format!(
                        "`{id}` is a built-in provider that a table may only adjust; Codex refuses to start on {}: `model_providers.{id} only supports changing {}`",
                        other.join(", "),
                        allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    ),
                    rename.clone(),
                ));
            }
        }
        if self.lines.contains_key("aws") && !AWS_PROVIDER_IDS.contains(&id.as_str()) {
            out.push(Finding::error(
                format!("`aws`{} in `model_providers.{id}`: Codex refuses to start (`provider aws is only supported for `amazon-bedrock` or `amazon-bedrock-runtime``)", self.at("aws")),
                format!("delete `aws`{}", self.at("aws")),
            ));
        }
        match self.wire_api.as_deref() {
            None | Some("responses") => {}
            Some("chat") => out.push(Finding::error(
                format!("`wire_api = \"chat\"`{}: Codex refuses to start (`wire_api = \"chat\"` is no longer supported.)", self.at("wire_api")),
                "set `wire_api = \"responses\"`",
            )),
            Some(other) => out.push(Finding::error(
                format!("`wire_api = \"{other}\"`{}: Codex 0.169 only speaks `responses`", self.at("wire_api")),
                "set `wire_api = \"responses\"`",
            )),
        }
        if self.auth.is_some() && (self.env_key.is_some() || self.requires_openai_auth) {
            out.push(Finding::error(
                format!("`model_providers.{id}.auth` is combined with `env_key` or `requires_openai_auth`; Codex refuses to load that"),
                "keep `auth` (centralized, token from a command) or the other key, not both",
            ));
        }
        out
    }

    /// Everything that keeps this table from working as a gateway provider, worst first.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let id = &self.id;
        let mode = self.mode();
        let setup = |m: Option<Mode>, url: Option<&Deployment>| {
            format!(
                "run `codexgw setup --mode {} --url {}` to rewrite the table",
                m.map_or("centralized|byok|chatgpt", Mode::name),
                url.map_or_else(|| "<deployment>".to_string(), ToString::to_string)
            )
        };
        let gateway = self.gateway();
        let deployment = gateway.as_ref().map(|g| &g.deployment);
        out.extend(self.load_errors());
        // A token pasted where a variable name belongs: Codex looks up a variable of that name
        // (there is none), and the token sits in plain text in the file.
        for (key, name) in [
            ("env_key", &self.env_key),
            ("env_http_headers", &self.governance_var),
        ] {
            if let Some(why) = name.as_deref().and_then(crate::codex::launch::pasted_token) {
                out.push(Finding::error(
                    format!("`{key}` in `model_providers.{id}`{} {why}", self.at(key)),
                    "put the token in a variable (or the keyring: `codexgw token set coder`), write the variable's name here, e.g. `OPENAI_API_KEY`, and replace the token: it has been in plain text",
                ));
            }
        }
        match self.name.as_deref().map(str::trim) {
            None | Some("") => out.push(Finding::error(
                format!("`model_providers.{id}` has no `name`; Codex requires a non-empty one"),
                format!("add `name = \"{}\"` to the table", mode::PROVIDER_NAME),
            )),
            Some(_) => {}
        }
        match self.base_url.as_deref() {
            None => out.push(Finding::error(
                format!("`model_providers.{id}` has no `base_url`, so Codex silently sends every request to https://api.openai.com/v1"),
                setup(mode, None),
            )),
            Some(url) if redact_url(url).contains("***@") => out.push(Finding::error(
                format!("`base_url = \"{}\"`{} carries credentials in plain text", redact_url(url), self.at("base_url")),
                "remove the `user:password@` part; keep the Coder token in the keyring (`codexgw token set coder`)",
            )),
            Some(url) if url.contains('?') => out.push(Finding::error(
                format!("`base_url` has a query string{}; Codex appends `/responses` after it and the path breaks", self.at("base_url")),
                "move the parameters into `query_params = { … }` and end `base_url` at `/v1`",
            )),
            Some(url) => match (&gateway, mode) {
                (None, Some(m)) if self.standalone().is_some() => {
                    let (standalone, _) = self.standalone().expect("checked");
                    let expected = standalone.gateway_url(m.gateway_provider());
                    if url.trim_end_matches('/') != expected {
                        out.push(Finding::error(
                            format!("`base_url = \"{}\"`{} does not fit {m} mode, which needs `{expected}`", redact_url(url), self.at("base_url")),
                            format!("set `base_url = \"{expected}\"`"),
                        ));
                    }
                }
                (None, _) if self.standalone().is_some() => {}
                (None, _) => out.push(Finding::error(
                    format!("`base_url = \"{}\"`{} is not an AI Gateway URL (`<deployment>/api/v2/aibridge/openai/v1`)", redact_url(url), self.at("base_url")),
                    setup(mode, None),
                )),
                (Some(g), Some(m)) => {
                    let expected = g.deployment.gateway_url(g.route, m.gateway_provider());
                    if url.trim_end_matches('/') != expected {
                        out.push(Finding::error(
                            format!("`base_url = \"{}\"`{} does not fit {m} mode, which needs `{expected}`", redact_url(url), self.at("base_url")),
                            format!("set `base_url = \"{expected}\"`"),
                        ));
                    }
                }
                (Some(_), None) => {}
            },
        }
        // `auth` with either key is a load error, reported above.
        if self.auth.is_none() && self.env_key.is_some() && self.requires_openai_auth {
            out.push(Finding::error(
                format!("`env_key` and `requires_openai_auth = true` together: Codex sends ${} as the key and never your login", self.env_key.as_deref().unwrap_or_default()),
                format!("delete `env_key`{} for byok/chatgpt, or `requires_openai_auth` for centralized", self.at("env_key")),
            ));
        }
        if mode.is_none() {
            out.push(Finding::error(
                format!("`model_providers.{id}` names no credential: neither `env_key` (centralized) nor `requires_openai_auth = true` (byok, chatgpt)"),
                setup(None, deployment),
            ));
        }
        if matches!(mode, Some(Mode::Byok | Mode::Chatgpt)) && self.governance_var.is_none() {
            out.push(Finding::error(
                format!(
                    "`env_http_headers` has no `{}` entry, so Coder never gets your Coder token",
                    mode::GOVERNANCE_HEADER
                ),
                format!(
                    "add `env_http_headers = {{ \"{}\" = \"{}\" }}` to the table",
                    mode::GOVERNANCE_HEADER,
                    mode::CODER_TOKEN_VAR
                ),
            ));
        }
        if self.bearer_token.is_some() {
            let at = self.at("experimental_bearer_token");
            let line = self.lines.get("experimental_bearer_token").map_or_else(
                || "the `experimental_bearer_token` line".to_string(),
                |l| format!("line {l}"),
            );
            match (mode, &self.env_key) {
                (_, Some(var)) => out.push(Finding::warning(
                    format!("`experimental_bearer_token`{at} is ignored (`env_key` wins, so Codex sends ${var}) and keeps a secret in plain text in the config file"),
                    format!("delete {line}"),
                )),
                (Some(Mode::Byok | Mode::Chatgpt), None) => out.push(Finding::error(
                    format!("`experimental_bearer_token`{at} replaces your {} login: Codex sends that token as the bearer instead", if mode == Some(Mode::Chatgpt) { "ChatGPT" } else { "API-key" }),
                    format!("delete {line} and keep the Coder token in the keyring: `codexgw token set coder{}`", deployment.map_or_else(String::new, |d| format!(" --url {d}"))),
                )),
                _ => out.push(Finding::warning(
                    format!("`experimental_bearer_token`{at} keeps a secret in plain text in the config file"),
                    format!(
                        "keep the token in the keyring instead: `codexgw token set coder{url}`, then `codexgw setup --mode centralized --token-source command{url}` (which deletes {line})",
                        url = deployment.map_or_else(String::new, |d| format!(" --url {d}"))
                    ),
                )),
            }
        }
        if !self.unknown_fields.is_empty() {
            let names: Vec<String> = self
                .unknown_fields
                .iter()
                .map(|f| format!("`{f}`{}", self.at(f)))
                .collect();
            out.push(Finding::warning(
                format!("unknown field{} {} in `model_providers.{id}`: Codex ignores {}, and `--strict-config` refuses to start", if names.len() == 1 { "" } else { "s" }, names.join(", "), if names.len() == 1 { "it" } else { "them" }),
                "delete or rename them (a stranded top-level key belongs above the first `[table]`)",
            ));
        }
        out.sort_by_key(|f| f.severity != Severity::Error);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coder::deployment::Route;

    fn doc(text: &str) -> Inspected {
        Inspected::parse(text).unwrap()
    }

    const CENTRALIZED: &str = r#"model_provider = "ai_gateway"

[model_providers.ai_gateway]
name = "AI Gateway"
base_url = "https://coder.example.com/api/v2/aibridge/openai/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
"#;

    const CHATGPT: &str = r#"[model_providers.ai_gateway]
name = "AI Gateway"
base_url = "https://coder.example.com/api/v2/ai-gateway/chatgpt/v1"
wire_api = "responses"
requires_openai_auth = true
env_http_headers = { "X-Coder-AI-Governance-Token" = "CODER_API_TOKEN" }
"#;

    #[test]
    fn reads_the_selected_provider_with_its_line() {
        let d = doc(CENTRALIZED);
        assert_eq!(
            d.model_provider(),
            Some(Located {
                value: "ai_gateway".into(),
                line: 1
            })
        );
        assert!(d.stranded().is_empty());
        let block = d.provider("ai_gateway").unwrap();
        assert_eq!(block.line, 3);
        assert_eq!(block.mode(), Some(Mode::Centralized));
        assert_eq!(block.findings(), vec![]);
        let gateway = block.gateway().unwrap();
        assert_eq!(gateway.deployment.as_str(), "https://coder.example.com");
        assert_eq!(
            (gateway.route, gateway.provider.as_str()),
            (Route::Aibridge, "openai")
        );
    }

    #[test]
    fn infers_byok_and_chatgpt_from_credentials_and_route() {
        let block = doc(CHATGPT).provider("ai_gateway").unwrap();
        assert_eq!(block.mode(), Some(Mode::Chatgpt));
        assert_eq!(block.governance_var.as_deref(), Some("CODER_API_TOKEN"));
        assert_eq!(block.findings(), vec![]);
        let byok = CHATGPT.replace("chatgpt/v1", "openai/v1");
        let block = doc(&byok).provider("ai_gateway").unwrap();
        assert_eq!(block.mode(), Some(Mode::Byok));
        assert_eq!(block.findings(), vec![]);
    }

    #[test]
    fn finds_keys_stranded_under_a_table() {
        let text = "# top\n[tui]\nnotifications = true\nmodel_provider = \"ai_gateway\"\n\n[profiles.old]\nmodel_provider = \"aibridge\"\n[[mcp]]\nprofile = \"x\"\n";
        let d = doc(text);
        assert_eq!(d.model_provider(), None);
        assert_eq!(
            d.stranded(),
            vec![
                Stranded {
                    key: "model_provider".into(),
                    value: "ai_gateway".into(),
                    table: "tui".into(),
                    line: 4,
                    table_line: Some(2),
                },
                Stranded {
                    key: "profile".into(),
                    value: "x".into(),
                    table: "mcp".into(),
                    line: 9,
                    table_line: Some(8),
                },
            ]
        );
        assert_eq!(d.profile_tables(), vec!["old".to_string()]);
    }

    #[test]
    fn finds_the_legacy_profile_key_and_the_credentials_store() {
        let d = doc(
            "profile = \"aibridge\"\ncli_auth_credentials_store = \"keyring\"\n[profiles.aibridge]\nmodel_provider = \"aibridge\"\n",
        );
        assert_eq!(
            d.legacy_profile(),
            Some(Located {
                value: "aibridge".into(),
                line: 1
            })
        );
        assert_eq!(d.credentials_store().as_deref(), Some("keyring"));
    }

    fn messages(text: &str) -> Vec<(Severity, String)> {
        doc(text)
            .provider("ai_gateway")
            .unwrap()
            .findings()
            .into_iter()
            .map(|f| (f.severity, f.message))
            .collect()
    }

    #[test]
    fn reports_what_codex_would_refuse_or_misroute() {
        let chat = CENTRALIZED.replace("\"responses\"", "\"chat\"");
        assert_eq!(
            messages(&chat),
            vec![(Severity::Error, "`wire_api = \"chat\"` (line 7): Codex refuses to start (`wire_api = \"chat\"` is no longer supported.)".to_string())]
        );
        let no_url = CENTRALIZED.replace("base_url", "# base_url");
        assert!(messages(&no_url)[0].1.contains("api.openai.com"));
        let query = CENTRALIZED.replace("openai/v1\"", "openai/v1?x=1\"");
        assert!(messages(&query)[0].1.contains("query string (line 5)"));
        let wrong_route = CENTRALIZED.replace("openai/v1", "chatgpt/v1");
        assert_eq!(
            messages(&wrong_route)[0].1,
            "`base_url = \"https://coder.example.com/api/v2/aibridge/chatgpt/v1\"` (line 5) does not fit centralized mode, which needs `https://coder.example.com/api/v2/aibridge/openai/v1`"
        );
        let not_gateway = CENTRALIZED.replace(
            "https://coder.example.com/api/v2/aibridge/openai/v1",
            "https://api.openai.com/v1",
        );
        assert!(
            messages(&not_gateway)[0]
                .1
                .contains("is not an AI Gateway URL")
        );
    }

    #[test]
    fn reports_credential_conflicts_and_plain_text_secrets() {
        let both = CENTRALIZED.replace("wire_api", "requires_openai_auth = true\nwire_api");
        let found = messages(&both);
        assert!(
            found[0]
                .1
                .contains("`env_key` and `requires_openai_auth = true` together"),
            "{found:?}"
        );
        let bearer = CENTRALIZED.replace(
            "env_key = \"OPENAI_API_KEY\"",
            "experimental_bearer_token = \"abcdefghij-0123456789abcdefghijkl\"\nfoo = 1",
        );
        let found = messages(&bearer);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, Severity::Warning);
        assert!(found[0].1.contains("plain text"));
        assert!(found[1].1.contains("unknown field `foo` (line 7)"));
        assert!(!format!("{found:?}").contains("0123456789"));
        let no_header = CHATGPT.replace("env_http_headers", "http_headers");
        let found = messages(&no_header);
        assert!(
            found[0]
                .1
                .contains("no `X-Coder-AI-Governance-Token` entry"),
            "{found:?}"
        );
        let nothing = "[model_providers.ai_gateway]\nname = \"x\"\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\n";
        assert!(messages(nothing)[0].1.contains("names no credential"));
        let auth = CENTRALIZED.replace(
            "env_key = \"OPENAI_API_KEY\"",
            "env_key = \"X\"\nauth = { command = \"codexgw\", args = [\"token\", \"print\"] }",
        );
        assert!(messages(&auth)[0].1.contains("refuses to load"));
        let reserved = doc(&CENTRALIZED.replace("ai_gateway", "openai"))
            .provider("openai")
            .unwrap()
            .findings();
        assert!(
            reserved[0]
                .message
                .contains("reserved built-in provider IDs")
        );
    }

    #[test]
    fn reads_command_backed_auth() {
        let text = CENTRALIZED.replace(
            "env_key = \"OPENAI_API_KEY\"\n",
            "\n[model_providers.ai_gateway.auth]\ncommand = \"codexgw\"\nargs = [\"token\", \"print\"]\n",
        );
        let block = doc(&text).provider("ai_gateway").unwrap();
        assert_eq!(block.mode(), Some(Mode::Centralized));
        assert_eq!(
            block.auth,
            Some(AuthCommand {
                command: "codexgw".into(),
                args: vec!["token".into(), "print".into()],
                timeout_ms: None,
                cwd: None,
            })
        );
        assert_eq!(block.findings(), vec![]);
    }

    #[test]
    fn keys_of_inline_tables_and_dotted_keys_are_not_stranded() {
        let text = "model_provider = \"ai_gateway\"\n[mcp_servers.aws]\ncommand = \"x\"\nenv = { profile = \"dev\" }\nopts.model_provider = \"y\"\n[tui]\nsub = { model_provider = \"z\" }\n[tui.deeper]\nmodel_provider = \"w\"\n";
        let found = doc(text).stranded();
        assert_eq!(
            found,
            vec![Stranded {
                key: "model_provider".into(),
                value: "w".into(),
                table: "tui.deeper".into(),
                line: 9,
                table_line: Some(8),
            }]
        );
    }

    #[test]
    fn urls_lose_userinfo_and_query() {
        assert_eq!(
            redact_url("https://u:tok@c.example.com/api/v2/aibridge/openai/v1?api-key=s#f"),
            "https://***@c.example.com/api/v2/aibridge/openai/v1?…#…"
        );
        assert_eq!(
            redact_url("https://c.example.com/api"),
            "https://c.example.com/api"
        );
        assert_eq!(redact_url("tok@host?x"), "***@host?…");
    }

    #[test]
    fn every_table_codex_refuses_is_named() {
        let text = format!(
            "{CENTRALIZED}\n[model_providers.aibridge]\nname = \"AI Bridge\"\nwire_api = \"chat\"\n\n[model_providers.openai]\nname = \"x\"\n\n[model_providers.fine]\nname = \"y\"\n"
        );
        let refused: Vec<(String, usize, usize)> = doc(&text)
            .refused_providers(Some("ai_gateway"))
            .into_iter()
            .map(|(b, f)| (b.id, b.line, f.len()))
            .collect();
        assert_eq!(
            refused,
            vec![
                ("aibridge".to_string(), 9, 1),
                ("openai".to_string(), 13, 1)
            ]
        );
        assert!(doc(CENTRALIZED).refused_providers(None).is_empty());
    }

    #[test]
    fn reserved_restricted_and_allowed_ids_as_codex_judges_them() {
        let errors = |id: &str, body: &str| -> Vec<String> {
            doc(&format!("[model_providers.{id}]\n{body}"))
                .provider(id)
                .unwrap()
                .load_errors()
                .into_iter()
                .map(|f| f.message)
                .collect()
        };
        for id in ["openai", "ollama", "lmstudio"] {
            assert!(
                errors(id, "name = \"x\"\n")[0].contains("reserved built-in provider IDs"),
                "{id}"
            );
        }
        for id in ["oss", "ollama-chat"] {
            assert_eq!(errors(id, "name = \"x\"\n"), Vec::<String>::new(), "{id}");
            assert!(!mode::is_reserved_provider_id(id));
        }
        for id in ["amazon-bedrock", "amazon-bedrock-runtime", "gcp"] {
            assert!(mode::is_reserved_provider_id(id));
            let found = errors(id, "name = \"x\"\nbase_url = \"http://127.0.0.1:9/v1\"\n");
            assert_eq!(found.len(), 1, "{id}: {found:?}");
            assert!(
                found[0].contains("refuses to start on `name` (line 2)"),
                "{found:?}"
            );
            assert!(found[0].contains(&format!(
                "`model_providers.{id} only supports changing `base_url`, `auth`, `http_headers`"
            )));
        }
        assert_eq!(
            errors("amazon-bedrock", "aws = { profile = \"p\" }\n"),
            Vec::<String>::new()
        );
        assert_eq!(errors("gcp", "project_id = \"p\"\n"), Vec::<String>::new());
        let aws = errors("gw", "name = \"x\"\naws = { profile = \"p\" }\n");
        assert!(
            aws[0].contains("provider aws is only supported for"),
            "{aws:?}"
        );
    }

    #[test]
    fn fields_codex_knows_are_not_unknown() {
        let text = CENTRALIZED.replace(
            "wire_api",
            "model_catalog_url = \"http://x\"\nsupports_standalone_web_search = true\ngateway_oauth = {}\nwire_api",
        );
        let block = doc(&text).provider("ai_gateway").unwrap();
        assert_eq!(block.unknown_fields, Vec::<String>::new());
    }

    #[test]
    fn a_bearer_token_replaces_the_login_in_byok_and_chatgpt() {
        let with_token = |text: &str| {
            text.replace(
                "wire_api = \"responses\"",
                "wire_api = \"responses\"\nexperimental_bearer_token = \"abcdefghij-0123456789abcdefghijkl\"",
            )
        };
        let found = messages(&with_token(CHATGPT));
        assert_eq!(found[0].0, Severity::Error, "{found:?}");
        assert!(
            found[0].1.contains("replaces your ChatGPT login"),
            "{found:?}"
        );
        let byok = with_token(&CHATGPT.replace("chatgpt/v1", "openai/v1"));
        assert!(messages(&byok)[0].1.contains("replaces your API-key login"));
        let found = messages(&with_token(CENTRALIZED));
        assert_eq!(found[0].0, Severity::Warning);
        assert!(
            found[0].1.contains("is ignored (`env_key` wins"),
            "{found:?}"
        );
        let block = doc(&with_token(CHATGPT)).provider("ai_gateway").unwrap();
        let fixes: Vec<String> = block.findings().into_iter().map(|f| f.fix).collect();
        assert!(fixes[0].starts_with("delete line 5 "), "{fixes:?}");
        assert!(!format!("{block:?}").contains("0123456789"));
    }

    #[test]
    fn reads_a_toml_1_1_provider_written_over_several_lines() {
        let text = "model_provider = \"ai_gateway\"\n[model_providers]\nai_gateway = {\n  name = \"AI Gateway\", # ours\n  base_url = \"https://coder.example.com/api/v2/aibridge/openai/v1\",\n  env_key = \"OPENAI_API_KEY\",\n  wire_api = \"responses\",\n}\n";
        let block = doc(text).provider("ai_gateway").unwrap();
        assert_eq!(block.mode(), Some(Mode::Centralized));
        assert_eq!(block.lines.get("env_key"), Some(&6));
        assert_eq!(block.findings(), vec![]);
    }

    #[test]
    fn parse_errors_carry_the_position() {
        let err = Inspected::parse("a = 1\nb = \n").err().unwrap();
        assert_eq!((err.line, err.column), (2, 5));
    }
}
