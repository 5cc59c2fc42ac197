/**
 * The pipeline tells its observers every step of an event, in order, for a delivered event and for
 * one Momento refuses (the base of the sandbox's event-bus logs and metrics).
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cloudWatchOf} from '../../src/sandbox/cloudwatch/model.js'
import type {ObservedAttempt, ObservedOutcome, PipelineObserver} from '../../src/sandbox/pipeline/observer.js'
import {pipelineOf} from '../../src/sandbox/pipeline/pipeline.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {deployIntegrationWithSdk, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

let sandbox: RunningSandbox
const steps: {eventId: string; step: string; attempt?: ObservedAttempt; outcome?: ObservedOutcome}[] = []

beforeAll(async () => {
  sandbox = await startTestSandbox()
  const observer: PipelineObserver = {
    received: (_b, e) => steps.push({eventId: e.id, step: 'received'}),
    noRuleMatched: (_b, e) => steps.push({eventId: e.id, step: 'noRuleMatched'}),
    ruleMatched: (_b, e) => steps.push({eventId: e.id, step: 'ruleMatched'}),
    attemptStarted: (_i, e) => steps.push({eventId: e.id, step: 'attemptStarted'}),
    attemptEnded: (_i, e, attempt) => steps.push({eventId: e.id, step: 'attemptEnded', attempt}),
    invocationEnded: (_i, e, outcome) => steps.push({eventId: e.id, step: 'invocationEnded', outcome}),
  }
  pipelineOf(sandbox.state).observe(observer)
})

afterAll(async () => {
  await sandbox?.close()
})

async function put(detailType: string, detail: object, bus = 'default'): Promise<string> {
  const eb = new EventBridgeClient(clientConfig(sandbox))
  try {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [{EventBusName: bus, Source: 'app', DetailType: detailType, Detail: JSON.stringify(detail)}],
      }),
    )
    return out.Entries?.[0]?.EventId as string
  } finally {
    eb.destroy()
  }
}

describe('pipeline observers', () => {
  it('see receipt, match, each attempt and the outcome, for a delivered and a refused event', async () => {
    await deployIntegrationWithSdk(sandbox)
    const cache = uniqueName('cache')
    const created = await fetch(`${sandbox.endpoint}/_sandbox/momento/caches`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({name: cache}),
    })
    expect(created.ok).toBe(true)
    const ok = await put('cacheSet', {cacheName: cache, key: 'k', value: 'v', ttl: 60})
    const missing = await put('cacheSet', {cacheName: 'no-such-cache', key: 'k', value: 'v', ttl: 60})
    const unmatched = await put('somethingElse', {a: 1})
    await until('both outcomes', async () =>
      steps.filter((s) => s.step === 'invocationEnded').length >= 2 ? true : undefined,
    )
    await until('the unmatched event', async () =>
      steps.some((s) => s.eventId === unmatched && s.step === 'noRuleMatched') ? true : undefined,
    )

    const of = (id: string) => steps.filter((s) => s.eventId === id).map((s) => s.step)
    expect(of(ok)).toEqual(['received', 'ruleMatched', 'attemptStarted', 'attemptEnded', 'invocationEnded'])
    expect(of(missing)).toEqual(['received', 'ruleMatched', 'attemptStarted', 'attemptEnded', 'invocationEnded'])
    expect(of(unmatched)).toEqual(['received', 'noRuleMatched'])

    const refused = steps.find((s) => s.eventId === missing && s.step === 'attemptEnded')?.attempt
    expect(refused?.result).toBe('permanent-failure')
    expect(refused?.httpStatus).toBe(404)
    const outcome = steps.find((s) => s.eventId === missing && s.step === 'invocationEnded')?.outcome
    expect(outcome?.outcome).toBe('dead-lettered')
    expect(outcome?.httpStatus).toBe(404)
    expect(steps.find((s) => s.eventId === ok && s.step === 'invocationEnded')?.outcome?.outcome).toBe('delivered')
  })

  it('report all the rules an event matched one after another: MatchedEvents counts events, TriggeredRules matches', async () => {
    const eb = new EventBridgeClient(clientConfig(sandbox))
    const bus = uniqueName('multi')
    try {
      await eb.send(new CreateEventBusCommand({Name: bus}))
      for (const rule of ['first', 'second']) {
        await eb.send(new PutRuleCommand({Name: rule, EventBusName: bus, EventPattern: '{"source":["multi"]}'}))
        // A queue that does not exist: the invocation fails, the match still counts.
        const Arn = `arn:aws:sqs:us-east-1:000000000000:${bus}-none`
        await eb.send(new PutTargetsCommand({Rule: rule, EventBusName: bus, Targets: [{Id: 't', Arn}]}))
      }
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [1, 2, 3].map((n) => ({EventBusName: bus, Source: 'multi', DetailType: 'x', Detail: `{"n":${n}}`})),
        }),
      )
      const ids = (out.Entries ?? []).map((e) => e.EventId as string)
      expect(ids).toHaveLength(3)
      await until('six outcomes', async () =>
        steps.filter((s) => ids.includes(s.eventId) && s.step === 'invocationEnded').length >= 6 ? true : undefined,
      )
      const matched = steps.filter((s) => ids.includes(s.eventId) && s.step === 'ruleMatched').map((s) => s.eventId)
      expect(matched).toEqual([ids[0], ids[0], ids[1], ids[1], ids[2], ids[2]])

      const metrics = cloudWatchOf(sandbox.state).region('us-east-1').metrics
      const sum = (name: string, dims: Record<string, string>) =>
        metrics.get('AWS/Events', name, dims)?.sums.reduce((a, b) => a + b, 0)
      expect(sum('MatchedEvents', {EventBusName: bus})).toBe(3)
      expect(sum('TriggeredRules', {EventBusName: bus, RuleName: 'first'})).toBe(3)
      expect(sum('TriggeredRules', {EventBusName: bus, RuleName: 'second'})).toBe(3)
    } finally {
      eb.destroy()
    }
  })
})
