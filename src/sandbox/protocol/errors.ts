/**
 * A failure a sandbox operation reports to its caller. Each protocol adapter renders it in its own
 * wire shape: `{__type, message}` for the JSON protocols, `<ErrorResponse>` XML for query.
 */
export class ServiceError extends Error {
  /**
   * @param code the AWS error code (`ResourceNotFoundException`, `QueueDoesNotExist`, …)
   * @param message the AWS-style message
   * @param status the HTTP status (400 unless the service models another)
   * @param options `fault`: `Sender` (client's fault, default) or `Receiver`;
   *   `queryCode`: the legacy code the query protocol (and SQS's `x-amzn-query-error`) uses
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly options: {fault?: 'Sender' | 'Receiver'; queryCode?: string} = {},
  ) {
    super(message)
    this.name = code
  }

  get fault(): 'Sender' | 'Receiver' {
    return this.options.fault ?? (this.status >= 500 ? 'Receiver' : 'Sender')
  }
}

/** The generic validation error of the JSON services. */
export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message)
}
