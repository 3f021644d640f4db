//! The shipdate planner: a client-side Leptos app over the same engine as the CLI.
//!
//! - [`state`]: the planner's state as plain data (parse, schedule, last good schedule);
//! - [`storage`]: the plan kept in the browser's `localStorage`, versioned;
//! - [`share`]: share links carrying the plan compressed in the URL fragment;
//! - [`edit`]: the plan-editing tables' edits, applied through the engine's writer;
//! - [`analysis`] and [`worker`]: simulation and window planning in a web worker;
//! - [`compare`]: the diff against a saved version and the scenarios side by side (worker
//!   jobs too);
//! - [`components`]: the editor, the diagnostics list and the schedule tables;
//! - [`pages`]: the screens, built from components.
//!
//! `main.rs` only mounts [`App`].

pub mod analysis;
pub mod compare;
pub mod components;
pub mod edit;
pub mod pages;
pub mod share;
pub mod state;
pub mod storage;
pub mod worker;

use leptos::prelude::*;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! { <pages::PlannerPage /> }
}
