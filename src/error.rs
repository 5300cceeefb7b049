//! Errors that reach the user: a message, the chain of causes, and one concrete next step.

use std::fmt;

/// How the process should exit for an error: scripts tell a misuse from a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// Something was wrong (a file, the network, a check): exit 1.
    Failure,
    /// The command line was wrong or incomplete: exit 2.
    Usage,
}

impl ExitKind {
    pub fn code(self) -> u8 {
        match self {
            ExitKind::Failure => 1,
            ExitKind::Usage => 2,
        }
    }
}

/// An error written for a person: what went wrong and what to do next.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub help: Option<String>,
    pub kind: ExitKind,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// A failure with a next step.
pub fn failure(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        help: Some(help.into()),
        kind: ExitKind::Failure,
    }
    .into()
}

/// A usage error (exit 2) with a next step.
pub fn usage(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        help: Some(help.into()),
        kind: ExitKind::Usage,
    }
    .into()
}

/// Attach a next step to any error while keeping its message and causes.
pub trait Help<T> {
    fn help(self, help: impl Into<String>) -> anyhow::Result<T>;
}

impl<T> Help<T> for anyhow::Result<T> {
    fn help(self, help: impl Into<String>) -> anyhow::Result<T> {
        self.map_err(|err| {
            let wrapped = UserError {
                message: err.to_string(),
                help: Some(help.into()),
                kind: exit_kind(&err),
            };
            // The wrapper repeats the top message; `render` prints it once.
            err.context(wrapped)
        })
    }
}

pub fn find_user_error(err: &anyhow::Error) -> Option<&UserError> {
    // `chain()` yields anyhow's context wrappers, which do not downcast to the context type;
    // `anyhow::Error::downcast_ref` does, through every layer of context.
    err.downcast_ref::<UserError>()
        .or_else(|| err.chain().find_map(|e| e.downcast_ref::<UserError>()))
}

/// Render an error the way the house style asks: `error:`, `caused by:` lines, `help:`.
pub fn render(err: &anyhow::Error) -> String {
    let mut out = format!("error: {err}\n");
    let mut previous = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if text == previous {
            continue;
        }
        previous.clone_from(&text);
        let cause = text;
        for (i, line) in cause.lines().enumerate() {
            let lead = if i == 0 { "  caused by: " } else { "    " };
            out.push_str(lead);
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(help) = find_user_error(err).and_then(|u| u.help.as_deref()) {
        for (i, line) in help.lines().enumerate() {
            out.push_str(if i == 0 { "help: " } else { "      " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub fn exit_kind(err: &anyhow::Error) -> ExitKind {
    find_user_error(err).map_or(ExitKind::Failure, |u| u.kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn render_shows_causes_and_help() {
        let err: anyhow::Result<()> = Err(anyhow::anyhow!("disk full"));
        let err = err
            .context("cannot write `/x/config.toml`")
            .help("free some space and run `codexgw setup` again")
            .unwrap_err();
        assert_eq!(
            render(&err),
            "error: cannot write `/x/config.toml`\n  caused by: disk full\nhelp: free some space and run `codexgw setup` again\n"
        );
        assert_eq!(exit_kind(&err), ExitKind::Failure);
    }

    #[test]
    fn usage_errors_exit_2() {
        let err = usage("missing `--mode`", "pass `--mode centralized`");
        assert_eq!(exit_kind(&err), ExitKind::Usage);
        assert_eq!(
            render(&err),
            "error: missing `--mode`\nhelp: pass `--mode centralized`\n"
        );
    }
}
