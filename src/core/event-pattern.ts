/**
 * EventBridge event-pattern matching (docs/reference/aws-facts.md#eb-event-patterns). Pure: used by the
 * sandbox's rule engine and TestEventPattern, and by the CLI.
 *
 * A pattern is validated and compiled once into a tree of closures; matching an event then only
 * walks the fields the pattern names, so simple patterns match millions of events per second.
 *
 * Semantics chosen where the AWS docs leave room (each is covered by the fixture corpus):
 * - Exact numbers match by value (`300` matches `300.0`). AWS compares the number's text, but the
 *   event reaches us already parsed, so the two spellings are indistinguishable here.
 * - Types never mix in exact matching: `"5"` does not match `5`, `null` does not match `""`.
 * - Only scalars are leaves. An object value, a missing key and an array holding no scalars all count
 *   as "no value": `exists: true` fails and `exists: false` matches on them.
 * - Event arrays (nested arrays flattened) match when any element matches. Fields of one pattern
 *   object must all match inside the same element of an array of objects, except `exists: false`,
 *   which requires the field to be absent from every element (as AWS does).
 * - `anything-but` matches any leaf value outside its set, including values of another type
 *   (`{"anything-but": "x"}` matches `5` and `null`). Its prefix/suffix/equals-ignore-case/wildcard
 *   forms accept a string or a non-empty list of strings and match non-string values.
 * - Texts longer than {@link MAX_EVENT_PATTERN_LENGTH} characters are rejected (AWS's default quota
 *   is 2048 and can be raised to 4096; we accept the raised limit).
 */

/** A pattern the service would reject (`InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError'
}

/** A parsed, validated pattern ready to match events. */
export interface CompiledPattern {
  matches(event: unknown): boolean
}

/** Longest accepted pattern text, in characters (the highest value AWS's pattern-size quota can take). */
export const MAX_EVENT_PATTERN_LENGTH = 4096

/** Most alternative sub-patterns that `$or` nesting may expand to before the pattern is "too complex". */
export const MAX_OR_COMBINATIONS = 1000

/** Numeric operands must lie in this range (docs/reference/aws-facts.md#eb-event-patterns). */
export const NUMERIC_LIMIT = 5e9

/**
 * Parse and validate a pattern given as JSON text.
 * @returns a compiled pattern whose `matches` tests one event (a parsed JSON object).
 * @throws InvalidEventPatternError when the text is too long, is not JSON, or is not a valid pattern.
 */
export function compilePattern(text: string): CompiledPattern {
  if (text.length > MAX_EVENT_PATTERN_LENGTH) {
    fail(`Event pattern is longer than ${MAX_EVENT_PATTERN_LENGTH} characters`)
  }
  let pattern: unknown
  try {
    pattern = JSON.parse(text)
  } catch {
    fail('Event pattern is not valid JSON')
  }
  if (!isPlainObject(pattern)) fail('Event pattern must be a JSON object')
  const root = compileObject(pattern, '')
  if (root.combinations > MAX_OR_COMBINATIONS) {
    fail(`Event pattern is too complex: it expands to more than ${MAX_OR_COMBINATIONS} combinations`)
  }
  return {matches: (event) => isPlainObject(event) && root.matchOne(event)}
}

/** Test one pattern against one event; convenience for one-off checks (compile once when matching many). */
export function matchesPattern(text: string, event: unknown): boolean {
  return compilePattern(text).matches(event)
}

function fail(reason: string): never {
  throw new InvalidEventPatternError(`Event pattern is not valid. Reason: ${reason}`)
}

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
])

type JsonObject = Record<string, unknown>
type Scalar = string | number | boolean | null
type ScalarTest = (value: Scalar) => boolean
type FieldTest = (obj: JsonObject) => boolean

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

function describe(path: string): string {
  return path === '' ? 'the pattern' : `"${path}"`
}

// ---------------------------------------------------------------------------------------------
// Objects, fields and $or
// ---------------------------------------------------------------------------------------------

interface ObjectNode {
  /** All fields of this pattern object hold for this one event object. */
  matchOne(obj: JsonObject): boolean
  /** Match the event value found under this pattern object's key: an object, an array of them, or anything else. */
  matchValue(value: unknown): boolean
  /** True when the node only asserts absence (`exists: false`), so a missing parent also satisfies it. */
  absenceOnly: boolean
  /** How many plain sub-patterns the `$or`s expand to (AWS caps this). */
  combinations: number
}

function compileObject(pattern: JsonObject, path: string): ObjectNode {
  const keys = Object.keys(pattern)
  if (keys.length === 0) fail(`${describe(path)} is an empty object`)
  // Positive fields must hold within one array element; absence fields must hold for every element.
  const positive: FieldTest[] = []
  const absent: FieldTest[] = []
  let combinations = 1
  for (const key of keys) {
    const rule = pattern[key]
    const fieldPath = path === '' ? key : `${path}.${key}`
    if (key === '$or') {
      const or = compileOr(rule, fieldPath)
      positive.push(or.test)
      combinations *= or.combinations
    } else if (Array.isArray(rule)) {
      const leaf = compileLeaf(rule, fieldPath)
      const test: FieldTest = (obj) => leaf.match(obj[key])
      ;(leaf.absenceOnly ? absent : positive).push(test)
    } else if (isPlainObject(rule)) {
      const child = compileObject(rule, fieldPath)
      const test: FieldTest = (obj) => child.matchValue(obj[key])
      ;(child.absenceOnly ? absent : positive).push(test)
      combinations *= child.combinations
    } else if (OPERATORS.has(key)) {
      // e.g. {"detail": {"exists": true}}: operators only work inside a leaf's match array.
      fail(`${key} is only allowed inside a match array of a leaf field, as in {"${path || 'field'}": [{"${key}": …}]}`)
    } else {
      fail(`match value for ${describe(fieldPath)} must be an array or an object, got ${JSON.stringify(rule)}`)
    }
    combinations = Math.min(combinations, MAX_OR_COMBINATIONS + 1)
  }
  const all = [...absent, ...positive]
  const matchOne = allOf(all)
  const matchPositive = allOf(positive)
  const matchAbsent = allOf(absent)
  const absenceOnly = positive.length === 0
  const matchValue = (value: unknown): boolean => {
    if (isPlainObject(value)) return matchOne(value)
    if (Array.isArray(value)) {
      const elements: JsonObject[] = []
      collectObjects(value, elements)
      for (const element of elements) if (!matchAbsent(element)) return false
      if (absenceOnly) return true
      for (const element of elements) if (matchPositive(element)) return true
      return false
    }
    // A missing or scalar value holds none of the named fields: only pure absence patterns match.
    return absenceOnly
  }
  return {matchOne, matchValue, absenceOnly, combinations}
}

function collectObjects(values: readonly unknown[], out: JsonObject[]): void {
  for (const value of values) {
    if (isPlainObject(value)) out.push(value)
    else if (Array.isArray(value)) collectObjects(value, out)
  }
}

/** AND of field tests, unrolled for the common small cases. */
function allOf(tests: readonly FieldTest[]): FieldTest {
  const [a, b, c] = tests
  switch (tests.length) {
    case 0:
      return () => true
    case 1:
      return a!
    case 2:
      return (obj) => a!(obj) && b!(obj)
    case 3:
      return (obj) => a!(obj) && b!(obj) && c!(obj)
    default:
      return (obj) => {
        for (const test of tests) if (!test(obj)) return false
        return true
      }
  }
}

function compileOr(rule: unknown, path: string): {test: FieldTest; combinations: number} {
  if (!Array.isArray(rule) || rule.length === 0) fail(`${describe(path)} must be a non-empty array of objects`)
  let combinations = 0
  const branches = rule.map((branch, index) => {
    if (!isPlainObject(branch)) fail(`${describe(path)} must contain only objects`)
    const node = compileObject(branch, `${path}[${index}]`)
    combinations += node.combinations
    return node.matchOne
  })
  return {
    test: (obj) => {
      for (const branch of branches) if (branch(obj)) return true
      return false
    },
    combinations,
  }
}

// ---------------------------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------------------------

interface LeafNode {
  match(value: unknown): boolean
  absenceOnly: boolean
}

function compileLeaf(items: readonly unknown[], path: string): LeafNode {
  if (items.length === 0) fail(`empty arrays are not allowed (at ${describe(path)})`)
  const exact = new Set<Scalar>()
  const tests: ScalarTest[] = []
  let existsTrue = false
  let existsFalse = false
  for (const item of items) {
    if (isScalar(item)) {
      exact.add(item)
    } else if (isPlainObject(item)) {
      const op = compileOperator(item, path)
      if (op === 'exists-true') existsTrue = true
      else if (op === 'exists-false') existsFalse = true
      else tests.push(op)
    } else {
      fail(`nested arrays are not allowed in match values (at ${describe(path)})`)
    }
  }
  if (exact.size === 1) {
    const only = exact.values().next().value as Scalar
    tests.unshift((value) => value === only)
  } else if (exact.size > 1) {
    tests.unshift((value) => exact.has(value))
  }
  const scalarTest = anyOf(tests)
  const match = (value: unknown): boolean => {
    if (value === undefined) return existsFalse
    if (Array.isArray(value)) {
      const found = matchArray(value, scalarTest)
      // An array holding no scalars (e.g. []) counts as a missing value.
      return found === 'none' ? existsFalse : found === 'match' || existsTrue
    }
    if (typeof value === 'object' && value !== null) return existsFalse
    return existsTrue || scalarTest(value as Scalar)
  }
  return {match, absenceOnly: tests.length === 0 && !existsTrue && existsFalse}
}

function matchArray(values: readonly unknown[], test: ScalarTest): 'none' | 'match' | 'nomatch' {
  let sawScalar = false
  for (const value of values) {
    if (Array.isArray(value)) {
      const inner = matchArray(value, test)
      if (inner === 'match') return 'match'
      if (inner === 'nomatch') sawScalar = true
    } else if (isScalar(value)) {
      if (test(value)) return 'match'
      sawScalar = true
    }
  }
  return sawScalar ? 'nomatch' : 'none'
}

function anyOf(tests: readonly ScalarTest[]): ScalarTest {
  const [a, b] = tests
  switch (tests.length) {
    case 0:
      return () => false
    case 1:
      return a!
    case 2:
      return (value) => a!(value) || b!(value)
    default:
      return (value) => {
        for (const test of tests) if (test(value)) return true
        return false
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

function compileOperator(item: JsonObject, path: string): ScalarTest | 'exists-true' | 'exists-false' {
  const keys = Object.keys(item)
  if (keys.length !== 1) {
    fail(`a match expression must have exactly one operator, got ${JSON.stringify(item)} at ${describe(path)}`)
  }
  const op = keys[0]!
  const operand = item[op]
  const where = `at ${describe(path)}`
  switch (op) {
    case 'exists':
      if (typeof operand !== 'boolean') fail(`exists match pattern must be either true or false ${where}`)
      return operand ? 'exists-true' : 'exists-false'
    case 'prefix':
      return compileAffix(operand, 'prefix', where)
    case 'suffix':
      return compileAffix(operand, 'suffix', where)
    case 'equals-ignore-case': {
      const lower = requireString(operand, 'equals-ignore-case', where).toLowerCase()
      return (value) => typeof value === 'string' && value.toLowerCase() === lower
    }
    case 'anything-but':
      return compileAnythingBut(operand, where)
    case 'numeric':
      return compileNumeric(operand, where)
    case 'cidr':
      return compileCidr(operand, where)
    case 'wildcard': {
      const test = compileWildcard(requireString(operand, 'wildcard', where), where)
      return (value) => typeof value === 'string' && test(value)
    }
    default:
      fail(`Unrecognized match type ${op} ${where}`)
  }
}

function requireString(operand: unknown, op: string, where: string): string {
  if (typeof operand !== 'string') fail(`${op} match pattern must be a string ${where}`)
  return operand
}

/** Returns a test of strings only; callers decide what non-strings do. */
function compileStringTest(kind: string, operand: string, where: string): (value: string) => boolean {
  switch (kind) {
    case 'prefix':
      return (value) => value.startsWith(operand)
    case 'suffix':
      return (value) => value.endsWith(operand)
    case 'prefix-ic': {
      const lower = operand.toLowerCase()
      return (value) => value.toLowerCase().startsWith(lower)
    }
    case 'suffix-ic': {
      const lower = operand.toLowerCase()
      return (value) => value.toLowerCase().endsWith(lower)
    }
    case 'equals-ignore-case': {
      const lower = operand.toLowerCase()
      return (value) => value.toLowerCase() === lower
    }
    default:
      return compileWildcard(operand, where)
  }
}

function compileAffix(operand: unknown, op: 'prefix' | 'suffix', where: string): ScalarTest {
  if (typeof operand === 'string') {
    const test = compileStringTest(op, operand, where)
    return (value) => typeof value === 'string' && test(value)
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand)
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      const inner = requireString(operand['equals-ignore-case'], `${op} equals-ignore-case`, where)
      const test = compileStringTest(`${op}-ic`, inner, where)
      return (value) => typeof value === 'string' && test(value)
    }
    fail(`${op} only supports equals-ignore-case as a nested operator ${where}`)
  }
  fail(`${op} match pattern must be a string ${where}`)
}

function compileAnythingBut(operand: unknown, where: string): ScalarTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value !== operand
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail(`anything-but list must not be empty ${where}`)
    const allStrings = operand.every((v) => typeof v === 'string')
    const allNumbers = operand.every((v) => typeof v === 'number')
    if (!allStrings && !allNumbers) fail(`anything-but list must contain only strings or only numbers ${where}`)
    const excluded = new Set<unknown>(operand)
    return (value) => !excluded.has(value)
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand)
    const kind = keys[0]
    if (keys.length !== 1 || !['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(kind!)) {
      fail(`anything-but supports only prefix, suffix, equals-ignore-case or wildcard as a nested operator ${where}`)
    }
    const inner = operand[kind!]
    const values = Array.isArray(inner) ? inner : [inner]
    if (values.length === 0) fail(`anything-but ${kind} list must not be empty ${where}`)
    const tests = values.map((v) => compileStringTest(kind!, requireString(v, `anything-but ${kind}`, where), where))
    // Non-strings cannot begin, end with or equal a string, so they are always "anything but" it.
    return (value) => {
      if (typeof value !== 'string') return true
      for (const test of tests) if (test(value)) return false
      return true
    }
  }
  fail(`anything-but match pattern must be a string, a number, a list of either, or a nested operator ${where}`)
}

/** `{"numeric": ["=", 5]}`, `[">", 0]`, `[">", 0, "<=", 5]` (either bound first). */
function compileNumeric(operand: unknown, where: string): ScalarTest {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    fail(`numeric match pattern must be an array of one or two operator/number pairs ${where}`)
  }
  let lower: {value: number; inclusive: boolean} | undefined
  let upper: {value: number; inclusive: boolean} | undefined
  let equals: number | undefined
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i]
    const value: unknown = operand[i + 1]
    if (typeof value !== 'number') fail(`numeric operator ${JSON.stringify(op)} needs a number operand ${where}`)
    if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
      fail(`numeric value ${value} is outside the range -5.0e9 to 5.0e9 ${where}`)
    }
    if (op === '=') {
      if (operand.length !== 2) fail(`numeric "=" cannot be combined with another operator ${where}`)
      equals = value
    } else if (op === '>' || op === '>=') {
      if (lower) fail(`numeric range has two lower bounds ${where}`)
      lower = {value, inclusive: op === '>='}
    } else if (op === '<' || op === '<=') {
      if (upper) fail(`numeric range has two upper bounds ${where}`)
      upper = {value, inclusive: op === '<='}
    } else {
      fail(`Unrecognized numeric range operator ${JSON.stringify(op)} ${where}`)
    }
  }
  if (equals !== undefined) {
    const target = equals
    return (value) => value === target
  }
  if (
    lower &&
    upper &&
    (lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive)))
  ) {
    fail(`numeric range is empty: the lower bound is not below the upper bound ${where}`)
  }
  const lo = lower?.value ?? -Infinity
  const hi = upper?.value ?? Infinity
  const loIn = lower?.inclusive ?? true
  const hiIn = upper?.inclusive ?? true
  return (value) => typeof value === 'number' && (loIn ? value >= lo : value > lo) && (hiIn ? value <= hi : value < hi)
}

// ---------------------------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------------------------

/**
 * `*` matches any run of characters (including none); `\*` is a literal star and `\\` a literal
 * backslash. Any other escape, a trailing backslash or two consecutive `*` is invalid (AWS rejects
 * `**` because it adds nothing but cost).
 */
function compileWildcard(pattern: string, where: string): (value: string) => boolean {
  const segments: string[] = []
  let current = ''
  let lastWasStar = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '\\') {
      const next = pattern[i + 1]
      if (next !== '*' && next !== '\\') fail(`wildcard pattern has an invalid escape sequence ${where}`)
      current += next
      i++
      lastWasStar = false
    } else if (ch === '*') {
      if (lastWasStar) fail(`wildcard pattern must not contain consecutive "*" characters ${where}`)
      segments.push(current)
      current = ''
      lastWasStar = true
    } else {
      current += ch
      lastWasStar = false
    }
  }
  segments.push(current)
  if (segments.length === 1) return (value) => value === current
  const first = segments[0]!
  const last = segments[segments.length - 1]!
  const middle = segments.slice(1, -1).filter((s) => s !== '')
  const minLength = first.length + last.length
  // Leftmost-first search of each middle segment is exact for patterns whose only metacharacter is `*`.
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false
    let from = first.length
    const end = value.length - last.length
    for (const segment of middle) {
      const at = value.indexOf(segment, from)
      if (at < 0 || at + segment.length > end) return false
      from = at + segment.length
    }
    return true
  }
}

// ---------------------------------------------------------------------------------------------
// CIDR
// ---------------------------------------------------------------------------------------------

function compileCidr(operand: unknown, where: string): ScalarTest {
  const text = requireString(operand, 'cidr', where)
  const slash = text.indexOf('/')
  const bits = slash < 0 ? NaN : Number(text.slice(slash + 1))
  const address = slash < 0 ? undefined : parseIp(text.slice(0, slash))
  if (!address || !/^\d{1,3}$/.test(text.slice(slash + 1)) || bits > address.length * 16) {
    fail(`cidr match pattern must be an IPv4 or IPv6 range such as 10.0.0.0/24 ${where}`)
  }
  const masks = groupMasks(bits, address.length)
  const network = address.map((group, i) => group & masks[i]!)
  return (value) => {
    if (typeof value !== 'string') return false
    const ip = parseIp(value)
    if (!ip || ip.length !== network.length) return false
    for (let i = 0; i < ip.length; i++) if ((ip[i]! & masks[i]!) !== network[i]) return false
    return true
  }
}

/** Per-16-bit-group masks for a prefix length. */
function groupMasks(bits: number, groups: number): number[] {
  const masks: number[] = []
  for (let i = 0; i < groups; i++) {
    const take = Math.max(0, Math.min(16, bits - i * 16))
    masks.push(take === 0 ? 0 : (0xffff << (16 - take)) & 0xffff)
  }
  return masks
}

/** IPv4 as two 16-bit groups, IPv6 as eight; undefined if not an address. */
export function parseIp(text: string): number[] | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text)
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes: number[] = []
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    bytes.push(n)
  }
  return [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!]
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    const pieces = part.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece)
        if (!v4) return undefined
        groups.push(...v4)
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined
        groups.push(parseInt(piece, 16))
      }
    }
    return groups
  }
  const head = parseGroups(halves[0]!)
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : []
  if (!head || !tail) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  if (missing < 1) return undefined
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}
