/**
 * The vended-log delivery objects (CloudWatch Logs API: PutDeliverySource, PutDeliveryDestination,
 * CreateDelivery, their Get/Describe/Delete): a delivery source names the resource that logs (here an
 * event bus) and a log type, a delivery destination names where logs go (here a log group), and a
 * delivery pairs one source with one destination. The bus-log writer (bus-log-writer.ts) follows
 * them to find where an event bus's records go.
 *
 * Sources accept only the event-bus log types (ERROR_LOGS, INFO_LOGS, TRACE_LOGS): the sandbox
 * emulates no other vended-log source. Destinations accept only log groups (deliveryDestinationType
 * CWL). Put* on an existing name overwrites it, as AWS documents.
 */
import {randomBytes} from 'node:crypto'

import {busNameOf} from '../../eventbridge/operations/shared.js'
import type {Operation, RequestContext} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import {logGroupNameOfArn, type Delivery, type DeliveryDestination, type DeliverySource} from '../model.js'
import {byKey, logsStore, pageByName} from './shared.js'

/** The log types an event bus can be a delivery source for (EventBridge user guide, event bus logs). */
export const EVENT_BUS_LOG_TYPES = ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'] as const

const arnBase = (ctx: RequestContext) => `arn:aws:logs:${ctx.region}:${ctx.accountId}`

function notFound(what: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `${what} does not exist.`)
}

function conflict(message: string): ServiceError {
  return new ServiceError('ConflictException', message)
}

const tagsOf = (input: Record<string, unknown>) =>
  input['tags'] && typeof input['tags'] === 'object' ? {tags: {...(input['tags'] as Record<string, string>)}} : {}

// ---- delivery sources ----

export const putDeliverySource: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const resourceArn = input['resourceArn'] as string
  const logType = input['logType'] as string
  const bus = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/.exec(resourceArn)
  if (!bus) {
    throw validationError(
      `Resource ${resourceArn} is not supported as a delivery source by the sandbox (event buses only).`,
    )
  }
  if (!(EVENT_BUS_LOG_TYPES as readonly string[]).includes(logType)) {
    throw validationError(
      `Log type ${logType} is not supported for service events. Supported: ${EVENT_BUS_LOG_TYPES.join(', ')}.`,
    )
  }
  // Worst case: AWS checks that the resource exists before accepting it as a source.
  if (
    bus[1] !== ctx.region ||
    bus[2] !== ctx.accountId ||
    !ctx.state.region(ctx.region).events.buses.has(busNameOf(resourceArn))
  ) {
    throw new ServiceError('ResourceNotFoundException', `Event bus ${busNameOf(resourceArn)} does not exist.`)
  }
  const existing = store.sources.get(name)
  if (existing && existing.resourceArns[0] !== resourceArn) {
    throw conflict(`Delivery source ${name} already exists for another resource.`)
  }
  const source: DeliverySource = {
    name,
    arn: `${arnBase(ctx)}:delivery-source:${name}`,
    resourceArns: [resourceArn],
    service: 'events',
    logType,
    ...tagsOf(input),
  }
  store.sources.set(name, source)
  return {deliverySource: structuredClone(source)}
}

export const getDeliverySource: Operation = (input, ctx) => {
  const source = logsStore(ctx).sources.get(input['name'] as string)
  if (!source) throw notFound(`Delivery source ${String(input['name'])}`)
  return {deliverySource: structuredClone(source)}
}

export const describeDeliverySources: Operation = (input, ctx) => {
  const all = byKey(logsStore(ctx).sources.values(), (s) => s.name)
  const {page, nextToken} = pageByName(all, (s) => s.name, input, 50)
  return {deliverySources: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}

export const deleteDeliverySource: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  if (!store.sources.has(name)) throw notFound(`Delivery source ${name}`)
  for (const d of store.deliveries.values()) {
    if (d.deliverySourceName === name)
      throw conflict(`Delivery source ${name} is used by delivery ${d.id}; delete the delivery first.`)
  }
  store.sources.delete(name)
  return {}
}

// ---- delivery destinations ----

export const putDeliveryDestination: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const config = input['deliveryDestinationConfiguration'] as {destinationResourceArn?: string} | undefined
  const target = config?.destinationResourceArn
  if (typeof target !== 'string') {
    throw validationError('deliveryDestinationConfiguration.destinationResourceArn is required by the sandbox.')
  }
  const groupName = logGroupNameOfArn(target)
  if (groupName === undefined) {
    throw validationError(`Destination ${target} is not supported by the sandbox (CloudWatch Logs log groups only).`)
  }
  const existing = store.destinations.get(name)
  if (existing && existing.deliveryDestinationConfiguration.destinationResourceArn !== target) {
    throw conflict(`Delivery destination ${name} already exists with another destination.`)
  }
  const destination: DeliveryDestination = {
    name,
    arn: `${arnBase(ctx)}:delivery-destination:${name}`,
    deliveryDestinationType: 'CWL',
    outputFormat: (input['outputFormat'] as string | undefined) ?? 'json',
    deliveryDestinationConfiguration: {destinationResourceArn: target},
    ...tagsOf(input),
  }
  store.destinations.set(name, destination)
  return {deliveryDestination: structuredClone(destination)}
}

export const getDeliveryDestination: Operation = (input, ctx) => {
  const destination = logsStore(ctx).destinations.get(input['name'] as string)
  if (!destination) throw notFound(`Delivery destination ${String(input['name'])}`)
  return {deliveryDestination: structuredClone(destination)}
}

export const describeDeliveryDestinations: Operation = (input, ctx) => {
  const all = byKey(logsStore(ctx).destinations.values(), (s) => s.name)
  const {page, nextToken} = pageByName(all, (s) => s.name, input, 50)
  return {deliveryDestinations: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}

export const deleteDeliveryDestination: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const destination = store.destinations.get(name)
  if (!destination) throw notFound(`Delivery destination ${name}`)
  for (const d of store.deliveries.values()) {
    if (d.deliveryDestinationArn === destination.arn) {
      throw conflict(`Delivery destination ${name} is used by delivery ${d.id}; delete the delivery first.`)
    }
  }
  store.destinations.delete(name)
  return {}
}

// ---- deliveries ----

export const createDelivery: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const sourceName = input['deliverySourceName'] as string
  const destinationArn = input['deliveryDestinationArn'] as string
  if (!store.sources.has(sourceName)) throw notFound(`Delivery source ${sourceName}`)
  const destination = [...store.destinations.values()].find((d) => d.arn === destinationArn)
  if (!destination) throw notFound(`Delivery destination ${destinationArn}`)
  for (const d of store.deliveries.values()) {
    if (d.deliverySourceName === sourceName && d.deliveryDestinationArn === destinationArn) {
      throw conflict(`A delivery from ${sourceName} to ${destinationArn} already exists (${d.id}).`)
    }
  }
  const id = randomBytes(8).toString('hex')
  const delivery: Delivery = {
    id,
    arn: `${arnBase(ctx)}:delivery:${id}`,
    deliverySourceName: sourceName,
    deliveryDestinationArn: destinationArn,
    deliveryDestinationType: destination.deliveryDestinationType,
    ...tagsOf(input),
  }
  store.deliveries.set(id, delivery)
  return {delivery: structuredClone(delivery)}
}

export const getDelivery: Operation = (input, ctx) => {
  const delivery = logsStore(ctx).deliveries.get(input['id'] as string)
  if (!delivery) throw notFound(`Delivery ${String(input['id'])}`)
  return {delivery: structuredClone(delivery)}
}

export const describeDeliveries: Operation = (input, ctx) => {
  const wanted = input['deliverySourceNames'] as string[] | undefined
  const all = byKey(logsStore(ctx).deliveries.values(), (d) => d.id).filter(
    (d) => !wanted || wanted.includes(d.deliverySourceName),
  )
  const {page, nextToken} = pageByName(all, (d) => d.id, input, 50)
  return {deliveries: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}

export const deleteDelivery: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const id = input['id'] as string
  if (!store.deliveries.delete(id)) throw notFound(`Delivery ${id}`)
  return {}
}
