//! Codex logins written the way Codex writes them, for tests that need one without a browser.

use super::TestHome;

/// The access token in the synthetic ChatGPT login.
pub const CHATGPT_ACCESS_TOKEN: &str = "chatgpt-access-token-xyz";
/// The account id in the synthetic ChatGPT login.
pub const CHATGPT_ACCOUNT_ID: &str = "acct-123";

/// A ChatGPT login as Codex stores it, with a syntactically valid (unsigned) id token.
pub fn write_chatgpt_login(home: &TestHome) {
    let b64 = base64_url;
    let claims = r#"{"email":"alice@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"plus","chatgpt_account_id":"acct-123"}}"#;
    let jwt = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(claims)
    );
    let now = humantime::format_rfc3339(std::time::SystemTime::now());
    let auth = format!(
        r#"{{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{{"id_token":"{jwt}","access_token":"{CHATGPT_ACCESS_TOKEN}","refresh_token":"rt-1","account_id":"{CHATGPT_ACCOUNT_ID}"}},"last_refresh":"{now}"}}"#
    );
    std::fs::write(home.codex_home().join("auth.json"), auth).unwrap();
}

fn base64_url(input: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
