# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sfconnect_global_optspecs
    string join \n q/quiet v/verbose color= h/help V/version
end

function __fish_sfconnect_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sfconnect_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sfconnect_using_subcommand
    set -l cmd (__fish_sfconnect_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sfconnect -n "__fish_sfconnect_needs_command" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_needs_command" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -s V -l version -d 'Print version'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "link" -d 'Log in to Salesforce in the browser and store the connection'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "tokens" -d 'Inspect linked connections'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "revoke" -d 'Revoke connections at Salesforce and forget them'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "token" -d 'Print a valid access token (for scripts)'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "exec" -d 'Run a command with a fresh access token in its environment'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "api" -d 'Call the Salesforce REST API of a connection'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "import" -d 'Bring in a connection from an SFDX auth URL (the Salesforce CLI\'s)'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "export" -d 'Print a connection as an SFDX auth URL (for the sf CLI, or a CI secret)'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "config" -d 'Read and change sfconnect\'s settings (config.toml)'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "keygen" -d 'Make an RSA key and certificate for `link --jwt`'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "migrate" -d 'Move a connection\'s secret to another store'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "doctor" -d 'Explain why sfconnect does or does not work here'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c sfconnect -n "__fish_sfconnect_needs_command" -f -a "man" -d 'Print the manual page (roff)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l login-url -d 'Log in at this host instead: a My Domain or Experience Cloud URL (a bare host gets https://; a Lightning, Visualforce or Setup URL becomes its My Domain login URL)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l domain -d 'Log in at the My Domain https://NAME.my.salesforce.com (with --sandbox: NAME--SBX for https://NAME--SBX.sandbox.my.salesforce.com)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l client-id -d 'Consumer key of your External Client App [default: the `client-id` setting, else PlatformCLI]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l scopes -d 'OAuth scopes to request, space-separated' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l port -d 'Port of the callback URL http://localhost:PORT/OauthRedirect, or several to try in order (1717,1718); 0: any free port [default: the `port` setting, else 1717]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l store -d 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]' -r -f -a "keychain\t''
keyutils\t''
file\t''
vault\t''"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l alias -d 'Name for the connection [default: the Salesforce username]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l timeout -d 'Give up when no login completes within this many seconds [default: the `timeout` setting, else 300]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l username -d 'The Salesforce username the JWT is for (its `sub`)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l key-file -d 'The PEM RSA private key (PKCS#1 or PKCS#8); sfconnect stores it in the secret store' -r -F
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l key-env -d 'Read the PEM RSA private key from this environment variable at every new token; nothing is stored but the variable\'s name' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l audience -d 'The JWT\'s `aud` [default: $SF_AUDIENCE_URL, else https://test.salesforce.com for sandboxes and scratch orgs, https://login.salesforce.com for production and My Domains, the login URL for Experience Cloud sites]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l secret-env -d 'Read the consumer secret from this environment variable at every new token; nothing is stored but the variable\'s name' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l sandbox -d 'Log in to a sandbox (https://test.salesforce.com, or with --domain a sandbox My Domain)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l force -d 'Replace a connection that already uses the alias'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l no-browser -d 'Only print the login URL; do not open a browser'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l paste -d 'Read the address the browser ended on from stdin even when it is not a terminal'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l device -d 'Log in with Salesforce\'s device flow: approve on any device with a code (needs an app with "Enable for Device Flow")'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l json -d 'Print the new connection as JSON'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l jwt -d 'Link with the JWT bearer flow, no browser: sign a JWT with your RSA key, whose certificate is uploaded to the app (needs --client-id, --username and a key)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l key-stdin -d 'Read the PEM RSA private key from stdin; sfconnect stores it in the secret store'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l client-credentials -d 'Link with the client credentials flow, no browser: the app\'s consumer key and secret, acting as its Run As user; only on a My Domain (--domain or --login-url). The secret comes from SFCONNECT_CLIENT_SECRET, --secret-stdin or --secret-env'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -l secret-stdin -d 'Read the consumer secret from stdin; sfconnect stores it in the secret store'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand link" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -f -a "list" -d 'List linked connections'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -f -a "check" -d 'Verify connections against Salesforce, in parallel'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and not __fish_seen_subcommand_from list check approvals" -f -a "approvals" -d 'How many of Salesforce\'s five approvals per user per app are in use'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -l timeout -d 'With --check: seconds to wait for each connection' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -l json -d 'Print {"version": 1, "connections": [...]}'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -l check -d 'Verify every connection at Salesforce first (as `tokens check`)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -l timeout -d 'Seconds to wait for each connection' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -l json -d 'Print {"version": 1, "results": [...]}'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from approvals" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from approvals" -l json -d 'Print the approvals as JSON'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from approvals" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from approvals" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand tokens; and __fish_seen_subcommand_from approvals" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -l all -d 'Revoke every linked connection'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -l local-only -d 'Forget locally without calling Salesforce (the token stays valid there)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -l json -d 'Print {"version": 1, "results": [...]}'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -l format -d 'Output format' -r -f -a "bare\t'The token alone'
header\t'`Authorization: Bearer TOKEN`'
json\t'{"alias", "access_token", "instance_url", "username", "org_id", "issued_at"}'
env\t'SF_ACCESS_TOKEN=... and SF_INSTANCE_URL=... lines, shell-quoted, for `eval`'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -l max-age -d 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -l json -d 'Same as --format json'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -l fresh -d 'Always refresh, never use the cached access token'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -l max-age -d 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -l fresh -d 'Always refresh, never use the cached access token'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s X -l method -d 'HTTP method [default: GET, or POST with -d]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s d -l data -d 'Request body; @FILE reads a file, @- reads stdin. Sent as JSON' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s H -l header -d 'Extra request header, "Name: value" (repeatable)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -l max-age -d 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -l fresh -d 'Always refresh, never use the cached access token'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand api" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l alias -d 'Name for the connection [default: the Salesforce username]' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l file -d 'Read the URL (or the sf CLI\'s JSON) from this file instead of stdin' -r -F
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l from-env -d 'Read the URL (or the sf CLI\'s JSON) from this environment variable (its name, not its value)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l store -d 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]' -r -f -a "keychain\t''
keyutils\t''
file\t''
vault\t''"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l force -d 'Replace the local connection of the same user, org and app (or holding the alias), without revoking anything'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -l json -d 'Print the new connection as JSON'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -l format -d 'What to write (required, so that a script keeps meaning the same when formats are added)' -r -f -a "sfdx-url\t'The Salesforce CLI\'s force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -l reveal -d 'Print the URL even when stdout is a terminal (where it would stay in the scrollback)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -l force -d 'Export a connection kept in a store several machines share'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -f -a "get" -d 'Print a setting\'s value (nothing when unset)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -f -a "set" -d 'Set a setting'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -f -a "unset" -d 'Remove a setting (back to the default)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and not __fish_seen_subcommand_from get set unset list" -f -a "list" -d 'Show every setting, its effective value and where it comes from'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from get" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from unset" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Print {"version": 1, "settings": [...]}'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -l dir -d 'Where to write sfconnect.key and sfconnect.crt (created if missing)' -r -F
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -l days -d 'Days the certificate is valid' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -l cn -d 'The certificate\'s common name (Salesforce shows it in the app\'s settings)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand migrate" -l to -d 'The store to move the secret to: keychain, keyutils, file or vault (docs/vault.md)' -r
complete -c sfconnect -n "__fish_sfconnect_using_subcommand migrate" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand migrate" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand migrate" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -l json -d 'Print the findings as JSON'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -l clean -d 'Delete orphaned secrets of the file store (never one the index refers to)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand completions" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand completions" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand completions" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand man" -l color -d 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c sfconnect -n "__fish_sfconnect_using_subcommand man" -l markdown -d 'Print the reference as Markdown instead of roff'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand man" -s q -l quiet -d 'Only warnings and errors on stderr, no informational lines'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand man" -s v -l verbose -d 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)'
complete -c sfconnect -n "__fish_sfconnect_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
