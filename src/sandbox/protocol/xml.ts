/** Minimal XML writing for the query protocol's responses. */

const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}
// eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/** Escape text for an XML element body or attribute value; drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/** `<name>escaped text</name>`; nothing when the value is undefined. */
export function xmlText(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return ''
  return `<${name}>${xmlEscape(String(value))}</${name}>`
}

/** `<name>children</name>` with already-rendered children. */
export function xmlNode(name: string, children: string): string {
  return `<${name}>${children}</${name}>`
}

/** The whole response document of a query operation: `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…`. */
export function queryResponse(
  operation: string,
  namespace: string,
  result: string | undefined,
  requestId: string,
): string {
  const body = result === undefined ? '' : xmlNode(`${operation}Result`, result)
  return (
    `<?xml version="1.0"?><${operation}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata>${xmlText('RequestId', requestId)}</ResponseMetadata></${operation}Response>`
  )
}

/** The query protocol's error document. */
export function queryError(
  namespace: string,
  fault: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${namespace}"><Error>${xmlText('Type', fault)}${xmlText('Code', code)}` +
    `${xmlText('Message', message)}<Detail/></Error>${xmlText('RequestId', requestId)}</ErrorResponse>`
  )
}
