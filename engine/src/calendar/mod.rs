//! Time: working-day offsets and dates, team working patterns and capacity, deploy windows.
//!
//! Plan time is a real number. Dated plans count working days of the plan's default calendar:
//! offset 0 is the start of the first working day on or after `plan.start`, and day `k` (the
//! interval `[k, k + 1)`) is the k-th working day. Undated plans count periods from 0, every
//! period working. A team's own calendar and time off decide, per plan day, whether the team
//! works that day and with what capacity; its tasks pause over days it does not work.
//!
//! # Representation
//!
//! Past the last irregular date (the last holiday of any calendar in use and the last day of
//! any time off), every pattern repeats: one calendar week holds `w` plan days (the plan
//! calendar's worked weekdays), so in plan-day index the pattern of every team has period `w`
//! (period 1 when undated). Each table therefore stores an explicit prefix of `p` days plus one
//! period of `w` days, and prefix sums of working days; every lookup is O(1) or a binary search
//! in those tables, with no allocation, for any day however far out.
//!
//! # Conventions
//!
//! - Days before 0 (reached only by [`TeamCalendar::retreat`] on negative lags) count as
//!   working days at the team's base capacity, so working time there equals elapsed time.
//! - `advance` moves a start that lies on a day off to the start of the next working day. A
//!   zero duration is only moved when it lies strictly inside a stretch of days off: a
//!   milestone exactly at the end of a working day stays there.
//! - A team whose calendar never works again (for example a weekend-only team on a Monday to
//!   Friday plan) gives an infinite finish, and so does work reaching past `1e15` working days.
//! - [`limits`] holds the limits a plan's durations, lags, dates and working stretches must
//!   keep, checked at validation, so that every loop over plan time stays short.
//! - A plan calendar with no worked weekday is read as working every weekday (validation
//!   should reject it; this only keeps the axis well defined).

use chrono::{Datelike, NaiveDate, TimeDelta};

use crate::model::{Cadence, Plan, Release, When};

pub mod limits;

/// Marks "no further change" in [`TeamCalendar`]'s change tables.
const NEVER: i64 = i64::MAX;

/// Working time past which the calendars answer "never": far beyond anything a valid plan
/// reaches ([`limits`]), and small enough that day counts stay exact in an `f64` and the
/// period arithmetic never overflows an `i64`.
const MAX_WORK: f64 = 1e15;

/// How far past the plan start cadence windows are generated, in calendar days.
pub const CADENCE_HORIZON_DAYS: i64 = 731;

/// How many cadence windows are generated at most.
pub const CADENCE_MAX_WINDOWS: usize = 104;

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    date.checked_add_signed(TimeDelta::try_days(days)?)
}

/// Rounds working time within rounding error of a whole day to that day, so that a day's end
/// and the start of the next working day after a pause are told apart reliably.
fn snap(work: f64) -> f64 {
    let whole = work.round();
    if (work - whole).abs() <= (work.abs() * 1e-14).max(1e-9) {
        whole
    } else {
        work
    }
}

fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// The plan days' dates: an explicit prefix of `p` days, then one week of `w` plan days that
/// repeats every 7 calendar days.
#[derive(Debug, Clone)]
struct DateAxis {
    /// Dates of plan days `0..p + w`.
    dates: Vec<NaiveDate>,
    /// The first day of the repeating part.
    p: usize,
}

impl DateAxis {
    fn w(&self) -> usize {
        self.dates.len() - self.p
    }

    fn date_of_day(&self, day: i64) -> Option<NaiveDate> {
        if day < 0 {
            return None;
        }
        let len = self.dates.len() as i64;
        if day < len {
            return Some(self.dates[day as usize]);
        }
        let (p, w) = (self.p as i64, self.w() as i64);
        let (q, r) = ((day - p) / w, (day - p) % w);
        add_days(self.dates[(p + r) as usize], q.checked_mul(7)?)
    }

    fn day_of_date(&self, date: NaiveDate) -> i64 {
        let last = *self.dates.last().expect("the axis holds at least one week");
        if date <= last {
            return self.dates.partition_point(|&d| d < date) as i64;
        }
        let (p, w) = (self.p, self.w());
        let first = self.dates[p];
        let delta = (date - first).num_days();
        let (mut q, rem) = (delta / 7, delta % 7);
        let week = &self.dates[p..];
        let mut r = week.partition_point(|&d| (d - first).num_days() < rem);
        if r == w {
            q += 1;
            r = 0;
        }
        p as i64 + q * w as i64 + r as i64
    }
}

/// The plan's time axis and every team's working pattern, valid for any day >= 0.
///
/// ```
/// use shipdate_engine::calendar::Timeline;
/// use shipdate_engine::model::Plan;
/// let mut plan = Plan::new("demo");
/// plan.start = chrono::NaiveDate::from_ymd_opt(2027, 1, 2); // a Saturday
/// let time = Timeline::new(&plan);
/// // Day 0 is Monday 4 January; a 5-day piece of work over [0, 5) ends on Friday the 8th.
/// assert_eq!(time.date_of_day(0), chrono::NaiveDate::from_ymd_opt(2027, 1, 4));
/// assert_eq!(time.finish_date(0.0, 5.0), chrono::NaiveDate::from_ymd_opt(2027, 1, 8));
/// ```
#[derive(Debug, Clone)]
pub struct Timeline {
    dates: Option<DateAxis>,
    teams: Vec<TeamCalendar>,
    free: TeamCalendar,
}

/// One team's working pattern and capacity by plan day (day indices >= 0).
///
/// Capacities of days `0..p + w` are stored; day `k >= p + w` has the capacity of day
/// `p + (k - p) % w`.
#[derive(Debug, Clone)]
pub struct TeamCalendar {
    /// Capacity before day 0.
    base: u32,
    /// Capacity of days `0..p + w`.
    caps: Vec<u32>,
    /// `cum[k]`: working days in `[0, k)`, for `k` in `0..=p + w`.
    cum: Vec<i64>,
    /// For `k < p`: the next day whose capacity differs from day `k`'s (or [`NEVER`]).
    /// For `k >= p`: the distance to that day from any day `k + n w` (or [`NEVER`]).
    next: Vec<i64>,
    /// The first day of the repeating part.
    p: usize,
}

impl TeamCalendar {
    fn from_caps(base: u32, caps: Vec<u32>, p: usize) -> TeamCalendar {
        let len = caps.len();
        assert!(len > p, "a team calendar holds at least one period");
        let w = len - p;
        let mut cum = Vec::with_capacity(len + 1);
        let mut c = 0i64;
        cum.push(0);
        for &cap in &caps {
            c += i64::from(cap > 0);
            cum.push(c);
        }
        let mut next = vec![NEVER; len];
        for r in 0..w {
            let here = caps[p + r];
            if let Some(m) = (1..w).find(|m| caps[p + (r + m) % w] != here) {
                next[p + r] = m as i64;
            }
        }
        for k in (0..p).rev() {
            next[k] = if caps[k + 1] != caps[k] {
                (k + 1) as i64
            } else if k + 1 < p {
                next[k + 1]
            } else {
                match next[p] {
                    NEVER => NEVER,
                    m => p as i64 + m,
                }
            };
        }
        TeamCalendar {
            base,
            caps,
            cum,
            next,
            p,
        }
    }

    fn w(&self) -> usize {
        self.caps.len() - self.p
    }

    /// The table index holding day `day >= 0`.
    fn slot(&self, day: i64) -> usize {
        let len = self.caps.len() as i64;
        if day < len {
            day as usize
        } else {
            let (p, w) = (self.p as i64, self.w() as i64);
            (p + (day - p) % w) as usize
        }
    }

    /// Working days per period of the repeating part.
    fn per_period(&self) -> i64 {
        self.cum[self.caps.len()] - self.cum[self.p]
    }

    /// Working days in `[0, day)`, for `day >= 0`.
    fn cum_at(&self, day: i64) -> i64 {
        let len = self.caps.len() as i64;
        if day <= len {
            return self.cum[day as usize];
        }
        let (p, w) = (self.p as i64, self.w() as i64);
        let (q, r) = ((day - p) / w, (day - p) % w);
        self.cum[(p + r) as usize].saturating_add(q.saturating_mul(self.per_period()))
    }

    /// The smallest day `j >= 0` with `cum_at(j) >= t` (`> t` when `strict`); `None` when the
    /// team never reaches that much working time.
    fn first_reaching(&self, t: f64, strict: bool) -> Option<i64> {
        // Past `MAX_WORK` (and for NaN) the answer is "never": the period arithmetic below
        // stays exact and far from overflow.
        if t.is_nan() || t >= MAX_WORK {
            return None;
        }
        let reach = |c: i64| if strict { c as f64 > t } else { c as f64 >= t };
        let j = self.cum.partition_point(|&c| !reach(c));
        if j < self.cum.len() {
            return Some(j as i64);
        }
        let wp = self.per_period();
        if wp == 0 {
            return None;
        }
        let base = self.cum[self.p];
        let e = (t - base as f64) / wp as f64;
        let guess = if strict { e.floor() } else { e.ceil() - 1.0 };
        let mut q = guess.max(0.0) as i64;
        // Period q is the first whose end reaches t; fix any rounding of the guess.
        while !reach(base + (q + 1) * wp) {
            q += 1;
        }
        while q > 0 && reach(base + q * wp) {
            q -= 1;
        }
        let shift = q * wp;
        let r = self.cum[self.p..].partition_point(|&c| !reach(c + shift));
        Some(self.p as i64 + q * self.w() as i64 + r as i64)
    }

    /// Working time in `[0, t)` (negative for `t < 0`, where every day works).
    fn work_before(&self, t: f64) -> f64 {
        if t < 0.0 {
            return t;
        }
        let k = t.floor();
        let day = k as i64;
        let inside = if self.is_working(day) { t - k } else { 0.0 };
        self.cum_at(day) as f64 + inside
    }

    /// The first moment by which `work` units of working time have passed since 0.
    fn moment_reaching(&self, work: f64) -> f64 {
        let work = snap(work);
        if work <= 0.0 {
            return work;
        }
        match self.first_reaching(work, false) {
            Some(j) => {
                let k = j - 1;
                k as f64 + (work - self.cum_at(k) as f64)
            }
            None => f64::INFINITY,
        }
    }

    /// The last moment before which at most `work` units of working time have passed.
    fn last_moment_at(&self, work: f64) -> f64 {
        let work = snap(work);
        if work < 0.0 {
            return work;
        }
        match self.first_reaching(work, true) {
            Some(j) => {
                let k = j - 1;
                k as f64 + (work - self.cum_at(k) as f64)
            }
            None => f64::INFINITY,
        }
    }

    /// Whether the team works on plan day `day`.
    pub fn is_working(&self, day: i64) -> bool {
        self.capacity(day) > 0
    }

    /// The team's capacity on plan day `day` (0 on a day it does not work).
    pub fn capacity(&self, day: i64) -> u32 {
        if day < 0 {
            self.base
        } else {
            self.caps[self.slot(day)]
        }
    }

    /// The first day after `day` whose capacity differs from `day`'s, or `None` when it never
    /// changes again.
    pub fn next_change(&self, day: i64) -> Option<i64> {
        if day < 0 {
            return if self.caps[0] != self.base {
                Some(0)
            } else {
                self.next_change(0)
            };
        }
        let at = self.next[self.slot(day)];
        if at == NEVER {
            None
        } else if (day as usize) < self.p {
            Some(at)
        } else {
            day.checked_add(at)
        }
    }

    /// Work of `duration` working days asked to start at `start`: returns the actual start
    /// (moved to the start of the next working day when `start` falls on a day off) and the
    /// finish, the moment the last unit of work is done. A zero duration starts and finishes
    /// at `start`, moved likewise unless `start` is exactly the end of a working day.
    ///
    /// The finish is infinite when the team never works enough again.
    pub fn advance(&self, start: f64, duration: f64) -> (f64, f64) {
        if !start.is_finite() {
            return (start, start);
        }
        let duration = duration.max(0.0);
        let start = if start < 0.0 {
            start
        } else {
            let k = start.floor();
            let day = k as i64;
            if self.is_working(day)
                || (duration == 0.0 && start == k && (day == 0 || self.is_working(day - 1)))
            {
                start
            } else {
                match self.first_reaching(self.cum_at(day) as f64, true) {
                    Some(j) => (j - 1) as f64,
                    None => return (f64::INFINITY, f64::INFINITY),
                }
            }
        };
        if duration == 0.0 {
            return (start, start);
        }
        // Working time is counted to a whole day when within rounding of one (`snap`): a
        // duration below that rounding, asked at the start of a working day after days off,
        // would otherwise finish at the end of the last working day before it.
        let finish = self.moment_reaching(self.work_before(start) + duration);
        (start, finish.max(start))
    }

    /// The latest start `s` with `advance(s, duration).1 <= finish` (may be below 0).
    pub fn retreat(&self, finish: f64, duration: f64) -> f64 {
        if !finish.is_finite() {
            return finish;
        }
        let duration = duration.max(0.0);
        if duration > 0.0 {
            // Never after `finish` (a duration below the rounding of `snap` would otherwise
            // start after the days off that follow `finish`); infinite past the work limit.
            let s = self.last_moment_at(self.work_before(finish) - duration);
            return if s.is_finite() { s.min(finish) } else { s };
        }
        // A zero duration: the latest moment <= finish inside a working day or at its end.
        if finish < 0.0 {
            return finish;
        }
        let k = finish.floor();
        let day = k as i64;
        if self.is_working(day) || (finish == k && (day == 0 || self.is_working(day - 1))) {
            return finish;
        }
        // The end of the last working day before `day` (0 when there is none).
        self.first_reaching(self.cum_at(day) as f64, false)
            .map_or(0.0, |j| j as f64)
    }

    /// The team's working time in `[from, to)` (0 when `to <= from`).
    pub fn working_time(&self, from: f64, to: f64) -> f64 {
        if to <= from {
            0.0
        } else {
            self.work_before(to) - self.work_before(from)
        }
    }
}

impl Timeline {
    /// Builds the time axis and team calendars of a validated plan.
    pub fn new(plan: &Plan) -> Timeline {
        let free = TeamCalendar::from_caps(u32::MAX, vec![u32::MAX], 0);
        match plan.start {
            Some(start) => Self::dated(plan, start, free),
            None => Self::undated(plan, free),
        }
    }

    fn dated(plan: &Plan, start: NaiveDate, free: TeamCalendar) -> Timeline {
        let cal = &plan.calendars[plan.default_calendar];
        let workdays = if cal.workdays.iter().any(|&b| b) {
            cal.workdays
        } else {
            [true; 7]
        };
        let is_plan_day =
            |d: NaiveDate| workdays[weekday_index(d)] && cal.holidays.binary_search(&d).is_err();
        let mut origin = start;
        while !is_plan_day(origin) {
            origin = origin.succ_opt().expect("dates in range");
        }
        // The first date from which nothing irregular happens any more.
        let mut horizon = origin;
        let mut past = |d: NaiveDate| {
            let after = d.succ_opt().unwrap_or(d);
            if after > horizon {
                horizon = after;
            }
        };
        cal.holidays.iter().copied().for_each(&mut past);
        for team in &plan.teams {
            plan.calendars[team.calendar]
                .holidays
                .iter()
                .copied()
                .for_each(&mut past);
            for off in &team.time_off {
                if let When::Date(to) = off.to {
                    past(to);
                }
            }
        }
        let w = workdays.iter().filter(|&&b| b).count();
        let mut dates = Vec::new();
        let mut d = origin;
        while d < horizon {
            if is_plan_day(d) {
                dates.push(d);
            }
            d = d.succ_opt().expect("dates in range");
        }
        let p = dates.len();
        while dates.len() < p + w {
            if is_plan_day(d) {
                dates.push(d);
            }
            d = d.succ_opt().expect("dates in range");
        }
        let teams = plan
            .teams
            .iter()
            .map(|team| {
                let tcal = &plan.calendars[team.calendar];
                let caps = dates
                    .iter()
                    .map(|&date| {
                        if !tcal.is_workday(date) {
                            return 0;
                        }
                        team.time_off
                            .iter()
                            .filter(|off| match (off.from, off.to) {
                                (When::Date(f), When::Date(t)) => f <= date && date <= t,
                                _ => false,
                            })
                            .map(|off| off.capacity)
                            .min()
                            .unwrap_or(team.capacity)
                    })
                    .collect();
                TeamCalendar::from_caps(team.capacity, caps, p)
            })
            .collect();
        Timeline {
            dates: Some(DateAxis { dates, p }),
            teams,
            free,
        }
    }

    fn undated(plan: &Plan, free: TeamCalendar) -> Timeline {
        let period_range = |from: When, to: When| match (from, to) {
            (When::Period(f), When::Period(t)) => Some((f.floor().max(0.0), t.floor())),
            _ => None,
        };
        let p = plan
            .teams
            .iter()
            .flat_map(|t| &t.time_off)
            .filter_map(|off| period_range(off.from, off.to))
            .map(|(_, to)| (to + 1.0).max(0.0) as usize)
            .max()
            .unwrap_or(0);
        let teams = plan
            .teams
            .iter()
            .map(|team| {
                let caps = (0..=p)
                    .map(|k| {
                        let k = k as f64;
                        team.time_off
                            .iter()
                            .filter(|off| {
                                period_range(off.from, off.to)
                                    .is_some_and(|(f, t)| f <= k && k <= t)
                            })
                            .map(|off| off.capacity)
                            .min()
                            .unwrap_or(team.capacity)
                    })
                    .collect();
                TeamCalendar::from_caps(team.capacity, caps, p)
            })
            .collect();
        Timeline {
            dates: None,
            teams,
            free,
        }
    }

    /// Whether the plan is dated.
    pub fn is_dated(&self) -> bool {
        self.dates.is_some()
    }

    /// The date of plan day `day` (dated plans; `None` when undated or `day < 0`).
    pub fn date_of_day(&self, day: i64) -> Option<NaiveDate> {
        self.dates.as_ref()?.date_of_day(day)
    }

    /// The plan day holding `date`, or the next working day when `date` is not one (day 0 for
    /// any date before the first). Undated plans have no dates: 0.
    pub fn day_of_date(&self, date: NaiveDate) -> i64 {
        self.dates.as_ref().map_or(0, |axis| axis.day_of_date(date))
    }

    /// The offset of a plan-time point: start of the plan day holding (or following) a date;
    /// the number itself for a period.
    pub fn offset_of(&self, when: When) -> f64 {
        match when {
            When::Date(d) => self.day_of_date(d) as f64,
            When::Period(p) => p,
        }
    }

    /// The date a task starting at `start` starts on (the working day holding `start`).
    pub fn start_date(&self, start: f64) -> Option<NaiveDate> {
        if !start.is_finite() {
            return None;
        }
        self.date_of_day(start.floor() as i64)
    }

    /// The last working day on which a task over `[start, finish)` works; for a zero-length
    /// task, the day it is reached ([`Timeline::moment_date`]).
    pub fn finish_date(&self, start: f64, finish: f64) -> Option<NaiveDate> {
        if finish > start {
            if !finish.is_finite() {
                return None;
            }
            self.date_of_day(finish.ceil() as i64 - 1)
        } else {
            self.moment_date(start)
        }
    }

    /// The working day on which the moment `t` is reached, for zero-length events (milestones,
    /// release readiness): the day that ends at or holds `t`, so a milestone right after a task
    /// that finishes at the end of a day carries that day's date; day 0 for `t <= 0`.
    pub fn moment_date(&self, t: f64) -> Option<NaiveDate> {
        if !t.is_finite() {
            return None;
        }
        self.date_of_day((t.ceil() as i64 - 1).max(0))
    }

    /// The calendar of team `team` (an index into `plan.teams`).
    pub fn team(&self, team: usize) -> &TeamCalendar {
        &self.teams[team]
    }

    /// The calendar of work with no team: every plan day, unlimited capacity.
    pub fn free(&self) -> &TeamCalendar {
        &self.free
    }
}

/// Whether `window` lies in a freeze (inclusive; a freeze of the other kind of time never
/// matches).
fn frozen(from: When, to: When, window: When) -> bool {
    match (from, to, window) {
        (When::Date(f), When::Date(t), When::Date(w)) => f <= w && w <= t,
        (When::Period(f), When::Period(t), When::Period(w)) => f <= w && w <= t,
        _ => false,
    }
}

/// The open deploy windows of a release, sorted: explicit windows and cadence dates (up to two
/// years, or 104 cadence windows, past the plan start), with frozen ones removed.
///
/// A weekly cadence gives the dates on or after both `from` and the plan start, on its
/// weekdays, in the weeks (Monday to Sunday) whose distance from `from`'s week is a multiple
/// of `every_weeks`, up to [`CADENCE_HORIZON_DAYS`] past the start (inclusive) or
/// [`CADENCE_MAX_WINDOWS`] dates, whichever comes first; those falling on a holiday of the
/// plan calendar are closed. A periodic cadence (undated) gives `from + i * every` for the
/// first [`CADENCE_MAX_WINDOWS`] values at or after 0. Explicit windows are kept as written,
/// except that no window on or before the plan's start date (undated: before 0) is open: work
/// deploys in a window strictly after the date it is done (at or after its time, undated).
pub fn open_windows(plan: &Plan, release: &Release) -> Vec<When> {
    let mut out = release.windows.clone();
    match (&release.cadence, plan.start) {
        (
            Some(Cadence::Weekly {
                weekdays,
                every_weeks,
                from,
            }),
            Some(start),
        ) => {
            let holidays = &plan.calendars[plan.default_calendar].holidays;
            let every = i64::from((*every_weeks).max(1));
            let week0 = add_days(*from, -(weekday_index(*from) as i64)).unwrap_or(*from);
            let last = add_days(start, CADENCE_HORIZON_DAYS).unwrap_or(NaiveDate::MAX);
            let mut d = (*from).max(start);
            let mut count = 0;
            while d <= last && count < CADENCE_MAX_WINDOWS {
                if weekdays[weekday_index(d)] && ((d - week0).num_days() / 7) % every == 0 {
                    count += 1;
                    if holidays.binary_search(&d).is_err() {
                        out.push(When::Date(d));
                    }
                }
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
            }
        }
        (Some(Cadence::Periodic { every, from }), None)
            if *every > 0.0 && every.is_finite() && from.is_finite() =>
        {
            let first = if *from < 0.0 {
                (-from / every).ceil()
            } else {
                0.0
            };
            out.extend(
                (0..CADENCE_MAX_WINDOWS)
                    .map(|i| When::Period(from + (first + i as f64) * every))
                    .filter(|w| matches!(w, When::Period(t) if *t >= 0.0)),
            );
        }
        _ => {}
    }
    out.retain(|&w| {
        let after_start = match (w, plan.start) {
            (When::Date(d), Some(start)) => d > start,
            (When::Period(t), None) => t >= 0.0,
            _ => true,
        };
        after_start && !release.freeze.iter().any(|f| frozen(f.from, f.to, w))
    });
    crate::sorting::sort_by(&mut out, |a, b| {
        a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
    });
    out.dedup();
    out
}

/// The first open window strictly after the ready date (dated: compare dates) or at or after
/// the ready time (undated). `None`: no window left (unscheduled). With no windows and no
/// cadence at all, use `ready` itself (the caller decides; see [`has_windows`]).
///
/// `windows` must be sorted, as [`open_windows`] returns them.
pub fn deploy_after(windows: &[When], ready: When) -> Option<When> {
    let i = match ready {
        When::Date(r) => windows.partition_point(|w| matches!(w, When::Date(d) if *d <= r)),
        When::Period(r) => windows.partition_point(|w| match w {
            When::Date(_) => true,
            When::Period(t) => *t < r,
        }),
    };
    let found = *windows.get(i)?;
    match (found, ready) {
        (When::Date(_), When::Date(_)) | (When::Period(_), When::Period(_)) => Some(found),
        _ => None,
    }
}

/// When a release deploys once it is ready at `ready`: on its `deployed` date when it has
/// shipped (SPEC section 6: reported as such, not forecast), else the first open window after
/// `ready` ([`deploy_after`] over `windows`, as [`open_windows`] gives them) or, with no
/// window rule, `ready` itself. `None`: no open window is left.
pub fn release_deploy(release: &Release, windows: &[When], ready: When) -> Option<When> {
    match release.deployed {
        Some(d) => Some(d),
        None if has_windows(release) => deploy_after(windows, ready),
        None => Some(ready),
    }
}

/// Whether a release has any deploy-window rule (explicit windows or a cadence).
pub fn has_windows(release: &Release) -> bool {
    !release.windows.is_empty() || release.cadence.is_some()
}

#[cfg(test)]
mod tests;
