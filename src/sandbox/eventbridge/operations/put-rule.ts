import {compilePattern, InvalidEventPatternError} from '../../../core/event-pattern.js'
import type {Operation} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import {ruleArn, type Rule} from '../model.js'
import {busNameOf, defined, eventsStore, requireBus, ruleKey} from './shared.js'

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/
const CRON = /^cron\(\s*(\S+\s+){5}\S+\s*\)$/

/** Compile a pattern as the service does, turning the matcher's rejection into the AWS error. */
export function checkEventPattern(pattern: string): ReturnType<typeof compilePattern> {
  try {
    return compilePattern(pattern)
  } catch (error) {
    if (error instanceof InvalidEventPatternError) {
      // The matcher words its errors as the service does; older builds gave only the reason.
      const message = error.message.startsWith('Event pattern is not valid')
        ? error.message
        : `Event pattern is not valid. Reason: ${error.message}`
      throw new ServiceError('InvalidEventPatternException', message)
    }
    throw error
  }
}

/**
 * PutRule: create, or replace every attribute of an existing rule (omitted ones are not kept, as
 * the API reference says) while its targets stay.
 */
export const putRule: Operation = (input, ctx) => {
  const name = input['Name'] as string
  const eventPattern = input['EventPattern'] as string | undefined
  const schedule = input['ScheduleExpression'] as string | undefined
  const busName = busNameOf(input['EventBusName'])
  const store = eventsStore(ctx)
  requireBus(store, busName)
  if (!eventPattern && !schedule)
    throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.')
  if (schedule !== undefined) {
    if (busName !== 'default') throw validationError('ScheduleExpression is supported only on the default event bus.')
    const rate = RATE.exec(schedule)
    const rateOk = rate ? Number(rate[1]) > 0 && (rate[1] === '1') === !rate[2]?.endsWith('s') : false
    if (!rateOk && !CRON.test(schedule)) throw validationError('Parameter ScheduleExpression is not valid.')
  }
  if (eventPattern !== undefined) checkEventPattern(eventPattern)

  const key = ruleKey(busName, name)
  const existing = store.rules.get(key)
  const rule: Rule = defined({
    Name: name,
    Arn: ruleArn(ctx.region, ctx.accountId, busName, name),
    EventBusName: busName,
    EventPattern: eventPattern,
    ScheduleExpression: schedule,
    State: (input['State'] as Rule['State'] | undefined) ?? 'ENABLED',
    Description: input['Description'] as string | undefined,
    RoleArn: input['RoleArn'] as string | undefined,
    targets: existing?.targets ?? new Map(),
  })
  store.rules.set(key, rule)
  return {RuleArn: rule.Arn}
}
