/**
 * The CloudFormation template `momento-eb deploy` uses, as plain data
 * (docs/reference/aws-facts.md#integration-stack, #cfn-deploy).
 *
 * One API-key connection carries the Momento key (raw, in the Authorization header), three API
 * destinations call the Momento HTTP API, three rules on the bus route `cacheSet`, `cacheDelete` and
 * `topicPublish` to them with a bounded retry policy, and failures land in an SQS dead-letter queue
 * whose policy lets exactly those three rules write to it (Momento's launch-button stack has no such
 * policy, so its failures are lost: docs/reference/aws-facts.md#no-dlq-policy). The key is a NoEcho parameter
 * and never an output. Imports only its own parts and names: `put` reads the targets' body templates from
 * here (deliveredBody); stack-template-text.ts renders the template as YAML or JSON.
 */

import {alarmsPart} from './stack-template-alarms.js'
import {logsPart} from './stack-template-logs.js'
import type {TemplatePart} from './stack-template-part.js'
import {DETAIL_TYPES, LOGICAL, OUTPUT, PARAM, type DetailType} from './stack-template-names.js'

export {DETAIL_TYPES, LOGICAL, OUTPUT, PARAM, type DetailType} from './stack-template-names.js'

/**
 * Retry defaults. EventBridge retries 429, 5xx and timeouts with exponential backoff; its own
 * defaults (185 attempts / 24 h) hide failures for a day (docs/reference/aws-facts.md#which-failures-retry).
 * 12 attempts within an hour ride out a burst over Momento's 100 ops/s limit or a short outage, yet a poison
 * event reaches the DLQ (where `momento-eb` can show it) within the hour. 4xx other than 429 are never
 * retried anyway.
 */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 12
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 3600
/**
 * Momento's default account limit is 100 cache operations per second (docs/reference/aws-facts.md#quotas).
 * Calling faster only turns the excess into 429s that burn retries; at 100/s bursts queue inside EventBridge.
 */
export const DEFAULT_INVOCATION_RATE_LIMIT = 100

/** A template parameter name. */
export type StackParameterName = (typeof PARAM)[keyof typeof PARAM]

const ref = (name: string) => ({Ref: name})
const arnOf = (logical: string) => ({'Fn::GetAtt': [logical, 'Arn']})

// The Momento base URL is always a stack parameter, resolved by `momento-eb deploy` (from
// --momento-endpoint, the API key's cell, or the region table in regions.ts) and passed explicitly.
// Why not a region map: the old template took the base URL from `Fn::FindInMap` on `AWS::Region`
// inside an `Fn::If` branch, and CloudFormation resolves FindInMap eagerly, failing the whole
// template with "Unable to get mapping for …" in a region the map lacks even when that branch is
// not taken (aws-cloudformation-templates #271; docs/reference/aws-facts.md#corrections-2026-12-06). Why not
// `Fn::FindInMap` with `DefaultValue`: that needs the `AWS::LanguageExtensions` transform, which
// needs CAPABILITY_AUTO_EXPAND, turns every deploy into a transform run, and which our sandbox (like
// several emulators) does not process; and the CLI has to work the URL out anyway (key cell vs stack
// region). So: no Mappings and no Conditions; one source of truth for the URL, in the CLI.
const baseUrl = ref(PARAM.endpoint)
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

// JSONPath values resolve against the original event (docs/reference/aws-facts.md#eb-rule-target); a missing
// field becomes an empty query value, which Momento treats as absent, so `key` and `key_base64` can both be
// mapped.
const KEYS = {key: '$.detail.key', key_base64: '$.detail.key_base64'}

/** An input transformer as the template declares it. */
export interface InputTransformer {
  readonly InputPathsMap: Readonly<Record<string, string>>
  readonly InputTemplate: string
}

// The message goes in as a JSON string literal: Momento stores `"hello"` with the quotes
// (docs/reference/aws-facts.md#eb-input-transformer).
const MESSAGE: InputTransformer = {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'}

/** The body template of each target that sends a body (cacheDelete sends none). */
export const INPUT_TRANSFORMERS: Readonly<Record<'cacheSet' | 'topicPublish', InputTransformer>> = {
  cacheSet: MESSAGE,
  topicPublish: MESSAGE,
}

/**
 * The HTTP body a target of this template sends for an event's detail: the target's InputTemplate
 * with each `<name>` replaced by the detail field its `$.detail.<field>` path names. Strings are
 * spliced in raw, escaping nothing, as EventBridge does inside a quoted placeholder
 * (docs/reference/aws-facts.md#eb-input-transformer); a missing field produces nothing. `put` validates sizes
 * against this, so a change to the template above changes what counts against Momento's limits with it.
 */
export function deliveredBody(detailType: keyof typeof INPUT_TRANSFORMERS, detail: Readonly<Record<string, unknown>>) {
  const {InputPathsMap, InputTemplate} = INPUT_TRANSFORMERS[detailType]
  return InputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (placeholder, name: string) => {
    const path = InputPathsMap[name]
    if (path === undefined) return placeholder
    const field = /^\$\.detail\.([A-Za-z0-9_]+)$/.exec(path)?.[1]
    const value = field === undefined ? undefined : detail[field]
    if (value === undefined || value === null) return ''
    return typeof value === 'string' ? value : JSON.stringify(value)
  })
}

/** Byte length of `deliveredBody`. */
export function deliveredBodyBytes(
  detailType: keyof typeof INPUT_TRANSFORMERS,
  detail: Readonly<Record<string, unknown>>,
): number {
  return Buffer.byteLength(deliveredBody(detailType, detail))
}

/**
 * Headers the topicPublish target sets. Momento's publish documents `text/plain` (UTF-8) or
 * `application/octet-stream`; API destinations send `application/json; charset=utf-8` unless a
 * `Content-Type` header parameter overrides it, which AWS honours since 2024-02-29
 * (docs/reference/aws-facts.md#eb-input-transformer, #content-type).
 */
export const TOPIC_PUBLISH_HEADERS: Readonly<Record<string, string>> = {'Content-Type': 'text/plain'}

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
  const template = {
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
        MinLength: 1,
        AllowedPattern: '^https?://.+$',
        ConstraintDescription: 'must be the Momento HTTP API base URL, e.g. https://api.cache.<cell-host>',
        Description: 'Momento HTTP API base URL (https://api.cache.<cell-host>); momento-eb deploy works it out',
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
        InputTransformer: {...INPUT_TRANSFORMERS.cacheSet},
      }),
      [LOGICAL.rule.cacheDelete]: rule('cacheDelete', 'cacheDelete events to Momento (DELETE /cache)', {
        HttpParameters: {PathParameterValues: ['$.detail.cacheName'], QueryStringParameters: KEYS},
      }),
      [LOGICAL.rule.topicPublish]: rule('topicPublish', 'topicPublish events to Momento (POST /topics)', {
        HttpParameters: {
          PathParameterValues: ['$.detail.cacheName', '$.detail.topicName'],
          HeaderParameters: {...TOPIC_PUBLISH_HEADERS},
        },
        InputTransformer: {...INPUT_TRANSFORMERS.topicPublish},
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
  return withParts(template, [logsPart(), alarmsPart()])
}

/** The template with each part's sections merged in (a part never replaces a name the base defines). */
function withParts<T extends Record<string, unknown>>(base: T, parts: readonly TemplatePart[]): T {
  const out: Record<string, unknown> = {...base}
  for (const section of ['Parameters', 'Conditions', 'Resources', 'Outputs'] as const) {
    const merged: Record<string, unknown> = {...((base[section] as Record<string, unknown> | undefined) ?? {})}
    for (const part of parts) {
      for (const [name, value] of Object.entries(part[section] ?? {})) {
        if (Object.hasOwn(merged, name)) throw new Error(`stack template: ${section}.${name} defined twice`)
        merged[name] = value
      }
    }
    if (Object.keys(merged).length > 0) out[section] = merged
  }
  return out as T
}
