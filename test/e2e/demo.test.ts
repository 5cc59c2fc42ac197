/** `momento-eb demo` without a terminal: the whole story as plain text, ending with an empty DLQ. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'

describe('demo', () => {
  let home: {home: string; cleanup(): void}
  // Detailed: Momento's status and body are in ERROR_MESSAGE. The first test runs the default (opaque).
  const demoEnv = () => cleanEnv(home.home, {MOMENTO_EB_SANDBOX_FAILURE_DETAIL: 'detailed'})
  beforeAll(() => {
    home = tempHome()
  })
  afterAll(() => home.cleanup())

  it('tells the story in plain text and ends with the dead-letter queue empty', async () => {
    // The default sandbox writes Momento's errors as AWS may: without status or body.
    const result = await runCli(['demo'], {env: cleanEnv(home.home), timeoutMs: 90_000})
    expect(result.code, show(result)).toBe(0)
    const out = result.stdout
    expect(out).toContain('Stack momento-api: CREATE_COMPLETE')
    expect(out).toMatch(/Delivered to Momento: 9\. In the dead-letter queue: 5\./)
    // What the DLQ messages alone say, then what a probe with the key settles.
    const [bare, probed] = out.split('With your Momento key') as [string, string]
    expect(probed, show(result)).toBeDefined()
    for (const reason of [
      'refused × 2 [evidence: retry-pattern]',
      'both-keys × 1 [evidence: retry-pattern]',
      'retries-exhausted × 1 [evidence: retry-pattern]',
      'timeout × 1 [evidence: error-text]',
    ]) {
      expect(bare).toContain(reason)
    }
    for (const reason of [
      'cache-not-found × 2 [evidence: probe]',
      'both-keys × 1 [evidence: retry-pattern]',
      'server-error × 1 [evidence: probe]',
      'timeout × 1 [evidence: error-text]',
    ]) {
      expect(probed).toContain(reason)
    }
    expect(out).toContain('Created cache inventory.')
    expect(out).toMatch(/Redriven 5, failed 0, skipped 0\./)
    expect(out).toContain('The dead-letter queue is empty')
    // Plain text: no cursor movement or colour.
    expect(result.stdout + result.stderr).not.toContain('\u001b[')
  })

  it('--json returns the summary and keeps the story on stderr', async () => {
    const result = await runCli(['demo', '--json'], {env: demoEnv(), timeoutMs: 90_000})
    expect(result.code, show(result)).toBe(0)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({
      stack: 'momento-api',
      published: 14,
      delivered: 9,
      deadLettered: 5,
      reasons: {'cache-not-found': 2, 'both-keys': 1, 'server-error': 1, timeout: 1},
      redriven: 5,
      dlqEmpty: true,
    })
    expect(result.stderr).toContain('Why did they fail?')
  })

  it('cleans up on Ctrl-C', async () => {
    const {spawnCli, collect} = await import('../helpers/cli.js')
    const child = spawnCli(['demo'], {env: demoEnv()})
    // Interrupt once the sandbox is up and the deploy has started.
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Deploy the integration stack')) resolve()
      })
    })
    child.kill('SIGINT')
    const result = await collect(child, 15_000)
    expect(result.timedOut, show(result)).toBe(false)
    expect(result.code, show(result)).toBe(130)
    expect(result.stderr).toContain('Interrupted')
  })
})
