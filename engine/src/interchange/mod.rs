//! Plans and schedules in other people's formats.
//!
//! - [`mspdi`]: Microsoft Project XML (MSPDI), read (summary tasks flattened, every link type
//!   with its lag, calendars and holidays, resources as teams) and written (the plan and its
//!   deterministic schedule, so MS Project and MPXJ-based tools open it with tasks, links,
//!   durations and dates intact).
//! - [`csv`]: a task list with the columns of SPEC section 4, as exported from trackers.
//! - [`ical`]: release deploy dates and open deploy windows as iCalendar (RFC 5545) events.
//!
//! Architecture invariant: no I/O here either; every reader takes text and returns a validated
//! [`crate::Plan`] or located [`crate::Diagnostic`]s, every writer returns text. Readers build
//! the plan, write it as TOML and read that back through [`crate::io`], so an imported plan
//! passes exactly the validation a hand-written one does.

pub mod csv;
pub mod ical;
pub mod mspdi;

use crate::diag::Diagnostic;
use crate::io::{self, Format};
use crate::model::Plan;

/// Validates a plan built by an importer by writing it as TOML and reading it back, so that an
/// imported plan meets every rule a written one must. Errors are those of the generated TOML;
/// they carry no position (it refers to text the user never saw) but name the task concerned.
fn revalidate(plan: &Plan) -> Result<Plan, Vec<Diagnostic>> {
    let text = io::to_toml(plan);
    io::parse_str(&text, Format::Toml)
        .map(|mut p| {
            io::clear_positions(&mut p);
            p
        })
        .map_err(|errs| {
            errs.into_iter()
                .map(|mut d| {
                    d.pos = None;
                    d
                })
                .collect()
        })
}

/// A plan id made of letters, digits, `.`, `_` and `-` from any text: other characters become
/// `-`, runs of `-` collapse, and an empty result becomes `fallback`.
pub(crate) fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// `base`, or `base-2`, `base-3`, ... whichever is not yet in `taken`; then records it.
pub(crate) fn unique(base: String, taken: &mut std::collections::HashSet<String>) -> String {
    let mut id = base.clone();
    let mut k = 2;
    while taken.contains(&id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Payments API v2", "x"), "payments-api-v2");
        assert_eq!(slug("  --Über: Café!! ", "x"), "ber-caf");
        assert_eq!(slug("***", "task-7"), "task-7");
        let mut taken = std::collections::HashSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
    }
}
