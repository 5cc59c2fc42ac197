import {invalidParameterValue} from '../errors.js'
import {QUEUE_NAME, type SqsOperation} from '../validation.js'
import {queueUrl, storeOf} from './shared.js'

export const listQueues: SqsOperation = (request, ctx) => {
  const prefix = request.string('QueueNamePrefix') ?? ''
  const maxResults = request.int('MaxResults')
  const token = request.string('NextToken')
  if (token !== undefined && maxResults === undefined) {
    throw invalidParameterValue('MaxResults is a mandatory parameter when you provide a value for NextToken.')
  }
  const names = storeOf(ctx)
    .names()
    .filter((name) => name.startsWith(prefix))
    .sort()
  let start = 0
  if (token !== undefined) {
    // The token is the last name of the previous page, so pages stay stable while queues come and go.
    const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : ''
    if (!QUEUE_NAME.test(decoded)) throw invalidParameterValue('Invalid NextToken value.')
    start = names.findIndex((name) => name > decoded)
    if (start < 0) start = names.length
  }
  const limit = maxResults ?? 1000
  const page = names.slice(start, start + limit)
  const out: {QueueUrls?: string[]; NextToken?: string} = {}
  if (page.length > 0) out.QueueUrls = page.map((name) => queueUrl(ctx, name))
  // Without MaxResults AWS returns up to 1000 URLs and no token.
  if (maxResults !== undefined && start + limit < names.length) {
    out.NextToken = Buffer.from(page.at(-1) ?? '', 'utf8').toString('base64url')
  }
  return out
}
