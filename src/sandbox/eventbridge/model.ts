/**
 * The EventBridge data the sandbox keeps per region. Field names follow the API shapes
 * (botocore events 2015-10-07) so handlers can return them with little mapping.
 */

export interface EventBus {
  Name: string
  Arn: string
  Description?: string
  /** The customer managed KMS key the bus encrypts events with (stored and returned, not used). */
  KmsKeyIdentifier?: string
  /** The bus's own dead-letter queue for events it cannot encrypt/decrypt (stored and returned, not used). */
  DeadLetterConfig?: {Arn?: string}
  /** Event-bus logging (Level OFF|ERROR|INFO|TRACE, IncludeDetail NONE|FULL); the bus-log writer reads it. */
  LogConfig?: {Level?: string; IncludeDetail?: string}
  CreationTime: number
  LastModifiedTime: number
}

export interface HttpParameters {
  PathParameterValues?: string[]
  HeaderParameters?: Record<string, string>
  QueryStringParameters?: Record<string, string>
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>
  InputTemplate: string
}

export interface Target {
  Id: string
  Arn: string
  RoleArn?: string
  Input?: string
  InputPath?: string
  InputTransformer?: InputTransformer
  HttpParameters?: HttpParameters
  DeadLetterConfig?: {Arn?: string}
  RetryPolicy?: {MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number}
}

export interface Rule {
  Name: string
  Arn: string
  EventBusName: string
  EventPattern?: string
  ScheduleExpression?: string
  State: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
  Description?: string
  RoleArn?: string
  /** Targets by Id, in insertion order. */
  targets: Map<string, Target>
}

export interface ApiKeyAuthParameters {
  ApiKeyName: string
  ApiKeyValue: string
}

export interface ConnectionHttpParameter {
  Key: string
  Value: string
  IsValueSecret?: boolean
}

export interface Connection {
  Name: string
  ConnectionArn: string
  Description?: string
  AuthorizationType: 'API_KEY' | 'BASIC' | 'OAUTH_CLIENT_CREDENTIALS'
  ConnectionState: string
  StateReason?: string
  SecretArn: string
  /** Write-only on the API: never returned by Describe/List. */
  AuthParameters: {
    ApiKeyAuthParameters?: ApiKeyAuthParameters
    BasicAuthParameters?: {Username: string; Password: string}
    OAuthParameters?: Record<string, unknown>
    InvocationHttpParameters?: {
      HeaderParameters?: ConnectionHttpParameter[]
      QueryStringParameters?: ConnectionHttpParameter[]
      BodyParameters?: ConnectionHttpParameter[]
    }
  }
  CreationTime: number
  LastModifiedTime: number
  LastAuthorizedTime?: number
}

export interface ApiDestination {
  Name: string
  ApiDestinationArn: string
  Description?: string
  ApiDestinationState: 'ACTIVE' | 'INACTIVE'
  ConnectionArn: string
  InvocationEndpoint: string
  HttpMethod: string
  InvocationRateLimitPerSecond: number
  CreationTime: number
  LastModifiedTime: number
}

/** All EventBridge state of one account and region. */
export interface EventsStore {
  buses: Map<string, EventBus>
  /** Rules keyed by `${busName}|${ruleName}`. */
  rules: Map<string, Rule>
  connections: Map<string, Connection>
  apiDestinations: Map<string, ApiDestination>
}

/** A region's EventBridge state, holding the `default` bus every account has. */
export function createEventsStore(region: string, accountId: string, now: number): EventsStore {
  const store: EventsStore = {buses: new Map(), rules: new Map(), connections: new Map(), apiDestinations: new Map()}
  const Arn = busArn(region, accountId, 'default')
  store.buses.set('default', {Name: 'default', Arn, CreationTime: now, LastModifiedTime: now})
  return store
}

/**
 * Rule ARN as AWS builds it: `rule/<name>` on the default bus, `rule/<bus>/<name>` elsewhere
 * (docs/reference/aws-facts.md#rule-arn-format).
 */
export function ruleArn(region: string, accountId: string, busName: string, ruleName: string): string {
  const path = busName === 'default' ? ruleName : `${busName}/${ruleName}`
  return `arn:aws:events:${region}:${accountId}:rule/${path}`
}

export function busArn(region: string, accountId: string, busName: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/${busName}`
}
