//! `shipdate init`: write a commented starter plan.

use anyhow::Context as _;
use clap::Args;

/// Arguments of `shipdate init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to write the plan (never overwritten).
    #[arg(default_value = "plan.toml")]
    pub file: String,
    /// Start a throughput-based plan: teams with the items they finished per day, tasks
    /// sized in items (SPEC section 9).
    #[arg(long)]
    pub throughput: bool,
}

/// The starter plan; `{START}` and `{TARGET}` are filled with dates, `{CADENCE}` with the
/// cadence's first week.
const TEMPLATE: &str = r#"# A shipdate release plan. Edit it, then:
#
#   shipdate validate {FILE}                  check it: errors, and plan-quality warnings
#   shipdate schedule {FILE}                  the resource-feasible schedule, task by task
#   shipdate simulate {FILE}                  Monte Carlo: P50/P80/P95 dates, on-time odds
#   shipdate report {FILE} -o report.html     all of it as one HTML page with charts
#
# Times are working days of the plan's calendar. An estimate is a number (fixed) or
# { low, likely, high } (three-point, Beta-PERT); other shapes: { dist = "triangular", ... },
# { dist = "uniform", low, high }, { dist = "lognormal", median, p90 }.

[plan]
name = "My release"
start = {START}                 # the first day of work (remove it for a plan in periods)
calendar = "office"

[calendars.office]
workdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = []                   # public holidays, e.g. [2027-12-24, 2027-12-31]

# A team runs up to `capacity` units of work at once (people, or test rigs, ...).
[teams.backend]
capacity = 2

[teams.frontend]
capacity = 1
# time_off = [{ from = 2027-08-02, to = 2027-08-13, capacity = 0 }]   # away: work pauses

[teams.qa]
capacity = 1

[[tasks]]
id = "kickoff"                  # letters, digits, '.', '_' and '-'
name = "Scope agreed"
kind = "milestone"              # "work" (default), "gate" (a quality gate) or "milestone"

[[tasks]]
id = "api"
name = "Payments API"
team = "backend"
estimate = { low = 3, likely = 5, high = 9 }
after = ["kickoff"]             # finish-to-start

[[tasks]]
id = "ui"
name = "Checkout page"
team = "frontend"
estimate = { low = 4, likely = 6, high = 12 }
# Start-to-start with a lag: it may start 2 days after the API starts. Link types are FS
# (the default), SS, FF and SF; a lag may be negative.
after = [{ task = "api", type = "SS", lag = 2 }]

[[tasks]]
id = "regression"
name = "Regression tests"
team = "qa"
kind = "gate"
estimate = { low = 2, likely = 3, high = 5 }
after = ["api", "ui"]

# A risk event: with this probability, each listed task takes longer by the impact.
[[risks]]
id = "vendor-late"
probability = 0.2
impact = { low = 2, likely = 4, high = 8 }
tasks = ["api"]

# A release ships on the first open deploy window after its tasks are done.
[[releases]]
id = "v1"
tasks = ["regression"]
target = {TARGET}               # wanted by
cadence = { weekdays = ["tue", "thu"], every_weeks = 1, from = {START} }
# freeze = [{ from = 2027-12-20, to = 2028-01-02 }]   # no deploys in a change freeze
"#;

/// The throughput-based starter plan (SPEC section 9): placeholders as in [`TEMPLATE`].
const THROUGHPUT_TEMPLATE: &str = r#"# A shipdate release plan forecast from what the teams have finished. Edit it, then:
#
#   shipdate validate {FILE}                  check it: errors, and plan-quality warnings
#   shipdate schedule {FILE}                  the schedule at each team's mean throughput
#   shipdate simulate {FILE}                  Monte Carlo: P50/P80/P95 dates, on-time odds
#   shipdate report {FILE} -o report.html     all of it as one HTML page with charts
#
# A team's `throughput` is the items it finished on each of its past working days
# (per = "day") or weeks (per = "week"), oldest first: count them from a tracker's export
# with `shipdate throughput done.csv`, which prints the line to paste. A task sized in
# `items` is done at that pace: each working day draws one past day at random, and the task
# gets demand / capacity of it. Tasks may still have an `estimate` in working days instead.

[plan]
name = "My release"
start = {START}                 # the first day of work (remove it for a plan in periods)
calendar = "office"

[calendars.office]
workdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = []                   # public holidays, e.g. [2027-12-24, 2027-12-31]

# `capacity` is also how many item-sized tasks the team works on at once.
[teams.product]
capacity = 2
throughput = { per = "day", samples = [3, 0, 5, 2, 4, 0, 6, 3, 2, 5, 1, 4, 3, 0, 4, 2, 5, 3, 1, 4] }

[teams.platform]
capacity = 1
throughput = { per = "week", samples = [6, 9, 4, 8, 7, 5, 9, 6, 7, 8, 5, 6] }

[[tasks]]
id = "kickoff"                  # letters, digits, '.', '_' and '-'
name = "Scope agreed"
kind = "milestone"

[[tasks]]
id = "checkout-epic"
name = "Checkout epic"
team = "product"
items = { low = 18, high = 25 }   # its backlog: a whole number, or a range (uniform)
split = { low = 1.0, high = 1.3 } # items tend to split: the count grows by up to 30%
after = ["kickoff"]

[[tasks]]
id = "search-epic"
name = "Search epic"
team = "product"
items = 12
after = ["kickoff"]

[[tasks]]
id = "api-upgrade"
name = "API upgrade"
team = "platform"
items = { low = 10, high = 14 }
after = ["kickoff"]

[[tasks]]
id = "regression"
name = "Regression tests"
kind = "gate"
estimate = { low = 2, likely = 3, high = 5 }   # estimated in working days
after = ["checkout-epic", "search-epic", "api-upgrade"]

# A risk event: with this probability, each listed task takes longer by the impact (days).
[[risks]]
id = "vendor-late"
probability = 0.2
impact = { low = 2, likely = 4, high = 8 }
tasks = ["api-upgrade"]

# A release ships on the first open deploy window after its tasks are done.
[[releases]]
id = "v1"
tasks = ["regression"]
target = {TARGET}               # wanted by
cadence = { weekdays = ["tue", "thu"], every_weeks = 1, from = {START} }
"#;

/// The civil date `(year, month, day)` of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn iso(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The starter plan for `file`, starting on the first Monday on or after `today` (days since
/// 1970-01-01, a Thursday) and wanted eight weeks later.
/// With `throughput`, the throughput-based starter plan.
pub fn starter(file: &str, today: i64, throughput: bool) -> String {
    // 1970-01-01 was a Thursday: weekday 3 counting from Monday = 0.
    let weekday = (today + 3).rem_euclid(7);
    let monday = today + (7 - weekday) % 7;
    let template = if throughput {
        THROUGHPUT_TEMPLATE
    } else {
        TEMPLATE
    };
    template
        .replace("{FILE}", file)
        .replace("{START}", &iso(monday))
        .replace("{TARGET}", &iso(monday + 8 * 7 - 3))
}

/// Runs the command.
pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64);
    let text = starter(&args.file, today, args.throughput);
    match super::files::write_new(&args.file, &text) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(
                "{} already exists; not overwriting it (choose another name)",
                args.file
            )
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", args.file)),
    }
    eprintln!(
        "wrote {}: a starter plan. Next: shipdate validate {}",
        args.file, args.file
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_and_mondays() {
        assert_eq!(iso(0), "1970-01-01");
        assert_eq!(iso(19_723), "2024-01-01");
        assert_eq!(iso(11_016), "2000-02-29");
        // 2027-01-04 is a Monday: day 20822. From the Thursday before, the start is that Monday.
        assert_eq!(iso(20_822), "2027-01-04");
        for throughput in [false, true] {
            let text = starter("p.toml", 20_822 - 4, throughput);
            assert!(text.contains("start = 2027-01-04"));
            assert!(text.contains("target = 2027-02-26"));
            assert!(starter("p.toml", 20_822, throughput).contains("start = 2027-01-04"));
        }
    }
}
