/**
 * Metric data queries as GetMetricData and metric-math alarms use them: `MetricStat` queries over
 * a list of windows, and simple metric-math expressions over the other queries' results.
 *
 * Expressions supported: numbers, query ids, `+ - * /`, parentheses, unary minus, and the functions
 * `SUM`, `AVG`, `MIN`, `MAX` (of a list `[m1, m2]` or of one series: its value per timestamp) and
 * `FILL(series, number)`. As on AWS, an arithmetic operation between two series has a value only at
 * timestamps where both have one; `SUM([…])` etc. combine the values present at each timestamp;
 * dividing by zero gives no value there. Anything else is refused with AWS's error code
 * (ValidationError) and says what the sandbox supports.
 */
import {ServiceError} from '../protocol/errors.js'
import {isSupportedStat, type MetricsStore} from './metrics-store.js'

/** A series as the queries compute it: window start (ms) → value. */
export type Points = Map<number, number>

export interface MetricQuery {
  Id: string
  MetricStat?: {
    Metric: {Namespace: string; MetricName: string; Dimensions?: {Name: string; Value: string}[]}
    Period: number
    Stat: string
    Unit?: string
  }
  Expression?: string
  Label?: string
  ReturnData?: boolean
  Period?: number
}

export function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message, 400, {queryCode: 'InvalidParameterValue'})
}

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationException', message, 400, {queryCode: 'ValidationError'})
}

export function dimensionsOf(list: readonly {Name: string; Value: string}[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of list ?? []) out[d.Name] = d.Value
  return out
}

/**
 * Evaluate every query: `windowsOf(period)` gives the window starts for a period (seconds) and
 * `windowMs(period)` the length of each window. Returns the points of each query id.
 */
export function evaluateQueries(
  store: MetricsStore,
  queries: readonly MetricQuery[],
  windowsOf: (periodSeconds: number) => readonly number[],
  windowMs: (periodSeconds: number) => number,
): Map<string, Points> {
  const results = new Map<string, Points>()
  const byId = new Map(queries.map((q) => [q.Id, q]))
  const evaluating = new Set<string>()
  const periodOf = (q: MetricQuery): number => q.MetricStat?.Period ?? q.Period ?? firstPeriod(queries)

  const resolve = (id: string): Points => {
    const cached = results.get(id)
    if (cached) return cached
    const query = byId.get(id)
    if (!query) throw validation(`Error in expression: Unknown metric or expression id ${id}.`)
    if (evaluating.has(id)) throw validation(`Error in expression ${id}: circular reference.`)
    evaluating.add(id)
    let points: Points
    if (query.MetricStat) {
      const stat = query.MetricStat
      points = new Map()
      const series = store.get(stat.Metric.Namespace, stat.Metric.MetricName, dimensionsOf(stat.Metric.Dimensions))
      if (series) {
        const length = windowMs(stat.Period)
        for (const start of windowsOf(stat.Period)) {
          const value = series.stat(stat.Stat, start, start + length)
          if (value !== undefined) points.set(start, value)
        }
      }
    } else {
      const period = periodOf(query)
      const value = new Parser(query.Expression ?? '', resolve, windowsOf(period)).parse()
      points = typeof value === 'number' ? new Map(windowsOf(period).map((start) => [start, value])) : value
    }
    evaluating.delete(id)
    results.set(id, points)
    return points
  }
  for (const query of queries) resolve(query.Id)
  return results
}

function firstPeriod(queries: readonly MetricQuery[]): number {
  for (const q of queries) if (q.MetricStat) return q.MetricStat.Period
  return 60
}

/** Check one query's shape (the parts the model cannot express). */
export function checkQuery(query: MetricQuery, where: string): void {
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) {
    throw validation(
      `Invalid metrics list: The value ${query.Id} for parameter ${where}.Id is not valid. ` +
        'The Id must start with a lower-case letter and contain only letters, numbers and underscores.',
    )
  }
  if (!query.MetricStat === !query.Expression) {
    throw validation(`Invalid metrics list: ${where} must have exactly one of MetricStat and Expression.`)
  }
  if (query.MetricStat) {
    const {Period, Stat} = query.MetricStat
    checkPeriod(Period, `${where}.MetricStat.Period`)
    if (!isSupportedStat(Stat)) {
      throw validation(
        `The value ${Stat} for parameter ${where}.MetricStat.Stat is not supported by the sandbox. ` +
          'Use Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99.',
      )
    }
  }
}

/** GetMetricData: a period is 1, 5, 10, 20, 30 or a multiple of 60 seconds (botocore cloudwatch 2010-08-01). */
export function checkPeriod(period: number, where: string): void {
  if (![1, 5, 10, 20, 30].includes(period) && !(period >= 60 && period % 60 === 0)) {
    throw invalid(`The parameter ${where} must be 1, 5, 10, 20, 30, or a multiple of 60.`)
  }
}

type Value = number | Points

const FUNCTIONS = new Set(['SUM', 'AVG', 'MIN', 'MAX', 'FILL'])

/** A small recursive-descent parser that evaluates as it goes. */
class Parser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly resolve: (id: string) => Points,
    private readonly windows: readonly number[],
  ) {}

  parse(): Value {
    const value = this.expr()
    this.space()
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 10)}'`)
    return value
  }

  private fail(why: string): never {
    throw validation(
      `Error in expression '${this.text}': ${why}. The sandbox supports numbers, ids, + - * /, ` +
        'parentheses, SUM/AVG/MIN/MAX([…]) and FILL(series, number).',
    )
  }

  private space(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++
  }

  private peek(): string {
    this.space()
    return this.text[this.pos] ?? ''
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'`)
    this.pos++
  }

  private expr(): Value {
    let left = this.term()
    for (;;) {
      const c = this.peek()
      if (c !== '+' && c !== '-') return left
      this.pos++
      left = binary(left, this.term(), c === '+' ? (a, b) => a + b : (a, b) => a - b)
    }
  }

  private term(): Value {
    let left = this.factor()
    for (;;) {
      const c = this.peek()
      if (c !== '*' && c !== '/') return left
      this.pos++
      left = binary(left, this.factor(), c === '*' ? (a, b) => a * b : (a, b) => (b === 0 ? undefined : a / b))
    }
  }

  private factor(): Value {
    const c = this.peek()
    if (c === '(') {
      this.pos++
      const value = this.expr()
      this.expect(')')
      return value
    }
    if (c === '-') {
      this.pos++
      return binary(0, this.factor(), (a, b) => a - b)
    }
    const number = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.pos))
    if (number) {
      this.pos += number[0].length
      return Number(number[0])
    }
    const word = /^[A-Za-z][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))
    if (!word) this.fail('expected a number, an id or a function')
    this.pos += word[0].length
    if (FUNCTIONS.has(word[0]) && this.peek() === '(') return this.call(word[0])
    return this.resolve(word[0])
  }

  private call(name: string): Value {
    this.expect('(')
    if (name === 'FILL') {
      const series = this.expr()
      this.expect(',')
      const fill = this.expr()
      this.expect(')')
      if (typeof series === 'number') return series
      if (typeof fill !== 'number') this.fail('FILL takes a number as its second argument')
      const out: Points = new Map()
      for (const start of this.windows) out.set(start, series.get(start) ?? fill)
      return out
    }
    const items: Value[] = []
    if (this.peek() === '[') {
      this.pos++
      if (this.peek() !== ']') {
        items.push(this.expr())
        while (this.peek() === ',') {
          this.pos++
          items.push(this.expr())
        }
      }
      this.expect(']')
    } else {
      items.push(this.expr())
    }
    this.expect(')')
    return combine(name, items, this.windows)
  }
}

function binary(a: Value, b: Value, op: (x: number, y: number) => number | undefined): Value {
  if (typeof a === 'number' && typeof b === 'number') return op(a, b) ?? Number.NaN
  const out: Points = new Map()
  if (typeof a === 'number') {
    for (const [t, y] of b as Points) put(out, t, op(a, y))
  } else if (typeof b === 'number') {
    for (const [t, x] of a) put(out, t, op(x, b))
  } else {
    for (const [t, x] of a) {
      const y = b.get(t)
      if (y !== undefined) put(out, t, op(x, y))
    }
  }
  return out
}

function put(out: Points, t: number, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) out.set(t, value)
}

/** SUM/AVG/MIN/MAX of a list (per timestamp), or of one series (its value at each timestamp). */
function combine(name: string, items: readonly Value[], windows: readonly number[]): Value {
  const reduce = (values: number[]): number => {
    if (name === 'SUM') return values.reduce((s, v) => s + v, 0)
    if (name === 'AVG') return values.reduce((s, v) => s + v, 0) / values.length
    if (name === 'MIN') return Math.min(...values)
    return Math.max(...values)
  }
  if (items.every((item) => typeof item === 'number')) return reduce(items as number[])
  const out: Points = new Map()
  for (const start of windows) {
    const values: number[] = []
    for (const item of items) {
      const v = typeof item === 'number' ? item : item.get(start)
      if (v !== undefined) values.push(v)
    }
    if (values.length > 0) out.set(start, reduce(values))
  }
  return out
}
