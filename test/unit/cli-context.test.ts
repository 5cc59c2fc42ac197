import {describe, expect, it} from 'vitest'

import {createAwsClients} from '../../src/adapters/aws/clients.js'
import {regionOfArn} from '../../src/adapters/aws/eventbridge.js'
import {createCliContext, resolveAwsTarget, sandboxUrlFrom} from '../../src/cli/context.js'
import {parseCallTimeout} from '../../src/cli/flags.js'
import {resolveOutputMode} from '../../src/cli/output.js'
import {createRedactor, secretsFromEnv} from '../../src/cli/redact.js'
import {closestCommand, editDistance} from '../../src/cli/suggest.js'

describe('resolveOutputMode', () => {
  it.each([
    // stdout TTY, stdin TTY, env, --no-color → interactive, color
    [true, true, {}, false, true, true],
    [true, true, {CI: 'true'}, false, false, true],
    [true, true, {CI: 'false'}, false, true, true],
    [true, false, {}, false, false, true],
    [false, true, {}, false, false, false],
    [true, true, {NO_COLOR: '1'}, false, true, false],
    [true, true, {NO_COLOR: 'anything'}, false, true, false],
    [true, true, {NO_COLOR: ''}, false, true, true],
    [true, true, {}, true, true, false],
  ] as const)(
    'stdout %s stdin %s env %j no-color %s → interactive %s colour %s',
    (out, inp, env, noColor, interactive, color) => {
      const mode = resolveOutputMode({stdoutIsTTY: out, stdinIsTTY: inp, env: {...env}, noColorFlag: noColor})
      expect(mode.interactive).toBe(interactive)
      expect(mode.color).toBe(color)
    },
  )
})

describe('resolveAwsTarget', () => {
  it('passes nothing when nothing is set, so the SDK default chain applies', () => {
    expect(resolveAwsTarget({}, {})).toEqual({})
  })

  it('passes region, profile and endpoint only when given', () => {
    expect(resolveAwsTarget({region: 'eu-west-1', profile: 'prod', 'endpoint-url': 'http://x:1'}, {})).toEqual({
      region: 'eu-west-1',
      profile: 'prod',
      endpoint: 'http://x:1',
    })
  })

  it('--sandbox: default URL, us-east-1, throwaway credentials, no profile', () => {
    expect(resolveAwsTarget({sandbox: true, profile: 'prod'}, {})).toEqual({
      endpoint: 'http://127.0.0.1:4566',
      region: 'us-east-1',
      credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    })
  })

  it('--sandbox follows MOMENTO_EB_SANDBOX_URL and a given region', () => {
    const target = resolveAwsTarget(
      {sandbox: true, region: 'eu-central-1'},
      {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:5000/'},
    )
    expect(target.endpoint).toBe('http://127.0.0.1:5000')
    expect(target.region).toBe('eu-central-1')
    expect(sandboxUrlFrom({MOMENTO_EB_SANDBOX_URL: '  '})).toBe('http://127.0.0.1:4566')
  })

  it('carries --call-timeout in the target (the worker threads build their clients from it)', () => {
    expect(resolveAwsTarget({'call-timeout': 1500}, {})).toEqual({callTimeoutMs: 1500})
    expect(resolveAwsTarget({sandbox: true, 'call-timeout': 1500}, {}).callTimeoutMs).toBe(1500)
  })
})

describe('parseCallTimeout', () => {
  it.each([
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['2m', 120_000],
    ['30', 30_000],
    [' 7 S ', 7_000],
  ])('%s is %d ms', async (text, ms) => {
    expect(await parseCallTimeout(text)).toBe(ms)
  })

  it.each(['soon', '', '0', '50ms', '2h', '-1s', '1s2'])('rejects %j', async (text) => {
    await expect(parseCallTimeout(text)).rejects.toThrow(/Expected a duration from 100ms to 1h/)
  })
})

describe('createCliContext', () => {
  const base = {json: false, stdout: {isTTY: false}, stdin: {isTTY: false}}

  it('points Momento at the sandbox with --sandbox and registers MOMENTO_API_KEY for redaction', () => {
    const lines: string[] = []
    const redactor = createRedactor()
    const ctx = createCliContext({
      ...base,
      flags: {sandbox: true, verbose: true},
      env: {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:7000', MOMENTO_API_KEY: 'key-abcdef-123'},
      stderr: {write: (chunk: string) => lines.push(chunk)},
      redactor,
    })
    expect(ctx.momento).toEqual({endpoint: 'http://127.0.0.1:7000', apiKey: 'key-abcdef-123', callTimeoutMs: 10_000})
    expect(redactor.redact('x key-abcdef-123 y')).toBe('x [redacted] y')
    ctx.verbose('using key-abcdef-123')
    expect(lines.join('')).toContain('using [redacted]')
    expect(lines.join('')).not.toContain('key-abcdef-123')
  })

  it('builds each AWS client once, lazily, and destroy() releases them', () => {
    const ctx = createCliContext({
      ...base,
      flags: {region: 'us-east-1'},
      env: {},
      stderr: {write: () => true},
      redactor: createRedactor(),
    })
    const first = ctx.aws.eventBridge
    expect(ctx.aws.eventBridge).toBe(first)
    expect(ctx.aws.sts).toBe(ctx.aws.sts)
    ctx.destroy()
  })
})

describe('createAwsClients', () => {
  it('reports the explicit endpoint before any request', () => {
    const clients = createAwsClients({endpoint: 'http://127.0.0.1:1234', region: 'us-east-1'})
    expect(clients.endpointOf('sqs')).toBe('http://127.0.0.1:1234')
    expect(createAwsClients({}).endpointOf('sqs')).toBeUndefined()
    clients.destroy()
  })
})

describe('redaction', () => {
  it('skips short values and replaces longest secrets first', () => {
    const redactor = createRedactor(['abc', 'secret-one', 'secret-one-longer'])
    expect(redactor.redact('abc secret-one-longer secret-one')).toBe('abc [redacted] [redacted]')
  })

  it('reads MOMENTO_API_KEY and MOMENTO_EB_SANDBOX_API_KEY from the env', () => {
    expect(secretsFromEnv({MOMENTO_API_KEY: 'a-key-1', MOMENTO_EB_SANDBOX_API_KEY: 'b-key-2', OTHER: 'c'})).toEqual([
      'a-key-1',
      'b-key-2',
    ])
  })
})

describe('command suggestions', () => {
  it('edit distance counts swaps as one edit', () => {
    expect(editDistance('sandbox', 'sandbx')).toBe(1)
    expect(editDistance('whoami', 'whoaim')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('suggests the closest command, or nothing when nothing is close', () => {
    const known = ['sandbox', 'whoami', 'exit-codes', 'environment']
    expect(closestCommand('sandbx', known)).toBe('sandbox')
    expect(closestCommand('exitcodes', known)).toBe('exit-codes')
    expect(closestCommand('deploy-everything-now', known)).toBeUndefined()
    // Short words: one edit in three to five letters, not two (`--bogus` is not `--bus` or `--logs`).
    expect(closestCommand('bogus', ['bus', 'logs', 'stack'])).toBeUndefined()
    expect(closestCommand('ky', ['key', 'cache'])).toBe('key')
  })
})

describe('regionOfArn', () => {
  it('reads the region field', () => {
    expect(regionOfArn('arn:aws:events:eu-west-1:123456789012:event-bus/default')).toBe('eu-west-1')
    expect(regionOfArn('arn:aws:iam::123456789012:root')).toBeUndefined()
  })
})
