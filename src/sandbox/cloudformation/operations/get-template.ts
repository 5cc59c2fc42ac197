import type {Operation} from '../../protocol/context.js'

import {findChangeSet} from './change-set-view.js'
import {doesNotExist, requiredString, requireStack} from './shared.js'

export const getTemplate: Operation = (input, ctx) => {
  const name = input['StackName']
  let body: string | undefined
  if (typeof input['ChangeSetName'] === 'string') body = findChangeSet(ctx, input).changeSet.plan?.templateBody
  else body = requireStack(ctx, requiredString(input, 'StackName')).templateBody
  if (body === undefined) throw doesNotExist(String(name))
  return {TemplateBody: body, StagesAvailable: ['Original', 'Processed']}
}
