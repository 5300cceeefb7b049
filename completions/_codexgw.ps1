
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'codexgw' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'codexgw'
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
        'codexgw' {
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Point Codex at the AI Gateway: write the provider block into config.toml')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take the gateway provider out of config.toml again')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'List codexgw''s backups of config.toml, or put one back')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Keep the Coder token (and your OpenAI key) in the OS keyring')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command (e.g. `codex`) with the tokens the configured mode needs')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Print Terraform for a Coder template that sets up Codex in every workspace')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for codexgw and each subcommand into a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'codexgw;setup' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Which credential Codex uses [prompted for at a terminal]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The id of the provider table in config.toml')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Which gateway path prefix to use (`auto`: a pasted gateway URL''s, else the one the deployment''s version serves)')
            [CompletionResult]::new('--env-key', '--env-key', [CompletionResultType]::ParameterName, 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]')
            [CompletionResult]::new('--gateway-url', '--gateway-url', [CompletionResultType]::ParameterName, 'A standalone AI Gateway Codex talks to instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to')
            [CompletionResult]::new('--websockets', '--websockets', [CompletionResultType]::ParameterName, 'Whether Codex uses the gateway''s WebSocket relay (`supports_websockets`)')
            [CompletionResult]::new('--token-source', '--token-source', [CompletionResultType]::ParameterName, 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Point only `codex --profile NAME` at the gateway (writes NAME.config.toml)')
            [CompletionResult]::new('--codex-bin', '--codex-bin', [CompletionResultType]::ParameterName, 'The Codex CLI that checks the result and logs in in byok mode [default: `codex` on PATH]')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// URL to a host that is not loopback')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff of what would change and write nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal); accept the detected URL')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal); accept the detected URL')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'Do not keep a copy of the old file')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Take over a provider table under the id that is not a Coder gateway block (`remove` gives it back)')
            [CompletionResult]::new('--store-token', '--store-token', [CompletionResultType]::ParameterName, 'Save the Coder token (from $CODER_API_TOKEN, stdin or a prompt) in the OS keyring')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store the Coder token without checking it (it is checked when the deployment answers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;show' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Which credential Codex uses [prompted for at a terminal]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment, e.g. https://coder.example.com (a pasted gateway URL works too)')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The id of the provider table in config.toml')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Which gateway path prefix to use (`auto`: a pasted gateway URL''s, else the one the deployment''s version serves)')
            [CompletionResult]::new('--env-key', '--env-key', [CompletionResultType]::ParameterName, 'Centralized mode: the variable Codex reads the Coder token from [default: OPENAI_API_KEY]')
            [CompletionResult]::new('--gateway-url', '--gateway-url', [CompletionResultType]::ParameterName, 'A standalone AI Gateway Codex talks to instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+); `--url` stays the deployment the tokens belong to')
            [CompletionResult]::new('--websockets', '--websockets', [CompletionResultType]::ParameterName, 'Whether Codex uses the gateway''s WebSocket relay (`supports_websockets`)')
            [CompletionResult]::new('--token-source', '--token-source', [CompletionResultType]::ParameterName, 'Centralized mode: how Codex gets the Coder token (`command`: Codex runs `codexgw token print coder`, so the token stays in the keyring)')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// URL to a host that is not loopback')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not contact the deployment: the URL is not checked, and `--route auto` means aibridge')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse a deployment that does not answer (without it: a warning, and it is used anyway)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;remove' {
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The id of the provider table to remove')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Also un-point this profile file (NAME.config.toml)')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff of what would change and write nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;restore' {
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the backups, newest first')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write without asking (needed without a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;doctor' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each network check may take; together they end within this plus a moment')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider that must be selected [default: the one `model_provider` selects]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Check `codex --profile NAME` (NAME.config.toml layered over config.toml)')
            [CompletionResult]::new('--gateway-url', '--gateway-url', [CompletionResultType]::ParameterName, 'The standalone AI Gateway the provider must point at (`coder ai-gateway start`); the deployment is then the one in $CODER_URL or the coder CLI''s login')
            [CompletionResult]::new('--codex-bin', '--codex-bin', [CompletionResultType]::ParameterName, 'The Codex CLI to ask about the config [default: `codex` on PATH]')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Skip the checks that contact the deployment')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (for tools and support requests) instead of lines')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Also send one tiny request through the installed Codex and the gateway (costs one model call; bounded by --timeout)')
            [CompletionResult]::new('--strict-config', '--strict-config', [CompletionResultType]::ParameterName, 'Check `codex --strict-config` (unknown settings are errors)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;token' {
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (read from stdin when it is not a terminal)')
            [CompletionResult]::new('print', 'print', [CompletionResultType]::ParameterValue, 'Print the stored token and nothing else (for Codex''s command-backed auth)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which tokens exist and where, redacted')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'codexgw;token;set' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment [default: the one the provider in config.toml points at]')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml whose deployment to use')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the token from stdin even at a terminal')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Refuse to store a Coder token the deployment cannot confirm (`/api/v2/users/me`); by default it is checked when the deployment answers, and stored with a warning when not')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store the token without asking the deployment')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Send the token for checking over plain http to a host that is not loopback')
            [CompletionResult]::new('--insecure-file', '--insecure-file', [CompletionResultType]::ParameterName, 'Store it in a plain-text file (0600) instead of the OS keyring')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;token;print' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment [default: the one the provider in config.toml points at]')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml whose deployment to use')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;token;status' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment [default: the one the provider in config.toml points at]')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml whose deployment to use')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;token;delete' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment [default: the one the provider in config.toml points at]')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml whose deployment to use')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;token;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (read from stdin when it is not a terminal)')
            [CompletionResult]::new('print', 'print', [CompletionResultType]::ParameterValue, 'Print the stored token and nothing else (for Codex''s command-backed auth)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which tokens exist and where, redacted')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'codexgw;token;help;set' {
            break
        }
        'codexgw;token;help;print' {
            break
        }
        'codexgw;token;help;status' {
            break
        }
        'codexgw;token;help;delete' {
            break
        }
        'codexgw;token;help;help' {
            break
        }
        'codexgw;env' {
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'The shell to write for [default: from $SHELL]')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml to prepare for')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;exec' {
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'The provider in config.toml to prepare for')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The Coder deployment whose tokens to use [default: the one the provider in config.toml belongs to]')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;template' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Which credential Codex uses in the workspaces')
            [CompletionResult]::new('--workdir', '--workdir', [CompletionResultType]::ParameterName, 'The folder Codex runs in inside the workspace')
            [CompletionResult]::new('--module-version', '--module-version', [CompletionResultType]::ParameterName, 'Version constraint for the registry''s codex module')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The template''s agent: `main`, `coder_agent.main`, or an id expression such as `coder_agent.main.id` or `module.x.agent_id`')
            [CompletionResult]::new('--gateway-url', '--gateway-url', [CompletionResultType]::ParameterName, 'A standalone AI Gateway the workspaces use instead of the deployment''s own route (`coder ai-gateway start`, Coder v2.36+), e.g. https://ai-gateway.example.com')
            [CompletionResult]::new('--websockets', '--websockets', [CompletionResultType]::ParameterName, 'Whether the block sets `supports_websockets = true` (`on`, only where the gateway relays WebSockets); a template cannot ask the relay, so `auto` and `off` leave it out')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// `--gateway-url` to a host that is not loopback')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;completions' {
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Where to write codexgw.1 and codexgw-<command>.1 (created when missing)')
            [CompletionResult]::new('--codex-home', '--codex-home', [CompletionResultType]::ParameterName, 'Codex''s folder, which must exist [default: $CODEX_HOME, else ~/.codex]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'codexgw;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Point Codex at the AI Gateway: write the provider block into config.toml')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the provider block setup would write into an empty config.toml (it asks the deployment as setup does, unless --offline)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take the gateway provider out of config.toml again')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'List codexgw''s backups of config.toml, or put one back')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check why Codex can or cannot reach the AI Gateway, and say how to fix it')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Keep the Coder token (and your OpenAI key) in the OS keyring')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print shell lines that prepare this shell for Codex: eval "$(codexgw env)"')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command (e.g. `codex`) with the tokens the configured mode needs')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Print Terraform for a Coder template that sets up Codex in every workspace')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for codexgw and each subcommand into a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'codexgw;help;setup' {
            break
        }
        'codexgw;help;show' {
            break
        }
        'codexgw;help;remove' {
            break
        }
        'codexgw;help;restore' {
            break
        }
        'codexgw;help;doctor' {
            break
        }
        'codexgw;help;token' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (read from stdin when it is not a terminal)')
            [CompletionResult]::new('print', 'print', [CompletionResultType]::ParameterValue, 'Print the stored token and nothing else (for Codex''s command-backed auth)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which tokens exist and where, redacted')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token')
            break
        }
        'codexgw;help;token;set' {
            break
        }
        'codexgw;help;token;print' {
            break
        }
        'codexgw;help;token;status' {
            break
        }
        'codexgw;help;token;delete' {
            break
        }
        'codexgw;help;env' {
            break
        }
        'codexgw;help;exec' {
            break
        }
        'codexgw;help;template' {
            break
        }
        'codexgw;help;completions' {
            break
        }
        'codexgw;help;man' {
            break
        }
        'codexgw;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
