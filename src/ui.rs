//! The one owner of terminal I/O: data to stdout, status and warnings to stderr, colour decided
//! once, prompts, Ctrl-C, and the confirmation rule every command that writes follows.
//!
//! Commands talk to a [`Ui`]; the library never prints. [`Ui::scripted`] gives tests a Ui with
//! answers set in advance and the output captured, so the wizard and the confirmation rule run
//! as unit tests without a terminal.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{IsTerminal as _, Write};
use std::rc::Rc;

use dialoguer::theme::ColorfulTheme;

use crate::environment::Environment;
use crate::error::{self, ExitKind};

/// The answer a scripted Ui gives to its next prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// To `confirm`.
    Yes,
    No,
    /// To `input` and `password` (checked by the prompt's validator like typed text), or what
    /// stdin holds for `read_stdin`.
    Text(String),
    /// To `select`: the index of the item.
    Choice(usize),
}

/// What happened to a request to write: see [`Ui::consent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Given,
    Declined,
    /// No `--yes` and nobody to ask: nothing may be written.
    NoTerminal,
}

enum Prompts {
    Terminal,
    Scripted(RefCell<VecDeque<Answer>>),
}

pub struct Ui {
    stdout: RefCell<Box<dyn Write>>,
    stderr: RefCell<Box<dyn Write>>,
    /// A person can answer prompts (stdin and stderr are terminals).
    interactive: bool,
    stdin_tty: bool,
    stdout_tty: bool,
    color_stdout: bool,
    color_stderr: bool,
    prompts: Prompts,
}

/// The bytes a scripted [`Ui`] wrote, for assertions.
#[derive(Clone, Default)]
pub struct Captured {
    stdout: Rc<RefCell<Vec<u8>>>,
    stderr: Rc<RefCell<Vec<u8>>>,
}

impl Captured {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.borrow()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.borrow()).into_owned()
    }
}

struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Ui {
    /// The process's terminal. Colour: only at a terminal, never with `NO_COLOR` set.
    pub fn from_process(env: &Environment) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let stdin_tty = std::io::stdin().is_terminal();
        let no_color = env.is_set("NO_COLOR");
        Ui {
            stdout: RefCell::new(Box::new(std::io::stdout())),
            stderr: RefCell::new(Box::new(std::io::stderr())),
            interactive: stdin_tty && stderr_tty,
            stdin_tty,
            stdout_tty,
            color_stdout: stdout_tty && !no_color,
            color_stderr: stderr_tty && !no_color,
            prompts: Prompts::Terminal,
        }
    }

    /// A Ui for tests: `interactive` says whether a person seems to be there; each prompt takes
    /// the next of `answers`; nothing is coloured; output lands in the returned [`Captured`].
    pub fn scripted(interactive: bool, answers: Vec<Answer>) -> (Ui, Captured) {
        let captured = Captured::default();
        let ui = Ui {
            stdout: RefCell::new(Box::new(Shared(captured.stdout.clone()))),
            stderr: RefCell::new(Box::new(Shared(captured.stderr.clone()))),
            interactive,
            stdin_tty: interactive,
            stdout_tty: false,
            color_stdout: false,
            color_stderr: false,
            prompts: Prompts::Scripted(RefCell::new(answers.into())),
        };
        (ui, captured)
    }

    /// A person can answer prompts.
    pub fn interactive(&self) -> bool {
        self.interactive
    }

    /// stdin is a terminal (else it may carry piped input).
    pub fn stdin_is_terminal(&self) -> bool {
        self.stdin_tty
    }

    /// stdout is a terminal: a person reads the data, not a program.
    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    pub fn color_stdout(&self) -> bool {
        self.color_stdout
    }

    /// Data, on stdout. A reader that went away ends the command quietly (exit 141, as a
    /// shell expects); any other write error is an error naming stdout.
    pub fn out(&self, text: impl AsRef<[u8]>) -> anyhow::Result<()> {
        let mut stdout = self.stdout.borrow_mut();
        stdout
            .write_all(text.as_ref())
            .and_then(|()| stdout.flush())
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    error::of_kind(ExitKind::BrokenPipe, "stdout is closed")
                } else {
                    anyhow::Error::new(e).context("cannot write to stdout")
                }
            })
    }

    /// At most `limit` bytes of stdin, to its end (piped input such as a token).
    pub fn read_stdin(&self, limit: u64) -> anyhow::Result<String> {
        if let Prompts::Scripted(answers) = &self.prompts {
            return match answers.borrow_mut().pop_front() {
                Some(Answer::Text(text)) => Ok(text),
                other => Err(anyhow::anyhow!("the script gives stdin {other:?}")),
            };
        }
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(std::io::stdin(), limit),
            &mut text,
        )?;
        Ok(text)
    }

    /// A status line, on stderr so stdout stays data. stderr that cannot be written to has
    /// nobody to tell, so its errors are dropped. Lines may quote servers and files, so they
    /// are made [`error::printable`].
    pub fn status(&self, line: impl AsRef<str>) {
        let _ = writeln!(
            self.stderr.borrow_mut(),
            "{}",
            error::printable(line.as_ref())
        );
    }

    pub fn warn(&self, line: impl AsRef<str>) {
        let label = if self.color_stderr {
            "\x1b[33mwarning:\x1b[0m"
        } else {
            "warning:"
        };
        let _ = writeln!(
            self.stderr.borrow_mut(),
            "{label} {}",
            error::printable(line.as_ref())
        );
    }

    /// Text for stderr as it is (a diff, a rendered error).
    pub fn err(&self, text: impl AsRef<str>) {
        let _ = write!(self.stderr.borrow_mut(), "{}", text.as_ref());
    }

    /// Only where a prompt may open: elsewhere SIGINT keeps its default.
    pub fn catch_interrupt(&self) {
        if let Prompts::Terminal = self.prompts {
            // Fails only when a handler is already set, which then owns the cleanup.
            let _ = ctrlc::set_handler(|| interrupted());
        }
    }

    fn next_answer(&self, prompt: &str) -> Option<anyhow::Result<Answer>> {
        match &self.prompts {
            Prompts::Terminal => None,
            Prompts::Scripted(answers) => {
                self.status(format!("? {prompt}"));
                Some(
                    answers.borrow_mut().pop_front().ok_or_else(|| {
                        anyhow::anyhow!("the script has no answer left for `{prompt}`")
                    }),
                )
            }
        }
    }

    pub fn confirm(&self, prompt: &str, default: bool) -> anyhow::Result<bool> {
        match self.next_answer(prompt) {
            None => answer(
                dialoguer::Confirm::with_theme(&ColorfulTheme::default())
                    .with_prompt(prompt)
                    .default(default)
                    .interact(),
                "cannot read your answer",
            ),
            Some(Ok(Answer::Yes)) => Ok(true),
            Some(Ok(Answer::No)) => Ok(false),
            Some(other) => Err(unexpected(prompt, other)),
        }
    }

    pub fn select(&self, prompt: &str, items: &[String], default: usize) -> anyhow::Result<usize> {
        match self.next_answer(prompt) {
            None => answer(
                dialoguer::Select::with_theme(&ColorfulTheme::default())
                    .with_prompt(prompt)
                    .items(items)
                    .default(default)
                    .interact(),
                "cannot read your choice",
            ),
            Some(Ok(Answer::Choice(i))) if i < items.len() => Ok(i),
            Some(other) => Err(unexpected(prompt, other)),
        }
    }

    /// A line of text, offered `default`, accepted once `validate` has no objection.
    pub fn input(
        &self,
        prompt: &str,
        default: Option<String>,
        validate: impl Fn(&str) -> Result<(), String>,
    ) -> anyhow::Result<String> {
        match self.next_answer(prompt) {
            None => {
                let theme = ColorfulTheme::default();
                let mut input = dialoguer::Input::<String>::with_theme(&theme)
                    .with_prompt(prompt)
                    .validate_with(|text: &String| validate(text));
                if let Some(default) = default {
                    input = input.default(default);
                }
                answer(input.interact_text(), "cannot read your answer")
            }
            Some(Ok(Answer::Text(text))) => {
                let text = if text.is_empty() {
                    default.unwrap_or_default()
                } else {
                    text
                };
                validate(&text).map_err(|why| anyhow::anyhow!("{why}"))?;
                Ok(text)
            }
            Some(other) => Err(unexpected(prompt, other)),
        }
    }

    /// Hidden input (a token, a key), asked again until `validate` has no objection: a typo
    /// costs a retry, not the command.
    pub fn password(
        &self,
        prompt: &str,
        allow_empty: bool,
        validate: impl Fn(&str) -> Result<(), String>,
    ) -> anyhow::Result<String> {
        match self.next_answer(prompt) {
            None => answer(
                dialoguer::Password::new()
                    .with_prompt(prompt)
                    .allow_empty_password(allow_empty)
                    .validate_with(|text: &String| validate(text))
                    .interact(),
                "cannot read your answer",
            ),
            Some(Ok(Answer::Text(text))) => {
                validate(&text).map_err(|why| anyhow::anyhow!("{why}"))?;
                Ok(text)
            }
            Some(other) => Err(unexpected(prompt, other)),
        }
    }

    /// The one confirmation rule for every command that writes the user's files: `--yes`
    /// (`yes`) is consent; otherwise the person at a terminal sees `diff` and answers; without
    /// a terminal nothing is written ([`Consent::NoTerminal`]), with or without one the same
    /// rule — a script must say `--yes`.
    pub fn consent(
        &self,
        diff: &str,
        prompt: &str,
        default: bool,
        yes: bool,
    ) -> anyhow::Result<Consent> {
        if yes {
            return Ok(Consent::Given);
        }
        if !self.interactive {
            return Ok(Consent::NoTerminal);
        }
        self.err(if self.color_stderr {
            crate::setup::diff::colorize(diff)
        } else {
            diff.to_string()
        });
        Ok(if self.confirm(prompt, default)? {
            Consent::Given
        } else {
            Consent::Declined
        })
    }
}

fn unexpected(prompt: &str, got: anyhow::Result<Answer>) -> anyhow::Error {
    match got {
        Err(err) => err,
        Ok(other) => anyhow::anyhow!("the script answers `{prompt}` with {other:?}"),
    }
}

/// A prompt's answer, or `what` went wrong. Ctrl-C at a prompt ends codexgw the way SIGINT
/// does, with the cursor shown again.
fn answer<T>(result: dialoguer::Result<T>, what: &'static str) -> anyhow::Result<T> {
    match result {
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            interrupted()
        }
        other => anyhow::Context::context(other, what),
    }
}

/// dialoguer hides the cursor while a menu is open and shows it again only when the prompt
/// returns; Ctrl-C ends the process in between, so without this the user's terminal is left
/// without a cursor. Exits with 130, as a shell expects after SIGINT. The one place outside
/// `main` that ends the process: a signal handler has no caller to return to.
fn interrupted() -> ! {
    eprintln!("\x1b[?25h");
    std::process::exit(130)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_yes_a_prompt_or_nothing_without_a_terminal() {
        let (ui, captured) = Ui::scripted(false, vec![]);
        assert_eq!(
            ui.consent("-a\n+b\n", "Write?", true, true).unwrap(),
            Consent::Given
        );
        assert_eq!(
            ui.consent("-a\n+b\n", "Write?", true, false).unwrap(),
            Consent::NoTerminal
        );
        assert_eq!(captured.stderr(), "", "nothing shown when nobody is asked");

        let (ui, captured) = Ui::scripted(true, vec![Answer::No, Answer::Yes]);
        assert_eq!(
            ui.consent("-a\n+b\n", "Write?", true, false).unwrap(),
            Consent::Declined
        );
        assert_eq!(
            ui.consent("-a\n+b\n", "Write?", true, false).unwrap(),
            Consent::Given
        );
        assert_eq!(captured.stderr(), "-a\n+b\n? Write?\n-a\n+b\n? Write?\n");
    }

    #[test]
    fn scripted_input_is_validated_and_takes_the_default_when_empty() {
        let (ui, _) = Ui::scripted(
            true,
            vec![Answer::Text(String::new()), Answer::Text("bad".into())],
        );
        let check = |t: &str| {
            if t.starts_with("https://") {
                Ok(())
            } else {
                Err(format!("`{t}` is no URL"))
            }
        };
        assert_eq!(
            ui.input("URL", Some("https://a".into()), check).unwrap(),
            "https://a"
        );
        assert_eq!(
            ui.input("URL", None, check).unwrap_err().to_string(),
            "`bad` is no URL"
        );
    }

    #[test]
    fn data_goes_to_stdout_and_status_to_stderr() {
        let (ui, captured) = Ui::scripted(false, vec![]);
        ui.out("data\n").unwrap();
        ui.status("status");
        ui.warn("careful");
        assert_eq!(captured.stdout(), "data\n");
        assert_eq!(captured.stderr(), "status\nwarning: careful\n");
    }
}
