//! Progress and date constraints (SPEC section 6): the project's status date, each task's
//! actuals (`ActualStart`, `ActualFinish`, `PercentComplete`, `RemainingDuration`), its
//! constraint and deadline, and the dates of manually scheduled tasks.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use super::super::xml::Element;
use super::super::DATE1;
use super::tasks::Leaves;
use super::{date_of, datetime_of, duration_minutes, ext_value, tidy, Cx};
use crate::model::{Calendar, Estimate, When};

/// `ConstraintType` values shipdate expresses: must start on and start no earlier than (as
/// `not_before`), finish no later than (as `due`).
const MUST_START_ON: i64 = 2;
const START_NO_EARLIER_THAN: i64 = 4;
const FINISH_NO_LATER_THAN: i64 = 7;

/// The name of a constraint type shipdate cannot express.
fn unsupported(kind: i64) -> String {
    match kind {
        1 => "as late as possible".to_string(),
        3 => "must finish on".to_string(),
        5 => "start no later than".to_string(),
        6 => "finish no earlier than".to_string(),
        k => format!("of unknown type {k}"),
    }
}

/// A date-time field of `el` (a bare date reads as its midnight); an unreadable one is an
/// error located at the field.
fn moment(cx: &mut Cx, el: &Element, field: &str, who: &str) -> Option<NaiveDateTime> {
    let c = el.child(field)?;
    let text = c.text.trim();
    if text.is_empty() {
        return None;
    }
    let t = datetime_of(text).or_else(|| {
        date_of(text)
            .filter(|_| text.len() == 10)
            .map(|d| d.and_time(NaiveTime::MIN))
    });
    if t.is_none() {
        cx.error(
            c,
            format!("{who}: `{field}` `{text}` is not a date-time (such as 2027-01-04T08:00:00)"),
        );
    }
    t
}

/// The day whose start a moment stands for: its own day when it is at or before the start of
/// the working day (`DefaultStartTime`), else the next day (a status date of Friday 17:00 is
/// "as of" the following Monday morning; a day that is not worked counts from the next
/// working one).
fn day_from(cx: &Cx, t: NaiveDateTime) -> NaiveDate {
    if t.time() <= cx.day_start {
        t.date()
    } else {
        t.date().checked_add_days(Days::new(1)).unwrap_or(t.date())
    }
}

/// What one task's row says about its progress, before the status date is known.
struct Row {
    started: Option<NaiveDateTime>,
    done: Option<NaiveDateTime>,
}

/// Reads the status date and every task's progress, constraint and deadline into `leaves`;
/// returns the status date (`None` when the file has neither a status date nor actuals).
pub(super) fn read(
    cx: &mut Cx,
    root: &Element,
    leaves: &mut Leaves,
    not_before_in_date1: bool,
    calendar: &Calendar,
) -> Option<NaiveDate> {
    let mut rows = Vec::with_capacity(leaves.tasks.len());
    for j in 0..leaves.tasks.len() {
        let el = leaves.raw[j].el;
        let who = format!("task `{}`", leaves.tasks[j].id);
        let started = moment(cx, el, "ActualStart", &who);
        let done = moment(cx, el, "ActualFinish", &who);
        rows.push(Row { started, done });
        task(
            cx,
            leaves,
            j,
            started.is_some() || done.is_some(),
            not_before_in_date1,
        );
    }
    let status = status(cx, root, &rows, calendar);
    for (j, row) in rows.iter().enumerate() {
        let t = &mut leaves.tasks[j];
        t.actual.started = row.started.map(|s| When::Date(s.date()));
        t.actual.done = row.done.map(|d| When::Date(d.date()));
        if row.done.is_none() && row.started.is_some() {
            let el = leaves.raw[j].el;
            let remaining = el.text_of("RemainingDuration").and_then(duration_minutes);
            if let Some(minutes) = remaining {
                let days = cx.working_days(minutes, el.int("DurationFormat"));
                t.actual.remaining = Some(Estimate::Fixed {
                    value: tidy(days.max(0.0)),
                });
            } else if let Some(pc) = el.num("PercentComplete") {
                if pc >= 100.0 {
                    t.actual.remaining = Some(Estimate::Fixed { value: 0.0 });
                } else {
                    t.actual.progress = Some(tidy(pc.max(0.0) / 100.0));
                }
            }
        }
    }
    status
}

/// A task's constraint, deadline and (manually scheduled, not started) fixed start.
fn task(cx: &mut Cx, leaves: &mut Leaves, j: usize, has_actuals: bool, not_before_in_date1: bool) {
    let el = leaves.raw[j].el;
    let who = format!("task `{}`", leaves.tasks[j].id);
    let mut not_before: Option<NaiveDate> = None;
    let mut due: Option<NaiveDate> = None;
    if el.flag("Manual") && !has_actuals {
        // MS Project keeps a manually scheduled task where it is put: shipdate keeps it from
        // starting earlier.
        not_before = moment(cx, el, "Start", &who).map(|t| day_from(cx, t));
    }
    let kind = el.int("ConstraintType").unwrap_or(0);
    if kind != 0 {
        let date = moment(cx, el, "ConstraintDate", &who);
        match (kind, date) {
            (START_NO_EARLIER_THAN, _) if not_before_in_date1 => {
                // shipdate's own export: this constraint may only pin a start that capacity
                // set; the plan's `not_before` is in Date1.
            }
            (MUST_START_ON | START_NO_EARLIER_THAN, Some(d)) => {
                let d = day_from(cx, d);
                not_before = Some(not_before.map_or(d, |n| n.max(d)));
            }
            (FINISH_NO_LATER_THAN, Some(d)) => due = Some(d.date()),
            (MUST_START_ON | START_NO_EARLIER_THAN | FINISH_NO_LATER_THAN, None) => cx.warn(
                Some(el),
                format!("{who}: a date constraint without a ConstraintDate is ignored"),
            ),
            (k, _) => cx.warn(
                Some(el),
                format!(
                    "{who}: constraint {} ignored (shipdate has start-no-earlier-than dates and deadlines only)",
                    unsupported(k)
                ),
            ),
        }
    }
    if not_before_in_date1 {
        if let Some(v) = ext_value(el, DATE1) {
            match datetime_of(v) {
                Some(t) => not_before = Some(day_from(cx, t)),
                None => cx.warn(
                    Some(el),
                    format!("{who}: `shipdate not before` `{v}` is not a date: ignored"),
                ),
            }
        }
    }
    if let Some(d) = moment(cx, el, "Deadline", &who) {
        due = Some(due.map_or(d.date(), |x| x.min(d.date())));
    }
    let t = &mut leaves.tasks[j];
    t.dates.not_before = not_before.map(When::Date);
    t.dates.due = due.map(When::Date);
}

/// The working day of the project calendar on or after `d` (a status moment after the
/// working time of Friday is as of Monday: the same status time, named by the day it means).
fn working_day(calendar: &Calendar, d: NaiveDate) -> NaiveDate {
    d.iter_days()
        .take(366)
        .find(|&x| calendar.is_workday(x))
        .unwrap_or(d)
}

/// The status date: the project's `StatusDate`; without one, when tasks have actuals, the
/// project's `CurrentDate` if it is not before any of them (MS Project's own reading of a file
/// without a status date), else the latest actual, noted either way.
fn status(cx: &mut Cx, root: &Element, rows: &[Row], calendar: &Calendar) -> Option<NaiveDate> {
    if let Some(t) = moment(cx, root, "StatusDate", "the project") {
        return Some(working_day(calendar, day_from(cx, t)));
    }
    let latest = rows
        .iter()
        .flat_map(|r| [r.started, r.done])
        .flatten()
        .max()?;
    let current = root.text_of("CurrentDate").and_then(datetime_of);
    let (day, why) = match current {
        Some(c) if c >= latest => (day_from(cx, c), "the project's CurrentDate"),
        _ => (day_from(cx, latest), "the latest actual start or finish"),
    };
    let day = working_day(calendar, day);
    cx.warn(
        None,
        format!("the file has actuals but no StatusDate: progress is taken as of {day} ({why})"),
    );
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::super::import;
    use crate::model::{Estimate, When};
    use chrono::NaiveDate;

    fn day(m: u32, d: u32) -> Option<When> {
        Some(When::Date(NaiveDate::from_ymd_opt(2027, m, d).unwrap()))
    }

    /// An MSPDI document from Monday 4 January 2027 with `header` fields and these task rows
    /// (each a 5-day task named T1, T2, ... with `fields`).
    fn doc(header: &str, rows: &[&str]) -> String {
        let tasks: String = rows
            .iter()
            .enumerate()
            .map(|(i, f)| {
                format!(
                    "<Task><UID>{0}</UID><ID>{0}</ID><Name>T{0}</Name><Duration>PT40H0M0S</Duration>\n{f}</Task>\n",
                    i + 1
                )
            })
            .collect();
        format!(
            "<Project xmlns=\"http://schemas.microsoft.com/project\">\n<StartDate>2027-01-04T08:00:00</StartDate>{header}\n<Tasks>\n{tasks}</Tasks></Project>\n"
        )
    }

    fn notes(src: &str) -> Vec<String> {
        import(src)
            .unwrap()
            .notes
            .iter()
            .map(|n| n.render("f"))
            .collect()
    }

    #[test]
    fn constraints_become_not_before_and_due() {
        let src = doc(
            "",
            &[
                // Start no earlier than Wednesday 08:00: from Wednesday.
                "<ConstraintType>4</ConstraintType><ConstraintDate>2027-01-06T08:00:00</ConstraintDate>",
                // Must start on Wednesday 13:00: not before Thursday (whole days, never earlier).
                "<ConstraintType>2</ConstraintType><ConstraintDate>2027-01-06T13:00:00</ConstraintDate>",
                // Finish no later than: a deadline on that day.
                "<ConstraintType>7</ConstraintType><ConstraintDate>2027-01-22T17:00:00</ConstraintDate>",
                // A deadline, and a finish-no-later-than before it: the earlier is due.
                "<ConstraintType>7</ConstraintType><ConstraintDate>2027-01-20T17:00:00</ConstraintDate><Deadline>2027-01-29T17:00:00</Deadline>",
                "<Deadline>2027-02-05T17:00:00</Deadline>",
                "<ConstraintType>0</ConstraintType>",
            ],
        );
        let imported = import(&src).unwrap();
        let dates: Vec<_> = imported
            .plan
            .tasks
            .iter()
            .map(|t| (t.dates.not_before, t.dates.due))
            .collect();
        assert_eq!(
            dates,
            vec![
                (day(1, 6), None),
                (day(1, 7), None),
                (None, day(1, 22)),
                (None, day(1, 20)),
                (None, day(2, 5)),
                (None, None),
            ]
        );
        assert!(imported.notes.is_empty(), "{:?}", imported.notes);
        assert_eq!(imported.plan.status, None);
    }

    #[test]
    fn constraints_shipdate_cannot_express_are_noted_at_their_task() {
        let src = doc(
            "",
            &[
                "<ConstraintType>1</ConstraintType>",
                "<ConstraintType>3</ConstraintType><ConstraintDate>2027-01-08T17:00:00</ConstraintDate>",
                "<ConstraintType>5</ConstraintType><ConstraintDate>2027-01-08T08:00:00</ConstraintDate>",
                "<ConstraintType>6</ConstraintType><ConstraintDate>2027-01-08T17:00:00</ConstraintDate>",
                "<ConstraintType>4</ConstraintType>",
            ],
        );
        let why = "(shipdate has start-no-earlier-than dates and deadlines only)";
        assert_eq!(
            notes(&src),
            vec![
                format!("f:4:1: warning: task `t1`: constraint as late as possible ignored {why}"),
                format!("f:6:1: warning: task `t2`: constraint must finish on ignored {why}"),
                format!("f:8:1: warning: task `t3`: constraint start no later than ignored {why}"),
                format!(
                    "f:10:1: warning: task `t4`: constraint finish no earlier than ignored {why}"
                ),
                "f:12:1: warning: task `t5`: a date constraint without a ConstraintDate is ignored"
                    .to_string(),
            ]
        );
        let plan = import(&src).unwrap().plan;
        assert!(plan.tasks.iter().all(|t| t.dates.not_before.is_none()));
    }

    #[test]
    fn actuals_become_progress_as_of_the_status_date() {
        let src = doc(
            "<StatusDate>2027-01-15T17:00:00</StatusDate>",
            &[
                "<ActualStart>2027-01-04T08:00:00</ActualStart><ActualFinish>2027-01-08T17:00:00</ActualFinish><PercentComplete>100</PercentComplete><RemainingDuration>PT0H0M0S</RemainingDuration>",
                "<ActualStart>2027-01-11T08:00:00</ActualStart><PercentComplete>40</PercentComplete><RemainingDuration>PT24H0M0S</RemainingDuration>",
                "<ActualStart>2027-01-11T08:00:00</ActualStart><PercentComplete>60</PercentComplete>",
                // Not started: its remaining duration and percentage say nothing.
                "<PercentComplete>0</PercentComplete><RemainingDuration>PT40H0M0S</RemainingDuration>",
            ],
        );
        let plan = import(&src).unwrap().plan;
        // Friday 17:00 is "as of" Monday morning.
        assert_eq!(plan.status, day(1, 18));
        let a: Vec<_> = plan.tasks.iter().map(|t| t.actual).collect();
        assert_eq!((a[0].started, a[0].done), (day(1, 4), day(1, 8)));
        assert_eq!(a[0].remaining, None);
        assert_eq!(a[1].started, day(1, 11));
        assert_eq!(a[1].remaining, Some(Estimate::Fixed { value: 3.0 }));
        assert_eq!(a[1].progress, None);
        assert_eq!((a[2].remaining, a[2].progress), (None, Some(0.6)));
        assert_eq!(a[3], Default::default());
    }

    #[test]
    fn actuals_without_a_status_date_are_as_of_the_current_date_or_the_latest_actual() {
        let rows = [
            "<ActualStart>2027-01-04T08:00:00</ActualStart><ActualFinish>2027-01-08T17:00:00</ActualFinish>",
            "<ActualStart>2027-01-11T08:00:00</ActualStart><PercentComplete>20</PercentComplete>",
        ];
        let src = doc("<CurrentDate>2027-01-13T08:00:00</CurrentDate>", &rows);
        assert_eq!(import(&src).unwrap().plan.status, day(1, 13));
        assert_eq!(
            notes(&src),
            vec!["f: warning: the file has actuals but no StatusDate: progress is taken as of 2027-01-13 (the project's CurrentDate)"]
        );
        // A current date before the actuals (a file saved by a converter long ago) cannot be
        // their "as of": the latest actual is.
        let src = doc("<CurrentDate>2026-11-26T14:19:14</CurrentDate>", &rows);
        assert_eq!(import(&src).unwrap().plan.status, day(1, 11));
        assert_eq!(
            notes(&src),
            vec!["f: warning: the file has actuals but no StatusDate: progress is taken as of 2027-01-11 (the latest actual start or finish)"]
        );
    }

    #[test]
    fn manually_scheduled_tasks_keep_their_dates() {
        let src = doc(
            "<StatusDate>2027-01-11T08:00:00</StatusDate>",
            &[
                "<Manual>1</Manual><Start>2027-01-13T08:00:00</Start><Finish>2027-01-19T17:00:00</Finish>",
                "<Manual>1</Manual><Start>2027-01-05T08:00:00</Start><ActualStart>2027-01-05T08:00:00</ActualStart><RemainingDuration>PT16H0M0S</RemainingDuration>",
            ],
        );
        let plan = import(&src).unwrap().plan;
        assert_eq!(plan.tasks[0].dates.not_before, day(1, 13));
        assert_eq!(plan.tasks[1].dates.not_before, None);
        assert_eq!(plan.tasks[1].actual.started, day(1, 5));
        assert_eq!(
            plan.tasks[1].actual.remaining,
            Some(Estimate::Fixed { value: 2.0 })
        );
    }

    #[test]
    fn bad_actuals_are_errors_at_their_field_and_line() {
        let src = doc(
            "<StatusDate>2027-01-11T08:00:00</StatusDate>",
            &[
                "<ActualStart>soon</ActualStart>",
                // After the status date: the plan's rule, located at the task.
                "<ActualStart>2027-01-12T08:00:00</ActualStart>",
            ],
        );
        let errors: Vec<String> = import(&src)
            .unwrap_err()
            .iter()
            .map(|d| d.render("f"))
            .collect();
        assert_eq!(
            errors,
            vec!["f:5:1: error: task `t1`: `ActualStart` `soon` is not a date-time (such as 2027-01-04T08:00:00)"]
        );
        let src = src.replace("<ActualStart>soon</ActualStart>", "");
        let errors = import(&src).unwrap_err();
        assert_eq!(errors[0].pos.map(|p| p.line), Some(6), "{errors:?}");
        assert!(
            errors[0].message.contains("after the status date"),
            "{errors:?}"
        );
    }
}
