/** How this run prints: decided once per run and passed down, never re-checked in leaf code. */
export interface OutputMode {
  /** Both stdout and stdin are terminals and CI isn't set: prompts and live views are allowed. */
  readonly interactive: boolean
  /** ANSI colour on stdout/stderr. */
  readonly color: boolean
  /** `--json` (or MOMENTO_EB_CONTENT_TYPE=json): results are JSON on stdout. */
  readonly json: boolean
  /** `--verbose`: extra context lines on stderr. */
  readonly verbose: boolean
}

export interface OutputInputs {
  readonly stdoutIsTTY: boolean | undefined
  readonly stdinIsTTY: boolean | undefined
  readonly env: NodeJS.ProcessEnv
  readonly noColorFlag?: boolean | undefined
  readonly json?: boolean | undefined
  readonly verbose?: boolean | undefined
}

/** True when the CI variable is set to anything but an explicit "false"/"0". */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI']
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
}

/**
 * Resolve the output mode. Colour is off when NO_COLOR is set to any non-empty value
 * (https://no-color.org), with --no-color, or when stdout isn't a terminal.
 */
export function resolveOutputMode(inputs: OutputInputs): OutputMode {
  const interactive = inputs.stdoutIsTTY === true && inputs.stdinIsTTY === true && !isCi(inputs.env)
  const noColorEnv = (inputs.env['NO_COLOR'] ?? '') !== ''
  return {
    interactive,
    color: inputs.stdoutIsTTY === true && !noColorEnv && inputs.noColorFlag !== true,
    json: inputs.json === true,
    verbose: inputs.verbose === true,
  }
}

/** Minimal ANSI styling that is a no-op when colour is off. */
export function style(color: boolean) {
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `\u001B[${open}m${text}\u001B[${close}m` : text
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
  }
}
