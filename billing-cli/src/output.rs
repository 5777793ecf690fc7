//! Output for people (colours only on a terminal) or for machines (`--json`).

use std::io::IsTerminal;

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

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Reports a failure of the command on stderr.
    pub fn error(&self, e: &Failure) {
        if self.json {
            eprintln!("{}", serde_json::json!({"error": e.to_string()}));
        } else {
            eprintln!("billing: {e}");
        }
    }
}

/// Any failure of a command (I/O, store); exit code 1.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;
