//! Prints the benchmarks' realistic config.toml of at least BYTES bytes: `big_config 1048576`.

#[path = "../benches/support/big_config.rs"]
mod big_config;

fn main() {
    let bytes = std::env::args()
        .nth(1)
        .and_then(|b| b.parse().ok())
        .expect("usage: big_config BYTES");
    print!("{}", big_config::big_config(bytes));
}
