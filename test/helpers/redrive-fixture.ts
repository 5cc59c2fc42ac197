/**
 * The `dlq redrive` journeys' shared fixture (test/e2e/dlq-redrive.test.ts and
 * dlq-redrive-stop.test.ts, one file each so they run side by side): a sandbox with the integration
 * deployed and no caches yet (events dead-letter until a test creates their cache), SDK clients, a
 * HOME with a state directory, and the helpers the tests share. Call it inside a describe: it
 * registers the beforeAll and afterAll; the getters answer once beforeAll ran.
 */
import {join} from 'node:path'

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, expect} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, tempHome} from './cli.js'
import {queueCounts} from './dlq-fill.js'
import {cacheItems, createSandboxCache, deployIntegrationWithSdk, type Integration} from './integration.js'
import {clientConfig, startTestSandbox} from './sandbox.js'

/** `dlq redrive --json`'s summary, as far as the tests read it. */
export interface RedriveSummary {
  redriven: number
  failed: number
  skipped: number
  received: number
  dryRun: boolean
  entries: Array<{messageId: string; entry: {Source: string; DetailType: string; Detail: string; EventBusName: string}}>
  interrupted: boolean
  recovered: number
  edits: Array<{messageId: string; changes: Array<{field: string; before: unknown; after: unknown}>}>
}

export function redriveFixture() {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let stateDir: string
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient
  const depth = () => queueCounts(sqs, integration.dlqUrl)
  const total = async () => {
    const d = await depth()
    return d.visible + d.hidden
  }
  const items = (cache: string) => cacheItems(sandbox, cache)
  const createCache = (name: string) => createSandboxCache(sandbox, name)
  const publishSets = async (cache: string, count: number, extra: Record<string, unknown> = {}) => {
    for (let i = 0; i < count; i += 10) {
      const Entries = Array.from({length: Math.min(10, count - i)}, (_, j) => ({
        Source: 'test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({
          cacheName: cache,
          key: `k-${i + j}`,
          message: `v-${i + j}`,
          ttl: 3600,
          ttl_seconds: 3600,
          ...extra,
        }),
      }))
      const out = await eb.send(new PutEventsCommand({Entries}))
      expect(out.FailedEntryCount ?? 0).toBe(0)
    }
  }
  const cli = (args: string[], extra: Record<string, string> = {}, timeoutMs = 60_000) =>
    runCli(['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', ...args], {
      // In the test process, but for --edit: $EDITOR inherits the CLI's stdio, which must be the CLI's own.
      inProcess: !args.includes('--edit'),
      env: {...env, ...extra},
      timeoutMs,
    })

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: []})
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    stateDir = join(home.home, 'state')
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_EB_STATE_DIR: stateDir})
  })

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  return {
    get sandbox() {
      return sandbox
    },
    get integration() {
      return integration
    },
    get stateDir() {
      return stateDir
    },
    get env() {
      return env
    },
    get eb() {
      return eb
    },
    depth,
    total,
    items,
    createCache,
    publishSets,
    cli,
  }
}
