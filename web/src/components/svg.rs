//! An engine-drawn SVG chart. The engine escapes every piece of plan text it writes
//! (`shipdate_engine::svg::escape`), so the markup is inserted as is.

use leptos::prelude::*;

/// One chart, in a scrollable figure.
#[component]
pub fn Svg(
    /// The `<svg>` markup from the engine.
    #[prop(into)]
    svg: Signal<String>,
    /// The figure's `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    view! { <figure class="chart" data-testid=testid inner_html=move || svg.get()></figure> }
}
