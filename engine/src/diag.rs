//! Located diagnostics: what is wrong with a plan, where, and what was probably meant.

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan is invalid; nothing can be computed from it.
    Error,
    /// The plan is valid but something looks wrong (plan-quality checks).
    Warning,
}

/// A position in the source text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Pos {
    /// The line and column of byte offset `offset` in `src`.
    pub fn of_offset(src: &str, offset: usize) -> Pos {
        let offset = offset.min(src.len());
        let before = &src[..floor_char_boundary(src, offset)];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() as u32 + 1;
        Pos { line, column }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding about a plan: an error or a warning, with where it is and whom it concerns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the source, when known.
    pub pos: Option<Pos>,
    /// What is wrong, in words, naming the task, team or release concerned.
    pub message: String,
    /// The id of the task, team, release, risk or calendar concerned, when there is one.
    pub subject: Option<String>,
    /// A suggestion, such as the near-miss name that was probably meant.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `pos`.
    pub fn error(pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pos,
            message: message.into(),
            subject: None,
            help: None,
        }
    }

    /// A warning at `pos`.
    pub fn warning(pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pos, message)
        }
    }

    /// The same diagnostic naming `subject`.
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The same diagnostic with a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders `FILE:LINE:COLUMN: error: MESSAGE (help)` as the CLI prints it.
    pub fn render(&self, file: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = match self.pos {
            Some(p) => format!("{file}:{}:{}", p.line, p.column),
            None => file.to_string(),
        };
        match &self.help {
            Some(h) => format!("{loc}: {sev}: {} ({h})", self.message),
            None => format!("{loc}: {sev}: {}", self.message),
        }
    }
}

/// Diagnostics in source order (those without a position last); the sort is stable.
pub(crate) fn sort_by_position(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::sorting::sort_by_key(&mut diags, |d| (d.pos.is_none(), d.pos));
    diags
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        let dist = strsim::levenshtein(name, c);
        let close = dist <= 2.max(name.len() / 4) || score >= 0.85;
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let src = "ab\ncdé\nx";
        assert_eq!(Pos::of_offset(src, 0), Pos { line: 1, column: 1 });
        assert_eq!(Pos::of_offset(src, 3), Pos { line: 2, column: 1 });
        assert_eq!(Pos::of_offset(src, 7), Pos { line: 2, column: 4 });
        assert_eq!(Pos::of_offset(src, 8), Pos { line: 3, column: 1 });
    }

    #[test]
    fn suggestions_find_near_misses_only() {
        let names = ["backend", "frontend", "qa"];
        assert_eq!(suggest("backedn", names), Some("backend"));
        assert_eq!(suggest("frontent", names), Some("frontend"));
        assert_eq!(suggest("marketing", names), None);
    }
}
