//! A small JSON (RFC 8259) parser into the value tree, keeping the offset of every key and
//! value. Duplicate keys are an error, as in TOML.

use super::tree::{Entry, Node, Val};

/// Deeper nesting than this is refused (no plan needs it, and it bounds recursion).
const MAX_DEPTH: usize = 128;

/// Parses a JSON document; a syntax error comes back as (byte offset, message).
pub(crate) fn parse(src: &str) -> Result<Node, (usize, String)> {
    let mut p = Parser {
        s: src.as_bytes(),
        src,
        i: 0,
        depth: 0,
    };
    if src.starts_with('\u{feff}') {
        p.i = 3;
    }
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err((p.i, "unexpected text after the JSON value".into()));
    }
    Ok(v)
}

type R<T> = Result<T, (usize, String)>;

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn err<T>(&self, msg: impl Into<String>) -> R<T> {
        Err((self.i, msg.into()))
    }

    fn unexpected<T>(&self, expected: &str) -> R<T> {
        match self.src.get(self.i..).and_then(|r| r.chars().next()) {
            None => self.err(format!("unexpected end of input, expected {expected}")),
            Some(c) => self.err(format!("unexpected `{c}`, expected {expected}")),
        }
    }

    fn value(&mut self) -> R<Node> {
        let start = self.i;
        let val = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Val::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.word("true", Val::Bool(true))?,
            Some(b'f') => self.word("false", Val::Bool(false))?,
            Some(b'n') => self.word("null", Val::Null)?,
            _ => return self.unexpected("a value"),
        };
        Ok(Node { start, val })
    }

    fn word(&mut self, w: &str, v: Val) -> R<Val> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            self.unexpected("a value")
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nesting too deep");
        }
        self.i += 1;
        self.ws();
        Ok(())
    }

    fn object(&mut self) -> R<Val> {
        self.enter()?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Val::Table(entries));
        }
        loop {
            if self.peek() != Some(b'"') {
                return self.unexpected("a key in double quotes");
            }
            let key_start = self.i;
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err((key_start, format!("duplicate key `{key}`")));
            }
            self.ws();
            if self.peek() != Some(b':') {
                return self.unexpected("`:`");
            }
            self.i += 1;
            self.ws();
            let value = self.value()?;
            entries.push(Entry {
                key,
                key_start,
                value,
            });
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Val::Table(entries));
                }
                _ => return self.unexpected("`,` or `}`"),
            }
        }
    }

    fn array(&mut self) -> R<Val> {
        self.enter()?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Val::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Val::Array(items));
                }
                _ => return self.unexpected("`,` or `]`"),
            }
        }
    }

    fn string(&mut self) -> R<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // Only ASCII bytes stop the run, so both ends are char boundaries.
            out.push_str(&self.src[run_start..self.i]);
            match self.peek() {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return self.err("invalid escape in string"),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return self.err("control character in string (escape it)"),
            }
        }
    }

    /// After `\u`: four hex digits, and a low surrogate after a high one.
    fn unicode_escape(&mut self) -> R<char> {
        let at = self.i - 2;
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.s[self.i..].starts_with(b"\\u") {
                return Err((at, "unpaired surrogate in \\u escape".into()));
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err((at, "unpaired surrogate in \\u escape".into()));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or((at, "invalid \\u escape".into()))
    }

    fn hex4(&mut self) -> R<u32> {
        let digits = self.s.get(self.i..self.i + 4);
        let v = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match v {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => self.err("expected four hex digits after \\u"),
        }
    }

    fn number(&mut self) -> R<Val> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.unexpected("a digit"),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return self.unexpected("a digit after `.`");
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return self.unexpected("a digit in the exponent");
            }
            self.digits();
        }
        let text = &self.src[start..self.i];
        if integer {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Val::Int(n));
            }
        }
        match text.parse::<f64>() {
            Ok(f) => Ok(Val::Float(f)),
            Err(_) => Err((start, "invalid number".into())),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> Val {
        parse(src).unwrap().val
    }

    #[test]
    fn values_and_offsets() {
        let n = parse(" {\"a\": [1, -2.5e1, \"x\\u00e9\\ud83d\\ude00\"], \"b\": null}").unwrap();
        assert_eq!(n.start, 1);
        let Val::Table(es) = n.val else { panic!() };
        assert_eq!(es[0].key, "a");
        assert_eq!(es[0].key_start, 2);
        assert_eq!(es[0].value.start, 7);
        let Val::Array(items) = &es[0].value.val else {
            panic!()
        };
        assert_eq!(items[0].val, Val::Int(1));
        assert_eq!(items[1].val, Val::Float(-25.0));
        assert_eq!(items[2].val, Val::Str("xé😀".into()));
        assert_eq!(es[1].value.val, Val::Null);
        assert_eq!(ok("true"), Val::Bool(true));
    }

    #[test]
    fn errors_are_located() {
        assert_eq!(parse("{\"a\": 1,}").unwrap_err().0, 8);
        assert_eq!(parse("[1 2]").unwrap_err().0, 3);
        assert_eq!(parse("{\"a\":1, \"a\":2}").unwrap_err().0, 8);
        assert_eq!(parse("01").unwrap_err().0, 1);
        assert_eq!(parse("\"ab").unwrap_err().0, 3);
        assert_eq!(parse("[1.]").unwrap_err().0, 3);
        assert!(parse(&"[".repeat(1000)).is_err());
        assert!(parse("").is_err());
    }
}
