//! # shipdate-engine
//!
//! The release-planning engine behind the `shipdate` CLI and the browser planner.
//!
//! A plan (teams, tasks, links, risks, releases) is read from TOML, JSON or PSPLIB text by
//! [`io`], validated into a [`model::Plan`] (a constructed plan is always valid), and then
//! answered three ways:
//!
//! - [`graph`]: the dependency graph, cycle detection and the critical-path method;
//! - [`schedule`]: a resource-feasible dated schedule under team capacity and calendars;
//! - [`simulate`]: Monte Carlo delay risk; [`optimize`]: release scope and window planning.
//!
//! The engine does no I/O and never prints: it takes text and returns data or typed errors.
//!
//! ```
//! let plan = shipdate_engine::io::parse_str(
//!     "[plan]\nname = \"demo\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n",
//!     shipdate_engine::io::Format::Toml,
//! ).unwrap();
//! let report = shipdate_engine::schedule::schedule(&plan);
//! assert_eq!(report.makespan, 3.0);
//! ```
#![deny(missing_docs)]

pub mod calendar;
pub mod diag;
pub mod edit;
pub mod graph;
pub mod html;
pub mod interchange;
pub mod io;
// Index loops over parallel arrays (durations, starts, demands by task) read best as such in
// the leveling kernels.
#[allow(clippy::needless_range_loop)]
pub mod leveling;
pub mod lint;
pub mod model;
pub mod optimize;
pub mod report;
pub mod schedule;
pub mod simulate;
pub mod svg;
pub mod view;
pub mod views;

pub use diag::{Diagnostic, Severity};
pub use model::Plan;
