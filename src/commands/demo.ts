import {BaseCommand} from '../cli/base-command.js'
import {runDemo, type DemoResult} from '../wiring/demo.js'
import {ExitCode, InterruptedError} from '../core/errors.js'
import {failureDetailFlag} from '../cli/sandbox-flags.js'

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary = 'Tell the whole story on an embedded sandbox, with no AWS account'
  static override description =
    'Starts the sandbox in-process, deploys the stack into it, publishes a mix of events (some fail: a ' +
    'missing cache, both keys, a Momento 500 that outlasts the retries, a timeout), shows why they failed, ' +
    'fixes the causes and redrives them, ending with an empty dead-letter queue. On a terminal it opens ' +
    '`dlq watch` on the way and asks before fixing; otherwise it prints the story as plain text. ' +
    'Everything is cleaned up on exit and on Ctrl-C.'
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --json']
  static override flags = {
    'failure-detail': failureDetailFlag(),
  }
  static override exitOnInterrupt = false

  /** Messages left because the user declined a fix are the story working, not a failure. */
  protected override exitCodeFor(result: DemoResult): number | undefined {
    return !result.dlqEmpty && result.declinedFixes.length === 0 ? ExitCode.Failed : undefined
  }

  public async run(): Promise<DemoResult> {
    const json = this.jsonEnabled()
    const out = (text: string): void => {
      if (json) process.stderr.write(`${this.redactor.redact(text)}\n`)
      else this.log(text)
    }
    const interrupted = new AbortController()
    const onSignal = (): void => interrupted.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      const interactive = this.ctx.output.interactive && !json
      let endpoint = ''
      const interaction = interactive
        ? {
            ...(await (await import('../cli/demo-interactive.js')).interactiveDemo(() => endpoint)),
            onSandbox: (url: string) => void (endpoint = url),
          }
        : {}
      const result = await runDemo(
        {step: (title) => out(`\n== ${title}`), line: (text) => out(`   ${text}`)},
        interaction,
        interrupted.signal,
        {failureDetail: this.flags['failure-detail']},
      )
      return result
    } catch (error) {
      // Ctrl-C: as a signal, or as a key at one of the demo's questions.
      if (interrupted.signal.aborted || error instanceof InterruptedError)
        throw new InterruptedError('Interrupted: the demo stopped and its sandbox is closed.')
      throw error
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
