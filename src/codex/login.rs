//! Logging Codex in: `codex login --with-api-key`, fed the key on stdin.

use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

use anyhow::Context as _;

use crate::codex::home::CodexHome;
use crate::error;
use crate::secrets::Secret;

/// Runs `codex login --with-api-key` for `home`. The key goes over stdin, never the command
/// line, and is blanked out of whatever Codex says back.
pub fn login_with_api_key(codex: &Path, home: &CodexHome, key: &Secret) -> anyhow::Result<()> {
    let mut child = std::process::Command::new(codex)
        .args(["login", "--with-api-key"])
        .env("CODEX_HOME", home.dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{}`", codex.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    match stdin.write_all(key.expose().as_bytes()) {
        // A program that quit without reading: its exit status below says why.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.context("cannot hand the key to `codex login`")?,
    }
    drop(stdin);
    let output = child
        .wait_with_output()
        .context("`codex login` did not finish")?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr).replace(key.expose(), "<key>");
    Err(error::failure(
        format!(
            "`codex login --with-api-key` failed ({}): {}",
            output.status,
            said.trim()
        ),
        "run `printenv OPENAI_API_KEY | codex login --with-api-key` yourself",
    ))
}
