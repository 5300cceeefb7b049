//! Shared test support: an isolated home, the real binary, the real Codex CLI.
#![allow(dead_code)]

pub mod engine;
pub mod fake_coder;
pub mod golden;
pub mod real_codex;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temp `HOME` with a `CODEX_HOME` inside; nothing a test does reaches the real ones.
pub struct TestHome {
    pub dir: tempfile::TempDir,
    /// A keyring service name unique to this test.
    pub keyring_service: String,
}

impl TestHome {
    pub fn new() -> TestHome {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("home/.codex")).unwrap();
        let keyring_service = format!(
            "codexgw-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        TestHome {
            dir,
            keyring_service,
        }
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

/// The pinned Codex CLI that `.ci/run` installs. Under `CI=true` a missing one fails the test;
/// elsewhere the test is skipped with a printed reason.
pub fn codex_bin() -> Option<PathBuf> {
    let path = std::env::var_os("CODEXGW_CODEX_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/codex/node_modules/.bin/codex")
        });
    if path.exists() {
        return Some(path);
    }
    let reason = format!(
        "the real Codex CLI is not installed at `{}` (run `.ci/run` or `npm install --prefix .tools/codex @openai/codex@0.169.0`)",
        path.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{reason}");
    }
    eprintln!("skipped: {reason}");
    None
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

/// The Codex versions CI pins, each installed under `.tools/codex-<version>`.
pub const PINNED_CODEX_VERSIONS: [&str; 2] = ["0.169.0", "0.171.0"];

/// Every pinned Codex that is installed, with its version. Under `CI=true` a missing one fails
/// the test; elsewhere it is skipped with a printed reason (see [`codex_bin`]).
pub fn codex_versions() -> Vec<(&'static str, PathBuf)> {
    PINNED_CODEX_VERSIONS
        .iter()
        .filter_map(|version| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!(".tools/codex-{version}/node_modules/.bin/codex"));
            if path.exists() {
                return Some((*version, path));
            }
            let reason = format!(
                "Codex {version} is not installed at `{}` (run `npm install --prefix .tools/codex-{version} @openai/codex@{version}`)",
                path.display()
            );
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{reason}");
            }
            eprintln!("skipped: {reason}");
            None
        })
        .collect()
}
