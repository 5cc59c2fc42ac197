/**
 * Declarative field rules per CloudWatch Logs operation (the constraints of the Logs_20140328 API
 * model as data), checked by EventBridge's walker (eventbridge/validation.ts) before any handler
 * runs. CloudWatch Logs reports these as InvalidParameterException for the log-group and log-event
 * operations; the delivery operations model ValidationException (service.ts maps them).
 */
import type {FieldRule, OperationRules} from '../eventbridge/validation.js'
import {RETENTION_DAYS} from './operations/put-retention-policy.js'

const groupName: FieldRule = {type: 'String', min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+'}
const groupIdentifier: FieldRule = {type: 'String', min: 1, max: 2048, pattern: '[\\w#+=/:,.@-]*'}
const streamName: FieldRule = {type: 'String', min: 1, max: 512, pattern: '[^:*]*'}
const nextToken: FieldRule = {type: 'String', min: 1}
const time: FieldRule = {type: 'Integer', min: 0}
const deliveryName: FieldRule = {type: 'String', min: 1, max: 60, pattern: '[\\w-]*'}
const arn: FieldRule = {type: 'String', min: 16, max: 2048, pattern: '[\\w#+=/:,.@-]*\\*?'}
const tags: FieldRule = {
  type: 'Map',
  min: 1,
  max: 200,
  key: {type: 'String', min: 1, max: 128},
  value: {type: 'String', max: 256},
}
const describeLimit: FieldRule = {type: 'Integer', min: 1, max: 50}

export const LOGS_RULES: Readonly<Record<string, OperationRules>> = {
  CreateLogGroup: {logGroupName: {...groupName, required: true}, kmsKeyId: {type: 'String', max: 256}, tags},
  DeleteLogGroup: {logGroupName: {...groupName, required: true}},
  DescribeLogGroups: {
    logGroupNamePrefix: groupName,
    logGroupNamePattern: {type: 'String', max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]*'},
    nextToken,
    limit: describeLimit,
  },
  PutRetentionPolicy: {
    logGroupName: {...groupName, required: true},
    // The model's enum is of integers; the walker only knows string enums, so checked as a range here
    // and against the list in the handler's table below.
    retentionInDays: {type: 'Integer', required: true},
  },
  DeleteRetentionPolicy: {logGroupName: {...groupName, required: true}},
  CreateLogStream: {logGroupName: {...groupName, required: true}, logStreamName: {...streamName, required: true}},
  DescribeLogStreams: {
    logGroupName: groupName,
    logGroupIdentifier: groupIdentifier,
    logStreamNamePrefix: streamName,
    orderBy: {type: 'String', enum: ['LogStreamName', 'LastEventTime']},
    descending: {type: 'Boolean'},
    nextToken,
    limit: describeLimit,
  },
  PutLogEvents: {
    logGroupName: {...groupName, required: true},
    logStreamName: {...streamName, required: true},
    logEvents: {
      type: 'List',
      required: true,
      min: 1,
      max: 10_000,
      member: {
        type: 'Structure',
        members: {timestamp: {...time, required: true}, message: {type: 'String', required: true, min: 1}},
      },
    },
    sequenceToken: {type: 'String', min: 1},
  },
  GetLogEvents: {
    logGroupName: groupName,
    logGroupIdentifier: groupIdentifier,
    logStreamName: {...streamName, required: true},
    startTime: time,
    endTime: time,
    nextToken,
    limit: {type: 'Integer', min: 1, max: 10_000},
    startFromHead: {type: 'Boolean'},
  },
  FilterLogEvents: {
    logGroupName: groupName,
    logGroupIdentifier: groupIdentifier,
    logStreamNames: {type: 'List', min: 1, max: 100, member: streamName},
    logStreamNamePrefix: streamName,
    startTime: time,
    endTime: time,
    filterPattern: {type: 'String', max: 1024},
    nextToken,
    limit: {type: 'Integer', min: 1, max: 10_000},
  },
  PutDeliverySource: {
    name: {...deliveryName, required: true},
    resourceArn: {...arn, required: true},
    logType: {type: 'String', required: true, min: 1, max: 255, pattern: '[\\w]*'},
    tags,
  },
  GetDeliverySource: {name: {...deliveryName, required: true}},
  DeleteDeliverySource: {name: {...deliveryName, required: true}},
  DescribeDeliverySources: {nextToken, limit: describeLimit},
  PutDeliveryDestination: {
    name: {...deliveryName, required: true},
    outputFormat: {type: 'String', enum: ['json', 'plain', 'w3c', 'raw', 'parquet']},
    deliveryDestinationConfiguration: {type: 'Structure', members: {destinationResourceArn: {...arn, required: true}}},
    deliveryDestinationType: {type: 'String', enum: ['S3', 'CWL', 'FH', 'XRAY']},
    tags,
  },
  GetDeliveryDestination: {name: {...deliveryName, required: true}},
  DeleteDeliveryDestination: {name: {...deliveryName, required: true}},
  DescribeDeliveryDestinations: {nextToken, limit: describeLimit},
  CreateDelivery: {
    deliverySourceName: {...deliveryName, required: true},
    deliveryDestinationArn: {...arn, required: true},
    tags,
  },
  GetDelivery: {id: {type: 'String', required: true, min: 1, max: 64, pattern: '^[0-9A-Za-z]+$'}},
  DeleteDelivery: {id: {type: 'String', required: true, min: 1, max: 64, pattern: '^[0-9A-Za-z]+$'}},
  DescribeDeliveries: {
    nextToken,
    limit: describeLimit,
    deliverySourceNames: {type: 'List', min: 1, max: 50, member: deliveryName},
  },
}

/** The retention values PutRetentionPolicy accepts, as AWS lists them in its message. */
export const RETENTION_ENUM_TEXT = `[${RETENTION_DAYS.join(', ')}]`
