/**
 * Target input: what EventBridge sends as the body of a target invocation
 * (docs/reference/aws-facts.md#eb-rule-target, #eb-input-transformer). Everything here is compiled once per
 * target and rendered per event.
 */
import type {InputTransformer, Target} from '../eventbridge/model.js'
import {compileJsonPath} from './json-path.js'

/** What a template or input path can refer to, for one event and one rule. */
export interface InputContext {
  /** The event envelope as an object. */
  readonly event: Record<string, unknown>
  /** The same envelope as JSON text (the default body and `<aws.events.event.json>`). */
  readonly eventJson: string
  readonly ruleArn: string
  readonly ruleName: string
  /** When EventBridge received the event, ISO 8601 with milliseconds. */
  readonly ingestionTime: string
}

/** Renders the body for one event. */
export type InputRenderer = (context: InputContext) => string

type Lookup = (context: InputContext) => unknown

/** The reserved variables every template may use without declaring them in `InputPathsMap`. */
const RESERVED: Readonly<Record<string, Lookup>> = {
  'aws.events.rule-arn': (c) => c.ruleArn,
  'aws.events.rule-name': (c) => c.ruleName,
  'aws.events.event.ingestion-time': (c) => c.ingestionTime,
  'aws.events.event': (c) => withoutDetail(c.event),
  'aws.events.event.json': (c) => new RawJson(c.eventJson),
}

/** Already-serialized JSON, spliced as is (saves re-serializing the whole event). */
class RawJson {
  constructor(readonly text: string) {}
}

function withoutDetail(event: Record<string, unknown>): Record<string, unknown> {
  const {detail: _detail, ...rest} = event
  return rest
}

type Segment = string | {lookup: Lookup; quoted: boolean}

/**
 * Compile an `InputTransformer`.
 *
 * Placement rules (docs/reference/aws-facts.md#eb-input-transformer): a placeholder inside a JSON string
 * (`"…<v>…"`) splices the value raw; outside a string, a string value is written as a quoted JSON string and
 * numbers, booleans, null, objects and arrays as JSON; a variable whose path is missing in the event writes
 * nothing. `<name>` that is neither declared nor reserved stays literal text.
 *
 * Embedded quotes and newlines: EventBridge documents that substituted strings are not escaped, so
 * a value spliced inside quotes is inserted verbatim. A `message` of `say "hi"` in the template
 * `"<message>"` therefore yields the body `"say "hi""`, which is not valid JSON, exactly as on AWS
 * (docs/reference/aws-facts.md#quoted-message). Producers that want a valid JSON literal pre-escape the
 * value. A template that is a JSON string keeps its quotes: `"<message>"` with `hello` is the 7 bytes
 * `"hello"`.
 */
export function compileInputTransformer(transformer: InputTransformer): InputRenderer {
  const variables = new Map<string, Lookup>()
  for (const [name, pathText] of Object.entries(transformer.InputPathsMap ?? {})) {
    const path = compileJsonPath(pathText)
    // An invalid path can never select anything: the variable is simply never set.
    variables.set(name, path ? (c) => path.get(c.event) : () => undefined)
  }
  const segments = parseTemplate(transformer.InputTemplate, (name) => variables.get(name) ?? RESERVED[name])
  if (segments.length === 1 && typeof segments[0] === 'string') {
    const constant = segments[0]
    return () => constant
  }
  return (context) => {
    let out = ''
    for (const segment of segments) {
      if (typeof segment === 'string') out += segment
      else out += renderValue(segment.lookup(context), segment.quoted)
    }
    return out
  }
}

function parseTemplate(template: string, resolve: (name: string) => Lookup | undefined): Segment[] {
  const segments: Segment[] = []
  let literal = ''
  let inString = false
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string
    if (c === '<') {
      const close = template.indexOf('>', i + 1)
      const name = close > i ? template.slice(i + 1, close) : ''
      const lookup = /^[A-Za-z0-9_.-]+$/.test(name) ? resolve(name) : undefined
      if (lookup) {
        if (literal) segments.push(literal)
        literal = ''
        segments.push({lookup, quoted: inString})
        i = close
        continue
      }
    }
    literal += c
    if (inString && c === '\\' && i + 1 < template.length) {
      literal += template[++i]
    } else if (c === '"') {
      inString = !inString
    }
  }
  if (literal || segments.length === 0) segments.push(literal)
  return segments
}

function renderValue(value: unknown, quoted: boolean): string {
  if (value === undefined) return ''
  if (value instanceof RawJson) return value.text
  if (quoted && typeof value === 'string') return value
  return JSON.stringify(value)
}

/**
 * The body renderer of a target: `Input` verbatim, `InputPath` as the JSON of the selected value
 * (empty when the path selects nothing), `InputTransformer`, or the whole event JSON.
 */
export function compileTargetInput(target: Pick<Target, 'Input' | 'InputPath' | 'InputTransformer'>): InputRenderer {
  if (target.Input !== undefined) {
    const input = target.Input
    return () => input
  }
  if (target.InputPath !== undefined) {
    const path = compileJsonPath(target.InputPath)
    if (!path) return () => ''
    if (path.text === '$') return (c) => c.eventJson
    return (c) => {
      const value = path.get(c.event)
      return value === undefined ? '' : JSON.stringify(value)
    }
  }
  if (target.InputTransformer) return compileInputTransformer(target.InputTransformer)
  return (c) => c.eventJson
}
