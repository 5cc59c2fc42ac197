/**
 * CloudWatch Logs (AWS JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`, signing name `logs`): log groups,
 * streams and events, FilterLogEvents and GetLogEvents with AWS's paging tokens, and the vended-log
 * delivery objects the event-bus logs go through. One file per group of operations under operations/.
 */
import {validateInput} from '../eventbridge/validation.js'
import type {AwsService, Operation} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {
  createDelivery,
  deleteDelivery,
  deleteDeliveryDestination,
  deleteDeliverySource,
  describeDeliveries,
  describeDeliveryDestinations,
  describeDeliverySources,
  getDelivery,
  getDeliveryDestination,
  getDeliverySource,
  putDeliveryDestination,
  putDeliverySource,
} from './operations/deliveries.js'
import {filterLogEvents} from './operations/filter-log-events.js'
import {getLogEvents} from './operations/get-log-events.js'
import {
  createLogGroup,
  deleteLogGroup,
  deleteRetentionPolicy,
  describeLogGroups,
  putRetentionPolicy,
  RETENTION_DAYS,
} from './operations/log-groups.js'
import {createLogStream, describeLogStreams} from './operations/log-streams.js'
import {putLogEvents} from './operations/put-log-events.js'
import {LOGS_RULES, RETENTION_ENUM_TEXT} from './validation.js'

const HANDLERS: Readonly<Record<string, Operation>> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  CreateLogStream: createLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutDeliverySource: putDeliverySource,
  GetDeliverySource: getDeliverySource,
  DescribeDeliverySources: describeDeliverySources,
  DeleteDeliverySource: deleteDeliverySource,
  PutDeliveryDestination: putDeliveryDestination,
  GetDeliveryDestination: getDeliveryDestination,
  DescribeDeliveryDestinations: describeDeliveryDestinations,
  DeleteDeliveryDestination: deleteDeliveryDestination,
  CreateDelivery: createDelivery,
  GetDelivery: getDelivery,
  DescribeDeliveries: describeDeliveries,
  DeleteDelivery: deleteDelivery,
}

/** Operations whose model reports bad input as ValidationException (the delivery APIs). */
const VALIDATION_EXCEPTION_OPS = new Set(Object.keys(HANDLERS).filter((name) => /Deliver/.test(name)))

function validated(name: string, handler: Operation): Operation {
  const rules = LOGS_RULES[name]
  return (input, ctx) => {
    try {
      if (rules) validateInput(rules, input)
      if (
        name === 'PutRetentionPolicy' &&
        !(RETENTION_DAYS as readonly number[]).includes(input['retentionInDays'] as number)
      ) {
        throw new ServiceError(
          'ValidationException',
          `1 validation error detected: Value '${String(input['retentionInDays'])}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: ${RETENTION_ENUM_TEXT}`,
        )
      }
    } catch (error) {
      // The log operations answer bad input with InvalidParameterException (their modelled error);
      // the text is the walker's, in AWS's usual "N validation errors detected" form.
      if (
        error instanceof ServiceError &&
        error.code === 'ValidationException' &&
        !VALIDATION_EXCEPTION_OPS.has(name)
      ) {
        throw new ServiceError('InvalidParameterException', error.message)
      }
      throw error
    }
    return handler(input, ctx)
  }
}

export const logsService: AwsService = {
  signingName: 'logs',
  targetPrefix: 'Logs_20140328',
  jsonVersion: '1.1',
  operations: Object.fromEntries(Object.entries(HANDLERS).map(([name, handler]) => [name, validated(name, handler)])),
}
