//! `codex.daemon`: a running app-server daemon keeps the environment it started with; its
//! credential variables (by name) must be the ones this setup needs.

use serde_json::json;

use crate::codex::home::{API_KEY_VAR, Login};
use crate::codex::inspect::Block;
use crate::codex::mode::{self, Mode};
use crate::doctor::facts::Facts;
use crate::doctor::judged;
use crate::doctor::{Check, Entry, LocalCheck};

pub const DAEMON: Entry<LocalCheck> = Entry::new("codex.daemon", codex_daemon);

/// The variables Codex must find in its environment for `block`, and those it must not.
fn wanted(facts: &Facts, block: &Block, mode: Mode) -> (Vec<String>, Vec<String>) {
    let governance = || {
        block
            .governance_var
            .clone()
            .unwrap_or_else(|| mode::CODER_TOKEN_VAR.to_string())
    };
    match mode {
        Mode::Centralized => (block.env_key.iter().cloned().collect(), Vec::new()),
        Mode::Byok => {
            let mut needed = vec![governance()];
            // The key reaches Codex as $CODEX_API_KEY when it is set now, or when it lives only
            // in codexgw's store (no API-key login to fall back on).
            let stored_only = facts
                .stored_openai_keys
                .contains_key(&judged::store_key(facts))
                && !matches!(facts.login, Login::ApiKey(_));
            if facts.env.is_set(API_KEY_VAR) || stored_only {
                needed.push(API_KEY_VAR.to_string());
            }
            (needed, Vec::new())
        }
        Mode::Chatgpt => (vec![governance()], vec![API_KEY_VAR.to_string()]),
    }
}

fn codex_daemon(facts: &Facts) -> Check {
    const ID: &str = DAEMON.id;
    let Some(daemons) = &facts.daemons else {
        return Check::skip(ID, "looked for only on Linux (through /proc)");
    };
    let Some(block) = judged::block(facts).map(|(b, _)| b) else {
        return Check::skip(ID, "no gateway mode to judge by (see config.block)");
    };
    let Some(mode) = block.mode() else {
        return Check::skip(ID, "no gateway mode to judge by (see config.block)");
    };
    if daemons.is_empty() {
        return Check::pass(
            ID,
            "no Codex app-server daemon is running for this CODEX_HOME; the next `codex` starts one with the environment it is started in",
        );
    }
    let (needed, unwanted) = wanted(facts, &block, mode);
    let mut findings = Vec::new();
    let mut evidence = Vec::new();
    for daemon in daemons {
        let missing: Vec<&String> = needed
            .iter()
            .filter(|v| !daemon.var_names.contains(*v))
            .collect();
        let extra: Vec<&String> = unwanted
            .iter()
            .filter(|v| daemon.var_names.contains(*v))
            .collect();
        let credential_names: Vec<&String> = daemon
            .var_names
            .iter()
            .filter(|n| needed.contains(n) || unwanted.contains(n) || is_credential(n))
            .collect();
        evidence.push(json!({
            "pid": daemon.pid,
            "credential_vars": credential_names,
            "missing": missing,
            "unwanted": extra,
        }));
        let list = |vars: &[&String]| {
            vars.iter()
                .map(|v| format!("${v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !missing.is_empty() {
            findings.push(format!(
                "a Codex app-server daemon (pid {}) is running without {} in its environment, and it keeps that environment: the TUI goes through it, so Codex sends no {}",
                daemon.pid,
                list(&missing),
                if mode == Mode::Centralized { "key" } else { "such credential" }
            ));
        }
        if !extra.is_empty() {
            findings.push(format!(
                "a Codex app-server daemon (pid {}) has {} in its environment, which replaces your ChatGPT login in every TUI session it serves",
                daemon.pid,
                list(&extra)
            ));
        }
    }
    let evidence = json!({ "daemons": evidence });
    if findings.is_empty() {
        let pids: Vec<String> = daemons.iter().map(|d| d.pid.to_string()).collect();
        return Check::pass(
            ID,
            format!(
                "the Codex app-server daemon (pid {}) has the variables {} mode needs",
                pids.join(", "),
                mode
            ),
        )
        .evidence(evidence);
    }
    Check::warn(
        ID,
        findings.join("; "),
        "restart it from the environment you run Codex in: `codex app-server daemon stop`, then start Codex again (`codexgw exec -- codex`); the new TUI starts a fresh daemon",
    )
    .evidence(evidence)
}

/// Names of variables that carry credentials Codex or codexgw read.
fn is_credential(name: &str) -> bool {
    [
        mode::DEFAULT_ENV_KEY,
        API_KEY_VAR,
        mode::CODER_TOKEN_VAR,
        crate::secrets::CODER_SESSION_TOKEN_VAR,
    ]
    .contains(&name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::doctor::Status;
    use crate::doctor::daemon::Daemon;
    use crate::doctor::facts::build::facts;

    fn governed(route: &str) -> String {
        format!(
            "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nbase_url = \"https://coder.example.com/api/v2/aibridge/{route}/v1\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        )
    }

    fn with_daemon(mut f: Facts, names: &[&str]) -> Facts {
        f.daemons = Some(vec![Daemon {
            pid: 42,
            var_names: names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>(),
        }]);
        f
    }

    fn check(f: &Facts) -> Check {
        (DAEMON.run)(f)
    }

    #[test]
    fn a_daemon_without_the_needed_variable_warns_with_the_restart() {
        let f = with_daemon(facts(Some(&governed("openai")), &[]), &["PATH", "HOME"]);
        let c = check(&f);
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.summary
                .contains("(pid 42) is running without $CODER_API_TOKEN"),
            "{}",
            c.summary
        );
        assert!(c.fix.unwrap().contains("codex app-server daemon stop"));
        assert_eq!(c.evidence["daemons"][0]["missing"][0], "CODER_API_TOKEN");

        let f = with_daemon(facts(Some(&governed("openai")), &[]), &["CODER_API_TOKEN"]);
        assert_eq!(check(&f).status, Status::Pass);
        // A key only in codexgw's store reaches Codex as $CODEX_API_KEY.
        let f = with_daemon(
            facts(Some(&governed("openai")), &[])
                .with_stored_openai_key("coder.example.com", "sk-x"),
            &["CODER_API_TOKEN"],
        );
        assert!(check(&f).summary.contains("without $CODEX_API_KEY"));
    }

    #[test]
    fn chatgpt_daemon_with_codex_api_key_warns_and_no_daemon_passes() {
        let f = with_daemon(
            facts(Some(&governed("chatgpt")), &[]),
            &["CODER_API_TOKEN", "CODEX_API_KEY"],
        );
        let c = check(&f);
        assert_eq!(c.status, Status::Warn);
        assert!(c.summary.contains("has $CODEX_API_KEY"), "{}", c.summary);
        let mut f = facts(Some(&governed("chatgpt")), &[]);
        f.daemons = Some(Vec::new());
        assert_eq!(check(&f).status, Status::Pass);
        f.daemons = None;
        assert_eq!(check(&f).status, Status::Skip);
    }
}
