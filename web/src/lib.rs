//! The shipdate planner: a client-side Leptos app over the same engine as the CLI.
//!
//! - [`state`]: the planner's state as plain data (parse, schedule, last good schedule);
//! - [`storage`]: the plan kept in the browser's `localStorage`, versioned;
//! - [`components`]: the editor, the diagnostics list and the schedule tables;
//! - [`pages`]: the screens, built from components.
//!
//! `main.rs` only mounts [`App`].

pub mod components;
pub mod pages;
pub mod state;
pub mod storage;

use leptos::prelude::*;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! { <pages::PlannerPage /> }
}
