
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sfconnect' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sfconnect'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sfconnect' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('link', 'link', [CompletionResultType]::ParameterValue, 'Log in to Salesforce in the browser and store the connection')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Inspect linked connections')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke connections at Salesforce and forget them')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a valid access token (for scripts)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a fresh access token in its environment')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Call the Salesforce REST API of a connection')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bring in a connection from an SFDX auth URL (the Salesforce CLI''s)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a connection as an SFDX auth URL (for the sf CLI, or a CI secret)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and change sfconnect''s settings (config.toml)')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Make an RSA key and certificate for `link --jwt`')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move a connection''s secret to another store')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Explain why sfconnect does or does not work here')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff)')
            break
        }
        'sfconnect;link' {
            [CompletionResult]::new('--login-url', '--login-url', [CompletionResultType]::ParameterName, 'Log in at this host instead: a My Domain or Experience Cloud URL (a bare host gets https://; a Lightning, Visualforce or Setup URL becomes its My Domain login URL)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Log in at the My Domain https://NAME.my.salesforce.com (with --sandbox: NAME--SBX for https://NAME--SBX.sandbox.my.salesforce.com)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Consumer key of your External Client App [default: the `client-id` setting, else PlatformCLI]')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'OAuth scopes to request, space-separated')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the callback URL http://localhost:PORT/OauthRedirect, or several to try in order (1717,1718); 0: any free port [default: the `port` setting, else 1717]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]')
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'Name for the connection [default: the Salesforce username]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up when no login completes within this many seconds [default: the `timeout` setting, else 300]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The Salesforce username the JWT is for (its `sub`)')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The PEM RSA private key (PKCS#1 or PKCS#8); sfconnect stores it in the secret store')
            [CompletionResult]::new('--key-env', '--key-env', [CompletionResultType]::ParameterName, 'Read the PEM RSA private key from this environment variable at every new token; nothing is stored but the variable''s name')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The JWT''s `aud` [default: $SF_AUDIENCE_URL, else https://test.salesforce.com for sandboxes and scratch orgs, https://login.salesforce.com for production and My Domains, the login URL for Experience Cloud sites]')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the consumer secret from this environment variable at every new token; nothing is stored but the variable''s name')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Log in to a sandbox (https://test.salesforce.com, or with --domain a sandbox My Domain)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a connection that already uses the alias')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Only print the login URL; do not open a browser')
            [CompletionResult]::new('--paste', '--paste', [CompletionResultType]::ParameterName, 'Read the address the browser ended on from stdin even when it is not a terminal')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Log in with Salesforce''s device flow: approve on any device with a code (needs an app with "Enable for Device Flow")')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the new connection as JSON')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Link with the JWT bearer flow, no browser: sign a JWT with your RSA key, whose certificate is uploaded to the app (needs --client-id, --username and a key)')
            [CompletionResult]::new('--key-stdin', '--key-stdin', [CompletionResultType]::ParameterName, 'Read the PEM RSA private key from stdin; sfconnect stores it in the secret store')
            [CompletionResult]::new('--client-credentials', '--client-credentials', [CompletionResultType]::ParameterName, 'Link with the client credentials flow, no browser: the app''s consumer key and secret, acting as its Run As user; only on a My Domain (--domain or --login-url). The secret comes from SFCONNECT_CLIENT_SECRET, --secret-stdin or --secret-env')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the consumer secret from stdin; sfconnect stores it in the secret store')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;tokens' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List linked connections')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify connections against Salesforce, in parallel')
            [CompletionResult]::new('approvals', 'approvals', [CompletionResultType]::ParameterValue, 'How many of Salesforce''s five approvals per user per app are in use')
            break
        }
        'sfconnect;tokens;list' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --check: seconds to wait for each connection')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"version": 1, "connections": [...]}')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Verify every connection at Salesforce first (as `tokens check`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;tokens;check' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each connection')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"version": 1, "results": [...]}')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;tokens;approvals' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the approvals as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;revoke' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Revoke every linked connection')
            [CompletionResult]::new('--local-only', '--local-only', [CompletionResultType]::ParameterName, 'Forget locally without calling Salesforce (the token stays valid there)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"version": 1, "results": [...]}')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;token' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Always refresh, never use the cached access token')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;exec' {
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Always refresh, never use the cached access token')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;api' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with -d]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with -d]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Request body; @FILE reads a file, @- reads stdin. Sent as JSON')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body; @FILE reads a file, @- reads stdin. Sent as JSON')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value" (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value" (repeatable)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Always refresh, never use the cached access token')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;import' {
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'Name for the connection [default: the Salesforce username]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the URL (or the sf CLI''s JSON) from this file instead of stdin')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read the URL (or the sf CLI''s JSON) from this environment variable (its name, not its value)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md) [default: $SFCONNECT_STORE, else the `store` setting, else keychain]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the local connection of the same user, org and app (or holding the alias), without revoking anything')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the new connection as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to write (required, so that a script keeps meaning the same when formats are added)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the URL even when stdout is a terminal (where it would stay in the scrollback)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Export a connection kept in a store several machines share')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a setting''s value (nothing when unset)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting (back to the default)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every setting, its effective value and where it comes from')
            break
        }
        'sfconnect;config;get' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;config;set' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;config;unset' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;config;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"version": 1, "settings": [...]}')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;keygen' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Where to write sfconnect.key and sfconnect.crt (created if missing)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days the certificate is valid')
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'The certificate''s common name (Salesforce shows it in the app''s settings)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The store to move the secret to: keychain, keyutils, file or vault (docs/vault.md)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;doctor' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the findings as JSON')
            [CompletionResult]::new('--clean', '--clean', [CompletionResultType]::ParameterName, 'Delete orphaned secrets of the file store (never one the index refers to)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sfconnect;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Print the reference as Markdown instead of roff')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors on stderr, no informational lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also diagnostic lines on stderr (hosts, paths, timings; never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
