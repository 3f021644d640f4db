//! Re-timing a schedule on its hand-offs of team capacity (what a risk costs in resource-aware
//! mode), against the independent checker: with the schedule's own durations it gives the
//! schedule back to the bit, and with shorter durations every task finishes no later and the
//! re-timed schedule is still feasible (links, calendars, time off, capacity).

use chrono::NaiveDate;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::{Calendar, Estimate, Link, LinkKind, Plan, Task, TaskKind, Team};
use shipdate_engine::model::{TimeOff, When};
use shipdate_engine::schedule::{retimed, Problem};

use crate::checker;
use crate::psplib::j30_files;

/// xorshift64*, for the random plans and durations.
struct Gen(u64);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn unit(&mut self) -> f64 {
        self.below(1 << 20) as f64 / (1 << 20) as f64
    }
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, d).unwrap()
}

/// A random dated plan: up to three teams of capacity 1 to 4, some with time off (the whole
/// team, or part of it); tasks of fractional durations (some milestones) demanding their team;
/// links with lags from -2 to 2, of every type or (`starts`) only finish-to-start and
/// start-to-start (and with an even `n`, lags of 0 or more: then no task starts before a
/// predecessor). With `mixed`, teams may work a four-day week with holidays and tasks may
/// demand a second team.
fn random_plan(g: &mut Gen, n: usize, starts: bool, mixed: bool) -> Plan {
    let teams: Vec<Team> = (0..1 + g.below(3))
        .map(|k| {
            let mut team = Team::new(format!("r{k}"), 1 + g.below(4) as u32);
            team.calendar = if mixed { g.below(2) } else { 0 };
            if g.below(2) == 0 {
                let from = 5 + g.below(10) as u32;
                team.time_off = vec![TimeOff {
                    from: When::Date(date(from)),
                    to: When::Date(date(from + g.below(6) as u32)),
                    capacity: g.below(team.capacity as usize) as u32,
                }];
            }
            team
        })
        .collect();
    let kinds = [LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF];
    let tasks: Vec<Task> = (0..n)
        .map(|j| {
            let d = if g.below(8) == 0 {
                0.0
            } else {
                0.25 * (1 + g.below(20)) as f64
            };
            let mut task = Task::new(format!("t{j}"), Estimate::Fixed { value: d });
            if d == 0.0 {
                task.kind = TaskKind::Milestone;
            }
            let team = g.below(teams.len() + 1);
            if team < teams.len() {
                task.team = Some(team);
                task.demand = 1 + g.below(teams[team].capacity as usize) as u32;
                if mixed && teams.len() > 1 && g.below(3) == 0 {
                    let other = (team + 1 + g.below(teams.len() - 1)) % teams.len();
                    task.extra_demands = vec![(other, 1)];
                }
            }
            for _ in 0..g.below(4).min(j) {
                let pred = j - 1 - g.below(j.min(10));
                if task.after.iter().all(|l| l.pred != pred) {
                    // With `starts`, leads (negative lags) in every other plan only.
                    let lags = if starts && n % 2 == 0 { 6 } else { 8 };
                    let lag = [0.0, 0.0, 0.0, 1.0, 0.5, 2.0, -1.0, -2.0][g.below(lags)];
                    let kind = kinds[g.below(if starts { 2 } else { 4 })];
                    task.after.push(Link::new(pred, kind, lag));
                }
            }
            task
        })
        .collect();
    let mut plan = Plan::new("random");
    plan.start = Some(date(4));
    plan.calendars = vec![
        Calendar::standard(),
        Calendar {
            id: "four-day".into(),
            workdays: [true, true, true, true, false, false, false],
            holidays: vec![date(13), date(21)],
        },
    ];
    plan.teams = teams;
    plan.tasks = tasks;
    plan
}

/// Durations no longer than `d`: about a third of them cut by a random share.
fn shorter(g: &mut Gen, d: &[f64]) -> Vec<f64> {
    d.iter()
        .map(|&x| if g.below(3) == 0 { x * g.unit() } else { x })
        .collect()
}

/// Re-times `plan`'s priority-rule schedule with `count` sets of shorter durations; returns
/// how many tasks moved in all. With `monotone` (no finish-to-finish or start-to-finish link),
/// no task may finish later and the re-timed schedule must be feasible. (With such a link, a
/// shorter task can start later, and so can its start-to-start successors, into capacity that
/// the schedule gave to a task after it.)
fn check_plan(plan: &Plan, g: &mut Gen, count: usize, monotone: bool, what: &str) -> usize {
    let p = Problem::new(plan);
    let order = p.priority_order();
    let with = p.point_durations().to_vec();
    let same = retimed(&p, &order, &with, &with);
    assert_eq!(
        same.moved, 0,
        "{what}: the schedule's own durations move tasks"
    );
    for j in 0..with.len() {
        assert_eq!(
            same.new_start[j].to_bits(),
            same.start[j].to_bits(),
            "{what}"
        );
        assert_eq!(
            same.new_finish[j].to_bits(),
            same.finish[j].to_bits(),
            "{what}"
        );
    }
    let v = checker::check_with(plan, &with, &same.start, &same.finish);
    assert!(v.is_empty(), "{what}: the schedule itself: {v:#?}");
    let mut moved = 0;
    for k in 0..count {
        let without = shorter(g, &with);
        let r = retimed(&p, &order, &with, &without);
        if monotone {
            let v = checker::check_with(plan, &without, &r.new_start, &r.new_finish);
            assert!(v.is_empty(), "{what}, draw {k}: re-timed: {v:#?}");
        }
        for j in (0..with.len()).filter(|_| monotone) {
            assert!(
                r.new_finish[j] <= r.finish[j],
                "{what}, draw {k}: task {j} finishes later, {} after {}",
                r.new_finish[j],
                r.finish[j]
            );
        }
        moved += r.moved;
    }
    moved
}

#[test]
fn retimed_with_the_same_durations_is_the_schedule_and_shorter_stays_feasible() {
    // With every link type only the schedule's own durations are checked (see `check_plan`).
    let mut g = Gen(0x5eed_1234_abcd_0001);
    let mut moved = 0;
    for seed in 0..600 {
        let (starts, mixed) =
            [(true, true), (false, false), (true, false), (false, true)][seed % 4];
        let plan = random_plan(&mut g, 5 + seed % 40, starts, mixed);
        moved += check_plan(&plan, &mut g, 5, starts, &format!("plan {seed}"));
    }
    // The shorter durations do move tasks: the checks are not on unchanged schedules.
    assert!(moved > 5_000, "only {moved} tasks moved");
}

#[test]
fn retimed_j30_schedules_stay_feasible() {
    // PSPLIB instances: four renewable resources, multi-unit demands, tight capacity.
    let mut g = Gen(0x5eed_1234_abcd_0002);
    let mut moved = 0;
    for path in j30_files().iter().step_by(8) {
        let src = std::fs::read_to_string(path).unwrap();
        let plan = parse_str(&src, Format::Psplib).unwrap();
        moved += check_plan(&plan, &mut g, 3, true, &path.display().to_string());
    }
    assert!(moved > 1_000, "only {moved} tasks moved");
}
