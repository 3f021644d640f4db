//! The validated plan: teams, calendars, tasks, links, risks, correlations and releases.
//!
//! Architecture invariant: the plans the engine hands out (from [`crate::io`], the importers and
//! [`crate::validate::PlanBuilder::build`]) have passed [`crate::validate::validate`], so every
//! index in them is in range, every estimate is ordered (low <= likely <= high), every demand
//! fits its team's capacity, the links form no cycle and every number is within the limits.
//! The constructors here make parts with the plan format's defaults; a plan put together from
//! them is checked by `validate`. `model` knows nothing of petgraph, of calendars' arithmetic or
//! of file formats.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diag::Pos;

/// A validated release plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The plan's name.
    pub name: String,
    /// The first calendar day of the plan; `None` for an undated plan (time in periods from 0).
    pub start: Option<NaiveDate>,
    /// Every calendar, the implicit `standard` one (Mon-Fri, no holidays) included when used.
    pub calendars: Vec<Calendar>,
    /// Index into `calendars` of the plan's default calendar.
    pub default_calendar: usize,
    /// Teams, in file order.
    pub teams: Vec<Team>,
    /// Tasks, in file order.
    pub tasks: Vec<Task>,
    /// Risk events, in file order.
    pub risks: Vec<Risk>,
    /// Rank correlations between task durations.
    pub correlations: Vec<Correlation>,
    /// Releases, in file order (earlier releases are scheduled first).
    pub releases: Vec<Release>,
    /// The status date (`status_date`; `status` in undated plans): what lies before it is
    /// history, and the plan is forecast from it (SPEC section 6). `None`: planned from scratch.
    pub status: Option<When>,
    /// "What if" variants of the plan (SPEC section 7): each replaces some fields of some
    /// teams, tasks, risks and releases. Applied by `scenario::apply`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

/// A scenario (`[[scenarios]]`): the plan with some fields replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Unique id among the scenarios.
    pub id: String,
    /// Human name, when given.
    pub name: Option<String>,
    /// The replaced fields, entity by entity, in the order written (teams, tasks, risks,
    /// releases).
    pub changes: Vec<Change>,
    /// Where the scenario's table is written.
    pub pos: Option<Pos>,
}

impl Scenario {
    /// A scenario without changes or source position.
    pub fn new(id: impl Into<String>) -> Scenario {
        Scenario {
            id: id.into(),
            name: None,
            changes: Vec::new(),
            pos: None,
        }
    }
}

/// One entity of a scenario: which fields it replaces, and the entity as it reads with them
/// replaced (its other fields are the plan's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The entity and its replaced value.
    pub patch: Patch,
    /// The fields replaced, as the plan format names them (`capacity`, `estimate`, ...;
    /// `cut` for a task removed with its links).
    pub fields: Vec<Field>,
    /// Where the entity's entry is written in the scenario's table.
    pub pos: Option<Pos>,
}

impl Change {
    /// A change of these fields (without positions) to `patch`'s entity.
    pub fn new(patch: Patch, fields: &[&str]) -> Change {
        Change {
            patch,
            fields: fields.iter().map(|k| Field::new(*k)).collect(),
            pos: None,
        }
    }

    /// Whether the change cuts its task.
    pub fn is_cut(&self) -> bool {
        matches!(self.patch, Patch::Task { .. }) && self.fields.iter().any(|f| f.key == "cut")
    }
}

/// A replaced field's key and where it is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The key, as in the plan format.
    pub key: String,
    /// Where it is written.
    pub pos: Option<Pos>,
}

impl Field {
    /// A field without position.
    pub fn new(key: impl Into<String>) -> Field {
        Field {
            key: key.into(),
            pos: None,
        }
    }
}

/// The entity a scenario changes (its index in the plan) and its value with the scenario's
/// fields replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Patch {
    /// A team of [`Plan::teams`].
    Team {
        /// Its index.
        team: usize,
        /// The team with the fields replaced.
        value: Team,
    },
    /// A task of [`Plan::tasks`].
    Task {
        /// Its index.
        task: usize,
        /// The task with the fields replaced.
        value: Task,
    },
    /// A risk of [`Plan::risks`].
    Risk {
        /// Its index.
        risk: usize,
        /// The risk with the fields replaced.
        value: Risk,
    },
    /// A release of [`Plan::releases`].
    Release {
        /// Its index.
        release: usize,
        /// The release with the fields replaced.
        value: Release,
    },
}

/// A working calendar: which weekdays are worked, and which dates are holidays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    /// Its name (`[calendars.NAME]`).
    pub id: String,
    /// Worked weekdays, Monday first.
    pub workdays: [bool; 7],
    /// Holidays, sorted and without duplicates.
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// The implicit default calendar: Monday to Friday, no holidays.
    pub fn standard() -> Self {
        Calendar {
            id: "standard".into(),
            workdays: [true, true, true, true, true, false, false],
            holidays: Vec::new(),
        }
    }

    /// How many weekdays it works (1 to 7 in a valid plan).
    pub fn workdays_per_week(&self) -> u32 {
        self.workdays.iter().filter(|&&w| w).count() as u32
    }

    /// Whether `date` is a working day of this calendar.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        use chrono::Datelike;
        self.workdays[date.weekday().num_days_from_monday() as usize]
            && self.holidays.binary_search(&date).is_err()
    }
}

/// A point in plan time as written in the plan: a date (dated plans) or a period (undated).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(untagged)]
pub enum When {
    /// A calendar date.
    Date(NaiveDate),
    /// A period number (undated plans).
    Period(f64),
}

/// A team: capacity, calendar and time off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    /// Its name (`[teams.NAME]`).
    pub id: String,
    /// Its display name, when it has one apart from the id (such as an MS Project resource
    /// name: "Night crew" for `night-crew`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How much work can run at once (people, slots), at least 1.
    pub capacity: u32,
    /// Index into [`Plan::calendars`].
    pub calendar: usize,
    /// Periods of reduced capacity.
    pub time_off: Vec<TimeOff>,
    /// What it has finished per working day or week (SPEC section 9): what its item-sized
    /// tasks are simulated from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<Throughput>,
    /// Where the team is defined.
    pub pos: Option<Pos>,
}

/// What one throughput sample counts: the items finished on one working day, or in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// Items finished per working day.
    Day,
    /// Items finished per week (7 calendar days).
    Week,
}

impl Per {
    /// The word used in plans and output: `day` or `week`.
    pub fn as_str(self) -> &'static str {
        match self {
            Per::Day => "day",
            Per::Week => "week",
        }
    }
}

/// A team's throughput history (`throughput = { per, samples }`, SPEC section 9).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Throughput {
    /// What one sample counts.
    pub per: Per,
    /// Items finished per period, oldest first.
    pub samples: Vec<f64>,
}

impl Throughput {
    /// Samples per working day (`per = "day"`).
    pub fn per_day(samples: Vec<f64>) -> Throughput {
        Throughput {
            per: Per::Day,
            samples,
        }
    }

    /// The mean items finished per working day on a calendar that works `week_days` weekdays:
    /// the samples' mean, divided by `week_days` for weekly samples.
    pub fn daily_mean(&self, week_days: u32) -> f64 {
        match self.per {
            Per::Day => self.mean(),
            Per::Week => self.mean() / f64::from(week_days.max(1)),
        }
    }

    /// The mean of the samples (0 without any).
    pub fn mean(&self) -> f64 {
        if self.samples.is_empty() {
            0.0
        } else {
            self.samples.iter().sum::<f64>() / self.samples.len() as f64
        }
    }
}

/// An item-sized task's size (`items`, optional `split`, SPEC section 9): a count of work items
/// drawn uniformly from the integers `low..=high`, grown by a split factor drawn uniformly from
/// `[split.0, split.1]` and rounded up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Items {
    /// The fewest items.
    pub low: u32,
    /// The most items (`low` for a plain number).
    pub high: u32,
    /// The split factor's range (`low`, `high`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<(f64, f64)>,
}

impl Items {
    /// Exactly `n` items, no split.
    pub fn exactly(n: u32) -> Items {
        Items {
            low: n,
            high: n,
            split: None,
        }
    }

    /// The single-point count `schedule` uses: the middle of the item range times the middle
    /// of the split range (not rounded).
    pub fn point(&self) -> f64 {
        let mid = (f64::from(self.low) + f64::from(self.high)) / 2.0;
        mid * self.split.map_or(1.0, |(a, b)| (a + b) / 2.0)
    }
}

impl Team {
    /// A team of this capacity on calendar 0, without time off or source position.
    pub fn new(id: impl Into<String>, capacity: u32) -> Team {
        Team {
            id: id.into(),
            name: None,
            capacity,
            calendar: 0,
            time_off: Vec::new(),
            throughput: None,
            pos: None,
        }
    }

    /// The same team with this throughput history.
    pub fn with_throughput(mut self, throughput: Throughput) -> Team {
        self.throughput = Some(throughput);
        self
    }
}

/// A period of reduced capacity, inclusive at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeOff {
    /// First day (or period) affected.
    pub from: When,
    /// Last day (or period) affected, inclusive.
    pub to: When,
    /// The team's capacity on those days (0 means the whole team is away: work pauses).
    pub capacity: u32,
}

/// What sort of task this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// Ordinary work.
    #[default]
    Work,
    /// A quality gate (review, regression run, sign-off).
    Gate,
    /// A milestone: duration 0.
    Milestone,
}

/// A duration estimate in working days (periods when undated).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Estimate {
    /// Exactly this long.
    Fixed {
        /// The duration.
        value: f64,
    },
    /// Beta-PERT with lambda 4.
    Pert {
        /// Optimistic.
        low: f64,
        /// Most likely.
        likely: f64,
        /// Pessimistic.
        high: f64,
    },
    /// Triangular.
    Triangular {
        /// Minimum.
        low: f64,
        /// Mode.
        likely: f64,
        /// Maximum.
        high: f64,
    },
    /// Uniform between `low` and `high`.
    Uniform {
        /// Minimum.
        low: f64,
        /// Maximum.
        high: f64,
    },
    /// Lognormal with this median and 90th percentile.
    Lognormal {
        /// Median.
        median: f64,
        /// 90th percentile (> median).
        p90: f64,
    },
}

impl Estimate {
    /// The single-point value used by deterministic scheduling: `likely`, the midpoint for
    /// uniform, the median for lognormal.
    pub fn point(&self) -> f64 {
        match *self {
            Estimate::Fixed { value } => value,
            Estimate::Pert { likely, .. } | Estimate::Triangular { likely, .. } => likely,
            Estimate::Uniform { low, high } => (low + high) / 2.0,
            Estimate::Lognormal { median, .. } => median,
        }
    }

    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Estimate::Fixed { value } => value,
            Estimate::Pert { low, likely, high } => (low + 4.0 * likely + high) / 6.0,
            Estimate::Triangular { low, likely, high } => (low + likely + high) / 3.0,
            Estimate::Uniform { low, high } => (low + high) / 2.0,
            Estimate::Lognormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (sigma * sigma / 2.0).exp()
            }
        }
    }

    /// The smallest value the distribution can take.
    pub fn min(&self) -> f64 {
        match *self {
            Estimate::Fixed { value } => value,
            Estimate::Pert { low, .. }
            | Estimate::Triangular { low, .. }
            | Estimate::Uniform { low, .. } => low,
            Estimate::Lognormal { .. } => 0.0,
        }
    }

    /// The largest value the distribution can take (infinite for a lognormal).
    pub fn max(&self) -> f64 {
        match *self {
            Estimate::Fixed { value } => value,
            Estimate::Pert { high, .. }
            | Estimate::Triangular { high, .. }
            | Estimate::Uniform { high, .. } => high,
            Estimate::Lognormal { .. } => f64::INFINITY,
        }
    }
}

/// The standard normal 90th percentile, used to turn (median, p90) into a lognormal sigma.
pub const Z90: f64 = 1.281_551_565_544_600_5;

/// The type of a dependency link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum LinkKind {
    /// Finish-to-start: the successor starts after the predecessor finishes (+ lag).
    #[default]
    FS,
    /// Start-to-start.
    SS,
    /// Finish-to-finish.
    FF,
    /// Start-to-finish.
    SF,
}

/// A link from a predecessor task to the task that holds it in `after`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Link {
    /// Index of the predecessor in [`Plan::tasks`].
    pub pred: usize,
    /// FS, SS, FF or SF.
    pub kind: LinkKind,
    /// Lag in working days (periods); may be negative.
    pub lag: f64,
    /// Where the link is written.
    pub pos: Option<Pos>,
}

impl Link {
    /// A link from task `pred`, without source position.
    pub fn new(pred: usize, kind: LinkKind, lag: f64) -> Link {
        Link {
            pred,
            kind,
            lag,
            pos: None,
        }
    }
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// Unique id: letters, digits, '.', '_' and '-'.
    pub id: String,
    /// Human name, when given.
    pub name: Option<String>,
    /// Index into [`Plan::teams`]; `None` when not limited by any capacity.
    pub team: Option<usize>,
    /// Capacity units held while it runs (0 when it has no team).
    pub demand: u32,
    /// Further teams and demands held at the same time (PSPLIB jobs use several resources).
    pub extra_demands: Vec<(usize, u32)>,
    /// Its duration estimate (a milestone's is fixed 0; an item-sized task's is fixed 0 and
    /// not used).
    pub estimate: Estimate,
    /// Item-sized work (SPEC section 9): its duration comes from its team's throughput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Items>,
    /// Its predecessors.
    pub after: Vec<Link>,
    /// Work, gate or milestone.
    pub kind: TaskKind,
    /// Whether scope planning may cut it.
    pub optional: bool,
    /// What has happened to it by the status date (SPEC section 6).
    pub actual: Actual,
    /// Date constraints: `not_before` and `due`.
    pub dates: TaskDates,
    /// Where the task is defined.
    pub pos: Option<Pos>,
}

/// A task's recorded progress (SPEC section 6): all `None` for work not started.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Actual {
    /// The day (time, undated) work started.
    pub started: Option<When>,
    /// The last working day it worked (undated: the time it finished): the task is done.
    pub done: Option<When>,
    /// Work left from the status date, in working days (any estimate form).
    pub remaining: Option<Estimate>,
    /// The share of the work done, in [0, 1): remaining = (1 - progress) x the estimate.
    pub progress: Option<f64>,
}

/// A task's date constraints (SPEC section 6).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TaskDates {
    /// It starts no earlier than the start of this day (time, undated).
    pub not_before: Option<When>,
    /// A deadline on its finish date: met when it finishes on or before it.
    pub due: Option<When>,
}

/// Where a task stands at the status date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Finished: history.
    Done,
    /// Started, not finished.
    InProgress,
    /// Neither started nor done.
    NotStarted,
}

impl Actual {
    /// Where the task stands: done, in progress or not started.
    pub fn state(&self) -> TaskState {
        if self.done.is_some() {
            TaskState::Done
        } else if self.started.is_some() {
            TaskState::InProgress
        } else {
            TaskState::NotStarted
        }
    }
}

impl Task {
    /// Work with this estimate and the plan format's defaults: no name, no team, no links,
    /// not optional, no source position.
    pub fn new(id: impl Into<String>, estimate: Estimate) -> Task {
        Task {
            id: id.into(),
            name: None,
            team: None,
            demand: 0,
            extra_demands: Vec::new(),
            estimate,
            items: None,
            after: Vec::new(),
            kind: TaskKind::Work,
            optional: false,
            actual: Actual::default(),
            dates: TaskDates::default(),
            pos: None,
        }
    }

    /// A milestone: no duration, no team.
    pub fn milestone(id: impl Into<String>) -> Task {
        Task {
            kind: TaskKind::Milestone,
            ..Task::new(id, Estimate::Fixed { value: 0.0 })
        }
    }

    /// Item-sized work (SPEC section 9) of these items; give it a team with a throughput.
    pub fn items(id: impl Into<String>, items: Items) -> Task {
        Task {
            items: Some(items),
            ..Task::new(id, Estimate::Fixed { value: 0.0 })
        }
    }

    /// The same task, holding `demand` units of team `team` while it runs.
    pub fn on_team(mut self, team: usize, demand: u32) -> Task {
        self.team = Some(team);
        self.demand = demand;
        self
    }

    /// Every (team, demand) pair this task holds while it runs.
    pub fn demands(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.team
            .map(|t| (t, self.demand))
            .into_iter()
            .chain(self.extra_demands.iter().copied())
            .filter(|&(_, d)| d > 0)
    }

    /// The name to show: its name if it has one, else its id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// A risk event: with some probability, every listed task takes longer by a sampled impact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// Unique id.
    pub id: String,
    /// Probability of firing in one iteration, in (0, 1].
    pub probability: f64,
    /// Extra working days, sampled once per firing.
    pub impact: Estimate,
    /// Indices of the tasks it delays.
    pub tasks: Vec<usize>,
    /// Open, closed or occurred (SPEC section 6).
    pub status: RiskStatus,
    /// Where the risk is defined.
    pub pos: Option<Pos>,
}

/// Whether a risk can still fire (SPEC section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskStatus {
    /// It may fire, with its probability.
    #[default]
    Open,
    /// It can no longer fire.
    Closed,
    /// It has fired: its impact applies in every iteration, and `schedule` adds its
    /// single-point impact to its tasks.
    Occurred,
}

impl Risk {
    /// A risk on these tasks, without source position.
    pub fn new(
        id: impl Into<String>,
        probability: f64,
        impact: Estimate,
        tasks: Vec<usize>,
    ) -> Risk {
        Risk {
            id: id.into(),
            probability,
            impact,
            tasks,
            status: RiskStatus::Open,
            pos: None,
        }
    }
}

/// A rank correlation between the sampled durations of the listed tasks (pairwise).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// Indices of the tasks.
    pub tasks: Vec<usize>,
    /// Rank correlation coefficient in [0, 1).
    pub coefficient: f64,
    /// Where it is defined.
    pub pos: Option<Pos>,
}

impl Correlation {
    /// A correlation of these tasks, without source position.
    pub fn new(tasks: Vec<usize>, coefficient: f64) -> Correlation {
        Correlation {
            tasks,
            coefficient,
            pos: None,
        }
    }
}

/// Recurring deploy windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cadence {
    /// Dated plans: these weekdays, every `every_weeks` weeks, from a date on.
    Weekly {
        /// Deploy weekdays, Monday first.
        weekdays: [bool; 7],
        /// 1 = every week, 2 = every other week, ...
        every_weeks: u32,
        /// The first week counted (and no window before this date).
        from: NaiveDate,
    },
    /// Undated plans: a window every `every` periods from `from`.
    Periodic {
        /// Distance between windows, in periods (> 0).
        every: f64,
        /// The first window.
        from: f64,
    },
}

/// A change freeze: windows inside it (inclusive) are closed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Freeze {
    /// First frozen day (period).
    pub from: When,
    /// Last frozen day (period), inclusive.
    pub to: When,
}

/// A release: a set of tasks that ships together on a deploy window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Release {
    /// Unique id.
    pub id: String,
    /// Indices of its tasks: it is ready when they (and so all they depend on) are finished.
    pub tasks: Vec<usize>,
    /// When it is wanted by.
    pub target: Option<When>,
    /// Explicit deploy windows.
    pub windows: Vec<When>,
    /// Recurring deploy windows.
    pub cadence: Option<Cadence>,
    /// Change freezes.
    pub freeze: Vec<Freeze>,
    /// Worth of shipping it on time, for scope planning (default 1).
    pub value: f64,
    /// When it shipped (SPEC section 6): reported as such, not forecast.
    pub deployed: Option<When>,
    /// Where the release is defined.
    pub pos: Option<Pos>,
}

impl Release {
    /// A release of these tasks with the plan format's defaults: no target, no deploy windows,
    /// cadence or freeze, value 1, no source position.
    pub fn new(id: impl Into<String>, tasks: Vec<usize>) -> Release {
        Release {
            id: id.into(),
            tasks,
            target: None,
            windows: Vec::new(),
            cadence: None,
            freeze: Vec::new(),
            value: 1.0,
            deployed: None,
            pos: None,
        }
    }
}

impl Plan {
    /// An empty undated plan with this name on the implicit `standard` calendar. Fill it, then
    /// check it with [`crate::validate::validate`] (or use [`crate::validate::PlanBuilder`]).
    pub fn new(name: impl Into<String>) -> Plan {
        Plan {
            name: name.into(),
            start: None,
            calendars: vec![Calendar::standard()],
            default_calendar: 0,
            teams: Vec::new(),
            tasks: Vec::new(),
            risks: Vec::new(),
            correlations: Vec::new(),
            releases: Vec::new(),
            status: None,
            scenarios: Vec::new(),
        }
    }

    /// Whether any task has recorded progress (`started` or `done`).
    pub fn has_progress(&self) -> bool {
        self.tasks
            .iter()
            .any(|t| t.actual.started.is_some() || t.actual.done.is_some())
    }

    /// The single-point duration of task `j` when it is item-sized (SPEC section 9), in its
    /// team's working days: the middle of its item and split ranges over `demand / capacity`
    /// of its team's mean throughput per working day. `None` for a task with no `items`, no
    /// team, or a team without throughput; infinite when that share is 0.
    pub fn items_point(&self, j: usize) -> Option<f64> {
        let t = &self.tasks[j];
        let items = t.items?;
        let team = &self.teams[t.team?];
        let tp = team.throughput.as_ref()?;
        let week_days = self.calendars[team.calendar].workdays_per_week();
        let share = f64::from(t.demand) / f64::from(team.capacity.max(1));
        Some(items.point() / (tp.daily_mean(week_days) * share))
    }

    /// Task `j`'s single-point duration before progress: 0 for a milestone, its items' single
    /// point ([`Plan::items_point`]) when item-sized, else its estimate's point.
    pub fn duration_point(&self, j: usize) -> f64 {
        let t = &self.tasks[j];
        match t.kind {
            TaskKind::Milestone => 0.0,
            _ => self.items_point(j).unwrap_or(t.estimate.point()),
        }
    }

    /// Whether the plan has a start date (time in working days) or not (time in periods).
    pub fn is_dated(&self) -> bool {
        self.start.is_some()
    }

    /// The index of the task with this id.
    pub fn task_index(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The index of the team with this id.
    pub fn team_index(&self, id: &str) -> Option<usize> {
        self.teams.iter().position(|t| t.id == id)
    }
}
