//! The stable-toolchain fuzz loop: a seeded mutator over the checked-in corpus, each run on a
//! worker thread watched by a clock. A panic is caught (and the loop goes on); a run past the
//! time bound ends the loop, since a thread cannot be stopped from outside. Every failing
//! input is written to the output folder with what happened.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{mutate, pipeline_input, run, Rng, Target};

/// How long, and how, to fuzz one target.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Stop after this many generated inputs (besides the corpus)...
    pub iterations: u64,
    /// ... or after this long, whichever comes first.
    pub duration: Duration,
    /// The seed of the mutator.
    pub seed: u64,
    /// A run longer than this is a hang.
    pub timeout: Duration,
    /// Where failing inputs are written (`None`: nowhere).
    pub out: Option<PathBuf>,
}

/// One failing input.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What happened: the panic message with its location, or "hang".
    pub what: String,
    /// The input.
    pub input: Vec<u8>,
    /// Where it was saved, if it was.
    pub saved: Option<PathBuf>,
}

/// What a fuzzing session of one target did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Inputs run, corpus included.
    pub executions: u64,
    /// Of those, inputs the target accepted (read as a plan).
    pub accepted: u64,
    /// One failure per distinct place (panic location, or a hang).
    pub failures: Vec<Failure>,
    /// Whether the session ended on a hang (the worker thread is left running).
    pub hung: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// The files of `dir` (sorted), or none if it does not exist.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The last panic of a thread without a name (one a target started, such as a rayon
/// worker): the fuzz worker waiting for that target reports it.
static UNNAMED_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

thread_local! {
    /// The last panic of this thread, as the hook recorded it (each worker reads its own, so
    /// targets fuzzed at the same time never mix their reports).
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The name of the threads that run inputs: only their panics are recorded quietly.
const WORKER: &str = "fuzz-worker";

/// Installs (once) a panic hook that records the message and location of a panic on a fuzz
/// worker thread, or on a thread without a name that a target started, quietly (the runner
/// reports them). A panic on any other named thread (a failing assertion of a test running
/// beside the fuzzer) goes to the hook that was there before, so its message is printed as
/// usual.
pub fn quiet_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_string);
            if name.as_deref().is_some_and(|n| n != WORKER) {
                previous(info);
                return;
            }
            let loc = info
                .location()
                .map_or(String::new(), |l| format!("{}:{}", l.file(), l.line()));
            let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                String::from("(no message)")
            };
            let first_line = msg.lines().next().unwrap_or("").to_string();
            let what = format!("panic at {loc}: {first_line}");
            if name.is_none() {
                if let Ok(mut last) = UNNAMED_PANIC.lock() {
                    *last = Some(what);
                }
            } else {
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(what));
            }
        }));
    });
}

type Job = (Target, Vec<u8>);
type Done = Result<bool, String>;

/// A worker thread that runs inputs one at a time and catches their panics.
struct Worker {
    jobs: mpsc::Sender<Job>,
    done: mpsc::Receiver<Done>,
}

impl Worker {
    fn start() -> Worker {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (done_tx, done) = mpsc::channel::<Done>();
        std::thread::Builder::new()
            .name(WORKER.into())
            .stack_size(64 << 20)
            .spawn(move || {
                for (target, input) in job_rx {
                    let r = std::panic::catch_unwind(|| run(target, &input)).map_err(|_| {
                        LAST_PANIC
                            .with(|l| l.borrow_mut().take())
                            .or_else(|| UNNAMED_PANIC.lock().ok().and_then(|mut l| l.take()))
                            .unwrap_or_else(|| "panic".to_string())
                    });
                    if done_tx.send(r).is_err() {
                        break;
                    }
                }
            })
            .expect("start the fuzz worker");
        Worker { jobs, done }
    }

    /// Runs one input: `None` if it did not end within `timeout`.
    fn run(&self, target: Target, input: Vec<u8>, timeout: Duration) -> Option<Done> {
        self.jobs.send((target, input)).ok()?;
        self.done.recv_timeout(timeout).ok()
    }
}

/// The place of a failure, for telling distinct failures apart: the panic's location
/// (its message less the numbers that vary), or "hang".
fn place(what: &str) -> String {
    what.split(": ")
        .take(2)
        .collect::<Vec<_>>()
        .join(": ")
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Fuzzes `target`: first every file in `seeds` (the corpus and the regressions), then
/// mutants until `settings` says stop or a run hangs.
pub fn fuzz(target: Target, seeds: &[Vec<u8>], settings: &Settings) -> Outcome {
    quiet_panics();
    let worker = Worker::start();
    let started = Instant::now();
    let mut rng = Rng::new(settings.seed ^ (target as u64).wrapping_mul(0x1000_0001));
    let mut queue: Vec<Vec<u8>> = seeds.to_vec();
    let mut out = Outcome::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut generated = 0u64;
    let mut next_seed = 0usize;
    loop {
        let input = if next_seed < seeds.len() {
            next_seed += 1;
            seeds[next_seed - 1].clone()
        } else {
            if generated >= settings.iterations || started.elapsed() >= settings.duration {
                break;
            }
            generated += 1;
            if target == Target::Pipeline {
                pipeline_input(&queue, &mut rng)
            } else if queue.is_empty() {
                mutate(b"", b"", &mut rng)
            } else {
                let base = rng.below(queue.len());
                let other = rng.below(queue.len());
                mutate(&queue[base], &queue[other], &mut rng)
            }
        };
        if let Some(dir) = &settings.out {
            // Saved before the run, so that an abort (a stack overflow) leaves it behind.
            let _ = std::fs::write(
                dir.join(format!("current-{}.{}", target.name(), target.ext())),
                &input,
            );
        }
        out.executions += 1;
        match worker.run(target, input.clone(), settings.timeout) {
            Some(Ok(accepted)) => {
                if accepted {
                    out.accepted += 1;
                    if next_seed >= seeds.len() && queue.len() < 2000 {
                        queue.push(input);
                    } else if next_seed >= seeds.len() && rng.one_in(4) {
                        let i = rng.below(queue.len());
                        queue[i] = input;
                    }
                }
            }
            Some(Err(what)) => {
                let key = place(&what);
                if seen.insert(key) {
                    let saved = save(settings, target, &input, &what, out.failures.len());
                    out.failures.push(Failure { what, input, saved });
                }
            }
            None => {
                let what = format!("hang: no answer within {:?}", settings.timeout);
                let saved = save(settings, target, &input, &what, out.failures.len());
                out.failures.push(Failure { what, input, saved });
                out.hung = true;
                break;
            }
        }
    }
    if let Some(dir) = &settings.out {
        let _ =
            std::fs::remove_file(dir.join(format!("current-{}.{}", target.name(), target.ext())));
    }
    out.elapsed = started.elapsed();
    out
}

fn save(
    settings: &Settings,
    target: Target,
    input: &[u8],
    what: &str,
    n: usize,
) -> Option<PathBuf> {
    let dir = settings.out.as_ref()?;
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(format!(
        "{}-{}-{n}.{}",
        target.name(),
        settings.seed,
        target.ext()
    ));
    std::fs::write(&path, input).ok()?;
    std::fs::write(
        path.with_extension(format!("{}.txt", target.ext())),
        format!("{what}\n"),
    )
    .ok()?;
    Some(path)
}
