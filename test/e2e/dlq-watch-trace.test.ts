/**
 * `t` in `dlq watch` reads the log the watch was started with (a terminal, tmux 80×24, against the
 * sandbox): `--queue-url … --log-group NAME` traces from NAME (no stack is looked up: the default
 * stack doesn't exist here); `--no-logs`, or `--queue-url` alone, says what tracing needs instead
 * of guessing a stack.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {startTestSandbox, uniqueName} from '../helpers/sandbox.js'
import {hasTmux, openTerminal, type Terminal} from '../helpers/terminal.js'

describe.skipIf(!hasTmux)('dlq watch: t with --queue-url, --log-group and --no-logs', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let dlqUrl = ''
  let logGroup = ''
  const open: Terminal[] = []
  const watch = (...flags: string[]): Terminal => {
    const t = openTerminal(['dlq', 'watch', '--sandbox', '--queue-url', dlqUrl, ...flags], {
      env: {...env, CI: undefined},
      cwd: home.home,
      columns: 80,
      rows: 24,
    })
    open.push(t)
    return t
  }
  const traceKey = async (t: Terminal, what: string, predicate: (s: string) => boolean): Promise<string> => {
    await t.waitFor('the list', (s) => s.includes('cache-not-found'), 20_000)
    t.keys('t')
    const screen = await t.waitFor(what, predicate, 20_000)
    // q closes the trace pane, then quits the list (after a notice, the first q quits).
    t.keys('q')
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.keys('q')
    expect(await t.exitCode(15_000), t.screen()).toBe(0)
    return screen
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    // A stack of another name than the default (momento-api, which does not exist here), logging at info.
    const stack = uniqueName('traced')
    const deployed = await runCli(['deploy', '--sandbox', '--stack', stack, '--logs', 'info', '--yes', '--json'], {
      env,
      timeoutMs: 60_000,
    })
    expect(deployed.code, show(deployed)).toBe(0)
    const outputs = (stdoutJson(deployed) as {outputs: Record<string, string>}).outputs
    dlqUrl = outputs['DlqUrl'] as string
    logGroup = outputs['BusLogGroupName'] as string
    expect(logGroup, show(deployed)).toBeTruthy()
    const waited = await runCli(
      [
        'put',
        'cacheSet',
        '--sandbox',
        '--stack',
        stack,
        '--cache',
        'missing',
        '--key',
        'k2',
        '--ttl',
        '60',
        '--message',
        'm',
        '--wait',
      ],
      {env, timeoutMs: 60_000},
    )
    expect(waited.code, show(waited)).toBe(1)
    expect(waited.stderr).toMatch(/cache-not-found|cache not found/i)
  }, 120_000)
  afterAll(async () => {
    for (const t of open) t.close()
    await sandbox.close()
    home.cleanup()
  })

  it('--log-group NAME: t traces from that log group, without looking up a stack', async () => {
    const screen = await traceKey(watch('--log-group', logGroup), 'the journey', (s) =>
      /DEAD-LETTERED|doesn't exist|Tracing/.test(s),
    )
    expect(screen).not.toMatch(/Stack momento-api doesn't exist/)
    expect(screen).toMatch(/Event [0-9a-f-]{36}: DEAD-LETTERED/)
  }, 60_000)

  it('--no-logs: t says that tracing needs the logs', async () => {
    const screen = await traceKey(watch('--no-logs'), 'the notice', (s) => s.includes('--no-logs'))
    expect(screen).toMatch(/Tracing reads the event bus's logs, and this watch runs with\s+--no-logs/)
    expect(screen).not.toMatch(/DEAD-LETTERED|momento-api/)
  }, 60_000)

  it('--queue-url alone: t says to add --log-group (or --stack), not a guessed stack', async () => {
    const screen = await traceKey(watch(), 'the notice', (s) => s.includes('only --queue-url'))
    expect(screen).not.toMatch(/Stack momento-api doesn't exist/)
  }, 60_000)
})
