/**
 * Event-bus logs (issue 11): the stack's share of the bus's log delivery. The stack owns a log group
 * and the vended-log delivery objects that route the bus's logs into it; the bus's own
 * `LogConfig.Level` (which decides what is logged) is set by `momento-eb deploy` with UpdateEventBus,
 * because the stack does not own the bus (the default bus, or a bus the operator made) and
 * AWS::Events::EventBus can only declare a bus the stack creates.
 *
 * AWS facts this follows (read 2026-12-06):
 * - CloudFormation types and return values: AWS::Logs::LogGroup (Ref = name, GetAtt Arn ends in
 *   `:*`), AWS::Logs::DeliverySource (Name ≤ 60 chars of [\w-], ResourceArn, LogType; Ref = Name),
 *   AWS::Logs::DeliveryDestination (Name, DestinationResourceArn; Ref = Name, GetAtt Arn),
 *   AWS::Logs::Delivery (DeliverySourceName, DeliveryDestinationArn; Ref = DeliveryId) — the
 *   resource schemas cfn-lint 1.51 ships, and the CloudFormation template reference.
 * - An event bus is a delivery source with log type ERROR_LOGS, INFO_LOGS or TRACE_LOGS; the bus's
 *   LogConfig.Level "applies to all log destinations" (EventBridge API reference, LogConfig). AWS
 *   does not say whether the source's log type also filters. The Terraform AWS provider's documented
 *   example (aws_cloudwatch_event_bus, "Logging to CloudWatch Logs") creates one delivery source per
 *   log type, all delivered to the same destination, the deliveries created one after another "to
 *   avoid operation conflict for the same delivery_destination_arn". Worst case covered the same
 *   way: three sources, three deliveries chained with DependsOn; the bus level decides.
 * - Log group name under `/aws/vendedlogs/`: CloudWatch Logs' guide for vended logs recommends that
 *   prefix, so the one resource policy AWS writes for log delivery covers every such group instead
 *   of growing past its 5,120-character limit.
 * - Retention: the values AWS::Logs::LogGroup RetentionInDays allows.
 * - What a change of each property does (CloudFormation template reference, "Update requires", and
 *   the createOnlyProperties of the resource schemas cfn-lint 1.51 ships, which agree):
 *   LogGroup: LogGroupName → Replacement (RetentionInDays: no interruption).
 *   DeliveryDestination: Name, DestinationResourceArn, OutputFormat, DeliveryDestinationType →
 *   Replacement. DeliverySource: Name → Replacement; ResourceArn and LogType are not create-only
 *   (PutDeliverySource "overwrites" an existing source), but AWS does not say that a source with
 *   deliveries may be pointed at another resource. Delivery: DeliverySourceName and
 *   DeliveryDestinationArn → Replacement ("You can't update an existing delivery").
 *   CloudFormation replaces by creating the new resource first, so a replaced resource with a fixed
 *   name fails ("custom-named resource requires replacing"). A new bus renames the log group (its
 *   name holds the bus's), which replaces the destination: so every delivery object's name ends in
 *   the BusLogNameTag parameter, which `momento-eb deploy` changes with EventBusName (a short hash of
 *   the bus name). The sources are renamed too (worst case: their ResourceArn can't change in place),
 *   so a new bus gets new sources, destination and deliveries, and the old ones are deleted after.
 *   The tag's default, `logs`, gives the names stacks had before the tag, so their update keeps them.
 * Delivery to a log group also needs a resource policy letting delivery.logs.amazonaws.com write;
 * AWS creates it when the log group has none and the caller may (logs:PutResourcePolicy,
 * DescribeResourcePolicies, DescribeLogGroups: CloudWatch Logs guide, AWS-logs-infrastructure-V2-
 * CloudWatchLogs), so the template declares none.
 */
import {LOGICAL, OUTPUT, PARAM} from './stack-template-names.js'
import type {TemplatePart} from './stack-template-part.js'

/** The retention values AWS allows for a log group, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const
export const DEFAULT_LOG_RETENTION_DAYS = 14
export const DEFAULT_BUS_LOG_LEVEL = 'ERROR'
export const DEFAULT_BUS_LOG_DETAIL = 'NONE'

/**
 * The bus's LogConfig before this stack first set it, set by `momento-eb deploy` at create and kept
 * on updates, so `destroy` can put it back: `LEVEL/DETAIL`, `NONE` when the bus had no LogConfig,
 * `UNKNOWN` (the default) when nothing was recorded and destroy must leave the bus alone. Never
 * empty: an output whose value is empty is refused by CloudFormation (worst case assumed).
 */
export const PREVIOUS_LOG_CONFIG_PARAM = 'BusLogPreviousConfig'
export const PREVIOUS_LOG_CONFIG_OUTPUT = 'BusLogPreviousConfig'
/** Output: the LogConfig the stack asks deploy to set on the bus (`LEVEL/DETAIL`). */
export const LOG_CONFIG_OUTPUT = 'BusLogConfig'
/** Every output this part adds (BusLogGroupName only while logs are on). */
export const LOGS_OUTPUTS = [OUTPUT.logGroupName, LOG_CONFIG_OUTPUT, PREVIOUS_LOG_CONFIG_OUTPUT] as const
/**
 * Ends the names of the delivery objects: `logs` (the default, the names before the tag), or the
 * six hex digits deploy derives from the bus name (core/bus-log-settings.ts busLogNameTag), so a new
 * bus gives new names and CloudFormation can replace the objects.
 */
export const LOG_NAME_TAG_PARAM = 'BusLogNameTag'
/** Condition: the stack delivers the bus's logs (level is not OFF). */
export const LOGS_ON_CONDITION = 'BusLogsOn'

const LOG_TYPES = [
  {suffix: 'Error', logType: 'ERROR_LOGS'},
  {suffix: 'Info', logType: 'INFO_LOGS'},
  {suffix: 'Trace', logType: 'TRACE_LOGS'},
] as const

/** Logical ids of the delivery sources and deliveries, one per log type. */
export const logDeliverySourceId = (suffix: string) => `${LOGICAL.logDeliverySource}${suffix}`
export const logDeliveryId = (suffix: string) => `${LOGICAL.logDelivery}${suffix}`

/**
 * The stack id's UUID: unique, 36 characters. `momento-eb-<uuid>-<kind>-<tag>` is at most 60
 * characters (the limit of delivery source and destination names): kind `error`/`trace`, tag 6.
 */
const stackUuid = {'Fn::Select': [2, {'Fn::Split': ['/', {Ref: 'AWS::StackId'}]}]}
const uniqueName = (kind: string) => ({'Fn::Join': ['-', ['momento-eb', stackUuid, kind, {Ref: LOG_NAME_TAG_PARAM}]]})

/** The logs slice of the stack template. */
export function logsPart(): TemplatePart {
  const resources: Record<string, unknown> = {
    [LOGICAL.logGroup]: {
      Type: 'AWS::Logs::LogGroup',
      Condition: LOGS_ON_CONDITION,
      Properties: {
        LogGroupName: {'Fn::Sub': `/aws/vendedlogs/events/event-bus/\${${PARAM.eventBus}}/\${AWS::StackName}`},
        RetentionInDays: {Ref: PARAM.logRetentionDays},
      },
    },
    [LOGICAL.logDeliveryDestination]: {
      Type: 'AWS::Logs::DeliveryDestination',
      Condition: LOGS_ON_CONDITION,
      Properties: {
        Name: uniqueName('bus'),
        DestinationResourceArn: {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${LOGICAL.logGroup}}`,
        },
      },
    },
  }
  let previous: string | undefined
  for (const {suffix, logType} of LOG_TYPES) {
    resources[logDeliverySourceId(suffix)] = {
      Type: 'AWS::Logs::DeliverySource',
      Condition: LOGS_ON_CONDITION,
      Properties: {
        Name: uniqueName(suffix.toLowerCase()),
        ResourceArn: {
          'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/\${${PARAM.eventBus}}`,
        },
        LogType: logType,
      },
    }
    resources[logDeliveryId(suffix)] = {
      Type: 'AWS::Logs::Delivery',
      Condition: LOGS_ON_CONDITION,
      ...(previous ? {DependsOn: previous} : {}),
      Properties: {
        DeliverySourceName: {Ref: logDeliverySourceId(suffix)},
        DeliveryDestinationArn: {'Fn::GetAtt': [LOGICAL.logDeliveryDestination, 'Arn']},
      },
    }
    previous = logDeliveryId(suffix)
  }
  return {
    Parameters: {
      [PARAM.logLevel]: {
        Type: 'String',
        Default: DEFAULT_BUS_LOG_LEVEL,
        AllowedValues: ['OFF', 'ERROR', 'INFO', 'TRACE'],
        Description: 'Event-bus log level (momento-eb deploy sets it on the bus); OFF creates no log group or delivery',
      },
      [PARAM.logDetail]: {
        Type: 'String',
        Default: DEFAULT_BUS_LOG_DETAIL,
        AllowedValues: ['NONE', 'FULL'],
        Description: 'FULL puts event payloads (cache values) in the logs (momento-eb deploy sets it on the bus)',
      },
      [PARAM.logRetentionDays]: {
        Type: 'Number',
        Default: DEFAULT_LOG_RETENTION_DAYS,
        AllowedValues: [...LOG_RETENTION_DAYS],
        Description: 'Days the event-bus log group keeps records',
      },
      [LOG_NAME_TAG_PARAM]: {
        Type: 'String',
        Default: 'logs',
        AllowedPattern: '^(logs|[0-9a-f]{6})$',
        Description: 'Ends the log delivery names; change it with EventBusName (6 hex digits) so they can be replaced',
      },
      [PREVIOUS_LOG_CONFIG_PARAM]: {
        Type: 'String',
        Default: 'UNKNOWN',
        AllowedPattern: '^(UNKNOWN|NONE|(OFF|ERROR|INFO|TRACE)/(NONE|FULL|))$',
        Description: "The bus's LogConfig before this stack set it (LEVEL/DETAIL, NONE); destroy puts it back",
      },
    },
    Conditions: {
      [LOGS_ON_CONDITION]: {'Fn::Not': [{'Fn::Equals': [{Ref: PARAM.logLevel}, 'OFF']}]},
    },
    Resources: resources,
    Outputs: {
      [OUTPUT.logGroupName]: {
        Condition: LOGS_ON_CONDITION,
        Description: "Log group receiving the event bus's logs",
        Value: {Ref: LOGICAL.logGroup},
      },
      [LOG_CONFIG_OUTPUT]: {
        Description: 'The LogConfig momento-eb deploy sets on the bus (LEVEL/DETAIL)',
        Value: {'Fn::Join': ['/', [{Ref: PARAM.logLevel}, {Ref: PARAM.logDetail}]]},
      },
      [PREVIOUS_LOG_CONFIG_OUTPUT]: {
        Description: "The bus's LogConfig before this stack set it (LEVEL/DETAIL, NONE, UNKNOWN)",
        Value: {Ref: PREVIOUS_LOG_CONFIG_PARAM},
      },
    },
  }
}
