import type {Operation} from '../../protocol/context.js'
import {logGroupArn, type LogStream, retentionCutoff} from '../model.js'
import {byKey, groupNameOf, invalidParameter, logsStore, pageByName, requireGroup} from './shared.js'

export const describeLogStreams: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), groupNameOf(input))
  const orderBy = (input['orderBy'] as string | undefined) ?? 'LogStreamName'
  const prefix = input['logStreamNamePrefix']
  if (orderBy === 'LastEventTime' && typeof prefix === 'string') {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.')
  }
  const cutoff = retentionCutoff(group, ctx.state.now())
  let streams = byKey(group.streams.values(), (s) => s.name).filter(
    (s) => typeof prefix !== 'string' || s.name.startsWith(prefix),
  )
  if (orderBy === 'LastEventTime') {
    const last = (s: LogStream) => s.events[s.events.length - 1]?.timestamp ?? 0
    streams = streams.sort((a, b) => last(a) - last(b))
  }
  if (input['descending'] === true) streams.reverse()
  const {page, nextToken} = pageOf(streams, input)
  const arn = logGroupArn(ctx.region, ctx.accountId, group.name)
  return {
    logStreams: page.map((s) => {
      const visible = s.events.filter((e) => e.timestamp >= cutoff)
      const first = visible[0]
      const last = visible[visible.length - 1]
      return {
        logStreamName: s.name,
        creationTime: s.creationTime,
        ...(first ? {firstEventTimestamp: first.timestamp, lastEventTimestamp: (last ?? first).timestamp} : {}),
        ...(s.lastIngestionTime === undefined ? {} : {lastIngestionTime: s.lastIngestionTime}),
        arn: `${arn}:log-stream:${s.name}`,
        storedBytes: 0,
      }
    }),
    ...(nextToken ? {nextToken} : {}),
  }
}

/** Position-based paging (the order may be by time, so the name is not a cursor). */
function pageOf(streams: LogStream[], input: Record<string, unknown>): {page: LogStream[]; nextToken?: string} {
  const keyed = streams.map((s, i) => ({s, key: String(i).padStart(12, '0')}))
  const {page, nextToken} = pageByName(keyed, (x) => x.key, input, 50)
  return {page: page.map((x) => x.s), ...(nextToken ? {nextToken} : {})}
}
