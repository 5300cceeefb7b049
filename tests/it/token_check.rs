//! A Coder token is checked before it is stored whenever the deployment answers: by
//! `token set` and by setup's `--store-token`; `--no-verify` skips the check, `--verify`
//! refuses to store what could not be checked.
#![cfg(unix)]

use crate::cli_setup::{Run, assert_contains, run};
use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};

const WRONG: &str = "wrongwrong-0123456789abcdefghijkl";

fn token_set(home: &TestHome, url: &str, token: &str, extra: &[&str]) -> Run {
    let out = home
        .codexgw()
        .args(["token", "set", "coder", "--stdin", "--url", url])
        .args(extra)
        .write_stdin(token)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn stored(home: &TestHome, url: &str) -> bool {
    home.codexgw()
        .args(["token", "print", "coder", "--url", url])
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn token_set_checks_the_token_when_the_deployment_answers() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    let out = token_set(&home, &fake.url, WRONG, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(&out.stderr, "rejected the token");
    assert_contains(
        &out.stderr,
        "pass `--no-verify` to store the token unchecked",
    );
    assert!(!out.stderr.contains(WRONG), "the token leaked");
    assert!(!stored(&home, &fake.url), "a rejected token was stored");

    let out = token_set(&home, &fake.url, VALID_TOKEN, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "accepts the token (signed in as alice)");
    assert!(stored(&home, &fake.url));

    let before = fake.requests().len();
    let out = token_set(&home, &fake.url, WRONG, &["--no-verify"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fake.requests().len(),
        before,
        "--no-verify asked the deployment"
    );
}

#[test]
fn an_unreachable_deployment_stores_unchecked_unless_verify() {
    let closed = crate::setup_checks_url::closed_port();
    let home = TestHome::new();
    let out = token_set(&home, &closed, VALID_TOKEN, &["--verify"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!stored(&home, &closed));
    let out = token_set(&home, &closed, VALID_TOKEN, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "does not answer");
    assert_contains(&out.stderr, "storing the token unchecked");
    assert!(stored(&home, &closed));
}

#[test]
fn setup_checks_a_token_to_store_before_writing() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    let args = [
        "setup",
        "--mode",
        "centralized",
        "--url",
        &fake.url,
        "--yes",
        "--store-token",
    ];
    let out = run(&home, &args, &[("CODER_API_TOKEN", WRONG)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(&out.stderr, "rejected the token");
    assert_contains(&out.stderr, "help: nothing was written");
    assert!(
        !home.config_path().exists(),
        "setup wrote before the token was checked"
    );

    let out = run(&home, &args, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "accepts the token");
    assert!(stored(&home, &fake.url));

    let home = TestHome::new();
    let mut unchecked = args.to_vec();
    unchecked.push("--no-verify");
    let out = run(&home, &unchecked, &[("CODER_API_TOKEN", WRONG)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(stored(&home, &fake.url));
}
