//! Driving the real Codex CLI in a `TestHome`: every pinned version, one `codex exec` turn, an
//! API-key login, and a synthetic ChatGPT login as Codex stores it.
//!
//! Tests that run Codex carry
//! `#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]`.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::TestHome;

/// The byok key the tests log Codex in with.
pub const OPENAI_KEY: &str = "sk-test-byok-key-0000";
/// The access token and account in the synthetic ChatGPT login.
pub const CHATGPT_ACCESS_TOKEN: &str = "chatgpt-access-token-xyz";
pub const CHATGPT_ACCOUNT_ID: &str = "acct-123";

/// The Codex versions the suite pins (`tests/codex-versions`, shared with build.rs and
/// `scripts/test`).
const PINNED: &str = include_str!("../../codex-versions");

/// Each Codex to test against and its label: every pinned version from `.tools/codex-<version>`
/// (where `scripts/test` installs them), or only `$CODEXGW_CODEX_BIN` when that is set. A missing
/// one panics: build.rs has already ignored these tests when Codex is absent outside CI.
pub fn versions() -> Vec<(String, PathBuf)> {
    if let Some(bin) = std::env::var_os("CODEXGW_CODEX_BIN") {
        let bin = PathBuf::from(bin);
        assert!(
            bin.is_file(),
            "`$CODEXGW_CODEX_BIN` (`{}`) is no file",
            bin.display()
        );
        return vec![("$CODEXGW_CODEX_BIN".to_string(), bin)];
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools");
    PINNED
        .lines()
        .filter(|v| !v.is_empty())
        .map(|version| {
            let bin = tools.join(format!("codex-{version}/node_modules/.bin"));
            let path = [bin.join("codex"), bin.join("codex.cmd")]
                .into_iter()
                .find(|p| p.exists())
                .unwrap_or_else(|| {
                    panic!(
                        "the real Codex {version} is not installed in `{}`: run `scripts/test`",
                        bin.display()
                    )
                });
            (version.to_string(), path)
        })
        .collect()
}

/// Runs `test` once per Codex of [`versions`]; a failure names the version it failed with.
pub fn each_codex(test: impl Fn(&Path)) {
    for (version, codex) in versions() {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| test(&codex))) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied());
            match message {
                Some(message) => panic!("with Codex {version} (`{}`): {message}", codex.display()),
                None => resume_unwind(panic),
            }
        }
    }
}

/// One `codex exec --strict-config` turn in `home`, with `extra_env` on top of its isolated env.
pub fn run_codex(home: &TestHome, codex: &Path, extra_env: &[(&str, &str)]) -> Output {
    run_codex_with(home, codex, &[], extra_env)
}

/// `codex exec <exec_args> …`, e.g. `-p NAME` to layer a profile file.
pub fn run_codex_with(
    home: &TestHome,
    codex: &Path,
    exec_args: &[&str],
    extra_env: &[(&str, &str)],
) -> Output {
    exec_command(home, codex, exec_args)
        .envs(extra_env.iter().copied())
        .output()
        .expect("run codex")
}

/// The `codex exec` one-turn command in `home` (isolated env, no stdin), to run or spawn.
pub fn exec_command(home: &TestHome, codex: &Path, exec_args: &[&str]) -> Command {
    let mut command = Command::new(codex);
    command
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
        .current_dir(home.home())
        .stdin(Stdio::null());
    command
}

/// `printf KEY | codex login --with-api-key`, asserting it worked.
pub fn login_with_api_key(home: &TestHome, codex: &Path, key: &str) {
    let login = Command::new(codex)
        .args(["login", "--with-api-key"])
        .env_clear()
        .envs(home.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(key.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
}

/// A ChatGPT login as Codex stores it, with a syntactically valid (unsigned) id token.
pub fn write_chatgpt_login(home: &TestHome) {
    let now = humantime::format_rfc3339(std::time::SystemTime::now()).to_string();
    write_chatgpt_login_at(&home.codex_home(), "plus", &now);
}

/// A ChatGPT login in `codex_home/auth.json` for a `plan` (`plus`, `business`, …), last
/// refreshed at `last_refresh` (RFC 3339).
pub fn write_chatgpt_login_at(codex_home: &Path, plan: &str, last_refresh: &str) {
    let b64 = base64_url;
    let claims = format!(
        r#"{{"email":"alice@example.com","https://api.openai.com/auth":{{"chatgpt_plan_type":"{plan}","chatgpt_account_id":"{CHATGPT_ACCOUNT_ID}"}}}}"#
    );
    let jwt = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&claims)
    );
    let auth = format!(
        r#"{{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{{"id_token":"{jwt}","access_token":"{CHATGPT_ACCESS_TOKEN}","refresh_token":"rt-1","account_id":"{CHATGPT_ACCOUNT_ID}"}},"last_refresh":"{last_refresh}"}}"#
    );
    std::fs::write(codex_home.join("auth.json"), auth).unwrap();
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
