/**
 * Exit code 3 (partial failure) through a real command: `put --file` where EventBridge accepts some
 * entries of a PutEvents call and refuses others. The sandbox accepts every entry the CLI's own
 * checks let through, so a small proxy between the CLI and the sandbox refuses the entries whose
 * key starts with `refused-` the way PutEvents reports a per-entry failure (HTTP 200,
 * FailedEntryCount, the entry's ErrorCode and ErrorMessage at its index): it drops them from the
 * request it forwards, so the sandbox (and Momento) never see them, and splices the failures into
 * the answer. `AccessDeniedException` is a per-entry code AWS documents for PutEvents and one the
 * CLI does not retry.
 */
import {writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, until} from '../helpers/integration.js'
import {startTestSandbox} from '../helpers/sandbox.js'

interface Entry {
  Detail?: string
}

/** A proxy to `target` that refuses the PutEvents entries whose detail key starts with `refused-`. */
async function refusingProxy(
  target: string,
): Promise<{endpoint: string; refused: () => number; close(): Promise<void>}> {
  let refused = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        let body = Buffer.concat(chunks)
        const isPut = req.headers['x-amz-target'] === 'AWSEvents.PutEvents'
        const refusedAt: number[] = []
        if (isPut) {
          const input = JSON.parse(body.toString('utf8')) as {Entries: Entry[]}
          const kept: Entry[] = []
          input.Entries.forEach((entry, i) => {
            const key = (JSON.parse(entry.Detail ?? '{}') as {key?: string}).key ?? ''
            if (key.startsWith('refused-')) refusedAt.push(i)
            else kept.push(entry)
          })
          body = Buffer.from(JSON.stringify({...input, Entries: kept}))
        }
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && name !== 'content-length' && name !== 'host') headers[name] = value
        }
        const upstream = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : {body}),
        })
        let answer = Buffer.from(await upstream.arrayBuffer())
        if (isPut && refusedAt.length > 0) {
          // Every entry refused: nothing was forwarded worth answering for, but PutEvents needs one entry.
          const out =
            refusedAt.length < (JSON.parse(Buffer.concat(chunks).toString('utf8')) as {Entries: Entry[]}).Entries.length
              ? (JSON.parse(answer.toString('utf8')) as {FailedEntryCount: number; Entries: unknown[]})
              : {FailedEntryCount: 0, Entries: []}
          const entries = [...out.Entries]
          for (const i of refusedAt) {
            entries.splice(i, 0, {
              ErrorCode: 'AccessDeniedException',
              ErrorMessage: 'User is not authorized to put events for this entry.',
            })
          }
          refused += refusedAt.length
          answer = Buffer.from(
            JSON.stringify({FailedEntryCount: out.FailedEntryCount + refusedAt.length, Entries: entries}),
          )
        }
        const outHeaders: Record<string, string> = {}
        upstream.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
            outHeaders[name] = value
        })
        res.writeHead(upstream.status, {...outHeaders, 'content-length': String(answer.length)})
        res.end(answer)
      })().catch((error: unknown) => {
        res.writeHead(502).end(String(error))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('put --file with entries EventBridge refuses (exit 3)', () => {
  let sandbox: RunningSandbox
  let proxy: Awaited<ReturnType<typeof refusingProxy>>
  let home: {home: string; cleanup(): void}

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    await deployIntegrationWithSdk(sandbox)
    proxy = await refusingProxy(sandbox.endpoint)
    home = tempHome()
  })
  afterAll(async () => {
    await proxy?.close()
    await sandbox?.close()
    home?.cleanup()
  })

  it('sends the rest, names each refused line and its error code, and exits 3', async () => {
    const keys = ['ok-1', 'refused-1', 'ok-2', 'ok-3', 'refused-2']
    const file = join(home.home, 'mixed.ndjson')
    writeFileSync(
      file,
      keys
        .map((key) =>
          JSON.stringify({detailType: 'cacheSet', detail: {cacheName: 'orders', key, message: 'v', ttl: 60}}),
        )
        .join('\n') + '\n',
    )
    const env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: proxy.endpoint})
    const result = await runCli(['put', '--file', file, '--sandbox', '--json'], {env, timeoutMs: 60_000})
    expect(result.code, show(result)).toBe(3)
    expect(proxy.refused()).toBe(2)
    const summary = stdoutJson(result) as {lines: number; sent: number; failed: number; failures: unknown[]}
    expect(summary, show(result)).toMatchObject({lines: 5, sent: 3, failed: 2})
    expect(JSON.stringify(summary.failures)).toContain('AccessDeniedException')
    // What reached Momento: the three accepted entries, and not the refused ones.
    const items = await until('the three accepted items', async () => {
      const list = (await inspect<{items: {key: string | null}[]}>(sandbox, '/_sandbox/momento/caches/orders/items'))
        .items
      return list.length >= 3 ? list : undefined
    })
    expect(items.map((i) => i.key).sort()).toEqual(['ok-1', 'ok-2', 'ok-3'])

    // The human form says the same and exits 3 too.
    const human = await runCli(['put', '--file', file, '--sandbox'], {env, timeoutMs: 60_000})
    expect(human.code, show(human)).toBe(3)
    expect(human.stdout + human.stderr).toMatch(/AccessDeniedException/)
  })
})
