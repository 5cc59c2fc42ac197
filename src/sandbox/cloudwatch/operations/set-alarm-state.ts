import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {setAlarmState} from '../evaluation.js'
import {cloudWatchOf, type AlarmState} from '../model.js'
import {invalid} from '../queries.js'

/**
 * SetAlarmState: set the state for testing actions; the next evaluation puts the alarm back where
 * its data says (as on AWS). Actions of the new state run when the state changes.
 */
export const setAlarmStateOp: Operation = (input, ctx) => {
  const name = input['AlarmName'] as string
  const alarm = cloudWatchOf(ctx.state).region(ctx.region).alarms.get(name)
  if (!alarm) {
    throw new ServiceError('ResourceNotFound', `Alarm ${name} not found`, 404, {queryCode: 'ResourceNotFound'})
  }
  const data = input['StateReasonData'] as string | undefined
  if (data !== undefined) {
    try {
      JSON.parse(data)
    } catch {
      throw new ServiceError('InvalidFormat', 'StateReasonData is not valid JSON.', 400, {queryCode: 'InvalidFormat'})
    }
  }
  const value = input['StateValue'] as AlarmState
  if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(value))
    throw invalid(`The value ${value} for parameter StateValue is invalid.`)
  setAlarmState(ctx.state, ctx.region, alarm, value, input['StateReason'] as string, data, ctx.state.now(), true)
  return {}
}
