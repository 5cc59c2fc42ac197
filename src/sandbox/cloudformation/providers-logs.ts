/**
 * CloudFormation providers for the CloudWatch Logs resources the stack's event-bus logs use, through
 * the sandbox's own Logs operations (as providers.ts does for the other services):
 *
 * - AWS::Logs::LogGroup: LogGroupName (generated when absent), RetentionInDays. Ref = name;
 *   GetAtt Arn = `arn:…:log-group:<name>:*` (AWS's Arn attribute carries the `:*`).
 * - AWS::Logs::DeliverySource: Name, ResourceArn, LogType. Ref = Name; GetAtt Arn, Service, ResourceArns.
 * - AWS::Logs::DeliveryDestination: Name, DestinationResourceArn, OutputFormat. Ref = Name; GetAtt Arn.
 * - AWS::Logs::Delivery: DeliverySourceName, DeliveryDestinationArn. Ref = DeliveryId; GetAtt Arn,
 *   DeliveryId, DeliveryDestinationType.
 *
 * Create-only properties ("Update requires: Replacement" in the CloudFormation template reference)
 * follow the resource schemas cfn-lint 1.51 ships, which agree with the reference:
 * LogGroup: LogGroupName. DeliveryDestination: Name, OutputFormat, DestinationResourceArn,
 * DeliveryDestinationType. DeliverySource: Name. Delivery: DeliverySourceName,
 * DeliveryDestinationArn (the reference: "You can't update an existing delivery"). A replacement
 * that keeps a custom name fails the update (engine.ts), as on AWS.
 *
 * A delivery source's ResourceArn and LogType are not create-only, but AWS does not say that a
 * source may be pointed at another resource (or log type) in place: worst case, the sandbox refuses
 * it, so a template that relies on it fails here first (the stack renames its sources instead).
 */
import {isDeepStrictEqual} from 'node:util'

import {logsService} from '../logs/service.js'
import {ServiceError} from '../protocol/errors.js'
import type {ProviderContext, ResourceProvider} from './providers.js'

async function logs(op: string, input: Record<string, unknown>, pc: ProviderContext): Promise<Record<string, unknown>> {
  const handler = logsService.operations[op]
  if (!handler) throw new Error(`no handler for ${op}`)
  return ((await handler(input, pc.request)) ?? {}) as Record<string, unknown>
}

async function gone(work: () => Promise<unknown>): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'ResourceNotFoundException') return
    throw error
  }
}

const defined = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null))

/** `<stack>-<logicalId>-<random>`, as CloudFormation names a log group the template leaves unnamed. */
function generatedGroupName(pc: ProviderContext): string {
  const suffix = Math.random().toString(36).slice(2, 14).toUpperCase()
  return `${pc.stackName}-${pc.logicalId}-${suffix}`.slice(0, 512)
}

const groupArn = (pc: ProviderContext, name: string) =>
  `arn:aws:logs:${pc.request.region}:${pc.request.accountId}:log-group:${name}:*`

const logGroup: ResourceProvider = {
  createOnly: ['LogGroupName'],
  nameProperty: 'LogGroupName',
  attributes: ['Arn'],
  async create(p, pc) {
    const name = typeof p['LogGroupName'] === 'string' ? p['LogGroupName'] : generatedGroupName(pc)
    await logs('CreateLogGroup', {logGroupName: name}, pc)
    if (p['RetentionInDays'] !== undefined) {
      await logs('PutRetentionPolicy', {logGroupName: name, retentionInDays: Number(p['RetentionInDays'])}, pc)
    }
    return {physicalId: name, attributes: {Arn: groupArn(pc, name)}}
  },
  async update(current, p, _previous, pc) {
    if (p['RetentionInDays'] === undefined) await logs('DeleteRetentionPolicy', {logGroupName: current.physicalId}, pc)
    else
      await logs(
        'PutRetentionPolicy',
        {logGroupName: current.physicalId, retentionInDays: Number(p['RetentionInDays'])},
        pc,
      )
    return current
  },
  async delete(current, _p, pc) {
    await gone(() => logs('DeleteLogGroup', {logGroupName: current.physicalId}, pc))
  },
}

async function putSource(p: Record<string, unknown>, pc: ProviderContext) {
  const out = await logs(
    'PutDeliverySource',
    defined({name: p['Name'], resourceArn: p['ResourceArn'], logType: p['LogType']}),
    pc,
  )
  const source = out['deliverySource'] as Record<string, unknown>
  return {
    physicalId: String(source['name']),
    attributes: {Arn: source['arn'], Service: source['service'], ResourceArns: source['resourceArns']},
  }
}

const deliverySource: ResourceProvider = {
  createOnly: ['Name'],
  nameProperty: 'Name',
  attributes: ['Arn', 'Service', 'ResourceArns'],
  create: putSource,
  update: (_current, p, previous, pc) => {
    for (const key of ['ResourceArn', 'LogType']) {
      if (previous[key] !== undefined && !isDeepStrictEqual(previous[key], p[key])) {
        return Promise.reject(
          new ServiceError(
            'ConflictException',
            `The sandbox does not change the ${key} of delivery source ${String(p['Name'])} in place (AWS doesn't document it): give the source a new name.`,
          ),
        )
      }
    }
    return putSource(p, pc)
  },
  async delete(current, _p, pc) {
    await gone(() => logs('DeleteDeliverySource', {name: current.physicalId}, pc))
  },
}

const deliveryDestination: ResourceProvider = {
  createOnly: ['Name', 'OutputFormat', 'DestinationResourceArn', 'DeliveryDestinationType'],
  nameProperty: 'Name',
  attributes: ['Arn'],
  async create(p, pc) {
    const out = await logs(
      'PutDeliveryDestination',
      defined({
        name: p['Name'],
        outputFormat: p['OutputFormat'],
        deliveryDestinationConfiguration: defined({destinationResourceArn: p['DestinationResourceArn']}),
      }),
      pc,
    )
    const destination = out['deliveryDestination'] as Record<string, unknown>
    return {physicalId: String(destination['name']), attributes: {Arn: destination['arn']}}
  },
  // Only tags and the policy change in place; the sandbox keeps neither.
  update: (current) => Promise.resolve(current),
  async delete(current, _p, pc) {
    await gone(() => logs('DeleteDeliveryDestination', {name: current.physicalId}, pc))
  },
}

const delivery: ResourceProvider = {
  createOnly: ['DeliverySourceName', 'DeliveryDestinationArn'],
  attributes: ['Arn', 'DeliveryId', 'DeliveryDestinationType'],
  async create(p, pc) {
    const out = await logs(
      'CreateDelivery',
      defined({deliverySourceName: p['DeliverySourceName'], deliveryDestinationArn: p['DeliveryDestinationArn']}),
      pc,
    )
    const d = out['delivery'] as Record<string, unknown>
    return {
      physicalId: String(d['id']),
      attributes: {Arn: d['arn'], DeliveryId: d['id'], DeliveryDestinationType: d['deliveryDestinationType']},
    }
  },
  update: (current) => Promise.resolve(current),
  async delete(current, _p, pc) {
    await gone(() => logs('DeleteDelivery', {id: current.physicalId}, pc))
  },
}

/** The Logs resource types, merged into PROVIDERS. */
export const LOGS_PROVIDERS: Readonly<Record<string, ResourceProvider>> = {
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Logs::DeliverySource': deliverySource,
  'AWS::Logs::DeliveryDestination': deliveryDestination,
  'AWS::Logs::Delivery': delivery,
}
