/**
 * CloudFormation's query wire format: `Parameters.member.1.ParameterKey=…` in, and
 * `<OpResponse><OpResult>…</OpResult>…` out, lists as `<member>` elements.
 */
import {queryParamTree, type QueryTree} from '../protocol/query.js'
import {queryResponse, xmlEscape} from '../protocol/xml.js'

/** XML namespace of CloudFormation responses and errors. */
export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'

function normalize(node: QueryTree): unknown {
  if (typeof node === 'string') return node
  const keys = Object.keys(node)
  if (keys.length === 1 && keys[0] === 'member') {
    const members = node['member'] as QueryTree
    if (typeof members === 'string') return [members]
    return Object.keys(members)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => normalize(members[k] as QueryTree))
  }
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = normalize(node[key] as QueryTree)
  return out
}

/**
 * Query parameters → JSON-shaped input. `Capabilities.member.1=CAPABILITY_IAM` becomes
 * `{Capabilities: ['CAPABILITY_IAM']}`; an empty list is sent as `Parameters=` and reads as `''`.
 */
export function cloudFormationQueryInput(_operation: string, params: URLSearchParams): Record<string, unknown> {
  return normalize(queryParamTree(params)) as Record<string, unknown>
}

/** JSON-shaped output → XML elements: objects nest, arrays become `<member>`s, booleans `true|false`. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('')
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('')
  }
  return xmlEscape(String(value))
}

/** The response document of `operation`. */
export function cloudFormationQueryOutput(operation: string, output: unknown, requestId: string): string {
  // An empty `<OpResult/>` still matters: botocore fails on ExecuteChangeSet without one.
  return queryResponse(operation, CLOUDFORMATION_NAMESPACE, toXml(output ?? {}), requestId)
}
