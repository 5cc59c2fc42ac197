import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

describe('STS', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => sandbox.close())

  it('GetCallerIdentity answers with the sandbox account', async () => {
    const sts = new STSClient(clientConfig(sandbox))
    const out = await sts.send(new GetCallerIdentityCommand({}))
    expect(out.Account).toBe('000000000000')
    expect(out.Arn).toBe('arn:aws:iam::000000000000:root')
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers an unknown query action with an XML InvalidAction error', async () => {
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
