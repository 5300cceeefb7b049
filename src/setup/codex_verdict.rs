//! Setup asks the installed Codex about the bytes it plans to write, before it writes them: in a
//! private temporary CODEX_HOME, the files as they are now and as they would be, side by side.
//! Setup never reports success on a file Codex will refuse.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::codex::installed::{Codex, FindError, Question, Refusal, Verdict};
use crate::environment::Environment;

/// A config file Codex loads (`config.toml`, `NAME.config.toml`): its name in CODEX_HOME and its
/// text now and after setup (`None`: no such file).
pub struct Planned<'a> {
    pub name: String,
    pub now: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// What Codex says about the planned files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodexSays {
    NotInstalled,
    /// `--codex-bin` names nothing runnable.
    NotRunnable(PathBuf),
    Accepts {
        version: Option<String>,
    },
    /// Codex loads the files as they are but would refuse them after setup's change.
    WouldBreak {
        version: Option<String>,
        refusal: Refusal,
    },
    /// Codex refuses the files now and still would after the change: the blocker is in a part
    /// setup does not own.
    StillRefuses {
        version: Option<String>,
        refusal: Refusal,
    },
    /// Codex did not answer clearly; nothing can be vouched for.
    Unknown {
        version: Option<String>,
        why: String,
    },
}

/// Asks Codex (`codex_bin`, else `codex` on PATH) about `files` now and after, concurrently.
/// Paths in Codex's words name `codex_home`, where the files live.
pub fn ask(
    codex_bin: Option<&Path>,
    codex_home: &Path,
    profile: Option<&str>,
    files: &[Planned],
    env: &Environment,
    timeout: Duration,
) -> CodexSays {
    let codex = match Codex::find(codex_bin, env) {
        Ok(Some(codex)) => codex,
        Ok(None) => return CodexSays::NotInstalled,
        Err(FindError::NotRunnable(path)) => return CodexSays::NotRunnable(path),
    };
    let question = Question {
        codex_home,
        profile,
        strict: false,
        env,
        timeout,
    };
    let set = |texts: Vec<(&String, Option<&str>)>| -> Vec<(String, Vec<u8>)> {
        texts
            .into_iter()
            .filter_map(|(name, text)| Some((name.clone(), text?.as_bytes().to_vec())))
            .collect()
    };
    let now = set(files.iter().map(|f| (&f.name, f.now)).collect());
    let after = set(files.iter().map(|f| (&f.name, f.after)).collect());
    let (now, after) = std::thread::scope(|scope| {
        let now = scope.spawn(|| codex.judge_planned(&now, &question));
        let after = codex.judge_planned(&after, &question);
        (now.join(), after)
    });
    let after = match after {
        Ok(judgement) => judgement,
        Err(e) => {
            return CodexSays::Unknown {
                version: None,
                why: format!("cannot make a private folder to ask Codex in: {e}"),
            };
        }
    };
    let version = after.version;
    match after.verdict {
        Verdict::Accepts => CodexSays::Accepts { version },
        Verdict::Unknown { why } => CodexSays::Unknown { version, why },
        Verdict::Refuses(refusal) => {
            let refused_now = matches!(
                now,
                Ok(Ok(ref judgement)) if matches!(judgement.verdict, Verdict::Refuses(_))
            );
            if refused_now {
                CodexSays::StillRefuses { version, refusal }
            } else {
                CodexSays::WouldBreak { version, refusal }
            }
        }
    }
}
