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
                status: None,
            };
            plans.push(csv::import(jira, &options).unwrap());
        }
        let progress = csv::CsvOptions {
            name: "progress".into(),
            start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4),
            status: chrono::NaiveDate::from_ymd_opt(2027, 1, 18).map(crate::model::When::Date),
        };
        plans.push(
            csv::import(
                include_str!("../../../tests/data/interchange/progress.csv"),
                &progress,
            )
            .unwrap(),
        );
        for mut plan in plans {
            assert!(plan.tasks.iter().all(|t| t.pos.is_some()));
            let mut back = io::parse_str(&io::to_toml(&plan), Format::Toml).unwrap();
            io::clear_positions(&mut back);
            io::clear_positions(&mut plan);
            assert_eq!(plan, back);
        }
    }

    /// The progress columns (SPEC section 6) import to the plan the same progress written in
    /// TOML reads as: dated (dates, `--status-date`) and undated (periods, `status`).
    #[test]
    fn csv_progress_columns_equal_their_toml() {
        use crate::io::{self, Format};
        use crate::model::When;
        let dated = include_str!("../../../tests/data/interchange/progress.csv");
        let options = csv::CsvOptions {
            name: "progress".into(),
            start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4),
            status: chrono::NaiveDate::from_ymd_opt(2027, 1, 18).map(When::Date),
        };
        let undated = "id,estimate,after,Started,DONE,remaining,progress,not_before,due\n\
                       a,3,,0,2.5,,,,\n\
                       b,2/4/8,a,3,,2,,,20\n\
                       c,5,a,4,,,0.25,,\n\
                       d,2,c,,,,,12,30\n";
        let undated_toml = r#"[plan]
name = "undated"
status = 10

[[tasks]]
id = "a"
estimate = 3
started = 0
done = 2.5

[[tasks]]
id = "b"
estimate = { low = 2, likely = 4, high = 8 }
after = ["a"]
started = 3
remaining = 2
due = 20

[[tasks]]
id = "c"
estimate = 5
after = ["a"]
started = 4
progress = 0.25

[[tasks]]
id = "d"
estimate = 2
after = ["c"]
not_before = 12
due = 30
"#;
        let cases = [
            (
                csv::import(dated, &options).unwrap(),
                include_str!("../../../tests/data/interchange/progress.expected.toml"),
            ),
            (
                csv::import(
                    undated,
                    &csv::CsvOptions {
                        name: "undated".into(),
                        start: None,
                        status: Some(When::Period(10.0)),
                    },
                )
                .unwrap(),
                undated_toml,
            ),
        ];
        for (mut plan, toml) in cases {
            assert!(plan.tasks.iter().all(|t| t.pos.is_some()));
            assert!(plan.status.is_some());
            let mut want = io::parse_str(toml, Format::Toml).unwrap();
            io::clear_positions(&mut want);
            io::clear_positions(&mut plan);
            assert_eq!(plan, want);
        }
    }

    /// An unreadable progress cell is an error at its row and column; a rule of SPEC section 6
    /// broken across cells (done after the status date) is plan validation's, at the row.
    #[test]
    fn csv_progress_errors_are_located() {
        use crate::model::When;
        let options = csv::CsvOptions {
            name: "p".into(),
            start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4),
            status: chrono::NaiveDate::from_ymd_opt(2027, 1, 18).map(When::Date),
        };
        let src = "id,estimate,started,done,remaining,progress,not_before,due\n\
                   a,3,2027-13-01,,,,,\n\
                   b,3,2027-01-05,,1/x/3,,,\n\
                   c,3,2027-01-05,,,1.5,,\n\
                   d,3,2027-01-05,,,abc%,,\n\
                   e,3,,,,,soon,2027-02-30\n\
                   f,3,2027-01-05,,,60%,,\n";
        let errors = csv::import(src, &options).err().unwrap();
        let at: Vec<(u32, u32)> = errors
            .iter()
            .map(|d| {
                let p = d.pos.unwrap();
                (p.line, p.column)
            })
            .collect();
        assert_eq!(
            at,
            vec![(2, 5), (3, 17), (4, 18), (5, 18), (6, 9), (6, 14)],
            "{errors:?}"
        );
        assert!(errors[0]
            .message
            .contains("`started` `2027-13-01` of task `a`"));
        assert!(errors[1].message.contains("for the remaining of task `b`"));
        assert!(errors[2].message.contains("`progress` `1.5` of task `c`"));
        assert!(errors[3].message.contains("`progress` `abc%` of task `d`"));
        assert!(errors[4].message.contains("`not_before` `soon`"));
        assert!(errors[5].message.contains("`due` `2027-02-30`"));

        // A date in an undated plan says the plan has no start date.
        let undated = csv::CsvOptions::default();
        let errors = csv::import(
            "id,estimate,due
a,3,2027-01-05
",
            &undated,
        )
        .err()
        .unwrap();
        assert_eq!(errors[0].pos.map(|p| (p.line, p.column)), Some((2, 5)));
        assert!(errors[0].message.contains("the plan has no start date"));

        // Done after the status date: a validation error at the row of the task.
        let src = "id,estimate,started,done
a,3,2027-01-04,2027-01-06
b,3,2027-01-05,2027-01-20
";
        let errors = csv::import(src, &options).err().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("after the status date"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].pos.map(|p| p.line), Some(3));

        // Progress without a status date: validation says to give one.
        let plain = csv::CsvOptions {
            status: None,
            ..options
        };
        let errors = csv::import(
            "id,estimate,started
a,3,2027-01-05
",
            &plain,
        )
        .err()
        .unwrap();
        assert!(
            errors[0].message.contains("needs a status date"),
            "{errors:?}"
        );
        assert_eq!(errors[0].pos.map(|p| p.line), Some(2));
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
            ..csv::CsvOptions::default()
        };
        let errors = csv::import(src, &options).err().unwrap();
        assert!(errors[0].message.contains("cycle"), "{}", errors[0].message);
        assert!(matches!(errors[0].pos.map(|p| p.line), Some(2 | 3)));
    }
}
