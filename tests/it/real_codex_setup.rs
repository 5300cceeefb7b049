//! After `codexgw setup`, the real Codex CLI loads the file under `--strict-config` and sends
//! its request to the gateway path of a loopback fake deployment, with each mode's credentials.

use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use crate::support::real_codex::{
    CHATGPT_ACCESS_TOKEN, CHATGPT_ACCOUNT_ID, OPENAI_KEY, login_with_api_key, run_codex,
    run_codex_with, write_chatgpt_login,
};
use crate::support::{TestHome, real_codex::each_codex};

fn setup(home: &TestHome, fake: &FakeCoder, mode: &str) {
    home.codexgw()
        .args(["setup", "--yes", "--mode", mode, "--url", &fake.url])
        .assert()
        .success();
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn centralized_sends_the_coder_token_as_bearer_to_the_openai_route() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        setup(&home, &fake, "centralized");
        let out = run_codex(&home, codex, &[("OPENAI_API_KEY", VALID_TOKEN)]);
        assert_centralized_request(&fake, &out);
    });
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
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn byok_sends_the_codex_login_key_and_the_governance_header() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        home.codexgw()
            .args([
                "setup", "--yes", "--mode", "byok", "--route", "aibridge", "--url", &fake.url,
            ])
            .assert()
            .success();
        login_with_api_key(&home, codex, OPENAI_KEY);
        let out = run_codex(&home, codex, &[("CODER_API_TOKEN", VALID_TOKEN)]);
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
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn chatgpt_sends_the_chatgpt_token_to_the_chatgpt_route() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        setup(&home, &fake, "chatgpt");
        write_chatgpt_login(&home);
        let out = run_codex(&home, codex, &[("CODER_API_TOKEN", VALID_TOKEN)]);
        assert!(
            out.status.success(),
            "codex failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let post = &fake.requests_to("/responses")[0];
        assert_eq!(post.path(), "/api/v2/ai-gateway/chatgpt/v1/responses");
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {CHATGPT_ACCESS_TOKEN}").as_str())
        );
        assert_eq!(post.header("ChatGPT-Account-Id"), Some(CHATGPT_ACCOUNT_ID));
        assert_eq!(
            post.header("X-Coder-AI-Governance-Token"),
            Some(VALID_TOKEN)
        );
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn a_profile_sends_only_codex_p_to_the_gateway() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        let original = "model_provider = \"openai\"\nmodel = \"gpt-5\"\n";
        home.write_config(original);
        home.codexgw()
            .args([
                "setup",
                "--yes",
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
            codex,
            &["-p", "gateway"],
            &[("OPENAI_API_KEY", VALID_TOKEN)],
        );
        assert_centralized_request(&fake, &out);
        assert_eq!(home.read_config(), config, "codex rewrote config.toml");
    });
}

/// Pins the rule `CodexHome::resolve` copies: every pinned Codex refuses a set `CODEX_HOME`
/// that does not exist (creating nothing) or is not a folder, so codexgw must not create one
/// to write into.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn codex_refuses_a_codex_home_that_does_not_exist_or_is_no_folder() {
    each_codex(|codex| {
        let home = TestHome::new();
        let refusal = |codex_home: &std::path::Path| {
            let out = std::process::Command::new(codex)
                .args(["exec", "--skip-git-repo-check", "say hi"])
                .env_clear()
                .envs(home.env())
                .env("CODEX_HOME", codex_home)
                .current_dir(home.home())
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run codex");
            let said = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(!out.status.success(), "{said}");
            said
        };
        let missing = home.home().join("no-such-codex-home");
        let said = refusal(&missing);
        assert!(
            said.contains(&format!(
                "CODEX_HOME points to {:?}, but that path does not exist",
                missing.display().to_string()
            )),
            "{said}"
        );
        assert!(!missing.exists());

        let file = home.home().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert!(refusal(&file).contains("but that path is not a directory"));
    });
}
