//! The acceptance test: the real Codex CLI, started by `codexgw exec`, reaches the loopback fake
//! deployment in every mode with exactly the credentials FACTS.md lists, while the Coder token
//! lives only in the OS keyring (never in a file under HOME or CODEX_HOME).
#![cfg(unix)]

use std::path::Path;

use crate::support::fake_coder::{FakeCoder, Options, Recorded, VALID_TOKEN};
use crate::support::real_codex::{CHATGPT_ACCESS_TOKEN, CHATGPT_ACCOUNT_ID, write_chatgpt_login};
use crate::support::{TestHome, real_codex::each_codex};

const OPENAI_KEY: &str = "sk-test-byok-key-0000";

fn setup(home: &TestHome, fake: &FakeCoder, args: &[&str], env: &[(&str, &str)]) {
    let out = home
        .codexgw()
        .args([
            "setup",
            "--yes",
            "--route",
            "ai-gateway",
            "--url",
            &fake.url,
        ])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "setup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn store_coder_token(home: &TestHome, fake: &FakeCoder) {
    home.codexgw()
        .args(["token", "set", "coder", "--url", &fake.url])
        .write_stdin(VALID_TOKEN)
        .assert()
        .success();
}

/// `codexgw exec -- codex exec …` and the one POST that reached the gateway.
fn run_codex(home: &TestHome, codex: &Path, fake: &FakeCoder, env: &[(&str, &str)]) -> Recorded {
    let out = home
        .codexgw()
        .arg("exec")
        .arg("--")
        .arg(codex)
        .args(["exec", "--strict-config", "--skip-git-repo-check", "say hi"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "codex failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let posts = fake.requests_to("/responses");
    assert_eq!(posts.len(), 1, "requests: {:#?}", fake.requests());
    posts.into_iter().next().unwrap()
}

/// The request went to `path` with exactly these credential headers.
fn assert_sent(post: &Recorded, path: &str, bearer: &str, governance: Option<&str>) {
    assert_eq!(post.path(), path);
    assert_eq!(
        post.header("Authorization"),
        Some(format!("Bearer {bearer}").as_str())
    );
    assert_eq!(post.header("X-Coder-AI-Governance-Token"), governance);
}

/// The Coder token is in no file under HOME (CODEX_HOME is inside it) and not in `token status`.
fn assert_token_is_nowhere(home: &TestHome, fake: &FakeCoder) {
    let mut stack = vec![home.home()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files += 1;
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(VALID_TOKEN),
                    "the Coder token is in `{}`",
                    path.display()
                );
            }
        }
    }
    assert!(files > 0, "no file to check under HOME");
    let status = home
        .codexgw()
        .args(["token", "status", "--url", &fake.url])
        .output()
        .unwrap();
    assert!(status.status.success());
    let text = String::from_utf8(status.stdout).unwrap();
    assert!(text.contains("  used: abcd… (33 chars) from "), "{text}");
    assert!(!text.contains(VALID_TOKEN), "{text}");
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn centralized_env_key_filled_by_exec_from_the_keyring() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        store_coder_token(&home, &fake);
        setup(&home, &fake, &["--mode", "centralized"], &[]);
        let post = run_codex(&home, codex, &fake, &[]);
        assert_sent(
            &post,
            "/api/v2/ai-gateway/openai/v1/responses",
            VALID_TOKEN,
            None,
        );
        assert!(home.read_config().contains("env_key = \"OPENAI_API_KEY\""));
        assert_token_is_nowhere(&home, &fake);
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn centralized_command_auth_runs_codexgw_token_print() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        setup(
            &home,
            &fake,
            &[
                "--mode",
                "centralized",
                "--token-source",
                "command",
                "--store-token",
            ],
            &[("CODER_API_TOKEN", VALID_TOKEN)],
        );
        let config = home.read_config();
        assert!(
            config.contains(&format!("command = \"{}\"", env!("CARGO_BIN_EXE_codexgw"))),
            "{config}"
        );
        // No variable carries the token: Codex asks `codexgw token print coder` for it.
        let post = run_codex(&home, codex, &fake, &[]);
        assert_sent(
            &post,
            "/api/v2/ai-gateway/openai/v1/responses",
            VALID_TOKEN,
            None,
        );
        assert_token_is_nowhere(&home, &fake);
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn byok_setup_logs_codex_in_with_the_key() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        store_coder_token(&home, &fake);
        let codex_path = codex.display().to_string();
        setup(
            &home,
            &fake,
            &["--mode", "byok"],
            &[
                ("OPENAI_API_KEY", OPENAI_KEY),
                ("CODEXGW_CODEX_BIN", codex_path.as_str()),
            ],
        );
        let auth = std::fs::read_to_string(home.codex_home().join("auth.json")).unwrap();
        assert!(
            auth.contains("\"auth_mode\": \"apikey\"") || auth.contains("\"auth_mode\":\"apikey\""),
            "{auth}"
        );
        // Codex sends the key of its login; OPENAI_API_KEY is not in this environment.
        let post = run_codex(&home, codex, &fake, &[]);
        assert_sent(
            &post,
            "/api/v2/ai-gateway/openai/v1/responses",
            OPENAI_KEY,
            Some(VALID_TOKEN),
        );
        assert_token_is_nowhere(&home, &fake);
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn chatgpt_exec_removes_the_parents_openai_key() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        store_coder_token(&home, &fake);
        setup(&home, &fake, &["--mode", "chatgpt"], &[]);
        write_chatgpt_login(&home);
        // Codex with a ChatGPT login sends the same headers whether or not OPENAI_API_KEY is set
        // (Codex 0.169), so a wrapper records what Codex's environment held.
        let seen = home.home().join("openai-api-key-seen-by-codex");
        let wrapper = home.home().join("codex-wrapper");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nprintf '%s' \"${{OPENAI_API_KEY-unset}}\" > '{}'\nexec '{}' \"$@\"\n",
                seen.display(),
                codex.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(
            &wrapper,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let post = run_codex(&home, &wrapper, &fake, &[("OPENAI_API_KEY", OPENAI_KEY)]);
        assert_eq!(std::fs::read_to_string(&seen).unwrap(), "unset");
        assert_sent(
            &post,
            "/api/v2/ai-gateway/chatgpt/v1/responses",
            CHATGPT_ACCESS_TOKEN,
            Some(VALID_TOKEN),
        );
        assert_eq!(post.header("ChatGPT-Account-Id"), Some(CHATGPT_ACCOUNT_ID));
        assert_token_is_nowhere(&home, &fake);
    });
}

/// byok without plain text: the OpenAI key lives only in the secret store, `codexgw exec` hands it
/// to Codex as `CODEX_API_KEY`, and doctor names that source.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn byok_key_from_the_keyring_reaches_codex_as_codex_api_key() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        store_coder_token(&home, &fake);
        setup(&home, &fake, &["--mode", "byok"], &[]);
        home.codexgw()
            .args(["token", "set", "openai", "--url", &fake.url])
            .write_stdin(OPENAI_KEY)
            .assert()
            .success();
        assert!(!home.codex_home().join("auth.json").exists());
        let post = run_codex(&home, codex, &fake, &[]);
        assert_sent(
            &post,
            "/api/v2/ai-gateway/openai/v1/responses",
            OPENAI_KEY,
            Some(VALID_TOKEN),
        );
        let doctor = home.codexgw().args(["doctor", "--json"]).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
        let login = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "codex.login")
            .unwrap();
        assert_eq!(login["status"], "pass", "{login}");
        assert_eq!(login["evidence"]["source"], "keyring");
        assert!(
            login["summary"]
                .as_str()
                .unwrap()
                .contains("Codex gets it as $CODEX_API_KEY"),
            "{login}"
        );
        // net.gateway sent what Codex sent: the stored key and the governance header.
        let probe = fake.requests_to("/models").pop().unwrap();
        assert_eq!(
            probe.header("Authorization"),
            Some(format!("Bearer {OPENAI_KEY}").as_str())
        );
        assert_eq!(
            probe.header("X-Coder-AI-Governance-Token"),
            Some(VALID_TOKEN)
        );
        assert_eq!(doctor.status.code(), Some(0), "{report}");
        assert!(!String::from_utf8_lossy(&doctor.stdout).contains(OPENAI_KEY));
    });
}
