import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {cloudWatchOf} from '../model.js'
import {dimensionsOf, invalid} from '../queries.js'

/** AWS accepts datapoints up to two weeks old and up to two hours in the future (PutMetricData reference). */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000
const MAX_AHEAD_MS = 2 * 3600 * 1000
const LIMIT = 2 ** 360

interface Datum {
  MetricName: string
  Dimensions?: {Name: string; Value: string}[]
  Timestamp?: number
  Value?: number
  Values?: number[]
  Counts?: number[]
  StatisticValues?: {SampleCount: number; Sum: number; Minimum: number; Maximum: number}
  Unit?: string
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LIMIT) {
    throw invalid(`The value ${String(value)} for parameter ${where} is invalid.`)
  }
  return value
}

/** PutMetricData: one datum per item (Value, Values+Counts or StatisticValues); nothing is stored if any item is bad. */
export const putMetricData: Operation = (input, ctx) => {
  const namespace = input['Namespace'] as string
  // The AWS/ prefix is reserved for AWS services' own metrics.
  if (namespace.startsWith('AWS/')) throw invalid(`The value ${namespace} for parameter Namespace is invalid.`)
  const data = (input['MetricData'] as Datum[] | undefined) ?? []
  if (data.length === 0) {
    throw new ServiceError('MissingRequiredParameterException', 'The parameter MetricData is required.', 400, {
      queryCode: 'MissingParameter',
    })
  }
  if (data.length > 1000) throw invalid('The collection MetricData must not have a size greater than 1000.')
  const now = ctx.state.now()
  const samples = data.map((datum, i) => {
    const where = `MetricData.member.${i + 1}`
    const at = datum.Timestamp === undefined ? now : datum.Timestamp * 1000
    if (at < now - MAX_AGE_MS || at > now + MAX_AHEAD_MS) {
      throw invalid(
        `The parameter ${where}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.`,
      )
    }
    const kinds = [datum.Value !== undefined, datum.Values !== undefined, datum.StatisticValues !== undefined].filter(
      Boolean,
    )
    if (kinds.length > 1) {
      throw new ServiceError(
        'InvalidParameterCombination',
        `The parameters ${where}.Value, ${where}.Values and ${where}.StatisticValues are mutually exclusive and you have specified more than one.`,
        400,
        {queryCode: 'InvalidParameterCombination'},
      )
    }
    if (datum.StatisticValues) {
      const s = datum.StatisticValues
      const count = finite(s.SampleCount, `${where}.StatisticValues.SampleCount`)
      return {
        datum,
        at,
        sample: {
          sum: finite(s.Sum, `${where}.StatisticValues.Sum`),
          count,
          min: finite(s.Minimum, `${where}.StatisticValues.Minimum`),
          max: finite(s.Maximum, `${where}.StatisticValues.Maximum`),
        },
      }
    }
    if (datum.Values) {
      const counts = datum.Counts ?? datum.Values.map(() => 1)
      if (counts.length !== datum.Values.length) {
        throw invalid(`The parameters ${where}.Values and ${where}.Counts must be arrays of the same length.`)
      }
      if (datum.Values.length > 150)
        throw invalid(`The collection ${where}.Values must not have a size greater than 150.`)
      let sum = 0
      let count = 0
      let min = Number.POSITIVE_INFINITY
      let max = Number.NEGATIVE_INFINITY
      datum.Values.forEach((v, k) => {
        const value = finite(v, `${where}.Values.member.${k + 1}`)
        const c = finite(counts[k], `${where}.Counts.member.${k + 1}`)
        sum += value * c
        count += c
        min = Math.min(min, value)
        max = Math.max(max, value)
      })
      return {datum, at, sample: {sum, count, min, max}}
    }
    const value = finite(datum.Value ?? 0, `${where}.Value`)
    return {datum, at, sample: {sum: value, count: 1, min: value, max: value}}
  })
  const metrics = cloudWatchOf(ctx.state).region(ctx.region).metrics
  for (const {datum, at, sample} of samples) {
    if (sample.count <= 0) continue
    metrics.put(namespace, datum.MetricName, dimensionsOf(datum.Dimensions), at, sample, datum.Unit)
  }
  return {}
}
