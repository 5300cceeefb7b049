//! Property tests of the config engine over generated configs: setup in every mode changes
//! nothing outside the keys codexgw owns, is idempotent, and `remove` undoes it.

use crate::support::engine::{ID, outside_owned, remove, setup, variants, without_provider};
use codexgw::coder::deployment::Route;
use codexgw::codex::document::ConfigDocument;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<i64>),
    Inline(Vec<(String, i64)>),
}

impl Scalar {
    fn render(&self) -> String {
        match self {
            Scalar::Str(s) => format!("{s:?}"),
            Scalar::Int(i) => i.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Scalar::Inline(entries) => {
                let mut seen = std::collections::BTreeSet::new();
                let body: Vec<String> = entries
                    .iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                format!("{{ {} }}", body.join(", "))
            }
        }
    }
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        "[a-zA-Z0-9 äé#=./-]{0,12}".prop_map(Scalar::Str),
        any::<i32>().prop_map(|i| Scalar::Int(i.into())),
        any::<bool>().prop_map(Scalar::Bool),
        prop::collection::vec(0i64..100, 0..4).prop_map(Scalar::Array),
        prop::collection::vec(("[a-c]", 0i64..9), 0..3).prop_map(Scalar::Inline),
    ]
}

/// A trailing comment, or none.
fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        1 => "[a-z ]{0,10}".prop_map(|c| format!("  # {c}")),
    ]
}

/// Key/value lines, named `<prefix>0`, `<prefix>1`, … so they never collide.
fn entries(prefix: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((scalar(), comment(), any::<bool>()), 0..4).prop_map(move |items| {
        items
            .into_iter()
            .enumerate()
            .map(|(i, (value, comment, blank_before))| {
                let blank = if blank_before { "\n" } else { "" };
                format!("{blank}{prefix}{i} = {}{comment}\n", value.render())
            })
            .collect()
    })
}

/// How a gateway provider that is already there is written.
#[derive(Debug, Clone, Copy)]
enum Existing {
    None,
    Table,
    /// A table, and its `auth` sub-table further down the file.
    TableWithAuth,
    Dotted,
    /// Dotted keys under a `[model_providers]` header.
    UnderHeader,
    Inline,
}

#[derive(Debug, Clone)]
struct Config {
    top: Vec<String>,
    dotted: Vec<(usize, Scalar)>,
    model_provider: Option<String>,
    tables: Vec<(Vec<String>, Option<Vec<String>>)>,
    skills: Vec<Vec<String>>,
    other_provider: bool,
    existing: Existing,
    comments_between: bool,
    crlf: bool,
    final_newline: bool,
}

impl Config {
    fn render(&self) -> String {
        let mut out = String::new();
        if self.comments_between {
            out.push_str("# generated config\n");
        }
        for line in &self.top {
            out.push_str(line);
        }
        if let Some(value) = &self.model_provider {
            out.push_str(&format!("model_provider = {value:?}\n"));
        }
        for (i, value) in &self.dotted {
            out.push_str(&format!("d{i}.inner.value = {}\n", value.render()));
        }
        let gateway_keys = [
            "request_max_retries = 4",
            "http_headers = { \"X-Team\" = \"a\" }",
            "env_http_headers = { \"X-Trace\" = \"TRACE\", \"x-coder-ai-governance-token\" = \"OLD\" }",
            "name = \"Old\"",
            "wire_api = \"chat\"",
        ];
        match self.existing {
            Existing::Dotted => {
                for key in gateway_keys {
                    out.push_str(&format!("model_providers.{ID}.{key}\n"));
                }
            }
            Existing::Inline => {
                out.push_str(&format!(
                    "model_providers.{ID} = {{ {} }}\n",
                    gateway_keys.join(", ")
                ));
            }
            Existing::None | Existing::Table | Existing::TableWithAuth | Existing::UnderHeader => {}
        }
        for (i, (body, sub)) in self.tables.iter().enumerate() {
            if self.comments_between {
                out.push_str(&format!("\n# table {i}\n"));
            }
            out.push_str(&format!("\n[t{i}]\n"));
            out.extend(body.iter().cloned());
            if self.comments_between {
                // Closes the section: it belongs to the table above, not the next one.
                out.push_str(&format!("# end of t{i}\n"));
            }
            if let Some(sub) = sub {
                out.push_str(&format!("\n[t{i}.\"sub.{i}\"]\n"));
                out.extend(sub.iter().cloned());
            }
            if i == 0 && self.other_provider {
                out.push_str("\n[model_providers.local]\nname = \"Local\"\n");
            }
        }
        if matches!(self.existing, Existing::Table | Existing::TableWithAuth) {
            out.push_str(&format!("\n[model_providers.{ID}]\n"));
            for key in gateway_keys {
                out.push_str(&format!("{key}\n"));
            }
        }
        if matches!(self.existing, Existing::UnderHeader) {
            out.push_str("\n[model_providers]\n");
            for key in gateway_keys {
                out.push_str(&format!("{ID}.{key}\n"));
            }
        }
        for body in &self.skills {
            out.push_str("\n[[skills]]\n");
            out.extend(body.iter().cloned());
        }
        if matches!(self.existing, Existing::TableWithAuth) {
            out.push_str(&format!(
                "\n[model_providers.{ID}.auth]\ncommand = \"old-helper\"\ntimeout_ms = 100\n"
            ));
        }
        if self.comments_between {
            out.push_str("# the end\n");
        }
        if !self.final_newline {
            while out.ends_with('\n') {
                out.pop();
            }
        }
        if self.crlf {
            out = out.replace('\n', "\r\n");
        }
        out
    }
}

fn config() -> impl Strategy<Value = Config> {
    (
        entries("k"),
        prop::collection::vec(scalar(), 0..3),
        prop::option::of(prop_oneof![
            Just("openai".to_string()),
            Just(ID.to_string())
        ]),
        prop::collection::vec((entries("v"), prop::option::of(entries("s"))), 0..4),
        prop::collection::vec(entries("f"), 0..3),
        any::<bool>(),
        prop_oneof![
            Just(Existing::None),
            Just(Existing::Table),
            Just(Existing::TableWithAuth),
            Just(Existing::Dotted),
            Just(Existing::UnderHeader),
            Just(Existing::Inline)
        ],
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(top, dotted, model_provider, tables, skills, other_provider, existing, flags)| {
                Config {
                    top,
                    dotted: dotted.into_iter().enumerate().collect(),
                    model_provider,
                    tables,
                    skills,
                    other_provider,
                    existing,
                    comments_between: flags.0,
                    crlf: flags.1,
                    final_newline: flags.2,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn setup_touches_only_what_it_owns(config in config()) {
        let input = config.render();
        let before = ConfigDocument::parse(&input)
            .unwrap_or_else(|e| panic!("the generator wrote invalid TOML ({e}):\n{input}"));
        // A path prefix, the newer route and a dedicated token variable, unlike the fixtures.
        for (_, spec) in variants("https://coder.example.com/base", Route::AiGateway, "CODER_API_TOKEN") {
            let (output, records) = setup(&spec, &input);
            let after = ConfigDocument::parse(&output)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{output}")))?;
            prop_assert_eq!(outside_owned(&after, ID), outside_owned(&before, ID), "{}", output);
            prop_assert_eq!(after.top_level_str("model_provider"), Some(ID));
            let provider = after.provider(ID).expect("the provider");
            let base_url = spec.base_url();
            prop_assert_eq!(
                provider.get("base_url").and_then(|i| i.as_str()),
                Some(base_url.as_str())
            );
            prop_assert_eq!(input.contains("\r\n"), output.contains("\r\n"));

            let (again, _) = setup(&spec, &output);
            prop_assert_eq!(&again, &output, "a second setup changed the file");

            // Setup recorded the file as it found it: remove gives back every byte, whatever
            // table was under the id before.
            let removed_text = remove(&output, &records);
            prop_assert_eq!(&removed_text, &input, "remove did not give the bytes back");
        }
    }
}

/// Pieces of a Codex config, including the TOML 1.1 forms, the places the gateway provider can
/// already be, and junk; a fuzz case strings any of them together.
fn fragment() -> impl Strategy<Value = String> {
    let pieces = [
        "[tui]",
        "[model_providers]",
        "[model_providers.ai_gateway]",
        "[model_providers.ai_gateway.auth]",
        "[model_providers.ai_gateway.env_http_headers]",
        "[model_providers.local]",
        "[[skills]]",
        "[profiles.work]",
        "[mcp_servers.docs.env]",
        "model_provider = \"ai_gateway\"",
        "model_provider = 'openai'",
        "model_providers.ai_gateway.name = \"Old\"",
        "ai_gateway.wire_api = \"chat\"",
        "ai_gateway = {\n  name = \"Old\", # kept\n  env_key = \"K\",\n}",
        "ai_gateway = { name = \"Old\", requires_openai_auth = true, }",
        "model_providers = { ai_gateway = { name = \"x\" } }",
        "name = \"AI Gateway\"",
        "env_key = \"OPENAI_API_KEY\"",
        "requires_openai_auth = true",
        "command = \"helper\"",
        "args = [\"a\",\n  \"b\",\n]",
        "env_http_headers = { \"x-coder-ai-governance-token\" = \"OLD\", }",
        "\"X-Coder-AI-Governance-Token\" = \"T\"",
        "set = {\n  FOO = \"bar\"\n}",
        "experimental_bearer_token = \"\"\"\nsecret\n\"\"\"",
        "# a comment",
        "",
        "   ",
        "\u{feff}",
    ];
    prop_oneof![
        8 => prop::sample::select(pieces.to_vec()).prop_map(str::to_string),
        2 => "[a-c]{1,3} = (\"[a-z ]{0,5}\"|[0-9]{1,3}|true|\\[1, 2\\]|\\{ [a-c] = 1 \\})",
        1 => "[\\[\\]{}=\"'#., \nabc_\r-]{0,12}",
    ]
}

fn fuzz_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(fragment(), 0..16), any::<bool>()).prop_map(|(lines, crlf)| {
        let text = lines.join("\n");
        if crlf {
            text.replace('\n', "\r\n")
        } else {
            text
        }
    })
}

/// Cases per run: a few hundred in `cargo test`; `benches/fuzz.sh` runs many more.
fn fuzz_cases() -> u32 {
    std::env::var("CODEXGW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), ..ProptestConfig::default() })]

    /// On any text: no panic; a file that does not parse is refused; on one that does, setup
    /// changes nothing it does not own, a second setup nothing at all, and remove gives the
    /// data back. Masking keeps every line.
    #[test]
    fn setup_and_remove_on_arbitrary_toml(input in fuzz_text()) {
        let masked = codexgw::secrets::mask::mask_secrets(&input);
        prop_assert_eq!(masked.split('\n').count(), input.split('\n').count());
        let state = |text: &str| codexgw::setup::plan::FileState {
            path: "config.toml".into(),
            before: Some(text.to_string()),
        };
        let no_previous = codexgw::setup::plan::PreviousPointers::new();
        let parsed = ConfigDocument::parse(&input);
        let no_records = codexgw::setup::undo::Records::new();
        let removed = codexgw::setup::plan::plan_remove(ID, state(&input), None, &no_previous, &no_records);
        let Ok(before) = parsed else {
            prop_assert!(removed.is_err(), "remove accepted what does not parse");
            for (_, spec) in variants("https://coder.example.com", Route::Aibridge, "OPENAI_API_KEY") {
                prop_assert!(codexgw::setup::plan::plan_setup(&spec, state(&input), None).is_err());
            }
            return Ok(());
        };
        let removed = removed.map_err(|e| TestCaseError::fail(format!("remove: {e:#}")))?;
        if let Some(change) = removed.changes.first() {
            let after = ConfigDocument::parse(&change.after)
                .map_err(|e| TestCaseError::fail(format!("remove wrote invalid TOML: {e}\n{}", change.after)))?;
            prop_assert_eq!(without_provider(&after, ID), without_provider(&before, ID));
        }
        for (_, spec) in variants("https://coder.example.com", Route::Aibridge, "OPENAI_API_KEY") {
            // Refusing (say, `model_providers = 1`) is fine; a panic or a bad write is not.
            let Ok(plan) = codexgw::setup::plan::plan_setup(&spec, state(&input), None) else {
                continue;
            };
            let (_, records) = setup(&spec, &input);
            let output = plan.changes.first().map_or(input.clone(), |c| c.after.clone());
            for change in &plan.changes {
                let diff = codexgw::setup::diff::unified(change);
                prop_assert!(!diff.contains("secret"), "the diff shows a secret:\n{}", diff);
            }
            let after = ConfigDocument::parse(&output)
                .map_err(|e| TestCaseError::fail(format!("setup wrote invalid TOML: {e}\n{output}")))?;
            prop_assert_eq!(after.top_level_str("model_provider"), Some(ID));
            let (again, _) = setup(&spec, &output);
            prop_assert_eq!(&again, &output, "a second setup changed the file");
            // A migration (a stranded `model_provider`, an older Coder block) changes more than
            // setup's own keys on purpose; fixtures_setup.rs checks each such shape.
            if !plan.migration.notes.is_empty() {
                continue;
            }
            prop_assert_eq!(outside_owned(&after, ID), outside_owned(&before, ID), "{}", output);
            // Setup recorded the file as it found it: remove gives every byte back.
            prop_assert_eq!(&remove(&output, &records), &input, "remove did not give the bytes back");
        }
    }
}
