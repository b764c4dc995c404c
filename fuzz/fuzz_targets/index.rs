//! The index reader: any bytes in `index.json` give an index or an error
//! naming the file, never a panic; what it accepts has our version and
//! writes back to text that reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfconnect::index::connection::INDEX_VERSION;
use sfconnect::index::registry::parse;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/config/index.json");
    match parse(path, text) {
        Ok(index) => {
            assert_eq!(index.version, INDEX_VERSION);
            let written = serde_json::to_string_pretty(&index).expect("an index encodes");
            let again = parse(path, &written).expect("what we write, we read");
            assert_eq!(again.connections.len(), index.connections.len());
            assert_eq!(again.retired.len(), index.retired.len());
            let rewritten = serde_json::to_string_pretty(&again).unwrap();
            assert_eq!(rewritten, written, "a second write differs");
        }
        Err(err) => {
            assert!(err.message.contains("index.json"), "{}", err.message);
        }
    }
});
