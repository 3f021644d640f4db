//! SPEC section 9, forecasting from throughput history: item-sized tasks against closed forms
//! (constant throughput, the negative binomial, a uniform split, weekly samples, a shared
//! team), the single point `schedule` uses, the errors and warnings of `validate`, writing
//! back, and stable draws.

use shipdate_engine::io::{parse_str, to_json, to_toml, Format};
use shipdate_engine::model::{Items, Plan, Task, Team, Throughput};
use shipdate_engine::simulate::{sample_durations, Sampling};
use shipdate_engine::validate::PlanBuilder;
use shipdate_engine::{SimulateOptions, Simulation};

use super::util::plan;

/// An undated plan: team `t` of `capacity` with `throughput`, and `tasks` (TOML blocks).
fn plan_of(capacity: u32, throughput: &str, tasks: &str) -> Plan {
    plan(&format!(
        "[plan]\nname = \"items\"\n\n[teams.t]\ncapacity = {capacity}\nthroughput = {throughput}\n\n{tasks}"
    ))
}

fn options(iterations: usize, ignore_capacity: bool) -> SimulateOptions {
    SimulateOptions {
        iterations,
        seed: 7,
        sampling: Sampling::MonteCarlo,
        ignore_capacity,
        ..SimulateOptions::default()
    }
}

/// The first task's sampled durations.
fn durations(p: &Plan, iterations: usize) -> Vec<f64> {
    sample_durations(p, &options(iterations, true))
        .into_iter()
        .map(|row| row[0])
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn simulate(p: &Plan, options: &SimulateOptions) -> Simulation {
    shipdate_engine::simulate(p, options).expect("a simulation")
}

#[test]
fn constant_throughput_gives_an_exact_duration() {
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [2, 2, 2] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\n\n\
         [[tasks]]\nid = \"b\"\nteam = \"t\"\nitems = 7\nafter = [\"a\"]\n",
    );
    let all = sample_durations(&p, &options(2_000, true));
    assert!(all.iter().all(|row| row[0] == 5.0 && row[1] == 3.5));
    let sim = simulate(&p, &options(2_000, false));
    assert_eq!((sim.makespan.p10, sim.makespan.p95), (8.5, 8.5));
    let s = shipdate_engine::schedule(&p);
    assert_eq!((s.tasks[0].finish, s.tasks[1].finish), (5.0, 8.5));
}

#[test]
fn zero_or_ten_a_day_and_twenty_items_is_the_negative_binomial() {
    // Days until the second ten: negative binomial with r = 2, p = 1/2. P(N <= k) =
    // 1 - (k + 1) / 2^k: 0.6875 at 4, 0.8125 at 5, 0.890625 at 6, 0.9375 at 7. Mean 4.
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [0, 10] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 20\n",
    );
    let n = 200_000;
    let d = durations(&p, n);
    assert!(
        d.iter().all(|&x| x.fract() == 0.0 && x >= 2.0),
        "whole days"
    );
    // The standard deviation is 2: the standard error of the mean 0.0045.
    assert!((mean(&d) - 4.0).abs() < 0.03, "mean {}", mean(&d));
    for (k, cdf) in [(2, 0.25), (3, 0.5), (4, 0.6875), (5, 0.8125), (7, 0.9375)] {
        let share = d.iter().filter(|&&x| x <= k as f64).count() as f64 / n as f64;
        assert!(
            (share - cdf).abs() < 0.005,
            "P(N <= {k}) = {share}, not {cdf}"
        );
    }
    let sim = simulate(&p, &options(n, true));
    assert_eq!((sim.makespan.p80, sim.makespan.p90), (5.0, 7.0));
    // Schedule's single point: 20 items at the mean, 5 a day.
    assert_eq!(shipdate_engine::schedule(&p).makespan, 4.0);
}

#[test]
fn a_uniform_split_from_one_to_two_over_ten_items_at_one_a_day_has_mean_fifteen_and_a_half() {
    // ceil(10 f) for f uniform on [1, 2] is 11, ..., 20 with equal odds.
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [1] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\nsplit = { low = 1, high = 2 }\n",
    );
    let n = 100_000;
    let d = durations(&p, n);
    for k in 11..=20 {
        let share = d.iter().filter(|&&x| x == f64::from(k)).count() as f64 / n as f64;
        assert!((share - 0.1).abs() < 0.005, "{k} days: {share}");
    }
    assert!((mean(&d) - 15.5).abs() < 0.03, "mean {}", mean(&d));
    // Schedule: 10 items x 1.5.
    assert_eq!(shipdate_engine::schedule(&p).makespan, 15.0);
}

#[test]
fn an_item_range_is_a_uniform_integer() {
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [1] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = { low = 3, high = 6 }\n",
    );
    let n = 40_000;
    let d = durations(&p, n);
    for k in 3..=6 {
        let share = d.iter().filter(|&&x| x == f64::from(k)).count() as f64 / n as f64;
        assert!((share - 0.25).abs() < 0.01, "{k} items: {share}");
    }
    assert_eq!(shipdate_engine::schedule(&p).makespan, 4.5);
}

#[test]
fn weekly_samples_are_spread_over_a_weeks_working_days() {
    // Ten a week on a five-day calendar: two a working day.
    let p = plan_of(
        1,
        "{ per = \"week\", samples = [10] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 7\n",
    );
    assert!(durations(&p, 500).iter().all(|&x| x == 3.5));
    assert_eq!(shipdate_engine::schedule(&p).makespan, 3.5);
    // A week drawn holds for its five working days: 0 or 10 a week and 20 items take five
    // times the negative binomial's days, a whole number of weeks.
    let p = plan_of(
        1,
        "{ per = \"week\", samples = [0, 10] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 20\n",
    );
    let d = durations(&p, 100_000);
    assert!(d.iter().all(|&x| x % 5.0 == 0.0), "whole weeks");
    assert!((mean(&d) - 20.0).abs() < 0.2, "mean {}", mean(&d));
    // On a team calendar of four working days, eight a week is two a day, on its days: ten
    // items from Monday 2027-01-04 take Monday to Thursday and Monday (Fridays off).
    let p = plan(
        "[plan]\nname = \"w\"\nstart = 2027-01-04\n\n[calendars.four]\n\
         workdays = [\"mon\", \"tue\", \"wed\", \"thu\"]\n\n[teams.t]\ncapacity = 1\n\
         calendar = \"four\"\nthroughput = { per = \"week\", samples = [8] }\n\n\
         [[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\n",
    );
    let s = shipdate_engine::schedule(&p);
    assert_eq!(
        s.tasks[0].finish_date.map(|d| d.to_string()).as_deref(),
        Some("2027-01-11")
    );
    let sim = simulate(&p, &options(200, false));
    let f = sim.finish_date.expect("dated");
    assert_eq!(
        (f.p10.to_string(), f.p95.to_string()),
        ("2027-01-11".into(), "2027-01-11".into())
    );
}

#[test]
fn two_item_tasks_on_a_team_of_capacity_two_each_get_half_its_throughput() {
    let two = plan_of(
        2,
        "{ per = \"day\", samples = [4] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 20\n\n\
         [[tasks]]\nid = \"b\"\nteam = \"t\"\nitems = 20\n",
    );
    // Resource-aware: both run at once, two a day each.
    let sim = simulate(&two, &options(500, false));
    assert_eq!((sim.makespan.p10, sim.makespan.p95), (10.0, 10.0));
    assert_eq!(shipdate_engine::schedule(&two).makespan, 10.0);
    // One task holding the whole team gets all four a day.
    let one = plan_of(
        2,
        "{ per = \"day\", samples = [4] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\ndemand = 2\nitems = 20\n",
    );
    assert_eq!(simulate(&one, &options(500, false)).makespan.p50, 5.0);
}

#[test]
fn progress_scales_the_items_left() {
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 3\n\n[teams.t]\ncapacity = 1\n\
         throughput = { per = \"day\", samples = [2] }\n\n\
         [[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\nstarted = 0\nprogress = 0.6\n",
    );
    // 4 items left from time 3, two a day.
    assert_eq!(shipdate_engine::schedule(&p).makespan, 5.0);
    let sim = simulate(&p, &options(200, false));
    assert_eq!((sim.makespan.p10, sim.makespan.p95), (5.0, 5.0));
}

#[test]
fn a_risk_delays_an_item_task_as_any_task() {
    let p = plan(
        "[plan]\nname = \"r\"\n\n[teams.t]\ncapacity = 1\n\
         throughput = { per = \"day\", samples = [2] }\n\n\
         [[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\n\n\
         [[risks]]\nid = \"x\"\nprobability = 1\nimpact = 3\ntasks = [\"a\"]\n",
    );
    let sim = simulate(&p, &options(200, true));
    assert_eq!((sim.makespan.p10, sim.makespan.p95), (8.0, 8.0));
}

fn errors(src: &str) -> Vec<String> {
    match parse_str(src, Format::Toml) {
        Ok(_) => Vec::new(),
        Err(es) => es
            .iter()
            .map(|e| {
                let at = e
                    .pos
                    .map_or(String::from("-"), |p| format!("{}:{}", p.line, p.column));
                format!(
                    "{at} {} | {}",
                    e.message,
                    e.help.clone().unwrap_or_default()
                )
            })
            .collect(),
    }
}

#[test]
fn the_errors_of_section_nine_are_located_with_their_fix() {
    let head = "[plan]\nname = \"e\"\n\n[teams.t]\ncapacity = 1\n";
    let with =
        |tp: &str, task: &str| format!("{head}{tp}\n[[tasks]]\nid = \"a\"\nteam = \"t\"\n{task}");
    let tp = "throughput = { per = \"day\", samples = [1, 2] }\n";
    let e = errors(&with(tp, "items = 5\nestimate = 3\n"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("11:9 task `a`: has both `items` and `estimate`"),
        "{e:?}"
    );
    assert!(e[0].contains("remove `estimate`"), "{e:?}");
    let e = errors(&with("", "items = 5\n"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("10:9 task `a`: has `items` but its team `t` has no `throughput`"),
        "{e:?}"
    );
    assert!(
        e[0].contains("add to [teams.t] throughput = { per = \"day\""),
        "{e:?}"
    );
    let e = errors(&with(
        "throughput = { per = \"day\", samples = [0, 0] }\n",
        "items = 5\n",
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("6:14 team `t`: throughput has no sample above 0"),
        "{e:?}"
    );
    let e = errors(&with(
        "throughput = { per = \"day\", samples = [3, -1] }\n",
        "items = 5\n",
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("6:14 team `t`: throughput sample 2 is -1"),
        "{e:?}"
    );
    let e = errors(&with(tp, "items = 5\nsplit = { low = 2, high = 1 }\n"));
    assert!(
        e[0].starts_with("12:9 task `a`: `split` must have"),
        "{e:?}"
    );
    let e = errors(&with(
        "throughput = { per = \"month\", samples = [1] }\n",
        "items = 5\n",
    ));
    assert!(
        e[0].contains("`per` must be \"day\" or \"week\", not `month`"),
        "{e:?}"
    );
    let e = errors(&format!("{head}{tp}\n[[tasks]]\nid = \"a\"\nitems = 5\n"));
    assert!(
        e[0].starts_with("10:9 task `a`: has `items` but no `team`"),
        "{e:?}"
    );
}

#[test]
fn few_samples_and_samples_outside_the_limits_are_warnings() {
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [2, 3, 2, 3, 2] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 5\n",
    );
    let w: Vec<String> = shipdate_engine::lint::lint(&p)
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(
        w,
        ["team `t` has 5 throughput samples: the next period falls inside the range seen only 67% of the time"]
    );
    // Mean 3.667, mean moving range 0.909: 12 lies above the upper limit 6.085.
    let samples = "[2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 12]";
    let p = plan_of(
        1,
        &format!("{{ per = \"day\", samples = {samples} }}"),
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 5\n",
    );
    let w: Vec<String> = shipdate_engine::lint::lint(&p)
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0],
        "team `t`'s throughput was not stable: sample #12 (12) outside the natural process limits 1.248 to 6.085"
    );
}

#[test]
fn items_and_throughput_are_written_back() {
    let src = "[plan]\nname = \"w\"\n\n[teams.t]\ncapacity = 2\n\
               throughput = { per = \"week\", samples = [3, 0, 5.5] }\n\n\
               [[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = { low = 18, high = 25 }\n\
               split = { low = 1, high = 1.3 }\n\n[[tasks]]\nid = \"b\"\nteam = \"t\"\nitems = 4\n";
    let mut p = plan(src);
    shipdate_engine::io::clear_positions(&mut p);
    for text in [to_toml(&p), to_json(&p)] {
        let format = if text.starts_with('{') {
            Format::Json
        } else {
            Format::Toml
        };
        let mut back = parse_str(&text, format).expect("reads back");
        shipdate_engine::io::clear_positions(&mut back);
        assert_eq!(back, p, "{text}");
    }
    assert!(to_toml(&p).contains("items = { low = 18, high = 25 }"));
}

#[test]
fn the_builder_makes_item_sized_plans() {
    let mut b = PlanBuilder::new("built");
    let t = b.add_team_full(Team::new("t", 1).with_throughput(Throughput::per_day(vec![2.0])));
    b.add_task(Task::items("a", Items::exactly(6)).on_team(t, 1));
    let p = b.build().expect("valid");
    assert_eq!(shipdate_engine::schedule(&p).makespan, 3.0);
    let mut b = PlanBuilder::new("bad");
    b.add_team("t", 1);
    b.add_task(Task::items("a", Items::exactly(6)).on_team(0, 1));
    assert!(b.build().is_err());
}

/// Release odds in a cross-team plan with an item-sized task: the same on one and two
/// threads, and (critical-path mode) untouched by the file's order.
#[test]
fn the_example_plan_simulates_deterministically() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/throughput.toml"
    ))
    .expect("examples/throughput.toml");
    let p = plan(&src);
    let run = |threads, ignore_capacity| {
        let mut o = options(5_000, ignore_capacity);
        o.threads = Some(threads);
        o.sampling = Sampling::LatinHypercube;
        simulate(&p, &o)
    };
    for ignore in [false, true] {
        let one = run(1, ignore);
        let two = run(2, ignore);
        assert_eq!(one.releases, two.releases);
        assert_eq!(one.makespan, two.makespan);
        assert!(one
            .releases
            .iter()
            .any(|r| r.on_time_probability.is_some_and(|x| x > 0.0 && x < 1.0)));
    }
}

/// Stable draws (SPEC section 8) hold for item-sized tasks: in critical-path mode, moving
/// the task blocks around leaves the release's numbers and each task's bit-identical.
#[test]
fn reordering_a_plan_with_item_sized_tasks_changes_no_number() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/throughput.toml"
    ))
    .expect("examples/throughput.toml");
    let head_end = src.find("[[tasks]]").expect("tasks");
    let tail_start = src.find("[[risks]]").expect("risks");
    let blocks: Vec<&str> = src[head_end..tail_start].split_inclusive("\n\n").collect();
    assert_eq!(blocks.len(), 5);
    let reordered: String = [3, 1, 4, 0, 2].iter().map(|&i| blocks[i]).collect();
    let other = format!("{}{reordered}\n{}", &src[..head_end], &src[tail_start..]);
    let run = |text: &str| {
        let mut o = options(4_000, true);
        o.sampling = Sampling::LatinHypercube;
        simulate(&plan(text), &o)
    };
    let (a, b) = (run(&src), run(&other));
    assert_eq!(a.releases, b.releases);
    assert_eq!(a.makespan, b.makespan);
    for t in &a.tasks {
        assert_eq!(Some(t), b.tasks.iter().find(|x| x.id == t.id), "{}", t.id);
    }
}

/// The HTML report shows each team's throughput run chart with its verdict, and no such
/// section for a plan without throughput.
#[test]
fn the_report_draws_each_teams_run_chart() {
    use shipdate_engine::html::{report, ReportInput};
    let page = |p: &Plan| {
        let s = shipdate_engine::schedule(p);
        report(&ReportInput {
            plan: p,
            schedule: &s,
            simulation: None,
            warnings: &[],
            source: "t.toml",
            scenarios: &[],
            trend: None,
        })
    };
    // Mean 3.667, upper limit 6.085: the last sample, 12, is outside.
    let p = plan_of(
        1,
        "{ per = \"day\", samples = [2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 12] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 5\n",
    );
    let html = page(&p);
    assert!(html.contains("<section id=\"throughput\">"));
    assert!(html.contains("<figure id=\"throughput-t\">"));
    assert_eq!(html.matches("<circle class=\"sample").count(), 12);
    assert_eq!(html.matches("<circle class=\"sample outside\"").count(), 1);
    assert!(html.contains("<title>sample 12: 12 (outside the process limits)</title>"));
    assert!(html.contains(
        "t: 12 samples per day, mean 3.667; not stable: 1 sample(s) outside the process limits"
    ));
    let q = plan("[plan]\nname = \"n\"\n[[tasks]]\nid = \"a\"\nestimate = 2\n");
    assert!(!page(&q).contains("id=\"throughput\""));
}

/// `diff` sees a task's items and split as its size, and a team's throughput as a setting.
#[test]
fn diff_sees_items_split_and_throughput() {
    use shipdate_engine::diff::{changes, ChangeKind};
    let old = plan_of(
        1,
        "{ per = \"day\", samples = [2, 3] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 10\n",
    );
    let new = plan_of(
        1,
        "{ per = \"day\", samples = [2, 4] }",
        "[[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = { low = 8, high = 12 }\nsplit = { low = 1, high = 1.5 }\n",
    );
    let c = changes(&old, &new);
    let words: Vec<(ChangeKind, &str, &str)> = c
        .iter()
        .map(|x| (x.kind, x.old.as_str(), x.new.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            (ChangeKind::Estimate, "10 items", "8-12 items, split 1-1.5"),
            (
                ChangeKind::TeamSettings,
                "calendar standard, throughput per day [2, 3]",
                "calendar standard, throughput per day [2, 4]"
            ),
        ]
    );
}

#[test]
fn the_report_draws_the_burn_up_fan_of_a_teams_item_sized_tasks() {
    use shipdate_engine::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};
    use shipdate_engine::{burn_up, dispatch, html};
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/throughput.toml"
    ))
    .unwrap();
    let report = |p: &Plan| {
        html::report(&html::ReportInput {
            plan: p,
            schedule: &dispatch::schedule(p),
            simulation: None,
            warnings: &[],
            source: "throughput.toml",
            scenarios: &[],
            trend: None,
        })
    };
    let p = plan(&src);
    // search: ranking 21.5 x 1.15 items and facets 12, 36.725 in all: a goal of 37.
    assert_eq!(burn_up::team_items(&p, 0), Some(37));
    let fan = burn_up::of_team(&p, 0, 37, DEFAULT_ITERATIONS, DEFAULT_SEED)
        .unwrap()
        .unwrap();
    assert_eq!(fan.days[0].to_string(), "2027-03-01");
    // Holidays of the team's calendar are not working days of the fan.
    assert!(fan.days.iter().all(|d| d.to_string() != "2027-04-02"));
    let page = report(&p);
    let figure = format!("<figure id=\"burn-up-search\">{}", burn_up::chart(&fan));
    assert!(page.contains(&figure));
    assert!(page.contains(&format!(
        "<figcaption>search: burn-up of its item-sized tasks, {}; at its whole throughput",
        fan.summary()
    )));
    assert_eq!(page.matches("id=\"burn-up-").count(), 1);
    // Without item-sized tasks left, no fan; the run chart stays.
    let mut done = p.clone();
    for t in &mut done.tasks {
        if t.items.is_some() {
            t.items = None;
        }
    }
    let page = report(&done);
    assert!(page.contains("id=\"throughput-search\"") && !page.contains("burn-up-"));
}
