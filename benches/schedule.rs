//! The serial schedule generation scheme (`Sgs::run`) on a PSPLIB J30 instance and on a
//! generated 2,000-task, 10-team release plan (dated, holidays, time off, every link type,
//! four releases), plus the whole deterministic `schedule` on the large plan.
//!
//! Run: `cargo bench --bench schedule`. Print the generated plan instead:
//! `cargo bench --bench schedule -- --print-plan 2000 10`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use shipdate_engine::dispatch::schedule;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::Plan;
use shipdate_engine::schedule::{Problem, Sgs};

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
}

/// A release plan of `tasks` tasks on `teams` teams: capacities 1 to 5, a holiday calendar, time
/// off for every third team, three-point estimates of 1 to 10 days, up to three predecessors
/// among the previous 60 tasks (mostly FS, some SS, FF and SF with lags), and four releases.
pub fn generated_plan(tasks: usize, teams: usize) -> String {
    let mut g = Mix(0x5eed_2027);
    let mut s = String::new();
    s += "[plan]\nname = \"generated\"\nstart = 2027-01-04\ncalendar = \"std\"\n\n";
    s += "[calendars.std]\nholidays = [2027-04-02, 2027-05-24, 2027-12-24, 2027-12-31]\n\n";
    let mut caps = Vec::new();
    for t in 0..teams {
        let cap = 1 + g.below(5) as u32;
        caps.push(cap);
        let _ = writeln!(s, "[teams.team{t}]\ncapacity = {cap}\ncalendar = \"std\"");
        if t % 3 == 0 {
            let m = 2 + g.below(9);
            let _ = writeln!(
                s,
                "time_off = [{{ from = 2027-{m:02}-01, to = 2027-{m:02}-12, capacity = {} }}]",
                cap / 2
            );
        }
        s += "\n";
    }
    for j in 0..tasks {
        let team = g.below(teams as u64) as usize;
        let likely = 1 + g.below(10);
        let low = likely.saturating_sub(g.below(3)).max(1);
        let high = likely + g.below(6);
        let demand = if caps[team] >= 2 && g.below(5) == 0 {
            2
        } else {
            1
        };
        let _ = writeln!(
            s,
            "[[tasks]]\nid = \"t{j}\"\nteam = \"team{team}\"\ndemand = {demand}\n\
             estimate = {{ low = {low}, likely = {likely}, high = {high} }}"
        );
        let mut after = Vec::new();
        let mut preds = Vec::new();
        if j > 0 {
            for _ in 0..g.below(4) {
                let back = 1 + g.below(60.min(j as u64));
                let i = j - back as usize;
                let link = match g.below(10) {
                    0 => format!("{{ task = \"t{i}\", type = \"SS\", lag = {} }}", g.below(3)),
                    1 => format!("{{ task = \"t{i}\", type = \"FF\", lag = {} }}", g.below(3)),
                    2 => format!(
                        "{{ task = \"t{i}\", type = \"SF\", lag = {} }}",
                        2 + g.below(3)
                    ),
                    3 => format!("{{ task = \"t{i}\", lag = -1 }}"),
                    _ => format!("\"t{i}\""),
                };
                if !preds.contains(&i) {
                    preds.push(i);
                    after.push(link);
                }
            }
        }
        if !after.is_empty() {
            let _ = writeln!(s, "after = [{}]", after.join(", "));
        }
        s += "\n";
    }
    let chunk = tasks.div_ceil(4).max(1);
    for r in 0..4 {
        let lo = r * chunk;
        let hi = ((r + 1) * chunk).min(tasks);
        if lo >= hi {
            break;
        }
        let ids: Vec<String> = (0..10)
            .map(|_| format!("\"t{}\"", lo + g.below((hi - lo) as u64) as usize))
            .collect();
        let _ = writeln!(
            s,
            "[[releases]]\nid = \"r{r}\"\ntasks = [{}]\ncadence = {{ weekdays = [\"tue\"], every_weeks = 2, from = 2027-01-05 }}\n",
            ids.join(", ")
        );
    }
    s
}

fn j30() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/psplib/j30/j301_1.sm"
    );
    let src = std::fs::read_to_string(path).expect("PSPLIB J30 instance j301_1.sm");
    parse_str(&src, Format::Psplib).expect("a valid instance")
}

fn bench_sgs(c: &mut Criterion, name: &str, plan: &Plan) {
    let p = Problem::new(plan);
    let order = p.priority_order();
    let mut sgs = Sgs::new(&p);
    let mut start = vec![0.0; p.len()];
    let mut finish = vec![0.0; p.len()];
    c.bench_function(name, |b| {
        b.iter(|| {
            sgs.run(
                &p,
                black_box(p.point_durations()),
                &order,
                &mut start,
                &mut finish,
            );
            black_box(finish[0])
        })
    });
}

fn benches(c: &mut Criterion) {
    bench_sgs(c, "sgs_run/j301_1", &j30());
    let big = parse_str(&generated_plan(2000, 10), Format::Toml).expect("a valid generated plan");
    bench_sgs(c, "sgs_run/generated_2000x10", &big);
    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);
    group.bench_function("generated_2000x10", |b| {
        b.iter(|| schedule(black_box(&big)))
    });
    group.finish();
}

criterion_group!(group, benches);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--print-plan") {
        let n = args.get(i + 1).and_then(|a| a.parse().ok()).unwrap_or(2000);
        let t = args.get(i + 2).and_then(|a| a.parse().ok()).unwrap_or(10);
        print!("{}", generated_plan(n, t));
        return;
    }
    group();
    Criterion::default().configure_from_args().final_summary();
}
