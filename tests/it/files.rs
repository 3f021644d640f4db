//! Inputs bounded, text decoded: the `shipdate` binary's file handling.

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
