//! The dry-run diff of `setup` and `remove` never shows a secret from the user's file, wherever
//! and however it is written (issue 11: secrets masked by meaning, not by pattern).

use crate::support::TestHome;

const CODER_TOKEN: &str = "abcdefghij-0123456789abcdefghijkl";

/// Every way a secret sits in a Codex config that the issue lists, each next to a line setup
/// changes so it lands in the diff's context. Each value holds `SECRET`.
fn config() -> String {
    format!(
        r#"model_provider = "openai" # old token: {CODER_TOKEN}
note = "sk-proj-SECRET1abcdefghijkl"

[shell_environment_policy]
set = {{ CODER_API_TOKEN = "SECRET-2" }}

[model_providers.ai_gateway]
name = "Old"
experimental_bearer_token = """
SECRET-3
SECRET-4"""
"experimental\u005Fbearer_token_2" = "x"
http_headers = {{ "X-Api-Key" = "SECRET-5", Cookie = "s=SECRET-6", Authorization = "Bearer \"SECRET-7\"" }}
env_http_headers = {{ "X-Coder-AI-Governance-Token" = "SECRET-8 pasted", "X-Trace" = "TRACE_VAR" }}
query_params = {{ "api-key" = "SECRET-9" }}
base_url = "https://user:SECRET-10@old.example.com/v1"

[model_providers.ai_gateway.auth]
command = "/usr/bin/token-helper"
args = ["--token=SECRET-11"]

[mcp_servers.github]
command = "gh-mcp"
http_headers = {{ Authorization = "SECRET-12" }}
headers = {{ "X-Key" = "SECRET-13" }}

[mcp_servers.github.env]
GITHUB_TOKEN = "SECRET-14"
"#
    )
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains("SECRET"), "{what} shows a secret:\n{text}");
    assert!(
        !text.contains(CODER_TOKEN),
        "{what} shows the Coder token:\n{text}"
    );
}

#[test]
fn no_secret_reaches_the_setup_or_remove_diff() {
    let home = TestHome::new();
    home.write_config(&config());
    for mode in ["centralized", "byok", "chatgpt"] {
        let out = home
            .codexgw()
            .args([
                "setup",
                "--mode",
                mode,
                "--url",
                "https://coder.example.com",
            ])
            .args(["--dry-run", "--offline"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The diff touches the provider table, so its secrets are in view.
        assert!(
            stdout.contains("experimental_bearer_token = \"\"\""),
            "{stdout}"
        );
        assert!(stdout.contains("\"X-Api-Key\" = \"***\""), "{stdout}");
        assert_no_secret(&format!("setup --mode {mode} --dry-run"), &stdout);
        assert_no_secret("stderr", &String::from_utf8_lossy(&out.stderr));
    }
    home.codexgw()
        .args([
            "setup",
            "--mode",
            "byok",
            "--url",
            "https://coder.example.com",
        ])
        .args(["--yes", "--offline", "--no-backup"])
        .assert()
        .success();
    let out = home
        .codexgw()
        .args(["remove", "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("-[model_providers.ai_gateway]"), "{stdout}");
    assert_no_secret("remove --dry-run", &stdout);
}
