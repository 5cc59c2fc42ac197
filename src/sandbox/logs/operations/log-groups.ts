/** CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy, DeleteRetentionPolicy. */
import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {logGroupArn, type LogGroup} from '../model.js'
import {byKey, invalidParameter, logsStore, pageByName, requireGroup} from './shared.js'

/** The retention values AWS accepts (PutRetentionPolicy / AWS::Logs::LogGroup RetentionInDays). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const

export const createLogGroup: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['logGroupName'] as string
  if (store.groups.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists')
  store.groups.set(name, {name, creationTime: ctx.state.now(), streams: new Map(), eventCount: 0, storedBytes: 0})
  return {}
}

export const deleteLogGroup: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['logGroupName'] as string
  requireGroup(store, name)
  store.groups.delete(name)
  return {}
}

export const describeLogGroups: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const prefix = input['logGroupNamePrefix']
  const pattern = input['logGroupNamePattern']
  if (typeof prefix === 'string' && typeof pattern === 'string') {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.')
  }
  const groups = byKey(store.groups.values(), (g) => g.name).filter(
    (g) =>
      (typeof prefix !== 'string' || g.name.startsWith(prefix)) &&
      (typeof pattern !== 'string' || g.name.toLowerCase().includes(pattern.toLowerCase())),
  )
  const {page, nextToken} = pageByName(groups, (g) => g.name, input, 50)
  return {logGroups: page.map((g) => view(g, ctx.region, ctx.accountId)), ...(nextToken ? {nextToken} : {})}
}

function view(group: LogGroup, region: string, accountId: string): Record<string, unknown> {
  const arn = logGroupArn(region, accountId, group.name)
  return {
    logGroupName: group.name,
    creationTime: group.creationTime,
    ...(group.retentionInDays === undefined ? {} : {retentionInDays: group.retentionInDays}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: group.storedBytes,
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  }
}

export const putRetentionPolicy: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), input['logGroupName'] as string)
  group.retentionInDays = input['retentionInDays'] as number
  return {}
}

export const deleteRetentionPolicy: Operation = (input, ctx) => {
  delete requireGroup(logsStore(ctx), input['logGroupName'] as string).retentionInDays
  return {}
}
