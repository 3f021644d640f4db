//! `shipdate windows` on generated plans: the 300-task, 8-team plan with 26 biweekly
//! windows (target: under 5 s natively), and smaller and larger neighbours to show how size
//! affects time.
//!
//! Run: `cargo bench --bench windows`. Print a generated plan instead of benchmarking (tasks,
//! teams, windows, lead): `cargo bench --bench windows -- --print-plan 300 8 26 4`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::optimize::{plan_windows, WindowsOptions};

/// A small deterministic generator (SplitMix64), so the plan is the same on every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A release train plan: `tasks` tasks on `teams` teams, `windows` biweekly Tuesday windows
/// from 2027-01-12, one release per ~25 tasks with staggered targets, each riding the trains
/// from `lead` windows before its target on; chains of linked work inside each release and a
/// few links across releases; a fifth of the tasks optional.
pub fn generated_plan(tasks: usize, teams: usize, windows: usize, lead: usize) -> String {
    let mut rng = Mix(0x5eed_0000 + tasks as u64 * 31 + teams as u64);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[plan]\nname = \"generated {tasks} tasks\"\nstart = 2027-01-04\n"
    );
    let _ = writeln!(
        s,
        "[calendars.standard]\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nholidays = [2027-04-02, 2027-05-27, 2027-12-24, 2027-12-31]\n"
    );
    for k in 0..teams {
        let cap = 2 + rng.below(3);
        let _ = writeln!(s, "[teams.team{k}]\ncapacity = {cap}");
        if k % 3 == 0 {
            let _ = writeln!(
                s,
                "time_off = [{{ from = 2027-08-02, to = 2027-08-13, capacity = 1 }}]"
            );
        }
        s.push('\n');
    }
    let window_dates: Vec<String> = (0..windows)
        .map(|w| {
            let d = chrono::NaiveDate::from_ymd_opt(2027, 1, 12).unwrap()
                + chrono::TimeDelta::days(14 * w as i64);
            d.to_string()
        })
        .collect();
    let releases = tasks.div_ceil(25).max(1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); releases];
    for t in 0..tasks {
        let r = t * releases / tasks;
        members[r].push(t);
        let team = rng.below(teams as u64);
        let likely = 3 + rng.below(12);
        let low = likely.saturating_sub(1).max(1);
        let high = likely + 1 + rng.below(5);
        let _ = writeln!(s, "[[tasks]]\nid = \"t{t}\"\nteam = \"team{team}\"");
        let _ = writeln!(
            s,
            "estimate = {{ low = {low}, likely = {likely}, high = {high} }}"
        );
        if rng.chance(10) {
            let _ = writeln!(s, "demand = 2");
        }
        if rng.chance(20) {
            let _ = writeln!(s, "optional = true");
        }
        let mut after = Vec::new();
        let first = members[r][0];
        if t > first && rng.chance(60) {
            after.push(first + rng.below((t - first) as u64) as usize);
        }
        if t > first + 1 && rng.chance(25) {
            let p = first + rng.below((t - first) as u64) as usize;
            if !after.contains(&p) {
                after.push(p);
            }
        }
        if r > 0 && rng.chance(5) {
            let prev = &members[r - 1];
            after.push(prev[rng.below(prev.len() as u64) as usize]);
        }
        if !after.is_empty() {
            let list: Vec<String> = after.iter().map(|p| format!("\"t{p}\"")).collect();
            let _ = writeln!(s, "after = [{}]", list.join(", "));
        }
        s.push('\n');
    }
    for (r, ts) in members.iter().enumerate() {
        // Targets every ~ (windows / releases) windows, the first after three windows; a
        // release may ride the trains from `lead` windows before its target on.
        let target_window = (3 + r * windows.saturating_sub(3) / releases).min(windows - 1);
        let list: Vec<String> = ts.iter().map(|t| format!("\"t{t}\"")).collect();
        let wl: Vec<&str> = window_dates[target_window.saturating_sub(lead)..]
            .iter()
            .map(String::as_str)
            .collect();
        let _ = writeln!(
            s,
            "[[releases]]\nid = \"2027.{}\"\ntasks = [{}]\nwindows = [{}]\ntarget = {}\nvalue = {}\n",
            r + 1,
            list.join(", "),
            wl.join(", "),
            window_dates[target_window],
            1 + rng.below(5)
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("windows");
    group.sample_size(10);
    // (tasks, teams, windows, lead, time limit): releases ride the trains from 4 windows
    // before their target; the last case lets every release ride every train from the first,
    // a race to ship everything as early as possible that is not proven optimal in seconds,
    // so it runs under a 5 s limit and reports its gap.
    let cases: &[(usize, usize, usize, usize, Option<f64>)] = &[
        (100, 8, 26, 4, None),
        (200, 8, 26, 4, None),
        (300, 8, 26, 4, None),
        (300, 8, 52, 4, None),
        (300, 8, 26, 26, Some(5.0)),
    ];
    for &(tasks, teams, windows, lead, limit) in cases {
        let plan = parse_str(&generated_plan(tasks, teams, windows, lead), Format::Toml)
            .expect("the generated plan is valid");
        let options = WindowsOptions { time_limit: limit };
        let started = std::time::Instant::now();
        let report = plan_windows(&plan, &options).expect("solves");
        eprintln!(
            "{tasks} tasks, {teams} teams, {windows} windows, lead {lead}: {:.2?}, optimal {}, gap {:?}, {} MIPs, on-time value {}, window sum {}, cut work {}, overload entries {}",
            started.elapsed(),
            report.status.optimal,
            report.status.gap,
            report.status.solves,
            report.objective.on_time_value,
            report.objective.window_sum,
            report.objective.cut_work,
            report.overload.len()
        );
        let name = format!("{tasks}_tasks_{teams}_teams_{windows}_windows_lead_{lead}");
        group.bench_function(name, |b| {
            b.iter(|| plan_windows(black_box(&plan), &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--print-plan") {
        let n = |j: usize, d: usize| args.get(i + j).and_then(|x| x.parse().ok()).unwrap_or(d);
        print!("{}", generated_plan(n(1, 300), n(2, 8), n(3, 26), n(4, 4)));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
