//! The setup operation: the request (route, spec), the plan over the config files (pure), the
//! diffs that show it, applying it safely, and the next steps as data.

pub mod apply;
pub mod codex_verdict;
pub mod diff;
pub mod migrate;
pub mod next;
pub mod plan;
pub mod request;
pub mod undo;
pub mod websockets;
