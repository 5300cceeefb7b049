//! `codexgw template`: golden Terraform per mode, parsed and evaluated with a real HCL2 parser.

use crate::support::{TestHome, golden};
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Block, Body, Expression, Value};

const MODES: [&str; 3] = ["centralized", "byok", "chatgpt"];

/// Every golden template: its file name under `fixtures/template/` and the arguments.
const GOLDENS: [(&str, &[&str]); 6] = [
    ("centralized", &["--mode", "centralized"]),
    ("byok", &["--mode", "byok"]),
    ("chatgpt", &["--mode", "chatgpt"]),
    (
        "centralized-module-4",
        &["--mode", "centralized", "--module-version", "~> 4.1"],
    ),
    (
        "centralized-standalone",
        &["--mode", "centralized", "--gateway-url", STANDALONE],
    ),
    (
        "chatgpt-standalone",
        &["--mode", "chatgpt", "--gateway-url", STANDALONE],
    ),
];

const STANDALONE: &str = "https://ai-gateway.example.com";

/// The trust entry the module writes only into its own default config.
const TRUST: &str = "\n[projects.\"/home/coder/project\"]\ntrust_level = \"trusted\"\n";

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
fn golden_templates() {
    let home = TestHome::new();
    let mut files = Vec::new();
    for (name, args) in GOLDENS {
        let path = golden::path(&format!("fixtures/template/{name}.tf"));
        golden::check(&path, &template(&home, args));
        files.push(path);
    }
    golden::no_strays(&golden::path("fixtures/template"), "tf", &files);
}

/// `terraform fmt -check` accepts every golden template as it is: pasted into a template it
/// stays as printed.
#[test]
#[cfg_attr(not(has_terraform), ignore = "needs terraform on PATH")]
fn golden_templates_are_terraform_fmt_clean() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in GOLDENS {
        let golden = golden::path(&format!("fixtures/template/{name}.tf"));
        std::fs::copy(&golden, dir.path().join(format!("{name}.tf"))).unwrap();
    }
    let out = std::process::Command::new("terraform")
        .args(["fmt", "-check", "-diff", "-no-color", "."])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform fmt would change:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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
fn base_config_toml_is_what_show_prints_and_the_workdir_trust() {
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
                format!("{}{TRUST}", show(&home, mode, access_url)),
                "{mode} at {access_url}"
            );
            let toml: toml_edit::DocumentMut = rendered.parse().unwrap();
            assert_eq!(
                toml["projects"]["/home/coder/project"]["trust_level"].as_str(),
                Some("trusted")
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

#[test]
fn module_4_gets_its_own_switch_and_mixed_majors_are_refused() {
    let home = TestHome::new();
    let text = template(
        &home,
        &["--mode", "centralized", "--module-version", "~> 4.1"],
    );
    let body = hcl::parse(&text).unwrap();
    let module = only_block(&body, "module", &["codex"]);
    assert_eq!(attr(module, "enable_aibridge"), Some(&expr("true")));
    assert_eq!(attr(module, "enable_ai_gateway"), None);
    assert!(text.contains("CODER_AIBRIDGE_SESSION_TOKEN"), "{text}");
    assert!(text.contains("--provider-id aibridge"), "{text}");

    // 5.0 to 5.2.0 set the old variable name.
    let text = template(
        &home,
        &[
            "--mode",
            "centralized",
            "--module-version",
            ">= 5.0, < 5.2.1",
        ],
    );
    assert!(
        text.contains("\n# CODER_AIBRIDGE_SESSION_TOKEN.\n"),
        "{text}"
    );
    assert!(!text.contains("OPENAI_CODER_AIGATEWAY"), "{text}");

    for (version, says) in [
        ("~> 4.0", "before 4.1, which have no AI Gateway switch"),
        (
            ">= 4.1, < 6",
            "4.x (`enable_aibridge`) and 5.x (`enable_ai_gateway`)",
        ),
        (">= 5.0", "6.0 or later"),
        ("~> 2.0", "no `workdir` variable"),
    ] {
        let out = home
            .codexgw()
            .args([
                "template",
                "--mode",
                "centralized",
                "--module-version",
                version,
            ])
            .assert()
            .code(2);
        let out = out.get_output();
        assert!(out.stdout.is_empty(), "{version}: printed Terraform anyway");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{version}: {stderr}");
        assert!(stderr.contains("help: "), "{version}: {stderr}");
    }
    // byok and chatgpt use only `workdir` and `base_config_toml`, which 3.x to 5.x share.
    let text = template(
        &home,
        &["--mode", "byok", "--module-version", ">= 4.0, < 6"],
    );
    let body = hcl::parse(&text).unwrap();
    let module = only_block(&body, "module", &["codex"]);
    assert!(attr(module, "base_config_toml").is_some());
}

#[test]
fn an_agent_id_expression_is_used_as_it_is() {
    let home = TestHome::new();
    for (agent, want) in [
        ("module.workspace.agent_id", "module.workspace.agent_id"),
        ("coder_agent.dev.id", "coder_agent.dev.id"),
        ("coder_agent.dev", "coder_agent.dev.id"),
        ("var.agent_id", "var.agent_id"),
    ] {
        let text = template(&home, &["--mode", "byok", "--agent", agent]);
        let body = hcl::parse(&text).unwrap();
        let module = only_block(&body, "module", &["codex"]);
        assert_eq!(attr(module, "agent_id"), Some(&expr(want)), "{agent}");
        let env = only_block(&body, "resource", &["coder_env", "coder_api_token"]);
        assert_eq!(attr(env, "agent_id"), Some(&expr(want)), "{agent}");
    }
}

#[test]
fn a_relative_workdir_is_refused() {
    let home = TestHome::new();
    for workdir in ["project", "./project", "~/project"] {
        let out = home
            .codexgw()
            .args(["template", "--mode", "chatgpt", "--workdir", workdir])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("`--workdir {workdir}` is not an absolute path")),
            "{stderr}"
        );
        assert!(stderr.contains("--workdir /home/coder/project"), "{stderr}");
    }
}

#[test]
fn a_standalone_gateway_is_the_base_url_in_every_mode() {
    let home = TestHome::new();
    for mode in MODES {
        let text = template(
            &home,
            &[
                "--mode",
                mode,
                "--gateway-url",
                &format!("{STANDALONE}/openai/v1"),
            ],
        );
        let body = hcl::parse(&text).unwrap();
        let module = only_block(&body, "module", &["codex"]);
        assert_eq!(attr(module, "enable_ai_gateway"), None, "{mode}");
        let toml = attr(module, "base_config_toml")
            .unwrap()
            .evaluate(&workspace("https://coder.example.com"))
            .unwrap();
        let toml: toml_edit::DocumentMut = toml.as_str().unwrap().parse().unwrap();
        let provider = if mode == "chatgpt" {
            "chatgpt"
        } else {
            "openai"
        };
        assert_eq!(
            toml["model_providers"]["ai_gateway"]["base_url"].as_str(),
            Some(format!("{STANDALONE}/{provider}/v1").as_str()),
            "{mode}"
        );
        let env = only_block(&body, "resource", &["coder_env", "coder_api_token"]);
        assert_eq!(attr(env, "name"), Some(&expr("\"CODER_API_TOKEN\"")));
        if mode == "centralized" {
            assert_eq!(
                toml["model_providers"]["ai_gateway"]["env_key"].as_str(),
                Some("CODER_API_TOKEN")
            );
        }
    }
    let out = home
        .codexgw()
        .args([
            "template",
            "--mode",
            "byok",
            "--gateway-url",
            "http://gw.internal",
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("plain http"), "{stderr}");
    template(
        &home,
        &[
            "--mode",
            "byok",
            "--gateway-url",
            "http://gw.internal",
            "--allow-http",
        ],
    );
}

/// A template cannot ask the relay: `--websockets on` puts `supports_websockets = true` in the
/// block (what `show --websockets on` prints), the default leaves it out, and a centralized
/// template, whose provider is the module's own, refuses it.
#[test]
fn websockets_on_is_written_into_codexgws_block_only() {
    let home = TestHome::new();
    let text = template(&home, &["--mode", "byok", "--websockets", "on"]);
    let body = hcl::parse(&text).unwrap();
    let toml = attr(only_block(&body, "module", &["codex"]), "base_config_toml").unwrap();
    let rendered = toml
        .evaluate(&workspace("https://coder.example.com"))
        .unwrap();
    let rendered = rendered.as_str().unwrap();
    let shown = home
        .codexgw()
        .args(["show", "--mode", "byok", "--offline", "--websockets", "on"])
        .args(["--url", "https://coder.example.com"])
        .assert()
        .success();
    let shown = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    assert_eq!(rendered, format!("{shown}{TRUST}"));
    assert!(
        rendered.contains("supports_websockets = true\n"),
        "{rendered}"
    );
    assert!(
        text.contains("# The block from `codexgw show --mode byok --websockets on`"),
        "{text}"
    );
    for args in [
        &["--mode", "byok"][..],
        &["--mode", "chatgpt", "--websockets", "off"],
    ] {
        assert!(
            !template(&home, args).contains("supports_websockets"),
            "{args:?}"
        );
    }
    let out = home
        .codexgw()
        .args(["template", "--mode", "centralized", "--websockets", "on"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("`--websockets on` needs the provider block codexgw writes"),
        "{stderr}"
    );
    assert!(stderr.contains("--gateway-url"), "{stderr}");
    assert!(
        template(
            &home,
            &[
                "--mode",
                "centralized",
                "--gateway-url",
                STANDALONE,
                "--websockets",
                "on"
            ]
        )
        .contains("supports_websockets = true")
    );
}
