/**
 * Providers for the stack's alarms: AWS::CloudWatch::Alarm (through the sandbox's PutMetricAlarm,
 * so the same validation applies), AWS::SNS::Topic and AWS::SNS::Subscription (recorded only: the
 * sandbox sends no mail, an e-mail subscription stays PendingConfirmation).
 *
 * Return values (CloudFormation resource reference): Alarm — Ref is the alarm name, GetAtt Arn;
 * Topic — Ref is the topic ARN, GetAtt TopicArn and TopicName; Subscription — Ref is the
 * subscription ARN.
 */
import {cloudwatchService} from '../cloudwatch/service.js'
import {ServiceError} from '../protocol/errors.js'
import {snsOf, topicArn, type Topic} from '../sns/model.js'
import {generatedName, type ProviderContext, type ResourceProvider} from './providers.js'

async function cloudwatch(op: string, input: Record<string, unknown>, pc: ProviderContext): Promise<unknown> {
  const handler = cloudwatchService.operations[op]
  if (!handler) throw new Error(`no handler for ${op}`)
  return handler(input, pc.request)
}

/** Template values may be strings (parameters, Fn::Sub); the API wants numbers and booleans. */
function numeric(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  return Number(value)
}

function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined
  return value === true || value === 'true'
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined
}

function dimensions(value: unknown): {Name: string; Value: string}[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.map((d: Record<string, unknown>) => ({Name: String(d['Name']), Value: String(d['Value'])}))
}

function metricQueries(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.map((q: Record<string, unknown>) => {
    const stat = q['MetricStat'] as Record<string, unknown> | undefined
    const metric = stat?.['Metric'] as Record<string, unknown> | undefined
    return compact({
      Id: q['Id'],
      Expression: q['Expression'],
      Label: q['Label'],
      ReturnData: bool(q['ReturnData']),
      Period: numeric(q['Period']),
      MetricStat: stat
        ? compact({
            Metric: compact({
              Namespace: metric?.['Namespace'],
              MetricName: metric?.['MetricName'],
              Dimensions: dimensions(metric?.['Dimensions']),
            }),
            Period: numeric(stat['Period']),
            Stat: stat['Stat'],
            Unit: stat['Unit'],
          })
        : undefined,
    })
  })
}

function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
}

function alarmInput(name: string, p: Record<string, unknown>): Record<string, unknown> {
  return compact({
    AlarmName: name,
    AlarmDescription: p['AlarmDescription'],
    ActionsEnabled: bool(p['ActionsEnabled']),
    AlarmActions: list(p['AlarmActions']),
    OKActions: list(p['OKActions']),
    InsufficientDataActions: list(p['InsufficientDataActions']),
    ComparisonOperator: p['ComparisonOperator'],
    DatapointsToAlarm: numeric(p['DatapointsToAlarm']),
    Dimensions: dimensions(p['Dimensions']),
    EvaluationPeriods: numeric(p['EvaluationPeriods']),
    ExtendedStatistic: p['ExtendedStatistic'],
    MetricName: p['MetricName'],
    Metrics: metricQueries(p['Metrics']),
    Namespace: p['Namespace'],
    Period: numeric(p['Period']),
    Statistic: p['Statistic'],
    Threshold: numeric(p['Threshold']),
    TreatMissingData: p['TreatMissingData'],
    Unit: p['Unit'],
  })
}

function alarmResult(name: string, pc: ProviderContext) {
  const {region, accountId} = pc.request
  return {physicalId: name, attributes: {Arn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`}}
}

const alarm: ResourceProvider = {
  createOnly: ['AlarmName'],
  nameProperty: 'AlarmName',
  attributes: ['Arn'],
  async create(p, pc) {
    const name = typeof p['AlarmName'] === 'string' ? p['AlarmName'] : generatedName(pc, 255)
    await cloudwatch('PutMetricAlarm', alarmInput(name, p), pc)
    return alarmResult(name, pc)
  },
  async update(current, p, _previous, pc) {
    // PutMetricAlarm replaces the whole definition and keeps the state, as an in-place update does on AWS.
    await cloudwatch('PutMetricAlarm', alarmInput(current.physicalId, p), pc)
    return alarmResult(current.physicalId, pc)
  },
  async delete(current, _p, pc) {
    try {
      await cloudwatch('DeleteAlarms', {AlarmNames: [current.physicalId]}, pc)
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'ResourceNotFound')) throw error
    }
  },
}

const PROTOCOLS = ['email', 'email-json', 'http', 'https', 'sqs', 'sms', 'lambda', 'application', 'firehose']
/** What SNS accepts as an e-mail endpoint is not published; this is the usual local@domain.tld shape. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameter', `Invalid parameter: ${message}`)
}

function subscribe(topic: Topic, protocol: string, endpoint: string, id: string): string {
  if (!PROTOCOLS.includes(protocol)) throw invalidParameter(`Protocol ${protocol}`)
  if ((protocol === 'email' || protocol === 'email-json') && !EMAIL.test(endpoint)) {
    throw invalidParameter('Email address')
  }
  const arn = `${topic.arn}:${id}`
  topic.subscriptions.set(arn, {arn, topicArn: topic.arn, protocol, endpoint, status: 'PendingConfirmation'})
  return arn
}

function inlineSubscriptions(p: Record<string, unknown>): {Protocol: string; Endpoint: string}[] {
  const subs = p['Subscription']
  return Array.isArray(subs)
    ? subs.map((s: Record<string, unknown>) => ({Protocol: String(s['Protocol']), Endpoint: String(s['Endpoint'])}))
    : []
}

const topic: ResourceProvider = {
  createOnly: ['TopicName', 'FifoTopic'],
  nameProperty: 'TopicName',
  attributes: ['TopicArn', 'TopicName'],
  create(p, pc) {
    const name = typeof p['TopicName'] === 'string' ? p['TopicName'] : generatedName(pc, 256)
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
      return Promise.reject(invalidParameter('Topic Name'))
    }
    const arn = topicArn(pc.request.region, pc.request.accountId, name)
    const topics = snsOf(pc.request.state).topics
    const created: Topic = topics.get(arn) ?? {arn, name, region: pc.request.region, subscriptions: new Map()}
    for (const s of inlineSubscriptions(p)) subscribe(created, s.Protocol, s.Endpoint, pc.request.state.newId())
    topics.set(arn, created)
    return Promise.resolve({physicalId: arn, attributes: {TopicArn: arn, TopicName: name}})
  },
  update(current) {
    return Promise.resolve(current)
  },
  delete(current, _p, pc) {
    snsOf(pc.request.state).topics.delete(current.physicalId)
    return Promise.resolve()
  },
}

const subscription: ResourceProvider = {
  createOnly: ['TopicArn', 'Protocol', 'Endpoint'],
  attributes: ['Arn'],
  create(p, pc) {
    const arn = String(p['TopicArn'] ?? '')
    const found = snsOf(pc.request.state).topics.get(arn)
    if (!found) return Promise.reject(new ServiceError('NotFound', 'Topic does not exist', 404))
    const sub = subscribe(found, String(p['Protocol'] ?? ''), String(p['Endpoint'] ?? ''), pc.request.state.newId())
    return Promise.resolve({physicalId: sub, attributes: {Arn: sub}})
  },
  delete(current, p, pc) {
    snsOf(pc.request.state)
      .topics.get(String(p['TopicArn'] ?? ''))
      ?.subscriptions.delete(current.physicalId)
    return Promise.resolve()
  },
}

/** The providers this file adds to PROVIDERS. */
export const ALARM_PROVIDERS: Readonly<Record<string, ResourceProvider>> = {
  'AWS::CloudWatch::Alarm': alarm,
  'AWS::SNS::Topic': topic,
  'AWS::SNS::Subscription': subscription,
}
