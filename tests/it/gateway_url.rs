//! `--gateway-url`: a standalone AI Gateway on its own host. `--url` stays the deployment the
//! tokens belong to; Codex's `base_url` points at the gateway's root form. Proven end to end
//! with the real Codex, whose command-backed auth fetches the token for the deployment.

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use crate::support::real_codex::{each_codex, run_codex};

fn stdout(home: &TestHome, args: &[&str]) -> String {
    let out = home.codexgw().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn show_points_base_url_at_the_gateway_and_tokens_at_the_deployment() {
    let home = TestHome::new();
    let block = stdout(
        &home,
        &[
            "show",
            "--mode",
            "chatgpt",
            "--url",
            "https://coder.example.com",
            "--gateway-url",
            "https://ai-gateway.example.com/api/v2/ai-gateway/chatgpt/v1",
        ],
    );
    assert!(
        block.contains("base_url = \"https://ai-gateway.example.com/chatgpt/v1\"\n"),
        "{block}"
    );
    let block = stdout(
        &home,
        &[
            "show",
            "--mode",
            "centralized",
            "--token-source",
            "command",
            "--url",
            "https://coder.example.com",
            "--gateway-url",
            "https://ai-gateway.example.com",
        ],
    );
    assert!(
        block.contains("base_url = \"https://ai-gateway.example.com/openai/v1\"\n"),
        "{block}"
    );
    // The token Codex fetches is the deployment's.
    assert!(
        block.contains(r#""coder", "--url", "https://coder.example.com"]"#),
        "{block}"
    );
    let out = home
        .codexgw()
        .args([
            "show",
            "--mode",
            "byok",
            "--url",
            "https://coder.example.com",
            "--gateway-url",
            "http://gw.internal",
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("plain http"), "{stderr}");
    assert!(stderr.contains("--allow-http"), "{stderr}");
}

/// setup writes the gateway's URL, stores the token for the deployment, and the real Codex's
/// one turn reaches the standalone gateway with that token.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn codex_reaches_a_standalone_gateway_with_the_deployments_token() {
    each_codex(|codex| {
        let deployment = FakeCoder::start(Options::default());
        let gateway = FakeCoder::start(Options {
            standalone: true,
            ..Options::default()
        });
        let home = TestHome::new();
        home.codexgw()
            .args([
                "setup",
                "--yes",
                "--mode",
                "centralized",
                "--token-source",
                "command",
                "--store-token",
                "--url",
                &deployment.url,
                "--gateway-url",
                &gateway.url,
            ])
            .env("CODER_API_TOKEN", VALID_TOKEN)
            .assert()
            .success();
        let config = home.read_config();
        assert!(
            config.contains(&format!("base_url = \"{}/openai/v1\"", gateway.url)),
            "{config}"
        );
        assert!(!config.contains(VALID_TOKEN));
        let out = run_codex(&home, codex, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let turn = &gateway.requests_to("/openai/v1/responses")[0];
        assert_eq!(
            turn.header("Authorization"),
            Some(format!("Bearer {VALID_TOKEN}").as_str())
        );
        assert!(deployment.requests_to("/responses").is_empty());
    });
}

/// With a standalone gateway, `base_url` is the gateway's host, not the deployment the tokens
/// are stored for: `token print`, `env` and `exec` find the deployment setup was given (the
/// `--url` of the token command), or `--url` / `$CODER_URL`, else say to pass `--url`.
#[test]
fn token_print_env_and_exec_find_the_token_stored_for_the_deployment() {
    let deployment = "https://coder.example.com";
    let gateway = "https://ai-gateway.example.com";
    let setup = |home: &TestHome, mode: &str, extra: &[&str]| {
        home.codexgw()
            .args([
                "setup",
                "--yes",
                "--offline",
                "--store-token",
                "--mode",
                mode,
            ])
            .args(["--url", deployment, "--gateway-url", gateway])
            .args(extra)
            .env("CODER_API_TOKEN", VALID_TOKEN)
            .assert()
            .success();
    };

    // Command-backed auth: the token command carries the deployment.
    let home = TestHome::new();
    setup(&home, "centralized", &["--token-source", "command"]);
    assert_eq!(
        stdout(&home, &["token", "print", "coder"]).trim_end(),
        VALID_TOKEN
    );

    // A variable-backed table names only the gateway: `--url` or `$CODER_URL` says whose.
    let home = TestHome::new();
    setup(&home, "byok", &[]);
    let out = home
        .codexgw()
        .args(["env", "--shell", "sh"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("points at the standalone gateway `{gateway}`")),
        "{stderr}"
    );
    assert!(
        stderr.contains("pass `--url https://coder.example.com`"),
        "{stderr}"
    );
    assert!(!stderr.contains(VALID_TOKEN));
    let lines = stdout(&home, &["env", "--shell", "sh", "--url", deployment]);
    assert!(
        lines.contains(&format!("export CODER_API_TOKEN='{VALID_TOKEN}'")),
        "{lines}"
    );
    let out = home
        .codexgw()
        .args(["exec", "--", "sh", "-c", "printf %s \"$CODER_API_TOKEN\""])
        .env("CODER_URL", deployment)
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, VALID_TOKEN.as_bytes());
    let out = home
        .codexgw()
        .args(["token", "print", "coder"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("--url"), "{stderr}");
}
