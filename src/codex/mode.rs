//! The three ways Codex can talk to the gateway, and the provider block each one needs.

use std::fmt;

use crate::coder::deployment::{Deployment, Route, StandaloneGateway};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The Coder API token is the key Codex sends; Coder pays for the model.
    Centralized,
    /// Your own OpenAI API key; the Coder token rides in a governance header.
    Byok,
    /// Your ChatGPT login; the Coder token rides in a governance header.
    Chatgpt,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Centralized, Mode::Byok, Mode::Chatgpt];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Centralized => "centralized",
            Mode::Byok => "byok",
            Mode::Chatgpt => "chatgpt",
        }
    }

    /// The gateway's provider segment in `base_url`.
    pub fn gateway_provider(self) -> &'static str {
        match self {
            Mode::Centralized | Mode::Byok => "openai",
            Mode::Chatgpt => "chatgpt",
        }
    }

    /// The variable that must be unset in this mode: in chatgpt mode older Codex builds and
    /// other OpenAI tools sign in with `OPENAI_API_KEY` instead of the ChatGPT login, and the
    /// chatgpt route rejects the key.
    pub fn conflicting_var(self) -> Option<&'static str> {
        match self {
            Mode::Chatgpt => Some(DEFAULT_ENV_KEY),
            Mode::Centralized | Mode::Byok => None,
        }
    }

    /// The credential headers Codex sends to the gateway: `bearer` as `Authorization` (in
    /// centralized mode the Coder token; in byok/chatgpt the user's own credential), and in
    /// byok/chatgpt the Coder token in the governance header.
    pub fn gateway_headers(
        self,
        coder_token: Option<&str>,
        bearer: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        let governance = match self {
            Mode::Byok | Mode::Chatgpt => coder_token,
            Mode::Centralized => None,
        };
        governance
            .map(|token| (GOVERNANCE_HEADER, token.to_string()))
            .into_iter()
            .chain(bearer.map(|b| ("Authorization", format!("Bearer {b}"))))
            .collect()
    }

    /// One line for the wizard and for completions.
    pub fn explanation(self) -> &'static str {
        match self {
            Mode::Centralized => {
                "the Coder API token is the key; your deployment's OpenAI account pays"
            }
            Mode::Byok => "your own OpenAI API key; the Coder token goes in a governance header",
            Mode::Chatgpt => "your ChatGPT login; the Coder token goes in a governance header",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub const DEFAULT_PROVIDER_ID: &str = "ai_gateway";
pub const PROVIDER_NAME: &str = "AI Gateway";
pub const DEFAULT_ENV_KEY: &str = "OPENAI_API_KEY";
pub const GOVERNANCE_HEADER: &str = "X-Coder-AI-Governance-Token";
pub const CODER_TOKEN_VAR: &str = "CODER_API_TOKEN";

/// Provider ids Codex reserves for its built-ins; a table with one makes Codex refuse the
/// whole file (`model_providers contains reserved built-in provider IDs`). `oss` and
/// `ollama-chat` are not among them: Codex 0.169 and 0.171 accept both as custom ids.
pub const RESERVED_PROVIDER_IDS: [&str; 3] = ["openai", "ollama", "lmstudio"];

/// Built-in providers a table may adjust, but only in these fields; any other field makes Codex
/// refuse the file (`model_providers.gcp only supports changing …`).
pub const RESTRICTED_PROVIDER_IDS: [(&str, &[&str]); 3] = [
    (
        "amazon-bedrock",
        &["base_url", "auth", "http_headers", "aws"],
    ),
    (
        "amazon-bedrock-runtime",
        &["base_url", "auth", "http_headers", "aws"],
    ),
    (
        "gcp",
        &[
            "base_url",
            "auth",
            "http_headers",
            "project_id",
            "location",
            "credential_file",
        ],
    ),
];

/// The fields a table for the restricted built-in `id` may set (`None`: not restricted).
pub fn restricted_fields(id: &str) -> Option<&'static [&'static str]> {
    RESTRICTED_PROVIDER_IDS
        .iter()
        .find(|(restricted, _)| *restricted == id)
        .map(|(_, fields)| *fields)
}

/// Keys of the provider table that codexgw owns outright. Everything else in the table is the
/// user's. The governance entry of `env_http_headers` is owned too (see [`OwnedHeader`]).
pub const OWNED_KEYS: [&str; 6] = [
    "name",
    "base_url",
    "wire_api",
    "env_key",
    "requires_openai_auth",
    "auth",
];

/// The one entry of `env_http_headers` that codexgw owns.
pub struct OwnedHeader;

impl OwnedHeader {
    pub const TABLE: &'static str = "env_http_headers";
    pub const KEY: &'static str = GOVERNANCE_HEADER;
}

/// The key Codex reads to open its Responses WebSocket on `<base_url>/responses` (default
/// `false`). Owned only for the runs that decide it ([`Websockets`]).
pub const WEBSOCKETS_KEY: &str = "supports_websockets";

/// What setup does with [`WEBSOCKETS_KEY`]: it pays off only where the gateway relays
/// WebSockets; against one without the relay Codex loses about 7 s per session retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Websockets {
    /// Not known: the key is not setup's this run, so the user's value stays as it is.
    Leave,
    /// `supports_websockets = true`.
    On,
    /// No key: Codex's default (`false`), HTTP only.
    Off,
}

/// How centralized mode hands Codex the Coder token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// Codex reads the token from this environment variable (`env_key`).
    Env(String),
    /// Codex runs this program to get the token (`[auth] command`).
    Command { program: String, args: Vec<String> },
}

/// Everything that decides the provider block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpec {
    pub id: String,
    pub mode: Mode,
    pub deployment: Deployment,
    pub route: Route,
    /// A standalone gateway Codex talks to instead of the deployment's route; tokens still
    /// belong to `deployment`.
    pub gateway: Option<StandaloneGateway>,
    /// Only read in centralized mode.
    pub token_source: TokenSource,
    pub websockets: Websockets,
}

/// A value codexgw writes: a string, a boolean, or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Str(String),
    Bool(bool),
    StrArray(Vec<String>),
}

/// The desired state of one owned key: set it, or make sure it is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Desired {
    Set(Setting),
    /// A sub-table whose listed keys are set (other keys in it are kept).
    Table(Vec<(&'static str, Setting)>),
    Absent,
}

impl ProviderSpec {
    pub fn base_url(&self) -> String {
        let provider = self.mode.gateway_provider();
        match &self.gateway {
            Some(gateway) => gateway.gateway_url(provider),
            None => self.deployment.gateway_url(self.route, provider),
        }
    }

    /// The owned keys in the order the documented block lists them, each with its desired state.
    pub fn owned_entries(&self) -> Vec<(&'static str, Desired)> {
        use Desired::{Absent, Set, Table};
        let name = Set(Setting::Str(PROVIDER_NAME.into()));
        let base_url = Set(Setting::Str(self.base_url()));
        let wire_api = Set(Setting::Str("responses".into()));
        let mut entries = match (self.mode, &self.token_source) {
            (Mode::Centralized, TokenSource::Env(var)) => vec![
                ("name", name),
                ("base_url", base_url),
                ("env_key", Set(Setting::Str(var.clone()))),
                ("wire_api", wire_api),
                ("requires_openai_auth", Absent),
                ("auth", Absent),
            ],
            (Mode::Centralized, TokenSource::Command { program, args }) => vec![
                ("name", name),
                ("base_url", base_url),
                ("wire_api", wire_api),
                ("env_key", Absent),
                ("requires_openai_auth", Absent),
                (
                    "auth",
                    Table(vec![
                        ("command", Setting::Str(program.clone())),
                        ("args", Setting::StrArray(args.clone())),
                    ]),
                ),
            ],
            (Mode::Byok | Mode::Chatgpt, _) => vec![
                ("name", name),
                ("base_url", base_url),
                ("wire_api", wire_api),
                ("requires_openai_auth", Set(Setting::Bool(true))),
                ("env_key", Absent),
                ("auth", Absent),
            ],
        };
        match self.websockets {
            Websockets::Leave => {}
            Websockets::On => entries.push((WEBSOCKETS_KEY, Set(Setting::Bool(true)))),
            Websockets::Off => entries.push((WEBSOCKETS_KEY, Absent)),
        }
        entries
    }

    /// Whether the governance header entry belongs in `env_http_headers`.
    pub fn wants_governance_header(&self) -> bool {
        matches!(self.mode, Mode::Byok | Mode::Chatgpt)
    }
}

/// A built-in provider id (reserved or restricted): never one a gateway table can use.
pub fn is_reserved_provider_id(id: &str) -> bool {
    RESERVED_PROVIDER_IDS.contains(&id) || restricted_fields(id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_websockets_key_is_owned_only_when_decided() {
        let spec = |websockets| ProviderSpec {
            id: DEFAULT_PROVIDER_ID.into(),
            mode: Mode::Byok,
            deployment: Deployment::parse("https://c.example.com", false)
                .unwrap()
                .deployment,
            route: Route::Aibridge,
            gateway: None,
            token_source: TokenSource::Env(DEFAULT_ENV_KEY.into()),
            websockets,
        };
        let key = |websockets| {
            spec(websockets)
                .owned_entries()
                .into_iter()
                .find(|(key, _)| *key == WEBSOCKETS_KEY)
                .map(|(_, desired)| desired)
        };
        assert_eq!(key(Websockets::Leave), None);
        assert_eq!(key(Websockets::On), Some(Desired::Set(Setting::Bool(true))));
        assert_eq!(key(Websockets::Off), Some(Desired::Absent));
    }

    #[test]
    fn gateway_headers_per_mode() {
        let names = |mode: Mode, bearer| {
            mode.gateway_headers(Some("coder"), bearer)
                .into_iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Mode::Centralized, Some("coder")),
            ["Authorization: Bearer coder"]
        );
        assert_eq!(
            names(Mode::Byok, None),
            ["X-Coder-AI-Governance-Token: coder"]
        );
        assert_eq!(
            names(Mode::Chatgpt, Some("chatgpt-access")),
            [
                "X-Coder-AI-Governance-Token: coder",
                "Authorization: Bearer chatgpt-access"
            ]
        );
    }
}
