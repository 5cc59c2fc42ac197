/**
 * Stack lifecycle decisions (docs/reference/aws-facts.md#cfn-deploy) and the ports the deploy, status and
 * destroy services use. Pure: the adapters fill the ports with CloudFormation, EventBridge and SQS calls.
 */

/** A stack as DescribeStacks reports it (only what the CLI uses). */
export interface StackInfo {
  readonly name: string
  readonly id: string
  readonly status: string
  readonly statusReason?: string | undefined
  readonly parameters: Readonly<Record<string, string>>
  readonly outputs: Readonly<Record<string, string>>
}

/** One DescribeStackEvents entry. */
export interface StackEvent {
  readonly id: string
  readonly timestamp: Date
  readonly logicalId: string
  readonly physicalId?: string | undefined
  readonly resourceType: string
  readonly status: string
  readonly reason?: string | undefined
}

/** One change of a change set (a `Type: Resource` entry of `Changes`). */
export interface ResourceChange {
  readonly action: string
  readonly logicalId: string
  readonly physicalId?: string | undefined
  readonly resourceType: string
  /** `True`, `False` or `Conditional` (Modify only). */
  readonly replacement?: string | undefined
}

/** A change set as DescribeChangeSet reports it. */
export interface ChangeSetInfo {
  readonly id: string
  readonly status: string
  readonly statusReason?: string | undefined
  readonly executionStatus?: string | undefined
  readonly changes: readonly ResourceChange[]
}

/** One parameter for CreateChangeSet: a value, or "keep the previous one". */
export type ParameterInput =
  {readonly key: string; readonly value: string} | {readonly key: string; readonly usePrevious: true}

/** CloudFormation as the stack services need it. Errors are core errors. */
export interface CloudFormationPort {
  /** The stack, or undefined when it doesn't exist (DescribeStacks "does not exist"). */
  describeStack(nameOrId: string): Promise<StackInfo | undefined>
  createChangeSet(input: {
    stackName: string
    changeSetName: string
    type: 'CREATE' | 'UPDATE'
    templateBody: string
    parameters: readonly ParameterInput[]
  }): Promise<{id: string; stackId: string}>
  describeChangeSet(changeSetId: string, stackName: string): Promise<ChangeSetInfo>
  executeChangeSet(changeSetId: string, stackName: string): Promise<void>
  deleteChangeSet(changeSetId: string, stackName: string): Promise<void>
  /** Events newest first, one page at a time; stop paging when `stop` returns true for an event. */
  stackEvents(stackName: string, stop: (event: StackEvent) => boolean): Promise<StackEvent[]>
  deleteStack(nameOrId: string): Promise<void>
}

/** A pause between polls; tests pass one that doesn't wait. */
export type Sleep = (ms: number) => Promise<void>

/** What deploy does, decided from the stack's current status. */
export type DeployDecision =
  | {readonly kind: 'create'}
  /**
   * REVIEW_IN_PROGRESS: a CREATE change set was never executed; create again
   * (docs/reference/aws-facts.md#review-in-progress).
   */
  | {readonly kind: 'create-over-review'}
  | {readonly kind: 'update'}
  /**
   * ROLLBACK_COMPLETE: a failed create; only delete-then-create helps
   * (docs/reference/aws-facts.md#rollback-complete).
   */
  | {readonly kind: 'recreate'}
  /** Another operation is running: wait for it, then decide again. */
  | {readonly kind: 'wait'; readonly status: string}
  /** A state deploy can't repair on its own (ROLLBACK_FAILED, DELETE_FAILED, …). */
  | {readonly kind: 'blocked'; readonly status: string}

/** Decide create, update, recreate or wait from DescribeStacks (undefined = no such stack). */
export function decideDeploy(stack: Pick<StackInfo, 'status'> | undefined): DeployDecision {
  if (!stack || stack.status === 'DELETE_COMPLETE') return {kind: 'create'}
  const {status} = stack
  if (status === 'REVIEW_IN_PROGRESS') return {kind: 'create-over-review'}
  if (status === 'ROLLBACK_COMPLETE') return {kind: 'recreate'}
  if (isInProgress(status)) return {kind: 'wait', status}
  if (status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED' || status === 'UPDATE_ROLLBACK_FAILED') {
    return {kind: 'blocked', status}
  }
  return {kind: 'update'}
}

/** True for every `*_IN_PROGRESS` status except REVIEW_IN_PROGRESS (which nothing will finish). */
export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS'
}

/** Statuses that end a create or update, and which of them are success. */
const SUCCESS = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'])
const FAILURE = new Set([
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
  'IMPORT_ROLLBACK_FAILED',
])

/** The outcome of a stack status after ExecuteChangeSet: still running, succeeded, or failed. */
export function deployOutcome(status: string): 'running' | 'succeeded' | 'failed' {
  if (SUCCESS.has(status)) return 'succeeded'
  if (FAILURE.has(status)) return 'failed'
  return 'running'
}

/**
 * Statuses a healthy, usable stack can be in. UPDATE_ROLLBACK_COMPLETE is one
 * (docs/reference/aws-facts.md#rollback-complete).
 */
export function isStackHealthy(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'UPDATE_ROLLBACK_COMPLETE'
}

/**
 * CloudFormation's way of saying an update changes nothing: a FAILED change set
 * (docs/reference/aws-facts.md#no-op-change-set).
 */
export function isNoChangeReason(reason: string | undefined): boolean {
  if (!reason) return false
  return (
    reason.includes("didn't contain changes") ||
    reason.includes('did not contain changes') ||
    reason.includes('No updates are to be performed')
  )
}

/** The resource a change set touches, as the plan shows it. */
export interface PlanRow {
  readonly action: 'add' | 'modify' | 'remove' | 'import' | 'dynamic'
  readonly logicalId: string
  readonly resourceType: string
  readonly physicalId?: string | undefined
  /** `true`: replaced (deleted and recreated); `conditional`: may be, depending on a runtime value. */
  readonly replacement: boolean | 'conditional'
}

/** Plan rows from a change set's changes: adds, then modifies, then removes; replacements marked. */
export function planFromChanges(changes: readonly ResourceChange[]): PlanRow[] {
  const order = {add: 0, import: 1, modify: 2, dynamic: 3, remove: 4}
  return changes
    .map((change): PlanRow => {
      const action = (change.action.toLowerCase() as PlanRow['action']) ?? 'dynamic'
      const replacement =
        action === 'modify'
          ? change.replacement === 'True'
            ? true
            : change.replacement === 'Conditional'
              ? 'conditional'
              : false
          : false
      return {
        action: action in order ? action : 'dynamic',
        logicalId: change.logicalId,
        resourceType: change.resourceType,
        ...(change.physicalId ? {physicalId: change.physicalId} : {}),
        replacement,
      }
    })
    .sort((a, b) => order[a.action] - order[b.action] || a.logicalId.localeCompare(b.logicalId))
}

/** True when executing the plan deletes or replaces something: the case that needs a confirmation. */
export function planIsDestructive(plan: readonly PlanRow[]): boolean {
  return plan.some((row) => row.action === 'remove' || row.replacement !== false)
}

/** One plan row as text: `+ add     CacheSetRule  AWS::Events::Rule`, replacements marked. */
export function formatPlanRow(row: PlanRow, idWidth = 24): string {
  const sign = {add: '+', import: '+', modify: '~', dynamic: '?', remove: '-'}[row.action]
  const note =
    row.replacement === true ? '  (replaced)' : row.replacement === 'conditional' ? '  (may be replaced)' : ''
  return `${sign} ${row.action.padEnd(7)} ${row.logicalId.padEnd(idWidth)} ${row.resourceType}${note}`
}

/** Counts for a one-line summary ("3 to add, 1 to modify, 0 to remove, 1 replaced"). */
export function summarizePlan(plan: readonly PlanRow[]): string {
  const count = (a: PlanRow['action']) => plan.filter((r) => r.action === a).length
  const replaced = plan.filter((r) => r.replacement === true).length
  const parts = [`${count('add')} to add`, `${count('modify')} to modify`, `${count('remove')} to remove`]
  if (replaced > 0) parts.push(`${replaced} replaced`)
  return parts.join(', ')
}

/**
 * Parameters for CreateChangeSet: explicit values win; on an update, parameters the running stack
 * already has keep their previous value; on a create, `UsePreviousValue` is invalid
 * (docs/reference/aws-facts.md#review-in-progress), so anything without a value falls back to the template
 * default by being left out.
 */
export function buildParameters(
  explicit: Readonly<Record<string, string | undefined>>,
  options: {
    type: 'CREATE' | 'UPDATE'
    previous: Readonly<Record<string, string>> | undefined
    names: readonly string[]
  },
): ParameterInput[] {
  const out: ParameterInput[] = []
  for (const key of options.names) {
    const value = explicit[key]
    if (value !== undefined) out.push({key, value})
    else if (options.type === 'UPDATE' && options.previous && key in options.previous)
      out.push({key, usePrevious: true})
  }
  return out
}

/** A change-set name unique per run (letters, digits and hyphens, starting with a letter). */
export function changeSetName(now: Date = new Date()): string {
  return `momento-eb-${now.getTime()}`
}

/** The integration's kinds of delivery, as the three rules and destinations are named. */
export type IntegrationKind = 'cacheSet' | 'cacheDelete' | 'topicPublish'

/** One API destination of the integration. */
export interface DestinationInfo {
  readonly logicalId: string
  readonly name: string
  readonly arn: string
  readonly method: string
  readonly endpoint: string
  readonly state: string
  readonly rateLimit?: number | undefined
}

/** One rule of the integration and its API-destination target. */
export interface RuleInfo {
  readonly logicalId: string
  readonly name: string
  readonly arn: string
  readonly bus: string
  readonly state: string
  readonly detailTypes: readonly string[]
  readonly target?:
    | {
        readonly id: string
        readonly arn: string
        readonly deadLetterArn?: string | undefined
        readonly maxRetryAttempts?: number | undefined
        readonly maxEventAgeSeconds?: number | undefined
      }
    | undefined
}

/**
 * The integration's resources, found by type among the stack's resources, so a stack deployed from
 * Momento's launch button works as well as ours. Kinds come from the rules' patterns and the
 * destinations' HTTP methods, not from logical ids.
 */
export interface IntegrationResources {
  readonly stackName: string
  /** The bus the rules are on (the first rule's), when there are rules. */
  readonly bus: string | undefined
  readonly connection?: {readonly name: string; readonly arn: string; readonly state: string} | undefined
  readonly destinations: Partial<Record<IntegrationKind, DestinationInfo>>
  readonly rules: Partial<Record<IntegrationKind, RuleInfo>>
  readonly queue?:
    | {
        readonly url: string
        readonly arn: string
        readonly visible: number
        readonly inFlight: number
        /** The queue's resource policy, as JSON text; undefined when it has none. */
        readonly policy?: string | undefined
      }
    | undefined
  /** Logical ids of resources that couldn't be described (deleted outside CloudFormation, …). */
  readonly missing: readonly string[]
}

/** The kind of a destination from its HTTP method (PUT set, DELETE delete, POST publish). */
export function kindOfMethod(method: string): IntegrationKind | undefined {
  return ({PUT: 'cacheSet', DELETE: 'cacheDelete', POST: 'topicPublish'} as const)[method.toUpperCase()] as
    IntegrationKind | undefined
}

/** The kind of a rule from the detail types its pattern matches. */
export function kindOfDetailTypes(detailTypes: readonly string[]): IntegrationKind | undefined {
  return (['cacheSet', 'cacheDelete', 'topicPublish'] as const).find((k) => detailTypes.includes(k))
}

/** The `detail-type` values of an event pattern (JSON text); [] when it has none or isn't JSON. */
export function detailTypesOfPattern(pattern: string | undefined): string[] {
  if (!pattern) return []
  try {
    const value = (JSON.parse(pattern) as Record<string, unknown>)['detail-type']
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

/**
 * Which of `ruleArns` a queue policy lets EventBridge send to `queueArn` for. A statement counts
 * when it allows `sqs:SendMessage` to the events service (or everyone); its `aws:SourceArn`
 * condition (ArnEquals, ArnLike, StringEquals, StringLike), when present, must cover the rule.
 */
export function rulesAllowedByPolicy(policy: string | undefined, ruleArns: readonly string[]): Set<string> {
  const allowed = new Set<string>()
  if (!policy) return allowed
  let doc: {Statement?: unknown}
  try {
    doc = JSON.parse(policy) as {Statement?: unknown}
  } catch {
    return allowed
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []
  for (const raw of statements as Array<Record<string, unknown>>) {
    if (raw['Effect'] !== 'Allow') continue
    if (!principalIsEvents(raw['Principal'])) continue
    const actions = list(raw['Action'])
    if (!actions.some((a) => a === '*' || a === 'sqs:*' || a.toLowerCase() === 'sqs:sendmessage')) continue
    const patterns = sourceArnPatterns(raw['Condition'])
    for (const arn of ruleArns) {
      if (patterns === undefined || patterns.some((p) => wildcard(p).test(arn))) allowed.add(arn)
    }
  }
  return allowed
}

function principalIsEvents(principal: unknown): boolean {
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null) return false
  const p = principal as Record<string, unknown>
  return list(p['Service']).includes('events.amazonaws.com') || list(p['AWS']).includes('*')
}

function sourceArnPatterns(condition: unknown): string[] | undefined {
  if (typeof condition !== 'object' || condition === null) return undefined
  const out: string[] = []
  let found = false
  for (const op of ['ArnEquals', 'ArnLike', 'StringEquals', 'StringLike']) {
    const block = (condition as Record<string, unknown>)[op]
    if (typeof block !== 'object' || block === null) continue
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (key.toLowerCase() !== 'aws:sourcearn') continue
      found = true
      out.push(...list(value))
    }
  }
  return found ? out : undefined
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  )
}
