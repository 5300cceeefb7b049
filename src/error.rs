//! Errors that reach the user: a message, the chain of causes, and the next steps (`help:`).
//!
//! The library gives an error its kind where it knows it; the command layer, which knows the
//! flag names, adds hints with [`Help::help`]. The exit code follows from the kind alone.

use std::fmt;

/// How the process should exit for an error: scripts tell a misuse from a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// Something was wrong (a file, the network, a check): exit 1.
    Failure,
    /// The command line was wrong or incomplete: exit 2.
    Usage,
    /// The person at the prompt said no: nothing was written, exit 1 so `codexgw setup && codex`
    /// stops there.
    Declined,
    /// stdout was closed by its reader (`codexgw doctor | head -1`): no message, and the
    /// status a shell reports for a program that SIGPIPE ended (128 + 13).
    BrokenPipe,
}

impl ExitKind {
    pub fn code(self) -> u8 {
        match self {
            ExitKind::Failure | ExitKind::Declined => 1,
            ExitKind::Usage => 2,
            ExitKind::BrokenPipe => 141,
        }
    }
}

/// An error written for a person: what went wrong and what to do next.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    /// Next steps, most useful first; each renders as its own `help:` line.
    pub hints: Vec<String>,
    pub kind: ExitKind,
}

impl UserError {
    /// The next steps as one text, one per line.
    pub fn help(&self) -> Option<String> {
        (!self.hints.is_empty()).then(|| self.hints.join("\n"))
    }
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
        hints: vec![help.into()],
        kind: ExitKind::Failure,
    }
    .into()
}

/// An error of `kind` with no next step yet: the command adds them with [`Help::help`].
pub fn of_kind(kind: ExitKind, message: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hints: Vec::new(),
        kind,
    }
    .into()
}

/// A usage error (exit 2) with a next step.
pub fn usage(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hints: vec![help.into()],
        kind: ExitKind::Usage,
    }
    .into()
}

/// Attach a next step to any error while keeping its message, causes, kind and earlier steps.
pub trait Help<T> {
    fn help(self, help: impl Into<String>) -> anyhow::Result<T>;
}

impl<T> Help<T> for anyhow::Result<T> {
    fn help(self, help: impl Into<String>) -> anyhow::Result<T> {
        self.map_err(|err| add_help(err, help))
    }
}

/// `err` with one more next step, after those it has.
pub fn add_help(mut err: anyhow::Error, help: impl Into<String>) -> anyhow::Error {
    if let Some(user) = err.downcast_mut::<UserError>() {
        user.hints.push(help.into());
        return err;
    }
    let wrapped = UserError {
        message: err.to_string(),
        hints: vec![help.into()],
        kind: ExitKind::Failure,
    };
    // The wrapper repeats the top message; `render` prints it once.
    err.context(wrapped)
}

/// The outermost [`UserError`]: anyhow's downcast sees through context layers, which walking
/// `chain()` as `dyn Error` cannot.
pub fn find_user_error(err: &anyhow::Error) -> Option<&UserError> {
    err.downcast_ref::<UserError>()
}

/// Render an error the way the house style asks: `error:`, `caused by:` lines, `help:` lines.
/// A closed stdout renders as nothing: its reader has gone, and the shell knows why. Causes may
/// quote servers and files, so the text is made [`printable`].
pub fn render(err: &anyhow::Error) -> String {
    printable(&render_raw(err))
}

fn render_raw(err: &anyhow::Error) -> String {
    if exit_kind(err) == ExitKind::BrokenPipe {
        return String::new();
    }
    // Declining is an answer, not a fault: said plainly, without `error:`.
    let lead = if exit_kind(err) == ExitKind::Declined {
        ""
    } else {
        "error: "
    };
    let mut out = format!("{lead}{err}\n");
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
    for help in find_user_error(err).map_or(&[][..], |u| &u.hints[..]) {
        for (i, line) in help.lines().enumerate() {
            out.push_str(if i == 0 { "help: " } else { "      " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The invisible characters that reorder how text is shown (Trojan Source, CVE-2021-42574).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a server or a file, made safe for a terminal: escape sequences (colours, cursor
/// moves, title changes, hyperlinks) are dropped whole, other control characters and bidi
/// controls are dropped; newlines and tabs stay.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{1b}' => match chars.peek() {
                // CSI: parameters, then one final byte in `@`..=`~`.
                Some('[') => {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS and friends: up to BEL or the string terminator `ESC \`.
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                // A two-character escape.
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
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
    fn help_survives_a_context_over_an_io_error() {
        let err: std::io::Result<()> = Err(std::io::Error::from_raw_os_error(17));
        let err = err
            .with_context(|| "cannot create `/x`")
            .help("pick another folder")
            .unwrap_err();
        assert!(
            render(&err).ends_with("help: pick another folder\n"),
            "{}",
            render(&err)
        );
    }

    #[test]
    fn server_text_reaches_the_terminal_without_control_sequences() {
        assert_eq!(
            printable(
                "\u{1b}[2J\u{1b}]0;pwned\u{7}ali\u{1b}[31mce\u{1b}[0m\u{202e}gpj.exe\u{0}\u{7f}\n\tok"
            ),
            "alicegpj.exe\n\tok"
        );
        assert_eq!(
            printable("\u{1b}]8;;https://x\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(
            printable("plain `text` – ünïcode"),
            "plain `text` – ünïcode"
        );
        let err = failure("user \u{1b}[31mroot\u{1b}[0m", "next");
        assert_eq!(render(&err), "error: user root\nhelp: next\n");
    }

    #[test]
    fn several_hints_render_one_help_line_each_and_keep_the_kind() {
        let err: anyhow::Result<()> = Err(usage("missing `--url`", "pass `--url URL`"));
        let err = err.help("or run it in a terminal").unwrap_err();
        assert_eq!(
            render(&err),
            "error: missing `--url`\nhelp: pass `--url URL`\nhelp: or run it in a terminal\n"
        );
        assert_eq!(exit_kind(&err), ExitKind::Usage);
    }

    #[test]
    fn a_closed_stdout_renders_nothing_and_exits_141() {
        let err = of_kind(ExitKind::BrokenPipe, "stdout is closed");
        assert_eq!(render(&err), "");
        assert_eq!(exit_kind(&err).code(), 141);
        let declined: anyhow::Result<()> = Err(of_kind(ExitKind::Declined, "nothing written"));
        let declined = declined.help("run it again when ready").unwrap_err();
        assert_eq!(exit_kind(&declined).code(), 1);
        assert_eq!(
            render(&declined),
            "nothing written\nhelp: run it again when ready\n"
        );
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
