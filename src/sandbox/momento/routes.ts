import type {RestHandler} from '../protocol/rest.js'

/** Momento HTTP API routes (`/cache/...`, `/topics/...`). Placeholder: the Momento service fills this in. */
export const momentoRoutes: RestHandler = () => undefined

/** Inspection routes under `/_sandbox/momento/`. Placeholder. */
export const momentoInspection: RestHandler = () => undefined
