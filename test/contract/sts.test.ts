import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  EXTERNAL_ENDPOINT,
  sandboxOnly,
  startContractTarget,
  UNSIGNED_RAW_REQUEST,
} from '../helpers/sandbox.js'

describe('STS', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startContractTarget()
  })
  afterAll(async () => sandbox.close())

  it('GetCallerIdentity answers with the sandbox account', async () => {
    const sts = new STSClient(clientConfig(sandbox))
    const out = await sts.send(new GetCallerIdentityCommand({}))
    expect(out.Account).toBe(CONTRACT_ACCOUNT)
    // The ARN is the caller's: the sandbox answers as the account root, AWS with the credentials' principal.
    if (EXTERNAL_ENDPOINT) expect(out.Arn).toMatch(new RegExp(`^arn:aws:(iam|sts)::${CONTRACT_ACCOUNT}:`))
    else expect(out.Arn).toBe(`arn:aws:iam::${CONTRACT_ACCOUNT}:root`)
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers an unknown query action with an XML InvalidAction error', async (ctx) => {
    sandboxOnly(ctx, UNSIGNED_RAW_REQUEST)
    const res = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'Action=Nope&Version=2011-06-15',
    })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).toContain('<Code>InvalidAction</Code>')
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy()
  })
})
