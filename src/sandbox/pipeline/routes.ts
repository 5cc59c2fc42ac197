import type {RestHandler} from '../protocol/rest.js'

/** Inspection route `/_sandbox/deliveries`. Placeholder: the delivery pipeline fills this in. */
export const deliveryInspection: RestHandler = () => undefined
