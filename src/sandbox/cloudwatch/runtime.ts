/**
 * Start the sandbox's CloudWatch background work: the AWS/Events metrics observer on the delivery
 * pipeline, and one timer (every `tickMs`, see evaluation.ts) that samples the SQS queues and
 * evaluates the alarms. The timer is unref'd and stops when the sandbox closes (`state.closing`).
 */
import {pipelineOf} from '../pipeline/pipeline.js'
import type {SandboxState} from '../state.js'
import {evaluateAll, tickMs} from './evaluation.js'
import {eventsMetricsObserver, sampleQueues} from './events-metrics.js'

export function startCloudWatch(state: SandboxState): void {
  if (state.closing.aborted) return
  const stopObserving = pipelineOf(state).observe(eventsMetricsObserver(state))
  const nonEmpty = new Set<string>()
  let last = state.now()
  const timer = setInterval(() => {
    if (state.closing.aborted) return
    try {
      const now = state.now()
      sampleQueues(state, nonEmpty)
      evaluateAll(state, now - last)
      last = now
    } catch (error) {
      state.options.log(`cloudwatch tick failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }, tickMs(state))
  timer.unref()
  state.closing.addEventListener(
    'abort',
    () => {
      clearInterval(timer)
      stopObserving()
    },
    {once: true},
  )
}
