/** Store access, lookups and pagination the EventBridge control-plane operations share. */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import type {ApiDestination, Connection, EventBus, EventsStore, Rule} from '../model.js'

/** The EventBridge store of the request's region. */
export function eventsStore(ctx: RequestContext): EventsStore {
  return ctx.state.region(ctx.region).events
}

/** The sandbox clock as the JSON protocols send timestamps: epoch seconds, millisecond precision. */
export function epochSeconds(ctx: RequestContext): number {
  return Math.floor(ctx.state.now()) / 1000
}

/**
 * `EventBusName` may be a name or an event-bus ARN (docs/reference/aws-facts.md#eb-put-events); absent means
 * `default`.
 */
export function busNameOf(value: unknown): string {
  if (typeof value !== 'string') return 'default'
  const marker = ':event-bus/'
  const at = value.startsWith('arn:') ? value.indexOf(marker) : -1
  return at >= 0 ? value.slice(at + marker.length) : value
}

/** The bus, or `ResourceNotFoundException` worded as AWS words it. */
export function requireBus(store: EventsStore, name: string): EventBus {
  const bus = store.buses.get(name)
  if (!bus) throw new ServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`)
  return bus
}

/** Key of a rule in `EventsStore.rules`. */
export function ruleKey(busName: string, ruleName: string): string {
  return `${busName}|${ruleName}`
}

/** The rule on an existing bus, or `ResourceNotFoundException`. */
export function requireRule(store: EventsStore, busName: string, ruleName: string): Rule {
  requireBus(store, busName)
  const rule = store.rules.get(ruleKey(busName, ruleName))
  if (!rule)
    throw new ServiceError('ResourceNotFoundException', `Rule ${ruleName} does not exist on EventBus ${busName}.`)
  return rule
}

/** The connection by name, or `ResourceNotFoundException` naming what failed (`describe`, `update`, …). */
export function requireConnection(store: EventsStore, name: string, verb = 'describe'): Connection {
  const connection = store.connections.get(name)
  if (!connection) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Failed to ${verb} the connection(s). Connection '${name}' does not exist.`,
    )
  }
  return connection
}

/** The connection an ARN names, or `ResourceNotFoundException`. */
export function connectionByArn(store: EventsStore, arn: string): Connection {
  for (const connection of store.connections.values()) if (connection.ConnectionArn === arn) return connection
  const name = /:connection\/([^/]+)\//.exec(arn)?.[1] ?? arn
  throw new ServiceError('ResourceNotFoundException', `Connection '${name}' does not exist.`)
}

/** The API destination by name, or `ResourceNotFoundException` naming what failed. */
export function requireApiDestination(store: EventsStore, name: string, verb = 'describe'): ApiDestination {
  const destination = store.apiDestinations.get(name)
  if (!destination) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Failed to ${verb} the api-destination(s). An api-destination '${name}' does not exist.`,
    )
  }
  return destination
}

/**
 * One page of `items` (already in listing order). The token is opaque to callers; it carries the
 * offset of the next page, which is enough for the small, mostly static lists of a sandbox.
 */
export function paginate<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  defaultLimit = 100,
): {page: T[]; NextToken?: string} {
  let start = 0
  const token = input['NextToken']
  if (typeof token === 'string') {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
    if (!decoded) throw validationError('The NextToken provided is invalid.')
    start = Number(decoded[1])
  }
  const limit = typeof input['Limit'] === 'number' ? input['Limit'] : defaultLimit
  const page = items.slice(start, start + limit)
  const next = start + limit
  return next < items.length ? {page, NextToken: Buffer.from(`o:${next}`).toString('base64url')} : {page}
}

/** Drop `undefined` members so responses carry only what is set. */
export function defined<T extends Record<string, unknown>>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>
}

/** `T` with every member that may be `undefined` turned into an optional member without `undefined`. */
export type Defined<T> = {[K in keyof T as undefined extends T[K] ? never : K]: T[K]} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}

/** Sort by `Name`, the order the sandbox lists resources in. */
export function byName<T extends {Name: string}>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
}
