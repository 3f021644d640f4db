//! The synthetic release plan shared by the Monte Carlo benchmarks.

use chrono::NaiveDate;
use shipdate_engine::model::{
    Cadence, Calendar, Correlation, Estimate, Link, LinkKind, Plan, Release, Risk, Task, TaskKind,
    Team,
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
        .map(|k| Team {
            id: format!("team{k}"),
            name: None,
            capacity: 2 + (k % 3) as u32,
            calendar: 0,
            time_off: Vec::new(),
            pos: None,
        })
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
                    after.push(Link {
                        pred,
                        kind,
                        lag,
                        pos: None,
                    });
                }
            }
            Task {
                id: format!("t{j}"),
                name: None,
                team: Some(g.below(teams)),
                demand: 1,
                extra_demands: Vec::new(),
                estimate,
                after,
                kind: TaskKind::Work,
                optional: false,
                pos: None,
                actual: Default::default(),
                dates: Default::default(),
            }
        })
        .collect();
    let risks = (0..10)
        .map(|r| Risk {
            id: format!("risk{r}"),
            probability: 0.1 + 0.03 * r as f64,
            impact: Estimate::Pert {
                low: 1.0,
                likely: 3.0,
                high: 8.0,
            },
            tasks: (0..1 + g.below(3)).map(|_| g.below(n)).collect(),
            pos: None,
            status: Default::default(),
        })
        .collect();
    let correlations = (0..5)
        .map(|_| {
            let a = g.below(n);
            Correlation {
                tasks: vec![a, (a + 1 + g.below(5)) % n, (a + 7 + g.below(5)) % n],
                coefficient: 0.5,
                pos: None,
            }
        })
        .collect();
    let releases = (0..3)
        .map(|r| Release {
            id: format!("r{r}"),
            tasks: (0..20)
                .map(|_| (n * (r + 1) / 3).saturating_sub(1 + g.below(60)))
                .collect(),
            target: None,
            windows: Vec::new(),
            cadence: Some(Cadence::Weekly {
                weekdays: [false, true, false, true, false, false, false],
                every_weeks: 1,
                from: start,
            }),
            freeze: Vec::new(),
            value: 1.0,
            pos: None,
            deployed: None,
        })
        .collect();
    Plan {
        name: format!("synthetic {n}"),
        start: Some(start),
        calendars: vec![Calendar::standard()],
        default_calendar: 0,
        teams: team_list,
        tasks,
        risks,
        correlations,
        releases,
        status: None,
    }
}
