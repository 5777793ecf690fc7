//! Output for people (colours only on a terminal) or for machines (`--json`), and the failures that
//! carry a stable error code and decide the exit code.

use std::fmt;
use std::io::IsTerminal;

use billing_core::ErrorCode;

/// How the command prints.
pub struct Output {
    /// JSON for machines instead of text for people.
    pub json: bool,
    /// Whether stdout is a terminal (colours allowed).
    pub color: bool,
}

impl Output {
    /// Decides colours from the terminal and `NO_COLOR`.
    pub fn new(json: bool) -> Output {
        let color =
            !json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Output { json, color }
    }

    /// `text` in green when colours are on.
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    /// `text` in red when colours are on.
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    /// `text` in yellow when colours are on.
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    /// `text` in bold when colours are on.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Reports a failure of the command on stderr: `billing: <code>: <message>`, or with `--json`
    /// `{"error": <message>, "code": <code>}` (the code is absent for failures without one).
    pub fn error(&self, e: &Failure) {
        let code = e.downcast_ref::<Coded>().map(|c| c.code.as_str());
        if self.json {
            let mut v = serde_json::json!({"error": message_of(e)});
            if let Some(code) = code {
                v["code"] = code.into();
            }
            eprintln!("{v}");
        } else {
            match code {
                Some(code) => eprintln!("billing: {code}: {}", message_of(e)),
                None => eprintln!("billing: {e}"),
            }
        }
    }

    /// Prints a value as one line of JSON on stdout.
    pub fn print_json<T: serde::Serialize>(&self, value: &T) -> Result<(), Failure> {
        println!("{}", serde_json::to_string(value)?);
        Ok(())
    }
}

fn message_of(e: &Failure) -> String {
    match e.downcast_ref::<Coded>() {
        Some(c) => c.message.clone(),
        None => e.to_string(),
    }
}

/// Any failure of a command; exit code 1, or 2 for invalid input ([`Coded::invalid_input`]).
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A failure with a stable dotted code (`invoice.unknown`, `project.not_found`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    /// The stable code.
    pub code: String,
    /// The message for people.
    pub message: String,
    /// Whether the input was bad (exit code 2) rather than the command failing (exit code 1).
    pub invalid_input: bool,
}

impl Coded {
    /// A failure of the command (exit code 1).
    pub fn failed(code: &str, message: impl Into<String>) -> Coded {
        Coded {
            code: code.to_string(),
            message: message.into(),
            invalid_input: false,
        }
    }

    /// Bad input on the command line (exit code 2).
    pub fn invalid(code: &str, message: impl Into<String>) -> Coded {
        Coded {
            invalid_input: true,
            ..Coded::failed(code, message)
        }
    }

    /// A library error with its code; invalid input when the library says so.
    pub fn of(e: &(impl ErrorCode + fmt::Display)) -> Coded {
        Coded {
            code: e.code().to_string(),
            message: e.to_string(),
            invalid_input: e.is_invalid_input(),
        }
    }
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Coded {}

/// Converts a library error into a [`Failure`] with its code.
pub fn coded(e: impl ErrorCode + fmt::Display) -> Failure {
    Box::new(Coded::of(&e))
}

/// The exit code of a failure: 2 for invalid input, 1 otherwise.
pub fn exit_code(e: &Failure) -> u8 {
    match e.downcast_ref::<Coded>() {
        Some(c) if c.invalid_input => 2,
        _ => 1,
    }
}

/// A plain text table: a header row and rows, columns padded to their widest cell (in characters,
/// so Cyrillic lines up too). The last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let n = cells.len();
        let mut s = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            s.push_str(cell);
            if i + 1 < n {
                let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pad_by_characters() {
        let t = table(
            &["номер", "сума"],
            &[vec!["HOR-11111-001".into(), "1 200,00 грн".into()]],
        );
        assert_eq!(t, "номер          сума\nHOR-11111-001  1 200,00 грн\n");
    }

    #[test]
    fn invalid_input_exits_2() {
        let e: Failure = Box::new(Coded::invalid("x.y", "bad"));
        assert_eq!(exit_code(&e), 2);
        let e: Failure = Box::new(Coded::failed("x.y", "failed"));
        assert_eq!(exit_code(&e), 1);
        let e: Failure = "plain".into();
        assert_eq!(exit_code(&e), 1);
    }
}
