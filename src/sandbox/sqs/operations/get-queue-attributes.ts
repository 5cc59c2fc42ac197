import {invalidAttributeName} from '../errors.js'
import type {SqsOperation} from '../validation.js'
import {queueAttributes, READABLE} from './queue-attributes.js'

export const getQueueAttributes: SqsOperation = (request, ctx) => {
  const queue = request.queue
  const names = request.list('AttributeNames')
  for (const name of names) {
    if (name !== 'All' && !READABLE.has(name)) throw invalidAttributeName(`Unknown Attribute ${name}.`)
  }
  if (names.length === 0) return {}
  const all = queueAttributes(queue, ctx.state.now())
  const wanted = names.includes('All') ? Object.keys(all) : names
  const attributes: Record<string, string> = {}
  for (const name of wanted) {
    const value = all[name]
    if (value !== undefined) attributes[name] = value
  }
  return Object.keys(attributes).length > 0 ? {Attributes: attributes} : {}
}
