//! The fuzz targets of shipdate, shared by the stable runner (`fuzz/stable.rs`, run in CI by
//! `tests/it/fuzz.rs` and by hand with `cargo run --release --example fuzz`) and by the
//! `cargo fuzz` targets (`fuzz/fuzz_targets/`, nightly, by hand).
//!
//! A target takes bytes and runs one reader, or the whole pipeline, on them. It returns
//! normally for every input, valid or not; a panic, an abort or a run past the time bound is
//! a failure. Plans the pipeline target runs are generated valid (structure-aware) and then
//! mutated: extreme numbers, odd dates, calendars and references.

#![allow(dead_code)]

pub mod runner;

use shipdate_engine::interchange::{csv, mspdi};
use shipdate_engine::io::{self, text, Format};
use shipdate_engine::model::Plan;
use shipdate_engine::optimize::{self, WindowsOptions};
use shipdate_engine::simulate::{self, Options};
use shipdate_engine::{check, dispatch, lint, schedule};

/// One fuzz target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The TOML plan reader (and the TOML writer, which must give the plan back).
    Toml,
    /// The JSON plan reader (and the JSON writer, which must give the plan back).
    Json,
    /// MS Project XML import.
    Mspdi,
    /// CSV import.
    Csv,
    /// PSPLIB `.sm`.
    Psplib,
    /// Patterson `.rcp`.
    Rcp,
    /// A TOML plan through validate (lint), schedule, simulate (both modes) and windows.
    Pipeline,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 7] = [
        Target::Toml,
        Target::Json,
        Target::Mspdi,
        Target::Csv,
        Target::Psplib,
        Target::Rcp,
        Target::Pipeline,
    ];

    /// The target's name (its corpus folder).
    pub fn name(self) -> &'static str {
        match self {
            Target::Toml => "toml",
            Target::Json => "json",
            Target::Mspdi => "mspdi",
            Target::Csv => "csv",
            Target::Psplib => "psplib",
            Target::Rcp => "rcp",
            Target::Pipeline => "pipeline",
        }
    }

    /// The file extension of its inputs.
    pub fn ext(self) -> &'static str {
        match self {
            Target::Toml | Target::Pipeline => "toml",
            Target::Json => "json",
            Target::Mspdi => "xml",
            Target::Csv => "csv",
            Target::Psplib => "sm",
            Target::Rcp => "rcp",
        }
    }

    /// The target named `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Runs `target` on `bytes`: whether the input was accepted (read as a plan). Returns
/// normally for every input; panics on a bug (including a broken invariant checked here).
pub fn run(target: Target, bytes: &[u8]) -> bool {
    let Ok(decoded) = text::decode(bytes) else {
        return false;
    };
    let src = decoded.text;
    match target {
        Target::Toml => round_trip(&src, Format::Toml),
        Target::Json => round_trip(&src, Format::Json),
        Target::Mspdi => match mspdi::import(&src) {
            Ok(imported) => {
                reparse(&imported.plan);
                true
            }
            Err(_) => false,
        },
        Target::Csv => {
            let options = csv::CsvOptions {
                name: "fuzz".to_string(),
                start: csv::parse_date("2027-01-04"),
                status: None,
            };
            match csv::import(&src, &options) {
                Ok(plan) => {
                    reparse(&plan);
                    true
                }
                Err(_) => false,
            }
        }
        Target::Psplib => io::parse_str(&src, Format::Psplib).is_ok(),
        Target::Rcp => io::parse_str(&src, Format::Patterson).is_ok(),
        Target::Pipeline => match io::parse_str(&src, Format::Toml) {
            Ok(plan) => {
                pipeline(&plan);
                true
            }
            Err(_) => false,
        },
    }
}

/// A plan that reads must write back to a text that reads as the same plan.
fn round_trip(src: &str, format: Format) -> bool {
    let Ok(plan) = io::parse_str(src, format) else {
        return false;
    };
    let written = match format {
        Format::Json => io::to_json(&plan),
        _ => io::to_toml(&plan),
    };
    let back = io::parse_str(&written, format)
        .unwrap_or_else(|e| panic!("the written plan does not read back: {e:?}\n{written}"));
    let (mut a, mut b) = (plan, back);
    io::clear_positions(&mut a);
    io::clear_positions(&mut b);
    assert!(
        a == b,
        "the written plan reads back differently:\n{written}"
    );
    true
}

/// An imported plan is valid: its TOML must read back.
fn reparse(plan: &Plan) {
    let written = io::to_toml(plan);
    if let Err(e) = io::parse_str(&written, Format::Toml) {
        panic!("an imported plan's TOML does not read back: {e:?}\n{written}");
    }
}

/// Everything a valid plan goes through: validate's warnings, the schedule, both simulation
/// modes and the windows plan. Errors are fine (they are answers); panics are not, nor are
/// schedules that finish a task before it starts.
pub fn pipeline(plan: &Plan) {
    let _ = lint::lint(plan);
    let sched = dispatch::schedule(plan);
    for t in &sched.tasks {
        assert!(
            t.finish >= t.start,
            "task `{}` finishes at {} before its start {}",
            t.id,
            t.finish,
            t.start
        );
        if let (Some(s), Some(f)) = (t.start_date, t.finish_date) {
            assert!(
                f >= s,
                "task `{}` has finish date {f} before start date {s}",
                t.id
            );
        }
    }
    // The hand-off re-timing that measures resource-aware risk effects gives the schedule
    // back, to the bit, with the schedule's own durations.
    let problem = schedule::Problem::new(plan);
    let d = problem.point_durations().to_vec();
    let same = schedule::retimed(&problem, &problem.priority_order(), &d, &d);
    assert_eq!(
        same.moved, 0,
        "re-timing with the same durations moved tasks"
    );
    for ignore_capacity in [false, true] {
        let _ = simulate::simulate(
            plan,
            &Options {
                iterations: 64,
                seed: 7,
                ignore_capacity,
                threads: Some(1),
                ..Options::default()
            },
        );
    }
    let windows = optimize::plan_windows(
        plan,
        &WindowsOptions {
            time_limit: Some(2.0),
        },
    );
    if let Err(e) = windows {
        // Every way windows planning can refuse a valid plan is the plan's fault, located.
        assert!(
            matches!(e, optimize::WindowsError::NoWindows) && !e.diagnostics(plan).is_empty(),
            "windows failed: {e}"
        );
    }
    let health = check::check(plan, &check::CheckOptions::default());
    assert_eq!(health.checks.len(), 14);
    for c in &health.checks {
        assert!(
            c.count <= c.total,
            "check `{}`: {} of {}",
            c.key,
            c.count,
            c.total
        );
    }
}

/// A small, portable pseudo-random generator (SplitMix64): the same seed gives the same
/// mutations everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Draws from fuzzer-chosen bytes, like `arbitrary::Unstructured`: when the bytes run out,
/// every draw is 0, so any byte string is a plan.
pub struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let (v, rest) = match self.0 {
            [a, b, rest @ ..] => (usize::from(*a) << 8 | usize::from(*b), rest),
            [a] => (usize::from(*a), &[][..]),
            [] => (0, &[][..]),
        };
        self.0 = rest;
        v % n.max(1)
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A valid plan in TOML, drawn from `data`: calendars with holidays, teams with time off,
/// tasks with every estimate form, demands within capacity, links of every type to earlier
/// tasks (so acyclic) with lags, risks, correlations and releases with targets, windows,
/// cadences and freezes; dated or not.
pub fn generate_plan(data: &[u8]) -> String {
    let mut u = Bytes(data);
    let mut s = String::new();
    let dated = u.below(4) != 0;
    let day = |d: usize| {
        // 2027-01-04 (a Monday) plus d days.
        let base = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
        (base + chrono::Days::new(d as u64)).to_string()
    };
    s.push_str("[plan]\nname = \"generated\"\n");
    if dated {
        s.push_str(&format!("start = {}\n", day(u.below(7))));
        let mut days: Vec<&str> = WEEKDAYS
            .iter()
            .copied()
            .filter(|_| u.below(4) != 0)
            .collect();
        if days.is_empty() {
            days.push("wed");
        }
        let holidays: Vec<String> = (0..u.below(4)).map(|_| day(u.below(120))).collect();
        s.push_str(&format!(
            "calendar = \"main\"\n[calendars.main]\nworkdays = [{}]\nholidays = [{}]\n",
            days.iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", "),
            holidays.join(", ")
        ));
    }
    let teams = u.below(4);
    let mut caps = Vec::new();
    for k in 0..teams {
        let cap = 1 + u.below(3);
        caps.push(cap);
        s.push_str(&format!("[teams.t{k}]\ncapacity = {cap}\n"));
        if dated && u.below(3) == 0 {
            let from = u.below(60);
            s.push_str(&format!(
                "time_off = [{{ from = {}, to = {}, capacity = {} }}]\n",
                day(from),
                day(from + u.below(10)),
                u.below(cap)
            ));
        }
    }
    let n = 1 + u.below(10);
    for j in 0..n {
        s.push_str(&format!("[[tasks]]\nid = \"a{j}\"\n"));
        let milestone = u.below(8) == 0;
        if milestone {
            s.push_str("kind = \"milestone\"\n");
        } else {
            if u.below(8) == 0 {
                s.push_str("kind = \"gate\"\n");
            }
            let low = u.below(6);
            let likely = low + u.below(5);
            let high = likely + u.below(8);
            let est = match u.below(5) {
                0 => format!("{likely}"),
                1 => format!("{{ low = {low}, likely = {likely}, high = {high} }}"),
                2 => format!(
                    "{{ dist = \"triangular\", low = {low}, likely = {likely}, high = {high} }}"
                ),
                3 => format!("{{ dist = \"uniform\", low = {low}, high = {} }}", high + 1),
                _ => format!(
                    "{{ dist = \"lognormal\", median = {}, p90 = {} }}",
                    likely + 1,
                    likely + 2 + high
                ),
            };
            s.push_str(&format!("estimate = {est}\n"));
            if teams > 0 && u.below(4) != 0 {
                let k = u.below(teams);
                s.push_str(&format!(
                    "team = \"t{k}\"\ndemand = {}\n",
                    1 + u.below(caps[k])
                ));
            }
            if u.below(6) == 0 {
                s.push_str("optional = true\n");
            }
        }
        if j > 0 {
            let mut preds = std::collections::BTreeSet::new();
            let links: Vec<String> = (0..u.below(3))
                .filter_map(|_| {
                    let pred = u.below(j);
                    let ty = ["FS", "SS", "FF", "SF"][u.below(4)];
                    let lag = u.below(7) as i64 - 2;
                    preds
                        .insert(pred)
                        .then(|| format!("{{ task = \"a{pred}\", type = \"{ty}\", lag = {lag} }}"))
                })
                .collect();
            if !links.is_empty() {
                s.push_str(&format!("after = [{}]\n", links.join(", ")));
            }
        }
    }
    for r in 0..u.below(3) {
        s.push_str(&format!(
            "[[risks]]\nid = \"r{r}\"\nprobability = {}\nimpact = {{ low = 1, likely = 2, high = {} }}\ntasks = [\"a{}\"]\n",
            [0.1, 0.5, 1.0][u.below(3)],
            3 + u.below(5),
            u.below(n)
        ));
    }
    if n >= 2 && u.below(4) == 0 {
        s.push_str(&format!(
            "[[correlations]]\ntasks = [\"a0\", \"a{}\"]\ncoefficient = 0.{}\n",
            1 + u.below(n - 1),
            u.below(10)
        ));
    }
    for r in 0..u.below(3) {
        let picked: std::collections::BTreeSet<usize> =
            (0..1 + u.below(2)).map(|_| u.below(n)).collect();
        let tasks: Vec<String> = picked.iter().map(|j| format!("\"a{j}\"")).collect();
        s.push_str(&format!(
            "[[releases]]\nid = \"v{r}\"\ntasks = [{}]\n",
            tasks.join(", ")
        ));
        let when = |u: &mut Bytes| {
            if dated {
                day(u.below(150))
            } else {
                format!("{}", u.below(60))
            }
        };
        if u.below(2) == 0 {
            s.push_str(&format!("target = {}\n", when(&mut u)));
        }
        match u.below(3) {
            0 => {
                let w: Vec<String> = (0..1 + u.below(3)).map(|_| when(&mut u)).collect();
                s.push_str(&format!("windows = [{}]\n", w.join(", ")));
            }
            1 if dated => s.push_str(&format!(
                "cadence = {{ weekdays = [\"{}\"], every_weeks = {}, from = {} }}\n",
                WEEKDAYS[u.below(5)],
                1 + u.below(3),
                day(u.below(14))
            )),
            1 => s.push_str(&format!(
                "cadence = {{ every = {}, from = {} }}\n",
                1 + u.below(10),
                u.below(5)
            )),
            _ => {}
        }
        if dated && u.below(3) == 0 {
            let from = u.below(100);
            s.push_str(&format!(
                "freeze = [{{ from = {}, to = {} }}]\n",
                day(from),
                day(from + u.below(20))
            ));
        }
        if u.below(3) == 0 {
            s.push_str(&format!("value = {}\n", 1 + u.below(10)));
        }
    }
    s
}

/// Values that break arithmetic: extremes, edges of ranges, odd dates.
const INTERESTING: &[&str] = &[
    "0",
    "-1",
    "1",
    "-0",
    "0.5",
    "1e308",
    "-1e308",
    "1e-308",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "1000000",
    "999999999",
    "2.5",
    "0.999999",
    "1970-01-01",
    "9999-12-31",
    "0001-01-01",
    "2027-02-29",
    "2028-02-29",
    "\"\"",
    "[]",
    "{}",
    "\"a0\"",
    "\"mon\"",
];

/// One mutation of `input`: byte-level (flip, insert, delete, splice with `other`) or
/// text-level (a number or date replaced by an extreme, a line duplicated or deleted, a name
/// replaced by another one of the file).
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    let steps = 1 + rng.below(4);
    for _ in 0..steps {
        mutate_once(&mut out, other, rng);
    }
    out.truncate(1 << 20);
    out
}

fn mutate_once(out: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    let len = out.len();
    match rng.below(10) {
        0 if len > 0 => {
            let i = rng.below(len);
            out[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            out[i] = *rng.pick(b"0123456789-.,=[]{}\"\n #:;<>/&x\x00\xff");
        }
        2 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(16.min(len - i));
            out.drain(i..i + n);
        }
        3 if !other.is_empty() => {
            // Splice: a chunk of the other input.
            let a = rng.below(other.len());
            let b = (a + 1 + rng.below(64)).min(other.len());
            let at = rng.below(len + 1);
            out.splice(at..at, other[a..b].iter().copied());
        }
        4 | 5 => replace_token(
            out,
            rng,
            |rng| rng.pick(INTERESTING).as_bytes().to_vec(),
            is_number_byte,
        ),
        6 => {
            // A name in quotes replaced by another name of the file (self and duplicate
            // references).
            let names = quoted(out);
            if names.len() >= 2 {
                let (a0, a1) = *rng.pick(&names);
                let (b0, b1) = *rng.pick(&names);
                let with = out[b0..b1].to_vec();
                out.splice(a0..a1, with);
            }
        }
        7 | 8 => {
            // Duplicate or delete a line, or move one elsewhere.
            let lines = line_spans(out);
            if !lines.is_empty() {
                let (a, b) = *rng.pick(&lines);
                let line = out[a..b].to_vec();
                match rng.below(3) {
                    0 => {
                        out.drain(a..b);
                    }
                    1 => {
                        out.splice(b..b, line);
                    }
                    _ => {
                        let (c, _) = *rng.pick(&lines);
                        out.splice(c..c, line);
                    }
                }
            }
        }
        _ => {
            // Grow a number: repeat its digits.
            replace_token(
                out,
                rng,
                |rng| "9".repeat(1 + rng.below(40)).into_bytes(),
                |b| b.is_ascii_digit(),
            );
        }
    }
}

fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'e' || b == b'+'
}

/// Replaces one run of `class` bytes (a number, a date) by `with`.
fn replace_token(
    out: &mut Vec<u8>,
    rng: &mut Rng,
    with: impl Fn(&mut Rng) -> Vec<u8>,
    class: fn(u8) -> bool,
) {
    let starts: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].is_ascii_digit() && (i == 0 || !class(out[i - 1])))
        .collect();
    if starts.is_empty() {
        return;
    }
    let a = *rng.pick(&starts);
    let mut b = a;
    while b < out.len() && class(out[b]) {
        b += 1;
    }
    let w = with(rng);
    out.splice(a..b, w);
}

/// The spans of the double-quoted strings (quotes included).
fn quoted(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, &b) in text.iter().enumerate() {
        if b == b'"' {
            match open.take() {
                Some(a) => spans.push((a, i + 1)),
                None => open = Some(i),
            }
        } else if b == b'\n' {
            open = None;
        }
    }
    spans
}

/// The spans of the lines (each with its newline).
fn line_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut a = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            spans.push((a, i + 1));
            a = i + 1;
        }
    }
    if a < text.len() {
        spans.push((a, text.len()));
    }
    spans
}

/// A new input for the pipeline target: a fresh generated plan (from random bytes) or a
/// mutation of a corpus plan.
pub fn pipeline_input(corpus: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    if corpus.is_empty() || rng.one_in(2) {
        let data: Vec<u8> = (0..rng.below(200)).map(|_| rng.next_u64() as u8).collect();
        let plan = generate_plan(&data).into_bytes();
        if rng.one_in(3) {
            plan
        } else {
            let other = if corpus.is_empty() {
                Vec::new()
            } else {
                rng.pick(corpus).clone()
            };
            mutate(&plan, &other, rng)
        }
    } else {
        let base = rng.pick(corpus).clone();
        let other = rng.pick(corpus).clone();
        mutate(&base, &other, rng)
    }
}
