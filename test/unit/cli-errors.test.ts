import {describe, expect, it} from 'vitest'

import {translateAwsError} from '../../src/adapters/aws/errors.js'
import {errorToJson, exitCodeOf, formatHumanError, toDomainError, usageErrorFrom} from '../../src/cli/error-render.js'
import {createRedactor} from '../../src/cli/redact.js'
import {suggestValue} from '../../src/cli/suggest.js'
import {resolveStack, stackNameProblem} from '../../src/core/config.js'
import {
  AuthError,
  ConfigError,
  InternalError,
  InterruptedError,
  MomentoEbError,
  NotFoundError,
  PartialFailureError,
  RemoteError,
  TimeoutWaitingError,
  UnreachableError,
  UsageError,
} from '../../src/core/errors.js'

/** An error shaped like an AWS SDK v3 service exception. */
function sdkError(name: string, message: string, status = 400, requestId = 'req-123'): Error {
  return Object.assign(new Error(message), {name, $metadata: {httpStatusCode: status, requestId, attempts: 1}})
}

const ctx = {
  action: "Can't do the thing",
  endpoint: 'http://127.0.0.1:4566',
  region: 'us-east-1',
  sandboxUrl: 'http://127.0.0.1:4566',
}

describe('exit code of each error class', () => {
  it.each([
    [new MomentoEbError('x'), 1],
    [new RemoteError('x'), 1],
    [new NotFoundError('x'), 1],
    [new InternalError('x'), 1],
    [new UsageError('x'), 2],
    [new PartialFailureError('x'), 3],
    [new ConfigError('x'), 4],
    [new AuthError('x'), 4],
    [new UnreachableError('x'), 5],
    [new TimeoutWaitingError('x'), 8],
    [new InterruptedError(), 130],
    [new TypeError('bug'), 1],
    ['a thrown string', 1],
  ])('%s → %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code)
  })

  it('keeps the exit code of an oclif error thrown with {exit}', () => {
    const oclifError = Object.assign(new Error('Stack is still creating'), {
      oclif: {exit: 8},
      suggestions: ['Wait longer'],
    })
    const domain = toDomainError(oclifError)
    expect(domain).toBeInstanceOf(TimeoutWaitingError)
    expect(domain.hints).toEqual(['Wait longer'])
  })

  it('turns oclif parse failures into usage errors, whatever their oclif exit code', () => {
    const flagValue = usageErrorFrom(
      new Error('Parsing --port \n\tExpected an integer but received: x\nSee more help with --help'),
    )
    expect(flagValue.exitCode).toBe(2)
    expect(flagValue.message).toBe('--port "x" isn\'t a whole number.')
    const tooBig = usageErrorFrom(
      new Error(
        'Parsing --max-retry-attempts \n\tExpected an integer less than or equal to 185 but received: 999\nSee more help with --help',
      ),
      {command: 'momento-eb deploy', flags: {'max-retry-attempts': {summary: 'Retries (0–185).'}}},
    )
    expect(tooBig.message).toBe('--max-retry-attempts "999" is above its maximum, 185.')
    expect(tooBig.hints).toEqual(['--max-retry-attempts: Retries (0–185).', 'See `momento-eb deploy --help`.'])
    expect(
      usageErrorFrom(new Error('Parsing --limit \n\tExpected an integer greater than or equal to 1 but received: 0'))
        .message,
    ).toBe('--limit "0" is below its minimum, 1.')
    expect(
      toDomainError(Object.assign(new Error('Flag --region expects a value'), {oclif: {exit: 1}, parse: {}})),
    ).toBeInstanceOf(UsageError)
  })

  it('wraps unknown errors as internal failures that keep the original as cause', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')")
    const domain = toDomainError(bug)
    expect(domain).toBeInstanceOf(InternalError)
    expect(domain.cause).toBe(bug)
    expect(domain.message).toContain('Cannot read properties of undefined')
  })
})

describe('translateAwsError', () => {
  it('"Region is missing" → ConfigError naming --region, AWS_REGION and the profile', () => {
    const e = translateAwsError(new Error('Region is missing'), {
      ...ctx,
      region: undefined,
      profile: 'prod',
    }) as ConfigError
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.exitCode).toBe(4)
    const text = e.hints.join('\n')
    expect(text).toContain('--region')
    expect(text).toContain('AWS_REGION')
    expect(text).toContain('profile prod')
  })

  it('CredentialsProviderError → ConfigError (4)', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    })
    const e = translateAwsError(error, ctx) as ConfigError
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.code).toBe('EB_CONFIG_CREDENTIALS')
  })

  it.each([
    'AccessDeniedException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'ExpiredTokenException',
  ])('%s → AuthError (4) with the request id', (name) => {
    const e = translateAwsError(sdkError(name, 'no'), ctx) as AuthError
    expect(e).toBeInstanceOf(AuthError)
    expect(e.exitCode).toBe(4)
    expect(e.requestId).toBe('req-123')
  })

  it('ECONNREFUSED on the sandbox URL → UnreachableError suggesting `momento-eb sandbox`', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
      code: 'ECONNREFUSED',
      $metadata: {attempts: 1},
    })
    const e = translateAwsError(error, ctx) as UnreachableError
    expect(e).toBeInstanceOf(UnreachableError)
    expect(e.exitCode).toBe(5)
    // The one "sandbox not running" error, as the sandbox commands give it.
    expect(e.message).toBe("Can't do the thing: no sandbox answers at http://127.0.0.1:4566.")
    expect(e.code).toBe('EB_SANDBOX_NOT_RUNNING')
    expect(e.hints[0]).toBe('Start it in another terminal: `momento-eb sandbox`.')
  })

  it('a refused dual-stack connection (AggregateError) elsewhere → UnreachableError with endpoint hints', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:9999'), {code: 'ECONNREFUSED'})
    const error = new AggregateError([inner], '')
    const e = translateAwsError(error, {...ctx, endpoint: 'http://localhost:9999'}) as UnreachableError
    expect(e).toBeInstanceOf(UnreachableError)
    expect(e.hints[0]).toContain('AWS_ENDPOINT_URL')
  })

  it.each(['ETIMEDOUT', 'ENOTFOUND'])('%s → UnreachableError', (code) => {
    expect(translateAwsError(Object.assign(new Error(code), {code}), ctx)).toBeInstanceOf(UnreachableError)
  })

  it('TimeoutError (connection or request timeout) → UnreachableError', () => {
    expect(translateAwsError(Object.assign(new Error('timed out'), {name: 'TimeoutError'}), ctx)).toBeInstanceOf(
      UnreachableError,
    )
  })

  it('ResourceNotFoundException → NotFoundError (1) with the given hints', () => {
    const e = translateAwsError(sdkError('ResourceNotFoundException', 'Event bus x does not exist.'), {
      ...ctx,
      notFoundHints: ['Create it.'],
    }) as NotFoundError
    expect(e).toBeInstanceOf(NotFoundError)
    expect(e.exitCode).toBe(1)
    expect(e.hints).toEqual(['Create it.'])
  })

  it('any other service error → RemoteError keeping name, message and request id', () => {
    const cause = sdkError('ValidationException', 'Name is too long', 400, 'abc-1')
    const e = translateAwsError(cause, ctx) as RemoteError
    expect(e).toBeInstanceOf(RemoteError)
    expect(e.cause).toBe(cause)
    expect(e.requestId).toBe('abc-1')
    expect(errorToJson(e, createRedactor()).error.cause).toEqual({
      name: 'ValidationException',
      message: 'Name is too long',
    })
  })

  it('passes core errors and non-SDK errors through', () => {
    const core = new UsageError('bad')
    expect(translateAwsError(core, ctx)).toBe(core)
    const plain = new Error('something else')
    expect(translateAwsError(plain, ctx)).toBe(plain)
  })
})

describe('rendering', () => {
  const error = new NotFoundError("Can't find event bus `orders` in us-east-1", {
    cause: sdkError('ResourceNotFoundException', 'Event bus orders does not exist.'),
    hints: ['Create it with `aws events create-event-bus --name orders`.', 'Or pass --event-bus.'],
    requestId: 'req-9',
  })

  it('human: what failed, why, Try: one hint per line, then code and request id', () => {
    const text = formatHumanError(error, {color: false, debug: false, redactor: createRedactor()})
    expect(text).toBe(
      [
        "Error: Can't find event bus `orders` in us-east-1",
        '  ResourceNotFoundException: Event bus orders does not exist.',
        'Try:',
        '  Create it with `aws events create-event-bus --name orders`.',
        '  Or pass --event-bus.',
        'code EB_NOT_FOUND · request id req-9',
        '',
      ].join('\n'),
    )
  })

  it('human: no stack unless debugging; colour only when asked', () => {
    expect(formatHumanError(error, {color: false, debug: false, redactor: createRedactor()})).not.toContain('    at ')
    expect(formatHumanError(error, {color: false, debug: true, redactor: createRedactor()})).toContain('    at ')
    expect(formatHumanError(error, {color: false, debug: false, redactor: createRedactor()})).not.toContain('\u001B[')
    expect(formatHumanError(error, {color: true, debug: false, redactor: createRedactor()})).toContain('\u001B[31m')
  })

  it('human on a terminal: long lines wrapped at words to its width, hints indented under Try:', () => {
    const long = new UsageError(
      'The sandbox at http://127.0.0.1:4566 is not running, so nothing was sent and nothing changed at all.',
      {
        hints: [
          'Start it in another terminal with `momento-eb sandbox`, or set MOMENTO_EB_SANDBOX_URL to where it runs.',
        ],
      },
    )
    for (const color of [false, true]) {
      const text = formatHumanError(long, {color, debug: false, redactor: createRedactor(), width: 40})
      const plainText = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
      for (const line of plainText.split('\n')) expect(line.length, line).toBeLessThanOrEqual(40)
      expect(plainText).toMatch(/^Error: The sandbox at\n {2}http:\/\/127\.0\.0\.1:4566 is not running,\n {2}so /)
      expect(plainText).toMatch(/Try:\n {2}Start it in another terminal with\n {4}`momento-eb sandbox`/)
    }
    // Without a width (not a terminal: a log, a pipe), one line each, as before.
    expect(formatHumanError(long, {color: false, debug: false, redactor: createRedactor()}).split('\n')).toHaveLength(5)
  })

  it('JSON: the documented envelope and nothing else', () => {
    expect(errorToJson(error, createRedactor())).toEqual({
      error: {
        code: 'EB_NOT_FOUND',
        message: "Can't find event bus `orders` in us-east-1",
        cause: {name: 'ResourceNotFoundException', message: 'Event bus orders does not exist.'},
        hints: ['Create it with `aws events create-event-bus --name orders`.', 'Or pass --event-bus.'],
        exitCode: 1,
        requestId: 'req-9',
      },
    })
    expect(errorToJson(new UsageError('x'), createRedactor()).error).not.toHaveProperty('requestId')
  })

  it('redacts secrets in message, cause, hints and stack', () => {
    const key = 'momento-secret-key-xyz'
    const leaky = new RemoteError(`Rejected key ${key}`, {
      cause: new Error(`bad token ${key}`),
      hints: [`Unset ${key}`],
    })
    const redactor = createRedactor([key])
    expect(JSON.stringify(errorToJson(leaky, redactor))).not.toContain(key)
    const human = formatHumanError(leaky, {color: false, debug: true, redactor})
    expect(human).not.toContain(key)
    expect(human).toContain('[redacted]')
  })
})

/** A Node system error as fs and streams throw it. */
function systemError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: ${message}`), {code, errno: -1, ...extra})
}

describe('failures of the machine, each with its own code', () => {
  it('ENOSPC and EDQUOT → EB_DISK_FULL (exit 1): the disk is full, free space or choose another path', () => {
    const full = toDomainError(systemError('ENOSPC', 'no space left on device, write', {syscall: 'write'}))
    expect(full).toMatchObject({
      code: 'EB_DISK_FULL',
      exitCode: 1,
      message: "Can't write the output: the disk is full.",
    })
    expect(full.hints.join('\n')).toMatch(/Free space[\s\S]*choose another path/)
    const named = toDomainError(systemError('ENOSPC', 'no space', {syscall: 'write', path: '/tmp/dlq.ndjson'}))
    expect(named.message).toBe("Can't write /tmp/dlq.ndjson: the disk is full.")
    const quota = toDomainError(systemError('EDQUOT', 'disk quota exceeded', {syscall: 'write'}))
    expect(quota).toMatchObject({code: 'EB_DISK_FULL', exitCode: 1})
    expect(quota.message).toMatch(/quota/)
  })

  it('EACCES, EPERM and EROFS on a path → EB_FILE_ACCESS (exit 2) naming the path and the fix', () => {
    const denied = toDomainError(systemError('EACCES', 'permission denied', {syscall: 'open', path: '/srv/x.ndjson'}))
    expect(denied).toMatchObject({code: 'EB_FILE_ACCESS', exitCode: 2})
    expect(denied.message).toBe("Can't open /srv/x.ndjson: permission denied.")
    expect(denied.hints[0]).toMatch(/another path/)
    const readOnly = toDomainError(systemError('EROFS', 'read-only file system', {syscall: 'mkdir', path: '/ro/d'}))
    expect(readOnly).toMatchObject({code: 'EB_FILE_ACCESS', exitCode: 2})
    expect(readOnly.message).toBe("Can't create the directory /ro/d: the file system is read-only.")
    // Without a path it is no file the user named: still unexpected.
    expect(toDomainError(systemError('EACCES', 'permission denied', {syscall: 'connect'})).code).toBe('EB_INTERNAL')
  })

  it('ERR_INVALID_URL → EB_BAD_URL (exit 2), naming the flag or variable that held it', () => {
    const invalid = () => {
      try {
        new URL('not a url')
      } catch (error) {
        return error
      }
      throw new Error('URL parsed')
    }
    const fromEnv = toDomainError(invalid(), {env: {AWS_ENDPOINT_URL: 'not a url'}})
    expect(fromEnv).toMatchObject({code: 'EB_BAD_URL', exitCode: 2})
    expect(fromEnv.message).toBe(`"not a url" (AWS_ENDPOINT_URL) isn't a valid URL.`)
    expect(fromEnv.hints[0]).toMatch(/Give AWS_ENDPOINT_URL a full http/)
    expect(toDomainError(invalid(), {argv: ['dlq', 'list', '--endpoint-url', 'not a url']}).message).toMatch(
      /\(--endpoint-url\)/,
    )
    expect(toDomainError(invalid(), {argv: ['--endpoint-url=not a url']}).message).toMatch(/\(--endpoint-url\)/)
    expect(toDomainError(invalid()).hints[0]).toMatch(/MOMENTO_EB_SANDBOX_URL/)
  })

  it('the why line drops the code Node repeats at the start of the message', () => {
    const text = formatHumanError(toDomainError(systemError('ENOSPC', 'no space left on device, write')), {
      color: false,
      debug: false,
      redactor: createRedactor([]),
    })
    expect(text).toContain('  ENOSPC: no space left on device, write\n')
  })

  it('a UsageError thrown by a flag parser keeps its message, code and hints through oclif', () => {
    const ours = new UsageError('--queue-url "x" isn\'t a queue URL.', {code: 'EB_BAD_URL', hints: ['Give the URL.']})
    // What oclif does to it (parser/parse.js): rewrites the message and rethrows the same object.
    ours.message = `Parsing --queue-url \n\t${ours.message}\nSee more help with --help`
    expect(usageErrorFrom(ours)).toMatchObject({
      message: '--queue-url "x" isn\'t a queue URL.',
      code: 'EB_BAD_URL',
      hints: ['Give the URL.'],
    })
  })
})

describe('stack names (resolveStack)', () => {
  it.each([
    ['momento-api', undefined],
    ['A', undefined],
    [`a${'b'.repeat(127)}`, undefined],
    [`a${'b'.repeat(128)}`, /129 characters long/],
    ['bad name!', /starts with a letter/],
    ['1abc', /starts with a letter/],
    ['a_b', /starts with a letter/],
    ['a.b', /starts with a letter/],
    ['-a', /starts with a letter/],
  ])('%s', (name, problem) => {
    expect(stackNameProblem(name)).toEqual(problem ? expect.stringMatching(problem) : undefined)
  })

  it('names where the bad value came from, as a UsageError (exit 2) with the rule', () => {
    const fail = (flag: string | undefined, env: Record<string, string>, config: Record<string, string>) => {
      try {
        resolveStack(flag, env, config)
      } catch (error) {
        return error as UsageError
      }
      throw new Error('resolved')
    }
    expect(fail('bad name!', {}, {})).toMatchObject({code: 'EB_BAD_STACK_NAME', exitCode: 2})
    expect(fail('bad name!', {}, {}).message).toMatch(/\(--stack\)/)
    expect(fail(undefined, {MOMENTO_EB_STACK: 'x_y'}, {}).message).toMatch(/\(MOMENTO_EB_STACK\)/)
    expect(fail(undefined, {}, {stack: 'x.y'}).message).toMatch(/saved `stack` setting/)
    expect(fail('x y', {}, {}).hints.join('\n')).toMatch(/\[a-zA-Z\]\[-a-zA-Z0-9\]\*/)
    expect(resolveStack(undefined, {}, {})).toBe('momento-api')
  })
})

describe('"did you mean" for filter values (suggestValue)', () => {
  const reasons = ['cache-not-found', 'rate-limited', 'timeout', 'forbidden']
  const types = ['cacheSet', 'cacheDelete', 'topicPublish']
  it.each([
    ['cacheset', types, 'cacheSet'],
    ['CACHEDELETE', types, 'cacheDelete'],
    ['topicPublsh', types, 'topicPublish'],
    ['not-found', reasons, 'cache-not-found'],
    ['rate-limit', reasons, 'rate-limited'],
    ['gremlins', reasons, undefined],
    ['', reasons, undefined],
  ])('%s → %s', (typed, known, expected) => {
    expect(suggestValue(typed, known)).toBe(expected)
  })
})

describe('wrapForTerminal', () => {
  it('wraps at words with a hanging indent, keeps ARNs and `commands` whole, leaves short lines alone', async () => {
    const {wrapForTerminal} = await import('../../src/core/text-width.js')
    expect(wrapForTerminal('short', 20)).toBe('short')
    const arn = `arn:aws:events:us-east-1:000000000000:rule/${'x'.repeat(40)}`
    expect(wrapForTerminal(`  Rule ${arn} is disabled`, 40)).toBe(`  Rule\n    ${arn}\n    is disabled`)
    const command = '`aws events enable-rule --name momento-api-CacheSetRule --event-bus-name default`'
    const wrapped = wrapForTerminal(`  Fix it with ${command} and try again.`, 40)
    expect(wrapped.split('\n')).toContain(`    ${command}`)
    expect(wrapForTerminal('\u001b[31mcoloured text that is long\u001b[0m', 10)).toContain('coloured text that is long')
  })
})

describe('status details at 80 columns', () => {
  it('puts a value too long for the line under the values column, whole; leaves the rest alone', async () => {
    const {hangLongValue} = await import('../../src/cli/status.js')
    const arn = `arn:aws:events:us-east-1:000000000000:rule/${'x'.repeat(50)}`
    expect(hangLongValue(`output       CacheSetRuleArn     ${arn}`, 80)).toEqual([
      'output       CacheSetRuleArn',
      `             ${arn}`,
    ])
    expect(hangLongValue('dlq          short', 80)).toEqual(['dlq          short'])
    expect(hangLongValue(`output       X  ${arn}`, undefined)).toEqual([`output       X  ${arn}`])
  })
})
