//! Nothing lost, inputs bounded, text decoded: the `shipdate` binary's file handling.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_shipdate");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/checkout.toml");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shipdate-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run shipdate");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs with a deadline: `None` if it had not ended by then (it is killed).
fn run_with_deadline(dir: &Path, args: &[&str], stdin: Stdio, limit: Duration) -> Option<Run> {
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn shipdate");
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if child.try_wait().expect("wait").is_some() {
            let out = child.wait_with_output().expect("output");
            return Some(Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn no_temp_files(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".shipdate-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = scratch("same");
    let csv = std::fs::read(data("interchange/jira.csv")).unwrap();
    std::fs::write(dir.join("jira.csv"), &csv).unwrap();
    std::fs::copy(EXAMPLE, dir.join("plan.toml")).unwrap();
    let plan = std::fs::read(dir.join("plan.toml")).unwrap();
    std::fs::hard_link(dir.join("plan.toml"), dir.join("link.toml")).unwrap();
    std::os::unix::fs::symlink("jira.csv", dir.join("sym.csv")).unwrap();
    for args in [
        &["import", "jira.csv", "-o", "jira.csv"][..],
        &["import", "jira.csv", "-o", "./jira.csv"],
        &["import", "sym.csv", "-o", "jira.csv"],
        &["import", "jira.csv", "-o", "sym.csv"],
        &["export", "plan.toml", "--to", "toml", "-o", "plan.toml"],
        &["export", "plan.toml", "--to", "json", "-o", "link.toml"],
        &["report", "plan.toml", "-o", "plan.toml"],
    ] {
        let r = run_in(&dir, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("is the input") && r.stderr.contains("refusing to overwrite"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(dir.join("jira.csv")).unwrap(),
            csv,
            "{args:?}"
        );
        assert_eq!(
            std::fs::read(dir.join("plan.toml")).unwrap(),
            plan,
            "{args:?}"
        );
    }
    assert!(std::fs::symlink_metadata(dir.join("sym.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    // A different output is fine, and so is standard output.
    let r = run_in(&dir, &["import", "jira.csv", "-o", "jira.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(&dir, &["import", "jira.csv", "-o", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("[[tasks]]"));
    no_temp_files(&dir);
}

#[test]
fn outputs_replace_files_whole_keep_permissions_and_follow_links() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch("atomic");
    std::fs::write(dir.join("out.toml"), "old").unwrap();
    std::fs::set_permissions(dir.join("out.toml"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("out.toml", dir.join("via-link.toml")).unwrap();
    let r = run_in(
        &dir,
        &["export", EXAMPLE, "--to", "toml", "-o", "via-link.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.join("out.toml")).unwrap();
    let direct = run_in(&dir, &["export", EXAMPLE, "--to", "toml"]).stdout;
    assert_eq!(written, direct);
    let meta = std::fs::metadata(dir.join("out.toml")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::symlink_metadata(dir.join("via-link.toml"))
        .unwrap()
        .file_type()
        .is_symlink());
    // A failing run (a plan error) leaves the old output alone.
    std::fs::write(dir.join("out.json"), "old").unwrap();
    let bad = data("bad-four-errors.toml");
    let r = run_in(
        &dir,
        &[
            "export",
            bad.to_str().unwrap(),
            "--to",
            "json",
            "-o",
            "out.json",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json")).unwrap(),
        "old"
    );
    // An output in a folder that does not exist: an error, nothing written.
    let r = run_in(
        &dir,
        &[
            "export",
            EXAMPLE,
            "--to",
            "json",
            "-o",
            "no/such/dir/x.json",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot write no/such/dir/x.json"),
        "{}",
        r.stderr
    );
    no_temp_files(&dir);
}

#[test]
fn init_writes_a_new_file_whole_and_never_replaces_one() {
    let dir = scratch("init");
    let r = run_in(&dir, &["init", "plan.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    assert!(
        written.starts_with("# A shipdate release plan."),
        "{written}"
    );
    let r = run_in(&dir, &["validate", "plan.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // An existing file, and a symbolic link to none, are left alone.
    std::os::unix::fs::symlink("nowhere.toml", dir.join("dangling.toml")).unwrap();
    for name in ["plan.toml", "dangling.toml"] {
        let r = run_in(&dir, &["init", name]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("plan.toml")).unwrap(),
        written
    );
    assert!(!dir.join("nowhere.toml").exists());
    // A folder that does not exist: an error, nothing written.
    let r = run_in(&dir, &["init", "no/such/dir/plan.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot write no/such/dir/plan.toml"),
        "{}",
        r.stderr
    );
    no_temp_files(&dir);
}

/// A plan of `n` tasks in a chain: big enough that writing its export takes a while.
fn big_plan(n: usize) -> String {
    let mut s = String::from("[plan]\nname = \"big\"\n[teams.t]\ncapacity = 4\n");
    for j in 0..n {
        s.push_str(&format!(
            "[[tasks]]\nid = \"task-{j}\"\nname = \"A task with a longer name to make the output larger {j}\"\nteam = \"t\"\nestimate = {{ low = 1, likely = 2, high = 4 }}\n"
        ));
        if j > 0 {
            s.push_str(&format!("after = [\"task-{}\"]\n", j - 1));
        }
    }
    s
}

/// Runs killed at many moments, up to after they would have finished: the output is always
/// the old file or the whole new one, never a part.
#[test]
fn a_run_killed_while_writing_leaves_the_old_output_intact() {
    let dir = scratch("kill");
    std::fs::write(dir.join("big.toml"), big_plan(20_000)).unwrap();
    let old = "the old output\n".repeat(1000);
    let args = ["export", "big.toml", "--to", "json", "-o", "out.json"];
    // The whole new output, and how long a run takes.
    let t0 = Instant::now();
    let r = run_in(&dir, &args);
    let full = t0.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new = std::fs::read(dir.join("out.json")).unwrap();
    assert!(new.len() > 3_000_000, "{}", new.len());
    let mut outcomes = [0usize; 2];
    for i in 0..30u32 {
        std::fs::write(dir.join("out.json"), &old).unwrap();
        let mut child = Command::new(BIN)
            .current_dir(&dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From 40% of a run's time to 20% past it, where the writing happens.
        std::thread::sleep(full.mul_f64(0.4 + 0.8 * f64::from(i) / 30.0));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(dir.join("out.json")).unwrap();
        if now == old.as_bytes() {
            outcomes[0] += 1;
        } else {
            assert!(
                now == new,
                "kill {i}: a partial output of {} bytes",
                now.len()
            );
            outcomes[1] += 1;
        }
        // A killed run may leave its temporary file; never the target half-written.
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.contains(".shipdate-") {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        }
    }
    eprintln!("old kept {}, new whole {}", outcomes[0], outcomes[1]);
}

#[test]
fn devices_fifos_and_endless_input_end_with_an_error() {
    let dir = scratch("bounded");
    // A device is not a plan format; under a plan's name it is refused before it is read.
    let r = run_with_deadline(
        &dir,
        &["validate", "/dev/zero"],
        Stdio::null(),
        Duration::from_secs(20),
    )
    .expect("validate /dev/zero ended");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("/dev/zero: unknown plan format"),
        "{}",
        r.stderr
    );
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.toml")).unwrap();
    let r = run_with_deadline(
        &dir,
        &["validate", "zero.toml"],
        Stdio::null(),
        Duration::from_secs(20),
    )
    .expect("validate zero.toml (/dev/zero) ended");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot read zero.toml: it is a device"),
        "{}",
        r.stderr
    );
    // Endless input on standard input: read up to the limit, then refused as bad input.
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let r = run_with_deadline(
        &dir,
        &["validate", "-"],
        Stdio::from(zero),
        Duration::from_secs(60),
    )
    .expect("validate - < /dev/zero ended");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "-: error: standard input is larger than 256 MiB, the most shipdate reads (is it the right file?)\n"
    );
    // A file one byte over the limit is refused before it is read.
    let limit = shipdate_engine::io::text::MAX_INPUT_BYTES;
    let big = std::fs::File::create(dir.join("big.toml")).unwrap();
    big.set_len(limit + 1).unwrap();
    let r = run_in(&dir, &["validate", "big.toml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "big.toml: error: the file is larger than 256 MiB, the most shipdate reads (is it the right file?)\n"
    );
    std::fs::remove_file(dir.join("big.toml")).unwrap();
    // A FIFO with no writer would block an open: refused without opening it.
    let fifo = dir.join("plan.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let r = run_with_deadline(
        &dir,
        &["schedule", "plan.toml"],
        Stdio::null(),
        Duration::from_secs(20),
    )
    .expect("schedule FIFO ended");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("named pipe"), "{}", r.stderr);
    // A directory.
    std::fs::create_dir(dir.join("d.toml")).unwrap();
    let r = run_in(&dir, &["validate", "d.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("it is a directory"), "{}", r.stderr);
}

#[test]
fn thread_counts_are_capped() {
    let dir = scratch("threads");
    let r = run_with_deadline(
        &dir,
        &["simulate", EXAMPLE, "-n", "100", "--threads", "100000"],
        Stdio::null(),
        Duration::from_secs(20),
    )
    .expect("ended");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--threads 100000 is more than 256"),
        "{}",
        r.stderr
    );
    let capped = run_in(
        &dir,
        &[
            "simulate",
            EXAMPLE,
            "-n",
            "300",
            "--threads",
            "256",
            "--format",
            "json",
        ],
    );
    assert_eq!(capped.code, 0, "{}", capped.stderr);
    let one = run_in(
        &dir,
        &[
            "simulate",
            EXAMPLE,
            "-n",
            "300",
            "--threads",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(capped.stdout, one.stdout);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut b = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        b.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    b
}

#[test]
fn byte_order_marks_and_utf16_read_like_utf8() {
    let dir = scratch("decode");
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let expected = run_in(&dir, &["schedule", EXAMPLE, "--format", "json"]);
    assert_eq!(expected.code, 0);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    for (name, bytes) in [
        ("bom.toml", bom),
        ("le.toml", utf16(&text, false)),
        ("be.toml", utf16(&text, true)),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
        let r = run_in(&dir, &["schedule", name, "--format", "json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, expected.stdout, "{name}");
    }
    // MS Project XML saved as UTF-16 imports like the UTF-8 file.
    let xml = std::fs::read_to_string(data("interchange/msproject.xml")).unwrap();
    std::fs::write(dir.join("p8.xml"), &xml).unwrap();
    let xml16 = xml.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    std::fs::write(dir.join("p16.xml"), utf16(&xml16, false)).unwrap();
    let a = run_in(&dir, &["import", "p8.xml"]);
    let b = run_in(&dir, &["import", "p16.xml"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert_eq!(
        a.stdout.replace("p8.xml", "FILE"),
        b.stdout.replace("p16.xml", "FILE")
    );
}

#[test]
fn text_that_is_not_utf8_is_a_located_error() {
    let dir = scratch("latin1");
    // "Zürich" in Latin-1: the bad byte on line 2, column 10.
    std::fs::write(dir.join("p.toml"), b"[plan]\nname = \"Z\xFCrich\"\n").unwrap();
    let r = run_in(&dir, &["validate", "p.toml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("p.toml:2:10: error: the file is not valid UTF-8: byte 0xFC"),
        "{first}"
    );
    assert!(!r.stderr.contains("stream did not contain valid UTF-8"));
    // The same for imports, and on standard input.
    std::fs::write(dir.join("j.csv"), b"id,estimate\na,3\n\xFF,1\n").unwrap();
    let r = run_in(&dir, &["import", "j.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("j.csv:3:1: error: the file is not valid UTF-8"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_binary_ms_project_file_says_to_save_it_as_xml() {
    let dir = scratch("mpp");
    let mut mpp = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    mpp.resize(4096, 0);
    std::fs::write(dir.join("Project1.mpp"), &mpp).unwrap();
    std::fs::write(dir.join("renamed.xml"), &mpp).unwrap();
    for file in ["Project1.mpp", "renamed.xml"] {
        let r = run_in(&dir, &["import", file]);
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        let line = r.stderr.lines().next().unwrap();
        assert!(
            line.starts_with(&format!(
                "{file}:1:1: error: this is a binary MS Project file (.mpp)"
            )),
            "{line}"
        );
        assert!(
            line.contains("save it as XML") && line.contains("MPXJ"),
            "{line}"
        );
    }
}

/// A plan of `n` unlinked tasks in one release that needs only the first: every other task
/// has no predecessor, no successor and is outside every release.
fn loose_plan(n: usize) -> String {
    let mut s = String::from("[plan]\nname = \"loose\"\n");
    for j in 0..n {
        s.push_str(&format!("[[tasks]]\nid = \"t{j}\"\nestimate = 1\n"));
    }
    s.push_str("[[releases]]\nid = \"r\"\ntasks = [\"t0\"]\n");
    s
}

#[test]
fn many_warnings_are_grouped_by_kind() {
    let dir = scratch("grouped");
    std::fs::write(dir.join("p.toml"), loose_plan(2000)).unwrap();
    let r = run_in(&dir, &["validate", "p.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "p.toml:6:1: warning: task `t1` has no predecessor: it can start on day 0 (link it to what it waits for (`after`), or to a start milestone)",
            "p.toml: warning: 1998 more like it: `t2` (9:1), `t3` (12:1), `t4` (15:1), `t5` (18:1), `t6` (21:1), and 1993 more (--all-warnings lists each)",
            "p.toml:6:1: warning: task `t1` has no successor: it can slip without moving anything (make a later task or a release depend on it)",
            "p.toml: warning: 1998 more like it: `t2` (9:1), `t3` (12:1), `t4` (15:1), `t5` (18:1), `t6` (21:1), and 1993 more (--all-warnings lists each)",
            "p.toml:6:1: warning: task `t1` is outside every release: no release needs it (add it (or a task that depends on it) to a release's `tasks`)",
            "p.toml: warning: 1998 more like it: `t2` (9:1), `t3` (12:1), `t4` (15:1), `t5` (18:1), `t6` (21:1), and 1993 more (--all-warnings lists each)",
        ]
    );
    assert!(r.stdout.starts_with("p.toml: ok"));
    let all = run_in(&dir, &["validate", "p.toml", "--all-warnings"]);
    assert_eq!(all.code, 0);
    assert_eq!(all.stderr.lines().count(), 3 * 1999);
    assert_eq!(all.stdout, r.stdout);
    // Five of a kind are still listed one by one, as before.
    std::fs::write(dir.join("s.toml"), loose_plan(6)).unwrap();
    let small = run_in(&dir, &["validate", "s.toml"]);
    assert_eq!(small.stderr.lines().count(), 15);
    assert!(!small.stderr.contains("more like it"));
}
