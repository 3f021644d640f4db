//! Share links: the plan's TOML, deflated (miniz_oxide) and base64url-encoded, in the URL
//! fragment (`#plan=1.<data>`). Fragments never reach a server: the plan stays on the
//! machines of the people who have the link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The fragment key and format version.
pub const PREFIX: &str = "plan=1.";

/// Largest plan text a link may unpack to (a guard against decompression bombs).
pub const MAX_TEXT: usize = 8 << 20;

/// The fragment (without `#`) carrying `source`.
pub fn encode(source: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(source.as_bytes(), 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The plan text in a fragment (with or without its `#`): `Ok(None)` when the fragment
/// carries no plan, `Err` when it carries a damaged one.
pub fn decode(fragment: &str) -> Result<Option<String>, String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(data) = f.strip_prefix(PREFIX) else {
        return if f.starts_with("plan=") {
            Err("the link was made by a newer version of the planner".into())
        } else {
            Ok(None)
        };
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link is damaged ({e})"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_TEXT)
        .map_err(|e| format!("the link is damaged ({e:?})"))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "the link is damaged (not text)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_size() {
        let text = crate::state::EXAMPLE_PLAN;
        let f = encode(text);
        assert!(f.starts_with(PREFIX));
        assert!(f
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.=".contains(&b)));
        assert!(f.len() < text.len() / 2, "{} of {}", f.len(), text.len());
        assert_eq!(decode(&format!("#{f}")).unwrap().as_deref(), Some(text));
        assert_eq!(decode(&f).unwrap().as_deref(), Some(text));
    }

    #[test]
    fn other_or_damaged_fragments() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#section-2"), Ok(None));
        assert!(decode("#plan=1.!!!").is_err());
        assert!(decode("#plan=1.AAAA").is_err());
        assert!(decode("#plan=9.abc").is_err());
    }
}
