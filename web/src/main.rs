//! Mounts the planner into the page. In the simulation worker (no `window`) the same module
//! is loaded only for [`web::worker::worker_run`]: nothing is mounted there.

fn main() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_none() {
        return;
    }
    leptos::mount::mount_to_body(web::App);
}
