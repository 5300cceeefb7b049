//! How long the commands on Codex's path take: `codexgw token print coder` (which Codex runs
//! for command-backed auth, against the real kernel keyring) and `codexgw env`, each against a
//! bare process start (`/bin/true`). Prints the median and 90th percentile wall time.
//!
//! Run with `cargo bench --bench tokens` (release build).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 200;
const URL: &str = "https://bench.example.com";
const TOKEN: &str = "abcdefghij-0123456789abcdefghijkl";

/// A temp HOME and keyring service, removed again however the bench ends.
struct Bench {
    dir: tempfile::TempDir,
    service: String,
}

impl Bench {
    fn command(&self, args: &[&str]) -> Command {
        let home = self.dir.path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codexgw"));
        cmd.args(args)
            .env_clear()
            .env("HOME", home)
            .env("CODEX_HOME", home.join(".codex"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("CODEXGW_KEYRING_SERVICE", &self.service)
            .env("SHELL", "/bin/sh")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = self
            .command(&["token", "delete", "coder", "--url", URL])
            .status();
    }
}

fn measure(name: &str, mut make: impl FnMut() -> Command, baseline: Option<Duration>) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let mut cmd = make();
            let start = Instant::now();
            let status = cmd.status().expect("run");
            let elapsed = start.elapsed();
            assert!(status.success(), "{name} failed");
            elapsed
        })
        .collect();
    times.sort();
    let median = times[RUNS / 2];
    let p90 = times[RUNS * 9 / 10];
    let over = baseline.map_or(String::new(), |b| {
        format!(
            "  (+{:.2} ms over a bare process)",
            (median.as_secs_f64() - b.as_secs_f64()) * 1e3
        )
    });
    println!(
        "{name:<40} median {:>6.2} ms  p90 {:>6.2} ms{over}",
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
    median
}

fn main() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
        service: format!("codexgw-bench-{}", std::process::id()),
    };
    std::fs::create_dir_all(bench.dir.path().join(".codex")).unwrap();
    let mut set = bench
        .command(&["token", "set", "coder", "--url", URL, "--no-verify"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("token set");
    std::io::Write::write_all(&mut set.stdin.take().unwrap(), TOKEN.as_bytes()).unwrap();
    assert!(set.wait().unwrap().success(), "token set failed");
    let setup = bench
        .command(&[
            "setup",
            "--yes",
            "--offline",
            "--mode",
            "centralized",
            "--url",
            URL,
        ])
        .status()
        .unwrap();
    assert!(setup.success(), "setup failed");

    println!("{RUNS} runs each");
    let bare = measure("/bin/true", || Command::new("/bin/true"), None);
    measure(
        "codexgw --version",
        || bench.command(&["--version"]),
        Some(bare),
    );
    measure(
        "codexgw token print coder --url URL",
        || bench.command(&["token", "print", "coder", "--url", URL]),
        Some(bare),
    );
    measure(
        "codexgw token print coder (config.toml)",
        || bench.command(&["token", "print", "coder"]),
        Some(bare),
    );
    measure("codexgw env", || bench.command(&["env"]), Some(bare));
}
