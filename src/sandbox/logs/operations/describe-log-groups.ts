import type {Operation} from '../../protocol/context.js'
import {type LogGroup, logGroupArn} from '../model.js'
import {byKey, invalidParameter, logsStore, pageByName} from './shared.js'

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
