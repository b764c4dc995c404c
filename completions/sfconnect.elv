
use builtin;
use str;

set edit:completion:arg-completer[sfconnect] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sfconnect'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sfconnect'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand link 'Log in to Salesforce in the browser and store the connection'
            cand tokens 'Inspect linked connections'
            cand revoke 'Revoke connections at Salesforce and forget them'
            cand token 'Print a valid access token (for scripts)'
            cand exec 'Run a command with a fresh access token in its environment'
            cand api 'Call the Salesforce REST API of a connection'
            cand import 'Bring in a connection from an SFDX auth URL (the Salesforce CLI''s)'
            cand export 'Print a connection as an SFDX auth URL (for the sf CLI, or a CI secret)'
            cand config 'Read and change sfconnect''s settings (config.toml)'
            cand keygen 'Make an RSA key and certificate for `link --jwt`'
            cand migrate 'Move a connection''s secret to another store'
            cand doctor 'Explain why sfconnect does or does not work here'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff)'
        }
        &'sfconnect;link'= {
            cand --login-url 'Log in at this host instead: a My Domain or Experience Cloud URL (a bare host gets https://; a Lightning, Visualforce or Setup URL becomes its My Domain login URL)'
            cand --domain 'Log in at the My Domain https://NAME.my.salesforce.com (with --sandbox: NAME--SBX for https://NAME--SBX.sandbox.my.salesforce.com)'
            cand --client-id 'Consumer key of your External Client App [default: the `client-id` setting, else PlatformCLI]'
            cand --scopes 'OAuth scopes to request, space-separated'
            cand --port 'Port of the callback URL http://localhost:PORT/OauthRedirect, or several to try in order (1717,1718); 0: any free port [default: the `port` setting, else 1717]'
            cand --store 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]'
            cand --alias 'Name for the connection [default: the Salesforce username]'
            cand --timeout 'Give up when no login completes within this many seconds [default: the `timeout` setting, else 300]'
            cand --username 'The Salesforce username the JWT is for (its `sub`)'
            cand --key-file 'The PEM RSA private key (PKCS#1 or PKCS#8); sfconnect stores it in the secret store'
            cand --key-env 'Read the PEM RSA private key from this environment variable at every new token; nothing is stored but the variable''s name'
            cand --audience 'The JWT''s `aud` [default: $SF_AUDIENCE_URL, else https://test.salesforce.com for sandboxes and scratch orgs, https://login.salesforce.com for production and My Domains, the login URL for Experience Cloud sites]'
            cand --secret-env 'Read the consumer secret from this environment variable at every new token; nothing is stored but the variable''s name'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --sandbox 'Log in to a sandbox (https://test.salesforce.com, or with --domain a sandbox My Domain)'
            cand --force 'Replace a connection that already uses the alias'
            cand --no-browser 'Only print the login URL; do not open a browser'
            cand --paste 'Read the address the browser ended on from stdin even when it is not a terminal'
            cand --device 'Log in with Salesforce''s device flow: approve on any device with a code (needs an app with "Enable for Device Flow")'
            cand --json 'Print the new connection as JSON'
            cand --jwt 'Link with the JWT bearer flow, no browser: sign a JWT with your RSA key, whose certificate is uploaded to the app (needs --client-id, --username and a key)'
            cand --key-stdin 'Read the PEM RSA private key from stdin; sfconnect stores it in the secret store'
            cand --client-credentials 'Link with the client credentials flow, no browser: the app''s consumer key and secret, acting as its Run As user; only on a My Domain (--domain or --login-url). The secret comes from SFCONNECT_CLIENT_SECRET, --secret-stdin or --secret-env'
            cand --secret-stdin 'Read the consumer secret from stdin; sfconnect stores it in the secret store'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;tokens'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List linked connections'
            cand check 'Verify connections against Salesforce, in parallel'
            cand approvals 'How many of Salesforce''s five approvals per user per app are in use'
        }
        &'sfconnect;tokens;list'= {
            cand --timeout 'With --check: seconds to wait for each connection'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print {"version": 1, "connections": [...]}'
            cand --check 'Verify every connection at Salesforce first (as `tokens check`)'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;tokens;check'= {
            cand --timeout 'Seconds to wait for each connection'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print {"version": 1, "results": [...]}'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;tokens;approvals'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print the approvals as JSON'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;revoke'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --all 'Revoke every linked connection'
            cand --local-only 'Forget locally without calling Salesforce (the token stays valid there)'
            cand --json 'Print {"version": 1, "results": [...]}'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;token'= {
            cand --format 'Output format'
            cand --max-age 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Same as --format json'
            cand --fresh 'Always refresh, never use the cached access token'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;exec'= {
            cand --max-age 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --fresh 'Always refresh, never use the cached access token'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;api'= {
            cand -X 'HTTP method [default: GET, or POST with -d]'
            cand --method 'HTTP method [default: GET, or POST with -d]'
            cand -d 'Request body; @FILE reads a file, @- reads stdin. Sent as JSON'
            cand --data 'Request body; @FILE reads a file, @- reads stdin. Sent as JSON'
            cand -H 'Extra request header, "Name: value" (repeatable)'
            cand --header 'Extra request header, "Name: value" (repeatable)'
            cand --max-age 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --fresh 'Always refresh, never use the cached access token'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;import'= {
            cand --alias 'Name for the connection [default: the Salesforce username]'
            cand --file 'Read the URL (or the sf CLI''s JSON) from this file instead of stdin'
            cand --from-env 'Read the URL (or the sf CLI''s JSON) from this environment variable (its name, not its value)'
            cand --store 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --force 'Replace the local connection of the same user, org and app (or holding the alias), without revoking anything'
            cand --json 'Print the new connection as JSON'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;export'= {
            cand --format 'What to write (required, so that a script keeps meaning the same when formats are added)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --reveal 'Print the URL even when stdout is a terminal (where it would stay in the scrollback)'
            cand --force 'Export a connection kept in a store several machines share'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;config'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand get 'Print a setting''s value (nothing when unset)'
            cand set 'Set a setting'
            cand unset 'Remove a setting (back to the default)'
            cand list 'Show every setting, its effective value and where it comes from'
        }
        &'sfconnect;config;get'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;config;set'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;config;unset'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;config;list'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print {"version": 1, "settings": [...]}'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;keygen'= {
            cand --dir 'Where to write sfconnect.key and sfconnect.crt (created if missing)'
            cand --days 'Days the certificate is valid'
            cand --cn 'The certificate''s common name (Salesforce shows it in the app''s settings)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;migrate'= {
            cand --to 'The store to move the secret to: keychain, keyutils, file or vault (docs/vault.md)'
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;doctor'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print the findings as JSON'
            cand --clean 'Delete orphaned secrets of the file store (never one the index refers to)'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;completions'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sfconnect;man'= {
            cand --color 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --markdown 'Print the reference as Markdown instead of roff'
            cand -q 'Only warnings and errors on stderr, no informational lines'
            cand --quiet 'Only warnings and errors on stderr, no informational lines'
            cand -v 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand --verbose 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
    ]
    $completions[$command]
}
