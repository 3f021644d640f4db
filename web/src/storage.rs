//! Keeping the plan in the browser: saved to `localStorage` on every change, restored on load.
//!
//! The saved value is versioned JSON, `{"version": 1, "source": "..."}`. A value that cannot
//! be read is never thrown away: it is moved to [`DAMAGED_KEY`] and the user is told, and the
//! planner starts from the example.
//!
//! Saved versions of the plan ("Save version", compared in the Compare tab) are kept apart,
//! under [`VERSIONS_KEY`], as `{"version": 1, "versions": [{"id", "label", "saved",
//! "source"}]}`: saving, listing or deleting a version never touches the plan under [`KEY`].
//! An unreadable list is moved to [`VERSIONS_DAMAGED_KEY`] the same way.

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

/// Where the saved versions are kept.
pub const VERSIONS_KEY: &str = "shipdate.versions";
/// Where an unreadable list of versions is kept.
pub const VERSIONS_DAMAGED_KEY: &str = "shipdate.versions.damaged";

/// A labelled copy of the plan's text, kept in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// Its number: unique in the list, never reused while the list holds a larger one.
    pub id: u32,
    /// The label the user gave it, or the default ([`default_label`]).
    pub label: String,
    /// When it was saved, in the browser's local time (`2026-12-06 16:42`).
    pub saved: String,
    /// The plan's text.
    pub source: String,
}

#[derive(Serialize, Deserialize)]
struct SavedVersions {
    version: u32,
    versions: Vec<Version>,
}

/// The saved form of a list of versions.
pub fn encode_versions(versions: &[Version]) -> String {
    serde_json::to_string(&SavedVersions {
        version: VERSION,
        versions: versions.to_vec(),
    })
    .expect("versions always serialize")
}

/// The versions held by a saved value.
pub fn decode_versions(raw: &str) -> Result<Vec<Version>, DecodeError> {
    let saved: SavedVersions =
        serde_json::from_str(raw).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if saved.version != VERSION {
        return Err(DecodeError::UnknownVersion(saved.version));
    }
    Ok(saved.versions)
}

/// A version's label when the user gives none: the plan's status date (`as of 2027-02-01`),
/// else the time it is saved.
pub fn default_label(status: Option<shipdate_engine::model::When>, now: &str) -> String {
    shipdate_engine::view::as_of(status).unwrap_or_else(|| now.to_string())
}

/// `versions` with a new one holding `source` (numbered one past the largest), and its
/// number. A blank `label` is replaced by `default`.
pub fn with_version(
    versions: &[Version],
    label: &str,
    default: &str,
    saved: &str,
    source: &str,
) -> (Vec<Version>, u32) {
    let id = versions.iter().map(|v| v.id).max().unwrap_or(0) + 1;
    let label = match label.trim() {
        "" => default.to_string(),
        l => l.to_string(),
    };
    let mut out = versions.to_vec();
    out.push(Version {
        id,
        label,
        saved: saved.to_string(),
        source: source.to_string(),
    });
    (out, id)
}

/// `versions` without version `id`.
pub fn without_version(versions: &[Version], id: u32) -> Vec<Version> {
    versions.iter().filter(|v| v.id != id).cloned().collect()
}

/// The saved versions, and a message for the user when they could not be read (an unreadable
/// list is moved to [`VERSIONS_DAMAGED_KEY`], never deleted).
pub fn load_versions() -> (Vec<Version>, Option<String>) {
    let storage = match local_storage() {
        Ok(s) => s,
        Err(e) => {
            return (
                Vec::new(),
                Some(format!("This browser's storage is not available ({e}).")),
            )
        }
    };
    match storage.get_item(VERSIONS_KEY) {
        Ok(None) => (Vec::new(), None),
        Ok(Some(raw)) => match decode_versions(&raw) {
            Ok(v) => (v, None),
            Err(e) => {
                let _ = storage.set_item(VERSIONS_DAMAGED_KEY, &raw);
                let _ = storage.remove_item(VERSIONS_KEY);
                (
                    Vec::new(),
                    Some(format!(
                        "The saved versions could not be read: {e}. They were kept in \
                         localStorage under \"{VERSIONS_DAMAGED_KEY}\"."
                    )),
                )
            }
        },
        Err(e) => (Vec::new(), Some(format!("{e:?}"))),
    }
}

/// Saves the list of versions; returns an error message if the browser refused (the list
/// kept before is then unchanged).
pub fn save_versions(versions: &[Version]) -> Result<(), String> {
    local_storage()?
        .set_item(VERSIONS_KEY, &encode_versions(versions))
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

    #[test]
    fn versions_round_trip_number_and_delete() {
        let (v, a) = with_version(
            &[],
            "  ",
            "as of 2027-02-01",
            "2026-12-06 16:00",
            "plan one",
        );
        let (v, b) = with_version(&v, "before the vendor call", "x", "2026-12-06 16:05", "two");
        assert_eq!((a, b), (1, 2));
        assert_eq!(v[0].label, "as of 2027-02-01");
        assert_eq!(v[1].label, "before the vendor call");
        assert_eq!(decode_versions(&encode_versions(&v)).unwrap(), v);
        let v = without_version(&v, 1);
        assert_eq!(v.len(), 1);
        // Numbers are not reused while a larger one is held.
        let (_, c) = with_version(&v, "", "d", "t", "three");
        assert_eq!(c, 3);
        assert_eq!(
            decode_versions("{\"version\":2,\"versions\":[]}"),
            Err(DecodeError::UnknownVersion(2))
        );
        assert!(matches!(
            decode_versions(&encode("a plan, not versions")),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn the_default_label_is_the_status_date_else_the_time() {
        use shipdate_engine::model::When;
        let d = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        assert_eq!(
            default_label(Some(When::Date(d)), "2026-12-06 16:00"),
            "as of 2027-02-01"
        );
        assert_eq!(default_label(None, "2026-12-06 16:00"), "2026-12-06 16:00");
    }
}
