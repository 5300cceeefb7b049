//! toml_edit's parse, without its panics. On some broken files toml_edit reports the first
//! error and then trips over the rest (`all items have spans` on `==\n=\n.=`, found by the
//! engine's fuzz target): every parse of text codexgw did not write runs here, and such a file
//! gets the first error of toml_parser, the lexer and parser toml_edit and Codex's `toml` share
//! (Codex 0.171 says `config.toml:1:2: extra `=`, expected nothing` of that file, as this does).

use std::cell::Cell;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use toml_edit::Document;

/// Why a text is not TOML: where (a byte range of the text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsable {
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl From<toml_edit::TomlError> for Unparsable {
    fn from(error: toml_edit::TomlError) -> Unparsable {
        Unparsable {
            span: error.span(),
            message: error.message().to_string(),
        }
    }
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Keeps the panic that [`parse`] catches off the terminal; every other panic prints as
/// before. `main` installs it once.
pub fn install_quiet_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET.get() {
            default(info);
        }
    }));
}

/// `Document::parse(text)`, `source` being the same text as a `&str`.
pub fn parse<S: AsRef<str>>(source: &str, text: S) -> Result<Document<S>, Unparsable> {
    QUIET.set(true);
    let parsed = catch_unwind(AssertUnwindSafe(|| Document::parse(text)));
    QUIET.set(false);
    match parsed {
        Ok(parsed) => parsed.map_err(Unparsable::from),
        Err(_) => Err(first_error(source)),
    }
}

/// The first error toml_parser finds in `text`, worded as toml_edit words it.
fn first_error(text: &str) -> Unparsable {
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut first: Option<toml_parser::ParseError> = None;
    toml_parser::parser::parse_document(&tokens, &mut (), &mut first);
    let Some(error) = first else {
        return Unparsable {
            span: None,
            message: "the TOML parser gave up on this file".to_string(),
        };
    };
    let mut message = error.description().to_string();
    if let Some(expected) = error.expected() {
        let expected: Vec<String> = expected
            .iter()
            .map(|expected| match expected {
                toml_parser::Expected::Literal("\n") => "newline".to_string(),
                toml_parser::Expected::Literal("`") => "'`'".to_string(),
                toml_parser::Expected::Literal(literal)
                    if literal.chars().all(|c| c.is_ascii_control()) =>
                {
                    format!("`{}`", literal.escape_debug())
                }
                toml_parser::Expected::Literal(literal) => format!("`{literal}`"),
                toml_parser::Expected::Description(description) => description.to_string(),
                _ => "etc".to_string(),
            })
            .collect();
        message.push_str(", expected ");
        match expected.is_empty() {
            true => message.push_str("nothing"),
            false => message.push_str(&expected.join(", ")),
        }
    }
    Unparsable {
        span: error.unexpected().map(|span| span.start()..span.end()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_toml_edit_trips_over_gets_its_first_error() {
        let err = parse("==\n=\n.=", "==\n=\n.=").unwrap_err();
        assert_eq!(err.message, "extra `=`, expected nothing");
        assert_eq!(err.span, Some(1..2));
    }

    #[test]
    fn other_files_parse_or_fail_as_toml_edit_says() {
        assert!(parse("a = 1", "a = 1").is_ok());
        let err = parse("a = ", "a = ").unwrap_err();
        let toml_edit = Document::parse("a = ").unwrap_err();
        assert_eq!(err, Unparsable::from(toml_edit));
    }
}
