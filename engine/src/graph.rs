//! The dependency graph (petgraph): cycle detection and the critical-path method.
//!
//! Architecture invariant: this is the only module that knows petgraph.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// Every cycle among `n` tasks linked by `edges` (predecessor, successor): one entry per
/// strongly connected component with more than one task (or a self-loop), listing its tasks
/// in an order that follows the links, starting from the smallest index.
pub fn find_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(a, b) in edges {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let mut cycles = Vec::new();
    for scc in tarjan_scc(&g) {
        let self_loop = scc.len() == 1 && g.contains_edge(scc[0], scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        let members: std::collections::BTreeSet<usize> = scc.iter().map(|v| v.index()).collect();
        // Walk one cycle through the component, starting at its smallest task.
        let first = *members.iter().next().expect("non-empty component");
        let mut order = vec![first];
        let mut seen = std::collections::BTreeSet::from([first]);
        let mut cur = first;
        loop {
            let next = g
                .neighbors(NodeIndex::new(cur))
                .map(|v| v.index())
                .filter(|v| members.contains(v))
                .min_by_key(|v| (seen.contains(v), *v));
            match next {
                Some(v) if !seen.contains(&v) => {
                    order.push(v);
                    seen.insert(v);
                    cur = v;
                }
                _ => break,
            }
        }
        // List any members the walk did not reach, so every task on the cycle is named.
        order.extend(members.iter().filter(|v| !seen.contains(v)));
        cycles.push(order);
    }
    cycles.sort();
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_task_cycle_is_named_in_link_order() {
        // 0 -> 1 -> 2 -> 0, and 3 hangs off it.
        let c = find_cycles(4, &[(0, 1), (1, 2), (2, 0), (2, 3)]);
        assert_eq!(c, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn acyclic_and_self_loop() {
        assert!(find_cycles(3, &[(0, 1), (1, 2), (0, 2)]).is_empty());
        assert_eq!(find_cycles(2, &[(1, 1)]), vec![vec![1]]);
    }
}
