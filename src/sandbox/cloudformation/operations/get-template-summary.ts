import type {Operation} from '../../protocol/context.js'

import {readTemplate} from '../template.js'
import {doesNotExist, requireStack, templateBodyOf} from './shared.js'
import {capabilitiesOf, declaredParameters} from './template-view.js'

export const getTemplateSummary: Operation = (input, ctx) => {
  let body: string
  if (typeof input['StackName'] === 'string' && input['StackName'] !== '') {
    const stack = requireStack(ctx, input['StackName'])
    if (stack.templateBody === undefined) throw doesNotExist(input['StackName'])
    body = stack.templateBody
  } else {
    body = templateBodyOf(input)
  }
  const template = readTemplate(body)
  return {
    Parameters: declaredParameters(template),
    ...(template.Description !== undefined ? {Description: template.Description} : {}),
    ...capabilitiesOf(template),
    ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
    Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
    DeclaredTransforms: [],
  }
}
