//! Shared test support: an isolated home, the real binary, the real Codex CLI.
//!
//! A test that drives a program the machine may lack carries
//! `#[cfg_attr(not(has_<program>), ignore = "<what it needs and how to get it>")]`: build.rs sets
//! the cfg when the program is there (always under `CI=true`, where a missing one then fails), so
//! a plain `cargo test` lists the test as `ignored, <reason>` instead of passing it.
#![allow(dead_code)]

pub mod engine;
pub mod fake_coder;
pub mod golden;
pub mod proxy;
pub mod real_codex;
pub mod tls;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `codexgw setup` for centralized mode at `https://coder.example.com`, without asking and
/// without the network: the arguments many tests start from.
pub const SETUP_CENTRALIZED: [&str; 7] = [
    "setup",
    "--yes",
    "--offline",
    "--mode",
    "centralized",
    "--url",
    "https://coder.example.com",
];

/// A temp `HOME` with a `CODEX_HOME` inside; nothing a test does reaches the real ones.
/// Secrets go to a file next to `HOME` (`CODEXGW_SECRET_STORE`), never to the user's keyring,
/// and every process the test starts shares it; [`TestHome::with_os_keyring`] is for the tests
/// of the keyring itself.
pub struct TestHome {
    pub dir: tempfile::TempDir,
    /// `CODEXGW_SECRET_STORE` for this home.
    secret_store: String,
    /// A keyring service name unique to this test.
    pub keyring_service: String,
}

impl TestHome {
    pub fn new() -> TestHome {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("home/.codex")).unwrap();
        // Outside HOME: tests assert that no file under HOME holds a token.
        let secret_store = format!("file:{}", dir.path().join("secrets.toml").display());
        let keyring_service = format!(
            "codexgw-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        TestHome {
            dir,
            secret_store,
            keyring_service,
        }
    }

    /// A home whose secrets go to the real OS keyring, under [`TestHome::keyring_service`];
    /// pair it with a [`KeyringCleanup`].
    pub fn with_os_keyring() -> TestHome {
        TestHome {
            secret_store: "keyring".into(),
            ..TestHome::new()
        }
    }

    /// How codexgw names this home's secret file in messages.
    pub fn secret_store_name(&self) -> String {
        let path = self.secret_store.strip_prefix("file:");
        format!(
            "the plain-text file `{}`",
            path.expect("a home with a file store")
        )
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn codex_home(&self) -> PathBuf {
        self.home().join(".codex")
    }

    pub fn config_path(&self) -> PathBuf {
        self.codex_home().join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn read_config(&self) -> String {
        std::fs::read_to_string(self.config_path()).unwrap()
    }

    /// The environment every spawned program gets: nothing of the developer's.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), self.home().display().to_string()),
            ("CODEX_HOME".into(), self.codex_home().display().to_string()),
            (
                "XDG_CONFIG_HOME".into(),
                self.home().join(".config").display().to_string(),
            ),
            ("CODEXGW_SECRET_STORE".into(), self.secret_store.clone()),
            (
                "CODEXGW_KEYRING_SERVICE".into(),
                self.keyring_service.clone(),
            ),
            ("NO_COLOR".into(), "1".into()),
        ]
    }

    /// The real codexgw binary in this home.
    pub fn codexgw(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("codexgw").expect("built binary");
        cmd.env_clear().envs(self.env()).current_dir(self.home());
        cmd
    }
}

/// Deletes what a test stored in the real keyring (under its unique service name) when it goes
/// out of scope, also when the test panics.
pub struct KeyringCleanup<'a> {
    home: &'a TestHome,
    urls: Vec<String>,
}

impl<'a> KeyringCleanup<'a> {
    pub fn new(home: &'a TestHome, urls: &[&str]) -> KeyringCleanup<'a> {
        KeyringCleanup {
            home,
            urls: urls.iter().map(|u| u.to_string()).collect(),
        }
    }
}

impl Drop for KeyringCleanup<'_> {
    fn drop(&mut self) {
        for url in &self.urls {
            for kind in ["coder", "openai"] {
                let _ = self
                    .home
                    .codexgw()
                    .args(["token", "delete", kind, "--url", url])
                    .output();
            }
        }
    }
}

/// Puts a program in a process group of its own, so [`kill_group`] ends it with its children:
/// the npm `codex` launcher starts the native binary as a child, and a timed-out run must not
/// leave that child retrying in the background.
pub fn own_process_group(command: &mut std::process::Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
}

/// Kills a child started with [`own_process_group`] and everything it started, then reaps it.
pub fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}
