//! Helpers shared by every test module: the `shipdate` binary, paths into the repository and
//! scratch directories. A module brings in what it uses (`use crate::util::{shipdate, Run};`)
//! instead of defining its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `shipdate` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_shipdate");
/// The repository root (the CLI package's directory).
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The example plan every command is tried on.
pub const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/checkout.toml");

/// A path under the repository root.
pub fn path(rel: &str) -> String {
    format!("{ROOT}/{rel}")
}

/// A file of `tests/data/`.
pub fn data(name: &str) -> String {
    format!("{ROOT}/tests/data/{name}")
}

/// The directory of the PSPLIB and Patterson instances: `$SHIPDATE_PSPLIB`, or `shared/psplib`
/// in the nearest directory above the repository that has one.
pub fn psplib_dir() -> String {
    if let Ok(dir) = std::env::var("SHIPDATE_PSPLIB") {
        return dir;
    }
    Path::new(ROOT)
        .ancestors()
        .map(|a| a.join("shared/psplib"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| panic!("no shared/psplib above {ROOT}"))
        .to_string_lossy()
        .into_owned()
}

/// A fresh, empty scratch directory under cargo's temporary directory for tests. Give each
/// test its own name (prefixed by its module's) so that tests running at once never share one.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// What a run of the binary gave: its exit code and its output as text.
#[derive(Debug)]
pub struct Run {
    /// The exit code (a run killed by a signal fails the test).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.code == 0
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().expect("exit code"),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        }
    }
}

/// The binary with these arguments, run in the repository root.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).current_dir(ROOT);
    c
}

/// Runs the binary in the repository root, standard input closed.
pub fn shipdate(args: &[&str]) -> Run {
    shipdate_in(Path::new(ROOT), args)
}

/// Runs the binary in `dir`, standard input closed.
pub fn shipdate_in(dir: &Path, args: &[&str]) -> Run {
    command(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run shipdate")
        .into()
}

/// Runs the binary in the repository root with `stdin` as its standard input (`None`: closed).
pub fn shipdate_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shipdate");
    let mut input = child.stdin.take().expect("piped stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("wait for shipdate").into()
}
