import type {Operation} from '../../protocol/context.js'

import {readTemplate} from '../template.js'
import {templateBodyOf} from './shared.js'
import {capabilitiesOf, declaredParameters} from './template-view.js'

export const validateTemplate: Operation = (input) => {
  const template = readTemplate(templateBodyOf(input))
  return {
    Parameters: declaredParameters(template).map(({ParameterKey, DefaultValue, NoEcho, Description}) => ({
      ParameterKey,
      ...(DefaultValue !== undefined ? {DefaultValue} : {}),
      NoEcho,
      ...(Description !== undefined ? {Description} : {}),
    })),
    ...(template.Description !== undefined ? {Description: template.Description} : {}),
    ...capabilitiesOf(template),
    DeclaredTransforms: [],
  }
}
