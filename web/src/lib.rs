//! The shipdate planner: a client-side Leptos app over the engine.
