/**
 * Find the integration's resources through the stack's resources, by type: the connection, the
 * API destinations, the rules (on whichever bus), the DLQ and its policy. Works for stacks from
 * Momento's launch button too, whose logical ids and parameters differ from ours.
 */
import type {BusLogConfig} from '../../core/bus-log-settings.js'
import {NotFoundError} from '../../core/errors.js'
import {
  detailTypesOfPattern,
  kindOfDetailTypes,
  kindOfMethod,
  type DestinationInfo,
  type IntegrationKind,
  type IntegrationResources,
  type RuleInfo,
} from '../../core/stack-plan.js'
import type {AwsClients} from './clients.js'
import {createCloudFormationPort, listStackResources, type StackResourceSummary} from './cloudformation.js'
import type {CallOptions} from './errors.js'
import {
  describeApiDestination,
  describeConnection,
  describeEventBus,
  describeRule,
  getBusLogConfig,
  listTargetsByRule,
  setBusLogConfig,
} from './eventbridge.js'
import {inspectBusLogDelivery} from './logs.js'
import {getQueueAttributes} from './sqs.js'

/**
 * The integration deployed by `stackName`: queue URL and ARN (with its depth and policy), rules
 * (names, ARNs, bus, state, target), destinations (ARN, endpoint, state) and the connection.
 * Throws NotFoundError when the stack doesn't exist or has no resources left.
 */
export async function findIntegration(
  clients: AwsClients,
  stackName: string,
  options: CallOptions = {},
): Promise<IntegrationResources> {
  const resources = (await listStackResources(clients, stackName, options)) ?? []
  const missing: string[] = []
  // Resources a rollback or delete removed are still listed, as DELETE_COMPLETE.
  const live = resources.filter((r) => r.physicalId !== '' && !r.status.startsWith('DELETE_COMPLETE'))
  if (live.length === 0) {
    throw new NotFoundError(`Stack ${stackName} doesn't exist (or has no resources)${where(clients)}.`, {
      code: 'EB_STACK_NOT_FOUND',
      hints: [
        'Deploy it with `momento-eb deploy`, or pass --stack with the name of yours.',
        'Check the region (--region) and account (`momento-eb whoami`).',
      ],
    })
  }
  const ofType = (type: string) => live.filter((r) => r.resourceType === type)

  let connection: IntegrationResources['connection']
  for (const r of ofType('AWS::Events::Connection')) {
    const name = nameFromPhysicalId(r.physicalId, 'connection')
    try {
      const out = await describeConnection(clients, name, options)
      connection = {name, arn: out.ConnectionArn ?? '', state: out.ConnectionState ?? 'UNKNOWN'}
    } catch (error) {
      if (isMissing(error)) missing.push(r.logicalId)
      else throw error
    }
  }

  const destinations: Partial<Record<IntegrationKind, DestinationInfo>> = {}
  for (const r of ofType('AWS::Events::ApiDestination')) {
    const name = nameFromPhysicalId(r.physicalId, 'api-destination')
    try {
      const out = await describeApiDestination(clients, name, options)
      const kind = kindOfMethod(out.HttpMethod ?? '')
      if (!kind) continue
      destinations[kind] = {
        logicalId: r.logicalId,
        name,
        arn: out.ApiDestinationArn ?? '',
        method: out.HttpMethod ?? '',
        endpoint: out.InvocationEndpoint ?? '',
        state: out.ApiDestinationState ?? 'UNKNOWN',
        rateLimit: out.InvocationRateLimitPerSecond,
      }
    } catch (error) {
      if (isMissing(error)) missing.push(r.logicalId)
      else throw error
    }
  }

  const rules: Partial<Record<IntegrationKind, RuleInfo>> = {}
  for (const r of ofType('AWS::Events::Rule')) {
    const {name, bus} = ruleNameAndBus(r)
    try {
      const out = await describeRule(clients, name, bus, options)
      const detailTypes = detailTypesOfPattern(out.EventPattern)
      const kind = kindOfDetailTypes(detailTypes)
      if (!kind) continue
      const targets = await listTargetsByRule(clients, name, bus, options, `Can't describe rule ${name}`)
      const target = targets.find((t) => (t.Arn ?? '').includes(':api-destination/')) ?? targets[0]
      rules[kind] = {
        logicalId: r.logicalId,
        name: out.Name ?? name,
        arn: out.Arn ?? '',
        bus: out.EventBusName ?? bus ?? 'default',
        state: out.State ?? 'UNKNOWN',
        detailTypes,
        target: target
          ? {
              id: target.Id ?? '',
              arn: target.Arn ?? '',
              deadLetterArn: target.DeadLetterConfig?.Arn,
              maxRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts,
              maxEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds,
            }
          : undefined,
      }
    } catch (error) {
      if (isMissing(error)) missing.push(r.logicalId)
      else throw error
    }
  }

  let queue: IntegrationResources['queue']
  // The DLQ is the queue the rules dead-letter to; with no rules, the stack's only queue.
  const dlqArns = new Set(Object.values(rules).map((rule) => rule.target?.deadLetterArn))
  for (const r of ofType('AWS::SQS::Queue')) {
    try {
      const attrs = await getQueueAttributes(
        clients,
        r.physicalId,
        ['All'],
        options,
        `Can't read the attributes of queue ${r.physicalId}`,
      )
      const candidate = {
        url: r.physicalId,
        arn: attrs['QueueArn'] ?? '',
        visible: Number(attrs['ApproximateNumberOfMessages'] ?? 0),
        inFlight: Number(attrs['ApproximateNumberOfMessagesNotVisible'] ?? 0),
        policy: attrs['Policy'] || undefined,
      }
      if (!queue || dlqArns.has(candidate.arn)) queue = candidate
    } catch (error) {
      if (isMissing(error)) missing.push(r.logicalId)
      else throw error
    }
  }

  const firstRule = Object.values(rules)[0]
  return {stackName, bus: firstRule?.bus, connection, destinations, rules, queue, missing}
}

/** A resource name from a physical id that may be a name or an ARN (`…:connection/<name>/<uuid>`). */
function nameFromPhysicalId(physicalId: string, kind: string): string {
  if (!physicalId.startsWith('arn:')) return physicalId
  const rest = physicalId.split(':').slice(5).join(':')
  return rest.startsWith(`${kind}/`) ? (rest.split('/')[1] ?? physicalId) : physicalId
}

// A rule's physical id is its name, `<bus>|<name>` on a custom bus, or its ARN
// (`rule/<name>` on the default bus, `rule/<bus>/<name>` otherwise:
// docs/reference/aws-facts.md#rule-arn-format).
function ruleNameAndBus(r: StackResourceSummary): {name: string; bus?: string} {
  const id = r.physicalId
  if (id.includes('|')) {
    const [bus, name] = id.split('|') as [string, string]
    return {name, bus}
  }
  if (id.startsWith('arn:')) {
    const parts = (id.split(':').slice(5).join(':') || '').split('/')
    return parts.length >= 3 ? {name: parts[2] ?? id, bus: parts[1] ?? 'default'} : {name: parts[1] ?? id}
  }
  return {name: id}
}

/**
 * A resource the stack lists but that is gone: the calls' NotFoundError (ResourceNotFoundException,
 * QueueDoesNotExist), reported in `missing` instead of failing the whole look-up.
 */
function isMissing(error: unknown): boolean {
  return error instanceof NotFoundError
}

function where(clients: AwsClients): string {
  return clients.target.region ? ` in ${clients.target.region}` : ''
}

/** The ports the stack services need, over the run's AWS clients. */
export function createStackPorts(clients: AwsClients, options: CallOptions = {}) {
  return {
    cfn: createCloudFormationPort(clients, options),
    findIntegration: (stack: string) => findIntegration(clients, stack, options),
    describeEventBus: (name: string) => describeEventBus(clients, name, options),
    // The bus's log setting (EventBridge) and where its logs go (CloudWatch Logs).
    busLogs: {
      get: (bus: string) => getBusLogConfig(clients, bus, options),
      set: (bus: string, config: BusLogConfig) => setBusLogConfig(clients, bus, config, options),
      inspect: (busArn: string, logGroupName: string | undefined) =>
        inspectBusLogDelivery(clients, busArn, logGroupName),
    },
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  }
}
