/**
 * The AWS query protocol's request side shared by CloudFormation and SQS: form parameters with
 * dotted names (`Parameters.member.1.ParameterKey=…`, `Attribute.1.Name=…`) as a tree of objects
 * keyed by each name part. Each service then turns its lists and maps into JSON-shaped input.
 */

/** A parameter value, or the parameters below a name prefix. */
export type QueryTree = string | {[key: string]: QueryTree}

/**
 * The parameters (without `Action` and `Version`) as a tree. When a name is both a value and a prefix
 * (an empty list sent as `Parameters=` next to `Parameters.member.1…`), the prefix wins.
 */
export function queryParamTree(params: URLSearchParams): {[key: string]: QueryTree} {
  const root: {[key: string]: QueryTree} = {}
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue
    const parts = key.split('.')
    let node = root
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        if (typeof node[part] !== 'object') node[part] = value
        return
      }
      const next = node[part]
      if (typeof next === 'object') node = next
      else node = node[part] = {}
    })
  }
  return root
}
