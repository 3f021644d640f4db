//! The dependency graph (petgraph): cycle detection and the critical-path method.
