/**
 * Declarative field rules per CloudWatch operation (the botocore cloudwatch 2010-08-01 model's
 * constraints as data), checked by EventBridge's walker. CloudWatch words the violations the same
 * way; as an awsQueryCompatible JSON service it answers `ValidationException` with the query code
 * `ValidationError` in `x-amzn-query-error` (the SDK exposes it as the error's `Code`).
 */
import {ServiceError} from '../protocol/errors.js'
import {validateInput, type FieldRule, type OperationRules} from '../eventbridge/validation.js'

const name255: FieldRule = {type: 'String', min: 1, max: 255}
const dimension: FieldRule = {
  type: 'Structure',
  members: {Name: {...name255, required: true}, Value: {type: 'String', min: 1, max: 1024, required: true}},
}
const dimensions: FieldRule = {type: 'List', max: 30, member: dimension}
const metric: FieldRule = {
  type: 'Structure',
  members: {
    Namespace: {type: 'String', min: 1, max: 255, pattern: '[^:].*'},
    MetricName: name255,
    Dimensions: dimensions,
  },
}
const query: FieldRule = {
  type: 'Structure',
  members: {
    Id: {...name255, required: true},
    MetricStat: {
      type: 'Structure',
      members: {
        Metric: {...metric, required: true},
        Period: {type: 'Integer', min: 1, required: true},
        Stat: {type: 'String', required: true},
      },
    },
    Expression: {type: 'String', min: 1, max: 2048},
    Label: {type: 'String'},
    ReturnData: {type: 'Boolean'},
    Period: {type: 'Integer', min: 1},
  },
}
const resources: FieldRule = {type: 'List', max: 5, member: {type: 'String', min: 1, max: 1024}}
const stateValue: FieldRule = {type: 'String', enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA']}
const alarmNames: FieldRule = {type: 'List', max: 100, member: name255}

export const CLOUDWATCH_RULES: Readonly<Record<string, OperationRules>> = {
  PutMetricData: {
    Namespace: {type: 'String', min: 1, max: 255, pattern: '[^:].*', required: true},
    MetricData: {
      type: 'List',
      member: {
        type: 'Structure',
        members: {
          MetricName: {...name255, required: true},
          Dimensions: dimensions,
          Timestamp: {type: 'Timestamp'},
          Unit: {type: 'String'},
          StorageResolution: {type: 'Integer', min: 1},
        },
      },
    },
  },
  GetMetricData: {
    MetricDataQueries: {type: 'List', required: true, member: query},
    StartTime: {type: 'Timestamp', required: true},
    EndTime: {type: 'Timestamp', required: true},
    ScanBy: {type: 'String', enum: ['TimestampDescending', 'TimestampAscending']},
    MaxDatapoints: {type: 'Integer'},
  },
  ListMetrics: {
    Namespace: {type: 'String', min: 1, max: 255, pattern: '[^:].*'},
    MetricName: name255,
    Dimensions: {
      type: 'List',
      max: 10,
      member: {
        type: 'Structure',
        members: {Name: {...name255, required: true}, Value: {type: 'String', min: 1, max: 1024}},
      },
    },
  },
  PutMetricAlarm: {
    AlarmName: {...name255, required: true},
    AlarmDescription: {type: 'String', min: 0, max: 1024},
    ActionsEnabled: {type: 'Boolean'},
    OKActions: resources,
    AlarmActions: resources,
    InsufficientDataActions: resources,
    MetricName: name255,
    Namespace: {type: 'String', min: 1, max: 255, pattern: '[^:].*'},
    Statistic: {type: 'String', enum: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']},
    ExtendedStatistic: {type: 'String'},
    Dimensions: dimensions,
    Period: {type: 'Integer', min: 1},
    EvaluationPeriods: {type: 'Integer', min: 1},
    DatapointsToAlarm: {type: 'Integer', min: 1},
    ComparisonOperator: {
      type: 'String',
      enum: [
        'GreaterThanOrEqualToThreshold',
        'GreaterThanThreshold',
        'LessThanThreshold',
        'LessThanOrEqualToThreshold',
        'LessThanLowerOrGreaterThanUpperThreshold',
        'LessThanLowerThreshold',
        'GreaterThanUpperThreshold',
      ],
    },
    TreatMissingData: {type: 'String', min: 1, max: 255},
    Metrics: {type: 'List', member: query},
    ThresholdMetricId: name255,
  },
  DescribeAlarms: {
    AlarmNames: alarmNames,
    AlarmNamePrefix: name255,
    StateValue: stateValue,
    ActionPrefix: {type: 'String', min: 1, max: 1024},
    MaxRecords: {type: 'Integer', min: 1, max: 100},
  },
  DeleteAlarms: {AlarmNames: {...alarmNames, required: true}},
  SetAlarmState: {
    AlarmName: {...name255, required: true},
    StateValue: {...stateValue, required: true},
    StateReason: {type: 'String', min: 0, max: 1023, required: true},
    StateReasonData: {type: 'String', min: 0, max: 4000},
  },
  DescribeAlarmHistory: {
    AlarmName: name255,
    HistoryItemType: {type: 'String'},
    MaxRecords: {type: 'Integer', min: 1, max: 100},
  },
}

/** Run the model's rules, reporting violations as CloudWatch does (query code `ValidationError`). */
export function validateCloudWatch(operation: string, input: Record<string, unknown>): void {
  const rules = CLOUDWATCH_RULES[operation]
  if (!rules) return
  try {
    validateInput(rules, input)
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'ValidationException') {
      throw new ServiceError('ValidationException', error.message, 400, {queryCode: 'ValidationError'})
    }
    throw error
  }
}
