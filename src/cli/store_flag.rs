//! `--store`, which `link` and `import` both take: where a new
//! connection's secret is kept.

use crate::settings;
use clap::Args;

#[derive(Args, Debug)]
pub struct StoreFlag {
    // SFCONNECT_STORE is read by `config::default_store`, not clap, so that a
    // bad value is reported as the variable, not as a bad --store flag.
    #[arg(
        id = "store",
        long = "store",
        help = settings::STORE.flag_help(),
        value_name = "STORE",
        value_parser = crate::secrets::StoreKind::NAMES
    )]
    pub name: Option<String>,
}
