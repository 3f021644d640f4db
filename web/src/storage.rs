//! Keeping the plan in the browser: saved to `localStorage` on every change, restored on load.
//!
//! The saved value is versioned JSON, `{"version": 1, "source": "..."}`. A value that cannot
//! be read is never thrown away: it is moved to [`DAMAGED_KEY`] and the user is told, and the
//! planner starts from the example.

use serde::{Deserialize, Serialize};

/// Where the plan is saved.
pub const KEY: &str = "shipdate.plan";
/// Where an unreadable saved value is kept, so that nothing the user wrote is lost.
pub const DAMAGED_KEY: &str = "shipdate.plan.damaged";
/// The version of the saved format.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    source: String,
}

/// The saved form of a plan's source text.
pub fn encode(source: &str) -> String {
    serde_json::to_string(&Saved {
        version: VERSION,
        source: source.to_string(),
    })
    .expect("a string always serializes")
}

/// Why a saved value could not be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not the JSON this app writes.
    Malformed(String),
    /// Written by a newer version of the app.
    UnknownVersion(u32),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Malformed(e) => write!(f, "it is not a saved plan ({e})"),
            DecodeError::UnknownVersion(v) => {
                write!(
                    f,
                    "it was saved in format version {v}, which this page does not know"
                )
            }
        }
    }
}

/// The source text held by a saved value.
pub fn decode(raw: &str) -> Result<String, DecodeError> {
    let saved: Saved =
        serde_json::from_str(raw).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if saved.version != VERSION {
        return Err(DecodeError::UnknownVersion(saved.version));
    }
    Ok(saved.source)
}

/// What the planner starts from: the saved plan, or the example, with a notice for the user
/// when something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The source text to open.
    pub source: String,
    /// Whether it came from storage.
    pub from_storage: bool,
    /// A message for the user, when the saved plan could not be restored or storage failed.
    pub notice: Option<String>,
}

/// Decides what to open given the stored value (`Ok(None)`: nothing saved; `Err`: storage
/// unavailable) and the example.
pub fn restore(stored: Result<Option<String>, String>, example: &str) -> Restored {
    let example_with = |notice: Option<String>| Restored {
        source: example.to_string(),
        from_storage: false,
        notice,
    };
    match stored {
        Ok(None) => example_with(None),
        Ok(Some(raw)) => match decode(&raw) {
            Ok(source) => Restored {
                source,
                from_storage: true,
                notice: None,
            },
            Err(e) => example_with(Some(format!(
                "The plan saved in this browser could not be restored: {e}. It was kept in \
                 localStorage under \"{DAMAGED_KEY}\"; the example plan is open instead."
            ))),
        },
        Err(e) => example_with(Some(format!(
            "This browser's storage is not available ({e}): changes will not be kept."
        ))),
    }
}

fn local_storage() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    match window.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("localStorage is missing".into()),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// Reads the saved plan from `localStorage` (a damaged value is moved aside, never deleted).
pub fn load(example: &str) -> Restored {
    let stored = local_storage().and_then(|s| s.get_item(KEY).map_err(|e| format!("{e:?}")));
    let raw = stored.clone().ok().flatten();
    let restored = restore(stored, example);
    if let (Some(raw), Some(_)) = (raw, &restored.notice) {
        if let Ok(s) = local_storage() {
            // Keep the unreadable value where a later save cannot overwrite it.
            let _ = s.set_item(DAMAGED_KEY, &raw);
        }
    }
    restored
}

/// Saves the plan's source text; returns an error message if the browser refused.
pub fn save(source: &str) -> Result<(), String> {
    local_storage()?
        .set_item(KEY, &encode(source))
        .map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_any_text() {
        let text = "name = \"a\"\n\"quoted\" \\ back\u{1F600}\n</script>";
        assert_eq!(decode(&encode(text)).unwrap(), text);
    }

    #[test]
    fn damaged_or_foreign_values_are_errors_not_panics() {
        assert!(matches!(
            decode("{not json"),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode("\"just a string\""),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode("{\"version\":1}"),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(
            decode("{\"version\":9,\"source\":\"x\"}"),
            Err(DecodeError::UnknownVersion(9))
        );
    }

    #[test]
    fn restore_prefers_saved_then_example_with_notice() {
        let r = restore(Ok(Some(encode("mine"))), "example");
        assert_eq!(
            (r.source.as_str(), r.from_storage, r.notice),
            ("mine", true, None)
        );
        let r = restore(Ok(None), "example");
        assert_eq!(
            (r.source.as_str(), r.from_storage, r.notice),
            ("example", false, None)
        );
        let r = restore(Ok(Some("garbage".into())), "example");
        assert_eq!(r.source, "example");
        assert!(r.notice.unwrap().contains(DAMAGED_KEY));
        let r = restore(Err("denied".into()), "example");
        assert!(r.notice.unwrap().contains("denied"));
    }
}
