/**
 * The stack template as text. Apart from stack-template.ts so that what imports the template's data
 * (the event validation in every `put`, through momento-events.ts) doesn't load the YAML library.
 */
import {stringify} from 'yaml'

import {buildStackTemplate} from './stack-template.js'

/** Template output formats. */
export type TemplateFormat = 'yaml' | 'json'

/** The template as text, YAML (the default) or JSON. */
export function renderStackTemplate(format: TemplateFormat = 'yaml'): string {
  const template = buildStackTemplate()
  // One space per level: with the logs and alarms parts, two spaces would take the JSON past the
  // 51,200 bytes CloudFormation accepts as a TemplateBody (`aws cloudformation deploy` sends the file).
  if (format === 'json') return `${JSON.stringify(template, null, 1)}\n`
  return stringify(template, {lineWidth: 0, aliasDuplicateObjects: false})
}
