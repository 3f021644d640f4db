//! Reading inputs: bounded in size, regular files (or `-`) only, decoded from UTF-8 or
//! UTF-16.

use std::fs::{self, File};
use std::io::Read;

use anyhow::Context as _;
use shipdate_engine::io::text::{self, MAX_INPUT_BYTES};

use super::PlanError;

/// An input that this run refuses, before any work on the plan (exit 2): one over the size
/// limit.
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
