/**
 * The sandbox's CloudFormation engine on the log delivery objects, with real SDK v3 clients:
 * a delivery destination whose DestinationResourceArn changes is replaced, which fails with the same
 * name (as on AWS) and goes through with a new one; a delivery source is refused a new ResourceArn
 * in place (AWS doesn't document it: worst case) and moves with a new name; the old copies are
 * deleted dependents first (the old delivery before the destination it used).
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation'
import {
  CloudWatchLogsClient,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {CreateEventBusCommand, EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

let sandbox: RunningSandbox
let cfn: CloudFormationClient
let logs: CloudWatchLogsClient

beforeAll(async () => {
  sandbox = await startTestSandbox()
  cfn = new CloudFormationClient(clientConfig(sandbox))
  logs = new CloudWatchLogsClient(clientConfig(sandbox))
  const events = new EventBridgeClient(clientConfig(sandbox))
  try {
    for (const bus of ['bus-a', 'bus-b']) await events.send(new CreateEventBusCommand({Name: bus}))
  } finally {
    events.destroy()
  }
})
afterAll(async () => {
  cfn.destroy()
  logs.destroy()
  await sandbox.close()
})

/** A log group named after the bus, a destination to it, and a source on the bus. */
function template(bus: string, names: {destination: string; source: string}): string {
  return JSON.stringify({
    Resources: {
      Group: {Type: 'AWS::Logs::LogGroup', Properties: {LogGroupName: `/aws/vendedlogs/test/${bus}`}},
      Destination: {
        Type: 'AWS::Logs::DeliveryDestination',
        Properties: {
          Name: names.destination,
          DestinationResourceArn: {
            'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}',
          },
        },
      },
      Source: {
        Type: 'AWS::Logs::DeliverySource',
        Properties: {
          Name: names.source,
          LogType: 'ERROR_LOGS',
          ResourceArn: {'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${bus}`},
        },
      },
      Delivery: {
        Type: 'AWS::Logs::Delivery',
        Properties: {
          DeliverySourceName: {Ref: 'Source'},
          DeliveryDestinationArn: {'Fn::GetAtt': ['Destination', 'Arn']},
        },
      },
    },
  })
}

async function settled(name: string) {
  return until(`stack ${name}`, async () => {
    const stack = (await cfn.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
    return /_IN_PROGRESS$/.test(stack?.StackStatus ?? '_IN_PROGRESS') ? undefined : stack
  })
}

describe('sandbox CloudFormation: log delivery objects on another bus', () => {
  it('a same-named replacement fails, a renamed one goes through; a source does not change bus in place', async () => {
    const stack = uniqueName('delivery')
    const names = {destination: `${stack}-dest-a`, source: `${stack}-src-a`}
    await cfn.send(new CreateStackCommand({StackName: stack, TemplateBody: template('bus-a', names)}))
    expect((await settled(stack))?.StackStatus).toBe('CREATE_COMPLETE')

    // New bus, same names: the destination (DestinationResourceArn is create-only) can't be replaced.
    await cfn.send(new UpdateStackCommand({StackName: stack, TemplateBody: template('bus-b', names)}))
    const same = await settled(stack)
    expect(same?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')

    // A renamed destination but the same source name: the source's ResourceArn can't change in place.
    const sourceKept = {destination: `${stack}-dest-b`, source: names.source}
    await cfn.send(new UpdateStackCommand({StackName: stack, TemplateBody: template('bus-b', sourceKept)}))
    expect((await settled(stack))?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')

    // Everything renamed: replaced, and the source is on the new bus.
    const renamed = {destination: `${stack}-dest-b`, source: `${stack}-src-b`}
    await cfn.send(new UpdateStackCommand({StackName: stack, TemplateBody: template('bus-b', renamed)}))
    expect((await settled(stack))?.StackStatus).toBe('UPDATE_COMPLETE')
    const sources = (await logs.send(new DescribeDeliverySourcesCommand({}))).deliverySources ?? []
    const mine = sources.filter((s) => s.name?.startsWith(stack))
    expect(mine.map((s) => s.name)).toEqual([renamed.source])
    expect(mine[0]?.resourceArns?.[0]).toMatch(/:event-bus\/bus-b$/)
    // The old copies are gone: cleanup deletes the old delivery before the destination it used.
    const destinations = (await logs.send(new DescribeDeliveryDestinationsCommand({}))).deliveryDestinations ?? []
    expect(destinations.filter((d) => d.name?.startsWith(stack)).map((d) => d.name)).toEqual([renamed.destination])
    const events = (await cfn.send(new DescribeStackEventsCommand({StackName: stack}))).StackEvents ?? []
    expect(events.filter((e) => e.ResourceStatus === 'DELETE_FAILED')).toEqual([])
  }, 60_000)
})
