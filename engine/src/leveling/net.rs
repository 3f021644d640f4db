//! The precedence network as the leveller reads it (the compiled [`crate::network::Network`],
//! forward or mirrored), and the list operations the genetic algorithm needs
//! (precedence-feasible orders by key, random feasible orders), all on reusable buffers.

pub(crate) use crate::network::{Arc, Network as Net};

/// The leveller's view of the compiled network: lists run forward or on the mirrored network.
impl Net {
    /// The tasks that must come before `j` in a list of direction `dir` (predecessors forward,
    /// successors for the mirrored network).
    #[inline]
    pub(crate) fn before(&self, j: usize, dir: Dir) -> &[Arc] {
        match dir {
            Dir::Forward => self.preds(j),
            Dir::Mirror => self.succs(j),
        }
    }

    /// The tasks that must come after `j` in a list of direction `dir`.
    #[inline]
    pub(crate) fn after(&self, j: usize, dir: Dir) -> &[Arc] {
        match dir {
            Dir::Forward => self.succs(j),
            Dir::Mirror => self.preds(j),
        }
    }
}

/// Which way a list runs: forward (each task after its predecessors) or on the mirrored network
/// (each task after its successors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Forward,
    Mirror,
}

/// Reusable buffers for ordering tasks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Orderer {
    indegree: Vec<u32>,
    sorted: Vec<u128>,
    pos: Vec<u32>,
    /// A binary min-heap of (key, tie, task).
    heap: Vec<(f64, u32, u32)>,
}

#[inline]
fn less(a: &(f64, u32, u32), b: &(f64, u32, u32)) -> bool {
    match a.0.total_cmp(&b.0) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a.1 < b.1,
    }
}

impl Orderer {
    fn push(&mut self, item: (f64, u32, u32)) {
        let h = &mut self.heap;
        h.push(item);
        let mut i = h.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            if less(&h[i], &h[parent]) {
                h.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn pop(&mut self) -> Option<(f64, u32, u32)> {
        let h = &mut self.heap;
        let last = h.pop()?;
        if h.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut h[0], last);
        let len = h.len();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut m = i;
            if l < len && less(&h[l], &h[m]) {
                m = l;
            }
            if r < len && less(&h[r], &h[m]) {
                m = r;
            }
            if m == i {
                break;
            }
            h.swap(i, m);
            i = m;
        }
        Some(top)
    }

    /// Writes into `out` every task in an order feasible for `dir`: among the tasks whose
    /// required predecessors are listed, the smallest `(key, tie)` first.
    ///
    /// When sorting by `(key, tie)` alone is already feasible (the usual case when the keys
    /// are times of a schedule), that sort is the answer and no heap is needed.
    pub fn order_by(
        &mut self,
        net: &Net,
        dir: Dir,
        key: &[f64],
        tie: &[u32],
        out: &mut Vec<usize>,
    ) {
        let n = net.len();
        self.sorted.clear();
        self.sorted.extend((0..n).map(|j| {
            (u128::from(sortable(key[j])) << 64) | (u128::from(tie[j]) << 32) | j as u128
        }));
        self.sorted.sort_unstable();
        out.clear();
        out.extend(self.sorted.iter().map(|&x| (x as u32) as usize));
        self.pos.resize(n, 0);
        positions(out, &mut self.pos);
        let feasible = (0..n).all(|j| {
            let p = self.pos[j];
            net.before(j, dir).iter().all(|a| self.pos[a.other] < p)
        });
        if !feasible {
            self.order_by_heap(net, dir, key, tie, out);
        }
    }

    /// [`Orderer::order_by`] by a heap of the tasks whose predecessors are listed.
    fn order_by_heap(
        &mut self,
        net: &Net,
        dir: Dir,
        key: &[f64],
        tie: &[u32],
        out: &mut Vec<usize>,
    ) {
        let n = net.len();
        out.clear();
        self.indegree.clear();
        self.indegree
            .extend((0..n).map(|j| net.before(j, dir).len() as u32));
        self.heap.clear();
        for j in 0..n {
            if self.indegree[j] == 0 {
                self.push((key[j], tie[j], j as u32));
            }
        }
        while let Some((_, _, j)) = self.pop() {
            let j = j as usize;
            out.push(j);
            for a in net.after(j, dir) {
                let k = a.other;
                self.indegree[k] -= 1;
                if self.indegree[k] == 0 {
                    self.push((key[k], tie[k], k as u32));
                }
            }
        }
        debug_assert_eq!(out.len(), n);
    }
}

/// A `u64` that orders like the float (total order; -0.0 before 0.0).
#[inline]
fn sortable(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Positions of the tasks in `list`.
pub(crate) fn positions(list: &[usize], pos: &mut [u32]) {
    for (p, &j) in list.iter().enumerate() {
        pos[j] = p as u32;
    }
}

/// Whether `list` lists every task once, each after the tasks `dir` requires before it.
#[cfg(test)]
pub(crate) fn is_feasible(net: &Net, dir: Dir, list: &[usize]) -> bool {
    let n = net.len();
    if list.len() != n {
        return false;
    }
    let mut pos = vec![u32::MAX; n];
    for (p, &j) in list.iter().enumerate() {
        if j >= n || pos[j] != u32::MAX {
            return false;
        }
        pos[j] = p as u32;
    }
    (0..n).all(|j| net.before(j, dir).iter().all(|a| pos[a.other] < pos[j]))
}
