//! After `codexgw setup`, the real Codex CLI loads the file under `--strict-config` and sends
//! its request to the gateway path of a loopback fake deployment, with each mode's credentials.

mod support;

use std::process::Command;

use support::codex_auth::write_chatgpt_login;
use support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use support::{TestHome, codex_bin};

const OPENAI_KEY: &str = "sk-test-byok-key-0000";

fn run_codex(
    home: &TestHome,
    codex: &std::path::Path,
    extra_env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(codex)
        .args([
            "exec",
            "--skip-git-repo-check",
            "--strict-config",
            "-m",
            "gpt-5",
            "say hi",
        ])
        .env_clear()
        .envs(home.env())
        .envs(extra_env.iter().copied())
        .current_dir(home.home())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run codex")
}

fn setup(home: &TestHome, fake: &FakeCoder, mode: &str) {
    home.codexgw()
        .args(["setup", "--mode", mode, "--url", &fake.url])
        .assert()
        .success();
}

#[test]
fn centralized_sends_the_coder_token_as_bearer_to_the_openai_route() {
    let Some(codex) = codex_bin() else { return };
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized");
    let out = run_codex(&home, &codex, &[("OPENAI_API_KEY", VALID_TOKEN)]);
    assert!(
        out.status.success(),
        "codex failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posts = fake.requests_to("/responses");
    assert!(
        !posts.is_empty(),
        "no request reached the fake: {:?}",
        fake.requests()
    );
    // v2.35 serves the ai-gateway route, and `--route auto` picked it from buildinfo.
    assert_eq!(posts[0].path(), "/api/v2/ai-gateway/openai/v1/responses");
    assert_eq!(
        posts[0].header("Authorization"),
        Some(format!("Bearer {VALID_TOKEN}").as_str())
    );
    assert_eq!(posts[0].header("X-Coder-AI-Governance-Token"), None);
}

#[test]
fn byok_sends_the_codex_login_key_and_the_governance_header() {
    let Some(codex) = codex_bin() else { return };
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    home.codexgw()
        .args([
            "setup", "--mode", "byok", "--route", "aibridge", "--url", &fake.url,
        ])
        .assert()
        .success();
    let login = Command::new(&codex)
        .args(["login", "--with-api-key"])
        .env_clear()
        .envs(home.env())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(OPENAI_KEY.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let out = run_codex(&home, &codex, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert!(
        out.status.success(),
        "codex failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = &fake.requests_to("/responses")[0];
    assert_eq!(post.path(), "/api/v2/aibridge/openai/v1/responses");
    assert_eq!(
        post.header("Authorization"),
        Some(format!("Bearer {OPENAI_KEY}").as_str())
    );
    assert_eq!(
        post.header("X-Coder-AI-Governance-Token"),
        Some(VALID_TOKEN)
    );
}

#[test]
fn chatgpt_sends_the_chatgpt_token_to_the_chatgpt_route() {
    let Some(codex) = codex_bin() else { return };
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "chatgpt");
    write_chatgpt_login(&home);
    let out = run_codex(&home, &codex, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert!(
        out.status.success(),
        "codex failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = &fake.requests_to("/responses")[0];
    assert_eq!(post.path(), "/api/v2/ai-gateway/chatgpt/v1/responses");
    assert_eq!(
        post.header("Authorization"),
        Some("Bearer chatgpt-access-token-xyz")
    );
    assert_eq!(post.header("ChatGPT-Account-Id"), Some("acct-123"));
    assert_eq!(
        post.header("X-Coder-AI-Governance-Token"),
        Some(VALID_TOKEN)
    );
}
