//! Unified diffs of planned changes, as `--dry-run` and the wizard show them.
//!
//! A diff shows lines of the user's file that codexgw did not write, and some files hold
//! secrets codexgw would never print (`experimental_bearer_token`, an `Authorization` header):
//! their values are masked.

use crate::setup::plan::FileChange;

/// Keys whose values are secrets in Codex's config (compared case-insensitively).
const SECRET_KEYS: [&str; 5] = [
    "experimental_bearer_token",
    "authorization",
    "x-coder-ai-governance-token",
    "api_key",
    "openai_api_key",
];

pub fn unified(change: &FileChange) -> String {
    let before = change.before.as_deref().unwrap_or("");
    let new_name = change.path.display().to_string();
    let old_name = match change.before {
        Some(_) => new_name.clone(),
        None => "/dev/null".to_string(),
    };
    similar::TextDiff::from_lines(before, change.after.as_str())
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&old_name, &new_name)
        .to_string()
        .lines()
        .map(|line| mask_secret_value(line) + "\n")
        .collect()
}

/// `key = "value"` → `key = "***"` when `key` names a secret, wherever it stands on the line
/// (a table body, an inline table, dotted keys). Values that name a variable
/// (`env_http_headers`) stay: they are not secrets.
fn mask_secret_value(line: &str) -> String {
    if line.contains("env_http_headers") {
        return line.to_string();
    }
    let lower = line.to_ascii_lowercase();
    let mut secret_values: Vec<std::ops::Range<usize>> = Vec::new();
    for key in SECRET_KEYS {
        for (at, _) in lower.match_indices(key) {
            let after_key = &line[at + key.len()..];
            let Some(value) = after_key
                .trim_start_matches(['"', '\'', ' ', '\t'])
                .strip_prefix('=')
            else {
                continue;
            };
            let start = line.len() - value.trim_start().len();
            let Some(quote @ ('"' | '\'')) = line[start..].chars().next() else {
                continue;
            };
            if let Some(len) = line[start + 1..].find(quote) {
                secret_values.push(start + 1..start + 1 + len);
            }
        }
    }
    secret_values.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for range in secret_values {
        if range.start < copied {
            continue;
        }
        out.push_str(&line[copied..range.start]);
        out.push_str("***");
        copied = range.end;
    }
    out.push_str(&line[copied..]);
    out
}

/// Colours `+`/`-` lines for a terminal.
pub fn colorize(diff: &str) -> String {
    diff.lines()
        .map(|line| match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => format!("\x1b[32m{line}\x1b[0m\n"),
            Some(b'-') if !line.starts_with("---") => format!("\x1b[31m{line}\x1b[0m\n"),
            Some(b'@') => format!("\x1b[36m{line}\x1b[0m\n"),
            _ => format!("{line}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_and_variable_names_kept() {
        assert_eq!(
            mask_secret_value(r#" experimental_bearer_token = "sk-abc123" # mine"#),
            r#" experimental_bearer_token = "***" # mine"#
        );
        assert_eq!(
            mask_secret_value(
                r#"-http_headers = { Authorization = 'Bearer x', "X-Coder-AI-Governance-Token" = "t0k" }"#
            ),
            r#"-http_headers = { Authorization = '***', "X-Coder-AI-Governance-Token" = "***" }"#
        );
        let names = r#"+env_http_headers = { "X-Coder-AI-Governance-Token" = "CODER_API_TOKEN" }"#;
        assert_eq!(mask_secret_value(names), names);
        assert_eq!(
            mask_secret_value(r#"+env_key = "OPENAI_API_KEY""#),
            r#"+env_key = "OPENAI_API_KEY""#
        );
    }

    #[test]
    fn a_dry_run_diff_never_shows_a_bearer_token_in_context() {
        let change = FileChange {
            path: "config.toml".into(),
            before: Some("[model_providers.x]\nexperimental_bearer_token = \"sk-secret-1\"\n".into()),
            after: "model_provider = \"x\"\n[model_providers.x]\nexperimental_bearer_token = \"sk-secret-1\"\n".into(),
        };
        let diff = unified(&change);
        assert!(!diff.contains("sk-secret-1"), "{diff}");
        assert!(
            diff.contains("experimental_bearer_token = \"***\""),
            "{diff}"
        );
    }
}
