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

/// The job in `request`, or the JSON [`Reply::Failed`] saying why it is not one.
fn parse(request: &str) -> Result<Request, String> {
    serde_json::from_str(request).map_err(|e| {
        json(&Reply::Failed {
            id: 0,
            message: format!("not a job: {e}"),
        })
    })
}

/// Runs `job` with `post` as the current job's progress channel (see [`progress`]).
fn with_post<T>(post: js_sys::Function, job: impl FnOnce() -> T) -> T {
    POST.with(|p| *p.borrow_mut() = Some(post));
    let out = job();
    POST.with(|p| *p.borrow_mut() = None);
    out
}

/// The worker's side: runs one JSON [`Request`], posting JSON [`Reply::Progress`] messages
/// through `post` after each batch of iterations, and returns the JSON [`Reply`].
#[wasm_bindgen]
pub fn worker_run(request: &str, post: js_sys::Function) -> String {
    let req = match parse(request) {
        Ok(r) => r,
        Err(failed) => return failed,
    };
    let (id, total) = match &req {
        Request::Simulate { id, iterations, .. } => (*id, *iterations),
        _ => (0, 0),
    };
    json(&with_post(post, || {
        analysis::run(&req, &move |done| progress(id, 0, done, total))
    }))
}

/// Posts a progress message through the current job's `post` function.
fn progress(id: u32, part: usize, done: usize, total: usize) {
    POST.with(|p| {
        if let Some(f) = p.borrow().as_ref() {
            let msg = json(&Reply::Progress {
                id,
                done,
                total,
                part,
            });
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
        }
    })
}

/// The worker's side of a [`Request::SimulatePart`]: the part's bytes (a `Uint8Array`), or a
/// JSON [`Reply::Failed`] string.
#[wasm_bindgen]
pub fn worker_part(request: &str, post: js_sys::Function) -> JsValue {
    let req = match parse(request) {
        Ok(r) => r,
        Err(failed) => return JsValue::from_str(&failed),
    };
    let (id, part, total) = match &req {
        Request::SimulatePart {
            id,
            part,
            iterations,
            from,
            to,
            ..
        } => {
            let b = shipdate_engine::simulate::BATCH;
            (
                *id,
                *part,
                ((to * b).min(*iterations)).saturating_sub(from * b),
            )
        }
        _ => (0, 0, 0),
    };
    match with_post(post, || {
        analysis::run_part(&req, &|done| progress(id, part, done, total))
    }) {
        Ok(bytes) => js_sys::Uint8Array::from(bytes.as_slice()).into(),
        Err(reply) => JsValue::from_str(&json(&reply)),
    }
}

/// The worker's side of a [`Request::Merge`]: `parts` is an array of the parts' bytes; returns
/// the JSON [`Reply`].
#[wasm_bindgen]
pub fn worker_merge(request: &str, parts: js_sys::Array) -> String {
    let req = match parse(request) {
        Ok(r) => r,
        Err(failed) => return failed,
    };
    let bytes: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| js_sys::Uint8Array::new(&p).to_vec())
        .collect();
    json(&analysis::run_merge(&req, &bytes))
}

/// What a worker sends back.
pub enum Incoming {
    /// A JSON reply.
    Reply(Reply),
    /// The bytes of part `part` of job `id`.
    Part {
        /// Job number.
        id: u32,
        /// Which part.
        part: usize,
        /// The bytes.
        bytes: js_sys::Uint8Array,
    },
}

fn incoming(data: JsValue) -> Incoming {
    if let Some(s) = data.as_string() {
        return Incoming::Reply(serde_json::from_str::<Reply>(&s).unwrap_or(Reply::Failed {
            id: 0,
            message: "the worker sent an unreadable message".into(),
        }));
    }
    let get = |k: &str| js_sys::Reflect::get(&data, &JsValue::from_str(k)).ok();
    match (get("id"), get("part"), get("bytes")) {
        (Some(id), Some(part), Some(bytes)) if bytes.is_instance_of::<js_sys::Uint8Array>() => {
            Incoming::Part {
                id: id.as_f64().unwrap_or(0.0) as u32,
                part: part.as_f64().unwrap_or(0.0) as usize,
                bytes: bytes.unchecked_into(),
            }
        }
        _ => Incoming::Reply(Reply::Failed {
            id: 0,
            message: "the worker sent an unreadable message".into(),
        }),
    }
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
        Self::spawn_with(move |m| match m {
            Incoming::Reply(r) => on_reply(r),
            Incoming::Part { id, .. } => on_reply(Reply::Failed {
                id,
                message: "unexpected part".into(),
            }),
        })
    }

    /// Starts a worker whose replies and parts go to `on_message`.
    pub fn spawn_with(on_message: impl Fn(Incoming) + Clone + 'static) -> Result<Client, String> {
        let on_reply = on_message;
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("worker.js", &opts)
            .map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let f = on_reply.clone();
        let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
            f(incoming(e.data()));
        });
        let on_error = Closure::<dyn FnMut(_)>::new(move |e: web_sys::ErrorEvent| {
            on_reply(Incoming::Reply(Reply::Failed {
                id: 0,
                message: format!("the worker failed: {}", e.message()),
            }));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends a part job (answered with [`Incoming::Part`]).
    pub fn post_part(&self, req: &Request) -> Result<(), String> {
        let msg = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
        let job = serde_json::to_string(req).expect("requests always serialize");
        set("op", &JsValue::from_str("part")).map_err(|e| format!("{e:?}"))?;
        set("job", &JsValue::from_str(&job)).map_err(|e| format!("{e:?}"))?;
        self.worker.post_message(&msg).map_err(|e| format!("{e:?}"))
    }

    /// Sends a merge job with the parts' bytes (moved to the worker, not copied).
    pub fn post_merge(&self, req: &Request, parts: &[js_sys::Uint8Array]) -> Result<(), String> {
        let msg = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
        let job = serde_json::to_string(req).expect("requests always serialize");
        let list = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        for p in parts {
            list.push(p);
            transfer.push(&p.buffer());
        }
        set("op", &JsValue::from_str("merge")).map_err(|e| format!("{e:?}"))?;
        set("job", &JsValue::from_str(&job)).map_err(|e| format!("{e:?}"))?;
        set("parts", &list).map_err(|e| format!("{e:?}"))?;
        self.worker
            .post_message_with_transfer(&msg, &transfer)
            .map_err(|e| format!("{e:?}"))
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
