//! Monte Carlo simulation of delay risk.
