/**
 * The deploy service against an in-memory CloudFormation: create, update, no-op, REVIEW_IN_PROGRESS,
 * ROLLBACK_COMPLETE recovery, waiting for a running stack, confirmations and failures.
 */
import {describe, expect, it} from 'vitest'

import {NotFoundError, UsageError} from '../../src/core/errors.js'
import type {
  ChangeSetInfo,
  CloudFormationPort,
  ParameterInput,
  ResourceChange,
  StackEvent,
  StackInfo,
} from '../../src/core/stack-plan.js'
import {DeployCancelledError, deployStack, type DeployCallbacks} from '../../src/services/deploy.js'

interface FakeStack {
  info: StackInfo
  events: StackEvent[]
  /** Statuses the stack walks through, one per describe, after an execute or delete. */
  script: string[]
}

class FakeCfn implements CloudFormationPort {
  stacks = new Map<string, FakeStack>()
  changeSets = new Map<string, ChangeSetInfo & {stack: string; type: string; parameters: readonly ParameterInput[]}>()
  calls: string[] = []
  nextChanges: ResourceChange[] = [{action: 'Add', logicalId: 'DeadLetterQueue', resourceType: 'AWS::SQS::Queue'}]
  nextChangeSetStatus: {status: string; reason?: string} = {status: 'CREATE_COMPLETE'}
  /** Statuses an executed change set leads to. */
  executeScript: string[] = []
  failEvent: StackEvent | undefined
  private seq = 0

  put(
    name: string,
    status: string,
    parameters: Record<string, string> = {},
    outputs: Record<string, string> = {},
  ): FakeStack {
    const stack: FakeStack = {
      info: {name, id: `arn:stack/${name}/1`, status, parameters, outputs: {DlqUrl: 'http://q', ...outputs}},
      events: [this.event(name, 'AWS::CloudFormation::Stack', status)],
      script: [],
    }
    this.stacks.set(name, stack)
    return stack
  }

  event(logicalId: string, resourceType: string, status: string, reason?: string): StackEvent {
    this.seq += 1
    return {id: `e${this.seq}`, timestamp: new Date(this.seq * 1000), logicalId, resourceType, status, reason}
  }

  private find(nameOrId: string): FakeStack | undefined {
    return [...this.stacks.values()].find((s) => s.info.name === nameOrId || s.info.id === nameOrId)
  }

  async describeStack(nameOrId: string) {
    this.calls.push(`describe ${nameOrId}`)
    const stack = this.find(nameOrId)
    if (!stack) return undefined
    const next = stack.script.shift()
    if (next) {
      stack.info = {...stack.info, status: next}
      stack.events.unshift(
        next === 'CREATE_FAILED' || next === 'ROLLBACK_IN_PROGRESS'
          ? (this.failEvent ?? this.event(stack.info.name, 'AWS::CloudFormation::Stack', next))
          : this.event(stack.info.name, 'AWS::CloudFormation::Stack', next),
      )
      if (next === 'DELETE_COMPLETE') this.stacks.delete(stack.info.name)
    }
    return stack.info
  }

  async createChangeSet(input: {stackName: string; type: 'CREATE' | 'UPDATE'; parameters: readonly ParameterInput[]}) {
    this.calls.push(`createChangeSet ${input.type}`)
    let stack = this.find(input.stackName)
    if (input.type === 'CREATE' && !stack) stack = this.put(input.stackName, 'REVIEW_IN_PROGRESS')
    const id = `cs-${this.changeSets.size + 1}`
    this.changeSets.set(id, {
      id,
      stack: input.stackName,
      type: input.type,
      parameters: input.parameters,
      status: this.nextChangeSetStatus.status,
      statusReason: this.nextChangeSetStatus.reason,
      changes: this.nextChanges,
    })
    return {id, stackId: stack!.info.id}
  }

  async describeChangeSet(id: string) {
    return this.changeSets.get(id)!
  }

  async executeChangeSet(id: string) {
    this.calls.push(`execute ${id}`)
    const cs = this.changeSets.get(id)!
    const stack = this.find(cs.stack)!
    stack.script = [...this.executeScript]
  }

  async deleteChangeSet(id: string) {
    this.calls.push(`deleteChangeSet ${id}`)
    this.changeSets.delete(id)
  }

  async stackEvents(nameOrId: string, stop: (e: StackEvent) => boolean) {
    const events = this.find(nameOrId)?.events ?? []
    // Two events a page, to exercise paging.
    const out: StackEvent[] = []
    for (let i = 0; i < events.length; i += 2) {
      const page = events.slice(i, i + 2)
      out.push(...page)
      if (page.some(stop)) break
    }
    return out
  }

  async deleteStack(nameOrId: string) {
    this.calls.push(`deleteStack ${nameOrId}`)
    const stack = this.find(nameOrId)!
    stack.script = ['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']
  }
}

function harness(cfn: FakeCfn, overrides: Partial<DeployCallbacks> = {}) {
  const notices: string[] = []
  const events: StackEvent[] = []
  let clock = Date.parse('2026-06-01T00:00:00Z')
  const ports = {
    cfn,
    describeEventBus: async (name: string) => {
      if (name === 'missing') throw new NotFoundError(`Can't find event bus \`${name}\``)
      return {arn: `arn:aws:events:us-east-1:000000000000:event-bus/${name}`, region: 'us-east-1'}
    },
    sleep: async (ms: number) => {
      clock += ms
    },
    now: () => new Date(clock),
  }
  const callbacks: DeployCallbacks = {
    onNotice: (m) => notices.push(m),
    onEvent: (e) => events.push(e),
    requestApiKey: async () => {
      throw new UsageError('no key')
    },
    confirmRecreate: async () => true,
    confirmDestructivePlan: async () => true,
    ...overrides,
  }
  return {ports, callbacks, notices, events}
}

const base = {stackName: 'momento-api', templateBody: '{}', apiKey: 'the-key-123456'}
const US_EAST_1 = 'https://api.cache.cell-us-east-1-1.prod.a.momentohq.com'

describe('deployStack', () => {
  it('creates a missing stack and streams only its new events', async () => {
    const cfn = new FakeCfn()
    cfn.executeScript = ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']
    const {ports, callbacks, events} = harness(cfn)
    const result = await deployStack(base, ports, callbacks)
    expect(result).toMatchObject({action: 'create', status: 'CREATE_COMPLETE', recreated: false, eventBus: 'default'})
    expect(result.plan).toEqual([
      {action: 'add', logicalId: 'DeadLetterQueue', resourceType: 'AWS::SQS::Queue', replacement: false},
    ])
    expect(events.map((e) => e.status)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'])
    const cs = [...cfn.changeSets.values()][0]!
    expect(cs.type).toBe('CREATE')
    expect(cs.parameters).toEqual([
      {key: 'MomentoApiKey', value: 'the-key-123456'},
      {key: 'EventBusName', value: 'default'},
      // Always explicit: the template has no region map.
      {key: 'MomentoEndpoint', value: US_EAST_1},
    ])
  })

  it('creates again over REVIEW_IN_PROGRESS (CREATE change set, no UsePreviousValue)', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'REVIEW_IN_PROGRESS', {MomentoApiKey: '****'})
    cfn.executeScript = ['CREATE_COMPLETE']
    const {ports, callbacks} = harness(cfn)
    const result = await deployStack({...base, apiKey: undefined}, ports, {
      ...callbacks,
      requestApiKey: async () => 'prompted-key-123',
    })
    expect(result.action).toBe('create')
    const cs = [...cfn.changeSets.values()][0]!
    expect(cs.type).toBe('CREATE')
    expect(cs.parameters.some((p) => 'usePrevious' in p)).toBe(false)
    expect(cs.parameters[0]).toEqual({key: 'MomentoApiKey', value: 'prompted-key-123'})
  })

  it('updates with UsePreviousValue for the key and bus when none are given', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'CREATE_COMPLETE', {
      MomentoApiKey: '****',
      EventBusName: 'orders',
      MomentoEndpoint: US_EAST_1,
    })
    cfn.executeScript = ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']
    const seenBuses: string[] = []
    const {ports, callbacks} = harness(cfn)
    const result = await deployStack(
      {...base, apiKey: undefined, maxRetryAttempts: 3},
      {...ports, describeEventBus: async (n) => (seenBuses.push(n), {arn: 'arn', region: 'us-east-1'})},
      callbacks,
    )
    expect(result).toMatchObject({action: 'update', status: 'UPDATE_COMPLETE', eventBus: 'orders'})
    expect(seenBuses).toEqual(['orders'])
    expect([...cfn.changeSets.values()][0]!.parameters).toEqual([
      {key: 'MomentoApiKey', usePrevious: true},
      {key: 'EventBusName', usePrevious: true},
      // The deployed URL, passed explicitly (the template has no default to fall back on).
      {key: 'MomentoEndpoint', value: US_EAST_1},
      {key: 'MaxRetryAttempts', value: '3'},
    ])
  })

  it('keeps the deployed endpoint when a new key names no cell (v2), even in a region without one', async () => {
    const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const v2Key = `${b64url({alg: 'HS256'})}.${b64url({t: 'g'})}.c2ln`
    const cfn = new FakeCfn()
    const own = 'https://api.cache.cell-9-sa-east-1-1.example.com'
    cfn.put('momento-api', 'UPDATE_COMPLETE', {MomentoApiKey: '****', MomentoEndpoint: own})
    cfn.executeScript = ['UPDATE_COMPLETE']
    const {ports, callbacks} = harness(cfn)
    const inSaEast = {...ports, describeEventBus: async () => ({arn: 'arn', region: 'sa-east-1'})}
    const result = await deployStack({...base, apiKey: v2Key}, inSaEast, callbacks)
    expect(result.momentoBaseUrl).toBe(own)
    expect([...cfn.changeSets.values()][0]!.parameters).toContainEqual({key: 'MomentoEndpoint', value: own})
  })

  it('gives a stack deployed with the old template (MomentoEndpoint empty) the URL its map resolved', async () => {
    const cfn = new FakeCfn()
    const resolved = 'https://api.cache.cell-1-eu-west-1-1.prod.a.momentohq.com'
    cfn.put('momento-api', 'UPDATE_COMPLETE', {MomentoApiKey: '****', MomentoEndpoint: ''}, {MomentoBaseUrl: resolved})
    cfn.executeScript = ['UPDATE_COMPLETE']
    const {ports, callbacks} = harness(cfn)
    await deployStack({...base, apiKey: undefined}, ports, callbacks)
    expect([...cfn.changeSets.values()][0]!.parameters).toContainEqual({key: 'MomentoEndpoint', value: resolved})
    // Without that output, the region table.
    const bare = new FakeCfn()
    bare.put('momento-api', 'UPDATE_COMPLETE', {MomentoApiKey: '****', MomentoEndpoint: ''})
    bare.executeScript = ['UPDATE_COMPLETE']
    const second = harness(bare)
    await deployStack({...base, apiKey: undefined}, second.ports, second.callbacks)
    expect([...bare.changeSets.values()][0]!.parameters).toContainEqual({key: 'MomentoEndpoint', value: US_EAST_1})
  })

  it('refuses an http:// Momento endpoint before any AWS call (exit 2), except for the sandbox', async () => {
    const cfn = new FakeCfn()
    let busChecked = false
    const {ports, callbacks} = harness(cfn)
    const watched = {...ports, describeEventBus: async (n: string) => ((busChecked = true), ports.describeEventBus(n))}
    const error = await deployStack({...base, momentoEndpoint: 'http://example.com'}, watched, callbacks).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({exitCode: 2, code: 'EB_ENDPOINT_NOT_HTTPS'})
    expect((error as Error).message).toContain('https://')
    expect((error as {hints: string[]}).hints.join(' ')).toContain('--sandbox')
    expect(cfn.calls).toEqual([])
    expect(busChecked).toBe(false)
    cfn.executeScript = ['CREATE_COMPLETE']
    const ok = await deployStack({...base, momentoEndpoint: 'http://127.0.0.1:4566', sandbox: true}, ports, callbacks)
    expect(ok.momentoBaseUrl).toBe('http://127.0.0.1:4566')
  })

  it('reports "up to date" for an empty change set and deletes it', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'UPDATE_COMPLETE', {MomentoApiKey: '****'})
    cfn.nextChangeSetStatus = {
      status: 'FAILED',
      reason: "The submitted information didn't contain changes. Submit different information to create a change set.",
    }
    const {ports, callbacks} = harness(cfn)
    const result = await deployStack({...base, apiKey: undefined}, ports, callbacks)
    expect(result).toMatchObject({action: 'none', status: 'UPDATE_COMPLETE', plan: []})
    expect(cfn.calls).toContain('deleteChangeSet cs-1')
    expect(cfn.calls.some((c) => c.startsWith('execute'))).toBe(false)
  })

  it('fails with the reason of any other FAILED change set', async () => {
    const cfn = new FakeCfn()
    cfn.nextChangeSetStatus = {status: 'FAILED', reason: 'Template format error'}
    const {ports, callbacks} = harness(cfn)
    await expect(deployStack(base, ports, callbacks)).rejects.toThrow(/couldn't plan .*Template format error/)
  })

  it('deletes a ROLLBACK_COMPLETE stack after confirmation, then creates it', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'ROLLBACK_COMPLETE', {MomentoApiKey: '****'})
    cfn.executeScript = ['CREATE_COMPLETE']
    const {ports, callbacks} = harness(cfn)
    const result = await deployStack(base, ports, callbacks)
    expect(result).toMatchObject({action: 'create', recreated: true, status: 'CREATE_COMPLETE'})
    expect(cfn.calls.filter((c) => /deleteStack|createChangeSet|execute/.test(c))).toEqual([
      'deleteStack arn:stack/momento-api/1',
      'createChangeSet CREATE',
      'execute cs-1',
    ])
  })

  it('asks for the key when recreating, since the old one is gone with the stack', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'ROLLBACK_COMPLETE', {MomentoApiKey: '****'})
    const {ports, callbacks} = harness(cfn)
    await expect(deployStack({...base, apiKey: undefined}, ports, callbacks)).rejects.toThrow('no key')
    expect(cfn.calls.some((c) => c.startsWith('deleteStack'))).toBe(false)
  })

  it('does nothing when the recreate is declined (or refused without a TTY)', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'ROLLBACK_COMPLETE')
    const declined = harness(cfn, {confirmRecreate: async () => false})
    await expect(deployStack(base, declined.ports, declined.callbacks)).rejects.toBeInstanceOf(DeployCancelledError)
    const refused = harness(cfn, {
      confirmRecreate: async () => {
        throw new UsageError('needs --yes')
      },
    })
    await expect(deployStack(base, refused.ports, refused.callbacks)).rejects.toThrow('needs --yes')
    expect(cfn.calls.some((c) => c.startsWith('deleteStack') || c.startsWith('createChangeSet'))).toBe(false)
  })

  it('asks before a plan that replaces something; a refusal deletes the change set', async () => {
    const cfn = new FakeCfn()
    cfn.put('momento-api', 'UPDATE_COMPLETE', {MomentoApiKey: '****'})
    cfn.nextChanges = [
      {action: 'Modify', logicalId: 'CacheSetRule', resourceType: 'AWS::Events::Rule', replacement: 'True'},
    ]
    let asked = 0
    const {ports, callbacks} = harness(cfn, {
      confirmDestructivePlan: async () => {
        asked += 1
        throw new UsageError('needs --yes')
      },
    })
    await expect(deployStack({...base, apiKey: undefined}, ports, callbacks)).rejects.toThrow('needs --yes')
    expect(asked).toBe(1)
    expect(cfn.calls).toContain('deleteChangeSet cs-1')
    expect(cfn.calls.some((c) => c.startsWith('execute'))).toBe(false)
  })

  it('does not ask for an additive plan', async () => {
    const cfn = new FakeCfn()
    cfn.executeScript = ['CREATE_COMPLETE']
    const {ports, callbacks} = harness(cfn, {
      confirmDestructivePlan: async () => {
        throw new Error('should not ask')
      },
    })
    await expect(deployStack(base, ports, callbacks)).resolves.toMatchObject({action: 'create'})
  })

  it('waits for a stack that is busy, then updates it', async () => {
    const cfn = new FakeCfn()
    const stack = cfn.put('momento-api', 'UPDATE_IN_PROGRESS', {MomentoApiKey: '****'})
    stack.script = ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']
    cfn.executeScript = ['UPDATE_COMPLETE']
    const {ports, callbacks, notices} = harness(cfn)
    const result = await deployStack({...base, apiKey: undefined}, ports, callbacks)
    expect(result.action).toBe('update')
    expect(notices[0]).toMatch(/UPDATE_IN_PROGRESS; waiting/)
  })

  it('gives up waiting with exit 8', async () => {
    const cfn = new FakeCfn()
    const stack = cfn.put('momento-api', 'UPDATE_IN_PROGRESS')
    stack.script = Array.from({length: 100}, () => 'UPDATE_IN_PROGRESS')
    const {ports, callbacks} = harness(cfn)
    await expect(deployStack({...base, poll: {timeoutMs: 5000}}, ports, callbacks)).rejects.toMatchObject({
      exitCode: 8,
    })
  })

  it('names the failing resource and its reason when the create rolls back', async () => {
    const cfn = new FakeCfn()
    cfn.executeScript = ['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']
    cfn.failEvent = cfn.event('CacheSetRule', 'AWS::Events::Rule', 'CREATE_FAILED', 'Event bus orders does not exist.')
    const {ports, callbacks, events} = harness(cfn)
    const error = await deployStack(base, ports, callbacks).catch((e: unknown) => e)
    expect(error).toMatchObject({exitCode: 1, code: 'EB_DEPLOY_FAILED'})
    expect((error as Error).message).toMatch(
      /now ROLLBACK_COMPLETE\. CacheSetRule \(AWS::Events::Rule\) failed: Event bus orders does not exist\./,
    )
    expect((error as {hints: string[]}).hints[0]).toContain('--yes')
    expect(events.some((e) => e.logicalId === 'CacheSetRule')).toBe(true)
  })

  it('checks the bus before creating a change set', async () => {
    const cfn = new FakeCfn()
    const {ports, callbacks} = harness(cfn)
    await expect(deployStack({...base, eventBus: 'missing'}, ports, callbacks)).rejects.toBeInstanceOf(NotFoundError)
    expect(cfn.calls.some((c) => c.startsWith('createChangeSet'))).toBe(false)
  })

  it('refuses a region without a Momento cell unless an endpoint is given (exit 2)', async () => {
    const cfn = new FakeCfn()
    const {ports, callbacks} = harness(cfn)
    const inSaEast = {...ports, describeEventBus: async () => ({arn: 'arn', region: 'sa-east-1'})}
    await expect(deployStack(base, inSaEast, callbacks)).rejects.toMatchObject({
      exitCode: 2,
      code: 'EB_NO_MOMENTO_REGION',
    })
    cfn.executeScript = ['CREATE_COMPLETE']
    const ok = await deployStack({...base, momentoEndpoint: 'https://api.cache.example'}, inSaEast, callbacks)
    expect(ok.momentoBaseUrl).toBe('https://api.cache.example')
  })
})
