//! Reading plans: TOML, JSON, PSPLIB `.sm` and Patterson `.rcp`, validated into a [`Plan`].
//!
//! TOML and JSON are first read into one small value tree that keeps the byte offset of every
//! key and value (`tree`), then converted by one converter (`convert`) that collects every
//! error with its line and column. So the two formats accept the same structure and report
//! the same errors. PSPLIB and Patterson files have their own reader (`psplib`).
//!
//! Architecture invariant: nothing here panics on any input; every problem is a
//! [`Diagnostic`].

mod convert;
mod json;
mod psplib;
pub mod text;
mod toml_tree;
mod tree;
mod write;

use crate::diag::{Diagnostic, Pos};
use crate::model::{Patch, Plan};

/// The text format of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (`.toml`, and standard input).
    Toml,
    /// JSON (`.json`).
    Json,
    /// PSPLIB single-mode (`.sm`).
    Psplib,
    /// Patterson (`.rcp`).
    Patterson,
}

impl Format {
    /// The format named by a file's extension (`-`, standard input, is TOML).
    pub fn from_path(path: &str) -> Option<Format> {
        if path == "-" {
            return Some(Format::Toml);
        }
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "sm" => Some(Format::Psplib),
            "rcp" => Some(Format::Patterson),
            _ => None,
        }
    }
}

/// Parses and validates a plan, reporting every error found in one pass.
///
/// On failure the diagnostics are sorted by position; each names the task, team, release,
/// risk or calendar concerned (in its message and in [`Diagnostic::subject`]) and, for a
/// near-miss name, suggests the one probably meant.
///
/// ```
/// use shipdate_engine::io::{parse_str, Format};
///
/// let src = r#"
/// [plan]
/// name = "demo"
/// [teams.backend]
/// capacity = 2
/// [[tasks]]
/// id = "api"
/// team = "backedn"
/// estimate = { low = 3, likely = 5, high = 10 }
/// "#;
/// let errors = parse_str(src, Format::Toml).unwrap_err();
/// assert_eq!(errors[0].message, "unknown team `backedn` for task `api`");
/// assert_eq!(errors[0].help.as_deref(), Some("did you mean `backend`?"));
/// assert_eq!((errors[0].pos.unwrap().line, errors[0].pos.unwrap().column), (8, 8));
///
/// let json = r#"{ "plan": { "name": "demo" },
///                 "tasks": [ { "id": "a", "estimate": 3 } ] }"#;
/// let plan = parse_str(json, Format::Json).unwrap();
/// assert_eq!(plan.tasks[0].estimate.point(), 3.0);
/// ```
pub fn parse_str(src: &str, format: Format) -> Result<Plan, Vec<Diagnostic>> {
    match format {
        Format::Toml => match toml_tree::parse(src) {
            Ok(tree) => convert::convert(src, &tree),
            Err((at, msg)) => Err(syntax_error(src, at, "TOML", &msg)),
        },
        Format::Json => match json::parse(src) {
            Ok(tree) => convert::convert(src, &tree),
            Err((at, msg)) => Err(syntax_error(src, at, "JSON", &msg)),
        },
        Format::Psplib => psplib::parse_sm(src),
        Format::Patterson => psplib::parse_rcp(src),
    }
}

/// [`parse_str`] for a caller that applies the plan's scenarios: when the plan outside its
/// `[[scenarios]]` tables is valid, the plan with the scenarios' well-formed changes and the
/// errors found in the scenario tables (sorted; the plan is not valid if there are any), so
/// that those errors and the ones applying the scenarios finds are reported in one run.
/// `scenario::parse_str` is that caller.
pub fn parse_keeping_scenarios(
    src: &str,
    format: Format,
) -> Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>> {
    match format {
        Format::Toml => match toml_tree::parse(src) {
            Ok(tree) => convert::convert_parts(src, &tree),
            Err((at, msg)) => Err(syntax_error(src, at, "TOML", &msg)),
        },
        Format::Json => match json::parse(src) {
            Ok(tree) => convert::convert_parts(src, &tree),
            Err((at, msg)) => Err(syntax_error(src, at, "JSON", &msg)),
        },
        Format::Psplib | Format::Patterson => parse_str(src, format).map(|p| (p, Vec::new())),
    }
}

/// Writes a plan as TOML in the plan format's canonical form (defaults left out), such that
/// `parse_str(&to_toml(&plan), Format::Toml)` gives the plan back, positions aside.
///
/// ```
/// use shipdate_engine::io::{clear_positions, parse_str, to_toml, Format};
///
/// let mut plan = parse_str(
///     "[plan]\nname = \"demo\"\n[[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 2, high = 4 }\n",
///     Format::Toml,
/// ).unwrap();
/// let text = to_toml(&plan);
/// assert!(text.contains("estimate = { low = 1, likely = 2, high = 4 }"));
/// let mut back = parse_str(&text, Format::Toml).unwrap();
/// clear_positions(&mut plan);
/// clear_positions(&mut back);
/// assert_eq!(back, plan);
/// ```
pub fn to_toml(plan: &Plan) -> String {
    write::to_toml(plan)
}

/// Writes a plan as JSON with the same structure as [`to_toml`] (dates as `"YYYY-MM-DD"`),
/// such that `parse_str(&to_json(&plan), Format::Json)` gives the plan back, positions aside.
pub fn to_json(plan: &Plan) -> String {
    write::to_json(plan)
}

/// Sets every `pos` in the plan to `None`: two plans read from different texts (a TOML file
/// and its JSON twin, or a plan and its written-back form) compare equal after this when they
/// say the same thing.
pub fn clear_positions(plan: &mut Plan) {
    for t in &mut plan.teams {
        t.pos = None;
    }
    for t in &mut plan.tasks {
        t.pos = None;
        for l in &mut t.after {
            l.pos = None;
        }
    }
    for r in &mut plan.risks {
        r.pos = None;
    }
    for c in &mut plan.correlations {
        c.pos = None;
    }
    for r in &mut plan.releases {
        r.pos = None;
    }
    for s in &mut plan.scenarios {
        s.pos = None;
        for c in &mut s.changes {
            c.pos = None;
            c.fields.iter_mut().for_each(|f| f.pos = None);
            match &mut c.patch {
                Patch::Team { value, .. } => value.pos = None,
                Patch::Task { value, .. } => {
                    value.pos = None;
                    value.after.iter_mut().for_each(|l| l.pos = None);
                }
                Patch::Risk { value, .. } => value.pos = None,
                Patch::Release { value, .. } => value.pos = None,
            }
        }
    }
}

fn syntax_error(src: &str, at: usize, lang: &str, msg: &str) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        Some(Pos::of_offset(src, at)),
        format!("{lang} syntax error: {msg}"),
    )]
}

/// Diagnostics in source order (those without a position last); the sort is stable.
fn sorted(errs: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diag::sort_by_position(errs)
}
