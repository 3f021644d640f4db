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
//! the plan with the model's constructors, record where each entity was written (`pos`), and
//! check it with [`crate::validate::validate`], so an imported plan passes exactly the
//! validation a hand-written one does and its errors point into the imported file.

pub mod csv;
pub mod ical;
pub mod mspdi;

use crate::diag::Diagnostic;
use crate::model::Plan;

/// A plan built by an importer, if it meets every rule a written one must
/// ([`crate::validate::validate`]); else every error, located at the entity's place in the
/// imported file where the importer recorded it (an MSPDI `<Task>`, a CSV row).
fn checked(plan: Plan) -> Result<Plan, Vec<Diagnostic>> {
    let errors = crate::validate::validate(&plan);
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
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

    /// The plan an importer checks directly is the plan its TOML reads back as: importing and
    /// writing a plan file loses nothing, and the file passes the same checks.
    #[test]
    fn imported_plans_equal_their_toml_read_back() {
        use crate::io::{self, Format};
        let mspdi = [
            include_str!("../../../tests/data/interchange/msproject.xml"),
            include_str!("../../../tests/data/interchange/mpxj-written.xml"),
        ];
        let mut plans: Vec<Plan> = mspdi
            .iter()
            .map(|x| mspdi::import(x).unwrap().plan)
            .collect();
        let jira = include_str!("../../../tests/data/interchange/jira.csv");
        for start in [None, chrono::NaiveDate::from_ymd_opt(2027, 1, 4)] {
            let options = csv::CsvOptions {
                name: "jira".into(),
                start,
            };
            plans.push(csv::import(jira, &options).unwrap());
        }
        for mut plan in plans {
            assert!(plan.tasks.iter().all(|t| t.pos.is_some()));
            let mut back = io::parse_str(&io::to_toml(&plan), Format::Toml).unwrap();
            io::clear_positions(&mut back);
            io::clear_positions(&mut plan);
            assert_eq!(plan, back);
        }
    }

    /// An error in an imported plan points at the element or row it comes from.
    #[test]
    fn import_errors_are_located_in_the_imported_file() {
        let xml = r#"<Project xmlns="http://schemas.microsoft.com/project">
  <Name>Loop</Name>
  <Tasks>
    <Task><UID>1</UID><ID>1</ID><Name>A</Name><Duration>PT8H0M0S</Duration>
      <PredecessorLink><PredecessorUID>2</PredecessorUID></PredecessorLink></Task>
    <Task><UID>2</UID><ID>2</ID><Name>B</Name><Duration>PT8H0M0S</Duration>
      <PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink></Task>
  </Tasks></Project>"#;
        let errors = mspdi::import(xml).err().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("cycle"), "{}", errors[0].message);
        // At a `<PredecessorLink>` of the cycle.
        let line = errors[0].pos.unwrap().line;
        assert!(line == 5 || line == 7, "at line {line}");

        let src = "id,estimate,after\na,3,b\nb,2,a\n";
        let options = csv::CsvOptions {
            name: "loop".into(),
            start: None,
        };
        let errors = csv::import(src, &options).err().unwrap();
        assert!(errors[0].message.contains("cycle"), "{}", errors[0].message);
        assert!(matches!(errors[0].pos.map(|p| p.line), Some(2 | 3)));
    }
}
