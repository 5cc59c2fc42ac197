/**
 * The contract-suite switch (test/helpers/sandbox.ts): with MOMENTO_EB_CONTRACT_ENDPOINT set, suites
 * get the named endpoint instead of an embedded sandbox. A running sandbox stands in for "another
 * endpoint" here; docs/sandbox.md shows the same run against moto.
 */
import {ListQueuesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startTestSandbox} from '../helpers/sandbox.js'

type Helpers = typeof import('../helpers/sandbox.js')

/** The helper module as a suite sees it under `env` (its switch is read when it loads). */
async function helpersWith(env: Record<string, string>): Promise<Helpers> {
  vi.resetModules()
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  return import('../helpers/sandbox.js')
}

describe('MOMENTO_EB_CONTRACT_ENDPOINT', () => {
  let other: RunningSandbox
  beforeAll(async () => {
    other = await startTestSandbox()
  })
  afterAll(async () => other.close())
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it('points the suite at the endpoint, with the account and region from the environment', async () => {
    const helpers = await helpersWith({
      MOMENTO_EB_CONTRACT_ENDPOINT: `${other.endpoint}/`,
      MOMENTO_EB_CONTRACT_ACCOUNT: '000000000000',
      MOMENTO_EB_CONTRACT_REGION: 'eu-west-1',
    })
    expect(helpers.EXTERNAL_ENDPOINT).toBe(true)
    const target = await helpers.startContractTarget({caches: ['ignored']})
    expect(target).toMatchObject({endpoint: other.endpoint, region: 'eu-west-1', accountId: '000000000000'})
    expect(() => target.state).toThrow(/exists only in the embedded sandbox.*sandboxOnly/)
    // A client built from the target's config reaches the other endpoint, in the environment's region.
    const sqs = new SQSClient(helpers.clientConfig(target))
    expect(await sqs.config.region()).toBe('eu-west-1')
    await sqs.send(new ListQueuesCommand({}))
    sqs.destroy()
    await target.close()
    // Closing the target leaves the other endpoint running.
    expect(other.server.listening).toBe(true)
  })

  it('refuses to start without the account id, and says what STS reports at the endpoint', async () => {
    const helpers = await helpersWith({MOMENTO_EB_CONTRACT_ENDPOINT: other.endpoint, MOMENTO_EB_CONTRACT_ACCOUNT: ''})
    await expect(helpers.startContractTarget()).rejects.toThrow(
      /Set MOMENTO_EB_CONTRACT_ACCOUNT .*STS GetCallerIdentity there says 000000000000/,
    )
  })

  it('skips sandbox-only tests with the reason, and runs them without the switch', async () => {
    const skip = vi.fn()
    ;(await helpersWith({MOMENTO_EB_CONTRACT_ENDPOINT: other.endpoint})).sandboxOnly({skip}, 'reads the store')
    expect(skip).toHaveBeenCalledWith(true, 'sandbox only: reads the store')
    skip.mockClear()
    ;(await helpersWith({MOMENTO_EB_CONTRACT_ENDPOINT: ''})).sandboxOnly({skip}, 'reads the store')
    expect(skip).toHaveBeenCalledWith(false, 'sandbox only: reads the store')
  })
})
