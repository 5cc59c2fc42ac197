/**
 * Template reading: JSON or YAML (with CloudFormation's short-form tags turned into their
 * `Fn::` long forms), then the structural checks CloudFormation makes before anything runs.
 */
import {isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node} from 'yaml'

import {ServiceError} from '../protocol/errors.js'

export interface ParameterDeclaration {
  Type: string
  Default?: unknown
  Description?: string
  NoEcho?: boolean | string
  AllowedValues?: unknown[]
  AllowedPattern?: string
  MinLength?: number | string
  MaxLength?: number | string
  MinValue?: number | string
  MaxValue?: number | string
  ConstraintDescription?: string
}

export interface ResourceDeclaration {
  Type: string
  Properties?: Record<string, unknown>
  DependsOn?: string | string[]
  Condition?: string
  DeletionPolicy?: string
  Metadata?: unknown
}

export interface OutputDeclaration {
  Value: unknown
  Description?: unknown
  Condition?: string
  Export?: {Name: unknown}
}

export interface Template {
  AWSTemplateFormatVersion?: string
  Description?: string
  Parameters: Record<string, ParameterDeclaration>
  Mappings: Record<string, Record<string, Record<string, unknown>>>
  Conditions: Record<string, unknown>
  Resources: Record<string, ResourceDeclaration>
  Outputs: Record<string, OutputDeclaration>
}

/** Largest `TemplateBody` the API takes (bytes). */
export const MAX_TEMPLATE_BYTES = 51_200

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
])

/** Functions that have a YAML short form `!Name` for `Fn::Name`. */
const FN_TAGS = new Set([
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
])

/** `ValidationError` with the `Template format error:` prefix CloudFormation uses for these. */
export function templateFormatError(detail: string): ServiceError {
  return new ServiceError('ValidationError', `Template format error: ${detail}`)
}

/** What CloudFormation answers for a YAML alias (see yamlToData). */
export const YAML_ALIAS_ERROR = 'Template error: YAML aliases are not allowed in CloudFormation templates'

/**
 * A `Template error:` that fails the call itself (CreateChangeSet, CreateStack, ValidateTemplate)
 * with a ValidationError, where other `Template error:`s only fail the change set.
 */
export class TemplateRejectedError extends ServiceError {
  constructor(message: string) {
    super('ValidationError', message)
  }
}

/**
 * Deepest nesting the sandbox reads. CloudFormation's own limit is UNCONFIRMED; real templates stay
 * well under 50 levels, and without a bound a 51,200-byte body of brackets would overflow the
 * stack of the sandbox's recursive readers (an HTTP 500) instead of answering a ValidationError.
 */
export const MAX_TEMPLATE_DEPTH = 200

function tooDeep(): ServiceError {
  return templateFormatError(`the template nests deeper than ${MAX_TEMPLATE_DEPTH} levels.`)
}

/**
 * Whether the YAML text's flow collections (`[`, `{`) nest deeper than MAX_TEMPLATE_DEPTH, by a
 * scan that skips quoted strings and comments. It runs before the YAML parser, which exhausts the
 * process's memory on deep flow nesting (25,000 `[` crash Node itself). Plain scalars such as
 * `${AWS::Region}` open and close their braces, so they don't add up.
 */
function yamlFlowTooDeep(body: string): boolean {
  let depth = 0
  let quote: string | undefined
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (quote) {
      if (c === quote) {
        if (quote === "'" && body[i + 1] === "'") i++
        else quote = undefined
      } else if (c === '\\' && quote === '"') i++
      continue
    }
    if (c === '#' && (i === 0 || /\s/.test(body[i - 1] ?? ''))) {
      while (i < body.length && body[i] !== '\n') i++
    } else if (c === '"' || (c === "'" && (i === 0 || /[\s[{,:]/.test(body[i - 1] ?? '')))) {
      quote = c
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_TEMPLATE_DEPTH) return true
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--
    }
  }
  return false
}

/** Whether plain data nests deeper than MAX_TEMPLATE_DEPTH (checked without recursion). */
function nestsTooDeep(data: unknown): boolean {
  const stack: {value: unknown; depth: number}[] = [{value: data, depth: 0}]
  while (stack.length > 0) {
    const {value, depth} = stack.pop()!
    if (typeof value !== 'object' || value === null) continue
    if (depth > MAX_TEMPLATE_DEPTH) return true
    for (const child of Object.values(value)) stack.push({value: child, depth: depth + 1})
  }
  return false
}

/**
 * Turn a YAML node into plain data, expanding short-form tags. CloudFormation refuses YAML aliases
 * (`*name`, so merge keys too) with this ValidationError ("Template error: YAML aliases are not
 * allowed in CloudFormation templates", as reported from real CreateChangeSet calls, e.g.
 * seeebiii/aws-cloudformation-templates#1 and aws/aws-cli#3827). Refusing them also defuses alias
 * bombs (9 aliases per line, 7 lines: 4.8 million nodes from 342 bytes) and aliases that contain
 * themselves, which would otherwise expand without end.
 */
function yamlToData(node: Node | null | undefined, doc: Document.Parsed, depth = 0): unknown {
  if (node === null || node === undefined) return null
  if (isAlias(node)) throw new TemplateRejectedError(YAML_ALIAS_ERROR)
  if (depth > MAX_TEMPLATE_DEPTH) throw tooDeep()
  let value: unknown
  if (isScalar(node)) value = node.value
  else if (isSeq(node)) value = node.items.map((item) => yamlToData(item as Node, doc, depth + 1))
  else if (isMap(node)) {
    const out: Record<string, unknown> = {}
    for (const pair of node.items) {
      const key = yamlToData(pair.key as Node, doc, depth + 1)
      out[String(key)] = yamlToData(pair.value as Node, doc, depth + 1)
    }
    value = out
  }
  const tag = node.tag
  if (tag === undefined || !tag.startsWith('!') || tag.startsWith('!!')) return value
  const name = tag.slice(1)
  if (name === 'Ref') return {Ref: value}
  if (name === 'Condition') return {Condition: value}
  if (name === 'GetAtt') {
    if (typeof value === 'string') {
      const dot = value.indexOf('.')
      return {'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)]}
    }
    return {'Fn::GetAtt': value}
  }
  if (FN_TAGS.has(name)) return {[`Fn::${name}`]: value}
  throw templateFormatError(`Unsupported YAML tag ${tag}`)
}

/** Parse a template body (JSON first, else YAML) into plain data. */
export function parseTemplateBody(body: string): Record<string, unknown> {
  let data: unknown
  if (body.trimStart().startsWith('{')) {
    try {
      data = JSON.parse(body)
    } catch (error) {
      throw templateFormatError(`JSON not well-formed. (${error instanceof Error ? error.message : String(error)})`)
    }
    if (nestsTooDeep(data)) throw tooDeep()
  } else {
    if (yamlFlowTooDeep(body)) throw tooDeep()
    const doc = parseDocument(body, {uniqueKeys: true, prettyErrors: false})
    const first = doc.errors[0]
    if (first) {
      const at = first.linePos?.[0]
      throw templateFormatError(`YAML not well-formed. ${at ? `(line ${at.line}, column ${at.col})` : first.message}`)
    }
    data = yamlToData(doc.contents as Node | null, doc)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw templateFormatError('unsupported structure.')
  }
  return data as Record<string, unknown>
}

function section<T>(data: Record<string, unknown>, name: string): Record<string, T> {
  const value = data[name]
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw templateFormatError(`${name} must be an object.`)
  return value as Record<string, T>
}

const PARAMETER_TYPES = /^(String|Number|CommaDelimitedList|List<Number>|List<AWS::[\w:]+>|AWS::[\w:]+)$/

/** Parse a template and make the checks CloudFormation makes before planning. */
export function readTemplate(body: string): Template {
  const data = parseTemplateBody(body)
  const unknown = Object.keys(data).filter((key) => !SECTIONS.has(key))
  if (unknown.length > 0) throw templateFormatError(`Invalid template property or properties [${unknown.join(', ')}]`)
  if (data['Transform'] !== undefined) {
    throw templateFormatError('Transforms (macros) are not supported by the momento-eb sandbox.')
  }
  const template: Template = {
    Parameters: section<ParameterDeclaration>(data, 'Parameters'),
    Mappings: section(data, 'Mappings'),
    Conditions: section(data, 'Conditions'),
    Resources: section<ResourceDeclaration>(data, 'Resources'),
    Outputs: section<OutputDeclaration>(data, 'Outputs'),
  }
  const version = data['AWSTemplateFormatVersion']
  if (version !== undefined) {
    if (version !== '2010-09-09') throw templateFormatError(`'${String(version)}' is not a valid template version.`)
    template.AWSTemplateFormatVersion = version
  }
  if (typeof data['Description'] === 'string') template.Description = data['Description']
  if (Object.keys(template.Resources).length === 0) {
    throw templateFormatError('At least one Resources member must be defined.')
  }
  for (const [key, declaration] of Object.entries(template.Parameters)) {
    if (typeof declaration !== 'object' || declaration === null || typeof declaration.Type !== 'string') {
      throw templateFormatError(`Every Parameters object must contain a Type member. (${key})`)
    }
    if (!PARAMETER_TYPES.test(declaration.Type))
      throw templateFormatError(`Unrecognized parameter type: ${declaration.Type}`)
    if (declaration.Type.startsWith('AWS::SSM::'))
      throw templateFormatError(`Parameter type ${declaration.Type} is not supported by the momento-eb sandbox.`)
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw templateFormatError(`Resource name ${id} is non alphanumeric.`)
    if (typeof resource !== 'object' || resource === null || typeof resource.Type !== 'string') {
      throw templateFormatError(`[/Resources/${id}] Every Resources object must contain a Type member.`)
    }
    if (resource.Properties !== undefined && (typeof resource.Properties !== 'object' || resource.Properties === null))
      throw templateFormatError(`[/Resources/${id}/Properties] Properties must be an object.`)
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat()
    const missing = dependsOn.filter((d) => typeof d !== 'string' || !Object.hasOwn(template.Resources, d))
    if (missing.length > 0) {
      throw templateFormatError(
        `Unresolved resource dependencies [${missing.join(', ')}] in the Resources block of the template`,
      )
    }
    if (resource.Condition !== undefined && !Object.hasOwn(template.Conditions, resource.Condition)) {
      throw templateFormatError(`Unresolved dependencies [${resource.Condition}]. Cannot find condition in template.`)
    }
  }
  for (const [key, output] of Object.entries(template.Outputs)) {
    if (typeof output !== 'object' || output === null || output.Value === undefined) {
      throw templateFormatError(`Every Outputs member must contain a Value object (${key}).`)
    }
  }
  return template
}

/** IAM resource types and the property that gives each a custom name (which needs CAPABILITY_NAMED_IAM). */
const IAM_NAMED: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
}

/** The capability the template needs (if any) and the reason CloudFormation gives. */
export function requiredCapability(
  template: Template,
): {capability: 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM'; reason: string} | undefined {
  const iam = Object.entries(template.Resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::'))
  if (iam.length === 0) return undefined
  const named = iam.some(([, r]) => {
    const property = IAM_NAMED[r.Type]
    return property !== undefined && r.Properties?.[property] !== undefined
  })
  const types = [...new Set(iam.map(([, r]) => r.Type))]
  return {
    capability: named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM',
    reason: `The following resource(s) require capabilities: [${types.join(', ')}]`,
  }
}

/** `InsufficientCapabilitiesException` unless `capabilities` covers what the template needs. */
export function checkCapabilities(template: Template, capabilities: readonly string[]): void {
  const needed = requiredCapability(template)
  if (!needed) return
  const ok =
    capabilities.includes('CAPABILITY_NAMED_IAM') ||
    (needed.capability === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_IAM'))
  if (!ok) {
    throw new ServiceError('InsufficientCapabilitiesException', `Requires capabilities : [${needed.capability}]`)
  }
}

/** `NoEcho` may be a boolean or the string `true`. */
export function isNoEcho(declaration: ParameterDeclaration): boolean {
  return declaration.NoEcho === true || String(declaration.NoEcho).toLowerCase() === 'true'
}
