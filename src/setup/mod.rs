//! The setup operation: plans over the config files, and the diffs that show them.

pub mod diff;
pub mod plan;
pub mod undo;
