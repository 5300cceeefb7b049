//! The setup wizard at a real (pseudo-)terminal: pick a mode with the arrow keys, accept the
//! detected URL, confirm the diff, and get the mode's block in config.toml.
#![cfg(unix)]

use std::process::Command;

use crate::support::TestHome;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const DETECTED: &str = "https://coder.wizard.example.com";
const DOWN: &str = "\x1b[B";

fn wizard(home: &TestHome, extra_env: &[(&str, &str)]) -> PtySession {
    wizard_with(home, extra_env, &[])
}

fn wizard_with(home: &TestHome, extra_env: &[(&str, &str)], args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codexgw"));
    cmd.args(["setup", "--offline"])
        .args(args)
        .env_clear()
        .envs(home.env())
        .env("TERM", "xterm")
        .envs(extra_env.iter().copied())
        .current_dir(home.home());
    spawn_command(cmd, Some(15_000)).expect("start codexgw in a pty")
}

/// Answers a hidden prompt. It turns echo off with TCSAFLUSH, which discards anything typed
/// before that call (console's `read_secure`), so wait out the moment between its text
/// appearing and that call.
fn type_hidden(p: &mut PtySession, text: &str) {
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_line(text).unwrap();
}

fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("codexgw ended with {other:?}"),
    }
}

#[test]
fn the_wizard_asks_mode_url_and_confirmation_then_writes_the_block() {
    let home = TestHome::new();
    home.write_config("model = \"gpt-5\"\n");
    let mut p = wizard(&home, &[("CODER_URL", DETECTED)]);

    p.exp_string("How should Codex pay for the model?").unwrap();
    p.exp_string("byok").unwrap();
    // Second entry: byok. Sent with a newline, which also picks it.
    p.send_line(DOWN).unwrap();

    p.exp_string(&format!("found {DETECTED} in $CODER_URL"))
        .unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("").unwrap();

    p.exp_string("+requires_openai_auth = true").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();

    p.exp_string("wrote").unwrap();
    // Credentials come after the file: no Coder token anywhere, so it offers the keyring.
    p.exp_string("Store one in the OS keyring now?").unwrap();
    p.send_line("n").unwrap();
    // byok and no API-key login: it offers to log Codex in; an empty answer skips.
    p.exp_string("OpenAI API key for Codex's login").unwrap();
    type_hidden(&mut p, "");
    p.exp_string("next:").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        home.read_config(),
        format!(
            "model = \"gpt-5\"\nmodel_provider = \"ai_gateway\"\n\n\
             [model_providers.ai_gateway]\n\
             name = \"AI Gateway\"\n\
             base_url = \"{DETECTED}/api/v2/aibridge/openai/v1\"\n\
             wire_api = \"responses\"\n\
             requires_openai_auth = true\n\
             env_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        )
    );
}

#[test]
fn declining_the_confirmation_writes_nothing() {
    let home = TestHome::new();
    home.write_config("model = \"gpt-5\"\n");
    let mut p = wizard(&home, &[]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("https://typed.example.com").unwrap();
    p.exp_string("+env_key = \"OPENAI_API_KEY\"").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("n").unwrap();
    p.exp_string("nothing written").unwrap();
    // Declining is an answer, not a fault (no `error:`), but the setup did not happen: exit 1
    // stops `codexgw setup && codex`.
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("error"), "{rest}");
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 1),
        other => panic!("codexgw ended with {other:?}"),
    }
    assert_eq!(home.read_config(), "model = \"gpt-5\"\n");
}

#[test]
fn ctrl_c_in_the_menu_gives_the_cursor_back() {
    let home = TestHome::new();
    let mut p = wizard(&home, &[]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.exp_string("byok").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    // dialoguer hid the cursor (`ESC[?25l`); the last word on it must be "show" (`ESC[?25h`).
    assert!(
        rest.ends_with("\x1b[?25h") || rest.contains("\x1b[?25h"),
        "{rest:?}"
    );
    assert!(
        rest.rfind("\x1b[?25h") > rest.rfind("\x1b[?25l"),
        "{rest:?}"
    );
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("codexgw ended with {other:?}"),
    }
    assert!(!home.config_path().exists());
}

#[test]
fn the_url_prompt_applies_the_real_allow_http() {
    let home = TestHome::new();
    let mut p = wizard(&home, &[]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("http://coder.internal").unwrap();
    // Refused at the prompt, which asks again, rather than accepted and refused by setup.
    p.exp_string("plain http").unwrap();
    p.send_line("https://typed.example.com").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(exit_code(&mut p), 1);

    let mut p = wizard_with(&home, &[], &["--allow-http"]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("http://coder.internal").unwrap();
    p.exp_string("+base_url = \"http://coder.internal/api/v2/aibridge/openai/v1\"")
        .unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(exit_code(&mut p), 1);
}

/// A bad token typed after config.toml was written is refused at the prompt, which asks
/// again: no usage error (exit 2, which scripts read as "nothing happened") after a write.
#[test]
fn a_bad_token_typed_after_the_write_is_asked_again() {
    let home = TestHome::new();
    let mut p = wizard(&home, &[]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("https://typed.example.com").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Store one in the OS keyring now?").unwrap();
    p.send("y").unwrap();
    p.exp_string("input is hidden").unwrap();
    type_hidden(&mut p, "two words");
    p.exp_string("contains whitespace").unwrap();
    p.exp_string("input is hidden").unwrap();
    type_hidden(&mut p, "coder-token-0123456789");
    p.exp_string("stored the Coder API token").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(home.read_config().contains("typed.example.com"));
}

/// A re-run offers what config.toml holds now: Enter twice keeps the mode and the URL (over
/// a detected one), so nothing changes.
#[test]
fn a_rerun_proposes_the_configured_mode_and_url() {
    let home = TestHome::new();
    let configured = "https://coder.configured.example.com";
    home.codexgw()
        .args([
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "chatgpt",
            "--url",
            configured,
        ])
        .assert()
        .success();
    let before = home.read_config();
    let mut p = wizard(&home, &[("CODER_URL", DETECTED)]);
    p.exp_string("How should Codex pay for the model?").unwrap();
    p.send_line("").unwrap();
    p.exp_string(&format!("config.toml points Codex at {configured} now"))
        .unwrap();
    p.exp_string("Coder deployment URL").unwrap();
    p.send_line("").unwrap();
    p.exp_string("already configured").unwrap();
    p.exp_string("Store one in the OS keyring now?").unwrap();
    p.send_line("n").unwrap();
    p.exp_string("next:").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(home.read_config(), before);
}
