//! The deterministic schedule and the critical-path method, against hand-computed answers.
//! Every schedule produced here goes through the independent checker.

use chrono::NaiveDate;
use shipdate_engine::calendar::Timeline;
use shipdate_engine::dispatch::schedule;
use shipdate_engine::graph;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::Plan;
use shipdate_engine::schedule::{Problem, ScheduleReport, Sgs};

use crate::checker;

/// A plan from TOML text (panics with the diagnostics when it is invalid).
pub fn plan(src: &str) -> Plan {
    match parse_str(src, Format::Toml) {
        Ok(p) => p,
        Err(e) => panic!("invalid test plan: {e:?}\n{src}"),
    }
}

/// The deterministic schedule, after the checker accepted it.
pub fn checked(plan: &Plan) -> ScheduleReport {
    let r = schedule(plan);
    let start: Vec<f64> = r.tasks.iter().map(|t| t.start).collect();
    let finish: Vec<f64> = r.tasks.iter().map(|t| t.finish).collect();
    let v = checker::check(plan, &start, &finish);
    assert!(v.is_empty(), "checker rejects the schedule: {v:#?}\n{r:#?}");
    r
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// `(start, finish)` of task `id`.
fn times(r: &ScheduleReport, id: &str) -> (f64, f64) {
    let t = r.tasks.iter().find(|t| t.id == id).unwrap();
    (t.start, t.finish)
}

fn dates(r: &ScheduleReport, id: &str) -> (NaiveDate, NaiveDate) {
    let t = r.tasks.iter().find(|t| t.id == id).unwrap();
    (t.start_date.unwrap(), t.finish_date.unwrap())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// x (3) -> a (4) FS; b (2) linked to a by `kind` with `lag`. a runs [3, 7).
fn link_plan(kind: &str, lag: f64, start: Option<&str>) -> Plan {
    let start = start.map_or(String::new(), |d| format!("start = {d}\n"));
    plan(&format!(
        r#"
[plan]
name = "links"
{start}
[[tasks]]
id = "x"
estimate = 3
[[tasks]]
id = "a"
estimate = 4
after = ["x"]
[[tasks]]
id = "b"
estimate = 2
after = [{{ task = "a", type = "{kind}", lag = {lag} }}]
"#
    ))
}

#[test]
fn every_link_type_with_positive_and_negative_lags() {
    // (type, lag, b's start, b's finish); a runs [3, 7), b lasts 2.
    let cases = [
        ("FS", 2.0, 9.0, 11.0), // s_b >= 7 + 2
        ("FS", -2.0, 5.0, 7.0), // s_b >= 7 - 2
        ("SS", 1.0, 4.0, 6.0),  // s_b >= 3 + 1
        ("SS", -1.0, 2.0, 4.0), // s_b >= 3 - 1
        ("FF", 1.0, 6.0, 8.0),  // f_b >= 7 + 1
        ("FF", -2.0, 3.0, 5.0), // f_b >= 7 - 2
        ("SF", 5.0, 6.0, 8.0),  // f_b >= 3 + 5
        ("SF", 1.0, 2.0, 4.0),  // f_b >= 3 + 1
        ("SF", -2.0, 0.0, 2.0), // f_b >= 1, but no start before 0
        ("SS", -5.0, 0.0, 2.0), // s_b >= -2, but no start before 0
    ];
    for (kind, lag, s, f) in cases {
        let r = checked(&link_plan(kind, lag, None));
        assert_eq!(times(&r, "a"), (3.0, 7.0), "{kind} {lag}");
        assert_eq!(times(&r, "b"), (s, f), "{kind} {lag}");
        assert_eq!(r.makespan, f.max(7.0), "{kind} {lag}");
        assert!(r.start_date.is_none() && r.tasks[2].start_date.is_none());
    }
}

#[test]
fn every_link_type_dated() {
    // Day 0 is Monday 2027-01-04; days 5..9 are 11..15 January. a runs Thu 7 to Tue 12.
    let cases = [
        ("FS", 2.0, "2027-01-15", "2027-01-18"),  // [9, 11)
        ("FS", -2.0, "2027-01-11", "2027-01-12"), // [5, 7)
        ("SS", -1.0, "2027-01-06", "2027-01-07"), // [2, 4)
        ("FF", 1.0, "2027-01-12", "2027-01-13"),  // [6, 8)
        ("SF", 1.0, "2027-01-06", "2027-01-07"),  // [2, 4)
    ];
    for (kind, lag, s, f) in cases {
        let r = checked(&link_plan(kind, lag, Some("2027-01-04")));
        assert_eq!(
            dates(&r, "a"),
            (date("2027-01-07"), date("2027-01-12")),
            "{kind} {lag}"
        );
        assert_eq!(dates(&r, "b"), (date(s), date(f)), "{kind} {lag}");
        assert_eq!(r.start_date, Some(date("2027-01-04")));
    }
}

#[test]
fn a_task_spans_a_weekend_and_holidays() {
    // Friday 8 January is a plan holiday; team qa also has Tuesday 12 January off.
    let p = plan(
        r#"
[plan]
name = "cal"
start = 2027-01-02
calendar = "std"
[calendars.std]
holidays = [2027-01-08]
[calendars.qa]
holidays = [2027-01-08, 2027-01-12]
[teams.dev]
capacity = 1
calendar = "std"
[teams.qa]
capacity = 1
calendar = "qa"
[[tasks]]
id = "x"
team = "dev"
estimate = 3
[[tasks]]
id = "a"
team = "dev"
estimate = 3
after = ["x"]
[[tasks]]
id = "q"
team = "qa"
estimate = 3
after = ["x"]
"#,
    );
    let r = checked(&p);
    // Plan days: Mon 4 = 0, Tue 5, Wed 6, Thu 7 = 3, Mon 11 = 4, Tue 12 = 5, Wed 13 = 6.
    assert_eq!(r.start_date, Some(date("2027-01-04")));
    assert_eq!(times(&r, "x"), (0.0, 3.0));
    assert_eq!(times(&r, "a"), (3.0, 6.0));
    assert_eq!(dates(&r, "a"), (date("2027-01-07"), date("2027-01-12")));
    // q pauses over qa's Tuesday off.
    assert_eq!(times(&r, "q"), (3.0, 7.0));
    assert_eq!(dates(&r, "q"), (date("2027-01-07"), date("2027-01-13")));
    assert_eq!(r.finish_date, Some(date("2027-01-13")));
    assert_eq!(r.makespan, 7.0);
}

#[test]
fn time_off_stops_two_tasks_running_in_parallel() {
    let src = |time_off: &str| {
        format!(
            r#"
[plan]
name = "off"
start = 2027-01-04
[teams.be]
capacity = 2
{time_off}
[[tasks]]
id = "a"
team = "be"
estimate = 3
[[tasks]]
id = "b"
team = "be"
estimate = 3
"#
        )
    };
    let r = checked(&plan(&src("")));
    assert_eq!((times(&r, "a"), times(&r, "b")), ((0.0, 3.0), (0.0, 3.0)));
    // Tuesday to Friday of the first week at capacity 1: b waits for a, then runs Thu-Mon.
    let r = checked(&plan(&src(
        "time_off = [{ from = 2027-01-05, to = 2027-01-08, capacity = 1 }]",
    )));
    assert_eq!((times(&r, "a"), times(&r, "b")), ((0.0, 3.0), (3.0, 6.0)));
    assert_eq!(dates(&r, "b"), (date("2027-01-07"), date("2027-01-11")));
    // The whole team away on Wednesday 6: a pauses, b waits for a and crosses the weekend.
    let r = checked(&plan(&src(
        "time_off = [{ from = 2027-01-05, to = 2027-01-05, capacity = 1 }, \
         { from = 2027-01-06, to = 2027-01-06, capacity = 0 }]",
    )));
    assert_eq!(times(&r, "a"), (0.0, 4.0));
    assert_eq!(times(&r, "b"), (3.0, 6.0));
}

#[test]
fn demand_above_one_and_slack_on_the_levelled_network() {
    // Capacity 3: c (demand 1, 4 days), b (demand 2, 3 days), a (demand 2, 2 days).
    // Latest start first: c (LS 0), b (LS 1), a (LS 2). c and b fill the team until b ends at
    // 3; a then runs [3, 5). a was pushed by b's finish: b -> a is a resource link, so b and a
    // are critical and c has slack 1.
    let p = plan(
        r#"
[plan]
name = "demand"
[teams.be]
capacity = 3
[[tasks]]
id = "a"
team = "be"
demand = 2
estimate = 2
[[tasks]]
id = "b"
team = "be"
demand = 2
estimate = 3
[[tasks]]
id = "c"
team = "be"
estimate = 4
"#,
    );
    let r = checked(&p);
    assert_eq!(times(&r, "c"), (0.0, 4.0));
    assert_eq!(times(&r, "b"), (0.0, 3.0));
    assert_eq!(times(&r, "a"), (3.0, 5.0));
    assert_eq!(r.makespan, 5.0);
    let slack: Vec<(f64, bool)> = r.tasks.iter().map(|t| (t.slack, t.critical)).collect();
    assert_eq!(slack, vec![(0.0, true), (0.0, true), (1.0, false)]);
}

#[test]
fn a_paused_task_holds_nothing_on_its_day_off() {
    // p (team a, also demanding team b) pauses over team a's holiday on Wednesday 6 (day 2);
    // team b's only unit is then free for q, which may start at 2 (after z).
    let mut p = plan(
        r#"
[plan]
name = "pause"
start = 2027-01-04
[calendars.a]
holidays = [2027-01-06]
[teams.a]
capacity = 1
calendar = "a"
[teams.b]
capacity = 1
[[tasks]]
id = "p"
team = "a"
estimate = 3
[[tasks]]
id = "z"
estimate = 2
[[tasks]]
id = "q"
team = "b"
estimate = 1
after = ["z"]
"#,
    );
    let b = p.team_index("b").unwrap();
    p.tasks[0].extra_demands.push((b, 1));
    let r = checked(&p);
    assert_eq!(times(&r, "p"), (0.0, 4.0));
    assert_eq!(times(&r, "q"), (2.0, 3.0));
    // Without the holiday, q must wait for p to release team b.
    p.calendars.iter_mut().for_each(|c| c.holidays.clear());
    let r = checked(&p);
    assert_eq!(times(&r, "p"), (0.0, 3.0));
    assert_eq!(times(&r, "q"), (3.0, 4.0));
}

#[test]
fn earlier_releases_go_first() {
    // One developer; x is longer (latest start 0) but only release 2 needs it.
    let src = |releases: &str| {
        format!(
            r#"
[plan]
name = "rel"
[teams.be]
capacity = 1
[[tasks]]
id = "x"
team = "be"
estimate = 3
[[tasks]]
id = "y"
team = "be"
estimate = 2
{releases}
"#
        )
    };
    let r = checked(&plan(&src("")));
    assert_eq!((times(&r, "x"), times(&r, "y")), ((0.0, 3.0), (3.0, 5.0)));
    let r = checked(&plan(&src(r#"
[[releases]]
id = "r1"
tasks = ["y"]
windows = [4, 10]
target = 3
[[releases]]
id = "r2"
tasks = ["x"]
target = 5
[[releases]]
id = "r3"
tasks = ["x"]
windows = [1, 4]
target = 10
"#)));
    assert_eq!((times(&r, "y"), times(&r, "x")), ((0.0, 2.0), (2.0, 5.0)));
    let rel: Vec<(f64, Option<f64>, Option<bool>, bool)> = r
        .releases
        .iter()
        .map(|x| (x.ready, x.deploy, x.on_time, x.unscheduled))
        .collect();
    assert_eq!(
        rel,
        vec![
            (2.0, Some(4.0), Some(false), false),
            (5.0, Some(5.0), Some(true), false),
            (5.0, None, Some(false), true),
        ]
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["releases"][0]["deploy"], 4.0);
    assert!(json["releases"][0].get("deploy_date").is_none());
    assert!(json["tasks"][0].get("start_date").is_none());
}

#[test]
fn dated_release_ready_and_deploy_dates() {
    let p = plan(
        r#"
[plan]
name = "rel"
start = 2027-01-04
[teams.be]
capacity = 1
[[tasks]]
id = "x"
team = "be"
estimate = 3
[[tasks]]
id = "y"
team = "be"
estimate = 2
[[releases]]
id = "r1"
tasks = ["y"]
windows = [2027-01-05, 2027-01-07]
target = 2027-01-07
[[releases]]
id = "r2"
tasks = ["x"]
target = 2027-01-06
"#,
    );
    let r = checked(&p);
    // y over Mon-Tue: ready Tuesday 5, deploys in the first window strictly after: Thursday.
    let r1 = &r.releases[0];
    assert_eq!((r1.ready, r1.ready_date), (2.0, Some(date("2027-01-05"))));
    assert_eq!(
        (r1.deploy_date, r1.on_time),
        (Some(date("2027-01-07")), Some(true))
    );
    // x over Wed-Fri, no windows: ships on its ready date, after its target.
    let r2 = &r.releases[1];
    assert_eq!((r2.ready, r2.ready_date), (5.0, Some(date("2027-01-08"))));
    assert_eq!(
        (r2.deploy_date, r2.on_time),
        (Some(date("2027-01-08")), Some(false))
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["releases"][0]["deploy_date"], "2027-01-07");
    assert_eq!(json["tasks"][0]["start_date"], "2027-01-06");
    assert_eq!(json["finish_date"], "2027-01-08");
    assert!(json["releases"][0].get("deploy").is_none());
}

/// A textbook network: A 3, B 2, C 4 after A, D 2 after B, E 3 after C and D, F 1 after B.
const TEXTBOOK: &str = r#"
[plan]
name = "cpm"
[[tasks]]
id = "A"
estimate = 3
[[tasks]]
id = "B"
estimate = 2
[[tasks]]
id = "C"
estimate = 4
after = ["A"]
[[tasks]]
id = "D"
estimate = 2
after = ["B"]
[[tasks]]
id = "E"
estimate = 3
after = ["C", "D"]
[[tasks]]
id = "F"
estimate = 1
after = ["B"]
"#;

#[test]
fn cpm_on_a_textbook_network() {
    let p = plan(TEXTBOOK);
    let tl = Timeline::new(&p);
    let c = graph::cpm(&p, &tl, &checker::point_durations(&p));
    assert_eq!(c.makespan, 10.0);
    assert_eq!(c.early_start, vec![0.0, 0.0, 3.0, 2.0, 7.0, 2.0]);
    assert_eq!(c.early_finish, vec![3.0, 2.0, 7.0, 4.0, 10.0, 3.0]);
    assert_eq!(c.late_start, vec![0.0, 3.0, 3.0, 5.0, 7.0, 9.0]);
    assert_eq!(c.late_finish, vec![3.0, 5.0, 7.0, 7.0, 10.0, 10.0]);
    assert_eq!(c.slack, vec![0.0, 3.0, 0.0, 3.0, 0.0, 7.0]);
    assert_eq!(c.critical, vec![true, false, true, false, true, false]);
    // With nothing levelled, the schedule's slack is the CPM slack.
    let r = checked(&p);
    let slack: Vec<f64> = r.tasks.iter().map(|t| t.slack).collect();
    assert_eq!(slack, c.slack);
    assert_eq!(r.makespan, 10.0);
}

#[test]
fn cpm_backward_pass_honours_each_link_type() {
    // a (4), b (2) linked by each type; (b's early start, a's slack, b's slack, makespan).
    let cases = [
        ("SS", 1.0, 1.0, 0.0, 1.0, 4.0),  // b [1, 3); a's finish binds
        ("SS", 3.0, 3.0, 0.0, 0.0, 5.0),  // b [3, 5); a's start binds b
        ("FF", 1.0, 3.0, 0.0, 0.0, 5.0),  // f_b >= 5
        ("FF", -3.0, 0.0, 0.0, 2.0, 4.0), // f_b >= 1: b [0, 2), may finish at 4
        ("SF", 3.0, 1.0, 0.0, 1.0, 4.0),  // f_b >= 3: b [1, 3)
        ("FS", -1.0, 3.0, 0.0, 0.0, 5.0), // b [3, 5)
    ];
    for (kind, lag, es_b, slack_a, slack_b, makespan) in cases {
        let p = plan(&format!(
            r#"
[plan]
name = "l"
[[tasks]]
id = "a"
estimate = 4
[[tasks]]
id = "b"
estimate = 2
after = [{{ task = "a", type = "{kind}", lag = {lag} }}]
"#
        ));
        let c = graph::cpm(&p, &Timeline::new(&p), &checker::point_durations(&p));
        let got = (c.early_start[1], c.slack[0], c.slack[1], c.makespan);
        assert_eq!(got, (es_b, slack_a, slack_b, makespan), "{kind} {lag}");
    }
}

#[test]
fn cpm_works_back_through_calendars() {
    // Dated, team qa off on Wednesday 6 (day 2). a (free, 1 day) -> q (qa, 2 days) FS:
    // q runs Tue and Thu, [1, 4). The deadline is 4; b (free, 1 day) has slack 3.
    let p = plan(
        r#"
[plan]
name = "c"
start = 2027-01-04
[calendars.qa]
holidays = [2027-01-06]
[teams.qa]
capacity = 1
calendar = "qa"
[[tasks]]
id = "a"
estimate = 1
[[tasks]]
id = "q"
team = "qa"
estimate = 2
after = ["a"]
[[tasks]]
id = "b"
estimate = 1
"#,
    );
    let c = graph::cpm(&p, &Timeline::new(&p), &checker::point_durations(&p));
    assert_eq!(c.early_start, vec![0.0, 1.0, 0.0]);
    assert_eq!(c.early_finish, vec![1.0, 4.0, 1.0]);
    assert_eq!(c.late_start, vec![0.0, 1.0, 3.0]);
    assert_eq!(c.critical, vec![true, true, false]);
    checked(&p);
}

#[test]
fn the_sgs_is_reusable_and_follows_any_order() {
    // Three 2-day tasks on one unit: the order decides who goes first.
    let p = plan(
        r#"
[plan]
name = "o"
[teams.be]
capacity = 1
[[tasks]]
id = "a"
team = "be"
estimate = 2
[[tasks]]
id = "b"
team = "be"
estimate = 2
[[tasks]]
id = "c"
team = "be"
estimate = 2
after = [{ task = "a", type = "SS", lag = 0 }]
"#,
    );
    let prob = Problem::new(&p);
    let mut sgs = Sgs::new(&prob);
    let (mut s, mut f) = (vec![0.0; 3], vec![0.0; 3]);
    sgs.run(&prob, prob.point_durations(), &[1, 0, 2], &mut s, &mut f);
    assert_eq!(
        (s.clone(), f.clone()),
        (vec![2.0, 0.0, 4.0], vec![4.0, 2.0, 6.0])
    );
    sgs.run(&prob, &[1.0, 3.0, 0.5], &[0, 2, 1], &mut s, &mut f);
    assert_eq!(
        (s.clone(), f.clone()),
        (vec![0.0, 1.5, 1.0], vec![1.0, 4.5, 1.5])
    );
    assert!(checker::check_with(&p, &[1.0, 3.0, 0.5], &s, &f).is_empty());
}

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random plan: 2-3 teams with holidays and time off, 8-20 tasks with links of every type
/// and lags in [-2, 3], fractional durations, some demands of 2, some tasks without a team.
fn random_plan(seed: u64, dated: bool) -> String {
    let mut g = Lcg(seed);
    let mut s = String::from("[plan]\nname = \"r\"\n");
    if dated {
        s += "start = 2027-01-04\n[calendars.alt]\nholidays = [2027-01-07, 2027-01-13, 2027-01-20]\n";
    }
    let teams = 2 + g.below(2) as usize;
    for t in 0..teams {
        let cap = 1 + g.below(3);
        s += &format!("[teams.t{t}]\ncapacity = {cap}\n");
        if dated && t == 1 {
            s += "calendar = \"alt\"\n";
        }
        if g.below(2) == 0 {
            let (a, b) = (g.below(10), g.below(4));
            let off = if dated {
                format!(
                    "{{ from = 2027-01-{:02}, to = 2027-01-{:02}, capacity = {} }}",
                    4 + a,
                    4 + a + b,
                    cap / 2
                )
            } else {
                format!("{{ from = {a}, to = {}, capacity = {} }}", a + b, cap / 2)
            };
            s += &format!("time_off = [{off}]\n");
        }
    }
    let n = 8 + g.below(13) as usize;
    for j in 0..n {
        s += &format!("[[tasks]]\nid = \"k{j}\"\n");
        if g.below(6) != 0 {
            let t = g.below(teams as u64);
            s += &format!("team = \"t{t}\"\n");
        }
        let d = g.below(12) as f64 / 2.0;
        s += &format!("estimate = {d:.1}\n");
        let mut links = Vec::new();
        for i in 0..j {
            if g.below(5) == 0 {
                let kind = ["FS", "SS", "FF", "SF"][g.below(4) as usize];
                let lag = g.below(6) as i64 - 2;
                links.push(format!(
                    "{{ task = \"k{i}\", type = \"{kind}\", lag = {lag} }}"
                ));
            }
        }
        if !links.is_empty() {
            s += &format!("after = [{}]\n", links.join(", "));
        }
    }
    s
}

#[test]
fn random_plans_give_feasible_schedules() {
    for seed in 0..300u64 {
        let src = random_plan(seed, seed % 2 == 0);
        let p = match parse_str(&src, Format::Toml) {
            Ok(p) => p,
            // Time off at capacity 0 with a demand of 2, say: skip what validation rejects.
            Err(_) => continue,
        };
        let r = schedule(&p);
        let start: Vec<f64> = r.tasks.iter().map(|t| t.start).collect();
        let finish: Vec<f64> = r.tasks.iter().map(|t| t.finish).collect();
        let v = checker::check(&p, &start, &finish);
        assert!(v.is_empty(), "seed {seed}: {v:#?}\n{src}\n{r:#?}");
        // Slack is never negative and some task is critical.
        assert!(r.tasks.iter().all(|t| t.slack >= 0.0));
        assert!(r.tasks.iter().any(|t| t.critical), "seed {seed}");
        // The makespan is at least the critical-path length.
        let c = graph::cpm(&p, &Timeline::new(&p), &checker::point_durations(&p));
        assert!(r.makespan >= c.makespan - 1e-9, "seed {seed}");
        // Some task finishing last is critical, and a critical task finishes at the makespan.
        for t in &r.tasks {
            if close(t.finish, r.makespan) && t.finish > t.start {
                assert!(t.critical, "seed {seed}: {} ends the project", t.id);
            }
        }
    }
}

#[test]
fn finish_links_are_measured_on_the_successors_calendar() {
    // a (no team, 4.5 days) ends at noon on Friday 8 (day 4); qa is off that Friday. b (qa,
    // 2 days) FF a: b cannot finish inside its day off, and qa has no working time between the
    // end of Thursday and a's finish, so b may end on Thursday evening: [2, 4).
    let p = plan(
        r#"
[plan]
name = "ff"
start = 2027-01-04
[calendars.qa]
holidays = [2027-01-08]
[teams.qa]
capacity = 1
calendar = "qa"
[[tasks]]
id = "a"
estimate = 4.5
[[tasks]]
id = "b"
team = "qa"
estimate = 2
after = [{ task = "a", type = "FF", lag = 0 }]
"#,
    );
    let r = checked(&p);
    assert_eq!(times(&r, "a"), (0.0, 4.5));
    assert_eq!(times(&r, "b"), (2.0, 4.0));
    assert_eq!(dates(&r, "b"), (date("2027-01-06"), date("2027-01-07")));
    // Half a day earlier is a violation: qa works on Thursday afternoon.
    let v = checker::check(&p, &[0.0, 1.5], &[4.5, 3.5]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("link FF a -> b"));
}

/// The serial scheme by brute force on integer data (undated, integer durations >= 1 and lags):
/// each task in list order goes at the first integer time `t` such that, starting at the first
/// period its team works at or after `t`, its links hold and every period it works has room.
fn brute_force_sgs(plan: &Plan, order: &[usize]) -> (Vec<f64>, Vec<f64>) {
    const H: usize = 400;
    let teams = plan.teams.len();
    let cap: Vec<Vec<u32>> = plan
        .teams
        .iter()
        .map(|t| {
            (0..H)
                .map(|k| {
                    let mut c = t.capacity;
                    for off in &t.time_off {
                        if let (
                            shipdate_engine::model::When::Period(a),
                            shipdate_engine::model::When::Period(b),
                        ) = (off.from, off.to)
                        {
                            if a <= k as f64 && k as f64 <= b {
                                c = c.min(off.capacity);
                            }
                        }
                    }
                    c
                })
                .collect()
        })
        .collect();
    let works = |team: Option<usize>, k: usize| team.is_none_or(|t| cap[t][k] > 0);
    let mut used = vec![vec![0u32; H]; teams];
    let n = plan.tasks.len();
    let (mut start, mut finish) = (vec![f64::NAN; n], vec![f64::NAN; n]);
    for &j in order {
        let task = &plan.tasks[j];
        let d = task.estimate.point() as usize;
        'time: for t in 0..H - 50 {
            let s = (t..H).find(|&k| works(task.team, k)).unwrap();
            let mut periods = Vec::new();
            let mut k = s;
            while periods.len() < d {
                if works(task.team, k) {
                    periods.push(k);
                }
                k += 1;
            }
            let f = periods.last().unwrap() + 1;
            let (sf, ff) = (s as f64, f as f64);
            for l in &task.after {
                let (ps, pf) = (start[l.pred], finish[l.pred]);
                let ok = match l.kind {
                    shipdate_engine::model::LinkKind::FS => sf >= pf + l.lag,
                    shipdate_engine::model::LinkKind::SS => sf >= ps + l.lag,
                    kind => {
                        let bound = if kind == shipdate_engine::model::LinkKind::FF {
                            pf + l.lag
                        } else {
                            ps + l.lag
                        };
                        // Met, or no working period of j's team in [f, bound).
                        ff >= bound
                            || (f..bound.ceil().max(0.0) as usize).all(|k| !works(task.team, k))
                    }
                };
                if !ok {
                    continue 'time;
                }
            }
            for (team, q) in task.demands() {
                if periods.iter().any(|&k| used[team][k] + q > cap[team][k]) {
                    continue 'time;
                }
            }
            for (team, q) in task.demands() {
                for &k in &periods {
                    used[team][k] += q;
                }
            }
            start[j] = sf;
            finish[j] = ff;
            break;
        }
    }
    (start, finish)
}

#[test]
fn the_sgs_matches_brute_force_on_integer_plans() {
    let mut compared = 0;
    for seed in 0..400u64 {
        let mut g = Lcg(seed * 7919 + 1);
        let mut s = String::from("[plan]\nname = \"bf\"\n");
        let teams = 1 + g.below(2) as usize;
        let mut caps = Vec::new();
        for t in 0..teams {
            let cap = 1 + g.below(3) as u32;
            caps.push(cap);
            s += &format!("[teams.t{t}]\ncapacity = {cap}\n");
            if g.below(2) == 0 {
                let a = g.below(8);
                let b = a + g.below(3);
                let c = g.below(u64::from(cap));
                s += &format!("time_off = [{{ from = {a}, to = {b}, capacity = {c} }}]\n");
            }
        }
        let n = 4 + g.below(6) as usize;
        for j in 0..n {
            s += &format!("[[tasks]]\nid = \"k{j}\"\nestimate = {}\n", 1 + g.below(4));
            if g.below(5) != 0 {
                let t = g.below(teams as u64) as usize;
                s += &format!(
                    "team = \"t{t}\"\ndemand = {}\n",
                    1 + g.below(u64::from(caps[t]))
                );
            }
            let mut links = Vec::new();
            for i in 0..j {
                if g.below(4) == 0 {
                    let kind = ["FS", "SS", "FF", "SF"][g.below(4) as usize];
                    let lag = g.below(6) as i64 - 2;
                    links.push(format!(
                        "{{ task = \"k{i}\", type = \"{kind}\", lag = {lag} }}"
                    ));
                }
            }
            if !links.is_empty() {
                s += &format!("after = [{}]\n", links.join(", "));
            }
        }
        let p = plan(&s);
        let prob = Problem::new(&p);
        let mut sgs = Sgs::new(&prob);
        for order in [prob.priority_order(), prob.topological_order().to_vec()] {
            let (mut st, mut fi) = (vec![0.0; n], vec![0.0; n]);
            sgs.run(&prob, prob.point_durations(), &order, &mut st, &mut fi);
            let (bs, bf) = brute_force_sgs(&p, &order);
            assert_eq!((&st, &fi), (&bs, &bf), "seed {seed}, order {order:?}\n{s}");
            let v = checker::check(&p, &st, &fi);
            assert!(v.is_empty(), "seed {seed}: {v:#?}\n{s}");
            compared += 1;
        }
    }
    assert_eq!(compared, 800);
}
