//! The read-only probe that asks the installed Codex whether it loads a config
//! (`src/codex/installed.rs`), pinned on every supported Codex version: what it reports for each
//! refusal, that `-p NAME` layers `NAME.config.toml`, and that it writes nothing in CODEX_HOME.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use codexgw::codex::installed::{Codex, Question, Verdict};
use codexgw::environment::Environment;

use crate::support::real_codex::versions;
use crate::support::real_codex::write_chatgpt_login_at;

const GATEWAY: &str = r#"model_provider = "gw"
[model_providers.gw]
name = "GW"
base_url = "http://127.0.0.1:9/api/v2/aibridge/openai/v1"
wire_api = "responses"
"#;

/// A CODEX_HOME outside the system temp folder: inside it Codex would skip its helper links on
/// its own, and the "writes nothing" assertions would prove nothing.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(files: &[(&str, &str)]) -> Home {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        std::fs::create_dir_all(dir.path().join(".codex")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(".codex").join(name), text).unwrap();
        }
        Home { dir }
    }

    fn codex_home(&self) -> PathBuf {
        self.dir.path().join(".codex")
    }

    fn env(&self) -> Environment {
        Environment::new([
            ("PATH".to_string(), "/usr/bin:/bin".to_string()),
            ("HOME".to_string(), self.dir.path().display().to_string()),
        ])
    }

    /// Every entry under CODEX_HOME with its kind, bytes (or link target) and mtime.
    fn snapshot(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.codex_home()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let meta = std::fs::symlink_metadata(&path).unwrap();
                let what = if meta.is_dir() {
                    stack.push(path.clone());
                    "dir".to_string()
                } else if meta.file_type().is_symlink() {
                    format!("link {:?}", std::fs::read_link(&path).unwrap())
                } else {
                    format!("file {:?}", std::fs::read(&path).unwrap())
                };
                out.insert(path, format!("{what} {:?}", meta.modified().unwrap()));
            }
        }
        out
    }

    fn judge(&self, codex: &Codex, profile: Option<&str>, strict: bool) -> Verdict {
        let env = self.env();
        let before = self.snapshot();
        let judgement = codex.judge(&Question {
            codex_home: &self.codex_home(),
            profile,
            strict,
            env: &env,
            timeout: Duration::from_secs(20),
        });
        assert_eq!(self.snapshot(), before, "the probe changed CODEX_HOME");
        judgement.verdict
    }
}

/// What a case expects: accepted, or refused with these words at this position of this file.
enum Expect {
    Accepts,
    Refuses {
        words: &'static str,
        at: Option<(&'static str, u32, u32)>,
    },
}

struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    profile: Option<&'static str>,
    strict: bool,
    expect: Expect,
}

const CASES: &[Case] = &[
    Case {
        name: "a gateway block",
        files: &[("config.toml", GATEWAY)],
        profile: None,
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "TOML 1.1: multi-line inline table with a trailing comma",
        files: &[(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nname = \"GW\"\nbase_url = \"http://127.0.0.1:9/v1\"\nenv_http_headers = {\n  \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\",\n}\n",
        )],
        profile: None,
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "wire_api = chat",
        files: &[(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nname = \"GW\"\nbase_url = \"http://127.0.0.1:9/v1\"\nwire_api = \"chat\"\n",
        )],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "`wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.",
            at: Some(("config.toml", 5, 12)),
        },
    },
    Case {
        name: "legacy profile key",
        files: &[("config.toml", "profile = \"x\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "legacy `profile = \"x\"` config is no longer supported; use `--profile x` with `x.config.toml` instead",
            at: None,
        },
    },
    Case {
        name: "a reserved id",
        files: &[("config.toml", "[model_providers.openai]\nname = \"x\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "model_providers contains reserved built-in provider IDs: `openai`. Built-in providers cannot be overridden.",
            at: Some(("config.toml", 1, 2)),
        },
    },
    Case {
        name: "model_provider stranded under [features]",
        files: &[("config.toml", "[features]\nmodel_provider = \"gw\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "invalid type: string \"gw\", expected a boolean",
            at: Some(("config.toml", 2, 18)),
        },
    },
    Case {
        name: "model_provider stranded under [tui] (ignored without --strict-config)",
        files: &[("config.toml", "[tui]\nmodel_provider = \"gw\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "approval_policy = untrusted",
        files: &[("config.toml", "approval_policy = \"untrusted\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "approval_policy = \"untrusted\" is no longer supported; remove this setting",
            at: None,
        },
    },
    Case {
        name: "a missing model_catalog_json",
        files: &[(
            "config.toml",
            "model_catalog_json = \"/nonexistent/catalog.json\"\n",
        )],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "No such file or directory (os error 2)",
            at: None,
        },
    },
    Case {
        name: "a TOML syntax error",
        files: &[("config.toml", "model = \n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "string values must be quoted",
            at: Some(("config.toml", 1, 9)),
        },
    },
    Case {
        name: "an undefined model_provider",
        files: &[("config.toml", "model_provider = \"nope\"\n")],
        profile: None,
        strict: false,
        expect: Expect::Refuses {
            words: "Model provider `nope` not found",
            at: None,
        },
    },
    Case {
        name: "-p layers NAME.config.toml: its error is reported with its position",
        files: &[
            ("config.toml", GATEWAY),
            (
                "g.config.toml",
                "[model_providers.gw]\nwire_api = \"chat\"\n",
            ),
        ],
        profile: Some("g"),
        strict: false,
        expect: Expect::Refuses {
            // The interactive load names the key, not the position.
            words: "`wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.\nMore info: https://github.com/openai/codex/discussions/7782\nin `model_providers.gw.wire_api`",
            at: None,
        },
    },
    Case {
        name: "-p layers NAME.config.toml: a selection only the profile makes",
        files: &[
            ("config.toml", GATEWAY),
            ("g.config.toml", "model_provider = \"nope\"\n"),
        ],
        profile: Some("g"),
        strict: false,
        expect: Expect::Refuses {
            words: "Model provider `nope` not found",
            at: None,
        },
    },
    Case {
        name: "the same profile file is not loaded without -p",
        files: &[
            ("config.toml", GATEWAY),
            ("g.config.toml", "model_provider = \"nope\"\n"),
        ],
        profile: None,
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "-p NAME with a legacy [profiles.NAME] table",
        files: &[(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nname = \"GW\"\n[profiles.g]\nmodel = \"gpt-5\"\n",
        )],
        profile: Some("g"),
        strict: false,
        expect: Expect::Refuses {
            words: "--profile `g` cannot be used while",
            at: None,
        },
    },
    Case {
        name: "[profiles.NAME] without -p is inert",
        files: &[(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nname = \"GW\"\n[profiles.g]\nmodel_provider = \"nope\"\n",
        )],
        profile: None,
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "-p with a missing profile file is silently the base config",
        files: &[("config.toml", GATEWAY)],
        profile: Some("absent"),
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "--strict-config: a stranded key is an unknown field",
        files: &[("config.toml", "[tui]\nmodel_provider = \"gw\"\n")],
        profile: None,
        strict: true,
        expect: Expect::Refuses {
            words: "unknown configuration field `tui.model_provider`",
            at: Some(("config.toml", 2, 1)),
        },
    },
    Case {
        name: "--strict-config: an unknown provider field, in the profile file",
        files: &[
            ("config.toml", GATEWAY),
            (
                "g.config.toml",
                "[model_providers.gw]\nname = \"GW\"\nfoo = 1\n",
            ),
        ],
        profile: Some("g"),
        strict: true,
        expect: Expect::Refuses {
            words: "unknown configuration field `model_providers.gw.foo`",
            at: Some(("g.config.toml", 3, 1)),
        },
    },
    Case {
        name: "a profile file may change one key of a provider table",
        files: &[
            ("config.toml", GATEWAY),
            (
                "g.config.toml",
                "[model_providers.gw]\nrequest_max_retries = 1\n",
            ),
        ],
        profile: Some("g"),
        strict: false,
        expect: Expect::Accepts,
    },
    Case {
        name: "--strict-config: a provider table in a profile file is validated on its own",
        files: &[
            ("config.toml", GATEWAY),
            (
                "g.config.toml",
                "[model_providers.gw]\nrequest_max_retries = 1\n",
            ),
        ],
        profile: Some("g"),
        strict: true,
        expect: Expect::Refuses {
            words: "model_providers.gw: provider name must not be empty",
            at: Some(("g.config.toml", 1, 2)),
        },
    },
    Case {
        name: "--strict-config: [desktop] may hold model_provider",
        files: &[(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nname = \"GW\"\n[desktop]\nmodel_provider = \"gw\"\n",
        )],
        profile: None,
        strict: true,
        expect: Expect::Accepts,
    },
    Case {
        name: "--strict-config: a healthy gateway block",
        files: &[("config.toml", GATEWAY)],
        profile: None,
        strict: true,
        expect: Expect::Accepts,
    },
];

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn codex_judges_each_config_in_its_own_words_and_writes_nothing() {
    for (version, launcher) in versions() {
        let codex = Codex::at(&launcher);
        let mut failures = Vec::new();
        for case in CASES {
            let home = Home::new(case.files);
            let verdict = home.judge(&codex, case.profile, case.strict);
            let ok = match (&case.expect, &verdict) {
                (Expect::Accepts, Verdict::Accepts) => true,
                (Expect::Refuses { words, at }, Verdict::Refuses(refusal)) => {
                    let position = at.map(|(file, line, column)| {
                        (
                            home.codex_home().join(file).display().to_string(),
                            line,
                            column,
                        )
                    });
                    let got = refusal
                        .file
                        .clone()
                        .zip(refusal.line)
                        .zip(refusal.column)
                        .map(|((f, l), c)| (f, l, c));
                    refusal.reason().contains(words) && got == position
                }
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: {verdict:?}", case.name));
            }
        }
        assert!(
            failures.is_empty(),
            "Codex {version}:\n{}",
            failures.join("\n")
        );
    }
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn the_probe_runs_the_native_binary_and_knows_the_version() {
    for (version, launcher) in versions() {
        let codex = Codex::at(&launcher);
        assert_eq!(codex.path, launcher);
        assert!(
            codex.runs.ends_with("bin/codex") && codex.runs.to_string_lossy().contains("vendor"),
            "{codex:?}"
        );
        // The launcher's package and the native binary it runs say the same version (the
        // pinned one, when the label is a version rather than `$CODEXGW_CODEX_BIN`).
        let version_seen = codex.version(Duration::from_secs(20)).unwrap();
        let out = Command::new(&codex.runs).arg("--version").output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("codex-cli {version_seen}")
        );
        if version.starts_with(|c: char| c.is_ascii_digit()) {
            assert_eq!(version_seen, version);
        }
    }
}

/// A stale ChatGPT login for a business workspace: a runtime command would refresh it and fetch
/// the workspace's cloud policies; the probe must load no login and stay local.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn a_chatgpt_login_is_never_refreshed_or_used_to_fetch_policies() {
    for (version, launcher) in versions() {
        let codex = Codex::at(&launcher);
        let home = Home::new(&[
            ("config.toml", GATEWAY),
            ("g.config.toml", "model = \"gpt-5\"\n"),
        ]);
        write_chatgpt_login_at(&home.codex_home(), "business", "2020-01-01T00:00:00Z");
        let start = std::time::Instant::now();
        assert_eq!(
            home.judge(&codex, Some("g"), true),
            Verdict::Accepts,
            "Codex {version}"
        );
        // Offline fetches take seconds to give up; a local load takes milliseconds.
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "Codex {version}: {:?}",
            start.elapsed()
        );
    }
}

/// Why the probes set TMPDIR: without it every Codex start leaves helper links in CODEX_HOME.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn without_the_tmpdir_guard_codex_writes_helper_links_into_codex_home() {
    for (version, launcher) in versions() {
        let codex = Codex::at(&launcher);
        let home = Home::new(&[("config.toml", GATEWAY)]);
        // A temp folder beside CODEX_HOME, not above it: Codex refuses to write the links
        // under a temp folder that holds CODEX_HOME (a checkout under /tmp would then make
        // this test see nothing).
        let elsewhere = home.dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let out = Command::new(&codex.runs)
            .args(["login", "status"])
            .env_clear()
            .envs(home.env().vars())
            .env("CODEX_HOME", home.codex_home())
            .env("TMPDIR", &elsewhere)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "Codex {version}");
        let written = helper_dirs(&home.codex_home().join("tmp"));
        assert_eq!(written.len(), 1, "Codex {version}: {written:?}");
    }
}

/// The per-start folders under `$CODEX_HOME/tmp/arg0*/`.
fn helper_dirs(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .into_iter()
        .flatten()
        .flat_map(|root| std::fs::read_dir(root.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .collect()
}
