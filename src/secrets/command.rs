//! Command-backed auth: the `codexgw token print coder --url U` arguments that
//! `setup --token-source command` writes into config.toml, and reading them back.

use crate::coder::deployment::Deployment;

const PRINT_CODER: [&str; 3] = ["token", "print", "coder"];

/// The arguments Codex passes to codexgw to get the Coder token for `deployment`. The
/// deployment travels along so the lookup needs no config file.
pub fn token_print_args(deployment: &Deployment) -> Vec<String> {
    PRINT_CODER
        .iter()
        .copied()
        .chain(["--url", deployment.as_str()])
        .map(str::to_string)
        .collect()
}

/// `Some(url)` when `args` are [`token_print_args`] (also `--url=U`, or no `--url`: `Some(None)`),
/// `None` for any other command line.
pub fn parse_token_print_args(args: &[String]) -> Option<Option<String>> {
    if args.len() < PRINT_CODER.len() || args[..PRINT_CODER.len()] != PRINT_CODER {
        return None;
    }
    let rest = &args[PRINT_CODER.len()..];
    let url = rest.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--url=")
            .map(str::to_string)
            .or_else(|| (arg == "--url").then(|| rest.get(i + 1).cloned()).flatten())
    });
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn what_setup_writes_reads_back_as_the_same_deployment() {
        let deployment = Deployment::parse("https://c.example.com/coder", true)
            .unwrap()
            .deployment;
        let written = token_print_args(&deployment);
        assert_eq!(
            written,
            args(&["token", "print", "coder", "--url", deployment.as_str()])
        );
        assert_eq!(
            parse_token_print_args(&written),
            Some(Some(deployment.to_string()))
        );
    }

    #[test]
    fn recognises_every_spelling_of_token_print_coder() {
        assert_eq!(
            parse_token_print_args(&args(&["token", "print", "coder", "--url=https://c"])),
            Some(Some("https://c".to_string()))
        );
        assert_eq!(
            parse_token_print_args(&args(&["token", "print", "coder"])),
            Some(None)
        );
        assert_eq!(
            parse_token_print_args(&args(&["token", "print", "openai"])),
            None
        );
        assert_eq!(parse_token_print_args(&args(&["print"])), None);
    }
}
