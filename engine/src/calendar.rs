//! Time: working-day offsets and dates, team working patterns and capacity, deploy windows.
//!
//! Plan time is a real number. Dated plans count working days of the plan's default calendar:
//! offset 0 is the start of the first working day on or after `plan.start`, and day `k` (the
//! interval `[k, k + 1)`) is the k-th working day. Undated plans count periods from 0, every
//! period working. A team's own calendar and time off decide, per plan day, whether the team
//! works that day and with what capacity; its tasks pause over days it does not work.

use chrono::NaiveDate;

use crate::model::{Plan, Release, When};

/// The plan's time axis and every team's working pattern, valid for any day >= 0.
#[derive(Debug, Clone)]
pub struct Timeline {
    _private: (),
}

/// One team's working pattern and capacity by plan day (day indices >= 0).
#[derive(Debug, Clone)]
pub struct TeamCalendar {
    _private: (),
}

impl Timeline {
    /// Builds the time axis and team calendars of a validated plan.
    pub fn new(plan: &Plan) -> Timeline {
        let _ = plan;
        todo!("calendar helper")
    }

    /// Whether the plan is dated.
    pub fn is_dated(&self) -> bool {
        todo!()
    }

    /// The date of plan day `day` (dated plans; `None` when undated or `day < 0`).
    pub fn date_of_day(&self, day: i64) -> Option<NaiveDate> {
        let _ = day;
        todo!()
    }

    /// The plan day holding `date`, or the next working day when `date` is not one.
    pub fn day_of_date(&self, date: NaiveDate) -> i64 {
        let _ = date;
        todo!()
    }

    /// The offset of a plan-time point: start of the plan day holding (or following) a date;
    /// the number itself for a period.
    pub fn offset_of(&self, when: When) -> f64 {
        let _ = when;
        todo!()
    }

    /// The date a task starting at `start` starts on (the working day holding `start`).
    pub fn start_date(&self, start: f64) -> Option<NaiveDate> {
        let _ = start;
        todo!()
    }

    /// The last working day on which a task over `[start, finish)` works (its start date when
    /// `finish <= start`).
    pub fn finish_date(&self, start: f64, finish: f64) -> Option<NaiveDate> {
        let _ = (start, finish);
        todo!()
    }

    /// The calendar of team `team` (an index into `plan.teams`).
    pub fn team(&self, team: usize) -> &TeamCalendar {
        let _ = team;
        todo!()
    }

    /// The calendar of work with no team: every plan day, unlimited capacity.
    pub fn free(&self) -> &TeamCalendar {
        todo!()
    }
}

impl TeamCalendar {
    /// Whether the team works on plan day `day`.
    pub fn is_working(&self, day: i64) -> bool {
        let _ = day;
        todo!()
    }

    /// The team's capacity on plan day `day` (0 on a day it does not work).
    pub fn capacity(&self, day: i64) -> u32 {
        let _ = day;
        todo!()
    }

    /// The first day after `day` whose capacity differs from `day`'s, or `None` when it never
    /// changes again.
    pub fn next_change(&self, day: i64) -> Option<i64> {
        let _ = day;
        todo!()
    }

    /// Work of `duration` working days asked to start at `start`: returns the actual start
    /// (moved to the next working moment when `start` falls on a day off) and the finish.
    /// A zero duration starts and finishes at `start` (moved likewise).
    pub fn advance(&self, start: f64, duration: f64) -> (f64, f64) {
        let _ = (start, duration);
        todo!()
    }

    /// The latest start `s` with `advance(s, duration).1 <= finish` (may be below 0).
    pub fn retreat(&self, finish: f64, duration: f64) -> f64 {
        let _ = (finish, duration);
        todo!()
    }
}

/// The open deploy windows of a release, sorted: explicit windows and cadence dates (up to two
/// years, or 104 cadence windows, past the plan start), with frozen ones removed.
pub fn open_windows(plan: &Plan, release: &Release) -> Vec<When> {
    let _ = (plan, release);
    todo!()
}

/// The first open window strictly after the ready date (dated: compare dates) or at or after
/// the ready time (undated). `None`: no window left (unscheduled). With no windows and no
/// cadence at all, use `ready` itself (the caller decides; see [`has_windows`]).
pub fn deploy_after(windows: &[When], ready: When) -> Option<When> {
    let _ = (windows, ready);
    todo!()
}

/// Whether a release has any deploy-window rule (explicit windows or a cadence).
pub fn has_windows(release: &Release) -> bool {
    !release.windows.is_empty() || release.cadence.is_some()
}
