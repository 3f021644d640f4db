//! Every J30 instance of PSPLIB: parsed, scheduled, accepted by the independent checker, and
//! never shorter than its proven optimum.

use std::collections::HashMap;

use shipdate_engine::dispatch::schedule;
use shipdate_engine::io::{parse_str, Format};

use crate::checker;
use crate::util::psplib_dir;

/// The proven optimal makespan of every J30 instance, by file name (`j30{par}_{inst}.sm`).
pub fn j30_optima() -> HashMap<String, f64> {
    let text = std::fs::read_to_string(format!("{}/j30opt.sm", psplib_dir())).expect("j30opt.sm");
    let mut opt = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 3 {
            continue;
        }
        if let (Ok(par), Ok(inst), Ok(ms)) = (
            f[0].parse::<u32>(),
            f[1].parse::<u32>(),
            f[2].parse::<f64>(),
        ) {
            opt.insert(format!("j30{par}_{inst}.sm"), ms);
        }
    }
    opt
}

/// The J30 instance files, sorted by name.
pub fn j30_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(format!("{}/j30", psplib_dir()))
        .expect("the J30 directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sm"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_j30_instance_schedules_feasibly() {
    let optima = j30_optima();
    let files = j30_files();
    assert_eq!(files.len(), 480);
    assert_eq!(optima.len(), 480);
    let mut deviation = 0.0;
    let mut optimal = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let plan = parse_str(&src, Format::Psplib).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let r = schedule(&plan);
        let start: Vec<f64> = r.tasks.iter().map(|t| t.start).collect();
        let finish: Vec<f64> = r.tasks.iter().map(|t| t.finish).collect();
        let v = checker::check(&plan, &start, &finish);
        assert!(v.is_empty(), "{name}: {v:#?}");
        let opt = optima[&name];
        assert!(
            r.makespan >= opt,
            "{name}: {} below the optimum {opt}",
            r.makespan
        );
        deviation += (r.makespan - opt) / opt;
        optimal += usize::from(r.makespan == opt);
    }
    eprintln!(
        "J30 priority rule: mean deviation from the optimum {:.2}%, optimal {optimal}/{}",
        100.0 * deviation / files.len() as f64,
        files.len()
    );
}
