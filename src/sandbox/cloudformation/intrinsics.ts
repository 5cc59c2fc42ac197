/**
 * Intrinsic functions, conditions, parameters and resource ordering. One evaluator serves both
 * planning (where resources not yet created resolve to a placeholder) and execution.
 */
import {ServiceError} from '../protocol/errors.js'
import type {ResolvedParameter} from './store.js'
import {isNoEcho, templateFormatError, type Template} from './template.js'

/** `Ref: AWS::NoValue`: the property (or list item) it stands for is removed. */
export const NO_VALUE = Symbol('AWS::NoValue')

/** Marker of values only known once a resource exists (planning only). */
export const UNKNOWN_MARKER = '{{KnownAfterApply:'

/** What an expression can see. */
export interface Scope {
  template: Template
  /** Resolved parameter values (lists split). */
  parameters: ReadonlyMap<string, string | string[]>
  /** `AWS::Region`, `AWS::StackName`, … */
  pseudo: Readonly<Record<string, unknown>>
  conditions: ReadonlyMap<string, boolean>
  /** Ref of a resource that is part of the stack (its condition holds). */
  ref(logicalId: string): unknown
  getAtt(logicalId: string, attribute: string): unknown
  importValue(name: string): string | undefined
}

/** `Template error:` — a template that parses but cannot be evaluated. */
export function templateError(detail: string): ServiceError {
  return new ServiceError('ValidationError', `Template error: ${detail}`)
}

/**
 * `Template error: Unable to get mapping for <Map>::<TopKey>::<SecondKey>`: a template validation
 * error, raised synchronously by CreateChangeSet, CreateStack and UpdateStack (a ValidationError,
 * never a FAILED change set), because CloudFormation resolves every Fn::FindInMap up front.
 */
export class MappingLookupError extends ServiceError {
  constructor(map: unknown, top: unknown, second: unknown) {
    super(
      'ValidationError',
      `Template error: Unable to get mapping for ${String(map)}::${String(top)}::${String(second)}`,
    )
  }
}

function unresolved(ids: readonly string[]): ServiceError {
  return templateFormatError(
    `Unresolved resource dependencies [${ids.join(', ')}] in the Resources block of the template`,
  )
}

/** `AWS::*` pseudo parameters for a stack. */
export function pseudoParameters(region: string, accountId: string, stackName: string, stackId: string) {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'
  return {
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::StackName': stackName,
    'AWS::StackId': stackId,
    'AWS::Partition': partition,
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::NotificationARNs': [] as string[],
  }
}

const isList = (type: string): boolean => type === 'CommaDelimitedList' || type.startsWith('List<')

/** Parameter values as expressions see them. */
export function parameterValues(template: Template, parameters: readonly ResolvedParameter[]) {
  const values = new Map<string, string | string[]>()
  for (const parameter of parameters) {
    const type = template.Parameters[parameter.key]?.Type ?? 'String'
    values.set(parameter.key, isList(type) ? parameter.value.split(',') : parameter.value)
  }
  return values
}

/** A parameter the caller passed: a value, or `UsePreviousValue`. */
export interface ParameterInput {
  ParameterKey: string
  ParameterValue?: string
  UsePreviousValue?: boolean
}

function asText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',')
  return String(value)
}

/**
 * Resolve the stack's parameter values from the input, the previous values (updates) and the
 * defaults, checking every constraint CloudFormation checks.
 */
export function resolveParameters(
  template: Template,
  input: readonly ParameterInput[],
  previous: readonly ResolvedParameter[] | undefined,
): ResolvedParameter[] {
  const given = new Map<string, ParameterInput>()
  for (const parameter of input) given.set(parameter.ParameterKey, parameter)
  const undeclared = [...given.keys()].filter((key) => !Object.hasOwn(template.Parameters, key))
  if (undeclared.length > 0)
    throw new ServiceError('ValidationError', `Parameters: [${undeclared.join(', ')}] do not exist in the template`)
  const missing: string[] = []
  const out: ResolvedParameter[] = []
  for (const [key, declaration] of Object.entries(template.Parameters)) {
    const entry = given.get(key)
    let value: string | undefined
    if (entry?.UsePreviousValue) {
      if (!previous) {
        throw new ServiceError(
          'ValidationError',
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for non-existent stack`,
        )
      }
      const before = previous.find((p) => p.key === key)
      if (!before) {
        throw new ServiceError(
          'ValidationError',
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        )
      }
      value = before.value
    } else if (entry?.ParameterValue !== undefined) {
      value = entry.ParameterValue
    } else if (declaration.Default !== undefined) {
      value = asText(declaration.Default)
    }
    if (value === undefined) {
      missing.push(key)
      continue
    }
    checkConstraints(key, declaration, value)
    out.push({key, value, noEcho: isNoEcho(declaration)})
  }
  if (missing.length > 0)
    throw new ServiceError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`)
  return out
}

function checkConstraints(key: string, d: Template['Parameters'][string], value: string): void {
  const fail = (detail: string): never => {
    const message = d.ConstraintDescription
      ? `Parameter '${key}' failed to satisfy constraint: ${d.ConstraintDescription}`
      : `Parameter '${key}' ${detail}`
    throw new ServiceError('ValidationError', message)
  }
  const items = isList(d.Type) ? value.split(',') : [value]
  for (const item of items) {
    if (d.Type === 'Number' || d.Type === 'List<Number>') {
      if (item.trim() === '' || !Number.isFinite(Number(item))) fail('must be a number')
      if (d.MinValue !== undefined && Number(item) < Number(d.MinValue))
        fail(`must be a number not less than ${String(d.MinValue)}`)
      if (d.MaxValue !== undefined && Number(item) > Number(d.MaxValue))
        fail(`must be a number not greater than ${String(d.MaxValue)}`)
    }
    if (d.AllowedValues !== undefined && !d.AllowedValues.map(String).includes(item))
      fail('must be one of AllowedValues')
  }
  if (d.AllowedPattern !== undefined && !new RegExp(`^(?:${d.AllowedPattern})$`).test(value))
    fail(`must match pattern ${d.AllowedPattern}`)
  if (d.MinLength !== undefined && value.length < Number(d.MinLength))
    fail(`must contain at least ${String(d.MinLength)} characters`)
  if (d.MaxLength !== undefined && value.length > Number(d.MaxLength))
    fail(`must contain at most ${String(d.MaxLength)} characters`)
}

/** Evaluate every entry of the Conditions section. */
export function evaluateConditions(
  template: Template,
  base: Omit<Scope, 'conditions' | 'ref' | 'getAtt'>,
): Map<string, boolean> {
  const done = new Map<string, boolean>()
  const visiting = new Set<string>()
  const scope: Scope = {
    ...base,
    conditions: done,
    ref: (id) => {
      throw templateFormatError(`Unresolved dependencies [${id}]. Cannot reference resources in the Conditions block`)
    },
    getAtt: (id) => {
      throw templateFormatError(`Unresolved dependencies [${id}]. Cannot reference resources in the Conditions block`)
    },
  }
  const named = (name: string): boolean => {
    const known = done.get(name)
    if (known !== undefined) return known
    if (!Object.hasOwn(template.Conditions, name)) throw templateFormatError(`Condition ${name} is not defined.`)
    if (visiting.has(name)) throw templateFormatError(`Circular dependency between conditions: [${name}]`)
    visiting.add(name)
    const value = condition(template.Conditions[name], scope, named)
    visiting.delete(name)
    done.set(name, value)
    return value
  }
  for (const name of Object.keys(template.Conditions)) named(name)
  return done
}

function single(value: unknown): [string, unknown] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  if (keys.length !== 1) return undefined
  const key = keys[0] as string
  return [key, (value as Record<string, unknown>)[key]]
}

function condition(expression: unknown, scope: Scope, named: (name: string) => boolean): boolean {
  const fn = single(expression)
  if (!fn) throw templateFormatError('Conditions can only be boolean operations on parameters and mappings.')
  const [name, args] = fn
  const list = (n?: number): unknown[] => {
    if (!Array.isArray(args) || (n !== undefined && args.length !== n))
      throw templateFormatError(`${name} requires a list of ${n ?? 'conditions'}.`)
    return args
  }
  switch (name) {
    case 'Condition':
      return named(String(args))
    case 'Fn::Equals': {
      const [a, b] = list(2).map((v) => evaluate(v, scope))
      return JSON.stringify(normalizeScalar(a)) === JSON.stringify(normalizeScalar(b))
    }
    case 'Fn::Not':
      return !condition(list(1)[0], scope, named)
    case 'Fn::And':
      return list().every((c) => condition(c, scope, named))
    case 'Fn::Or':
      return list().some((c) => condition(c, scope, named))
    default:
      throw templateFormatError(`Unsupported function ${name} in a condition.`)
  }
}

function normalizeScalar(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
}

function conditionHolds(name: unknown, scope: Scope): boolean {
  const value = scope.conditions.get(String(name))
  if (value === undefined) throw templateFormatError(`Condition ${String(name)} is not defined.`)
  return value
}

/** Whether a resource or output's `Condition` (if any) holds. */
export function included(declaration: {Condition?: string}, conditions: ReadonlyMap<string, boolean>): boolean {
  return declaration.Condition === undefined || conditions.get(declaration.Condition) === true
}

function text(value: unknown, where: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw templateError(`every value in ${where} must resolve to a string.`)
}

function subParts(template: string): ({literal: string} | {name: string})[] {
  const parts: ({literal: string} | {name: string})[] = []
  let rest = template
  for (;;) {
    const start = rest.indexOf('${')
    if (start < 0) {
      parts.push({literal: rest})
      return parts
    }
    parts.push({literal: rest.slice(0, start)})
    const end = rest.indexOf('}', start)
    if (end < 0) {
      parts.push({literal: rest.slice(start)})
      return parts
    }
    const inner = rest.slice(start + 2, end)
    // `${!Literal}` is written out as `${Literal}`.
    parts.push(inner.startsWith('!') ? {literal: `\${${inner.slice(1)}}`} : {name: inner.trim()})
    rest = rest.slice(end + 1)
  }
}

function refOf(name: string, scope: Scope): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE
  if (scope.parameters.has(name)) return scope.parameters.get(name)
  if (Object.hasOwn(scope.pseudo, name)) return scope.pseudo[name]
  const resource = scope.template.Resources[name]
  if (resource && included(resource, scope.conditions)) return scope.ref(name)
  throw unresolved([name])
}

function getAttOf(args: unknown, scope: Scope): unknown {
  let id: unknown
  let attribute: unknown
  if (typeof args === 'string') {
    const dot = args.indexOf('.')
    id = args.slice(0, dot)
    attribute = args.slice(dot + 1)
  } else if (Array.isArray(args) && args.length === 2) {
    id = args[0]
    attribute = evaluate(args[1], scope)
  } else {
    throw templateFormatError('Fn::GetAtt requires a list of two elements: a resource name and an attribute.')
  }
  const resource = scope.template.Resources[String(id)]
  if (!resource || !included(resource, scope.conditions)) throw unresolved([String(id)])
  return scope.getAtt(String(id), String(attribute))
}

/** Resolve every intrinsic function in `value`. */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope)).filter((v) => v !== NO_VALUE)
  if (typeof value !== 'object' || value === null) return value
  const fn = single(value)
  if (fn && (fn[0] === 'Ref' || fn[0].startsWith('Fn::'))) return intrinsic(fn[0], fn[1], scope)
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const resolved = evaluate(child, scope)
    if (resolved !== NO_VALUE) out[key] = resolved
  }
  return out
}

function intrinsic(name: string, args: unknown, scope: Scope): unknown {
  const list = (n?: number): unknown[] => {
    if (!Array.isArray(args) || (n !== undefined && args.length !== n))
      throw templateFormatError(`${name} requires a list of ${n ?? 'values'}.`)
    return args
  }
  switch (name) {
    case 'Ref':
      if (typeof args !== 'string') throw templateFormatError('Ref requires a string (a parameter or resource name).')
      return refOf(args, scope)
    case 'Fn::GetAtt':
      return getAttOf(args, scope)
    case 'Fn::Sub': {
      const [body, vars] = typeof args === 'string' ? [args, {}] : list(2)
      if (typeof body !== 'string') throw templateFormatError('Fn::Sub needs a string.')
      const variables = evaluate(vars ?? {}, scope) as Record<string, unknown>
      return subParts(body)
        .map((part) => {
          if ('literal' in part) return part.literal
          if (Object.hasOwn(variables, part.name)) return text(variables[part.name], 'Fn::Sub')
          const dot = part.name.indexOf('.')
          if (dot > 0 && !part.name.startsWith('AWS::')) return text(getAttOf(part.name, scope), 'Fn::Sub')
          return text(refOf(part.name, scope), 'Fn::Sub')
        })
        .join('')
    }
    case 'Fn::Join': {
      const [delimiter, items] = list(2)
      const values = evaluate(items, scope)
      if (!Array.isArray(values)) throw templateError('Fn::Join needs a list to join.')
      return values.map((v) => text(v, 'Fn::Join')).join(String(delimiter))
    }
    case 'Fn::Select': {
      const [index, items] = list(2).map((v) => evaluate(v, scope))
      if (!Array.isArray(items)) throw templateError('Fn::Select needs a list to select from.')
      const i = Number(index)
      // While planning, a list split from a value known only after apply (a new resource's ARN) has
      // one item; CloudFormation leaves such a selection for later instead of failing it.
      if (i >= items.length && items.some((item) => typeof item === 'string' && item.includes(UNKNOWN_MARKER)))
        return items.find((item) => typeof item === 'string' && item.includes(UNKNOWN_MARKER))
      if (!Number.isInteger(i) || i < 0 || i >= items.length)
        throw templateError('Fn::Select cannot select nonexistent value at index ' + String(index))
      return items[i]
    }
    case 'Fn::Split': {
      const [delimiter, source] = list(2).map((v) => evaluate(v, scope))
      return text(source, 'Fn::Split').split(String(delimiter))
    }
    case 'Fn::FindInMap': {
      const [map, first, second] = list(3).map((v) => evaluate(v, scope))
      return lookUpMapping(scope.template, map, first, second)
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = list(3)
      return evaluate(conditionHolds(name, scope) ? whenTrue : whenFalse, scope)
    }
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
      return condition({[name]: args}, scope, (n) => conditionHolds(n, scope))
    case 'Fn::Base64':
      return Buffer.from(text(evaluate(args, scope), 'Fn::Base64'), 'utf8').toString('base64')
    case 'Fn::GetAZs': {
      const region = String(scope.pseudo['AWS::Region'])
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`)
    }
    case 'Fn::ImportValue': {
      const exportName = text(evaluate(args, scope), 'Fn::ImportValue')
      const imported = scope.importValue(exportName)
      if (imported === undefined) throw new ServiceError('ValidationError', `No export named ${exportName} found.`)
      return imported
    }
    default:
      throw templateFormatError(`Unrecognized function ${name}`)
  }
}

function lookUpMapping(template: Template, map: unknown, first: unknown, second: unknown): unknown {
  const value = template.Mappings[String(map)]?.[String(first)]?.[String(second)]
  if (value === undefined) throw new MappingLookupError(map, first, second)
  return value
}

/** Thrown by the eager mapping check when a key depends on a resource (it can't be known up front). */
const NOT_STATIC = Symbol('not static')

/**
 * Resolve every `Fn::FindInMap` of the template up front, the way CloudFormation validates a
 * template before planning: a lookup of a key the mapping lacks fails the template even inside an
 * `Fn::If` branch that is not taken (aws-cloudformation-templates #271). Whether AWS also fails a
 * lookup inside a resource or output whose `Condition` is false is not documented; we take the
 * worst case and check those too. Keys that cannot be resolved without resources are skipped (the
 * plan reports them), as are other errors (the plan reports those, with AWS's timing).
 */
export function checkMappingLookups(template: Template, base: Omit<Scope, 'conditions' | 'ref' | 'getAtt'>): void {
  let conditions: ReadonlyMap<string, boolean>
  try {
    conditions = evaluateConditions(template, base)
  } catch (error) {
    if (error instanceof MappingLookupError) throw error
    conditions = new Map()
  }
  const scope: Scope = {
    ...base,
    conditions,
    ref: () => {
      throw NOT_STATIC
    },
    getAtt: () => {
      throw NOT_STATIC
    },
  }
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item)
      return
    }
    if (typeof node !== 'object' || node === null) return
    const fn = single(node)
    if (fn && fn[0] === 'Fn::FindInMap' && Array.isArray(fn[1]) && fn[1].length === 3) {
      try {
        const [map, first, second] = fn[1].map((v) => evaluate(v, scope))
        lookUpMapping(template, map, first, second)
      } catch (error) {
        if (error instanceof MappingLookupError) throw error
      }
    }
    for (const child of Object.values(node)) visit(child)
  }
  visit(template.Conditions)
  for (const resource of Object.values(template.Resources)) visit(resource.Properties)
  visit(template.Outputs)
}

/** Resources an expression refers to (Ref, Fn::GetAtt, Fn::Sub), taking only the live branch of Fn::If. */
export function references(value: unknown, template: Template, conditions: ReadonlyMap<string, boolean>): Set<string> {
  const found = new Set<string>()
  const walk = (node: unknown, locals: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, locals)
      return
    }
    if (typeof node !== 'object' || node === null) return
    const fn = single(node)
    if (fn) {
      const [name, args] = fn
      if (name === 'Ref' && typeof args === 'string') {
        if (Object.hasOwn(template.Resources, args)) found.add(args)
        return
      }
      if (name === 'Fn::GetAtt') {
        const id = typeof args === 'string' ? args.split('.')[0] : Array.isArray(args) ? args[0] : undefined
        if (typeof id === 'string') found.add(id)
        if (Array.isArray(args)) walk(args[1], locals)
        return
      }
      if (name === 'Fn::Sub') {
        const [body, vars] = typeof args === 'string' ? [args, undefined] : Array.isArray(args) ? args : []
        const names = new Set(typeof vars === 'object' && vars !== null ? Object.keys(vars) : [])
        if (typeof body === 'string') {
          for (const part of subParts(body)) {
            if (!('name' in part) || names.has(part.name) || part.name.startsWith('AWS::')) continue
            const id = part.name.split('.')[0] as string
            if (Object.hasOwn(template.Resources, id)) found.add(id)
            else if (!Object.hasOwn(template.Parameters, id)) throw unresolved([id])
          }
        }
        walk(vars, locals)
        return
      }
      if (name === 'Fn::If' && Array.isArray(args) && args.length === 3) {
        const holds = conditions.get(String(args[0]))
        if (holds === undefined) throw templateFormatError(`Condition ${String(args[0])} is not defined.`)
        walk(holds ? args[1] : args[2], locals)
        return
      }
    }
    for (const child of Object.values(node)) walk(child, locals)
  }
  walk(value, new Set())
  return found
}

/**
 * The included resources in dependency order (dependencies first, template order otherwise), and
 * each one's dependencies. A cycle is a template format error, as in CloudFormation.
 */
export function dependencyOrder(
  template: Template,
  conditions: ReadonlyMap<string, boolean>,
): {order: string[]; dependencies: Map<string, Set<string>>} {
  const ids = Object.keys(template.Resources).filter((id) =>
    included(template.Resources[id] as {Condition?: string}, conditions),
  )
  const live = new Set(ids)
  const dependencies = new Map<string, Set<string>>()
  for (const id of ids) {
    const resource = template.Resources[id] as Template['Resources'][string]
    const deps = references(resource.Properties ?? {}, template, conditions)
    for (const d of resource.DependsOn === undefined ? [] : [resource.DependsOn].flat()) deps.add(d)
    deps.delete(id)
    const dangling = [...deps].filter((d) => !live.has(d))
    if (dangling.length > 0) throw unresolved(dangling)
    dependencies.set(id, deps)
  }
  const order: string[] = []
  const placed = new Set<string>()
  while (order.length < ids.length) {
    const next = ids.find((id) => !placed.has(id) && [...(dependencies.get(id) ?? [])].every((d) => placed.has(d)))
    if (next === undefined) {
      const stuck = ids.filter((id) => !placed.has(id))
      throw templateFormatError(`Circular dependency between resources: [${stuck.join(', ')}]`)
    }
    order.push(next)
    placed.add(next)
  }
  return {order, dependencies}
}
