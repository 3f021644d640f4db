//! The milestone trend (SPEC section 8, `shipdate trend`): versions of one plan, each with its
//! status date, give each release's P50 and P80 deploy date by status date, the chart release
//! managers draw by hand. Every version is simulated with the same seed (stable draws, so a
//! move between versions is the versions' difference, not sampling noise).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Plan, When};
use crate::simulate::{self, Options, SimError};

/// One release in one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRelease {
    /// The release's id.
    pub id: String,
    /// Median deploy date (dated plans; `None` when it is unscheduled at the median).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_date: Option<NaiveDate>,
    /// 80th percentile deploy date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80_date: Option<NaiveDate>,
    /// Median deploy time (undated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
    /// 80th percentile deploy time (undated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80: Option<f64>,
    /// The probability of deploying by its target (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_probability: Option<f64>,
    /// When it shipped, if the version records it (`deployed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed: Option<When>,
}

/// One version of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Which of the given versions (0-based, in the order given).
    pub version: usize,
    /// Its status date.
    pub status_date: When,
    /// Its releases, in its file order.
    pub releases: Vec<TrendRelease>,
}

/// Every version, by status date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The versions, oldest status date first.
    pub points: Vec<TrendPoint>,
    /// Iterations of each simulation.
    pub iterations: usize,
    /// The seed of every simulation.
    pub seed: u64,
}

/// Why a trend could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TrendError {
    /// A version has no status date.
    #[error(
        "version {0} has no status date: a trend needs one per version (`status_date` in [plan])"
    )]
    NoStatus(usize),
    /// Dated and undated versions mixed.
    #[error("some versions are dated and some are not: a trend compares versions of one plan")]
    Mixed,
    /// Two versions with the same status date.
    #[error("versions {0} and {1} have the same status date")]
    SameStatus(usize, usize),
    /// A simulation failed.
    #[error(transparent)]
    Simulate(#[from] SimError),
}

/// The trend of `plans` (versions of one plan, any order), each simulated with `options`.
pub fn trend(plans: &[&Plan], options: &Options) -> Result<Trend, TrendError> {
    let mut order: Vec<(When, usize)> = Vec::with_capacity(plans.len());
    for (i, p) in plans.iter().enumerate() {
        order.push((p.status.ok_or(TrendError::NoStatus(i))?, i));
    }
    if order
        .windows(2)
        .any(|w| matches!(w[0].0, When::Date(_)) != matches!(w[1].0, When::Date(_)))
    {
        return Err(TrendError::Mixed);
    }
    crate::sorting::sort_by(&mut order, |a, b| {
        a.0.partial_cmp(&b.0).expect("status dates are finite")
    });
    if let Some(w) = order.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(TrendError::SameStatus(
            w[0].1.min(w[1].1),
            w[0].1.max(w[1].1),
        ));
    }
    let mut points = Vec::with_capacity(order.len());
    for (status, i) in order {
        let sim = simulate::simulate(plans[i], options)?;
        let releases = plans[i]
            .releases
            .iter()
            .zip(&sim.releases)
            .map(|(r, rr)| TrendRelease {
                id: rr.id.clone(),
                p50_date: rr.deploy_date.as_ref().and_then(|d| d.p50),
                p80_date: rr.deploy_date.as_ref().and_then(|d| d.p80),
                p50: rr.deploy.as_ref().and_then(|d| d.p50),
                p80: rr.deploy.as_ref().and_then(|d| d.p80),
                on_time_probability: rr.on_time_probability,
                deployed: r.deployed,
            })
            .collect();
        points.push(TrendPoint {
            version: i,
            status_date: status,
            releases,
        });
    }
    Ok(Trend {
        points,
        iterations: options.iterations,
        seed: options.seed,
    })
}

/// A point in time as a number for the chart: days since 1970 for dates, the period otherwise.
fn x_of(w: When) -> f64 {
    match w {
        When::Date(d) => (d - NaiveDate::default()).num_days() as f64,
        When::Period(p) => p,
    }
}

fn label(v: f64, dated: bool) -> String {
    if dated {
        let d = NaiveDate::default() + chrono::Duration::days(v.round() as i64);
        crate::view::short_date(d)
    } else {
        crate::format::number(v)
    }
}

/// Colours of the releases' lines, in turn.
const LINES: [&str; 6] = [
    "#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2",
];

/// The milestone trend chart: status date across, deploy date up; per release its P80 as a
/// solid line and its P50 dashed, with the diagonal where a forecast equals its status date.
pub fn chart(trend: &Trend) -> String {
    use crate::svg::{colors, line, open, text};
    use std::fmt::Write as _;

    let (w, h, x0, y0, pw, ph) = (720.0, 360.0, 64.0, 24.0, 520.0, 290.0);
    let dated = trend
        .points
        .first()
        .is_some_and(|p| matches!(p.status_date, When::Date(_)));
    let deploy = |r: &TrendRelease, p80: bool| -> Option<f64> {
        if dated {
            let d = if p80 { r.p80_date } else { r.p50_date }?;
            Some(x_of(When::Date(d)))
        } else if p80 {
            r.p80
        } else {
            r.p50
        }
    };
    let xs: Vec<f64> = trend.points.iter().map(|p| x_of(p.status_date)).collect();
    let ys: Vec<f64> = trend
        .points
        .iter()
        .flat_map(|p| p.releases.iter())
        .flat_map(|r| [deploy(r, false), deploy(r, true)])
        .flatten()
        .chain(xs.iter().copied())
        .collect();
    let (xmin, xmax) = bounds(&xs);
    let (ymin, ymax) = bounds(&ys);
    let x = |v: f64| x0 + pw * (v - xmin) / (xmax - xmin);
    let y = |v: f64| y0 + ph * (1.0 - (v - ymin) / (ymax - ymin));
    let mut out = String::new();
    open(
        &mut out,
        w,
        h,
        "Milestone trend: deploy date (P80 solid, P50 dashed) by status date",
    );
    // Grid and labels: up to 8 dates up, one per version across.
    let steps = 8.0;
    for k in 0..=steps as usize {
        let v = ymin + (ymax - ymin) * k as f64 / steps;
        line(&mut out, x0, y(v), x0 + pw, y(v), colors::GRID, "");
        text(
            &mut out,
            x0 - 6.0,
            y(v) + 4.0,
            "end",
            colors::INK,
            &label(v, dated),
        );
    }
    for &v in &xs {
        line(
            &mut out,
            x(v),
            y0 + ph,
            x(v),
            y0 + ph + 4.0,
            colors::INK,
            "",
        );
        text(
            &mut out,
            x(v),
            y0 + ph + 16.0,
            "middle",
            colors::INK,
            &label(v, dated),
        );
    }
    // The diagonal: a forecast on it is due on its status date.
    let (lo, hi) = (xmin.max(ymin), xmax.min(ymax));
    if lo < hi {
        let _ = write!(
            out,
            "<line class=\"diagonal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-dasharray=\"2 3\"/>",
            crate::svg::c(x(lo)),
            crate::svg::c(y(lo)),
            crate::svg::c(x(hi)),
            crate::svg::c(y(hi)),
            colors::INK
        );
    }
    let ids: Vec<&str> = trend
        .points
        .last()
        .map(|p| p.releases.iter().map(|r| r.id.as_str()).collect())
        .unwrap_or_default();
    for (k, id) in ids.iter().enumerate() {
        let color = LINES[k % LINES.len()];
        for p80 in [true, false] {
            let pts: Vec<(f64, f64)> = trend
                .points
                .iter()
                .filter_map(|p| {
                    let r = p.releases.iter().find(|r| r.id == *id)?;
                    Some((x_of(p.status_date), deploy(r, p80)?))
                })
                .collect();
            let dash = if p80 { "" } else { " stroke-dasharray=\"6 4\"" };
            let coords: Vec<String> = pts
                .iter()
                .map(|&(a, b)| format!("{},{}", crate::svg::c(x(a)), crate::svg::c(y(b))))
                .collect();
            let _ = write!(
                out,
                "<polyline class=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{}\"{dash}/>",
                if p80 { "p80" } else { "p50" },
                coords.join(" "),
                if p80 { 2 } else { 1 }
            );
            for &(a, b) in &pts {
                let _ = write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{color}\"><title>{} {} as of {}: {}</title></circle>",
                    crate::svg::c(x(a)),
                    crate::svg::c(y(b)),
                    if p80 { 3 } else { 2 },
                    crate::svg::escape(id),
                    if p80 { "P80" } else { "P50" },
                    label(a, dated),
                    label(b, dated)
                );
            }
        }
        text(
            &mut out,
            x0 + pw + 10.0,
            y0 + 14.0 + 16.0 * k as f64,
            "start",
            color,
            &crate::svg::cut(id, 16),
        );
    }
    out.push_str("</svg>");
    out
}

/// The span of `v`, widened by a step at each end (one unit when it is a single value).
fn bounds(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1.0);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};

    const PLAN: &str = "[plan]\nname = \"t\"\nstart = 2027-01-04\nstatus_date = STATUS\n\
                        [[tasks]]\nid = \"a\"\nestimate = { low = 3, likely = 5, high = 9 }\nSTARTED\n\
                        [[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 2027-01-20\n";

    fn version(status: &str, started: &str) -> Plan {
        parse_str(
            &PLAN.replace("STATUS", status).replace("STARTED", started),
            Format::Toml,
        )
        .expect("a valid plan")
    }

    #[test]
    fn versions_are_ordered_by_status_date_and_equal_plain_runs() {
        let (a, b, c) = (
            version("2027-01-04", ""),
            version("2027-01-11", "started = 2027-01-05\nprogress = 0.5"),
            version("2027-01-06", "started = 2027-01-05"),
        );
        let options = Options {
            iterations: 1_000,
            ignore_capacity: true,
            ..Options::default()
        };
        let t = trend(&[&a, &b, &c], &options).unwrap();
        assert_eq!(
            t.points.iter().map(|p| p.version).collect::<Vec<_>>(),
            vec![0, 2, 1]
        );
        for (p, plan) in t.points.iter().zip([&a, &c, &b]) {
            let sim = simulate::simulate(plan, &options).unwrap();
            let d = sim.releases[0].deploy_date.as_ref().unwrap();
            assert_eq!(p.releases[0].p80_date, d.p80);
            assert_eq!(p.releases[0].p50_date, d.p50);
        }
        let svg = chart(&t);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("class=\"p80\"").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 6);
    }

    #[test]
    fn versions_need_distinct_status_dates() {
        let a = version("2027-01-04", "");
        let mut none = a.clone();
        none.status = None;
        let options = Options::default();
        assert!(matches!(
            trend(&[&a, &none], &options),
            Err(TrendError::NoStatus(1))
        ));
        assert!(matches!(
            trend(&[&a, &a], &options),
            Err(TrendError::SameStatus(0, 1))
        ));
    }
}
