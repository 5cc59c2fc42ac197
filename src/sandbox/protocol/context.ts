import type {IncomingHttpHeaders} from 'node:http'

import type {SandboxState} from '../state.js'

/** What every operation handler gets besides its input. */
export interface RequestContext {
  readonly state: SandboxState
  /** Region from the SigV4 credential scope, else the sandbox's default region. */
  readonly region: string
  readonly accountId: string
  /** `Host` header of the request, used to build URLs (queue URLs) that route back here. */
  readonly host: string
  readonly requestId: string
  readonly protocol: 'json' | 'query'
  readonly headers: IncomingHttpHeaders
  /** Aborted when the client goes away or the sandbox closes: long polls (SQS ReceiveMessage) end on it. */
  readonly signal: AbortSignal
  /** Request path: old SQS query clients POST to the queue URL's path instead of sending `QueueUrl`. */
  readonly path: string
}

/** One operation of an emulated AWS service: JSON-shaped input in, JSON-shaped output out. */
export type Operation = (input: Record<string, unknown>, ctx: RequestContext) => unknown

/** An emulated AWS service as the router sees it. */
export interface AwsService {
  /** SigV4 signing name (`events`, `sqs`, `secretsmanager`, `sts`, `cloudformation`). */
  readonly signingName: string
  /** `X-Amz-Target` prefix for JSON protocols (`AWSEvents`, `AmazonSQS`, `secretsmanager`). */
  readonly targetPrefix?: string
  /** JSON protocol version, for the response content type. */
  readonly jsonVersion?: '1.0' | '1.1'
  /** API version the query protocol sends as `Version`. */
  readonly queryVersion?: string
  /** Operation handlers keyed by the exact AWS operation name. */
  readonly operations: Readonly<Record<string, Operation>>
  /** Query protocol: turn flattened parameters into the JSON-shaped input of `operation`. */
  readonly queryInput?: (operation: string, params: URLSearchParams) => Record<string, unknown>
  /** Query protocol: render the JSON-shaped output of `operation` as the response XML document. */
  readonly queryOutput?: (operation: string, output: unknown, requestId: string) => string
  /** Query protocol XML namespace for responses and errors. */
  readonly xmlNamespace?: string
  /** SQS: JSON errors also carry `x-amzn-query-error` with the legacy code. */
  readonly queryCompatible?: boolean
  /** Served over Smithy RPC v2 CBOR too (protocol/rpcv2-cbor.ts): output members that are timestamps. */
  readonly rpcV2CborTimestamps?: ReadonlySet<string>
}
