/**
 * The Momento API key never appears in argv, output, logs, errors, journals, exports or stack
 * outputs: every command runs with a known key, and everything they print or write is searched.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {type CliResult, cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

const KEY = 'mk-secret-4f1c9e27-do-not-print-0b8d'

/** Every file under `dir`, recursively, with its text. */
function filesUnder(dir: string): Array<{path: string; text: string}> {
  const out: Array<{path: string; text: string}> = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    if (stat.isDirectory()) out.push(...filesUnder(path))
    else if (stat.size < 20 * 1024 * 1024) out.push({path, text: readFileSync(path, 'utf8')})
  }
  return out
}

describe('the Momento API key stays secret', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const runs: Array<{args: string[]; result: CliResult}> = []

  const run = async (args: string[], extra: Record<string, string | undefined> = {}, expectCode?: number) => {
    const result = await runCli(args, {inProcess: true, env: {...env, ...extra}, timeoutMs: 60_000})
    runs.push({args, result})
    // Every command ends by itself: none is checked only because a timeout killed it.
    expect(result.timedOut, show(result)).toBe(false)
    if (expectCode !== undefined) expect(result.code, show(result)).toBe(expectCode)
    return result
  }
  /** Momento invocations so far, once the asynchronous deliveries have settled. */
  const invocations = () =>
    until('deliveries settle', async () => {
      const read = async () =>
        (await inspect<{counters: {invocations: number}}>(sandbox, '/_sandbox/deliveries?limit=0')).counters.invocations
      const a = await read()
      await new Promise((resolve) => setTimeout(resolve, 300))
      return (await read()) === a ? a : undefined
    })

  beforeAll(async () => {
    sandbox = await startTestSandbox({apiKey: KEY, caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      MOMENTO_API_KEY: KEY,
      MOMENTO_EB_STATE_DIR: join(home.home, 'state'),
      XDG_CONFIG_HOME: join(home.home, 'config'),
    })
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it('runs every command with the key set', async () => {
    await run(['deploy', '--sandbox', '--yes'], {}, 0)
    await run(['deploy', '--sandbox', '--yes', '--json'], {}, 0)
    await run(['status', '--sandbox'])
    await run(['status', '--sandbox', '--json', '--verbose'])
    await run(['template'], {}, 0)
    await run(['whoami', '--sandbox', '--verbose'], {}, 0)
    await run(['config', 'list'], {}, 0)
    await run(['environment'], {}, 0)
    await run(
      ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'k1', '--ttl', '60', '--message', 'v', '--wait'],
      {},
      0,
    )
    await run([
      'put',
      'topicPublish',
      '--sandbox',
      '--cache',
      'orders',
      '--topic',
      't',
      '--message',
      'm',
      '--wait',
      '--json',
    ])
    // A failure: an unknown cache lands in the DLQ.
    await run(
      ['put', 'cacheSet', '--sandbox', '--cache', 'nope', '--key', 'k2', '--ttl', '60', '--message', 'v', '--wait'],
      {},
      1,
    )
    await run(['dlq', 'list', '--sandbox'], {}, 0)
    await run(['dlq', 'list', '--sandbox', '--json'], {}, 0)
    await run(['dlq', 'export', '--sandbox', '--file', join(home.home, 'export.ndjson')], {}, 0)
    await run(['dlq', 'redrive', '--sandbox', '--all', '--dry-run'], {}, 0)
    // The cache still doesn't exist: the one event is published once, comes back, and the run ends (exit 3).
    const before = await invocations()
    const redrive = await run(['dlq', 'redrive', '--sandbox', '--all', '--json'], {}, 3)
    expect(stdoutJson(redrive)).toMatchObject({redriven: 1, cameBack: {total: 1, byReason: {'cache-not-found': 1}}})
    expect((await invocations()) - before).toBe(1)
    await run(['dlq', 'redrive', '--sandbox', '--all'], {}, 3)
    expect((await invocations()) - before).toBe(2)
    // Errors, with debug output and stack traces on.
    await run(['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k'], {
      MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9',
      MOMENTO_EB_DEBUG: '1',
    })
    await run(['deploy', '--sandbox', '--momento-endpoint', 'not a url'], {MOMENTO_EB_DEBUG: '1'})
    await run(['dlq', 'purge', '--sandbox', '--yes'], {}, 0)
    await run(['destroy', '--sandbox', '--yes'], {}, 0)
    expect(runs.length).toBeGreaterThan(15)
  }, 300_000)

  it('no output, error or argv carries the key', () => {
    for (const {args, result} of runs) {
      expect(args.join(' ')).not.toContain(KEY)
      expect(result.stdout, `stdout of ${args.join(' ')}`).not.toContain(KEY)
      expect(result.stderr, `stderr of ${args.join(' ')}`).not.toContain(KEY)
    }
  })

  it('no file the CLI wrote (journal, export, config) carries the key', () => {
    const files = filesUnder(home.home)
    expect(files.some((f) => f.path.endsWith('export.ndjson'))).toBe(true)
    expect(files.some((f) => f.path.includes(join(home.home, 'state')))).toBe(true)
    for (const file of files) expect(file.text, file.path).not.toContain(KEY)
  })

  it('the stack shows the key parameter masked and never outputs it', async () => {
    await run(['deploy', '--sandbox', '--yes', '--stack', 'secret-check'], {}, 0)
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    const out = await cfn.send(new DescribeStacksCommand({StackName: 'secret-check'}))
    cfn.destroy()
    expect(JSON.stringify(out.Stacks)).not.toContain(KEY)
    expect(out.Stacks?.[0]?.Outputs?.length).toBeGreaterThan(5)
  })
})
