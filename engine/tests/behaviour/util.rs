//! Helpers shared by the behaviour tests.

use std::path::Path;

use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::Plan;

/// A plan from TOML text that must be valid.
pub fn plan(src: &str) -> Plan {
    match parse_str(src, Format::Toml) {
        Ok(p) => p,
        Err(e) => panic!("invalid test plan: {e:?}\n{src}"),
    }
}

/// The directory of the PSPLIB and Patterson instances: `$SHIPDATE_PSPLIB`, or `shared/psplib`
/// in the nearest directory above this crate that has one.
pub fn psplib_dir() -> String {
    if let Ok(dir) = std::env::var("SHIPDATE_PSPLIB") {
        return dir;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/psplib"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| panic!("no shared/psplib above {}", here.display()))
        .to_string_lossy()
        .into_owned()
}
