//! Setup checks the URL it is given before writing it, and `show` resolves it the same way:
//! a host that is not Coder is refused, a page of Coder's web UI becomes the deployment root,
//! one that does not answer is written with a warning (refused with `--strict`), and
//! `--offline` asks nothing. Plus the input defects found by trying it as a new user.
#![cfg(unix)]

use crate::cli_setup::{Run, assert_contains, run};
use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options};

fn setup(home: &TestHome, url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["setup", "--mode", "centralized", "--url", url, "--yes"];
    args.extend_from_slice(extra);
    run(home, &args, &[])
}

/// A loopback address where nothing listens.
pub(crate) fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

/// The deepest nesting of parentheses on any line.
fn paren_depth(text: &str) -> usize {
    text.lines()
        .map(|line| {
            let (mut depth, mut max) = (0usize, 0usize);
            for c in line.chars() {
                match c {
                    '(' => {
                        depth += 1;
                        max = max.max(depth);
                    }
                    ')' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            max
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn a_host_that_is_not_coder_is_refused_by_setup_and_show() {
    let fake = FakeCoder::start(Options {
        garbage_buildinfo: true,
        ..Options::default()
    });
    let home = TestHome::new();
    let out = setup(&home, &fake.url, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        &format!(
            "error: `{}` answers, but not as a Coder deployment",
            fake.url
        ),
    );
    assert_contains(&out.stderr, "answered HTTP 200 with `text/plain`");
    assert_contains(
        &out.stderr,
        "\nhelp: use the address you open Coder at in the browser, e.g. `https://coder.example.com`\nhelp: or pass `--offline` to use it without asking\n",
    );
    assert!(!home.config_path().exists(), "setup wrote a non-Coder URL");

    let out = run(
        &home,
        &["show", "--mode", "centralized", "--url", &fake.url],
        &[],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_contains(&out.stderr, "not as a Coder deployment");

    // `--offline` asks nothing and writes it.
    let before = fake.requests().len();
    let out = setup(&home, &fake.url, &["--offline"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fake.requests().len(),
        before,
        "--offline contacted the host"
    );
    assert_contains(&out.stderr, "--offline: the deployment was not asked");
}

#[test]
fn a_page_of_the_web_ui_becomes_the_deployment_root() {
    let fake = FakeCoder::start(Options::default());
    for page in [
        "/workspaces",
        "/@alice/dev",
        "/@alice/dev.main/apps/code-server/",
    ] {
        let home = TestHome::new();
        let url = format!("{}{page}", fake.url);
        let out = setup(&home, &url, &[]);
        assert_eq!(out.code, 0, "{page}: {}", out.stderr);
        assert_contains(
            &home.read_config(),
            &format!("base_url = \"{}/api/v2/ai-gateway/openai/v1\"", fake.url),
        );
        assert_contains(
            &out.stderr,
            &format!(
                "`{}` is a page of Coder's web UI; using the deployment root `{}`",
                url.trim_end_matches('/'),
                fake.url
            ),
        );
    }
}

#[test]
fn an_unreachable_deployment_is_written_with_a_warning_or_refused_with_strict() {
    let url = closed_port();
    let home = TestHome::new();
    let out = setup(&home, &url, &["--strict"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        &format!("error: `{url}` does not answer: cannot connect"),
    );
    assert!(!home.config_path().exists(), "--strict wrote the file");

    let out = setup(&home, &url, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        &format!("warning: `{url}` does not answer (cannot connect"),
    );
    assert_contains(&out.stderr, "run `codexgw doctor` once it is reachable");
    assert_contains(
        &home.read_config(),
        &format!("{url}/api/v2/aibridge/openai/v1"),
    );
    // The route line used to nest parentheses four deep.
    assert!(paren_depth(&out.stderr) <= 1, "{}", out.stderr);

    let hung = FakeCoder::start(Options {
        hang: true,
        ..Options::default()
    });
    let home = TestHome::new();
    let out = setup(&home, &hung.url, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "does not answer (no answer in time");
}

#[test]
fn show_resolves_the_route_as_setup_does() {
    let new = FakeCoder::start(Options::default());
    let old = FakeCoder::start(Options {
        version: "v2.34.9".into(),
        ..Options::default()
    });
    for (fake, route) in [(&new, "ai-gateway"), (&old, "aibridge")] {
        let home = TestHome::new();
        let show = run(&home, &["show", "--mode", "byok", "--url", &fake.url], &[]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        assert_contains(
            &show.stdout,
            &format!("/api/v2/{route}/byok/v1").replace("byok", "openai"),
        );
        let out = run(
            &home,
            &["setup", "--mode", "byok", "--url", &fake.url, "--yes"],
            &[],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(show.stdout, home.read_config(), "show and setup differ");
    }
    let home = TestHome::new();
    let before = new.requests().len();
    let show = run(
        &home,
        &["show", "--mode", "byok", "--url", &new.url, "--offline"],
        &[],
    );
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert_contains(&show.stdout, "/api/v2/aibridge/openai/v1");
    assert_eq!(
        new.requests().len(),
        before,
        "show --offline asked the deployment"
    );
}

#[test]
fn a_scheme_without_its_colon_is_refused_with_the_right_address() {
    let home = TestHome::new();
    let out = setup(&home, "https//coder.example.com", &["--offline"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: `https//coder.example.com` is not a usable Coder URL: the `:` after `https` is missing\nhelp: use `https://coder.example.com`\n"
    );
    assert!(!home.config_path().exists());
}

#[test]
fn mode_and_route_names_ignore_case() {
    let home = TestHome::new();
    let out = run(
        &home,
        &[
            "setup",
            "--mode",
            "BYOK",
            "--route",
            "AI-Gateway",
            "--url",
            "https://coder.example.com",
            "--offline",
            "--yes",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = home.read_config();
    assert_contains(&config, "requires_openai_auth = true");
    assert_contains(
        &config,
        "https://coder.example.com/api/v2/ai-gateway/openai/v1",
    );
}
