//! How the engine writes numbers in every text it produces (tables, reports, messages): one
//! rule, so that the CLI, the HTML report and the browser agree. A leaf module: it imports
//! nothing of the engine, so any module may use it.

/// A number as short as it can be written exactly enough: at most three decimals, no
/// trailing zeros, no `-0`.
///
/// ```
/// use shipdate_engine::format::number;
/// assert_eq!((number(3.0), number(2.5), number(1.0 / 3.0), number(-0.0001)),
///            ("3".into(), "2.5".into(), "0.333".into(), "0".into()));
/// ```
pub fn number(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        let s = format!("{r:.3}");
        s.trim_end_matches('0').to_string()
    }
}
