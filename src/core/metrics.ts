/**
 * The shapes of CloudWatch metrics and alarms as the tool uses them: the adapter
 * (src/adapters/aws/cloudwatch.ts) returns them, `top` (top-model.ts) and `status` (alarm-status.ts)
 * read them. One definition, here, because core and services import no adapter.
 */

/** One series to fetch. `id` must start with a lower-case letter (AWS's rule for query ids). */
export interface MetricSpec {
  readonly id: string
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: Readonly<Record<string, string>>
  /** `Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount`, or a percentile such as `p99`. */
  readonly stat: string
}

/** A fetched series, oldest point first. */
export interface MetricSeries {
  readonly id: string
  readonly timestamps: readonly number[]
  readonly values: readonly number[]
  /** `Complete`, or `PartialData` when AWS cut the answer short. */
  readonly status: string
}

/** The window and resolution of a fetch. */
export interface MetricWindow {
  readonly startMs: number
  readonly endMs: number
  /** Seconds per point: 60 or a multiple of 60 (1, 5, 10 and 30 only for high-resolution metrics). */
  readonly periodSeconds: number
}

/** An alarm's state as `status` and `top` show it. */
export interface AlarmView {
  readonly name: string
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
  readonly reason: string
  readonly updatedAt?: number | undefined
  readonly description?: string | undefined
  readonly metricName?: string | undefined
  readonly namespace?: string | undefined
}
