import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {cloudWatchOf} from '../model.js'

/** DeleteAlarms: all or nothing; a name that does not exist fails the call with ResourceNotFound (404). */
export const deleteAlarms: Operation = (input, ctx) => {
  const names = input['AlarmNames'] as string[]
  const alarms = cloudWatchOf(ctx.state).region(ctx.region).alarms
  const unknown = names.filter((name) => !alarms.has(name))
  if (unknown.length > 0) {
    throw new ServiceError(
      'ResourceNotFound',
      `${unknown.map((n) => `'${n}'`).join(', ')} not found for deletion`,
      404,
      {
        queryCode: 'ResourceNotFound',
      },
    )
  }
  for (const name of names) alarms.delete(name)
  return {}
}
