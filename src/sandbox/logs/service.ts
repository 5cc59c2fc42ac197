/**
 * CloudWatch Logs (AWS JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`, signing name `logs`): log groups,
 * streams and events, FilterLogEvents and GetLogEvents with AWS's paging tokens, and the vended-log
 * delivery objects the event-bus logs go through. One file per operation under operations/.
 */
import {validateInput} from '../eventbridge/validation.js'
import type {AwsService, Operation} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {createDelivery} from './operations/create-delivery.js'
import {createLogGroup} from './operations/create-log-group.js'
import {createLogStream} from './operations/create-log-stream.js'
import {deleteDeliveryDestination} from './operations/delete-delivery-destination.js'
import {deleteDeliverySource} from './operations/delete-delivery-source.js'
import {deleteDelivery} from './operations/delete-delivery.js'
import {deleteLogGroup} from './operations/delete-log-group.js'
import {deleteRetentionPolicy} from './operations/delete-retention-policy.js'
import {describeDeliveries} from './operations/describe-deliveries.js'
import {describeDeliveryDestinations} from './operations/describe-delivery-destinations.js'
import {describeDeliverySources} from './operations/describe-delivery-sources.js'
import {describeLogGroups} from './operations/describe-log-groups.js'
import {describeLogStreams} from './operations/describe-log-streams.js'
import {filterLogEvents} from './operations/filter-log-events.js'
import {getDeliveryDestination} from './operations/get-delivery-destination.js'
import {getDeliverySource} from './operations/get-delivery-source.js'
import {getDelivery} from './operations/get-delivery.js'
import {getLogEvents} from './operations/get-log-events.js'
import {putDeliveryDestination} from './operations/put-delivery-destination.js'
import {putDeliverySource} from './operations/put-delivery-source.js'
import {putLogEvents} from './operations/put-log-events.js'
import {putRetentionPolicy, RETENTION_DAYS} from './operations/put-retention-policy.js'
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
