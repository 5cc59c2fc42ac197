import {createHash} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')
/** Poll a condition every few milliseconds, failing after 5 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const NS = 'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"'

describe('SQS query protocol (form POST, XML responses, as the AWS CLI v2.9 sends)', () => {
  let sandbox: RunningSandbox

  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => sandbox.close())

  /** POST a form to `path` and return status + body text. */
  async function call(params: Record<string, string>, path = '/'): Promise<{status: number; text: string}> {
    const res = await fetch(`${sandbox.endpoint}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDQUERY/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({Version: '2012-11-05', ...params}).toString(),
    })
    return {status: res.status, text: await res.text()}
  }

  const tag = (text: string, name: string): string[] =>
    [...text.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((match) => match[1] ?? '')

  async function createQueue(extra: Record<string, string> = {}): Promise<{name: string; url: string}> {
    const name = uniqueName('xq')
    const {status, text} = await call({Action: 'CreateQueue', QueueName: name, ...extra})
    expect(status, text).toBe(200)
    return {name, url: tag(text, 'QueueUrl')[0] ?? ''}
  }

  it('CreateQueue takes flattened Attribute.N and answers with the namespaced XML document', async () => {
    const name = uniqueName('xq')
    const {status, text} = await call({
      Action: 'CreateQueue',
      QueueName: name,
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '60',
      'Attribute.2.Name': 'DelaySeconds',
      'Attribute.2.Value': '2',
    })
    expect(status).toBe(200)
    expect(text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0"\\?><CreateQueueResponse ${NS}><CreateQueueResult><QueueUrl>${sandbox.endpoint}/000000000000/${name}</QueueUrl></CreateQueueResult><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></CreateQueueResponse>$`,
      ),
    )
    const attributes = await call({
      Action: 'GetQueueAttributes',
      QueueUrl: `${sandbox.endpoint}/000000000000/${name}`,
      'AttributeName.1': 'VisibilityTimeout',
      'AttributeName.2': 'DelaySeconds',
    })
    expect(attributes.text).toContain(
      '<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout</Name><Value>60</Value></Attribute>' +
        '<Attribute><Name>DelaySeconds</Name><Value>2</Value></Attribute></GetQueueAttributesResult>',
    )
  })

  it('SendMessage with MessageAttribute.N and ReceiveMessage render flattened Message/Attribute/MessageAttribute', async () => {
    const {url} = await createQueue()
    const body = '{"a":"<b> & c"}'
    const sent = await call({
      Action: 'SendMessage',
      QueueUrl: url,
      MessageBody: body,
      'MessageAttribute.1.Name': 'ERROR_CODE',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'SDK_CLIENT_ERROR',
      'MessageAttribute.2.Name': 'bin',
      'MessageAttribute.2.Value.DataType': 'Binary',
      'MessageAttribute.2.Value.BinaryValue': Buffer.from([9, 8, 7]).toString('base64'),
    })
    expect(sent.status).toBe(200)
    expect(tag(sent.text, 'MD5OfMessageBody')).toEqual([md5(body)])
    const messageId = tag(sent.text, 'MessageId')[0]
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/)

    const received = await call({
      Action: 'ReceiveMessage',
      QueueUrl: url,
      MaxNumberOfMessages: '10',
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
    })
    expect(received.status).toBe(200)
    expect(tag(received.text, 'Message')).toHaveLength(1)
    expect(tag(received.text, 'MessageId')).toEqual([messageId])
    expect(tag(received.text, 'Body')).toEqual(['{&quot;a&quot;:&quot;&lt;b&gt; &amp; c&quot;}'])
    expect(tag(received.text, 'MD5OfBody')).toEqual([md5(body)])
    expect(tag(received.text, 'MD5OfMessageAttributes')).toEqual(tag(sent.text, 'MD5OfMessageAttributes'))
    expect(received.text).toContain('<Attribute><Name>SenderId</Name><Value>AKIDQUERY</Value></Attribute>')
    expect(received.text).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>')
    expect(received.text).toContain(
      '<MessageAttribute><Name>ERROR_CODE</Name><Value><StringValue>SDK_CLIENT_ERROR</StringValue><DataType>String</DataType></Value></MessageAttribute>',
    )
    expect(received.text).toContain(
      `<MessageAttribute><Name>bin</Name><Value><BinaryValue>${Buffer.from([9, 8, 7]).toString('base64')}</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>`,
    )

    const handle = tag(received.text, 'ReceiptHandle')[0] ?? ''
    const deleted = await call({Action: 'DeleteMessage', QueueUrl: url, ReceiptHandle: handle})
    expect(deleted.text).toMatch(
      new RegExp(`^<\\?xml version="1.0"\\?><DeleteMessageResponse ${NS}><ResponseMetadata>`),
    )
  })

  it('an empty ReceiveMessage has an empty result element', async () => {
    const {url} = await createQueue()
    const {text} = await call({Action: 'ReceiveMessage', QueueUrl: url})
    expect(text).toContain('<ReceiveMessageResult></ReceiveMessageResult>')
  })

  it('accepts the queue URL as the request path instead of a QueueUrl parameter', async () => {
    const {name} = await createQueue()
    const sent = await call({Action: 'SendMessage', MessageBody: 'via path'}, `/000000000000/${name}`)
    expect(sent.status, sent.text).toBe(200)
    const received = await call({Action: 'ReceiveMessage'}, `/000000000000/${name}`)
    expect(tag(received.text, 'Body')).toEqual(['via path'])
  })

  it('batch operations take *BatchRequestEntry.N and answer with result and error entries', async () => {
    const {url} = await createQueue()
    const sent = await call({
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'one',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.2.Id': 'two',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Name': 'k',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue': 'v',
      'SendMessageBatchRequestEntry.3.Id': 'three',
      'SendMessageBatchRequestEntry.3.MessageBody': 'third',
      'SendMessageBatchRequestEntry.3.DelaySeconds': '901',
    })
    expect(sent.status).toBe(200)
    expect(tag(sent.text, 'SendMessageBatchResultEntry')).toHaveLength(2)
    expect(tag(sent.text, 'MD5OfMessageBody')).toEqual([md5('first'), md5('second')])
    expect(tag(sent.text, 'MD5OfMessageAttributes')).toHaveLength(1)
    expect(tag(sent.text, 'BatchResultErrorEntry')).toEqual([
      expect.stringMatching(
        /^<Id>three<\/Id><SenderFault>true<\/SenderFault><Code>InvalidParameterValue<\/Code><Message>/,
      ),
    ])

    const received = await call({Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: '10'})
    const handles = tag(received.text, 'ReceiptHandle')
    expect(handles).toHaveLength(2)
    const changed = await call({
      Action: 'ChangeMessageVisibilityBatch',
      QueueUrl: url,
      'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'c1',
      'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': handles[0] ?? '',
      'ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout': '100',
    })
    expect(changed.text).toContain(
      '<ChangeMessageVisibilityBatchResult><ChangeMessageVisibilityBatchResultEntry><Id>c1</Id></ChangeMessageVisibilityBatchResultEntry></ChangeMessageVisibilityBatchResult>',
    )
    const deleted = await call({
      Action: 'DeleteMessageBatch',
      QueueUrl: url,
      'DeleteMessageBatchRequestEntry.1.Id': 'd1',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handles[0] ?? '',
      'DeleteMessageBatchRequestEntry.2.Id': 'd2',
      'DeleteMessageBatchRequestEntry.2.ReceiptHandle': 'bogus',
    })
    expect(deleted.text).toContain('<DeleteMessageBatchResultEntry><Id>d1</Id></DeleteMessageBatchResultEntry>')
    expect(deleted.text).toContain('<Id>d2</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code>')
  })

  it('ListQueues repeats QueueUrl elements and pages with NextToken', async () => {
    const prefix = uniqueName('xl')
    for (const suffix of ['a', 'b', 'c']) await call({Action: 'CreateQueue', QueueName: `${prefix}-${suffix}`})
    const page = await call({Action: 'ListQueues', QueueNamePrefix: prefix, MaxResults: '2'})
    expect(tag(page.text, 'QueueUrl')).toEqual([
      `${sandbox.endpoint}/000000000000/${prefix}-a`,
      `${sandbox.endpoint}/000000000000/${prefix}-b`,
    ])
    const token = tag(page.text, 'NextToken')[0] ?? ''
    const next = await call({Action: 'ListQueues', QueueNamePrefix: prefix, MaxResults: '2', NextToken: token})
    expect(tag(next.text, 'QueueUrl')).toEqual([`${sandbox.endpoint}/000000000000/${prefix}-c`])
    expect(tag(next.text, 'NextToken')).toEqual([])
  })

  it('errors are XML with the legacy query codes', async () => {
    const missing = await call({Action: 'GetQueueUrl', QueueName: uniqueName('none')})
    expect(missing.status).toBe(400)
    expect(missing.text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0"\\?><ErrorResponse ${NS}><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message><Detail/></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`,
      ),
    )
    const {name, url} = await createQueue()
    const exists = await call({
      Action: 'CreateQueue',
      QueueName: name,
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '99',
    })
    expect(tag(exists.text, 'Code')).toEqual(['QueueAlreadyExists'])
    const invalid = await call({Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: 'eleven'})
    expect(tag(invalid.text, 'Code')).toEqual(['InvalidParameterValue'])
    const noParam = await call({Action: 'SendMessage', QueueUrl: url})
    expect(tag(noParam.text, 'Code')).toEqual(['MissingParameter'])
    await call({Action: 'PurgeQueue', QueueUrl: url})
    const purge = await call({Action: 'PurgeQueue', QueueUrl: url})
    expect(purge.status).toBe(403)
    expect(tag(purge.text, 'Code')).toEqual(['AWS.SimpleQueueService.PurgeQueueInProgress'])
    const handle = await call({
      Action: 'ChangeMessageVisibility',
      QueueUrl: url,
      ReceiptHandle: 'x',
      VisibilityTimeout: '0',
    })
    expect(handle.status).toBe(404)
    expect(tag(handle.text, 'Code')).toEqual(['ReceiptHandleIsInvalid'])
    const unknown = await call({Action: 'TagQueueNope', QueueUrl: url})
    expect(tag(unknown.text, 'Code')).toEqual(['InvalidAction'])
  })

  it('MessageSystemAttribute.N.AWSTraceHeader comes back as an Attribute and in MD5OfMessageSystemAttributes', async () => {
    const {url} = await createQueue()
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'
    const sent = await call({
      Action: 'SendMessage',
      QueueUrl: url,
      MessageBody: 'traced',
      'MessageSystemAttribute.1.Name': 'AWSTraceHeader',
      'MessageSystemAttribute.1.Value.DataType': 'String',
      'MessageSystemAttribute.1.Value.StringValue': trace,
    })
    expect(sent.status, sent.text).toBe(200)
    const length = (text: string): Buffer => {
      const out = Buffer.alloc(4)
      out.writeUInt32BE(Buffer.byteLength(text))
      return Buffer.concat([out, Buffer.from(text)])
    }
    const expected = createHash('md5')
      .update(Buffer.concat([length('AWSTraceHeader'), length('String'), Buffer.from([1]), length(trace)]))
      .digest('hex')
    expect(sent.text).toContain(
      `<MD5OfMessageBody>${md5('traced')}</MD5OfMessageBody><MD5OfMessageSystemAttributes>${expected}</MD5OfMessageSystemAttributes><MessageId>`,
    )
    const batch = await call({
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'b1',
      'SendMessageBatchRequestEntry.1.MessageBody': 'batched',
      'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Name': 'AWSTraceHeader',
      'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.StringValue': trace,
    })
    expect(tag(batch.text, 'MD5OfMessageSystemAttributes')).toEqual([expected])
    const received = await call({
      Action: 'ReceiveMessage',
      QueueUrl: url,
      MaxNumberOfMessages: '10',
      'MessageSystemAttributeName.1': 'AWSTraceHeader',
    })
    expect(tag(received.text, 'Message')).toHaveLength(2)
    expect(tag(received.text, 'Attribute')).toEqual([
      `<Name>AWSTraceHeader</Name><Value>${trace}</Value>`,
      `<Name>AWSTraceHeader</Name><Value>${trace}</Value>`,
    ])
  })

  it('batch and receipt-handle errors carry AWS texts in XML', async () => {
    const {url} = await createQueue()
    const tooLong = await call({
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'x'.repeat(1_048_577),
    })
    expect(tooLong.status).toBe(400)
    expect(tag(tooLong.text, 'Code')).toEqual(['AWS.SimpleQueueService.BatchRequestTooLong'])
    expect(tag(tooLong.text, 'Message')).toEqual([
      'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
    ])
    const handle = await call({Action: 'DeleteMessage', QueueUrl: url, ReceiptHandle: 'bogus'})
    expect(tag(handle.text, 'Message')).toEqual([
      'The input receipt handle &quot;bogus&quot; is not a valid receipt handle.',
    ])
    const attribute = await call({
      Action: 'SendMessage',
      QueueUrl: url,
      MessageBody: 'x',
      'MessageAttribute.1.Name': 'k',
      'MessageAttribute.1.Value.DataType': 'Weird',
      'MessageAttribute.1.Value.StringValue': '1',
    })
    expect(tag(attribute.text, 'Code')).toEqual(['InvalidParameterValue'])
    expect(tag(attribute.text, 'Message')).toEqual([
      'The message attribute &apos;k&apos; has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.',
    ])
    // A form cannot carry an empty entry list, so the empty batch goes over JSON with the query-error header.
    const json = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch'},
      body: JSON.stringify({QueueUrl: url, Entries: []}),
    })
    expect(json.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.EmptyBatchRequest;Sender')
    expect(((await json.json()) as {message: string}).message).toBe(
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    )
  })

  it('JSON errors carry x-amzn-query-error with the legacy code', async () => {
    const res = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl'},
      body: JSON.stringify({QueueName: uniqueName('none')}),
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender')
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    })
    const typed = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage'},
      body: JSON.stringify({QueueUrl: 42}),
    })
    expect(typed.status).toBe(400)
    expect(typed.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender')
  })

  it('a long poll ends when the client disconnects', async () => {
    const {name, url} = await createQueue()
    const controller = new AbortController()
    const polling = fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage'},
      body: JSON.stringify({QueueUrl: url, WaitTimeSeconds: 20}),
      signal: controller.signal,
    }).catch((error: unknown) => error)
    const queue = sandbox.state.region('us-east-1').sqs.get(name)
    await waitFor(() => queue?.waiting === 1)
    controller.abort()
    expect(await polling).toBeInstanceOf(Error)
    await waitFor(() => queue?.waiting === 0)
    // The abandoned poll must not swallow the next message.
    await call({Action: 'SendMessage', QueueUrl: url, MessageBody: 'kept'})
    const received = await call({Action: 'ReceiveMessage', QueueUrl: url})
    expect(tag(received.text, 'Body')).toEqual(['kept'])
  })
})
