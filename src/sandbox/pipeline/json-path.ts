/**
 * The JSONPath subset EventBridge accepts in `InputPath`, `InputPathsMap` and `HttpParameters`
 * values: `$`, dot members (`$.detail.cacheName`, `$.detail-type`), bracketed members
 * (`$['a b']`, `$["x"]`) and array indexes (`$.resources[0]`). Filters, slices and wildcards are
 * not part of what EventBridge documents for targets, so they are not paths here.
 */

/** A compiled path: `get` returns the selected value, or `undefined` when the path does not exist. */
export interface JsonPath {
  readonly text: string
  get(root: unknown): unknown
}

type Step = string | number

/**
 * Compile `text` as a JSONPath of the supported subset.
 *
 * @returns the compiled path, or `undefined` when `text` is not such a path (callers then treat the
 *   value as a literal, as EventBridge does for parameter values that are not paths).
 */
export function compileJsonPath(text: string): JsonPath | undefined {
  if (!text.startsWith('$')) return undefined
  const steps: Step[] = []
  let i = 1
  while (i < text.length) {
    const c = text[i]
    if (c === '.') {
      let end = i + 1
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++
      const name = text.slice(i + 1, end)
      if (name === '' || name === '*') return undefined
      steps.push(name)
      i = end
    } else if (c === '[') {
      const close = text.indexOf(']', i)
      if (close < 0) return undefined
      const inner = text.slice(i + 1, close).trim()
      if (/^\d+$/.test(inner)) steps.push(Number(inner))
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push(inner.slice(1, -1))
      else return undefined
      i = close + 1
    } else {
      return undefined
    }
  }
  return {text, get: (root) => walk(root, steps)}
}

function walk(root: unknown, steps: readonly Step[]): unknown {
  let value = root
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(value) || step >= value.length) return undefined
      value = value[step]
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
      if (!Object.hasOwn(value, step)) return undefined
      value = (value as Record<string, unknown>)[step]
    }
  }
  return value
}

/**
 * A target parameter value (path, query string or header): a whole JSONPath, resolved against the
 * original event, or a literal. Paths never match part of a value
 * (docs/reference/aws-facts.md#eb-rule-target).
 */
export interface ParameterValue {
  /** The value as sent: missing fields are `''`, numbers and booleans stringified, objects as JSON. */
  resolve(event: unknown): string
}

/** Compile a target parameter value once per target. */
export function compileParameterValue(text: string): ParameterValue {
  const path = compileJsonPath(text)
  if (!path) return {resolve: () => text}
  return {resolve: (event) => stringifyParameter(path.get(event))}
}

/**
 * How EventBridge renders a selected value in a URL or header: a missing field becomes the empty
 * string (observed on AWS, docs/reference/aws-facts.md#eb-rule-target, #empty-query-values), scalars their
 * text, structures JSON. A JSON `null` is also rendered empty: producers use it for "no value", and
 * `key_base64=null` would otherwise reach Momento as a second key.
 */
export function stringifyParameter(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}
