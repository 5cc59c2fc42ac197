import type {Operation} from '../../protocol/context.js'
import {logsStore, requireGroup} from './shared.js'

/** The retention values AWS accepts (PutRetentionPolicy / AWS::Logs::LogGroup RetentionInDays). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const

export const putRetentionPolicy: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), input['logGroupName'] as string)
  group.retentionInDays = input['retentionInDays'] as number
  return {}
}
