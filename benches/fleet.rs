//! Wall time of the fleet commands against a bare process start. `completions` runs in shell
//! start-up files (`source <(codexgw completions bash)`), so it must cost little more than
//! `codexgw --version`. Run: `cargo bench --bench fleet`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 60;

fn median(program: &str, args: &[&str]) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(program)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run");
            let elapsed = start.elapsed();
            assert!(status.success(), "{program} {args:?} failed");
            elapsed
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_codexgw");
    let man_dir = tempfile::tempdir().unwrap();
    let man_dir = man_dir.path().to_str().unwrap().to_string();
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("bare process (/bin/true)", "/bin/true", vec![]),
        ("codexgw --version", bin, vec!["--version"]),
        ("codexgw completions bash", bin, vec!["completions", "bash"]),
        ("codexgw completions zsh", bin, vec!["completions", "zsh"]),
        ("codexgw completions fish", bin, vec!["completions", "fish"]),
        (
            "codexgw template --mode chatgpt",
            bin,
            vec!["template", "--mode", "chatgpt"],
        ),
        (
            "codexgw man --out-dir DIR",
            bin,
            vec!["man", "--out-dir", &man_dir],
        ),
    ];
    println!("median of {RUNS} runs");
    for (name, program, args) in cases {
        let t = median(program, &args);
        println!("{name:<34} {:>8.2} ms", t.as_secs_f64() * 1000.0);
    }
}
