//! Unit tests of the calendar: hand-computed dates and offsets, team pauses and capacity,
//! deploy windows, and property tests against a naive day-by-day model built straight from
//! the plan (not from the tables under test).

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::model::{Calendar, Freeze, Team, TimeOff};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn calendar(id: &str, workdays: [bool; 7], holidays: Vec<NaiveDate>) -> Calendar {
    let mut holidays = holidays;
    holidays.sort();
    holidays.dedup();
    Calendar {
        id: id.into(),
        workdays,
        holidays,
    }
}

const MON_FRI: [bool; 7] = [true, true, true, true, true, false, false];

fn team(id: &str, capacity: u32, calendar: usize, time_off: Vec<TimeOff>) -> Team {
    let mut team = Team::new(id, capacity);
    team.calendar = calendar;
    team.time_off = time_off;
    team
}

fn off(from: When, to: When, capacity: u32) -> TimeOff {
    TimeOff { from, to, capacity }
}

fn plan(start: Option<NaiveDate>, calendars: Vec<Calendar>, teams: Vec<Team>) -> Plan {
    let mut plan = Plan::new("test");
    plan.start = start;
    plan.calendars = calendars;
    plan.teams = teams;
    plan
}

fn release(windows: Vec<When>, cadence: Option<Cadence>, freeze: Vec<Freeze>) -> Release {
    let mut release = Release::new("r", Vec::new());
    release.windows = windows;
    release.cadence = cadence;
    release.freeze = freeze;
    release
}

fn d(day: NaiveDate) -> When {
    When::Date(day)
}

// ---------------------------------------------------------------------------------------
// Dates and offsets
// ---------------------------------------------------------------------------------------

#[test]
fn plan_starting_on_a_saturday_begins_on_monday() {
    // 2027-01-02 is a Saturday; the first Mon-Fri day on or after it is Monday 2027-01-04.
    let p = plan(Some(date(2027, 1, 2)), vec![Calendar::standard()], vec![]);
    let t = Timeline::new(&p);
    assert!(t.is_dated());
    assert_eq!(date(2027, 1, 2).weekday(), chrono::Weekday::Sat);
    assert_eq!(t.date_of_day(0), Some(date(2027, 1, 4)));
    // Days 0..4 are Mon 4 .. Fri 8; day 5 is Monday 11 (the weekend is not on the axis).
    assert_eq!(t.date_of_day(4), Some(date(2027, 1, 8)));
    assert_eq!(t.date_of_day(5), Some(date(2027, 1, 11)));
    assert_eq!(t.date_of_day(-1), None);
    // Saturday 2 and Sunday 3 map to day 0; Saturday 9 to day 5 (the next working day).
    assert_eq!(t.day_of_date(date(2027, 1, 2)), 0);
    assert_eq!(t.day_of_date(date(2027, 1, 3)), 0);
    assert_eq!(t.day_of_date(date(2026, 12, 1)), 0);
    assert_eq!(t.day_of_date(date(2027, 1, 9)), 5);
    assert_eq!(t.offset_of(d(date(2027, 1, 6))), 2.0);
    assert_eq!(t.offset_of(When::Period(2.5)), 2.5);
    // start 0.5 is inside day 0; a task over [0, 5) works days 0..4, so finishes Friday 8.
    assert_eq!(t.start_date(0.5), Some(date(2027, 1, 4)));
    assert_eq!(t.finish_date(0.0, 5.0), Some(date(2027, 1, 8)));
    // [0, 4.5) last works on day 4 (ceil(4.5) - 1 = 4).
    assert_eq!(t.finish_date(0.0, 4.5), Some(date(2027, 1, 8)));
    // A milestone (finish == start) at 5.0 is reached at the end of day 4, Friday 8 (the day
    // its predecessor finished); one at 5.5 is inside day 5, Monday 11; one at 0 is on day 0.
    assert_eq!(t.finish_date(5.0, 5.0), Some(date(2027, 1, 8)));
    assert_eq!(t.moment_date(5.0), Some(date(2027, 1, 8)));
    assert_eq!(t.finish_date(5.5, 5.5), Some(date(2027, 1, 11)));
    assert_eq!(t.finish_date(0.0, 0.0), Some(date(2027, 1, 4)));
}

#[test]
fn five_day_task_from_thursday_spans_weekend_and_holiday() {
    // Plan from Monday 2027-01-04, holiday Tuesday 2027-01-12.
    // Plan days: Mon4=0 Tue5=1 Wed6=2 Thu7=3 Fri8=4 | Mon11=5 | (Tue12 holiday) Wed13=6 Thu14=7.
    let cal = calendar("std", MON_FRI, vec![date(2027, 1, 12)]);
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![cal],
        vec![team("be", 2, 0, vec![])],
    );
    let t = Timeline::new(&p);
    assert_eq!(t.date_of_day(3), Some(date(2027, 1, 7)));
    assert_eq!(t.date_of_day(6), Some(date(2027, 1, 13)));
    assert_eq!(t.day_of_date(date(2027, 1, 12)), 6);
    // Team on the plan calendar: every plan day works. 5 days from day 3: days 3,4,5,6,7.
    for cal in [t.team(0), t.free()] {
        assert_eq!(cal.advance(3.0, 5.0), (3.0, 8.0));
        assert_eq!(cal.retreat(8.0, 5.0), 3.0);
    }
    assert_eq!(t.start_date(3.0), Some(date(2027, 1, 7)));
    // Last working day: day 7 = Thursday 14 (Thu, Fri, Mon, Wed, Thu).
    assert_eq!(t.finish_date(3.0, 8.0), Some(date(2027, 1, 14)));
}

#[test]
fn team_holiday_the_plan_lacks_pauses_work_one_day() {
    // Plan: Mon-Fri from 2027-01-04. Team calendar also has Friday 2027-01-08 (day 4) off.
    let plan_cal = Calendar::standard();
    let team_cal = calendar("be", MON_FRI, vec![date(2027, 1, 8)]);
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![plan_cal, team_cal],
        vec![team("be", 1, 1, vec![])],
    );
    let t = Timeline::new(&p);
    let be = t.team(0);
    assert!(be.is_working(3));
    assert!(!be.is_working(4));
    assert_eq!(be.capacity(4), 0);
    assert!(be.is_working(5));
    // 2 days from Thursday (day 3): works day 3, pauses on day 4, works day 5: finish 6.0.
    assert_eq!(be.advance(3.0, 2.0), (3.0, 6.0));
    assert_eq!(t.finish_date(3.0, 6.0), Some(date(2027, 1, 11)));
    // Asked to start on the day off: moved to day 5, one day of work ends at 6.0.
    assert_eq!(be.advance(4.0, 1.0), (5.0, 6.0));
    assert_eq!(be.advance(4.5, 1.0), (5.0, 6.0));
    // From 3.5: half of day 3 (0.5), day 4 off, half of day 5 (0.5): finish 5.5.
    assert_eq!(be.advance(3.5, 1.0), (3.5, 5.5));
    // Retreat: working time in [0, 6) is 5 (day 4 off); 5 - 2 = 3 units, reached at 3.0.
    assert_eq!(be.retreat(6.0, 2.0), 3.0);
    // A finish of 5.0 with 1 day: working time before 5.0 is 4, 4 - 1 = 3 => start 3.0.
    assert_eq!(be.retreat(5.0, 1.0), 3.0);
    // A finish of 6.0 with 1 day: 5 - 1 = 4 units; the latest start with 4 units before it
    // is the start of day 5 (the day off adds nothing), so 5.0.
    assert_eq!(be.retreat(6.0, 1.0), 5.0);
    // Zero duration: end of working day 3 (4.0) stays; inside the day off moves to day 5.
    assert_eq!(be.advance(4.0, 0.0), (4.0, 4.0));
    assert_eq!(be.advance(4.5, 0.0), (5.0, 5.0));
    assert_eq!(be.retreat(4.5, 0.0), 4.0);
    assert_eq!(be.retreat(5.0, 0.0), 5.0);
    // Capacity pattern: 1 on days 0..3, 0 on day 4, then 1 for ever.
    assert_eq!(be.next_change(0), Some(4));
    assert_eq!(be.next_change(4), Some(5));
    assert_eq!(be.next_change(5), None);
    assert_eq!(be.next_change(1_000_000), None);
    // The free calendar ignores team calendars.
    assert_eq!(t.free().advance(3.0, 2.0), (3.0, 5.0));
    assert_eq!(t.free().capacity(4), u32::MAX);
}

#[test]
fn time_off_reduces_capacity_without_pausing() {
    // Capacity 3; Tue 2027-01-05 .. Wed 2027-01-06 (days 1, 2) capacity 1.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![Calendar::standard()],
        vec![team(
            "be",
            3,
            0,
            vec![off(d(date(2027, 1, 5)), d(date(2027, 1, 6)), 1)],
        )],
    );
    let t = Timeline::new(&p);
    let be = t.team(0);
    assert_eq!(
        (0..5).map(|k| be.capacity(k)).collect::<Vec<_>>(),
        vec![3, 1, 1, 3, 3]
    );
    assert_eq!(be.capacity(-3), 3);
    assert_eq!(be.capacity(10_000), 3);
    assert_eq!(be.next_change(-5), Some(1));
    assert_eq!(be.next_change(0), Some(1));
    assert_eq!(be.next_change(1), Some(3));
    assert_eq!(be.next_change(3), None);
    // Capacity 1 is still working: 5 days from 0 end at 5.0.
    assert_eq!(be.advance(0.0, 5.0), (0.0, 5.0));
}

#[test]
fn overlapping_time_off_takes_the_minimum() {
    // Capacity 4; 1/5..1/7 capacity 2 and 1/6..1/8 capacity 1: days 1 -> 2, 2..3 -> 1, 4 -> 1.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![Calendar::standard()],
        vec![team(
            "be",
            4,
            0,
            vec![
                off(d(date(2027, 1, 5)), d(date(2027, 1, 7)), 2),
                off(d(date(2027, 1, 6)), d(date(2027, 1, 8)), 1),
            ],
        )],
    );
    let be = Timeline::new(&p).team(0).clone();
    assert_eq!(
        (0..6).map(|k| be.capacity(k)).collect::<Vec<_>>(),
        vec![4, 2, 1, 1, 1, 4]
    );
}

#[test]
fn time_off_with_capacity_zero_pauses_work() {
    // Capacity 3; Tue 5 .. Wed 6 (days 1, 2) capacity 0: the whole team is away.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![Calendar::standard()],
        vec![team(
            "be",
            3,
            0,
            vec![off(d(date(2027, 1, 5)), d(date(2027, 1, 6)), 0)],
        )],
    );
    let t = Timeline::new(&p);
    let be = t.team(0);
    assert!(!be.is_working(1) && !be.is_working(2));
    // 3 days from 0: day 0, pause days 1-2, days 3 and 4: finish 5.0 (Friday 8).
    assert_eq!(be.advance(0.0, 3.0), (0.0, 5.0));
    assert_eq!(t.finish_date(0.0, 5.0), Some(date(2027, 1, 8)));
    // Starting on day 1 (away) moves to day 3.
    assert_eq!(be.advance(1.0, 1.0), (3.0, 4.0));
    assert_eq!(be.retreat(5.0, 3.0), 0.0);
}

/// Found by the pipeline fuzzer: working time is counted to a whole day when within rounding
/// of one, so a duration below that rounding (1e-308, 1e-12) started on the first working day
/// after days off finished at the end of the last working day before them, before its start.
#[test]
fn a_vanishing_duration_after_days_off_finishes_at_its_start() {
    // Mon 4 .. Wed 6 away (days 0-2); the weekend is days 5-6.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![Calendar::standard()],
        vec![team(
            "be",
            1,
            0,
            vec![off(d(date(2027, 1, 4)), d(date(2027, 1, 6)), 0)],
        )],
    );
    let be = Timeline::new(&p).team(0).clone();
    for tiny in [1e-308, 1e-300, 1e-12, 1e-10] {
        // From the start of day 3 (the first working day) and from inside the pause.
        assert_eq!(be.advance(3.0, tiny), (3.0, 3.0), "{tiny}");
        assert_eq!(be.advance(1.0, tiny), (3.0, 3.0), "{tiny}");
        // Monday 11 (day 7), after the weekend: 2 days of work before it.
        assert_eq!(be.advance(7.0, tiny), (7.0, 7.0), "{tiny}");
        // The latest start finishing by the end of Friday is not after it.
        assert!(be.retreat(5.0, tiny) <= 5.0, "{tiny}");
        assert!(be.retreat(3.0, tiny) <= 3.0, "{tiny}");
    }
    // A duration the rounding keeps is unchanged.
    let (s, f) = be.advance(7.0, 1e-6);
    assert_eq!(s, 7.0);
    assert!((f - (7.0 + 1e-6)).abs() < 1e-12);
}

#[test]
fn undated_periods_and_time_off() {
    // Undated: every period works. Team capacity 2, periods 2..=3 capacity 0, 5..=5 capacity 1.
    let p = plan(
        None,
        vec![Calendar::standard()],
        vec![team(
            "be",
            2,
            0,
            vec![
                off(When::Period(2.0), When::Period(3.0), 0),
                off(When::Period(5.0), When::Period(5.0), 1),
            ],
        )],
    );
    let t = Timeline::new(&p);
    assert!(!t.is_dated());
    assert_eq!(t.date_of_day(0), None);
    assert_eq!(t.start_date(1.0), None);
    assert_eq!(t.finish_date(1.0, 2.0), None);
    assert_eq!(t.offset_of(When::Period(7.25)), 7.25);
    let be = t.team(0);
    assert_eq!(
        (0..8).map(|k| be.capacity(k)).collect::<Vec<_>>(),
        vec![2, 2, 0, 0, 2, 1, 2, 2]
    );
    assert_eq!(be.next_change(0), Some(2));
    assert_eq!(be.next_change(2), Some(4));
    assert_eq!(be.next_change(4), Some(5));
    assert_eq!(be.next_change(5), Some(6));
    assert_eq!(be.next_change(6), None);
    // From 1.5: 0.5 in period 1, periods 2-3 away, then 1.5 more: finish 4 + 1.5 = 5.5.
    assert_eq!(be.advance(1.5, 2.0), (1.5, 5.5));
    assert_eq!(be.retreat(5.5, 2.0), 1.5);
    assert_eq!(t.free().advance(1.5, 2.0), (1.5, 3.5));
    // Negative time (negative lags) works like the free axis.
    assert_eq!(be.advance(-3.0, 2.0), (-3.0, -1.0));
    assert_eq!(be.advance(-1.0, 2.0), (-1.0, 1.0));
    // retreat(4.5, 3): working time before 4.5 is 2 + 0.5 = 2.5; 2.5 - 3 = -0.5.
    assert_eq!(be.retreat(4.5, 3.0), -0.5);
}

#[test]
fn day_of_date_round_trips_over_a_year_with_holidays() {
    let holidays = vec![
        date(2027, 1, 1),
        date(2027, 4, 2),
        date(2027, 4, 5),
        date(2027, 5, 31),
        date(2027, 12, 24),
        date(2027, 12, 27),
        date(2028, 1, 3),
    ];
    let cal = calendar("std", MON_FRI, holidays.clone());
    let p = plan(Some(date(2027, 1, 1)), vec![cal.clone()], vec![]);
    let t = Timeline::new(&p);
    // 2027-01-01 is a Friday holiday: day 0 is Monday 2027-01-04.
    assert_eq!(t.date_of_day(0), Some(date(2027, 1, 4)));
    // Naive walk: the k-th working date.
    let mut working = Vec::new();
    let mut x = date(2027, 1, 1);
    while x < date(2029, 1, 1) {
        if cal.is_workday(x) {
            working.push(x);
        }
        x = x.succ_opt().unwrap();
    }
    for (k, &w) in working.iter().enumerate() {
        assert_eq!(t.date_of_day(k as i64), Some(w), "day {k}");
        assert_eq!(t.day_of_date(w), k as i64, "date {w}");
    }
    // Every calendar date maps to the first working date on or after it.
    let mut x = date(2027, 1, 1);
    while x < date(2028, 12, 20) {
        let k = working.partition_point(|&w| w < x);
        assert_eq!(t.day_of_date(x), k as i64, "date {x}");
        x = x.succ_opt().unwrap();
    }
    // 2027 has 261 Mon-Fri days (52 weeks and a Friday); its 6 holidays are all weekdays:
    // 255 plan days, numbered 0..=254.
    let in_2027 = working.iter().filter(|w| w.year() == 2027).count();
    assert_eq!(in_2027, 261 - 6);
    // Saturday 2028-01-01 maps to the next working day: Monday Jan 3 is a holiday, so
    // Tuesday Jan 4, the first plan day of 2028, day 255.
    assert_eq!(t.day_of_date(date(2028, 1, 1)), 255);
    assert_eq!(t.date_of_day(255), Some(date(2028, 1, 4)));
}

// ---------------------------------------------------------------------------------------
// A naive model, straight from the plan, for differential tests
// ---------------------------------------------------------------------------------------

/// Capacity of the team on plan days 0..n, walking dates one by one.
fn naive_caps(p: &Plan, team: usize, n: usize) -> Vec<u32> {
    let cal = &p.calendars[p.default_calendar];
    let tm = &p.teams[team];
    let tcal = &p.calendars[tm.calendar];
    let mut out = Vec::with_capacity(n);
    match p.start {
        Some(start) => {
            let mut x = start;
            while out.len() < n {
                if cal.is_workday(x) {
                    let cap = if tcal.is_workday(x) {
                        tm.time_off
                            .iter()
                            .filter(|o| matches!((o.from, o.to), (When::Date(f), When::Date(t)) if f <= x && x <= t))
                            .map(|o| o.capacity)
                            .min()
                            .unwrap_or(tm.capacity)
                    } else {
                        0
                    };
                    out.push(cap);
                }
                x = x.succ_opt().unwrap();
            }
        }
        None => {
            for k in 0..n {
                let cap = tm
                    .time_off
                    .iter()
                    .filter(|o| matches!((o.from, o.to), (When::Period(f), When::Period(t)) if f.floor() <= k as f64 && k as f64 <= t.floor()))
                    .map(|o| o.capacity)
                    .min()
                    .unwrap_or(tm.capacity);
                out.push(cap);
            }
        }
    }
    out
}

/// Working time in [a, b) over the naive capacities (days < 0 all work).
fn naive_work(caps: &[u32], a: f64, b: f64) -> f64 {
    let mut sum = 0.0;
    let lo = a.floor() as i64;
    let hi = b.ceil() as i64;
    for k in lo..hi {
        let works = k < 0 || caps[k as usize] > 0;
        if works {
            let overlap = (b.min((k + 1) as f64) - a.max(k as f64)).max(0.0);
            sum += overlap;
        }
    }
    sum
}

/// Day-by-day walk: the (start, finish) of `dur` units of work from `s` (s >= 0).
fn naive_advance(caps: &[u32], s: f64, dur: f64) -> (f64, f64) {
    let mut k = s.floor() as usize;
    let mut start = s;
    if caps[k] == 0 {
        while caps[k] == 0 {
            k += 1;
        }
        start = k as f64;
    }
    let mut left = dur;
    let mut at = start;
    loop {
        if caps[k] > 0 {
            let room = (k + 1) as f64 - at;
            if left <= room {
                return (start, at + left);
            }
            left -= room;
        }
        k += 1;
        at = k as f64;
    }
}

fn weekdays_from_mask(mask: u8) -> [bool; 7] {
    let mut w = [false; 7];
    for (i, x) in w.iter_mut().enumerate() {
        *x = mask & (1 << i) != 0;
    }
    w
}

#[test]
fn long_durations_past_the_prefix_match_a_naive_walk() {
    // Plan Mon-Sat with holidays; team Mon-Thu with its own holiday and time off late in
    // 2027: past 2027-10 the pattern repeats, so durations of 1000+ days run in the
    // periodic part.
    let plan_cal = calendar(
        "plan",
        [true, true, true, true, true, true, false],
        vec![date(2027, 3, 1), date(2027, 7, 5), date(2027, 9, 17)],
    );
    let team_cal = calendar(
        "team",
        [true, true, true, true, false, false, false],
        vec![date(2027, 6, 1), date(2027, 10, 12)],
    );
    let p = plan(
        Some(date(2027, 2, 10)),
        vec![plan_cal.clone(), team_cal],
        vec![team(
            "be",
            3,
            1,
            vec![
                off(d(date(2027, 4, 1)), d(date(2027, 4, 20)), 0),
                off(d(date(2027, 8, 2)), d(date(2027, 8, 30)), 1),
            ],
        )],
    );
    let t = Timeline::new(&p);
    let n = 6000;
    let caps = naive_caps(&p, 0, n);
    let be = t.team(0);
    for (k, &cap) in caps.iter().enumerate() {
        assert_eq!(be.capacity(k as i64), cap, "capacity of day {k}");
    }
    for &(s, dur) in &[
        (0.0, 1000.0),
        (3.25, 1234.5),
        (150.0, 2500.0),
        (40.7, 1999.3),
        (2000.5, 1500.0),
    ] {
        let (s1, f1) = be.advance(s, dur);
        let (s2, f2) = naive_advance(&caps, s, dur);
        assert!(
            (s1 - s2).abs() < 1e-9 && (f1 - f2).abs() < 1e-6,
            "{s} {dur}"
        );
        assert!((be.retreat(f1, dur) - s1).abs() < 1e-6);
        assert!((naive_work(&caps, s1, f1) - dur).abs() < 1e-6);
    }
    // Dates far out match the naive walk of the plan calendar.
    let mut x = date(2027, 2, 10);
    let mut k = 0i64;
    while k < 4000 {
        if plan_cal.is_workday(x) {
            if k % 97 == 0 || k > 3990 {
                assert_eq!(t.date_of_day(k), Some(x));
                assert_eq!(t.day_of_date(x), k);
            }
            k += 1;
        }
        x = x.succ_opt().unwrap();
    }
}

#[test]
fn team_that_never_works_again_gives_an_infinite_finish() {
    // Plan Mon-Fri, team weekends only: it never works on a plan day.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![
            Calendar::standard(),
            calendar(
                "wkend",
                [false, false, false, false, false, true, true],
                vec![],
            ),
        ],
        vec![team("x", 1, 1, vec![])],
    );
    let t = Timeline::new(&p);
    let x = t.team(0);
    assert!(!x.is_working(0));
    assert_eq!(x.advance(0.0, 1.0).1, f64::INFINITY);
    assert_eq!(x.next_change(0), None);
    assert_eq!(t.finish_date(0.0, f64::INFINITY), None);
}

// Random calendars: plan workdays and holidays, a team calendar, time off.
fn arb_plan() -> impl Strategy<Value = Plan> {
    arb_plan_with(any::<bool>())
}

fn arb_plan_with(dated: impl Strategy<Value = bool>) -> impl Strategy<Value = Plan> {
    (
        0i64..400,
        1u8..128,
        prop::collection::vec(0i64..120, 0..8),
        1u8..128,
        prop::collection::vec(0i64..120, 0..8),
        prop::collection::vec((0i64..120, 0i64..15, 0u32..4), 0..4),
        dated,
    )
        .prop_map(|(start, pmask, phol, tmask, thol, offs, dated)| {
            let base = date(2027, 1, 1);
            let at = |n: i64| add_days(base, start + n).unwrap();
            let pw = weekdays_from_mask(pmask);
            // The team works at least on one plan weekday so durations stay finite.
            let mut tw = weekdays_from_mask(tmask);
            let first_plan_day = pw.iter().position(|&b| b).unwrap();
            tw[first_plan_day] = true;
            let plan_cal = calendar("p", pw, phol.iter().map(|&n| at(n)).collect());
            let team_cal = calendar("t", tw, thol.iter().map(|&n| at(n)).collect());
            let time_off = offs
                .iter()
                .map(|&(f, len, c)| {
                    if dated {
                        off(d(at(f)), d(at(f + len)), c)
                    } else {
                        off(
                            When::Period(f as f64),
                            When::Period((f + len) as f64 + 0.5),
                            c,
                        )
                    }
                })
                .collect();
            plan(
                dated.then(|| at(0)),
                vec![plan_cal, team_cal],
                vec![team("x", 3, 1, time_off)],
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn advance_and_retreat_agree_with_brute_force(
        p in arb_plan(),
        s in 0.0f64..150.0,
        dur in 0.0f64..60.0,
        f in 0.0f64..200.0,
        whole in any::<bool>(),
    ) {
        let (s, dur, f) = if whole { (s.floor(), dur.floor(), f.floor()) } else { (s, dur, f) };
        let t = Timeline::new(&p);
        let cal = t.team(0);
        let n = 3000;
        let caps = naive_caps(&p, 0, n);
        for k in 0..n {
            prop_assert_eq!(cal.capacity(k as i64), caps[k]);
            // next_change: the first later day with another capacity (naive, within n).
            let naive_next = (k + 1..n).find(|&j| caps[j] != caps[k]);
            if let Some(j) = naive_next {
                prop_assert_eq!(cal.next_change(k as i64), Some(j as i64));
            } else if k < 2000 {
                prop_assert_eq!(cal.next_change(k as i64), None);
            }
        }
        let (s1, f1) = cal.advance(s, dur);
        prop_assert!(s1 >= s && f1 >= s1 && f1.is_finite());
        // Nothing workable is skipped between the asked and the actual start.
        prop_assert!(naive_work(&caps, s, s1) == 0.0);
        if dur > 0.0 {
            prop_assert!(caps[s1.floor() as usize] > 0, "starts on a working day");
            prop_assert!((naive_work(&caps, s1, f1) - dur).abs() < 1e-9);
            // The finish is the moment the last unit is done: the day holding it works.
            prop_assert!(caps[(f1.ceil() as usize) - 1] > 0);
        } else {
            prop_assert_eq!(s1, f1);
        }
        let (ns, nf) = if dur > 0.0 { naive_advance(&caps, s, dur) } else { (s1, f1) };
        prop_assert!((ns - s1).abs() < 1e-9 && (nf - f1).abs() < 1e-9);
        // Inverse properties.
        prop_assert!(cal.retreat(f1, dur) >= s - 1e-9);
        let r = cal.retreat(f, dur);
        prop_assert!(cal.advance(r, dur).1 <= f + 1e-9);
        // Latest: a slightly later start finishes after f (unless it lands on the same start).
        let later = r + 1e-3;
        let (ls, lf) = cal.advance(later, dur);
        prop_assert!(lf > f - 1e-9 || ls <= r, "r {} later ({}, {}) f {}", r, ls, lf, f);
        // working_time agrees with the brute-force count.
        let (a, b) = (s.min(f), s.max(f));
        prop_assert!((cal.working_time(a, b) - naive_work(&caps, a, b)).abs() < 1e-9);
    }

    #[test]
    fn dates_round_trip_on_random_calendars(p in arb_plan_with(Just(true)), k in 0i64..2000) {
        let t = Timeline::new(&p);
        let cal = &p.calendars[0];
        let date_k = t.date_of_day(k).unwrap();
        prop_assert!(cal.is_workday(date_k));
        prop_assert_eq!(t.day_of_date(date_k), k);
        // The day before k's date maps to k or earlier; the date after it maps to k + 1.
        let next = t.date_of_day(k + 1).unwrap();
        prop_assert!(next > date_k);
        let mut x = date_k.succ_opt().unwrap();
        while x <= next {
            prop_assert_eq!(t.day_of_date(x), k + 1);
            prop_assert!(x == next || !cal.is_workday(x));
            x = x.succ_opt().unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deploy windows
// ---------------------------------------------------------------------------------------

fn dated_plan() -> Plan {
    plan(Some(date(2027, 1, 4)), vec![Calendar::standard()], vec![])
}

const TUE_THU: [bool; 7] = [false, true, false, true, false, false, false];

#[test]
fn cadence_every_two_weeks_on_tuesday_and_thursday() {
    // From Tuesday 2027-01-05, every other week: Jan 5, 7, 19, 21, Feb 2, 4, 16, 18, ...
    let r = release(
        vec![],
        Some(Cadence::Weekly {
            weekdays: TUE_THU,
            every_weeks: 2,
            from: date(2027, 1, 5),
        }),
        vec![],
    );
    let w = open_windows(&dated_plan(), &r);
    let expect: Vec<When> = [
        (1, 5),
        (1, 7),
        (1, 19),
        (1, 21),
        (2, 2),
        (2, 4),
        (2, 16),
        (2, 18),
    ]
    .iter()
    .map(|&(m, dd)| d(date(2027, m, dd)))
    .collect();
    assert_eq!(&w[..8], &expect[..]);
    // Fortnight n holds Jan 5 + 14n and Jan 7 + 14n. The 2-year limit is 2027-01-04 + 731
    // = 2029-01-05, which would allow fortnights 0..=52 (106 dates: Thu of fortnight 52 is
    // Jan 7 + 728 = 2029-01-04); the 104-window cap stops first, at Thursday of fortnight
    // 51 = 2027-01-07 + 714 days = 2028-12-21 (2027 has 365 days; then day 7 + 349 = 356 of
    // leap 2028 = December 21).
    assert_eq!(w.len(), 104);
    assert_eq!(w.last(), Some(&d(date(2028, 12, 21))));
}

#[test]
fn cadence_stops_two_years_past_the_start() {
    // Mondays every 3 weeks from the start, 2027-01-04: Jan 4 + 21n while 21n <= 731,
    // n = 0..=34 (21 * 34 = 714): 35 dates, the last 2027-01-04 + 714 = 2028-12-18. The one on
    // the start date is not open (nothing is done before it to deploy): 34 windows.
    let r = release(
        vec![],
        Some(Cadence::Weekly {
            weekdays: [true, false, false, false, false, false, false],
            every_weeks: 3,
            from: date(2027, 1, 4),
        }),
        vec![],
    );
    let w = open_windows(&dated_plan(), &r);
    assert_eq!(w.len(), 34);
    assert_eq!(w.first(), Some(&d(date(2027, 1, 25))));
    assert_eq!(w.last(), Some(&d(date(2028, 12, 18))));
}

#[test]
fn cadence_from_midweek_counts_weeks_from_mondays() {
    // From Thursday 2027-01-07, every 2 weeks, Tue/Thu: the week of Jan 4 is week 0, so its
    // Tuesday (Jan 5, before `from`) is skipped; then Jan 7, 19, 21, ...
    let r = release(
        vec![],
        Some(Cadence::Weekly {
            weekdays: TUE_THU,
            every_weeks: 2,
            from: date(2027, 1, 7),
        }),
        vec![],
    );
    let w = open_windows(&dated_plan(), &r);
    assert_eq!(
        &w[..3],
        &[
            d(date(2027, 1, 7)),
            d(date(2027, 1, 19)),
            d(date(2027, 1, 21))
        ]
    );
}

#[test]
fn cadence_dates_on_holidays_close_but_explicit_windows_stay() {
    // Holiday Tuesday 2027-01-19 closes that cadence date; an explicit window on the
    // holiday Thursday 2027-01-28 stays (as written). Duplicates collapse.
    let mut p = dated_plan();
    p.calendars[0].holidays = vec![date(2027, 1, 19), date(2027, 1, 28)];
    let r = release(
        vec![
            d(date(2027, 1, 28)),
            d(date(2027, 1, 7)),
            d(date(2027, 1, 28)),
        ],
        Some(Cadence::Weekly {
            weekdays: TUE_THU,
            every_weeks: 2,
            from: date(2027, 1, 5),
        }),
        vec![],
    );
    let w = open_windows(&p, &r);
    assert_eq!(
        &w[..5],
        &[
            d(date(2027, 1, 5)),
            d(date(2027, 1, 7)),
            d(date(2027, 1, 21)),
            d(date(2027, 1, 28)),
            d(date(2027, 2, 2)),
        ]
    );
}

#[test]
fn freeze_removes_windows_inclusively() {
    // Cadence Jan 5, 7, 19, 21, Feb 2 ...; freeze Jan 7 ..= Jan 19 closes Jan 7 and 19.
    let r = release(
        vec![d(date(2027, 1, 12))],
        Some(Cadence::Weekly {
            weekdays: TUE_THU,
            every_weeks: 2,
            from: date(2027, 1, 5),
        }),
        vec![Freeze {
            from: d(date(2027, 1, 7)),
            to: d(date(2027, 1, 19)),
        }],
    );
    let w = open_windows(&dated_plan(), &r);
    assert_eq!(
        &w[..3],
        &[
            d(date(2027, 1, 5)),
            d(date(2027, 1, 21)),
            d(date(2027, 2, 2))
        ]
    );
    // deploy_after is strictly after the ready date.
    assert_eq!(
        deploy_after(&w, d(date(2027, 1, 4))),
        Some(d(date(2027, 1, 5)))
    );
    assert_eq!(
        deploy_after(&w, d(date(2027, 1, 5))),
        Some(d(date(2027, 1, 21)))
    );
    assert_eq!(
        deploy_after(&w, d(date(2027, 1, 8))),
        Some(d(date(2027, 1, 21)))
    );
    assert_eq!(
        deploy_after(&w, d(date(2027, 1, 21))),
        Some(d(date(2027, 2, 2)))
    );
    // Past the last generated window: unscheduled.
    assert_eq!(deploy_after(&w, *w.last().unwrap()), None);
}

#[test]
fn release_with_no_window_left_is_unscheduled() {
    // Explicit windows Feb 16 and Mar 2, both inside the freeze Feb 10 ..= Mar 5.
    let r = release(
        vec![d(date(2027, 2, 16)), d(date(2027, 3, 2))],
        None,
        vec![Freeze {
            from: d(date(2027, 2, 10)),
            to: d(date(2027, 3, 5)),
        }],
    );
    assert!(has_windows(&r));
    let w = open_windows(&dated_plan(), &r);
    assert!(w.is_empty());
    assert_eq!(deploy_after(&w, d(date(2027, 1, 20))), None);
    // Without the freeze, ready on Feb 16 ships on Mar 2; ready on Mar 2 is unscheduled.
    let r = release(
        vec![d(date(2027, 3, 2)), d(date(2027, 2, 16))],
        None,
        vec![],
    );
    let w = open_windows(&dated_plan(), &r);
    assert_eq!(w, vec![d(date(2027, 2, 16)), d(date(2027, 3, 2))]);
    assert_eq!(
        deploy_after(&w, d(date(2027, 2, 16))),
        Some(d(date(2027, 3, 2)))
    );
    assert_eq!(deploy_after(&w, d(date(2027, 3, 2))), None);
    assert!(!has_windows(&release(vec![], None, vec![])));
}

#[test]
fn undated_periodic_cadence() {
    // Every 2.5 from 1: 1, 3.5, 6, 8.5, ... 104 windows, the last 1 + 103 * 2.5 = 258.5.
    // Freeze 3 ..= 6 closes 3.5 and 6; an explicit window 7 is added.
    let p = plan(None, vec![Calendar::standard()], vec![]);
    let r = release(
        vec![When::Period(7.0)],
        Some(Cadence::Periodic {
            every: 2.5,
            from: 1.0,
        }),
        vec![Freeze {
            from: When::Period(3.0),
            to: When::Period(6.0),
        }],
    );
    let w = open_windows(&p, &r);
    assert_eq!(
        &w[..4],
        &[
            When::Period(1.0),
            When::Period(7.0),
            When::Period(8.5),
            When::Period(11.0)
        ]
    );
    // 104 cadence windows - 2 frozen + 1 explicit.
    assert_eq!(w.len(), 103);
    assert_eq!(w.last(), Some(&When::Period(258.5)));
    // Undated: at or after the ready time.
    assert_eq!(deploy_after(&w, When::Period(1.0)), Some(When::Period(1.0)));
    assert_eq!(deploy_after(&w, When::Period(1.5)), Some(When::Period(7.0)));
    assert_eq!(deploy_after(&w, When::Period(8.5)), Some(When::Period(8.5)));
    assert_eq!(deploy_after(&w, When::Period(258.6)), None);
    // A cadence starting before 0 keeps only windows at or after 0: -4, 1, 6 -> 1, 6, ...
    let r = release(
        vec![],
        Some(Cadence::Periodic {
            every: 5.0,
            from: -4.0,
        }),
        vec![],
    );
    let w = open_windows(&p, &r);
    assert_eq!(w.len(), 104);
    assert_eq!(&w[..2], &[When::Period(1.0), When::Period(6.0)]);
}

#[test]
fn cadence_before_the_plan_start_begins_at_the_start() {
    // Plan from 2027-03-01 (Monday); weekly Tuesdays from 2027-01-05: first window Mar 2.
    let p = plan(Some(date(2027, 3, 1)), vec![Calendar::standard()], vec![]);
    let r = release(
        vec![],
        Some(Cadence::Weekly {
            weekdays: [false, true, false, false, false, false, false],
            every_weeks: 1,
            from: date(2027, 1, 5),
        }),
        vec![],
    );
    let w = open_windows(&p, &r);
    assert_eq!(w[0], d(date(2027, 3, 2)));
    // 104 Tuesdays from Mar 2 2027 span 103 weeks = 721 days <= 731: capped at 104.
    assert_eq!(w.len(), 104);
}

#[test]
fn very_far_days_use_the_closed_form() {
    // Plan Mon-Fri from Monday 2027-01-04, team Mon-Thu: plan week q holds days 5q..5q+4
    // and the team works 5q..5q+3 (4 days a week).
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![
            Calendar::standard(),
            calendar("t", [true, true, true, true, false, false, false], vec![]),
        ],
        vec![team("x", 2, 1, vec![])],
    );
    let t = Timeline::new(&p);
    let x = t.team(0);
    // 4,000,000 units = 1,000,000 full weeks; the last unit is on Thursday of week 999,999,
    // day 5 * 999,999 + 3 = 4,999,998, so the finish is 4,999,999.0.
    assert_eq!(x.advance(0.0, 4_000_000.0), (0.0, 4_999_999.0));
    assert_eq!(x.retreat(4_999_999.0, 4_000_000.0), 0.0);
    // Friday (day 5q + 4) is off: a start there moves to the next Monday, 5(q + 1).
    assert_eq!(x.advance(5_000_004.5, 0.5), (5_000_005.0, 5_000_005.5));
    assert_eq!(x.next_change(5_000_000), Some(5_000_004));
    assert_eq!(x.next_change(5_000_004), Some(5_000_005));
    // 1,000,000 weeks after Monday 2027-01-04 is day 5,000,000, a Monday 7,000,000 days on.
    let monday = add_days(date(2027, 1, 4), 7_000_000).unwrap();
    assert_eq!(t.date_of_day(5_000_000), Some(monday));
    assert_eq!(t.day_of_date(monday), 5_000_000);
    // The Saturday before it maps to it too.
    assert_eq!(t.day_of_date(add_days(monday, -2).unwrap()), 5_000_000);
}

// --- Bounded loops on degenerate input (issue 15): the answer comes at once, or "never". ---

#[test]
fn work_past_the_limit_never_arrives_and_answers_at_once() {
    // Plan Mon-Fri from Monday 2027-01-04, team Mon, Wed, Fri: 3 working days in every 5.
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![
            Calendar::standard(),
            calendar(
                "mwf",
                [true, false, true, false, true, false, false],
                vec![],
            ),
        ],
        vec![team("x", 1, 1, vec![])],
    );
    let t = Timeline::new(&p);
    let x = t.team(0);
    // 3e9 units = 1e9 full weeks; the last unit is on the Friday of week 1e9 - 1, plan day
    // 5e9 - 1, so the finish is 5e9.0: far out, still exact.
    assert_eq!(x.advance(0.0, 3e9), (0.0, 5e9));
    assert_eq!(x.retreat(5e9, 3e9), 0.0);
    // Past 1e15 working days (and for values that used to overflow the period arithmetic,
    // or made the search step one period at a time), the finish is infinite.
    for d in [2e15, 9.3e18, 1e23, 1e308, f64::MAX, f64::INFINITY] {
        assert_eq!(x.advance(0.0, d), (0.0, f64::INFINITY), "duration {d}");
        assert_eq!(x.advance(2.5, d).1, f64::INFINITY, "duration {d}");
    }
    // A finish that far out: the latest start is infinite too, never an index out of range.
    for f in [2e15, 9.3e18, 1e308] {
        assert_eq!(x.retreat(f, 4.0), f64::INFINITY, "finish {f}");
        assert_eq!(x.retreat(f, 0.0), f, "finish {f}");
    }
    // A NaN duration counts as none (and does not spin).
    assert_eq!(x.advance(0.0, f64::NAN), (0.0, 0.0));
}

#[test]
fn a_team_that_stops_working_gives_an_infinite_finish_at_once() {
    // Works on day 0 only, then never (one explicit day, a period of one day off).
    let x = TeamCalendar::from_caps(1, vec![1, 0], 1);
    assert_eq!(x.per_period(), 0);
    assert_eq!(x.advance(0.0, 1.0), (0.0, 1.0));
    assert_eq!(x.advance(0.0, 2.0), (0.0, f64::INFINITY));
    assert_eq!(x.advance(5.0, 1.0), (f64::INFINITY, f64::INFINITY));
    assert_eq!(x.next_change(0), Some(1));
    assert_eq!(x.next_change(1), None);
    assert_eq!(x.next_change(1_000_000_000_000), None);
    // A zero duration at day 5 retreats to the end of day 0, the last working day.
    assert_eq!(x.retreat(5.5, 0.0), 1.0);
}

#[test]
fn next_change_and_lookups_at_the_end_of_the_day_range_do_not_overflow() {
    let p = plan(
        Some(date(2027, 1, 4)),
        vec![
            Calendar::standard(),
            calendar(
                "mwf",
                [true, false, true, false, true, false, false],
                vec![],
            ),
        ],
        vec![team("x", 1, 1, vec![])],
    );
    let t = Timeline::new(&p);
    let x = t.team(0);
    // The next change would lie past i64::MAX: none.
    assert_eq!(x.next_change(i64::MAX), None);
    let _ = x.is_working(i64::MAX);
    assert!(x.working_time(0.0, 9e18).is_finite());
    // Dates past what chrono holds are `None`, not a panic.
    assert_eq!(t.date_of_day(i64::MAX), None);
    assert_eq!(t.finish_date(0.0, 1e300), None);
}

mod limits_checks {
    //! The time axis's limits, through the parser, so each refusal is checked at its line and
    //! column; values exactly at a limit are accepted.

    use super::super::limits::{HORIZON, MAX_GAP, MAX_SPAN};
    use super::*;
    use crate::io::{parse_str, Format};

    fn errors(src: &str) -> Vec<(u32, u32, String)> {
        match parse_str(src, Format::Toml) {
            Ok(_) => vec![],
            Err(es) => es
                .into_iter()
                .map(|e| {
                    let p = e.pos.expect("a located error");
                    (p.line, p.column, e.message)
                })
                .collect(),
        }
    }

    fn undated(team: &str, task: &str) -> String {
        format!("[plan]\nname = \"p\"\n[teams.be]\ncapacity = 2\n{team}\n[[tasks]]\nid = \"a\"\nteam = \"be\"\n{task}\n")
    }

    #[test]
    fn the_limits_are_the_documented_numbers() {
        assert_eq!(MAX_SPAN, 2_000.0);
        assert_eq!(HORIZON, 36_525);
        assert_eq!(MAX_GAP, 366);
    }

    #[test]
    fn durations_and_lags_up_to_the_longest_span() {
        // The field limits (crate::validate) refuse values past the span itself; the time
        // axis adds a lognormal's 99th percentile.
        assert!(errors(&undated("", "estimate = 2000")).is_empty());
        let e = errors(&undated("", "estimate = 2000.5"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].0, e[0].1), (9, 12));
        assert!(
            e[0].2
                .starts_with("task `a`: estimate is 2000.5; at most 2000 working days"),
            "{e:?}"
        );
        let e = errors(&undated(
            "",
            "estimate = { low = 1, likely = 2, high = 1e308 }",
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].2.contains("estimate `high` is 1e308"), "{e:?}");
        let e = errors(&undated(
            "",
            "estimate = { dist = \"lognormal\", median = 1e-300, p90 = 1e300 }",
        ));
        assert!(e[0].2.contains("estimate `p90`"), "{e:?}");
        // A lognormal's 99th percentile, median * (p90 / median)^(z99 / z90), within the span:
        // median 20, p90 200 reaches 20 * 10^1.8152 = 1307; p90 300 reaches 20 * 15^1.8152 = 2728.
        let logn = |median: &str, p90: &str| {
            undated(
                "",
                &format!("estimate = {{ dist = \"lognormal\", median = {median}, p90 = {p90} }}"),
            )
        };
        assert!(errors(&logn("20", "200")).is_empty());
        let e = errors(&logn("20", "300"));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 9, 43), "{e:?}");
        assert!(
            e[0].2.starts_with(
                "task `a`: `estimate` (median 20, p90 300) has its 99th percentile at 2728."
            ),
            "{e:?}"
        );
        // The fuzzed subnormal median: half its samples would be cut.
        let e = errors(&logn("1e-320", "5"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].2.contains("99th percentile"), "{e:?}");
        // Lags either way.
        let two = |lag: &str| {
            undated(
                "",
                &format!("estimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [{{ task = \"a\", lag = {lag} }}]"),
            )
        };
        assert!(errors(&two("-2000")).is_empty());
        assert!(errors(&two("2000")).is_empty());
        let e = errors(&two("-2000.001"));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 13, 30), "{e:?}");
        assert!(e[0].2.starts_with("task `b`: `lag` is -2000.001"), "{e:?}");
        assert_eq!(errors(&two("99999999999999999999999")).len(), 1);
        // A risk's impact.
        let risk = |high: &str| {
            undated(
                "",
                &format!("estimate = 1\n[[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = {{ low = 1, likely = 2, high = {high} }}\ntasks = [\"a\"]"),
            )
        };
        assert!(errors(&risk("2000")).is_empty());
        let e = errors(&risk("9223372036854775807"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].2.starts_with("risk `r`: impact `high`"), "{e:?}");
    }

    #[test]
    fn undated_periods_within_the_horizon() {
        let off = |to: &str| {
            undated(
                &format!("time_off = [{{ from = 0, to = {to}, capacity = 1 }}]"),
                "estimate = 1",
            )
        };
        assert!(errors(&off("36525")).is_empty());
        let e = errors(&off("36525.5"));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 5, 30), "{e:?}");
        assert!(
            e[0].2.starts_with("team `be`: time off `to` 36525.5"),
            "{e:?}"
        );
        let e = errors(&off("10000000.0"));
        assert_eq!(e.len(), 1, "{e:?}");
        let rel = |w: &str| {
            format!(
                "{}[[releases]]\nid = \"r\"\ntasks = [\"a\"]\nwindows = [5, {w}]\n",
                undated("", "estimate = 1")
            )
        };
        assert!(errors(&rel("36525")).is_empty());
        let e = errors(&rel("50000"));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 13, 15), "{e:?}");
        assert!(e[0].2.starts_with("release `r`: `windows` 50000"), "{e:?}");
        // Past the field limit of undated points (100,000), the field rule speaks.
        let e = errors(&rel("1e9"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].2.contains("at most 100000 periods"), "{e:?}");
    }

    fn dated(start: &str, extra: &str) -> String {
        format!("[plan]\nname = \"p\"\nstart = {start}\n[teams.be]\ncapacity = 2\n{extra}\n[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n")
    }

    #[test]
    fn dates_within_the_horizon_of_the_start() {
        let last = add_days(date(2027, 1, 4), HORIZON).unwrap();
        let first = add_days(date(2027, 1, 4), -HORIZON).unwrap();
        let off = |from: NaiveDate, to: NaiveDate| {
            dated(
                "2027-01-04",
                &format!("time_off = [{{ from = {from}, to = {to}, capacity = 1 }}]"),
            )
        };
        assert!(errors(&off(first, last)).is_empty());
        let e = errors(&off(first, add_days(last, 1).unwrap()));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 6, 39), "{e:?}");
        assert!(e[0]
            .2
            .contains("lies 36526 days after the plan start 2027-01-04"));
        let e = errors(&off(add_days(first, -1).unwrap(), last));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 6, 22), "{e:?}");
        assert!(e[0].2.contains("36526 days before"), "{e:?}");
        // The fuzzed "team away from 0001-01-01 to 9999-12-31": both ends.
        assert_eq!(errors(&off(date(1, 1, 1), date(9999, 12, 31))).len(), 2);
        // A holiday.
        let hol = |h: NaiveDate| {
            format!(
                "[plan]\nname = \"p\"\nstart = 2027-01-04\ncalendar = \"c\"\n[calendars.c]\nworkdays = [\"mon\", \"tue\"]\nholidays = [2027-01-05, {h}]\n"
            )
        };
        assert!(errors(&hol(last)).is_empty());
        let after = add_days(last, 1).unwrap();
        let e = errors(&hol(after));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 7, 12), "{e:?}");
        assert!(
            e[0].2
                .starts_with(&format!("calendar `c`: holiday {after}")),
            "{e:?}"
        );
    }

    #[test]
    fn a_team_may_go_at_most_366_days_without_work() {
        // Away from Monday 2027-01-04 to X inclusive; the next working day comes 366 days
        // after the first day away when X is Tuesday 2028-01-04.
        let away = |to: &str| {
            dated(
                "2027-01-04",
                &format!("time_off = [{{ from = 2027-01-04, to = {to}, capacity = 0 }}]"),
            )
        };
        assert!(errors(&away("2028-01-04")).is_empty());
        let e = errors(&away("2028-01-05"));
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 4, 1), "{e:?}");
        assert!(
            e[0].2.starts_with(
                "team `be`: its calendar and time off leave it without a working day for 367 days in a row from 2027-01-04"
            ),
            "{e:?}"
        );
        // Undated: periods 0..=365 away is a gap of 366 periods; one more is too long.
        let off = |to: u32| {
            undated(
                &format!("time_off = [{{ from = 0, to = {to}, capacity = 0 }}]"),
                "estimate = 1",
            )
        };
        assert!(errors(&off(365)).is_empty());
        let e = errors(&off(366));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].2.contains("for 367 periods in a row from period 0"),
            "{e:?}"
        );
    }

    /// A calendar of Mondays whose holidays take every Monday of ten years but one.
    fn one_monday_in_ten_years() -> String {
        let mut hol = Vec::new();
        let mut d = date(2027, 1, 4);
        while d < date(2037, 1, 1) {
            if d != date(2031, 6, 2) {
                hol.push(d.to_string());
            }
            d = add_days(d, 7).unwrap();
        }
        hol.join(", ")
    }

    #[test]
    fn a_calendar_with_one_working_day_in_ten_years_is_refused() {
        assert_eq!(date(2031, 6, 2).weekday(), chrono::Weekday::Mon);
        let hol = one_monday_in_ten_years();
        // As a team's calendar on a Monday-to-Friday plan.
        let team = format!(
            "[plan]\nname = \"p\"\nstart = 2027-01-04\n[calendars.rare]\nworkdays = [\"mon\"]\nholidays = [{hol}]\n[teams.be]\ncapacity = 1\ncalendar = \"rare\"\n[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 2\n"
        );
        let e = errors(&team);
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 7, 1), "{e:?}");
        assert!(e[0].2.starts_with("team `be`: its calendar and time off leave it without a working day for 1610 days in a row from 2027-01-04"), "{e:?}");
        // As the plan calendar.
        let plan = format!(
            "[plan]\nname = \"p\"\nstart = 2027-01-04\ncalendar = \"rare\"\n[calendars.rare]\nworkdays = [\"mon\"]\nholidays = [{hol}]\n[[tasks]]\nid = \"a\"\nestimate = 2\n"
        );
        let e = errors(&plan);
        assert_eq!((e.len(), e[0].0, e[0].1), (1, 7, 12), "{e:?}");
        assert!(
            e[0].2.starts_with("calendar `rare`: its holidays leave"),
            "{e:?}"
        );
    }
}
