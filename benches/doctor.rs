//! `cargo bench --bench doctor`: what `codexgw doctor` costs.
//! - `doctor --offline` against a bare process start (`/bin/true`) and Codex's own
//!   `codex login status` (the newest pinned Codex in `.tools`, when installed);
//! - a full online doctor against a fake deployment that answers every request after 400 ms:
//!   the three `net.*` checks overlap, so the run takes one delay, not three.
//!
//! Prints the median and the fastest of each, in milliseconds.

#[path = "../tests/it/support/fake_coder.rs"]
mod fake_coder;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fake_coder::{FakeCoder, Options, VALID_TOKEN};

const CODEXGW: &str = env!("CARGO_BIN_EXE_codexgw");

fn command(program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("CODEX_HOME", home.join(".codex"))
        .env("OPENAI_API_KEY", VALID_TOKEN)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `make()` `runs` times after one warm-up; returns (median, fastest).
fn measure(runs: usize, mut make: impl FnMut() -> Command) -> (Duration, Duration) {
    make().status().expect("warm-up run");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            make().status().expect("run");
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn report(name: &str, (median, fastest): (Duration, Duration)) {
    println!(
        "{name:<44} median {:>8.2} ms   fastest {:>8.2} ms",
        median.as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3
    );
}

fn setup(home: &Path, url: &str) {
    let status = command(CODEXGW, home)
        .args([
            "setup",
            "--yes",
            "--mode",
            "centralized",
            "--route",
            "aibridge",
            "--offline",
            "--url",
            url,
        ])
        .status()
        .expect("codexgw setup");
    assert!(status.success(), "setup failed");
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    std::fs::create_dir_all(home.join(".codex")).unwrap();

    let fake = FakeCoder::start(Options {
        delay: Duration::from_millis(400),
        ..Options::default()
    });
    setup(home, &fake.url);

    report("/bin/true", measure(50, || command("/bin/true", home)));
    report(
        "codexgw doctor --offline (no Codex on PATH)",
        measure(50, || {
            let mut cmd = command(CODEXGW, home);
            cmd.env("PATH", "/usr/bin:/bin");
            cmd.args(["doctor", "--offline"]);
            cmd
        }),
    );
    // The newest pinned Codex, where `scripts/test` installs it.
    let newest = include_str!("../tests/codex-versions")
        .lines()
        .last()
        .unwrap_or_default();
    let codex = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!(".tools/codex-{newest}/node_modules/.bin/codex"));
    if codex.exists() {
        let launcher = codex.display().to_string();
        report(
            "codex login status (npm launcher)",
            measure(20, || {
                let mut cmd = command(&launcher, home);
                cmd.args(["login", "status"]);
                cmd
            }),
        );
        // What `codex.config` runs: the native binary the launcher would start.
        let native = codexgw::codex::installed::Codex::at(&codex).runs;
        report(
            "codex login status (native binary)",
            measure(50, || {
                let mut cmd = command(&native.display().to_string(), home);
                cmd.args(["login", "status"]);
                cmd
            }),
        );
        let bin_dir = codex.parent().unwrap().display().to_string();
        report(
            "codexgw doctor --offline (Codex on PATH)",
            measure(50, || {
                let mut cmd = command(CODEXGW, home);
                cmd.env("PATH", format!("{bin_dir}:/usr/bin:/bin"));
                cmd.args(["doctor", "--offline"]);
                cmd
            }),
        );
    } else {
        println!(
            "codex login status: skipped, no Codex at `{}`",
            codex.display()
        );
    }
    let online = measure(10, || {
        let mut cmd = command(CODEXGW, home);
        cmd.arg("doctor");
        cmd
    });
    report("codexgw doctor (online, 400 ms per answer)", online);
    let ok = command(CODEXGW, home)
        .arg("doctor")
        .status()
        .unwrap()
        .success();
    assert!(ok, "the online doctor did not pass against the fake");
    assert_eq!(
        fake.requests_to("/models").len(),
        12,
        "every online run probed the gateway"
    );
}
