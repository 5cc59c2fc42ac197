/**
 * EventBridge LogConfig on CreateEventBus / UpdateEventBus / DescribeEventBus, the default bus
 * included, with AWS's validation messages, against the real @aws-sdk/client-eventbridge.
 */
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, failure, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

let sandbox: RunningSandbox
let events: EventBridgeClient

beforeAll(async () => {
  sandbox = await startTestSandbox()
  events = new EventBridgeClient(clientConfig(sandbox))
})
afterAll(async () => {
  events.destroy()
  await sandbox.close()
})

describe('LogConfig', () => {
  it('is set at creation and returned by DescribeEventBus', async () => {
    const name = uniqueName('bus')
    const created = await events.send(
      new CreateEventBusCommand({Name: name, LogConfig: {Level: 'INFO', IncludeDetail: 'NONE'}}),
    )
    expect(created.LogConfig).toEqual({Level: 'INFO', IncludeDetail: 'NONE'})
    const described = await events.send(new DescribeEventBusCommand({Name: name}))
    expect(described.LogConfig).toEqual({Level: 'INFO', IncludeDetail: 'NONE'})
  })

  it('is set on the default bus with UpdateEventBus (no Name means default)', async () => {
    const updated = await events.send(new UpdateEventBusCommand({LogConfig: {Level: 'ERROR', IncludeDetail: 'FULL'}}))
    expect(updated).toMatchObject({Name: 'default', LogConfig: {Level: 'ERROR', IncludeDetail: 'FULL'}})
    const described = await events.send(new DescribeEventBusCommand({}))
    expect(described.LogConfig).toEqual({Level: 'ERROR', IncludeDetail: 'FULL'})
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'OFF'}}))
    expect((await events.send(new DescribeEventBusCommand({}))).LogConfig).toEqual({Level: 'OFF'})
  })

  it('clears what an update omits (the worst case the CLI is built for)', async () => {
    const name = uniqueName('bus')
    await events.send(new CreateEventBusCommand({Name: name, Description: 'keep me'}))
    await events.send(new UpdateEventBusCommand({Name: name, LogConfig: {Level: 'TRACE'}}))
    const described = await events.send(new DescribeEventBusCommand({Name: name}))
    expect(described.Description).toBeUndefined()
    expect(described.LogConfig).toEqual({Level: 'TRACE'})
  })

  it('refuses unknown levels and detail values with the model’s message', async () => {
    const level = await failure(events.send(new UpdateEventBusCommand({LogConfig: {Level: 'DEBUG' as never}})))
    expect(level.name).toBe('ValidationException')
    expect(level.message).toBe(
      "1 validation error detected: Value 'DEBUG' at 'logConfig.level' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ERROR, INFO, TRACE]",
    )
    const detail = await failure(
      events.send(new CreateEventBusCommand({Name: uniqueName('bus'), LogConfig: {IncludeDetail: 'SOME' as never}})),
    )
    expect(detail.message).toContain("at 'logConfig.includeDetail' failed to satisfy constraint")
    const missing = await failure(events.send(new UpdateEventBusCommand({Name: 'nope', LogConfig: {Level: 'INFO'}})))
    expect(missing.name).toBe('ResourceNotFoundException')
  })
})
