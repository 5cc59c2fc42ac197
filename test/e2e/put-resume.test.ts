/**
 * `put --file` stopped part-way (Ctrl-C, SIGTERM, SIGHUP, SIGKILL) and resumed with --resume: every line
 * reaches EventBridge, and only a kill can repeat any (at most the batches in flight). Deliveries are
 * counted by the sandbox: a rule on the default bus sends every cacheDelete event to an SQS queue,
 * and `/_sandbox/deliveries` counts each matched event.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, readlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {EventBridgeClient, PutRuleCommand, PutTargetsCommand} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, type CliResult, cleanEnv, collect, logSpawn, runCli, show, spawnCli, tempHome} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

// Enough that a stop at STOP_AT events is mid-file with room to spare (a put sends a few thousand events
// a second here, and stops within a poll and the batches in flight: tens of events past STOP_AT), few
// enough that four stopped and resumed files cost little (each event is a PutEvents entry and an SQS
// delivery in the sandbox).
const LINES = 2_000
const STOP_AT = 1_000
const CONCURRENCY = 4

interface Counters {
  counters: {matchedEvents: number}
}

describe('put --file --resume', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    const eb = new EventBridgeClient(clientConfig(sandbox))
    const sqs = new SQSClient(clientConfig(sandbox))
    const queueUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('sink')}))).QueueUrl as string
    const attrs = await sqs.send(new GetQueueAttributesCommand({QueueUrl: queueUrl, AttributeNames: ['QueueArn']}))
    const queueArn = attrs.Attributes?.['QueueArn'] as string
    const rule = await eb.send(
      new PutRuleCommand({Name: 'sink', EventPattern: JSON.stringify({'detail-type': ['cacheDelete']})}),
    )
    await eb.send(new PutTargetsCommand({Rule: 'sink', Targets: [{Id: 'sqs', Arn: queueArn}]}))
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: {ArnEquals: {'aws:SourceArn': rule.RuleArn}},
        },
      ],
    }
    await sqs.send(new SetQueueAttributesCommand({QueueUrl: queueUrl, Attributes: {Policy: JSON.stringify(policy)}}))
    eb.destroy()
    sqs.destroy()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  const matched = async () => (await inspect<Counters>(sandbox, '/_sandbox/deliveries?limit=0')).counters.matchedEvents

  function eventsFile(name: string): string {
    const file = join(home.home, `${name}.ndjson`)
    const lines = Array.from({length: LINES}, (_, i) =>
      JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: `${name}-${i}`}}),
    )
    writeFileSync(file, `${lines.join('\n')}\n`)
    return file
  }

  /** Start a `put --file`, stop it with `signal` once a few thousand events are in, then --resume it. */
  async function stopAndResume(name: string, signal: NodeJS.Signals) {
    const file = eventsFile(name)
    const stateDir = join(home.home, `state-${name}`)
    const runEnv = {...env, MOMENTO_EB_STATE_DIR: stateDir}
    const args = ['put', '--file', file, '--sandbox', '--concurrency', String(CONCURRENCY)]
    const before = await matched()
    const child = spawnCli(args, {env: runEnv})
    const done = collect(child, 60_000)
    await until(
      `the first ${STOP_AT} events`,
      async () => ((await matched()) - before >= STOP_AT ? true : undefined),
      30_000,
    )
    child.kill(signal)
    const stopped = await done
    // It really stopped part-way.
    const atStop = (await matched()) - before
    expect(atStop, show(stopped)).toBeLessThan(LINES)
    // The stop needs a process (a signal); the resumed run does not.
    const resumed = await runCli([...args, '--resume'], {env: runEnv, timeoutMs: 60_000, inProcess: true})
    expect(resumed.code, show(resumed)).toBe(0)
    await until(`all ${LINES} events`, async () => ((await matched()) - before >= LINES ? true : undefined), 30_000)
    // Give a straggler (a duplicate) time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 300))
    return {stopped, resumed, total: (await matched()) - before, atStop}
  }

  const skippedOf = (result: CliResult) => Number(/skipping ([\d,]+) lines/.exec(result.stderr)?.[1]?.replace(/,/g, ''))
  const sentOf = (result: CliResult) =>
    Number(/([\d,]+) of [\d,]+ events were sent/.exec(result.stderr)?.[1]?.replace(/,/g, ''))

  it.each([
    ['SIGINT', 130, true],
    ['SIGTERM', 143, true],
    // No terminal is left to press Ctrl-C on.
    ['SIGHUP', 129, false],
  ] as const)(
    '%s mid-file: exit %i with the command to resume; --resume sends the rest, no duplicates',
    async (signal, code, ctrlCHint) => {
      const {stopped, resumed, total} = await stopAndResume(signal.toLowerCase(), signal)
      expect(stopped.code, show(stopped)).toBe(code)
      expect(stopped.stderr).toMatch(/waiting for the PutEvents calls in flight/)
      expect(stopped.stderr.includes('(Ctrl-C again to quit now)')).toBe(ctrlCHint)
      expect(stopped.stderr).toMatch(/To send the rest: momento-eb put --file \S+ --sandbox --concurrency 4 --resume/)
      expect(stopped.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
      const sent = sentOf(stopped)
      expect(sent).toBeGreaterThan(0)
      expect(skippedOf(resumed), show(resumed)).toBe(sent)
      expect(resumed.stdout).toMatch(new RegExp(`sent ${LINES - sent}, failed 0`))
      expect(total).toBe(LINES)
    },
  )

  it(`SIGKILL mid-file: --resume re-sends at most the batches in flight (${CONCURRENCY} × 10)`, async () => {
    const {stopped, resumed, total} = await stopAndResume('sigkill', 'SIGKILL')
    expect(stopped.signal).toBe('SIGKILL')
    expect(skippedOf(resumed), show(resumed)).toBeGreaterThan(0)
    const why = `total ${total}, skipped ${skippedOf(resumed)}\n${show(resumed)}`
    expect(total, why).toBeGreaterThanOrEqual(LINES)
    expect(total - LINES, why).toBeLessThanOrEqual(CONCURRENCY * 10)
  })

  it('a completed file resumes to nothing; a changed file or no record refuses --resume (exit 2)', async () => {
    const file = join(home.home, 'small.ndjson')
    const line = (i: number) =>
      JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: `s-${i}`}})
    writeFileSync(file, `${line(1)}\n${line(2)}\n`)
    const runEnv = {...env, MOMENTO_EB_STATE_DIR: join(home.home, 'state-small')}
    const put = (args: string[]) =>
      runCli(['put', '--file', file, '--sandbox', ...args], {env: runEnv, inProcess: true})
    const none = await put(['--resume'])
    expect(none.code, show(none)).toBe(2)
    expect(none.stderr).toMatch(/No progress is recorded/)
    const first = await put([])
    expect(first.code, show(first)).toBe(0)
    const again = await put(['--resume', '--json'])
    expect(again.code, show(again)).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({sent: 0, skippedAlreadySent: 2})
    writeFileSync(file, `${line(1)}\n${line(2)}\n${line(3)}\n`)
    const changed = await put(['--resume'])
    expect(changed.code, show(changed)).toBe(2)
    expect(changed.stderr).toMatch(/another version of the file: its size changed/)
  })

  it('stdin is spooled to a file that is gone at once, on success, on bad input and on SIGKILL', async () => {
    const tmp = mkdtempSync(join(home.home, 'tmp-'))
    const runEnv = {...env, TMPDIR: tmp}
    const good = `${JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'in'}})}\n`
    // To the end of stdin: in the test process (TMPDIR is read from the run's env). Killed mid-read: spawned.
    const fed = (stdin: string) =>
      runCli(['put', '--file', '-', '--sandbox'], {env: runEnv, timeoutMs: 20_000, inProcess: true, stdin})
    const ok = await fed(good)
    expect(ok.code, show(ok)).toBe(0)
    expect(readdirSync(tmp)).toEqual([])
    const bad = await fed(`${good}{bad\n`)
    expect(bad.code, show(bad)).toBe(2)
    expect(readdirSync(tmp)).toEqual([])
    // Still reading stdin: the spool already has no name, so a kill leaves nothing behind.
    logSpawn(['put', '--file'])
    const open = spawn(process.execPath, [BIN, 'put', '--file', '-', '--sandbox'], {
      env: runEnv,
      cwd: home.home,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    open.stdin.write(good)
    const killed = collect(open, 20_000)
    const fdDir = `/proc/${open.pid}/fd`
    const spoolFd = () =>
      readdirSync(fdDir)
        .map((fd) => {
          try {
            return readlinkSync(join(fdDir, fd))
          } catch {
            return ''
          }
        })
        .find((target) => target.startsWith(tmp))
    const target = await until('the spool file to be open', async () => spoolFd())
    expect(target).toMatch(/stdin\.ndjson \(deleted\)$/)
    expect(readdirSync(tmp)).toEqual([])
    open.kill('SIGKILL')
    await killed
    expect(readdirSync(tmp)).toEqual([])
  })

  it('Ctrl-C while stdin is still open stops at once: exit 130, nothing sent', async () => {
    logSpawn(['put', '--file'])
    const child = spawn(process.execPath, [BIN, 'put', '--file', '-', '--sandbox'], {
      env,
      cwd: home.home,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    child.stdin.write(`${JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'x'}})}\n`)
    const result = collect(child, 20_000)
    const fdDir = `/proc/${child.pid}/fd`
    // Wait until it is reading stdin (the spool is open), then interrupt.
    await until('the spool to be open', async () =>
      readdirSync(fdDir).some((fd) => {
        try {
          return readlinkSync(join(fdDir, fd)).includes('stdin.ndjson')
        } catch {
          return false
        }
      })
        ? true
        : undefined,
    )
    const before = await matched()
    child.kill('SIGINT')
    const done = await result
    expect(done.code, show(done)).toBe(130)
    expect(done.stderr).toMatch(/Interrupted \(SIGINT\) while validating stdin: nothing was sent/)
    expect(await matched()).toBe(before)
  })
})
