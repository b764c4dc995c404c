//! The config reader: any bytes in `config.toml` give settings or an error
//! naming the file, never a panic; what it accepts holds only known keys with
//! valid values, and writing it back reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfconnect::config::{Config, KEYS, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text) {
        Ok(config) => {
            for key in KEYS {
                if let Some(value) = config.get(key.name) {
                    let checked = validate(key.name, value)
                        .unwrap_or_else(|e| panic!("accepted, then refused: {}", e.message));
                    assert_eq!(checked, value, "{} is not stored normalized", key.name);
                }
            }
            let rendered = config.render();
            let again = Config::parse(&rendered)
                .unwrap_or_else(|e| panic!("{rendered:?} does not read back: {}", e.message));
            assert_eq!(again, config, "{rendered:?}");
        }
        Err(err) => {
            let names_file = |text: &str| text.contains("config.toml");
            assert!(
                names_file(&err.message) || err.hint.as_deref().is_some_and(names_file),
                "{} / {:?}",
                err.message,
                err.hint
            );
        }
    }
});
