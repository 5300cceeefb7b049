//! The realistic large config.toml the benchmarks edit, shared by `benches/cli.rs` and
//! `examples/big_config.rs` (which `benches/engine.sh` runs).

use std::fmt::Write as _;

/// A config like a heavy user's: many trusted projects and MCP servers, comments, a few
/// providers, arrays of tables.
pub fn big_config(target_bytes: usize) -> String {
    let mut text = String::from(
        "#:schema https://developers.openai.com/codex/config-schema.json\n\
         # ~/.codex/config.toml\n\
         model = \"gpt-5-codex\"\n\
         model_provider = \"openai\" # before the gateway\n\
         approval_policy = \"on-request\"\n\n\
         # an older Coder module wrote this profile\n\
         [profiles.aibridge]\n\
         model_provider = \"aibridge\"\n\n\
         [model_providers.azure]\n\
         name = \"Azure\"\n\
         base_url = \"https://x.openai.azure.com/openai\"\n\
         env_key = \"AZURE_OPENAI_API_KEY\"\n\n",
    );
    let mut i = 0;
    while text.len() < target_bytes {
        write!(
            text,
            "# project {i}: checked out on the build box\n\
             [projects.\"/home/me/src/team-{t}/service.{i}\"]\n\
             trust_level = \"trusted\" # reviewed\n\n\
             [mcp_servers.server_{i}]\n\
             command = \"/usr/local/bin/mcp-{i}\"\n\
             args = [\"--stdio\", \"--root\", \"/srv/data/{i}\", \"--verbose\"]\n\
             env = {{ TOKEN_VAR = \"MCP_TOKEN_{i}\", LEVEL = \"debug\" }}\n\
             startup_timeout_sec = 20\n\n\
             [[skills]]\n\
             name = \"skill-{i}\"\n\
             path = \"~/skills/{i}\"\n\n",
            t = i % 17
        )
        .unwrap();
        i += 1;
    }
    text.push_str("[tui]\nnotifications = true\n");
    text
}
