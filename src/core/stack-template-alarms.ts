/**
 * Alarms (issue 11): the stack's CloudWatch alarms and their optional e-mail topic.
 *
 * Metric facts (EventBridge user guide "Monitoring Amazon EventBridge"; SQS developer guide
 * "Available CloudWatch metrics for Amazon SQS"; see src/sandbox/cloudwatch/events-metrics.ts):
 * a rule's AWS/Events metrics carry {RuleName} on the default bus and {EventBusName, RuleName} on a
 * custom bus; FailedInvocations and Invocations are published only when non-zero; AWS/SQS metrics
 * carry {QueueName} and are published once a minute for active queues. So "no data" means "nothing
 * happened" for every metric used here, and every alarm treats missing data as notBreaching.
 *
 * - DLQ holds messages: ApproximateNumberOfMessagesVisible (Maximum, 1 minute) > 0 on the stack's DLQ.
 * - Events lost: InvocationsFailedToBeSentToDlq > 0 on any of the three rules in a minute. One
 *   metric-math alarm (SUM over the three rules, each FILLed with 0) instead of three: the same
 *   price (an alarm is billed per metric it reads), and one state for `status` to show and one mail.
 * - Throttled: ThrottledRules over the three rules > 0 in 2 of 3 five-minute periods. A burst above
 *   the destinations' rate limit is throttled by design and drains; throttling that lasts means the
 *   limit is below the traffic, events wait and may age out into the DLQ.
 * - Failure ratio: 100 × FailedInvocations / Invocations (all three rules, 5 minutes) > 5 %.
 *   FailedInvocations is FILLed with 0 (absent when nothing failed); with no invocations the ratio
 *   has no value and the alarm stays OK (no events is not a failure).
 *
 * The rule name for the dimensions comes from the rule's ARN (`…:rule/[bus/]name`, the documented
 * ARN format): the part after `rule/` on the default bus, the part after the bus otherwise. A
 * partner event bus (`aws.partner/…`, names with slashes) would need another split: not supported.
 *
 * AlarmEmail (default empty): when given, an SNS topic with an e-mail subscription (the recipient
 * must confirm it) receives the ALARM and OK transitions of every alarm; without it the alarms have
 * no actions and only `momento-eb status` shows them.
 */
import type {TemplatePart} from './stack-template-part.js'
import {DETAIL_TYPES, LOGICAL, OUTPUT, PARAM} from './stack-template-names.js'

const IS_DEFAULT_BUS = 'AlarmsOnDefaultBus'
const HAS_EMAIL = 'HasAlarmEmail'

const ref = (name: string) => ({Ref: name})

/** The rule name: the ARN's segment `index` when split on `/` (1 on the default bus, 2 on a custom bus). */
const ruleName = (logical: string, index: number) => ({
  'Fn::Select': [index, {'Fn::Split': ['/', {'Fn::GetAtt': [logical, 'Arn']}]}],
})

/** A rule's AWS/Events dimensions: {RuleName} on the default bus, {EventBusName, RuleName} otherwise. */
const ruleDimensions = (logical: string) => ({
  'Fn::If': [
    IS_DEFAULT_BUS,
    [{Name: 'RuleName', Value: ruleName(logical, 1)}],
    [
      {Name: 'EventBusName', Value: ref(PARAM.eventBus)},
      {Name: 'RuleName', Value: ruleName(logical, 2)},
    ],
  ],
})

/** One MetricStat query per rule for `metric`, ids `<prefix>0..2`. */
function perRule(prefix: string, metric: string, period: number) {
  return DETAIL_TYPES.map((t, i) => ({
    Id: `${prefix}${i}`,
    ReturnData: false,
    MetricStat: {
      Metric: {Namespace: 'AWS/Events', MetricName: metric, Dimensions: ruleDimensions(LOGICAL.rule[t])},
      Period: period,
      Stat: 'Sum',
    },
  }))
}

const sumFilled = (prefix: string) => `SUM([${DETAIL_TYPES.map((_, i) => `FILL(${prefix}${i}, 0)`).join(', ')}])`

const actions = {'Fn::If': [HAS_EMAIL, [ref(LOGICAL.alarmTopic)], ref('AWS::NoValue')]}

function alarm(suffix: string, description: string, definition: Record<string, unknown>) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: {'Fn::Sub': `\${AWS::StackName}-${suffix}`},
      AlarmDescription: description,
      ActionsEnabled: true,
      AlarmActions: actions,
      OKActions: actions,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...definition,
    },
  }
}

/** The alarms slice of the stack template. */
export function alarmsPart(): TemplatePart {
  return {
    Parameters: {
      [PARAM.alarmEmail]: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
        ConstraintDescription: 'an e-mail address (name@example.com), or empty for no e-mail',
        Description: 'E-mail address that receives alarm notifications (empty: none)',
      },
    },
    Conditions: {
      [IS_DEFAULT_BUS]: {'Fn::Equals': [ref(PARAM.eventBus), 'default']},
      [HAS_EMAIL]: {'Fn::Not': [{'Fn::Equals': [ref(PARAM.alarmEmail), '']}]},
    },
    Resources: {
      [LOGICAL.alarmTopic]: {
        Type: 'AWS::SNS::Topic',
        Condition: HAS_EMAIL,
        Properties: {DisplayName: 'momento-eb alarms'},
      },
      [LOGICAL.alarmSubscription]: {
        Type: 'AWS::SNS::Subscription',
        Condition: HAS_EMAIL,
        Properties: {TopicArn: ref(LOGICAL.alarmTopic), Protocol: 'email', Endpoint: ref(PARAM.alarmEmail)},
      },
      [LOGICAL.alarm.dlqMessages]: alarm(
        'dlq-holds-messages',
        'Events failed and wait in the dead-letter queue. Inspect them with `momento-eb dlq list`, fix the cause, then `momento-eb dlq redrive`.',
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{Name: 'QueueName', Value: {'Fn::GetAtt': [LOGICAL.dlq, 'QueueName']}}],
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
        },
      ),
      [LOGICAL.alarm.eventsLost]: alarm(
        'events-lost',
        'EventBridge could not write failed events to the dead-letter queue: they are lost. Check that the queue exists and its policy lets the rules send (`momento-eb status`, `momento-eb deploy` restores both).',
        {
          Metrics: [
            ...perRule('lost', 'InvocationsFailedToBeSentToDlq', 60),
            {Id: 'lost', Expression: sumFilled('lost'), ReturnData: true},
          ],
          EvaluationPeriods: 1,
          Threshold: 0,
        },
      ),
      [LOGICAL.alarm.throttled]: alarm(
        'rules-throttled',
        'Deliveries wait for the destinations rate limit (InvocationRateLimit) for 10 of the last 15 minutes. Raise the limit if Momento allows it (`momento-eb deploy --invocation-rate`), or expect delays and events aging into the DLQ.',
        {
          Metrics: [
            ...perRule('thr', 'ThrottledRules', 300),
            {Id: 'throttled', Expression: sumFilled('thr'), ReturnData: true},
          ],
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          Threshold: 0,
        },
      ),
      [LOGICAL.alarm.failureRatio]: alarm(
        'failure-ratio',
        'More than 5 % of deliveries to Momento failed for good in the last 5 minutes. See why with `momento-eb dlq list`.',
        {
          Metrics: [
            ...perRule('f', 'FailedInvocations', 300),
            ...perRule('i', 'Invocations', 300),
            {Id: 'ratio', Expression: `100 * ${sumFilled('f')} / SUM([i0, i1, i2])`, ReturnData: true},
          ],
          EvaluationPeriods: 1,
          Threshold: 5,
        },
      ),
    },
    Outputs: {
      [OUTPUT.alarmTopicArn]: {
        Condition: HAS_EMAIL,
        Description: 'SNS topic that e-mails alarm notifications',
        Value: ref(LOGICAL.alarmTopic),
      },
      [OUTPUT.alarmName.dlqMessages]: {
        Description: 'Alarm: the DLQ holds messages',
        Value: ref(LOGICAL.alarm.dlqMessages),
      },
      [OUTPUT.alarmName.eventsLost]: {
        Description: 'Alarm: events could not be dead-lettered (lost)',
        Value: ref(LOGICAL.alarm.eventsLost),
      },
      [OUTPUT.alarmName.throttled]: {
        Description: 'Alarm: rules throttled for a sustained period',
        Value: ref(LOGICAL.alarm.throttled),
      },
      [OUTPUT.alarmName.failureRatio]: {
        Description: 'Alarm: over 5 % of deliveries failed',
        Value: ref(LOGICAL.alarm.failureRatio),
      },
    },
  }
}
