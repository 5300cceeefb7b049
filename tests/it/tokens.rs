//! `token`, `env`, `exec` and setup's credential options, driving the real binary with each
//! test's own secret store (a file, `CODEXGW_SECRET_STORE`); `os_keyring::` drives the real
//! kernel keyring (Linux) under a service name unique to each test.

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};

const URL: &str = "https://coder.example.com";
const TOKEN: &str = "abcdefghij-tokentokentokentoken12";

fn set(home: &TestHome, kind: &str, url: &str, value: &str) -> assert_cmd::assert::Assert {
    home.codexgw()
        .args(["token", "set", kind, "--url", url])
        .write_stdin(value)
        .assert()
}

fn print(home: &TestHome, kind: &str, url: &str) -> std::process::Output {
    home.codexgw()
        .args(["token", "print", kind, "--url", url])
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn setup(home: &TestHome, args: &[&str]) -> std::process::Output {
    setup_with(home, args, &[], "")
}

/// `codexgw setup --offline --yes ARGS` with extra variables and stdin.
fn setup_with(
    home: &TestHome,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
) -> std::process::Output {
    home.codexgw()
        .args(["setup", "--offline", "--yes"])
        .args(args)
        .envs(env.iter().copied())
        .write_stdin(stdin)
        .output()
        .unwrap()
}

fn setup_ok(home: &TestHome, mode: &str) {
    let out = setup(home, &["--mode", mode, "--url", URL]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `codexgw exec -- sh -c SCRIPT` with extra variables and stdin.
fn exec_sh(
    home: &TestHome,
    script: &str,
    env: &[(&str, &str)],
    stdin: &str,
) -> std::process::Output {
    home.codexgw()
        .args(["exec", "--", "sh", "-c", script])
        .envs(env.iter().copied())
        .write_stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn a_token_set_in_one_process_prints_in_the_next() {
    let home = TestHome::new();
    let out = set(&home, "coder", URL, &format!("{TOKEN}\n"))
        .get_output()
        .clone();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "stored the Coder API token for `coder.example.com` in {}\n",
            home.secret_store_name()
        )
    );
    let printed = print(&home, "coder", URL);
    assert!(printed.status.success(), "{}", stderr(&printed));
    // Exactly the token: Codex uses stdout as the bearer token.
    assert_eq!(stdout(&printed), TOKEN);
    assert_eq!(stderr(&printed), "");
}

#[test]
fn two_deployments_and_two_kinds_keep_apart() {
    let home = TestHome::new();
    let other = "https://other.example.com:8443";
    set(&home, "coder", URL, "token-one").success();
    set(&home, "coder", other, "token-two").success();
    set(&home, "openai", URL, "sk-key-three").success();
    assert_eq!(stdout(&print(&home, "coder", URL)), "token-one");
    assert_eq!(stdout(&print(&home, "coder", other)), "token-two");
    assert_eq!(stdout(&print(&home, "openai", URL)), "sk-key-three");
    assert_eq!(print(&home, "openai", other).status.code(), Some(1));
}

#[test]
fn another_home_does_not_see_the_token() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    let stranger = TestHome::new();
    assert_eq!(print(&stranger, "coder", URL).status.code(), Some(1));
}

#[test]
fn print_without_a_token_fails_with_a_next_step_and_an_empty_stdout() {
    let home = TestHome::new();
    let out = print(&home, "coder", URL);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: no Coder API token stored for `coder.example.com`\nhelp: store one with `codexgw token set coder --url https://coder.example.com`\n"
    );
}

#[test]
fn set_refuses_empty_and_whitespace_and_stores_nothing() {
    let home = TestHome::new();
    let empty = set(&home, "coder", URL, "  \n")
        .code(2)
        .get_output()
        .clone();
    assert!(stderr(&empty).starts_with("error: the Coder API token is empty\n"));
    let spaced = set(&home, "coder", URL, "two words")
        .code(2)
        .get_output()
        .clone();
    assert!(
        stderr(&spaced).contains("contains whitespace"),
        "{}",
        stderr(&spaced)
    );
    assert!(!stderr(&spaced).contains("two words"));
    assert_eq!(print(&home, "coder", URL).status.code(), Some(1));
}

#[test]
fn delete_removes_the_token() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    assert_delete_removes_the_token(&home);
}

/// `token delete` of the stored Coder token says so, and a second one finds nothing.
fn assert_delete_removes_the_token(home: &TestHome) {
    home.codexgw()
        .args(["token", "delete", "coder", "--url", URL])
        .assert()
        .success()
        .stderr("deleted the Coder API token for `coder.example.com`\n");
    assert_eq!(print(home, "coder", URL).status.code(), Some(1));
    home.codexgw()
        .args(["token", "delete", "coder", "--url", URL])
        .assert()
        .success()
        .stderr("no Coder API token was stored for `coder.example.com`; nothing deleted\n");
}

#[test]
fn the_deployment_comes_from_the_configured_provider() {
    let home = TestHome::new();
    setup_ok(&home, "centralized");
    home.codexgw()
        .args(["token", "set", "coder"])
        .write_stdin(TOKEN)
        .assert()
        .success();
    let printed = home
        .codexgw()
        .args(["token", "print", "coder"])
        .output()
        .unwrap();
    assert_eq!(stdout(&printed), TOKEN);
    home.codexgw()
        .args(["token", "print", "coder", "--provider-id", "nope"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "config.toml` has no provider `model_providers.nope`",
        ));
}

#[test]
fn without_config_or_url_the_error_says_to_pass_url() {
    let home = TestHome::new();
    let out = home
        .codexgw()
        .args(["token", "print", "coder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with(
            "help: pass `--url https://coder.example.com`, or run `codexgw setup` first\n"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn status_names_sources_and_never_shows_the_token() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    let out = home
        .codexgw()
        .args(["token", "status", "--url", URL])
        .env("CODER_SESSION_TOKEN", "env-session-token-value")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("env-session-token-value"), "{text}");
    let store = home.secret_store_name();
    assert!(
        text.contains(&format!("keyring: {store} (from $CODEXGW_SECRET_STORE)\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Coder API token:\n  used: env-… (23 chars) from $CODER_SESSION_TOKEN\n  also: abcd… (33 chars) from {store}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("OpenAI API key:\n  none (store one with `codexgw token set openai --url https://coder.example.com`)\n"),
        "{text}"
    );
}

#[test]
fn verify_asks_the_deployment_before_storing() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    let bad = home
        .codexgw()
        .args(["token", "set", "coder", "--verify", "--url", &fake.url])
        .write_stdin("wrong-token")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("rejected the token"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(print(&home, "coder", &fake.url).status.code(), Some(1));

    let good = home
        .codexgw()
        .args(["token", "set", "coder", "--verify", "--url", &fake.url])
        .write_stdin(VALID_TOKEN)
        .output()
        .unwrap();
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(
        stderr(&good).contains("accepts the token"),
        "{}",
        stderr(&good)
    );
    let me = fake.requests_to("/api/v2/users/me");
    assert_eq!(me.len(), 2);
    assert_eq!(me[1].header("Coder-Session-Token"), Some(VALID_TOKEN));
    assert_eq!(stdout(&print(&home, "coder", &fake.url)), VALID_TOKEN);
}

#[test]
fn insecure_file_is_private_warned_about_and_read_back() {
    let home = TestHome::new();
    let out = home
        .codexgw()
        .args(["token", "set", "coder", "--insecure-file", "--url", URL])
        .write_stdin(TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = home.home().join(".config/codexgw/credentials.toml");
    assert!(
        stderr(&out).starts_with(&format!(
            "warning: storing the Coder API token in plain text in `{}`",
            path.display()
        )),
        "{}",
        stderr(&out)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(std::fs::read_to_string(&path).unwrap().contains(TOKEN));
    assert_eq!(stdout(&print(&home, "coder", URL)), TOKEN);
    home.codexgw()
        .args(["token", "delete", "coder", "--url", URL])
        .assert()
        .success();
    assert!(!std::fs::read_to_string(&path).unwrap().contains(TOKEN));
    assert_eq!(print(&home, "coder", URL).status.code(), Some(1));
}

#[test]
fn env_writes_each_modes_variables_for_each_shell() {
    let home = TestHome::new();
    set(&home, "coder", URL, "it's-a-token").success();
    let cases = [
        (
            "centralized",
            "bash",
            "export OPENAI_API_KEY='it'\\''s-a-token'\n",
        ),
        ("byok", "fish", "set -gx CODER_API_TOKEN 'it\\'s-a-token'\n"),
        (
            "chatgpt",
            "powershell",
            "$env:CODER_API_TOKEN = 'it''s-a-token'\nRemove-Item Env:OPENAI_API_KEY -ErrorAction SilentlyContinue\n",
        ),
    ];
    for (mode, shell, expected) in cases {
        assert!(
            setup(&home, &["--mode", mode, "--url", URL])
                .status
                .success()
        );
        let out = home
            .codexgw()
            .args(["env", "--shell", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), expected, "{mode} for {shell}");
    }
    let from_shell_var = home
        .codexgw()
        .arg("env")
        .env("SHELL", "/usr/bin/zsh")
        .env("CODER_API_TOKEN", "from-the-env")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&from_shell_var),
        "export CODER_API_TOKEN='from-the-env'\nunset OPENAI_API_KEY\n"
    );
}

#[test]
fn exec_applies_the_environment_and_passes_io_and_exit_code() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    setup_ok(&home, "centralized");
    let out = exec_sh(
        &home,
        "printf '%s|' \"$OPENAI_API_KEY\"; cat; exit 7",
        &[],
        "from-stdin",
    );
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{TOKEN}|from-stdin"));

    setup_ok(&home, "chatgpt");
    let out = exec_sh(
        &home,
        "echo \"${OPENAI_API_KEY-unset} $CODER_API_TOKEN\"",
        &[("OPENAI_API_KEY", "sk-parent")],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("unset {TOKEN}\n"));
}

#[test]
fn exec_without_a_token_fails_before_running_anything() {
    let home = TestHome::new();
    setup_ok(&home, "byok");
    let marker = home.home().join("ran");
    let out = home
        .codexgw()
        .args(["exec", "--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!marker.exists());
    assert!(
        stderr(&out).starts_with("error: no Coder API token for `coder.example.com`\n"),
        "{}",
        stderr(&out)
    );
    let missing = home
        .codexgw()
        .args(["exec", "--", "no-such-program-here"])
        .env("CODER_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).starts_with("error: cannot run `no-such-program-here`"));
}

#[test]
fn setup_with_command_auth_writes_this_binary_and_stores_the_token() {
    let home = TestHome::new();
    let out = setup_with(
        &home,
        &[
            "--mode",
            "centralized",
            "--url",
            URL,
            "--token-source",
            "command",
            "--store-token",
        ],
        &[("CODER_API_TOKEN", TOKEN)],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stored the Coder API token for `coder.example.com` in "),
        "{}",
        stderr(&out)
    );
    let config = home.read_config();
    assert!(!config.contains(TOKEN));
    assert!(!config.contains("env_key"), "{config}");
    let exe = env!("CARGO_BIN_EXE_codexgw");
    assert!(
        config.contains(&format!(
            "[model_providers.ai_gateway.auth]\ncommand = \"{exe}\"\nargs = [\"token\", \"print\", \"coder\", \"--url\", \"{URL}\"]\n"
        )),
        "{config}"
    );
    assert_eq!(stdout(&print(&home, "coder", URL)), TOKEN);
}

#[test]
fn setup_store_token_reads_stdin_and_refuses_command_auth_outside_centralized() {
    let home = TestHome::new();
    let out = setup_with(
        &home,
        &["--mode", "byok", "--url", URL, "--store-token"],
        &[],
        &format!("{TOKEN}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&print(&home, "coder", URL)), TOKEN);

    let before = home.read_config();
    home.codexgw()
        .args([
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "byok",
            "--url",
            URL,
            "--token-source",
            "command",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: `--token-source command` works in centralized mode only, not byok\n",
        ));
    assert_eq!(home.read_config(), before);
}

#[test]
fn setup_next_steps_use_the_stored_token_and_a_failed_codex_login_is_an_error() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    let out = setup(&home, &["--mode", "chatgpt", "--url", URL]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("  eval \"$(codexgw env)\"   # or start Codex as `codexgw exec -- codex`\n"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("export CODER_API_TOKEN"));

    // byok with a key at hand and `--yes`: setup runs `codex login --with-api-key`.
    let out = home
        .codexgw()
        .args([
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "byok",
            "--url",
            URL,
        ])
        .args(["--codex-bin", "/bin/false"])
        .env("OPENAI_API_KEY", "sk-key-for-codex")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: `codex login --with-api-key` failed"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("sk-key-for-codex"));
}

/// byok with the OpenAI key already in codexgw's store: setup says Codex gets it as
/// `CODEX_API_KEY` through `codexgw exec`, writes no auth.json and never runs `codex login`.
#[test]
fn byok_setup_with_a_stored_openai_key_keeps_it_out_of_auth_json() {
    let home = TestHome::new();
    set(&home, "coder", URL, TOKEN).success();
    set(&home, "openai", URL, "sk-stored-for-codex").success();
    let out = home
        .codexgw()
        .args([
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "byok",
            "--url",
            URL,
        ])
        .args(["--codex-bin", "/bin/false"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "`codexgw exec -- codex` hands it to Codex as $CODEX_API_KEY, which Codex sends before any login (no plain-text auth.json)"
        ),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("codex login --with-api-key"),
        "{}",
        stderr(&out)
    );
    assert!(!home.codex_home().join("auth.json").exists());
    assert!(!stderr(&out).contains("sk-stored-for-codex"));
}

#[test]
fn a_dry_run_writes_no_keyring_entry_and_runs_no_codex_login() {
    let home = TestHome::new();
    // A stand-in for `codex` that leaves a mark when setup logs it in (setup may still ask
    // it, read-only, whether it loads the result).
    let marker = home.home().join("codex-login-ran");
    let fake_codex = home.home().join("fake-codex");
    std::fs::write(
        &fake_codex,
        format!(
            "#!/bin/sh\n[ \"$1 $2\" = \"login --with-api-key\" ] && touch '{}'\nexit 0\n",
            marker.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_codex, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let codex_bin = fake_codex.display().to_string();
    let args = [
        "--mode",
        "byok",
        "--url",
        URL,
        "--store-token",
        "--dry-run",
        "--codex-bin",
        &codex_bin,
    ];
    let env = [
        ("CODER_API_TOKEN", TOKEN),
        ("OPENAI_API_KEY", "sk-key-for-codex"),
    ];
    // Once on the "changes to show" path, once on the "already configured" path.
    for configured in [false, true] {
        if configured {
            setup_ok(&home, "byok");
        }
        let out = setup_with(&home, &args, &env, "");
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            !marker.exists(),
            "a dry run ran `codex login` (configured: {configured})"
        );
        assert_eq!(
            print(&home, "coder", URL).status.code(),
            Some(1),
            "a dry run stored the token (configured: {configured})"
        );
    }
}

#[test]
fn store_token_without_a_token_fails_before_writing_and_says_it_reads_stdin() {
    let home = TestHome::new();
    let out = setup_with(
        &home,
        &["--mode", "centralized", "--url", URL, "--store-token"],
        &[],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().take(2).collect::<Vec<_>>(),
        [
            "reading the Coder API token for `--store-token` from stdin (or set `CODER_API_TOKEN`)",
            "error: the Coder API token is empty",
        ]
    );
    assert!(!home.config_path().exists(), "config.toml was written");

    // An OpenAI key is refused the same way, before anything is written.
    let out = setup_with(
        &home,
        &["--mode", "centralized", "--url", URL, "--store-token"],
        &[("CODER_API_TOKEN", "sk-proj-abcdefghijklmnop")],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!home.config_path().exists(), "config.toml was written");
}

/// The README's quick start: `export OPENAI_API_KEY=<Coder token>` in centralized mode.
#[test]
fn centralized_exec_uses_the_exported_env_key_and_never_replaces_it() {
    let home = TestHome::new();
    setup_ok(&home, "centralized");
    let exported = [("OPENAI_API_KEY", "exported-coder-token")];
    let echo = "echo \"$OPENAI_API_KEY\"";
    let out = exec_sh(&home, echo, &exported, "");
    assert!(out.status.success(), "empty keyring: {}", stderr(&out));
    assert_eq!(stdout(&out), "exported-coder-token\n");

    set(&home, "coder", URL, TOKEN).success();
    let out = exec_sh(&home, echo, &exported, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "exported-coder-token\n",
        "the stored token won"
    );

    let out = exec_sh(
        &home,
        "echo ran",
        &[("OPENAI_API_KEY", "sk-proj-abcdefghijklmnop")],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with("error: `OPENAI_API_KEY` holds an OpenAI API key (sk-p… (24 chars)), but Codex would send it to the gateway as the Coder token\n"),
        "{}",
        stderr(&out)
    );

    // `token status` files the variable under the Coder token in this mode.
    let status = home
        .codexgw()
        .args(["token", "status"])
        .envs(exported)
        .output()
        .unwrap();
    let text = stdout(&status);
    assert!(
        text.contains("Coder API token:\n  used: expo… (20 chars) from $OPENAI_API_KEY\n"),
        "{text}"
    );
    assert!(text.contains("OpenAI API key:\n  none "), "{text}");
}

#[test]
fn two_deployments_on_one_host_keep_two_tokens() {
    let home = TestHome::new();
    let a = "http://127.0.0.1:18080";
    let b = "http://127.0.0.1:18083";
    let root = "https://h.example.com";
    let sub = "https://h.example.com/other";
    set(&home, "coder", a, "token-a").success();
    set(&home, "coder", b, "token-b")
        .success()
        .stderr(predicates::str::starts_with(
            "stored the Coder API token for `http://127.0.0.1:18083` in ",
        ));
    set(&home, "coder", root, "token-root").success();
    set(&home, "coder", sub, "token-sub").success();
    assert_eq!(stdout(&print(&home, "coder", a)), "token-a");
    assert_eq!(stdout(&print(&home, "coder", b)), "token-b");
    assert_eq!(stdout(&print(&home, "coder", root)), "token-root");
    assert_eq!(stdout(&print(&home, "coder", sub)), "token-sub");
    set(&home, "coder", b, "token-b2")
        .success()
        .stderr(predicates::str::starts_with(
            "replaced the stored Coder API token for `http://127.0.0.1:18083` in ",
        ));
    assert_eq!(stdout(&print(&home, "coder", b)), "token-b2");
    assert_eq!(stdout(&print(&home, "coder", a)), "token-a");
}

#[test]
fn token_set_coder_refuses_an_openai_key() {
    let home = TestHome::new();
    let out = set(&home, "coder", URL, "sk-proj-abcdefghijklmnop\n")
        .code(2)
        .get_output()
        .clone();
    assert_eq!(
        stderr(&out),
        "error: this is an OpenAI API key (sk-p… (24 chars)), not a Coder API token; nothing was stored\nhelp: store it as the OpenAI key with `codexgw token set openai`; a Coder token comes from `coder tokens create`\n"
    );
    assert_eq!(print(&home, "coder", URL).status.code(), Some(1));
}

#[test]
fn verify_over_plain_http_takes_allow_http() {
    let home = TestHome::new();
    let refused = home
        .codexgw()
        .args([
            "token",
            "set",
            "coder",
            "--verify",
            "--url",
            "http://coder.invalid",
        ])
        .write_stdin(TOKEN)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).ends_with("or pass `--allow-http` if this network is trusted\n"),
        "{}",
        stderr(&refused)
    );
    // With the flag the check goes ahead (and fails here: `.invalid` never resolves).
    let tried = home
        .codexgw()
        .args(["token", "set", "coder", "--verify", "--allow-http"])
        .args(["--url", "http://coder.invalid"])
        .write_stdin(TOKEN)
        .output()
        .unwrap();
    assert_eq!(tried.status.code(), Some(1), "{}", stderr(&tried));
    assert!(
        stderr(&tried).starts_with("error: cannot reach `http://coder.invalid/api/v2/users/me`"),
        "{}",
        stderr(&tried)
    );
}

#[test]
fn env_and_exec_blame_config_toml_for_a_bad_base_url() {
    let home = TestHome::new();
    home.write_config(
        "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"ftp://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\n",
    );
    let config = home.config_path().display().to_string();
    for args in [&["env", "--shell", "sh"][..], &["exec", "--", "true"][..]] {
        let out = home.codexgw().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(
            text.starts_with(&format!(
                "error: `model_providers.ai_gateway.base_url` in `{config}` is not usable: "
            )),
            "{text}"
        );
        assert!(
            text.ends_with(
                "help: run `codexgw setup --url https://coder.example.com` to rewrite the table\n"
            ),
            "{text}"
        );
    }
}

#[test]
fn env_refuses_a_shell_it_cannot_write_for() {
    let home = TestHome::new();
    setup_ok(&home, "byok");
    let out = home
        .codexgw()
        .arg("env")
        .env("SHELL", "/bin/tcsh")
        .env("CODER_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: cannot write lines for the shell `/bin/tcsh` ($SHELL)\nhelp: pass `--shell sh|bash|zsh|fish|powershell` for the shell that will run them\n"
    );
}

#[test]
fn env_reads_a_config_with_a_byte_order_mark_and_names_broken_toml() {
    let home = TestHome::new();
    setup_ok(&home, "byok");
    let config = home.read_config();
    home.write_config(&format!("\u{feff}{config}"));
    let out = home
        .codexgw()
        .args(["env", "--shell", "sh"])
        .env("CODER_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("export CODER_API_TOKEN='{TOKEN}'\n"));

    home.write_config("[model_providers.ai_gateway\n");
    let out = home
        .codexgw()
        .args(["env", "--shell", "sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("error: `{}:1:", home.config_path().display())),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("is not valid TOML"),
        "{}",
        stderr(&out)
    );
}

/// The real kernel keyring, which every other test keeps away from.
#[cfg(target_os = "linux")]
mod os_keyring {
    use super::{TOKEN, URL, assert_delete_removes_the_token, print, set, stderr, stdout};
    use crate::support::{KeyringCleanup, TestHome};

    #[test]
    #[cfg_attr(not(has_keyutils), ignore = "needs the kernel keyring (keyutils)")]
    fn a_token_set_in_one_process_prints_in_the_next() {
        let home = TestHome::with_os_keyring();
        let _cleanup = KeyringCleanup::new(&home, &[URL]);
        let out = set(&home, "coder", URL, TOKEN).get_output().clone();
        assert_eq!(
            stderr(&out),
            "stored the Coder API token for `coder.example.com` in the Linux kernel keyring (keyutils)\n"
        );
        let printed = print(&home, "coder", URL);
        assert_eq!(stdout(&printed), TOKEN, "{}", stderr(&printed));
        let status = home
            .codexgw()
            .args(["token", "status", "--url", URL])
            .output()
            .unwrap();
        assert!(
            stdout(&status).contains(&format!(
                "keyring: the Linux kernel keyring (keyutils) (service `{}`)\n",
                home.keyring_service
            )),
            "{}",
            stdout(&status)
        );
        assert_delete_removes_the_token(&home);
    }

    #[test]
    #[cfg_attr(not(has_keyutils), ignore = "needs the kernel keyring (keyutils)")]
    fn another_service_does_not_see_the_token() {
        let home = TestHome::with_os_keyring();
        let _cleanup = KeyringCleanup::new(&home, &[URL]);
        set(&home, "coder", URL, TOKEN).success();
        let stranger = TestHome::with_os_keyring();
        assert_eq!(print(&stranger, "coder", URL).status.code(), Some(1));
    }

    /// What the rest of the suite relies on: with `CODEXGW_SECRET_STORE` set, nothing reaches
    /// the keyring, not even under the same service name.
    #[test]
    #[cfg_attr(not(has_keyutils), ignore = "needs the kernel keyring (keyutils)")]
    fn a_file_store_keeps_tokens_out_of_the_keyring() {
        let home = TestHome::new();
        set(&home, "coder", URL, TOKEN).success();
        let mut keyring = TestHome::with_os_keyring();
        keyring.keyring_service = home.keyring_service.clone();
        let _cleanup = KeyringCleanup::new(&keyring, &[URL]);
        assert_eq!(print(&keyring, "coder", URL).status.code(), Some(1));
        assert_eq!(stdout(&print(&home, "coder", URL)), TOKEN);
    }
}
