
use builtin;
use str;

set edit:completion:arg-completer[codexgw] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'codexgw'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'codexgw'= {
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Point Codex at the AI Gateway: write the provider block into config.toml'
            cand show 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)'
            cand remove 'Take the gateway provider out of config.toml again'
            cand restore 'List codexgw''s backups of config.toml, or put one back'
            cand doctor 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it'
            cand token 'Keep the Coder token (and your OpenAI key) in the OS keyring'
            cand env 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"'
            cand exec 'Run a command (e.g. `codex`) with the tokens the configured mode needs'
            cand template 'Print Terraform for a Coder template that sets up Codex in every workspace'
            cand completions 'Print the shell completion script for a shell'
            cand man 'Write man pages for codexgw and each subcommand into a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'codexgw;setup'= {
            cand --mode 'Which credential Codex uses [prompted for at a terminal]'
            cand --url 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)'
            cand --provider-id 'The id of the provider table in config.toml'
            cand --route 'Which gateway path prefix to use (`auto`: a pasted gateway URL''s, else the one the deployment''s version serves)'
            cand --env-key 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]'
            cand --gateway-url 'A standalone AI Gateway Codex talks to instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to'
            cand --websockets 'Whether Codex uses the gateway''s WebSocket relay (`supports_websockets`)'
            cand --token-source 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)'
            cand --profile 'Point only `codex --profile NAME` at the gateway (writes NAME.config.toml)'
            cand --codex-bin 'The Codex CLI that checks the result and logs in in byok mode [default: `codex` on PATH]'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --allow-http 'Accept a plain http:// URL to a host that is not loopback'
            cand --offline 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge'
            cand --strict 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)'
            cand --dry-run 'Print the diff of what would change and write nothing'
            cand -y 'Write without asking (needed without a terminal); accept the detected URL'
            cand --yes 'Write without asking (needed without a terminal); accept the detected URL'
            cand --no-backup 'Do not keep a copy of the old file'
            cand --replace 'Take over a provider table under the id that is not a Coder gateway block (`remove` gives it back)'
            cand --store-token 'Save the Coder token (from $CODER_API_TOKEN, stdin or a prompt) in the OS keyring'
            cand --no-verify 'Store the Coder token without checking it (it is checked when the deployment answers)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;show'= {
            cand --mode 'Which credential Codex uses [prompted for at a terminal]'
            cand --url 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)'
            cand --provider-id 'The id of the provider table in config.toml'
            cand --route 'Which gateway path prefix to use (`auto`: a pasted gateway URL''s, else the one the deployment''s version serves)'
            cand --env-key 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]'
            cand --gateway-url 'A standalone AI Gateway Codex talks to instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to'
            cand --websockets 'Whether Codex uses the gateway''s WebSocket relay (`supports_websockets`)'
            cand --token-source 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --allow-http 'Accept a plain http:// URL to a host that is not loopback'
            cand --offline 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge'
            cand --strict 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;remove'= {
            cand --provider-id 'The id of the provider table to remove'
            cand --profile 'Also un-point this profile file (NAME.config.toml)'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --dry-run 'Print the diff of what would change and write nothing'
            cand -y 'Write without asking (needed without a terminal)'
            cand --yes 'Write without asking (needed without a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;restore'= {
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --list 'List the backups, newest first'
            cand -y 'Write without asking (needed without a terminal)'
            cand --yes 'Write without asking (needed without a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;doctor'= {
            cand --timeout 'Seconds each network check may take; together they end within this plus a moment'
            cand --provider-id 'The provider that must be selected [default: the one `model_provider` selects]'
            cand --profile 'Check `codex --profile NAME` (NAME.config.toml layered over config.toml)'
            cand --gateway-url 'The standalone AI Gateway the provider must point at (`coder ai-gateway start`); the deployment is then the one in $CODER_URL or the coder CLI''s login'
            cand --codex-bin 'The Codex CLI to ask about the config [default: `codex` on PATH]'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --offline 'Skip the checks that contact the deployment'
            cand --json 'Print one JSON object (for tools and support requests) instead of lines'
            cand --live 'Also send one tiny request through the installed Codex and the gateway (costs one model call; bounded by --timeout)'
            cand --strict-config 'Check `codex --strict-config` (unknown settings are errors)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;token'= {
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
            cand print 'Print the stored token and nothing else (for Codex''s command-backed auth)'
            cand status 'Show which tokens exist and where, redacted'
            cand delete 'Delete a stored token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'codexgw;token;set'= {
            cand --url 'The Coder deployment [default: the one the provider in config.toml points at]'
            cand --provider-id 'The provider in config.toml whose deployment to use'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --stdin 'Read the token from stdin even at a terminal'
            cand --verify 'Refuse to store a Coder token the deployment cannot confirm (`/api/v2/users/me`); by default it is checked when the deployment answers, and stored with a warning when not'
            cand --no-verify 'Store the token without asking the deployment'
            cand --allow-http 'Send the token for checking over plain http to a host that is not loopback'
            cand --insecure-file 'Store it in a plain-text file (0600) instead of the OS keyring'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;token;print'= {
            cand --url 'The Coder deployment [default: the one the provider in config.toml points at]'
            cand --provider-id 'The provider in config.toml whose deployment to use'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;token;status'= {
            cand --url 'The Coder deployment [default: the one the provider in config.toml points at]'
            cand --provider-id 'The provider in config.toml whose deployment to use'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;token;delete'= {
            cand --url 'The Coder deployment [default: the one the provider in config.toml points at]'
            cand --provider-id 'The provider in config.toml whose deployment to use'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;token;help'= {
            cand set 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
            cand print 'Print the stored token and nothing else (for Codex''s command-backed auth)'
            cand status 'Show which tokens exist and where, redacted'
            cand delete 'Delete a stored token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'codexgw;token;help;set'= {
        }
        &'codexgw;token;help;print'= {
        }
        &'codexgw;token;help;status'= {
        }
        &'codexgw;token;help;delete'= {
        }
        &'codexgw;token;help;help'= {
        }
        &'codexgw;env'= {
            cand --shell 'The shell to write for [default: from $SHELL]'
            cand --provider-id 'The provider in config.toml to prepare for'
            cand --url 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;exec'= {
            cand --provider-id 'The provider in config.toml to prepare for'
            cand --url 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;template'= {
            cand --mode 'Which credential Codex uses in the workspaces'
            cand --workdir 'The folder Codex runs in inside the workspace'
            cand --module-version 'Version constraint for the registry''s codex module'
            cand --agent 'The template''s agent: `main`, `coder_agent.main`, or an id expression such as `coder_agent.main.id` or `module.x.agent_id`'
            cand --gateway-url 'A standalone AI Gateway the workspaces use instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+), e.g. https://ai-gateway.example.com'
            cand --websockets 'Whether the block sets `supports_websockets = true` (`on`, only where the gateway relays WebSockets); a template cannot ask the relay, so `auto` and `off` leave it out'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand --allow-http 'Accept a plain http:// `--gateway-url` to a host that is not loopback'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;completions'= {
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;man'= {
            cand --out-dir 'Where to write codexgw.1 and codexgw-<command>.1 (created when missing)'
            cand --codex-home 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'codexgw;help'= {
            cand setup 'Point Codex at the AI Gateway: write the provider block into config.toml'
            cand show 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)'
            cand remove 'Take the gateway provider out of config.toml again'
            cand restore 'List codexgw''s backups of config.toml, or put one back'
            cand doctor 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it'
            cand token 'Keep the Coder token (and your OpenAI key) in the OS keyring'
            cand env 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"'
            cand exec 'Run a command (e.g. `codex`) with the tokens the configured mode needs'
            cand template 'Print Terraform for a Coder template that sets up Codex in every workspace'
            cand completions 'Print the shell completion script for a shell'
            cand man 'Write man pages for codexgw and each subcommand into a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'codexgw;help;setup'= {
        }
        &'codexgw;help;show'= {
        }
        &'codexgw;help;remove'= {
        }
        &'codexgw;help;restore'= {
        }
        &'codexgw;help;doctor'= {
        }
        &'codexgw;help;token'= {
            cand set 'Store a token in the OS keyring (read from stdin when it is not a terminal)'
            cand print 'Print the stored token and nothing else (for Codex''s command-backed auth)'
            cand status 'Show which tokens exist and where, redacted'
            cand delete 'Delete a stored token'
        }
        &'codexgw;help;token;set'= {
        }
        &'codexgw;help;token;print'= {
        }
        &'codexgw;help;token;status'= {
        }
        &'codexgw;help;token;delete'= {
        }
        &'codexgw;help;env'= {
        }
        &'codexgw;help;exec'= {
        }
        &'codexgw;help;template'= {
        }
        &'codexgw;help;completions'= {
        }
        &'codexgw;help;man'= {
        }
        &'codexgw;help;help'= {
        }
    ]
    $completions[$command]
}
