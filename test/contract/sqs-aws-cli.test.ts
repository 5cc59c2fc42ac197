import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {findClis, isolatedCliEnv, startCli, type CliDriver} from '../helpers/aws-cli.js'
import {startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const clis = await findClis()
if (clis.length === 0) {
  console.warn(
    'sqs-aws-cli.test.ts: no AWS CLI found (aws on PATH or /usr/bin/aws); skipping the CLI compatibility tests.',
  )
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

describe.skipIf(clis.length === 0)('SQS with the real AWS CLIs', () => {
  let sandbox: RunningSandbox
  let home: string

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = mkdtempSync(join(tmpdir(), 'sqs-aws-cli-'))
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(home, {recursive: true, force: true})
  })

  describe.each(clis)('$version', (cli) => {
    let driver: CliDriver
    beforeAll(() => {
      driver = startCli(cli, isolatedCliEnv(home))
    })
    afterAll(() => driver?.close())

    /** Run `aws sqs <args>` against the sandbox; resolves with exit code, parsed stdout and stderr. */
    async function sqs(...args: string[]): Promise<{code: number; json: Record<string, unknown>; stderr: string}> {
      const argv = ['--endpoint-url', sandbox.endpoint, '--region', 'us-east-1', 'sqs', ...args]
      const {code, stdout, stderr} = await driver.invoke(argv)
      if (code !== 0) return {code, json: {}, stderr}
      return {code, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr}
    }

    it(
      'create, send, receive (All attributes), delete, attributes, purge, list, errors',
      {timeout: 120_000},
      async () => {
        const name = uniqueName('cli')
        const url = `${sandbox.endpoint}/000000000000/${name}`

        const created = await sqs('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45')
        expect(created).toMatchObject({code: 0, json: {QueueUrl: url}})

        const body = 'hello <&> wörld'
        const sent = await sqs(
          'send-message',
          '--queue-url',
          url,
          '--message-body',
          body,
          '--message-attributes',
          JSON.stringify({
            ERROR_CODE: {DataType: 'String', StringValue: 'X'},
            N: {DataType: 'Number', StringValue: '3'},
          }),
        )
        expect(sent.code, sent.stderr).toBe(0)
        expect(sent.json['MD5OfMessageBody']).toBe(md5(body))

        const received = await sqs(
          'receive-message',
          '--queue-url',
          url,
          '--message-attribute-names',
          'All',
          '--attribute-names',
          'All',
        )
        expect(received.code, received.stderr).toBe(0)
        const messages = received.json['Messages'] as Record<string, unknown>[]
        expect(messages).toHaveLength(1)
        expect(messages[0]).toMatchObject({
          MessageId: sent.json['MessageId'],
          Body: body,
          MD5OfBody: md5(body),
          MD5OfMessageAttributes: sent.json['MD5OfMessageAttributes'],
          Attributes: {ApproximateReceiveCount: '1', SenderId: 'test'},
          MessageAttributes: {
            ERROR_CODE: {DataType: 'String', StringValue: 'X'},
            N: {DataType: 'Number', StringValue: '3'},
          },
        })

        const deleted = await sqs(
          'delete-message',
          '--queue-url',
          url,
          '--receipt-handle',
          String(messages[0]?.['ReceiptHandle']),
        )
        expect(deleted.code, deleted.stderr).toBe(0)

        const attributes = await sqs('get-queue-attributes', '--queue-url', url, '--attribute-names', 'All')
        expect(attributes.json['Attributes']).toMatchObject({
          VisibilityTimeout: '45',
          ApproximateNumberOfMessages: '0',
          ApproximateNumberOfMessagesNotVisible: '0',
          QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
        })

        expect((await sqs('purge-queue', '--queue-url', url)).code).toBe(0)
        const again = await sqs('purge-queue', '--queue-url', url)
        expect(again.code).not.toBe(0)
        expect(again.stderr).toContain('(AWS.SimpleQueueService.PurgeQueueInProgress)')

        const listed = await sqs('list-queues', '--queue-name-prefix', name)
        expect(listed.json).toEqual({QueueUrls: [url]})

        const missing = await sqs('get-queue-url', '--queue-name', uniqueName('missing'))
        expect(missing.code).not.toBe(0)
        expect(missing.stderr).toContain('(AWS.SimpleQueueService.NonExistentQueue)')
        expect(missing.stderr).toContain('The specified queue does not exist.')

        const empty = await sqs('receive-message', '--queue-url', url)
        expect(empty).toMatchObject({code: 0, json: {}})

        expect((await sqs('delete-queue', '--queue-url', url)).code).toBe(0)
      },
    )

    it('batch send and delete report successes and failures', {timeout: 120_000}, async () => {
      const name = uniqueName('clib')
      const {json} = await sqs('create-queue', '--queue-name', name)
      const url = String(json['QueueUrl'])
      const sent = await sqs(
        'send-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          {Id: 'a', MessageBody: 'one'},
          {Id: 'b', MessageBody: 'two', DelaySeconds: 901},
        ]),
      )
      expect(sent.code, sent.stderr).toBe(0)
      expect((sent.json['Successful'] as {Id: string}[]).map((entry) => entry.Id)).toEqual(['a'])
      expect(sent.json['Failed']).toEqual([
        expect.objectContaining({Id: 'b', SenderFault: true, Code: 'InvalidParameterValue'}),
      ])

      const received = await sqs('receive-message', '--queue-url', url, '--max-number-of-messages', '10')
      const handle = (received.json['Messages'] as {ReceiptHandle: string}[])[0]?.ReceiptHandle ?? ''
      const deleted = await sqs(
        'delete-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          {Id: 'ok', ReceiptHandle: handle},
          {Id: 'bad', ReceiptHandle: 'nope'},
        ]),
      )
      expect(deleted.json['Successful']).toEqual([{Id: 'ok'}])
      expect(deleted.json['Failed']).toEqual([expect.objectContaining({Id: 'bad', Code: 'ReceiptHandleIsInvalid'})])
    })

    it('AWSTraceHeader round-trips and batch errors carry AWS texts', {timeout: 120_000}, async () => {
      const name = uniqueName('clit')
      const {json} = await sqs('create-queue', '--queue-name', name)
      const url = String(json['QueueUrl'])
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'
      const sent = await sqs(
        'send-message',
        '--queue-url',
        url,
        '--message-body',
        'traced',
        '--message-system-attributes',
        JSON.stringify({AWSTraceHeader: {DataType: 'String', StringValue: trace}}),
      )
      expect(sent.code, sent.stderr).toBe(0)
      expect(sent.json['MD5OfMessageSystemAttributes']).toMatch(/^[0-9a-f]{32}$/)
      const received = await sqs(
        'receive-message',
        '--queue-url',
        url,
        // AttributeNames (deprecated, but the only form CLI 2.9 knows) asks for system attributes too.
        '--attribute-names',
        'AWSTraceHeader',
      )
      expect(received.code, received.stderr).toBe(0)
      expect((received.json['Messages'] as {Attributes?: unknown}[])[0]?.Attributes).toEqual({AWSTraceHeader: trace})

      // 1.2 MB does not fit in one argv string (Linux caps each at 128 KiB): pass the entries as a file.
      const entries = join(home, 'entries.json')
      writeFileSync(
        entries,
        JSON.stringify([
          {Id: 'a', MessageBody: 'x'.repeat(600_000)},
          {Id: 'b', MessageBody: 'y'.repeat(600_000)},
        ]),
      )
      const tooLong = await sqs('send-message-batch', '--queue-url', url, '--entries', `file://${entries}`)
      expect(tooLong.code).not.toBe(0)
      expect(tooLong.stderr).toContain('(AWS.SimpleQueueService.BatchRequestTooLong)')
      expect(tooLong.stderr).toContain(
        'Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.',
      )
    })
  })
})
