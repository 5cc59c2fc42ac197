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
 * Not served: the query protocol (no client this project uses sends it) and Smithy RPCv2 CBOR,
 * which botocore ≥1.3x prefers for CloudWatch (the installed AWS CLI v1 / botocore 1.43 lists
 * `protocols: [smithy-rpc-v2-cbor, json, query]` and picks CBOR), so `aws cloudwatch
 * --endpoint-url <sandbox>` does not work against the sandbox.
 */
export const cloudwatchService: AwsService = {
  signingName: 'monitoring',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  queryCompatible: true,
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
