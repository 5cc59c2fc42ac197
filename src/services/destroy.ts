/**
 * `momento-eb destroy`: delete the stack, after saying how many dead letters go with it, and
 * follow the deletion. Never prints.
 */
import {NotFoundError, RemoteError} from '../core/errors.js'
import type {CloudFormationPort, IntegrationResources, Sleep, StackEvent, StackInfo} from '../core/stack-plan.js'
import {DeployCancelledError, followStack, seenEventIds} from './deploy.js'
import {restoreBusLogConfig, type BusLogConfigPort} from './deploy-logs.js'

/** What destroy reads and changes. */
export interface DestroyPorts {
  readonly cfn: CloudFormationPort
  findIntegration(stackId: string): Promise<IntegrationResources>
  readonly sleep: Sleep
  readonly now: () => Date
  /** The bus's LogConfig, put back as it was before the stack (deploy-logs.ts). */
  readonly busLogs?: BusLogConfigPort
}

/** The question, and progress. `confirm` may throw (a UsageError naming --yes without a TTY). */
export interface DestroyCallbacks {
  confirm(info: {stack: StackInfo; dlqMessages: number | null}): Promise<boolean>
  onStart?(info: {stackName: string; startedAt: Date}): void | Promise<void>
  onEvent?(event: StackEvent): void
  onNotice?(message: string): void
}

/** What `destroy --json` prints. */
export interface DestroyResult {
  stack: string
  stackId: string
  status: 'DELETE_COMPLETE'
  /** Messages that were in the DLQ (lost with it); null when it couldn't be read. */
  dlqMessagesLost: number | null
  /** What happened to the bus's log setting the stack had set (absent: not looked at). */
  busLogConfig?: 'restored' | 'unchanged' | 'left' | 'failed'
}

/**
 * Delete the stack and wait for DELETE_COMPLETE. Throws NotFoundError for an unknown stack,
 * RemoteError naming the resource when the delete fails, DeployCancelledError when declined.
 */
export async function destroyStack(
  stackName: string,
  ports: DestroyPorts,
  callbacks: DestroyCallbacks,
  poll: {minMs?: number; maxMs?: number; timeoutMs?: number} = {},
): Promise<DestroyResult> {
  const stack = await ports.cfn.describeStack(stackName)
  if (!stack || stack.status === 'DELETE_COMPLETE') {
    throw new NotFoundError(`Stack ${stackName} doesn't exist, so there is nothing to destroy.`, {
      code: 'EB_STACK_NOT_FOUND',
      hints: ['Check the name (--stack, MOMENTO_EB_STACK or `momento-eb config get stack`) and the region.'],
    })
  }
  let dlqMessages: number | null = null
  try {
    const found = await ports.findIntegration(stack.id)
    if (found.queue) dlqMessages = found.queue.visible + found.queue.inFlight
  } catch {
    // A half-created stack may have no queue: the count is unknown, not an obstacle.
  }
  if (!(await callbacks.confirm({stack, dlqMessages}))) {
    throw new DeployCancelledError(`Cancelled: nothing changed (stack ${stackName} was not deleted).`)
  }
  const settings = {minMs: 250, maxMs: 3000, timeoutMs: 60 * 60 * 1000, ...poll}
  const started = ports.now().getTime()
  const seen = await seenEventIds(ports.cfn, stack.id)
  await ports.cfn.deleteStack(stack.id)
  await callbacks.onStart?.({stackName, startedAt: ports.now()})
  const final = await followStack(
    stack.id,
    ports,
    settings,
    () => ports.now().getTime() - started > settings.timeoutMs,
    seen,
    callbacks,
    (s) => !s || s.status === 'DELETE_COMPLETE' || s.status === 'DELETE_FAILED',
  )
  if (final && final.status === 'DELETE_FAILED') {
    const cause = seen.failures[0]
    throw new RemoteError(
      `Deleting stack ${stackName} failed${cause ? `: ${cause.logicalId} (${cause.resourceType}): ${cause.reason ?? 'no reason given'}` : ''}.`,
      {
        code: 'EB_DESTROY_FAILED',
        hints: ['Fix or remove that resource by hand, then run `momento-eb destroy` again.'],
      },
    )
  }
  const done: DestroyResult = {
    stack: stack.name,
    stackId: stack.id,
    status: 'DELETE_COMPLETE',
    dlqMessagesLost: dlqMessages,
  }
  if (!ports.busLogs) return done
  const notice = (message: string) => callbacks.onNotice?.(message)
  try {
    done.busLogConfig = await restoreBusLogConfig(ports.busLogs, stack, notice)
  } catch (error) {
    // The stack is gone either way; say what is left to do by hand.
    done.busLogConfig = 'failed'
    notice(
      `The stack is deleted, but the event bus's log level couldn't be put back (${error instanceof Error ? error.message : String(error)}). ` +
        'Set it with `aws events update-event-bus --name <bus> --log-config Level=OFF` (keep the bus’s other settings).',
    )
  }
  return done
}
