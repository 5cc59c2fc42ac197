/**
 * What the sandbox does with input `put` now refuses up front, for clients that send it anyway
 * (the real SDK over the wire): an unpaired surrogate in Detail fails its entry with MalformedDetail
 * rather than being accepted and dropped later, and Momento answers a key over 4 KiB with a 400.
 */
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

describe('sandbox: input put refuses up front', () => {
  let sandbox: RunningSandbox
  let eb: EventBridgeClient
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    eb = new EventBridgeClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    eb.destroy()
    await sandbox.close()
  })

  it('PutEvents fails an entry whose Detail has an unpaired surrogate with MalformedDetail', async () => {
    const entry = {Source: 'demo', DetailType: 'cacheDelete'}
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          // Escaped in the Detail text (what JSON.stringify of a lone surrogate writes) …
          {...entry, Detail: '{"cacheName":"orders","key":"\\ud800"}'},
          // … raw in the Detail string (the SDK escapes it in the request body) …
          {...entry, Detail: '{"cacheName":"orders","key":"\ud800"}'},
          // … in an object key …
          {...entry, Detail: '{"\\udc00":1,"cacheName":"orders","key":"k"}'},
          // … while a proper pair is fine.
          {...entry, Detail: '{"cacheName":"orders","key":"\\ud83d\\ude00"}'},
        ],
      }),
    )
    expect(out.FailedEntryCount).toBe(3)
    expect(out.Entries?.slice(0, 3)).toEqual(
      Array(3).fill({ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.'}),
    )
    expect(out.Entries?.[3]?.EventId).toBeTruthy()
  })

  it('Momento answers a key over 4,096 bytes with 400 and takes one of 4,096', async () => {
    const call = (key: string) =>
      fetch(`${sandbox.endpoint}/cache/orders?key=${encodeURIComponent(key)}&ttl_seconds=60`, {
        method: 'PUT',
        body: 'v',
        headers: {authorization: TEST_API_KEY},
      })
    const long = await call('k'.repeat(4097))
    expect(long.status).toBe(400)
    expect(JSON.stringify(await long.json())).toMatch(/key is too long: at most 4096 bytes/)
    expect((await call('k'.repeat(4096))).status).toBe(204)
    const b64 = Buffer.alloc(4097, 7).toString('base64url')
    const viaBase64 = await fetch(`${sandbox.endpoint}/cache/orders?key_base64=${b64}`, {
      method: 'DELETE',
      headers: {authorization: TEST_API_KEY},
    })
    expect(viaBase64.status).toBe(400)
  })
})
