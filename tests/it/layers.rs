//! The engine's layering rule (ARCHITECTURE.md, "Layers"), checked on its source: no engine
//! module imports one that imports it back, and the kernels' stack imports only downward.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::path;

/// Every top-level engine module and the top-level modules its non-test code names as
/// `crate::NAME` (comments and `#[cfg(test)] mod tests` excluded).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = path("engine/src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![std::path::PathBuf::from(&root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(Path::new(&root)).unwrap();
            let name = rel.to_string_lossy().replace('\\', "/");
            if !name.ends_with(".rs") || name == "lib.rs" || name.ends_with("tests.rs") {
                continue;
            }
            let top = name.split('/').next().unwrap().trim_end_matches(".rs");
            let src = std::fs::read_to_string(&p).unwrap();
            let src = src.split("#[cfg(test)]\nmod tests").next().unwrap();
            let deps = out.entry(top.to_string()).or_default();
            for line in src.lines() {
                let code = line.split("//").next().unwrap();
                assert!(!code.contains("crate::{"), "{name}: grouped crate import");
                for (i, _) in code.match_indices("crate::") {
                    let m: String = code[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !m.is_empty() && m != top {
                        deps.insert(m);
                    }
                }
            }
        }
    }
    out
}

/// Whether `to` is reachable from `from`.
fn reaches(g: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for d in g.get(&m).into_iter().flatten() {
            if d == to {
                return true;
            }
            if seen.insert(d.clone()) {
                stack.push(d.clone());
            }
        }
    }
    false
}

#[test]
fn no_engine_module_imports_one_that_imports_it_back() {
    let g = imports();
    assert!(g.len() > 15, "found {} modules", g.len());
    for m in g.keys() {
        assert!(!reaches(&g, m, m), "`{m}` is in an import circle: {g:#?}");
    }
}

#[test]
fn the_kernel_stack_imports_only_downward() {
    let g = imports();
    let only = |m: &str, allowed: &[&str]| {
        for d in &g[m] {
            assert!(
                allowed.contains(&d.as_str()),
                "`{m}` imports `{d}`: ARCHITECTURE.md allows only {allowed:?}"
            );
        }
    };
    // `sorting` is a leaf every layer may use: it imports nothing.
    assert!(
        g["sorting"].is_empty(),
        "`sorting` imports {:?}",
        g["sorting"]
    );
    only("network", &["model", "calendar"]);
    only("graph", &["network", "model", "calendar", "sorting"]);
    only(
        "schedule",
        &["graph", "network", "model", "calendar", "sorting"],
    );
    only(
        "leveling",
        &[
            "schedule", "graph", "network", "model", "calendar", "sorting",
        ],
    );
    assert!(!g["leveling"].contains("dispatch"));
    assert!(!g["simulate"].contains("dispatch"));
}
