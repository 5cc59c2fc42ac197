/**
 * Finding the dead-letter queue: from `--queue-url`, or from the stack (its `DlqUrl` output, else
 * its AWS::SQS::Queue resource, so Momento's launch-button stack works too), over CloudFormation
 * (cloudformation.ts) and SQS (sqs.ts). Nothing prints.
 */
import type {DlqDepth} from '../../core/dlq.js'
import {NotFoundError, UsageError} from '../../core/errors.js'
import type {AwsClients} from './clients.js'
import {describeStack, listStackResources, stackNotFoundError} from './cloudformation.js'
import type {CallOptions} from './errors.js'
import {createDlqQueue} from './sqs.js'

/** What CloudFormation says about a stack, reduced to what finding the DLQ needs. */
export interface StackReader {
  /** The stack's outputs by key; NotFoundError when the stack doesn't exist. */
  outputs(stack: string): Promise<Record<string, string>>
  /** The stack's resources of one type: logical id and physical id. */
  resources(stack: string, type: string): Promise<Array<{logicalId: string; physicalId: string}>>
}

/** Output keys that hold the DLQ URL: ours first. */
export const DLQ_OUTPUT_KEYS = ['DlqUrl', 'DLQUrl', 'DeadLetterQueueUrl', 'DlqQueueUrl']

/** Where the queue URL came from. */
export type QueueSource = 'flag' | 'stack-output' | 'stack-resource'

/** A located DLQ. */
export interface LocatedQueue {
  queueUrl: string
  source: QueueSource
  stack: string | undefined
  /** The stack's outputs, when the queue was found through the stack (e.g. BusLogGroupName for the log join). */
  outputs?: Record<string, string> | undefined
  /** The queue's counts as read to check it exists (GetQueueAttributes). */
  depth?: DlqDepth | undefined
}

/**
 * The DLQ of a stack: its `DlqUrl` output, else its one AWS::SQS::Queue resource (the launch-button
 * stack has no output); with several queues, the one whose logical id says DLQ / dead letter.
 * Throws NotFoundError when the stack doesn't exist or has no queue.
 */
export async function findStackDlq(reader: StackReader, stack: string): Promise<LocatedQueue> {
  const outputs = await reader.outputs(stack)
  for (const key of DLQ_OUTPUT_KEYS) {
    const url = outputs[key]
    if (url) return {queueUrl: url, source: 'stack-output', stack, outputs}
  }
  const queues = await reader.resources(stack, 'AWS::SQS::Queue')
  const preferred = queues.length === 1 ? queues[0] : queues.find((q) => /dlq|dead[-_]?letter/i.test(q.logicalId))
  if (preferred?.physicalId) return {queueUrl: preferred.physicalId, source: 'stack-resource', stack, outputs}
  throw new NotFoundError(
    queues.length > 1
      ? `Stack ${stack} has ${queues.length} SQS queues and none is named as the dead-letter queue.`
      : `Stack ${stack} has no dead-letter queue (no DlqUrl output and no AWS::SQS::Queue resource).`,
    {
      code: 'EB_NO_DLQ',
      hints: ['Pass --queue-url with the queue the rules dead-letter to.', 'Or redeploy with `momento-eb deploy`.'],
    },
  )
}

/** A StackReader over CloudFormation DescribeStacks and ListStackResources. */
export function createStackReader(clients: AwsClients, options: CallOptions = {}): StackReader {
  const ifMissing = (stack: string) => (cause: unknown) =>
    cause === undefined
      ? new NotFoundError(`Stack ${stack} doesn't exist.`, {code: 'EB_STACK_NOT_FOUND'})
      : stackNotFoundError(clients, stack, 'Or pass --queue-url with the dead-letter queue directly.', cause)
  return {
    async outputs(stack) {
      const found = await describeStack(clients, stack, {
        ...options,
        action: `Can't read the stack (stack ${stack})`,
        ifMissing: ifMissing(stack),
      })
      const map: Record<string, string> = {}
      for (const [key, value] of Object.entries(found?.outputs ?? {})) if (value) map[key] = value
      return map
    },
    async resources(stack, type) {
      const resources = await listStackResources(clients, stack, {
        ...options,
        action: `Can't list the stack's resources (stack ${stack})`,
        ifMissing: ifMissing(stack),
      })
      return (resources ?? [])
        .filter((r) => r.resourceType === type && r.physicalId)
        .map((r) => ({logicalId: r.logicalId, physicalId: r.physicalId}))
    },
  }
}

/**
 * Find the DLQ: `--queue-url` wins; otherwise the stack's. The queue is checked to exist
 * (GetQueueAttributes), so a wrong URL fails here with NotFoundError rather than later.
 */
export async function locateDlq(
  clients: AwsClients,
  input: {queueUrl?: string | undefined; stack: string},
  options: CallOptions = {},
): Promise<LocatedQueue> {
  let located: LocatedQueue
  if (input.queueUrl) {
    try {
      new URL(input.queueUrl)
    } catch {
      throw new UsageError(`--queue-url ${input.queueUrl} isn't a URL.`, {
        hints: ['Give the full queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/momento-dlq.'],
      })
    }
    located = {queueUrl: input.queueUrl, source: 'flag', stack: undefined}
  } else {
    located = await findStackDlq(createStackReader(clients, options), input.stack)
  }
  // Reading the counts proves the queue exists and is readable; callers may use them as a start.
  const depth = await createDlqQueue(clients, located.queueUrl, options).depth()
  return {...located, depth}
}
