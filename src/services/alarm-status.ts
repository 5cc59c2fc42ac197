/**
 * The alarm part of `momento-eb status`: the state of each of the stack's alarms (names from the
 * stack outputs, read with one DescribeAlarms call) and, for an alarm in ALARM, what to do.
 */
import {OUTPUT} from '../core/stack-template-names.js'

/** An alarm's state as the port reads it (adapters/aws/cloudwatch.ts `describeAlarms` returns this shape). */
import type {AlarmView} from '../core/metrics.js'

export type {AlarmView} from '../core/metrics.js'

export type AlarmKey = keyof typeof OUTPUT.alarmName

/** One alarm as `status --json` shows it. */
export interface AlarmStatus {
  key: AlarmKey
  name: string
  /** `OK`, `ALARM`, `INSUFFICIENT_DATA`, or `MISSING` when the alarm no longer exists. */
  state: string
  reason: string
  /** When the state last changed (ISO 8601), when known. */
  since: string | null
  meaning: string
  /** What to do, when the alarm is in ALARM (or missing). */
  action: string | null
}

/**
 * Per alarm: what it means, how bad it is in ALARM (`null`: no extra problem, because another check
 * already reports the same fact: the DLQ depth warning), and what to do.
 */
const ABOUT: Readonly<Record<AlarmKey, {meaning: string; severity: 'error' | 'warning' | null; fix: string}>> = {
  dlqMessages: {
    meaning: 'the DLQ holds failed events',
    severity: null,
    fix: 'Look at them with `momento-eb dlq list`, fix the cause, then `momento-eb dlq redrive`.',
  },
  eventsLost: {
    meaning: 'events could not be written to the DLQ and are lost',
    severity: 'error',
    fix: 'Check that the DLQ exists and its policy lets the rules send (the dlq lines above); `momento-eb deploy` restores both. Lost events must be published again.',
  },
  throttled: {
    meaning: 'deliveries keep waiting for the destinations’ rate limit',
    severity: 'warning',
    fix: 'Raise the limit if your Momento account allows it (`momento-eb deploy --invocation-rate N`), or expect delays.',
  },
  failureRatio: {
    meaning: 'over 5 % of deliveries failed in 5 minutes',
    severity: 'warning',
    fix: 'See why with `momento-eb dlq list`.',
  },
}

type Add = (severity: 'error' | 'warning', resource: string | null, problem: string, fix: string) => void

/**
 * The stack's alarms, or null when its outputs name none (a stack deployed before the alarms, or
 * Momento's launch-button stack). A failed read is a warning, not a failed `status`.
 */
export async function readAlarmStatus(
  outputs: Readonly<Record<string, string>>,
  describeAlarms: ((names: string[]) => Promise<AlarmView[]>) | undefined,
  add: Add,
): Promise<AlarmStatus[] | null> {
  const named = (Object.keys(OUTPUT.alarmName) as AlarmKey[]).flatMap((key) => {
    const name = outputs[OUTPUT.alarmName[key]]
    return name ? [{key, name}] : []
  })
  if (named.length === 0 || !describeAlarms) return null
  let views: AlarmView[]
  try {
    views = await describeAlarms(named.map((n) => n.name))
  } catch (error) {
    add(
      'warning',
      null,
      `Can't read the stack's alarms: ${error instanceof Error ? error.message : String(error)}`,
      'Allow cloudwatch:DescribeAlarms to see them here, or look in the CloudWatch console.',
    )
    return null
  }
  const byName = new Map(views.map((v) => [v.name, v]))
  return named.map(({key, name}) => {
    const view = byName.get(name)
    const about = ABOUT[key]
    if (!view) {
      const fix = 'Run `momento-eb deploy` to recreate it.'
      add('error', name, `The alarm ${name} (${about.meaning}) no longer exists.`, fix)
      return {key, name, state: 'MISSING', reason: '', since: null, meaning: about.meaning, action: fix}
    }
    const alarmed = view.state === 'ALARM'
    if (alarmed && about.severity) add(about.severity, name, `Alarm: ${about.meaning} (${view.reason})`, about.fix)
    return {
      key,
      name,
      state: view.state,
      reason: view.reason,
      since: view.updatedAt === undefined ? null : new Date(view.updatedAt).toISOString(),
      meaning: about.meaning,
      action: alarmed ? about.fix : null,
    }
  })
}
