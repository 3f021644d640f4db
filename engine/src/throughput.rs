//! Throughput history (SPEC section 9): how many items a team finished per working day or per
//! week, whether that process was stable, and what it says about "when will N items be done"
//! and "how many by this date".
//!
//! Three steps, each usable alone:
//!
//! 1. [`read_csv`]: a tracker's export of finished work (one row per item) to completion dates.
//!    The completion column is found by its name (`Resolved`, `Completed`, `Done`, `closed_at`,
//!    ...) or given; dates in the forms Jira, Linear, Azure DevOps and GitHub write. A row whose
//!    date cannot be read is a located error; every one is reported in one pass.
//! 2. [`count`]: completion dates to one sample per working day (days with nothing finished
//!    count as 0) or per week, over the last weeks before an end date.
//! 3. [`when`] and [`how_many`]: a bootstrap of the samples, day by day on a working calendar
//!    (a weekly sample is spread evenly over that week's working days), seeded and portable.
//!
//! [`limits`] gives the natural process limits of the XmR chart: the mean plus and minus 2.66
//! times the mean moving range (the lower one not below 0). A sample outside them means the
//! process was not stable, and its history is a weak guide to its future.
//!
//! ```
//! use shipdate_engine::throughput::{self, Per};
//! use shipdate_engine::model::Calendar;
//! use chrono::NaiveDate;
//!
//! let csv = "key,Resolved\nA-1,2026-11-30\nA-2,2026-11-30\nA-3,2026-12-02\n";
//! let done = throughput::read_csv(csv, None, None).unwrap();
//! let end = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(); // a Friday
//! let history = throughput::count(&done.dates, Per::Day, end, 1, &Calendar::standard());
//! assert_eq!(history.samples, vec![2.0, 0.0, 1.0, 0.0, 0.0]); // Mon to Fri
//! ```

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::Serialize;

use crate::diag::{suggest, Diagnostic, Pos};
use crate::interchange::csv::{records, Cell};
use crate::model::Calendar;
use crate::simulate::rng::batch_stream;
use crate::simulate::stats::percentile_index;

pub use crate::model::Per;

/// Fewer samples than this earn a warning: with `n` samples, the next one falls inside the
/// range seen with probability `(n - 1) / (n + 1)`, 83% at 11.
pub const FEW_SAMPLES: usize = 11;

/// The probability that one more sample from the same process falls inside the range of `n`
/// samples seen: `(n - 1) / (n + 1)`.
pub fn coverage(n: usize) -> f64 {
    if n < 2 {
        0.0
    } else {
        (n as f64 - 1.0) / (n as f64 + 1.0)
    }
}

/// The natural process limits of an XmR chart of the samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// The mean of the samples.
    pub mean: f64,
    /// The mean of the absolute differences between consecutive samples.
    pub mean_moving_range: f64,
    /// `max(0, mean - 2.66 x mean moving range)`.
    pub lower: f64,
    /// `mean + 2.66 x mean moving range`.
    pub upper: f64,
}

/// The XmR scaling constant, 3 / d2 with d2 = 1.128 for moving ranges of two.
pub const XMR_SCALE: f64 = 2.66;

/// The natural process limits of `samples`, or `None` with fewer than two.
pub fn limits(samples: &[f64]) -> Option<Limits> {
    if samples.len() < 2 {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    let mean_moving_range =
        samples.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (samples.len() - 1) as f64;
    Some(Limits {
        mean,
        mean_moving_range,
        lower: (mean - XMR_SCALE * mean_moving_range).max(0.0),
        upper: mean + XMR_SCALE * mean_moving_range,
    })
}

/// The positions of the samples outside `limits` (strictly below the lower or above the upper).
pub fn outside(samples: &[f64], limits: &Limits) -> Vec<usize> {
    samples
        .iter()
        .enumerate()
        .filter(|(_, &x)| x < limits.lower || x > limits.upper)
        .map(|(i, _)| i)
        .collect()
}

/// Completion dates read from a tracker's export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completions {
    /// The header of the column the dates came from, as written.
    pub column: String,
    /// One date per finished item, in file order.
    pub dates: Vec<NaiveDate>,
    /// Rows whose completion cell is empty (items not finished).
    pub unfinished: usize,
    /// Whether numeric dates with slashes were read day first (`05/12/2026` = 5 December).
    pub day_first: bool,
    /// Warnings, such as slash dates that could be read either way.
    pub warnings: Vec<Diagnostic>,
}

/// Column names (lower case, without spaces, `_` and `-`) that hold completion dates, most
/// telling first: Jira `Resolved`, Linear `Completed`, Azure DevOps `Closed Date`, GitHub
/// `closed_at`, and their usual variants.
const COMPLETION_COLUMNS: &[&str] = &[
    "completed",
    "completedat",
    "completeddate",
    "completedon",
    "completiondate",
    "resolved",
    "resolveddate",
    "resolvedat",
    "resolutiondate",
    "done",
    "donedate",
    "doneat",
    "closed",
    "closeddate",
    "closedat",
    "closedon",
    "finished",
    "finisheddate",
    "finishedat",
];

fn normalise(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads a tracker's CSV export of work items: the completion date of each finished row.
///
/// `column` names the completion column (case and spacing ignored); without it the first
/// header in `COMPLETION_COLUMNS` order (the usual names in Jira, Linear, Azure DevOps and GitHub exports) is used. `day_first` says how to read numeric slash
/// dates (`05/12/2026`); `None` decides from the file (a first number above 12 means day first,
/// a second one above 12 month first; if every date could be either, month first, with a
/// warning). Rows with an empty completion cell are not finished and are counted apart.
pub fn read_csv(
    src: &str,
    column: Option<&str>,
    day_first: Option<bool>,
) -> Result<Completions, Vec<Diagnostic>> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let header_line = src.lines().next().unwrap_or("");
    let delim = if header_line.contains(';') && !header_line.contains(',') {
        ';'
    } else if header_line.contains('\t') && !header_line.contains(',') {
        '\t'
    } else {
        ','
    };
    let rows = records(src, delim).map_err(|d| vec![d])?;
    let Some((header, body)) = rows.split_first() else {
        return Err(vec![Diagnostic::error(
            Some(Pos { line: 1, column: 1 }),
            "the CSV file is empty: expected a header row and one row per finished item",
        )]);
    };
    let col = find_column(src, header, column)?;
    let cells: Vec<Option<&Cell>> = body
        .iter()
        .map(|row| row.get(col).filter(|c| !c.text.trim().is_empty()))
        .collect();
    let (day_first, ambiguous) = match day_first {
        Some(d) => (d, false),
        None => decide_day_first(cells.iter().flatten().map(|c| c.text.as_str())),
    };
    let name = header[col].text.trim().to_string();
    let mut dates = Vec::new();
    let mut errors = Vec::new();
    for cell in cells.iter().flatten() {
        match parse_date(&cell.text, day_first) {
            Some(d) => dates.push(d),
            None => errors.push(
                Diagnostic::error(
                    Some(Pos::of_offset(src, cell.at)),
                    format!(
                        "cannot read {:?} in column {name:?} as a date",
                        cell.text.trim()
                    ),
                )
                .with_help(
                    "expected a date such as 2026-12-05, 2026-12-05T15:45:00Z, 05/Dec/26 3:45 PM, \
                     12/5/2026 or 5 Dec 2026",
                ),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    if ambiguous {
        warnings.push(Diagnostic::warning(
            Some(Pos::of_offset(src, header[col].at)),
            format!(
                "every date in {name:?} could be month/day or day/month: read as month/day \
                 (give --day-first to read them the other way)"
            ),
        ));
    }
    Ok(Completions {
        column: name,
        unfinished: cells.iter().filter(|c| c.is_none()).count(),
        dates,
        day_first,
        warnings,
    })
}

/// The index of the completion column in the header row.
fn find_column(src: &str, header: &[Cell], column: Option<&str>) -> Result<usize, Vec<Diagnostic>> {
    let names: Vec<String> = header.iter().map(|c| normalise(&c.text)).collect();
    let found = match column {
        Some(want) => names.iter().position(|n| *n == normalise(want)),
        None => COMPLETION_COLUMNS
            .iter()
            .find_map(|want| names.iter().position(|n| n == want)),
    };
    found.ok_or_else(|| {
        let written: Vec<&str> = header.iter().map(|c| c.text.trim()).collect();
        let at = Some(Pos::of_offset(src, header.first().map_or(0, |c| c.at)));
        let d = match column {
            Some(want) => {
                let d = Diagnostic::error(at, format!("no column named {want:?} in the header"));
                match suggest(want, written.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean {s:?}?")),
                    None => d.with_help(format!("the columns are: {}", written.join(", "))),
                }
            }
            None => {
                let d = Diagnostic::error(
                    at,
                    "no completion-date column found (looked for Completed, Resolved, Done, \
                     Closed Date, closed_at and the like)",
                );
                // A header one typo away from a known name ("Resolvd") is probably the one.
                let near = header.iter().zip(&names).find(|(_, n)| {
                    suggest(n, COMPLETION_COLUMNS.iter().copied()).is_some_and(|s| s != n.as_str())
                });
                match near {
                    Some((cell, _)) => d.with_help(format!(
                        "did you mean --column {:?}? the columns are: {}",
                        cell.text.trim(),
                        written.join(", ")
                    )),
                    None => d.with_help(format!(
                        "name it with --column; the columns are: {}",
                        written.join(", ")
                    )),
                }
            }
        };
        vec![d]
    })
}

/// The two leading numbers of a numeric slash date (`12/5/2026 ...`), if it is one.
fn slash_numbers(text: &str) -> Option<(u32, u32)> {
    let first = text.split_whitespace().next()?;
    let mut parts = first.split('/');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next()?.parse().ok()?;
    let y = parts.next()?;
    (y.len() == 2 || y.len() == 4).then_some((a, b))
}

/// Whether numeric slash dates read day first, and whether that was a guess.
fn decide_day_first<'a>(texts: impl Iterator<Item = &'a str>) -> (bool, bool) {
    let mut any = false;
    for t in texts {
        if let Some((a, b)) = slash_numbers(t) {
            any = true;
            if a > 12 {
                return (true, false);
            }
            if b > 12 {
                return (false, false);
            }
        }
    }
    (false, any)
}

/// Reads a completion date as trackers write it; the time of day and zone are ignored (the
/// date is the one written). `None` when it is not a date.
pub fn parse_date(text: &str, day_first: bool) -> Option<NaiveDate> {
    let t = text.trim();
    // ISO 8601: 2026-12-05, 2026-12-05T15:45:00Z, 2026-12-05 15:45:00.000+0100.
    if let Ok((d, rest)) = NaiveDate::parse_and_remainder(t, "%Y-%m-%d") {
        if rest.is_empty() || rest.starts_with(['T', ' ']) {
            return Some(d);
        }
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let rest_ok = |rest: &str| rest.is_empty() || rest.starts_with([' ', ',']);
    if let Some(d) = slash_date(first, day_first) {
        return Some(d);
    }
    // 5.12.2026 (day first, as European locales write it).
    let dotted: Vec<&str> = first.split('.').collect();
    if dotted.len() == 3 {
        if let (Ok(d), Ok(m), Ok(y)) = (
            dotted[0].parse::<u32>(),
            dotted[1].parse::<u32>(),
            dotted[2].parse::<i32>(),
        ) {
            return NaiveDate::from_ymd_opt(full_year(y, dotted[2].len())?, m, d);
        }
    }
    // Month names: Dec 5, 2026 / December 5, 2026 / 5 Dec 2026 / 05-Dec-2026 / 5-Dec-26.
    for fmt in ["%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y"] {
        if let Ok((d, rest)) = NaiveDate::parse_and_remainder(t, fmt) {
            // A two-digit year ("5-Dec-26") is not year 26: it is read below.
            if rest_ok(rest) && d.year() >= 1000 {
                return Some(d);
            }
        }
    }
    let parts: Vec<&str> = first.split('-').collect();
    if parts.len() == 3 && parts[2].len() == 2 {
        return month_name_date(parts[0], parts[1], parts[2]);
    }
    None
}

/// `d/m/y` or `m/d/y` with a 2- or 4-digit year, `y/m/d`, or Jira's `05/Dec/26`.
fn slash_date(first: &str, day_first: bool) -> Option<NaiveDate> {
    let parts: Vec<&str> = first.split('/').collect();
    if parts.len() != 3 {
        return None;
    }
    if parts[1].chars().all(|c| c.is_ascii_alphabetic()) {
        return month_name_date(parts[0], parts[1], parts[2]);
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        return NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2]);
    }
    let year = full_year(nums[2] as i32, parts[2].len())?;
    let (d, m) = if day_first {
        (nums[0], nums[1])
    } else {
        (nums[1], nums[0])
    };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// A day number, a month name (`Dec`, `December`) and a 2- or 4-digit year.
fn month_name_date(day: &str, month: &str, year: &str) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = month.to_ascii_lowercase();
    let month = MONTHS.iter().position(|p| m.starts_with(p))? as u32 + 1;
    let y = full_year(year.parse().ok()?, year.len())?;
    NaiveDate::from_ymd_opt(y, month, day.parse().ok()?)
}

/// A year written with 2 digits is in 2000-2099; with 4 it is as written.
fn full_year(y: i32, digits: usize) -> Option<i32> {
    match digits {
        2 => Some(2000 + y),
        4 => Some(y),
        _ => None,
    }
}

/// Samples of throughput over a window of past time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// What one sample counts.
    pub per: Per,
    /// One sample per working day or week, oldest first.
    pub samples: Vec<f64>,
    /// The date each sample ends on (its working day, or the last day of its week).
    pub periods: Vec<NaiveDate>,
    /// The first calendar day of the window.
    pub from: NaiveDate,
    /// The last calendar day of the window.
    pub to: NaiveDate,
    /// Items finished inside the window.
    pub items: usize,
}

impl History {
    /// The weeks of the window, oldest first: for each, its last day and the positions of its
    /// samples (a week's working days, or its one weekly sample). Weeks end on the window's
    /// last day of the week: with `to` on a Friday, Saturday to Friday.
    pub fn weeks(&self) -> Vec<(NaiveDate, std::ops::Range<usize>)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut end = self.from + TimeDelta::days(6);
        while end <= self.to {
            let stop = start + self.periods[start..].partition_point(|p| *p <= end);
            out.push((end, start..stop));
            start = stop;
            end += TimeDelta::days(7);
        }
        out
    }
}

/// A date with its weekday, as output shows it: `Fri 2026-12-04`.
pub fn day_text(date: NaiveDate) -> String {
    format!("{} {date}", weekday(date))
}

/// Counts completions over the `weeks` weeks that end on `end` (inclusive): one sample per
/// working day of `calendar` (an item finished on a day off counts on the next working day, as
/// time in a plan does) or one per week of 7 calendar days. Completions outside the window are
/// not counted.
pub fn count(
    dates: &[NaiveDate],
    per: Per,
    end: NaiveDate,
    weeks: u32,
    calendar: &Calendar,
) -> History {
    let days = i64::from(weeks) * 7;
    let from = end - TimeDelta::days(days - 1);
    let periods: Vec<NaiveDate> = match per {
        Per::Day => from
            .iter_days()
            .take_while(|d| *d <= end)
            .filter(|d| calendar.is_workday(*d))
            .collect(),
        Per::Week => (0..i64::from(weeks))
            .map(|k| from + TimeDelta::days(7 * k + 6))
            .collect(),
    };
    let mut samples = vec![0.0; periods.len()];
    let mut items = 0;
    for &d in dates {
        if d < from || d > end {
            continue;
        }
        // The first period ending on or after the completion: its working day (a day off
        // counts on the next one) or its week. A day off after the last working day of the
        // window belongs to a day outside it.
        let k = periods.partition_point(|p| *p < d);
        if k < samples.len() {
            samples[k] += 1.0;
            items += 1;
        }
    }
    History {
        per,
        samples,
        periods,
        from,
        to: end,
        items,
    }
}

/// How far a forecast looks before it calls a count "not within reach": ten years.
pub const HORIZON_DAYS: i64 = 3653;

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// There is nothing to draw from.
    #[error("no throughput samples to forecast from")]
    NoSamples,
    /// Every sample is 0: nothing would ever be finished.
    #[error("every throughput sample is 0: at this pace nothing is ever finished")]
    NothingFinished,
    /// A sample is negative or not a number.
    #[error("throughput sample {index} is {value}: samples are counts, 0 or more")]
    BadSample {
        /// Its position, from 0.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The calendar has no working day.
    #[error("the calendar has no working day")]
    NoWorkingDay,
    /// The items are not done with 95% likelihood within [`HORIZON_DAYS`] (a burn-up fan).
    #[error("the items are not done with 95% likelihood within ten years")]
    BeyondHorizon,
}

/// A forecast in three likelihoods: 50%, 85% and 95%.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Likelihoods<T> {
    /// 50% likely.
    pub p50: T,
    /// 85% likely.
    pub p85: T,
    /// 95% likely.
    pub p95: T,
}

/// Checks samples before a forecast.
pub(crate) fn check_samples(samples: &[f64]) -> Result<(), ForecastError> {
    if samples.is_empty() {
        return Err(ForecastError::NoSamples);
    }
    if let Some((index, &value)) = samples
        .iter()
        .enumerate()
        .find(|(_, x)| !x.is_finite() || **x < 0.0)
    {
        return Err(ForecastError::BadSample { index, value });
    }
    if samples.iter().all(|&x| x == 0.0) {
        return Err(ForecastError::NothingFinished);
    }
    Ok(())
}

/// The working days after `after` up to the horizon, each with the number of working days in
/// its week (weeks of 7 calendar days counted from the day after `after`).
pub(crate) fn forecast_days(
    after: NaiveDate,
    calendar: &Calendar,
) -> Result<Vec<(NaiveDate, u32, u32)>, ForecastError> {
    let mut out = Vec::new();
    let mut week_days = Vec::new();
    for week in 0..(HORIZON_DAYS + 6) / 7 {
        week_days.clear();
        for k in 0..7 {
            let d = after + TimeDelta::days(7 * week + k + 1);
            if calendar.is_workday(d) {
                week_days.push(d);
            }
        }
        let n = week_days.len() as u32;
        out.extend(week_days.iter().map(|&d| (d, week as u32, n)));
    }
    if out.is_empty() {
        return Err(ForecastError::NoWorkingDay);
    }
    Ok(out)
}

/// Draws one sample index for each `slot` (working day or week) of one iteration.
pub(crate) struct Draws {
    stream: crate::simulate::rng::Stream,
    n: u64,
}

impl Draws {
    pub(crate) fn new(seed: u64, iteration: u64, n: usize) -> Draws {
        Draws {
            stream: batch_stream(seed, iteration),
            n: n as u64,
        }
    }

    /// A uniform index in `0..n`.
    fn index(&mut self) -> usize {
        ((u64::from(self.stream.next_u32()) * self.n) >> 32) as usize
    }
}

/// The items finished on each forecast day of one iteration, until `stop` says enough.
pub(crate) fn walk(
    samples: &[f64],
    per: Per,
    days: &[(NaiveDate, u32, u32)],
    draws: &mut Draws,
    mut stop: impl FnMut(usize, f64) -> bool,
) {
    let mut total = 0.0;
    let mut week_rate = 0.0;
    let mut week = u32::MAX;
    for (k, &(_, w, in_week)) in days.iter().enumerate() {
        let today = match per {
            Per::Day => samples[draws.index()],
            Per::Week => {
                if w != week {
                    week = w;
                    week_rate = samples[draws.index()] / f64::from(in_week);
                }
                week_rate
            }
        };
        total += today;
        if stop(k, total) {
            return;
        }
    }
}

/// A small tolerance for sums of spread weekly samples (1.4 + 1.4 + ... by floating point).
pub(crate) const EPS: f64 = 1e-9;

/// "When will `items` items be done?": the dates, from the working day after `after`, by which
/// they are done with 50%, 85% and 95% likelihood (`None`: not within [`HORIZON_DAYS`]).
/// Each iteration draws one sample per working day (or per week, spread evenly over its
/// working days) with replacement; the date is the working day on which the running total
/// reaches `items`.
pub fn when(
    samples: &[f64],
    per: Per,
    items: u64,
    after: NaiveDate,
    calendar: &Calendar,
    iterations: usize,
    seed: u64,
) -> Result<Likelihoods<Option<NaiveDate>>, ForecastError> {
    check_samples(samples)?;
    let days = forecast_days(after, calendar)?;
    let goal = items as f64;
    // The day index of the finish in each iteration; `days.len()` stands for "not reached".
    let mut finish: Vec<usize> = (0..iterations.max(1))
        .map(|i| {
            let mut draws = Draws::new(seed, i as u64, samples.len());
            let mut at = days.len();
            if items == 0 {
                return 0;
            }
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
    let q = |p| {
        let k = finish[percentile_index(finish.len(), p)];
        (k < days.len()).then(|| days[k].0)
    };
    Ok(Likelihoods {
        p50: q(50),
        p85: q(85),
        p95: q(95),
    })
}

/// "How many items by `by`?": the counts done by the end of `by` (from the working day after
/// `after`) with 50%, 85% and 95% likelihood: at least that many in that share of iterations.
pub fn how_many(
    samples: &[f64],
    per: Per,
    after: NaiveDate,
    by: NaiveDate,
    calendar: &Calendar,
    iterations: usize,
    seed: u64,
) -> Result<Likelihoods<u64>, ForecastError> {
    check_samples(samples)?;
    let days = forecast_days(after, calendar)?;
    let horizon = days.partition_point(|(d, _, _)| *d <= by);
    let mut counts: Vec<u64> = (0..iterations.max(1))
        .map(|i| {
            let mut draws = Draws::new(seed, i as u64, samples.len());
            let mut done = 0.0;
            if horizon > 0 {
                walk(samples, per, &days[..horizon], &mut draws, |_, total| {
                    done = total;
                    false
                });
            }
            (done + EPS).floor() as u64
        })
        .collect();
    counts.sort_unstable();
    // At least `counts[k]` in `p`% of iterations: `k` leaves `ceil(p n / 100)` values at or
    // above it.
    let n = counts.len();
    let q = |p: u64| counts[n - (n as u64 * p).div_ceil(100) as usize];
    Ok(Likelihoods {
        p50: q(50),
        p85: q(85),
        p95: q(95),
    })
}

/// The number of working days of `calendar` after `after` up to and including `by`.
pub fn working_days_between(after: NaiveDate, by: NaiveDate, calendar: &Calendar) -> usize {
    after
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= by)
        .filter(|d| calendar.is_workday(*d))
        .count()
}

/// The `throughput = { ... }` line for a team in a plan (SPEC section 9).
pub fn plan_line(history: &History) -> String {
    let samples: Vec<String> = history.samples.iter().map(|s| format_number(*s)).collect();
    format!(
        "throughput = {{ per = \"{}\", samples = [{}] }}",
        history.per.as_str(),
        samples.join(", ")
    )
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// What `shipdate throughput` is asked: how to read the export, which window to count, and
/// which questions to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The completion column's name; `None` finds it by the usual names.
    pub column: Option<String>,
    /// How to read numeric slash dates; `None` decides from the file (see [`read_csv`]).
    pub day_first: Option<bool>,
    /// One sample per working day or per week.
    pub per: Per,
    /// How many weeks of history to count, ending on `end`.
    pub weeks: u32,
    /// The last day of the history; `None`: the day of the latest completion in the file, or
    /// the next working day when that is a day off (where its items count).
    pub end: Option<NaiveDate>,
    /// "When will this many items be done?"
    pub items: Option<u64>,
    /// "How many items by this date?"
    pub by: Option<NaiveDate>,
    /// Which days are working days (weekends off: [`Calendar::standard`]).
    pub calendar: Calendar,
    /// Simulated futures per forecast.
    pub iterations: usize,
    /// The seed of the forecasts.
    pub seed: u64,
}

/// The weeks of history `shipdate throughput` counts unless told otherwise.
pub const DEFAULT_WEEKS: u32 = 12;

impl Default for Request {
    fn default() -> Self {
        Request {
            column: None,
            day_first: None,
            per: Per::Day,
            weeks: DEFAULT_WEEKS,
            end: None,
            items: None,
            by: None,
            calendar: Calendar::standard(),
            iterations: crate::simulate::DEFAULT_ITERATIONS,
            seed: crate::simulate::DEFAULT_SEED,
        }
    }
}

/// Whether the samples came from a stable process, by the natural process limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// Every sample is within the limits.
    Stable,
    /// At least one sample is outside them: the history is a weak guide to the future.
    NotStable,
    /// Fewer than two samples: no limits.
    Unknown,
}

/// The answer to "when will `items` items be done?".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhenAnswer {
    /// The number of items.
    pub items: u64,
    /// The dates by which they are done, 50%, 85% and 95% likely (`None`: not within
    /// [`HORIZON_DAYS`]). Work starts on the first working day after the history ends.
    pub dates: Likelihoods<Option<NaiveDate>>,
}

/// The answer to "how many items by `by`?".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HowManyAnswer {
    /// The date asked about.
    pub by: NaiveDate,
    /// The working days from the day after the history ends up to and including `by`.
    pub working_days: usize,
    /// At least this many items done by `by`, 50%, 85% and 95% likely.
    pub counts: Likelihoods<u64>,
}

/// Everything `shipdate throughput` shows about a tracker's export: what was read, the
/// samples and their plan line, their mean, process limits and stability, and the forecasts
/// asked for. The CLI's table and JSON are renderings of this.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The header of the completion column, as written.
    pub column: String,
    /// Finished items in the file (rows with a completion date), inside the window or not.
    pub finished: usize,
    /// Rows with an empty completion cell.
    pub unfinished: usize,
    /// The samples and the window they cover.
    pub history: History,
    /// The `throughput = { ... }` line to paste into a team of a plan.
    pub plan_line: String,
    /// The mean of the samples (items per working day or per week).
    pub mean: f64,
    /// The natural process limits (`None` with fewer than two samples).
    pub limits: Option<Limits>,
    /// The positions of the samples outside the limits.
    pub outside: Vec<usize>,
    /// The verdict of the limits.
    pub stability: Stability,
    /// Whether there are fewer than [`FEW_SAMPLES`] samples.
    pub few_samples: bool,
    /// The chance that the next sample falls inside the range seen ([`coverage`]).
    pub coverage: f64,
    /// The answer to `--items`, if asked.
    pub when: Option<WhenAnswer>,
    /// The answer to `--by`, if asked.
    pub how_many: Option<HowManyAnswer>,
    /// Simulated futures per forecast.
    pub iterations: usize,
    /// The seed of the forecasts.
    pub seed: u64,
    /// Warnings about the input and the samples, in the order found.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a tracker's CSV export and answers `request`: the whole of `shipdate throughput`.
///
/// ```
/// use shipdate_engine::throughput::{analyse, Request, Stability};
///
/// // Items finished in the week ending Friday 4 December 2026 (the 28th is a Saturday).
/// let csv = "Issue key,Resolved\n\
///            A-1,2026-11-30\nA-2,2026-11-28\nA-3,2026-12-02\nA-4,2026-12-04\n";
/// let request = Request { weeks: 1, items: Some(10), ..Request::default() };
/// let a = analyse(csv, &request).unwrap();
/// assert_eq!(a.plan_line, "throughput = { per = \"day\", samples = [2, 0, 1, 0, 1] }");
/// assert_eq!((a.mean, a.stability), (0.8, Stability::Stable));
/// assert!(a.few_samples);
/// // Ten items at this pace: the 50%, 85% and 95% dates come in that order.
/// let dates = a.when.unwrap().dates;
/// assert!(dates.p50 <= dates.p85 && dates.p85 <= dates.p95);
/// ```
///
/// # Errors
///
/// Every row whose date cannot be read, located; a missing completion column (with the
/// near-miss header, if any); a window of no weeks; and forecasts that cannot be made (no
/// item finished in the window, `--by` not after the window).
pub fn analyse(src: &str, request: &Request) -> Result<Analysis, Vec<Diagnostic>> {
    let done = read_csv(src, request.column.as_deref(), request.day_first)?;
    if request.weeks == 0 {
        return Err(vec![Diagnostic::error(
            None,
            "a window of 0 weeks has no samples: give --weeks 1 or more",
        )]);
    }
    let end = match request.end {
        Some(end) => end,
        None => default_end(&done, &request.calendar)?,
    };
    let history = count(
        &done.dates,
        request.per,
        end,
        request.weeks,
        &request.calendar,
    );
    let mut warnings = done.warnings.clone();
    warnings.extend(window_warnings(&done, &history));
    let limits = limits(&history.samples);
    let outside = limits.map_or_else(Vec::new, |l| outside(&history.samples, &l));
    let stability = match limits {
        None => Stability::Unknown,
        Some(_) if outside.is_empty() => Stability::Stable,
        Some(_) => Stability::NotStable,
    };
    let n = history.samples.len();
    let few_samples = n < FEW_SAMPLES;
    if few_samples {
        warnings.push(
            Diagnostic::warning(
                None,
                format!(
                    "only {n} sample(s): the next {} falls inside the range seen with probability \
                 (n-1)/(n+1) = {:.0}%",
                    request.per.as_str(),
                    coverage(n) * 100.0
                ),
            )
            .with_help(format!(
                "{FEW_SAMPLES} or more make it 83%: count more weeks with --weeks"
            )),
        );
    }
    let mean = if n == 0 {
        0.0
    } else {
        history.samples.iter().sum::<f64>() / n as f64
    };
    let forecast_error = |e: ForecastError| {
        vec![
            Diagnostic::error(None, format!("cannot forecast: {e}")).with_help(format!(
                "the window {} to {} must hold finished items (see --end and --weeks)",
                history.from, history.to
            )),
        ]
    };
    let when = match request.items {
        Some(items) => Some(WhenAnswer {
            items,
            dates: when(
                &history.samples,
                request.per,
                items,
                end,
                &request.calendar,
                request.iterations,
                request.seed,
            )
            .map_err(forecast_error)?,
        }),
        None => None,
    };
    let how_many = match request.by {
        Some(by) if by <= end => {
            return Err(vec![Diagnostic::error(
                None,
                format!("--by {by} is not after the end of the history ({end})"),
            )
            .with_help(
                "ask about a later date, or end the history earlier with --end",
            )])
        }
        Some(by) => Some(HowManyAnswer {
            by,
            working_days: working_days_between(end, by, &request.calendar),
            counts: how_many(
                &history.samples,
                request.per,
                end,
                by,
                &request.calendar,
                request.iterations,
                request.seed,
            )
            .map_err(forecast_error)?,
        }),
        None => None,
    };
    Ok(Analysis {
        column: done.column,
        finished: done.dates.len(),
        unfinished: done.unfinished,
        plan_line: plan_line(&history),
        mean,
        limits,
        outside,
        stability,
        few_samples,
        coverage: coverage(n),
        when,
        how_many,
        iterations: request.iterations.max(1),
        seed: request.seed,
        warnings,
        history,
    })
}

/// The end of the history when none is given: the latest completion, moved to the next
/// working day when it is a day off (items finished on a day off count on the next one).
fn default_end(done: &Completions, calendar: &Calendar) -> Result<NaiveDate, Vec<Diagnostic>> {
    let Some(&last) = done.dates.iter().max() else {
        return Err(vec![Diagnostic::error(
            Some(Pos { line: 1, column: 1 }),
            format!(
                "no finished item: every row's {:?} is empty, so there is no history to count",
                done.column
            ),
        )]);
    };
    Ok(last
        .iter_days()
        .take(15)
        .find(|d| calendar.is_workday(*d))
        .unwrap_or(last))
}

/// Warnings about how the window sits on the file's completions: items after it, and a window
/// that starts before the first completion (its leading zeros may be days before the team
/// used the tracker).
fn window_warnings(done: &Completions, history: &History) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let after = done.dates.iter().filter(|d| **d > history.to).count();
    let counted_after = done.dates.len() - after;
    let before = done.dates.iter().filter(|d| **d < history.from).count();
    if after > 0 {
        out.push(Diagnostic::warning(
            None,
            format!(
                "{after} item(s) finished after the window ends ({}) are not counted",
                history.to
            ),
        ));
    }
    // Items on days off after the window's last working day are neither before nor after it.
    let dropped = counted_after - before - history.items;
    if dropped > 0 {
        out.push(Diagnostic::warning(
            None,
            format!(
                "{dropped} item(s) finished on days off at the end of the window count on the \
                 next working day, after {}: not counted",
                history.to
            ),
        ));
    }
    if let Some(&first) = done.dates.iter().min() {
        let leading = history.periods.iter().filter(|p| **p < first).count();
        if leading > 0 {
            out.push(
                Diagnostic::warning(
                    None,
                    format!(
                        "the first {leading} sample(s) of the window come before the first \
                         completion in the file ({first}): their zeros may be from before the \
                         team used the tracker"
                    ),
                )
                .with_help("give fewer --weeks if so"),
            );
        }
    }
    out
}

/// The size of [`run_chart`]'s drawing: width and height, and the plot area's left, top,
/// width and height. The 136 points right of the plot hold the limits' labels.
pub const CHART: [f64; 6] = [760.0, 280.0, 48.0, 24.0, 576.0, 216.0];

/// The run chart of the samples (an XmR chart's X half): one point per sample, oldest first,
/// joined by a line, with the mean and the natural process limits across; a point outside
/// the limits is red. A standalone SVG element (see [`crate::svg`]); its parts carry classes
/// (`sample`, `run`, `mean`, `upper-limit`, `lower-limit`) so that tests and pages can find
/// them. The value axis runs from 0 to a round number above the largest sample and the upper
/// limit ([`CHART`] gives the plot area).
pub fn run_chart(analysis: &Analysis) -> String {
    use crate::svg::{c, colors, line, nice_step, open, text, value_grid};
    use std::fmt::Write as _;

    let h = &analysis.history;
    let [w, ht, x0, y0, pw, ph] = CHART;
    let n = h.samples.len().max(1);
    let top = h
        .samples
        .iter()
        .copied()
        .chain(analysis.limits.map(|l| l.upper))
        .fold(1.0, f64::max);
    let step = nice_step(top, 5);
    let y_max = (top / step).ceil() * step;
    let x = |i: usize| x0 + (i as f64 + 0.5) * pw / n as f64;
    let y = |v: f64| y0 + ph * (1.0 - v / y_max);
    let mut out = String::new();
    let unit = match h.per {
        Per::Day => "working day",
        Per::Week => "week",
    };
    open(
        &mut out,
        w,
        ht,
        &format!(
            "Items finished per {unit}, {} to {}",
            day_text(h.from),
            day_text(h.to)
        ),
    );
    value_grid(&mut out, (x0, pw), (step, y_max), y);
    // Week ends along the time axis, at most about 12 labels.
    let weeks = h.weeks();
    let every = weeks.len().div_ceil(12).max(1);
    for (k, (end, range)) in weeks.iter().enumerate() {
        if (weeks.len() - 1 - k) % every != 0 || range.is_empty() {
            continue;
        }
        let at = x(range.end - 1);
        line(&mut out, at, y0 + ph, at, y0 + ph + 4.0, colors::INK, "");
        text(
            &mut out,
            at,
            y0 + ph + 16.0,
            "middle",
            colors::INK,
            &crate::view::short_date(*end),
        );
    }
    let mut marks = vec![("mean", analysis.mean, colors::P50, "")];
    if let Some(l) = analysis.limits {
        marks.push((
            "upper-limit",
            l.upper,
            colors::CRITICAL,
            " stroke-dasharray=\"6 4\"",
        ));
        marks.push((
            "lower-limit",
            l.lower,
            colors::CRITICAL,
            " stroke-dasharray=\"6 4\"",
        ));
    }
    for (class, value, color, dash) in marks {
        let _ = write!(
            out,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" \
             stroke-width=\"1.5\"{dash}/>",
            c(x0),
            c(y(value)),
            c(x0 + pw),
            c(y(value))
        );
        let name = class.replace("-limit", " limit");
        let label = format!("{name} {}", crate::view::number(value));
        text(
            &mut out,
            x0 + pw + 6.0,
            y(value) + 4.0,
            "start",
            color,
            &label,
        );
    }
    let points: Vec<String> = (0..h.samples.len())
        .map(|i| format!("{},{}", c(x(i)), c(y(h.samples[i]))))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"run\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
        points.join(" "),
        colors::BAR
    );
    for (i, &v) in h.samples.iter().enumerate() {
        let outside = analysis.outside.contains(&i);
        let _ = write!(
            out,
            "<circle class=\"sample{}\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{}: {}{}</title></circle>",
            if outside { " outside" } else { "" },
            c(x(i)),
            c(y(v)),
            if outside { colors::CRITICAL } else { colors::BAR },
            day_text(h.periods[i]),
            crate::view::number(v),
            if outside { " (outside the process limits)" } else { "" }
        );
    }
    out.push_str("</svg>");
    out
}

/// The run chart of a plan team's throughput (SPEC section 9): as [`run_chart`], with the
/// samples numbered oldest first (a plan holds no dates for them). Classes as there.
pub fn team_run_chart(team: &str, throughput: &crate::model::Throughput) -> String {
    use crate::svg::{c, colors, nice_step, open, text, value_grid};
    use std::fmt::Write as _;

    let samples = &throughput.samples;
    let lim = limits(samples);
    let off = lim.map_or_else(Vec::new, |l| outside(samples, &l));
    let [w, ht, x0, y0, pw, ph] = CHART;
    let n = samples.len().max(1);
    let top = samples
        .iter()
        .copied()
        .chain(lim.map(|l| l.upper))
        .fold(1.0, f64::max);
    let step = nice_step(top, 5);
    let y_max = (top / step).ceil() * step;
    let x = |i: usize| x0 + (i as f64 + 0.5) * pw / n as f64;
    let y = |v: f64| y0 + ph * (1.0 - v / y_max);
    let unit = match throughput.per {
        Per::Day => "working day",
        Per::Week => "week",
    };
    let mut out = String::new();
    open(
        &mut out,
        w,
        ht,
        &format!("Team {team}: items finished per {unit}, oldest first"),
    );
    value_grid(&mut out, (x0, pw), (step, y_max), y);
    let every = n.div_ceil(12).max(1);
    for i in (0..samples.len()).filter(|i| (i + 1) % every == 0 || *i == 0) {
        let label = format!("{}", i + 1);
        text(
            &mut out,
            x(i),
            y0 + ph + 16.0,
            "middle",
            colors::INK,
            &label,
        );
    }
    let mean = lim.map_or(throughput.mean(), |l| l.mean);
    let mut marks = vec![("mean", mean, colors::P50, "")];
    if let Some(l) = lim {
        let dash = " stroke-dasharray=\"6 4\"";
        marks.push(("upper-limit", l.upper, colors::CRITICAL, dash));
        marks.push(("lower-limit", l.lower, colors::CRITICAL, dash));
    }
    for (class, value, color, dash) in marks {
        let _ = write!(
            out,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" \
             stroke-width=\"1.5\"{dash}/>",
            c(x0),
            c(y(value)),
            c(x0 + pw),
            c(y(value))
        );
        let label = format!(
            "{} {}",
            class.replace("-limit", " limit"),
            crate::view::number(value)
        );
        text(
            &mut out,
            x0 + pw + 6.0,
            y(value) + 4.0,
            "start",
            color,
            &label,
        );
    }
    let points: Vec<String> = (0..samples.len())
        .map(|i| format!("{},{}", c(x(i)), c(y(samples[i]))))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"run\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
        points.join(" "),
        colors::BAR
    );
    for (i, &v) in samples.iter().enumerate() {
        let outside = off.contains(&i);
        let _ = write!(
            out,
            "<circle class=\"sample{}\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>sample {}: {}{}</title></circle>",
            if outside { " outside" } else { "" },
            c(x(i)),
            c(y(v)),
            if outside { colors::CRITICAL } else { colors::BAR },
            i + 1,
            crate::view::number(v),
            if outside { " (outside the process limits)" } else { "" }
        );
    }
    out.push_str("</svg>");
    out
}

/// An analysis's stability verdict in words, as `shipdate throughput` and the browser write
/// it: stable, not stable (with each sample outside the limits, by its period's day), or
/// unknown.
pub fn verdict(a: &Analysis) -> String {
    match a.stability {
        Stability::Stable => "stable: every sample is inside the process limits".to_string(),
        Stability::NotStable => {
            let listed: Vec<String> = a
                .outside
                .iter()
                .map(|&i| {
                    format!(
                        "{}: {}",
                        day_text(a.history.periods[i]),
                        crate::view::number(a.history.samples[i])
                    )
                })
                .collect();
            format!(
                "NOT stable: {} sample(s) outside the process limits ({}); the history is a \
                 weak guide to the future",
                a.outside.len(),
                listed.join(", ")
            )
        }
        Stability::Unknown => "unknown (fewer than 2 samples)".to_string(),
    }
}

/// A plan team's throughput verdict in words, as the report and the browser write it under
/// its run chart ([`team_run_chart`]).
pub fn team_verdict(samples: &[f64]) -> String {
    match limits(samples) {
        None => "too few samples for process limits".to_string(),
        Some(l) => match outside(samples, &l).len() {
            0 => "stable: every sample is inside the process limits".to_string(),
            k => format!("not stable: {k} sample(s) outside the process limits"),
        },
    }
}

/// The weekday name of a date, for output (`Mon`).
pub fn weekday(date: NaiveDate) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        [date.weekday().num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn limits_follow_the_xmr_formula() {
        let s = [3.0, 0.0, 5.0, 2.0];
        let l = limits(&s).unwrap();
        assert_eq!(l.mean, 2.5);
        // Moving ranges 3, 5, 3: mean 11/3.
        assert!((l.mean_moving_range - 11.0 / 3.0).abs() < 1e-12);
        assert!((l.upper - (2.5 + 2.66 * 11.0 / 3.0)).abs() < 1e-12);
        assert_eq!(l.lower, 0.0);
        assert!(limits(&[1.0]).is_none());
        let spike = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 30.0];
        let l = limits(&spike).unwrap();
        assert_eq!(outside(&spike, &l), vec![9]);
    }

    #[test]
    fn coverage_is_n_minus_one_over_n_plus_one() {
        assert!((coverage(11) - 10.0 / 12.0).abs() < 1e-15);
        assert_eq!(coverage(1), 0.0);
    }

    #[test]
    fn dates_in_the_forms_trackers_write() {
        let want = d(2026, 12, 5);
        for t in [
            "2026-12-05",
            "2026-12-05T15:45:00Z",
            "2026-12-05T15:45:00.000+0100",
            "2026-12-05 15:45",
            "05/Dec/26 3:45 PM",
            "05/Dec/2026 15:45",
            "12/5/2026 3:45:00 PM",
            "2026/12/05",
            "5.12.2026 15:45",
            "Dec 5, 2026",
            "December 5, 2026 3:45 PM",
            "5 Dec 2026",
            "05-Dec-2026",
            "5-Dec-26",
        ] {
            assert_eq!(parse_date(t, false), Some(want), "{t}");
        }
        assert_eq!(parse_date("5/12/2026", true), Some(want));
        for bad in ["", "soon", "2026-13-01", "32/Dec/26", "12/5", "1.2"] {
            assert_eq!(parse_date(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn slash_dates_decide_their_order_from_the_file() {
        let csv = "id,Closed Date\n1,12/5/2026\n2,11/30/2026\n";
        let c = read_csv(csv, None, None).unwrap();
        assert!(!c.day_first && c.warnings.is_empty());
        assert_eq!(c.dates, vec![d(2026, 12, 5), d(2026, 11, 30)]);
        let csv = "id,Closed Date\n1,5/12/2026\n2,30/11/2026\n";
        let c = read_csv(csv, None, None).unwrap();
        assert!(c.day_first);
        assert_eq!(c.dates[0], d(2026, 12, 5));
        let csv = "id,Closed Date\n1,5/12/2026\n";
        let c = read_csv(csv, None, None).unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.dates, vec![d(2026, 5, 12)]);
    }

    #[test]
    fn the_completion_column_is_found_or_named() {
        let csv = "Issue key,Status,Resolved\nA-1,Done,2026-12-01\nA-2,Open,\n";
        let c = read_csv(csv, None, None).unwrap();
        assert_eq!(c.column, "Resolved");
        assert_eq!(c.unfinished, 1);
        let csv = "number,closed_at\n1,2026-12-01T10:00:00Z\n";
        assert_eq!(read_csv(csv, None, None).unwrap().column, "closed_at");
        let errs = read_csv("a,b\n1,2\n", None, None).unwrap_err();
        assert!(errs[0].message.contains("no completion-date column"));
        let errs = read_csv("key,Finish\n1,2026-12-01\n", Some("Finsh"), None).unwrap_err();
        assert_eq!(errs[0].help.as_deref(), Some("did you mean \"Finish\"?"));
        let c = read_csv("key,Finish\n1,2026-12-01\n", Some("finish"), None).unwrap();
        assert_eq!(c.dates, vec![d(2026, 12, 1)]);
    }

    #[test]
    fn every_unreadable_row_is_located() {
        let csv = "key,Resolved\nA-1,2026-12-01\nA-2,yesterday\nA-3,2026-13-40\n";
        let errs = read_csv(csv, None, None).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].pos, Some(Pos { line: 3, column: 5 }));
        assert!(errs[0].message.contains("\"yesterday\""));
        assert_eq!(errs[1].pos, Some(Pos { line: 4, column: 5 }));
    }

    #[test]
    fn counts_are_per_working_day_with_zeros() {
        let cal = Calendar::standard();
        // Fri 2026-12-04 ends a two-week window from Sat 2026-11-21.
        let dates = [
            d(2026, 11, 23),
            d(2026, 11, 23),
            d(2026, 11, 28), // a Saturday: counts on Monday 30th
            d(2026, 12, 4),
            d(2026, 11, 20), // before the window
        ];
        let h = count(&dates, Per::Day, d(2026, 12, 4), 2, &cal);
        assert_eq!(h.from, d(2026, 11, 21));
        assert_eq!(
            h.samples,
            vec![2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
        );
        assert_eq!(h.items, 4);
        let w = count(&dates, Per::Week, d(2026, 12, 4), 2, &cal);
        // The Saturday completion is in the second week (Sat 28th to Fri 4th).
        assert_eq!(w.samples, vec![2.0, 2.0]);
        assert_eq!(w.periods, vec![d(2026, 11, 27), d(2026, 12, 4)]);
        assert_eq!(
            w.weeks(),
            vec![(d(2026, 11, 27), 0..1), (d(2026, 12, 4), 1..2)]
        );
        assert_eq!(
            h.weeks(),
            vec![(d(2026, 11, 27), 0..5), (d(2026, 12, 4), 5..10)]
        );
        assert_eq!(day_text(d(2026, 12, 4)), "Fri 2026-12-04");
    }

    #[test]
    fn constant_throughput_forecasts_are_exact() {
        let cal = Calendar::standard();
        let fri = d(2026, 12, 4);
        // 2 a day, 10 items: 5 working days, Mon 7th to Fri 11th.
        let w = when(&[2.0, 2.0], Per::Day, 10, fri, &cal, 200, 1).unwrap();
        assert_eq!(
            w,
            Likelihoods {
                p50: Some(d(2026, 12, 11)),
                p85: Some(d(2026, 12, 11)),
                p95: Some(d(2026, 12, 11))
            }
        );
        // 11 items need a sixth day: Mon 14th.
        let w = when(&[2.0], Per::Day, 11, fri, &cal, 10, 1).unwrap();
        assert_eq!(w.p50, Some(d(2026, 12, 14)));
        // 10 a week spread over 5 days: 2 a day.
        let w = when(&[10.0], Per::Week, 10, fri, &cal, 10, 1).unwrap();
        assert_eq!(w.p95, Some(d(2026, 12, 11)));
        // 7 a week (1.4 a day): 7 items on the fifth day, not a day later by rounding.
        let w = when(&[7.0], Per::Week, 7, fri, &cal, 10, 1).unwrap();
        assert_eq!(w.p50, Some(d(2026, 12, 11)));
        // How many by Wed 16th: 8 working days at 3 a day.
        let h = how_many(&[3.0], Per::Day, fri, d(2026, 12, 16), &cal, 50, 1).unwrap();
        assert_eq!(
            h,
            Likelihoods {
                p50: 24,
                p85: 24,
                p95: 24
            }
        );
        assert_eq!(working_days_between(fri, d(2026, 12, 16), &cal), 8);
        let h = how_many(&[3.0], Per::Day, fri, fri, &cal, 50, 1).unwrap();
        assert_eq!(h.p50, 0);
    }

    #[test]
    fn a_bootstrap_of_zero_or_ten_gives_the_negative_binomial() {
        // 0 or 10 items a day with equal odds, 20 items: done on the day of the second 10,
        // so the day count is 2 + a negative binomial: P(T <= t) = 1 - (t + 1) / 2^t.
        // Mean 4, P80 = 5 (P(T <= 4) = 11/16 < 0.8 <= P(T <= 5) = 26/32), P90 = 7.
        let cal = Calendar {
            id: "every day".into(),
            workdays: [true; 7],
            holidays: vec![],
        };
        let start = d(2027, 1, 1);
        let n = 100_000;
        let all = forecast_days(start, &cal).unwrap();
        let days: Vec<i64> = (0..n)
            .map(|i| {
                let mut draws = Draws::new(9, i as u64, 2);
                let mut at = 0;
                walk(&[0.0, 10.0], Per::Day, &all, &mut draws, |k, total| {
                    at = k + 1;
                    total >= 20.0
                });
                at as i64
            })
            .collect();
        let mean = days.iter().sum::<i64>() as f64 / n as f64;
        // Variance of T: 2 x (1 - 1/2) / (1/2)^2 = 4; standard error 2 / sqrt(n).
        assert!(
            (mean - 4.0).abs() < 5.0 * 2.0 / (n as f64).sqrt(),
            "mean {mean}"
        );
        let mut sorted = days.clone();
        sorted.sort_unstable();
        assert_eq!(sorted[percentile_index(n, 80)], 5);
        assert_eq!(sorted[percentile_index(n, 90)], 7);
        // The same draws through `when`: P(T <= 6) = 0.89 and P(T <= 8) = 0.965 are the first
        // to reach 85% and 95%; a day is its offset from the start on an every-day calendar.
        let w = when(&[0.0, 10.0], Per::Day, 20, start, &cal, n, 9).unwrap();
        let day_of = |k: i64| Some(start + TimeDelta::days(k));
        assert_eq!((w.p85, w.p95), (day_of(6), day_of(8)));
    }

    #[test]
    fn forecasts_refuse_samples_that_cannot_serve() {
        let cal = Calendar::standard();
        let fri = d(2026, 12, 4);
        assert_eq!(
            when(&[], Per::Day, 1, fri, &cal, 1, 1),
            Err(ForecastError::NoSamples)
        );
        assert_eq!(
            when(&[0.0, 0.0], Per::Day, 1, fri, &cal, 1, 1),
            Err(ForecastError::NothingFinished)
        );
        assert!(matches!(
            how_many(&[1.0, -1.0], Per::Day, fri, fri, &cal, 1, 1),
            Err(ForecastError::BadSample { index: 1, .. })
        ));
        // One item in ten years at most: not within the horizon in most iterations.
        let mut rare = vec![0.0; 100_000];
        rare[0] = 1.0;
        let w = when(&rare, Per::Day, 5, fri, &cal, 20, 1).unwrap();
        assert_eq!(w.p50, None);
    }

    #[test]
    fn the_same_seed_gives_the_same_forecast() {
        let cal = Calendar::standard();
        let s = [3.0, 0.0, 5.0, 2.0, 4.0, 0.0, 6.0, 3.0, 2.0, 5.0];
        let fri = d(2026, 12, 4);
        let a = when(&s, Per::Day, 60, fri, &cal, 5000, 7).unwrap();
        assert_eq!(a, when(&s, Per::Day, 60, fri, &cal, 5000, 7).unwrap());
        assert!(a.p50 <= a.p85 && a.p85 <= a.p95);
        let h = how_many(&s, Per::Day, fri, d(2027, 1, 29), &cal, 5000, 7).unwrap();
        assert!(h.p50 >= h.p85 && h.p85 >= h.p95);
        assert_eq!(
            plan_line(&History {
                per: Per::Week,
                samples: vec![3.0, 0.5],
                periods: vec![],
                from: fri,
                to: fri,
                items: 3,
            }),
            "throughput = { per = \"week\", samples = [3, 0.5] }"
        );
    }

    #[test]
    fn a_near_miss_header_is_suggested() {
        let errs = read_csv(
            "key,Created,Resolvd\nA-1,2026-12-01,2026-12-02\n",
            None,
            None,
        )
        .unwrap_err();
        let help = errs[0].help.as_deref().unwrap();
        assert!(
            help.starts_with("did you mean --column \"Resolvd\"?"),
            "{help}"
        );
        let errs = read_csv("key,Created,Summary\nA-1,2026-12-01,x\n", None, None).unwrap_err();
        let help = errs[0].help.as_deref().unwrap();
        assert!(help.starts_with("name it with --column"), "{help}");
    }

    #[test]
    fn analyse_ends_on_the_working_day_of_the_last_completion() {
        // The last completion is on Saturday 5 December: it counts on Monday 7th.
        let csv = "key,Resolved\nA-1,2026-11-30\nA-2,2026-12-05\n";
        let a = analyse(
            csv,
            &Request {
                weeks: 1,
                ..Request::default()
            },
        )
        .unwrap();
        assert_eq!(a.history.to, d(2026, 12, 7));
        assert_eq!(a.history.samples, vec![0.0, 0.0, 0.0, 0.0, 1.0]);
        // Monday 30th is before the window (Tue 1st to Mon 7th).
        assert_eq!((a.finished, a.history.items), (2, 1));
        assert!(a.few_samples);
        assert!(a
            .warnings
            .iter()
            .any(|w| w.message.starts_with("only 5 sample(s)")));
        // Given an end on Friday 4th, the Saturday item is after the window.
        let r = Request {
            weeks: 1,
            end: Some(d(2026, 12, 4)),
            ..Request::default()
        };
        let a = analyse(csv, &r).unwrap();
        assert_eq!(a.history.samples, vec![1.0, 0.0, 0.0, 0.0, 0.0]);
        assert!(a.warnings[0]
            .message
            .starts_with("1 item(s) finished after the window"));
        // A twelve-week window reaches before the first completion.
        let a = analyse(csv, &Request::default()).unwrap();
        assert_eq!(a.history.samples.len(), 60);
        assert!(!a.few_samples);
        assert!(a.warnings.iter().any(|w| w
            .message
            .starts_with("the first 54 sample(s) of the window")));
    }

    #[test]
    fn analyse_refuses_what_it_cannot_answer() {
        let csv = "key,Resolved\nA-1,2026-12-04\n";
        let by = Request {
            by: Some(d(2026, 12, 4)),
            ..Request::default()
        };
        let errs = analyse(csv, &by).unwrap_err();
        assert!(
            errs[0].message.contains("not after the end"),
            "{}",
            errs[0].message
        );
        let zero = Request {
            weeks: 0,
            ..Request::default()
        };
        assert!(analyse(csv, &zero).is_err());
        let empty = Request {
            end: Some(d(2026, 11, 1)),
            items: Some(3),
            ..Request::default()
        };
        let errs = analyse(csv, &empty).unwrap_err();
        assert!(
            errs[0].message.starts_with("cannot forecast"),
            "{}",
            errs[0].message
        );
        let errs = analyse("key,Resolved\nA-1,\n", &Request::default()).unwrap_err();
        assert!(errs[0].message.starts_with("no finished item"));
    }

    #[test]
    fn analyse_gives_the_verdict_of_the_limits() {
        // Two a day for three weeks, then a day of 30: outside the upper limit.
        let mut csv = String::from("key,Resolved\n");
        let start = d(2026, 11, 16);
        for k in 0..19 {
            let day = start + TimeDelta::days(k);
            if Calendar::standard().is_workday(day) {
                csv += &format!("a,{day}\nb,{day}\n");
            }
        }
        let a = analyse(
            &csv,
            &Request {
                weeks: 3,
                ..Request::default()
            },
        )
        .unwrap();
        assert_eq!(a.stability, Stability::Stable);
        assert_eq!(a.outside, Vec::<usize>::new());
        for _ in 0..28 {
            csv += "c,2026-12-04\n";
        }
        let a = analyse(
            &csv,
            &Request {
                weeks: 3,
                ..Request::default()
            },
        )
        .unwrap();
        assert_eq!(a.history.samples.last(), Some(&30.0));
        assert_eq!(
            (a.stability, a.outside.clone()),
            (Stability::NotStable, vec![14])
        );
    }

    /// The value of attribute `name` in each element that starts with `tag`.
    fn attrs(svg: &str, tag: &str, name: &str) -> Vec<String> {
        svg.split(tag)
            .skip(1)
            .map(|rest| {
                let at = rest.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                rest[at..rest[at..].find('"').unwrap() + at].to_string()
            })
            .collect()
    }

    #[test]
    fn the_run_chart_draws_each_sample_the_mean_and_the_limits() {
        let csv = "key,Resolved\na,2026-11-23\nb,2026-11-23\nc,2026-11-25\nd,2026-11-28\n\
                   e,2026-12-01\nf,2026-12-01\ng,2026-12-01\nh,2026-12-04\n";
        let a = analyse(
            csv,
            &Request {
                weeks: 2,
                ..Request::default()
            },
        )
        .unwrap();
        assert_eq!(
            a.history.samples,
            vec![2.0, 0.0, 1.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.0, 1.0]
        );
        let svg = run_chart(&a);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        // The upper limit 0.8 + 2.66 x 11/9 = 4.05 sets the axis: 0 to 5 in steps of 1, so a
        // value v is at y = 24 + 216 (1 - v / 5); sample i at x = 48 + (i + 0.5) 57.6.
        let y = |v: f64| {
            format!(
                "{}",
                (10.0 * (24.0 + 216.0 * (1.0 - v / 5.0))).round() / 10.0
            )
        };
        let cx = attrs(&svg, "<circle class=\"sample", "cx");
        let cy = attrs(&svg, "<circle class=\"sample", "cy");
        assert_eq!(cx.len(), 10);
        assert_eq!((cx[0].as_str(), cx[9].as_str()), ("76.8", "595.2"));
        let want: Vec<String> = a.history.samples.iter().map(|&v| y(v)).collect();
        assert_eq!(cy, want);
        assert_eq!(attrs(&svg, "<line class=\"mean\"", "y1"), vec![y(0.8)]);
        assert_eq!(
            attrs(&svg, "<line class=\"upper-limit\"", "y1"),
            vec!["65".to_string()]
        );
        assert_eq!(
            attrs(&svg, "<line class=\"lower-limit\"", "y2"),
            vec![y(0.0)]
        );
        assert!(svg.contains("<title>Tue 2026-12-01: 3</title>"));
        assert!(!svg.contains("outside"));
        // A spike above the upper limit is drawn red, and marked.
        let mut spike = a.clone();
        spike.outside = vec![6];
        let svg = run_chart(&spike);
        assert_eq!(
            attrs(&svg, "<circle class=\"sample outside", "cy"),
            vec![y(3.0)]
        );
        assert!(svg.contains("3 (outside the process limits)"));
        // The run joins the points in order.
        let run = &attrs(&svg, "<polyline class=\"run\"", "points")[0];
        assert!(
            run.starts_with(&format!("76.8,{} 134.4,{}", y(2.0), y(0.0))),
            "{run}"
        );
    }
}
