//! The synthetic release plan shared by the Monte Carlo benchmarks.

use chrono::NaiveDate;
use shipdate_engine::model::{
    Cadence, Correlation, Estimate, Link, LinkKind, Plan, Release, Risk, Task, Team,
};

/// A small deterministic generator for the synthetic plans (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A release plan of `n` tasks on `teams` teams: each task depends on 1 to 3 of the 60 tasks
/// before it (mostly finish-to-start, some start-to-start and finish-to-finish with lags);
/// estimates 70% Beta-PERT, 10% triangular, 10% uniform, 5% lognormal, 5% fixed; 10 risks on
/// 1 to 3 tasks each; 5 correlation groups; 3 releases on a weekly Tuesday/Thursday cadence.
pub fn synthetic_plan(n: usize, teams: usize, seed: u64) -> Plan {
    let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let team_list: Vec<Team> = (0..teams)
        .map(|k| Team::new(format!("team{k}"), 2 + (k % 3) as u32))
        .collect();
    let tasks: Vec<Task> = (0..n)
        .map(|j| {
            let low = 1.0 + g.below(5) as f64;
            let likely = low + 1.0 + g.below(6) as f64 + g.unit();
            let high = likely + 1.0 + g.below(10) as f64;
            let estimate = match g.below(20) {
                0..=13 => Estimate::Pert { low, likely, high },
                14 | 15 => Estimate::Triangular { low, likely, high },
                16 | 17 => Estimate::Uniform { low, high },
                18 => Estimate::Lognormal {
                    median: likely,
                    p90: high,
                },
                _ => Estimate::Fixed { value: likely },
            };
            let mut after = Vec::new();
            if j > 0 {
                let k = 1 + g.below(3);
                for _ in 0..k {
                    let pred = j - 1 - g.below(j.min(60));
                    if after.iter().any(|l: &Link| l.pred == pred) {
                        continue;
                    }
                    let (kind, lag) = match g.below(10) {
                        0 => (LinkKind::SS, 1.0),
                        1 => (LinkKind::FF, 0.5),
                        _ => (LinkKind::FS, 0.0),
                    };
                    after.push(Link::new(pred, kind, lag));
                }
            }
            let mut task = Task::new(format!("t{j}"), estimate).on_team(g.below(teams), 1);
            task.after = after;
            task
        })
        .collect();
    let risks = (0..10)
        .map(|r| {
            let impact = Estimate::Pert {
                low: 1.0,
                likely: 3.0,
                high: 8.0,
            };
            let tasks = (0..1 + g.below(3)).map(|_| g.below(n)).collect();
            Risk::new(format!("risk{r}"), 0.1 + 0.03 * r as f64, impact, tasks)
        })
        .collect();
    let correlations = (0..5)
        .map(|_| {
            let a = g.below(n);
            let b = (a + 1 + g.below(5)) % n;
            Correlation::new(vec![a, b, (a + 7 + g.below(5)) % n], 0.5)
        })
        .collect();
    let releases = (0..3)
        .map(|r| {
            let tasks = (0..20)
                .map(|_| (n * (r + 1) / 3).saturating_sub(1 + g.below(60)))
                .collect();
            let mut release = Release::new(format!("r{r}"), tasks);
            release.cadence = Some(Cadence::Weekly {
                weekdays: [false, true, false, true, false, false, false],
                every_weeks: 1,
                from: start,
            });
            release
        })
        .collect();
    let mut plan = Plan::new(format!("synthetic {n}"));
    plan.start = Some(start);
    plan.teams = team_list;
    plan.tasks = tasks;
    plan.risks = risks;
    plan.correlations = correlations;
    plan.releases = releases;
    plan
}

/// A plan shaped like a real one, for whole-process timings (`benches/cli.sh`): `n` tasks,
/// each with its own three-point estimate (no two alike); 1 to 3 predecessors among the 40
/// tasks before it, on any of 8 teams of capacity 2 to 6, so most links cross teams; one risk
/// per 50 tasks (40 for 2,000), each of probability 5% to 30% on 1 to 3 tasks; 3 releases on a
/// biweekly Thursday cadence, each needing the last tasks of its third of the plan.
#[allow(dead_code)]
pub fn realistic_plan(n: usize, seed: u64) -> Plan {
    let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let teams: Vec<Team> = (0..8)
        .map(|k| Team::new(format!("team{k}"), 2 + g.below(5) as u32))
        .collect();
    let tasks: Vec<Task> = (0..n)
        .map(|j| {
            let low = 0.5 + 4.0 * g.unit();
            let likely = low + 0.5 + 6.0 * g.unit();
            let high = likely + 1.0 + 10.0 * g.unit();
            let estimate = match g.below(10) {
                0 | 1 => Estimate::Triangular { low, likely, high },
                _ => Estimate::Pert { low, likely, high },
            };
            let team = g.below(teams.len());
            let demand = 1 + u32::from(g.below(5) == 0);
            let mut task = Task::new(format!("t{j}"), estimate).on_team(team, demand);
            if j > 0 {
                for _ in 0..1 + g.below(3) {
                    let pred = j - 1 - g.below(j.min(40));
                    if task.after.iter().all(|l| l.pred != pred) {
                        task.after.push(Link::new(pred, LinkKind::FS, 0.0));
                    }
                }
            }
            task
        })
        .collect();
    let risks = (0..(n / 50).max(1))
        .map(|r| {
            let impact = Estimate::Pert {
                low: 1.0 + g.unit(),
                likely: 3.0 + 2.0 * g.unit(),
                high: 8.0 + 6.0 * g.unit(),
            };
            let probability = 0.05 + 0.25 * g.unit();
            let on = (0..1 + g.below(3)).map(|_| g.below(n)).collect();
            Risk::new(format!("risk{r}"), probability, impact, on)
        })
        .collect();
    let releases = (0..3)
        .map(|r| {
            let end = n * (r + 1) / 3;
            let on = (end.saturating_sub(10)..end).collect();
            let mut release = Release::new(format!("2027.{}", r + 1), on);
            release.cadence = Some(Cadence::Weekly {
                weekdays: [false, false, false, true, false, false, false],
                every_weeks: 2,
                from: start,
            });
            release
        })
        .collect();
    let mut plan = Plan::new(format!("realistic {n}"));
    plan.start = Some(start);
    plan.teams = teams;
    plan.tasks = tasks;
    plan.risks = risks;
    plan.releases = releases;
    plan
}
