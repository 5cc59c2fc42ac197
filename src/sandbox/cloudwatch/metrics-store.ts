/**
 * The sandbox's CloudWatch metric storage: one series per (namespace, metric name, dimension set),
 * each a run of 1-second buckets (sum, sample count, min, max) in time order.
 *
 * Resolution: every datapoint lands in the 1-second bucket of its timestamp, so the sandbox treats
 * all its data as high resolution (AWS keeps standard-resolution data per minute; a query for a
 * 60-second or longer period gives the same answer either way, and a 1/5/10/30-second period works
 * on any sandbox series, where AWS would answer it only for high-resolution metrics).
 *
 * Memory is bounded: a series keeps at most 24 hours of buckets (AWS keeps 1-minute data for 15
 * days; the sandbox is for live views and tests) and at most MAX_BUCKETS of them; a region keeps at
 * most MAX_SERIES series (past that, data for new series is dropped and counted in `dropped`).
 * Buckets exist only for seconds that had data, so a quiet series costs almost nothing.
 */

/** How long data stays, in ms of sandbox time. */
export const RETENTION_MS = 24 * 60 * 60 * 1000
/** Buckets per series at most (24 h of 1-second buckets). */
export const MAX_BUCKETS = 86_400
/** Series per region at most. */
export const MAX_SERIES = 10_000

export type Dimensions = Readonly<Record<string, string>>

/** One series' 1-second buckets, as parallel arrays (cheap to append and to binary-search). */
export class MetricSeriesData {
  readonly seconds: number[] = []
  readonly sums: number[] = []
  readonly counts: number[] = []
  readonly mins: number[] = []
  readonly maxs: number[] = []
  /** Unit of the last datum (CloudWatch keeps the unit per datum; one per series is enough here). */
  unit: string | undefined

  constructor(
    readonly namespace: string,
    readonly metricName: string,
    readonly dimensions: Dimensions,
  ) {}

  /** Add `count` samples summing to `sum` (with their min and max) at `atMs`. */
  add(atMs: number, sum: number, count: number, min: number, max: number): void {
    const second = Math.floor(atMs / 1000)
    const n = this.seconds.length
    let i = n
    // Most data land in the newest bucket (the pipeline's, a dozen per event): no search for them.
    if (n > 0 && this.seconds[n - 1] === second) {
      this.sums[n - 1] = (this.sums[n - 1] as number) + sum
      this.counts[n - 1] = (this.counts[n - 1] as number) + count
      this.mins[n - 1] = Math.min(this.mins[n - 1] as number, min)
      this.maxs[n - 1] = Math.max(this.maxs[n - 1] as number, max)
      return
    }
    if (n > 0 && (this.seconds[n - 1] as number) >= second) {
      i = this.indexAtOrAfter(second)
      if (this.seconds[i] === second) {
        this.sums[i] = (this.sums[i] as number) + sum
        this.counts[i] = (this.counts[i] as number) + count
        this.mins[i] = Math.min(this.mins[i] as number, min)
        this.maxs[i] = Math.max(this.maxs[i] as number, max)
        return
      }
    }
    this.seconds.splice(i, 0, second)
    this.sums.splice(i, 0, sum)
    this.counts.splice(i, 0, count)
    this.mins.splice(i, 0, min)
    this.maxs.splice(i, 0, max)
  }

  /** Drop buckets older than `oldestSecond` and any beyond MAX_BUCKETS (oldest first). */
  trim(oldestSecond: number): void {
    let drop = this.indexAtOrAfter(oldestSecond)
    drop = Math.max(drop, this.seconds.length - MAX_BUCKETS)
    if (drop <= 0) return
    for (const array of [this.seconds, this.sums, this.counts, this.mins, this.maxs]) array.splice(0, drop)
  }

  /** The first bucket index whose second is >= `second`. */
  indexAtOrAfter(second: number): number {
    let lo = 0
    let hi = this.seconds.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.seconds[mid] as number) < second) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * The statistic over the buckets in [startMs, endMs), or undefined when there is no sample (AWS
   * returns no datapoint for an empty period, never a zero).
   */
  stat(stat: string, startMs: number, endMs: number): number | undefined {
    const from = this.indexAtOrAfter(Math.ceil(startMs / 1000))
    const to = this.indexAtOrAfter(Math.ceil(endMs / 1000))
    if (from >= to) return undefined
    let sum = 0
    let count = 0
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    for (let i = from; i < to; i++) {
      sum += this.sums[i] as number
      count += this.counts[i] as number
      min = Math.min(min, this.mins[i] as number)
      max = Math.max(max, this.maxs[i] as number)
    }
    if (count === 0) return undefined
    switch (stat) {
      case 'Sum':
        return sum
      case 'SampleCount':
        return count
      case 'Average':
        return sum / count
      case 'Minimum':
        return min
      case 'Maximum':
        return max
    }
    const percentile = PERCENTILE.exec(stat)
    if (percentile) {
      // The sandbox keeps no individual samples: a percentile is taken over the 1-second buckets'
      // maxima, nearest rank. That is an upper bound of the true percentile (the worst case).
      const maxima = this.maxs.slice(from, to).sort((a, b) => a - b)
      const rank = Math.max(1, Math.ceil((Number(percentile[1]) / 100) * maxima.length))
      return maxima[rank - 1]
    }
    return undefined
  }
}

export const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/

/** The statistics the sandbox computes. */
export function isSupportedStat(stat: string): boolean {
  return ['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum'].includes(stat) || PERCENTILE.test(stat)
}

/** Dimension sets already turned into key text (the pipeline observer reuses its objects). */
const DIMENSION_KEYS = new WeakMap<Dimensions, string>()

/** The key of a series: namespace, name and the dimension set (order does not matter, as on AWS). */
export function seriesKey(namespace: string, metricName: string, dimensions: Dimensions): string {
  let dims = DIMENSION_KEYS.get(dimensions)
  if (dims === undefined) {
    dims = Object.keys(dimensions)
      .sort()
      .map((name) => `${name}=${dimensions[name]}`)
      .join('\u0001')
    // Only frozen objects are cached: a caller's mutable object could change under the cache.
    if (Object.isFrozen(dimensions)) DIMENSION_KEYS.set(dimensions, dims)
  }
  return `${namespace}\u0000${metricName}\u0000${dims}`
}

/** The metrics of one account and region. */
export class MetricsStore {
  private readonly series = new Map<string, MetricSeriesData>()
  /**
   * The series of a frozen dimension object by namespace and name: the pipeline's observer records
   * about a dozen datapoints per event with the same few frozen objects, and three Map lookups on
   * constant strings cost far less than building and hashing the series key each time. Started over
   * whenever a series is dropped (`maybeTrim`).
   */
  private byFrozenDimensions = new WeakMap<Dimensions, Map<string, Map<string, MetricSeriesData>>>()
  private lastTrimMs = 0
  /** Datapoints dropped because the region held MAX_SERIES series already. */
  dropped = 0

  constructor(private readonly now: () => number) {}

  /** Record a datum (`count` samples summing to `sum`) at `atMs`. */
  put(
    namespace: string,
    metricName: string,
    dimensions: Dimensions,
    atMs: number,
    sample: {sum: number; count: number; min: number; max: number},
    unit?: string,
  ): void {
    const series = this.seriesFor(namespace, metricName, dimensions)
    if (!series) return
    series.add(atMs, sample.sum, sample.count, sample.min, sample.max)
    if (unit) series.unit = unit
    this.maybeTrim(atMs)
  }

  /** Shorthand for one sample. */
  add(namespace: string, metricName: string, dimensions: Dimensions, value: number, atMs: number, unit?: string): void {
    const series = this.seriesFor(namespace, metricName, dimensions)
    if (!series) return
    series.add(atMs, value, 1, value, value)
    if (unit) series.unit = unit
    this.maybeTrim(atMs)
  }

  /** The series to add to, created if need be; undefined (and counted in `dropped`) past MAX_SERIES. */
  private seriesFor(namespace: string, metricName: string, dimensions: Dimensions): MetricSeriesData | undefined {
    const frozen = Object.isFrozen(dimensions)
    let byNamespace = frozen ? this.byFrozenDimensions.get(dimensions) : undefined
    const cached = byNamespace?.get(namespace)?.get(metricName)
    if (cached) return cached
    const key = seriesKey(namespace, metricName, dimensions)
    let series = this.series.get(key)
    if (!series) {
      if (this.series.size >= MAX_SERIES) {
        this.dropped++
        return undefined
      }
      series = new MetricSeriesData(namespace, metricName, {...dimensions})
      this.series.set(key, series)
    }
    if (frozen) {
      if (!byNamespace) this.byFrozenDimensions.set(dimensions, (byNamespace = new Map()))
      let byName = byNamespace.get(namespace)
      if (!byName) byNamespace.set(namespace, (byName = new Map()))
      byName.set(metricName, series)
    }
    return series
  }

  get(namespace: string, metricName: string, dimensions: Dimensions): MetricSeriesData | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions))
  }

  all(): IterableIterator<MetricSeriesData> {
    return this.series.values()
  }

  /**
   * At most once a minute: forget data older than the retention (and series left empty). The
   * datum's time stands in for the clock in the once-a-minute check (the pipeline's data are
   * stamped with the clock's time; reading the clock a dozen times per event is measurable), the
   * clock itself decides what is old; a datum from the past never triggers a trim, the next one does.
   */
  private maybeTrim(atMs: number): void {
    if (atMs - this.lastTrimMs < 60_000) return
    const now = this.now()
    if (now - this.lastTrimMs < 60_000) return
    this.lastTrimMs = now
    const oldest = Math.floor((now - RETENTION_MS) / 1000)
    let dropped = false
    for (const [key, series] of this.series) {
      series.trim(oldest)
      if (series.seconds.length === 0) {
        this.series.delete(key)
        dropped = true
      }
    }
    if (dropped) this.byFrozenDimensions = new WeakMap()
  }
}
