//! `codexgw doctor` against a loopback fake Coder deployment: one scenario per finding, each
//! asserting the check id, its status, the exit code, and that no secret leaks into the output.
//! Where it matters, the real Codex CLI is run against the same fake to show doctor is right.

use std::path::Path;

use serde_json::Value;

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Gateway, Options, VALID_TOKEN};
use crate::support::real_codex::{
    CHATGPT_ACCESS_TOKEN, CHATGPT_ACCOUNT_ID, OPENAI_KEY, login_with_api_key, run_codex,
    write_chatgpt_login,
};
use crate::support::real_codex::{each_codex, versions};

/// An OpenAI key that must never be printed.
const LIVE_KEY: &str = "sk-live-this-must-stay-secret-42";
const SECRETS: [&str; 4] = [VALID_TOKEN, OPENAI_KEY, CHATGPT_ACCESS_TOKEN, LIVE_KEY];

struct Run {
    code: i32,
    human: String,
    json: Value,
}

impl Run {
    fn check(&self, id: &str) -> &Value {
        self.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check `{id}` in {}", self.json))
    }

    fn status(&self, id: &str) -> &str {
        self.check(id)["status"].as_str().unwrap()
    }

    fn summary(&self, id: &str) -> &str {
        self.check(id)["summary"].as_str().unwrap()
    }

    fn fix(&self, id: &str) -> &str {
        self.check(id)["fix"].as_str().unwrap_or_default()
    }

    fn failing(&self) -> Vec<&str> {
        self.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap())
            .collect()
    }
}

/// Runs doctor twice (human and `--json`) with the same inputs and checks what holds for both.
fn doctor(home: &TestHome, env: &[(&str, &str)], args: &[&str]) -> Run {
    let run = |json: bool| {
        let mut cmd = home.codexgw();
        cmd.arg("doctor").args(args).envs(env.iter().copied());
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let human = run(false);
    let json = run(true);
    let code = json.status.code().unwrap();
    assert_eq!(
        human.status.code(),
        Some(code),
        "human and JSON runs disagree"
    );
    let human_text = String::from_utf8(human.stdout).unwrap();
    let all_output = [
        human_text.as_str(),
        &String::from_utf8_lossy(&human.stderr),
        &String::from_utf8_lossy(&json.stdout),
        &String::from_utf8_lossy(&json.stderr),
    ]
    .concat();
    for secret in SECRETS {
        assert!(
            !all_output.contains(secret),
            "secret `{secret}` leaked:\n{all_output}"
        );
    }
    assert!(!human_text.contains('\x1b'), "colour without a terminal");
    let json: Value = serde_json::from_slice(&json.stdout).expect("--json prints JSON");
    assert_eq!(json["ok"], code == 0, "{json}");
    Run {
        code,
        human: human_text,
        json,
    }
}

fn setup(home: &TestHome, fake: &FakeCoder, mode: &str, extra: &[&str]) {
    home.codexgw()
        .args(["setup", "--yes", "--mode", mode, "--url", &fake.url])
        .args(extra)
        .assert()
        .success();
}

/// The healthy chatgpt setup: config, ChatGPT login, Coder token.
fn chatgpt_home(fake: &FakeCoder) -> TestHome {
    let home = TestHome::new();
    setup(&home, fake, "chatgpt", &[]);
    write_chatgpt_login(&home);
    home
}

/// Every pinned Codex runs a turn in `home` without an error.
fn assert_codex_succeeds(home: &TestHome, env: &[(&str, &str)]) {
    each_codex(|codex| assert_runs(home, codex, env));
}

fn assert_runs(home: &TestHome, codex: &Path, env: &[(&str, &str)]) {
    let out = run_codex(home, codex, env);
    assert!(
        out.status.success(),
        "codex failed where doctor passed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const CODER: (&str, &str) = ("CODER_API_TOKEN", VALID_TOKEN);

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn healthy_centralized_passes_and_codex_agrees() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &[]);
    let env = [("OPENAI_API_KEY", VALID_TOKEN)];
    // The pinned Codex judges the file too (codex.config).
    let codex = versions()[0].1.display().to_string();
    let run = doctor(&home, &env, &["--codex-bin", &codex]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.json["mode"], "centralized");
    assert_eq!(run.json["codex"]["path"], codex.as_str());
    assert_eq!(run.json["deployment"], fake.url.as_str());
    assert_eq!(
        run.json["config_path"],
        home.config_path().display().to_string()
    );
    let statuses: Vec<&str> = run.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .map(|id| run.status(id))
        .collect();
    assert_eq!(
        statuses,
        [
            "pass", "pass", "pass", "pass", "pass", "skip", "skip", "pass", "pass", "pass", "pass",
            "skip", "pass", "pass", "skip", "pass", "pass", "skip"
        ]
    );
    let ids: Vec<&str> = run.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        codexgw::doctor::CHECK_IDS,
        "check ids and order are an API"
    );
    assert!(run.human.contains("ok    net.gateway"), "{}", run.human);
    let probe = &fake.requests_to("/models")[0];
    assert_eq!(probe.path(), "/api/v2/ai-gateway/openai/v1/models");
    assert_eq!(
        probe.header("Authorization"),
        Some(format!("Bearer {VALID_TOKEN}").as_str())
    );
    assert_eq!(
        run.check("env.coder_api_token")["evidence"]["origin"],
        "env"
    );
    assert_codex_succeeds(&home, &env);
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn healthy_byok_passes_and_codex_agrees() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "byok", &["--route", "aibridge"]);
    each_codex(|codex| {
        login_with_api_key(&home, codex, OPENAI_KEY);
        let run = doctor(&home, &[CODER], &[]);
        assert_eq!(run.code, 0, "{}", run.human);
        assert_eq!(run.json["mode"], "byok");
        assert_eq!(run.status("codex.login"), "pass");
        assert_eq!(run.status("env.coder_api_token"), "pass");
        assert_eq!(run.status("net.gateway"), "pass");
        // aibridge still works on v2.35.
        assert_eq!(run.status("net.deployment"), "pass");
        let probe = &fake.requests_to("/models")[0];
        assert_eq!(probe.path(), "/api/v2/aibridge/openai/v1/models");
        assert_eq!(
            probe.header("Authorization"),
            Some(format!("Bearer {OPENAI_KEY}").as_str())
        );
        assert_eq!(
            probe.header("X-Coder-AI-Governance-Token"),
            Some(VALID_TOKEN)
        );
        assert_runs(&home, codex, &[CODER]);
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn healthy_chatgpt_passes_and_codex_agrees() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    let run = doctor(&home, &[CODER], &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.json["mode"], "chatgpt");
    assert_eq!(run.status("env.openai_api_key"), "pass");
    assert_eq!(run.status("codex.login"), "pass");
    let probe = &fake.requests_to("/models")[0];
    assert_eq!(probe.path(), "/api/v2/ai-gateway/chatgpt/v1/models");
    assert_eq!(
        probe.header("Authorization"),
        Some(format!("Bearer {CHATGPT_ACCESS_TOKEN}").as_str())
    );
    assert_eq!(probe.header("ChatGPT-Account-Id"), Some(CHATGPT_ACCOUNT_ID));
    assert_codex_succeeds(&home, &[CODER]);
}

/// FACTS.md says a set `OPENAI_API_KEY` makes Codex log in with the key instead of ChatGPT.
/// Codex 0.169 does not: `codex exec` keeps the stored ChatGPT login (pinned below), so doctor
/// warns (older builds and other tools still pick the key up) and names the line to delete.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn chatgpt_with_openai_api_key_warns_names_the_rc_line_and_codex_keeps_chatgpt() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    std::fs::write(
        home.home().join(".bashrc"),
        format!("alias ll='ls -l'\nexport OPENAI_API_KEY={LIVE_KEY}\n"),
    )
    .unwrap();
    let env = [CODER, ("OPENAI_API_KEY", LIVE_KEY)];
    let run = doctor(&home, &env, &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.status("env.openai_api_key"), "warn");
    assert!(run.fix("env.openai_api_key").contains("`~/.bashrc:2`"));
    assert!(run.human.contains("warn  env.openai_api_key"));
    assert!(
        run.human
            .contains("fix: delete the line that exports it at `~/.bashrc:2`")
    );
    assert_eq!(
        run.check("env.openai_api_key")["evidence"]["exported_at"],
        format!("{}:2", home.home().join(".bashrc").display())
    );
    // doctor's own probe went out with the ChatGPT login, as Codex's request will.
    assert_eq!(run.status("net.gateway"), "pass");

    each_codex(|codex| {
        let out = run_codex(&home, codex, &env);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let post = fake.requests_to("/responses").pop().unwrap();
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {CHATGPT_ACCESS_TOKEN}").as_str())
        );
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn byok_without_login_fails_and_codex_sends_no_key() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "byok", &[]);
    // The user's key is exported, which byok `codex exec` ignores.
    let env = [CODER, ("OPENAI_API_KEY", LIVE_KEY)];
    let run = doctor(&home, &env, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.failing(), ["codex.login", "net.gateway"]);
    assert!(
        run.summary("codex.login")
            .contains("ignores $OPENAI_API_KEY")
    );
    assert!(
        run.fix("codex.login")
            .contains("codex login --with-api-key")
    );
    assert!(
        run.summary("net.gateway")
            .contains("no OpenAI API key was sent"),
        "{}",
        run.summary("net.gateway")
    );
    assert_eq!(run.status("env.openai_api_key"), "pass");

    each_codex(|codex| {
        let out = run_codex(&home, codex, &env);
        assert!(!out.status.success(), "codex succeeded without a login");
        let posts = fake.requests_to("/responses");
        assert!(!posts.is_empty(), "codex never reached the gateway");
        assert!(
            posts.iter().all(|p| p.header("Authorization").is_none()),
            "codex sent a key after all: {posts:?}"
        );
    });
}

#[test]
fn missing_and_broken_config_files_fail_config_file() {
    let home = TestHome::new();
    let run = doctor(&home, &[], &[]);
    assert_eq!((run.code, run.status("config.file")), (1, "fail"));
    assert!(run.summary("config.file").contains("does not exist"));
    assert_eq!(run.status("config.provider"), "skip");
    assert_eq!(run.status("net.gateway"), "skip");
    assert_eq!(run.json["mode"], Value::Null);

    home.write_config("model_provider = \"ai_gateway\"\n[tui\n");
    let run = doctor(&home, &[], &[]);
    assert_eq!((run.code, run.status("config.file")), (1, "fail"));
    assert!(
        run.summary("config.file").contains("config.toml:2:5"),
        "{}",
        run.summary("config.file")
    );
}

fn offline_centralized(home: &TestHome, text: &str) -> Run {
    home.write_config(text);
    doctor(home, &[("OPENAI_API_KEY", VALID_TOKEN)], &["--offline"])
}

const BLOCK: &str = "[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"https://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n";

#[test]
fn centralized_needs_the_coder_token_not_an_openai_key() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &[]);
    let run = doctor(&home, &[], &["--offline"]);
    assert_eq!(run.failing(), ["env.openai_api_key"]);
    assert!(
        run.summary("env.openai_api_key")
            .contains("Missing environment variable")
    );

    let run = doctor(&home, &[("OPENAI_API_KEY", LIVE_KEY)], &[]);
    assert_eq!(run.code, 1);
    assert!(run.failing().contains(&"env.openai_api_key"));
    assert!(
        run.summary("env.openai_api_key")
            .contains("holds an OpenAI key (sk-l… (32 chars))")
    );
    // An OpenAI key is no Coder token: it is not sent to Coder at all, and doctor says so.
    assert_eq!(run.status("net.auth"), "skip");
    assert_eq!(run.status("net.gateway"), "skip");
    assert!(
        run.summary("net.gateway")
            .contains("$OPENAI_API_KEY holds an OpenAI key, which doctor does not send"),
        "{}",
        run.summary("net.gateway")
    );
    let leaked: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| format!("{:?}", r.headers).contains(LIVE_KEY))
        .collect();
    assert!(
        leaked.is_empty(),
        "sent the OpenAI key to Coder: {leaked:?}"
    );
    assert!(fake.requests_to("/users/me").is_empty());
}

#[test]
fn the_coder_token_comes_from_the_env_or_the_coder_cli_login() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    let run = doctor(&home, &[], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.status("env.coder_api_token"), "fail");
    assert!(
        run.fix("env.coder_api_token")
            .contains("coder tokens create")
    );
    assert_eq!(run.status("net.auth"), "skip");
    assert_eq!(run.status("net.gateway"), "fail");
    assert!(
        run.summary("net.gateway")
            .contains("no Coder token was sent"),
        "{}",
        run.summary("net.gateway")
    );

    let cli = home.home().join(".config/coderv2");
    std::fs::create_dir_all(&cli).unwrap();
    std::fs::write(cli.join("url"), format!("{}\n", fake.url)).unwrap();
    std::fs::write(cli.join("session"), VALID_TOKEN).unwrap();
    let run = doctor(&home, &[], &[]);
    let token = &run.check("env.coder_api_token")["evidence"];
    assert_eq!(run.status("env.coder_api_token"), "warn");
    assert_eq!(token["origin"], "coder_cli");
    assert_eq!(token["token"], "abcd… (33 chars)");
    assert!(
        run.summary("env.coder_api_token")
            .contains("silently drops")
    );
    assert_eq!(run.status("net.auth"), "pass");
    assert_eq!(
        fake.requests_to("/users/me")
            .last()
            .unwrap()
            .header("Coder-Session-Token"),
        Some(VALID_TOKEN)
    );
}

#[test]
fn net_deployment_reports_unreachable_garbage_and_route_mismatch() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let home = TestHome::new();
    home.codexgw()
        .args([
            "setup",
            "--yes",
            "--mode",
            "centralized",
            "--route",
            "aibridge",
            "--url",
            &url,
        ])
        .assert()
        .success();
    let env = [("OPENAI_API_KEY", VALID_TOKEN)];
    let run = doctor(&home, &env, &[]);
    assert_eq!(run.failing(), ["net.deployment", "net.auth", "net.gateway"]);
    assert!(run.summary("net.deployment").contains("cannot connect"));

    let fake = FakeCoder::start(Options {
        garbage_buildinfo: true,
        ..Options::default()
    });
    let home = TestHome::new();
    // Setup itself refuses a host that is not Coder (setup_checks_url.rs): write it offline.
    setup(
        &home,
        &fake,
        "centralized",
        &["--route", "aibridge", "--offline"],
    );
    let run = doctor(&home, &env, &[]);
    assert_eq!(run.failing(), ["net.deployment"]);
    assert!(
        run.summary("net.deployment")
            .contains("did not answer JSON")
    );

    let fake = FakeCoder::start(Options {
        version: "v2.34.2".into(),
        ..Options::default()
    });
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &["--route", "ai-gateway"]);
    let run = doctor(&home, &env, &[]);
    assert_eq!(run.code, 1);
    // A warning: net.gateway is the check that fails, because the route really is missing.
    assert_eq!(run.failing(), ["net.gateway"]);
    assert_eq!(run.status("net.deployment"), "warn");
    assert!(run.summary("net.deployment").contains("does not serve"));
    assert!(
        run.fix("net.deployment")
            .contains("/api/v2/aibridge/openai/v1")
    );
    assert_eq!(run.status("net.gateway"), "fail");
    assert!(run.summary("net.gateway").contains("Route not found."));
}

#[test]
fn net_auth_fails_on_a_rejected_token() {
    let fake = FakeCoder::start(Options {
        valid_token: "zzzzzzzzzz-another-token-000000000".into(),
        ..Options::default()
    });
    let home = chatgpt_home(&fake);
    let run = doctor(&home, &[CODER], &[]);
    assert_eq!(run.failing(), ["net.auth", "net.gateway"]);
    assert!(
        run.summary("net.auth")
            .contains("rejects the Coder token from $CODER_API_TOKEN")
    );
    assert_eq!(
        run.fix("net.auth"),
        "create a new token with `coder tokens create` (or in the dashboard under Tokens), then `export CODER_API_TOKEN=<the new token>`"
    );
    assert!(
        run.summary("net.gateway")
            .contains("Coder token (sent in `X-Coder-AI-Governance-Token`) was rejected")
    );

    // From the keyring: renew it there, said once, with no `export`.
    let stored = chatgpt_home(&fake);
    stored
        .codexgw()
        .args(["token", "set", "coder", "--no-verify", "--url", &fake.url])
        .write_stdin(VALID_TOKEN)
        .assert()
        .success();
    let run = doctor(&stored, &[], &[]);
    assert_eq!(run.failing(), ["net.auth", "net.gateway"], "{}", run.human);
    for id in ["net.auth", "net.gateway"] {
        let fix = run.fix(id);
        assert_eq!(
            fix,
            format!(
                "create a new token with `coder tokens create` (or in the dashboard under Tokens), then store it in place of the old one: `codexgw token set coder --url {}`",
                fake.url
            ),
            "{id}"
        );
        assert!(!fix.contains("export"), "{id}: {fix}");
    }
}

#[test]
fn net_gateway_names_each_deployment_problem() {
    // The fake, what net.gateway says and its fix, and the REST check that finds the same
    // without sending a request.
    let cases: [(Options, &str, &str, Option<&str>); 5] = [
        (
            Options {
                chatgpt_provider: false,
                ..Options::default()
            },
            "no ChatGPT provider",
            "named `chatgpt`",
            Some("coder.provider"),
        ),
        (
            Options {
                gateway: Gateway::NotLicensed,
                ..Options::default()
            },
            "no license",
            "AI Governance add-on",
            Some("coder.license"),
        ),
        (
            Options {
                gateway: Gateway::FeatureOff,
                ..Options::default()
            },
            "switched off",
            "enable AI Gateway",
            None,
        ),
        (
            Options {
                gateway: Gateway::Absent,
                ..Options::default()
            },
            "does not serve this gateway route",
            "Coder version",
            None,
        ),
        (
            Options {
                budget_exceeded: true,
                ..Options::default()
            },
            "budget",
            "raise your AI budget",
            Some("coder.budget"),
        ),
    ];
    for (options, says, fix, also) in cases {
        let fake = FakeCoder::start(options);
        let home = chatgpt_home(&fake);
        let run = doctor(&home, &[CODER], &[]);
        assert_eq!(run.code, 1, "{says}");
        let want: Vec<&str> = ["net.gateway"].into_iter().chain(also).collect();
        assert_eq!(run.failing(), want, "{says}: {}", run.human);
        assert!(
            run.summary("net.gateway").contains(says),
            "{}",
            run.summary("net.gateway")
        );
        assert!(
            run.fix("net.gateway").contains(fix),
            "{}",
            run.fix("net.gateway")
        );
    }
}

#[test]
fn a_hanging_deployment_cannot_hold_the_run() {
    let fake = FakeCoder::start(Options {
        hang: true,
        ..Options::default()
    });
    let home = chatgpt_home(&fake);
    // Finishing at all is the assertion: the fake never answers.
    let run = doctor(&home, &[CODER], &["--timeout", "1"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.failing(), ["net.deployment", "net.auth", "net.gateway"]);
    for id in ["net.deployment", "net.auth", "net.gateway"] {
        // The wait is named with the flag that sets it, and the fix offers more time.
        let summary = run.summary(id);
        assert!(
            summary.contains("no answer within 1s (`--timeout 1`)"),
            "{id}: {summary}"
        );
        assert!(
            run.fix(id)
                .ends_with("allow more time: `codexgw doctor --timeout 30`"),
            "{id}: {}",
            run.fix(id)
        );
    }
}

/// A typo in `--provider-id` is named as such: the ids that exist, and a setup command that
/// carries the id; never "set `model_provider` to the typo".
#[test]
fn a_provider_id_typo_names_the_ids_that_exist() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    let run = doctor(
        &home,
        &[CODER],
        &["--offline", "--provider-id", "ai_gatewya"],
    );
    assert_eq!(
        run.failing(),
        ["config.provider", "config.block"],
        "{}",
        run.human
    );
    for id in ["config.provider", "config.block"] {
        let fix = run.fix(id);
        assert!(
            fix.contains("the config defines `ai_gateway`"),
            "{id}: {fix}"
        );
        assert!(
            fix.contains("codexgw setup --provider-id ai_gatewya "),
            "{id}: {fix}"
        );
        assert!(
            !fix.contains("model_provider = \"ai_gatewya\""),
            "{id}: {fix}"
        );
    }
}

#[test]
fn a_redirect_is_reported_and_never_followed_with_a_token() {
    let elsewhere = FakeCoder::start(Options::default());
    let fake = FakeCoder::start(Options {
        redirect_to: Some(elsewhere.url.clone()),
        ..Options::default()
    });
    let home = TestHome::new();
    setup(
        &home,
        &fake,
        "centralized",
        &["--route", "aibridge", "--offline"],
    );
    let run = doctor(&home, &[("OPENAI_API_KEY", VALID_TOKEN)], &[]);
    assert_eq!(run.failing(), ["net.deployment", "net.auth", "net.gateway"]);
    let summary = run.summary("net.auth");
    assert!(
        summary.contains(&format!("to `{}/api/v2/users/me`", elsewhere.url)),
        "{summary}"
    );
    assert!(summary.contains("another origin"));
    assert_eq!(run.check("net.gateway")["evidence"]["same_origin"], false);
    assert!(
        elsewhere.requests().is_empty(),
        "doctor followed a redirect"
    );
}

#[test]
fn offline_skips_every_network_check() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    let before = fake.requests().len();
    let run = doctor(&home, &[CODER], &["--offline"]);
    assert_eq!(run.code, 0);
    for id in ["net.deployment", "net.auth", "net.gateway"] {
        assert_eq!(run.status(id), "skip");
    }
    assert_eq!(
        fake.requests().len(),
        before,
        "--offline asked the deployment"
    );
}

#[test]
fn profiles_are_judged_as_codex_layers_them() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &["--profile", "gw"]);
    let env = [("OPENAI_API_KEY", VALID_TOKEN)];
    // Without the profile, config.toml selects nothing.
    let run = doctor(&home, &env, &["--offline"]);
    assert_eq!(run.failing(), ["config.provider"]);
    let run = doctor(&home, &env, &["--offline", "--profile", "gw"]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert!(run.summary("config.provider").contains("gw.config.toml:1"));
    let run = doctor(&home, &env, &["--offline", "--profile", "other"]);
    assert_eq!(run.status("config.file"), "warn");
    assert!(run.summary("config.file").contains("silently ignores"));
}

#[test]
fn usage_errors_exit_2() {
    let home = TestHome::new();
    for args in [
        vec!["doctor", "--timeout", "0"],
        vec!["doctor", "--profile", "a.b"],
        vec!["doctor", "--provider-id", "openai"],
        vec!["doctor", "--nope"],
    ] {
        home.codexgw().args(&args).assert().code(2);
    }
}

/// Issue 4: the keyring is a token source. byok/chatgpt pass with evidence `keyring`; in
/// centralized mode the unset `env_key` still fails (plain `codex` would stop), and the fix
/// names the keyring and `codexgw exec`.
#[test]
fn a_token_in_the_keyring_counts_and_the_fix_says_how_codex_gets_it() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    home.codexgw()
        .args(["token", "set", "coder", "--stdin", "--url", &fake.url])
        .write_stdin(VALID_TOKEN)
        .assert()
        .success();

    let run = doctor(&home, &[], &[]);
    assert_eq!(run.status("env.coder_api_token"), "pass", "{}", run.human);
    assert_eq!(
        run.check("env.coder_api_token")["evidence"]["origin"],
        "keyring"
    );
    assert!(
        run.summary("env.coder_api_token")
            .contains("codexgw exec -- codex")
    );
    assert_eq!(run.status("net.auth"), "pass", "{}", run.human);

    let centralized = TestHome::new();
    setup(&centralized, &fake, "centralized", &[]);
    centralized
        .codexgw()
        .args(["token", "set", "coder", "--stdin", "--url", &fake.url])
        .write_stdin(VALID_TOKEN)
        .assert()
        .success();
    let run = doctor(&centralized, &[], &[]);
    assert_eq!(run.status("env.openai_api_key"), "fail", "{}", run.human);
    assert_eq!(
        run.check("env.openai_api_key")["evidence"]["stored_in"],
        "keyring"
    );
    assert!(
        run.fix("env.openai_api_key")
            .contains("codexgw exec -- codex"),
        "{}",
        run.fix("env.openai_api_key")
    );
}

/// A bearer token written into the table; never printed.
const FILE_TOKEN: &str = "filetoken0-thisonelivesinconfigtoml";

fn with_bearer(config: &str, token: &str) -> String {
    config.replace(
        "wire_api = \"responses\"",
        &format!("wire_api = \"responses\"\nexperimental_bearer_token = \"{token}\""),
    )
}

fn bearer_line(config: &str) -> usize {
    config
        .lines()
        .position(|l| l.starts_with("experimental_bearer_token"))
        .unwrap()
        + 1
}

/// FACTS: bearer order is `env_key` > `experimental_bearer_token` > login, so in chatgpt mode
/// the token in the table replaces the ChatGPT login; Codex really sends it.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn a_bearer_token_in_a_chatgpt_table_fails_and_is_what_gets_sent() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    let text = with_bearer(&home.read_config(), FILE_TOKEN);
    home.write_config(&text);
    let line = bearer_line(&text);
    let run = doctor(&home, &[CODER], &[]);
    assert!(!run.human.contains(FILE_TOKEN) && !run.json.to_string().contains(FILE_TOKEN));
    assert_eq!(run.failing(), ["config.block"], "{}", run.human);
    assert!(
        run.summary("config.block")
            .contains("replaces your ChatGPT login"),
        "{}",
        run.summary("config.block")
    );
    assert!(
        run.fix("config.block").contains(&format!(
            "delete line {line} and keep the Coder token in the keyring"
        )),
        "{}",
        run.fix("config.block")
    );
    assert_eq!(run.status("codex.login"), "warn");
    assert!(run.summary("codex.login").contains("wins over the login"));
    // The probe went out with the bearer Codex sends: the table's token, not the login.
    let probe = fake.requests_to("/models").last().cloned().unwrap();
    assert_eq!(
        probe.header("Authorization"),
        Some(format!("Bearer {FILE_TOKEN}").as_str())
    );

    each_codex(|codex| {
        let _ = run_codex(&home, codex, &[CODER]);
        let post = fake.requests_to("/responses").pop();
        let post = post.expect("codex never reached the gateway");
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {FILE_TOKEN}").as_str()),
            "Codex did not send the table's token after all"
        );
    });
}

#[test]
fn a_bearer_token_in_a_centralized_table_warns() {
    let home = TestHome::new();
    // With `env_key`, the token is dead weight.
    let text = format!(
        "model_provider = \"ai_gateway\"\n{}",
        with_bearer(BLOCK, FILE_TOKEN)
    );
    let run = offline_centralized(&home, &text);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.status("config.block"), "warn");
    assert!(
        run.summary("config.block")
            .contains("is ignored (`env_key` wins")
    );
    assert_eq!(
        run.fix("config.block"),
        format!("delete line {}", bearer_line(&text))
    );
    assert!(!run.human.contains(FILE_TOKEN));

    // Without it, the token is the key: a plain-text secret, with the keyring as the fix.
    let fake = FakeCoder::start(Options::default());
    let text = format!(
        "model_provider = \"ai_gateway\"\n{}",
        with_bearer(BLOCK, VALID_TOKEN)
            .replace("env_key = \"OPENAI_API_KEY\"\n", "")
            .replace("https://coder.example.com", &fake.url)
    );
    home.write_config(&text);
    let run = doctor(&home, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.status("config.block"), "warn");
    let fix = run.fix("config.block");
    assert!(fix.contains("codexgw token set coder --url"), "{fix}");
    assert!(fix.contains("--token-source command"), "{fix}");
    // net.auth and net.gateway use the token Codex sends.
    assert_eq!(run.status("net.auth"), "pass");
    assert_eq!(run.status("net.gateway"), "pass");
    assert_eq!(
        fake.requests_to("/models")[0].header("Authorization"),
        Some(format!("Bearer {VALID_TOKEN}").as_str())
    );
}

/// `auth.command` is codexgw's own `token print coder`: doctor runs it as Codex does, so it
/// cannot pass while Codex gets no token.
#[test]
fn command_backed_auth_is_judged_by_the_token_codexgw_would_print() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &["--token-source", "command"]);
    let run = doctor(&home, &[], &["--offline"]);
    assert_eq!(run.failing(), ["env.openai_api_key"], "{}", run.human);
    assert!(
        run.summary("env.openai_api_key")
            .contains("exits with status 1 (`error: no Coder API token stored for"),
        "{}",
        run.summary("env.openai_api_key")
    );
    assert_eq!(
        run.fix("env.openai_api_key"),
        format!("codexgw token set coder --url {}", fake.url)
    );
    let online = doctor(&home, &[], &[]);
    assert_eq!(online.status("net.gateway"), "fail");
    assert_eq!(
        online.fix("net.gateway"),
        format!("codexgw token set coder --url {}", fake.url)
    );

    // `CODER_SESSION_TOKEN` counts, as it does for `token print` and `exec`.
    let run = doctor(&home, &[("CODER_SESSION_TOKEN", VALID_TOKEN)], &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    let summary = run.summary("env.openai_api_key");
    assert!(
        summary.contains("which printed a token (abcd…"),
        "{summary}"
    );
    let program = assert_cmd::cargo::cargo_bin("codexgw")
        .display()
        .to_string();
    assert_eq!(summary.matches(&program).count(), 1, "{summary}");
    assert_eq!(run.status("net.auth"), "pass");
    assert_eq!(run.status("net.gateway"), "pass");
    assert_eq!(
        fake.requests_to("/models")
            .last()
            .unwrap()
            .header("Authorization"),
        Some(format!("Bearer {VALID_TOKEN}").as_str())
    );
}

/// Codex refuses the whole file for a bad table it never selects.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn another_provider_table_codex_refuses_fails_config_block() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &[]);
    let healthy = home.read_config();
    let old = "\n[model_providers.aibridge]\nname = \"AI Bridge\"\nbase_url = \"https://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"chat\"\n";
    let text = format!("{healthy}{old}");
    home.write_config(&text);
    let header = text
        .lines()
        .position(|l| l == "[model_providers.aibridge]")
        .unwrap()
        + 1;
    let env = [("OPENAI_API_KEY", VALID_TOKEN)];
    let run = doctor(&home, &env, &["--offline"]);
    assert_eq!(run.failing(), ["config.block"], "{}", run.human);
    let summary = run.summary("config.block");
    assert!(
        summary.contains(&format!(
            "`[model_providers.aibridge]` at config.toml:{header}"
        )),
        "{summary}"
    );
    assert!(summary.contains("no longer supported"), "{summary}");
    let fix = run.fix("config.block");
    assert!(
        fix.contains("delete the `[model_providers.aibridge]` table"),
        "{fix}"
    );
    assert!(
        fix.contains("codexgw setup --provider-id aibridge"),
        "{fix}"
    );
    each_codex(|codex| {
        let out = run_codex(&home, codex, &env);
        assert!(!out.status.success(), "codex loaded the file after all");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is no longer supported"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });

    let reserved =
        "\n[model_providers.openai]\nname = \"OpenAI\"\nbase_url = \"https://api.openai.com/v1\"\n";
    home.write_config(&format!("{healthy}{reserved}"));
    let run = doctor(&home, &env, &["--offline"]);
    assert_eq!(run.failing(), ["config.block"], "{}", run.human);
    assert!(
        run.summary("config.block")
            .contains("reserved built-in provider IDs"),
        "{}",
        run.summary("config.block")
    );
    assert!(
        run.fix("config.block")
            .contains("delete the `[model_providers.openai]` table")
    );
    each_codex(|codex| {
        let out = run_codex(&home, codex, &env);
        assert!(!out.status.success(), "codex loaded the file after all");
        assert!(String::from_utf8_lossy(&out.stderr).contains("reserved built-in provider IDs"));
    });
}

#[test]
fn urls_with_credentials_or_a_query_are_redacted() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &["--route", "aibridge"]);
    let port = fake.url.rsplit(':').next().unwrap().to_string();
    let text = home.read_config().replace(
        &format!("{}/api/v2/aibridge/openai/v1", fake.url),
        &format!("http://alice:userinfo-secret-1234@127.0.0.1:{port}/api/v2/aibridge/openai/v1?api-key=query-secret-5678"),
    );
    home.write_config(&text);
    let run = doctor(&home, &[("OPENAI_API_KEY", VALID_TOKEN)], &[]);
    let everything = format!("{}{}", run.human, run.json);
    for secret in ["userinfo-secret-1234", "query-secret-5678", "alice:"] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{everything}"
        );
    }
    assert_eq!(run.status("config.block"), "fail");
    assert!(
        run.check("config.block")["evidence"]["base_url"]
            .as_str()
            .unwrap()
            .starts_with("http://***@127.0.0.1:"),
        "{}",
        run.check("config.block")["evidence"]
    );
}

/// The gateway's "no authentication key" fix names the variable the file really uses.
#[test]
fn the_missing_token_fix_names_the_env_key_variable() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized", &["--route", "aibridge"]);
    let text = home.read_config().replace(
        "env_key = \"OPENAI_API_KEY\"",
        "env_key = \"MY_GATEWAY_TOKEN\"",
    );
    home.write_config(&text);
    let run = doctor(&home, &[], &[]);
    assert_eq!(run.status("net.gateway"), "fail", "{}", run.human);
    assert!(run.summary("net.gateway").contains("no Coder token"));
    assert!(
        run.fix("net.gateway")
            .starts_with("export MY_GATEWAY_TOKEN="),
        "{}",
        run.fix("net.gateway")
    );
}

#[test]
fn a_folder_where_config_toml_belongs_says_so_once() {
    let home = TestHome::new();
    std::fs::create_dir_all(home.config_path()).unwrap();
    let run = doctor(&home, &[], &["--offline"]);
    assert_eq!(run.failing(), ["config.file"]);
    let summary = run.summary("config.file");
    assert_eq!(summary.matches("is a folder").count(), 1, "{summary}");
    assert!(run.fix("config.file").contains("move the folder away"));
}

/// `env_key` next to `requires_openai_auth`: `env_key` wins (FACTS), and both checks say so.
#[test]
fn env_key_in_a_byok_table_wins_over_the_login_in_every_check() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "byok", &[]);
    let text = home.read_config().replace(
        "requires_openai_auth = true",
        "requires_openai_auth = true\nenv_key = \"OPENAI_API_KEY\"",
    );
    home.write_config(&text);
    std::fs::write(
        home.codex_home().join("auth.json"),
        format!(r#"{{"auth_mode":"apikey","OPENAI_API_KEY":"{OPENAI_KEY}"}}"#),
    )
    .unwrap();
    let run = doctor(&home, &[CODER, ("OPENAI_API_KEY", LIVE_KEY)], &[]);
    assert!(
        run.summary("config.block")
            .contains("Codex sends $OPENAI_API_KEY")
    );
    assert!(
        run.summary("env.openai_api_key")
            .contains("Codex sends $OPENAI_API_KEY (sk-l… (32 chars)) as your key"),
        "{}",
        run.summary("env.openai_api_key")
    );
    assert_eq!(run.status("codex.login"), "warn");
    assert!(
        run.summary("codex.login")
            .contains("Codex sends $OPENAI_API_KEY, not your login"),
        "{}",
        run.summary("codex.login")
    );
    assert_eq!(
        fake.requests_to("/models")
            .last()
            .unwrap()
            .header("Authorization"),
        Some(format!("Bearer {LIVE_KEY}").as_str())
    );
}

#[test]
fn every_start_up_file_that_exports_the_key_is_named_the_shells_first() {
    let fake = FakeCoder::start(Options::default());
    let home = chatgpt_home(&fake);
    std::fs::write(
        home.home().join(".bashrc"),
        format!("export OPENAI_API_KEY={LIVE_KEY}\n"),
    )
    .unwrap();
    std::fs::write(
        home.home().join(".zshrc"),
        format!("\nexport OPENAI_API_KEY={LIVE_KEY}\n"),
    )
    .unwrap();
    let env = [
        CODER,
        ("OPENAI_API_KEY", LIVE_KEY),
        ("SHELL", "/usr/bin/zsh"),
    ];
    let run = doctor(&home, &env, &["--offline"]);
    assert!(
        run.fix("env.openai_api_key")
            .starts_with("delete the lines that export it at `~/.zshrc:2`, `~/.bashrc:1`"),
        "{}",
        run.fix("env.openai_api_key")
    );
}

/// The `coder.*` checks read the REST answers a normal user gets: the provider each mode
/// needs, the budget, the licence, the WebSocket relay, and known-bad versions.
#[test]
fn coder_checks_read_what_the_deployment_says() {
    let fake = FakeCoder::start(Options::default());
    let run = doctor(&chatgpt_home(&fake), &[CODER], &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    for id in [
        "coder.version",
        "coder.license",
        "coder.provider",
        "coder.budget",
        "coder.websocket",
    ] {
        assert_eq!(run.status(id), "pass", "{id}: {}", run.human);
    }
    // The deployment's own gateway route: nothing standalone to ask.
    assert_eq!(run.status("net.gateway_health"), "skip");
    assert!(fake.requests_to("/healthz").is_empty());
    assert_eq!(
        run.summary("coder.budget"),
        "US$1.20 of your US$50.00 AI budget spent"
    );
    let sent = fake.requests_to("/ai-provider-keys");
    assert_eq!(sent[0].header("Coder-Session-Token"), Some(VALID_TOKEN));

    let byok_off = FakeCoder::start(Options {
        chatgpt_byok: false,
        ..Options::default()
    });
    let run = doctor(&chatgpt_home(&byok_off), &[CODER], &[]);
    assert_eq!(run.status("coder.provider"), "fail", "{}", run.human);
    assert!(run.summary("coder.provider").contains("BYOK is off"));

    let near = FakeCoder::start(Options {
        spend_micros: 46_000_000,
        ..Options::default()
    });
    let run = doctor(&chatgpt_home(&near), &[CODER], &[]);
    assert_eq!(run.code, 0, "a warning is no failure: {}", run.human);
    assert_eq!(run.status("coder.budget"), "warn");
    assert!(
        run.summary("coder.budget")
            .contains("US$46.00 of your US$50.00")
    );

    let broken = FakeCoder::start(Options {
        version: "v2.35.6+abc1234".into(),
        ..Options::default()
    });
    let run = doctor(&chatgpt_home(&broken), &[CODER], &[]);
    assert_ne!(run.status("coder.version"), "pass", "{}", run.human);
    assert!(run.summary("coder.version").contains("namespace"));
    assert!(
        run.fix("coder.version")
            .contains("upgrade Coder past v2.35.6")
    );
    // Before v2.36 there is no spend endpoint: nothing to judge, nothing failed.
    assert_eq!(run.status("coder.budget"), "skip");

    for secret in SECRETS {
        assert!(!run.human.contains(secret) && !run.json.to_string().contains(secret));
    }
}

/// `supports_websockets` is judged against the relay: on against a gateway without one,
/// Codex loses seconds per session.
#[test]
fn coder_websocket_matches_the_relay() {
    for (relay, status, says) in [
        (false, "warn", "no WebSocket relay (HTTP 501)"),
        (true, "pass", "relays WebSockets and Codex uses them"),
    ] {
        let fake = FakeCoder::start(Options {
            websocket_relay: relay,
            ..Options::default()
        });
        let home = chatgpt_home(&fake);
        let config = home.read_config();
        home.write_config(&config.replace(
            "wire_api = \"responses\"\n",
            "wire_api = \"responses\"\nsupports_websockets = true\n",
        ));
        let run = doctor(&home, &[CODER], &[]);
        assert_eq!(run.status("coder.websocket"), status, "{}", run.human);
        assert!(
            run.summary("coder.websocket").contains(says),
            "{}",
            run.human
        );
        let probe = fake
            .requests()
            .into_iter()
            .find(|r| r.header("Upgrade").is_some())
            .expect("one handshake");
        assert_eq!(probe.header("Sec-WebSocket-Key"), None);
        assert_eq!(
            probe.header("X-Coder-AI-Governance-Token"),
            Some(VALID_TOKEN)
        );
    }
}

/// A config that points at a standalone gateway (`<gateway>/chatgpt/v1`): doctor reads the mode
/// from the route, asks the deployment named by `$CODER_URL` for the token, and the gateway
/// for the route.
#[test]
fn a_standalone_gateway_is_judged_with_the_deployment_from_coder_url() {
    let deployment = FakeCoder::start(Options::default());
    let gateway = FakeCoder::start(Options {
        standalone: true,
        ..Options::default()
    });
    let home = TestHome::new();
    home.write_config(&format!(
        "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/chatgpt/v1\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n",
        gateway.url
    ));
    write_chatgpt_login(&home);
    let run = doctor(&home, &[CODER, ("CODER_URL", deployment.url.as_str())], &[]);
    assert_eq!(run.code, 0, "{}", run.human);
    assert_eq!(run.json["mode"], "chatgpt");
    assert!(
        run.summary("config.block")
            .contains(&format!("the standalone gateway at {}", gateway.url)),
        "{}",
        run.summary("config.block")
    );
    assert_eq!(run.status("net.auth"), "pass");
    assert_eq!(run.status("net.gateway"), "pass");
    assert_eq!(run.status("net.gateway_health"), "pass", "{}", run.human);
    assert_eq!(
        run.summary("net.gateway_health"),
        format!(
            "the standalone gateway at {} is up and ready (`/healthz`, `/readyz`)",
            gateway.url
        )
    );
    for path in ["/healthz", "/readyz"] {
        let asked = gateway.requests_to(path);
        assert_eq!(asked.len(), 2, "{path}: once per run (human and JSON)");
        // No credential goes to the health endpoints.
        assert!(asked.iter().all(|r| r.header("Authorization").is_none()
            && r.header("X-Coder-AI-Governance-Token").is_none()));
    }
    assert!(!deployment.requests_to("/api/v2/users/me").is_empty());
    assert!(deployment.requests_to("/models").is_empty());
    assert!(!gateway.requests_to("/chatgpt/v1/models").is_empty());

    // `--gateway-url` names the gateway the table must point at.
    let env = [CODER, ("CODER_URL", deployment.url.as_str())];
    let run = doctor(&home, &env, &["--gateway-url", &gateway.url]);
    assert_eq!(run.status("config.block"), "pass", "{}", run.human);
    let run = doctor(
        &home,
        &env,
        &["--gateway-url", "https://other-gateway.example.com"],
    );
    assert_eq!(run.status("config.block"), "fail", "{}", run.human);
    assert!(
        run.summary("config.block")
            .contains("not at the standalone gateway https://other-gateway.example.com"),
        "{}",
        run.summary("config.block")
    );
    assert!(
        run.fix("config.block")
            .contains("codexgw setup --gateway-url")
    );

    let cut_off = FakeCoder::start(Options {
        standalone: true,
        coderd_unreachable: true,
        ..Options::default()
    });
    home.write_config(&home.read_config().replace(&gateway.url, &cut_off.url));
    let run = doctor(&home, &[CODER, ("CODER_URL", deployment.url.as_str())], &[]);
    assert_eq!(run.status("net.gateway"), "fail", "{}", run.human);
    assert!(
        run.summary("net.gateway").contains(
            "the standalone gateway cannot reach its Coder deployment: could not connect to coderd"
        ),
        "{}",
        run.summary("net.gateway")
    );
    assert_eq!(run.status("net.gateway_health"), "fail", "{}", run.human);
    assert_eq!(
        run.summary("net.gateway_health"),
        format!(
            "the standalone gateway at {} is up but not ready: `/readyz` answers HTTP 503: not ready",
            cut_off.url
        )
    );
    assert!(
        run.fix("net.gateway_health")
            .contains("connection to coderd")
    );
}

/// A running app-server daemon started without the Coder token keeps that environment: doctor
/// finds it (a stand-in process with the daemon's command line and a chosen environment) and
/// names the variable it lacks, never a value.
#[cfg(target_os = "linux")]
#[test]
fn a_daemon_started_without_the_token_is_found_by_name() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "byok", &[]);
    let codex_home = home.codex_home().display().to_string();
    let start = |env: &[(&str, &str)]| {
        std::process::Command::new("sh")
            .args([
                "-c",
                "sleep 30; :",
                "codex",
                "app-server",
                "--managed-daemon",
            ])
            .env_clear()
            .env("CODEX_HOME", &codex_home)
            .envs(env.iter().copied())
            .spawn()
            .unwrap()
    };
    let wait_for_proc = |pid: u32| {
        let environ = format!("/proc/{pid}/environ");
        for _ in 0..200 {
            if std::fs::read(&environ).is_ok_and(|e| !e.is_empty()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    let mut stale = start(&[("OPENAI_API_KEY", LIVE_KEY)]);
    wait_for_proc(stale.id());
    let run = doctor(&home, &[CODER], &["--offline"]);
    let _ = stale.kill();
    let _ = stale.wait();
    assert_eq!(run.status("codex.daemon"), "warn", "{}", run.human);
    assert!(
        run.summary("codex.daemon").contains(&format!(
            "(pid {}) is running without $CODER_API_TOKEN",
            stale.id()
        )),
        "{}",
        run.summary("codex.daemon")
    );
    assert!(
        run.fix("codex.daemon")
            .contains("codex app-server daemon stop")
    );
    assert_eq!(
        run.check("codex.daemon")["evidence"]["daemons"][0]["credential_vars"],
        serde_json::json!(["OPENAI_API_KEY"])
    );

    let mut fresh = start(&[CODER]);
    wait_for_proc(fresh.id());
    let run = doctor(&home, &[CODER], &["--offline"]);
    let _ = fresh.kill();
    let _ = fresh.wait();
    assert_eq!(run.status("codex.daemon"), "pass", "{}", run.human);
}
