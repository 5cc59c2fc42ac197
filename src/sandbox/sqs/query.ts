import {queryParamTree, type QueryTree} from '../protocol/query.js'
import {queryResponse, xmlNode, xmlText} from '../protocol/xml.js'

/** XML namespace of SQS query responses and errors. */
export const SQS_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/'

/** Flattened lists whose JSON member has another name. */
const LIST_NAMES: Readonly<Record<string, string>> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
}
/** Flattened maps: `<Name>.N.Name|Key` + `<Name>.N.Value` → `{[name]: value}`. */
const MAP_NAMES: Readonly<Record<string, string>> = {
  Attribute: 'Attributes',
  MessageAttribute: 'MessageAttributes',
  MessageSystemAttribute: 'MessageSystemAttributes',
  Tag: 'tags',
}

function normalize(node: QueryTree): unknown {
  if (typeof node === 'string') return node
  const keys = Object.keys(node)
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => normalize(node[String(index)] as QueryTree))
  }
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const child = node[key] as QueryTree
    const mapName = MAP_NAMES[key]
    if (mapName) {
      const entries = normalize(child)
      const map: Record<string, unknown> = {}
      for (const entry of Array.isArray(entries) ? entries : []) {
        const pair = entry as Record<string, unknown>
        const name = pair['Name'] ?? pair['Key']
        if (typeof name === 'string') map[name] = pair['Value']
      }
      out[mapName] = map
    } else {
      const value = normalize(child)
      out[LIST_NAMES[key] ?? key] = LIST_NAMES[key] && !Array.isArray(value) ? [value] : value
    }
  }
  return out
}

/**
 * Query parameters → the JSON-shaped input: `Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60`
 * becomes `{Attributes: {VisibilityTimeout: '60'}}`, `AttributeName.1=All` becomes
 * `{AttributeNames: ['All']}`, `SendMessageBatchRequestEntry.N.*` becomes `Entries`
 * (docs/reference/aws-facts.md#wire-protocols).
 */
export function sqsQueryInput(_operation: string, params: URLSearchParams): Record<string, unknown> {
  return normalize(queryParamTree(params)) as Record<string, unknown>
}

interface WireAttribute {
  DataType?: string
  StringValue?: string
  BinaryValue?: string
}

function attributeElements(element: string, attributes: unknown): string {
  if (!attributes || typeof attributes !== 'object') return ''
  return Object.entries(attributes as Record<string, string>)
    .map(([name, value]) => xmlNode(element, xmlText('Name', name) + xmlText('Value', value)))
    .join('')
}

function messageAttributeElements(attributes: unknown): string {
  if (!attributes || typeof attributes !== 'object') return ''
  return Object.entries(attributes as Record<string, WireAttribute>)
    .map(([name, value]) =>
      xmlNode(
        'MessageAttribute',
        xmlText('Name', name) +
          xmlNode(
            'Value',
            xmlText('StringValue', value.StringValue) +
              xmlText('BinaryValue', value.BinaryValue) +
              xmlText('DataType', value.DataType),
          ),
      ),
    )
    .join('')
}

function fields(record: Record<string, unknown>, names: readonly string[]): string {
  return names.map((name) => xmlText(name, record[name] as string | number | boolean | undefined)).join('')
}

function batchResult(entryElement: string, output: Record<string, unknown>, entryFields: readonly string[]): string {
  const successful = (output['Successful'] as Record<string, unknown>[] | undefined) ?? []
  const failed = (output['Failed'] as Record<string, unknown>[] | undefined) ?? []
  return (
    successful.map((entry) => xmlNode(entryElement, fields(entry, entryFields))).join('') +
    failed
      .map((entry) => xmlNode('BatchResultErrorEntry', fields(entry, ['Id', 'SenderFault', 'Code', 'Message'])))
      .join('')
  )
}

/**
 * The JSON-shaped output of an SQS operation as its query-protocol XML document (flattened lists,
 * docs/reference/aws-facts.md#wire-protocols).
 */
export function sqsQueryOutput(operation: string, output: unknown, requestId: string): string {
  const o = (output ?? {}) as Record<string, unknown>
  let result: string | undefined
  switch (operation) {
    case 'CreateQueue':
    case 'GetQueueUrl':
      result = xmlText('QueueUrl', o['QueueUrl'] as string)
      break
    case 'ListQueues':
      result =
        ((o['QueueUrls'] as string[] | undefined) ?? []).map((url) => xmlText('QueueUrl', url)).join('') +
        xmlText('NextToken', o['NextToken'] as string | undefined)
      break
    case 'GetQueueAttributes':
      result = attributeElements('Attribute', o['Attributes'])
      break
    case 'SendMessage':
      result = fields(o, ['MD5OfMessageBody', 'MD5OfMessageAttributes', 'MD5OfMessageSystemAttributes', 'MessageId'])
      break
    case 'SendMessageBatch':
      result = batchResult('SendMessageBatchResultEntry', o, [
        'Id',
        'MessageId',
        'MD5OfMessageBody',
        'MD5OfMessageAttributes',
        'MD5OfMessageSystemAttributes',
      ])
      break
    case 'DeleteMessageBatch':
      result = batchResult('DeleteMessageBatchResultEntry', o, ['Id'])
      break
    case 'ChangeMessageVisibilityBatch':
      result = batchResult('ChangeMessageVisibilityBatchResultEntry', o, ['Id'])
      break
    case 'ReceiveMessage':
      result = ((o['Messages'] as Record<string, unknown>[] | undefined) ?? [])
        .map((message) =>
          xmlNode(
            'Message',
            fields(message, ['MessageId', 'ReceiptHandle', 'MD5OfBody', 'Body']) +
              attributeElements('Attribute', message['Attributes']) +
              xmlText('MD5OfMessageAttributes', message['MD5OfMessageAttributes'] as string | undefined) +
              messageAttributeElements(message['MessageAttributes']),
          ),
        )
        .join('')
      break
    default:
      // DeleteQueue, SetQueueAttributes, PurgeQueue, DeleteMessage, ChangeMessageVisibility: no result element.
      result = undefined
  }
  return queryResponse(operation, SQS_NAMESPACE, result, requestId)
}
