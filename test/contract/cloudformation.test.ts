/**
 * The sandbox's CloudFormation through the real @aws-sdk/client-cloudformation (query protocol),
 * checking what stacks create with the EventBridge, SQS and Secrets Manager clients, and that a
 * freshly deployed integration stack delivers a cacheSet to Momento (docs/reference/aws-facts.md#cfn-deploy,
 * #integration-stack, #wire-protocols).
 */
import {readFileSync} from 'node:fs'

import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  type Change,
  type Parameter,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation'
import {
  CreateEventBusCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge'
import {DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import {GetQueueAttributesCommand, ListQueuesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {inspect, until} from '../helpers/integration.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  sandboxOnly,
  startContractTarget,
  uniqueName,
} from '../helpers/sandbox.js'

const INTEGRATION = readFileSync(new URL('../fixtures/cfn/momento-integration.yaml', import.meta.url), 'utf8')
const CACHE = 'orders'

let sandbox: RunningSandbox
let cfn: CloudFormationClient
let events: EventBridgeClient
let sqs: SQSClient
let secrets: SecretsManagerClient

beforeAll(async () => {
  sandbox = await startContractTarget({caches: [CACHE]})
  cfn = new CloudFormationClient(clientConfig(sandbox))
  events = new EventBridgeClient(clientConfig(sandbox))
  sqs = new SQSClient(clientConfig(sandbox))
  secrets = new SecretsManagerClient(clientConfig(sandbox))
})
afterAll(async () => {
  for (const client of [cfn, events, sqs, secrets]) client.destroy()
  await sandbox.close()
})

/** The error a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<{name: string; message: string; status: number | undefined}> {
  try {
    await call
  } catch (error) {
    const e = error as {name: string; message: string; $metadata?: {httpStatusCode?: number}}
    return {name: e.name, message: e.message, status: e.$metadata?.httpStatusCode}
  }
  throw new Error('expected the call to fail')
}

async function describeStack(nameOrId: string): Promise<Stack> {
  return (await cfn.send(new DescribeStacksCommand({StackName: nameOrId}))).Stacks?.[0] as Stack
}

/** Poll until the stack leaves every *_IN_PROGRESS status; returns it. */
async function settled(nameOrId: string): Promise<Stack> {
  return until(`stack ${nameOrId} to settle`, async () => {
    const stack = await describeStack(nameOrId)
    return /_IN_PROGRESS$/.test(stack.StackStatus ?? '') ? undefined : stack
  })
}

async function changeSetReady(id: string) {
  return until(`change set ${id}`, async () => {
    const cs = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: id}))
    return cs.Status === 'CREATE_PENDING' || cs.Status === 'CREATE_IN_PROGRESS' ? undefined : cs
  })
}

function integrationParameters(extra: Parameter[] = []): Parameter[] {
  return [
    {ParameterKey: 'MomentoApiKey', ParameterValue: sandbox.apiKey},
    {ParameterKey: 'MomentoEndpoint', ParameterValue: sandbox.endpoint},
    ...extra,
  ]
}

/** CreateChangeSet → wait → ExecuteChangeSet → wait, as `aws cloudformation deploy` does. */
async function deploy(
  stackName: string,
  options: {type?: 'CREATE' | 'UPDATE'; template?: string; parameters?: Parameter[]} = {},
): Promise<{stack: Stack; changes: Change[]}> {
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: uniqueName('cs'),
      ChangeSetType: options.type ?? 'CREATE',
      TemplateBody: options.template ?? INTEGRATION,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: options.parameters ?? integrationParameters(),
    }),
  )
  const cs = await changeSetReady(created.Id as string)
  expect(cs.Status, cs.StatusReason).toBe('CREATE_COMPLETE')
  await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))
  return {stack: await settled(stackName), changes: cs.Changes ?? []}
}

function outputs(stack: Stack): Record<string, string> {
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]))
}

async function allEvents(stackName: string): Promise<StackEvent[]> {
  const out: StackEvent[] = []
  let token: string | undefined
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({StackName: stackName, NextToken: token}))
    out.push(...(page.StackEvents ?? []))
    token = page.NextToken
  } while (token)
  return out
}

const ruleName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

describe('deploying the Momento integration stack', () => {
  const stackName = uniqueName('momento')
  let stack: Stack

  it('plans every resource as Add, masks the NoEcho key and puts the new stack in REVIEW_IN_PROGRESS', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: INTEGRATION,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: integrationParameters(),
      }),
    )
    expect(created.Id).toMatch(
      new RegExp(`^arn:aws:cloudformation:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:changeSet/first/[\\w-]+$`),
    )
    expect(created.StackId).toMatch(
      new RegExp(`^arn:aws:cloudformation:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:stack/${stackName}/`),
    )
    expect((await describeStack(stackName)).StackStatus).toBe('REVIEW_IN_PROGRESS')

    const cs = await changeSetReady(created.Id as string)
    expect(cs).toMatchObject({Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', StackName: stackName})
    expect(cs.Parameters).toContainEqual({ParameterKey: 'MomentoApiKey', ParameterValue: '****'})
    expect(cs.Parameters).toContainEqual({ParameterKey: 'RetryAttempts', ParameterValue: '2'})
    expect(cs.Capabilities).toEqual(['CAPABILITY_IAM'])
    const adds = (cs.Changes ?? []).map((c) => [c.Type, c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId])
    expect(adds).toHaveLength(10)
    expect(adds).toContainEqual(['Resource', 'Add', 'DeadLetterQueuePolicy'])

    const listed = await cfn.send(new ListChangeSetsCommand({StackName: stackName}))
    expect(listed.Summaries?.map((s) => [s.ChangeSetName, s.Status, s.ExecutionStatus])).toEqual([
      ['first', 'CREATE_COMPLETE', 'AVAILABLE'],
    ])

    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: 'first', StackName: stackName}))
    stack = await settled(stackName)
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    expect(stack.Parameters).toContainEqual({ParameterKey: 'MomentoApiKey', ParameterValue: '****'})
    expect(stack.Capabilities).toEqual(['CAPABILITY_IAM'])
    expect(stack.CreationTime).toBeInstanceOf(Date)
    const executed = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
    expect(executed.ExecutionStatus).toBe('EXECUTE_COMPLETE')
  })

  it('creates the real objects: connection and its secret, destinations, rules with retry/DLQ, queue and its policy', async () => {
    const out = outputs(stack)
    expect(out['DeadLetterQueueUrl']).toMatch(
      new RegExp(`^${sandbox.endpoint}/${CONTRACT_ACCOUNT}/${stackName}-DeadLetterQueue-`),
    )
    expect(out['MomentoEndpoint']).toBe(sandbox.endpoint)
    expect(out['RoleArn']).toMatch(new RegExp(`^arn:aws:iam::${CONTRACT_ACCOUNT}:role/.+-TargetRole-[A-Z0-9]{12}$`))
    expect(stack.Outputs?.find((o) => o.OutputKey === 'MomentoEndpoint')).toMatchObject({
      Description: 'Base URL the destinations call',
      ExportName: `${stackName}-momento-endpoint`,
    })

    const connectionName = /connection\/([^/]+)\//.exec(out['ConnectionArn'] ?? '')?.[1]
    const connection = await events.send(new DescribeConnectionCommand({Name: connectionName}))
    expect(connection).toMatchObject({ConnectionState: 'AUTHORIZED', SecretArn: out['ConnectionSecretArn']})
    const secret = await secrets.send(new GetSecretValueCommand({SecretId: out['ConnectionSecretArn']}))
    expect(JSON.parse(secret.SecretString ?? '{}')).toMatchObject({api_key_value: sandbox.apiKey})

    const rule = await events.send(new DescribeRuleCommand({Name: ruleName(out['CacheSetRuleArn'] ?? '')}))
    expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({'detail-type': ['cacheSet']})
    const targets = await events.send(new ListTargetsByRuleCommand({Rule: rule.Name}))
    expect(targets.Targets?.[0]).toMatchObject({
      Id: 'cacheSet',
      Arn: out['CacheSetDestinationArn'],
      RoleArn: out['RoleArn'],
      RetryPolicy: {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60},
      DeadLetterConfig: {Arn: out['DeadLetterQueueArn']},
      InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
      HttpParameters: {PathParameterValues: ['$.detail.cacheName']},
    })

    const attrs = await sqs.send(
      new GetQueueAttributesCommand({QueueUrl: out['DeadLetterQueueUrl'], AttributeNames: ['All']}),
    )
    expect(attrs.Attributes?.['MessageRetentionPeriod']).toBe('1209600')
    const policy = JSON.parse(attrs.Attributes?.['Policy'] ?? '{}')
    expect(policy.Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
      out['CacheSetRuleArn'],
      out['CacheDeleteRuleArn'],
      out['TopicPublishRuleArn'],
    ])
  })

  it('delivers a cacheSet through the deployed rule right away', async (ctx) => {
    sandboxOnly(ctx, 'reads the item from the Momento emulator (/_sandbox/momento)')
    const key = uniqueName('k')
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'momento-eb',
            DetailType: 'cacheSet',
            Detail: JSON.stringify({cacheName: CACHE, key, message: 'hello', ttl: 60}),
          },
        ],
      }),
    )
    expect(put.FailedEntryCount).toBe(0)
    const item = await until('the item in Momento', async () => {
      const view = await inspect<{items: {key: string | null; value?: string}[]}>(
        sandbox,
        `/_sandbox/momento/caches/${CACHE}/items`,
      )
      return view.items.find((i) => i.key === key)
    })
    expect(item.value).toBe('"hello"')
  })

  it('lists events newest first with resource and stack statuses', async () => {
    const all = await allEvents(stackName)
    const chronological = [...all].reverse()
    expect(chronological[0]).toMatchObject({LogicalResourceId: stackName, ResourceStatus: 'REVIEW_IN_PROGRESS'})
    expect(all[0]).toMatchObject({
      LogicalResourceId: stackName,
      ResourceStatus: 'CREATE_COMPLETE',
      ResourceType: 'AWS::CloudFormation::Stack',
      PhysicalResourceId: stack.StackId,
      StackId: stack.StackId,
      StackName: stackName,
    })
    const queue = chronological.filter((e) => e.LogicalResourceId === 'DeadLetterQueue')
    expect(queue.map((e) => [e.ResourceStatus, e.ResourceStatusReason])).toEqual([
      ['CREATE_IN_PROGRESS', undefined],
      ['CREATE_IN_PROGRESS', 'Resource creation Initiated'],
      ['CREATE_COMPLETE', undefined],
    ])
    expect(queue[2]?.PhysicalResourceId).toBe(outputs(stack)['DeadLetterQueueUrl'])
    expect(queue[2]?.Timestamp).toBeInstanceOf(Date)
    // Dependencies first: the policy needs the rules, the rules need the destinations and the role.
    const completed = chronological
      .filter((e) => e.ResourceStatus === 'CREATE_COMPLETE')
      .map((e) => e.LogicalResourceId)
    expect(completed.indexOf('DeadLetterQueuePolicy')).toBeGreaterThan(completed.indexOf('TopicPublishRule'))
    expect(completed.indexOf('CacheSetRule')).toBeGreaterThan(completed.indexOf('TargetRole'))
    expect(completed.indexOf('CacheSetDestination')).toBeGreaterThan(completed.indexOf('Connection'))
  })

  it('describes resources, the template and its summary', async () => {
    const resources = await cfn.send(new DescribeStackResourcesCommand({StackName: stackName}))
    expect(resources.StackResources).toHaveLength(10)
    expect(resources.StackResources?.every((r) => r.ResourceStatus === 'CREATE_COMPLETE')).toBe(true)
    const listed = await cfn.send(new ListStackResourcesCommand({StackName: stackName}))
    expect(listed.StackResourceSummaries?.find((r) => r.LogicalResourceId === 'Connection')).toMatchObject({
      ResourceType: 'AWS::Events::Connection',
      PhysicalResourceId: expect.stringMatching(/-Connection-/),
    })
    const one = await cfn.send(
      new DescribeStackResourceCommand({StackName: stackName, LogicalResourceId: 'TargetRole'}),
    )
    expect(one.StackResourceDetail).toMatchObject({ResourceType: 'AWS::IAM::Role', ResourceStatus: 'CREATE_COMPLETE'})
    expect(
      (await failure(cfn.send(new DescribeStackResourceCommand({StackName: stackName, LogicalResourceId: 'Nope'}))))
        .message,
    ).toBe(`Resource Nope does not exist for stack ${stackName}`)

    expect((await cfn.send(new GetTemplateCommand({StackName: stackName}))).TemplateBody).toBe(INTEGRATION)
    const summary = await cfn.send(new GetTemplateSummaryCommand({StackName: stackName}))
    expect(summary.Capabilities).toEqual(['CAPABILITY_IAM'])
    expect(summary.ResourceTypes).toContain('AWS::SQS::QueuePolicy')
    expect(summary.Parameters?.find((p) => p.ParameterKey === 'MomentoApiKey')).toMatchObject({
      NoEcho: true,
      ParameterType: 'String',
    })
    const validated = await cfn.send(new ValidateTemplateCommand({TemplateBody: INTEGRATION}))
    expect(validated).toMatchObject({
      Capabilities: ['CAPABILITY_IAM'],
      CapabilitiesReason: 'The following resource(s) require capabilities: [AWS::IAM::Role]',
      Description: expect.stringMatching(/^Momento cache/),
    })
    expect(validated.Parameters?.find((p) => p.ParameterKey === 'EventBusName')).toEqual({
      ParameterKey: 'EventBusName',
      DefaultValue: 'default',
      NoEcho: false,
    })
  })

  it('reports a no-op update as a FAILED change set that cannot be executed, keeping the NoEcho value with UsePreviousValue', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'noop',
        ChangeSetType: 'UPDATE',
        TemplateBody: INTEGRATION,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [
          {ParameterKey: 'MomentoApiKey', UsePreviousValue: true},
          {ParameterKey: 'MomentoEndpoint', UsePreviousValue: true},
        ],
      }),
    )
    const cs = await changeSetReady(created.Id as string)
    expect(cs).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      Changes: [],
    })
    const refused = await failure(cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id})))
    expect(refused.name).toBe('InvalidChangeSetStatusException')
    await cfn.send(new DeleteChangeSetCommand({ChangeSetName: 'noop', StackName: stackName}))
    const gone = await failure(cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id})))
    expect(gone).toMatchObject({name: 'ChangeSetNotFoundException', status: 404})
  })

  it('updates in place (Replacement False) and keeps the previous NoEcho value', async () => {
    const before = outputs(stack)
    const {stack: updated, changes} = await deploy(stackName, {
      type: 'UPDATE',
      parameters: [
        {ParameterKey: 'MomentoApiKey', UsePreviousValue: true},
        {ParameterKey: 'MomentoEndpoint', UsePreviousValue: true},
        {ParameterKey: 'RetryAttempts', ParameterValue: '5'},
      ],
    })
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE')
    expect(updated.LastUpdatedTime).toBeInstanceOf(Date)
    expect(changes.map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange?.Replacement]).sort()).toEqual([
      ['CacheDeleteRule', 'False'],
      ['CacheSetRule', 'False'],
      ['TopicPublishRule', 'False'],
    ])
    expect(changes[0]?.ResourceChange).toMatchObject({
      Action: 'Modify',
      Scope: ['Properties'],
      Details: [{Target: {Attribute: 'Properties', Name: 'Targets', RequiresRecreation: 'Never'}}],
    })
    expect(outputs(updated)).toEqual(before)
    const targets = await events.send(new ListTargetsByRuleCommand({Rule: ruleName(before['CacheSetRuleArn'] ?? '')}))
    expect(targets.Targets?.[0]?.RetryPolicy?.MaximumRetryAttempts).toBe(5)
    const secret = await secrets.send(new GetSecretValueCommand({SecretId: before['ConnectionSecretArn']}))
    expect(JSON.parse(secret.SecretString ?? '{}')).toMatchObject({api_key_value: sandbox.apiKey})
    const statuses = (await allEvents(stackName)).map((e) => e.ResourceStatus)
    expect(statuses.slice(0, 2)).toEqual(['UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])
  })

  it('replaces the rules when EventBusName changes, deleting the old ones during cleanup', async () => {
    const bus = uniqueName('bus')
    await events.send(new CreateEventBusCommand({Name: bus}))
    const before = outputs(stack)
    const {stack: updated, changes} = await deploy(stackName, {
      type: 'UPDATE',
      parameters: [
        {ParameterKey: 'MomentoApiKey', UsePreviousValue: true},
        {ParameterKey: 'MomentoEndpoint', UsePreviousValue: true},
        {ParameterKey: 'RetryAttempts', UsePreviousValue: true},
        {ParameterKey: 'EventBusName', ParameterValue: bus},
      ],
    })
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE')
    const byId = Object.fromEntries(changes.map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]))
    expect(byId['CacheSetRule']).toMatchObject({Action: 'Modify', Replacement: 'True'})
    expect(byId['CacheSetRule']?.Details).toContainEqual(
      expect.objectContaining({Target: expect.objectContaining({Name: 'EventBusName', RequiresRecreation: 'Always'})}),
    )
    expect(byId['DeadLetterQueuePolicy']).toMatchObject({Action: 'Modify', Replacement: 'False'})
    const after = outputs(updated)
    expect(after['CacheSetRuleArn']).toMatch(new RegExp(`:rule/${bus}/`))
    const resource = await cfn.send(
      new DescribeStackResourceCommand({StackName: stackName, LogicalResourceId: 'CacheSetRule'}),
    )
    expect(resource.StackResourceDetail?.PhysicalResourceId).toBe(`${bus}|${ruleName(after['CacheSetRuleArn'] ?? '')}`)
    const old = await failure(events.send(new DescribeRuleCommand({Name: ruleName(before['CacheSetRuleArn'] ?? '')})))
    expect(old.name).toBe('ResourceNotFoundException')
    const policy = await sqs.send(
      new GetQueueAttributesCommand({QueueUrl: after['DeadLetterQueueUrl'], AttributeNames: ['Policy']}),
    )
    expect(
      JSON.parse(policy.Attributes?.['Policy'] ?? '{}').Statement[0].Condition.ArnEquals['aws:SourceArn'],
    ).toContain(after['CacheSetRuleArn'])
    const cleanup = (await allEvents(stackName)).filter((e) => e.LogicalResourceId === 'CacheSetRule').slice(0, 4)
    expect(cleanup.map((e) => e.ResourceStatus)).toEqual([
      'DELETE_COMPLETE',
      'DELETE_IN_PROGRESS',
      'UPDATE_COMPLETE',
      'UPDATE_IN_PROGRESS',
    ])
    stack = updated
  })

  it('rolls an update back when a resource fails, restoring the previous properties', async () => {
    const before = outputs(stack)
    const template = INTEGRATION.replace('MessageRetentionPeriod: 1209600', 'MessageRetentionPeriod: 86400').replace(
      'Outputs:',
      '  Broken:\n    Type: AWS::Events::Rule\n    Properties:\n      EventBusName: no-such-bus\n      EventPattern: {source: [x]}\n\nOutputs:',
    )
    const {stack: rolledBack} = await deploy(stackName, {
      type: 'UPDATE',
      template,
      parameters: [
        {ParameterKey: 'MomentoApiKey', UsePreviousValue: true},
        {ParameterKey: 'MomentoEndpoint', UsePreviousValue: true},
        {ParameterKey: 'EventBusName', UsePreviousValue: true},
      ],
    })
    expect(rolledBack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    const failed = (await allEvents(stackName)).find((e) => e.ResourceStatus === 'CREATE_FAILED')
    expect(failed).toMatchObject({LogicalResourceId: 'Broken'})
    expect(failed?.ResourceStatusReason).toContain('Event bus no-such-bus does not exist.')
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: before['DeadLetterQueueUrl'],
        AttributeNames: ['MessageRetentionPeriod'],
      }),
    )
    expect(attrs.Attributes?.['MessageRetentionPeriod']).toBe('1209600')
    expect(outputs(rolledBack)).toEqual(before)
    expect((await cfn.send(new GetTemplateCommand({StackName: stackName}))).TemplateBody).toBe(INTEGRATION)
    const resources = await cfn.send(new DescribeStackResourcesCommand({StackName: stackName}))
    expect(resources.StackResources?.map((r) => r.LogicalResourceId)).not.toContain('Broken')
  })

  it('deletes the stack and every resource; the stack stays visible by StackId only', async () => {
    const out = outputs(stack)
    await cfn.send(new DeleteStackCommand({StackName: stackName}))
    const gone = await until('the stack to be deleted', async () => {
      const error = await failure(describeStack(stackName)).catch(() => undefined)
      return error
    })
    expect(gone).toMatchObject({name: 'ValidationError', message: `Stack with id ${stackName} does not exist`})
    const byId = await describeStack(stack.StackId as string)
    expect(byId.StackStatus).toBe('DELETE_COMPLETE')
    expect(byId.DeletionTime).toBeInstanceOf(Date)
    const queues = await sqs.send(new ListQueuesCommand({QueueNamePrefix: stackName}))
    expect(queues.QueueUrls ?? []).toEqual([])
    expect((await failure(secrets.send(new DescribeSecretCommand({SecretId: out['ConnectionSecretArn']})))).name).toBe(
      'ResourceNotFoundException',
    )
    const deleted = await cfn.send(new ListStacksCommand({StackStatusFilter: ['DELETE_COMPLETE']}))
    expect(deleted.StackSummaries?.map((s) => s.StackId)).toContain(stack.StackId)
  })
})

describe('errors and recovery', () => {
  it('names a missing stack exactly as `aws cloudformation deploy` expects; deleting one succeeds', async () => {
    const error = await failure(describeStack('no-such-stack'))
    expect(error).toEqual({name: 'ValidationError', message: 'Stack with id no-such-stack does not exist', status: 400})
    await cfn.send(new DeleteStackCommand({StackName: 'no-such-stack'}))
  })

  it('requires CAPABILITY_IAM for the role, and values for parameters without defaults', async () => {
    const base = {
      StackName: uniqueName('caps'),
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE' as const,
      TemplateBody: INTEGRATION,
    }
    const caps = await failure(cfn.send(new CreateChangeSetCommand({...base, Parameters: integrationParameters()})))
    expect(caps).toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    })
    const missing = await failure(cfn.send(new CreateChangeSetCommand({...base, Capabilities: ['CAPABILITY_IAM']})))
    expect(missing).toMatchObject({name: 'ValidationError', message: 'Parameters: [MomentoApiKey] must have values'})
    const previous = await failure(
      cfn.send(
        new CreateChangeSetCommand({
          ...base,
          Capabilities: ['CAPABILITY_IAM'],
          Parameters: [{ParameterKey: 'MomentoApiKey', UsePreviousValue: true}],
        }),
      ),
    )
    expect(previous.message).toMatch(/Cannot specify usePreviousValue as true for non-existent stack/)
    expect((await failure(describeStack(base.StackName))).name).toBe('ValidationError')
  })

  it('rejects malformed templates with Template format error', async () => {
    const attempt = (TemplateBody: string) =>
      failure(
        cfn.send(
          new CreateChangeSetCommand({
            StackName: uniqueName('bad'),
            ChangeSetName: 'c',
            ChangeSetType: 'CREATE',
            TemplateBody,
          }),
        ),
      )
    expect((await attempt('Resources: [oops')).message).toMatch(/^Template format error: YAML not well-formed/)
    expect(
      (await attempt('Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: {"Fn::Nope": x}}}')).message,
    ).toBe('Template format error: Unrecognized function Fn::Nope')
    expect(
      (await attempt('Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: !Ref Missing}}')).message,
    ).toBe('Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template')
    expect(
      (
        await attempt(
          'Resources:\n  A: {Type: AWS::SQS::Queue, DependsOn: B}\n  B: {Type: AWS::SQS::Queue, DependsOn: A}',
        )
      ).message,
    ).toBe('Template format error: Circular dependency between resources: [A, B]')
    expect((await attempt('x'.repeat(51_201))).message).toMatch(/Member must have length less than or equal to 51200/)
  })

  it('refuses YAML aliases as CloudFormation does: an alias bomb answers within 1 s, a self-referencing alias is no 500', async () => {
    const lol = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(`*${of}`).join(',')}]`
    // 342 bytes that expand to 9^7 (4.8 million) strings when aliases are followed.
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      lol('b', 'a'),
      lol('c', 'b'),
      lol('d', 'c'),
      lol('e', 'd'),
      lol('f', 'e'),
      lol('g', 'f'),
      'Resources: {Q: {Type: AWS::SQS::Queue, Metadata: {x: *g}}}',
    ].join('\n')
    const attempts = [
      (TemplateBody: string) =>
        cfn.send(
          new CreateChangeSetCommand({
            StackName: uniqueName('bomb'),
            ChangeSetName: 'c',
            ChangeSetType: 'CREATE',
            TemplateBody,
          }),
        ),
      (TemplateBody: string) => cfn.send(new ValidateTemplateCommand({TemplateBody})),
      (TemplateBody: string) => cfn.send(new CreateStackCommand({StackName: uniqueName('bomb'), TemplateBody})),
    ]
    for (const attempt of attempts) {
      const started = Date.now()
      const error = await failure(attempt(bomb))
      // Refused before any expansion (which takes far longer, or never ends): a bound with room for
      // a loaded machine running three test files at a time.
      expect(Date.now() - started).toBeLessThan(3000)
      expect(error).toEqual({
        name: 'ValidationError',
        message: 'Template error: YAML aliases are not allowed in CloudFormation templates',
        status: 400,
      })
      const recursive = await failure(attempt('Metadata: &m {self: *m}\nResources: {Q: {Type: AWS::SQS::Queue}}'))
      expect(recursive).toMatchObject({name: 'ValidationError', status: 400})
      expect(recursive.message).toMatch(/YAML aliases are not allowed/)
    }
    // Even a lone, harmless alias (CloudFormation has no alias support at all).
    const single = await failure(
      cfn.send(
        new ValidateTemplateCommand({
          TemplateBody: 'Resources:\n  Q: &q {Type: AWS::SQS::Queue}\n  R: *q',
        }),
      ),
    )
    expect(single.name).toBe('ValidationError')
    // Still well under 1 s idle (3 s bound under load) with the bomb's lines repeated up to the size limit.
    const padded = `${bomb}\n${'# pad\n'.repeat(Math.floor((51_200 - bomb.length - 1) / 6))}`
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(51_200)
    const started = Date.now()
    expect((await failure(cfn.send(new ValidateTemplateCommand({TemplateBody: padded})))).name).toBe('ValidationError')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('answers an oversized or absurdly nested body with a ValidationError, never a 500 or a crash', async () => {
    const validate = (TemplateBody: string) => failure(cfn.send(new ValidateTemplateCommand({TemplateBody})))
    const oversized = await validate(`Resources: {Q: {Type: AWS::SQS::Queue}}\n# ${'x'.repeat(51_200)}`)
    expect(oversized).toMatchObject({name: 'ValidationError', status: 400})
    expect(oversized.message).toMatch(
      /^1 validation error detected: Value .*at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200$/s,
    )
    // 25,000 nested flow sequences: the YAML parser alone would exhaust the sandbox's memory.
    const deepYaml = await validate(`Resources: ${'['.repeat(25_000)}${']'.repeat(25_000)}`)
    expect(deepYaml).toMatchObject({name: 'ValidationError', status: 400})
    expect(deepYaml.message).toMatch(/^Template format error: /)
    const deepJson = await validate(`{"Resources": ${'['.repeat(25_000)}${']'.repeat(25_000)}}`)
    expect(deepJson).toMatchObject({name: 'ValidationError', status: 400})
    // The sandbox is still there.
    const ok = await cfn.send(new ValidateTemplateCommand({TemplateBody: 'Resources: {Q: {Type: AWS::SQS::Queue}}'}))
    expect(ok.Parameters).toEqual([])
  })

  it('refuses a FindInMap on a key the mapping lacks, even in an Fn::If branch not taken (ValidationError)', async () => {
    // The shape of our old template: the map is consulted only when no endpoint is given (#271).
    const template = [
      'Parameters:',
      "  Endpoint: {Type: String, Default: ''}",
      'Mappings:',
      '  Regions:',
      '    us-east-1: {BaseUrl: https://api.cache.example}',
      'Conditions:',
      "  HasEndpoint: !Not [!Equals [!Ref Endpoint, '']]",
      'Resources:',
      '  Q:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      Tags:',
      "        - {Key: base, Value: !If [HasEndpoint, !Ref Endpoint, !FindInMap [Regions, !Ref 'AWS::Region', BaseUrl]]}",
    ].join('\n')
    const outside = new CloudFormationClient(clientConfig(sandbox, 'af-south-1'))
    try {
      const stackName = uniqueName('unmapped')
      const parameters = [{ParameterKey: 'Endpoint', ParameterValue: 'https://api.cache.given'}]
      const changeSet = await failure(
        outside.send(
          new CreateChangeSetCommand({
            StackName: stackName,
            ChangeSetName: 'c',
            ChangeSetType: 'CREATE',
            TemplateBody: template,
            Parameters: parameters,
          }),
        ),
      )
      expect(changeSet).toEqual({
        name: 'ValidationError',
        message: 'Template error: Unable to get mapping for Regions::af-south-1::BaseUrl',
        status: 400,
      })
      // Refused by the call itself: no stack (not even REVIEW_IN_PROGRESS) is left behind.
      expect((await failure(outside.send(new DescribeStacksCommand({StackName: stackName})))).message).toBe(
        `Stack with id ${stackName} does not exist`,
      )
      const stack = await failure(
        outside.send(new CreateStackCommand({StackName: stackName, TemplateBody: template, Parameters: parameters})),
      )
      expect(stack).toMatchObject({name: 'ValidationError', message: changeSet.message})
      // The same template deploys in a region the map has.
      const mapped = uniqueName('mapped')
      await cfn.send(new CreateStackCommand({StackName: mapped, TemplateBody: template, Parameters: parameters}))
      await until('the mapped stack', async () => {
        const s = await describeStack(mapped)
        return s.StackStatus === 'CREATE_COMPLETE' ? s : undefined
      })
      await cfn.send(new DeleteStackCommand({StackName: mapped}))
    } finally {
      outside.destroy()
    }
  })

  it('fails the resource, rolls the create back, refuses updates in ROLLBACK_COMPLETE, and recovers by delete + create', async () => {
    const stackName = uniqueName('rollback')
    const template = `
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Rule:
    Type: AWS::Events::Rule
    DependsOn: Queue
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {source: [x]}
Parameters:
  Bus: {Type: String, Default: missing-bus}
`
    const {stack} = await deploy(stackName, {template, parameters: []})
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toBe(
      'The following resource(s) failed to create: [Rule]. Rollback requested by user.',
    )
    const chronological = (await allEvents(stackName))
      .reverse()
      .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)
    expect(chronological.slice(-7)).toEqual([
      'Rule CREATE_IN_PROGRESS',
      'Rule CREATE_FAILED',
      `${stackName} ROLLBACK_IN_PROGRESS`,
      'Rule DELETE_COMPLETE',
      'Queue DELETE_IN_PROGRESS',
      'Queue DELETE_COMPLETE',
      `${stackName} ROLLBACK_COMPLETE`,
    ])
    const reason = (await allEvents(stackName)).find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason
    expect(reason).toContain('Event bus missing-bus does not exist.')
    expect((await sqs.send(new ListQueuesCommand({QueueNamePrefix: stackName}))).QueueUrls ?? []).toEqual([])

    const update = await failure(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: stackName,
          ChangeSetName: 'u',
          ChangeSetType: 'UPDATE',
          TemplateBody: template,
        }),
      ),
    )
    expect(update).toMatchObject({
      name: 'ValidationError',
      message: `Stack:${stack.StackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    })
    const again = await failure(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: stackName,
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: template,
        }),
      ),
    )
    expect(again.message).toMatch(/already exists/)

    await cfn.send(new DeleteStackCommand({StackName: stackName}))
    await until('the failed stack to go', () => failure(describeStack(stackName)).catch(() => undefined))
    const bus = uniqueName('bus')
    await events.send(new CreateEventBusCommand({Name: bus}))
    const {stack: recreated} = await deploy(stackName, {
      template,
      parameters: [{ParameterKey: 'Bus', ParameterValue: bus}],
    })
    expect(recreated.StackStatus).toBe('CREATE_COMPLETE')
    expect(recreated.StackId).not.toBe(stack.StackId)
  })

  it('fails an unsupported resource type with a clear reason', async () => {
    const stackName = uniqueName('unsupported')
    const {stack} = await deploy(stackName, {
      template: 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Handler: x}\n',
      parameters: [],
    })
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE')
    const failed = (await allEvents(stackName)).find((e) => e.ResourceStatus === 'CREATE_FAILED')
    expect(failed?.ResourceStatusReason).toBe(
      'Resource type AWS::Lambda::Function is not supported by the momento-eb sandbox',
    )
  })

  it('CreateStack and UpdateStack work directly; a no-op UpdateStack says so', async () => {
    const stackName = uniqueName('direct')
    const template = JSON.stringify({
      Parameters: {Visibility: {Type: 'Number', Default: 30}},
      Resources: {Queue: {Type: 'AWS::SQS::Queue', Properties: {VisibilityTimeout: {Ref: 'Visibility'}}}},
      Outputs: {Url: {Value: {Ref: 'Queue'}}, Name: {Value: {'Fn::GetAtt': ['Queue', 'QueueName']}}},
    })
    const created = await cfn.send(new CreateStackCommand({StackName: stackName, TemplateBody: template}))
    expect(created.StackId).toMatch(/:stack\//)
    const stack = await settled(stackName)
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const url = outputs(stack)['Url'] as string
    expect(url.endsWith(`/${outputs(stack)['Name']}`)).toBe(true)
    const dup = await failure(cfn.send(new CreateStackCommand({StackName: stackName, TemplateBody: template})))
    expect(dup.name).toBe('AlreadyExistsException')
    const noop = await failure(cfn.send(new UpdateStackCommand({StackName: stackName, TemplateBody: template})))
    expect(noop).toMatchObject({name: 'ValidationError', message: 'No updates are to be performed.'})
    await cfn.send(
      new UpdateStackCommand({
        StackName: stackName,
        UsePreviousTemplate: true,
        Parameters: [{ParameterKey: 'Visibility', ParameterValue: '90'}],
      }),
    )
    expect((await settled(stackName)).StackStatus).toBe('UPDATE_COMPLETE')
    const attrs = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['VisibilityTimeout']}))
    expect(attrs.Attributes?.['VisibilityTimeout']).toBe('90')
  })

  it('pages DescribeStackEvents with NextToken', async () => {
    const stackName = uniqueName('many')
    const resources = Object.fromEntries(
      Array.from({length: 40}, (_, i) => [
        `Role${i}`,
        {Type: 'AWS::IAM::Role', Properties: {AssumeRolePolicyDocument: {}}},
      ]),
    )
    const {stack} = await deploy(stackName, {template: JSON.stringify({Resources: resources}), parameters: []})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const first = await cfn.send(new DescribeStackEventsCommand({StackName: stackName}))
    expect(first.StackEvents).toHaveLength(100)
    expect(first.NextToken).toBeTruthy()
    const all = await allEvents(stackName)
    expect(all).toHaveLength(3 * 40 + 3)
    expect(new Set(all.map((e) => e.EventId)).size).toBe(all.length)
  })
})
