/** A slice of the stack template that one concern adds (logs, alarms); merged by buildStackTemplate. */
export interface TemplatePart {
  Parameters?: Record<string, unknown>
  Conditions?: Record<string, unknown>
  Resources?: Record<string, unknown>
  Outputs?: Record<string, unknown>
}
