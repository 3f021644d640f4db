//! Microsoft Project XML (MSPDI): the format MS Project saves as "XML", and that MPXJ-based
//! tools (ProjectLibre, GanttProject, Primavera converters, ...) read and write.
//!
//! # Reading ([`import`])
//!
//! - Tasks: every task that is not a summary (`Summary = 1`, or followed by tasks of a deeper
//!   `OutlineLevel`), not the project summary (UID 0 at outline level 0), not a blank row
//!   (`IsNull`) and not inactive. Summary tasks are flattened away: a link *from* a summary
//!   becomes a link from each of the tasks under it, a link *to* a summary a link to each of
//!   them (exact for finish-to-start and start-to-start links: the summary finishes when its
//!   last task does and starts when its first does; for the other types it is the
//!   conservative reading, noted).
//! - Durations (`PT40H0M0S`) become working days through the project's `MinutesPerDay`
//!   (480 by default); elapsed durations (`DurationFormat` elapsed minutes, hours, days,
//!   weeks or months) at the calendar's share of working days, like elapsed lags (one elapsed
//!   week on a Monday-to-Friday calendar is five working days). A zero duration is a
//!   milestone. When `Duration1`, `Duration2` and `Duration3` hold an ordered optimistic /
//!   expected / pessimistic triple whose expected value is the duration (MS Project's PERT
//!   analysis fields, as [`export`] writes them), the estimate is that Beta-PERT; otherwise it
//!   is fixed.
//! - Links: FS, SS, FF and SF with their lags (`LinkLag` in tenths of working minutes; elapsed
//!   lags are converted at the calendar's share of working days; percent lags as that share of
//!   the predecessor's duration).
//! - Calendars: the project calendar (`CalendarUID`) is the plan's default: its working
//!   weekdays and its non-working exceptions (both the `WeekDay DayType=0` form and the
//!   `Exceptions` form; base calendars resolved) as holidays. A resource calendar whose
//!   weekdays differ from its base becomes a calendar of its own; its own non-working
//!   exceptions become the team's time off (capacity 0).
//! - Resources: every work resource becomes a team with capacity `MaxUnits` (rounded, at
//!   least one) and the resource's name as its display name (`name`); availability periods below it
//!   become time off. A task's assignments give its team and demand (`Units`, rounded, at
//!   least 1: demands are whole numbers, so fractional units such as 0.5 are noted with the
//!   task and the units).
//! - Ids: the `Text1` field when the file names it `shipdate id` (as [`export`] does), else
//!   a slug of the task's (or resource's) name, made unique; release membership from `Text2`
//!   when the file names it `shipdate releases`.
//! - Progress and date constraints (SPEC section 6): `StatusDate` (without one, in a file
//!   with actuals, the `CurrentDate` or the latest actual, noted), `ActualStart` and
//!   `ActualFinish` as `started` and `done`, `RemainingDuration` of a started task as a fixed
//!   `remaining`, `PercentComplete` as `progress` when it has none; start-no-earlier-than
//!   and must-start-on constraints (and a manually scheduled task's start) as `not_before`,
//!   finish-no-later-than constraints and `Deadline` as `due`. A moment after the start of
//!   the working day counts from the next day. Other constraint types are noted and
//!   dropped; an unreadable date is an error at its element.
//! - Over-allocation: when the file's own task dates make a team's demands add up to more
//!   than its capacity at some moment, a warning names the resource and the moment: shipdate
//!   levels the plan, so those dates will move.
//!
//! A document whose root is not `<Project>` in MS Project's namespace
//! (`http://schemas.microsoft.com/project`) is refused: an MSBuild `.csproj` or a LabVIEW
//! project is also a `<Project>`. The element tree is built and freed without recursion, so
//! no nesting depth can overflow the stack. Text decoding (UTF-16, a byte-order mark) is the
//! caller's: [`import`] takes text.
//!
//! Anything approximated or dropped (constraint types other than the above, working exceptions, recurring exceptions,
//! elapsed lags and durations, fractional units, assignments to material resources, ...) is
//! listed in [`Imported::notes`].
//!
//! # Writing ([`export`])
//!
//! The plan and its deterministic schedule: one calendar per plan calendar (working time
//! 08:00-16:00, holidays as exceptions), one resource per team (`MaxUnits` = capacity, time off
//! as availability periods, whole-team absence as exceptions of its resource calendar; a team
//! with a display name is written under that name, its id in the resource's `Text1`), one
//! task per task with its scheduled `Start` and `Finish` (fractions of a working day as times
//! of day), `Duration`, `TotalSlack`, `Critical`, its links and lags, an assignment per demand,
//! and a "start no earlier than" constraint where capacity, not a link, set the start of a task
//! not started (so that MS Project, which does not level resources by default, keeps the
//! dates) or else at its `not_before` (also kept in `Date1`, named `shipdate not before`, so
//! that [`import`] tells the two apart), `due` as its `Deadline`, and progress: `StatusDate`,
//! `ActualStart`, `ActualFinish`, `PercentComplete`, `ActualDuration` and `RemainingDuration`
//! (none for a task given as a share done, so that it reads back as that share). Undated plans
//! are written on a seven-day calendar from Monday 2001-01-01, one period a day.

mod read;
mod write;
mod xml;

pub use read::{import, Imported};
pub use write::export;

/// The MSPDI namespace: the root `<Project>` of every MS Project XML file is in it.
const NAMESPACE: &str = "http://schemas.microsoft.com/project";
/// The MSPDI field id of `Text1` (the shipdate task id).
const TEXT1: &str = "188743731";
/// The MSPDI field id of `Text2` (the releases a task belongs to).
const TEXT2: &str = "188743734";
/// The MSPDI field id of a resource's `Text1` (the shipdate team id, when the team has a
/// display name of its own).
const RESOURCE_TEXT1: &str = "205520904";
/// The MSPDI field ids of `Duration1`, `Duration2`, `Duration3` (PERT: optimistic, expected,
/// pessimistic).
const DURATION123: [&str; 3] = ["188743783", "188743784", "188743785"];
/// The MSPDI field id of a task's `Date1` (the plan's `not_before`, in files shipdate wrote).
const DATE1: &str = "188743945";
/// The alias [`export`] gives `Date1`; [`import`] reads `not_before` from `Date1` only under
/// it (and then takes start-no-earlier-than constraints for the export's pins).
const NOT_BEFORE_ALIAS: &str = "shipdate not before";
/// The alias [`export`] gives `Text1` (of tasks and of resources); [`import`] reads ids from
/// `Text1` only under it.
const ID_ALIAS: &str = "shipdate id";
/// The alias [`export`] gives `Text2`.
const RELEASES_ALIAS: &str = "shipdate releases";
/// `LagFormat` and `DurationFormat` values of elapsed time (minutes, hours, days, weeks,
/// months; estimated or not).
const ELAPSED_FORMATS: [i64; 10] = [4, 6, 8, 10, 12, 36, 38, 40, 42, 44];
/// Working minutes in a day of an exported file.
const MINUTES_PER_DAY: f64 = 480.0;
/// Undated plans are written from this Monday, one period a day.
const UNDATED_EPOCH: (i32, u32, u32) = (2001, 1, 1);
