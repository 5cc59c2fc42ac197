import {toConfiguredId, type Hook} from '@oclif/core'
import pluginNotFound from '@oclif/plugin-not-found'

import {ExitCode, UsageError} from '../../core/errors.js'
import {errorToJson, formatHumanError} from '../error-render.js'
import {isCi, resolveOutputMode} from '../output.js'
import {createRedactor, secretsFromEnv} from '../redact.js'
import {closestCommand} from '../suggest.js'

/**
 * An unknown command is a usage error (exit 2). On an interactive terminal, @oclif/plugin-not-found
 * asks "Did you mean …?" and runs the suggestion when confirmed. Anywhere else (pipes, CI, --json)
 * nothing prompts: the suggestion is printed and the run exits 2. The plugin alone prints no
 * suggestion without a TTY, and exits 127.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const json = argv.includes('--json') || process.env['MOMENTO_EB_CONTENT_TYPE']?.toLowerCase() === 'json'
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !isCi(process.env)
  if (interactive && !json) {
    try {
      return await pluginNotFound.call(this, options)
    } catch (error) {
      const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
      if (exit === 127) this.exit(ExitCode.Usage)
      throw error
    }
  }

  const {config} = options
  const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id))
  const known = [...config.commandIDs, ...config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id))
  const typed = toConfiguredId(options.id, config)
  const suggestion = closestCommand(
    typed,
    known.map((id) => toConfiguredId(id, config)),
  )
  // `whoami extra words` arrives here too: a real command followed by arguments it doesn't take.
  const prefix = known
    .map((id) => toConfiguredId(id, config))
    .filter((id) => typed.startsWith(`${id} `))
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
  } else {
    const mode = resolveOutputMode({
      stdoutIsTTY: process.stderr.isTTY,
      stdinIsTTY: process.stdin.isTTY,
      env: process.env,
    })
    process.stderr.write(formatHumanError(error, {color: mode.color, debug: false, redactor}))
  }
  this.exit(ExitCode.Usage)
}

export default hook
