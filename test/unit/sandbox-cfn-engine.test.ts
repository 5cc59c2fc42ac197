/**
 * Lifecycle of the sandbox's CloudFormation engine: change set status progression, pacing that
 * stops when the sandbox closes, DeleteStack during a deploy, and executing one change set
 * discarding the others.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation'
import {ListQueuesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {describe, expect, it} from 'vitest'

import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

/** A template of `n` queues, named after the stack so the test can count what exists. */
function queues(n: number): string {
  const resources = Object.fromEntries(Array.from({length: n}, (_, i) => [`Queue${i}`, {Type: 'AWS::SQS::Queue'}]))
  return JSON.stringify({Resources: resources})
}

describe('CloudFormation engine lifecycle', () => {
  it('reports CREATE_PENDING / CREATE_IN_PROGRESS before CREATE_COMPLETE, and refuses to execute meanwhile', async () => {
    // timeScale 10: the change set takes 2 s to be ready, long enough to see the early statuses.
    const sandbox = await startTestSandbox({timeScale: 10})
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    try {
      const created = await cfn.send(
        new CreateChangeSetCommand({
          StackName: uniqueName('pending'),
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: queues(1),
        }),
      )
      const early = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
      expect(['CREATE_PENDING', 'CREATE_IN_PROGRESS']).toContain(early.Status)
      expect(early.ExecutionStatus).toBe('UNAVAILABLE')
      expect(early.Changes).toEqual([])
      await expect(cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))).rejects.toMatchObject({
        name: 'InvalidChangeSetStatusException',
      })
    } finally {
      cfn.destroy()
      await sandbox.close()
    }
  })

  it('stops a slow deploy promptly when the sandbox closes', async () => {
    // timeScale 1: 50–200 ms per step, so 30 queues would take seconds.
    const sandbox = await startTestSandbox({timeScale: 1})
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    let closed = false
    try {
      const stackName = uniqueName('slow')
      const created = await cfn.send(
        new CreateChangeSetCommand({
          StackName: stackName,
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: queues(30),
        }),
      )
      await until('the change set', async () => {
        const cs = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
        return cs.Status === 'CREATE_COMPLETE' ? cs : undefined
      })
      await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))
      const stack = (await cfn.send(new DescribeStacksCommand({StackName: stackName}))).Stacks?.[0]
      expect(stack?.StackStatus).toBe('CREATE_IN_PROGRESS')
      const started = Date.now()
      closed = true
      await sandbox.close()
      expect(Date.now() - started).toBeLessThan(1000)
    } finally {
      cfn.destroy()
      if (!closed) await sandbox.close()
    }
  })

  it('a DeleteStack sent during a deploy runs after it and leaves nothing behind', async () => {
    const sandbox = await startTestSandbox({timeScale: 0.05})
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    const sqs = new SQSClient(clientConfig(sandbox))
    try {
      const stackName = uniqueName('doomed')
      const created = await cfn.send(
        new CreateChangeSetCommand({
          StackName: stackName,
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: queues(5),
        }),
      )
      const id = (await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))).StackId as string
      await until('the change set', async () => {
        const cs = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
        return cs.Status === 'CREATE_COMPLETE' ? cs : undefined
      })
      await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))
      await cfn.send(new DeleteStackCommand({StackName: stackName}))
      const final = await until('the stack to be deleted', async () => {
        const stack = (await cfn.send(new DescribeStacksCommand({StackName: id}))).Stacks?.[0]
        return stack?.StackStatus === 'DELETE_COMPLETE' || stack?.StackStatus === 'DELETE_FAILED' ? stack : undefined
      })
      expect(final.StackStatus).toBe('DELETE_COMPLETE')
      expect((await sqs.send(new ListQueuesCommand({QueueNamePrefix: stackName}))).QueueUrls ?? []).toEqual([])
    } finally {
      cfn.destroy()
      sqs.destroy()
      await sandbox.close()
    }
  })

  it('executing one change set deletes the stack’s other change sets', async () => {
    const sandbox = await startTestSandbox()
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    try {
      const stackName = uniqueName('two')
      for (const name of ['one', 'two']) {
        await cfn.send(
          new CreateChangeSetCommand({
            StackName: stackName,
            ChangeSetName: name,
            ChangeSetType: 'CREATE',
            TemplateBody: queues(1),
          }),
        )
      }
      await until('both change sets', async () => {
        const list = await cfn.send(new ListChangeSetsCommand({StackName: stackName}))
        return list.Summaries?.every((s) => s.Status === 'CREATE_COMPLETE') ? list : undefined
      })
      await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: 'two', StackName: stackName}))
      const list = await cfn.send(new ListChangeSetsCommand({StackName: stackName}))
      expect(list.Summaries?.map((s) => s.ChangeSetName)).toEqual(['two'])
      await expect(
        cfn.send(new DescribeChangeSetCommand({ChangeSetName: 'one', StackName: stackName})),
      ).rejects.toMatchObject({name: 'ChangeSetNotFoundException'})
    } finally {
      cfn.destroy()
      await sandbox.close()
    }
  })
})
