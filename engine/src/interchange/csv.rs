//! A task list as CSV (SPEC section 4): one task a row, as trackers such as Jira export them.
//!
//! The header row names the columns, in any order and any case: `id`, `name`, `team`,
//! `estimate` or `low`/`likely`/`high`, `after` (predecessor ids separated by `;`, `,` or
//! spaces; finish-to-start), `demand`, `release` (the release, or releases separated the same
//! way, the task belongs to). Other columns are ignored. `estimate` is a number (fixed) or
//! `low/likely/high` (Beta-PERT); an empty `estimate` falls back to the three columns.
//!
//! Progress (SPEC section 6) comes in the columns `started`, `done`, `not_before` and `due`
//! (dates `YYYY-MM-DD` in a plan with a start date, period numbers in one without),
//! `remaining` (in the forms of `estimate`) and `progress` (a share in [0, 1), or a percentage
//! such as `60%`); the status date they are as of is an option ([`CsvOptions::status`]), as
//! the CSV has no plan header.
//!
//! Each team gets the capacity of its largest demand (1 unless a task demands more); releases
//! are made in the order they first appear. Fields are RFC 4180 (quotes, doubled quotes,
//! line breaks inside quotes); a header with `;` and no `,` switches the delimiter to `;`.
//! Every problem is reported at its row and column, all in one pass.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diag::{suggest, Diagnostic, Pos};
use crate::model::{Actual, Estimate, Link, LinkKind, Plan, Release, Task, TaskDates, Team, When};

/// What the CSV does not say: the plan's name, start date and status date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvOptions {
    /// The plan's name.
    pub name: String,
    /// The plan's start date; `None` gives an undated plan (time in periods).
    pub start: Option<NaiveDate>,
    /// The status date the progress columns are as of (a date in a dated plan, a period in an
    /// undated one); `None`: planned from scratch.
    pub status: Option<When>,
}

/// A date written `YYYY-MM-DD` (for a plan start given on the command line).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// One field and the byte offset where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) at: usize,
}

/// Splits CSV text into rows of cells (empty lines skipped).
pub(crate) fn records(src: &str, delim: char) -> Result<Vec<Vec<Cell>>, Diagnostic> {
    let mut rows = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut cell = String::new();
    let mut cell_at = 0;
    let mut quoted = false;
    let mut quote_open_at = 0;
    let mut it = src.char_indices().peekable();
    let mut at_cell_start = true;
    while let Some((i, c)) = it.next() {
        if at_cell_start {
            cell_at = i;
            at_cell_start = false;
            if c == '"' {
                quoted = true;
                quote_open_at = i;
                continue;
            }
        }
        if quoted {
            if c == '"' {
                if let Some(&(_, '"')) = it.peek() {
                    it.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        if c == delim {
            row.push(Cell {
                text: std::mem::take(&mut cell),
                at: cell_at,
            });
            at_cell_start = true;
            cell_at = i + c.len_utf8();
        } else if c == '\n' || c == '\r' {
            if c == '\r' {
                if let Some(&(_, '\n')) = it.peek() {
                    it.next();
                }
            }
            row.push(Cell {
                text: std::mem::take(&mut cell),
                at: cell_at,
            });
            if !(row.len() == 1 && row[0].text.trim().is_empty()) {
                rows.push(std::mem::take(&mut row));
            }
            row.clear();
            at_cell_start = true;
        } else {
            cell.push(c);
        }
    }
    if quoted {
        return Err(Diagnostic::error(
            Some(Pos::of_offset(src, quote_open_at)),
            "CSV syntax error: a quoted field is never closed",
        ));
    }
    if !at_cell_start || !row.is_empty() {
        row.push(Cell {
            text: cell,
            at: cell_at,
        });
        if !(row.len() == 1 && row[0].text.trim().is_empty()) {
            rows.push(row);
        }
    }
    Ok(rows)
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|x| !x.is_empty())
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
}

struct Row {
    id: String,
    name: Option<String>,
    team: Option<String>,
    demand: Option<u32>,
    estimate: Estimate,
    after: Vec<Cell>,
    releases: Vec<String>,
    actual: Actual,
    dates: TaskDates,
    at: usize,
}

/// Reads a CSV task list into a validated plan.
///
/// # Errors
///
/// Every problem found, located at its row and column: a missing `id` or estimate column, an
/// unreadable number, an estimate out of order, a duplicate id, an unknown predecessor (with
/// the near-miss id probably meant), and whatever plan validation then finds (such as a cycle).
///
/// ```
/// use shipdate_engine::interchange::csv::{import, CsvOptions};
/// let src = "id,name,team,low,likely,high,after,release\n\
///            api,Payments API,backend,3,5,10,,r1\n\
///            web,Checkout page,frontend,2,3,6,api,r1\n";
/// let options = CsvOptions { name: "demo".into(), ..CsvOptions::default() };
/// let plan = import(src, &options).unwrap();
/// assert_eq!(plan.tasks[1].after[0].pred, 0);
/// assert_eq!(plan.releases[0].tasks, vec![0, 1]);
/// ```
pub fn import(src: &str, options: &CsvOptions) -> Result<Plan, Vec<Diagnostic>> {
    let src_body = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - src_body.len();
    let header_line = src_body.lines().next().unwrap_or("");
    let delim = if !header_line.contains(',') && header_line.contains(';') {
        ';'
    } else {
        ','
    };
    let rows = records(src_body, delim).map_err(|d| vec![d])?;
    let mut rows = rows.into_iter().map(|r| {
        r.into_iter()
            .map(|c| Cell {
                text: c.text,
                at: c.at + bom,
            })
            .collect::<Vec<_>>()
    });
    let Some(header) = rows.next() else {
        return Err(vec![Diagnostic::error(
            None,
            "the CSV file is empty: expected a header row with at least `id` and `estimate`",
        )]);
    };
    let mut cx = Reader {
        src,
        col: columns(src, bom, &header)?,
        dated: options.start.is_some(),
        errs: Vec::new(),
    };
    let parsed: Vec<Row> = rows.filter_map(|row| cx.row(&row)).collect();
    let (teams, tasks, releases) = cx.build(&parsed);
    let mut errs = cx.errs;
    if !errs.is_empty() {
        crate::sorting::sort_by_key(&mut errs, |d| (d.pos.is_none(), d.pos));
        return Err(errs);
    }
    let mut plan = Plan::new(if options.name.trim().is_empty() {
        "Imported plan"
    } else {
        options.name.as_str()
    });
    plan.start = options.start;
    plan.status = options.status;
    plan.teams = teams;
    plan.tasks = tasks;
    plan.releases = releases;
    super::checked(plan)
}

/// The header's columns (lower-cased name to index, the first of a repeated name); an error
/// when `id` or the estimate columns are missing.
fn columns(
    src: &str,
    bom: usize,
    header: &[Cell],
) -> Result<HashMap<String, usize>, Vec<Diagnostic>> {
    let pos = Some(Pos::of_offset(src, bom));
    let mut col: HashMap<String, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        col.entry(h.text.trim().to_ascii_lowercase()).or_insert(i);
    }
    let mut errs = Vec::new();
    if !col.contains_key("id") {
        let names: Vec<&str> = col.keys().map(String::as_str).collect();
        let help = suggest("id", names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
        let mut d = Diagnostic::error(pos, "the CSV header has no `id` column");
        d.help = help;
        errs.push(d);
    }
    let three = ["low", "likely", "high"]
        .iter()
        .all(|k| col.contains_key(*k));
    if !col.contains_key("estimate") && !three {
        errs.push(
            Diagnostic::error(
                pos,
                "the CSV header has no `estimate` column (nor `low`, `likely` and `high`)",
            )
            .with_help("add an `estimate` column"),
        );
    }
    if errs.is_empty() {
        Ok(col)
    } else {
        Err(errs)
    }
}

/// Reads rows against the header's columns, collecting every error.
struct Reader<'a> {
    src: &'a str,
    col: HashMap<String, usize>,
    /// Whether the plan has a start date (progress dates are dates, else periods).
    dated: bool,
    errs: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn pos(&self, at: usize) -> Option<Pos> {
        Some(Pos::of_offset(self.src, at))
    }

    /// The non-empty cell of column `key` in `row`.
    fn get(&self, row: &[Cell], key: &str) -> Option<Cell> {
        let i = *self.col.get(key)?;
        row.get(i).cloned().filter(|c| !c.text.trim().is_empty())
    }

    /// A cell's number of days, or an error naming the field (`what`) and the task.
    fn number(&mut self, c: &Cell, what: &str, id: &str) -> Option<f64> {
        match c.text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                let d = Diagnostic::error(
                    self.pos(c.at),
                    format!(
                        "`{}` is not a number of days for the {what} of task `{id}`",
                        c.text.trim()
                    ),
                )
                .with_subject(id);
                self.errs.push(d);
                None
            }
        }
    }

    /// One task row; `None` (with an error) when it has no valid id.
    fn row(&mut self, row: &[Cell]) -> Option<Row> {
        let at = row.first().map_or(0, |c| c.at);
        let Some(idc) = self.get(row, "id") else {
            self.errs
                .push(Diagnostic::error(self.pos(at), "a row has an empty `id`"));
            return None;
        };
        let id = idc.text.trim().to_string();
        if !valid_id(&id) {
            let d = Diagnostic::error(
                self.pos(idc.at),
                format!("task id `{id}` may only hold letters, digits, '.', '_' and '-'"),
            )
            .with_subject(&id);
            self.errs.push(d);
            return None;
        }
        let estimate = match self.get(row, "estimate") {
            Some(e) => self.estimate_cell(&e, &id, "estimate"),
            None => self.three_columns(row, &id, at),
        };
        let est_at = self.get(row, "estimate").map_or(at, |c| c.at);
        // A row with a bad estimate is still a task, so that its successors find it.
        let estimate = estimate.unwrap_or(Estimate::Fixed { value: 0.0 });
        if let Estimate::Pert { low, likely, high } = estimate {
            if low > likely || likely > high {
                let d = Diagnostic::error(
                    self.pos(est_at),
                    format!(
                        "task `{id}` has an estimate out of order: low {low}, likely {likely}, high {high}"
                    ),
                )
                .with_subject(&id);
                self.errs.push(d);
            }
        }
        let demand = self.demand(row, &id);
        let team = self.team(row, &id);
        let after = self.after_cells(row);
        let releases = self
            .get(row, "release")
            .map(|c| split_list(&c.text).map(str::to_string).collect())
            .unwrap_or_default();
        let (actual, dates) = self.progress(row, &id);
        Some(Row {
            name: self.get(row, "name").map(|c| c.text.trim().to_string()),
            id,
            team,
            demand,
            estimate,
            after,
            releases,
            actual,
            dates,
            at,
        })
    }

    /// The progress columns (SPEC section 6): `started`, `done`, `remaining`, `progress`,
    /// `not_before` and `due`; the rules across them are plan validation's.
    fn progress(&mut self, row: &[Cell], id: &str) -> (Actual, TaskDates) {
        let when = |cx: &mut Self, key: &str| {
            let c = cx.get(row, key)?;
            cx.when(&c, key, id)
        };
        let started = when(self, "started");
        let done = when(self, "done");
        let not_before = when(self, "not_before");
        let due = when(self, "due");
        let remaining = self
            .get(row, "remaining")
            .and_then(|c| self.estimate_cell(&c, id, "remaining"));
        let progress = self.get(row, "progress").and_then(|c| self.share(&c, id));
        let actual = Actual {
            started,
            done,
            remaining,
            progress,
        };
        (actual, TaskDates { not_before, due })
    }

    /// A point in plan time in column `key`: a date `YYYY-MM-DD` in a dated plan, a period
    /// number (not negative) in an undated one.
    fn when(&mut self, c: &Cell, key: &str, id: &str) -> Option<When> {
        let text = c.text.trim();
        let (found, help) = if self.dated {
            if let Some(d) = parse_date(text) {
                return Some(When::Date(d));
            }
            ("a date (YYYY-MM-DD)", "write dates as YYYY-MM-DD")
        } else {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => return Some(When::Period(x)),
                _ if parse_date(text).is_some() => (
                    "a number of periods: the plan has no start date",
                    "give the plan a start date to use dates",
                ),
                _ => (
                    "a number of periods",
                    "write the time as a period number (0 is the plan's start)",
                ),
            }
        };
        let d = Diagnostic::error(
            self.pos(c.at),
            format!("`{key}` `{text}` of task `{id}` is not {found}"),
        )
        .with_subject(id)
        .with_help(help);
        self.errs.push(d);
        None
    }

    /// The `progress` column: a share in [0, 1), as a fraction (`0.6`) or a percentage (`60%`).
    fn share(&mut self, c: &Cell, id: &str) -> Option<f64> {
        let text = c.text.trim();
        let value = match text.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().ok().map(|x| x / 100.0),
            None => text.parse::<f64>().ok(),
        };
        match value {
            Some(x) if (0.0..1.0).contains(&x) => Some(x),
            _ => {
                let d = Diagnostic::error(
                    self.pos(c.at),
                    format!(
                        "`progress` `{text}` of task `{id}` is not a share in [0, 1) (such as 0.6 or 60%)"
                    ),
                )
                .with_subject(id)
                .with_help("a finished task takes a `done` date instead");
                self.errs.push(d);
                None
            }
        }
    }

    /// The `estimate` column: a number (fixed) or `low/likely/high` (Beta-PERT).
    fn estimate_cell(&mut self, e: &Cell, id: &str, what: &str) -> Option<Estimate> {
        let parts: Vec<&str> = e.text.split('/').map(str::trim).collect();
        match parts.len() {
            1 => self
                .number(e, what, id)
                .map(|value| Estimate::Fixed { value }),
            3 => {
                let v: Vec<Option<f64>> = parts
                    .iter()
                    .map(|p| {
                        let c = Cell {
                            text: (*p).to_string(),
                            at: e.at,
                        };
                        self.number(&c, what, id)
                    })
                    .collect();
                match (v[0], v[1], v[2]) {
                    (Some(low), Some(likely), Some(high)) => {
                        Some(Estimate::Pert { low, likely, high })
                    }
                    _ => None,
                }
            }
            _ => {
                let d = Diagnostic::error(
                    self.pos(e.at),
                    format!(
                        "{what} `{}` of task `{id}` is neither a number nor low/likely/high",
                        e.text.trim()
                    ),
                )
                .with_subject(id);
                self.errs.push(d);
                None
            }
        }
    }

    /// The `low`, `likely` and `high` columns (a fixed estimate when all three agree).
    fn three_columns(&mut self, row: &[Cell], id: &str, at: usize) -> Option<Estimate> {
        let cells: Vec<Option<Cell>> = ["low", "likely", "high"]
            .iter()
            .map(|k| self.get(row, k))
            .collect();
        let (Some(l), Some(m), Some(h)) = (&cells[0], &cells[1], &cells[2]) else {
            let d = Diagnostic::error(self.pos(at), format!("task `{id}` has no estimate"))
                .with_subject(id)
                .with_help("fill `estimate`, or `low`, `likely` and `high`");
            self.errs.push(d);
            return None;
        };
        let l = self.number(l, "low estimate", id);
        let m = self.number(m, "likely estimate", id);
        let h = self.number(h, "high estimate", id);
        match (l, m, h) {
            (Some(low), Some(likely), Some(high)) if low == likely && likely == high => {
                Some(Estimate::Fixed { value: likely })
            }
            (Some(low), Some(likely), Some(high)) => Some(Estimate::Pert { low, likely, high }),
            _ => None,
        }
    }

    /// The `demand` column: a whole number.
    fn demand(&mut self, row: &[Cell], id: &str) -> Option<u32> {
        let c = self.get(row, "demand")?;
        match c.text.trim().parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let d = Diagnostic::error(
                    self.pos(c.at),
                    format!(
                        "demand `{}` of task `{id}` is not a whole number",
                        c.text.trim()
                    ),
                )
                .with_subject(id);
                self.errs.push(d);
                None
            }
        }
    }

    /// The `team` column, checked to be a valid id.
    fn team(&mut self, row: &[Cell], id: &str) -> Option<String> {
        let c = self.get(row, "team")?;
        let t = c.text.trim().to_string();
        if !valid_id(&t) {
            let d = Diagnostic::error(
                self.pos(c.at),
                format!("team `{t}` may only hold letters, digits, '.', '_' and '-'"),
            )
            .with_subject(id);
            self.errs.push(d);
        }
        Some(t)
    }

    /// The predecessor ids of the `after` column, each with where it is written.
    fn after_cells(&self, row: &[Cell]) -> Vec<Cell> {
        let Some(c) = self.get(row, "after") else {
            return Vec::new();
        };
        let mut cells = Vec::new();
        let mut off = 0;
        for part in split_list(&c.text) {
            let rel = c.text[off..].find(part).map_or(0, |k| k + off);
            off = rel + part.len();
            // The offset of a part is exact for unquoted cells, the cell start otherwise.
            let quoted = self.src.get(c.at..c.at + 1) == Some("\"");
            cells.push(Cell {
                text: part.to_string(),
                at: if quoted { c.at } else { c.at + rel },
            });
        }
        cells
    }

    /// The rows' index by id, with an error for each duplicate id.
    fn index<'r>(&mut self, parsed: &'r [Row]) -> HashMap<&'r str, usize> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, r) in parsed.iter().enumerate() {
            if let Some(&first) = index.get(r.id.as_str()) {
                let line = Pos::of_offset(self.src, parsed[first].at).line;
                let d = Diagnostic::error(self.pos(r.at), format!("duplicate task id `{}`", r.id))
                    .with_subject(&r.id)
                    .with_help(format!("the first task `{}` is at line {line}", r.id));
                self.errs.push(d);
            } else {
                index.insert(&r.id, i);
            }
        }
        index
    }

    /// The teams, tasks and releases the rows describe; each team gets the capacity of its
    /// largest demand; unknown and self predecessors are errors.
    fn build(&mut self, parsed: &[Row]) -> (Vec<Team>, Vec<Task>, Vec<Release>) {
        let index = self.index(parsed);
        let ids: Vec<&str> = parsed.iter().map(|r| r.id.as_str()).collect();
        let mut teams: Vec<Team> = Vec::new();
        let mut releases: Vec<Release> = Vec::new();
        let mut tasks = Vec::new();
        for r in parsed {
            let team = r.team.as_ref().map(|name| {
                teams.iter().position(|t| &t.id == name).unwrap_or_else(|| {
                    teams.push(Team::new(name.clone(), 1));
                    teams.len() - 1
                })
            });
            let demand = match team {
                Some(k) => {
                    let d = r.demand.unwrap_or(1);
                    teams[k].capacity = teams[k].capacity.max(d);
                    d
                }
                None => 0,
            };
            let after = self.links(r, &index, &ids);
            let j = tasks.len();
            for rel in &r.releases {
                match releases.iter_mut().find(|x| &x.id == rel) {
                    Some(x) => x.tasks.push(j),
                    None => releases.push(Release::new(rel.clone(), vec![j])),
                }
            }
            let mut task = Task::new(r.id.clone(), r.estimate);
            task.name = r.name.clone().filter(|n| !n.is_empty());
            task.team = team;
            task.demand = demand;
            task.after = after;
            task.actual = r.actual;
            task.dates = r.dates;
            task.pos = self.pos(r.at);
            tasks.push(task);
        }
        (teams, tasks, releases)
    }

    /// Row `r`'s finish-to-start links; an error for each unknown (with the near miss) or
    /// self predecessor.
    fn links(&mut self, r: &Row, index: &HashMap<&str, usize>, ids: &[&str]) -> Vec<Link> {
        let mut after = Vec::new();
        for c in &r.after {
            match index.get(c.text.as_str()) {
                Some(&p) if ids[p] == r.id => {
                    let d = Diagnostic::error(self.pos(c.at), "a task cannot come after itself")
                        .with_subject(&r.id);
                    self.errs.push(d);
                }
                Some(&p) => {
                    let mut link = Link::new(p, LinkKind::FS, 0.0);
                    link.pos = self.pos(c.at);
                    after.push(link);
                }
                None => {
                    let mut d = Diagnostic::error(
                        self.pos(c.at),
                        format!("unknown task `{}` for task `{}`", c.text, r.id),
                    )
                    .with_subject(&r.id);
                    if let Some(s) = suggest(&c.text, ids.iter().copied()) {
                        d.help = Some(format!("did you mean `{s}`?"));
                    }
                    self.errs.push(d);
                }
            }
        }
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let rows = records("a,\"b,\"\"c\"\"\",d\r\n\r\n\"x\ny\",,z", ',').unwrap();
        let text: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(text, vec![vec!["a", "b,\"c\"", "d"], vec!["x\ny", "", "z"]]);
        assert_eq!(rows[0][2].at, 12);
        assert!(records("a,\"b", ',').is_err());
    }
}
