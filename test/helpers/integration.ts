import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, uniqueName} from './sandbox.js'

export interface Integration {
  dlqUrl: string
  dlqArn: string
  ruleArns: Record<'cacheSet' | 'cacheDelete' | 'topicPublish', string>
}

/**
 * Set up the Momento integration on a sandbox bus through the real SDK, as the stack does:
 * one connection, three API destinations, three rules with retries and a DLQ with its policy.
 */
export async function deployIntegrationWithSdk(
  sandbox: RunningSandbox,
  options: {
    bus?: string
    apiKey?: string
    retry?: {MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number}
  } = {},
): Promise<Integration> {
  const eb = new EventBridgeClient(clientConfig(sandbox))
  const sqs = new SQSClient(clientConfig(sandbox))
  try {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('momento-dlq')}))).QueueUrl as string
    const attrs = await sqs.send(new GetQueueAttributesCommand({QueueUrl: dlqUrl, AttributeNames: ['QueueArn']}))
    const dlqArn = attrs.Attributes?.['QueueArn'] as string
    const connectionArn = (
      await eb.send(
        new CreateConnectionCommand({
          Name: uniqueName('momento'),
          AuthorizationType: 'API_KEY',
          AuthParameters: {
            ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: options.apiKey ?? sandbox.apiKey},
          },
        }),
      )
    ).ConnectionArn as string
    const destination = async (path: string, method: 'PUT' | 'DELETE' | 'POST') =>
      (
        await eb.send(
          new CreateApiDestinationCommand({
            Name: uniqueName(method.toLowerCase()),
            ConnectionArn: connectionArn,
            InvocationEndpoint: `${sandbox.endpoint}${path}`,
            HttpMethod: method,
            InvocationRateLimitPerSecond: 300,
          }),
        )
      ).ApiDestinationArn as string
    const retry = options.retry ?? {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60}
    const keys = {key: '$.detail.key', key_base64: '$.detail.key_base64'}
    const message = {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'}
    const base = {
      RoleArn: 'arn:aws:iam::000000000000:role/momento-eb-test',
      RetryPolicy: retry,
      DeadLetterConfig: {Arn: dlqArn},
    }
    const targets: Record<keyof Integration['ruleArns'], Target> = {
      cacheSet: {
        ...base,
        Id: 'cacheSet-rule',
        Arn: await destination('/cache/*', 'PUT'),
        HttpParameters: {
          PathParameterValues: ['$.detail.cacheName'],
          QueryStringParameters: {...keys, ttl_seconds: '$.detail.ttl'},
        },
        InputTransformer: message,
      },
      cacheDelete: {
        ...base,
        Id: 'cacheDelete-rule',
        Arn: await destination('/cache/*', 'DELETE'),
        HttpParameters: {PathParameterValues: ['$.detail.cacheName'], QueryStringParameters: keys},
      },
      topicPublish: {
        ...base,
        Id: 'topicPublish-rule',
        Arn: await destination('/topics/*/*', 'POST'),
        // As the stack's template: Momento documents text/plain for publish
        // (docs/reference/aws-facts.md#eb-input-transformer).
        HttpParameters: {
          PathParameterValues: ['$.detail.cacheName', '$.detail.topicName'],
          HeaderParameters: {'Content-Type': 'text/plain'},
        },
        InputTransformer: message,
      },
    }
    const ruleArns = {} as Integration['ruleArns']
    for (const [detailType, target] of Object.entries(targets) as [keyof Integration['ruleArns'], Target][]) {
      const name = uniqueName(detailType)
      const rule = await eb.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: options.bus,
          EventPattern: JSON.stringify({'detail-type': [detailType]}),
        }),
      )
      ruleArns[detailType] = rule.RuleArn as string
      await eb.send(new PutTargetsCommand({Rule: name, EventBusName: options.bus, Targets: [target]}))
    }
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Action: 'sqs:SendMessage',
          Resource: dlqArn,
          Condition: {ArnEquals: {'aws:SourceArn': Object.values(ruleArns)}},
        },
      ],
    }
    await sqs.send(new SetQueueAttributesCommand({QueueUrl: dlqUrl, Attributes: {Policy: JSON.stringify(policy)}}))
    return {dlqUrl, dlqArn, ruleArns}
  } finally {
    eb.destroy()
    sqs.destroy()
  }
}

/**
 * Poll `probe` every `intervalMs` until it returns a value (not undefined) or the deadline passes.
 * Probes that start a process (tmux capture-pane) poll less often: each costs CPU the tests share.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** GET a sandbox inspection route as JSON. */
export async function inspect<T>(sandbox: {endpoint: string}, path: string): Promise<T> {
  const res = await fetch(`${sandbox.endpoint}${path}`)
  return (await res.json()) as T
}

/** The items the sandbox's Momento holds in `cache` (what reached Momento). */
export async function cacheItems(
  sandbox: {endpoint: string},
  cache: string,
): Promise<Array<{key: string | null; value?: string}>> {
  return (
    (
      await inspect<{items?: Array<{key: string | null; value?: string}>}>(
        sandbox,
        `/_sandbox/momento/caches/${cache}/items`,
      )
    ).items ?? []
  )
}

/** Create a cache in the sandbox's Momento (the fix for a cache-not-found dead letter). */
export async function createSandboxCache(sandbox: {endpoint: string}, name: string): Promise<void> {
  const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/caches`, {method: 'POST', body: JSON.stringify({name})})
  if (res.status >= 300) throw new Error(`creating cache ${name} in the sandbox: HTTP ${res.status}`)
}
