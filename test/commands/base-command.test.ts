import {Flags} from '@oclif/core'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {BaseCommand} from '../../src/cli/base-command.js'
import {
  AuthError,
  CancelledError,
  InterruptedError,
  PartialFailureError,
  TimeoutWaitingError,
  type MomentoEbError,
} from '../../src/core/errors.js'
import {ROOT} from '../helpers/cli.js'

/**
 * No shipped command can fail partially yet (exit 3), time out waiting (8) or be interrupted (130),
 * so these run a test command in process that throws the error it's told to.
 */
const errors: Record<string, () => MomentoEbError> = {
  partial: () =>
    new PartialFailureError('2 of 10 events were not put on bus `orders`.', {hints: ['Retry the failed entries.']}),
  waiting: () => new TimeoutWaitingError('Stack `momento-eb` is still CREATE_IN_PROGRESS after 60s.'),
  interrupted: () => new InterruptedError(),
  cancelled: () => new CancelledError(),
  denied: () => new AuthError('Access denied.', {requestId: 'rid-1'}),
}

class Fails extends BaseCommand<typeof Fails> {
  static override flags = {kind: Flags.string({required: true, options: Object.keys(errors)})}
  public async run(): Promise<void> {
    throw errors[this.flags.kind]!()
  }
}

class Succeeds extends BaseCommand<typeof Succeeds> {
  public async run(): Promise<{ok: boolean; region: string | null}> {
    return {ok: true, region: this.flags.region ?? null}
  }
}

/** A command with a confirmation (--yes stands in for it off a terminal) and an exit code from its result. */
class Confirms extends BaseCommand<typeof Confirms> {
  static override confirmFlag = 'yes'
  static override flags = {
    yes: Flags.boolean({summary: 'Do not ask.'}),
    failed: Flags.integer({default: 0}),
  }
  protected override exitCodeFor(result: {failed: number}): number | undefined {
    return result.failed > 0 ? 3 : undefined
  }
  public async run(): Promise<{failed: number}> {
    await this.confirmStep('This deletes everything.', 'Delete everything?')
    return {failed: this.flags.failed}
  }
}

describe('BaseCommand error → exit code mapping (in process)', () => {
  let out: string
  let err: string
  beforeEach(() => {
    out = ''
    err = ''
    process.exitCode = undefined
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk)
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk)
      return true
    })
  })
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
    process.exitCode = undefined
  })

  it.each([
    ['partial', 3, 'EB_PARTIAL'],
    ['waiting', 8, 'EB_TIMEOUT_WAITING'],
    ['interrupted', 130, 'EB_INTERRUPTED'],
    ['denied', 4, 'EB_AUTH'],
  ])('%s → exit %i, kept under --json', async (kind, code, errorCode) => {
    await Fails.run(['--kind', kind, '--json'], ROOT)
    const exitCode = process.exitCode
    expect(exitCode).toBe(code)
    const body = JSON.parse(out) as {error: {code: string; exitCode: number}}
    expect(body.error).toMatchObject({code: errorCode, exitCode: code})
    expect(err).toBe('')
  })

  it('renders human errors on stderr only, with the same exit code', async () => {
    await Fails.run(['--kind', 'partial'], ROOT)
    const exitCode = process.exitCode
    expect(exitCode).toBe(3)
    expect(out).toBe('')
    expect(err).toBe(
      'Error: 2 of 10 events were not put on bus `orders`.\nTry:\n  Retry the failed entries.\ncode EB_PARTIAL\n',
    )
  })

  it('Ctrl-C is one calm line, exit 130: no "Error:", no code', async () => {
    await Fails.run(['--kind', 'interrupted'], ROOT)
    expect(process.exitCode).toBe(130)
    expect(err).toBe('Interrupted.\n')
  })

  it('declining a prompt is "Cancelled: nothing changed.", exit 0; {"cancelled": true} under --json', async () => {
    await Fails.run(['--kind', 'cancelled'], ROOT)
    expect(process.exitCode).toBe(0)
    expect(err).toBe('Cancelled: nothing changed.\n')
    expect(out).toBe('')
    err = ''
    await Fails.run(['--kind', 'cancelled', '--json'], ROOT)
    expect(process.exitCode).toBe(0)
    expect(JSON.parse(out)).toEqual({cancelled: true, message: 'Cancelled: nothing changed.'})
    expect(err).toBe('')
  })

  it('a value outside a flag’s options is a usage error (2)', async () => {
    await Fails.run(['--kind', 'nope', '--json'], ROOT)
    const exitCode = process.exitCode
    expect(exitCode).toBe(2)
    expect((JSON.parse(out) as {error: {code: string}}).error.code).toBe('EB_USAGE')
  })

  it('success under --json prints the bare result and leaves the exit code alone', async () => {
    await Succeeds.run(['--json', '--region', 'eu-west-1'], ROOT)
    expect(process.exitCode).toBeUndefined()
    expect(JSON.parse(out)).toEqual({ok: true, region: 'eu-west-1'})
  })

  it('a confirmation without a terminal and without its flag: EB_CONFIRM_NEEDED, exit 2, naming the flag', async () => {
    // CI is never a terminal to ask on, whatever the test runner's stdio is.
    vi.stubEnv('CI', '1')
    await Confirms.run(['--json'], ROOT)
    expect(process.exitCode).toBe(2)
    const {error} = JSON.parse(out) as {error: {code: string; message: string; hints: string[]}}
    expect(error.code).toBe('EB_CONFIRM_NEEDED')
    expect(error.message).toBe(
      'This deletes everything. That needs a confirmation, and there is no terminal to ask on.',
    )
    expect(error.hints).toEqual(['Pass --yes to go ahead without asking.'])
  })

  it('the confirm flag answers yes; the exit code comes from the result, set once by BaseCommand', async () => {
    await Confirms.run(['--yes', '--json'], ROOT)
    expect(process.exitCode).toBeUndefined()
    expect(JSON.parse(out)).toEqual({failed: 0})
    out = ''
    await Confirms.run(['--yes', '--failed', '2', '--json'], ROOT)
    expect(process.exitCode).toBe(3)
    expect(JSON.parse(out)).toEqual({failed: 2})
  })
})
