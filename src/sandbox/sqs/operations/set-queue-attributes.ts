import type {Operation} from '../../protocol/context.js'
import {invalidAttributeName, invalidParameterValue} from '../errors.js'
import {resolveQueue, stringMap} from '../validation.js'
import {validateAttributes} from './queue-attributes.js'
import {storeOf} from './shared.js'

export const setQueueAttributes: Operation = (input, ctx) => {
  const store = storeOf(ctx)
  const queue = resolveQueue(input, ctx, store)
  const requested = stringMap(input, 'Attributes')
  if (Object.keys(requested).length === 0) throw invalidParameterValue('Attributes must not be empty.')
  if (requested['FifoQueue'] !== undefined) throw invalidAttributeName('Unknown Attribute FifoQueue.')
  queue.setAttributes(validateAttributes(requested, store), ctx.state.now())
  return {}
}
