/**
 * SNS as far as the stack's alarms need it: topics and e-mail subscriptions created through
 * CloudFormation, and the messages alarm actions would have published. Nothing is ever sent: an
 * e-mail subscription stays `PendingConfirmation` (on AWS it does until the recipient clicks the
 * link in the confirmation mail) and each publish is recorded for `GET /_sandbox/notifications`.
 */
import type {SandboxState} from '../state.js'

export interface Subscription {
  readonly arn: string
  readonly topicArn: string
  readonly protocol: string
  readonly endpoint: string
  /** Always `PendingConfirmation` in the sandbox (nobody confirms e-mail). */
  readonly status: 'PendingConfirmation'
}

export interface Topic {
  readonly arn: string
  readonly name: string
  readonly region: string
  readonly subscriptions: Map<string, Subscription>
}

/** A message that would have been published. */
export interface Notification {
  readonly at: string
  readonly topicArn: string
  readonly subject: string
  readonly message: string
  /** Whether the topic existed; on AWS a publish to a missing topic fails (the alarm history says so). */
  readonly topicExists: boolean
  /** Who would have received it: confirmed subscriptions only, so none in the sandbox. */
  readonly wouldDeliverTo: readonly string[]
  /** Subscriptions that exist but would not receive it (pending confirmation). */
  readonly pending: readonly string[]
}

/** Notifications kept for inspection (oldest dropped first). */
export const MAX_NOTIFICATIONS = 1000

export interface SnsState {
  readonly topics: Map<string, Topic>
  readonly notifications: Notification[]
  publish(topicArn: string, subject: string, message: string): Notification
}

const STATES = new WeakMap<SandboxState, SnsState>()

export function snsOf(state: SandboxState): SnsState {
  let sns = STATES.get(state)
  if (!sns) {
    const topics = new Map<string, Topic>()
    const notifications: Notification[] = []
    sns = {
      topics,
      notifications,
      publish(topicArn, subject, message) {
        const topic = topics.get(topicArn)
        const subscriptions = [...(topic?.subscriptions.values() ?? [])]
        const notification: Notification = {
          at: new Date(state.now()).toISOString(),
          topicArn,
          subject,
          message,
          topicExists: topic !== undefined,
          wouldDeliverTo: [],
          pending: subscriptions.map((s) => `${s.protocol}:${s.endpoint}`),
        }
        notifications.push(notification)
        if (notifications.length > MAX_NOTIFICATIONS) notifications.splice(0, notifications.length - MAX_NOTIFICATIONS)
        return notification
      },
    }
    STATES.set(state, sns)
  }
  return sns
}

export function topicArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`
}
