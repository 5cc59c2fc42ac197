/**
 * Stack lifecycle end to end: the built CLI over real HTTP against an in-process sandbox with
 * CloudFormation. Create, no-op, update, status (healthy and broken), events through the deployed
 * stack (Momento and the DLQ), a failed create recovered from ROLLBACK_COMPLETE, destroy.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation'
import {DescribeConnectionCommand, DisableRuleCommand, EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {GetSecretValueCommand, SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import {SetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildStackTemplate} from '../../src/core/stack-template.js'
import {cloudFormationStore} from '../../src/sandbox/cloudformation/store.js'
import {pipelineOf} from '../../src/sandbox/pipeline/pipeline.js'
import type {RequestContext} from '../../src/sandbox/protocol/context.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import type {DeployResult} from '../../src/services/deploy.js'
import type {StackStatusReport} from '../../src/services/stack-status.js'
import {
  awsEnv,
  type CliResult,
  cleanEnv,
  collect,
  runCli,
  show,
  spawnCli,
  stdoutJson,
  tempHome,
} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

interface Items {
  items: Array<{key: string | null; value?: string}>
}

describe('deploy, status, destroy', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const stack = uniqueName('momento-api')

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  // In the test process: none of these needs a process of its own (Ctrl-C during deploy, below, spawns).
  const cli = (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> =>
    runCli(args, {env: {...env, ...extra}, timeoutMs: 60_000, inProcess: true})
  const noKeyIn = (result: CliResult) => {
    expect(result.stdout).not.toContain(sandbox.apiKey)
    expect(result.stderr).not.toContain(sandbox.apiKey)
  }
  const status = async (name = stack) => {
    const result = await cli(['status', '--sandbox', '--stack', name, '--json'])
    return {result, report: stdoutJson(result) as StackStatusReport}
  }

  it('template prints the YAML template, and JSON with --format json', async () => {
    const yaml = await cli(['template'])
    expect(yaml.code, show(yaml)).toBe(0)
    expect(yaml.stdout).toMatch(/^AWSTemplateFormatVersion: /)
    expect(yaml.stdout).toContain('Type: AWS::SQS::QueuePolicy')
    const json = await cli(['template', '--format', 'json'])
    // 10 integration resources, 4 alarms and the alarm e-mail topic and subscription (conditional),
    // and the event-bus logs part (log group, destination, 3 sources, 3 deliveries).
    expect(Object.keys((stdoutJson(json) as {Resources: object}).Resources)).toHaveLength(24)
  })

  it('creates the stack with the sandbox key and URL, and prints the outputs', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack, '--json'])
    expect(result.code, show(result)).toBe(0)
    noKeyIn(result)
    const deployed = stdoutJson(result) as DeployResult
    expect(deployed).toMatchObject({stack, action: 'create', status: 'CREATE_COMPLETE', eventBus: 'default'})
    // 10 integration resources, 4 alarms (no e-mail topic without --alarm-email) and 8 for the logs.
    expect(deployed.plan).toHaveLength(22)
    expect(deployed.plan.every((row) => row.action === 'add')).toBe(true)
    expect(Object.keys(deployed.outputs).sort()).toEqual(
      [
        'BusLogConfig',
        'BusLogGroupName',
        'BusLogPreviousConfig',
        'CacheDeleteDestinationArn',
        'CacheDeleteRuleArn',
        'CacheSetDestinationArn',
        'CacheSetRuleArn',
        'ConnectionArn',
        'DlqArn',
        'DlqUrl',
        'EventBusName',
        'MomentoBaseUrl',
        'TopicPublishDestinationArn',
        'TopicPublishRuleArn',
        'DlqMessagesAlarmName',
        'EventsLostAlarmName',
        'ThrottledRulesAlarmName',
        'FailureRatioAlarmName',
      ].sort(),
    )
    expect(deployed.outputs['MomentoBaseUrl']).toBe(sandbox.endpoint)
    // Non-TTY progress: one plain line per stack event on stderr.
    expect(result.stderr).toMatch(/CREATE_COMPLETE +DeadLetterQueuePolicy +AWS::SQS::QueuePolicy/)
    expect(result.stderr).toContain(`Plan for stack ${stack} (create): 22 to add`)
  })

  it('says "up to date" when nothing changed', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack])
    expect(result.code, show(result)).toBe(0)
    expect(result.stderr).toContain(`Stack ${stack} is up to date (CREATE_COMPLETE).`)
    expect(result.stdout).toMatch(/^DlqUrl +http:\/\//m)
    noKeyIn(result)
  })

  it('status reports a healthy stack', async () => {
    const {result, report} = await status()
    expect(result.code, show(result)).toBe(0)
    expect(report.problems).toEqual([])
    expect(report.connection?.state).toBe('AUTHORIZED')
    expect(report.destinations.map((d) => [d.kind, d.method, d.state, d.endpoint])).toEqual([
      ['cacheSet', 'PUT', 'ACTIVE', `${sandbox.endpoint}/cache/*`],
      ['cacheDelete', 'DELETE', 'ACTIVE', `${sandbox.endpoint}/cache/*`],
      ['topicPublish', 'POST', 'ACTIVE', `${sandbox.endpoint}/topics/*/*`],
    ])
    expect(report.rules.map((r) => [r.kind, r.state, r.target?.maxRetryAttempts])).toEqual([
      ['cacheSet', 'ENABLED', 12],
      ['cacheDelete', 'ENABLED', 12],
      ['topicPublish', 'ENABLED', 12],
    ])
    expect(report.dlq).toMatchObject({visible: 0, inFlight: 0, allowsRules: true})
    const plain = await cli(['status', '--sandbox', '--stack', stack])
    expect(plain.code, show(plain)).toBe(0)
    expect(plain.stdout).toContain('dlq policy   allows the rules')
    expect(plain.stderr).toContain('No problems found.')
    // The checks come first, in lines that fit 80 columns; the URLs, names and outputs after them.
    const lines = plain.stdout.split('\n')
    const firstLong = lines.findIndex((l) => /https?:\/\/|arn:aws/.test(l))
    expect(firstLong, plain.stdout).toBeGreaterThan(lines.findIndex((l) => l.startsWith('dlq policy')))
    for (const line of lines.slice(0, firstLong)) expect(line.length, line).toBeLessThanOrEqual(80)
  })

  it('topicPublish through the deployed stack: the largest message put accepts reaches the topic; 4,096 bytes exit 2', async () => {
    const matched = async () =>
      (await inspect<{counters: {matchedEvents: number}}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
        .matchedEvents
    const before = await matched()
    // The template's "<message>" adds two bytes: 4,096 would reach Momento as 4,098 and be dead-lettered.
    const refused = await cli([
      'put',
      'topicPublish',
      '--sandbox',
      '--cache',
      'orders',
      '--topic',
      'big',
      '--message',
      'x'.repeat(4096),
    ])
    expect(refused.code, show(refused)).toBe(2)
    expect(refused.stderr).toContain("2 bytes over Momento's topic message limit of 4,096 bytes")
    expect(refused.stderr).toContain('the largest message that fits is 4,094 bytes')
    await new Promise((r) => setTimeout(r, 50))
    expect(await matched()).toBe(before)

    const largest = 'y'.repeat(4094)
    const sent = await cli([
      'put',
      'topicPublish',
      '--sandbox',
      '--cache',
      'orders',
      '--topic',
      'big',
      '--message',
      largest,
    ])
    expect(sent.code, show(sent)).toBe(0)
    const topic = await until('the topic message', async () => {
      const view = await inspect<{messages: Array<{text?: string}>}>(sandbox, '/_sandbox/momento/topics/orders/big')
      return view.messages.length > 0 ? view : undefined
    })
    // Exactly what the stack's target delivers: the message in quotes, 4,096 bytes, within Momento's limit.
    expect(topic.messages.map((m) => m.text)).toEqual([`"${largest}"`])
    const {report} = await status()
    expect(report.dlq).toMatchObject({visible: 0, inFlight: 0})
  })

  it('delivers put cacheSet to Momento, and a bad event to the DLQ', async () => {
    const ok = await cli([
      'put',
      'cacheSet',
      '--sandbox',
      '--cache',
      'orders',
      '--key',
      'k1',
      '--ttl',
      '60',
      '--message',
      'hi',
    ])
    expect(ok.code, show(ok)).toBe(0)
    await until('the item in Momento', async () =>
      (await inspect<Items>(sandbox, '/_sandbox/momento/caches/orders/items')).items.find((i) => i.key === 'k1'),
    )
    const bad = await cli([
      'put',
      'cacheSet',
      '--sandbox',
      '--cache',
      'no-such-cache',
      '--key',
      'k',
      '--ttl',
      '60',
      '--message',
      'x',
    ])
    expect(bad.code, show(bad)).toBe(0)
    const report = await until('the dead letter', async () => {
      const {report} = await status()
      return report.dlq && report.dlq.visible + report.dlq.inFlight > 0 ? report : undefined
    })
    // The DLQ warning; the failure-ratio alarm may also have gone to ALARM by now (one of two
    // deliveries failed), which is a warning too. Nothing is an error.
    expect(report.problems.map((p) => p.severity).every((s) => s === 'warning')).toBe(true)
    expect(report.problems.filter((p) => /DLQ holds 1 failed events/.test(p.problem))).toHaveLength(1)
    for (const p of report.problems.filter((p) => !/DLQ holds/.test(p.problem)))
      expect(p.problem).toMatch(/^Alarm: over 5 % of deliveries failed/)
  })

  it('updates a parameter, showing the plan first', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack, '--max-retry-attempts', '3', '--json'])
    expect(result.code, show(result)).toBe(0)
    const deployed = stdoutJson(result) as DeployResult
    expect(deployed).toMatchObject({action: 'update', status: 'UPDATE_COMPLETE'})
    expect(deployed.plan.map((r) => [r.action, r.logicalId, r.replacement])).toEqual([
      ['modify', 'CacheDeleteRule', false],
      ['modify', 'CacheSetRule', false],
      ['modify', 'TopicPublishRule', false],
    ])
    expect(result.stderr).toContain('0 to add, 3 to modify, 0 to remove')
    const {report} = await status()
    expect(report.rules.map((r) => r.target?.maxRetryAttempts)).toEqual([3, 3, 3])
  })

  it('status finds a disabled rule and a DLQ without a policy, with fixes (exit 1)', async () => {
    const {report: before} = await status()
    const rule = before.rules.find((r) => r.kind === 'cacheDelete')!
    const eb = new EventBridgeClient(clientConfig(sandbox))
    const sqs = new SQSClient(clientConfig(sandbox))
    try {
      await eb.send(new DisableRuleCommand({Name: rule.name, EventBusName: rule.bus}))
      await sqs.send(new SetQueueAttributesCommand({QueueUrl: before.dlq!.url, Attributes: {Policy: ''}}))
    } finally {
      eb.destroy()
      sqs.destroy()
    }
    const {result, report} = await status()
    expect(result.code, show(result)).toBe(1)
    const problems = report.problems.filter((p) => p.severity === 'error')
    expect(problems.map((p) => p.problem)).toEqual([
      'The cacheDelete rule is DISABLED: those events are dropped.',
      'The DLQ has no queue policy, so EventBridge can’t write failed events to it: they are lost.',
    ])
    expect(problems[0]?.fix).toContain(`aws events enable-rule --name ${rule.name}`)
    expect(report.dlq?.allowsRules).toBe(false)
  })

  it('destroy needs --yes without a terminal, warns about dead letters, then deletes', async () => {
    const refused = await cli(['destroy', '--sandbox', '--stack', stack])
    expect(refused.code, show(refused)).toBe(2)
    expect(refused.stderr).toContain('--yes')
    const result = await cli(['destroy', '--sandbox', '--stack', stack, '--yes', '--json'])
    expect(result.code, show(result)).toBe(0)
    expect(result.stderr).toMatch(/DLQ still holds 1 message; they will be lost/)
    expect(stdoutJson(result)).toMatchObject({stack, status: 'DELETE_COMPLETE', dlqMessagesLost: 1})
    const gone = await cli(['status', '--sandbox', '--stack', stack])
    expect(gone.code, show(gone)).toBe(1)
    expect(gone.stderr).toContain(`Stack ${stack} doesn't exist`)
    const again = await cli(['destroy', '--sandbox', '--stack', stack, '--yes'])
    expect(again.code, show(again)).toBe(1)
    expect(again.stderr).toContain('nothing to destroy')
  })

  it('a failed create names the resource; deploy --yes recovers from ROLLBACK_COMPLETE', async () => {
    const broken = uniqueName('broken')
    // A space is not allowed in an API destination endpoint: the destination fails to create.
    const failed = await cli(['deploy', '--sandbox', '--stack', broken, '--momento-endpoint', 'http://127.0.0.1:1/a b'])
    expect(failed.code, show(failed)).toBe(1)
    expect(failed.stderr).toMatch(
      /now ROLLBACK_COMPLETE\. CacheSetDestination \(AWS::Events::ApiDestination\) failed: /,
    )
    expect(failed.stderr).toContain('momento-eb deploy --yes')
    const {result: st, report} = await status(broken)
    expect(st.code, show(st)).toBe(1)
    expect(report.problems.map((p) => p.problem)).toEqual([expect.stringMatching(/^The stack is ROLLBACK_COMPLETE/)])

    const refused = await cli(['deploy', '--sandbox', '--stack', broken])
    expect(refused.code, show(refused)).toBe(2)
    expect(refused.stderr).toContain('ROLLBACK_COMPLETE')
    expect(refused.stderr).toContain('--yes')

    const recovered = await cli(['deploy', '--sandbox', '--stack', broken, '--yes', '--json'])
    expect(recovered.code, show(recovered)).toBe(0)
    expect(stdoutJson(recovered)).toMatchObject({action: 'create', recreated: true, status: 'CREATE_COMPLETE'})
    expect(recovered.stderr).toMatch(/DELETE_COMPLETE +\S+ +AWS::CloudFormation::Stack/)
    const cleanup = await cli(['destroy', '--sandbox', '--stack', broken, '--yes'])
    expect(cleanup.code, show(cleanup)).toBe(0)
  })

  it('refuses a missing bus before creating anything (exit 1)', async () => {
    const name = uniqueName('nobus')
    const result = await cli(['deploy', '--sandbox', '--stack', name, '--event-bus', 'no-such-bus'])
    expect(result.code, show(result)).toBe(1)
    expect(result.stderr).toContain("Can't find event bus `no-such-bus`")
    const st = await cli(['status', '--sandbox', '--stack', name])
    expect(st.code).toBe(1)
  })

  it('deploys in a region outside the Momento map when an https endpoint is given', async () => {
    const name = uniqueName('af')
    const endpoint = 'https://api.cache.cell-1-af-south-1-1.example.com'
    const region = ['--sandbox', '--region', 'af-south-1', '--stack', name]
    const result = await cli(['deploy', ...region, '--momento-endpoint', endpoint, '--json'])
    expect(result.code, show(result)).toBe(0)
    const deployed = stdoutJson(result) as DeployResult
    expect(deployed).toMatchObject({action: 'create', status: 'CREATE_COMPLETE', region: 'af-south-1'})
    expect(deployed.stackId).toContain(':af-south-1:')
    expect(deployed.outputs['MomentoBaseUrl']).toBe(endpoint)
    const st = await cli(['status', ...region, '--json'])
    const report = stdoutJson(st) as StackStatusReport
    expect(report.destinations.map((d) => d.endpoint)).toEqual([
      `${endpoint}/cache/*`,
      `${endpoint}/cache/*`,
      `${endpoint}/topics/*/*`,
    ])
    const cleanup = await cli(['destroy', ...region, '--yes'])
    expect(cleanup.code, show(cleanup)).toBe(0)
  })

  it('updates a stack deployed with the old region-map template: the base URL becomes an explicit parameter', async () => {
    // The template as it was: MomentoEndpoint '' = Fn::FindInMap on AWS::Region inside an Fn::If.
    const old = buildStackTemplate() as {
      Parameters: Record<string, Record<string, unknown>>
      Resources: Record<string, {Properties: Record<string, unknown>}>
      Outputs: Record<string, {Value: unknown}>
      [section: string]: unknown
    }
    const mappedUrl = 'https://api.cache.cell-us-east-1-1.prod.a.momentohq.com'
    const viaMap = {
      'Fn::If': [
        'HasMomentoEndpoint',
        {Ref: 'MomentoEndpoint'},
        {'Fn::FindInMap': ['MomentoRegions', {Ref: 'AWS::Region'}, 'BaseUrl']},
      ],
    }
    old.Parameters['MomentoEndpoint'] = {Type: 'String', Default: ''}
    old['Mappings'] = {MomentoRegions: {'us-east-1': {BaseUrl: mappedUrl}}}
    old['Conditions'] = {
      ...(old['Conditions'] as object | undefined),
      HasMomentoEndpoint: {'Fn::Not': [{'Fn::Equals': [{Ref: 'MomentoEndpoint'}, '']}]},
    }
    for (const id of ['CacheSetDestination', 'CacheDeleteDestination', 'TopicPublishDestination']) {
      const props = old.Resources[id]!.Properties as {InvocationEndpoint: {'Fn::Join': [string, unknown[]]}}
      props.InvocationEndpoint['Fn::Join'][1][0] = viaMap
    }
    old.Outputs['MomentoBaseUrl']!.Value = viaMap
    const name = uniqueName('old')
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    try {
      await cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: JSON.stringify(old),
          Capabilities: ['CAPABILITY_IAM'],
          Parameters: [{ParameterKey: 'MomentoApiKey', ParameterValue: sandbox.apiKey}],
        }),
      )
      await until('the old stack', async () => {
        const s = (await cfn.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
        return s?.StackStatus === 'CREATE_COMPLETE' ? s : undefined
      })
      // No key, no endpoint (not the sandbox flag): deploy passes what the old map resolved.
      const update = await cli(
        ['deploy', '--stack', name, '--max-retry-attempts', '3', '--json'],
        awsEnv(sandbox.endpoint),
      )
      expect(update.code, show(update)).toBe(0)
      expect(stdoutJson(update)).toMatchObject({action: 'update', status: 'UPDATE_COMPLETE', momentoBaseUrl: mappedUrl})
      const stack = (await cfn.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
      expect(stack?.Parameters).toContainEqual({ParameterKey: 'MomentoEndpoint', ParameterValue: mappedUrl})
      const template = JSON.parse((await cfn.send(new GetTemplateCommand({StackName: name}))).TemplateBody ?? '{}')
      expect(template.Mappings).toBeUndefined()
      const {report} = await status(name)
      expect(report.destinations.map((d) => d.endpoint)).toEqual([
        `${mappedUrl}/cache/*`,
        `${mappedUrl}/cache/*`,
        `${mappedUrl}/topics/*/*`,
      ])
      noKeyIn(update)
    } finally {
      cfn.destroy()
      await cli(['destroy', '--sandbox', '--stack', name, '--yes'])
    }
  })

  it('refuses an http:// --momento-endpoint outside the sandbox before any AWS call (exit 2)', async () => {
    // AWS at an unreachable address: any AWS call would end in exit 5, not 2.
    const offline = {...awsEnv('http://127.0.0.1:9'), MOMENTO_API_KEY: sandbox.apiKey}
    const result = await cli(
      ['deploy', '--stack', uniqueName('http'), '--momento-endpoint', 'http://example.com'],
      offline,
    )
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toContain("The Momento endpoint http://example.com isn't https://")
    expect(result.stderr).toContain('--momento-endpoint https://api.cache.<cell-host>')
    expect(result.stderr).toContain('--sandbox')
    noKeyIn(result)
    // The same through MOMENTO_HTTP_ENDPOINT.
    const viaEnv = await cli(['deploy', '--stack', uniqueName('http')], {
      ...offline,
      MOMENTO_HTTP_ENDPOINT: 'http://example.com',
    })
    expect(viaEnv.code, show(viaEnv)).toBe(2)
    // With --sandbox an explicit http:// endpoint stays accepted.
    const name = uniqueName('sandbox-http')
    const ok = await cli(['deploy', '--sandbox', '--stack', name, '--momento-endpoint', sandbox.endpoint, '--json'])
    expect(ok.code, show(ok)).toBe(0)
    expect((stdoutJson(ok) as DeployResult).outputs['MomentoBaseUrl']).toBe(sandbox.endpoint)
    expect((await cli(['destroy', '--sandbox', '--stack', name, '--yes'])).code).toBe(0)
  })

  it('without a key and without a terminal, a create names MOMENTO_API_KEY and --api-key-stdin (exit 2)', async () => {
    const result = await cli(['deploy', '--stack', uniqueName('nokey')], awsEnv(sandbox.endpoint))
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toContain('MOMENTO_API_KEY')
    expect(result.stderr).toContain('--api-key-stdin')
  })

  it('a region without a Momento cell needs --momento-endpoint (exit 2); the key never shows', async () => {
    const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const v2Key = `${b64url({alg: 'HS256'})}.${b64url({t: 'g', id: 'e2e'})}.c2lnbmF0dXJlLWUyZQ`
    const result = await cli(['deploy', '--stack', uniqueName('sa')], {
      ...awsEnv(sandbox.endpoint, 'sa-east-1'),
      MOMENTO_API_KEY: v2Key,
    })
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toContain('Momento has no public cell in sa-east-1')
    expect(result.stderr).toContain('--momento-endpoint')
    expect(result.stdout + result.stderr).not.toContain(v2Key)
  })
})

describe("deploy --sandbox never takes the operator's key", () => {
  // Real-looking: a v1 Momento key (a JWT naming a cell), as an operator would have exported.
  const claims = Buffer.from(JSON.stringify({sub: 'ops@example.com', cp: 'cell-4-us-west-2-1.prod.a.momentohq.com'}))
  const REAL_KEY = `eyJhbGciOiJIUzUxMiJ9.${claims.toString('base64url')}.Zm9yLXRlc3RzLW5vdC1hLXJlYWwtc2lnbmF0dXJl`
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  /** Everything the sandbox holds, as text (Maps and Sets spelled out, cycles cut). */
  const stateText = (): string => {
    const seen = new WeakSet<object>()
    const {state} = sandbox
    // The stacks and the delivery log live in stores keyed by the state: add them by hand.
    const ctx = {state, region: state.defaultRegion} as RequestContext
    const everything = {state, regions: state.regions(), stacks: cloudFormationStore(ctx), log: pipelineOf(state).log}
    return JSON.stringify(everything, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return undefined
        seen.add(value)
        if (value instanceof Map) return Object.fromEntries(value)
        if (value instanceof Set) return [...value]
        if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
      }
      return typeof value === 'bigint' ? String(value) : value
    })
  }

  it('uses the sandbox key whatever MOMENTO_API_KEY says: the key is nowhere in the sandbox or the output, and deliveries work', async () => {
    const env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_API_KEY: REAL_KEY})
    const result = await runCli(['deploy', '--sandbox', '--stack', 'key-sweep', '--json'], {
      env,
      timeoutMs: 60_000,
      inProcess: true,
    })
    expect(result.code, show(result)).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(REAL_KEY)
    const deployed = stdoutJson(result) as DeployResult

    // The connection and its secret hold the sandbox's key.
    const events = new EventBridgeClient(clientConfig(sandbox))
    const secrets = new SecretsManagerClient(clientConfig(sandbox))
    const connectionName = deployed.outputs['ConnectionArn']?.split('/')[1]
    const connection = await events.send(new DescribeConnectionCommand({Name: connectionName}))
    expect(JSON.stringify(connection)).not.toContain(REAL_KEY)
    const secret = await secrets.send(new GetSecretValueCommand({SecretId: connection.SecretArn}))
    expect(secret.SecretString).not.toContain(REAL_KEY)
    expect(secret.SecretString).toContain(sandbox.apiKey)

    // A delivery through the stack reaches Momento (with the operator's key it would be a 401).
    const put = await runCli(
      ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'swept', '--ttl', '60', '--message', 'ok'],
      {env, timeoutMs: 30_000, inProcess: true},
    )
    expect(put.code, show(put)).toBe(0)
    await until('the item in Momento', async () =>
      (await inspect<Items>(sandbox, '/_sandbox/momento/caches/orders/items')).items.find((i) => i.key === 'swept'),
    )

    // Nothing the sandbox shows or holds carries the key.
    for (const route of [
      '/_sandbox',
      '/_sandbox/info',
      '/_sandbox/deliveries',
      '/_sandbox/momento/caches/orders/items',
      '/_sandbox/pipeline/failure-detail',
    ]) {
      const text = await (await fetch(`${sandbox.endpoint}${route}`)).text()
      expect(text, route).not.toContain(REAL_KEY)
    }
    expect(stateText()).not.toContain(REAL_KEY)
    // The dump does reach the stacks and the secrets: it holds the sandbox's own key.
    expect(stateText()).toContain('key-sweep')
    expect(stateText()).toContain(sandbox.apiKey)
    // And the operator is told.
    expect(result.stderr).toMatch(/MOMENTO_API_KEY is ignored with --sandbox: the sandbox's own key is used/)
    events.destroy()
    secrets.destroy()
  })
})

describe('Ctrl-C during deploy', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}

  beforeAll(async () => {
    // Real-ish pace (each resource step 0.25–1 s), so the deploy is still running when Ctrl-C comes.
    sandbox = await startTestSandbox({caches: ['orders'], timeScale: 5})
    home = tempHome()
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it('says CloudFormation carries on and how to follow it, exits 130, and the stack still completes', async () => {
    const stack = uniqueName('interrupted')
    const child = spawnCli(['deploy', '--sandbox', '--stack', stack], {
      env: cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
    })
    const done = collect(child, 60_000)
    let stderr = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress within 30 s:\n${stderr}`)), 30_000)
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8')
        if (stderr.includes(`Creating stack ${stack}`)) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.kill('SIGINT')
    const result = await done
    expect(result.code, show(result)).toBe(130)
    expect(result.stderr).toContain(
      `Interrupted: CloudFormation carries on with the change set (stack ${stack} is still being created); ` +
        'nothing was rolled back by momento-eb.',
    )
    expect(result.stderr).toContain(
      `Follow it with \`momento-eb status --stack ${stack} --sandbox\` (or in the CloudFormation console).`,
    )
    expect(result.stderr).toContain('code EB_DEPLOY_INTERRUPTED')
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

    // It did carry on: the stack was still being created, and finishes without momento-eb.
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    const describe = async () =>
      (await cfn.send(new DescribeStacksCommand({StackName: stack}))).Stacks?.[0]?.StackStatus
    const atInterrupt = await describe()
    expect(atInterrupt).toBe('CREATE_IN_PROGRESS')
    // The point is made (momento-eb left, CloudFormation did not): let the rest of the creation run
    // at test pace instead of 0.25–1 s a step (about 25 s of waiting otherwise). The engine reads
    // the time scale at every step.
    ;(sandbox.state.options as {timeScale: number}).timeScale = 0.01
    const final = await until(
      'the stack to finish',
      async () => {
        const status = await describe()
        return status?.endsWith('_COMPLETE') ? status : undefined
      },
      60_000,
    )
    expect(final).toBe('CREATE_COMPLETE')
    cfn.destroy()
  }, 120_000)
})
