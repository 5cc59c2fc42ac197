/**
 * Does an SQS queue's resource policy let EventBridge send to it on behalf of a rule?
 * (docs/reference/aws-facts.md#eb-dlq-policy, #no-dlq-policy.) A small IAM evaluator: explicit Deny beats
 * Allow, no matching Allow means no.
 */

/** Who is asking, for what. */
export interface SendRequest {
  /** The queue's ARN (the policy's `Resource`). */
  readonly queueArn: string
  /** The rule ARN (`aws:SourceArn`). */
  readonly sourceArn: string
  /** The account the rule belongs to (`aws:SourceAccount`). */
  readonly sourceAccount: string
}

const SERVICE_PRINCIPAL = 'events.amazonaws.com'
const ACTION = 'sqs:sendmessage'

/**
 * Evaluate a queue's `Policy` attribute (JSON text) for `sqs:SendMessage` by the
 * `events.amazonaws.com` service principal.
 *
 * @returns true when a statement allows it and none denies it; false for no policy or bad JSON.
 */
export function policyAllowsEventBridge(policyText: string | undefined, request: SendRequest): boolean {
  if (!policyText) return false
  let policy: unknown
  try {
    policy = JSON.parse(policyText)
  } catch {
    return false
  }
  if (!isRecord(policy)) return false
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]
  let allowed = false
  for (const statement of statements) {
    if (!isRecord(statement) || !statementApplies(statement, request)) continue
    if (statement.Effect === 'Deny') return false
    if (statement.Effect === 'Allow') allowed = true
  }
  return allowed
}

function statementApplies(statement: Record<string, unknown>, request: SendRequest): boolean {
  // NotPrincipal/NotAction/NotResource are rare in queue policies: such a statement never applies.
  if ('NotPrincipal' in statement || 'NotAction' in statement || 'NotResource' in statement) return false
  return (
    principalMatches(statement.Principal) &&
    list(statement.Action).some((action) => wildcardMatch(action.toLowerCase(), ACTION)) &&
    // SQS fills in the queue when a statement names no Resource.
    (statement.Resource === undefined || list(statement.Resource).some((r) => wildcardMatch(r, request.queueArn))) &&
    conditionsMatch(statement.Condition, request)
  )
}

function principalMatches(principal: unknown): boolean {
  if (principal === '*') return true
  if (!isRecord(principal)) return false
  if (list(principal.Service).some((s) => s.toLowerCase() === SERVICE_PRINCIPAL)) return true
  return list(principal.AWS).includes('*')
}

/** Condition operators the evaluator knows, by lower-case name: how one policy value tests one actual value. */
const OPERATORS: Readonly<Record<string, {test: (pattern: string, actual: string) => boolean; negated: boolean}>> = {
  arnequals: {test: wildcardMatch, negated: false},
  arnlike: {test: wildcardMatch, negated: false},
  stringlike: {test: wildcardMatch, negated: false},
  stringequals: {test: (p, a) => p === a, negated: false},
  stringequalsignorecase: {test: (p, a) => p.toLowerCase() === a.toLowerCase(), negated: false},
  arnnotequals: {test: wildcardMatch, negated: true},
  arnnotlike: {test: wildcardMatch, negated: true},
  stringnotlike: {test: wildcardMatch, negated: true},
  stringnotequals: {test: (p, a) => p === a, negated: true},
}

function conditionsMatch(condition: unknown, request: SendRequest): boolean {
  if (condition === undefined) return true
  if (!isRecord(condition)) return false
  const context: Record<string, string> = {
    'aws:sourcearn': request.sourceArn,
    'aws:sourceaccount': request.sourceAccount,
  }
  for (const [rawOperator, block] of Object.entries(condition)) {
    const ifExists = /IfExists$/i.test(rawOperator)
    const operator = OPERATORS[rawOperator.replace(/IfExists$/i, '').toLowerCase()]
    if (!operator || !isRecord(block)) return false
    for (const [key, values] of Object.entries(block)) {
      const actual = context[key.toLowerCase()]
      if (actual === undefined) {
        if (ifExists) continue
        return false
      }
      const hit = list(values).some((pattern) => operator.test(pattern, actual))
      if (hit === operator.negated) return false
    }
  }
  return true
}

/**
 * IAM wildcard matching: `*` any run of characters, `?` exactly one; everything else literal.
 * Case-sensitive, as ARN and string conditions are.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 's').test(value)
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
