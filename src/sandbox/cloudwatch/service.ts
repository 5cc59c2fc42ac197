import type {AwsService, Operation} from '../protocol/context.js'
import {deleteAlarms} from './operations/delete-alarms.js'
import {describeAlarmHistory} from './operations/describe-alarm-history.js'
import {describeAlarms} from './operations/describe-alarms.js'
import {getMetricData} from './operations/get-metric-data.js'
import {listMetrics} from './operations/list-metrics.js'
import {putMetricAlarm} from './operations/put-metric-alarm.js'
import {putMetricData} from './operations/put-metric-data.js'
import {setAlarmStateOp} from './operations/set-alarm-state.js'
import {validateCloudWatch} from './validation.js'

/** Handlers by exact AWS operation name. */
const HANDLERS: Readonly<Record<string, Operation>> = {
  PutMetricData: putMetricData,
  GetMetricData: getMetricData,
  ListMetrics: listMetrics,
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmStateOp,
  DescribeAlarmHistory: describeAlarmHistory,
}

/**
 * CloudWatch (metrics and alarms). The SDK v3 client (3.1164.0) speaks AWS JSON 1.0 with
 * `X-Amz-Target: GraniteServiceVersion20100801.<Op>` and is awsQueryCompatible: errors carry
 * `x-amzn-query-error: <Code>;Sender`, the code the query protocol would have used.
 *
 * Also served over Smithy RPC v2 CBOR (protocol/rpcv2-cbor.ts): botocore's model (1.43, the installed
 * AWS CLI v1) lists `protocols: [smithy-rpc-v2-cbor, json, query]` and picks CBOR, so that is what
 * `aws cloudwatch --endpoint-url <sandbox>` sends. Not served: the query protocol (no client here
 * uses it for CloudWatch).
 */
export const cloudwatchService: AwsService = {
  signingName: 'monitoring',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  queryCompatible: true,
  rpcV2CborTimestamps: new Set([
    'Timestamp',
    'Timestamps',
    'AlarmConfigurationUpdatedTimestamp',
    'StateUpdatedTimestamp',
    'StateTransitionedTimestamp',
  ]),
  operations: Object.fromEntries(
    Object.entries(HANDLERS).map(([name, handler]) => [
      name,
      ((input, ctx) => {
        validateCloudWatch(name, input)
        return handler(input, ctx)
      }) as Operation,
    ]),
  ),
}
