/**
 * Finding the DLQ from a stack, against the sandbox's CloudFormation: our stack's `DlqUrl` output,
 * and a launch-button-like stack that only has an AWS::SQS::Queue resource.
 */
import {CloudFormationClient, CreateStackCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName, TEST_LONG_POLL_SCALE} from '../helpers/sandbox.js'

describe('dlq list --stack', () => {
  let sandbox: RunningSandbox
  let cfn: CloudFormationClient
  let sqs: SQSClient
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  const createStack = async (name: string, template: unknown) => {
    await cfn.send(new CreateStackCommand({StackName: name, TemplateBody: JSON.stringify(template)}))
    return until(`stack ${name}`, async () => {
      const stack = (await cfn.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
      if (stack?.StackStatus?.endsWith('_FAILED') || stack?.StackStatus?.includes('ROLLBACK')) {
        throw new Error(`stack ${name}: ${stack.StackStatus} ${stack.StackStatusReason ?? ''}`)
      }
      return stack?.StackStatus === 'CREATE_COMPLETE' ? stack : undefined
    })
  }
  const seed = (queueUrl: string, body: string) =>
    sqs.send(new SendMessageCommand({QueueUrl: queueUrl, MessageBody: body}))

  beforeAll(async () => {
    sandbox = await startTestSandbox({longPollScale: TEST_LONG_POLL_SCALE})
    cfn = new CloudFormationClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    cfn?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('uses the DlqUrl output, with --stack and with MOMENTO_EB_STACK', async () => {
    const name = uniqueName('ours')
    const stack = await createStack(name, {
      Resources: {Dlq: {Type: 'AWS::SQS::Queue'}, Other: {Type: 'AWS::SQS::Queue'}},
      Outputs: {DlqUrl: {Value: {Ref: 'Dlq'}}},
    })
    const url = stack.Outputs?.find((o) => o.OutputKey === 'DlqUrl')?.OutputValue as string
    await seed(url, '{"detail-type":"cacheSet","detail":{"cacheName":"a","key":"k"}}')
    const run = await runCli(['dlq', 'list', '--sandbox', '--stack', name, '--json'], {inProcess: true, env})
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({queueUrl: url, count: 1})
    const viaEnv = await runCli(['dlq', 'list', '--sandbox', '--json'], {
      inProcess: true,
      env: {...env, MOMENTO_EB_STACK: name},
    })
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({queueUrl: url})
  })

  it("falls back to the stack's SQS queue when there is no output (launch-button stack)", async () => {
    const name = uniqueName('launch')
    await createStack(name, {Resources: {MomentoDLQ: {Type: 'AWS::SQS::Queue'}}})
    const run = await runCli(['dlq', 'list', '--sandbox', '--stack', name, '--json'], {inProcess: true, env})
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({count: 0, scanned: 0})
    expect(JSON.parse(run.stdout).queueUrl).toMatch(/\/[^/]+$/)
  })

  it('an unknown stack exits 1 and names it', async () => {
    const run = await runCli(['dlq', 'list', '--sandbox', '--stack', 'no-such-stack'], {inProcess: true, env})
    expect(run.code, show(run)).toBe(1)
    expect(run.stderr).toMatch(/Stack no-such-stack doesn't exist/)
    expect(run.stderr).toMatch(/--queue-url/)
  })
})
