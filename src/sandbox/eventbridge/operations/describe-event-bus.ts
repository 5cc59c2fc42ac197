import type {Operation} from '../../protocol/context.js'
import {busNameOf, defined, eventsStore, requireBus} from './shared.js'

/** DescribeEventBus: no `Name` means `default`; `Name` may be an event-bus ARN. */
export const describeEventBus: Operation = (input, ctx) => {
  const bus = requireBus(eventsStore(ctx), busNameOf(input['Name']))
  return defined({
    Name: bus.Name,
    Arn: bus.Arn,
    Description: bus.Description,
    KmsKeyIdentifier: bus.KmsKeyIdentifier,
    DeadLetterConfig: bus.DeadLetterConfig,
    LogConfig: bus.LogConfig,
    CreationTime: bus.CreationTime,
    LastModifiedTime: bus.LastModifiedTime,
  })
}
