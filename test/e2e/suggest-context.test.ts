/**
 * Suggested commands carry the context of the command that suggested them (issue 13): a fix printed
 * by a `--sandbox --stack other` run, copied as printed, goes to the sandbox and that stack, not to
 * real AWS or the default stack. And on the sandbox the fix is one that works there.
 */
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

/** Every `momento-eb …` command line in a text, up to a backtick, quote or line end. */
function suggestedCommands(text: string): string[] {
  return [...text.matchAll(/momento-eb [^`"\n]*/g)].map((m) => m[0])
}

describe('suggested commands keep the run’s context', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient
  let queueUrl: string
  const stack = uniqueName('other')
  /**
   * In the test process (a spawn costs ~1 s of CPU), but `dlq redrive`: it sets V8's heap flags for the
   * whole process (cli/lean-heap.ts), which must not happen to the test worker other files share.
   */
  const cli = (args: string[]) =>
    runCli(args, {env, timeoutMs: 60_000, inProcess: !(args[0] === 'dlq' && args[1] === 'redrive')})

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    sqs = new SQSClient(clientConfig(sandbox))
    const deployed = await cli(['deploy', '--sandbox', '--stack', stack, '--yes', '--json'])
    expect(deployed.code, show(deployed)).toBe(0)
    queueUrl = (JSON.parse(deployed.stdout) as {outputs: Record<string, string>}).outputs['DlqUrl'] as string
    expect(queueUrl).toMatch(/^http/)
    const eb = new EventBridgeClient(clientConfig(sandbox))
    await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'test',
            DetailType: 'cacheSet',
            Detail: JSON.stringify({cacheName: 'missing', key: 'k', value: 'v', ttl_seconds: 60}),
          },
        ],
      }),
    )
    eb.destroy()
    await until(
      'a dead letter',
      async () => {
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages']}),
        )
        return Number(attrs.Attributes?.['ApproximateNumberOfMessages'] ?? 0) >= 1 ? true : undefined
      },
      20_000,
    )
  }, 90_000)

  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('dlq list --sandbox --stack: cache-not-found is fixed with the sandbox’s command, every suggestion keeps the context', async () => {
    const run = await cli(['dlq', 'list', '--sandbox', '--stack', stack, '--json'])
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout) as {records: Array<Record<string, unknown>>}
    const missing = out.records.find((r) => r['cache'] === 'missing')
    expect(missing?.['reason']).toBe('cache-not-found')
    expect(missing?.['fixCommand']).toBe('momento-eb sandbox cache create missing')
    expect(String(missing?.['fix'])).toContain('`momento-eb sandbox cache create missing`')
    expect(String(missing?.['fix'])).not.toContain('console')
    const commands = suggestedCommands(`${run.stdout}\n${run.stderr}`).filter(
      (c) => !c.startsWith('momento-eb sandbox'),
    )
    for (const command of commands) {
      expect(command).toContain('--sandbox')
      expect(command).toContain(`--stack ${stack}`)
    }
  })

  it('dlq redrive --dry-run --queue-url: the redrive suggestion keeps --sandbox and --queue-url', async () => {
    const run = await cli(['dlq', 'redrive', '--sandbox', '--queue-url', queueUrl, '--region', 'us-east-1'])
    // Nothing selected: the hints name the commands to look first, in this run's context.
    expect(run.code, show(run)).toBe(2)
    const commands = suggestedCommands(run.stderr)
    expect(commands.length, show(run)).toBeGreaterThan(0)
    for (const command of commands) {
      expect(command).toContain('--sandbox')
      expect(command).toContain(`--queue-url ${queueUrl}`)
      expect(command).toContain('--region us-east-1')
    }
  })

  it('status --sandbox --stack (missing): the deploy hint deploys that stack on the sandbox', async () => {
    const run = await cli(['status', '--sandbox', '--stack', 'not-deployed-here'])
    expect(run.code, show(run)).not.toBe(0)
    expect(run.stderr).toContain('`momento-eb deploy --sandbox --stack not-deployed-here`')
  })

  it('a command the suggestion cannot take gets none of it; the API key is never carried', async () => {
    const run = await runCli(['dlq', 'list', '--sandbox', '--stack', stack, '--json'], {
      env: {...env, MOMENTO_API_KEY: sandbox.apiKey},
      timeoutMs: 60_000,
      inProcess: true,
    })
    expect(run.code, show(run)).toBe(0)
    expect(run.stdout).not.toContain(sandbox.apiKey)
    // `momento-eb sandbox cache create` talks to the sandbox itself: no --sandbox, no --stack.
    expect(run.stdout).not.toMatch(/sandbox cache create missing --/)
  })
})
