/**
 * A catalogue of bad input across every command: each exits with its documented code, names the
 * problem and a fix, prints no stack trace, and sends or deletes nothing.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, type Integration} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

interface Case {
  name: string
  args: (ctx: {dlqUrl: string; home: string; endpoint: string}) => string[]
  code: number
  message: RegExp
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
