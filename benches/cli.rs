//! `cargo bench --bench cli`: how long the binary takes on a 1 MiB config.toml, and how much of
//! that is process start-up. Prints a table of medians; nothing here asserts a time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codexgw::coder::deployment::{Deployment, Route};
use codexgw::codex::mode::{Mode, ProviderSpec, TokenSource, Websockets};
use codexgw::setup::plan::{FileState, plan_setup};

const BIN: &str = env!("CARGO_BIN_EXE_codexgw");
const TARGET_BYTES: usize = 1 << 20;

#[path = "support/big_config.rs"]
mod big_config;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_runs(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache and the binary
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn run_quiet(cmd: &mut Command) {
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the program");
    assert!(status.success(), "{cmd:?} failed");
}

fn codexgw(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1");
    cmd
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 1 } else { 21 };
    let dir = tempfile::tempdir().unwrap();
    let codex_home: PathBuf = dir.path().join(".codex");
    std::fs::create_dir_all(&codex_home).unwrap();
    let config = big_config::big_config(TARGET_BYTES);
    std::fs::write(codex_home.join("config.toml"), &config).unwrap();

    let dry_run = time_runs(runs, || {
        run_quiet(
            codexgw(dir.path())
                .arg("--codex-home")
                .arg(&codex_home)
                .args([
                    "setup",
                    "--dry-run",
                    "--offline",
                    "--mode",
                    "centralized",
                    "--url",
                    "https://coder.example.com",
                ]),
        )
    });
    let spec = ProviderSpec {
        id: "ai_gateway".into(),
        mode: Mode::Centralized,
        deployment: Deployment::parse("https://coder.example.com", false)
            .unwrap()
            .deployment,
        route: Route::Aibridge,
        gateway: None,
        token_source: TokenSource::Env("OPENAI_API_KEY".into()),
        websockets: Websockets::Leave,
    };
    let engine = time_runs(runs, || {
        let state = FileState {
            path: codex_home.join("config.toml"),
            before: Some(config.clone()),
        };
        let plan = plan_setup(&spec, state, None).unwrap();
        assert_eq!(plan.changes.len(), 1);
    });
    let plan = plan_setup(
        &spec,
        FileState {
            path: codex_home.join("config.toml"),
            before: Some(config.clone()),
        },
        None,
    )
    .unwrap();
    let diff = time_runs(runs, || {
        assert!(!codexgw::setup::diff::unified(&plan.changes[0]).is_empty());
    });
    // Doctor reads the same file with positions (inspect.rs): a per-table cost there once made
    // this quadratic, so it is measured on the same 1 MiB.
    let doctor = time_runs(runs, || {
        let _ = codexgw(dir.path())
            .arg("--codex-home")
            .arg(&codex_home)
            .args(["doctor", "--offline"])
            .output()
            .expect("run doctor");
    });
    let version = time_runs(runs, || run_quiet(codexgw(dir.path()).arg("--version")));
    let bare = time_runs(runs, || run_quiet(&mut Command::new("/bin/true")));

    let ms = |d: Duration| format!("{:>8.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "codexgw benchmark (median of {runs} runs, config {:.2} MiB)",
        config.len() as f64 / f64::from(1 << 20)
    );
    println!(
        "{:<52}{}",
        "setup --dry-run on the 1 MiB config (target 150 ms)",
        ms(dry_run)
    );
    println!(
        "{:<52}{}",
        "  of which plan_setup in-process (parse+edit+render)",
        ms(engine)
    );
    println!("{:<52}{}", "  of which the unified diff", ms(diff));
    println!(
        "{:<52}{}",
        "doctor --offline on the 1 MiB config",
        ms(doctor)
    );
    println!("{:<52}{}", "codexgw --version", ms(version));
    println!("{:<52}{}", "/bin/true (bare process start)", ms(bare));
}
