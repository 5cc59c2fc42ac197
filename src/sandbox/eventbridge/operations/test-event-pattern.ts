import type {Operation} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {checkEventPattern} from './put-rule.js'

/** Envelope fields TestEventPattern insists on (`resources` is documented as required but is not). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type']

/** TestEventPattern: the same matcher the rules use, on one sample event. */
export const testEventPattern: Operation = (input) => {
  const pattern = checkEventPattern(input['EventPattern'] as string)
  let event: unknown
  try {
    event = JSON.parse(input['Event'] as string)
  } catch {
    throw validationError('Parameter Event is not valid.')
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw validationError('Parameter Event is not valid.')
  }
  const missing = REQUIRED_EVENT_FIELDS.find((field) => !Object.hasOwn(event, field))
  if (missing !== undefined) {
    throw validationError(`Parameter Event is not valid. Reason: Provided Event is missing required field ${missing}.`)
  }
  return {Result: pattern.matches(event)}
}
