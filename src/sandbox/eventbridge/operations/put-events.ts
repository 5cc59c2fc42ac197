import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

/** Stub until the delivery pipeline lands: PutEvents belongs to the pipeline work. */
export const putEvents: Operation = () => {
  throw new ServiceError('UnknownOperationException', 'PutEvents is not implemented yet.')
}
