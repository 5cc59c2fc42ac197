/**
 * A catalogue of bad input across every command: each exits with its documented code, names the
 * problem and a fix, prints no stack trace, and sends or deletes nothing.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, ROOT, runCli, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, type Integration} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

interface Case {
  name: string
  args: (ctx: {dlqUrl: string; home: string; endpoint: string}) => string[]
  code: number
  message: RegExp
}

const GOOD = JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'fine'}})

/** `put --file` of a file written with these contents. */
function fileArgs(home: string, name: string, contents: string | Buffer): string[] {
  const file = join(home, name)
  writeFileSync(file, contents)
  return ['put', '--sandbox', '--file', file]
}

const CASES: Case[] = [
  {name: 'unknown command', args: () => ['pub'], code: 2, message: /isn't a momento-eb command|Did you mean/},
  {name: 'unknown flag', args: () => ['whoami', '--sandbox', '--bogus'], code: 2, message: /bogus/},
  {name: 'flag without its value', args: () => ['put', 'cacheSet', '--sandbox', '--cache'], code: 2, message: /cache/},
  {
    name: 'put: non-numeric ttl',
    args: () => ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'k', '--ttl', 'soon', '--message', 'm'],
    code: 2,
    message: /isn't a number/,
  },
  {
    name: 'put: key_base64 not base64',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key-base64', '!!'],
    code: 2,
    message: /isn't valid base64/,
  },
  {
    name: 'put --file: missing file',
    args: ({home}) => ['put', '--sandbox', '--file', join(home, 'nope.ndjson')],
    code: 2,
    message: /Can't read/,
  },
  {
    name: 'put --file: all lines invalid',
    args: ({home}) => {
      const file = join(home, 'bad.ndjson')
      writeFileSync(file, '{"detailType":"cacheSet","detail":{"cacheName":"orders"}}\n')
      return ['put', '--sandbox', '--file', file]
    },
    code: 2,
    message: /line 1/,
  },
  {
    name: 'put: --message-file /dev/zero (read stops at the largest valid message)',
    args: () => [
      'put',
      'cacheSet',
      '--sandbox',
      '--cache',
      'orders',
      '--key',
      'k',
      '--ttl',
      '60',
      '--message-file',
      '/dev/zero',
    ],
    code: 2,
    message: /larger than 262,144 bytes, the PutEvents entry limit/,
  },
  {
    name: 'put: a 100,000-character key',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k'.repeat(100_000)],
    code: 2,
    message: /100,000 bytes; momento-eb accepts keys of at most 4,096 bytes/,
  },
  {
    name: 'put: a source only AWS may use',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k', '--source', 'aws.s3'],
    code: 2,
    message: /starts with "aws\."/,
  },
  {
    name: 'put --file: invalid UTF-8 (line and byte offset named, not replaced)',
    args: ({home}) =>
      fileArgs(
        home,
        'latin1.ndjson',
        Buffer.concat([
          Buffer.from(`${GOOD}\n{"detailType":"cacheDelete","detail":{"cacheName":"orders","key":"caf`),
          Buffer.from([0xe9]),
          Buffer.from('"}}\n'),
        ]),
      ),
    code: 2,
    message: new RegExp(`line 2: The line isn't UTF-8 text: byte offset ${GOOD.length + 1 + 69}`),
  },
  {
    name: 'put --file: an unpaired surrogate in a key',
    args: ({home}) =>
      fileArgs(
        home,
        'surrogate.ndjson',
        `${GOOD}\n{"detailType":"cacheDelete","detail":{"cacheName":"orders","key":"\\ud800"}}\n`,
      ),
    code: 2,
    message: /line 2: The key has an unpaired UTF-16 surrogate/,
  },
  {
    name: 'put --file: a duplicate detailType (would turn a cacheSet into a cacheDelete)',
    args: ({home}) =>
      fileArgs(
        home,
        'duplicate.ndjson',
        '{"detailType":"cacheSet","detail":{"cacheName":"orders","key":"k","message":"m","ttl":60},"detailType":"cacheDelete"}\n',
      ),
    code: 2,
    message: /line 1: "detailType" appears twice/,
  },
  {
    name: 'put --file: a bad Source after good lines (checked before anything is sent)',
    args: ({home}) =>
      fileArgs(
        home,
        'source.ndjson',
        `${GOOD}\n${GOOD}\n${JSON.stringify({DetailType: 'cacheDelete', Source: 'aws.events', Detail: {cacheName: 'orders', key: 'k'}})}\n`,
      ),
    code: 2,
    message: /line 3: Source "aws\.events" starts with "aws\."/,
  },
  {
    name: 'put --file: a 100,000-character key',
    args: ({home}) =>
      fileArgs(
        home,
        'long-key.ndjson',
        `${JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'k'.repeat(100_000)}})}\n`,
      ),
    code: 2,
    message: /line 1: The key is 100,000 bytes; momento-eb accepts keys of at most 4,096 bytes/,
  },
  {
    name: 'put --file /dev/zero (one endless line: read stops at the line limit)',
    args: () => ['put', '--sandbox', '--file', '/dev/zero'],
    code: 2,
    message: /line 1 \(at byte offset 0\) is longer than 1,638,400 bytes/,
  },
  {
    name: 'put --file --resume with no progress recorded',
    args: ({home}) => [...fileArgs(home, 'never-sent.ndjson', `${GOOD}\n`), '--resume'],
    code: 2,
    message: /No progress is recorded/,
  },
  {
    name: 'put --file - --resume (stdin cannot be read again)',
    args: () => ['put', '--sandbox', '--file', '-', '--resume'],
    code: 2,
    message: /--resume can't be used with stdin/,
  },
  {
    name: 'put: a bus that does not exist',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k', '--bus', 'nope'],
    code: 1,
    message: /doesn't exist/,
  },
  {name: 'config: unknown key', args: () => ['config', 'set', 'colour', 'blue'], code: 2, message: /colour/},
  {name: 'config: invalid region', args: () => ['config', 'set', 'region', 'mars'], code: 2, message: /region/i},
  {name: 'template: unknown format', args: () => ['template', '--format', 'xml'], code: 2, message: /format/},
  {name: 'sandbox: port out of range', args: () => ['sandbox', '--port', '99999'], code: 2, message: /port/i},
  {
    name: 'sandbox: bad fault spec',
    args: () => ['sandbox', '--port', '0', '--fault', 'boom'],
    code: 2,
    message: /fault/i,
  },
  {
    name: 'sandbox: unknown failure detail',
    args: () => ['sandbox', '--port', '0', '--failure-detail', 'verbose'],
    code: 2,
    message: /opaque, detailed/,
  },
  {
    name: 'deploy: endpoint that is not a URL',
    args: () => ['deploy', '--sandbox', '--momento-endpoint', 'ftp:/x'],
    code: 2,
    message: /URL/,
  },
  {
    name: 'deploy: region with no Momento cell and no endpoint',
    args: ({endpoint}) => ['deploy', '--endpoint-url', endpoint, '--region', 'sa-east-1', '--stack', 'bad-region'],
    code: 2,
    message: /sa-east-1/,
  },
  {name: 'status: unknown stack', args: () => ['status', '--sandbox', '--stack', 'nope'], code: 1, message: /nope/},
  {name: 'destroy: unknown stack', args: () => ['destroy', '--sandbox', '--stack', 'nope'], code: 1, message: /nope/},
  {
    name: 'dlq list: unknown stack',
    args: () => ['dlq', 'list', '--sandbox', '--stack', 'nope'],
    code: 1,
    message: /nope/,
  },
  {
    name: 'dlq list: queue that does not exist',
    args: () => ['dlq', 'list', '--sandbox', '--queue-url', 'http://127.0.0.1:1/000000000000/missing'],
    code: 1,
    message: /missing|exist/,
  },
  {
    name: 'dlq list: bad --since',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--since', 'yesterday'],
    code: 2,
    message: /since/,
  },
  {
    name: 'dlq list: unknown reason',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--reason', 'gremlins'],
    code: 2,
    message: /gremlins/,
  },
  {
    name: 'dlq redrive: no selection',
    args: ({dlqUrl}) => ['dlq', 'redrive', '--sandbox', '--queue-url', dlqUrl],
    code: 2,
    message: /--all|--id/,
  },
  {
    name: 'dlq redrive: --edit without a terminal',
    args: ({dlqUrl}) => ['dlq', 'redrive', '--sandbox', '--queue-url', dlqUrl, '--all', '--edit'],
    code: 2,
    message: /--yes|terminal/,
  },
  {
    name: 'dlq purge: no --yes without a terminal',
    args: ({dlqUrl}) => ['dlq', 'purge', '--sandbox', '--queue-url', dlqUrl],
    code: 2,
    message: /--yes/,
  },
  {
    name: 'dlq export: directory that does not exist',
    args: ({dlqUrl, home}) => [
      'dlq',
      'export',
      '--sandbox',
      '--queue-url',
      dlqUrl,
      '--file',
      join(home, 'no', 'x.ndjson'),
    ],
    code: 2,
    message: /x\.ndjson|directory|Can't/,
  },
  {
    name: 'endpoint unreachable',
    args: () => [
      'dlq',
      'list',
      '--endpoint-url',
      'http://127.0.0.1:9',
      '--region',
      'us-east-1',
      '--queue-url',
      'http://127.0.0.1:9/0/q',
    ],
    code: 5,
    message: /127\.0\.0\.1:9/,
  },
]

describe('bad input across every command', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let integration: Integration
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    integration = await deployIntegrationWithSdk(sandbox)
    // One message in the DLQ, to prove nothing deletes it.
    const sqs = new SQSClient(clientConfig(sandbox))
    await sqs.send(new SendMessageCommand({QueueUrl: integration.dlqUrl, MessageBody: '{"not":"an event"}'}))
    sqs.destroy()
    home = tempHome()
    env = cleanEnv(home.home, {
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      XDG_CONFIG_HOME: join(home.home, 'config'),
      MOMENTO_EB_STATE_DIR: join(home.home, 'state'),
      MOMENTO_API_KEY: 'not-a-real-key-0000',
    })
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it.each(CASES)('$name', async ({args, code, message}) => {
    const result = await runCli(args({dlqUrl: integration.dlqUrl, home: home.home, endpoint: sandbox.endpoint}), {
      env,
      timeoutMs: 30_000,
    })
    expect(result.code, show(result)).toBe(code)
    expect(result.stderr, show(result)).toMatch(message)
    // A fix to try, and no stack trace.
    expect(result.stderr, show(result)).toMatch(/Try:|Did you mean/)
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
    expect(result.stdout).toBe('')
  })

  // Unbounded input: refused quickly, in bounded memory (peak RSS from /usr/bin/time), never as an internal error.
  it.each([
    [
      '1 GiB piped to put cacheSet',
      'head -c 1073741824 /dev/zero | /usr/bin/time -f "RSS %M" node bin/run.js put cacheSet --sandbox --cache orders --key k --ttl 60',
      /The message on stdin is larger than 262,144 bytes/,
    ],
    [
      '1 GiB piped to put topicPublish',
      'head -c 1073741824 /dev/zero | /usr/bin/time -f "RSS %M" node bin/run.js put topicPublish --sandbox --cache orders --topic t',
      /The message on stdin is larger than 4,096 bytes, Momento's topic message limit/,
    ],
    [
      '--message-file /dev/zero',
      '/usr/bin/time -f "RSS %M" node bin/run.js put cacheSet --sandbox --cache orders --key k --ttl 60 --message-file /dev/zero',
      /The message file \/dev\/zero is larger than 262,144 bytes/,
    ],
    [
      'put --file - with an endless line on stdin',
      'head -c 1073741824 /dev/zero | /usr/bin/time -f "RSS %M" node bin/run.js put --sandbox --file -',
      /stdin: line 1 \(at byte offset 0\) is longer than/,
    ],
  ])('%s: exit 2 at once, bounded memory', async (_name, command, message) => {
    const started = Date.now()
    const result = await runCli(['-c', command], {env, timeoutMs: 30_000, bin: '/bin/bash', cwd: ROOT})
    const seconds = (Date.now() - started) / 1000
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr, show(result)).toMatch(message)
    expect(result.stderr).toMatch(/Try:/)
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
    const rssMiB = Number(/RSS (\d+)/.exec(result.stderr)?.[1]) / 1024
    expect(rssMiB, show(result)).toBeLessThan(250)
    expect(seconds).toBeLessThan(15)
  })

  it('sent and deleted nothing', async () => {
    const {counters} = await inspect<{counters: {matchedEvents: number}}>(sandbox, '/_sandbox/deliveries?limit=0')
    expect(counters.matchedEvents).toBe(0)
    const sqs = new SQSClient(clientConfig(sandbox))
    const {GetQueueAttributesCommand} = await import('@aws-sdk/client-sqs')
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: integration.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    sqs.destroy()
    const total =
      Number(attrs.Attributes?.['ApproximateNumberOfMessages']) +
      Number(attrs.Attributes?.['ApproximateNumberOfMessagesNotVisible'])
    expect(total).toBe(1)
  })
})
