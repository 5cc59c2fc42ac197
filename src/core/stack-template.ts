/**
 * The CloudFormation template `momento-eb deploy` uses, as plain data (aws-semantics B, F).
 *
 * One API-key connection carries the Momento key (raw, in the Authorization header), three API
 * destinations call the Momento HTTP API, three rules on the bus route `cacheSet`, `cacheDelete` and
 * `topicPublish` to them with a bounded retry policy, and failures land in an SQS dead-letter queue
 * whose policy lets exactly those three rules write to it (Momento's launch-button stack has no such
 * policy, so its failures are lost: pitfall 1). The key is a NoEcho parameter and never an output.
 */
import {stringify} from 'yaml'

import {MOMENTO_REGIONS} from './regions.js'

/** Parameter names. */
export const PARAM = {
  apiKey: 'MomentoApiKey',
  eventBus: 'EventBusName',
  endpoint: 'MomentoEndpoint',
  maxRetryAttempts: 'MaxRetryAttempts',
  maxEventAge: 'MaxEventAgeSeconds',
  rateLimit: 'InvocationRateLimit',
} as const

/** The three detail types, in template order. */
export const DETAIL_TYPES = ['cacheSet', 'cacheDelete', 'topicPublish'] as const
export type DetailType = (typeof DETAIL_TYPES)[number]

/** Logical resource ids. */
export const LOGICAL = {
  connection: 'MomentoConnection',
  role: 'InvokeDestinationsRole',
  dlq: 'DeadLetterQueue',
  dlqPolicy: 'DeadLetterQueuePolicy',
  destination: {
    cacheSet: 'CacheSetDestination',
    cacheDelete: 'CacheDeleteDestination',
    topicPublish: 'TopicPublishDestination',
  },
  rule: {cacheSet: 'CacheSetRule', cacheDelete: 'CacheDeleteRule', topicPublish: 'TopicPublishRule'},
} as const

/** Output keys. */
export const OUTPUT = {
  dlqUrl: 'DlqUrl',
  dlqArn: 'DlqArn',
  eventBus: 'EventBusName',
  connectionArn: 'ConnectionArn',
  baseUrl: 'MomentoBaseUrl',
  ruleArn: {cacheSet: 'CacheSetRuleArn', cacheDelete: 'CacheDeleteRuleArn', topicPublish: 'TopicPublishRuleArn'},
  destinationArn: {
    cacheSet: 'CacheSetDestinationArn',
    cacheDelete: 'CacheDeleteDestinationArn',
    topicPublish: 'TopicPublishDestinationArn',
  },
} as const

/**
 * Retry defaults. EventBridge retries 429, 5xx and timeouts with exponential backoff; its own
 * defaults (185 attempts / 24 h) hide failures for a day (pitfall 13). 12 attempts within an hour
 * ride out a burst over Momento's 100 ops/s limit or a short outage, yet a poison event reaches the
 * DLQ (where `momento-eb` can show it) within the hour. 4xx other than 429 are never retried anyway.
 */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 12
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 3600
/**
 * Momento's default account limit is 100 cache operations per second (prior-art §4). Calling faster
 * only turns the excess into 429s that burn retries; at 100/s bursts queue inside EventBridge.
 */
export const DEFAULT_INVOCATION_RATE_LIMIT = 100

/** A template parameter name. */
export type StackParameterName = (typeof PARAM)[keyof typeof PARAM]

const ref = (name: string) => ({Ref: name})
const arnOf = (logical: string) => ({'Fn::GetAtt': [logical, 'Arn']})
const HAS_ENDPOINT = 'HasMomentoEndpoint'
const MAP = 'MomentoRegions'

// The Momento base URL: the override when given, else the region map. Fn::If only evaluates the
// branch it takes, so an unmapped region works as long as the override is set.
const baseUrl = {
  'Fn::If': [HAS_ENDPOINT, ref(PARAM.endpoint), {'Fn::FindInMap': [MAP, ref('AWS::Region'), 'BaseUrl']}],
}
const endpoint = (path: string) => ({'Fn::Join': ['', [baseUrl, path]]})

function destination(method: string, path: string, description: string) {
  return {
    Type: 'AWS::Events::ApiDestination',
    Properties: {
      Description: description,
      ConnectionArn: arnOf(LOGICAL.connection),
      HttpMethod: method,
      InvocationEndpoint: endpoint(path),
      InvocationRateLimitPerSecond: ref(PARAM.rateLimit),
    },
  }
}

// JSONPath values resolve against the original event (B.3); a missing field becomes an empty query
// value, which Momento treats as absent, so `key` and `key_base64` can both be mapped.
const KEYS = {key: '$.detail.key', key_base64: '$.detail.key_base64'}
// The message goes in as a JSON string literal: Momento stores `"hello"` with the quotes (B.4).
const MESSAGE = {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'}

function rule(detailType: DetailType, description: string, extra: Record<string, unknown>) {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Description: description,
      EventBusName: ref(PARAM.eventBus),
      EventPattern: {'detail-type': [detailType]},
      State: 'ENABLED',
      Targets: [
        {
          Id: `${detailType}-momento`,
          Arn: arnOf(LOGICAL.destination[detailType]),
          RoleArn: arnOf(LOGICAL.role),
          ...extra,
          RetryPolicy: {
            MaximumRetryAttempts: ref(PARAM.maxRetryAttempts),
            MaximumEventAgeInSeconds: ref(PARAM.maxEventAge),
          },
          DeadLetterConfig: {Arn: arnOf(LOGICAL.dlq)},
        },
      ],
    },
  }
}

/** The stack template as a JSON-compatible object (long-form intrinsic functions only). */
export function buildStackTemplate(): Record<string, unknown> {
  const destinationArns = DETAIL_TYPES.map((t) => arnOf(LOGICAL.destination[t]))
  const ruleArns = DETAIL_TYPES.map((t) => arnOf(LOGICAL.rule[t]))
  const outputs: Record<string, unknown> = {
    [OUTPUT.dlqUrl]: {Description: 'URL of the dead-letter queue', Value: ref(LOGICAL.dlq)},
    [OUTPUT.dlqArn]: {Description: 'ARN of the dead-letter queue', Value: arnOf(LOGICAL.dlq)},
    [OUTPUT.eventBus]: {Description: 'Event bus the rules listen on', Value: ref(PARAM.eventBus)},
    [OUTPUT.connectionArn]: {Description: 'EventBridge connection holding the key', Value: arnOf(LOGICAL.connection)},
    [OUTPUT.baseUrl]: {Description: 'Momento HTTP API base URL the destinations call', Value: baseUrl},
  }
  for (const t of DETAIL_TYPES) {
    outputs[OUTPUT.ruleArn[t]] = {Description: `ARN of the ${t} rule`, Value: arnOf(LOGICAL.rule[t])}
  }
  for (const t of DETAIL_TYPES) {
    outputs[OUTPUT.destinationArn[t]] = {
      Description: `ARN of the ${t} API destination`,
      Value: arnOf(LOGICAL.destination[t]),
    }
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Momento + Amazon EventBridge: cacheSet, cacheDelete and topicPublish events to Momento (momento-eb)',
    Parameters: {
      [PARAM.apiKey]: {
        Type: 'String',
        NoEcho: true,
        MinLength: 1,
        Description: 'Momento API key, sent as the Authorization header',
      },
      [PARAM.eventBus]: {Type: 'String', Default: 'default', Description: 'Existing event bus to route from'},
      [PARAM.endpoint]: {
        Type: 'String',
        Default: '',
        Description: 'Momento HTTP API base URL; empty = the region map',
      },
      [PARAM.maxRetryAttempts]: {
        Type: 'Number',
        Default: DEFAULT_MAX_RETRY_ATTEMPTS,
        MinValue: 0,
        MaxValue: 185,
        Description: 'Retries for 429, 5xx and timeouts before the DLQ',
      },
      [PARAM.maxEventAge]: {
        Type: 'Number',
        Default: DEFAULT_MAX_EVENT_AGE_SECONDS,
        MinValue: 60,
        MaxValue: 86400,
        Description: 'Seconds an event may be retried before the DLQ',
      },
      [PARAM.rateLimit]: {
        Type: 'Number',
        Default: DEFAULT_INVOCATION_RATE_LIMIT,
        MinValue: 1,
        Description: 'Calls per second per destination (Momento default limit: 100 ops/s)',
      },
    },
    Mappings: {
      [MAP]: Object.fromEntries(MOMENTO_REGIONS.map((r) => [r.region, {BaseUrl: r.baseUrl}])),
    },
    Conditions: {
      [HAS_ENDPOINT]: {'Fn::Not': [{'Fn::Equals': [ref(PARAM.endpoint), '']}]},
    },
    Resources: {
      [LOGICAL.connection]: {
        Type: 'AWS::Events::Connection',
        Properties: {
          Description: 'Momento API key (Authorization header)',
          AuthorizationType: 'API_KEY',
          AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: ref(PARAM.apiKey)}},
        },
      },
      [LOGICAL.destination.cacheSet]: destination('PUT', '/cache/*', 'Momento cache set'),
      [LOGICAL.destination.cacheDelete]: destination('DELETE', '/cache/*', 'Momento cache delete'),
      [LOGICAL.destination.topicPublish]: destination('POST', '/topics/*/*', 'Momento topic publish'),
      [LOGICAL.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Path: '/service-role/',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'sts:AssumeRole'}],
          },
          Policies: [
            {
              PolicyName: 'invoke-momento-destinations',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{Effect: 'Allow', Action: 'events:InvokeApiDestination', Resource: destinationArns}],
              },
            },
          ],
        },
      },
      [LOGICAL.rule.cacheSet]: rule('cacheSet', 'cacheSet events to Momento (PUT /cache)', {
        HttpParameters: {
          PathParameterValues: ['$.detail.cacheName'],
          QueryStringParameters: {...KEYS, ttl_seconds: '$.detail.ttl'},
        },
        InputTransformer: MESSAGE,
      }),
      [LOGICAL.rule.cacheDelete]: rule('cacheDelete', 'cacheDelete events to Momento (DELETE /cache)', {
        HttpParameters: {PathParameterValues: ['$.detail.cacheName'], QueryStringParameters: KEYS},
      }),
      [LOGICAL.rule.topicPublish]: rule('topicPublish', 'topicPublish events to Momento (POST /topics)', {
        HttpParameters: {PathParameterValues: ['$.detail.cacheName', '$.detail.topicName']},
        InputTransformer: MESSAGE,
      }),
      [LOGICAL.dlq]: {
        Type: 'AWS::SQS::Queue',
        Properties: {MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true},
      },
      [LOGICAL.dlqPolicy]: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [ref(LOGICAL.dlq)],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'MomentoRulesDeadLetters',
                Effect: 'Allow',
                Principal: {Service: 'events.amazonaws.com'},
                Action: 'sqs:SendMessage',
                Resource: arnOf(LOGICAL.dlq),
                Condition: {ArnEquals: {'aws:SourceArn': ruleArns}},
              },
            ],
          },
        },
      },
    },
    Outputs: outputs,
  }
}

/** Template output formats. */
export type TemplateFormat = 'yaml' | 'json'

/** The template as text, YAML (the default) or JSON. */
export function renderStackTemplate(format: TemplateFormat = 'yaml'): string {
  const template = buildStackTemplate()
  if (format === 'json') return `${JSON.stringify(template, null, 2)}\n`
  return stringify(template, {lineWidth: 0, aliasDuplicateObjects: false})
}
