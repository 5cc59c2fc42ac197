import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {
  DETAIL_TYPES,
  LOGICAL,
  OUTPUT,
  PARAM,
  buildStackTemplate,
  deliveredBody,
  deliveredBodyBytes,
} from '../../src/core/stack-template.js'
import {alarmsPart} from '../../src/core/stack-template-alarms.js'
import {LOGS_OUTPUTS} from '../../src/core/stack-template-logs.js'
import {renderStackTemplate} from '../../src/core/stack-template-text.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const template = buildStackTemplate() as Json
const resources = template['Resources'] as Json
const arn = (logical: string) => ({'Fn::GetAtt': [logical, 'Arn']})

describe('stack template', () => {
  it('has exactly the integration resources', () => {
    // The observability parts (logs, alarms) have their own tests (stack-template-logs.test.ts,
    // stack-template-alarms.test.ts).
    const types = Object.fromEntries(
      Object.entries(resources)
        .filter(([, r]) => !/^AWS::(Logs|CloudWatch|SNS)::/.test(r.Type))
        .map(([id, r]) => [id, r.Type]),
    )
    expect(types).toEqual({
      MomentoConnection: 'AWS::Events::Connection',
      CacheSetDestination: 'AWS::Events::ApiDestination',
      CacheDeleteDestination: 'AWS::Events::ApiDestination',
      TopicPublishDestination: 'AWS::Events::ApiDestination',
      InvokeDestinationsRole: 'AWS::IAM::Role',
      CacheSetRule: 'AWS::Events::Rule',
      CacheDeleteRule: 'AWS::Events::Rule',
      TopicPublishRule: 'AWS::Events::Rule',
      DeadLetterQueue: 'AWS::SQS::Queue',
      DeadLetterQueuePolicy: 'AWS::SQS::QueuePolicy',
    })
  })

  it('declares the key NoEcho and the documented defaults', () => {
    const p = template['Parameters'] as Json
    expect(p[PARAM.apiKey]).toMatchObject({Type: 'String', NoEcho: true})
    expect(p[PARAM.eventBus].Default).toBe('default')
    // No default: deploy always passes the base URL (there is no region map to fall back on).
    expect(p[PARAM.endpoint]).toMatchObject({Type: 'String', MinLength: 1})
    expect(p[PARAM.endpoint].Default).toBeUndefined()
    expect(p[PARAM.maxRetryAttempts]).toMatchObject({Default: 12, MinValue: 0, MaxValue: 185})
    expect(p[PARAM.maxEventAge]).toMatchObject({Default: 3600, MinValue: 60, MaxValue: 86400})
    expect(p[PARAM.rateLimit].Default).toBeLessThanOrEqual(100)
  })

  it('takes the base URL from its parameter only: no mapping lookup a region could lack', () => {
    expect(template['Mappings']).toBeUndefined()
    // Conditions exist only for the optional parts (logs on/off, default bus or not, e-mail or not),
    // never on a region.
    expect(JSON.stringify(template['Conditions'] ?? {})).not.toContain('AWS::Region')
    for (const name of Object.keys(alarmsPart().Conditions ?? {})) expect(template['Conditions']).toHaveProperty(name)
    const text = JSON.stringify(template)
    expect(text).not.toContain('Fn::FindInMap')
    // AWS::Region appears only in ARNs the logs part builds, never in what picks the Momento URL.
    expect(JSON.stringify(Object.values(LOGICAL.destination).map((id) => resources[id]))).not.toContain('AWS::Region')
    expect(template['Outputs'][OUTPUT.baseUrl].Value).toEqual({Ref: PARAM.endpoint})
    for (const type of DETAIL_TYPES) {
      expect(resources[LOGICAL.destination[type]].Properties.InvocationEndpoint['Fn::Join'][1][0]).toEqual({
        Ref: PARAM.endpoint,
      })
    }
  })

  it('sends the raw key in the Authorization header', () => {
    expect(resources[LOGICAL.connection].Properties).toMatchObject({
      AuthorizationType: 'API_KEY',
      AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: {Ref: PARAM.apiKey}}},
    })
  })

  it.each([
    ['cacheSet', 'PUT', '/cache/*'],
    ['cacheDelete', 'DELETE', '/cache/*'],
    ['topicPublish', 'POST', '/topics/*/*'],
  ] as const)('the %s destination is %s <base>%s at the rate-limit parameter', (type, method, path) => {
    const props = resources[LOGICAL.destination[type]].Properties
    expect(props.HttpMethod).toBe(method)
    expect(props.InvocationEndpoint['Fn::Join'][1][1]).toBe(path)
    expect(props.InvocationRateLimitPerSecond).toEqual({Ref: PARAM.rateLimit})
    expect(props.ConnectionArn).toEqual(arn(LOGICAL.connection))
  })

  it('routes each detail type from the bus parameter with retries, role and DLQ', () => {
    for (const type of DETAIL_TYPES) {
      const props = resources[LOGICAL.rule[type]].Properties
      expect(props.EventBusName).toEqual({Ref: PARAM.eventBus})
      expect(props.EventPattern).toEqual({'detail-type': [type]})
      expect(props.Targets).toHaveLength(1)
      expect(props.Targets[0]).toMatchObject({
        Arn: arn(LOGICAL.destination[type]),
        RoleArn: arn(LOGICAL.role),
        RetryPolicy: {
          MaximumRetryAttempts: {Ref: PARAM.maxRetryAttempts},
          MaximumEventAgeInSeconds: {Ref: PARAM.maxEventAge},
        },
        DeadLetterConfig: {Arn: arn(LOGICAL.dlq)},
      })
    }
  })

  it('maps path, query and body as docs/reference/aws-facts.md#eb-rule-target recommends', () => {
    const message = {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'}
    const set = resources[LOGICAL.rule.cacheSet].Properties.Targets[0]
    expect(set.HttpParameters).toEqual({
      PathParameterValues: ['$.detail.cacheName'],
      QueryStringParameters: {key: '$.detail.key', key_base64: '$.detail.key_base64', ttl_seconds: '$.detail.ttl'},
    })
    expect(set.InputTransformer).toEqual(message)
    const del = resources[LOGICAL.rule.cacheDelete].Properties.Targets[0]
    expect(del.HttpParameters).toEqual({
      PathParameterValues: ['$.detail.cacheName'],
      QueryStringParameters: {key: '$.detail.key', key_base64: '$.detail.key_base64'},
    })
    expect(del.InputTransformer).toBeUndefined()
    const pub = resources[LOGICAL.rule.topicPublish].Properties.Targets[0]
    expect(pub.HttpParameters).toEqual({
      PathParameterValues: ['$.detail.cacheName', '$.detail.topicName'],
      // Momento documents text/plain or application/octet-stream for publish
      // (docs/reference/aws-facts.md#eb-input-transformer).
      HeaderParameters: {'Content-Type': 'text/plain'},
    })
    expect(pub.InputTransformer).toEqual(message)
  })

  it("computes the delivered body from the targets' own input templates", () => {
    // Strings are spliced in raw: quotes added, nothing escaped
    // (docs/reference/aws-facts.md#eb-input-transformer).
    expect(deliveredBody('topicPublish', {message: 'say "hi"'})).toBe('"say "hi""')
    expect(deliveredBody('cacheSet', {message: 'héllo'})).toBe('"héllo"')
    expect(deliveredBodyBytes('topicPublish', {message: 'x'.repeat(4096)})).toBe(4098)
    expect(deliveredBodyBytes('cacheSet', {message: 'é'})).toBe(4)
    // Follows the template: what the topicPublish target declares is what is measured.
    const pub = resources[LOGICAL.rule.topicPublish].Properties.Targets[0].InputTransformer
    expect(deliveredBody('topicPublish', {message: 'M'})).toBe(pub.InputTemplate.replace('<message>', 'M'))
  })

  it('lets the role invoke only the three destinations', () => {
    const role = resources[LOGICAL.role].Properties
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'sts:AssumeRole'},
    ])
    expect(role.Policies).toHaveLength(1)
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:InvokeApiDestination',
        Resource: DETAIL_TYPES.map((t) => arn(LOGICAL.destination[t])),
      },
    ])
  })

  it('keeps dead letters 14 days and lets only the three rules write them', () => {
    expect(resources[LOGICAL.dlq].Properties).toEqual({MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true})
    const policy = resources[LOGICAL.dlqPolicy].Properties
    expect(policy.Queues).toEqual([{Ref: LOGICAL.dlq}])
    expect(policy.PolicyDocument.Statement).toHaveLength(1)
    expect(policy.PolicyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: {Service: 'events.amazonaws.com'},
      Action: 'sqs:SendMessage',
      Resource: arn(LOGICAL.dlq),
      Condition: {ArnEquals: {'aws:SourceArn': DETAIL_TYPES.map((t) => arn(LOGICAL.rule[t]))}},
    })
  })

  it('outputs everything a user needs, and never the key', () => {
    const outputs = template['Outputs'] as Json
    expect(Object.keys(outputs).sort()).toEqual(
      [
        OUTPUT.dlqUrl,
        OUTPUT.dlqArn,
        OUTPUT.eventBus,
        OUTPUT.connectionArn,
        OUTPUT.baseUrl,
        ...Object.values(OUTPUT.ruleArn),
        ...Object.values(OUTPUT.destinationArn),
        ...Object.keys(alarmsPart().Outputs ?? {}),
        ...LOGS_OUTPUTS,
      ].sort(),
    )
    expect(JSON.stringify(outputs)).not.toContain(PARAM.apiKey)
    expect(template['Metadata']).toBeUndefined()
    // The key parameter is referenced by the connection and nothing else.
    const refs = JSON.stringify(template).split(`{"Ref":"${PARAM.apiKey}"}`).length - 1
    expect(refs).toBe(1)
  })

  it('renders the same template as YAML and JSON, well under the 51,200-byte TemplateBody limit', () => {
    const yamlText = renderStackTemplate('yaml')
    const jsonText = renderStackTemplate('json')
    expect(parse(yamlText)).toEqual(JSON.parse(jsonText))
    expect(JSON.parse(jsonText)).toEqual(template)
    expect(Buffer.byteLength(yamlText)).toBeLessThan(51_200)
    expect(Buffer.byteLength(jsonText)).toBeLessThan(51_200)
  })
})
