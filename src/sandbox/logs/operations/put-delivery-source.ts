import {busNameOf} from '../../eventbridge/operations/shared.js'
import type {Operation} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import type {DeliverySource} from '../model.js'
import {arnBase, conflict, EVENT_BUS_LOG_TYPES, tagsOf} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const putDeliverySource: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const resourceArn = input['resourceArn'] as string
  const logType = input['logType'] as string
  const bus = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/.exec(resourceArn)
  if (!bus) {
    throw validationError(
      `Resource ${resourceArn} is not supported as a delivery source by the sandbox (event buses only).`,
    )
  }
  if (!(EVENT_BUS_LOG_TYPES as readonly string[]).includes(logType)) {
    throw validationError(
      `Log type ${logType} is not supported for service events. Supported: ${EVENT_BUS_LOG_TYPES.join(', ')}.`,
    )
  }
  // Worst case: AWS checks that the resource exists before accepting it as a source.
  if (
    bus[1] !== ctx.region ||
    bus[2] !== ctx.accountId ||
    !ctx.state.region(ctx.region).events.buses.has(busNameOf(resourceArn))
  ) {
    throw new ServiceError('ResourceNotFoundException', `Event bus ${busNameOf(resourceArn)} does not exist.`)
  }
  const existing = store.sources.get(name)
  if (existing && existing.resourceArns[0] !== resourceArn) {
    throw conflict(`Delivery source ${name} already exists for another resource.`)
  }
  const source: DeliverySource = {
    name,
    arn: `${arnBase(ctx)}:delivery-source:${name}`,
    resourceArns: [resourceArn],
    service: 'events',
    logType,
    ...tagsOf(input),
  }
  store.sources.set(name, source)
  return {deliverySource: structuredClone(source)}
}
