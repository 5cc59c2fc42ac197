/**
 * The status service and the DLQ-policy predicate, with in-memory integration snapshots: a healthy
 * stack, Momento's launch-button shape (no queue policy), disabled and deauthorized resources.
 */
import {describe, expect, it} from 'vitest'

import {decodeMomentoKey} from '../../src/core/momento-key.js'
import {
  detailTypesOfPattern,
  kindOfMethod,
  rulesAllowedByPolicy,
  type IntegrationResources,
  type StackInfo,
} from '../../src/core/stack-plan.js'
import {getStackStatus} from '../../src/services/stack-status.js'

const RULES = {
  cacheSet: 'arn:aws:events:us-east-1:1:rule/set',
  cacheDelete: 'arn:aws:events:us-east-1:1:rule/orders/delete',
  topicPublish: 'arn:aws:events:us-east-1:1:rule/pub',
}
const policy = (statement: Record<string, unknown>) => JSON.stringify({Version: '2012-10-17', Statement: [statement]})
const allow = {Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'sqs:SendMessage', Resource: 'q'}

describe('rulesAllowedByPolicy', () => {
  const arns = Object.values(RULES)
  it('accepts ArnEquals with every rule', () => {
    expect(rulesAllowedByPolicy(policy({...allow, Condition: {ArnEquals: {'aws:SourceArn': arns}}}), arns).size).toBe(3)
  })
  it('finds the rules a condition leaves out', () => {
    const allowed = rulesAllowedByPolicy(
      policy({...allow, Condition: {ArnEquals: {'aws:SourceArn': RULES.cacheSet}}}),
      arns,
    )
    expect([...allowed]).toEqual([RULES.cacheSet])
  })
  it('understands ArnLike wildcards and an unconditional statement', () => {
    const like = policy({...allow, Condition: {ArnLike: {'aws:SourceArn': 'arn:aws:events:us-east-1:1:rule/*'}}})
    expect(rulesAllowedByPolicy(like, arns).size).toBe(3)
    expect(rulesAllowedByPolicy(policy(allow), arns).size).toBe(3)
  })
  it.each([
    ['no policy', undefined],
    ['not JSON', '{'],
    ['a Deny', policy({...allow, Effect: 'Deny'})],
    ['another principal', policy({...allow, Principal: {Service: 'sns.amazonaws.com'}})],
    ['another action', policy({...allow, Action: 'sqs:ReceiveMessage'})],
  ])('allows nothing with %s', (_name, text) => {
    expect(rulesAllowedByPolicy(text, arns).size).toBe(0)
  })
})

describe('kinds', () => {
  it('reads kinds from methods and patterns', () => {
    expect([kindOfMethod('put'), kindOfMethod('DELETE'), kindOfMethod('POST'), kindOfMethod('GET')]).toEqual([
      'cacheSet',
      'cacheDelete',
      'topicPublish',
      undefined,
    ])
    expect(detailTypesOfPattern('{"detail-type":["cacheSet"],"source":["x"]}')).toEqual(['cacheSet'])
    expect(detailTypesOfPattern('nope')).toEqual([])
  })
})

const stack: StackInfo = {
  name: 's',
  id: 'arn:stack/s/1',
  status: 'CREATE_COMPLETE',
  parameters: {},
  outputs: {DlqUrl: 'u'},
}

function healthy(): IntegrationResources {
  const dest = (kind: 'cacheSet' | 'cacheDelete' | 'topicPublish', method: string, path: string) => ({
    logicalId: kind,
    name: `${kind}-dest`,
    arn: `arn:dest/${kind}`,
    method,
    endpoint: `https://api.cache.cell-us-east-1-1.prod.a.momentohq.com${path}`,
    state: 'ACTIVE',
  })
  const rule = (kind: keyof typeof RULES) => ({
    logicalId: kind,
    name: kind,
    arn: RULES[kind],
    bus: 'default',
    state: 'ENABLED',
    detailTypes: [kind],
    target: {id: 't', arn: `arn:dest/${kind}`, deadLetterArn: 'arn:q', maxRetryAttempts: 12, maxEventAgeSeconds: 3600},
  })
  return {
    stackName: 's',
    bus: 'default',
    connection: {name: 'c', arn: 'arn:c', state: 'AUTHORIZED'},
    destinations: {
      cacheSet: dest('cacheSet', 'PUT', '/cache/*'),
      cacheDelete: dest('cacheDelete', 'DELETE', '/cache/*'),
      topicPublish: dest('topicPublish', 'POST', '/topics/*/*'),
    },
    rules: {cacheSet: rule('cacheSet'), cacheDelete: rule('cacheDelete'), topicPublish: rule('topicPublish')},
    queue: {
      url: 'u',
      arn: 'arn:q',
      visible: 0,
      inFlight: 0,
      policy: policy({...allow, Condition: {ArnEquals: {'aws:SourceArn': Object.values(RULES)}}}),
    },
    missing: [],
  }
}

const ports = (found: IntegrationResources, info: StackInfo | undefined = stack) => ({
  describeStack: async () => info,
  findIntegration: async () => found,
})

describe('getStackStatus', () => {
  it('reports no problems for a healthy stack', async () => {
    const report = await getStackStatus('s', ports(healthy()))
    expect(report.problems).toEqual([])
    expect(report.dlq).toEqual({url: 'u', arn: 'arn:q', visible: 0, inFlight: 0, allowsRules: true})
    expect(report.rules.map((r) => r.kind)).toEqual(['cacheSet', 'cacheDelete', 'topicPublish'])
  })

  it('flags a launch-button stack without a queue policy', async () => {
    const found = healthy()
    const report = await getStackStatus('s', ports({...found, queue: {...found.queue!, policy: undefined}}))
    expect(report.problems).toHaveLength(1)
    expect(report.problems[0]).toMatchObject({severity: 'error', resource: 'u'})
    expect(report.problems[0]?.problem).toMatch(/no queue policy/)
  })

  it('flags a deauthorized connection, an inactive destination and a disabled rule', async () => {
    const found = healthy()
    const report = await getStackStatus(
      's',
      ports({
        ...found,
        connection: {...found.connection!, state: 'DEAUTHORIZED'},
        destinations: {...found.destinations, cacheSet: {...found.destinations.cacheSet!, state: 'INACTIVE'}},
        rules: {...found.rules, topicPublish: {...found.rules.topicPublish!, state: 'DISABLED'}},
      }),
    )
    expect(report.problems.map((p) => p.problem)).toEqual([
      "The connection is DEAUTHORIZED: events can't reach Momento.",
      'The cacheSet API destination is INACTIVE.',
      'The topicPublish rule is DISABLED: those events are dropped.',
    ])
  })

  it('warns when MOMENTO_API_KEY belongs to another region than the destinations call', async () => {
    const key = Buffer.from(
      JSON.stringify({api_key: 'x.y.z', endpoint: 'cell-4-us-west-2-1.prod.a.momentohq.com'}),
    ).toString('base64')
    const report = await getStackStatus('s', ports(healthy()), {key: decodeMomentoKey(key)})
    expect(report.problems).toHaveLength(3)
    expect(report.problems[0]).toMatchObject({severity: 'warning'})
    expect(report.problems[0]?.problem).toMatch(/calls Momento in us-east-1, but MOMENTO_API_KEY belongs to us-west-2/)
  })

  it('reports a failed stack alone when its resources are gone, and an unknown stack as not found', async () => {
    const rolledBack = {...stack, status: 'ROLLBACK_COMPLETE'}
    const {NotFoundError} = await import('../../src/core/errors.js')
    const report = await getStackStatus('s', {
      describeStack: async () => rolledBack,
      findIntegration: async () => {
        throw new NotFoundError('gone')
      },
    })
    expect(report.problems).toHaveLength(1)
    expect(report.problems[0]?.fix).toContain('deploy --yes')
    await expect(
      getStackStatus('s', {...ports(healthy()), describeStack: async () => undefined}),
    ).rejects.toMatchObject({exitCode: 1})
  })
})
