//! sfconnect: link a Salesforce account to the command line.
//!
//! Everything lives in the library (`lib.rs`); this only exits with the
//! code it returns.

fn main() {
    std::process::exit(sfconnect::run_cli());
}
