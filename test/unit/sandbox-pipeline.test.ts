import {afterEach, describe, expect, it} from 'vitest'

import {putEvents, type PutEventsOutput} from '../../src/sandbox/eventbridge/operations/put-events.js'
import {DeliveryLog, type DeliveryEntry, type DeliveryRecord} from '../../src/sandbox/pipeline/delivery-log.js'
import {
  describeFailure,
  DLQ_ERROR_CODES,
  errorCode,
  errorMessage,
  FAILURE_DETAILS,
  isRetryable,
} from '../../src/sandbox/pipeline/failures.js'
import {buildRequest, compileTarget, fillPathWildcards} from '../../src/sandbox/pipeline/http-target.js'
import {compileJsonPath, compileParameterValue} from '../../src/sandbox/pipeline/json-path.js'
import {policyAllowsEventBridge, wildcardMatch} from '../../src/sandbox/pipeline/queue-policy.js'
import {
  backoffDelayMs,
  decideRetry,
  parseRetryAfter,
  retryLimits,
  TokenBucket,
} from '../../src/sandbox/pipeline/retry.js'
import type {RequestContext} from '../../src/sandbox/protocol/context.js'
import {ServiceError} from '../../src/sandbox/protocol/errors.js'
import {createSandboxState, type SandboxState} from '../../src/sandbox/state.js'

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'cacheSet',
  source: 'demo',
  account: '000000000000',
  time: '2024-05-01T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:x'],
  detail: {cacheName: 'my cache/1', key: 'k', ttl: 60, on: false, obj: {a: 1}, nil: null, 'dash-ed': 'd'},
}

describe('JSONPath subset', () => {
  it.each([
    ['$', event],
    ['$.detail.cacheName', 'my cache/1'],
    ['$.detail-type', 'cacheSet'],
    ['$.detail.dash-ed', 'd'],
    ["$['detail']['key']", 'k'],
    ['$.detail["ttl"]', 60],
    ['$.resources[0]', 'arn:x'],
    ['$.resources[3]', undefined],
    ['$.detail.missing', undefined],
    ['$.detail.key.deeper', undefined],
    ['$.detail.toString', undefined],
  ])('%s selects %j', (path, expected) => {
    expect(compileJsonPath(path)?.get(event)).toEqual(expected)
  })

  it.each(['detail.key', 'literal', '$.', '$..key', '$.detail.*', '$[*]', '$.a[', '$x'])('%s is not a path', (text) => {
    expect(compileJsonPath(text)).toBeUndefined()
  })

  it.each([
    ['$.detail.key', 'k'],
    ['$.detail.missing', ''],
    ['$.detail.ttl', '60'],
    ['$.detail.on', 'false'],
    ['$.detail.nil', ''],
    ['$.detail.obj', '{"a":1}'],
    ['literal-value', 'literal-value'],
    ['120', '120'],
  ])('parameter %s renders %j', (text, expected) => {
    expect(compileParameterValue(text).resolve(event)).toBe(expected)
  })
})

describe('path wildcards', () => {
  it('fills each * in order, URL-encoded', () => {
    expect(fillPathWildcards('https://h/topics/*/*', ['my cache/1', 'a&b'])).toBe(
      'https://h/topics/my%20cache%2F1/a%26b',
    )
  })

  it('refuses a count mismatch', () => {
    expect(fillPathWildcards('https://h/cache/*', [])).toBeUndefined()
    expect(fillPathWildcards('https://h/cache/*', ['a', 'b'])).toBeUndefined()
    expect(fillPathWildcards('https://h/cache', [])).toBe('https://h/cache')
  })
})

describe('buildRequest', () => {
  const input = {event, eventJson: JSON.stringify(event), ruleArn: 'arn:r', ruleName: 'r', ingestionTime: 't'}
  const destination = {InvocationEndpoint: 'http://127.0.0.1:1/cache/*', HttpMethod: 'PUT'}

  it('assembles URL, query, headers and body; the connection wins on conflicts', () => {
    // Given a cacheSet-style target and an API_KEY connection with its own parameters
    const compiled = compileTarget({
      Id: 't',
      Arn: 'arn:d',
      HttpParameters: {
        PathParameterValues: ['$.detail.cacheName'],
        QueryStringParameters: {
          key: '$.detail.key',
          key_base64: '$.detail.key_base64',
          ttl_seconds: '$.detail.ttl',
          x: 'target',
        },
        HeaderParameters: {'X-From': '$.source', authorization: 'from-target', 'content-type': 'text/plain'},
      },
      InputTransformer: {InputPathsMap: {m: '$.detail.key'}, InputTemplate: '"<m>"'},
    })
    const connection = {
      AuthorizationType: 'API_KEY' as const,
      AuthParameters: {
        ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: 'secret-token'},
        InvocationHttpParameters: {QueryStringParameters: [{Key: 'x', Value: 'connection'}]},
      },
    }
    // When the request is built
    const request = buildRequest(compiled, destination, connection, input)
    if (typeof request === 'string') throw new Error(request)
    // Then
    expect(request.method).toBe('PUT')
    expect(request.url).toBe('http://127.0.0.1:1/cache/my%20cache%2F1?key=k&key_base64=&ttl_seconds=60&x=connection')
    expect(request.target).toEqual({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 1,
      path: '/cache/my%20cache%2F1?key=k&key_base64=&ttl_seconds=60&x=connection',
    })
    expect([...new URL(request.url).searchParams]).toEqual([
      ['key', 'k'],
      ['key_base64', ''],
      ['ttl_seconds', '60'],
      ['x', 'connection'],
    ])
    // (the target's Content-Type wins over the default since 2024-02-29; the other fixed headers don't yield)
    expect(request.headers).toEqual({
      'X-From': 'demo',
      Authorization: 'secret-token',
      'content-type': 'text/plain',
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      Range: 'bytes=0-1048575',
      'Accept-Encoding': 'gzip,deflate',
      Connection: 'close',
    })
    expect(request.body).toBe('"k"')
    expect(request.secretHeaders.has('authorization')).toBe(true)
    expect(request.secrets).toContain('secret-token')
  })

  it('sends the default Content-Type unless the target or the connection (which wins) sets one', () => {
    const withType = (type?: string) =>
      compileTarget({Id: 't', Arn: 'arn:d', HttpParameters: type ? {HeaderParameters: {'Content-Type': type}} : {}})
    const connection = (type?: string) => ({
      AuthorizationType: 'API_KEY' as const,
      AuthParameters: type ? {InvocationHttpParameters: {HeaderParameters: [{Key: 'CONTENT-TYPE', Value: type}]}} : {},
    })
    const to = {InvocationEndpoint: 'http://h/x', HttpMethod: 'POST'}
    const contentType = (request: ReturnType<typeof buildRequest>): string | undefined => {
      if (typeof request === 'string') throw new Error(request)
      const found = Object.entries(request.headers).filter(([name]) => name.toLowerCase() === 'content-type')
      expect(found).toHaveLength(1)
      return found[0]?.[1]
    }
    expect(contentType(buildRequest(withType(), to, connection(), input))).toBe('application/json; charset=utf-8')
    expect(contentType(buildRequest(withType('text/plain'), to, connection(), input))).toBe('text/plain')
    expect(contentType(buildRequest(withType(), to, connection('application/octet-stream'), input))).toBe(
      'application/octet-stream',
    )
    expect(contentType(buildRequest(withType('text/plain'), to, connection('text/csv'), input))).toBe('text/csv')
  })

  it('keeps the endpoint query string and encodes added parameters', () => {
    const compiled = compileTarget({Id: 't', Arn: 'arn:d', HttpParameters: {QueryStringParameters: {q: 'a b&c'}}})
    const connection = {AuthorizationType: 'API_KEY' as const, AuthParameters: {}}
    const to = {InvocationEndpoint: 'https://[::1]/x?fixed=1#frag', HttpMethod: 'post'}
    const request = buildRequest(compiled, to, connection, input)
    if (typeof request === 'string') throw new Error(request)
    expect(request.method).toBe('POST')
    expect(request.target).toEqual({protocol: 'https:', hostname: '::1', port: 443, path: '/x?fixed=1&q=a%20b%26c'})
  })

  it('refuses endpoints that are not HTTP(S)', () => {
    const compiled = compileTarget({Id: 't', Arn: 'arn:d'})
    const connection = {AuthorizationType: 'API_KEY' as const, AuthParameters: {}}
    expect(buildRequest(compiled, {InvocationEndpoint: 'ftp://h/x', HttpMethod: 'PUT'}, connection, input)).toMatch(
      /not a valid HTTP\(S\) URL/,
    )
  })

  it('reports a wildcard count mismatch as a message', () => {
    const compiled = compileTarget({Id: 't', Arn: 'arn:d'})
    const connection = {AuthorizationType: 'API_KEY' as const, AuthParameters: {}}
    expect(buildRequest(compiled, destination, connection, input)).toMatch(
      /1 path wildcard\(s\).*0 PathParameterValues/,
    )
  })

  it('sends basic auth and merges connection body parameters into JSON bodies', () => {
    const compiled = compileTarget({Id: 't', Arn: 'arn:d', Input: '{"a":1,"b":2}'})
    const connection = {
      AuthorizationType: 'BASIC' as const,
      AuthParameters: {
        BasicAuthParameters: {Username: 'u', Password: 'p4ss'},
        InvocationHttpParameters: {BodyParameters: [{Key: 'b', Value: 'conn', IsValueSecret: true}]},
      },
    }
    const request = buildRequest(compiled, {InvocationEndpoint: 'http://h/x', HttpMethod: 'POST'}, connection, input)
    if (typeof request === 'string') throw new Error(request)
    expect(request.headers['Authorization']).toBe(`Basic ${Buffer.from('u:p4ss').toString('base64')}`)
    expect(JSON.parse(request.body)).toEqual({a: 1, b: 'conn'})
    expect(request.secrets).toEqual(expect.arrayContaining(['p4ss', 'conn']))
  })
})

describe('retry schedule', () => {
  it('fills in the AWS defaults', () => {
    expect(retryLimits(undefined)).toEqual({maxRetries: 185, maxAgeMs: 86_400_000})
    expect(retryLimits({MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60})).toEqual({
      maxRetries: 0,
      maxAgeMs: 60_000,
    })
  })

  it('grows exponentially with jitter in the upper half, capped', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(500)
    expect(backoffDelayMs(1, () => 1)).toBe(1000)
    expect(backoffDelayMs(4, () => 0)).toBe(4000)
    expect(backoffDelayMs(4, () => 1)).toBe(8000)
    expect(backoffDelayMs(50, () => 1)).toBe(120_000)
    const delays = [1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, () => 0.5))
    expect(delays).toEqual([...delays].sort((a, b) => a - b))
  })

  it('stops at MaximumRetryAttempts', () => {
    const limits = {maxRetries: 3, maxAgeMs: 60_000}
    expect(decideRetry(2, limits, 0, undefined, () => 0)).toEqual({retry: true, delayMs: 2000})
    expect(decideRetry(3, limits, 0)).toEqual({retry: false, exhausted: 'MaximumRetryAttempts'})
  })

  it('stops when the next retry would come after MaximumEventAgeInSeconds', () => {
    const limits = {maxRetries: 185, maxAgeMs: 60_000}
    expect(decideRetry(0, limits, 59_000, undefined, () => 0)).toEqual({retry: true, delayMs: 500})
    expect(decideRetry(0, limits, 59_900, undefined, () => 0)).toEqual({
      retry: false,
      exhausted: 'MaximumEventAgeInSeconds',
    })
  })

  it('takes the more conservative of Retry-After and the policy; negative stops without a condition', () => {
    const limits = {maxRetries: 185, maxAgeMs: 86_400_000}
    expect(decideRetry(0, limits, 0, 30_000, () => 0)).toEqual({retry: true, delayMs: 30_000})
    expect(decideRetry(0, limits, 0, 10, () => 0)).toEqual({retry: true, delayMs: 500})
    expect(decideRetry(0, limits, 0, 'stop')).toEqual({retry: false})
    expect(decideRetry(0, {maxRetries: 185, maxAgeMs: 60_000}, 0, 120_000)).toEqual({
      retry: false,
      exhausted: 'MaximumEventAgeInSeconds',
    })
  })

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['5', 5000],
    ['0.5', 500],
    ['-1', 'stop'],
    ['Wed, 01 May 2024 12:00:10 GMT', 10_000],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['soon', undefined],
  ])('Retry-After %j → %j', (header, expected) => {
    expect(parseRetryAfter(header, Date.parse('2024-05-01T12:00:00Z'))).toBe(expected)
  })
})

describe('TokenBucket', () => {
  it('lets a burst of `rate` through, then spaces the rest 1/rate apart', () => {
    let now = 0
    const bucket = new TokenBucket(2, () => now)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 500, 1000])
    now = 2000
    expect(bucket.take()).toBe(0)
  })

  it('gives back an abandoned slot', () => {
    const bucket = new TokenBucket(1, () => 0)
    bucket.take()
    expect(bucket.take()).toBe(1000)
    bucket.giveBack()
    expect(bucket.take()).toBe(1000)
  })
})

describe('DLQ policy (docs/reference/aws-facts.md#eb-dlq-policy)', () => {
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:dlq'
  const ruleArn = 'arn:aws:events:us-east-1:000000000000:rule/cache-set'
  const request = {queueArn, sourceArn: ruleArn, sourceAccount: '000000000000'}
  const statement = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          ...extra,
        },
      ],
    })

  it.each([
    ['no condition', statement(), true],
    ['ArnEquals list', statement({Condition: {ArnEquals: {'aws:SourceArn': ['arn:other', ruleArn]}}}), true],
    ['ArnLike wildcard', statement({Condition: {ArnLike: {'aws:SourceArn': 'arn:aws:events:*:*:rule/cache-*'}}}), true],
    ['StringEquals', statement({Condition: {StringEquals: {'aws:SourceArn': ruleArn}}}), true],
    ['StringLike ?', statement({Condition: {StringLike: {'aws:SourceArn': `${ruleArn.slice(0, -1)}?`}}}), true],
    ['SourceAccount', statement({Condition: {StringEquals: {'aws:SourceAccount': '000000000000'}}}), true],
    [
      'other rule',
      statement({Condition: {ArnEquals: {'aws:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/x'}}}),
      false,
    ],
    ['ArnNotEquals own rule', statement({Condition: {ArnNotEquals: {'aws:SourceArn': ruleArn}}}), false],
    ['unknown key', statement({Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-1'}}}), false],
    ['unknown key IfExists', statement({Condition: {StringEqualsIfExists: {'aws:PrincipalOrgID': 'o-1'}}}), true],
    ['sqs:* and * resource', statement({Action: ['sqs:*'], Resource: '*'}), true],
    ['* action', statement({Action: '*'}), true],
    ['wrong action', statement({Action: 'sqs:ReceiveMessage'}), false],
    ['other queue', statement({Resource: 'arn:aws:sqs:us-east-1:000000000000:other'}), false],
    ['no Resource', statement({Resource: undefined}), true],
    ['principal *', statement({Principal: '*'}), true],
    ['principal AWS *', statement({Principal: {AWS: '*'}}), true],
    ['other service', statement({Principal: {Service: 'sns.amazonaws.com'}}), false],
    ['Deny effect', statement({Effect: 'Deny'}), false],
  ])('%s → %s', (_name, policy, expected) => {
    expect(policyAllowsEventBridge(policy, request)).toBe(expected)
  })

  it('denies without a policy, with bad JSON, and when a Deny matches', () => {
    expect(policyAllowsEventBridge(undefined, request)).toBe(false)
    expect(policyAllowsEventBridge('{nope', request)).toBe(false)
    const both = JSON.stringify({
      Statement: [
        {Effect: 'Allow', Principal: '*', Action: '*', Resource: '*'},
        {Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queueArn},
      ],
    })
    expect(policyAllowsEventBridge(both, request)).toBe(false)
  })

  it('matches IAM wildcards literally otherwise', () => {
    expect(wildcardMatch('a.b*', 'a.bc')).toBe(true)
    expect(wildcardMatch('a.b*', 'axbc')).toBe(false)
  })
})

describe('failure mapping', () => {
  it.each([
    // status, retried (current eb-api-destinations.html: 401, 407, 409, 429 and 5xx)
    [100, false],
    [302, false],
    [400, false],
    [401, true],
    [403, false],
    [404, false],
    [407, true],
    [408, false],
    [409, true],
    [413, false],
    [429, true],
    [500, true],
    [503, true],
    [599, true],
  ])('HTTP %i is retried: %s', (status, retried) => {
    expect(isRetryable({kind: 'http', status, body: ''})).toBe(retried)
  })

  it.each([
    [{kind: 'timeout' as const, timeoutMs: 5000}, 'UNKNOWN', true],
    [{kind: 'network' as const, detail: 'ECONNREFUSED'}, 'SDK_CLIENT_ERROR', true],
    [{kind: 'no-resource' as const, message: 'gone'}, 'NO_RESOURCE', false],
    [{kind: 'no-permissions' as const, message: 'no role'}, 'NO_PERMISSIONS', false],
    [{kind: 'invalid-parameter' as const, message: 'bad'}, 'INVALID_PARAMETER', false],
    [{kind: 'throttled' as const, message: 'slow'}, 'THROTTLING', false],
  ])('%j → %s in both modes, retryable %s', (failure, code, retryable) => {
    for (const mode of FAILURE_DETAILS) expect(errorCode(failure, mode)).toBe(code)
    expect(isRetryable(failure)).toBe(retryable)
  })

  it('keeps every code in one table', () => {
    expect(Object.keys(DLQ_ERROR_CODES).sort()).toEqual(
      ['http', 'invalid-parameter', 'network', 'no-permissions', 'no-resource', 'throttled', 'timeout'].sort(),
    )
  })

  it('uses the texts of real AWS DLQ messages for timeouts and unreachable endpoints, in both modes', () => {
    for (const mode of FAILURE_DETAILS) {
      expect(errorMessage({kind: 'timeout', timeoutMs: 5000}, mode)).toBe(
        'Unable to invoke ApiDestination endpoint: Timeout calling endpoint for API Destination: socket closed.',
      )
      expect(errorMessage({kind: 'network', detail: 'ENOTFOUND getaddrinfo ENOTFOUND x'}, mode)).toBe(
        'Unable to invoke ApiDestination endpoint: API destination endpoint cannot be reached.',
      )
    }
  })

  it('a sandbox is opaque unless told otherwise', async () => {
    const state = createSandboxState()
    expect(state.options.failureDetail).toBe('opaque')
    await state.shutdown()
    const detailed = createSandboxState({failureDetail: 'detailed'})
    expect(detailed.options.failureDetail).toBe('detailed')
    await detailed.shutdown()
  })

  it('opaque: an HTTP error says neither status nor body', () => {
    const failure = {kind: 'http' as const, status: 404, body: '{"status":404,"title":"Not Found"}'}
    expect(errorCode(failure)).toBe('UNKNOWN')
    expect(errorCode(failure, 'opaque')).toBe('UNKNOWN')
    const message = errorMessage(failure, 'opaque')
    expect(message).toBe('Unable to invoke ApiDestination endpoint: The endpoint returned an error.')
    expect(message).not.toMatch(/\d/)
    expect(errorMessage(failure)).toBe(message)
  })

  it('detailed: words the messages with status, reason and a truncated body', () => {
    const failure = {kind: 'http' as const, status: 404, body: '{"status":404,"title":"Not Found"}'}
    expect(errorCode(failure, 'detailed')).toBe('ERROR_FROM_TARGET')
    expect(errorMessage(failure, 'detailed')).toBe(
      'API destination endpoint returned HTTP 404 (Not Found): {"status":404,"title":"Not Found"}',
    )
    const long = errorMessage({kind: 'http', status: 500, body: 'x'.repeat(5000)}, 'detailed')
    expect(long.length).toBeLessThan(1200)
    expect(long).toContain('[truncated 3976 chars]')
  })

  it('describes what really happened for the delivery log', () => {
    expect(describeFailure({kind: 'timeout', timeoutMs: 5000})).toBe(
      'Request to API destination timed out after 5 seconds',
    )
    expect(describeFailure({kind: 'network', detail: 'ECONNREFUSED x'})).toBe(
      'Request to API destination failed: ECONNREFUSED x',
    )
    expect(describeFailure({kind: 'http', status: 503, body: ''})).toBe(
      'API destination endpoint returned HTTP 503 (Service Unavailable)',
    )
  })
})

describe('DeliveryLog', () => {
  const record = (n: number, outcome: DeliveryRecord['outcome'] = 'delivered'): DeliveryEntry => ({
    timeMs: Date.UTC(2024, 4, 1, 12, 0, n),
    ruleArn: n % 2 ? 'arn:aws:events:us-east-1:0:rule/odd' : 'arn:aws:events:us-east-1:0:rule/even',
    targetId: 't',
    targetArn: 'arn:aws:events:us-east-1:0:api-destination/dest/uuid',
    eventId: `e${n}`,
    attempt: 1,
    outcome,
  })

  it('keeps the newest records in order and filters them', () => {
    const log = new DeliveryLog(3)
    for (let n = 1; n <= 5; n++) log.add(record(n, n === 4 ? 'retrying' : 'delivered'))
    expect(log.list().map((r) => r.eventId)).toEqual(['e3', 'e4', 'e5'])
    expect(log.list()[0]?.time).toBe('2024-05-01T12:00:03.000Z')
    expect(log.list({rule: 'odd'}).map((r) => r.eventId)).toEqual(['e3', 'e5'])
    expect(log.list({outcome: 'retrying'}).map((r) => r.eventId)).toEqual(['e4'])
    expect(log.list({target: 'dest', limit: 1}).map((r) => r.eventId)).toEqual(['e5'])
    log.clear()
    expect(log.list()).toEqual([])
  })

  it('builds a lazily logged request only when listed', () => {
    const log = new DeliveryLog()
    let built = 0
    const request = () => {
      built++
      return {method: 'PUT', url: 'http://h/x', headers: {Authorization: 'REDACTED'}, body: ''}
    }
    log.add({...record(1), request})
    expect(built).toBe(0)
    expect(log.list()[0]?.request).toEqual(request())
  })
})

describe('PutEvents validation', () => {
  let state: SandboxState | undefined
  afterEach(async () => {
    await state?.shutdown()
  })

  function call(input: Record<string, unknown>, options: {maxPutEventsBytes?: number} = {}): PutEventsOutput {
    let n = 0
    state = createSandboxState({
      newId: () => `id-${++n}`,
      now: () => Date.parse('2024-05-01T12:00:00.750Z'),
      ...options,
    })
    const ctx = {state, region: 'us-east-1', accountId: state.accountId} as RequestContext
    return putEvents(input, ctx)
  }
  const ok = {Source: 'demo', DetailType: 'cacheSet', Detail: '{"a":1}'}

  it('answers index-aligned per-entry results', () => {
    const out = call({
      Entries: [
        ok,
        {DetailType: 'x', Detail: '{}'},
        {...ok, Detail: '"text"'},
        {...ok, Detail: '{bad'},
        {...ok, Source: 'aws.s3'},
        {...ok, DetailType: 'x'.repeat(129)},
        {...ok, EventBusName: 'no-such-bus', Time: 1714564800},
      ],
    })
    expect(out.FailedEntryCount).toBe(5)
    expect(out.Entries).toEqual([
      {EventId: 'id-1'},
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.'},
      {ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.'},
      {ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.'},
      expect.objectContaining({ErrorCode: 'InvalidArgument'}),
      {EventId: 'id-2'},
    ])
  })

  it('rejects 11 entries with the AWS validation text', () => {
    expect(() => call({Entries: Array.from({length: 11}, () => ok)})).toThrow(
      /^1 validation error detected: Value '\[PutEventsRequestEntry\(.*\)\]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    )
    expect(() => call({Entries: []})).toThrow(ServiceError)
  })

  it('applies the size formula to the whole request', () => {
    // Source 4 + DetailType 8 + Detail 7 + Time 14 = 33 bytes per entry
    const entry = {...ok, Time: 1714564800}
    expect(call({Entries: [entry, entry]}, {maxPutEventsBytes: 66}).FailedEntryCount).toBe(0)
    expect(() => call({Entries: [entry, entry]}, {maxPutEventsBytes: 65})).toThrow(
      'Total size of the entries in the request is over the limit.',
    )
  })
})
