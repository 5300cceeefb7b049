# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_codexgw_global_optspecs
    string join \n codex-home= h/help V/version
end

function __fish_codexgw_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_codexgw_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_codexgw_using_subcommand
    set -l cmd (__fish_codexgw_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c codexgw -n "__fish_codexgw_needs_command" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_needs_command" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_needs_command" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "setup" -d 'Point Codex at the AI Gateway: write the provider block into config.toml'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "show" -d 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "remove" -d 'Take the gateway provider out of config.toml again'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "restore" -d 'List codexgw\'s backups of config.toml, or put one back'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "doctor" -d 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "token" -d 'Keep the Coder token (and your OpenAI key) in the OS keyring'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "env" -d 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "exec" -d 'Run a command (e.g. `codex`) with the tokens the configured mode needs'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "template" -d 'Print Terraform for a Coder template that sets up Codex in every workspace'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "completions" -d 'Print the shell completion script for a shell'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "man" -d 'Write man pages for codexgw and each subcommand into a folder'
complete -c codexgw -n "__fish_codexgw_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l mode -d 'Which credential Codex uses [prompted for at a terminal]' -r -f -a "centralized\t'The Coder API token is the key Codex sends; Coder pays for the model'
byok\t'Your own OpenAI API key; the Coder token rides in a governance header'
chatgpt\t'Your ChatGPT login; the Coder token rides in a governance header'"
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l url -d 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l provider-id -d 'The id of the provider table in config.toml' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l route -d 'Which gateway path prefix to use (`auto`: a pasted gateway URL\'s, else the one the deployment\'s version serves)' -r -f -a "auto\t'The route the deployment\'s version serves (aibridge with `--offline` or no answer)'
aibridge\t'/api/v2/aibridge/… (every Coder version with the gateway)'
ai-gateway\t'/api/v2/ai-gateway/… (Coder v2.35 and later)'"
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l env-key -d 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l gateway-url -d 'A standalone AI Gateway Codex talks to instead of the deployment\'s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l websockets -d 'Whether Codex uses the gateway\'s WebSocket relay (`supports_websockets`)' -r -f -a "auto\t'Match the gateway\'s WebSocket relay, asked with your Coder token; when it cannot be told (offline, no token, no answer) the table\'s `supports_websockets` stays as it is, and a template (which cannot ask) gets none'
on\t'`supports_websockets = true`: Codex opens a WebSocket to the gateway\'s relay'
off\t'No `supports_websockets` (Codex\'s default, false): Codex uses HTTP only'"
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l token-source -d 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)' -r -f -a "env\t'Codex reads the `--env-key` variable'
command\t'Codex runs `codexgw token print coder`, which reads the OS keyring'"
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l profile -d 'Point only `codex --profile NAME` at the gateway (writes NAME.config.toml)' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l codex-bin -d 'The Codex CLI that checks the result and logs in in byok mode [default: `codex` on PATH]' -r -F
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l allow-http -d 'Accept a plain http:// URL to a host that is not loopback'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l offline -d 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l strict -d 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l dry-run -d 'Print the diff of what would change and write nothing'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -s y -l yes -d 'Write without asking (needed without a terminal); accept the detected URL'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l no-backup -d 'Do not keep a copy of the old file'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l replace -d 'Take over a provider table under the id that is not a Coder gateway block (`remove` gives it back)'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l store-token -d 'Save the Coder token (from $CODER_API_TOKEN, stdin or a prompt) in the OS keyring'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -l no-verify -d 'Store the Coder token without checking it (it is checked when the deployment answers)'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand setup" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l mode -d 'Which credential Codex uses [prompted for at a terminal]' -r -f -a "centralized\t'The Coder API token is the key Codex sends; Coder pays for the model'
byok\t'Your own OpenAI API key; the Coder token rides in a governance header'
chatgpt\t'Your ChatGPT login; the Coder token rides in a governance header'"
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l url -d 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l provider-id -d 'The id of the provider table in config.toml' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l route -d 'Which gateway path prefix to use (`auto`: a pasted gateway URL\'s, else the one the deployment\'s version serves)' -r -f -a "auto\t'The route the deployment\'s version serves (aibridge with `--offline` or no answer)'
aibridge\t'/api/v2/aibridge/… (every Coder version with the gateway)'
ai-gateway\t'/api/v2/ai-gateway/… (Coder v2.35 and later)'"
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l env-key -d 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l gateway-url -d 'A standalone AI Gateway Codex talks to instead of the deployment\'s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l websockets -d 'Whether Codex uses the gateway\'s WebSocket relay (`supports_websockets`)' -r -f -a "auto\t'Match the gateway\'s WebSocket relay, asked with your Coder token; when it cannot be told (offline, no token, no answer) the table\'s `supports_websockets` stays as it is, and a template (which cannot ask) gets none'
on\t'`supports_websockets = true`: Codex opens a WebSocket to the gateway\'s relay'
off\t'No `supports_websockets` (Codex\'s default, false): Codex uses HTTP only'"
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l token-source -d 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)' -r -f -a "env\t'Codex reads the `--env-key` variable'
command\t'Codex runs `codexgw token print coder`, which reads the OS keyring'"
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l allow-http -d 'Accept a plain http:// URL to a host that is not loopback'
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l offline -d 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge'
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -l strict -d 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)'
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand show" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -l provider-id -d 'The id of the provider table to remove' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -l profile -d 'Also un-point this profile file (NAME.config.toml)' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -l dry-run -d 'Print the diff of what would change and write nothing'
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -s y -l yes -d 'Write without asking (needed without a terminal)'
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand remove" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand restore" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand restore" -l list -d 'List the backups, newest first'
complete -c codexgw -n "__fish_codexgw_using_subcommand restore" -s y -l yes -d 'Write without asking (needed without a terminal)'
complete -c codexgw -n "__fish_codexgw_using_subcommand restore" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand restore" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l timeout -d 'Seconds each network check may take; together they end within this plus a moment' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l provider-id -d 'The provider that must be selected [default: the one `model_provider` selects]' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l profile -d 'Check `codex --profile NAME` (NAME.config.toml layered over config.toml)' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l gateway-url -d 'The standalone AI Gateway the provider must point at (`coder ai-gateway start`); the deployment is then the one in $CODER_URL or the coder CLI\'s login' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l codex-bin -d 'The Codex CLI to ask about the config [default: `codex` on PATH]' -r -F
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l offline -d 'Skip the checks that contact the deployment'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l json -d 'Print one JSON object (for tools and support requests) instead of lines'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l live -d 'Also send one tiny request through the installed Codex and the gateway (costs one model call; bounded by --timeout)'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -l strict-config -d 'Check `codex --strict-config` (unknown settings are errors)'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -f -a "set" -d 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -f -a "print" -d 'Print the stored token and nothing else (for Codex\'s command-backed auth)'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -f -a "status" -d 'Show which tokens exist and where, redacted'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -f -a "delete" -d 'Delete a stored token'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and not __fish_seen_subcommand_from set print status delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l url -d 'The Coder deployment [default: the one the provider in config.toml points at]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l provider-id -d 'The provider in config.toml whose deployment to use' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l stdin -d 'Read the token from stdin even at a terminal'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l verify -d 'Refuse to store a Coder token the deployment cannot confirm (`/api/v2/users/me`); by default it is checked when the deployment answers, and stored with a warning when not'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l no-verify -d 'Store the token without asking the deployment'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l allow-http -d 'Send the token for checking over plain http to a host that is not loopback'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -l insecure-file -d 'Store it in a plain-text file (0600) instead of the OS keyring'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from print" -l url -d 'The Coder deployment [default: the one the provider in config.toml points at]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from print" -l provider-id -d 'The provider in config.toml whose deployment to use' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from print" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from print" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from print" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from status" -l url -d 'The Coder deployment [default: the one the provider in config.toml points at]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from status" -l provider-id -d 'The provider in config.toml whose deployment to use' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from status" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from delete" -l url -d 'The Coder deployment [default: the one the provider in config.toml points at]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from delete" -l provider-id -d 'The provider in config.toml whose deployment to use' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from delete" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "print" -d 'Print the stored token and nothing else (for Codex\'s command-backed auth)'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show which tokens exist and where, redacted'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a stored token'
complete -c codexgw -n "__fish_codexgw_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -l shell -d 'The shell to write for [default: from $SHELL]' -r -f -a "sh\t''
bash\t''
zsh\t''
fish\t''
powershell\t''"
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -l provider-id -d 'The provider in config.toml to prepare for' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -l url -d 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand env" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand exec" -l provider-id -d 'The provider in config.toml to prepare for' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand exec" -l url -d 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand exec" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand exec" -s h -l help -d 'Print help'
complete -c codexgw -n "__fish_codexgw_using_subcommand exec" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l mode -d 'Which credential Codex uses in the workspaces' -r -f -a "centralized\t'The Coder API token is the key Codex sends; Coder pays for the model'
byok\t'Your own OpenAI API key; the Coder token rides in a governance header'
chatgpt\t'Your ChatGPT login; the Coder token rides in a governance header'"
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l workdir -d 'The folder Codex runs in inside the workspace' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l module-version -d 'Version constraint for the registry\'s codex module' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l agent -d 'The template\'s agent: `main`, `coder_agent.main`, or an id expression such as `coder_agent.main.id` or `module.x.agent_id`' -r
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l gateway-url -d 'A standalone AI Gateway the workspaces use instead of the deployment\'s own route (`coder ai-gateway start`, Coder v2.36+), e.g. https://ai-gateway.example.com' -r -f
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l websockets -d 'Whether the block sets `supports_websockets = true` (`on`, only where the gateway relays WebSockets); a template cannot ask the relay, so `auto` and `off` leave it out' -r -f -a "auto\t'Match the gateway\'s WebSocket relay, asked with your Coder token; when it cannot be told (offline, no token, no answer) the table\'s `supports_websockets` stays as it is, and a template (which cannot ask) gets none'
on\t'`supports_websockets = true`: Codex opens a WebSocket to the gateway\'s relay'
off\t'No `supports_websockets` (Codex\'s default, false): Codex uses HTTP only'"
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -l allow-http -d 'Accept a plain http:// `--gateway-url` to a host that is not loopback'
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand template" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand completions" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand completions" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand man" -l out-dir -d 'Where to write codexgw.1 and codexgw-<command>.1 (created when missing)' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand man" -l codex-home -d 'Codex\'s folder, which must exist [default: $CODEX_HOME, else ~/.codex]' -r -f -a "(__fish_complete_directories)"
complete -c codexgw -n "__fish_codexgw_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codexgw -n "__fish_codexgw_using_subcommand man" -s V -l version -d 'Print version'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "setup" -d 'Point Codex at the AI Gateway: write the provider block into config.toml'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "show" -d 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "remove" -d 'Take the gateway provider out of config.toml again'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "restore" -d 'List codexgw\'s backups of config.toml, or put one back'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "doctor" -d 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "token" -d 'Keep the Coder token (and your OpenAI key) in the OS keyring'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "env" -d 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "exec" -d 'Run a command (e.g. `codex`) with the tokens the configured mode needs'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "template" -d 'Print Terraform for a Coder template that sets up Codex in every workspace'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "completions" -d 'Print the shell completion script for a shell'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "man" -d 'Write man pages for codexgw and each subcommand into a folder'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and not __fish_seen_subcommand_from setup show remove restore doctor token env exec template completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "set" -d 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "print" -d 'Print the stored token and nothing else (for Codex\'s command-backed auth)'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "status" -d 'Show which tokens exist and where, redacted'
complete -c codexgw -n "__fish_codexgw_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "delete" -d 'Delete a stored token'
