import {invalidAttributeName, invalidParameterValue} from '../errors.js'
import type {SqsOperation} from '../validation.js'
import {validateAttributes} from './queue-attributes.js'
import {storeOf} from './shared.js'

export const setQueueAttributes: SqsOperation = (request, ctx) => {
  const store = storeOf(ctx)
  const queue = request.queue
  const requested = request.map('Attributes')
  if (Object.keys(requested).length === 0) throw invalidParameterValue('Attributes must not be empty.')
  if (requested['FifoQueue'] !== undefined) throw invalidAttributeName('Unknown Attribute FifoQueue.')
  queue.setAttributes(validateAttributes(requested, store), ctx.state.now())
  return {}
}
