import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {cloudWatchOf} from '../model.js'
import {checkQuery, evaluateQueries, invalid, validation, type MetricQuery} from '../queries.js'

/** AWS's limits: 500 queries, 100,800 datapoints per call by default (GetMetricData reference). */
const MAX_QUERIES = 500
const DEFAULT_MAX_DATAPOINTS = 100_800

/**
 * GetMetricData. Periods start at StartTime rounded down to the minute (or, for 1–30 s periods, to
 * the period), as the reference says for data under 15 days old. Each result lists only periods with
 * data (an empty period has no datapoint, not a zero), newest first unless ScanBy is
 * TimestampAscending. Timestamps are each period's start. The answer is never paginated: past
 * MaxDatapoints the newest (or oldest) points are kept and StatusCode is PartialData.
 */
export const getMetricData: Operation = (input, ctx) => {
  const queries = input['MetricDataQueries'] as MetricQuery[]
  if (queries.length === 0 || queries.length > MAX_QUERIES) {
    throw validation(`The collection MetricDataQueries must have between 1 and ${MAX_QUERIES} items.`)
  }
  const startMs = (input['StartTime'] as number) * 1000
  const endMs = (input['EndTime'] as number) * 1000
  if (!(startMs < endMs)) throw validation('The parameter StartTime must be less than the parameter EndTime.')
  const seen = new Set<string>()
  queries.forEach((query, i) => {
    checkQuery(query, `MetricDataQueries.member.${i + 1}`)
    if (seen.has(query.Id))
      throw validation(`The value ${query.Id} for parameter MetricDataQueries.member.${i + 1}.Id is not unique.`)
    seen.add(query.Id)
  })
  const maxPoints = (input['MaxDatapoints'] as number | undefined) ?? DEFAULT_MAX_DATAPOINTS
  // Work bound: every MetricStat query is computed over every period of the range, so cap the
  // product (AWS caps what it returns at 100,800 datapoints; the sandbox must not spin on a 500 × 1 s × 24 h ask).
  let computed = 0
  for (const query of queries) {
    if (!query.MetricStat) continue
    computed += Math.ceil((endMs - startMs) / (query.MetricStat.Period * 1000))
    if (computed > 10 * DEFAULT_MAX_DATAPOINTS) {
      throw invalid(
        `The queries cover more than ${10 * DEFAULT_MAX_DATAPOINTS} periods in all; use longer periods, fewer queries or a shorter range.`,
      )
    }
  }
  const windows = new Map<number, number[]>()
  const windowsOf = (period: number): number[] => {
    let list = windows.get(period)
    if (!list) {
      const round = period < 60 ? period * 1000 : 60_000
      list = []
      for (let t = Math.floor(startMs / round) * round; t < endMs; t += period * 1000) {
        list.push(t)
        if (list.length > DEFAULT_MAX_DATAPOINTS) {
          throw invalid(
            `The query covers more than ${DEFAULT_MAX_DATAPOINTS} periods; use a longer Period or a shorter range.`,
          )
        }
      }
      windows.set(period, list)
    }
    return list
  }
  const results = evaluateQueries(
    cloudWatchOf(ctx.state).region(ctx.region).metrics,
    queries,
    windowsOf,
    (p) => p * 1000,
  )
  const ascending = input['ScanBy'] === 'TimestampAscending'
  let budget = maxPoints
  const out = queries
    .filter((q) => q.ReturnData !== false)
    .map((query) => {
      const points = [...(results.get(query.Id) ?? new Map<number, number>())].sort((a, b) =>
        ascending ? a[0] - b[0] : b[0] - a[0],
      )
      const kept = points.slice(0, Math.max(0, budget))
      budget -= kept.length
      return {
        Id: query.Id,
        Label: query.Label ?? (query.MetricStat ? query.MetricStat.Metric.MetricName : query.Id),
        Timestamps: kept.map(([t]) => t / 1000),
        Values: kept.map(([, v]) => v),
        StatusCode: kept.length < points.length ? 'PartialData' : 'Complete',
      }
    })
  if (out.length === 0) throw new ServiceError('ValidationException', 'No query has ReturnData set to true.')
  return {MetricDataResults: out, Messages: []}
}
