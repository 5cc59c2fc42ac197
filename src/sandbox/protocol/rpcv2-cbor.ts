/**
 * Smithy RPC v2 CBOR, the protocol botocore (AWS CLI v1, boto3) prefers for CloudWatch since the
 * model lists `protocols: [smithy-rpc-v2-cbor, json, query]`: `POST /service/<Service>/operation/<Op>`
 * with `smithy-protocol: rpc-v2-cbor` and a CBOR body; errors carry `__type` and `message` (and
 * `x-amzn-query-error` for awsQueryCompatible services). The operations are the JSON protocol's.
 */
import type {AwsService, RequestContext} from './context.js'
import {CborError, decodeCbor, encodeCbor} from './cbor.js'
import {ServiceError} from './errors.js'
import type {RawResponse} from './rest.js'

export const RPC_V2_PATH = /^\/service\/([A-Za-z0-9_.]+)\/operation\/([A-Za-z0-9_]+)$/

function response(status: number, body: unknown, timestamps: ReadonlySet<string>, extra: Record<string, string> = {}) {
  return {
    status,
    headers: {'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', ...extra},
    body: encodeCbor(body, timestamps),
  }
}

function errorResponse(service: AwsService | undefined, error: ServiceError): RawResponse {
  const extra: Record<string, string> = {}
  if (service?.queryCompatible) extra['x-amzn-query-error'] = `${error.options.queryCode ?? error.code};${error.fault}`
  return response(error.status, {__type: error.code, message: error.message}, new Set(), extra)
}

/** Serve one RPC v2 CBOR call with the service's (JSON-shaped) operation handler. */
export async function handleRpcV2Cbor(
  service: AwsService | undefined,
  operation: string,
  body: Buffer,
  ctx: RequestContext,
): Promise<RawResponse> {
  const timestamps = service?.rpcV2CborTimestamps
  if (!service || !timestamps) {
    return errorResponse(
      service,
      new ServiceError('UnknownOperationException', 'The sandbox serves RPC v2 CBOR only for CloudWatch.'),
    )
  }
  const handler = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined
  if (!handler)
    return errorResponse(service, new ServiceError('UnknownOperationException', `Unknown operation ${operation}.`))
  let input: unknown
  try {
    input = body.length === 0 ? {} : decodeCbor(body)
  } catch (error) {
    if (!(error instanceof CborError)) throw error
    return errorResponse(service, new ServiceError('SerializationException', error.message))
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return errorResponse(service, new ServiceError('SerializationException', 'The request body must be a CBOR map.'))
  }
  try {
    const output = await handler(input as Record<string, unknown>, ctx)
    return response(200, output ?? {}, timestamps)
  } catch (error) {
    if (error instanceof ServiceError) return errorResponse(service, error)
    throw error
  }
}
