import type {Operation} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import {busArn, type EventBus} from '../model.js'
import {defined, epochSeconds, eventsStore} from './shared.js'

/**
 * CreateEventBus: a custom bus. Partner buses (`EventSourceName`) are not emulated. Description,
 * KmsKeyIdentifier and DeadLetterConfig are stored and returned as AWS returns them (botocore
 * CreateEventBusResponse / DescribeEventBusResponse); the sandbox neither encrypts nor dead-letters
 * with them.
 */
export const createEventBus: Operation = (input, ctx) => {
  const name = input['Name'] as string
  const store = eventsStore(ctx)
  if (store.buses.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`)
  if (typeof input['EventSourceName'] === 'string') {
    throw new ServiceError('ResourceNotFoundException', `Event source ${input['EventSourceName']} does not exist.`)
  }
  // The model's name pattern allows '/', but only partner buses may carry one (botocore CreateEventBus:
  // "Custom event bus names can't contain the / character"). AWS's exact text here is not published;
  // "Event bus name must not contain '/'." is what the AWS-verified suite reported, taken as is.
  if (name.includes('/')) throw validationError("Event bus name must not contain '/'.")
  // The `aws.` prefix is reserved for AWS's own event sources; this text is ours (AWS's unverified).
  if (name.startsWith('aws.')) {
    throw validationError(`Event bus name ${name} is not valid: the prefix 'aws.' is reserved for AWS event sources.`)
  }
  const now = epochSeconds(ctx)
  const bus: EventBus = defined({
    Name: name,
    Arn: busArn(ctx.region, ctx.accountId, name),
    Description: input['Description'] as string | undefined,
    KmsKeyIdentifier: input['KmsKeyIdentifier'] as string | undefined,
    DeadLetterConfig: structuredClone(input['DeadLetterConfig']) as EventBus['DeadLetterConfig'],
    LogConfig: structuredClone(input['LogConfig']) as EventBus['LogConfig'],
    CreationTime: now,
    LastModifiedTime: now,
  })
  store.buses.set(name, bus)
  return defined({
    EventBusArn: bus.Arn,
    Description: bus.Description,
    KmsKeyIdentifier: bus.KmsKeyIdentifier,
    DeadLetterConfig: bus.DeadLetterConfig,
    LogConfig: bus.LogConfig,
  })
}
