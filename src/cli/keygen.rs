//! The arguments of `keygen`.

use clap::Args;

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect keygen                          # ./sfconnect.key and ./sfconnect.crt\n  \
sfconnect keygen --dir ~/.ssh/salesforce --days 730 --cn ci-acme\n  \
gh secret set SF_JWT_KEY < sfconnect.key   # into a CI secret, for link --key-env SF_JWT_KEY")]
pub struct KeygenArgs {
    /// Where to write sfconnect.key and sfconnect.crt (created if missing)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: std::path::PathBuf,

    /// Days the certificate is valid
    #[arg(long, value_name = "N", default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,

    /// The certificate's common name (Salesforce shows it in the app's settings)
    #[arg(long, value_name = "NAME", default_value = "sfconnect")]
    pub cn: String,
}
