import {jsonResponse, type RestHandler} from '../protocol/rest.js'
import {snsOf} from './model.js'

const PATH = '/_sandbox/notifications'

/**
 * Inspection route of the sandbox's SNS: what alarm actions would have sent.
 *
 * - `GET /_sandbox/notifications` → `{topics, notifications}`: every topic with its subscriptions
 *   (all `PendingConfirmation`: the sandbox sends no mail), and the last 1,000 messages alarm
 *   actions published, oldest first. Optional `topic` (ARN) filter and `limit` (newest n).
 * - `DELETE /_sandbox/notifications` forgets the messages.
 */
export const notificationsInspection: RestHandler = (request, state) => {
  if (request.url.pathname !== PATH && request.url.pathname !== `${PATH}/`) return undefined
  const sns = snsOf(state)
  if (request.method === 'DELETE') {
    sns.notifications.length = 0
    return {status: 204}
  }
  if (request.method !== 'GET') {
    return jsonResponse(405, {message: `Use GET or DELETE on ${PATH}.`}, {allow: 'GET, DELETE'})
  }
  const topic = request.url.searchParams.get('topic')
  const limit = request.url.searchParams.get('limit')
  if (limit !== null && !/^\d+$/.test(limit)) {
    return jsonResponse(400, {message: 'limit must be a non-negative integer.'})
  }
  let notifications = sns.notifications.filter((n) => topic === null || n.topicArn === topic)
  if (limit !== null) notifications = notifications.slice(Math.max(0, notifications.length - Number(limit)))
  const topics = [...sns.topics.values()].map((t) => ({
    topicArn: t.arn,
    name: t.name,
    subscriptions: [...t.subscriptions.values()].map((s) => ({
      subscriptionArn: s.arn,
      protocol: s.protocol,
      endpoint: s.endpoint,
      status: s.status,
    })),
  }))
  return jsonResponse(200, {topics, notifications})
}
