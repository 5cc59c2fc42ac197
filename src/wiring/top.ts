/** What `top` reads: the stack's rules, bus, DLQ and alarms, then CloudWatch metrics, alarms and the DLQ. */
import {describeAlarms, getMetricSeries} from '../adapters/aws/cloudwatch.js'
import {createStackReader, findStackDlq} from '../adapters/aws/dlq.js'
import {createDlqQueue, queueNameOf} from '../adapters/aws/sqs.js'
import {findIntegration} from '../adapters/aws/stack-resources.js'
import type {DlqQueuePort} from '../core/dlq.js'
import {NotFoundError} from '../core/errors.js'
import type {MetricSpec, MetricWindow} from '../core/metrics.js'
import {DETAIL_TYPES} from '../core/stack-template-names.js'
import {type TopTarget, targetFromOutputs} from '../core/top-model.js'
import type {TopSources} from '../services/top.js'
import type {WiringContext} from './context.js'

/**
 * The rules, bus, DLQ and alarms of the stack: its outputs first, its resources when they say nothing.
 * Also returns the stack's outputs (BusLogGroupName: the DLQ sample joins the event bus's log).
 */
export async function resolveTopTarget(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl' | 'verbose'>,
  stack: string,
): Promise<{target: TopTarget; outputs: Record<string, string> | undefined}> {
  const options = {sandboxUrl: ctx.sandboxUrl}
  const reader = createStackReader(ctx.aws, options)
  const outputs = await reader.outputs(stack)
  let target = targetFromOutputs(stack, outputs)
  if (target.rules.length < DETAIL_TYPES.length) {
    // Momento's launch-button stack has no rule outputs: find the rules by type and pattern.
    const found = await findIntegration(ctx.aws, stack, options)
    const rules = DETAIL_TYPES.flatMap((kind) => {
      const rule = found.rules[kind]
      return rule ? [{detailType: kind, ruleName: rule.name, ruleArn: rule.arn}] : []
    })
    if (rules.length > target.rules.length) target = {...target, rules, bus: found.bus ?? target.bus}
  }
  if (target.rules.length === 0) {
    throw new NotFoundError(`Stack ${stack} has no rules of the integration (cacheSet, cacheDelete, topicPublish).`, {
      code: 'EB_NO_RULES',
      hints: ['Check --stack, or redeploy with `momento-eb deploy`.'],
    })
  }
  try {
    const dlq = await findStackDlq(reader, stack)
    target = {...target, dlq: {queueUrl: dlq.queueUrl, queueName: queueNameOf(dlq.queueUrl)}}
  } catch (error) {
    // A stack without a DLQ still has metrics to show; the dashboard says the DLQ is missing.
    if (!(error instanceof NotFoundError)) throw error
    ctx.verbose(`No DLQ: ${error.message}`)
  }
  ctx.verbose(
    `top: stack ${stack}, bus ${target.bus}, rules ${target.rules.map((r) => r.ruleName).join(', ')}, ` +
      `DLQ ${target.dlq?.queueUrl ?? 'none'}, alarms ${target.alarms.map((a) => a.name).join(', ') || 'none'}`,
  )
  return {target, outputs}
}

/** The AWS adapters behind `top`'s sources: CloudWatch metrics and alarms, and the DLQ when there is one. */
export function topAdapters(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>,
  target: TopTarget,
): {
  queue: DlqQueuePort | undefined
  metrics(specs: readonly MetricSpec[], range: MetricWindow): ReturnType<TopSources['metrics']>
  alarms(names: readonly string[]): ReturnType<TopSources['alarms']>
} {
  const clients = ctx.aws
  const options = {sandboxUrl: ctx.sandboxUrl}
  return {
    queue: target.dlq ? createDlqQueue(clients, target.dlq.queueUrl, options) : undefined,
    metrics: (specs, range) => getMetricSeries(clients, specs, range, options),
    alarms: (names) => describeAlarms(clients, names, options),
  }
}
