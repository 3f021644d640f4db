//! Plan reading: TOML/JSON twins, located errors, PSPLIB and Patterson files, no panics.

use chrono::NaiveDate;
use shipdate_engine::diag::{Diagnostic, Pos, Severity};
use shipdate_engine::io::{clear_positions, parse_str, Format};
use shipdate_engine::model::{Cadence, Estimate, Freeze, LinkKind, Plan, TaskKind, TimeOff, When};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const PSPLIB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/psplib");

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn data(name: &str) -> String {
    read(&format!("{DATA}/{name}"))
}

fn ok(src: &str, format: Format) -> Plan {
    match parse_str(src, format) {
        Ok(p) => p,
        Err(errs) => panic!("unexpected errors: {errs:#?}"),
    }
}

fn errs(src: &str, format: Format) -> Vec<Diagnostic> {
    match parse_str(src, format) {
        Ok(_) => panic!("expected errors for:\n{src}"),
        Err(e) => e,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(line: u32, column: u32) -> Option<Pos> {
    Some(Pos { line, column })
}

fn stripped(mut p: Plan) -> Plan {
    clear_positions(&mut p);
    p
}

#[test]
fn toml_and_json_twins_parse_to_the_same_plan() {
    let t = ok(&data("full.toml"), Format::Toml);
    let j = ok(&data("full.json"), Format::Json);
    assert_eq!(stripped(t.clone()), stripped(j));

    // And that plan is the one written in the file.
    assert_eq!(t.name, "Checkout 2027");
    assert_eq!(t.start, Some(d(2027, 1, 4)));
    let cal_ids: Vec<&str> = t.calendars.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(cal_ids, ["office", "weekend", "standard"]);
    assert_eq!(t.default_calendar, 0);
    assert_eq!(t.calendars[0].holidays, [d(2027, 1, 1), d(2027, 4, 2)]);
    assert_eq!(
        t.calendars[1].workdays,
        [false, false, false, false, true, true, true]
    );
    assert_eq!(
        t.calendars[2].workdays,
        [true, true, true, true, true, false, false]
    );

    let team_ids: Vec<&str> = t.teams.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(team_ids, ["backend", "qa", "ops"]);
    assert_eq!(
        t.teams
            .iter()
            .map(|x| (x.capacity, x.calendar))
            .collect::<Vec<_>>(),
        [(3, 0), (2, 1), (1, 2)]
    );
    assert_eq!(
        t.teams[0].time_off,
        [TimeOff {
            from: When::Date(d(2027, 2, 1)),
            to: When::Date(d(2027, 2, 5)),
            capacity: 1
        }]
    );
    assert_eq!(t.teams[0].pos, at(15, 1));

    let ids: Vec<&str> = t.tasks.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(
        ids,
        ["schema", "api", "web", "docs", "perf", "regression", "done"]
    );
    let schema = &t.tasks[0];
    assert_eq!((schema.team, schema.demand), (Some(0), 1));
    assert_eq!(schema.estimate, Estimate::Fixed { value: 2.0 });
    assert_eq!(schema.kind, TaskKind::Work);
    assert!(!schema.optional && schema.extra_demands.is_empty());
    assert_eq!(schema.pos, at(27, 1));
    let api = &t.tasks[1];
    assert_eq!(api.name.as_deref(), Some("Payments API v2"));
    assert_eq!((api.team, api.demand), (Some(0), 2));
    assert_eq!(
        api.estimate,
        Estimate::Pert {
            low: 3.0,
            likely: 5.0,
            high: 10.0
        }
    );
    assert_eq!(api.after.len(), 1);
    assert_eq!(
        (api.after[0].pred, api.after[0].kind, api.after[0].lag),
        (0, LinkKind::FS, 0.0)
    );
    assert_eq!(api.after[0].pos, at(38, 10));
    let web = &t.tasks[2];
    assert_eq!((web.team, web.demand, web.optional), (None, 0, true));
    assert_eq!(
        web.estimate,
        Estimate::Triangular {
            low: 2.0,
            likely: 4.0,
            high: 9.0
        }
    );
    let links: Vec<_> = web.after.iter().map(|l| (l.pred, l.kind, l.lag)).collect();
    assert_eq!(links, [(1, LinkKind::SS, 2.0), (0, LinkKind::FF, -1.5)]);
    assert_eq!(
        t.tasks[3].estimate,
        Estimate::Uniform {
            low: 1.0,
            high: 3.0
        }
    );
    assert_eq!(t.tasks[3].after[0].kind, LinkKind::SF);
    assert_eq!(
        t.tasks[4].estimate,
        Estimate::Lognormal {
            median: 2.0,
            p90: 5.0
        }
    );
    assert_eq!((t.tasks[4].team, t.tasks[4].demand), (Some(2), 1));
    assert_eq!(t.tasks[5].kind, TaskKind::Gate);
    assert_eq!(t.tasks[6].kind, TaskKind::Milestone);
    assert_eq!(t.tasks[6].estimate, Estimate::Fixed { value: 0.0 });
    assert_eq!(
        t.tasks[6].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
        [5, 4, 3]
    );

    assert_eq!(t.risks.len(), 1);
    assert_eq!(t.risks[0].id, "vendor-late");
    assert_eq!(t.risks[0].probability, 0.25);
    assert_eq!(t.risks[0].tasks, [1]);
    assert_eq!(t.correlations[0].tasks, [1, 2]);
    assert_eq!(t.correlations[0].coefficient, 0.6);

    let r1 = &t.releases[0];
    assert_eq!(r1.id, "2027.1");
    assert_eq!(r1.tasks, [1, 5]);
    assert_eq!(r1.target, Some(When::Date(d(2027, 3, 1))));
    assert_eq!(
        r1.windows,
        [When::Date(d(2027, 2, 16)), When::Date(d(2027, 3, 2))]
    );
    assert_eq!(
        r1.cadence,
        Some(Cadence::Weekly {
            weekdays: [false, true, false, true, false, false, false],
            every_weeks: 2,
            from: d(2027, 1, 5)
        })
    );
    assert_eq!(
        r1.freeze,
        [Freeze {
            from: When::Date(d(2027, 2, 20)),
            to: When::Date(d(2027, 2, 28))
        }]
    );
    assert_eq!(r1.value, 10.0);
    let r2 = &t.releases[1];
    // Defaults: every week, from the plan's start; value 1; no target.
    assert_eq!(
        r2.cadence,
        Some(Cadence::Weekly {
            weekdays: [false, false, true, false, false, false, false],
            every_weeks: 1,
            from: d(2027, 1, 4)
        })
    );
    assert_eq!((r2.value, r2.target), (1.0, None));
}

const UNDATED_TOML: &str = r#"
[plan]
name = "Undated"

[teams.be]
capacity = 2
time_off = [{ from = 10, to = 12 }]

[[tasks]]
id = "a"
team = "be"
estimate = 4

[[tasks]]
id = "b"
estimate = 3
after = ["a"]
demand = 0

[[releases]]
id = "r1"
tasks = ["b"]
target = 10
windows = [5, 10.5]
cadence = { every = 10, from = 0 }
freeze = [{ from = 20, to = 30 }]
"#;

const UNDATED_JSON: &str = r#"{
  "plan": { "name": "Undated" },
  "teams": { "be": { "capacity": 2, "time_off": [ { "from": 10, "to": 12 } ] } },
  "tasks": [ { "id": "a", "team": "be", "estimate": 4 },
             { "id": "b", "estimate": 3, "after": ["a"], "demand": 0 } ],
  "releases": [ { "id": "r1", "tasks": ["b"], "target": 10, "windows": [5, 10.5],
                  "cadence": { "every": 10, "from": 0 },
                  "freeze": [ { "from": 20, "to": 30 } ] } ]
}"#;

#[test]
fn undated_twins_use_periods_and_the_implicit_calendar() {
    let t = ok(UNDATED_TOML, Format::Toml);
    assert_eq!(
        stripped(t.clone()),
        stripped(ok(UNDATED_JSON, Format::Json))
    );
    assert_eq!(t.start, None);
    assert_eq!(t.calendars.len(), 1);
    assert_eq!(t.calendars[0].id, "standard");
    assert_eq!(t.default_calendar, 0);
    assert_eq!(t.teams[0].calendar, 0);
    assert_eq!(
        t.teams[0].time_off,
        [TimeOff {
            from: When::Period(10.0),
            to: When::Period(12.0),
            capacity: 0
        }]
    );
    assert_eq!((t.tasks[1].team, t.tasks[1].demand), (None, 0));
    let r = &t.releases[0];
    assert_eq!(r.target, Some(When::Period(10.0)));
    assert_eq!(r.windows, [When::Period(5.0), When::Period(10.5)]);
    assert_eq!(
        r.cadence,
        Some(Cadence::Periodic {
            every: 10.0,
            from: 0.0
        })
    );
    assert_eq!(
        r.freeze,
        [Freeze {
            from: When::Period(20.0),
            to: When::Period(30.0)
        }]
    );
}

#[test]
fn toml_syntax_error_is_reported_at_its_line_and_column() {
    let e = errs(&data("bad-syntax.toml"), Format::Toml);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].pos, at(8, 39));
    assert_eq!(e[0].severity, Severity::Error);
    assert!(
        e[0].message.starts_with("TOML syntax error: "),
        "{}",
        e[0].message
    );
    assert!(e[0]
        .render("bad-syntax.toml")
        .starts_with("bad-syntax.toml:8:39: error: TOML syntax error"));
}

#[test]
fn json_syntax_errors_are_located() {
    let e = errs(
        "{\n  \"plan\": { \"name\": \"x\" },\n  \"tasks\": [1 2]\n}",
        Format::Json,
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, at(3, 15));
    assert!(
        e[0].message
            .starts_with("JSON syntax error: unexpected `2`"),
        "{}",
        e[0].message
    );
    let e = errs(
        "{\"plan\": {\"name\": \"x\", \"name\": \"y\"}}",
        Format::Json,
    );
    assert_eq!(e[0].pos, at(1, 24));
    assert!(e[0].message.contains("duplicate key `name`"));
    let e = errs("{\"plan\": {\"name\": \"x\"}", Format::Json);
    assert_eq!(e[0].pos, at(1, 23));
    assert!(e[0].message.contains("end of input"));
}

#[test]
fn four_errors_in_one_run() {
    let e = errs(&data("bad-four-errors.toml"), Format::Toml);
    let got: Vec<_> = e
        .iter()
        .map(|d| {
            let p = d.pos.expect("located");
            (
                p.line,
                p.column,
                d.message.as_str(),
                d.subject.as_deref(),
                d.help.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                21,
                8,
                "unknown team `backedn` for task `api`",
                Some("api"),
                Some("did you mean `backend`?")
            ),
            (
                27,
                12,
                "task `ui`: estimate has low (8) above likely (5)",
                Some("ui"),
                None
            ),
            (
                34,
                10,
                "task `db`: demand 5 is above the capacity 3 of team `backend`",
                Some("db"),
                Some("lower the demand or raise the capacity of `backend`")
            ),
            (
                39,
                10,
                "dependency cycle: a -> b -> c -> a",
                Some("a"),
                Some("remove one of these links")
            ),
        ]
    );
    assert!(e.iter().all(|d| d.severity == Severity::Error));
    assert_eq!(
        e[0].render("bad.toml"),
        "bad.toml:21:8: error: unknown team `backedn` for task `api` (did you mean `backend`?)"
    );
}

/// The errors of a snippet (a `[plan]` header with a name is prepended when asked), as
/// (line, column, message, help) with lines counted in the snippet as given.
fn toml_errors(src: &str) -> Vec<(u32, u32, String, Option<String>)> {
    errs(src, Format::Toml)
        .into_iter()
        .map(|d| {
            let p = d.pos.unwrap_or(Pos { line: 0, column: 0 });
            (p.line, p.column, d.message, d.help)
        })
        .collect()
}

fn one_error(src: &str) -> (u32, u32, String, Option<String>) {
    let e = toml_errors(src);
    assert_eq!(e.len(), 1, "expected one error, got {e:#?}\nfor:\n{src}");
    e.into_iter().next().unwrap()
}

const HEAD: &str = "[plan]\nname = \"p\"\n"; // two lines

fn with_head(body: &str) -> String {
    format!("{HEAD}{body}")
}

#[test]
fn each_validation_error_is_located_named_and_helped() {
    // (body after the two-line [plan] header, line, column, message, help)
    let cases: &[(&str, u32, u32, &str, Option<&str>)] = &[
        (
            // Only the misspelling is reported, not also a missing `estimate`.
            "[[tasks]]\nid = \"a\"\nestimat = 3\n",
            5,
            1,
            "task `a`: unknown key `estimat`",
            Some("did you mean `estimate`?"),
        ),
        (
            "[teams.be]\ncapasity = 3\n",
            4,
            1,
            "team `be`: unknown key `capasity`",
            Some("did you mean `capacity`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { low = 1, likly = 2, high = 3 }\n",
            5,
            23,
            "task `a`: unknown key `likly`",
            Some("did you mean `likely`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 3\nestimat = 3\n",
            6,
            1,
            "task `a`: unknown key `estimat`",
            Some("did you mean `estimate`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\n",
            4,
            1,
            "task `a`: missing `estimate`",
            Some("add e.g. estimate = { low = 2, likely = 3, high = 5 }"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"a\"\nestimate = 2\n",
            6,
            1,
            "duplicate task id `a`",
            Some("the first task `a` is at line 3"),
        ),
        (
            "[[tasks]]\nid = \"a b\"\nestimate = 1\n",
            4,
            6,
            "task id `a b` may hold only letters, digits, '.', '_' and '-'",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = -1\n",
            5,
            12,
            "task `a`: estimate must not be negative (-1)",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 5, high = 4 }\n",
            5,
            12,
            "task `a`: estimate has likely (5) above high (4)",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { low = -1, likely = 5, high = 6 }\n",
            5,
            12,
            "task `a`: estimate must not be negative (low = -1)",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { dist = \"lognormal\", median = 0, p90 = 4 }\n",
            5,
            12,
            "task `a`: estimate has median 0; it must be above 0",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { dist = \"lognormal\", median = 5, p90 = 5 }\n",
            5,
            12,
            "task `a`: estimate has p90 (5) not above the median (5)",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { dist = \"uniform\", low = 5, high = 4 }\n",
            5,
            12,
            "task `a`: estimate has low (5) above high (4)",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { dist = \"trianguler\", low = 1, likely = 2, high = 3 }\n",
            5,
            21,
            "task `a`: unknown distribution `trianguler` in estimate",
            Some("did you mean `triangular`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = { low = 1, high = 3 }\n",
            5,
            12,
            "task `a`: estimate is missing `likely`",
            Some("for a uniform estimate add dist = \"uniform\""),
        ),
        (
            "[[tasks]]\nid = \"a\"\nkind = \"milestone\"\nestimate = 2\n",
            6,
            12,
            "task `a`: a milestone takes no time; its estimate must be 0",
            Some("remove `estimate` or set kind = \"work\""),
        ),
        (
            "[[tasks]]\nid = \"a\"\nkind = \"milestne\"\n",
            5,
            8,
            "task `a`: unknown kind `milestne` (work, gate or milestone)",
            Some("did you mean `milestone`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\nafter = [\"a\"]\n",
            6,
            10,
            "task `a`: a task cannot come after itself",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [{ task = \"a\", type = \"XS\" }]\n",
            9,
            31,
            "task `b`: unknown link type `XS`",
            Some("use FS, SS, FF or SF"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [{ task = \"aa\" }]\n",
            9,
            19,
            "unknown task `aa` for task `b`",
            Some("did you mean `a`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\ndemand = 2\n",
            6,
            10,
            "task `a`: `demand` = 2 but the task has no `team`",
            Some("add `team = \"...\"` or remove `demand`"),
        ),
        (
            "[teams.be]\ncapacity = 0\n",
            4,
            12,
            "team `be`: `capacity` must be at least 1, not 0",
            None,
        ),
        ("[teams.be]\n", 3, 1, "team `be`: missing `capacity`", None),
        (
            "[teams.be]\ncapacity = 2\ntime_off = [{ from = 3, to = 4, capacity = 3 }]\n",
            5,
            13,
            "team `be`: time off capacity 3 is above the team's capacity 2",
            None,
        ),
        (
            "[teams.be]\ncapacity = 2\ntime_off = [{ from = 5, to = 4 }]\n",
            5,
            13,
            "team `be`: time_off ends (`to`) before it starts (`from`)",
            None,
        ),
        (
            "[teams.be]\ncapacity = 2\ncalendar = \"ofice\"\n[calendars.office]\n",
            5,
            12,
            "unknown calendar `ofice` for team `be`",
            Some("did you mean `office`?"),
        ),
        (
            "[calendars.lazy]\nworkdays = []\n",
            4,
            12,
            "calendar `lazy`: a calendar needs at least one workday",
            None,
        ),
        (
            "[calendars.c]\nworkdays = [\"mon\", \"tues\"]\n",
            4,
            20,
            "calendar `c`: unknown weekday `tues`",
            Some("did you mean `tue`?"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[risks]]\nid = \"r\"\nprobability = 0\nimpact = 2\ntasks = [\"a\"]\n",
            8,
            15,
            "risk `r`: `probability` must be in (0, 1], not 0",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 2\ntasks = [\"payments\"]\n",
            10,
            10,
            "unknown task `payments` for risk `r`",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\n[[correlations]]\ntasks = [\"a\", \"b\"]\ncoefficient = 1\n",
            11,
            15,
            "correlation #1: `coefficient` must be in [0, 1), not 1",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[correlations]]\ntasks = [\"a\"]\ncoefficient = 0.5\n",
            7,
            9,
            "correlation #1: `tasks` must list at least two tasks",
            None,
        ),
        (
            "[[releases]]\nid = \"r\"\ntasks = []\n",
            5,
            9,
            "release `r`: `tasks` is empty",
            None,
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 2027-01-04\n",
            9,
            10,
            "release `r`: `target` must be a number of periods: the plan has no start date",
            Some("set `start` in [plan] to use dates"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\ncadence = { weekdays = [\"tue\"] }\n",
            9,
            13,
            "release `r`: cadence `weekdays` does not fit this plan",
            Some("an undated plan's cadence is { every = N, from = N }; set plan.start to use weekdays"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\n",
            9,
            1,
            "duplicate release id `r`",
            Some("the first release `r` is at line 6"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[risks]]\nid = \"x\"\nprobability = 1\nimpact = 1\ntasks = [\"a\"]\n[[risks]]\nid = \"x\"\nprobability = 1\nimpact = 1\ntasks = [\"a\"]\n",
            11,
            1,
            "duplicate risk id `x`",
            Some("the first risk `x` is at line 6"),
        ),
        (
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [\"a\"]\n[[tasks]]\nid = \"c\"\nestimate = 1\nafter = [\"b\", \"a\"]\n",
            0,
            0,
            "",
            None,
        ),
    ];
    for &(body, line, column, message, help) in cases {
        let src = with_head(body);
        if message.is_empty() {
            // An acyclic control: no error.
            ok(&src, Format::Toml);
            continue;
        }
        let got = one_error(&src);
        assert_eq!(
            got,
            (line, column, message.to_string(), help.map(str::to_string)),
            "for:\n{src}"
        );
    }
}

#[test]
fn plan_section_errors() {
    let e = one_error("[[tasks]]\nid = \"a\"\nestimate = 1\n");
    assert_eq!(
        e,
        (
            1,
            1,
            "missing [plan] section".into(),
            Some("add [plan] with name = \"...\"".into())
        )
    );
    assert_eq!(
        one_error("[plan]\nstart = 2027-01-04\n"),
        (1, 1, "[plan]: missing `name`".into(), None)
    );
    assert_eq!(
        one_error("[plan]\nname = \"  \"\n"),
        (2, 8, "[plan]: `name` is empty".into(), None)
    );
    assert_eq!(
        one_error("[plan]\nname = \"p\"\ncalendar = \"standrd\"\n"),
        (
            3,
            12,
            "unknown calendar `standrd` for [plan]".into(),
            Some("did you mean `standard`?".into())
        )
    );
    assert_eq!(
        one_error("[plan]\nname = \"p\"\n[teems.x]\ncapacity = 1\n"),
        (
            3,
            2,
            "plan: unknown key `teems`".into(),
            Some("did you mean `teams`?".into())
        )
    );
    assert_eq!(
        one_error("[plan]\nname = \"p\"\nstart = 2027-01-04T10:00:00\n"),
        (
            3,
            9,
            "[plan]: `start` must be a date (YYYY-MM-DD) without a time, not `2027-01-04T10:00:00`"
                .into(),
            None
        )
    );
    assert_eq!(
        one_error("[plan]\nname = \"p\"\nstart = \"2027-02-30\"\n"),
        (
            3,
            9,
            "[plan]: `start` must be a date (YYYY-MM-DD), not `2027-02-30`".into(),
            None
        )
    );
}

#[test]
fn type_errors_do_not_stop_the_other_checks() {
    let src = with_head(
        "[teams.be]\ncapacity = \"three\"\n[[tasks]]\nid = \"a\"\nteam = \"bee\"\nestimate = { low = 3, likely = 2, high = 4 }\nafter = [\"zz\"]\noptional = \"yes\"\n",
    );
    let e = toml_errors(&src);
    let msgs: Vec<&str> = e.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "team `be`: `capacity` must be a whole number, found a string",
            "unknown team `bee` for task `a`",
            "task `a`: estimate has low (3) above likely (2)",
            "unknown task `zz` for task `a`",
            "task `a`: `optional` must be true or false, found a string",
        ]
    );
    assert_eq!(e[0].0, 4);
    assert_eq!(e[1].3.as_deref(), Some("did you mean `be`?"));
}

#[test]
fn dated_plans_want_dates_and_check_cadences() {
    let src = with_head(
        "start = 2027-01-04\n[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 30\nwindows = [\"2027-13-01\"]\ncadence = { every = 10 }\n",
    );
    let e = toml_errors(&src);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert_eq!(
        (e[0].0, e[0].1, e[0].2.as_str()),
        (
            10,
            10,
            "release `r`: `target` must be a date: the plan has a start date"
        )
    );
    assert_eq!(
        e[1].2,
        "release `r`: `windows` must be a date (YYYY-MM-DD), not `2027-13-01`"
    );
    assert_eq!(
        e[2].2,
        "release `r`: cadence `every` does not fit this plan"
    );
    assert_eq!((e[2].0, e[2].1), (12, 13));
}

#[test]
fn a_team_that_could_never_work_is_an_error() {
    // Time runs on the plan calendar's weekdays (Mon-Fri); a weekend-only team never works.
    let src = with_head(
        "start = 2027-01-04\n[calendars.weekend]\nworkdays = [\"sat\", \"sun\"]\n[teams.qa]\ncapacity = 1\ncalendar = \"weekend\"\n[[tasks]]\nid = \"a\"\nteam = \"qa\"\nestimate = 1\n",
    );
    let (line, column, message, help) = one_error(&src);
    assert_eq!((line, column), (8, 12));
    assert_eq!(
        message,
        "team `qa`: its calendar `weekend` shares no working weekday with the plan calendar `standard`, so it could never work"
    );
    assert!(help.is_some());
    // Undated plans have no weekdays: the same team is fine there.
    let undated = with_head(
        "[calendars.weekend]\nworkdays = [\"sat\", \"sun\"]\n[teams.qa]\ncapacity = 1\ncalendar = \"weekend\"\n",
    );
    ok(&undated, Format::Toml);
}

#[test]
fn json_reports_the_same_errors_as_toml() {
    let toml = with_head(
        "[teams.be]\ncapacity = 2\n[[tasks]]\nid = \"a\"\nteam = \"bee\"\nestimat = 2\n[[tasks]]\nid = \"b\"\nteam = \"be\"\ndemand = 3\nestimate = { low = 3, likely = 2, high = 4 }\nafter = [\"a\", { task = \"c\" }]\n[[tasks]]\nid = \"c\"\nestimate = 1\nafter = [\"b\"]\n",
    );
    let json = r#"{"plan": {"name": "p"},
 "teams": {"be": {"capacity": 2}},
 "tasks": [
  {"id": "a", "team": "bee", "estimat": 2},
  {"id": "b", "team": "be", "demand": 3, "estimate": {"low": 3, "likely": 2, "high": 4},
   "after": ["a", {"task": "c"}]},
  {"id": "c", "estimate": 1, "after": ["b"]}
 ]}"#;
    let strip = |e: Vec<Diagnostic>| -> Vec<(String, Option<String>, Option<String>)> {
        e.into_iter()
            .map(|d| (d.message, d.subject, d.help))
            .collect()
    };
    let t = strip(errs(&toml, Format::Toml));
    let j = strip(errs(json, Format::Json));
    let msgs: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown team `bee` for task `a`",
            "task `a`: unknown key `estimat`",
            "task `b`: demand 3 is above the capacity 2 of team `be`",
            "task `b`: estimate has low (3) above likely (2)",
            "dependency cycle: b -> c -> b",
        ]
    );
    assert_eq!(t, j);
    let je = errs(json, Format::Json);
    // JSON positions: the unknown team on line 4, column 23.
    assert_eq!(je[0].pos, at(4, 23));
    assert_eq!(je[0].message, "unknown team `bee` for task `a`");
}

#[test]
fn psplib_j30_files_all_parse() {
    let dir = format!("{PSPLIB}/j30");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sm"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 480);
    for f in &files {
        let src = read(f.to_str().unwrap());
        let plan = ok(&src, Format::Psplib);
        // An independent count: the header line, and the sum of durations in the requests.
        let jobs: usize = src
            .lines()
            .find(|l| l.starts_with("jobs (incl"))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        assert_eq!(plan.tasks.len(), jobs, "{f:?}");
        assert_eq!(jobs, 32);
        assert_eq!(plan.teams.len(), 4);
        assert_eq!(plan.start, None);
        assert!(plan.releases.is_empty());
        assert_eq!(plan.tasks[0].kind, TaskKind::Milestone);
        assert_eq!(plan.tasks[31].kind, TaskKind::Milestone);
        assert!(plan.tasks[0].after.is_empty());
        for t in &plan.tasks {
            for (team, q) in t.demands() {
                assert!(q <= plan.teams[team].capacity);
            }
        }
    }
}

#[test]
fn psplib_spot_check_j3010_1() {
    let src = read(&format!("{PSPLIB}/j30/j3010_1.sm"));
    let p = ok(&src, Format::Psplib);
    let caps: Vec<u32> = p.teams.iter().map(|t| t.capacity).collect();
    let ids: Vec<&str> = p.teams.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["R1", "R2", "R3", "R4"]);
    // From the RESOURCEAVAILABILITIES line of the file.
    let avail_line = src
        .lines()
        .skip_while(|l| !l.starts_with("RESOURCEAVAILABILITIES"))
        .nth(2)
        .unwrap();
    let want: Vec<u32> = avail_line
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(caps, want);
    // Each request line: job, mode, duration, R1..R4.
    let rows: Vec<Vec<u32>> = src
        .lines()
        .skip_while(|l| !l.starts_with("REQUESTS/DURATIONS"))
        .skip(3)
        .take(32)
        .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect();
    for (t, row) in p.tasks.iter().zip(&rows) {
        assert_eq!(t.id, row[0].to_string());
        assert_eq!(
            t.estimate,
            Estimate::Fixed {
                value: row[2] as f64
            }
        );
        let mut want: Vec<(usize, u32)> = Vec::new();
        for (r, &q) in row[3..].iter().enumerate() {
            if q > 0 {
                want.push((r, q));
            }
        }
        assert_eq!(t.demands().collect::<Vec<_>>(), want, "job {}", t.id);
        if let Some(&(r, q)) = want.first() {
            assert_eq!((t.team, t.demand), (Some(r), q));
        }
    }
    // Precedence: job 1 -> 2, 3, 4; job 32 comes after 29, 30, 31.
    for j in [1, 2, 3] {
        assert_eq!(
            p.tasks[j].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
            [0]
        );
    }
    assert_eq!(
        p.tasks[31].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
        [28, 29, 30]
    );
    assert!(p.tasks[31]
        .after
        .iter()
        .all(|l| l.kind == LinkKind::FS && l.lag == 0.0));
}

#[test]
fn patterson_files_all_parse() {
    let dir = format!("{PSPLIB}/patterson");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rcp"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 110);
    for f in &files {
        let src = read(f.to_str().unwrap());
        let p = ok(&src, Format::Patterson);
        let mut head = src.split_whitespace().map(|x| x.parse::<usize>().unwrap());
        let (n, k) = (head.next().unwrap(), head.next().unwrap());
        assert_eq!(p.tasks.len(), n, "{f:?}");
        assert_eq!(p.teams.len(), k, "{f:?}");
        assert_eq!(p.tasks[n - 1].estimate, Estimate::Fixed { value: 0.0 });
    }
}

#[test]
fn patterson_spot_check_pat1() {
    let src = read(&format!("{PSPLIB}/patterson/pat1.rcp"));
    let p = ok(&src, Format::Patterson);
    assert_eq!(p.tasks.len(), 14);
    assert_eq!(
        p.teams.iter().map(|t| t.capacity).collect::<Vec<_>>(),
        [2, 1, 2]
    );
    // Line "6 1 0 0 2 9 10": job 2 lasts 6, needs 1 of R1, precedes 9 and 10.
    let j2 = &p.tasks[1];
    assert_eq!(j2.estimate, Estimate::Fixed { value: 6.0 });
    assert_eq!((j2.team, j2.demand), (Some(0), 1));
    assert!(j2.extra_demands.is_empty());
    assert_eq!(
        p.tasks[8].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
        [1]
    );
    assert_eq!(
        p.tasks[9].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
        [1, 4]
    );
    // Line "6 1 0 1 1 12": job 6 needs R1 and R3.
    let j6 = &p.tasks[5];
    assert_eq!((j6.team, j6.demand), (Some(0), 1));
    assert_eq!(j6.extra_demands, [(2, 1)]);
    assert_eq!(p.tasks[0].kind, TaskKind::Milestone);
    assert_eq!(
        p.tasks[13].after.iter().map(|l| l.pred).collect::<Vec<_>>(),
        [8, 12]
    );
}

#[test]
fn malformed_psplib_gives_located_errors() {
    // Demand above capacity.
    let e = errs("2 1\n3\n0 5 1 2\n0 0 0\n", Format::Patterson);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, at(3, 3));
    assert_eq!(
        e[0].message,
        "task `1`: demand 5 is above the capacity 3 of team `R1`"
    );
    // Not a number.
    let e = errs("2 1\n3\n0 x 1 2\n0 0 0\n", Format::Patterson);
    assert_eq!(e[0].pos, at(3, 3));
    assert_eq!(e[0].message, "expected a whole number, found `x`");
    // Truncated.
    let e = errs("2 1\n3\n0 1 1 2\n", Format::Patterson);
    assert_eq!(e[0].pos, at(4, 1));
    assert!(
        e[0].message.contains("duration of job 2"),
        "{}",
        e[0].message
    );
    // Successor out of range, and a cycle.
    let e = errs("2 1\n3\n1 1 1 3\n1 0 0\n", Format::Patterson);
    assert_eq!(e[0].message, "job 1: successor 3 is not a job (1..2)");
    let e = errs("2 1\n3\n1 1 1 2\n1 0 1 1\n", Format::Patterson);
    assert_eq!(e[0].message, "dependency cycle: 1 -> 2 -> 1");

    // .sm: raise a request above its resource's capacity.
    let src = read(&format!("{PSPLIB}/j30/j3010_1.sm"));
    let bad = src.replacen(
        "  2      1     2       1    2    4    0",
        "  2      1     2      99    2    4    0",
        1,
    );
    assert_ne!(bad, src);
    let e = errs(&bad, Format::Psplib);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].message,
        "task `2`: demand 99 is above the capacity 24 of team `R1`"
    );
    let line = bad.lines().position(|l| l.contains(" 99 ")).unwrap() as u32 + 1;
    assert_eq!(e[0].pos.unwrap().line, line);
    // .sm without its sections.
    let e = errs("hello\n", Format::Psplib);
    assert!(!e.is_empty());
    assert!(e.iter().all(|d| d.pos.is_some()));
}

/// A portable pseudo-random sequence for the mangling tests (SplitMix64).
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn mangle_all(src: &str, format: Format, flips: usize) {
    // Every truncation.
    for i in 0..=src.len() {
        if src.is_char_boundary(i) {
            let _ = parse_str(&src[..i], format);
        }
    }
    // Random byte changes, one to three at a time.
    let mut s = 0x5eed_u64 ^ src.len() as u64;
    let bytes = src.as_bytes();
    let alphabet = b" \n\t\"'[]{},:=.-+0123456789aeftnux#\\";
    for _ in 0..flips {
        let mut b = bytes.to_vec();
        for _ in 0..1 + splitmix(&mut s) % 3 {
            let i = (splitmix(&mut s) % b.len() as u64) as usize;
            let r = splitmix(&mut s);
            b[i] = if r % 4 == 0 {
                (r >> 8) as u8
            } else {
                alphabet[(r >> 8) as usize % alphabet.len()]
            };
        }
        let text = String::from_utf8_lossy(&b);
        if let Err(errs) = parse_str(&text, format) {
            assert!(!errs.is_empty());
        }
    }
}

#[test]
fn mangled_inputs_never_panic() {
    mangle_all(&data("full.toml"), Format::Toml, 3000);
    mangle_all(&data("full.json"), Format::Json, 3000);
    mangle_all(&data("bad-four-errors.toml"), Format::Toml, 1000);
    mangle_all(
        &read(&format!("{PSPLIB}/j30/j3010_1.sm")),
        Format::Psplib,
        2000,
    );
    mangle_all(
        &read(&format!("{PSPLIB}/patterson/pat1.rcp")),
        Format::Patterson,
        2000,
    );
    // Formats fed each other's text.
    for f in [
        Format::Toml,
        Format::Json,
        Format::Psplib,
        Format::Patterson,
    ] {
        for src in [
            data("full.toml"),
            data("full.json"),
            "".into(),
            "\u{feff}".into(),
        ] {
            let _ = parse_str(&src, f);
        }
    }
    // Deep nesting is refused, not a stack overflow.
    assert!(parse_str(&"[".repeat(100_000), Format::Json).is_err());
    assert!(parse_str(&format!("a = {}", "[".repeat(100_000)), Format::Toml).is_err());
}

fn round_trips(plan: &Plan) {
    let want = stripped(plan.clone());
    let toml = shipdate_engine::io::to_toml(plan);
    let back = stripped(ok(&toml, Format::Toml));
    assert_eq!(back, want, "TOML:\n{toml}");
    // Canonical: writing the plan read back gives the same text.
    assert_eq!(shipdate_engine::io::to_toml(&back), toml);
    let json = shipdate_engine::io::to_json(plan);
    let back = stripped(ok(&json, Format::Json));
    assert_eq!(back, want, "JSON:\n{json}");
}

#[test]
fn plans_written_back_read_the_same() {
    round_trips(&ok(&data("full.toml"), Format::Toml));
    round_trips(&ok(UNDATED_TOML, Format::Toml));
    round_trips(&ok(
        &read(&format!("{PSPLIB}/j30/j3010_1.sm")),
        Format::Psplib,
    ));
    round_trips(&ok(
        &read(&format!("{PSPLIB}/patterson/pat1.rcp")),
        Format::Patterson,
    ));
    // Awkward names and numbers: quoting, escapes, explicit standard calendar with holidays,
    // tiny values and the largest accepted ones at full precision (SPEC "Limits": a huge
    // estimate such as 1e300 is refused, see numbers_beyond_the_limits_...).
    let src = r#"
[plan]
name = "Quote \" backslash \\ tab \t é"
start = 2027-01-04

[calendars.standard]
workdays = ["mon", "wed"]
holidays = [2027-01-06]

[calendars."eu.office"]
workdays = ["tue", "wed"]

[teams."team.one"]
capacity = 4
calendar = "eu.office"

[[tasks]]
id = "a.b_c-d"
name = "line\nbreak"
team = "team.one"
demand = 0
estimate = { dist = "uniform", low = 0.1, high = 1999.9999999999998 }

[[tasks]]
id = "m"
kind = "milestone"
after = [{ task = "a.b_c-d", type = "FF", lag = -0.30000000000000004 }]

[[releases]]
id = "r"
tasks = ["m"]
value = 0
"#;
    let p = ok(src, Format::Toml);
    assert_eq!(p.calendars.len(), 2);
    round_trips(&p);
}

#[test]
fn extra_demands_are_read_and_checked() {
    let src = with_head(
        "[teams.a]\ncapacity = 2\n[teams.b]\ncapacity = 3\n[[tasks]]\nid = \"t\"\nteam = \"a\"\nestimate = 1\nextra_demands = [{ team = \"b\", demand = 3 }]\n",
    );
    let p = ok(&src, Format::Toml);
    assert_eq!(p.tasks[0].extra_demands, [(1, 3)]);
    assert_eq!(p.tasks[0].demands().collect::<Vec<_>>(), [(0, 1), (1, 3)]);
    let bad = src.replace("demand = 3", "demand = 4");
    assert_eq!(
        one_error(&bad),
        (
            11,
            41,
            "task `t`: demand 4 is above the capacity 3 of team `b`".into(),
            None
        )
    );
    let twice = src.replace("team = \"b\"", "team = \"a\"");
    assert_eq!(one_error(&twice).2, "task `t`: team `a` is demanded twice");
}

// --- Limits (SPEC "Limits") and validation apart from parsing --------------------------------

use shipdate_engine::model::{Calendar, Correlation, Link, Release, Risk, Task, Team};
use shipdate_engine::validate::{self, PlanBuilder};

/// The one error of a snippet, as (line, column, message).
fn limit_error(src: &str) -> (u32, u32, String) {
    let (line, column, message, help) = one_error(src);
    assert_eq!(
        help.as_deref(),
        Some("see the limits in the plan format (docs/SPEC.md)"),
        "{message}"
    );
    (line, column, message)
}

#[test]
fn numbers_beyond_the_limits_are_located_errors_naming_the_field() {
    let task = |est: &str| with_head(&format!("[[tasks]]\nid = \"a\"\nestimate = {est}\n"));
    assert_eq!(
        limit_error(&task("1e308")),
        (
            5,
            12,
            "task `a`: estimate is 1e308; at most 2000 working days (periods) are accepted".into()
        )
    );
    assert_eq!(
        limit_error(&task("{ low = 1, likely = 2, high = 2000.5 }")).2,
        "task `a`: estimate `high` is 2000.5; at most 2000 working days (periods) are accepted"
    );
    assert_eq!(
        limit_error(&task("{ dist = \"lognormal\", median = 3, p90 = 1e12 }")).2,
        "task `a`: estimate `p90` is 1e12; at most 2000 working days (periods) are accepted"
    );
    // At the limit is fine.
    ok(&task("{ low = 0, likely = 1, high = 2000 }"), Format::Toml);

    let lag = |l: &str| {
        with_head(&format!(
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [{{ task = \"a\", lag = {l} }}]\n"
        ))
    };
    assert_eq!(
        limit_error(&lag("-20000")),
        (
            9,
            30,
            "task `b`: `lag` is -20000; at most 2000 working days (periods) either way are accepted"
                .into()
        )
    );
    ok(&lag("-2000"), Format::Toml);

    assert_eq!(
        limit_error(&with_head("[teams.be]\ncapacity = 100001\n")),
        (
            4,
            12,
            "team `be`: `capacity` is 100001; at most 100000 is accepted".into()
        )
    );
    let impact = with_head(
        "[[tasks]]\nid = \"a\"\nestimate = 1\n[[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 1e9\ntasks = [\"a\"]\n",
    );
    assert_eq!(
        limit_error(&impact),
        (
            9,
            10,
            "risk `r`: impact is 1e9; at most 2000 working days (periods) are accepted".into()
        )
    );
    let release = |extra: &str| {
        with_head(&format!(
            "[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\n{extra}\n"
        ))
    };
    assert_eq!(
        limit_error(&release("value = 2e6")),
        (
            9,
            9,
            "release `r`: `value` is 2000000; at most 1000000 is accepted".into()
        )
    );
    assert_eq!(
        limit_error(&release("cadence = { every = 1e6 }")),
        (
            9,
            21,
            "release `r`: cadence `every` is 1000000; at most 100000 periods are accepted".into()
        )
    );
    // Fuzz finding 16: a target a trillion periods away made `validate` hang in the lint.
    assert_eq!(
        limit_error(&release("target = 1000000000000.0")),
        (
            9,
            10,
            "release `r`: `target` is 1e12; at most 100000 periods are accepted".into()
        )
    );
    assert_eq!(
        limit_error(&release("windows = [5, 100001]")),
        (
            9,
            15,
            "release `r`: `windows` is 100001; at most 100000 periods are accepted".into()
        )
    );
    assert_eq!(
        limit_error(&release("freeze = [{ from = 0, to = 1e7 }]")).2,
        "release `r`: `to` is 10000000; at most 100000 periods are accepted"
    );
    let dated = "[plan]\nname = \"p\"\nstart = 2027-01-04\n[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\n";
    assert_eq!(
        limit_error(&format!(
            "{dated}cadence = {{ weekdays = [\"tue\"], every_weeks = 105 }}\n"
        )),
        (
            10,
            47,
            "release `r`: `every_weeks` is 105; at most 104 is accepted".into()
        )
    );
}

#[test]
fn dates_outside_1900_to_2199_are_located_errors() {
    let msg = |who: &str, key: &str, d: &str| {
        format!("{who}: `{key}` {d} is outside the accepted dates (1900-01-01 to 2199-12-31)")
    };
    assert_eq!(
        limit_error("[plan]\nname = \"p\"\nstart = 9999-12-31\n"),
        (3, 9, msg("[plan]", "start", "9999-12-31"))
    );
    ok("[plan]\nname = \"p\"\nstart = 2199-12-31\n", Format::Toml);
    let head = "[plan]\nname = \"p\"\nstart = 2027-01-04\n";
    assert_eq!(
        limit_error(&format!(
            "{head}[calendars.standard]\nholidays = [2027-01-06, 1899-12-31]\n"
        )),
        (5, 25, msg("calendar `standard`", "holidays", "1899-12-31"))
    );
    assert_eq!(
        limit_error(&format!(
            "{head}[teams.be]\ncapacity = 1\ntime_off = [{{ from = 2027-02-01, to = 2200-01-01 }}]\n"
        )),
        (6, 39, msg("team `be` time off", "to", "2200-01-01"))
    );
    let rel = format!(
        "{head}[[tasks]]\nid = \"a\"\nestimate = 1\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\n"
    );
    assert_eq!(
        limit_error(&format!("{rel}target = 3000-01-01\n")),
        (10, 10, msg("release `r`", "target", "3000-01-01"))
    );
    assert_eq!(
        limit_error(&format!("{rel}windows = [2027-02-02, 0001-01-01]\n")),
        (10, 24, msg("release `r`", "windows", "0001-01-01"))
    );
    assert_eq!(
        limit_error(&format!(
            "{rel}cadence = {{ weekdays = [\"tue\"], from = 2500-01-05 }}\n"
        )),
        (10, 40, msg("release `r`", "from", "2500-01-05"))
    );
    assert_eq!(
        limit_error(&format!(
            "{rel}freeze = [{{ from = 1850-01-01, to = 2027-01-10 }}]\n"
        ))
        .2,
        msg("release `r`", "from", "1850-01-01")
    );
}

#[test]
fn ids_names_and_counts_have_limits() {
    let long = "x".repeat(201);
    let (line, column, message) = limit_error(&with_head(&format!(
        "[[tasks]]\nid = \"{long}\"\nestimate = 1\n"
    )));
    assert_eq!((line, column), (4, 6));
    assert_eq!(
        message,
        "task id `xxxxxxxxxxxxxxxxxxxx...` is longer than 200 characters"
    );
    ok(
        &with_head(&format!(
            "[[tasks]]\nid = \"{}\"\nestimate = 1\n",
            &long[1..]
        )),
        Format::Toml,
    );
    let name = "n".repeat(1001);
    assert_eq!(
        limit_error(&format!("[plan]\nname = \"{name}\"\n")),
        (2, 8, "[plan]: `name` is longer than 1000 characters".into())
    );

    // 1,001 teams: the error is at the first team over the limit.
    let mut src = HEAD.to_string();
    for k in 0..1001 {
        src.push_str(&format!("[teams.t{k}]\ncapacity = 1\n"));
    }
    assert_eq!(
        limit_error(&src),
        (
            2 + 2 * 1000 + 1,
            1,
            "the plan has 1001 teams; at most 1000 are accepted".into()
        )
    );
    // 501 correlated tasks.
    let mut src = HEAD.to_string();
    for j in 0..501 {
        src.push_str(&format!(
            "[[tasks]]\nid = \"t{j}\"\nestimate = {{ low = 1, likely = 2, high = 3 }}\n"
        ));
    }
    for j in (0..501).step_by(2) {
        let k = (j + 1).min(500);
        src.push_str(&format!(
            "[[correlations]]\ntasks = [\"t{j}\", \"t{k}\"]\ncoefficient = 0.5\n"
        ));
    }
    assert_eq!(
        one_error(&src).2,
        "the plan has 501 correlated tasks; at most 500 are accepted"
    );

    // Tasks and links: counted on a plan made in code (a 200,001-task file is slow to write).
    let mut plan = shipdate_engine::model::Plan::new("big");
    plan.tasks = (0..validate::MAX_TASKS + 1)
        .map(|j| Task::new(format!("t{j}"), Estimate::Fixed { value: 1.0 }))
        .collect();
    let e = validate::validate(&plan);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        e[0].message,
        "the plan has 200001 tasks; at most 200000 are accepted"
    );
    plan.tasks.truncate(2);
    plan.tasks[1].after = vec![Link::new(0, LinkKind::FS, 0.0); validate::MAX_LINKS + 1];
    let e = validate::validate(&plan);
    assert_eq!(
        e[0].message,
        "the plan has 2000001 links; at most 2000000 are accepted"
    );
}

#[test]
fn fuzz_findings_give_located_errors() {
    // 19: an unknown plan calendar where `calendars` is not a table panicked (index out of
    // bounds); now both are reported.
    let src = "[plan]\nname = \"p\"\nstart = 2027-01-04\ncalendar = \"us\"\n[[calendars]]\nid = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n";
    let e = toml_errors(src);
    assert_eq!(
        e,
        [
            (4, 12, "unknown calendar `us` for [plan]".to_string(), None),
            (
                5,
                1,
                "plan: `calendars` must be a table, found an array".to_string(),
                None
            ),
        ]
    );
    // 17: time off to 1e308 periods overflowed a capacity in `validate`.
    let src = with_head(
        "[teams.be]\ncapacity = 1\ntime_off = [{ from = 0, to = 10000000.0, capacity = 0 }, { from = 0, to = 1e308 }]\n[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 4\n[[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 5\n",
    );
    let e = toml_errors(&src);
    let got: Vec<_> = e.iter().map(|x| (x.0, x.1, x.2.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                5,
                30,
                "team `be` time off: `to` is 10000000; at most 100000 periods are accepted"
            ),
            (
                5,
                75,
                "team `be` time off: `to` is 1e308; at most 100000 periods are accepted"
            ),
        ]
    );
    // The shared fuzz inputs themselves, where this checkout can see them.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fuzz-findings");
    for (file, format) in [
        ("16.json", Format::Json),
        ("17.toml", Format::Toml),
        ("19.toml", Format::Toml),
    ] {
        let Ok(src) = std::fs::read_to_string(format!("{dir}/{file}")) else {
            continue;
        };
        let e = errs(&src, format);
        assert!(e.iter().all(|d| d.pos.is_some()), "{file}: {e:?}");
    }
}

#[test]
fn the_builder_makes_valid_plans_and_validate_checks_any_plan() {
    let mut b = PlanBuilder::new("built");
    b.start(d(2027, 1, 4));
    let mut eu = Calendar::standard();
    eu.id = "eu".into();
    eu.holidays = vec![d(2027, 2, 10), d(2027, 2, 9), d(2027, 2, 10)];
    let eu = b.add_calendar(eu);
    let be = b.add_team("be", 2);
    let mut mobile = Team::new("mobile", 1);
    mobile.calendar = eu;
    let mobile = b.add_team_full(mobile);
    let start = b.add_task(Task::milestone("start"));
    let api = b.add_task(
        Task::new(
            "api",
            Estimate::Pert {
                low: 2.0,
                likely: 3.0,
                high: 6.0,
            },
        )
        .on_team(be, 2),
    );
    let app = b.add_task(Task::new("app", Estimate::Fixed { value: 4.0 }).on_team(mobile, 1));
    b.link(start, api, LinkKind::FS, 0.0)
        .link(api, app, LinkKind::SS, 1.0)
        .risk(Risk::new(
            "late",
            0.3,
            Estimate::Fixed { value: 2.0 },
            vec![api],
        ))
        .correlate(Correlation::new(vec![api, app], 0.5))
        .release(Release::new("r1", vec![app]));
    let plan = b.build().expect("valid");
    // The built plan is the one its TOML says.
    assert_eq!(plan.calendars[eu].holidays, [d(2027, 2, 9), d(2027, 2, 10)]);
    assert_eq!(plan.calendars[plan.default_calendar].id, "standard");
    assert_eq!(plan.teams[be].calendar, plan.default_calendar);
    let text = shipdate_engine::io::to_toml(&plan);
    assert_eq!(stripped(ok(&text, Format::Toml)), plan);
    assert_eq!(shipdate_engine::dispatch::schedule(&plan).makespan, 5.0);

    // Every rule a parsed plan meets, a built one meets too: one error per broken rule.
    let mut b = PlanBuilder::new(" ");
    let be = b.add_team("be", 1);
    let a = b.add_task(Task::new("a", Estimate::Fixed { value: 1.0 }).on_team(be, 3));
    let c = b.add_task(Task::new(
        "a",
        Estimate::Uniform {
            low: 3.0,
            high: 1.0,
        },
    ));
    b.link(a, c, LinkKind::FS, 0.0)
        .link(c, a, LinkKind::FF, 0.0);
    b.risk(Risk::new("r", 1.5, Estimate::Fixed { value: 1.0 }, vec![a]));
    b.correlate(Correlation::new(vec![a], 0.5));
    b.release(Release::new("bad id", vec![]));
    let e = b.build().unwrap_err();
    let got: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        got,
        [
            "[plan]: `name` is empty",
            "task `a`: demand 3 is above the capacity 1 of team `be`",
            "task `a`: estimate has low (3) above high (1)",
            "duplicate task id `a`",
            "dependency cycle: a -> a -> a",
            "risk `r`: `probability` must be in (0, 1], not 1.5",
            "correlation #1: `tasks` must list at least two tasks",
            "release id `bad id` may hold only letters, digits, '.', '_' and '-'",
            "release `bad id`: `tasks` is empty",
        ]
    );
    assert_eq!(e[3].help.as_deref(), Some("the first task `a` is number 1"));

    // Indices out of range are errors, not panics further on.
    let mut plan = shipdate_engine::model::Plan::new("p");
    plan.tasks
        .push(Task::new("a", Estimate::Fixed { value: 1.0 }).on_team(4, 1));
    plan.releases.push(Release::new("r", vec![9]));
    let got: Vec<String> = validate::validate(&plan)
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(
        got,
        [
            "task `a`: team index 4 is out of range (0 in the plan)",
            "release `r`: task index 9 is out of range (1 in the plan)",
        ]
    );
}

#[test]
fn a_task_without_an_id_is_an_error_whatever_its_other_keys() {
    // `kind` is as near `id` as a misspelling, but it is one of a task's own keys: the missing
    // `id` is reported (it once passed, and the plan was written back with an empty id).
    // `idd` is a misspelling: reported once, as such.
    let plan = |body: &str| {
        format!("[plan]\nname = \"p\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\n{body}\n")
    };
    let e = errs(&plan("kind = \"gate\"\nestimate = 2"), Format::Toml);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].message, "task #2: missing `id`");
    assert_eq!(e[0].pos, at(6, 1));
    let e = errs(&plan("idd = \"b\"\nestimate = 2"), Format::Toml);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].message.contains("unknown key `idd`"),
        "{}",
        e[0].message
    );
}
