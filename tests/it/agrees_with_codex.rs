//! The acceptance matrix: generated situations (configs, profiles, environments, logins,
//! deployments), each run through the real `codex exec` against the loopback fake deployment and
//! through `codexgw doctor --json` against the same fake. Doctor's verdict must agree with what
//! Codex did, on every pinned Codex version. Where it does not yet, the case is listed in
//! `KNOWN_DISAGREEMENTS`, and that list is checked exactly: fixing a rule forces removing its
//! entry, and a new disagreement fails the test.
//!
//! Codex is "ok" when `codex exec` exits 0 and its request reached the gateway route of the
//! case's mode carrying what that mode needs (centralized: the Coder token as bearer; byok: the
//! governance header and the user's OpenAI key; chatgpt: the governance header, the ChatGPT
//! token and account id). Doctor is "ok" when no check fails. When both say no, doctor must fail
//! a check in the area where Codex failed (loading, selection, credentials or route).
//!
//! Cases are data: add one to `cases()` with a name, a config and what differs from healthy.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, Recorded, VALID_TOKEN};
use crate::support::real_codex::versions;
use crate::support::real_codex::{
    CHATGPT_ACCESS_TOKEN, CHATGPT_ACCOUNT_ID, OPENAI_KEY, write_chatgpt_login,
};

/// Cases where doctor does not (yet) agree with Codex: `"case name"` for every version, or
/// `"case name @ 0.171.0"` for one. Exact: the test fails when an entry is missing or stale.
const KNOWN_DISAGREEMENTS: &[&str] = &[];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Centralized,
    Byok,
    Chatgpt,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::Centralized, Mode::Byok, Mode::Chatgpt];

    fn name(self) -> &'static str {
        match self {
            Mode::Centralized => "centralized",
            Mode::Byok => "byok",
            Mode::Chatgpt => "chatgpt",
        }
    }

    fn provider_path(self) -> &'static str {
        match self {
            Mode::Chatgpt => "chatgpt",
            _ => "openai",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Login {
    None,
    ApiKey,
    Chatgpt,
}

/// One situation. `{URL}` in the texts is the fake deployment's origin.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    /// What the user is trying to use: decides what "reached the gateway" must carry.
    mode: Mode,
    config: String,
    /// `g.config.toml`, when the case has one.
    profile_file: Option<String>,
    /// Run `codex exec -p g` and `doctor --profile g`.
    with_profile: bool,
    strict: bool,
    /// Variables on top of the healthy ones for the mode (`None` unsets one).
    env: Vec<(&'static str, Option<String>)>,
    login: Login,
    chatgpt_provider: bool,
}

const ID: &str = "ai_gateway";

/// The provider table Coder documents for `mode`, under `id`, on `route`.
fn block(mode: Mode, id: &str, route: &str) -> String {
    let head = format!(
        "[model_providers.{id}]\nname = \"AI Gateway\"\nbase_url = \"{{URL}}/api/v2/{route}/{}/v1\"\n",
        mode.provider_path()
    );
    match mode {
        Mode::Centralized => {
            format!("{head}env_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n")
        }
        _ => format!(
            "{head}wire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        ),
    }
}

fn selected(id: &str) -> String {
    format!("model_provider = \"{id}\"\n")
}

impl Case {
    fn healthy(mode: Mode, route: &str) -> Case {
        Case {
            name: format!("{} on {route}: healthy", mode.name()),
            mode,
            config: format!("{}{}", selected(ID), block(mode, ID, route)),
            profile_file: None,
            with_profile: false,
            strict: false,
            env: Vec::new(),
            login: match mode {
                Mode::Centralized => Login::None,
                Mode::Byok => Login::ApiKey,
                Mode::Chatgpt => Login::Chatgpt,
            },
            chatgpt_provider: true,
        }
    }

    fn named(mut self, name: impl Into<String>) -> Case {
        self.name = format!("{}: {}", self.mode.name(), name.into());
        self
    }

    fn config(mut self, config: impl Into<String>) -> Case {
        self.config = config.into();
        self
    }

    fn strict(mut self) -> Case {
        self.strict = true;
        self
    }

    fn env(mut self, var: &'static str, value: Option<&str>) -> Case {
        self.env.push((var, value.map(str::to_string)));
        self
    }

    fn login(mut self, login: Login) -> Case {
        self.login = login;
        self
    }

    fn profile(mut self, file: Option<String>) -> Case {
        self.profile_file = file;
        self.with_profile = true;
        self
    }
}

/// Every situation, generated. Names are unique.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for mode in Mode::ALL {
        let base = || Case::healthy(mode, "ai-gateway");
        let gw = || block(mode, ID, "ai-gateway");
        // Healthy, in every shape a user's file may have.
        for route in ["aibridge", "ai-gateway"] {
            cases.push(Case::healthy(mode, route));
            cases.push(
                Case::healthy(mode, route)
                    .named(format!("{route}, --strict-config"))
                    .strict(),
            );
        }
        for id in ["aibridge", "aigateway", "oss", "ollama-chat", "coder"] {
            cases.push(
                base()
                    .named(format!("allowed custom id `{id}`"))
                    .config(format!("{}{}", selected(id), block(mode, id, "ai-gateway"))),
            );
        }
        cases.push(
            base()
                .named("CRLF line endings")
                .config(base().config.replace('\n', "\r\n")),
        );
        cases.push(
            base()
                .named("a file toml_edit trips over after its first error")
                .config(format!("==\n=\n.=\n{}", base().config)),
        );
        cases.push(
            base()
                .named("CRLF line endings with a lone carriage return")
                .config(format!(
                    "# mine\r\r\n{}",
                    base().config.replace('\n', "\r\n")
                )),
        );
        cases.push(base().named("comments and other settings").config(format!(
            "# my settings\nmodel = \"gpt-5\"\n{}approval_policy = \"on-request\"\n\n[tui]\nanimations = false\n\n{}\n[projects.\"/work\"]\ntrust_level = \"trusted\"\n",
            selected(ID),
            gw()
        )));
        cases.push(base().named("TOML 1.1: multi-line inline table, trailing comma").config(
            format!("{}{}", selected(ID), gw())
                .replace(
                    "env_http_headers = { \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }",
                    "env_http_headers = {\n  \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\",\n}",
                )
                .replace("wire_api = \"responses\"\n", "wire_api = \"responses\"\nquery_params = {\n  a = \"1\",\n}\n"),
        ));
        cases.push(base().named("dotted keys").config(format!(
            "{}model_providers.{ID}.name = \"AI Gateway\"\n{}",
            selected(ID),
            gw().lines()
                .skip(2)
                .map(|l| format!("model_providers.{ID}.{l}\n"))
                .collect::<String>()
        )));
        cases.push(
            base()
                .named("the provider table comes before model_provider's line in another table")
                .config(format!(
                    "{}{}\n[tui]\nanimations = false\n",
                    selected(ID),
                    gw()
                )),
        );
        cases.push(base().named("extra provider fields Codex knows").config(format!(
            "{}{}request_max_retries = 1\nstream_max_retries = 1\nstream_idle_timeout_ms = 30000\nsupports_websockets = false\n",
            selected(ID),
            gw()
        )));
        cases.push(base().named("an unknown provider field").config(format!(
            "{}{}foo = 1\n",
            selected(ID),
            gw()
        )));
        cases.push(
            base()
                .named("an unknown provider field, --strict-config")
                .config(format!("{}{}foo = 1\n", selected(ID), gw()))
                .strict(),
        );
        cases.push(base().named("an unknown top-level key").config(format!(
            "{}bogus_setting = true\n{}",
            selected(ID),
            gw()
        )));
        cases.push(
            base()
                .named("an unknown top-level key, --strict-config")
                .config(format!("{}bogus_setting = true\n{}", selected(ID), gw()))
                .strict(),
        );
        // Profiles.
        cases.push(
            base()
                .named("-p g with the gateway in g.config.toml")
                .config("model = \"gpt-5\"\n")
                .profile(Some(format!("{}{}", selected(ID), gw()))),
        );
        cases.push(
            base()
                .named("-p g selecting a provider defined in config.toml")
                .config(gw())
                .profile(Some(selected(ID))),
        );
        cases.push(base().named("-p g with no g.config.toml").profile(None));
        cases.push(
            base()
                .named("an inert [profiles.other] without -p")
                .config(format!(
                    "{}{}[profiles.other]\nmodel_provider = \"openai\"\n",
                    selected(ID),
                    gw()
                )),
        );
        cases.push(
            base()
                .named("[profiles.g] with -p g")
                .config(format!(
                    "{}{}[profiles.g]\nmodel = \"gpt-5\"\n",
                    selected(ID),
                    gw()
                ))
                .profile(Some("model = \"gpt-5\"\n".into())),
        );
        cases.push(
            base()
                .named("legacy profile = \"g\" with -p g")
                .config(format!("profile = \"g\"\n{}{}", selected(ID), gw()))
                .profile(Some("model = \"gpt-5\"\n".into())),
        );
        cases.push(
            base()
                .named("legacy profile = \"aibridge\" + [profiles.aibridge]")
                .config(format!(
                    "profile = \"aibridge\"\n{}[profiles.aibridge]\nmodel_provider = \"{ID}\"\n",
                    gw()
                )),
        );
        cases.push(
            base()
                .named("gateway selected only in [profiles.g], without -p")
                .config(format!("{}[profiles.g]\nmodel_provider = \"{ID}\"\n", gw())),
        );
        cases.push(
            base()
                .named("g.config.toml with wire_api = chat, -p g")
                .profile(Some(format!(
                    "[model_providers.{ID}]\nwire_api = \"chat\"\n"
                ))),
        );
        // model_provider stranded under a table.
        for table in [
            "features",
            "tui",
            "desktop",
            "profiles.x",
            "projects.\"/work\"",
        ] {
            let stranded = format!("{}\n[{table}]\n{}", gw(), selected(ID));
            cases.push(
                base()
                    .named(format!("model_provider only under [{table}]"))
                    .config(stranded),
            );
            let both = format!("{}{}\n[{table}]\n{}", selected(ID), gw(), selected(ID));
            cases.push(
                base()
                    .named(format!("model_provider also under [{table}]"))
                    .config(both.clone()),
            );
            cases.push(
                base()
                    .named(format!(
                        "model_provider also under [{table}], --strict-config"
                    ))
                    .config(both)
                    .strict(),
            );
        }
        // Ids Codex reserves or restricts.
        for id in ["openai", "ollama", "lmstudio", "amazon-bedrock", "gcp"] {
            cases.push(
                base()
                    .named(format!("reserved or restricted id `{id}`"))
                    .config(format!("{}{}", selected(id), block(mode, id, "ai-gateway"))),
            );
        }
        cases.push(
            base()
                .named("model_provider = \"ollama-chat\" undefined")
                .config(format!("{}{}", selected("ollama-chat"), gw())),
        );
        cases.push(
            base()
                .named("model_provider names no table")
                .config(format!("{}{}", selected("ai-gateway"), gw())),
        );
        // Settings Codex refuses.
        cases.push(
            base().named("wire_api = chat in the gateway table").config(
                format!("{}{}", selected(ID), gw())
                    .replace("wire_api = \"responses\"", "wire_api = \"chat\""),
            ),
        );
        cases.push(base().named("wire_api = chat in another provider table").config(format!(
            "{}{}\n[model_providers.other]\nname = \"Other\"\nbase_url = \"http://127.0.0.1:9/v1\"\nwire_api = \"chat\"\n",
            selected(ID),
            gw()
        )));
        cases.push(base().named("approval_policy = untrusted").config(format!(
            "approval_policy = \"untrusted\"\n{}{}",
            selected(ID),
            gw()
        )));
        cases.push(base().named("a missing model_catalog_json").config(format!(
            "model_catalog_json = \"/nonexistent/catalog.json\"\n{}{}",
            selected(ID),
            gw()
        )));
        cases.push(base().named("a duplicate key").config(format!(
            "{}{}{}",
            selected(ID),
            selected(ID),
            gw()
        )));
        cases.push(base().named("an empty provider name").config(
            format!("{}{}", selected(ID), gw()).replace("name = \"AI Gateway\"", "name = \"\""),
        ));
        cases.push(
            base().named("a provider table without base_url").config(
                format!("{}{}", selected(ID), gw())
                    .lines()
                    .filter(|l| !l.starts_with("base_url"))
                    .map(|l| format!("{l}\n"))
                    .collect::<String>(),
            ),
        );
    }
    // The environment and the logins, mode by mode.
    let c = || Case::healthy(Mode::Centralized, "ai-gateway");
    cases.push(
        c().named("OPENAI_API_KEY unset")
            .env("OPENAI_API_KEY", None),
    );
    cases.push(c().named("OPENAI_API_KEY wrong").env(
        "OPENAI_API_KEY",
        Some("abcdefghij-wrongwrongwrongwrongwron"),
    ));
    cases.push(
        c().named("CODEX_API_KEY set as well")
            .env("CODEX_API_KEY", Some("sk-other-key-1234")),
    );
    cases.push(
        c().named("CODER_API_TOKEN set as well")
            .env("CODER_API_TOKEN", Some(VALID_TOKEN)),
    );
    cases.push(c().named("an API-key login as well").login(Login::ApiKey));
    cases.push(c().named("a ChatGPT login as well").login(Login::Chatgpt));
    let b = || Case::healthy(Mode::Byok, "ai-gateway");
    cases.push(
        b().named("CODER_API_TOKEN unset")
            .env("CODER_API_TOKEN", None),
    );
    cases.push(b().named("CODER_API_TOKEN wrong").env(
        "CODER_API_TOKEN",
        Some("abcdefghij-wrongwrongwrongwrongwron"),
    ));
    cases.push(b().named("no login").login(Login::None));
    cases.push(
        b().named("no login, OPENAI_API_KEY set")
            .login(Login::None)
            .env("OPENAI_API_KEY", Some(OPENAI_KEY)),
    );
    cases.push(
        b().named("no login, CODEX_API_KEY set")
            .login(Login::None)
            .env("CODEX_API_KEY", Some(OPENAI_KEY)),
    );
    cases.push(
        b().named("login and CODEX_API_KEY set")
            .env("CODEX_API_KEY", Some("sk-other-key-1234")),
    );
    cases.push(
        b().named("OPENAI_API_KEY set as well")
            .env("OPENAI_API_KEY", Some("sk-other-key-1234")),
    );
    cases.push(
        b().named("a ChatGPT login instead of a key")
            .login(Login::Chatgpt),
    );
    let g = || Case::healthy(Mode::Chatgpt, "ai-gateway");
    cases.push(
        g().named("CODER_API_TOKEN unset")
            .env("CODER_API_TOKEN", None),
    );
    cases.push(g().named("CODER_API_TOKEN wrong").env(
        "CODER_API_TOKEN",
        Some("abcdefghij-wrongwrongwrongwrongwron"),
    ));
    cases.push(g().named("no login").login(Login::None));
    cases.push(g().named("an API-key login instead").login(Login::ApiKey));
    cases.push(
        g().named("OPENAI_API_KEY set")
            .env("OPENAI_API_KEY", Some("sk-other-key-1234")),
    );
    cases.push(
        g().named("CODEX_API_KEY set")
            .env("CODEX_API_KEY", Some("sk-other-key-1234")),
    );
    cases.push(
        g().named("no login, CODEX_API_KEY set")
            .login(Login::None)
            .env("CODEX_API_KEY", Some("sk-other-key-1234")),
    );
    for route in ["aibridge", "ai-gateway"] {
        let mut case = Case::healthy(Mode::Chatgpt, route).named(format!(
            "{route}: a deployment without the chatgpt provider"
        ));
        case.chatgpt_provider = false;
        cases.push(case);
    }
    cases
}

/// What Codex did in one case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CodexDid {
    /// Reached the gateway route of the mode with everything the mode needs.
    Ok,
    /// Refused to load the config.
    Refused(String),
    /// Sent no request to the mode's gateway route (another provider, or none).
    NoGatewayRequest(String),
    /// Reached the route without the credentials the mode needs, or the gateway said no.
    WrongCredentials(String),
}

impl CodexDid {
    /// The doctor checks that may speak for this failure.
    fn areas(&self) -> &'static [&'static str] {
        match self {
            CodexDid::Ok => &[],
            CodexDid::Refused(_) => &[
                "codex.config",
                "config.file",
                "config.provider",
                "config.block",
            ],
            CodexDid::NoGatewayRequest(_) => &[
                "codex.config",
                "config.file",
                "config.provider",
                "config.block",
                "net.gateway",
            ],
            CodexDid::WrongCredentials(_) => &[
                "config.block",
                "env.openai_api_key",
                "env.coder_api_token",
                "env.codex_api_key",
                "codex.login",
                "net.auth",
                "net.gateway",
            ],
        }
    }
}

/// What doctor said: ok, or the failing checks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DoctorSaid {
    ok: bool,
    failing: Vec<String>,
}

struct Outcome {
    name: String,
    codex: CodexDid,
    doctor: DoctorSaid,
    /// How long Codex and doctor took.
    took: (Duration, Duration),
}

impl Outcome {
    fn agrees(&self) -> bool {
        match (&self.codex, self.doctor.ok) {
            (CodexDid::Ok, ok) => ok,
            (_, true) => false,
            (did, false) => self
                .doctor
                .failing
                .iter()
                .any(|f| did.areas().contains(&f.as_str())),
        }
    }
}

/// Runs `cmd`, killing it after `limit` or as soon as `settled(stdout, stderr)` (so far):
/// (exit code, stdout, stderr).
fn run_bounded(
    mut cmd: Command,
    limit: Duration,
    settled: impl Fn(&str, &str) -> bool,
) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    crate::support::own_process_group(&mut cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("spawn");
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let deadline = Instant::now() + limit;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() >= deadline || settled(&read(&out_path), &read(&err_path)) {
            crate::support::kill_group(&mut child);
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    (code, read(&out_path), read(&err_path))
}

/// The environment of both programs: the isolated home, the healthy variables of the mode and
/// the case's changes.
fn environment(home: &TestHome, case: &Case, launcher: &Path) -> Vec<(String, String)> {
    let mut env: BTreeMap<String, String> = home.env().into_iter().collect();
    let path = format!("{}:{}", launcher.parent().unwrap().display(), env["PATH"]);
    env.insert("PATH".into(), path);
    match case.mode {
        Mode::Centralized => {
            env.insert("OPENAI_API_KEY".into(), VALID_TOKEN.into());
        }
        Mode::Byok | Mode::Chatgpt => {
            env.insert("CODER_API_TOKEN".into(), VALID_TOKEN.into());
        }
    }
    for (var, value) in &case.env {
        match value {
            Some(value) => env.insert(var.to_string(), value.clone()),
            None => env.remove(*var),
        };
    }
    env.into_iter().collect()
}

fn prepare(home: &TestHome, case: &Case, fake: &FakeCoder) {
    let fill = |text: &str| text.replace("{URL}", &fake.url);
    home.write_config(&fill(&case.config));
    if let Some(profile) = &case.profile_file {
        std::fs::write(home.codex_home().join("g.config.toml"), fill(profile)).unwrap();
    }
    match case.login {
        Login::None => {}
        Login::ApiKey => std::fs::write(
            home.codex_home().join("auth.json"),
            format!(r#"{{"auth_mode":"apikey","OPENAI_API_KEY":"{OPENAI_KEY}"}}"#),
        )
        .unwrap(),
        Login::Chatgpt => write_chatgpt_login(home),
    }
}

fn run_codex(case: &Case, launcher: &Path) -> (CodexDid, Vec<Recorded>, String) {
    let fake = FakeCoder::start(Options {
        chatgpt_provider: case.chatgpt_provider,
        ..Options::default()
    });
    let home = TestHome::new();
    prepare(&home, case, &fake);
    let mut cmd = Command::new(launcher);
    cmd.arg("exec");
    if case.with_profile {
        cmd.args(["-p", "g"]);
    }
    if case.strict {
        cmd.arg("--strict-config");
    }
    cmd.args(["--skip-git-repo-check", "-m", "gpt-5", "say hi"])
        .env_clear()
        .envs(environment(&home, case, launcher))
        .current_dir(home.home());
    // Whatever Codex sends elsewhere (OpenAI or ChatGPT itself, when the gateway is not what it
    // selected, and its own update and plugin traffic) reaches the fake as a proxy request and
    // never leaves the machine. Once Codex names OpenAI as its provider or retries a connection
    // (the fake always answers), the verdict is in: its retries are not waited for.
    for var in ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"] {
        cmd.env(var, &fake.url);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost");
    // Once the gateway's answer is printed, Codex's own background traffic is not waited for.
    let settled = |stdout: &str, stderr: &str| {
        stdout.contains(REPLY)
            || stderr.contains("\nprovider: openai\n")
            || stderr.contains("Reconnecting...")
    };
    let (code, stdout, stderr) = run_bounded(cmd, Duration::from_secs(40), settled);
    let requests = fake.requests();
    let answered = code == Some(0) || stdout.contains(REPLY);
    (
        judge_codex(case, answered, code, &stderr, &requests),
        requests,
        stderr,
    )
}

/// The fake gateway's answer, as `codex exec` prints it.
const REPLY: &str = "hi from the fake gateway";

/// `answered`: Codex exited 0 or printed the gateway's answer.
fn judge_codex(
    case: &Case,
    answered: bool,
    code: Option<i32>,
    stderr: &str,
    requests: &[Recorded],
) -> CodexDid {
    let route = format!("/{}/v1/responses", case.mode.provider_path());
    let posts: Vec<&Recorded> = requests
        .iter()
        .filter(|r| {
            r.method == "POST" && r.path().starts_with("/api/v2/") && r.path().ends_with(&route)
        })
        .collect();
    let tail = || stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
    let Some(post) = posts.last() else {
        if stderr.contains("Missing environment variable") {
            return CodexDid::WrongCredentials(tail());
        }
        if requests.is_empty() && code != Some(0) {
            return CodexDid::Refused(tail());
        }
        let paths: Vec<String> = requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path()))
            .collect();
        let provider = stderr
            .lines()
            .find(|l| l.starts_with("provider: "))
            .unwrap_or("no provider line");
        return CodexDid::NoGatewayRequest(format!("{provider}; requests: {paths:?}; {}", tail()));
    };
    let bearer = post.header("Authorization").unwrap_or_default();
    let governance = post.header("X-Coder-AI-Governance-Token");
    let carries = match case.mode {
        Mode::Centralized => bearer == format!("Bearer {VALID_TOKEN}"),
        Mode::Byok => governance == Some(VALID_TOKEN) && bearer.starts_with("Bearer sk-"),
        Mode::Chatgpt => {
            governance == Some(VALID_TOKEN)
                && bearer == format!("Bearer {CHATGPT_ACCESS_TOKEN}")
                && post.header("ChatGPT-Account-Id") == Some(CHATGPT_ACCOUNT_ID)
        }
    };
    if carries && answered {
        CodexDid::Ok
    } else {
        CodexDid::WrongCredentials(format!(
            "exit {code:?}, bearer {:?}, governance {:?}; {}",
            bearer.split(' ').nth(1).map(|t| &t[..t.len().min(12)]),
            governance.is_some(),
            tail()
        ))
    }
}

fn run_doctor(case: &Case, launcher: &Path) -> DoctorSaid {
    let fake = FakeCoder::start(Options {
        chatgpt_provider: case.chatgpt_provider,
        ..Options::default()
    });
    let home = TestHome::new();
    prepare(&home, case, &fake);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codexgw"));
    cmd.args(["doctor", "--json", "--timeout", "5"]);
    if case.with_profile {
        cmd.args(["--profile", "g"]);
    }
    if case.strict {
        cmd.arg("--strict-config");
    }
    cmd.env_clear()
        .envs(environment(&home, case, launcher))
        .current_dir(home.home());
    let (_, stdout, stderr) = run_bounded(cmd, Duration::from_secs(40), |_, _| false);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: doctor --json is not JSON ({e}): {stdout}\n{stderr}",
            case.name
        )
    });
    DoctorSaid {
        ok: json["ok"].as_bool().unwrap(),
        failing: json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect(),
    }
}

/// Runs `work` over `cases` on a few threads; results in case order.
fn in_parallel<T: Send>(
    cases: &[Case],
    threads: usize,
    work: impl Fn(&Case) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(case) = cases.get(i) else { break };
                    let result = work(case);
                    results.lock().unwrap()[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn doctor_agrees_with_codex_on_every_case() {
    let all = cases();
    let names: BTreeSet<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "case names must be unique");
    assert!(all.len() >= 150, "only {} cases", all.len());
    // While working on a rule: `CODEXGW_MATRIX_ONLY=<part of a name>` runs just those cases
    // (and then only reports; the exact list is checked on full runs).
    let only_cases = std::env::var("CODEXGW_MATRIX_ONLY").ok();
    let cases: Vec<Case> = all
        .iter()
        .filter(|c| {
            only_cases
                .as_deref()
                .is_none_or(|part| c.name.contains(part))
        })
        .cloned()
        .collect();
    let known: BTreeSet<&str> = KNOWN_DISAGREEMENTS.iter().copied().collect();
    for entry in &known {
        let name = entry.split(" @ ").next().unwrap();
        assert!(
            names.contains(name),
            "KNOWN_DISAGREEMENTS names no case: {entry}"
        );
    }
    let threads = std::env::var("CODEXGW_MATRIX_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);

    let mut report = String::new();
    let mut found = BTreeMap::<String, BTreeSet<String>>::new();
    let mut healthy_counts = Vec::new();
    let only = std::env::var("CODEXGW_MATRIX_VERSION").ok();
    for (version, launcher) in versions() {
        if only.as_deref().is_some_and(|v| v != version) {
            continue;
        }
        let start = Instant::now();
        let outcomes = in_parallel(&cases, threads, |case| {
            let start = Instant::now();
            let (codex, requests, stderr) = run_codex(case, &launcher);
            if only_cases.is_some() {
                let requests: Vec<String> = requests
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.url))
                    .collect();
                eprintln!("{}: {requests:#?}\n{stderr}", case.name);
            }
            let codex_took = start.elapsed();
            let doctor = run_doctor(case, &launcher);
            Outcome {
                name: case.name.clone(),
                codex,
                doctor,
                took: (codex_took, start.elapsed() - codex_took),
            }
        });
        let agree = outcomes.iter().filter(|o| o.agrees()).count();
        let healthy = outcomes.iter().filter(|o| o.codex == CodexDid::Ok).count();
        healthy_counts.push((version.clone(), healthy));
        report.push_str(&format!(
            "Codex {version}: doctor agrees on {agree}/{} cases ({healthy} healthy), {:.1} s\n",
            outcomes.len(),
            start.elapsed().as_secs_f32()
        ));
        let mut slowest: Vec<&Outcome> = outcomes.iter().collect();
        slowest.sort_by_key(|o| std::cmp::Reverse(o.took.0 + o.took.1));
        for o in slowest.iter().take(5) {
            report.push_str(&format!(
                "  slow: {} (codex {:.1} s, doctor {:.1} s)\n",
                o.name,
                o.took.0.as_secs_f32(),
                o.took.1.as_secs_f32()
            ));
        }
        for o in outcomes.iter().filter(|o| !o.agrees()) {
            report.push_str(&format!(
                "  DISAGREE {}\n    codex:  {:?}\n    doctor: {}\n",
                o.name,
                o.codex,
                if o.doctor.ok {
                    "ok".to_string()
                } else {
                    format!("fails {}", o.doctor.failing.join(", "))
                }
            ));
            found
                .entry(o.name.clone())
                .or_default()
                .insert(version.clone());
        }
    }
    eprintln!("{report}");
    if only_cases.is_some() {
        return;
    }
    for (version, healthy) in &healthy_counts {
        assert!(
            healthy * 3 >= cases.len(),
            "Codex {version}: only {healthy} of {} cases are healthy",
            cases.len()
        );
    }
    let versions: BTreeSet<String> = healthy_counts.iter().map(|(v, _)| v.clone()).collect();
    let found: BTreeSet<String> = found
        .into_iter()
        .flat_map(|(name, in_versions)| {
            if in_versions == versions {
                vec![name]
            } else {
                in_versions
                    .iter()
                    .map(|v| format!("{name} @ {v}"))
                    .collect()
            }
        })
        .collect();
    let known: BTreeSet<String> = known.iter().map(|s| s.to_string()).collect();
    let new: Vec<&String> = found.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&found).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "KNOWN_DISAGREEMENTS is out of date.\nnew disagreements: {new:#?}\nno longer disagreeing: {fixed:#?}\n{report}"
    );
}

/// The case table itself: enough of each kind, and unique names (cheap, no Codex needed).
#[test]
fn the_matrix_covers_every_dimension() {
    let cases = cases();
    let count = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count();
    assert!(cases.len() >= 150);
    for mode in Mode::ALL {
        assert!(count(&|c| c.mode == mode) >= 40, "{mode:?}");
    }
    assert!(count(&|c| c.strict) >= 15);
    assert!(count(&|c| c.with_profile) >= 12);
    assert!(count(&|c| !c.chatgpt_provider) >= 2);
    for login in [Login::None, Login::ApiKey, Login::Chatgpt] {
        assert!(count(&|c| c.login == login) >= 10, "{login:?}");
    }
    for var in ["OPENAI_API_KEY", "CODEX_API_KEY", "CODER_API_TOKEN"] {
        assert!(
            count(&|c| c.env.iter().any(|(v, _)| *v == var)) >= 3,
            "{var}"
        );
    }
}
