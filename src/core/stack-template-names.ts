/**
 * The names the stack template uses (parameters, logical ids, outputs), apart from the template so
 * that its parts (stack-template-logs.ts, stack-template-alarms.ts) and stack-template.ts can share
 * them without an import cycle. No imports.
 */

/** Parameter names. */
export const PARAM = {
  apiKey: 'MomentoApiKey',
  eventBus: 'EventBusName',
  endpoint: 'MomentoEndpoint',
  maxRetryAttempts: 'MaxRetryAttempts',
  maxEventAge: 'MaxEventAgeSeconds',
  rateLimit: 'InvocationRateLimit',
  // Observability (issue 11): event-bus logs and alarms; see stack-template-logs.ts and
  // stack-template-alarms.ts for the resources that use them.
  logLevel: 'BusLogLevel',
  logDetail: 'BusLogIncludeDetail',
  logRetentionDays: 'BusLogRetentionInDays',
  alarmEmail: 'AlarmEmail',
} as const

/** The three detail types, in template order. */
export const DETAIL_TYPES = ['cacheSet', 'cacheDelete', 'topicPublish'] as const
export type DetailType = (typeof DETAIL_TYPES)[number]

/** Logical resource ids. */
export const LOGICAL = {
  connection: 'MomentoConnection',
  role: 'InvokeDestinationsRole',
  dlq: 'DeadLetterQueue',
  dlqPolicy: 'DeadLetterQueuePolicy',
  destination: {
    cacheSet: 'CacheSetDestination',
    cacheDelete: 'CacheDeleteDestination',
    topicPublish: 'TopicPublishDestination',
  },
  rule: {cacheSet: 'CacheSetRule', cacheDelete: 'CacheDeleteRule', topicPublish: 'TopicPublishRule'},
  logGroup: 'BusLogGroup',
  logDeliverySource: 'BusLogDeliverySource',
  logDeliveryDestination: 'BusLogDeliveryDestination',
  logDelivery: 'BusLogDelivery',
  alarmTopic: 'AlarmTopic',
  alarmSubscription: 'AlarmEmailSubscription',
  alarm: {
    dlqMessages: 'DlqMessagesAlarm',
    eventsLost: 'EventsLostAlarm',
    throttled: 'ThrottledRulesAlarm',
    failureRatio: 'FailureRatioAlarm',
  },
} as const

/** Output keys. */
export const OUTPUT = {
  dlqUrl: 'DlqUrl',
  dlqArn: 'DlqArn',
  eventBus: 'EventBusName',
  connectionArn: 'ConnectionArn',
  baseUrl: 'MomentoBaseUrl',
  ruleArn: {cacheSet: 'CacheSetRuleArn', cacheDelete: 'CacheDeleteRuleArn', topicPublish: 'TopicPublishRuleArn'},
  destinationArn: {
    cacheSet: 'CacheSetDestinationArn',
    cacheDelete: 'CacheDeleteDestinationArn',
    topicPublish: 'TopicPublishDestinationArn',
  },
  logGroupName: 'BusLogGroupName',
  alarmTopicArn: 'AlarmTopicArn',
  alarmName: {
    dlqMessages: 'DlqMessagesAlarmName',
    eventsLost: 'EventsLostAlarmName',
    throttled: 'ThrottledRulesAlarmName',
    failureRatio: 'FailureRatioAlarmName',
  },
} as const
