//! Secrets in config text, found by what they mean: the TOML key path a value sits under
//! (toml_edit reports where each value is written), not the look of the line. A bearer token
//! in a multi-line string, a header named by an escaped key or a `Cookie` in an MCP server's
//! headers is as secret as `experimental_bearer_token = "…"` on one line.
//!
//! Masking keeps every line break, so a masked text has the same lines as the original and a
//! diff can be computed on one and printed from the other.

use std::ops::Range;

use toml_edit::{Document, Item, Value};

/// What replaces a secret (each line of it, for a multi-line string).
pub const MASK: &str = "***";

/// `text` with every secret value replaced by [`MASK`], the quotes and keys kept. Text that is
/// not TOML (a broken backup, a message) still loses every token-shaped word and the values of
/// secret-looking keys.
pub fn mask_secrets(text: &str) -> String {
    let mut ranges = match crate::toml_parse::parse(text, text) {
        Ok(doc) => secret_ranges(&doc),
        Err(_) => fallback_ranges(text),
    };
    ranges.extend(token_ranges(text));
    apply(text, ranges)
}

/// The byte ranges of secret values in a parsed document (string contents, without quotes).
pub fn secret_ranges(doc: &Document<&str>) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut path = Vec::new();
    walk_table(doc.as_table(), &mut path, doc.raw(), &mut found);
    found
}

/// Whether a value at `path` (keys from the document root) is a secret whatever it says.
fn secret_path(path: &[String]) -> bool {
    let lower: Vec<String> = path.iter().map(|k| k.to_ascii_lowercase()).collect();
    let has = |name: &str| lower.iter().any(|k| k == name);
    let pair = |a: &str, b: &str| lower.windows(2).any(|w| w[0] == a && w[1] == b);
    // mcp_servers.<name>.env: the variables an MCP server is started with.
    let mcp_env = lower
        .windows(3)
        .any(|w| w[0] == "mcp_servers" && w[2] == "env");
    has("experimental_bearer_token")
        || has("http_headers")
        || has("headers")
        || has("query_params")
        || pair("shell_environment_policy", "set")
        || mcp_env
        || lower.last().is_some_and(|leaf| secret_key_name(leaf))
}

/// A key whose name says it holds a secret (`api_key`, `client_secret`, `password`), unless it
/// names where one is kept (`bearer_token_env_var`, `env_key`).
fn secret_key_name(key: &str) -> bool {
    const WORDS: [&str; 7] = [
        "token",
        "secret",
        "password",
        "api_key",
        "apikey",
        "authorization",
        "cookie",
    ];
    let names_a_place = key.ends_with("_var") || key.ends_with("env_key") || key.ends_with("_env");
    !names_a_place && WORDS.iter().any(|w| key.contains(w))
}

/// `env_http_headers` maps a header to the *name* of a variable; a value that is no variable
/// name is a secret pasted in the wrong place.
fn is_variable_name(value: &str) -> bool {
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn walk_table(
    table: &dyn toml_edit::TableLike,
    path: &mut Vec<String>,
    raw: &str,
    found: &mut Vec<Range<usize>>,
) {
    for (key, item) in table.iter() {
        path.push(key.to_string());
        match item {
            Item::Value(value) => walk_value(value, path, raw, found, false),
            Item::Table(child) => walk_table(child, path, raw, found),
            Item::ArrayOfTables(array) => {
                for child in array.iter() {
                    walk_table(child, path, raw, found);
                }
            }
            Item::None => {}
        }
        // `auth.args` of a provider: arguments of the command that prints the token, e.g.
        // `--token=…`. codexgw's own command takes none.
        if key == "auth"
            && let Some(auth) = item.as_table_like()
        {
            let own = auth
                .get("command")
                .and_then(Item::as_str)
                .is_some_and(|c| c.rsplit(['/', '\\']).next() == Some("codexgw"));
            if let (false, Some(args)) = (own, auth.get("args").and_then(Item::as_array)) {
                for arg in args.iter() {
                    walk_value(arg, path, raw, found, true);
                }
            }
        }
        path.pop();
    }
}

fn walk_value(
    value: &Value,
    path: &mut Vec<String>,
    raw: &str,
    found: &mut Vec<Range<usize>>,
    secret: bool,
) {
    match value {
        Value::String(s) => {
            let env_header_name = path
                .iter()
                .rev()
                .nth(1)
                .is_some_and(|k| k.eq_ignore_ascii_case("env_http_headers"));
            let masked = secret
                || (env_header_name && !is_variable_name(s.value()))
                || (!env_header_name && secret_path(path))
                || has_url_credentials(s.value());
            if let (true, Some(span)) = (masked, value.span()) {
                found.push(string_contents(raw, span));
            }
        }
        Value::Array(array) => {
            for item in array.iter() {
                walk_value(item, path, raw, found, secret);
            }
        }
        Value::InlineTable(table) => {
            for (key, item) in table.iter() {
                path.push(key.to_string());
                walk_value(item, path, raw, found, secret);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `scheme://user:password@host`: the part before `@` is a credential.
fn has_url_credentials(value: &str) -> bool {
    value.split_once("://").is_some_and(|(_, rest)| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        authority.contains('@')
    })
}

/// A string value's span without its quotes (`"`, `'`, `"""` or `'''`).
fn string_contents(raw: &str, span: Range<usize>) -> Range<usize> {
    let text = &raw[span.clone()];
    let quote = if text.starts_with("\"\"\"") || text.starts_with("'''") {
        3
    } else {
        1
    };
    if text.len() < 2 * quote {
        return span;
    }
    span.start + quote..span.end - quote
}

/// For text that does not parse: the quoted value of each `key = "…"` whose key says it holds
/// a secret.
fn fallback_ranges(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some((key, value)) = line.split_once('=') {
            let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            let leaf = key.rsplit('.').next().unwrap_or_default();
            let start = line.len() - value.trim_start().len();
            let quote = line[start..].chars().next();
            if let (true, Some(q @ ('"' | '\''))) = (secret_path(&[leaf.to_string()]), quote)
                && let Some(len) = line[start + 1..].find(q)
            {
                found.push(offset + start + 1..offset + start + 1 + len);
            }
        }
        offset += line.len();
    }
    found
}

/// Words shaped like a Coder API token (`<10 alphanumerics>-<22 alphanumerics>`) or an OpenAI
/// key (`sk-…`), anywhere: values, comments, keys.
pub fn token_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) || (i > 0 && word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let end = (i..bytes.len())
            .find(|&j| !word(bytes[j]))
            .unwrap_or(bytes.len());
        let candidate = &text[i..end];
        let openai = candidate.starts_with("sk-") && candidate.len() >= 12;
        if openai || crate::secrets::looks_like_coder_token(candidate) {
            found.push(i..end);
        }
        i = end;
    }
    found
}

/// Replaces each range with [`MASK`], line by line, so line breaks inside a range stay.
fn apply(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for range in ranges {
        if range.end <= copied {
            continue;
        }
        let start = range.start.max(copied);
        out.push_str(&text[copied..start]);
        let mut first = true;
        for part in text[start..range.end].split('\n') {
            if !first {
                out.push('\n');
            }
            first = false;
            let content = part.strip_suffix('\r').unwrap_or(part);
            if !content.is_empty() {
                out.push_str(MASK);
            }
            if content.len() != part.len() {
                out.push('\r');
            }
        }
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODER_TOKEN: &str = "abcdefghij-0123456789abcdefghijkl";

    /// The masked text, asserting the secret is gone and the line count kept.
    fn masked(text: &str, secret: &str) -> String {
        let out = mask_secrets(text);
        assert!(!out.contains(secret), "`{secret}` survived:\n{out}");
        assert_eq!(out.lines().count(), text.lines().count(), "{out}");
        out
    }

    #[test]
    fn a_bearer_token_is_masked_however_it_is_written() {
        let one = masked(
            "[model_providers.x]\nexperimental_bearer_token = \"hunter2-bearer\" # mine\n",
            "hunter2",
        );
        assert!(
            one.contains("experimental_bearer_token = \"***\" # mine"),
            "{one}"
        );
        let multi = masked(
            "[model_providers.x]\nexperimental_bearer_token = \"\"\"\nline-one-secret\nline-two-secret\"\"\"\nname = \"x\"\n",
            "secret",
        );
        assert!(
            multi.contains("= \"\"\"\n***\n***\"\"\"\nname = \"x\""),
            "{multi}"
        );
        let escaped = masked(
            "[model_providers.x]\nexperimental_bearer_token = \"abc\\\"quoted\\\"def\"\n",
            "quoted",
        );
        assert!(escaped.ends_with("= \"***\"\n"), "{escaped}");
        let escaped_key = masked(
            "[model_providers.x]\n\"experimental\\u005Fbearer_token\" = \"plain-secret-value\"\n",
            "plain-secret",
        );
        assert!(escaped_key.contains("= \"***\""), "{escaped_key}");
        masked(
            "model_providers.x.experimental_bearer_token = 'literal-secret'\n",
            "literal-secret",
        );
        masked(
            "[model_providers]\nx = { experimental_bearer_token = \"inline-secret\" }\n",
            "inline-secret",
        );
    }

    #[test]
    fn headers_query_params_and_auth_args_are_masked() {
        let text = "[model_providers.x]\nhttp_headers = { \"X-Api-Key\" = \"key-123\", Cookie = \"session=abc\", Authorization = \"Bearer zzz\" }\nquery_params = { \"api-version\" = \"v-secret\" }\n[model_providers.x.auth]\ncommand = \"/usr/bin/get-token\"\nargs = [\"--token\", \"arg-secret\"]\n";
        let out = mask_secrets(text);
        for secret in [
            "key-123",
            "session=abc",
            "Bearer zzz",
            "v-secret",
            "arg-secret",
            "--token",
        ] {
            assert!(!out.contains(secret), "`{secret}` survived:\n{out}");
        }
        assert!(out.contains("\"X-Api-Key\" = \"***\""), "{out}");
        assert!(out.contains("command = \"/usr/bin/get-token\""), "{out}");
        // codexgw's own token command holds no secret and reads better unmasked.
        let own = "[model_providers.x.auth]\ncommand = \"/usr/local/bin/codexgw\"\nargs = [\"token\", \"print\", \"coder\"]\n";
        assert_eq!(mask_secrets(own), own);
    }

    #[test]
    fn env_http_headers_keep_variable_names_and_lose_pasted_tokens() {
        let names = "[model_providers.x]\nenv_http_headers = { \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }\nenv_key = \"OPENAI_API_KEY\"\n";
        assert_eq!(mask_secrets(names), names);
        let pasted = "[model_providers.x.env_http_headers]\n\"X-Coder-AI-Governance-Token\" = \"not a variable\"\n";
        assert!(masked(pasted, "not a variable").contains("= \"***\""));
    }

    #[test]
    fn environments_of_shells_and_mcp_servers_are_masked() {
        let text = "[shell_environment_policy]\ninherit = \"core\"\nset = { CODER_API_TOKEN = \"shell-secret\" }\n\n[mcp_servers.github]\ncommand = \"gh-mcp\"\nheaders = { Authorization = \"h-secret\" }\n\n[mcp_servers.github.env]\nGITHUB_TOKEN = \"env-secret\"\nHOST = \"env-host\"\n\n[profiles.work.shell_environment_policy]\nset = {\n  PASSWORD = \"profile-secret\",\n}\n";
        let out = mask_secrets(text);
        for secret in [
            "shell-secret",
            "h-secret",
            "env-secret",
            "env-host",
            "profile-secret",
        ] {
            assert!(!out.contains(secret), "`{secret}` survived:\n{out}");
        }
        assert!(out.contains("inherit = \"core\""), "{out}");
        assert!(out.contains("command = \"gh-mcp\""), "{out}");
    }

    #[test]
    fn tokens_keys_and_url_credentials_are_masked_anywhere() {
        let text = format!(
            "# old token {CODER_TOKEN}\nnote = \"key sk-proj-abcdefghijklmnop here\"\nbase_url = \"https://user:pw-secret@host.example.com/v1\"\nmodel = \"gpt-5\"\n"
        );
        let out = mask_secrets(&text);
        for secret in [CODER_TOKEN, "sk-proj-abcdefghijklmnop", "pw-secret"] {
            assert!(!out.contains(secret), "`{secret}` survived:\n{out}");
        }
        assert!(out.contains("# old token ***\n"), "{out}");
        assert!(out.contains("model = \"gpt-5\""), "{out}");
        // A broken file still loses the values of secret keys.
        let broken = "experimental_bearer_token = \"broken-secret\"\n[[[\n";
        assert!(!mask_secrets(broken).contains("broken-secret"));
    }

    #[test]
    fn crlf_survives_masking() {
        let text = "[x]\r\napi_key = \"\"\"\r\nabc\r\n\"\"\"\r\n";
        assert_eq!(
            mask_secrets(text),
            "[x]\r\napi_key = \"\"\"\r\n***\r\n\"\"\"\r\n"
        );
    }
}
