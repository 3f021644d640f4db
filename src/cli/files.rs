//! Reading inputs and writing outputs so that nothing is ever lost: inputs are bounded in
//! size and must be regular files (or `-`), an output that is an input of the same run is
//! refused, and every output file is written to a temporary file beside it and renamed into
//! place, so a failed or killed run leaves the old file as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use shipdate_engine::io::text::{self, MAX_INPUT_BYTES};

use super::PlanError;

/// An input or output that this run refuses, before any work on the plan (exit 2): an input
/// over the size limit, an output that is an input.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The bytes of a file, or of standard input for `-`, up to [`MAX_INPUT_BYTES`] (a larger
/// input is refused with exit 2, without reading more than one byte past the limit). A path
/// that is not a regular file (a FIFO, a device, a directory) is refused before it is
/// opened (exit 1, like a file that cannot be read), so that a FIFO without a writer cannot
/// block the run.
pub fn read_bytes(path: &str) -> anyhow::Result<Vec<u8>> {
    if path == "-" {
        return read_bounded(std::io::stdin().lock(), path, "standard input");
    }
    let meta = fs::metadata(path).with_context(|| format!("cannot read {path}"))?;
    if !meta.is_file() {
        anyhow::bail!(
            "cannot read {path}: {} (give a regular file, or - for standard input)",
            kind_of(&meta)
        );
    }
    let file = File::open(path).with_context(|| format!("cannot read {path}"))?;
    // The path may have been replaced between the check and the open.
    let opened = file
        .metadata()
        .with_context(|| format!("cannot read {path}"))?;
    if !opened.is_file() {
        anyhow::bail!("cannot read {path}: {}", kind_of(&opened));
    }
    // Refused at once when the file is already too large; the bounded read catches a file
    // that grows while it is read.
    if opened.len() > MAX_INPUT_BYTES {
        return Err(too_large(path, "the file"));
    }
    read_bounded(file, path, "the file")
}

/// The text of a file, or of standard input for `-`: bounded by [`read_bytes`], decoded by
/// [`text::decode`] (UTF-8 with or without a byte-order mark, UTF-16 with one). A file that
/// is not text is a located plan error (exit 2).
pub fn read_text(path: &str) -> anyhow::Result<String> {
    let bytes = read_bytes(path)?;
    match text::decode(&bytes) {
        Ok(decoded) => Ok(decoded.text),
        Err(diagnostic) => Err(anyhow::Error::new(PlanError {
            what: "plan",
            file: path.to_string(),
            diagnostics: vec![diagnostic],
        })),
    }
}

/// Reads `reader` to its end, or refuses it (exit 2) as soon as it holds more than
/// [`MAX_INPUT_BYTES`]: at most one byte more is read.
fn read_bounded(reader: impl Read, path: &str, what: &str) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| match path {
            "-" => "cannot read standard input".to_string(),
            _ => format!("cannot read {path}"),
        })?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path, what));
    }
    Ok(bytes)
}

/// The error for an input over [`MAX_INPUT_BYTES`]: bad input, exit 2.
fn too_large(path: &str, what: &str) -> anyhow::Error {
    anyhow::Error::new(Refused(format!(
        "{path}: error: {what} is larger than {} MiB, the most shipdate reads (is it the right file?)",
        MAX_INPUT_BYTES / (1024 * 1024)
    )))
}

fn kind_of(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "it is a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "it is a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "it is a device";
        }
        if t.is_socket() {
            return "it is a socket";
        }
    }
    "it is not a regular file"
}

/// Refuses an output path that names one of the run's inputs: the same path, or another
/// name (a link, `./`, `..`) for the same file. `-` and outputs that do not exist yet never
/// clash.
pub fn check_output(output: Option<&str>, inputs: &[&str]) -> anyhow::Result<()> {
    let Some(out) = output.filter(|o| *o != "-") else {
        return Ok(());
    };
    let Ok(out_meta) = fs::metadata(out) else {
        return Ok(());
    };
    for input in inputs.iter().filter(|i| **i != "-") {
        let Ok(in_meta) = fs::metadata(input) else {
            continue;
        };
        if same_file(&out_meta, &in_meta, out, input) {
            return Err(anyhow::Error::new(Refused(format!(
                "{out}: error: the output is the input `{input}` of this run: refusing to overwrite it (choose another output file)"
            ))));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata, _: &str, _: &str) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata, a: &str, b: &str) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes `text` to `path` all at once: into a new temporary file in the same folder, flushed
/// to disk, then renamed over `path`. A run that fails or is killed before the rename leaves
/// `path` as it was (a kill may leave the temporary file, named `.NAME.shipdate-*.tmp`). An
/// existing `path` keeps its permissions; a symbolic link is followed, not replaced.
pub fn write_atomically(path: &str, text: &str) -> anyhow::Result<()> {
    let target = resolve_target(Path::new(path));
    let like = fs::metadata(&target).ok().map(|old| old.permissions());
    let tmp = write_temp(&target, text, like).with_context(|| format!("cannot write {path}"))?;
    if let Err(e) = fs::rename(&tmp, &target) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {path}"));
    }
    Ok(())
}

/// Writes `text` to `path`, which must not exist (an error of kind `AlreadyExists` if it
/// does), all at once: into a temporary file in the same folder, flushed to disk, then
/// linked to `path` (a link never replaces a file) and the temporary name removed, so a
/// killed run leaves no part of `path`. On a file system without hard links, `path` is
/// created and written directly.
pub fn write_new(path: &str, text: &str) -> std::io::Result<()> {
    let target = Path::new(path);
    if fs::symlink_metadata(target).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let tmp = write_temp(target, text, None)?;
    let linked = fs::hard_link(&tmp, target);
    let _ = fs::remove_file(&tmp);
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target)?;
            file.write_all(text.as_bytes())
        }
        other => other,
    }
}

/// A new temporary file beside `target` holding `text` (with permissions `like`, if given),
/// flushed to disk and closed: its path. Nothing is left behind on an error.
fn write_temp(
    target: &Path,
    text: &str,
    like: Option<fs::Permissions>,
) -> std::io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let (tmp, mut file) = create_temp(&dir, &name)?;
    let written = (|| -> std::io::Result<()> {
        file.write_all(text.as_bytes())?;
        if let Some(permissions) = like {
            file.set_permissions(permissions)?;
        }
        file.sync_all()
    })();
    drop(file);
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The file a write to `path` should replace: the end of its chain of symbolic links.
fn resolve_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&p) {
            Ok(next) => {
                p = match p.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            Err(_) => break,
        }
    }
    p
}

fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.shipdate-{pid}-{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}
