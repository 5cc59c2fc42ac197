/**
 * CloudWatch Logs filter patterns, the subset the sandbox supports (CloudWatch Logs user guide,
 * "Filter pattern syntax for metric filters, subscription filters, and filter log events"):
 *
 * - empty: every event;
 * - terms: `ERROR`, `"exact phrase"` (all must occur, case-sensitive), `?a ?b` (any of them),
 *   `-term` (must not occur);
 * - JSON: `{ $.a = "x" }`, `{ ($.a = "x") || ($.b != 1) && ($.c.d >= 2) }` with `=`, `!=`, `<`, `<=`,
 *   `>`, `>=`, strings (a trailing `*` is a prefix wildcard), numbers, `true`/`false`/`null`, and
 *   parentheses; `&&` binds tighter than `||` (AWS documents neither order; this is the common one).
 *
 * Anything else is refused with InvalidParameterException, as AWS refuses a malformed pattern.
 * Matching a JSON pattern parses the message once; the literal strings the pattern needs are checked
 * first with a plain substring search, so a large group is scanned without parsing most events.
 */
import {ServiceError} from '../protocol/errors.js'

export interface CompiledFilter {
  matches(message: string): boolean
}

type Value = string | number | boolean | null
type Op = '=' | '!=' | '<' | '<=' | '>' | '>='
type Expr =
  {kind: 'cmp'; path: (string | number)[]; op: Op; value: Value} | {kind: 'and' | 'or'; left: Expr; right: Expr}

function invalid(): ServiceError {
  return new ServiceError('InvalidParameterException', 'Invalid filter pattern')
}

/** Compile a filter pattern; throws InvalidParameterException when it is not one the sandbox reads. */
export function compileFilterPattern(pattern: string | undefined): CompiledFilter {
  const text = (pattern ?? '').trim()
  if (text === '') return {matches: () => true}
  if (text.startsWith('{')) return compileJson(text)
  return compileTerms(text)
}

function compileTerms(text: string): CompiledFilter {
  const all: string[] = []
  const any: string[] = []
  const none: string[] = []
  const re = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]\S*))/gy
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(text)) !== null) {
    consumed = re.lastIndex
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string)
    if (term === '') continue
    if (m[1] === '?') any.push(term)
    else if (m[1] === '-') none.push(term)
    else all.push(term)
  }
  if (text.slice(consumed).trim() !== '') throw invalid()
  return {
    matches: (message) =>
      all.every((t) => message.includes(t)) &&
      (any.length === 0 || any.some((t) => message.includes(t))) &&
      !none.some((t) => message.includes(t)),
  }
}

function compileJson(text: string): CompiledFilter {
  const tokens = tokenize(text)
  let pos = 0
  const peek = () => tokens[pos]
  const next = () => tokens[pos++]
  const expect = (t: string) => {
    if (next() !== t) throw invalid()
  }
  const primary = (): Expr => {
    if (peek() === '(') {
      next()
      const e = orExpr()
      expect(')')
      return e
    }
    const selector = next()
    if (selector === undefined || !selector.startsWith('$')) throw invalid()
    const op = next()
    if (!op || !['=', '!=', '<', '<=', '>', '>='].includes(op)) throw invalid()
    const raw = next()
    if (raw === undefined) throw invalid()
    return {kind: 'cmp', path: parsePath(selector), op: op as Op, value: parseValue(raw)}
  }
  const andExpr = (): Expr => {
    let left = primary()
    while (peek() === '&&') {
      next()
      left = {kind: 'and', left, right: primary()}
    }
    return left
  }
  const orExpr = (): Expr => {
    let left = andExpr()
    while (peek() === '||') {
      next()
      left = {kind: 'or', left, right: andExpr()}
    }
    return left
  }
  expect('{')
  const expr = orExpr()
  expect('}')
  if (pos !== tokens.length) throw invalid()
  const needles = requiredNeedles(expr)
  return {
    matches(message) {
      if (needles && !needles.some((n) => message.includes(n))) return false
      let doc: unknown
      try {
        doc = JSON.parse(message)
      } catch {
        return false
      }
      return evaluate(expr, doc)
    },
  }
}

/** Tokens: braces, parentheses, operators, quoted strings (kept quoted), selectors and bare words. */
function tokenize(text: string): string[] {
  const out: string[] = []
  const re = /\s*(\{|\}|\(|\)|&&|\|\||!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|[^\s(){}=!<>&|"]+)/gy
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(text)) !== null) {
    consumed = re.lastIndex
    out.push(m[1] as string)
  }
  if (text.slice(consumed).trim() !== '') throw invalid()
  return out
}

function parsePath(selector: string): (string | number)[] {
  if (selector === '$') return []
  const out: (string | number)[] = []
  const re = /\.([A-Za-z0-9_@$-]+)|\[(\d+)\]/gy
  re.lastIndex = 1
  let m: RegExpExecArray | null
  let consumed = 1
  while ((m = re.exec(selector)) !== null) {
    consumed = re.lastIndex
    out.push(m[1] !== undefined ? m[1] : Number(m[2]))
  }
  if (consumed !== selector.length) throw invalid()
  return out
}

function parseValue(raw: string): Value {
  if (raw.startsWith('"')) return raw.slice(1, -1).replace(/\\(.)/g, '$1')
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (raw === 'NULL' || raw === 'null') return null
  const n = Number(raw)
  return Number.isFinite(n) && raw.trim() !== '' ? n : raw
}

/**
 * Literal strings one of which every matching message must contain: only for a pure `||`/`&&` of
 * string equalities without wildcards or escapes (the bus-log adapter's form). Undefined otherwise.
 */
function requiredNeedles(expr: Expr): string[] | undefined {
  if (expr.kind === 'cmp') {
    const v = expr.value
    if (expr.op !== '=' || typeof v !== 'string' || v.includes('*') || /["\\]/.test(v) || hasControl(v) || v === '')
      return undefined
    return [v]
  }
  const left = requiredNeedles(expr.left)
  const right = requiredNeedles(expr.right)
  if (expr.kind === 'or') return left && right ? [...left, ...right] : undefined
  return left ?? right
}

function lookup(doc: unknown, path: readonly (string | number)[]): {found: boolean; value: unknown} {
  let cur: unknown = doc
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return {found: false, value: undefined}
    if (typeof key === 'number') {
      if (!Array.isArray(cur) || key >= cur.length) return {found: false, value: undefined}
      cur = cur[key]
    } else {
      if (Array.isArray(cur) || !Object.hasOwn(cur, key)) return {found: false, value: undefined}
      cur = (cur as Record<string, unknown>)[key]
    }
  }
  return {found: true, value: cur}
}

function evaluate(expr: Expr, doc: unknown): boolean {
  if (expr.kind !== 'cmp') {
    return expr.kind === 'and'
      ? evaluate(expr.left, doc) && evaluate(expr.right, doc)
      : evaluate(expr.left, doc) || evaluate(expr.right, doc)
  }
  const {found, value} = lookup(doc, expr.path)
  // A selector that names no field never matches, whatever the operator (AWS's behaviour for `!=` too).
  if (!found) return false
  const want = expr.value
  if (expr.op === '=' || expr.op === '!=') {
    const equal = equals(value, want)
    return expr.op === '=' ? equal : !equal
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
  if (typeof want !== 'number' || !Number.isFinite(n)) return false
  switch (expr.op) {
    case '<':
      return n < want
    case '<=':
      return n <= want
    case '>':
      return n > want
    default:
      return n >= want
  }
}

function equals(value: unknown, want: Value): boolean {
  if (want === null) return value === null
  if (typeof want === 'boolean') return value === want
  if (typeof want === 'number')
    return (typeof value === 'number' || typeof value === 'string') && Number(value) === want
  if (typeof value !== 'string' && typeof value !== 'number') return false
  const text = String(value)
  return want.endsWith('*') ? text.startsWith(want.slice(0, -1)) : text === want
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true
  return false
}
