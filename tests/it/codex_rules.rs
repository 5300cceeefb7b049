//! Each rule doctor states about what Codex accepts, refuses or ignores, shown on the real Codex
//! (every pinned version installed) next to doctor's verdict on the same files.
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use codexgw::codex::inspect::REFUSING_TABLES;
use codexgw::codex::mode::{RESERVED_PROVIDER_IDS, RESTRICTED_PROVIDER_IDS};
use serde_json::Value;

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use crate::support::real_codex::versions;
use crate::support::real_codex::{
    CHATGPT_ACCESS_TOKEN, CHATGPT_ACCOUNT_ID, run_codex, run_codex_with, write_chatgpt_login,
};

const ENV: [(&str, &str); 1] = [("OPENAI_API_KEY", VALID_TOKEN)];

/// A healthy centralized block for `fake`.
fn centralized(fake: &FakeCoder) -> String {
    format!(
        "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n",
        fake.url
    )
}

/// `codex login status`: it loads config.toml first and prints why it refuses it.
fn load(home: &TestHome, codex: &Path) -> String {
    let out = Command::new(codex)
        .args(["login", "status"])
        .env_clear()
        .envs(home.env())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    text(&out)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `codexgw doctor --offline --json` and its checks by id.
fn doctor(home: &TestHome, env: &[(&str, &str)], args: &[&str]) -> Value {
    let out = home
        .codexgw()
        .args(["doctor", "--offline", "--json"])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("doctor --json prints JSON")
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().unwrap()
}

fn summary<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["summary"].as_str().unwrap()
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn a_stranded_model_provider_fails_in_every_table_codex_refuses() {
    let fake = FakeCoder::start(Options::default());
    for (version, codex) in versions() {
        for (table, expected) in REFUSING_TABLES {
            let home = TestHome::new();
            home.write_config(&format!(
                "{}\n[{table}]\nmodel_provider = \"ai_gateway\"\n",
                centralized(&fake)
            ));
            let said = load(&home, &codex);
            assert!(
                said.contains(&format!(
                    "invalid type: string \"ai_gateway\", expected {expected}"
                )),
                "Codex {version}, [{table}]: {said}"
            );
            let report = doctor(&home, &ENV, &[]);
            assert_eq!(status(&report, "config.provider"), "fail", "[{table}]");
            assert!(
                summary(&report, "config.provider").contains(&format!("expected {expected}`")),
                "{}",
                summary(&report, "config.provider")
            );
        }
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn a_stranded_model_provider_elsewhere_is_ignored_and_strict_config_refuses_it() {
    let fake = FakeCoder::start(Options::default());
    let tables = [
        ("tui", ""),
        ("history", ""),
        ("shell_environment_policy", ""),
        ("mcp_servers.docs", "command = \"docs-mcp\"\n"),
        ("projects.\"/srv/app\"", "trust_level = \"trusted\"\n"),
    ];
    for (version, codex) in versions() {
        for (table, before) in tables {
            let home = TestHome::new();
            home.write_config(&format!(
                "{}\n[{table}]\n{before}model_provider = \"ai_gateway\"\n",
                centralized(&fake)
            ));
            let said = load(&home, &codex);
            assert!(
                !said.contains("Error loading"),
                "Codex {version}, [{table}]: {said}"
            );
            let strict = text(&run_codex(&home, &codex, &ENV));
            let field = format!("{}.model_provider", table.replace('"', ""));
            assert!(
                strict.contains(&format!("unknown configuration field `{field}`")),
                "Codex {version}, [{table}]: {strict}"
            );
            let report = doctor(&home, &ENV, &[]);
            assert_eq!(status(&report, "config.provider"), "warn", "[{table}]");
            assert!(
                summary(&report, "config.provider").contains(&format!(
                    "`--strict-config` refuses it: `unknown configuration field `{field}``"
                )),
                "{}",
                summary(&report, "config.provider")
            );
        }
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn desktop_and_profile_tables_own_a_model_provider_even_under_strict_config() {
    for (version, codex) in versions() {
        for table in ["desktop", "profiles.work"] {
            let fake = FakeCoder::start(Options::default());
            let home = TestHome::new();
            home.write_config(&format!(
                "{}\n[{table}]\nmodel_provider = \"ai_gateway\"\n",
                centralized(&fake)
            ));
            let out = run_codex(&home, &codex, &ENV);
            assert!(
                out.status.success(),
                "Codex {version}, [{table}]: {}",
                text(&out)
            );
            assert_eq!(fake.requests_to("/responses").len(), 1);
            let report = doctor(&home, &ENV, &[]);
            assert_eq!(
                status(&report, "config.provider"),
                "pass",
                "[{table}]: {}",
                summary(&report, "config.provider")
            );
        }
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn reserved_restricted_and_allowed_provider_ids() {
    let fake = FakeCoder::start(Options::default());
    let judge = |codex: &Path, extra: &str| {
        let home = TestHome::new();
        home.write_config(&format!("{}\n{extra}", centralized(&fake)));
        (load(&home, codex), doctor(&home, &ENV, &[]))
    };
    for (version, codex) in versions() {
        for id in RESERVED_PROVIDER_IDS {
            let (said, report) = judge(&codex, &format!("[model_providers.{id}]\nname = \"x\"\n"));
            assert!(
                said.contains(&format!(
                    "model_providers contains reserved built-in provider IDs: `{id}`"
                )),
                "Codex {version}: {said}"
            );
            assert_eq!(status(&report, "config.block"), "fail", "{id}");
        }
        for (id, allowed) in RESTRICTED_PROVIDER_IDS {
            let (said, report) = judge(&codex, &format!("[model_providers.{id}]\nname = \"x\"\n"));
            assert!(
                said.contains(&format!("model_providers.{id} only supports changing")),
                "Codex {version}: {said}"
            );
            // Codex names `aws` by its keys (`aws.profile`, …).
            for field in allowed {
                assert!(
                    said.contains(&format!("`{field}")),
                    "Codex {version}: {said}"
                );
            }
            assert_eq!(status(&report, "config.block"), "fail", "{id}");
            // The fields it may change load.
            let (said, report) = judge(
                &codex,
                &format!(
                    "[model_providers.{id}]\nbase_url = \"http://127.0.0.1:9/v1\"\nhttp_headers = {{ \"X-A\" = \"1\" }}\n"
                ),
            );
            assert!(!said.contains("Error loading"), "Codex {version}: {said}");
            assert_eq!(status(&report, "config.block"), "pass", "{id}");
        }
        for id in ["oss", "ollama-chat"] {
            let (said, report) = judge(
                &codex,
                &format!(
                    "[model_providers.{id}]\nname = \"x\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"
                ),
            );
            assert!(!said.contains("Error loading"), "Codex {version}: {said}");
            assert_eq!(status(&report, "config.block"), "pass", "{id}");
        }
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn provider_fields_known_to_strict_config() {
    for (version, codex) in versions() {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        let known = "env_key_instructions = \"create one\"\nrequest_max_retries = 1\nstream_max_retries = 1\nstream_idle_timeout_ms = 300000\nwebsocket_connect_timeout_ms = 1000\nquery_params = {}\nhttp_headers = { \"X-A\" = \"1\" }\nsupports_websockets = false\nsupports_standalone_web_search = false\n";
        home.write_config(&centralized(&fake).replace("wire_api", &format!("{known}wire_api")));
        let out = run_codex(&home, &codex, &ENV);
        assert!(out.status.success(), "Codex {version}: {}", text(&out));
        let report = doctor(&home, &ENV, &[]);
        assert_eq!(status(&report, "config.block"), "pass");

        home.write_config(&centralized(&fake).replace("wire_api", "retries = 3\nwire_api"));
        let said = text(&run_codex(&home, &codex, &ENV));
        assert!(
            said.contains("unknown configuration field `model_providers.ai_gateway.retries`"),
            "Codex {version}: {said}"
        );
        let report = doctor(&home, &ENV, &[]);
        assert_eq!(status(&report, "config.block"), "warn");
        assert!(summary(&report, "config.block").contains("unknown field `retries`"));
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn profile_flag_with_a_legacy_profile_in_config_toml_is_a_hard_error() {
    let fake = FakeCoder::start(Options::default());
    for (version, codex) in versions() {
        for legacy in ["[profiles.gw]\nmodel = \"gpt-5\"\n", "profile = \"gw\"\n"] {
            let home = TestHome::new();
            let config = centralized(&fake);
            home.write_config(&if legacy.starts_with('[') {
                format!("{config}\n{legacy}")
            } else {
                format!("{legacy}{config}")
            });
            std::fs::write(home.codex_home().join("gw.config.toml"), "").unwrap();
            let said = text(&run_codex_with(&home, &codex, &["-p", "gw"], &ENV));
            assert!(
                said.contains("--profile `gw` cannot be used while")
                    && said.contains("move those settings into"),
                "Codex {version}: {said}"
            );
            let report = doctor(&home, &ENV, &["--profile", "gw"]);
            assert_eq!(status(&report, "config.provider"), "fail");
            assert!(
                summary(&report, "config.provider").contains(
                    "`codex --profile gw` refuses to start (`--profile `gw` cannot be used while"
                ),
                "{}",
                summary(&report, "config.provider")
            );
        }
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn codex_api_key_replaces_the_chatgpt_login() {
    const KEY: &str = "sk-codex-api-key-0000";
    for (version, codex) in versions() {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        home.write_config(&format!(
            "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/api/v2/aibridge/chatgpt/v1\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n",
            fake.url
        ));
        write_chatgpt_login(&home);
        let env = [("CODER_API_TOKEN", VALID_TOKEN), ("CODEX_API_KEY", KEY)];
        let out = run_codex(&home, &codex, &env);
        assert!(out.status.success(), "Codex {version}: {}", text(&out));
        let post = &fake.requests_to("/responses")[0];
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(post.header("ChatGPT-Account-Id"), None);
        let report = doctor(&home, &env, &[]);
        assert_eq!(status(&report, "codex.login"), "fail");
        assert!(summary(&report, "codex.login").contains("instead of your ChatGPT login"));

        // Without it, Codex sends the ChatGPT login, and doctor passes.
        let out = run_codex(&home, &codex, &env[..1]);
        assert!(out.status.success(), "Codex {version}: {}", text(&out));
        let post = &fake.requests_to("/responses")[1];
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {CHATGPT_ACCESS_TOKEN}").as_str())
        );
        assert_eq!(post.header("ChatGPT-Account-Id"), Some(CHATGPT_ACCOUNT_ID));
        assert_eq!(
            status(&doctor(&home, &env[..1], &[]), "codex.login"),
            "pass"
        );
    }
}

/// Command-backed auth that fails, prints nothing or hangs: Codex sends its request with no
/// credentials, and doctor, having run the command the same way, fails and sends none either.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn a_failing_auth_command_means_no_credentials_for_codex_and_doctor() {
    use std::os::unix::fs::PermissionsExt;
    let cases = [
        (
            "echo 'no token here' >&2\nexit 1",
            "exits with status 1 (`no token here`)",
        ),
        ("exit 0", "exits 0 but prints nothing"),
        (
            "exec sleep 30",
            "does not finish within Codex's timeout of 300 ms",
        ),
        ("printf '%s\\n' \"$1\"", "which printed a token"),
    ];
    for (version, codex) in versions() {
        for (body, says) in cases {
            let fake = FakeCoder::start(Options::default());
            let home = TestHome::new();
            let script = home.home().join("get-token");
            std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
            home.write_config(&format!(
                "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/api/v2/aibridge/openai/v1\"\nwire_api = \"responses\"\n\n[model_providers.ai_gateway.auth]\ncommand = \"{}\"\nargs = [\"{VALID_TOKEN}\"]\ntimeout_ms = 300\n",
                fake.url,
                script.display()
            ));
            let healthy = says.starts_with("which");
            let _ = run_codex(&home, &codex, &[]);
            let posts = fake.requests_to("/responses");
            assert!(!posts.is_empty(), "Codex {version}: {body}");
            let sent = posts[0].header("Authorization").map(str::to_string);
            let expected = healthy.then(|| format!("Bearer {VALID_TOKEN}"));
            assert_eq!(sent, expected, "Codex {version}: {body}");

            let out = home.codexgw().args(["doctor", "--json"]).output().unwrap();
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            let key = check(&report, "env.openai_api_key");
            assert_eq!(
                key["status"],
                if healthy { "pass" } else { "fail" },
                "{body}: {key}"
            );
            assert!(key["summary"].as_str().unwrap().contains(says), "{key}");
            let probe = fake.requests_to("/models");
            let doctor_sent = probe
                .last()
                .and_then(|r| r.header("Authorization"))
                .map(str::to_string);
            assert_eq!(doctor_sent, expected, "{body}");
            assert_eq!(
                status(&report, "net.gateway"),
                if healthy { "pass" } else { "fail" }
            );
        }
    }
}
