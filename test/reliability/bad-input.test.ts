/**
 * A catalogue of bad input across every command: each exits with its documented code, names the
 * problem and a fix, prints no stack trace, and sends or deletes nothing.
 */
import {spawn} from 'node:child_process'
import {closeSync, openSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, collect, ROOT, runCli, show, tempHome, type CliResult} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, type Integration} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

interface Case {
  name: string
  args: (ctx: {dlqUrl: string; home: string; endpoint: string}) => string[]
  code: number
  message: RegExp
  /** Environment variables to add (or, with undefined, remove) for this case. */
  env?: (ctx: {home: string}) => Record<string, string | undefined>
  /** `full`: stdout is /dev/full, where every write fails with ENOSPC (a full disk). */
  stdout?: 'full'
}

/** /dev/full's mode before the catalogue runs (`dlq export --force` must not tighten a device). */
const devFullMode = statSync('/dev/full').mode & 0o777

/** A stack name one character longer than CloudFormation allows. */
const LONG_STACK = `s${'x'.repeat(128)}`

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
  // Malformed URLs: exit 2 naming the flag or variable, at flag-parse or first use.
  {
    name: 'malformed --endpoint-url',
    args: () => ['dlq', 'list', '--endpoint-url', 'not a url', '--region', 'us-east-1'],
    code: 2,
    message: /--endpoint-url/,
  },
  {
    name: 'malformed --queue-url (a scheme that is not http)',
    args: () => ['dlq', 'list', '--sandbox', '--queue-url', 'htp:/x'],
    code: 2,
    message: /--queue-url "htp:\/x" isn't a queue URL/,
  },
  {
    name: 'malformed --queue-url on put --wait',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k', '--wait', '--queue-url', 'x'],
    code: 2,
    message: /--queue-url "x" isn't a queue URL/,
  },
  {
    name: 'malformed --momento-endpoint',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k', '--momento-endpoint', '::'],
    code: 2,
    message: /--momento-endpoint/,
  },
  {
    name: 'malformed AWS_ENDPOINT_URL',
    env: () => ({AWS_ENDPOINT_URL: 'not a url', AWS_REGION: 'us-east-1'}),
    args: () => ['dlq', 'list'],
    code: 2,
    message: /"not a url" \(AWS_ENDPOINT_URL\) isn't a valid URL/,
  },
  {
    name: 'malformed MOMENTO_EB_SANDBOX_URL',
    env: () => ({MOMENTO_EB_SANDBOX_URL: '::'}),
    args: () => ['dlq', 'list', '--sandbox'],
    code: 2,
    message: /"::" \(MOMENTO_EB_SANDBOX_URL\) isn't a valid URL/,
  },
  // Files the user named that can't be written (sysfs refuses new files, even to root).
  {
    name: 'dlq export: a file that cannot be created',
    args: ({dlqUrl}) => ['dlq', 'export', '--sandbox', '--queue-url', dlqUrl, '--file', '/sys/momento-eb.ndjson'],
    code: 2,
    message: /\/sys\/momento-eb\.ndjson/,
  },
  {
    name: 'config set: a config directory that cannot be created',
    env: () => ({XDG_CONFIG_HOME: '/sys/momento-eb-config'}),
    args: () => ['config', 'set', 'cache', 'orders'],
    code: 2,
    message: /Can't create the directory \/sys\/momento-eb-config/,
  },
  // A full disk under stdout (/dev/full): its own code, not "unexpected failure".
  {
    name: 'disk full: dlq list --json > /dev/full',
    stdout: 'full',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--json'],
    code: 1,
    message: /the disk is full[\s\S]*code EB_DISK_FULL/,
  },
  {
    name: 'disk full: dlq export --file - > /dev/full',
    stdout: 'full',
    args: ({dlqUrl}) => ['dlq', 'export', '--sandbox', '--queue-url', dlqUrl, '--file', '-'],
    code: 1,
    message: /Can't write the output \(stdout, \/dev\/full\): the disk is full[\s\S]*code EB_DISK_FULL/,
  },
  {
    name: 'disk full: dlq export --file /dev/full --force',
    args: ({dlqUrl}) => ['dlq', 'export', '--sandbox', '--queue-url', dlqUrl, '--file', '/dev/full', '--force'],
    code: 1,
    message: /Can't write \/dev\/full: the disk is full[\s\S]*code EB_DISK_FULL/,
  },
  {
    name: 'disk full: template > /dev/full',
    stdout: 'full',
    args: () => ['template'],
    code: 1,
    message: /the disk is full[\s\S]*code EB_DISK_FULL/,
  },
  // Filters that can match nothing are typos: exit 2, with a "did you mean" where one is close.
  {
    name: 'dlq list: empty --reason',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--reason', ''],
    code: 2,
    message: /--reason is empty/,
  },
  {
    name: 'dlq list: --reason close to a real one',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--reason', 'not-found'],
    code: 2,
    message: /Did you mean cache-not-found\?/,
  },
  {
    name: 'dlq list: unknown --detail-type',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--detail-type', 'cacheGet'],
    code: 2,
    message: /Unknown detail type "cacheGet"[\s\S]*cacheSet, cacheDelete, topicPublish/,
  },
  {
    name: 'dlq list: --detail-type in the wrong case',
    args: ({dlqUrl}) => ['dlq', 'list', '--sandbox', '--queue-url', dlqUrl, '--detail-type', 'cacheset'],
    code: 2,
    message: /Did you mean cacheSet\?/,
  },
  {
    name: 'dlq export: empty --cache',
    args: ({dlqUrl, home}) => [
      'dlq',
      'export',
      '--sandbox',
      '--queue-url',
      dlqUrl,
      '--file',
      join(home, 'never.ndjson'),
      '--cache',
      '',
    ],
    code: 2,
    message: /--cache is empty/,
  },
  {
    name: 'dlq watch: empty --since',
    args: ({dlqUrl}) => ['dlq', 'watch', '--sandbox', '--queue-url', dlqUrl, '--since', ''],
    code: 2,
    message: /--since is empty/,
  },
  {
    name: 'dlq redrive: comma-only --detail-type',
    args: ({dlqUrl}) => ['dlq', 'redrive', '--sandbox', '--queue-url', dlqUrl, '--all', '--detail-type', ','],
    code: 2,
    message: /--detail-type is empty/,
  },
  // Stack names CloudFormation would refuse: exit 2 with the rule, before any AWS call.
  {
    name: 'deploy: --stack that is not a stack name',
    args: () => ['deploy', '--sandbox', '--stack', 'bad name!'],
    code: 2,
    message: /"bad name!" \(--stack\) isn't a valid stack name[\s\S]*\[a-zA-Z\]\[-a-zA-Z0-9\]\*/,
  },
  {
    name: 'deploy: --stack longer than 128 characters',
    args: () => ['deploy', '--sandbox', '--stack', LONG_STACK],
    code: 2,
    message: /129 characters long; CloudFormation allows at most 128/,
  },
  {
    name: 'status: MOMENTO_EB_STACK that is not a stack name',
    env: () => ({MOMENTO_EB_STACK: '1-starts-with-a-digit'}),
    args: () => ['status', '--sandbox'],
    code: 2,
    message: /\(MOMENTO_EB_STACK\) isn't a valid stack name/,
  },
  {
    name: 'destroy: --stack with an underscore',
    args: () => ['destroy', '--sandbox', '--stack', 'momento_api', '--yes'],
    code: 2,
    message: /isn't a valid stack name/,
  },
  {
    name: 'dlq list: --stack with a dot',
    args: () => ['dlq', 'list', '--sandbox', '--stack', 'a.b'],
    code: 2,
    message: /a\.b/,
  },
  {
    name: 'put --wait: --stack with a space',
    args: () => ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k', '--wait', '--stack', 'a b'],
    code: 2,
    message: /isn't a valid stack name/,
  },
  {
    name: 'dlq redrive: --stack with a slash',
    args: () => ['dlq', 'redrive', '--sandbox', '--stack', 'a/b', '--all', '--yes'],
    code: 2,
    message: /isn't a valid stack name/,
  },
  {name: 'config: invalid stack name', args: () => ['config', 'set', 'stack', 'a.b'], code: 2, message: /stack/},
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

  it.each(CASES)('$name', async ({args, code, message, env: extra, stdout}) => {
    const argv = args({dlqUrl: integration.dlqUrl, home: home.home, endpoint: sandbox.endpoint})
    const runEnv = cleanEnv(home.home, {...env, ...extra?.({home: home.home})})
    const result =
      stdout === 'full' ? await runToDevFull(argv, runEnv) : await runCli(argv, {env: runEnv, timeoutMs: 30_000})
    expect(result.code, show(result)).toBe(code)
    expect(result.stderr, show(result)).toMatch(message)
    // A fix to try, and no stack trace.
    expect(result.stderr, show(result)).toMatch(/Try:|Did you mean/)
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
    expect(result.stdout).toBe('')
  })

  it('--force never changed the mode of the device it wrote to', () => {
    expect(statSync('/dev/full').mode & 0o777).toBe(devFullMode)
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

describe('stdout closed by its reader (`| head`)', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let integration: Integration
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    integration = await deployIntegrationWithSdk(sandbox)
    const sqs = new SQSClient(clientConfig(sandbox))
    for (let i = 0; i < 3; i++) {
      await sqs.send(new SendMessageCommand({QueueUrl: integration.dlqUrl, MessageBody: `{"n":${i}}`}))
    }
    sqs.destroy()
    home = tempHome()
    env = cleanEnv(home.home, {
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    })
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it.each([['template'], ['exit-codes'], ['dlq list --json'], ['dlq export --file -']])(
    '%s ends quietly with exit 0 (documented in `momento-eb exit-codes`)',
    async (command) => {
      const args = command.split(' ')
      if (args[0] === 'dlq') args.push('--sandbox', '--queue-url', integration.dlqUrl)
      const child = spawn(process.execPath, [BIN, ...args], {cwd: home.home, env, stdio: ['ignore', 'pipe', 'pipe']})
      // The reader goes away before the first byte: every write to stdout fails with EPIPE.
      child.stdout.destroy()
      const result = await collect(child, 30_000)
      expect(result.code, show(result)).toBe(0)
      expect(result.stderr, show(result)).not.toMatch(/Error|EPIPE|Unexpected|\n\s+at /)
    },
  )
})

/** Run the CLI with stdout on /dev/full (every write fails with ENOSPC, as on a full disk). */
async function runToDevFull(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const full = openSync('/dev/full', 'w')
  try {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: env['HOME'], env, stdio: ['ignore', full, 'pipe']})
    return await collect(child, 30_000)
  } finally {
    closeSync(full)
  }
}
