import type {Operation} from '../../protocol/context.js'
import {apiDestinationView} from './api-destination-view.js'
import {eventsStore, requireApiDestination} from './shared.js'

/** DescribeApiDestination. */
export const describeApiDestination: Operation = (input, ctx) =>
  apiDestinationView(requireApiDestination(eventsStore(ctx), input['Name'] as string))
