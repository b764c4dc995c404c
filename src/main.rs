//! sfconnect: link a Salesforce account to the command line.
//!
//! Everything lives in the library (`lib.rs`); this only takes the secrets
//! the environment may hold (the client secret, an environment
//! connection's auth URL or key) out of it, so no child process inherits
//! them, and exits with the code the library returns.

fn main() {
    // SAFETY: the first statements of `main`; no other thread exists yet.
    unsafe {
        sfconnect::secrets::client_secret::take_from_environment();
        sfconnect::secrets::environment_credentials::take_from_environment();
    }
    std::process::exit(sfconnect::run_cli());
}
