//! The Beta-PERT quantile tables (see the parent's `dist` module): the standard Beta
//! quantile at `u = k / PERT_CELLS` for every shape on the grid. Plain IEEE arithmetic and
//! `libm` only, with nothing from the rest of the crate, so that the build script
//! (`engine/build.rs`) computes the native table with this very code.

use std::sync::OnceLock;

/// Cells of a tabulated Beta quantile (its knots are `u = k / PERT_CELLS`, `k = 0..=PERT_CELLS`).
pub(crate) const PERT_CELLS: usize = 1024;
/// Shape grid points `r = i / (PERT_SHAPES - 1)` of the Beta-PERT tables.
pub(crate) const PERT_SHAPES: usize = 129;

/// Beta-PERT shape `i`'s `(alpha, beta)`: `r = i / (PERT_SHAPES - 1)`, `alpha = 1 + 4 r`,
/// `beta = 5 - 4 r`.
pub(crate) fn pert_shape(i: usize) -> (f64, f64) {
    let r = i as f64 / (PERT_SHAPES - 1) as f64;
    (1.0 + 4.0 * r, 5.0 - 4.0 * r)
}

/// Row `i` of the Beta-PERT quantiles, as `f32`, into `q` (`PERT_CELLS + 1` of them).
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
pub(crate) fn pert_quantiles(i: usize, q: &mut [f32]) {
    let (alpha, beta) = pert_shape(i);
    for (o, x) in q
        .iter_mut()
        .zip(beta_quantile_table(alpha, beta, PERT_CELLS))
    {
        *o = x as f32;
    }
}

/// The integration grid shared by every table: nodes `x_m` and, at the nodes and the
/// Gauss-Legendre points of each interval, `(ln x, ln(1 - x))` (`-inf` at the ends).
struct Grid {
    nodes: Vec<f64>,
    node_logs: Vec<(f64, f64)>,
    /// `GL5.len()` points per interval.
    point_logs: Vec<(f64, f64)>,
}

const GRID_INTERVALS: usize = 4096;

fn grid() -> &'static Grid {
    static GRID: OnceLock<Grid> = OnceLock::new();
    GRID.get_or_init(|| {
        let m = GRID_INTERVALS;
        let nodes: Vec<f64> = (0..=m)
            .map(|k| (1.0 - libm::cos(std::f64::consts::PI * k as f64 / m as f64)) / 2.0)
            .collect();
        let logs = |x: f64| {
            (
                if x > 0.0 {
                    libm::log(x)
                } else {
                    f64::NEG_INFINITY
                },
                if x < 1.0 {
                    libm::log1p(-x)
                } else {
                    f64::NEG_INFINITY
                },
            )
        };
        let node_logs = nodes.iter().map(|&x| logs(x)).collect();
        let mut point_logs = Vec::with_capacity(m * GL5.len());
        for k in 0..m {
            let (x0, x1) = (nodes[k], nodes[k + 1]);
            let (mid, half) = ((x0 + x1) / 2.0, (x1 - x0) / 2.0);
            point_logs.extend(GL5.iter().map(|&(t, _)| logs(mid + half * t)));
        }
        Grid {
            nodes,
            node_logs,
            point_logs,
        }
    })
}

/// The unnormalised Beta(a, b) density from `(ln x, ln(1 - x))`, for `a, b >= 1`.
#[inline]
fn kernel_from_logs((lx, l1x): (f64, f64), a: f64, b: f64) -> f64 {
    let e = |c: f64, l: f64| if c == 0.0 { 0.0 } else { c * l };
    libm::exp(e(a - 1.0, lx) + e(b - 1.0, l1x))
}

/// Five-point Gauss-Legendre nodes and weights on [-1, 1].
const GL5: [(f64, f64); 5] = [
    (0.0, 0.568_888_888_888_888_9),
    (-0.538_469_310_105_683_1, 0.478_628_670_499_366_47),
    (0.538_469_310_105_683_1, 0.478_628_670_499_366_47),
    (-0.906_179_845_938_664, 0.236_926_885_056_189_08),
    (0.906_179_845_938_664, 0.236_926_885_056_189_08),
];

/// The Beta(a, b) quantiles at `k / cells`, `k = 0..=cells`, for `a, b >= 1`.
///
/// The density is integrated with 5-point Gauss-Legendre on 4096 intervals of a grid graded
/// towards both ends (`x_m = (1 - cos(pi m / M)) / 2`), giving the CDF and its slope at every
/// node; each quantile inverts the cubic Hermite interpolant of the CDF on its interval by
/// bisection.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
pub(crate) fn beta_quantile_table(a: f64, b: f64, cells: usize) -> Vec<f64> {
    let g = grid();
    let m_count = GRID_INTERVALS;
    let nodes = &g.nodes;
    let dens: Vec<f64> = g
        .node_logs
        .iter()
        .map(|&l| kernel_from_logs(l, a, b))
        .collect();
    let mut cdf = vec![0.0; m_count + 1];
    for m in 0..m_count {
        let half = (nodes[m + 1] - nodes[m]) / 2.0;
        let pts = &g.point_logs[m * GL5.len()..(m + 1) * GL5.len()];
        let integral: f64 = GL5
            .iter()
            .zip(pts)
            .map(|(&(_, w), &l)| w * kernel_from_logs(l, a, b))
            .sum::<f64>()
            * half;
        cdf[m + 1] = cdf[m] + integral;
    }
    let total = cdf[m_count];
    let mut out = Vec::with_capacity(cells + 1);
    out.push(0.0);
    let mut m = 0;
    for k in 1..cells {
        let target = k as f64 / cells as f64 * total;
        while cdf[m + 1] < target {
            m += 1;
        }
        let (x0, x1) = (nodes[m], nodes[m + 1]);
        let h = x1 - x0;
        let (f0, f1) = (cdf[m], cdf[m + 1]);
        let (d0, d1) = (dens[m] * h, dens[m + 1] * h);
        // Cubic Hermite on t in [0, 1]; monotone here since the intervals are fine.
        let hermite = |t: f64| {
            let t2 = t * t;
            let t3 = t2 * t;
            (2.0 * t3 - 3.0 * t2 + 1.0) * f0
                + (t3 - 2.0 * t2 + t) * d0
                + (-2.0 * t3 + 3.0 * t2) * f1
                + (t3 - t2) * d1
        };
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..48 {
            let mid = (lo + hi) / 2.0;
            if hermite(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        out.push(x0 + h * (lo + hi) / 2.0);
    }
    out.push(1.0);
    out
}
