/**
 * The pace a redrive should keep by default: the InvocationRateLimitPerSecond of the API destination
 * the failing rule targets (RULE_ARN → ListTargetsByRule → DescribeApiDestination). Works with a bare
 * --queue-url, without the stack. Nothing prints; failures mean "unknown".
 */
import type {AwsClients} from './clients.js'
import {sdk} from './sdk.js'

/** A lookup from rule ARN to the lowest rate limit of its API destination targets (undefined: unknown). */
export function createRateDiscovery(clients: AwsClients): (ruleArn: string) => Promise<number | undefined> {
  const cache = new Map<string, Promise<number | undefined>>()
  return (ruleArn) => {
    let found = cache.get(ruleArn)
    if (!found) {
      found = discover(clients, ruleArn).catch(() => undefined)
      cache.set(ruleArn, found)
    }
    return found
  }
}

async function discover(clients: AwsClients, ruleArn: string): Promise<number | undefined> {
  const path = /:rule\/(.+)$/.exec(ruleArn)?.[1]
  if (!path) return undefined
  const slash = path.lastIndexOf('/')
  const rule = slash === -1 ? path : path.slice(slash + 1)
  const bus = slash === -1 ? undefined : path.slice(0, slash)
  const targets = await clients.eventBridge.send(
    new sdk.eventBridge.ListTargetsByRuleCommand({Rule: rule, ...(bus ? {EventBusName: bus} : {})}),
  )
  let lowest: number | undefined
  for (const target of targets.Targets ?? []) {
    // arn:aws:events:<region>:<account>:api-destination/<name>/<uuid>
    const name = /:api-destination\/([^/]+)/.exec(target.Arn ?? '')?.[1]
    if (!name) continue
    const out = await clients.eventBridge.send(new sdk.eventBridge.DescribeApiDestinationCommand({Name: name}))
    const rate = out.InvocationRateLimitPerSecond
    if (typeof rate === 'number' && rate > 0) lowest = Math.min(lowest ?? rate, rate)
  }
  return lowest
}
