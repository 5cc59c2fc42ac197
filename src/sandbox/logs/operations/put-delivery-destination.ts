import type {Operation} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {type DeliveryDestination, logGroupNameOfArn} from '../model.js'
import {arnBase, conflict, tagsOf} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const putDeliveryDestination: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const config = input['deliveryDestinationConfiguration'] as {destinationResourceArn?: string} | undefined
  const target = config?.destinationResourceArn
  if (typeof target !== 'string') {
    throw validationError('deliveryDestinationConfiguration.destinationResourceArn is required by the sandbox.')
  }
  const groupName = logGroupNameOfArn(target)
  if (groupName === undefined) {
    throw validationError(`Destination ${target} is not supported by the sandbox (CloudWatch Logs log groups only).`)
  }
  const existing = store.destinations.get(name)
  if (existing && existing.deliveryDestinationConfiguration.destinationResourceArn !== target) {
    throw conflict(`Delivery destination ${name} already exists with another destination.`)
  }
  const destination: DeliveryDestination = {
    name,
    arn: `${arnBase(ctx)}:delivery-destination:${name}`,
    deliveryDestinationType: 'CWL',
    outputFormat: (input['outputFormat'] as string | undefined) ?? 'json',
    deliveryDestinationConfiguration: {destinationResourceArn: target},
    ...tagsOf(input),
  }
  store.destinations.set(name, destination)
  return {deliveryDestination: structuredClone(destination)}
}
