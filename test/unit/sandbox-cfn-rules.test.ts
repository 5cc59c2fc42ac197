/**
 * CloudFormation's field rules (src/sandbox/cloudformation/validation.ts) over the wire: the real
 * @aws-sdk/client-cloudformation (which checks nothing itself) against the sandbox. A violation is
 * a `ValidationError` worded as AWS words it, found before any handler looks at the store.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStacksCommand,
  type Capability,
  type ChangeSetType,
  type StackStatus,
} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {until} from '../helpers/integration.js'
import {clientConfig, failure, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const TEMPLATE = JSON.stringify({Resources: {Queue: {Type: 'AWS::SQS::Queue'}}})
const NAME_OR_ARN = '([a-zA-Z][-a-zA-Z0-9]*)|(arn:\\b(aws|aws-us-gov|aws-cn)\\b:[-a-zA-Z0-9:/._+]*)'

let sandbox: RunningSandbox
let cfn: CloudFormationClient

beforeAll(async () => {
  sandbox = await startTestSandbox()
  cfn = new CloudFormationClient(clientConfig(sandbox))
})

afterAll(async () => {
  cfn.destroy()
  await sandbox.close()
})

/** The error of `promise` as the SDK surfaces it. */
async function refusal(promise: Promise<unknown>) {
  const error = await failure(promise)
  return {name: error.name, message: error.message, status: error.$metadata?.httpStatusCode}
}

const refused = (message: string) => ({name: 'ValidationError', message, status: 400})

async function stackExists(name: string): Promise<boolean> {
  return cfn.send(new DescribeStacksCommand({StackName: name})).then(
    () => true,
    () => false,
  )
}

describe('CloudFormation field rules', () => {
  it('refuses a CreateChangeSet without ChangeSetName, and creates no stack', async () => {
    const stackName = uniqueName('rules-missing')
    const input = {StackName: stackName, ChangeSetType: 'CREATE', TemplateBody: TEMPLATE} as const
    // @ts-expect-error ChangeSetName is required by the SDK's types, not checked by the SDK
    const error = await refusal(cfn.send(new CreateChangeSetCommand(input)))
    expect(error).toEqual(
      refused(
        "1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null",
      ),
    )
    expect(await stackExists(stackName)).toBe(false)
  })

  it('refuses an over-long change set name and a stack name off the pattern', async () => {
    const long = `c${'a'.repeat(128)}`
    expect(
      await refusal(
        cfn.send(
          new CreateChangeSetCommand({
            StackName: uniqueName('rules-long'),
            ChangeSetName: long,
            TemplateBody: TEMPLATE,
          }),
        ),
      ),
    ).toEqual(
      refused(
        `1 validation error detected: Value '${long}' at 'changeSetName' failed to satisfy constraint: Member must have length less than or equal to 128`,
      ),
    )
    expect(
      await refusal(
        cfn.send(new CreateChangeSetCommand({StackName: 'bad_name', ChangeSetName: 'c', TemplateBody: TEMPLATE})),
      ),
    ).toEqual(
      refused(
        `1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_OR_ARN}`,
      ),
    )
  })

  it('refuses values outside an enum: ChangeSetType, Capabilities (reported on the list), StackStatusFilter', async () => {
    const stackName = uniqueName('rules-enum')
    const type = 'REPLACE' as ChangeSetType
    expect(
      await refusal(
        cfn.send(
          new CreateChangeSetCommand({
            StackName: stackName,
            ChangeSetName: 'c',
            ChangeSetType: type,
            TemplateBody: TEMPLATE,
          }),
        ),
      ),
    ).toEqual(
      refused(
        "1 validation error detected: Value 'REPLACE' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, UPDATE, IMPORT]",
      ),
    )
    const capabilities = ['CAPABILITY_IAM', 'CAPABILITY_ROOT'] as Capability[]
    expect(
      await refusal(
        cfn.send(new CreateStackCommand({StackName: stackName, TemplateBody: TEMPLATE, Capabilities: capabilities})),
      ),
    ).toEqual(
      refused(
        "1 validation error detected: Value '[CAPABILITY_IAM, CAPABILITY_ROOT]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]]",
      ),
    )
    expect(await stackExists(stackName)).toBe(false)
    const filter = ['CREATE_COMPLETE', 'DONE'] as StackStatus[]
    const listed = await refusal(cfn.send(new ListStacksCommand({StackStatusFilter: filter})))
    expect(listed.message).toMatch(
      /^1 validation error detected: Value '\[CREATE_COMPLETE, DONE\]' at 'stackStatusFilter' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[CREATE_IN_PROGRESS, .*, IMPORT_ROLLBACK_COMPLETE\]\]$/,
    )
  })

  it('lists two violations at once, in model order', async () => {
    // @ts-expect-error StackName is required by the SDK's types, not checked by the SDK
    const input: ConstructorParameters<typeof CreateChangeSetCommand>[0] = {
      ChangeSetName: 'bad_name',
      TemplateBody: TEMPLATE,
    }
    expect(await refusal(cfn.send(new CreateChangeSetCommand(input)))).toEqual(
      refused(
        "2 validation errors detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null; " +
          "Value 'bad_name' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
      ),
    )
  })

  it('checks the rules before the store: a missing LogicalResourceId on an unknown stack', async () => {
    // @ts-expect-error LogicalResourceId is required by the SDK's types, not checked by the SDK
    const input: ConstructorParameters<typeof DescribeStackResourceCommand>[0] = {StackName: 'no-such-stack'}
    expect(await refusal(cfn.send(new DescribeStackResourceCommand(input)))).toEqual(
      refused(
        "1 validation error detected: Value null at 'logicalResourceId' failed to satisfy constraint: Member must not be null",
      ),
    )
  })

  it('reads query scalars as the model types them: an integer below its minimum, a token off its pattern', async () => {
    expect(
      await refusal(
        cfn.send(
          new CreateStackCommand({StackName: uniqueName('rules-int'), TemplateBody: TEMPLATE, TimeoutInMinutes: 0}),
        ),
      ),
    ).toEqual(
      refused(
        "1 validation error detected: Value '0' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    )
    expect(
      await refusal(
        cfn.send(new ExecuteChangeSetCommand({ChangeSetName: 'c', StackName: 's', ClientRequestToken: 'no spaces'})),
      ),
    ).toEqual(
      refused(
        "1 validation error detected: Value 'no spaces' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*",
      ),
    )
  })

  it('lets a valid request with booleans, an empty list and a stack ARN through', async () => {
    const stackName = uniqueName('rules-ok')
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: TEMPLATE,
        Capabilities: ['CAPABILITY_IAM'],
        Tags: [],
        Description: 'valid',
      }),
    )
    // Executed by the stack's ARN once ready; only "not ready yet" is retried.
    await until('the change set to execute', async () => {
      try {
        await cfn.send(
          new ExecuteChangeSetCommand({ChangeSetName: 'first', StackName: created.StackId, DisableRollback: true}),
        )
        return true
      } catch (error) {
        if ((error as Error).name === 'InvalidChangeSetStatusException') return undefined
        throw error
      }
    })
    const {Stacks} = await cfn.send(new DescribeStacksCommand({StackName: stackName}))
    expect(Stacks?.[0]?.DisableRollback).toBe(true)
  })
})
