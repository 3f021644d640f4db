//! Decoding the bytes of an input file into text, before any reader sees it.
//!
//! Plans and imports are text, but files come as bytes: UTF-8 (with or without a byte-order
//! mark), UTF-16 from Windows tools (MS Project saves XML as UTF-16 when asked), or something
//! that is not text at all, such as a binary MS Project `.mpp`. [`decode`] turns the bytes
//! into a `String` or one located [`Diagnostic`] that says what the file is and what to do.
//!
//! Architecture invariant: no I/O here; the caller reads the bytes (and bounds their size with
//! [`MAX_INPUT_BYTES`]).

use crate::diag::{Diagnostic, Pos};

/// The largest input, in bytes, that the command-line tool reads (256 MiB). Larger inputs are
/// refused while they are read, so that a wrong file (or `/dev/zero` on standard input) ends
/// with an error instead of filling the memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The first eight bytes of an OLE2 compound file: binary MS Project (`.mpp`), and also old
/// Word and Excel files.
const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The encoding a text was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 after the byte-order mark EF BB BF (removed).
    Utf8Bom,
    /// UTF-16, little-endian, after the byte-order mark FF FE (removed).
    Utf16Le,
    /// UTF-16, big-endian, after the byte-order mark FE FF (removed).
    Utf16Be,
}

/// Text decoded from an input's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without its byte-order mark.
    pub text: String,
    /// The encoding it was read in.
    pub encoding: Encoding,
}

/// Decodes an input file's bytes: UTF-8 (a byte-order mark is removed), or UTF-16 LE or BE
/// with a byte-order mark. Anything else is one error located at the first byte that is not
/// text (line and column counted in the text before it), or, for a binary MS Project file
/// (an OLE2 compound file), an error that says to save it as XML.
///
/// In an XML declaration saved as UTF-16, the `encoding="UTF-16"` attribute stays as written:
/// readers take the decoded text as it is.
///
/// ```
/// use shipdate_engine::io::text::{decode, Encoding};
///
/// let d = decode(b"\xEF\xBB\xBF[plan]\nname = \"x\"\n").unwrap();
/// assert_eq!((d.text.as_str(), d.encoding), ("[plan]\nname = \"x\"\n", Encoding::Utf8Bom));
///
/// let utf16: Vec<u8> = [0xFF, 0xFE].into_iter()
///     .chain("é\n".encode_utf16().flat_map(u16::to_le_bytes))
///     .collect();
/// assert_eq!(decode(&utf16).unwrap().text, "é\n");
///
/// let err = decode(b"name = \"ok\"\nid = \"\xFFx\"\n").unwrap_err();
/// let pos = err.pos.unwrap();
/// assert_eq!((pos.line, pos.column), (2, 7));
/// ```
pub fn decode(bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    if bytes.starts_with(&OLE2_MAGIC) {
        return Err(Diagnostic::error(
            Some(Pos { line: 1, column: 1 }),
            "this is a binary MS Project file (.mpp) or another OLE2 compound file, not text",
        )
        .with_help(
            "open it in MS Project and save it as XML (File > Save As > XML Format), \
             or convert it with MPXJ, then import the .xml",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, Encoding::Utf16Be);
    }
    utf8(bytes, Encoding::Utf8)
}

fn utf8(bytes: &[u8], encoding: Encoding) -> Result<Decoded, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            encoding,
        }),
        Err(e) => {
            let good = e.valid_up_to();
            // The prefix is valid UTF-8 by construction.
            let before = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            let bad = bytes[good];
            let at = Pos::of_offset(before, before.len());
            Err(Diagnostic::error(
                Some(at),
                format!(
                    "the file is not valid UTF-8: byte 0x{bad:02X} at byte offset {} is not text",
                    good + usize::from(encoding == Encoding::Utf8Bom) * 3
                ),
            )
            .with_help(not_text_help(bytes)))
        }
    }
}

/// What to do about a file that is not text, guessing from its bytes.
fn not_text_help(bytes: &[u8]) -> &'static str {
    let zeros = bytes.iter().take(4096).filter(|&&b| b == 0).count();
    if zeros > 0 {
        "it looks like a binary file or UTF-16 without a byte-order mark: save it as UTF-8 text"
    } else {
        "save it as UTF-8 (it may be in a legacy encoding such as Windows-1252 or Latin-1)"
    }
}

fn utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> Result<Decoded, Diagnostic> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => text.push(c),
            Err(e) => {
                let at = Pos::of_offset(&text, text.len());
                // Code units before the bad one: the text's units (a char beyond the basic
                // plane took two), plus the byte-order mark.
                let offset = 2 + 2 * text.encode_utf16().count();
                return Err(Diagnostic::error(
                    Some(at),
                    format!(
                        "the file is not valid UTF-16: unpaired surrogate 0x{:04X} at byte offset {offset}",
                        e.unpaired_surrogate()
                    ),
                )
                .with_help("save it again as UTF-8 or UTF-16 text"));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(Diagnostic::error(
            Some(Pos::of_offset(&text, text.len())),
            format!(
                "the file is not valid UTF-16: it ends in the middle of a character (an odd number of bytes, {})",
                bytes.len() + 2
            ),
        )
        .with_help("the file is cut short: save it again"));
    }
    Ok(Decoded { text, encoding })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut b = vec![0xFE, 0xFF];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        b
    }

    fn at(d: &Diagnostic) -> (u32, u32) {
        let p = d.pos.expect("located");
        (p.line, p.column)
    }

    #[test]
    fn plain_and_bom_utf8() {
        let d = decode("[plan]\nname = \"Zürich\"\n".as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.text, "[plan]\nname = \"Zürich\"\n");
        let d = decode(b"\xEF\xBB\xBFa = 1\n").unwrap();
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.text, "a = 1\n");
        assert_eq!(decode(b"").unwrap().text, "");
    }

    #[test]
    fn utf16_both_byte_orders_round_trip_every_plane() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Project>é€😀\n</Project>";
        let le = decode(&utf16le(s)).unwrap();
        assert_eq!((le.text.as_str(), le.encoding), (s, Encoding::Utf16Le));
        let be = decode(&utf16be(s)).unwrap();
        assert_eq!((be.text.as_str(), be.encoding), (s, Encoding::Utf16Be));
        // The same bytes without the mark are not UTF-8 (they hold NULs and are not valid).
        assert_ne!(
            decode(&utf16le(s)[2..]).ok().map(|d| d.text),
            Some(s.to_string())
        );
    }

    #[test]
    fn invalid_utf8_is_located_at_the_first_bad_byte() {
        // Line 3, after "ab" and a two-byte character: column 4.
        let mut bytes = b"x = 1\ny = 2\nab\xC3\xA9".to_vec();
        bytes.extend_from_slice(b"\xFFtail\n\xFE");
        let e = decode(&bytes).unwrap_err();
        assert_eq!(at(&e), (3, 4));
        assert!(e.message.contains("0xFF"), "{}", e.message);
        assert!(e.message.contains("byte offset 16"), "{}", e.message);
        // At the very start.
        assert_eq!(at(&decode(b"\x80abc").unwrap_err()), (1, 1));
        // A truncated multi-byte sequence at the end.
        let e = decode(b"ok\n\xE2\x82").unwrap_err();
        assert_eq!(at(&e), (2, 1));
        // After a byte-order mark, offsets count the mark.
        let e = decode(b"\xEF\xBB\xBFa\xFF").unwrap_err();
        assert_eq!(at(&e), (1, 2));
        assert!(e.message.contains("byte offset 4"), "{}", e.message);
        // Latin-1 text gets the legacy-encoding hint.
        let e = decode(b"name = \"Z\xFCrich\"").unwrap_err();
        assert_eq!(at(&e), (1, 10));
        assert!(e.help.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn invalid_utf16_is_located() {
        // An unpaired high surrogate after "a\nbc".
        let mut b = utf16le("a\nbc");
        b.extend_from_slice(&0xD800u16.to_le_bytes());
        b.extend_from_slice(&u16::from(b'z').to_le_bytes());
        let e = decode(&b).unwrap_err();
        assert_eq!(at(&e), (2, 3));
        assert!(e.message.contains("0xD800") && e.message.contains("byte offset 10"));
        // An odd byte count.
        let mut b = utf16be("ab\n");
        b.push(0x00);
        let e = decode(&b).unwrap_err();
        assert_eq!(at(&e), (2, 1));
        assert!(
            e.message.contains("odd number of bytes, 9"),
            "{}",
            e.message
        );
    }

    #[test]
    fn binary_ms_project_files_are_recognised() {
        let mut mpp = OLE2_MAGIC.to_vec();
        mpp.extend_from_slice(&[0x3E, 0x00, 0x03, 0x00, 0xFE, 0xFF, 0x09, 0x00]);
        mpp.resize(512, 0);
        let e = decode(&mpp).unwrap_err();
        assert_eq!(at(&e), (1, 1));
        assert!(e.message.contains(".mpp"), "{}", e.message);
        let help = e.help.unwrap();
        assert!(
            help.contains("save it as XML") && help.contains("MPXJ"),
            "{help}"
        );
        // Seven of the eight magic bytes are not the magic: an ordinary UTF-8 error.
        let e = decode(&OLE2_MAGIC[..7]).unwrap_err();
        assert!(e.message.contains("not valid UTF-8"));
    }
}
