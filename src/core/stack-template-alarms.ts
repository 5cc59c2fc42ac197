/**
 * Alarms (issue 11): the stack's CloudWatch alarms and their optional e-mail topic. Filled in by the
 * alarms work; an empty part until then.
 */
import type {TemplatePart} from './stack-template-part.js'

/** The alarms slice of the stack template. */
export function alarmsPart(): TemplatePart {
  return {}
}
