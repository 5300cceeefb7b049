//! The setup operation: plans over the config files, and the diffs that show them.

pub mod codex_verdict;
pub mod diff;
pub mod plan;
