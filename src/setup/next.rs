//! What is left to do after setup, as data: the command renders it.

use crate::codex::mode::{CODER_TOKEN_VAR, Mode, ProviderSpec, TokenSource};
use crate::environment::Environment;

/// What setup took care of, so the next steps leave it out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Done {
    /// Codex has an API-key login (byok needs one).
    pub codex_api_login: bool,
    /// Codex has a ChatGPT login (chatgpt mode needs one).
    pub codex_chatgpt_login: bool,
    /// A Coder token for the deployment is in the keyring or the coder CLI's login.
    pub coder_token_available: bool,
}

/// The one or two things left to do, for the mode, and what stands in their way.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NextSteps {
    pub warnings: Vec<String>,
    /// Shell lines, in order.
    pub steps: Vec<String>,
}

/// `codex_refuses`: a problem setup warned about stops Codex from starting, so its fix comes
/// first and starting Codex is left out.
pub fn next_steps(
    spec: &ProviderSpec,
    profile: Option<&str>,
    done: &Done,
    codex_refuses: bool,
    env: &Environment,
) -> NextSteps {
    let (codex, doctor) = match profile {
        Some(name) => (
            format!("codex --profile {name}"),
            format!("codexgw doctor --profile {name}"),
        ),
        None => ("codex".to_string(), "codexgw doctor".to_string()),
    };
    let export = |var: &str| {
        if env.var(var).is_some() {
            None
        } else if done.coder_token_available {
            Some(format!(
                "eval \"$(codexgw env)\"   # or start Codex as `codexgw exec -- {codex}`"
            ))
        } else {
            Some(format!(
                "export {var}=<your Coder API token>   # create one with `coder tokens create`"
            ))
        }
    };
    let mut next = NextSteps::default();
    if codex_refuses {
        next.steps.push(
            "delete the line the warning above names; until then Codex refuses to start".into(),
        );
    }
    match (&spec.mode, &spec.token_source) {
        (Mode::Centralized, TokenSource::Env(var)) => next.steps.extend(export(var)),
        (Mode::Centralized, TokenSource::Command { .. }) => {}
        (Mode::Byok, _) => {
            next.steps.extend(export(CODER_TOKEN_VAR));
            next.steps.extend((!done.codex_api_login).then(|| {
                "printenv OPENAI_API_KEY | codex login --with-api-key   # Codex reads your key only from its login"
                    .to_string()
            }));
        }
        (Mode::Chatgpt, _) => {
            next.steps.extend(export(CODER_TOKEN_VAR));
            next.steps.extend((!done.codex_chatgpt_login).then(|| {
                "env -u OPENAI_API_KEY codex login   # sign in with ChatGPT (or `codexgw exec -- codex login`)"
                    .to_string()
            }));
            if Mode::Chatgpt
                .conflicting_var()
                .is_some_and(|var| env.is_set(var))
            {
                next.warnings.push("OPENAI_API_KEY is set: Coder requires it unset in chatgpt mode (older Codex builds and other OpenAI tools sign in with the key instead of ChatGPT); `unset OPENAI_API_KEY` and remove it from your shell start-up files (`codexgw doctor` names the line)".into());
            }
        }
    }
    next.steps.push(doctor);
    if !codex_refuses {
        next.steps.push(codex);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coder::deployment::{Deployment, Route};

    fn spec(mode: Mode) -> ProviderSpec {
        ProviderSpec {
            id: "coder".into(),
            mode,
            deployment: Deployment::parse("https://coder.example.com", false)
                .unwrap()
                .deployment,
            route: Route::Aibridge,
            gateway: None,
            token_source: TokenSource::Env(CODER_TOKEN_VAR.into()),
            websockets: crate::codex::mode::Websockets::Leave,
        }
    }

    #[test]
    fn byok_without_a_login_says_how_to_log_in_and_profiles_carry_through() {
        let next = next_steps(
            &spec(Mode::Byok),
            Some("work"),
            &Done::default(),
            false,
            &Environment::default(),
        );
        assert_eq!(
            next.steps,
            [
                "export CODER_API_TOKEN=<your Coder API token>   # create one with `coder tokens create`",
                "printenv OPENAI_API_KEY | codex login --with-api-key   # Codex reads your key only from its login",
                "codexgw doctor --profile work",
                "codex --profile work",
            ]
        );
        assert!(next.warnings.is_empty());
    }

    #[test]
    fn a_refusing_codex_puts_the_fix_first_and_does_not_start_codex() {
        let env = Environment::new([("OPENAI_API_KEY".to_string(), "sk-x".to_string())]);
        let done = Done {
            coder_token_available: true,
            codex_chatgpt_login: true,
            ..Done::default()
        };
        let next = next_steps(&spec(Mode::Chatgpt), None, &done, true, &env);
        assert_eq!(
            next.steps,
            [
                "delete the line the warning above names; until then Codex refuses to start",
                "eval \"$(codexgw env)\"   # or start Codex as `codexgw exec -- codex`",
                "codexgw doctor",
            ]
        );
        assert_eq!(next.warnings.len(), 1);
        assert!(next.warnings[0].starts_with("OPENAI_API_KEY is set"));
    }
}
