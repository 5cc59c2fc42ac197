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
  if (format === 'json') return `${JSON.stringify(template, null, 2)}\n`
  return stringify(template, {lineWidth: 0, aliasDuplicateObjects: false})
}
