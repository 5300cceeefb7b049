//! `codexgw template`: golden Terraform per mode, parsed and evaluated with a real HCL2 parser.

use crate::support::{TestHome, golden};
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Block, Body, Expression, Value};

const MODES: [&str; 3] = ["centralized", "byok", "chatgpt"];

fn template(home: &TestHome, args: &[&str]) -> String {
    let out = home.codexgw().arg("template").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn show(home: &TestHome, mode: &str, url: &str) -> String {
    let out = home
        .codexgw()
        .args(["show", "--mode", mode, "--url", url, "--offline"])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn blocks<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> Vec<&'a Block> {
    body.blocks()
        .filter(|b| {
            b.identifier() == kind
                && b.labels()
                    .iter()
                    .map(|l| l.as_str())
                    .eq(labels.iter().copied())
        })
        .collect()
}

fn only_block<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> &'a Block {
    let found = blocks(body, kind, labels);
    assert_eq!(found.len(), 1, "want exactly one {kind} {labels:?}");
    found[0]
}

fn attr<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
}

/// An HCL expression, parsed the same way as the template's.
fn expr(src: &str) -> Expression {
    hcl::parse(&format!("x = {src}\n"))
        .unwrap()
        .attributes()
        .next()
        .unwrap()
        .expr()
        .clone()
}

fn trimsuffix(args: FuncArgs) -> Result<Value, String> {
    let (text, suffix) = (args[0].as_str().unwrap(), args[1].as_str().unwrap());
    Ok(Value::from(text.strip_suffix(suffix).unwrap_or(text)))
}

/// What Terraform would see inside a workspace whose deployment is at `access_url`.
fn workspace(access_url: &str) -> Context<'static> {
    let mut ctx = Context::new();
    ctx.declare_func(
        "trimsuffix",
        FuncDef::builder()
            .param(ParamType::String)
            .param(ParamType::String)
            .build(trimsuffix),
    );
    ctx.declare_var(
        "data",
        hcl::value!({
            coder_workspace = { me = { access_url = (access_url) } }
            coder_workspace_owner = { me = { session_token = "owner-token" } }
        }),
    );
    ctx
}

#[test]
fn golden_template_per_mode() {
    let home = TestHome::new();
    let mut files = Vec::new();
    for mode in MODES {
        let path = golden::path(&format!("fixtures/template/{mode}.tf"));
        golden::check(&path, &template(&home, &["--mode", mode]));
        files.push(path);
    }
    golden::no_strays(&golden::path("fixtures/template"), "tf", &files);
}

#[test]
fn every_mode_parses_as_hcl_with_the_codex_module() {
    let home = TestHome::new();
    for mode in MODES {
        let text = template(&home, &["--mode", mode]);
        let body = hcl::parse(&text).unwrap_or_else(|e| panic!("{mode}: not HCL2: {e}\n{text}"));
        let module = only_block(&body, "module", &["codex"]);
        assert_eq!(
            attr(module, "source"),
            Some(&expr("\"registry.coder.com/coder-labs/codex/coder\"")),
            "{mode}"
        );
        assert_eq!(attr(module, "version"), Some(&expr("\"~> 5.0\"")), "{mode}");
        assert_eq!(attr(module, "agent_id"), Some(&expr("coder_agent.main.id")));
        assert_eq!(
            attr(module, "workdir"),
            Some(&expr("\"/home/coder/project\""))
        );
        assert_eq!(
            attr(module, "openai_api_key"),
            None,
            "{mode}: no shared key"
        );
        let env = blocks(&body, "resource", &["coder_env", "coder_api_token"]);
        if mode == "centralized" {
            assert_eq!(attr(module, "enable_ai_gateway"), Some(&expr("true")));
            assert_eq!(attr(module, "base_config_toml"), None);
            assert!(env.is_empty(), "centralized needs no CODER_API_TOKEN");
            continue;
        }
        // The module's own gateway switch would add its centralized provider too.
        assert_eq!(attr(module, "enable_ai_gateway"), None, "{mode}");
        let env = only_block(&body, "resource", &["coder_env", "coder_api_token"]);
        assert_eq!(attr(env, "agent_id"), Some(&expr("coder_agent.main.id")));
        assert_eq!(attr(env, "name"), Some(&expr("\"CODER_API_TOKEN\"")));
        assert_eq!(
            attr(env, "value"),
            Some(&expr("data.coder_workspace_owner.me.session_token"))
        );
        assert_eq!(
            body.blocks().count(),
            2,
            "{mode}: only the env and the module"
        );
    }
}

#[test]
fn base_config_toml_is_exactly_what_show_prints() {
    let home = TestHome::new();
    for mode in ["byok", "chatgpt"] {
        let text = template(&home, &["--mode", mode]);
        let body = hcl::parse(&text).unwrap();
        let toml = attr(only_block(&body, "module", &["codex"]), "base_config_toml").unwrap();
        // Coder reports access_url with and without a trailing slash, under a path prefix too.
        for access_url in [
            "https://coder.example.com",
            "https://coder.example.com/",
            "https://example.com/coder/",
        ] {
            let rendered = toml.evaluate(&workspace(access_url)).unwrap();
            let rendered = rendered.as_str().unwrap();
            assert_eq!(
                rendered,
                show(&home, mode, access_url),
                "{mode} at {access_url}"
            );
            assert!(!rendered.contains("//api"), "{rendered}");
        }
    }
}

#[test]
fn the_comments_say_where_credentials_come_from() {
    let home = TestHome::new();
    let comments = |mode| {
        template(&home, &["--mode", mode])
            .lines()
            .filter(|l| l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let chatgpt = comments("chatgpt");
    assert!(
        chatgpt.contains("OPENAI_API_KEY must NOT be set"),
        "{chatgpt}"
    );
    assert!(chatgpt.contains("runs `codex login`"), "{chatgpt}");
    let byok = comments("byok");
    assert!(byok.contains("codex login --with-api-key"), "{byok}");
    assert!(byok.contains("does not\n# read OPENAI_API_KEY"), "{byok}");
    let centralized = comments("centralized");
    assert!(
        centralized.contains("OPENAI_CODER_AIGATEWAY_SESSION_TOKEN"),
        "{centralized}"
    );
}

#[test]
fn options_reach_the_terraform_escaped() {
    let home = TestHome::new();
    let workdir = r#"/srv/"odd" ${dir} %{x} \w"#;
    let text = template(
        &home,
        &[
            "--mode",
            "chatgpt",
            "--agent",
            "dev",
            "--workdir",
            workdir,
            "--module-version",
            ">= 5.1, < 6",
        ],
    );
    let body = hcl::parse(&text).unwrap();
    let module = only_block(&body, "module", &["codex"]);
    let ctx = workspace("https://coder.example.com");
    let value = |key| attr(module, key).unwrap().evaluate(&ctx).unwrap();
    assert_eq!(value("workdir"), Value::from(workdir));
    assert_eq!(value("version"), Value::from(">= 5.1, < 6"));
    assert_eq!(attr(module, "agent_id"), Some(&expr("coder_agent.dev.id")));
    let env = only_block(&body, "resource", &["coder_env", "coder_api_token"]);
    assert_eq!(attr(env, "agent_id"), Some(&expr("coder_agent.dev.id")));
}

#[test]
fn bad_options_are_usage_errors() {
    let home = TestHome::new();
    for args in [
        &["--mode", "byok", "--agent", "coder_agent.main\"x"][..],
        &["--mode", "byok", "--module-version", " "],
        &["--mode", "nonsense"],
        &[],
    ] {
        let out = home.codexgw().arg("template").args(args).assert().code(2);
        let out = out.get_output();
        assert!(out.stdout.is_empty(), "{args:?}: printed Terraform anyway");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
    }
}
