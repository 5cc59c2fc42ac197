import type {AwsService, Operation} from '../protocol/context.js'
import {createApiDestination} from './operations/create-api-destination.js'
import {createConnection} from './operations/create-connection.js'
import {createEventBus} from './operations/create-event-bus.js'
import {deleteApiDestination} from './operations/delete-api-destination.js'
import {deleteConnection} from './operations/delete-connection.js'
import {deleteEventBus} from './operations/delete-event-bus.js'
import {deleteRule} from './operations/delete-rule.js'
import {describeApiDestination} from './operations/describe-api-destination.js'
import {describeConnection} from './operations/describe-connection.js'
import {describeEventBus} from './operations/describe-event-bus.js'
import {describeRule} from './operations/describe-rule.js'
import {disableRule} from './operations/disable-rule.js'
import {enableRule} from './operations/enable-rule.js'
import {listApiDestinations} from './operations/list-api-destinations.js'
import {listConnections} from './operations/list-connections.js'
import {listEventBuses} from './operations/list-event-buses.js'
import {listRules} from './operations/list-rules.js'
import {listTargetsByRule} from './operations/list-targets-by-rule.js'
import {putEvents} from './operations/put-events.js'
import {putRule} from './operations/put-rule.js'
import {putTargets} from './operations/put-targets.js'
import {removeTargets} from './operations/remove-targets.js'
import {testEventPattern} from './operations/test-event-pattern.js'
import {updateApiDestination} from './operations/update-api-destination.js'
import {updateConnection} from './operations/update-connection.js'
import {updateEventBus} from './operations/update-event-bus.js'
import {EVENTBRIDGE_RULES, validateInput} from './validation.js'

/** Handlers by exact AWS operation name, so a grep for an SDK error's operation finds them. */
const HANDLERS: Readonly<Record<string, Operation>> = {
  CreateEventBus: createEventBus,
  DeleteEventBus: deleteEventBus,
  DescribeEventBus: describeEventBus,
  UpdateEventBus: updateEventBus,
  ListEventBuses: listEventBuses,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: enableRule,
  DisableRule: disableRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  CreateConnection: createConnection,
  DescribeConnection: describeConnection,
  UpdateConnection: updateConnection,
  DeleteConnection: deleteConnection,
  ListConnections: listConnections,
  CreateApiDestination: createApiDestination,
  DescribeApiDestination: describeApiDestination,
  UpdateApiDestination: updateApiDestination,
  DeleteApiDestination: deleteApiDestination,
  ListApiDestinations: listApiDestinations,
  TestEventPattern: testEventPattern,
  PutEvents: putEvents,
}

/** Run the operation's field rules (if it has a table; PutEvents validates itself) before the handler. */
function validated(name: string, handler: Operation): Operation {
  const rules = EVENTBRIDGE_RULES[name]
  if (!rules) return handler
  return (input, ctx) => {
    validateInput(rules, input)
    return handler(input, ctx)
  }
}

/** EventBridge (JSON 1.1, `X-Amz-Target: AWSEvents.<Op>`): control plane plus PutEvents. */
export const eventbridgeService: AwsService = {
  signingName: 'events',
  targetPrefix: 'AWSEvents',
  jsonVersion: '1.1',
  operations: Object.fromEntries(Object.entries(HANDLERS).map(([name, handler]) => [name, validated(name, handler)])),
}
