//! Doctor's two renderings: aligned lines for a person, one JSON object for tools.

use super::{Report, Status};

const ID_WIDTH: usize = 19;

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }

    fn color(self) -> &'static str {
        match self {
            Status::Pass => "\x1b[32m",
            Status::Warn => "\x1b[33m",
            Status::Fail => "\x1b[1;31m",
            Status::Skip => "\x1b[2m",
        }
    }
}

/// One line per check, an indented `fix:` under each warning and failure, then a tally.
pub fn human(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let indent = " ".repeat(6);
    for check in &report.checks {
        let label = format!("{:<4}", check.status.label());
        let label = if color {
            format!("{}{label}\x1b[0m", check.status.color())
        } else {
            label
        };
        out.push_str(&format!(
            "{label}  {:<ID_WIDTH$}  {}\n",
            check.id, check.summary
        ));
        if let (Status::Warn | Status::Fail, Some(fix)) = (check.status, &check.fix) {
            for (i, line) in fix.lines().enumerate() {
                let lead = if i == 0 { "fix: " } else { "     " };
                out.push_str(&format!("{indent}{lead}{line}\n"));
            }
        }
    }
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    let mode = report.mode.map_or("no gateway mode", |m| m.name());
    out.push_str(&format!(
        "\n{} failed, {} warning{}, {} ok, {} skipped ({mode}; {})\n",
        count(Status::Fail),
        count(Status::Warn),
        if count(Status::Warn) == 1 { "" } else { "s" },
        count(Status::Pass),
        count(Status::Skip),
        report.config_path
    ));
    out
}

pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the report is plain data");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codex::mode::Mode;
    use crate::doctor::Check;

    fn report() -> Report {
        Report {
            schema_version: crate::doctor::SCHEMA_VERSION,
            codexgw_version: "0.1.0",
            codex: Some(crate::doctor::CodexIdentity {
                path: "/usr/bin/codex".into(),
                version: Some("0.171.0".into()),
            }),
            os: "linux",
            arch: "x86_64",
            ok: false,
            mode: Some(Mode::Chatgpt),
            config_path: "/h/.codex/config.toml".into(),
            deployment: Some("https://coder.example.com".into()),
            checks: vec![
                Check::pass("config.file", "`/h/.codex/config.toml` parses"),
                Check::fail(
                    "env.openai_api_key",
                    "$OPENAI_API_KEY is set",
                    "delete it\nthen unset it",
                ),
                Check::warn("codex.login", "keyring", "`codex login status`"),
                Check::skip("net.auth", "skipped: --offline"),
            ],
        }
    }

    #[test]
    fn human_lines_align_and_carry_fixes() {
        assert_eq!(
            human(&report(), false),
            "ok    config.file          `/h/.codex/config.toml` parses\n\
             FAIL  env.openai_api_key   $OPENAI_API_KEY is set\n      fix: delete it\n           then unset it\n\
             warn  codex.login          keyring\n      fix: `codex login status`\n\
             skip  net.auth             skipped: --offline\n\
             \n1 failed, 1 warning, 1 ok, 1 skipped (chatgpt; /h/.codex/config.toml)\n"
        );
        assert!(human(&report(), true).contains("\x1b[1;31mFAIL\x1b[0m  env.openai_api_key"));
    }

    #[test]
    fn json_is_the_documented_object() {
        let value: serde_json::Value = serde_json::from_str(&json(&report())).unwrap();
        assert_eq!(value["ok"], false);
        assert_eq!(value["mode"], "chatgpt");
        assert_eq!(value["deployment"], "https://coder.example.com");
        assert_eq!(value["checks"][1]["status"], "fail");
        assert_eq!(value["checks"][1]["fix"], "delete it\nthen unset it");
        assert_eq!(value["checks"][0]["fix"], serde_json::Value::Null);
        assert_eq!(value["checks"][3]["evidence"], serde_json::json!({}));
        assert_eq!(value["schema_version"], 1);
        assert_eq!(value["codexgw_version"], "0.1.0");
        assert_eq!(
            value["codex"],
            serde_json::json!({"path": "/usr/bin/codex", "version": "0.171.0"})
        );
        assert_eq!(
            (&value["os"], &value["arch"]),
            (&"linux".into(), &"x86_64".into())
        );
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "arch",
                "checks",
                "codex",
                "codexgw_version",
                "config_path",
                "deployment",
                "mode",
                "ok",
                "os",
                "schema_version"
            ]
        );
    }
}
