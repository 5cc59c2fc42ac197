import {ExitCode} from '../core/errors.js'

/** One row of the exit-code table (README, `momento-eb exit-codes`). */
export interface ExitCodeRow {
  readonly code: number
  readonly name: string
  readonly meaning: string
}

/** The documented exit codes. Keep README.md's table in step (a unit test checks it). */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  {
    code: ExitCode.Ok,
    name: 'ok',
    meaning:
      'success, including "no results", quitting a watch view, declining a prompt ("Cancelled: nothing ' +
      'changed.", `{"cancelled": true}` with --json), and stdout closed by its reader (`| head`): ' +
      'the run then ends quietly',
  },
  {
    code: ExitCode.Failed,
    name: 'failed',
    meaning:
      'the operation failed: rejected by the service, not found, conflict, port in use, disk full, ' +
      'or an unexpected error',
  },
  {
    code: ExitCode.Usage,
    name: 'usage',
    meaning:
      'bad or missing flag or argument (a malformed URL, an invalid stack name, an unknown filter value), ' +
      "unknown command, invalid input, a file you named that can't be written, or a prompt needed without a TTY",
  },
  {
    code: ExitCode.Partial,
    name: 'partial',
    meaning:
      "partial failure: some entries of a batch failed, a redrive's events came back to the DLQ, or `top` could not read one of its sources",
  },
  {
    code: ExitCode.AuthConfig,
    name: 'auth-config',
    meaning:
      'region or credentials missing, invalid or denied, or the stack lacks what the command reads ' +
      '(`trace` without event-bus logs: deploy with `--logs error`)',
  },
  {
    code: ExitCode.Unreachable,
    name: 'unreachable',
    meaning: 'an endpoint is unreachable or timed out (including "sandbox not running")',
  },
  {
    code: ExitCode.TimedOutWaiting,
    name: 'timed-out-waiting',
    meaning:
      'still in progress when the wait ran out (`put --wait`; `trace`: not final, i.e. in flight or no record, ' +
      'when the lookup or --timeout ended)',
  },
  {
    code: ExitCode.HungUp,
    name: 'hung-up',
    meaning:
      'stopped by SIGHUP (the terminal closed; `put --file` and `dlq redrive` after finishing the calls in flight)',
  },
  {
    code: ExitCode.Interrupted,
    name: 'interrupted',
    meaning: 'interrupted (Ctrl-C) outside a watch view, also at a prompt ("Interrupted: nothing changed.")',
  },
  {
    code: ExitCode.Terminated,
    name: 'terminated',
    meaning:
      'stopped by SIGTERM (`put --file` and `dlq redrive` after finishing the calls in flight; ' +
      'put: resume with --resume, redrive: run it again)',
  },
]

/** One environment variable the CLI (or the AWS SDK under it) reads. */
export interface EnvVarRow {
  readonly name: string
  readonly description: string
}

/** The documented environment variables (README, `momento-eb environment`). */
export const ENVIRONMENT: readonly EnvVarRow[] = [
  {name: 'AWS_REGION', description: 'AWS region when --region isn’t given; otherwise the profile’s region is used'},
  {name: 'AWS_PROFILE', description: 'shared-config profile when --profile isn’t given (SSO and assume-role work)'},
  {
    name: 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN',
    description: 'static credentials, read by the AWS SDK’s default chain',
  },
  {
    name: 'AWS_ENDPOINT_URL',
    description: 'endpoint for every AWS service when --endpoint-url isn’t given (read by the AWS SDK)',
  },
  {
    name: 'AWS_ENDPOINT_URL_<SERVICE>',
    description: 'per-service endpoint that beats AWS_ENDPOINT_URL: _EVENTBRIDGE, _SQS, _CLOUDFORMATION, _STS',
  },
  {
    name: 'AWS_MAX_ATTEMPTS',
    description: 'attempts per AWS call, retries included (read by the AWS SDK; default 3, its standard retry mode)',
  },
  {name: 'MOMENTO_API_KEY', description: 'Momento API key; env only, never a flag, never printed'},
  {name: 'MOMENTO_HTTP_ENDPOINT', description: 'base URL of the Momento HTTP API when --momento-endpoint isn’t given'},
  {
    name: 'MOMENTO_EB_SANDBOX_URL',
    description: 'where --sandbox points (default http://127.0.0.1:4566); it doesn’t turn --sandbox on by itself',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_API_KEY',
    description: 'Momento API key `momento-eb sandbox` accepts (instead of --api-key, which shows in ps)',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_HOST',
    description: 'address `momento-eb sandbox` binds when --host isn’t given (default 127.0.0.1)',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_PORT',
    description: 'port `momento-eb sandbox` listens on when --port isn’t given (default 4566)',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_FAILURE_DETAIL',
    description:
      'what the sandbox’s DLQ says about an HTTP error (opaque or detailed) when --failure-detail isn’t given',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_LATENCY',
    description: 'added latency of the sandbox’s AWS APIs when --latency isn’t given (aws, off or sqs=15~5,…)',
  },
  {
    name: 'MOMENTO_EB_REDRIVE_THREADS_FROM',
    description:
      'queue depth from which an uncapped `dlq redrive` spreads its calls over worker threads (default 2000; 0: always)',
  },
  {
    name: 'MOMENTO_EB_NO_FAST_PATH',
    description: 'any value but 0 or empty: start every command through oclif, not from the bundles (for debugging)',
  },
  {
    name: 'MOMENTO_EB_SANDBOX_TIME_SCALE',
    description: 'multiplier for the sandbox’s simulated waits when --time-scale isn’t given (1 is AWS-like)',
  },
  {name: 'MOMENTO_EB_CACHE', description: 'Momento cache for put when --cache isn’t given (before `config set cache`)'},
  {
    name: 'MOMENTO_EB_BUS',
    description:
      'event bus for put, deploy, whoami and status when no flag names one (then `config set bus`, then default)',
  },
  {
    name: 'MOMENTO_EB_EVENT_BUS',
    description: 'event bus `whoami` checks when --bus isn’t given (default: default)',
  },
  {
    name: 'MOMENTO_EB_SOURCE',
    description: 'Source of published events when --source isn’t given (default: momento-eb)',
  },
  {name: 'MOMENTO_EB_STACK', description: 'CloudFormation stack name (default: momento-api)'},
  {name: 'MOMENTO_EB_MAX_ENTRY_BYTES', description: 'PutEvents size limit put enforces (default 262144)'},
  {
    name: 'MOMENTO_EB_CALL_TIMEOUT',
    description:
      'longest one attempt of an AWS or Momento call waits for an answer when --call-timeout isn’t given: ' +
      '10s, 500ms, 2m (default 10s; SQS and topic long polls add their wait)',
  },
  {name: 'MOMENTO_EB_CONFIG_DIR', description: 'where `config set` saves defaults (default: ~/.config/momento-eb)'},
  {
    name: 'MOMENTO_EB_STATE_DIR',
    description:
      'where `dlq redrive` keeps its journal (default: $XDG_STATE_HOME/momento-eb or ~/.local/state/momento-eb)',
  },
  {name: 'XDG_STATE_HOME', description: 'base of the default state directory when MOMENTO_EB_STATE_DIR isn’t set'},
  {
    name: 'VISUAL, EDITOR',
    description: 'the editor `dlq redrive --edit` and the watch view’s e open (VISUAL first, then EDITOR, then vi)',
  },
  {
    name: 'LC_ALL, LC_CTYPE, LANG',
    description: '`top` draws ASCII sparklines when the first one set names a locale that isn’t UTF-8',
  },
  {name: 'MOMENTO_EB_CONTENT_TYPE', description: 'set to json to make every command behave as with --json'},
  {name: 'MOMENTO_EB_VERBOSE', description: 'set to true for --verbose'},
  {name: 'MOMENTO_EB_DEBUG', description: 'set to 1 to add stack traces to errors'},
  {name: 'NO_COLOR', description: 'any non-empty value disables colour (as does a non-TTY stdout or --no-color)'},
  {name: 'CI', description: 'when set (and not "false"), the CLI never prompts or animates'},
]
