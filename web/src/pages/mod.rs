//! Screens.

pub mod planner;

pub use planner::PlannerPage;
