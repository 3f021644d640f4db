//! The burn-up fan of a throughput forecast (SPEC section 9): items done by each working day
//! at 50%, 85% and 95% likelihood, and its chart.
//!
//! The futures are those of [`crate::throughput::when`] (the same seed draws the same days),
//! walked up to the working day by which the items are done with 95% likelihood. On each day
//! the count "at least this many, `p`% likely" is the order statistic that
//! [`crate::throughput::how_many`] reports for that day.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Calendar, Per, Plan};
use crate::simulate::stats::percentile_index;
use crate::throughput::{check_samples, forecast_days, walk, Draws, ForecastError, EPS};

/// Items done by each working day of a forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnUp {
    /// The number of items forecast.
    pub items: u64,
    /// The working days, from the first after the history to the one by which the items are
    /// done with 95% likelihood.
    pub days: Vec<NaiveDate>,
    /// At least this many done by each day, 50% likely.
    pub p50: Vec<u64>,
    /// At least this many, 85% likely.
    pub p85: Vec<u64>,
    /// At least this many, 95% likely.
    pub p95: Vec<u64>,
}

impl BurnUp {
    /// The working day each line reaches the goal (the "when" dates, 50/85/95% likely).
    pub fn dates(&self) -> crate::throughput::Likelihoods<Option<NaiveDate>> {
        let reach = |v: &[u64]| {
            v.iter()
                .position(|&m| m >= self.items)
                .map(|k| self.days[k])
        };
        crate::throughput::Likelihoods {
            p50: reach(&self.p50),
            p85: reach(&self.p85),
            p95: reach(&self.p95),
        }
    }

    /// The fan in words, as the report and the browser write it under the chart: `N items
    /// from DAY: done by DAY (50% likely), DAY (85%), DAY (95%)`.
    pub fn summary(&self) -> String {
        let d = self.dates();
        let day = |x: Option<NaiveDate>| x.map_or_else(|| "-".into(), crate::throughput::day_text);
        format!(
            "{} items from {}: done by {} (50% likely), {} (85%), {} (95%)",
            self.items,
            self.days
                .first()
                .map_or_else(|| "-".into(), |f| crate::throughput::day_text(*f)),
            day(d.p50),
            day(d.p85),
            day(d.p95)
        )
    }
}

/// The burn-up fan of `items` items from the working day after `after`: the same futures as
/// [`crate::throughput::when`] with these arguments.
///
/// # Errors
///
/// As [`crate::throughput::when`]; and [`ForecastError::BeyondHorizon`] when the items are
/// not done with 95% likelihood within [`crate::throughput::HORIZON_DAYS`].
pub fn burn_up(
    samples: &[f64],
    per: Per,
    items: u64,
    after: NaiveDate,
    calendar: &Calendar,
    iterations: usize,
    seed: u64,
) -> Result<BurnUp, ForecastError> {
    check_samples(samples)?;
    let days = forecast_days(after, calendar)?;
    let n = iterations.max(1);
    let goal = items as f64;
    // First the day each future gets there, for the span of the chart.
    let mut finish: Vec<usize> = (0..n)
        .map(|i| {
            if items == 0 {
                return 0;
            }
            let mut draws = Draws::new(seed, i as u64, samples.len());
            let mut at = days.len();
            walk(samples, per, &days, &mut draws, |k, total| {
                let done = total + EPS >= goal;
                if done {
                    at = k;
                }
                done
            });
            at
        })
        .collect();
    finish.sort_unstable();
    let last = finish[percentile_index(n, 95)];
    if last >= days.len() {
        return Err(ForecastError::BeyondHorizon);
    }
    let span = last + 1;
    // Then each future's running total on every day of the span, day-major.
    let mut counts = vec![0u64; span * n];
    for i in 0..n {
        let mut draws = Draws::new(seed, i as u64, samples.len());
        walk(samples, per, &days[..span], &mut draws, |k, total| {
            counts[k * n + i] = (total + EPS).floor() as u64;
            false
        });
    }
    let mut out = BurnUp {
        items,
        days: days[..span].iter().map(|d| d.0).collect(),
        p50: Vec::with_capacity(span),
        p85: Vec::with_capacity(span),
        p95: Vec::with_capacity(span),
    };
    for day in counts.chunks_mut(n) {
        day.sort_unstable();
        // At least `day[k]` in `p`% of futures (as `how_many`).
        let q = |p: u64| day[n - (n as u64 * p).div_ceil(100) as usize];
        out.p50.push(q(50));
        out.p85.push(q(85));
        out.p95.push(q(95));
    }
    Ok(out)
}

/// The burn-up fan of an analysis's "when" question (`None` when it asked none): its history's
/// samples from the day after the history, with its iterations and seed, on `calendar` (the
/// analysis's [`crate::throughput::Request::calendar`]).
///
/// # Errors
///
/// As [`burn_up`].
pub fn of_analysis(
    a: &crate::throughput::Analysis,
    calendar: &Calendar,
) -> Option<Result<BurnUp, ForecastError>> {
    let w = a.when.as_ref()?;
    let h = &a.history;
    Some(burn_up(
        &h.samples,
        h.per,
        w.items,
        h.to,
        calendar,
        a.iterations,
        a.seed,
    ))
}

/// The items a plan team's burn-up fan counts up to (SPEC section 9): over its item-sized
/// tasks that are not done, each one's single-point count ([`crate::model::Items::point`]:
/// the middle of the item range times the middle of the split range) times `1 - progress`
/// where it records a `progress`, summed and rounded up. `None` when the team has no
/// item-sized task left to do.
pub fn team_items(plan: &Plan, team: usize) -> Option<u64> {
    let left: Vec<f64> = plan
        .tasks
        .iter()
        .filter(|t| t.team == Some(team) && t.actual.done.is_none())
        .filter_map(|t| {
            let items = t.items?;
            Some(items.point() * (1.0 - t.actual.progress.unwrap_or(0.0)))
        })
        .collect();
    let n = (left.iter().sum::<f64>() - EPS).ceil().max(0.0) as u64;
    (n > 0).then_some(n)
}

/// The day a plan team's burn-up fan starts from: the plan's status date when it has one,
/// else its start (`None` in undated plans, whose time has no days).
pub fn team_start(plan: &Plan) -> Option<NaiveDate> {
    match plan.status {
        Some(crate::model::When::Date(d)) => Some(d),
        _ => plan.start,
    }
}

/// The burn-up fan of `items` items at plan team `team`'s whole throughput (SPEC section 9),
/// from the first working day of its calendar on or after [`team_start`], with `iterations`
/// futures and `seed` as [`burn_up`] draws them. `None` when the team has no throughput or
/// the plan is undated. It answers "when would the team finish this many items working on
/// nothing else": links, capacity shares, time off and risks do not enter it.
///
/// # Errors
///
/// As [`burn_up`].
pub fn of_team(
    plan: &Plan,
    team: usize,
    items: u64,
    iterations: usize,
    seed: u64,
) -> Option<Result<BurnUp, ForecastError>> {
    let t = plan.teams.get(team)?;
    let tp = t.throughput.as_ref()?;
    let start = team_start(plan)?;
    let calendar = &plan.calendars[t.calendar];
    Some(burn_up(
        &tp.samples,
        tp.per,
        items,
        start.pred_opt()?,
        calendar,
        iterations,
        seed,
    ))
}

/// The burn-up fan as SVG: working days across, items done up; the band between the 95% and
/// the 50% counts shaded, the three lines (classes `p50`, `p85`, `p95`) and the goal (class
/// `goal`). Sized as the run chart ([`crate::throughput::CHART`]).
pub fn chart(b: &BurnUp) -> String {
    use crate::svg::{c, colors, line, nice_step, open, text, value_grid};
    use std::fmt::Write as _;

    let [w, ht, x0, y0, pw, ph] = crate::throughput::CHART;
    let n = b.days.len().max(1);
    let top = b.p50.iter().copied().max().unwrap_or(0).max(b.items).max(1) as f64;
    let step = nice_step(top, 5);
    let y_max = (top / step).ceil() * step;
    let x = |k: usize| x0 + (k as f64 + 1.0) * pw / n as f64;
    let y = |v: f64| y0 + ph * (1.0 - v / y_max);
    let mut out = String::new();
    let (first, end) = (b.days.first(), b.days.last());
    let title = match (first, end) {
        (Some(f), Some(e)) => format!(
            "Items done by each working day, {} to {}: at least this many, 50/85/95% likely",
            crate::view::short_date(*f),
            crate::view::short_date(*e)
        ),
        _ => "Items done by each working day".into(),
    };
    open(&mut out, w, ht, &title);
    value_grid(&mut out, (x0, pw), (step, y_max), y);
    let every = n.div_ceil(10).max(1);
    for (k, d) in b.days.iter().enumerate() {
        if (n - 1 - k) % every == 0 {
            line(
                &mut out,
                x(k),
                y0 + ph,
                x(k),
                y0 + ph + 4.0,
                colors::INK,
                "",
            );
            text(
                &mut out,
                x(k),
                y0 + ph + 16.0,
                "middle",
                colors::INK,
                &crate::view::short_date(*d),
            );
        }
    }
    let pts = |v: &[u64]| -> Vec<String> {
        std::iter::once(format!("{},{}", c(x0), c(y(0.0))))
            .chain(
                v.iter()
                    .enumerate()
                    .map(|(k, &m)| format!("{},{}", c(x(k)), c(y(m as f64)))),
            )
            .collect()
    };
    let mut band = pts(&b.p50);
    band.extend(pts(&b.p95).into_iter().rev());
    let _ = write!(
        out,
        "<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\"/>",
        band.join(" "),
        colors::BAR
    );
    let goal = y(b.items as f64);
    let _ = write!(
        out,
        "<line class=\"goal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
        c(x0),
        c(goal),
        c(x0 + pw),
        c(goal),
        colors::INK
    );
    text(
        &mut out,
        x0 + 6.0,
        goal - 6.0,
        "start",
        colors::INK,
        &format!("{} items", b.items),
    );
    // Labels at the lines' ends, at least a line of text apart (50% on top).
    let mut label_y = f64::NEG_INFINITY;
    for (class, v, color) in [
        ("p50", &b.p50, colors::P50),
        ("p85", &b.p85, colors::P80),
        ("p95", &b.p95, colors::CRITICAL),
    ] {
        let _ = write!(
            out,
            "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>",
            pts(v).join(" ")
        );
        let last = v.last().copied().unwrap_or(0) as f64;
        label_y = (y(last) + 4.0).max(label_y + 12.0);
        let label = format!("{}% likely", &class[1..]);
        text(&mut out, x0 + pw + 6.0, label_y, "start", color, &label);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throughput::when;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn constant_throughput_burns_up_in_a_straight_line() {
        // Two a day from Monday 2027-01-04: 10 items by Friday, every band the same.
        let cal = Calendar::standard();
        let b = burn_up(&[2.0], Per::Day, 10, d(2027, 1, 1), &cal, 500, 3).unwrap();
        assert_eq!(b.days.first(), Some(&d(2027, 1, 4)));
        assert_eq!(b.days.last(), Some(&d(2027, 1, 8)));
        assert_eq!(b.p50, [2, 4, 6, 8, 10]);
        assert_eq!(
            (b.p50.clone(), b.p85.clone()),
            (b.p95.clone(), b.p95.clone())
        );
        let svg = chart(&b);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("class=\"p50\"") && svg.contains("class=\"goal\""));
    }

    #[test]
    fn the_fan_meets_the_goal_on_the_when_dates() {
        let cal = Calendar::standard();
        let samples = [0.0, 1.0, 3.0, 2.0, 5.0, 0.0, 4.0];
        let after = d(2026, 12, 4);
        let b = burn_up(&samples, Per::Day, 40, after, &cal, 2000, 9).unwrap();
        let w = when(&samples, Per::Day, 40, after, &cal, 2000, 9).unwrap();
        // The day each band first reaches the goal is the "when" date of that likelihood.
        let reach = |v: &[u64]| v.iter().position(|&m| m >= 40).map(|k| b.days[k]);
        assert_eq!(reach(&b.p50), w.p50);
        assert_eq!(reach(&b.p85), w.p85);
        assert_eq!(reach(&b.p95), w.p95);
        assert_eq!(b.days.last().copied(), w.p95);
        // The bands are ordered: 50% likely is never below 85% likely, nor that below 95%.
        for k in 0..b.days.len() {
            assert!(b.p50[k] >= b.p85[k] && b.p85[k] >= b.p95[k]);
        }
    }

    #[test]
    fn a_plan_team_burns_up_its_item_sized_tasks_from_the_plan_start() {
        let plan = crate::io::parse_str(
            "[plan]\nname = \"p\"\nstart = 2027-01-04\n\
             [teams.be]\ncapacity = 2\nthroughput = { per = \"day\", samples = [2] }\n\
             [teams.fe]\ncapacity = 1\n\
             [[tasks]]\nid = \"a\"\nteam = \"be\"\nitems = { low = 4, high = 7 }\n\
             [[tasks]]\nid = \"b\"\nteam = \"be\"\nitems = 3\nsplit = { low = 1, high = 2 }\n\
             [[tasks]]\nid = \"c\"\nteam = \"fe\"\nestimate = 2\n",
            crate::io::Format::Toml,
        )
        .unwrap();
        // 5.5 + 3 x 1.5 = 10 items: at 2 a day, Monday to Friday of the start's week.
        assert_eq!(team_items(&plan, 0), Some(10));
        assert_eq!(team_items(&plan, 1), None);
        let b = of_team(&plan, 0, 10, 300, 1).unwrap().unwrap();
        assert_eq!(b.days.first(), Some(&d(2027, 1, 4)));
        assert_eq!(b.p95, [2, 4, 6, 8, 10]);
        assert_eq!(
            b.summary(),
            "10 items from Mon 2027-01-04: done by Fri 2027-01-08 (50% likely), Fri 2027-01-08 (85%), Fri 2027-01-08 (95%)"
        );
        assert!(of_team(&plan, 1, 10, 300, 1).is_none());
        // From the status date when there is one.
        let mut later = plan.clone();
        later.status = Some(crate::model::When::Date(d(2027, 1, 9)));
        let b = of_team(&later, 0, 3, 300, 1).unwrap().unwrap();
        assert_eq!(b.days, [d(2027, 1, 11), d(2027, 1, 12)]);
        assert_eq!(b.p50, [2, 4]);
        // A task done is not counted; progress leaves its share of the single point.
        later.tasks[0].actual.done = Some(crate::model::When::Date(d(2027, 1, 8)));
        later.tasks[1].actual.progress = Some(0.5);
        assert_eq!(team_items(&later, 0), Some(3));
    }
}
