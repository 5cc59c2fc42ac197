/**
 * Event-bus logs (issue 11): the stack's share of the bus's log delivery. Filled in by the logs work;
 * an empty part until then.
 */
import type {TemplatePart} from './stack-template-part.js'

/** The logs slice of the stack template. */
export function logsPart(): TemplatePart {
  return {}
}
