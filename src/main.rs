//! sfconnect: link a Salesforce account to the command line.
//!
//! Everything lives in the library (`lib.rs`); this only takes the client
//! secret out of the environment, so no child process inherits it, and
//! exits with the code the library returns.

fn main() {
    // SAFETY: the first statement of `main`; no other thread exists yet.
    unsafe { sfconnect::secrets::client_secret::take_from_environment() };
    std::process::exit(sfconnect::run_cli());
}
