//! Coder's side: the deployment URL and gateway routes, where a URL is detected from, and the
//! HTTP API.

pub mod api;
pub mod deployment;
pub mod detect;
pub mod http;
pub mod users;
