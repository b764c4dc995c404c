//! The Node recipes of docs/recipes.md, run as the document prints them
//! through `sfconnect exec` against the fake Salesforce: the `fetch` one
//! (Node only) and the jsforce one (the jsforce package).
//!
//! They cannot run among the documentation's examples: Node's `fetch`
//! ignores `HTTPS_PROXY`, so it cannot reach the examples' stand-in hosts.
//! Here they get the fake's own `http://127.0.0.1` instance URL instead.
//!
//! Without `node` the `fetch` test says so and stops; CI installs Node
//! (Debian's `nodejs`) and sets `SFCONNECT_TEST_REQUIRE_NODE=1`, which turns
//! that into a failure. The jsforce test does the same with jsforce: CI
//! installs it (`npm install --prefix target/recipes-node jsforce@3.10.16`)
//! and sets `SFCONNECT_TEST_REQUIRE_JSFORCE=1`. jsforce is looked for in
//! `SFCONNECT_TEST_JSFORCE_DIR` (a directory whose `node_modules` holds it),
//! else in `target/recipes-node`.

use crate::support::Sandbox;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

/// The `js` block of docs/recipes.md whose first line is `// NAME`.
fn recipe(name: &str) -> String {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/recipes.md")).unwrap();
    let first_line = format!("// {name}\n");
    doc.split("```js\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|block| block.starts_with(&first_line))
        .unwrap_or_else(|| panic!("docs/recipes.md has no js block starting {first_line:?}"))
        .to_string()
}

/// Says that `tool` is missing, or fails when CI requires it (`variable`
/// set to 1).
fn missing(tool: &str, variable: &str) {
    let required = std::env::var(variable).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{variable}=1 but {tool} is not installed; .ci/run installs it"
    );
    eprintln!("SKIPPED: {tool} is not installed; {variable}=1 makes this a failure");
}

fn node_runs() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A directory whose `node_modules` holds jsforce, if there is one.
fn jsforce_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SFCONNECT_TEST_JSFORCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/recipes-node"));
    dir.join("node_modules/jsforce/package.json")
        .exists()
        .then_some(dir)
}

/// A linked `prod` whose org has three accounts to query.
fn org_with_accounts() -> Sandbox {
    let sandbox = Sandbox::linked("prod");
    let rows = ["Acme", "Globex", "Initech"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut row = serde_json::Map::new();
            row.insert("Id".into(), json!(format!("0015g000000000{i}AAA")));
            row.insert("Name".into(), json!(name));
            row
        })
        .collect();
    sandbox.fake.knobs().records = vec![("Account".into(), rows)];
    sandbox
}

/// Runs `file` (holding the recipe `name`) with node through `exec` and
/// asserts it printed the accounts.
fn runs_and_prints_the_accounts(sandbox: &Sandbox, name: &str, env: &[(&str, &str)]) {
    let file = sandbox.root().join(name);
    std::fs::write(&file, recipe(name)).unwrap();
    let file = file.display().to_string();
    let run = sandbox
        .run_env(&["exec", "prod", "--", "node", &file], env)
        .expect(0);
    assert_eq!(
        run.stdout,
        "0015g0000000000AAA Acme\n0015g0000000001AAA Globex\n0015g0000000002AAA Initech\n",
        "{run:#?}"
    );
    let queries = sandbox
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/query"))
        .count();
    assert!(queries >= 1, "{name} did not query the fake");
}

#[test]
fn the_node_fetch_recipe_queries_the_org() {
    if !node_runs() {
        return missing("node", "SFCONNECT_TEST_REQUIRE_NODE");
    }
    runs_and_prints_the_accounts(&org_with_accounts(), "query.mjs", &[]);
}

#[test]
fn the_jsforce_recipe_queries_the_org() {
    let (true, Some(dir)) = (node_runs(), jsforce_dir()) else {
        return missing(
            "jsforce (npm install --prefix target/recipes-node jsforce@3.10.16)",
            "SFCONNECT_TEST_REQUIRE_JSFORCE",
        );
    };
    let node_path = dir.join("node_modules").display().to_string();
    runs_and_prints_the_accounts(
        &org_with_accounts(),
        "query.js",
        &[("NODE_PATH", &node_path)],
    );
}
