import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  failure,
  sandboxOnly,
  startContractTarget,
  uniqueName,
  UNSIGNED_RAW_REQUEST,
} from '../helpers/sandbox.js'

const ACCOUNT = CONTRACT_ACCOUNT
const ROLE = `arn:aws:iam::${ACCOUNT}:role/invoke-destinations`
const PATTERN = JSON.stringify({'detail-type': ['cacheSet']})

/** POST a raw JSON 1.1 EventBridge call, for inputs the SDK would refuse to send. */
async function rawCall(sandbox: RunningSandbox, operation: string, body: string) {
  const res = await fetch(`${sandbox.endpoint}/`, {
    method: 'POST',
    headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}`},
    body,
  })
  return {status: res.status, json: (await res.json()) as {__type?: string; message?: string}}
}

describe('EventBridge control plane', () => {
  let sandbox: RunningSandbox
  let eb: EventBridgeClient
  beforeAll(async () => {
    sandbox = await startContractTarget()
    eb = new EventBridgeClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    eb.destroy()
    await sandbox.close()
  })

  describe('event buses', () => {
    it('describes the default bus with no Name, by name and by ARN', async () => {
      const byDefault = await eb.send(new DescribeEventBusCommand({}))
      expect(byDefault.Name).toBe('default')
      expect(byDefault.Arn).toBe(`arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:event-bus/default`)
      expect(byDefault.CreationTime).toBeInstanceOf(Date)
      const byArn = await eb.send(new DescribeEventBusCommand({Name: byDefault.Arn}))
      expect(byArn.Name).toBe('default')
    })

    it('creates, lists, describes and deletes a custom bus', async () => {
      const name = uniqueName('bus')
      const created = await eb.send(new CreateEventBusCommand({Name: name, Description: 'test bus'}))
      expect(created.EventBusArn).toBe(`arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:event-bus/${name}`)
      const described = await eb.send(new DescribeEventBusCommand({Name: name}))
      expect(described).toMatchObject({Name: name, Arn: created.EventBusArn, Description: 'test bus'})
      const listed = await eb.send(new ListEventBusesCommand({NamePrefix: name}))
      expect(listed.EventBuses?.map((b) => b.Name)).toEqual([name])

      const duplicate = await failure(eb.send(new CreateEventBusCommand({Name: name})))
      expect(duplicate.name).toBe('ResourceAlreadyExistsException')

      await eb.send(new DeleteEventBusCommand({Name: name}))
      const gone = await failure(eb.send(new DescribeEventBusCommand({Name: name})))
      expect(gone.name).toBe('ResourceNotFoundException')
      expect(gone.message).toBe(`Event bus ${name} does not exist.`)
    })

    it('stores and returns Description, KmsKeyIdentifier and DeadLetterConfig of a bus', async () => {
      const name = uniqueName('bus')
      const kms = `arn:aws:kms:${CONTRACT_REGION}:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000`
      const deadLetterConfig = {Arn: `arn:aws:sqs:${CONTRACT_REGION}:${ACCOUNT}:bus-dlq`}
      const created = await eb.send(
        new CreateEventBusCommand({
          Name: name,
          Description: 'encrypted bus',
          KmsKeyIdentifier: kms,
          DeadLetterConfig: deadLetterConfig,
        }),
      )
      expect(created).toMatchObject({
        EventBusArn: `arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:event-bus/${name}`,
        Description: 'encrypted bus',
        KmsKeyIdentifier: kms,
        DeadLetterConfig: deadLetterConfig,
      })
      const described = await eb.send(new DescribeEventBusCommand({Name: name}))
      expect(described).toMatchObject({
        Name: name,
        Description: 'encrypted bus',
        KmsKeyIdentifier: kms,
        DeadLetterConfig: deadLetterConfig,
      })
      const plain = uniqueName('bus')
      await eb.send(new CreateEventBusCommand({Name: plain}))
      const bare = await eb.send(new DescribeEventBusCommand({Name: plain}))
      expect(bare.KmsKeyIdentifier).toBeUndefined()
      expect(bare.DeadLetterConfig).toBeUndefined()
      expect(bare.Description).toBeUndefined()
    })

    it("refuses a '/' in a custom bus name with AWS's ValidationException", async () => {
      const error = await failure(eb.send(new CreateEventBusCommand({Name: 'team/orders'})))
      expect(error.name).toBe('ValidationException')
      expect(error.message).toBe("Event bus name must not contain '/'.")
      const listed = await eb.send(new ListEventBusesCommand({NamePrefix: 'team'}))
      expect(listed.EventBuses).toEqual([])
    })

    it('refuses to delete the default bus', async () => {
      const error = await failure(eb.send(new DeleteEventBusCommand({Name: 'default'})))
      expect(error.name).toBe('ValidationException')
      expect((await eb.send(new DescribeEventBusCommand({}))).Name).toBe('default')
    })

    it('pages ListEventBuses with Limit and NextToken', async () => {
      const prefix = uniqueName('page')
      const names = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`)
      for (const Name of names) await eb.send(new CreateEventBusCommand({Name}))
      const seen: string[] = []
      let NextToken: string | undefined
      let pages = 0
      do {
        const page = await eb.send(new ListEventBusesCommand({NamePrefix: prefix, Limit: 2, NextToken}))
        expect(page.EventBuses?.length).toBeLessThanOrEqual(2)
        seen.push(...(page.EventBuses ?? []).map((b) => b.Name ?? ''))
        NextToken = page.NextToken
        pages++
      } while (NextToken)
      expect(pages).toBe(3)
      expect(seen).toEqual(names)
    })

    it('answers a missing required member with a ValidationException in AWS words', async (ctx) => {
      sandboxOnly(ctx, UNSIGNED_RAW_REQUEST)
      const res = await rawCall(sandbox, 'CreateEventBus', '{}')
      expect(res.status).toBe(400)
      expect(res.json.__type).toBe('ValidationException')
      expect(res.json.message).toBe(
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
      )
    })

    it('answers wrong-typed members and bad names with ValidationException, never a 500', async (ctx) => {
      sandboxOnly(ctx, UNSIGNED_RAW_REQUEST)
      const typed = await rawCall(sandbox, 'DescribeEventBus', '{"Name": 42}')
      expect(typed.status).toBe(400)
      expect(typed.json.__type).toBe('ValidationException')
      const bad = await failure(eb.send(new CreateEventBusCommand({Name: 'bad name!'})))
      expect(bad.name).toBe('ValidationException')
      expect(bad.message).toContain("at 'name' failed to satisfy constraint: Member must satisfy regular expression")
    })
  })

  describe('rules', () => {
    it('builds rule/<name> on the default bus and rule/<bus>/<name> on a custom bus', async () => {
      const name = uniqueName('rule')
      const onDefault = await eb.send(new PutRuleCommand({Name: name, EventPattern: PATTERN}))
      expect(onDefault.RuleArn).toBe(`arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:rule/${name}`)

      const bus = uniqueName('bus')
      await eb.send(new CreateEventBusCommand({Name: bus}))
      const onCustom = await eb.send(new PutRuleCommand({Name: name, EventPattern: PATTERN, EventBusName: bus}))
      expect(onCustom.RuleArn).toBe(`arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:rule/${bus}/${name}`)

      const described = await eb.send(new DescribeRuleCommand({Name: name, EventBusName: bus}))
      expect(described).toMatchObject({
        Name: name,
        Arn: onCustom.RuleArn,
        EventPattern: PATTERN,
        State: 'ENABLED',
        EventBusName: bus,
      })
    })

    it('updates a rule in place, keeping its targets and dropping omitted attributes', async () => {
      const name = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: name, EventPattern: PATTERN, Description: 'first', State: 'DISABLED'}))
      await eb.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [{Id: 't1', Arn: `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:q`}],
        }),
      )
      const pattern2 = JSON.stringify({source: ['momento-eb']})
      await eb.send(new PutRuleCommand({Name: name, EventPattern: pattern2}))
      const described = await eb.send(new DescribeRuleCommand({Name: name}))
      expect(described.EventPattern).toBe(pattern2)
      expect(described.Description).toBeUndefined()
      expect(described.State).toBe('ENABLED')
      const targets = await eb.send(new ListTargetsByRuleCommand({Rule: name}))
      expect(targets.Targets?.map((t) => t.Id)).toEqual(['t1'])
    })

    it('rejects an invalid pattern, a rule without pattern or schedule, and an unknown bus', async () => {
      const invalid = await failure(eb.send(new PutRuleCommand({Name: uniqueName('r'), EventPattern: '{not json'})))
      expect(invalid.name).toBe('InvalidEventPatternException')
      expect(invalid.message).toMatch(/^Event pattern is not valid\. Reason: /)
      expect(invalid.message.match(/Reason: /g)).toHaveLength(1)

      const neither = await failure(eb.send(new PutRuleCommand({Name: uniqueName('r')})))
      expect(neither.name).toBe('ValidationException')
      expect(neither.message).toBe('Parameter(s) EventPattern or ScheduleExpression must be specified.')

      const bus = uniqueName('nobus')
      const unknownBus = await failure(
        eb.send(new PutRuleCommand({Name: uniqueName('r'), EventPattern: PATTERN, EventBusName: bus})),
      )
      expect(unknownBus.name).toBe('ResourceNotFoundException')
      expect(unknownBus.message).toBe(`Event bus ${bus} does not exist.`)
    })

    it('accepts schedules on the default bus only', async () => {
      const name = uniqueName('sched')
      const out = await eb.send(new PutRuleCommand({Name: name, ScheduleExpression: 'rate(5 minutes)'}))
      expect(out.RuleArn).toContain(`:rule/${name}`)
      const bad = await failure(eb.send(new PutRuleCommand({Name: name, ScheduleExpression: 'every tuesday'})))
      expect(bad.name).toBe('ValidationException')
      const bus = uniqueName('bus')
      await eb.send(new CreateEventBusCommand({Name: bus}))
      const custom = await failure(
        eb.send(new PutRuleCommand({Name: name, ScheduleExpression: 'rate(1 hour)', EventBusName: bus})),
      )
      expect(custom.message).toBe('ScheduleExpression is supported only on the default event bus.')
    })

    it('enables and disables a rule, and reports unknown rules', async () => {
      const name = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: name, EventPattern: PATTERN}))
      await eb.send(new DisableRuleCommand({Name: name}))
      expect((await eb.send(new DescribeRuleCommand({Name: name}))).State).toBe('DISABLED')
      await eb.send(new EnableRuleCommand({Name: name}))
      expect((await eb.send(new DescribeRuleCommand({Name: name}))).State).toBe('ENABLED')

      const missing = uniqueName('missing')
      for (const command of [
        new DescribeRuleCommand({Name: missing}),
        new EnableRuleCommand({Name: missing}),
        new DisableRuleCommand({Name: missing}),
      ]) {
        const error = await failure(eb.send(command as DescribeRuleCommand))
        expect(error.name).toBe('ResourceNotFoundException')
        expect(error.message).toBe(`Rule ${missing} does not exist on EventBus default.`)
      }
    })

    it('lists the rules of one bus with NamePrefix and pages them', async () => {
      const bus = uniqueName('bus')
      await eb.send(new CreateEventBusCommand({Name: bus}))
      const names = ['a', 'b', 'c'].map((s) => `r-${s}`)
      for (const Name of names) await eb.send(new PutRuleCommand({Name, EventPattern: PATTERN, EventBusName: bus}))
      await eb.send(new PutRuleCommand({Name: 'other', EventPattern: PATTERN, EventBusName: bus}))

      const first = await eb.send(new ListRulesCommand({EventBusName: bus, NamePrefix: 'r-', Limit: 2}))
      expect(first.Rules?.map((r) => r.Name)).toEqual(['r-a', 'r-b'])
      expect(first.Rules?.[0]?.Arn).toBe(`arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:rule/${bus}/r-a`)
      expect(first.NextToken).toBeTruthy()
      const second = await eb.send(
        new ListRulesCommand({EventBusName: bus, NamePrefix: 'r-', Limit: 2, NextToken: first.NextToken}),
      )
      expect(second.Rules?.map((r) => r.Name)).toEqual(['r-c'])
      expect(second.NextToken).toBeUndefined()

      const unknown = await failure(eb.send(new ListRulesCommand({EventBusName: uniqueName('nobus')})))
      expect(unknown.name).toBe('ResourceNotFoundException')
      const badToken = await failure(eb.send(new ListRulesCommand({EventBusName: bus, NextToken: 'garbage!'})))
      expect(badToken.name).toBe('ValidationException')
    })

    it('refuses to delete a rule that has targets, Force or not (it is for managed rules); deleting a missing rule is fine', async () => {
      const name = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: name, EventPattern: PATTERN}))
      await eb.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [{Id: 't', Arn: `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:q`}],
        }),
      )
      const refused = await failure(eb.send(new DeleteRuleCommand({Name: name})))
      expect(refused.name).toBe('ValidationException')
      expect(refused.message).toBe("Rule can't be deleted since it has targets.")

      await eb.send(new RemoveTargetsCommand({Rule: name, Ids: ['t']}))
      await eb.send(new DeleteRuleCommand({Name: name}))
      expect((await failure(eb.send(new DescribeRuleCommand({Name: name})))).name).toBe('ResourceNotFoundException')
      await eb.send(new DeleteRuleCommand({Name: name}))

      const forced = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: forced, EventPattern: PATTERN}))
      await eb.send(
        new PutTargetsCommand({
          Rule: forced,
          Targets: [{Id: 't', Arn: `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:q`}],
        }),
      )
      // Force is for managed rules only ("ignored for rules that are not managed rules"): still refused.
      const forcedRefusal = await failure(eb.send(new DeleteRuleCommand({Name: forced, Force: true})))
      expect(forcedRefusal.name).toBe('ValidationException')
      expect((await eb.send(new DescribeRuleCommand({Name: forced}))).Name).toBe(forced)
    })

    it('deletes the rules of a deleted bus with it', async () => {
      const bus = uniqueName('bus')
      await eb.send(new CreateEventBusCommand({Name: bus}))
      await eb.send(new PutRuleCommand({Name: 'r', EventPattern: PATTERN, EventBusName: bus}))
      await eb.send(new DeleteEventBusCommand({Name: bus}))
      await eb.send(new CreateEventBusCommand({Name: bus}))
      const rules = await eb.send(new ListRulesCommand({EventBusName: bus}))
      expect(rules.Rules).toEqual([])
    })
  })

  describe('targets', () => {
    const destinationArn = `arn:aws:events:${CONTRACT_REGION}:${ACCOUNT}:api-destination/cache-set/2c0a2b9e-0000-4000-8000-000000000000`
    const queueArn = `arn:aws:sqs:${CONTRACT_REGION}:${ACCOUNT}:dlq`

    it('stores API destination targets with every member and lists them back', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const target = {
        Id: 'cacheSet',
        Arn: destinationArn,
        RoleArn: ROLE,
        HttpParameters: {
          PathParameterValues: ['$.detail.cacheName'],
          QueryStringParameters: {key: '$.detail.key', ttl_seconds: '$.detail.ttl'},
          HeaderParameters: {'x-extra': 'yes'},
        },
        InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
        DeadLetterConfig: {Arn: queueArn},
        RetryPolicy: {MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300},
      }
      const out = await eb.send(new PutTargetsCommand({Rule: rule, Targets: [target]}))
      expect(out).toMatchObject({FailedEntryCount: 0, FailedEntries: []})
      const listed = await eb.send(new ListTargetsByRuleCommand({Rule: rule}))
      expect(listed.Targets).toEqual([target])
    })

    it('reports per-entry failures and stores the good targets', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const out = await eb.send(
        new PutTargetsCommand({
          Rule: rule,
          Targets: [
            {Id: 'no-role', Arn: destinationArn},
            {Id: 'http-on-sqs', Arn: queueArn, HttpParameters: {PathParameterValues: ['x']}},
            {Id: 'ok', Arn: destinationArn, RoleArn: ROLE},
          ],
        }),
      )
      expect(out.FailedEntryCount).toBe(2)
      expect(out.FailedEntries?.map((e) => [e.TargetId, e.ErrorCode])).toEqual([
        ['no-role', 'ValidationException'],
        ['http-on-sqs', 'ValidationException'],
      ])
      expect(out.FailedEntries?.[0]?.ErrorMessage).toContain('RoleArn')
      const listed = await eb.send(new ListTargetsByRuleCommand({Rule: rule}))
      expect(listed.Targets?.map((t) => t.Id)).toEqual(['ok'])
    })

    it('refuses Input, InputPath and InputTransformer together', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const error = await failure(
        eb.send(
          new PutTargetsCommand({
            Rule: rule,
            Targets: [{Id: 't', Arn: queueArn, Input: '{}', InputPath: '$.detail'}],
          }),
        ),
      )
      expect(error.name).toBe('ValidationException')
      expect(error.message).toBe('Only one of Input, InputPath, or InputTransformer must be provided for target t.')
    })

    it('refuses a target Arn that is not an ARN with a ValidationException, storing nothing', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const error = await failure(
        eb.send(
          new PutTargetsCommand({
            Rule: rule,
            Targets: [
              {Id: 'good', Arn: queueArn},
              {Id: 'bucket', Arn: 'test-bucket'},
            ],
          }),
        ),
      )
      expect(error.name).toBe('ValidationException')
      expect(error.message).toBe('Parameter test-bucket is not valid. Reason: Provided Arn is not in correct format.')
      expect((await eb.send(new ListTargetsByRuleCommand({Rule: rule}))).Targets).toEqual([])
      // ARNs without region and account (S3) are ARNs all the same.
      const s3 = await eb.send(
        new PutTargetsCommand({Rule: rule, Targets: [{Id: 's3', Arn: 'arn:aws:s3:::test-bucket'}]}),
      )
      expect(s3.FailedEntryCount).toBe(0)
      // Model constraints come first and are listed in the model's words.
      const empty = await failure(eb.send(new PutTargetsCommand({Rule: rule, Targets: [{Id: 'e', Arn: ''}]})))
      expect(empty.message).toContain("at 'targets.1.member.arn' failed to satisfy constraint")
    })

    it('enforces 10 targets per call and 5 per rule with LimitExceededException', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const many = Array.from({length: 11}, (_, i) => ({Id: `t${i}`, Arn: queueArn}))
      expect((await failure(eb.send(new PutTargetsCommand({Rule: rule, Targets: many})))).name).toBe(
        'LimitExceededException',
      )
      await eb.send(new PutTargetsCommand({Rule: rule, Targets: many.slice(0, 5)}))
      // Replacing an existing Id does not count twice.
      await eb.send(new PutTargetsCommand({Rule: rule, Targets: [{Id: 't0', Arn: queueArn, Input: '{"a":1}'}]}))
      const sixth = await failure(eb.send(new PutTargetsCommand({Rule: rule, Targets: [many[5]!]})))
      expect(sixth.name).toBe('LimitExceededException')
      const listed = await eb.send(new ListTargetsByRuleCommand({Rule: rule}))
      expect(listed.Targets?.length).toBe(5)
      expect(listed.Targets?.[0]?.Input).toBe('{"a":1}')
    })

    it('pages ListTargetsByRule', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const targets = Array.from({length: 5}, (_, i) => ({Id: `t${i}`, Arn: queueArn}))
      await eb.send(new PutTargetsCommand({Rule: rule, Targets: targets}))
      const first = await eb.send(new ListTargetsByRuleCommand({Rule: rule, Limit: 3}))
      const second = await eb.send(new ListTargetsByRuleCommand({Rule: rule, Limit: 3, NextToken: first.NextToken}))
      expect([...(first.Targets ?? []), ...(second.Targets ?? [])].map((t) => t.Id)).toEqual(targets.map((t) => t.Id))
      expect(second.NextToken).toBeUndefined()
    })

    it('removes targets, reporting unknown ids per entry', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      await eb.send(new PutTargetsCommand({Rule: rule, Targets: [{Id: 'a', Arn: queueArn}]}))
      const out = await eb.send(new RemoveTargetsCommand({Rule: rule, Ids: ['a', 'nope']}))
      expect(out.FailedEntryCount).toBe(1)
      expect(out.FailedEntries?.[0]).toMatchObject({TargetId: 'nope', ErrorCode: 'ResourceNotFoundException'})
      expect((await eb.send(new ListTargetsByRuleCommand({Rule: rule}))).Targets).toEqual([])
    })

    it('reports targets of unknown rules as ResourceNotFoundException', async () => {
      const rule = uniqueName('missing')
      for (const command of [
        new PutTargetsCommand({Rule: rule, Targets: [{Id: 'a', Arn: queueArn}]}),
        new RemoveTargetsCommand({Rule: rule, Ids: ['a']}),
        new ListTargetsByRuleCommand({Rule: rule}),
      ]) {
        const error = await failure(eb.send(command as PutTargetsCommand))
        expect(error.name).toBe('ResourceNotFoundException')
      }
    })

    it('validates target members field by field', async () => {
      const rule = uniqueName('rule')
      await eb.send(new PutRuleCommand({Name: rule, EventPattern: PATTERN}))
      const error = await failure(
        eb.send(
          new PutTargetsCommand({
            Rule: rule,
            Targets: [{Id: 'bad id', Arn: queueArn, RetryPolicy: {MaximumRetryAttempts: 500}}],
          }),
        ),
      )
      expect(error.name).toBe('ValidationException')
      expect(error.message).toMatch(/^2 validation errors detected: /)
      expect(error.message).toContain("at 'targets.1.member.id' failed to satisfy constraint")
      expect(error.message).toContain(
        "Value '500' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185",
      )
    })
  })

  describe('malformed input', () => {
    const operations = [
      'CreateEventBus',
      'DeleteEventBus',
      'DescribeEventBus',
      'ListEventBuses',
      'PutRule',
      'DescribeRule',
      'ListRules',
      'DeleteRule',
      'EnableRule',
      'DisableRule',
      'PutTargets',
      'RemoveTargets',
      'ListTargetsByRule',
      'CreateConnection',
      'DescribeConnection',
      'UpdateConnection',
      'DeleteConnection',
      'ListConnections',
      'CreateApiDestination',
      'DescribeApiDestination',
      'UpdateApiDestination',
      'DeleteApiDestination',
      'ListApiDestinations',
      'TestEventPattern',
    ]
    const bodies = [
      '{"Name": {}, "Rule": [], "Targets": "x", "Ids": [null], "Limit": "5", "NextToken": 7, "AuthParameters": "k"}',
      '{"Name": "n", "Rule": "r", "Targets": [5], "Ids": [{}], "AuthorizationType": "API_KEY", "AuthParameters": {"ApiKeyAuthParameters": []}, "ConnectionArn": 1, "EventPattern": {}, "Event": []}',
      '{"Limit": 0, "EventBusName": "", "State": "ON", "Force": "yes", "InvocationRateLimitPerSecond": 0.5}',
    ]

    it('answers odd inputs with a JSON error or a result, never a 500', async (ctx) => {
      sandboxOnly(ctx, UNSIGNED_RAW_REQUEST)
      let errors = 0
      for (const operation of operations) {
        for (const body of bodies) {
          const res = await rawCall(sandbox, operation, body)
          expect({operation, body, ok: res.status === 200 || res.status === 400}).toEqual({operation, body, ok: true})
          if (res.status === 400) {
            errors++
            expect(res.json.__type).toMatch(/Exception$/)
          }
        }
      }
      // Most of these bodies are wrong for most operations.
      expect(errors).toBeGreaterThan(operations.length * 2)
    })
  })

  describe('TestEventPattern', () => {
    const event = {
      id: '1',
      account: ACCOUNT,
      source: 'momento-eb',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'cacheSet',
      detail: {cacheName: 'c'},
    }

    it('matches and misses with the rule engine', async () => {
      const hit = await eb.send(new TestEventPatternCommand({EventPattern: PATTERN, Event: JSON.stringify(event)}))
      expect(hit.Result).toBe(true)
      const miss = await eb.send(
        new TestEventPatternCommand({
          EventPattern: PATTERN,
          Event: JSON.stringify({...event, 'detail-type': 'cacheDelete'}),
        }),
      )
      expect(miss.Result).toBe(false)
    })

    it('refuses an event without the envelope fields and an invalid pattern', async () => {
      const {id: _id, ...withoutId} = event
      const noId = await failure(
        eb.send(new TestEventPatternCommand({EventPattern: PATTERN, Event: JSON.stringify(withoutId)})),
      )
      expect(noId.name).toBe('ValidationException')
      expect(noId.message).toMatch(/^Parameter Event is not valid\./)
      const notJson = await failure(eb.send(new TestEventPatternCommand({EventPattern: PATTERN, Event: 'nope'})))
      expect(notJson.name).toBe('ValidationException')
      const badPattern = await failure(
        eb.send(new TestEventPatternCommand({EventPattern: '["array"]', Event: JSON.stringify(event)})),
      )
      expect(badPattern.name).toBe('InvalidEventPatternException')
    })
  })
})
