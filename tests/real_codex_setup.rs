//! After `codexgw setup`, the real Codex CLI loads the file under `--strict-config` and sends
//! its request to the gateway path of a loopback fake deployment, with each mode's credentials.

mod support;

use std::process::Command;

use support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use support::{TestHome, codex_bin};

const OPENAI_KEY: &str = "sk-test-byok-key-0000";

fn run_codex(
    home: &TestHome,
    codex: &std::path::Path,
    extra_env: &[(&str, &str)],
) -> std::process::Output {
    run_codex_with(home, codex, &[], extra_env)
}

/// `codex exec <exec_args> …`, e.g. `-p NAME` to layer a profile file.
fn run_codex_with(
    home: &TestHome,
    codex: &std::path::Path,
    exec_args: &[&str],
    extra_env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(codex)
        .arg("exec")
        .args(exec_args)
        .args([
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
    assert_centralized_request(&fake, &out);
}

/// Codex succeeded, and its request reached the openai route with the Coder token as bearer.
fn assert_centralized_request(fake: &FakeCoder, out: &std::process::Output) {
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

/// A ChatGPT login as Codex stores it, with a syntactically valid (unsigned) id token.
pub fn write_chatgpt_login(home: &TestHome) {
    let b64 = base64_url;
    let claims = r#"{"email":"alice@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"plus","chatgpt_account_id":"acct-123"}}"#;
    let jwt = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(claims)
    );
    let now = humantime::format_rfc3339(std::time::SystemTime::now());
    let auth = format!(
        r#"{{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{{"id_token":"{jwt}","access_token":"chatgpt-access-token-xyz","refresh_token":"rt-1","account_id":"acct-123"}},"last_refresh":"{now}"}}"#
    );
    std::fs::write(home.codex_home().join("auth.json"), auth).unwrap();
}

fn base64_url(input: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
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

#[test]
fn a_profile_sends_only_codex_p_to_the_gateway() {
    let Some(codex) = codex_bin() else { return };
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    let original = "model_provider = \"openai\"\nmodel = \"gpt-5\"\n";
    home.write_config(original);
    home.codexgw()
        .args([
            "setup",
            "--mode",
            "centralized",
            "--url",
            &fake.url,
            "--profile",
            "gateway",
        ])
        .assert()
        .success();
    let config = home.read_config();
    assert!(
        config.starts_with(original),
        "the top level changed:\n{config}"
    );

    let out = run_codex_with(
        &home,
        &codex,
        &["-p", "gateway"],
        &[("OPENAI_API_KEY", VALID_TOKEN)],
    );
    assert_centralized_request(&fake, &out);
    assert_eq!(home.read_config(), config, "codex rewrote config.toml");
}
