//! The command line: clap derive only. Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::coder::deployment::Route;
use crate::codex::launch::Shell;
use crate::codex::mode::{Mode, Websockets};
use crate::secrets::TokenKind;

/// Get OpenAI's Codex CLI working through a Coder deployment's AI Gateway, and prove it works.
#[derive(Debug, Parser)]
#[command(name = "codexgw", version, about, propagate_version = true)]
#[command(
    after_help = "Start with `codexgw setup`; `codexgw <command> --help` explains each command."
)]
pub struct Cli {
    /// Codex's folder, which must exist [default: $CODEX_HOME, else ~/.codex]
    #[arg(long, global = true, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub codex_home: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Point Codex at the AI Gateway: write the provider block into config.toml
    Setup(SetupArgs),
    /// Print the provider block setup would write into an empty config.toml (it asks the
    /// deployment as setup does, unless --offline)
    Show(ShowArgs),
    /// Take the gateway provider out of config.toml again
    Remove(RemoveArgs),
    /// List codexgw's backups of config.toml, or put one back
    Restore(RestoreArgs),
    /// Check why Codex can or cannot reach the AI Gateway, and say how to fix it
    Doctor(DoctorArgs),
    /// Keep the Coder token (and your OpenAI key) in the OS keyring
    Token(TokenArgs),
    /// Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"
    Env(EnvArgs),
    /// Run a command (e.g. `codex`) with the tokens the configured mode needs
    Exec(ExecArgs),
    /// Print Terraform for a Coder template that sets up Codex in every workspace
    ///
    /// Prints the registry's codex module for the mode, for pasting into the template's main.tf.
    /// For byok and chatgpt it adds a coder_env with the owner's Coder token and the provider
    /// block `codexgw show` prints, pointed at the workspace's access URL.
    ///
    /// Example: codexgw template --mode chatgpt --agent coder_agent.dev >> main.tf
    Template(TemplateArgs),
    /// Print the shell completion script for a shell
    ///
    /// Example (bash): codexgw completions bash > ~/.local/share/bash-completion/completions/codexgw
    Completions(CompletionsArgs),
    /// Write man pages for codexgw and each subcommand into a folder
    ///
    /// Example: codexgw man --out-dir ~/.local/share/man/man1
    Man(ManArgs),
}

/// `--route` on the command line: `auto` asks the deployment which route its version serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteChoice {
    /// The route the deployment's version serves (aibridge with `--offline` or no answer)
    Auto,
    /// /api/v2/aibridge/… (every Coder version with the gateway)
    Aibridge,
    /// /api/v2/ai-gateway/… (Coder v2.35 and later)
    AiGateway,
}

impl RouteChoice {
    pub fn fixed(self) -> Option<Route> {
        match self {
            RouteChoice::Auto => None,
            RouteChoice::Aibridge => Some(Route::Aibridge),
            RouteChoice::AiGateway => Some(Route::AiGateway),
        }
    }
}

/// `--websockets`: whether the provider table sets `supports_websockets = true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WebsocketsChoice {
    /// Match the gateway's WebSocket relay, asked with your Coder token; when it cannot be
    /// told (offline, no token, no answer) the table's `supports_websockets` stays as it is,
    /// and a template (which cannot ask) gets none
    Auto,
    /// `supports_websockets = true`: Codex opens a WebSocket to the gateway's relay
    On,
    /// No `supports_websockets` (Codex's default, false): Codex uses HTTP only
    Off,
}

impl WebsocketsChoice {
    /// The choice made on the command line, or `None` for `auto`.
    pub fn fixed(self) -> Option<Websockets> {
        match self {
            WebsocketsChoice::Auto => None,
            WebsocketsChoice::On => Some(Websockets::On),
            WebsocketsChoice::Off => Some(Websockets::Off),
        }
    }
}

/// Options that pick the provider and the deployment, shared by `setup` and `show`.
#[derive(Debug, Clone, Args)]
pub struct ProviderArgs {
    /// Which credential Codex uses [prompted for at a terminal]
    #[arg(long, value_enum, ignore_case = true)]
    pub mode: Option<Mode>,

    /// The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,

    /// The id of the provider table in config.toml
    #[arg(long, value_name = "ID", default_value = crate::codex::mode::DEFAULT_PROVIDER_ID)]
    pub provider_id: String,

    /// Which gateway path prefix to use (`auto`: a pasted gateway URL's, else the one the
    /// deployment's version serves)
    #[arg(long, value_enum, ignore_case = true, default_value_t = RouteChoice::Auto)]
    pub route: RouteChoice,

    /// Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]
    #[arg(long, value_name = "NAME")]
    pub env_key: Option<String>,

    /// A standalone AI Gateway Codex talks to instead of the deployment's own route
    /// (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens
    /// belong to
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub gateway_url: Option<String>,

    /// Accept a plain http:// URL to a host that is not loopback
    #[arg(long)]
    pub allow_http: bool,

    /// Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge
    #[arg(long)]
    pub offline: bool,

    /// Refuse a deployment that does not answer (without it: a warning, and it is used anyway)
    #[arg(long, conflicts_with = "offline")]
    pub strict: bool,

    /// Whether Codex uses the gateway's WebSocket relay (`supports_websockets`)
    #[arg(long, value_enum, ignore_case = true, default_value_t = WebsocketsChoice::Auto)]
    pub websockets: WebsocketsChoice,

    /// Centralized mode: how Codex gets the Coder token (`command`: Codex runs
    /// `codexgw token print coder`, so the token stays in the keyring)
    #[arg(long, value_enum, ignore_case = true, default_value_t = TokenSourceChoice::Env)]
    pub token_source: TokenSourceChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenSourceChoice {
    /// Codex reads the `--env-key` variable
    Env,
    /// Codex runs `codexgw token print coder`, which reads the OS keyring
    Command,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    pub provider: ProviderArgs,

    /// Point only `codex --profile NAME` at the gateway (writes NAME.config.toml)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Print the diff of what would change and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Write without asking (needed without a terminal); accept the detected URL
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Do not keep a copy of the old file
    #[arg(long)]
    pub no_backup: bool,

    /// Take over a provider table under the id that is not a Coder gateway block (`remove`
    /// gives it back)
    #[arg(long)]
    pub replace: bool,

    /// Save the Coder token (from $CODER_API_TOKEN, stdin or a prompt) in the OS keyring
    #[arg(long)]
    pub store_token: bool,

    /// Store the Coder token without checking it (it is checked when the deployment answers)
    #[arg(long)]
    pub no_verify: bool,

    /// The Codex CLI that checks the result and logs in in byok mode [default: `codex` on PATH]
    #[arg(long, value_name = "PATH", env = "CODEXGW_CODEX_BIN", value_hint = ValueHint::FilePath)]
    pub codex_bin: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The id of the provider table to remove
    #[arg(long, value_name = "ID", default_value = crate::codex::mode::DEFAULT_PROVIDER_ID)]
    pub provider_id: String,

    /// Also un-point this profile file (NAME.config.toml)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Print the diff of what would change and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Write without asking (needed without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// List the backups, newest first
    #[arg(long, conflicts_with = "backup")]
    pub list: bool,

    /// The backup to put back: a name from `--list`, or `latest`
    pub backup: Option<String>,

    /// Write without asking (needed without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Skip the checks that contact the deployment
    #[arg(long)]
    pub offline: bool,

    /// Print one JSON object (for tools and support requests) instead of lines
    #[arg(long)]
    pub json: bool,

    /// Seconds each network check may take; together they end within this plus a moment
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// The provider that must be selected [default: the one `model_provider` selects]
    #[arg(long, value_name = "ID")]
    pub provider_id: Option<String>,

    /// Check `codex --profile NAME` (NAME.config.toml layered over config.toml)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Also send one tiny request through the installed Codex and the gateway (costs one
    /// model call; bounded by --timeout)
    #[arg(long, conflicts_with = "offline")]
    pub live: bool,

    /// The standalone AI Gateway the provider must point at (`coder ai-gateway start`); the
    /// deployment is then the one in $CODER_URL or the coder CLI's login
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub gateway_url: Option<String>,
    /// Check `codex --strict-config` (unknown settings are errors)
    #[arg(long)]
    pub strict_config: bool,

    /// The Codex CLI to ask about the config [default: `codex` on PATH]
    #[arg(long, value_name = "PATH", env = "CODEXGW_CODEX_BIN", value_hint = ValueHint::FilePath)]
    pub codex_bin: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Which credential Codex uses in the workspaces
    #[arg(long, value_enum, ignore_case = true)]
    pub mode: Mode,

    /// The folder Codex runs in inside the workspace
    #[arg(long, value_name = "DIR", default_value = crate::template::DEFAULT_WORKDIR)]
    pub workdir: String,

    /// Version constraint for the registry's codex module
    #[arg(long, value_name = "V", default_value = crate::template::DEFAULT_MODULE_VERSION)]
    pub module_version: String,

    /// The template's agent: `main`, `coder_agent.main`, or an id expression such as
    /// `coder_agent.main.id` or `module.x.agent_id`
    #[arg(long, value_name = "REF", default_value = crate::template::DEFAULT_AGENT)]
    pub agent: String,

    /// A standalone AI Gateway the workspaces use instead of the deployment's own route
    /// (`coder ai-gateway start`, Coder v2.36+), e.g. https://ai-gateway.example.com
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub gateway_url: Option<String>,

    /// Accept a plain http:// `--gateway-url` to a host that is not loopback
    #[arg(long, requires = "gateway_url")]
    pub allow_http: bool,

    /// Whether the block sets `supports_websockets = true` (`on`, only where the gateway relays
    /// WebSockets); a template cannot ask the relay, so `auto` and `off` leave it out
    #[arg(long, value_enum, ignore_case = true, default_value_t = WebsocketsChoice::Auto)]
    pub websockets: WebsocketsChoice,
}

/// The shells `completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bourne Again SHell
    Bash,
    /// Z shell
    Zsh,
    /// The friendly interactive shell
    Fish,
    /// PowerShell (Windows PowerShell and pwsh)
    Powershell,
    /// Elvish
    Elvish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum, ignore_case = true)]
    pub shell: CompletionShell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write codexgw.1 and codexgw-<command>.1 (created when missing)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Store a token in the OS keyring (read from stdin when it is not a terminal)
    Set(TokenSetArgs),
    /// Print the stored token and nothing else (for Codex's command-backed auth)
    Print(TokenPrintArgs),
    /// Show which tokens exist and where, redacted
    Status(TargetArgs),
    /// Delete a stored token
    Delete(TokenPrintArgs),
}

/// Which deployment a token belongs to: `--url`, else the provider in config.toml.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The Coder deployment [default: the one the provider in config.toml points at]
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,

    /// The provider in config.toml whose deployment to use
    #[arg(long, value_name = "ID", default_value = crate::codex::mode::DEFAULT_PROVIDER_ID)]
    pub provider_id: String,
}

#[derive(Debug, Args)]
pub struct TokenSetArgs {
    /// Which token
    #[arg(value_enum, ignore_case = true)]
    pub kind: TokenKind,

    #[command(flatten)]
    pub target: TargetArgs,

    /// Read the token from stdin even at a terminal
    #[arg(long)]
    pub stdin: bool,

    /// Refuse to store a Coder token the deployment cannot confirm (`/api/v2/users/me`); by
    /// default it is checked when the deployment answers, and stored with a warning when not
    #[arg(long, conflicts_with = "no_verify")]
    pub verify: bool,

    /// Store the token without asking the deployment
    #[arg(long)]
    pub no_verify: bool,

    /// Send the token for checking over plain http to a host that is not loopback
    #[arg(long, conflicts_with = "no_verify")]
    pub allow_http: bool,

    /// Store it in a plain-text file (0600) instead of the OS keyring
    #[arg(long)]
    pub insecure_file: bool,
}

#[derive(Debug, Args)]
pub struct TokenPrintArgs {
    /// Which token
    #[arg(value_enum, ignore_case = true)]
    pub kind: TokenKind,

    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The shell to write for [default: from $SHELL]
    #[arg(long, value_enum, ignore_case = true)]
    pub shell: Option<Shell>,

    /// The provider in config.toml to prepare for
    #[arg(long, value_name = "ID", default_value = crate::codex::mode::DEFAULT_PROVIDER_ID)]
    pub provider_id: String,

    /// The Coder deployment whose tokens to use [default: the one the provider in config.toml
    /// belongs to]
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The provider in config.toml to prepare for
    #[arg(long, value_name = "ID", default_value = crate::codex::mode::DEFAULT_PROVIDER_ID)]
    pub provider_id: String,

    /// The Coder deployment whose tokens to use [default: the one the provider in config.toml
    /// belongs to]
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,

    /// The command and its arguments, after `--`
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<std::ffi::OsString>,
}
