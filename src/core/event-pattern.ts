/**
 * EventBridge event-pattern matching (aws-semantics D.2). Pure: used by the sandbox's rule engine
 * and TestEventPattern, and by the CLI. Placeholder until the matcher lands: exact matching only.
 */

/** A pattern the service would reject (`InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {}

/** A parsed, validated pattern ready to match events. */
export interface CompiledPattern {
  matches(event: unknown): boolean
}

/** Parse and validate a pattern given as JSON text; throws InvalidEventPatternError. */
export function compilePattern(text: string): CompiledPattern {
  let pattern: unknown
  try {
    pattern = JSON.parse(text)
  } catch {
    throw new InvalidEventPatternError('Event pattern is not valid JSON.')
  }
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) {
    throw new InvalidEventPatternError('Event pattern must be a JSON object.')
  }
  return {matches: (event) => matchObject(pattern as Record<string, unknown>, event)}
}

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false
  const record = event as Record<string, unknown>
  return Object.entries(pattern).every(([key, rule]) => {
    const value = record[key]
    if (Array.isArray(rule)) return rule.some((r) => r === value || (Array.isArray(value) && value.includes(r)))
    if (typeof rule === 'object' && rule !== null) return matchObject(rule as Record<string, unknown>, value)
    return false
  })
}
