/**
 * Fill a DLQ with messages shaped as EventBridge writes them (docs/reference/aws-facts.md#dlq-messages) for
 * the stack's cacheSet rule and its real target (redrive checks that the rule still targets TARGET_ARN),
 * through SQS's SendMessageBatch over HTTP, 32 batches at a time.
 */
import {EventBridgeClient, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient} from '@aws-sdk/client-sqs'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import type {Integration} from './integration.js'
import {clientConfig} from './sandbox.js'

/** The target the stack's cacheSet rule has (the API destination), for TARGET_ARN. */
export async function cacheSetTarget(sandbox: RunningSandbox, integration: Integration): Promise<string> {
  const eb = new EventBridgeClient(clientConfig(sandbox))
  try {
    const ruleName = integration.ruleArns.cacheSet.split('/').pop() as string
    return (await eb.send(new ListTargetsByRuleCommand({Rule: ruleName}))).Targets?.[0]?.Arn as string
  } finally {
    eb.destroy()
  }
}

/** Dead letter i: a cacheSet of key `k-<i>` in `cache`, with the attributes EventBridge writes. */
function deadLetter(integration: Integration, targetArn: string, time: string, i: number | '{{i}}', cache: string) {
  return {
    MessageBody: JSON.stringify({
      version: '0',
      id: `orig-${i}`,
      'detail-type': 'cacheSet',
      source: 'outage-test',
      account: '000000000000',
      time,
      region: 'us-east-1',
      resources: [],
      detail: {cacheName: cache, key: `k-${i}`, message: `v-${i}`, ttl: 3600, ttl_seconds: 3600},
    }),
    MessageAttributes: {
      RULE_ARN: {DataType: 'String', StringValue: integration.ruleArns.cacheSet},
      TARGET_ARN: {DataType: 'String', StringValue: targetArn},
      ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
      ERROR_MESSAGE: {
        DataType: 'String',
        StringValue:
          'API destination endpoint returned HTTP 503 (Service Unavailable): {"status":503,"title":"Service Unavailable"}',
      },
      RETRY_ATTEMPTS: {DataType: 'String', StringValue: '185'},
      EXHAUSTED_RETRY_CONDITION: {DataType: 'String', StringValue: 'MaximumEventAgeInSeconds'},
    },
  }
}

const eventTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/** Send `count` dead letters; message i is a cacheSet of key `k-<i>` in `cacheOf(i)`. */
export async function fillDlq(
  sqs: SQSClient,
  integration: Integration,
  targetArn: string,
  count: number,
  cacheOf: (i: number) => string,
): Promise<void> {
  const time = eventTime()
  const send = async (b: number) => {
    const Entries = Array.from({length: Math.min(10, count - b * 10)}, (_, j) => {
      const i = b * 10 + j
      return {Id: `m${j}`, ...deadLetter(integration, targetArn, time, i, cacheOf(i))}
    })
    const out = await sqs.send(new SendMessageBatchCommand({QueueUrl: integration.dlqUrl, Entries}))
    if ((out.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(out.Failed)}`)
  }
  const batches = Math.ceil(count / 10)
  let next = 0
  await Promise.all(
    Array.from({length: 32}, async () => {
      while (next < batches) await send(next++)
    }),
  )
}

/**
 * The same dead letters as {@link fillDlq}, all in one cache, stored through the sandbox's
 * benchmark seed route (`POST /_sandbox/sqs/seed`, the SendMessage code without a request per
 * batch): 100,000 messages in seconds instead of minutes. For tests whose subject is what happens
 * to the messages afterwards, not how they were sent.
 */
export async function seedDlq(
  sandbox: RunningSandbox,
  integration: Integration,
  targetArn: string,
  count: number,
  cache: string,
): Promise<void> {
  const res = await fetch(`${sandbox.endpoint}/_sandbox/sqs/seed`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({
      queue: integration.dlqUrl,
      count,
      messages: [deadLetter(integration, targetArn, eventTime(), '{{i}}', cache)],
    }),
  })
  if (!res.ok) throw new Error(`seed failed: ${res.status} ${await res.text()}`)
}

/** The queue's visible and hidden (in flight) counts. */
export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<{visible: number; hidden: number}> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    hidden: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  }
}
