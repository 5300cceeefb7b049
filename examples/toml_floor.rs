//! The floor `benches/engine.sh` measures setup against: parse a file with the same toml_edit
//! codexgw uses into an editable document and print it back, nothing else.

use std::io::Write as _;

fn main() {
    let path = std::env::args().nth(1).expect("usage: toml_floor FILE");
    let text = std::fs::read_to_string(path).expect("read the file");
    let doc: toml_edit::DocumentMut = text.parse().expect("valid TOML");
    std::io::stdout()
        .write_all(doc.to_string().as_bytes())
        .expect("write stdout");
}
