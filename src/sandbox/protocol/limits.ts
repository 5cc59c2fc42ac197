/**
 * How many request-body bytes the sandbox reads for each kind of request, before it answers 413.
 *
 * Each limit is the worst-case wire size of the largest request AWS (or Momento) accepts, so no
 * request the real service takes is refused here: the payload limit times the encoding's growth,
 * plus an envelope allowance. AWS does not document its HTTP request-body limits; where it is
 * unknown we assume the worst case for the client (the largest legal payload, fully escaped).
 *
 * - JSON escaping at most doubles the bytes of text a client sends as a JSON string (`"` → `\"`);
 *   control characters grow 6× (`\u0001`) but AWS payloads may not hold them, except Secrets
 *   Manager's SecretString, which may hold anything.
 * - Form encoding (the query protocol: SQS query, CloudFormation, STS) grows each byte at most 3×
 *   (`%XX`).
 */

const KiB = 1024
const MiB = 1024 * KiB

/** Field names, ids, attributes and other small parts of a request around its big payload. */
const ENVELOPE = 64 * KiB

/**
 * SQS: message and whole batch at most 1 MiB (docs/reference/aws-facts.md#sqs-dlq-operations;
 * sqs/operations/message-input.ts).
 */
const SQS_PAYLOAD = MiB
/**
 * CloudFormation `TemplateBody` ≤ 51,200 bytes (docs/reference/aws-facts.md#cfn-deploy;
 * cloudformation/template.ts MAX_TEMPLATE_BYTES).
 */
const CFN_TEMPLATE = 51_200
/**
 * The rest of a CloudFormation request's legal content: 200 parameters of ≤ 4,096-byte values
 * with their names, a 16 KiB stack policy, 50 tags (AWS CloudFormation quotas). Together with the
 * template, ~0.94 MB before encoding.
 */
const CFN_OTHER = 200 * (4096 + 255) + 16 * KiB + 50 * (128 + 256)
/** Secrets Manager: SecretString/SecretBinary ≤ 65,536 bytes; a resource policy ≤ 20,480. */
const SECRET_PAYLOAD = 64 * KiB
/** Momento topic messages are 4 KiB (momento/api/topic-publish.ts MAX_TOPIC_MESSAGE_BYTES); room for the route's own 400. */
const TOPIC_BODY = 64 * KiB
/** Inspection routes take small JSON documents (a fault rule, a cache name). */
const INSPECTION_BODY = 64 * KiB

/** Largest body of a request to each AWS service, by SigV4 signing name (JSON or query protocol). */
export function awsBodyLimit(signingName: string | undefined, maxPutEventsBytes: number): number {
  switch (signingName) {
    case 'events':
      // PutEvents: the entries' payload (Detail, a JSON document inside a JSON string) at most doubles.
      return 2 * maxPutEventsBytes + ENVELOPE
    case 'sqs':
      // The query protocol's 3× also covers SQS JSON's 2×.
      return 3 * SQS_PAYLOAD + ENVELOPE
    case 'cloudformation':
      return 3 * (CFN_TEMPLATE + CFN_OTHER) + ENVELOPE
    case 'secretsmanager':
      // A SecretString of control characters is 6× as JSON; a resource policy is far smaller.
      return 6 * SECRET_PAYLOAD + ENVELOPE
    case 'sts':
      // AssumeRole's session policy (2,048 bytes) and tags: small.
      return ENVELOPE
    default:
      // Not signed (or an unknown name): the largest limit above, the service is found later.
      return Math.max(3 * SQS_PAYLOAD, 3 * (CFN_TEMPLATE + CFN_OTHER), 2 * maxPutEventsBytes) + ENVELOPE
  }
}

/** Largest body of a Momento HTTP API request: the item limit for `/cache`, topic messages for `/topics`. */
export function momentoBodyLimit(pathname: string, maxItemBytes: number): number {
  return pathname.startsWith('/topics') ? TOPIC_BODY : maxItemBytes
}

/** Largest body of an inspection (`/_sandbox/…`) request. */
export const INSPECTION_BODY_LIMIT = INSPECTION_BODY
