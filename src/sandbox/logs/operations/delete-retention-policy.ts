import type {Operation} from '../../protocol/context.js'
import {logsStore, requireGroup} from './shared.js'

export const deleteRetentionPolicy: Operation = (input, ctx) => {
  delete requireGroup(logsStore(ctx), input['logGroupName'] as string).retentionInDays
  return {}
}
