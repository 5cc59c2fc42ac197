/**
 * `help --json` and `autocomplete --json`: the two commands that come from oclif plugins, which know
 * no --json. `help [COMMAND] --json` prints the commands (or one command's flags and examples) as
 * JSON; `autocomplete --json` is refused as JSON (exit 2), since what it prints is a shell script.
 * bin/run.js calls this before oclif parses anything.
 */
import {Config, type Command} from '@oclif/core'

import {ExitCode, UsageError} from '../core/errors.js'
import {errorToJson} from './error-render.js'
import {createRedactor, secretsFromEnv} from './redact.js'

/** One flag as `help COMMAND --json` describes it. */
export interface FlagJson {
  name: string
  summary: string | undefined
  type: 'boolean' | 'option'
  required: boolean
  multiple: boolean
  default?: unknown
  options?: readonly string[]
  env?: string
  global: boolean
}

function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--json') || env['MOMENTO_EB_CONTENT_TYPE']?.toLowerCase() === 'json'
}

function describeCommand(command: Command.Loadable, bin: string) {
  const flags: FlagJson[] = Object.values(command.flags)
    .filter((flag) => !flag.hidden)
    .map((flag) => {
      const f = flag as typeof flag & {options?: readonly string[]; multiple?: boolean; env?: string}
      return {
        name: flag.name,
        summary: flag.summary ?? flag.description,
        type: flag.type,
        required: flag.required === true,
        multiple: f.multiple === true,
        ...(flag.default === undefined || typeof flag.default === 'function' ? {} : {default: flag.default}),
        ...(f.options ? {options: f.options} : {}),
        ...(f.env ? {env: f.env} : {}),
        global: flag.helpGroup === 'GLOBAL' || flag.name === 'json',
      }
    })
  const examples = (command.examples ?? []).map((example) =>
    (typeof example === 'string' ? example : example.command).replace(/<%= config\.bin %>/g, bin),
  )
  return {
    id: command.id.replace(/:/g, ' '),
    summary: command.summary,
    description: command.description,
    args: Object.values(command.args ?? {}).map((arg) => ({name: arg.name, required: arg.required === true})),
    flags,
    examples,
  }
}

/**
 * Handle `help … --json` / `autocomplete … --json`; true when it did (the exit code is set),
 * false to let oclif run as usual.
 */
export async function helpOrAutocompleteJson(
  argv: readonly string[],
  root: string,
  out: (text: string) => void = (text) => process.stdout.write(text),
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const [first, ...rest] = argv
  if ((first !== 'help' && first !== 'autocomplete') || !wantsJson(argv, env)) return false
  const config = await Config.load(root)
  const redactor = createRedactor(secretsFromEnv(env))
  const fail = (error: UsageError) => {
    out(`${JSON.stringify(errorToJson(error, redactor), null, 2)}\n`)
    process.exitCode = ExitCode.Usage
    return true
  }
  if (first === 'autocomplete') {
    return fail(
      new UsageError('`autocomplete` prints a shell script to install, which has no JSON form.', {
        hints: [`Run \`${config.bin} autocomplete\` without --json and follow its steps.`],
      }),
    )
  }
  const words = rest.filter((word) => !word.startsWith('-'))
  const visible = config.commands.filter((command) => !command.hidden)
  if (words.length === 0) {
    out(
      `${JSON.stringify(
        {
          bin: config.bin,
          version: config.version,
          commands: visible
            .map((command) => ({
              id: command.id.replace(/:/g, ' '),
              summary: command.summary ?? command.description?.split('\n')[0],
            }))
            .sort((a, b) => a.id.localeCompare(b.id)),
        },
        null,
        2,
      )}\n`,
    )
    return true
  }
  const id = words.join(':')
  const command = visible.find((c) => c.id === id)
  if (!command) {
    return fail(
      new UsageError(`\`${words.join(' ')}\` isn't a ${config.bin} command.`, {
        code: 'EB_UNKNOWN_COMMAND',
        hints: [`Run \`${config.bin} help --json\` for the list of commands.`],
      }),
    )
  }
  out(`${JSON.stringify(describeCommand(command, config.bin), null, 2)}\n`)
  return true
}
