/**
 * Who may reach the sandbox and how much it reads: Host names (DNS rebinding), browser requests
 * (cross-site form posts, `<img>` GETs), the Momento key on `/_sandbox/info`, per-service body
 * limits, the budget of unfinished bodies and the request timeout. Real SDK clients, the AWS CLI
 * and Node's fetch (what momento-eb itself uses) must keep working.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, request, type IncomingHttpHeaders, type Server} from 'node:http'
import {connect, type AddressInfo, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {CloudFormationClient, ValidateTemplateCommand} from '@aws-sdk/client-cloudformation'
import {EventBridgeClient, ListEventBusesCommand, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import {
  CreateQueueCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readSandboxInfo} from '../../src/adapters/sandbox-info.js'
import {createHostPolicy} from '../../src/sandbox/protocol/guard.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {findCliOnPath} from '../helpers/aws-cli.js'
import {clientConfig, startTestSandbox, TEST_API_KEY, uniqueName} from '../helpers/sandbox.js'

const run = promisify(execFile)

interface Raw {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One request over a fresh connection, with any Host and headers (fetch won't set Host). */
function raw(
  endpoint: string,
  options: {method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer} = {},
): Promise<Raw> {
  const url = new URL(endpoint)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(options.body)
  })
}

const SIGNED = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`
const FORM = 'application/x-www-form-urlencoded; charset=utf-8'

/** The kinds of route, each with a harmless request. */
const ROUTES: Array<{name: string; shape: 'json' | 'xml' | 'momento'; options: Parameters<typeof raw>[1]}> = [
  {name: 'info', shape: 'json', options: {path: '/_sandbox/info?include=apiKey'}},
  {name: 'inspection', shape: 'momento', options: {path: '/_sandbox/momento/caches'}},
  {
    name: 'EventBridge JSON',
    shape: 'json',
    options: {
      method: 'POST',
      headers: {
        'x-amz-target': 'AWSEvents.ListEventBuses',
        'content-type': 'application/x-amz-json-1.1',
        authorization: SIGNED('events'),
      },
      body: '{}',
    },
  },
  {
    name: 'SQS query',
    shape: 'xml',
    options: {
      method: 'POST',
      headers: {'content-type': FORM, authorization: SIGNED('sqs')},
      body: 'Action=ListQueues&Version=2012-11-05',
    },
  },
  {
    name: 'Momento',
    shape: 'momento',
    options: {path: '/cache/guard?key=k', headers: {authorization: TEST_API_KEY}},
  },
]

function expectShape(answer: Raw, shape: 'json' | 'xml' | 'momento', code: string): void {
  if (shape === 'xml') {
    expect(answer.body).toContain(`<Code>${code}</Code>`)
  } else if (shape === 'momento') {
    expect(JSON.parse(answer.body)).toMatchObject({status: answer.status, title: expect.any(String)})
  } else {
    expect(JSON.parse(answer.body)).toMatchObject({__type: code, message: expect.any(String)})
  }
}

describe('sandbox: Host names and browser requests', () => {
  let sandbox: RunningSandbox
  let port: number
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['guard'], allowHosts: ['devbox.test']})
    port = sandbox.port
  })
  afterAll(async () => sandbox.close())

  it('refuses a DNS-rebinding Host on every kind of route with 403, says how to allow it, and leaks no key', async () => {
    for (const route of ROUTES) {
      const answer = await raw(sandbox.endpoint, {
        ...route.options,
        headers: {...route.options?.headers, host: `rebind.evil.example:${port}`},
      })
      expect(answer.status, route.name).toBe(403)
      expectShape(answer, route.shape, route.shape === 'xml' ? 'AccessDenied' : 'AccessDeniedException')
      expect(answer.body, route.name).toContain('--allow-host rebind.evil.example')
      expect(answer.body, route.name).not.toContain(TEST_API_KEY)
      expect(answer.headers.connection).toBe('close')
    }
  })

  it('accepts loopback Host names, the bound address and --allow-host names', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      'localhost.',
      '127.9.8.7',
      '127.1',
      `[::1]:${port}`,
      `devbox.test:${port}`,
      'DevBox.Test',
    ]) {
      const answer = await raw(sandbox.endpoint, {path: '/_sandbox/info', headers: {host}})
      expect(answer.status, host).toBe(200)
    }
  })

  it('refuses Host names that only look local', async () => {
    for (const host of [
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      'evil.example@127.0.0.1',
      '[::2]',
      '10.0.0.5',
      'devbox.test.evil.example',
    ]) {
      const answer = await raw(sandbox.endpoint, {path: '/_sandbox/info', headers: {host}})
      expect(answer.status, host).toBe(403)
    }
    // An empty Host (node's client would fill it in, so on a bare socket).
    const statusLine = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /_sandbox/info HTTP/1.1\r\nhost: \r\n\r\n'))
      let text = ''
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1')
        socket.destroy()
      })
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''))
      socket.on('error', () => undefined)
    })
    expect(statusLine).toBe('HTTP/1.1 403 Forbidden')
  })

  it('a sandbox bound to every interface accepts IP addresses but still not names; a bound name is accepted', () => {
    const wildcard = createHostPolicy()
    wildcard.addBound('0.0.0.0')
    expect(wildcard.accepts('10.0.0.5:4566')).toBe(true)
    expect(wildcard.accepts('[fe80::1]:4566')).toBe(true)
    expect(wildcard.accepts('devbox.lan:4566')).toBe(false)
    const named = createHostPolicy(['extra.lan'])
    named.addBound('devbox.lan')
    expect(named.accepts('devbox.lan:4566')).toBe(true)
    expect(named.accepts('EXTRA.LAN')).toBe(true)
    expect(named.accepts('10.0.0.5')).toBe(false)
    expect(named.accepts(undefined)).toBe(true)
  })

  it('refuses a cross-origin form post: 403, and the queue is not created', async () => {
    const name = uniqueName('csrf')
    const body = `Action=CreateQueue&Version=2012-11-05&QueueName=${name}`
    const attempts: Array<Record<string, string>> = [
      // A <form method=post> on another site: Origin plus Fetch Metadata.
      {origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate'},
      // A sandboxed iframe or a data: URL sends Origin: null.
      {origin: 'null'},
      // A page on another localhost port is same-site, not same-origin.
      {origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors'},
    ]
    for (const headers of attempts) {
      const answer = await raw(sandbox.endpoint, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded', ...headers},
        body,
      })
      expect(answer.status, JSON.stringify(headers)).toBe(403)
      expect(answer.body).toContain('<Code>AccessDenied</Code>')
      expect(answer.body).toContain('web browsers')
    }
    // An <img src> GET carries no Origin, only Fetch Metadata.
    const img = await raw(sandbox.endpoint, {
      path: `/?${body}`,
      headers: {'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image'},
    })
    expect(img.status).toBe(403)
    const sqs = new SQSClient(clientConfig(sandbox))
    const queues = await sqs.send(new ListQueuesCommand({QueueNamePrefix: name}))
    expect(queues.QueueUrls ?? []).toEqual([])
    sqs.destroy()
  })

  it('refuses browser requests to the JSON services, Momento, inspection and CORS preflights', async () => {
    for (const route of ROUTES) {
      const answer = await raw(sandbox.endpoint, {
        ...route.options,
        headers: {...route.options?.headers, origin: 'https://evil.example'},
      })
      expect(answer.status, route.name).toBe(403)
      expect(answer.body, route.name).not.toContain(TEST_API_KEY)
    }
    const preflight = await raw(sandbox.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target',
      },
    })
    expect(preflight.status).toBe(403)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('serves a URL typed into the address bar (Sec-Fetch-Site: none), without the key unless asked', async () => {
    const typed = {'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1'}
    const answer = await raw(sandbox.endpoint, {path: '/_sandbox/info', headers: typed})
    expect(answer.status).toBe(200)
    expect(answer.body).not.toContain(TEST_API_KEY)
  })

  it("Node's fetch (sec-fetch-mode: cors, no Origin), as momento-eb uses it, is accepted", async () => {
    // What undici sends, seen on a plain server: no Origin, no Sec-Fetch-Site, sec-fetch-mode cors.
    const seen = await new Promise<IncomingHttpHeaders>((resolve) => {
      const echo = createServer((req, res) => {
        res.end()
        echo.close()
        resolve(req.headers)
      }).listen(0, '127.0.0.1', () => {
        void fetch(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/`).then((r) => r.text())
      })
    })
    expect(seen['sec-fetch-mode']).toBe('cors')
    expect(seen.origin).toBeUndefined()
    expect(seen['sec-fetch-site']).toBeUndefined()
    const res = await fetch(`${sandbox.endpoint}/_sandbox/info`)
    expect(res.status).toBe(200)
  })
})

describe('sandbox: /_sandbox/info and its readers', () => {
  let sandbox: RunningSandbox
  const stubs: Server[] = []
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => {
    for (const stub of stubs) stub.closeAllConnections()
    await Promise.all(stubs.map((stub) => new Promise((resolve) => stub.close(resolve))))
    await sandbox.close()
  })

  /** A local server that misbehaves, on a free port. */
  async function stub(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler)
    stubs.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('returns the key only when asked for by name', async () => {
    const plain = await raw(sandbox.endpoint, {path: '/_sandbox/info'})
    expect(plain.status).toBe(200)
    expect(JSON.parse(plain.body)).toMatchObject({region: 'us-east-1', accountId: '000000000000'})
    expect(plain.body).not.toContain(TEST_API_KEY)
    expect(JSON.parse((await raw(sandbox.endpoint, {path: '/_sandbox'})).body)).not.toHaveProperty('apiKey')
    for (const query of ['include=apiKey', 'include=region,apiKey', 'include=x&include=apiKey']) {
      const asked = await raw(sandbox.endpoint, {path: `/_sandbox/info?${query}`})
      expect(JSON.parse(asked.body), query).toMatchObject({apiKey: TEST_API_KEY})
    }
  })

  const sandboxApiKey = async (url: string, options: {timeoutMs?: number} = {}) =>
    (await readSandboxInfo(url, {...options, onFailure: 'undefined'}))?.apiKey

  it('the reader, either way it reports failure, asks for the key and gets it', async () => {
    expect(await sandboxApiKey(sandbox.endpoint)).toBe(TEST_API_KEY)
    expect(await readSandboxInfo(sandbox.endpoint, {onFailure: 'throw'})).toEqual({
      apiKey: TEST_API_KEY,
      region: 'us-east-1',
      accountId: '000000000000',
    })
  })

  it('the reader gives up on a server that never answers, in bounded time', async () => {
    const silent = await stub(() => {})
    const started = Date.now()
    expect(await sandboxApiKey(silent, {timeoutMs: 300})).toBeUndefined()
    await expect(readSandboxInfo(silent, {timeoutMs: 300, onFailure: 'throw'})).rejects.toMatchObject({
      code: 'EB_SANDBOX_NOT_RUNNING',
    })
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('the reader refuses an endless or oversized answer without reading it all', async () => {
    let sent = 0
    const endless = await stub((_req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.write('{"apiKey":"')
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = (): void => {
        while (!res.destroyed && sent < 256 * 1024 * 1024 && res.write(chunk)) sent += chunk.length
        if (!res.destroyed && sent < 256 * 1024 * 1024) res.once('drain', pump)
      }
      res.on('close', () => res.removeAllListeners('drain'))
      pump()
    })
    expect(await sandboxApiKey(endless)).toBeUndefined()
    await expect(readSandboxInfo(endless, {onFailure: 'throw'})).rejects.toMatchObject({code: 'EB_SANDBOX_NOT_RUNNING'})
    // Stopped near the 64 KiB cap, nowhere near the 256 MiB the server would send.
    expect(sent).toBeLessThan(32 * 1024 * 1024)
    const declared = await stub((_req, res) => {
      res.writeHead(200, {'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024)})
      res.write('{')
    })
    expect(await sandboxApiKey(declared)).toBeUndefined()
    await expect(readSandboxInfo(declared, {onFailure: 'throw'})).rejects.toMatchObject({
      code: 'EB_SANDBOX_NOT_RUNNING',
    })
  })
})

describe('sandbox: real clients still work', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => sandbox.close())

  it('AWS SDK v3: EventBridge, SQS (JSON), Secrets Manager, STS, CloudFormation (query)', async () => {
    const config = clientConfig(sandbox)
    const eb = new EventBridgeClient(config)
    const sqs = new SQSClient(config)
    const secrets = new SecretsManagerClient(config)
    const sts = new STSClient(config)
    const cfn = new CloudFormationClient(config)
    expect((await eb.send(new ListEventBusesCommand({}))).EventBuses?.length).toBeGreaterThan(0)
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('sdk')}))
    await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'hello'}))
    expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages?.[0]?.Body).toBe('hello')
    const name = uniqueName('secret')
    await secrets.send(new CreateSecretCommand({Name: name, SecretString: 's3cret'}))
    expect((await secrets.send(new GetSecretValueCommand({SecretId: name}))).SecretString).toBe('s3cret')
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000')
    const template = JSON.stringify({Resources: {Q: {Type: 'AWS::SQS::Queue'}}})
    await cfn.send(new ValidateTemplateCommand({TemplateBody: template}))
    for (const client of [eb, sqs, secrets, sts, cfn]) client.destroy()
  })

  it('a client signing for a region that is not a region name gets 403, not us-east-1', async () => {
    const sqs = new SQSClient(clientConfig(sandbox, 'mars'))
    const error = (await sqs.send(new ListQueuesCommand({})).catch((e: unknown) => e)) as {
      name: string
      message: string
      $metadata: {httpStatusCode?: number}
    }
    expect(error.$metadata.httpStatusCode).toBe(403)
    expect(error.message).toContain("not 'mars'")
    sqs.destroy()
    const other = new SQSClient(clientConfig(sandbox, 'eu-central-2'))
    await other.send(new ListQueuesCommand({}))
    other.destroy()
  })

  it('the AWS CLI (v1, query and JSON protocols) works', async () => {
    const version = (await findCliOnPath())?.version
    if (version === undefined) {
      console.warn('sandbox-guard.test.ts: no aws CLI on PATH; skipping its check.')
      return
    }
    const home = mkdtempSync(join(tmpdir(), 'guard-aws-'))
    try {
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      }
      const aws = (...args: string[]) =>
        run('aws', ['--endpoint-url', sandbox.endpoint, '--output', 'json', ...args], {env, timeout: 60_000})
      const who = await aws('sts', 'get-caller-identity')
      expect(JSON.parse(who.stdout), version).toMatchObject({Account: '000000000000'})
      const queue = await aws('sqs', 'create-queue', '--queue-name', uniqueName('cli'))
      expect(JSON.parse(queue.stdout)).toHaveProperty('QueueUrl')
      const buses = await aws('events', 'list-event-buses')
      expect(JSON.parse(buses.stdout)).toHaveProperty('EventBuses')
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })
})

const KiB = 1024
const MiB = 1024 * KiB

describe('sandbox: request body limits', () => {
  let sandbox: RunningSandbox
  const lines: string[] = []
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['big'], log: (line) => lines.push(line)})
  })
  afterAll(async () => sandbox.close())

  /**
   * Send only the headers, declaring `length` bytes, and wait for the answer: a limit enforced by
   * Content-Length answers before any of the body is sent.
   */
  function declare(
    path: string,
    method: string,
    headers: Record<string, string>,
    length: number,
  ): Promise<{status: number; body: string}> {
    const url = new URL(sandbox.endpoint)
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {...headers, 'content-length': String(length)},
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            req.destroy()
            resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')})
          })
        },
      )
      req.on('error', reject)
      req.setTimeout(5000, () => req.destroy(new Error('no answer before the body was sent')))
      req.flushHeaders()
    })
  }

  const json = (target: string, service: string) => ({
    'x-amz-target': target,
    'content-type': 'application/x-amz-json-1.1',
    authorization: SIGNED(service),
  })
  const query = (service: string) => ({'content-type': FORM, authorization: SIGNED(service)})

  // Limit = the service's largest legal payload, fully escaped, + 64 KiB of envelope (protocol/limits.ts).
  const CASES: Array<{name: string; path: string; method: string; headers: Record<string, string>; limit: number}> = [
    // 256 KiB of PutEvents entries, JSON-in-JSON at most doubles.
    {name: 'EventBridge', path: '/', method: 'POST', headers: json('AWSEvents.PutEvents', 'events'), limit: 589_824},
    // 1 MiB message/batch, form encoding at most triples.
    {name: 'SQS JSON', path: '/', method: 'POST', headers: json('AmazonSQS.SendMessage', 'sqs'), limit: 3_211_264},
    {name: 'SQS query', path: '/', method: 'POST', headers: query('sqs'), limit: 3_211_264},
    // 64 KiB secret of control characters is 6× as JSON.
    {
      name: 'Secrets Manager',
      path: '/',
      method: 'POST',
      headers: json('secretsmanager.CreateSecret', 'secretsmanager'),
      limit: 458_752,
    },
    // 51,200-byte template + 200 parameters + policy + tags, form-encoded.
    {name: 'CloudFormation', path: '/', method: 'POST', headers: query('cloudformation'), limit: 2_936_488},
    {name: 'STS', path: '/', method: 'POST', headers: query('sts'), limit: 65_536},
    {name: 'unsigned query', path: '/', method: 'POST', headers: {'content-type': FORM}, limit: 3_211_264},
    {
      name: 'Momento item',
      path: '/cache/big?key=k',
      method: 'PUT',
      headers: {authorization: TEST_API_KEY},
      limit: 5_000_000, // the sandbox's maxItemBytes: Momento's "5 MB" read as the smaller 5,000,000
    },
    {
      name: 'Momento topic',
      path: '/topics/big/t',
      method: 'POST',
      headers: {authorization: TEST_API_KEY, 'content-type': 'text/plain'},
      limit: 64 * KiB,
    },
    {
      name: 'inspection',
      path: '/_sandbox/momento/faults',
      method: 'POST',
      headers: {'content-type': 'application/json'},
      limit: 64 * KiB,
    },
  ]

  it.each(CASES)('$name: a body declared over $limit bytes is refused with 413 before it is sent', async (c) => {
    const over = await declare(c.path, c.method, c.headers, c.limit + 1)
    expect(over.status).toBe(413)
    expect(over.body).toContain(`limit of ${c.limit} bytes`)
    if (c.path.startsWith('/cache') || c.path.startsWith('/topics') || c.path.startsWith('/_sandbox')) {
      expect(JSON.parse(over.body)).toMatchObject({status: 413, title: 'Payload Too Large'})
    } else if (c.headers['x-amz-target']) {
      expect(JSON.parse(over.body)).toMatchObject({__type: expect.stringContaining('RequestEntityTooLarge')})
    } else {
      expect(over.body).toContain('<Code>RequestEntityTooLarge</Code>')
    }
    // 16 MiB (the adversarial test's uploads) is refused the same way.
    expect((await declare(c.path, c.method, c.headers, 16 * MiB)).status).toBe(413)
  })

  it('a body at the limit is read (answered by the service, not 413)', async () => {
    const atLimit = await raw(sandbox.endpoint, {
      method: 'POST',
      headers: json('secretsmanager.CreateSecret', 'secretsmanager'),
      body: Buffer.alloc(458_752, ' '),
    })
    expect(atLimit.status).toBe(400)
    expect(JSON.parse(atLimit.body)).toMatchObject({__type: expect.stringMatching(/Validation|Serialization/)})
  })

  it('the largest requests AWS accepts still pass, fully escaped', async () => {
    const config = clientConfig(sandbox)
    const sqs = new SQSClient(config)
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('max')}))
    // 1 MiB of quotes: 2 MiB as JSON.
    await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: '"'.repeat(MiB)}))
    const entries = Array.from({length: 10}, (_, i) => ({Id: `m${i}`, MessageBody: '\\'.repeat(100 * KiB)}))
    const batch = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries: entries}))
    expect(batch.Failed ?? []).toEqual([])
    // PutEvents entries just under 256 KiB whose Detail is mostly escaped quotes (≈2× on the wire).
    const eb = new EventBridgeClient(config)
    const detail = JSON.stringify({q: '"'.repeat(120 * KiB)})
    const put = await eb.send(new PutEventsCommand({Entries: [{Source: 's', DetailType: 'd', Detail: detail}]}))
    expect(put.FailedEntryCount).toBe(0)
    // A 64 KiB SecretString of control characters: 6× as JSON.
    const secrets = new SecretsManagerClient(config)
    const name = uniqueName('big')
    const secret = '\u0001'.repeat(64 * KiB)
    await secrets.send(new CreateSecretCommand({Name: name, SecretString: secret}))
    expect((await secrets.send(new GetSecretValueCommand({SecretId: name}))).SecretString).toBe(secret)
    // A 51,200-byte template of 2-byte characters: 6× when form-encoded.
    const cfn = new CloudFormationClient(config)
    const filler = 'é'.repeat((51_200 - 200) / 2)
    const template = JSON.stringify({
      Description: filler.slice(0, 512),
      Resources: {Q: {Type: 'AWS::SQS::Queue'}},
      Metadata: {F: filler},
    })
    const answer = await cfn.send(new ValidateTemplateCommand({TemplateBody: template})).catch((e: unknown) => e)
    expect((answer as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode).not.toBe(413)
    for (const client of [sqs, eb, secrets, cfn]) client.destroy()
  })

  it('a streamed (chunked) body past the limit is refused with 413 once it passes the limit', async () => {
    const url = new URL(sandbox.endpoint)
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(
        {host: url.hostname, port: url.port, method: 'POST', path: '/_sandbox/momento/faults', agent: false},
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
          req.destroy()
        },
      )
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
      const chunk = Buffer.alloc(16 * KiB, 'x')
      let sent = 0
      const pump = (): void => {
        // Keeps sending (up to 64 MiB) until the server answers.
        while (!req.destroyed && sent < 64 * MiB && req.write(chunk)) sent += chunk.length
        if (!req.destroyed && sent < 64 * MiB) req.once('drain', pump)
      }
      pump()
    })
    expect(answer).toBe(413)
    await expect.poll(() => sandbox.bufferedBodyBytes()).toBe(0)
  })

  it('150 concurrent unfinished large uploads stay within the budget and free it when they close', async () => {
    const budget = 64 * MiB
    const small = await startTestSandbox({caches: ['big'], maxBufferedBodyBytes: budget, log: (l) => lines.push(l)})
    const url = new URL(small.endpoint)
    const rssBefore = process.memoryUsage().rss
    const chunk = Buffer.alloc(256 * KiB, 'v')
    const sockets: Socket[] = []
    const answers: string[] = []
    let peak = 0
    // Each declares 4 MiB (under the 5 MiB item limit) and sends 2 MiB of it: 300 MiB wanted in all.
    await Promise.all(
      Array.from(
        {length: 150},
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect(Number(url.port), url.hostname, () => {
              socket.write(
                `PUT /cache/big?key=k${i} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: ${TEST_API_KEY}\r\n` +
                  `content-length: ${4 * MiB}\r\n\r\n`,
              )
              let sent = 0
              const pump = (): void => {
                while (sent < 2 * MiB && !socket.destroyed) {
                  sent += chunk.length
                  if (!socket.write(chunk)) return void socket.once('drain', pump)
                }
                resolve()
              }
              pump()
            })
            socket.on('data', (data: Buffer) => answers.push(data.toString('latin1').split('\r\n')[0] ?? ''))
            socket.on('error', () => resolve())
            socket.on('close', () => resolve())
            sockets.push(socket)
          }),
      ),
    )
    // Let the server take in what it will.
    for (let i = 0; i < 20; i++) {
      peak = Math.max(peak, small.bufferedBodyBytes())
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(budget)
    // Those past the budget were told so, and not with a 500.
    expect(answers.some((line) => line.includes(' 503 '))).toBe(true)
    expect(answers.filter((line) => / 5\d\d /.test(line) && !line.includes(' 503 '))).toEqual([])
    const rssLoaded = process.memoryUsage().rss
    for (const socket of sockets) socket.destroy()
    await expect.poll(() => small.bufferedBodyBytes(), {timeout: 5000}).toBe(0)
    // Loose: the adversarial run grew by 2.35 GiB; the budget holds the sandbox's share to 64 MiB.
    expect(rssLoaded - rssBefore).toBeLessThan(512 * MiB)
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
    await small.close()
  })

  it('a slow upload is cut off by the request timeout and its buffer freed', async () => {
    const slow = await startTestSandbox({requestTimeoutMs: 400, log: (l) => lines.push(l)})
    const url = new URL(slow.endpoint)
    const started = Date.now()
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.1\r\n' +
            'x-amz-target: AWSEvents.ListEventBuses\r\ncontent-length: 1000\r\n\r\n{"Name',
        )
      })
      let text = ''
      socket.on('data', (data: Buffer) => (text += data.toString('latin1')))
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''))
      socket.on('error', () => undefined)
      socket.setTimeout(10_000, () => socket.destroy())
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(outcome).toBe('HTTP/1.1 408 Request Timeout')
    await expect.poll(() => slow.bufferedBodyBytes()).toBe(0)
    // Headers that never finish are cut off the same way.
    const headersStarted = Date.now()
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('GET /_sandbox/info HTTP/1.1\r\nho'))
      socket.resume()
      socket.on('close', () => resolve())
      socket.on('error', () => undefined)
      socket.setTimeout(10_000, () => socket.destroy())
    })
    expect(Date.now() - headersStarted).toBeLessThan(5000)
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
    await slow.close()
  })
})
