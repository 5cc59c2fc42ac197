/**
 * Resource providers: each creates, updates and deletes its resource through the same operation
 * handlers the sandbox's services serve, so a resource made by a stack is indistinguishable from
 * one made through the API (a Connection gets its Secrets Manager secret exactly as
 * CreateConnection gives it one).
 */
import {eventbridgeService} from '../eventbridge/service.js'
import type {RequestContext} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {secretsmanagerService} from '../secretsmanager/service.js'
import {QUEUE_DEFAULTS} from '../sqs/store.js'
import {sqsService} from '../sqs/service.js'
import {ALARM_PROVIDERS} from './providers-alarms.js'
import {LOGS_PROVIDERS} from './providers-logs.js'
import {cloudFormationStore} from './store.js'

/** A created resource: physical id (also its `Ref`) and `Fn::GetAtt` values. */
export interface ResourceResult {
  physicalId: string
  attributes: Record<string, unknown>
}

/** What a provider gets besides the properties. */
export interface ProviderContext {
  /** A context as if the stack's caller had called the service itself. */
  readonly request: RequestContext
  readonly stackName: string
  readonly logicalId: string
}

export interface ResourceProvider {
  /** Properties whose change replaces the resource. */
  readonly createOnly: readonly string[]
  /** The property that names the resource, when the template may set it (custom names cannot be replaced in place). */
  readonly nameProperty?: string
  /** Attributes `Fn::GetAtt` may read. */
  readonly attributes: readonly string[]
  create(properties: Record<string, unknown>, pc: ProviderContext): Promise<ResourceResult>
  /** In-place update; absent means every change replaces the resource. */
  update?(
    current: ResourceResult,
    properties: Record<string, unknown>,
    previous: Record<string, unknown>,
    pc: ProviderContext,
  ): Promise<ResourceResult>
  delete(current: ResourceResult, properties: Record<string, unknown>, pc: ProviderContext): Promise<void>
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * A name as CloudFormation generates one when the template gives none:
 * `<stack>-<logicalId>-<random>`, the first two parts shortened to fit `max`.
 */
export function generatedName(pc: ProviderContext, max: number, lowercase = false): string {
  let suffix = ''
  for (let i = 0; i < 12; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)]
  const budget = max - suffix.length - 2
  const stackPart = Math.max(1, Math.min(pc.stackName.length, Math.ceil(budget / 2)))
  const logicalPart = Math.max(1, budget - stackPart)
  const name = `${pc.stackName.slice(0, stackPart)}-${pc.logicalId.slice(0, logicalPart)}-${suffix}`
  return lowercase ? name.toLowerCase() : name
}

async function call(
  service: {operations: Readonly<Record<string, (input: Record<string, unknown>, ctx: RequestContext) => unknown>>},
  operation: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const handler = service.operations[operation]
  if (!handler) throw new Error(`no handler for ${operation}`)
  return ((await handler(input, ctx)) ?? {}) as Record<string, unknown>
}

const events = (op: string, input: Record<string, unknown>, pc: ProviderContext) =>
  call(eventbridgeService, op, input, pc.request)
const sqs = (op: string, input: Record<string, unknown>, pc: ProviderContext) => call(sqsService, op, input, pc.request)

/** Run a delete, treating "already gone" as done (a resource deleted outside the stack). */
async function gone(work: () => Promise<unknown>): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (error instanceof ServiceError && /NotFound|DoesNotExist|NonExistent/i.test(error.code)) return
    throw error
  }
}

function str(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value)
}

function num(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value)
}

function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
}

const eventBus: ResourceProvider = {
  createOnly: ['Name', 'EventSourceName'],
  nameProperty: 'Name',
  attributes: ['Arn', 'Name'],
  async create(p, pc) {
    const name = String(p['Name'])
    const out = await events(
      'CreateEventBus',
      compact({Name: name, Description: str(p['Description']), LogConfig: p['LogConfig'] ?? undefined}),
      pc,
    )
    return {physicalId: name, attributes: {Arn: out['EventBusArn'], Name: name}}
  },
  // Description and LogConfig change in place (UpdateEventBus, sending back the settings the template
  // does not manage); the sandbox's buses keep no tags.
  async update(current, p, _previous, pc) {
    const bus = await events('DescribeEventBus', {Name: current.physicalId}, pc)
    await events(
      'UpdateEventBus',
      compact({
        Name: current.physicalId,
        Description: str(p['Description']),
        KmsKeyIdentifier: bus['KmsKeyIdentifier'],
        DeadLetterConfig: bus['DeadLetterConfig'],
        LogConfig: p['LogConfig'] ?? undefined,
      }),
      pc,
    )
    return current
  },
  async delete(current, _p, pc) {
    await gone(() => events('DeleteEventBus', {Name: current.physicalId}, pc))
  },
}

async function connectionResult(name: string, pc: ProviderContext): Promise<ResourceResult> {
  const out = await events('DescribeConnection', {Name: name}, pc)
  return {physicalId: name, attributes: {Arn: out['ConnectionArn'], SecretArn: out['SecretArn']}}
}

const connection: ResourceProvider = {
  createOnly: ['Name'],
  nameProperty: 'Name',
  attributes: ['Arn', 'SecretArn', 'ArnForPolicy'],
  async create(p, pc) {
    const name = str(p['Name']) ?? generatedName(pc, 64)
    await events(
      'CreateConnection',
      compact({
        Name: name,
        Description: str(p['Description']),
        AuthorizationType: p['AuthorizationType'],
        AuthParameters: p['AuthParameters'],
      }),
      pc,
    )
    return connectionResult(name, pc)
  },
  async update(current, p, _previous, pc) {
    await events(
      'UpdateConnection',
      compact({
        Name: current.physicalId,
        Description: str(p['Description']),
        AuthorizationType: p['AuthorizationType'],
        AuthParameters: p['AuthParameters'],
      }),
      pc,
    )
    return connectionResult(current.physicalId, pc)
  },
  async delete(current, _p, pc) {
    await gone(() => events('DeleteConnection', {Name: current.physicalId}, pc))
  },
}

function destinationInput(name: string, p: Record<string, unknown>): Record<string, unknown> {
  return compact({
    Name: name,
    Description: str(p['Description']),
    ConnectionArn: str(p['ConnectionArn']),
    InvocationEndpoint: str(p['InvocationEndpoint']),
    HttpMethod: str(p['HttpMethod']),
    InvocationRateLimitPerSecond: num(p['InvocationRateLimitPerSecond']),
  })
}

function destinationAttributes(arn: unknown): Record<string, unknown> {
  return {Arn: arn, ArnForPolicy: String(arn).replace(/\/[^/]+$/, '')}
}

const apiDestination: ResourceProvider = {
  createOnly: ['Name'],
  nameProperty: 'Name',
  attributes: ['Arn', 'ArnForPolicy'],
  async create(p, pc) {
    const name = str(p['Name']) ?? generatedName(pc, 64)
    const out = await events('CreateApiDestination', destinationInput(name, p), pc)
    return {physicalId: name, attributes: destinationAttributes(out['ApiDestinationArn'])}
  },
  async update(current, p, _previous, pc) {
    const out = await events('UpdateApiDestination', destinationInput(current.physicalId, p), pc)
    return {physicalId: current.physicalId, attributes: destinationAttributes(out['ApiDestinationArn'])}
  },
  async delete(current, _p, pc) {
    await gone(() => events('DeleteApiDestination', {Name: current.physicalId}, pc))
  },
}

/**
 * Physical id (and `Ref`) of a rule: its name, or `<bus>|<name>` on a custom bus. The latter is
 * what LocalStack returns; AWS's exact form is UNCONFIRMED (docs/reference/aws-facts.md#eb-rule-target), so
 * it lives here only.
 */
export function rulePhysicalId(busName: string, ruleName: string): string {
  return busName === 'default' ? ruleName : `${busName}|${ruleName}`
}

function parseRuleId(physicalId: string): {bus: string; name: string} {
  const bar = physicalId.lastIndexOf('|')
  return bar < 0 ? {bus: 'default', name: physicalId} : {bus: physicalId.slice(0, bar), name: physicalId.slice(bar + 1)}
}

function busName(value: unknown): string {
  const text = str(value) ?? 'default'
  const at = text.indexOf(':event-bus/')
  return at >= 0 ? text.slice(at + ':event-bus/'.length) : text
}

function targetInput(target: Record<string, unknown>): Record<string, unknown> {
  const retry = target['RetryPolicy'] as Record<string, unknown> | undefined
  return compact({
    ...target,
    RetryPolicy: retry
      ? compact({
          MaximumRetryAttempts: num(retry['MaximumRetryAttempts']),
          MaximumEventAgeInSeconds: num(retry['MaximumEventAgeInSeconds']),
        })
      : undefined,
  })
}

async function putRuleAndTargets(
  bus: string,
  name: string,
  p: Record<string, unknown>,
  previousTargets: readonly Record<string, unknown>[],
  pc: ProviderContext,
): Promise<ResourceResult> {
  const pattern = p['EventPattern']
  const out = await events(
    'PutRule',
    compact({
      Name: name,
      EventBusName: bus,
      EventPattern: pattern === undefined || typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
      ScheduleExpression: str(p['ScheduleExpression']),
      State: str(p['State']),
      Description: str(p['Description']),
      RoleArn: str(p['RoleArn']),
    }),
    pc,
  )
  const targets = ((p['Targets'] as Record<string, unknown>[] | undefined) ?? []).map(targetInput)
  const keep = new Set(targets.map((t) => String(t['Id'])))
  const removed = previousTargets.map((t) => String(t['Id'])).filter((id) => !keep.has(id))
  if (removed.length > 0) await events('RemoveTargets', {Rule: name, EventBusName: bus, Ids: removed}, pc)
  if (targets.length > 0) {
    const result = await events('PutTargets', {Rule: name, EventBusName: bus, Targets: targets}, pc)
    const failed = (result['FailedEntries'] as {TargetId: string; ErrorMessage: string}[] | undefined) ?? []
    if (failed.length > 0) {
      throw new ServiceError('ValidationException', failed.map((f) => `${f.TargetId}: ${f.ErrorMessage}`).join('; '))
    }
  }
  return {physicalId: rulePhysicalId(bus, name), attributes: {Arn: out['RuleArn']}}
}

const rule: ResourceProvider = {
  createOnly: ['Name', 'EventBusName'],
  nameProperty: 'Name',
  attributes: ['Arn'],
  create(p, pc) {
    return putRuleAndTargets(busName(p['EventBusName']), str(p['Name']) ?? generatedName(pc, 64), p, [], pc)
  },
  update(current, p, previous, pc) {
    const {bus, name} = parseRuleId(current.physicalId)
    return putRuleAndTargets(bus, name, p, (previous['Targets'] as Record<string, unknown>[] | undefined) ?? [], pc)
  },
  async delete(current, p, pc) {
    const {bus, name} = parseRuleId(current.physicalId)
    const ids = ((p['Targets'] as Record<string, unknown>[] | undefined) ?? []).map((t) => String(t['Id']))
    await gone(async () => {
      if (ids.length > 0) await events('RemoveTargets', {Rule: name, EventBusName: bus, Ids: ids, Force: true}, pc)
      await events('DeleteRule', {Name: name, EventBusName: bus}, pc)
    })
  },
}

function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`
}

/** IAM roles are recorded, not evaluated: enough for `Ref`, `GetAtt Arn|RoleId` and a target's RoleArn. */
const role: ResourceProvider = {
  createOnly: ['RoleName', 'Path'],
  nameProperty: 'RoleName',
  attributes: ['Arn', 'RoleId'],
  create(p, pc) {
    const store = cloudFormationStore(pc.request)
    const name = str(p['RoleName']) ?? generatedName(pc, 64)
    if (store.roles.has(name)) {
      return Promise.reject(new ServiceError('EntityAlreadyExists', `Role with name ${name} already exists.`))
    }
    const path = str(p['Path']) ?? '/'
    let id = 'AROA'
    for (let i = 0; i < 17; i++) id += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)]
    const record = {
      RoleName: name,
      Arn: roleArn(pc.request.accountId, path, name),
      RoleId: id,
      Path: path,
      properties: p,
    }
    store.roles.set(name, record)
    return Promise.resolve({physicalId: name, attributes: {Arn: record.Arn, RoleId: id}})
  },
  update(current, p, _previous, pc) {
    const record = cloudFormationStore(pc.request).roles.get(current.physicalId)
    if (record) record.properties = p
    return Promise.resolve(current)
  },
  delete(current, _p, pc) {
    cloudFormationStore(pc.request).roles.delete(current.physicalId)
    return Promise.resolve()
  },
}

/** Queue properties that are queue attributes, with how CloudFormation's values become attribute text. */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
] as const

function queueAttributes(p: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of QUEUE_ATTRIBUTES) {
    const value = p[name]
    if (value === undefined) continue
    out[name] = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  }
  return out
}

async function queueResult(url: string, pc: ProviderContext): Promise<ResourceResult> {
  const out = await sqs('GetQueueAttributes', {QueueUrl: url, AttributeNames: ['QueueArn']}, pc)
  const arn = (out['Attributes'] as Record<string, string>)['QueueArn']
  return {physicalId: url, attributes: {Arn: arn, QueueName: url.slice(url.lastIndexOf('/') + 1), QueueUrl: url}}
}

const queue: ResourceProvider = {
  createOnly: ['QueueName', 'FifoQueue'],
  nameProperty: 'QueueName',
  attributes: ['Arn', 'QueueName', 'QueueUrl'],
  async create(p, pc) {
    const name = str(p['QueueName']) ?? generatedName(pc, 80)
    const out = await sqs('CreateQueue', {QueueName: name, Attributes: queueAttributes(p)}, pc)
    return queueResult(String(out['QueueUrl']), pc)
  },
  async update(current, p, _previous, pc) {
    const attributes = queueAttributes(p)
    // A property removed from the template goes back to the queue's default (an empty policy removes it).
    for (const name of QUEUE_ATTRIBUTES) {
      if (attributes[name] !== undefined) continue
      const fallback = QUEUE_DEFAULTS[name] ?? (name.startsWith('Redrive') ? '' : undefined)
      if (fallback !== undefined) attributes[name] = fallback
    }
    await sqs('SetQueueAttributes', {QueueUrl: current.physicalId, Attributes: attributes}, pc)
    return queueResult(current.physicalId, pc)
  },
  async delete(current, _p, pc) {
    await gone(() => sqs('DeleteQueue', {QueueUrl: current.physicalId}, pc))
  },
}

function queueUrls(p: Record<string, unknown>): string[] {
  return ((p['Queues'] as unknown[] | undefined) ?? []).map(String)
}

async function setPolicies(urls: readonly string[], policy: string, pc: ProviderContext): Promise<void> {
  for (const url of urls) await sqs('SetQueueAttributes', {QueueUrl: url, Attributes: {Policy: policy}}, pc)
}

const queuePolicy: ResourceProvider = {
  createOnly: [],
  attributes: ['Id'],
  async create(p, pc) {
    await setPolicies(queueUrls(p), JSON.stringify(p['PolicyDocument'] ?? {}), pc)
    const id = generatedName(pc, 128)
    return {physicalId: id, attributes: {Id: id}}
  },
  async update(current, p, previous, pc) {
    const now = new Set(queueUrls(p))
    const dropped = queueUrls(previous).filter((url) => !now.has(url))
    for (const url of dropped) await gone(() => setPolicies([url], '', pc))
    await setPolicies([...now], JSON.stringify(p['PolicyDocument'] ?? {}), pc)
    return current
  },
  async delete(_current, p, pc) {
    for (const url of queueUrls(p)) await gone(() => setPolicies([url], '', pc))
  },
}

const secrets = (op: string, input: Record<string, unknown>, pc: ProviderContext) =>
  call(secretsmanagerService, op, input, pc.request)

const secret: ResourceProvider = {
  createOnly: ['Name'],
  nameProperty: 'Name',
  attributes: ['Id'],
  async create(p, pc) {
    if (p['GenerateSecretString'] !== undefined) {
      throw new ServiceError('ValidationError', 'GenerateSecretString is not supported by the momento-eb sandbox.')
    }
    const out = await secrets(
      'CreateSecret',
      compact({
        Name: str(p['Name']) ?? generatedName(pc, 256),
        Description: str(p['Description']),
        SecretString: str(p['SecretString']),
      }),
      pc,
    )
    return {physicalId: String(out['ARN']), attributes: {Id: out['ARN']}}
  },
  async update(current, p, previous, pc) {
    if (p['Description'] !== previous['Description'])
      await secrets(
        'UpdateSecret',
        compact({SecretId: current.physicalId, Description: str(p['Description']) ?? ''}),
        pc,
      )
    if (p['SecretString'] !== previous['SecretString'] && p['SecretString'] !== undefined)
      await secrets('PutSecretValue', {SecretId: current.physicalId, SecretString: String(p['SecretString'])}, pc)
    return current
  },
  async delete(current, _p, pc) {
    await gone(() => secrets('DeleteSecret', {SecretId: current.physicalId, ForceDeleteWithoutRecovery: true}, pc))
  },
}

/** Supported resource types. Anything else fails its resource with a clear reason. */
export const PROVIDERS: Readonly<Record<string, ResourceProvider>> = {
  'AWS::Events::EventBus': eventBus,
  'AWS::Events::Connection': connection,
  'AWS::Events::ApiDestination': apiDestination,
  'AWS::Events::Rule': rule,
  'AWS::IAM::Role': role,
  'AWS::SQS::Queue': queue,
  'AWS::SQS::QueuePolicy': queuePolicy,
  'AWS::SecretsManager::Secret': secret,
  ...ALARM_PROVIDERS,
  ...LOGS_PROVIDERS,
}

/** The failure reason for a type the sandbox cannot create. */
export function unsupportedType(type: string): string {
  return `Resource type ${type} is not supported by the momento-eb sandbox`
}
