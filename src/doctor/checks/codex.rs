//! `codex.config`: the installed Codex's own verdict on the config, in its own words.

use serde_json::json;

use crate::codex::installed::{INSTALL_HINT, Installation, Verdict};
use crate::doctor::facts::Facts;
use crate::doctor::{Check, Entry, LocalCheck};

pub const CONFIG: Entry<LocalCheck> = Entry::new("codex.config", codex_config_check);
const ID: &str = CONFIG.id;

fn codex_config_check(facts: &Facts) -> Check {
    match &facts.codex {
        Some(installation) => check(installation, &facts.codex_command),
        None => Check::skip(ID, "Codex was not asked"),
    }
}

/// `what`: how Codex is started, e.g. `codex -p gateway --strict-config`, for the findings.
fn check(installation: &Installation, what: &str) -> Check {
    let (codex, judgement) = match installation {
        Installation::Missing => {
            return Check::warn(
                ID,
                "Codex is not installed (no `codex` on PATH), so nothing here is vouched for by Codex itself",
                format!("install it (`{INSTALL_HINT}`) or pass `--codex-bin PATH`, then run `codexgw doctor` again"),
            )
            .evidence(json!({ "codex": null }));
        }
        Installation::NotRunnable(path) => {
            return Check::fail(
                ID,
                format!("`{}` (from --codex-bin) is not a program you can run", path.display()),
                "pass the path of the `codex` program (`command -v codex` prints it), or leave --codex-bin out to use the one on PATH",
            )
            .evidence(json!({ "codex": path.display().to_string() }));
        }
        Installation::Found { codex, judgement } => (codex, judgement),
    };
    let name = match &judgement.version {
        Some(version) => format!("Codex {version}"),
        None => "Codex (version unknown)".to_string(),
    };
    let mut evidence = json!({
        "path": codex.path.display().to_string(),
        "runs": codex.runs.display().to_string(),
        "version": judgement.version,
        "elapsed_ms": judgement.elapsed.as_millis() as u64,
    });
    let check = match &judgement.verdict {
        Verdict::Accepts => Check::pass(ID, format!("{name} loads the config as `{what}`")),
        Verdict::Refuses(refusal) => {
            evidence["refusal"] = json!(refusal);
            let place = match (&refusal.file, refusal.line, refusal.column) {
                (Some(file), Some(line), Some(column)) => {
                    format!("`{file}` at line {line}, column {column}")
                }
                _ => "the setting it names".to_string(),
            };
            Check::fail(
                ID,
                format!(
                    "{name} refuses to start `{what}`: {}",
                    refusal.message.replace('\n', " ")
                ),
                format!("edit {place} as Codex says, then run `codexgw doctor` again"),
            )
        }
        Verdict::Unknown { why } => Check::warn(
            ID,
            format!("could not ask {name} whether it loads the config: {why}"),
            format!("run `{what}` yourself to see what Codex says"),
        ),
    };
    check.evidence(evidence)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::codex::installed::{Codex, Judgement, Refusal};
    use crate::doctor::Status;

    fn found(verdict: Verdict) -> Installation {
        Installation::Found {
            codex: Codex::at(Path::new("/usr/bin/codex")),
            judgement: Judgement {
                version: Some("0.171.0".into()),
                verdict,
                elapsed: Duration::from_millis(40),
            },
        }
    }

    #[test]
    fn a_refusal_fails_with_codexs_words_and_where_to_edit() {
        let refusal = Refusal {
            message: "/h/.codex/config.toml:5:12: `wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.".into(),
            file: Some("/h/.codex/config.toml".into()),
            line: Some(5),
            column: Some(12),
        };
        let check = check(&found(Verdict::Refuses(refusal)), "codex");
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            check.summary,
            "Codex 0.171.0 refuses to start `codex`: /h/.codex/config.toml:5:12: `wire_api = \"chat\"` is no longer supported. How to fix: set `wire_api = \"responses\"` in your provider config."
        );
        assert_eq!(
            check.fix.as_deref(),
            Some(
                "edit `/h/.codex/config.toml` at line 5, column 12 as Codex says, then run `codexgw doctor` again"
            )
        );
        assert_eq!(check.evidence["refusal"]["line"], 5);
        assert_eq!(check.evidence["version"], "0.171.0");
    }

    #[test]
    fn acceptance_passes_naming_the_version_and_the_command() {
        let check = check(&found(Verdict::Accepts), "codex -p gateway");
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.summary,
            "Codex 0.171.0 loads the config as `codex -p gateway`"
        );
        assert_eq!(check.evidence["path"], "/usr/bin/codex");
    }

    #[test]
    fn no_codex_warns_with_the_install_line_and_an_unclear_answer_warns() {
        let check = check(&Installation::Missing, "codex");
        assert_eq!(check.status, Status::Warn);
        assert!(check.fix.unwrap().contains("npm install -g @openai/codex"));
        let unknown = check_unknown();
        assert_eq!(unknown.status, Status::Warn);
        assert_eq!(
            unknown.summary,
            "could not ask Codex 0.171.0 whether it loads the config: `codex` gave no answer within 5 s"
        );
        let bad = super::check(&Installation::NotRunnable("/nope/codex".into()), "codex");
        assert_eq!(bad.status, Status::Fail);
        assert!(bad.summary.starts_with("`/nope/codex` (from --codex-bin)"));
    }

    fn check_unknown() -> Check {
        check(
            &found(Verdict::Unknown {
                why: "`codex` gave no answer within 5 s".into(),
            }),
            "codex",
        )
    }
}
