//! Plan-quality warnings on the terminal: grouped by kind on large plans, so that a
//! 2,000-task plan's hundreds of open-end warnings take two lines, not hundreds.

use std::collections::HashMap;

use shipdate_engine::Diagnostic;

/// Diagnostics that say the same thing about different subjects (one kind of warning) are
/// grouped when there are more than [`GROUP_ABOVE`] of a kind.
pub const GROUP_ABOVE: usize = 5;

/// How many subjects a grouped line names.
const SUBJECTS_SHOWN: usize = 5;

/// The lines to print for `warnings` about `file`: each one as it is, or, for a kind with
/// more than [`GROUP_ABOVE`] warnings (unless `all`), its first warning followed by one line
/// with the count of the others and their first few subjects. A kind is the shape of the
/// message and advice: the same words, whatever the names (in backquotes) and numbers. Lines
/// keep the order of the warnings.
pub fn warning_lines(warnings: &[Diagnostic], file: &str, all: bool) -> Vec<String> {
    let kind = |d: &Diagnostic| {
        let mut k = shape(&d.message);
        if let Some(h) = &d.help {
            k.push('\0');
            k.push_str(&shape(h));
        }
        k
    };
    let mut counts: HashMap<String, Vec<usize>> = Default::default();
    for (i, w) in warnings.iter().enumerate() {
        counts.entry(kind(w)).or_default().push(i);
    }
    let mut lines = Vec::new();
    for (i, w) in warnings.iter().enumerate() {
        let members = &counts[&kind(w)];
        if all || members.len() <= GROUP_ABOVE {
            lines.push(w.render(file));
            continue;
        }
        if members[0] != i {
            continue;
        }
        lines.push(w.render(file));
        let rest = &members[1..];
        let mut named: Vec<String> = rest
            .iter()
            .take(SUBJECTS_SHOWN)
            .map(|&k| match (subject(&warnings[k]), warnings[k].pos) {
                (Some(s), Some(p)) => format!("`{s}` ({}:{})", p.line, p.column),
                (Some(s), None) => format!("`{s}`"),
                (None, Some(p)) => format!("line {}", p.line),
                (None, None) => "(no location)".to_string(),
            })
            .collect();
        if rest.len() > SUBJECTS_SHOWN {
            named.push(format!("and {} more", rest.len() - SUBJECTS_SHOWN));
        }
        lines.push(format!(
            "{file}: warning: {} more like it: {} (--all-warnings lists each)",
            rest.len(),
            named.join(", ")
        ));
    }
    lines
}

/// The text with every name in backquotes written `` `_` `` and every number `#`.
fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut in_number = false;
    for c in text.chars() {
        if quoted {
            if c == '`' {
                quoted = false;
                out.push_str("_`");
            }
            continue;
        }
        if c == '`' {
            quoted = true;
            in_number = false;
            out.push('`');
        } else if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Whom a warning concerns: its subject, or else the first name in backquotes in its message.
fn subject(d: &Diagnostic) -> Option<String> {
    d.subject.clone().or_else(|| {
        let mut parts = d.message.split('`');
        parts.next()?;
        parts.next().map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdate_engine::diag::Pos;

    fn open_start(id: &str, line: u32) -> Diagnostic {
        Diagnostic::warning(
            Some(Pos { line, column: 1 }),
            format!("task `{id}` has no predecessor: it can start on day 0"),
        )
        .with_subject(id)
        .with_help("link it")
    }

    #[test]
    fn shapes_ignore_names_and_numbers() {
        assert_eq!(
            shape("task `a.1` has a lag of 12.5 days after `b`"),
            "task `_` has a lag of # days after `_`"
        );
        // An unclosed quote swallows the rest.
        assert_eq!(shape("v2 `x y"), "v# `");
    }

    #[test]
    fn few_warnings_are_listed_as_they_are_many_are_grouped() {
        let few: Vec<Diagnostic> = (0..5)
            .map(|i| open_start(&format!("t{i}"), i + 1))
            .collect();
        let lines = warning_lines(&few, "p.toml", false);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], few[4].render("p.toml"));

        let mut many: Vec<Diagnostic> = (0..400)
            .map(|i| open_start(&format!("t{i}"), i + 10))
            .collect();
        // Another kind in between, with no subject: its name comes from the message.
        many.insert(
            2,
            Diagnostic::warning(None, "resource `Boxes` is a material resource: not a team"),
        );
        let lines = warning_lines(&many, "p.toml", false);
        assert_eq!(
            lines,
            [
                "p.toml:10:1: warning: task `t0` has no predecessor: it can start on day 0 (link it)",
                "p.toml: warning: 399 more like it: `t1` (11:1), `t2` (12:1), `t3` (13:1), `t4` (14:1), `t5` (15:1), and 394 more (--all-warnings lists each)",
                "p.toml: warning: resource `Boxes` is a material resource: not a team",
            ]
        );
        assert_eq!(warning_lines(&many, "p.toml", true).len(), 401);
        // Six of a kind are grouped: the first, then five named.
        let six: Vec<Diagnostic> = (0..6)
            .map(|i| open_start(&format!("t{i}"), i + 1))
            .collect();
        let lines = warning_lines(&six, "f", false);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("f: warning: 5 more like it: `t1` (2:1)"));
        assert!(lines[1].contains("`t5` (6:1) (--all"), "{}", lines[1]);
    }
}
