//! The setup wizard at a real (pseudo-)terminal: pick a mode with the arrow keys, accept the
//! detected URL, confirm the diff, and get the mode's block in config.toml.
#![cfg(unix)]

mod support;

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use support::TestHome;

const DETECTED: &str = "https://coder.wizard.example.com";
const DOWN: &str = "\x1b[B";

fn wizard(home: &TestHome, extra_env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codexgw"));
    cmd.args(["setup", "--offline"])
        .env_clear()
        .envs(home.env())
        .env("TERM", "xterm")
        .envs(extra_env.iter().copied())
        .current_dir(home.home());
    spawn_command(cmd, Some(15_000)).expect("start codexgw in a pty")
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
    p.send_line("").unwrap();
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
    assert_ne!(exit_code(&mut p), 0);
    assert_eq!(home.read_config(), "model = \"gpt-5\"\n");
}
