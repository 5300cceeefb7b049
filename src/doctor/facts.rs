//! Everything doctor judges, read once into plain data: the config files, the environment,
//! Codex's login, the stored tokens, the programs `auth.command` names and the shell start-up
//! lines. The checks are pure functions of [`Facts`]; only [`gather`] touches the machine.

use crate::coder::deployment::StandaloneGateway;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Options;
use super::auth_run::{self, AuthRun};
use super::daemon::{self, Daemon};
use super::shell::{self, Export};
use crate::coder::deployment::Deployment;
use crate::coder::detect::DetectedUrl;
use crate::codex::home::Login;
use crate::codex::inspect::Inspected;
use crate::codex::installed::{Installation, Question};
use crate::codex::mode::Mode;
use crate::environment::Environment;
use crate::secrets::{self, Found, SecretStore, TokenKind};

/// A file that cannot be used: what is wrong, and what to do about it.
pub type Unusable = (String, String);

/// One config file as read.
pub struct File {
    pub path: PathBuf,
    /// The name shown in findings (`config.toml`, `gateway.config.toml`).
    pub name: String,
    pub exists: bool,
    /// The parsed file, when it exists and parses.
    pub doc: Option<Inspected>,
    pub problem: Option<Unusable>,
}

impl File {
    /// A file from its text (`None`: it does not exist).
    pub fn from_text(path: PathBuf, text: Option<&str>) -> File {
        let mut file = File {
            name: crate::setup::plan::file_name(&path),
            exists: text.is_some(),
            path,
            doc: None,
            problem: None,
        };
        if let Some(text) = text {
            match Inspected::parse(text) {
                Ok(doc) => file.doc = Some(doc),
                Err(e) => {
                    file.problem = Some((
                        e.in_file(&file.path),
                        "fix the file at that line (or put a backup back with `codexgw restore`)"
                            .to_string(),
                    ));
                }
            }
        }
        file
    }

    fn read(path: PathBuf) -> File {
        match crate::files::read_optional(&path) {
            Ok(text) => File::from_text(path, text.as_deref()),
            Err(e) => File {
                name: crate::setup::plan::file_name(&path),
                exists: path.exists(),
                path,
                doc: None,
                problem: Some(unusable(&e)),
            },
        }
    }

    pub fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.name)
    }
}

/// An I/O error as one line (each cause once) and the next step it carries.
fn unusable(err: &anyhow::Error) -> Unusable {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    let fix = crate::error::find_user_error(err)
        .and_then(|u| u.help())
        .unwrap_or_else(|| "check the file and its permissions".to_string());
    (parts.join(": "), fix)
}

pub struct Facts {
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--provider-id`.
    pub provider_id: Option<String>,
    /// `--gateway-url`: the standalone gateway the table must point at.
    pub gateway: Option<StandaloneGateway>,
    pub config: File,
    /// `NAME.config.toml` with `--profile NAME`.
    pub profile_file: Option<File>,
    pub env: Environment,
    pub auth_path: PathBuf,
    /// What auth.json holds.
    pub login: Login,
    /// Deployment URLs found outside the config (`$CODER_URL`, the coder CLI, the agent).
    pub detected: Vec<DetectedUrl>,
    /// Per store key: the Coder token sources after the environment (store, coder CLI login),
    /// in lookup order.
    pub stored_coder_tokens: BTreeMap<String, Vec<Found>>,
    /// Per store key: the OpenAI key `token set openai` stored (byok's `CODEX_API_KEY`).
    pub stored_openai_keys: BTreeMap<String, Found>,
    /// Each `auth.command` of a provider table, resolved as a shell would.
    pub programs: BTreeMap<String, Option<PathBuf>>,
    /// The judged table's `auth` command, run as Codex runs it (`None`: no such command, or
    /// its program is not found).
    pub auth_run: Option<AuthRun>,
    /// Codex's app-server daemons serving this home (`None`: not looked for, off Linux).
    pub daemons: Option<Vec<Daemon>>,
    /// The start-up file lines that export the variable chatgpt mode needs unset.
    pub conflicting_exports: Vec<Export>,
    /// How the user starts Codex (`codex -p NAME --strict-config`), for findings.
    pub codex_command: String,
    /// The installed Codex and its verdict on the config (`None`: not asked).
    pub codex: Option<Installation>,
}

/// Reads everything once. `store` is where codexgw keeps tokens (the OS keyring), if any.
pub fn gather(options: &Options, env: &Environment, store: Option<&dyn SecretStore>) -> Facts {
    // The installed Codex judges the config while everything else is read; it is local, so
    // `--offline` keeps it.
    let question = Question {
        codex_home: options.codex_home.dir(),
        profile: options.profile.as_deref(),
        strict: options.strict_config,
        env,
        timeout: options.timeout,
    };
    std::thread::scope(|scope| {
        let asked = scope.spawn(|| Installation::ask(options.codex_bin.as_deref(), &question));
        let mut facts = gather_files(options, env, store);
        facts.codex = asked.join().ok();
        facts
    })
}

fn gather_files(options: &Options, env: &Environment, store: Option<&dyn SecretStore>) -> Facts {
    let home = &options.codex_home;
    let mut facts = Facts {
        profile: options.profile.clone(),
        provider_id: options.provider_id.clone(),
        gateway: options.gateway.clone(),
        config: File::read(home.config_path()),
        profile_file: options
            .profile
            .as_ref()
            .map(|name| File::read(home.profile_path(name))),
        env: env.clone(),
        auth_path: home.auth_path(),
        login: home.read_login(),
        detected: crate::coder::detect::deployment_urls(env),
        stored_coder_tokens: BTreeMap::new(),
        stored_openai_keys: BTreeMap::new(),
        programs: BTreeMap::new(),
        auth_run: None,
        daemons: find_daemons(options, env),
        conflicting_exports: Vec::new(),
        codex_command: options.codex_command(),
        codex: None,
    };
    for key in facts.store_keys() {
        let found = secrets::find_all_stored(TokenKind::Coder, env, store, &key);
        facts.stored_coder_tokens.insert(key.clone(), found);
        if let Some(found) = secrets::find_all_stored(TokenKind::Openai, env, store, &key)
            .into_iter()
            .next()
        {
            facts.stored_openai_keys.insert(key, found);
        }
    }
    for command in facts.auth_commands() {
        let path = crate::programs::find_program(&command, env);
        facts.programs.insert(command, path);
    }
    // Codex runs the command of the provider it uses; doctor runs only that one.
    if let Some(auth) = super::judged::block(&facts).and_then(|(b, _)| b.auth)
        && let Some(Some(program)) = facts.programs.get(&auth.command)
    {
        facts.auth_run = Some(auth_run::run(&auth, program, env, &options.cwd));
    }
    if let (Some(var), Some(home)) = (Mode::Chatgpt.conflicting_var(), &env.home_dir)
        && env.is_set(var)
    {
        facts.conflicting_exports = shell::find_exports(home, var, env.var("SHELL"));
    }
    facts
}

/// The daemons serving this home, through `/proc` (Linux only).
fn find_daemons(options: &Options, env: &Environment) -> Option<Vec<Daemon>> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let root = std::path::Path::new("/proc");
    let uid = daemon::own_uid(root)?;
    let default_home = env.home_dir.as_ref().map(|h| h.join(".codex"));
    Some(daemon::find(
        root,
        uid,
        options.codex_home.dir(),
        default_home.as_deref(),
    ))
}

impl Facts {
    /// The files Codex layers, the profile file first (it is asked first).
    pub fn files(&self) -> Vec<&File> {
        self.profile_file
            .iter()
            .chain(std::iter::once(&self.config))
            .collect()
    }

    /// The parsed files, in [`Facts::files`] order.
    pub fn docs(&self) -> impl Iterator<Item = (&File, &Inspected)> {
        self.files()
            .into_iter()
            .filter_map(|f| f.doc.as_ref().map(|d| (f, d)))
    }

    /// The Coder token as `codexgw exec` and `token print` find it for the deployment `key`,
    /// with `first` (the variable Codex itself reads) asked before the usual ones.
    pub fn coder_token(&self, first: Option<&str>, key: &str) -> Option<Found> {
        let vars = secrets::coder_token_vars(first);
        secrets::find_in_env(&self.env, &vars, key).or_else(|| {
            self.stored_coder_tokens
                .get(key)
                .and_then(|found| found.first().cloned())
        })
    }

    /// Every deployment a check may look a token up for: each provider table's, each
    /// `token print --url`'s and each detected one. Without a deployment there is no key,
    /// and nothing stored under it.
    fn store_keys(&self) -> Vec<String> {
        let mut urls: Vec<String> = Vec::new();
        for (_, doc) in self.docs() {
            for id in doc.provider_ids() {
                let Some(block) = doc.provider(&id) else {
                    continue;
                };
                urls.extend(block.gateway().map(|g| g.deployment.to_string()));
                urls.extend(
                    block
                        .auth
                        .as_ref()
                        .and_then(|a| secrets::parse_token_print_args(&a.args))
                        .flatten(),
                );
            }
        }
        urls.extend(self.detected.iter().map(|d| d.url.clone()));
        let mut keys: Vec<String> = urls
            .iter()
            .filter_map(|url| Deployment::parse(url, true).ok())
            .map(|p| secrets::store_key(&p.deployment))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    fn auth_commands(&self) -> Vec<String> {
        self.docs()
            .flat_map(|(_, doc)| {
                doc.provider_ids()
                    .into_iter()
                    .filter_map(|id| doc.provider(&id)?.auth.map(|a| a.command))
            })
            .collect()
    }
}

#[cfg(test)]
pub mod build {
    //! Facts from strings, for the checks' unit tests.

    use super::*;
    use crate::secrets::{Origin, Secret};

    pub const CONFIG: &str = "/h/.codex/config.toml";

    /// Facts for `config.toml` holding `config` (`None`: no file) and the variables `env`.
    pub fn facts(config: Option<&str>, env: &[(&str, &str)]) -> Facts {
        let mut env = Environment::new(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        env.home_dir = Some(PathBuf::from("/h"));
        Facts {
            profile: None,
            provider_id: None,
            gateway: None,
            config: File::from_text(PathBuf::from(CONFIG), config),
            profile_file: None,
            env,
            auth_path: PathBuf::from("/h/.codex/auth.json"),
            login: Login::Missing,
            detected: Vec::new(),
            stored_coder_tokens: BTreeMap::new(),
            stored_openai_keys: BTreeMap::new(),
            programs: BTreeMap::new(),
            auth_run: None,
            daemons: None,
            conflicting_exports: Vec::new(),
            codex_command: "codex".to_string(),
            codex: None,
        }
    }

    impl Facts {
        pub fn with_profile(mut self, name: &str, text: Option<&str>) -> Facts {
            self.profile = Some(name.to_string());
            self.profile_file = Some(File::from_text(
                PathBuf::from(format!("/h/.codex/{name}.config.toml")),
                text,
            ));
            self
        }

        pub fn with_auth_json(mut self, text: &str) -> Facts {
            self.login = Login::parse(text, &self.auth_path);
            self
        }

        pub fn with_stored(mut self, key: &str, token: &str) -> Facts {
            self.stored_coder_tokens
                .entry(key.to_string())
                .or_default()
                .push(Found {
                    secret: Secret::new(token),
                    origin: Origin::Store("keyring".to_string()),
                });
            self
        }

        pub fn with_stored_openai_key(mut self, key: &str, secret: &str) -> Facts {
            self.stored_openai_keys.insert(
                key.to_string(),
                Found {
                    secret: Secret::new(secret),
                    origin: Origin::Store("keyring".to_string()),
                },
            );
            self
        }

        pub fn with_auth_run(mut self, outcome: auth_run::Outcome) -> Facts {
            self.auth_run = Some(AuthRun {
                outcome,
                timeout: std::time::Duration::from_millis(5000),
                elapsed: std::time::Duration::from_millis(3),
            });
            self
        }

        pub fn with_program(mut self, command: &str, path: Option<&str>) -> Facts {
            self.programs
                .insert(command.to_string(), path.map(PathBuf::from));
            self
        }

        pub fn with_provider_id(mut self, id: &str) -> Facts {
            self.provider_id = Some(id.to_string());
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::time::Duration;

    use super::*;
    use crate::codex::home::CodexHome;
    use crate::secrets::{MemoryStore, Secret, Stored};

    /// A store that records every key it is asked for.
    #[derive(Default)]
    struct Counting {
        inner: MemoryStore,
        asked: RefCell<Vec<String>>,
    }

    impl SecretStore for Counting {
        fn backend(&self) -> String {
            self.inner.backend()
        }
        fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>> {
            self.asked
                .borrow_mut()
                .push(format!("{}:{key}", kind.name()));
            self.inner.locate(kind, key)
        }
        fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String> {
            self.inner.set(kind, key, secret)
        }
        fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool> {
            self.inner.delete(kind, key)
        }
    }

    #[test]
    fn gather_reads_each_source_once_for_every_deployment_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "model_provider = \"a\"\n[model_providers.a]\nbase_url = \"https://a.example.com/api/v2/aibridge/openai/v1\"\n[model_providers.b]\nbase_url = \"https://b.example.com/api/v2/aibridge/openai/v1\"\n[model_providers.b.auth]\ncommand = \"codexgw-missing\"\nargs = [\"token\", \"print\", \"coder\", \"--url\", \"https://c.example.com\"]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("auth.json"), r#"{"OPENAI_API_KEY":"sk-1"}"#).unwrap();
        let store = Counting::default();
        store
            .inner
            .set(TokenKind::Coder, "c.example.com", &Secret::new("stored"))
            .unwrap();
        let options = Options {
            codex_home: CodexHome::at(dir.path()),
            profile: None,
            provider_id: None,
            offline: true,
            timeout: Duration::from_secs(1),
            live: false,
            gateway: None,
            cwd: dir.path().to_path_buf(),
            strict_config: false,
            codex_bin: None,
        };
        let env =
            Environment::new([("CODER_URL".to_string(), "https://d.example.com".to_string())]);
        let facts = gather(&options, &env, Some(&store));

        let mut asked = store.asked.borrow().clone();
        asked.sort();
        let keys = [
            "a.example.com",
            "b.example.com",
            "c.example.com",
            "d.example.com",
        ];
        let mut expected: Vec<String> = ["coder", "openai"]
            .iter()
            .flat_map(|kind| keys.iter().map(move |key| format!("{kind}:{key}")))
            .collect();
        expected.sort();
        assert_eq!(asked, expected);
        assert_eq!(facts.login, Login::ApiKey(Secret::new("sk-1")));
        assert_eq!(facts.programs.get("codexgw-missing"), Some(&None));
        assert!(facts.config.doc.is_some() && facts.config.exists);
        // The checks ask the facts, never the store again.
        assert_eq!(
            facts
                .coder_token(None, "c.example.com")
                .map(|f| f.secret.expose().to_string()),
            Some("stored".to_string())
        );
        assert_eq!(store.asked.borrow().len(), 8);
    }
}
