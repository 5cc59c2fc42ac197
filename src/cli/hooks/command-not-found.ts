import {toConfiguredId, type Hook} from '@oclif/core'

import {ExitCode, InterruptedError, UsageError} from '../../core/errors.js'
import {errorToJson, formatHumanError} from '../error-render.js'
import {isCi, resolveOutputMode} from '../output.js'
import {confirm} from '../prompt.js'
import {createRedactor, secretsFromEnv} from '../redact.js'
import {closestCommand} from '../suggest.js'

/**
 * An unknown command is a usage error (exit 2) with a "Did you mean …?" (case mistakes included:
 * `put cacheset` → `put cacheSet`). On an interactive terminal it then asks whether to run the
 * suggestion (the shared y/N prompt: Enter is no, Ctrl-C exits 130). Anywhere else (pipes, CI,
 * --json) nothing prompts: the run exits 2.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const json = argv.includes('--json') || process.env['MOMENTO_EB_CONTENT_TYPE']?.toLowerCase() === 'json'
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !isCi(process.env)

  const {config} = options
  const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id))
  const known = [...config.commandIDs, ...config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id))
  const typed = toConfiguredId(options.id, config)
  const suggestion = closestCommand(
    typed,
    known.map((id) => toConfiguredId(id, config)),
  )
  // `whoami extra words` arrives here too: a real command followed by arguments it doesn't take.
  // But `put cacheset` is a subcommand in the wrong case (or misspelt), not an argument of `put`.
  const prefix = known
    .map((id) => toConfiguredId(id, config))
    .filter((id) => typed.startsWith(`${id} `) && !suggestion?.startsWith(`${id} `))
    .sort((a, b) => b.length - a.length)[0]
  const error = prefix
    ? new UsageError(`\`${config.bin} ${prefix}\` doesn't take the arguments \`${typed.slice(prefix.length + 1)}\`.`, {
        hints: [`See its flags with \`${config.bin} ${prefix} --help\`.`],
      })
    : new UsageError(`\`${typed}\` isn't a ${config.bin} command.`, {
        code: 'EB_UNKNOWN_COMMAND',
        hints: [
          ...(suggestion ? [`Did you mean \`${config.bin} ${suggestion}\`?`] : []),
          `Run \`${config.bin} --help\` for the list of commands.`,
        ],
      })
  const redactor = createRedactor(secretsFromEnv(process.env))
  if (json) {
    process.stdout.write(`${JSON.stringify(errorToJson(error, redactor), null, 2)}\n`)
    this.exit(ExitCode.Usage)
  }
  const mode = resolveOutputMode({
    stdoutIsTTY: process.stderr.isTTY,
    stdinIsTTY: process.stdin.isTTY,
    env: process.env,
  })
  process.stderr.write(formatHumanError(error, {color: mode.color, debug: false, redactor}))
  // On a terminal, offer to run the suggestion, through the same prompt as every other question.
  if (interactive && !prefix && suggestion) {
    let run = false
    try {
      run = await confirm(`Run \`${config.bin} ${suggestion}\` instead?`)
    } catch (caught) {
      if (!(caught instanceof InterruptedError)) throw caught
      process.stderr.write(formatHumanError(caught, {color: mode.color, debug: false, redactor}))
      this.exit(ExitCode.Interrupted)
    }
    if (run) {
      const id = known.find((k) => toConfiguredId(k, config) === suggestion) ?? suggestion
      const rest = argv.length > 0 ? argv : options.id.split(':').slice(id.split(':').length)
      return config.runCommand(id, rest)
    }
  }
  this.exit(ExitCode.Usage)
}
export default hook
