//! Rank correlation between task durations by a Gaussian copula.
//!
//! The plan asks for Spearman rank correlations `rho_s` between pairs of tasks. Correlated
//! tasks are grouped into connected components; each component draws independent standard
//! normals `e`, correlates them as `z = L e` with `L` the Cholesky factor of the Pearson matrix
//! `R_ij = 2 sin(pi rho_s / 6)` (the Pearson correlation of a Gaussian pair whose rank
//! correlation is `rho_s`), and feeds `u = Phi(z)` to each task's quantile function. Ranks are
//! unchanged by monotone maps, so each pair's expected rank correlation is exactly the one
//! requested, whatever the marginal distributions.
//!
//! Pairs not mentioned in a component correlate 0. When the requested matrix is not a valid
//! correlation matrix (not positive definite, e.g. a~b 0.9, b~c 0.9, a~c 0), the nearest
//! correlation matrix in the Frobenius norm (Higham 2002, alternating projections with
//! Dykstra's correction) is used instead, its smallest eigenvalue lifted to 1e-6 so that it
//! factors, and the result carries a warning naming the tasks and the largest change.
//!
//! Everything here is deterministic arithmetic (cyclic Jacobi eigenvalues use only `sqrt`).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Plan;

/// One group of mutually correlated tasks.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    /// Task indices, ordered by task id (so that the group's draws do not depend on the
    /// file's order: SPEC section 8).
    pub(crate) tasks: Vec<usize>,
    /// Lower-triangular Cholesky factor of the Pearson matrix, row-major `k x k`.
    pub(crate) chol: Vec<f64>,
}

/// Pearson correlation of a Gaussian pair with Spearman correlation `rho_s`.
pub(crate) fn pearson_of_spearman(rho_s: f64) -> f64 {
    2.0 * libm::sin(std::f64::consts::PI * rho_s / 6.0)
}

/// Spearman correlation of a Gaussian pair with Pearson correlation `rho`.
pub(crate) fn spearman_of_pearson(rho: f64) -> f64 {
    6.0 / std::f64::consts::PI * libm::asin(rho / 2.0)
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

/// The copula components of a plan; `random[j]` says whether task `j` has a random duration
/// (fixed tasks cannot be correlated and are left out with a warning).
pub(crate) fn components(
    plan: &Plan,
    random: &[bool],
    warnings: &mut Vec<String>,
) -> Vec<Component> {
    let n = plan.tasks.len();
    // Requested pairs (a < b) -> Spearman coefficient; a later entry overrides an earlier one.
    let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut fixed_named = BTreeSet::new();
    for c in &plan.correlations {
        for (x, &a) in c.tasks.iter().enumerate() {
            if !random[a] {
                fixed_named.insert(a);
                continue;
            }
            for &b in &c.tasks[x + 1..] {
                if a == b || !random[b] {
                    continue;
                }
                let key = (a.min(b), a.max(b));
                if let Some(old) = pairs.insert(key, c.coefficient) {
                    if old != c.coefficient {
                        warnings.push(format!(
                            "tasks {} and {} are correlated twice ({old} and {}); using {}",
                            plan.tasks[key.0].id,
                            plan.tasks[key.1].id,
                            c.coefficient,
                            c.coefficient
                        ));
                    }
                }
            }
        }
    }
    for a in fixed_named {
        warnings.push(format!(
            "task {} has a fixed duration, so its correlations have no effect",
            plan.tasks[a].id
        ));
    }
    // Union-find over the pairs with a nonzero coefficient.
    let mut parent: Vec<usize> = (0..n).collect();
    for (&(a, b), &c) in &pairs {
        if c != 0.0 {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&(a, b), &c) in &pairs {
        if c != 0.0 {
            let r = find(&mut parent, a);
            groups.entry(r).or_default().extend([a, b]);
        }
    }
    let mut out = Vec::new();
    for (_, mut tasks) in groups {
        crate::sorting::sort(&mut tasks);
        tasks.dedup();
        crate::sorting::sort_by(&mut tasks, |&a, &b| plan.tasks[a].id.cmp(&plan.tasks[b].id));
        let place: BTreeMap<usize, usize> =
            tasks.iter().enumerate().map(|(i, &t)| (t, i)).collect();
        let at = |t: usize| place.get(&t).copied();
        let k = tasks.len();
        let mut m = vec![0.0; k * k];
        for i in 0..k {
            m[i * k + i] = 1.0;
        }
        for (&(a, b), &c) in &pairs {
            if let (Some(i), Some(j)) = (at(a), at(b)) {
                let r = pearson_of_spearman(c);
                m[i * k + j] = r;
                m[j * k + i] = r;
            }
        }
        let chol = match cholesky(&m, k) {
            Some(l) => l,
            None => {
                let fixed = nearest_correlation(&m, k);
                let (mut worst, mut wi, mut wj) = (0.0f64, 0, 0);
                for i in 0..k {
                    for j in 0..i {
                        let d = spearman_of_pearson(fixed[i * k + j])
                            - spearman_of_pearson(m[i * k + j]);
                        if d.abs() > worst {
                            (worst, wi, wj) = (d.abs(), i, j);
                        }
                    }
                }
                let names: Vec<&str> = tasks.iter().map(|&t| plan.tasks[t].id.as_str()).collect();
                warnings.push(format!(
                    "the correlations among {} are inconsistent (no set of durations can have \
                     them all); used the nearest consistent ones, which changes {} and {} the \
                     most: rank correlation {:.3} instead of {:.3}",
                    names.join(", "),
                    plan.tasks[tasks[wj]].id,
                    plan.tasks[tasks[wi]].id,
                    spearman_of_pearson(fixed[wi * k + wj]),
                    spearman_of_pearson(m[wi * k + wj]),
                ));
                cholesky(&fixed, k).expect("the repaired matrix is positive definite")
            }
        };
        out.push(Component { tasks, chol });
    }
    out
}

/// The lower Cholesky factor of a symmetric `k x k` matrix, or `None` when it is not positive
/// definite (a pivot below 1e-10).
pub(crate) fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= l[i * k + p] * l[j * k + p];
            }
            if i == j {
                if s < 1e-10 {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    Some(l)
}

/// Eigen-decomposition of a symmetric `k x k` matrix by cyclic Jacobi rotations: returns the
/// eigenvalues and the eigenvectors as the columns of a row-major matrix.
pub(crate) fn jacobi_eigen(a: &[f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let mut off = 0.0;
        for i in 0..k {
            for j in 0..k {
                if i != j {
                    off += a[i * k + j] * a[i * k + j];
                }
            }
        }
        if off < 1e-30 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = if theta == 0.0 {
                    1.0
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (arp, arq) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let (apr, aqr) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let (vrp, vrq) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    ((0..k).map(|i| a[i * k + i]).collect(), v)
}

/// `V diag(max(lambda, floor)) V^T` of a symmetric matrix.
fn clip_eigen(a: &[f64], k: usize, floor: f64) -> Vec<f64> {
    let (vals, vecs) = jacobi_eigen(a, k);
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            let mut s = 0.0;
            for e in 0..k {
                s += vecs[i * k + e] * vals[e].max(floor) * vecs[j * k + e];
            }
            out[i * k + j] = s;
        }
    }
    out
}

/// The nearest correlation matrix to symmetric `a` (Higham's alternating projections with
/// Dykstra's correction), then made strictly positive definite (eigenvalues >= 1e-6) with a
/// unit diagonal.
pub(crate) fn nearest_correlation(a: &[f64], k: usize) -> Vec<f64> {
    let mut y = a.to_vec();
    let mut ds = vec![0.0; k * k];
    for _ in 0..500 {
        let r: Vec<f64> = y.iter().zip(&ds).map(|(y, d)| y - d).collect();
        let x = clip_eigen(&r, k, 0.0);
        for i in 0..k * k {
            ds[i] = x[i] - r[i];
        }
        let prev = std::mem::replace(&mut y, x);
        for i in 0..k {
            y[i * k + i] = 1.0;
        }
        let change = y
            .iter()
            .zip(&prev)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        if change < 1e-12 {
            break;
        }
    }
    let mut z = clip_eigen(&y, k, 1e-6);
    let d: Vec<f64> = (0..k).map(|i| z[i * k + i].sqrt()).collect();
    for i in 0..k {
        for j in 0..k {
            z[i * k + j] /= d[i] * d[j];
        }
        z[i * k + i] = 1.0;
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_pearson_round_trip() {
        for &r in &[0.0, 0.3, 0.6, 0.95] {
            assert!((spearman_of_pearson(pearson_of_spearman(r)) - r).abs() < 1e-14);
        }
    }

    #[test]
    fn cholesky_reconstructs() {
        let a = [1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0];
        let l = cholesky(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|p| l[i * 3 + p] * l[j * 3 + p]).sum();
                assert!((s - a[i * 3 + j]).abs() < 1e-14);
            }
        }
        assert!(cholesky(&[1.0, 0.9, 0.0, 0.9, 1.0, 0.9, 0.0, 0.9, 1.0], 3).is_none());
    }

    #[test]
    fn jacobi_finds_eigenvalues() {
        // [[2,1],[1,2]] has eigenvalues 1 and 3.
        let (mut vals, _) = jacobi_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        vals.sort_by(f64::total_cmp);
        assert!((vals[0] - 1.0).abs() < 1e-12 && (vals[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn nearest_correlation_of_an_inconsistent_triangle() {
        // a~b 0.9, b~c 0.9, a~c -0.9 cannot hold together.
        let a = [1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0];
        let z = nearest_correlation(&a, 3);
        assert!(cholesky(&z, 3).is_some());
        for i in 0..3 {
            assert_eq!(z[i * 3 + i], 1.0);
        }
        // The fix keeps the problem's symmetry and moves every entry towards 0.
        assert!((z[1] - z[5]).abs() < 1e-9 && z[1] < 0.9 && z[2] > -0.9);
        let det = 1.0 + 2.0 * z[1] * z[5] * z[2] - z[1] * z[1] - z[5] * z[5] - z[2] * z[2];
        assert!(det > 0.0);
        // Closed form: by symmetry the answer has entries (x, x, -y); it is PSD iff
        // (1 + y)(1 - y - 2x^2) >= 0, and minimising 2(0.9 - x)^2 + (0.9 - y)^2 on the
        // boundary y = 1 - 2x^2 gives 16x^3 + 3.2x - 3.6 = 0, so x = y = 0.5.
        assert!((z[1] - 0.5).abs() < 1e-4, "{z:?}");
        assert!((z[5] - 0.5).abs() < 1e-4, "{z:?}");
        assert!((z[2] + 0.5).abs() < 1e-4, "{z:?}");
        // A valid matrix is left (nearly) as it is.
        let ok = [1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0];
        let same = nearest_correlation(&ok, 3);
        for (x, y) in same.iter().zip(&ok) {
            assert!((x - y).abs() < 1e-9);
        }
    }
}
