//! The documentation the repository commits, held to the code: the
//! generated command reference is current.

use crate::support::Sandbox;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_command_reference_matches_the_binary() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man", "--markdown"]).expect(0);
    assert!(
        run.stdout.contains("\n## sfconnect link\n"),
        "{}",
        run.stdout
    );
    let committed = std::fs::read_to_string(root().join("docs/commands.md")).unwrap_or_default();
    assert!(
        committed == run.stdout,
        "docs/commands.md differs from what the binary generates; regenerate it with: \
         cargo run -q -- man --markdown > docs/commands.md"
    );
}
