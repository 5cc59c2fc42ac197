/**
 * Declarative field rules per EventBridge operation (kinesalite's `validations/` idea): the
 * constraints of the API model (botocore events 2015-10-07) as data, checked by one walker before
 * any handler runs. Semantic checks that need the store (unknown bus, duplicate names) stay in the
 * handlers.
 */
import {ServiceError} from '../protocol/errors.js'

interface BaseRule {
  required?: boolean
  /** Keep the value out of error messages (API keys, passwords). */
  sensitive?: boolean
}

/** The constraint of one input member, as the API model states it. */
export type FieldRule =
  | (BaseRule & {
      type: 'String'
      min?: number
      max?: number
      pattern?: string
      enum?: readonly string[]
      /** Must be an ARN: a semantic check AWS makes beyond the model, with its own message. */
      arn?: boolean
    })
  | (BaseRule & {type: 'Integer'; min?: number; max?: number})
  | (BaseRule & {type: 'Boolean'})
  | (BaseRule & {type: 'Timestamp'})
  | (BaseRule & {type: 'Blob'; min?: number; max?: number})
  | (BaseRule & {
      type: 'List'
      min?: number
      max?: number
      member: FieldRule
      /**
       * Report the violations of the (string) members once, on the list itself, as CloudFormation
       * does: `Value '[A, B]' at 'capabilities' failed to satisfy constraint: Member must satisfy
       * constraint: [Member must satisfy enum value set: […]]`. Without it each member is reported
       * at `<list>.<n>.member`.
       */
      reportOnList?: boolean
    })
  | (BaseRule & {type: 'Map'; min?: number; max?: number; key: FieldRule; value: FieldRule})
  | (BaseRule & {type: 'Structure'; members: Readonly<Record<string, FieldRule>>})

/** Field rules of one operation's input, keyed by member name. */
export type OperationRules = Readonly<Record<string, FieldRule>>

const compiled = new Map<string, RegExp>()

/** AWS patterns are Java regexes matched against the whole value (`String.matches`). */
function fullMatch(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern)
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`)
    compiled.set(pattern, regex)
  }
  return regex.test(value)
}

/** AWS names members in validation messages in lower camel case (`eventBusName`, `targets.1.member.id`). */
function memberPath(parent: string, name: string): string {
  const camel = name.charAt(0).toLowerCase() + name.slice(1)
  return parent ? `${parent}.${camel}` : camel
}

function show(value: unknown, rule: FieldRule): string {
  if (value === null || value === undefined) return 'null'
  if (rule.sensitive) return "'***'"
  if (typeof value === 'string') return `'${value}'`
  return `'${JSON.stringify(value)}'`
}

/**
 * What `check` found: violations of the model's constraints (reported together, as AWS lists them)
 * and parameters the service refuses after those pass (reported one at a time, in AWS's words).
 */
interface Findings {
  constraints: string[]
  parameters: string[]
}

/**
 * An ARN as AWS services parse one: `arn:<partition>:<service>:<region>:<account>:<resource>`, with
 * region and account possibly empty (S3 buckets). The exact rule AWS applies is not published.
 */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/

const CONSTRAINT = 'failed to satisfy constraint: '

function check(value: unknown, rule: FieldRule, path: string, findings: Findings): void {
  const errors = findings.constraints
  const fail = (constraint: string): void => {
    errors.push(`Value ${show(value, rule)} at '${path}' ${CONSTRAINT}${constraint}`)
  }
  if (value === undefined || value === null) {
    if (rule.required) fail('Member must not be null')
    return
  }
  switch (rule.type) {
    case 'String':
      if (typeof value !== 'string') return fail('Member must be of type String')
      if (rule.min !== undefined && value.length < rule.min) {
        fail(`Member must have length greater than or equal to ${rule.min}`)
      }
      if (rule.max !== undefined && value.length > rule.max) {
        fail(`Member must have length less than or equal to ${rule.max}`)
      }
      if (rule.pattern !== undefined && value.length > 0 && !fullMatch(rule.pattern, value)) {
        fail(`Member must satisfy regular expression pattern: ${rule.pattern}`)
      }
      if (rule.enum && !rule.enum.includes(value)) fail(`Member must satisfy enum value set: [${rule.enum.join(', ')}]`)
      // TargetArn has only a length in the model, yet AWS refuses a target that is not an ARN
      // (`test-bucket`) with this ValidationException (text as AWS-verified LocalStack snapshots record it).
      if (rule.arn && value.length > 0 && !ARN.test(value)) {
        findings.parameters.push(`Parameter ${value} is not valid. Reason: Provided Arn is not in correct format.`)
      }
      return
    case 'Integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('Member must be of type Integer')
      if (rule.min !== undefined && value < rule.min)
        fail(`Member must have value greater than or equal to ${rule.min}`)
      if (rule.max !== undefined && value > rule.max) fail(`Member must have value less than or equal to ${rule.max}`)
      return
    case 'Boolean':
      if (typeof value !== 'boolean') fail('Member must be of type Boolean')
      return
    case 'Timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('Member must be of type Timestamp')
      return
    case 'Blob': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
        return fail('Member must be base64-encoded binary data')
      }
      const size = Buffer.from(value, 'base64').length
      if (rule.min !== undefined && size < rule.min)
        fail(`Member must have length greater than or equal to ${rule.min}`)
      if (rule.max !== undefined && size > rule.max) fail(`Member must have length less than or equal to ${rule.max}`)
      return
    }
    case 'List':
      if (!Array.isArray(value)) return fail('Member must be of type List')
      if (rule.min !== undefined && value.length < rule.min) {
        fail(`Member must have length greater than or equal to ${rule.min}`)
      }
      if (rule.max !== undefined && value.length > rule.max) {
        fail(`Member must have length less than or equal to ${rule.max}`)
      }
      if (rule.reportOnList) {
        const inner: Findings = {constraints: [], parameters: []}
        value.forEach((item: unknown, index) => {
          check(item, {...rule.member, required: true}, `${path}.${index + 1}.member`, inner)
        })
        const constraints = [
          ...new Set(inner.constraints.map((e) => e.slice(e.lastIndexOf(CONSTRAINT) + CONSTRAINT.length))),
        ]
        if (constraints.length > 0) {
          // How AWS words several different member violations is not known: all are listed.
          const shown = rule.sensitive ? "'***'" : `'[${value.map(String).join(', ')}]'`
          errors.push(
            `Value ${shown} at '${path}' ${CONSTRAINT}Member must satisfy constraint: [${constraints.join(', ')}]`,
          )
        }
        findings.parameters.push(...inner.parameters)
        return
      }
      value.forEach((item: unknown, index) => {
        // A null list member is always an error, whatever the member rule says.
        check(item, {...rule.member, required: true}, `${path}.${index + 1}.member`, findings)
      })
      return
    case 'Map': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('Member must be of type Map')
      const entries = Object.entries(value as Record<string, unknown>)
      if (rule.min !== undefined && entries.length < rule.min) {
        fail(`Member must have length greater than or equal to ${rule.min}`)
      }
      if (rule.max !== undefined && entries.length > rule.max) {
        fail(`Member must have length less than or equal to ${rule.max}`)
      }
      for (const [key, item] of entries) {
        check(key, rule.key, `${path}.key`, findings)
        check(item, {...rule.value, required: true}, `${path}.value`, findings)
      }
      return
    }
    case 'Structure':
      if (typeof value !== 'object' || Array.isArray(value)) return fail('Member must be of type Structure')
      checkMembers(value as Record<string, unknown>, rule.members, path, findings)
      return
  }
}

function checkMembers(
  input: Record<string, unknown>,
  rules: Readonly<Record<string, FieldRule>>,
  parent: string,
  findings: Findings,
): void {
  for (const [name, rule] of Object.entries(rules)) check(input[name], rule, memberPath(parent, name), findings)
}

/**
 * Check `input` against `rules`; throws a `ValidationException` listing every violation the way
 * AWS words it (`2 validation errors detected: Value null at 'name' failed to satisfy constraint: …`).
 * Members without a rule are ignored, as AWS ignores unknown members.
 */
export function validateInput(rules: OperationRules, input: Record<string, unknown>): void {
  const findings: Findings = {constraints: [], parameters: []}
  checkMembers(input, rules, '', findings)
  const errors = findings.constraints
  const [parameter] = findings.parameters
  if (errors.length === 0 && parameter !== undefined) throw new ServiceError('ValidationException', parameter)
  if (errors.length === 0) return
  const count = errors.length === 1 ? '1 validation error' : `${errors.length} validation errors`
  throw new ServiceError('ValidationException', `${count} detected: ${errors.join('; ')}`)
}

// ---- reusable member rules (botocore events 2015-10-07 shapes) ----

const NAME = '[\\.\\-_A-Za-z0-9]+'
const BUS_NAME = '[/\\.\\-_A-Za-z0-9]+'
const BUS_NAME_OR_ARN = '(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+'
const CONNECTION_ARN =
  '^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$'
const HTTPS_ENDPOINT = "^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@\\x26=+$,A-Za-z0-9])+)([).!';/?:,])?$"
const AUTH_HEADER = '^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$'
const HEADER_VALUE = '^[ \\t]*[\\x20-\\x7E]+([ \\t]+[\\x20-\\x7E]+)*[ \\t]*$'

const ruleName: FieldRule = {type: 'String', min: 1, max: 64, pattern: NAME}
const resourceName: FieldRule = {type: 'String', min: 1, max: 64, pattern: NAME}
const busName: FieldRule = {type: 'String', min: 1, max: 256, pattern: BUS_NAME}
const busNameOrArn: FieldRule = {type: 'String', min: 1, max: 1600, pattern: BUS_NAME_OR_ARN}
const nextToken: FieldRule = {type: 'String', min: 1, max: 2048}
const limit: FieldRule = {type: 'Integer', min: 1, max: 100}
const description: FieldRule = {type: 'String', max: 512}
const kmsKey: FieldRule = {type: 'String', max: 2048, pattern: '^[a-zA-Z0-9_\\-/:]*$'}
const arn1600: FieldRule = {type: 'String', min: 1, max: 1600}
const tags: FieldRule = {
  type: 'List',
  member: {
    type: 'Structure',
    members: {
      Key: {type: 'String', required: true, min: 1, max: 128},
      Value: {type: 'String', required: true, max: 256},
    },
  },
}
const deadLetterConfig: FieldRule = {type: 'Structure', members: {Arn: arn1600}}
/** The bus's log settings (botocore events LogConfig: IncludeDetail NONE|FULL, Level OFF|ERROR|INFO|TRACE). */
const logConfig: FieldRule = {
  type: 'Structure',
  members: {
    IncludeDetail: {type: 'String', enum: ['NONE', 'FULL']},
    Level: {type: 'String', enum: ['OFF', 'ERROR', 'INFO', 'TRACE']},
  },
}
const connectionArn: FieldRule = {type: 'String', min: 1, max: 1600, pattern: CONNECTION_ARN}
const connectionState: FieldRule = {
  type: 'String',
  enum: [
    'CREATING',
    'UPDATING',
    'DELETING',
    'AUTHORIZED',
    'DEAUTHORIZED',
    'AUTHORIZING',
    'DEAUTHORIZING',
    'ACTIVE',
    'FAILED_CONNECTIVITY',
  ],
}
const authorizationType: FieldRule = {type: 'String', enum: ['BASIC', 'OAUTH_CLIENT_CREDENTIALS', 'API_KEY']}
const httpsEndpoint: FieldRule = {type: 'String', min: 1, max: 2048, pattern: HTTPS_ENDPOINT}
const httpMethod: FieldRule = {type: 'String', enum: ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']}
const authValue = (required: boolean, sensitive = false): FieldRule => ({
  type: 'String',
  required,
  sensitive,
  min: 1,
  max: 512,
  pattern: AUTH_HEADER,
})
const connectionParameterList: FieldRule = {
  type: 'List',
  min: 0,
  max: 100,
  member: {
    type: 'Structure',
    members: {
      Key: {type: 'String', max: 512},
      Value: {type: 'String', max: 512, sensitive: true},
      IsValueSecret: {type: 'Boolean'},
    },
  },
}
const connectionHttpParameters: FieldRule = {
  type: 'Structure',
  members: {
    HeaderParameters: {
      type: 'List',
      min: 0,
      max: 100,
      member: {
        type: 'Structure',
        members: {
          Key: {type: 'String', max: 512, pattern: "^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$"},
          Value: {type: 'String', max: 512, pattern: HEADER_VALUE, sensitive: true},
          IsValueSecret: {type: 'Boolean'},
        },
      },
    },
    QueryStringParameters: connectionParameterList,
    BodyParameters: connectionParameterList,
  },
}
const authParameters = (create: boolean): FieldRule => ({
  type: 'Structure',
  required: create,
  members: {
    ApiKeyAuthParameters: {
      type: 'Structure',
      members: {ApiKeyName: authValue(create), ApiKeyValue: authValue(create, true)},
    },
    BasicAuthParameters: {
      type: 'Structure',
      members: {Username: authValue(create), Password: authValue(create, true)},
    },
    OAuthParameters: {
      type: 'Structure',
      members: {
        ClientParameters: {
          type: 'Structure',
          required: create,
          members: {ClientID: authValue(create), ClientSecret: authValue(create, true)},
        },
        AuthorizationEndpoint: {...httpsEndpoint, required: create},
        HttpMethod: {type: 'String', required: create, enum: ['GET', 'POST', 'PUT']},
        OAuthHttpParameters: connectionHttpParameters,
      },
    },
    InvocationHttpParameters: connectionHttpParameters,
  },
})
const target: FieldRule = {
  type: 'Structure',
  members: {
    Id: {type: 'String', required: true, min: 1, max: 64, pattern: NAME},
    Arn: {...arn1600, required: true, arn: true},
    RoleArn: arn1600,
    Input: {type: 'String', max: 8192},
    InputPath: {type: 'String', max: 256},
    InputTransformer: {
      type: 'Structure',
      members: {
        InputPathsMap: {
          type: 'Map',
          max: 100,
          key: {type: 'String', min: 1, max: 256, pattern: '[A-Za-z0-9\\_\\-]+'},
          value: {type: 'String', max: 256},
        },
        InputTemplate: {type: 'String', required: true, min: 1, max: 8192},
      },
    },
    HttpParameters: {
      type: 'Structure',
      members: {
        PathParameterValues: {type: 'List', member: {type: 'String', pattern: '^(?!\\s*$).+'}},
        HeaderParameters: {
          type: 'Map',
          key: {type: 'String', max: 512, pattern: "^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$"},
          value: {type: 'String', max: 512, pattern: HEADER_VALUE},
        },
        QueryStringParameters: {
          type: 'Map',
          key: {type: 'String', max: 512, pattern: '[^\\x00-\\x1F\\x7F]+'},
          value: {type: 'String', max: 512, pattern: '[^\\x00-\\x09\\x0B\\x0C\\x0E-\\x1F\\x7F]+'},
        },
      },
    },
    DeadLetterConfig: deadLetterConfig,
    RetryPolicy: {
      type: 'Structure',
      members: {
        MaximumRetryAttempts: {type: 'Integer', min: 0, max: 185},
        MaximumEventAgeInSeconds: {type: 'Integer', min: 60, max: 86_400},
      },
    },
  },
}
const ruleOnBus: OperationRules = {Name: {...ruleName, required: true}, EventBusName: busNameOrArn}

/** Input rules of every EventBridge control-plane operation, keyed by AWS operation name. */
export const EVENTBRIDGE_RULES: Readonly<Record<string, OperationRules>> = {
  CreateEventBus: {
    Name: {...busName, required: true},
    EventSourceName: {type: 'String', min: 1, max: 256},
    Description: description,
    KmsKeyIdentifier: kmsKey,
    DeadLetterConfig: deadLetterConfig,
    LogConfig: logConfig,
    Tags: tags,
  },
  UpdateEventBus: {
    Name: busName,
    Description: description,
    KmsKeyIdentifier: kmsKey,
    DeadLetterConfig: deadLetterConfig,
    LogConfig: logConfig,
  },
  DeleteEventBus: {Name: {...busName, required: true}},
  DescribeEventBus: {Name: busNameOrArn},
  ListEventBuses: {NamePrefix: busName, NextToken: nextToken, Limit: limit},
  PutRule: {
    Name: {...ruleName, required: true},
    ScheduleExpression: {type: 'String', max: 256},
    EventPattern: {type: 'String', max: 4096},
    State: {type: 'String', enum: ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']},
    Description: description,
    RoleArn: arn1600,
    Tags: tags,
    EventBusName: busNameOrArn,
  },
  DescribeRule: ruleOnBus,
  ListRules: {NamePrefix: ruleName, EventBusName: busNameOrArn, NextToken: nextToken, Limit: limit},
  DeleteRule: {...ruleOnBus, Force: {type: 'Boolean'}},
  EnableRule: ruleOnBus,
  DisableRule: ruleOnBus,
  PutTargets: {
    Rule: {...ruleName, required: true},
    EventBusName: busNameOrArn,
    Targets: {type: 'List', required: true, min: 1, max: 100, member: target},
  },
  RemoveTargets: {
    Rule: {...ruleName, required: true},
    EventBusName: busNameOrArn,
    Ids: {type: 'List', required: true, min: 1, max: 100, member: {type: 'String', min: 1, max: 64, pattern: NAME}},
    Force: {type: 'Boolean'},
  },
  ListTargetsByRule: {
    Rule: {...ruleName, required: true},
    EventBusName: busNameOrArn,
    NextToken: nextToken,
    Limit: limit,
  },
  CreateConnection: {
    Name: {...resourceName, required: true},
    Description: description,
    AuthorizationType: {...authorizationType, required: true},
    AuthParameters: authParameters(true),
    KmsKeyIdentifier: kmsKey,
  },
  DescribeConnection: {Name: {...resourceName, required: true}},
  UpdateConnection: {
    Name: {...resourceName, required: true},
    Description: description,
    AuthorizationType: authorizationType,
    AuthParameters: authParameters(false),
    KmsKeyIdentifier: kmsKey,
  },
  DeleteConnection: {Name: {...resourceName, required: true}},
  ListConnections: {NamePrefix: resourceName, ConnectionState: connectionState, NextToken: nextToken, Limit: limit},
  CreateApiDestination: {
    Name: {...resourceName, required: true},
    Description: description,
    ConnectionArn: {...connectionArn, required: true},
    InvocationEndpoint: {...httpsEndpoint, required: true},
    HttpMethod: {...httpMethod, required: true},
    InvocationRateLimitPerSecond: {type: 'Integer', min: 1},
  },
  DescribeApiDestination: {Name: {...resourceName, required: true}},
  UpdateApiDestination: {
    Name: {...resourceName, required: true},
    Description: description,
    ConnectionArn: connectionArn,
    InvocationEndpoint: httpsEndpoint,
    HttpMethod: httpMethod,
    InvocationRateLimitPerSecond: {type: 'Integer', min: 1},
  },
  DeleteApiDestination: {Name: {...resourceName, required: true}},
  ListApiDestinations: {NamePrefix: resourceName, ConnectionArn: connectionArn, NextToken: nextToken, Limit: limit},
  TestEventPattern: {
    EventPattern: {type: 'String', required: true, max: 4096},
    Event: {type: 'String', required: true},
  },
}
