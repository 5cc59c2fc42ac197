import type {Operation} from '../../protocol/context.js'
import {cloudWatchOf} from '../model.js'
import {invalid} from '../queries.js'

const PAGE = 500

/** ListMetrics: filter by namespace, name and dimensions (a filter without Value matches any value); 500 per page. */
export const listMetrics: Operation = (input, ctx) => {
  const namespace = input['Namespace'] as string | undefined
  const name = input['MetricName'] as string | undefined
  const filters = (input['Dimensions'] as {Name: string; Value?: string}[] | undefined) ?? []
  const token = input['NextToken'] as string | undefined
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0) {
    throw invalid('The service cannot read the NextToken: pass the token the previous page returned.')
  }
  const all = [...cloudWatchOf(ctx.state).region(ctx.region).metrics.all()]
    .filter(
      (s) =>
        (namespace === undefined || s.namespace === namespace) &&
        (name === undefined || s.metricName === name) &&
        filters.every((f) => f.Name in s.dimensions && (f.Value === undefined || s.dimensions[f.Name] === f.Value)),
    )
    .map((s) => ({
      Namespace: s.namespace,
      MetricName: s.metricName,
      Dimensions: Object.entries(s.dimensions).map(([Name, Value]) => ({Name, Value})),
    }))
  const page = all.slice(start, start + PAGE)
  return {Metrics: page, ...(start + PAGE < all.length ? {NextToken: String(start + PAGE)} : {})}
}
