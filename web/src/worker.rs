//! Simulation and window planning off the main thread.
//!
//! The worker (`worker.js`, a module worker) loads the same `web.js` and `web_bg.wasm` as the
//! page; the app's start function does not mount anything there (no `window`). Jobs go in as
//! JSON [`Request`]s, progress and results come back as JSON [`Reply`]s. [`worker_run`] is the
//! worker's side; [`Client`] the page's. Cancelling terminates the worker: the next job starts
//! a fresh one.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::analysis::{self, Reply, Request};

thread_local! {
    static POST: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

fn json(reply: &Reply) -> String {
    serde_json::to_string(reply).expect("replies always serialize")
}

/// The worker's side: runs one JSON [`Request`], posting JSON [`Reply::Progress`] messages
/// through `post` after each batch of iterations, and returns the JSON [`Reply`].
#[wasm_bindgen]
pub fn worker_run(request: &str, post: js_sys::Function) -> String {
    let req: Request = match serde_json::from_str(request) {
        Ok(r) => r,
        Err(e) => {
            return json(&Reply::Failed {
                id: 0,
                message: format!("not a job: {e}"),
            })
        }
    };
    let (id, total) = match &req {
        Request::Simulate { id, iterations, .. } => (*id, *iterations),
        Request::Windows { id, .. } => (*id, 0),
    };
    POST.with(|p| *p.borrow_mut() = Some(post));
    let progress = move |done: usize| {
        POST.with(|p| {
            if let Some(f) = p.borrow().as_ref() {
                let msg = json(&Reply::Progress { id, done, total });
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            }
        })
    };
    let reply = analysis::run(&req, &progress);
    POST.with(|p| *p.borrow_mut() = None);
    json(&reply)
}

/// The page's handle on a running worker.
pub struct Client {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Client {
    /// Starts `worker.js` (next to the page) as a module worker; every reply goes to
    /// `on_reply`.
    pub fn spawn(on_reply: impl Fn(Reply) + Clone + 'static) -> Result<Client, String> {
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("worker.js", &opts)
            .map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let f = on_reply.clone();
        let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
            let reply = e
                .data()
                .as_string()
                .and_then(|s| serde_json::from_str::<Reply>(&s).ok())
                .unwrap_or(Reply::Failed {
                    id: 0,
                    message: "the worker sent an unreadable message".into(),
                });
            f(reply);
        });
        let on_error = Closure::<dyn FnMut(_)>::new(move |e: web_sys::ErrorEvent| {
            on_reply(Reply::Failed {
                id: 0,
                message: format!("the worker failed: {}", e.message()),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends a job.
    pub fn post(&self, req: &Request) -> Result<(), String> {
        let msg = serde_json::to_string(req).expect("requests always serialize");
        self.worker
            .post_message(&JsValue::from_str(&msg))
            .map_err(|e| format!("{e:?}"))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
