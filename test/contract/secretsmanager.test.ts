import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  failure,
  sandboxOnly,
  startContractTarget,
  uniqueName,
  UNSIGNED_RAW_REQUEST,
} from '../helpers/sandbox.js'

const ACCOUNT = CONTRACT_ACCOUNT

describe('Secrets Manager', () => {
  let sandbox: RunningSandbox
  let sm: SecretsManagerClient
  beforeAll(async () => {
    sandbox = await startContractTarget()
    sm = new SecretsManagerClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    sm.destroy()
    await sandbox.close()
  })

  it('creates a secret with a suffixed ARN and reads it by name, ARN and partial ARN', async () => {
    const name = uniqueName('app/token')
    const created = await sm.send(new CreateSecretCommand({Name: name, SecretString: 's3cret', Description: 'd'}))
    expect(created.Name).toBe(name)
    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${CONTRACT_REGION}:${ACCOUNT}:secret:${name}-[A-Za-z0-9]{6}$`),
    )
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/)

    const partial = created.ARN?.slice(0, -7)
    for (const SecretId of [name, created.ARN, partial]) {
      const value = await sm.send(new GetSecretValueCommand({SecretId}))
      expect(value).toMatchObject({
        ARN: created.ARN,
        Name: name,
        SecretString: 's3cret',
        VersionId: created.VersionId,
        VersionStages: ['AWSCURRENT'],
      })
      expect(value.CreatedDate).toBeInstanceOf(Date)
    }
  })

  it('round-trips binary secrets', async () => {
    const name = uniqueName('bin')
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    await sm.send(new CreateSecretCommand({Name: name, SecretBinary: bytes}))
    const value = await sm.send(new GetSecretValueCommand({SecretId: name}))
    expect([...(value.SecretBinary ?? [])]).toEqual([...bytes])
    expect(value.SecretString).toBeUndefined()
  })

  it('answers unknown secrets with ResourceNotFoundException in AWS words', async () => {
    const error = await failure(sm.send(new GetSecretValueCommand({SecretId: uniqueName('missing')})))
    expect(error.name).toBe('ResourceNotFoundException')
    expect(error.message).toBe("Secrets Manager can't find the specified secret.")
    expect((await failure(sm.send(new DescribeSecretCommand({SecretId: 'nope'})))).name).toBe(
      'ResourceNotFoundException',
    )
  })

  it('refuses duplicate names, invalid names and both value kinds at once', async () => {
    const name = uniqueName('dup')
    await sm.send(new CreateSecretCommand({Name: name, SecretString: 'a'}))
    const duplicate = await failure(sm.send(new CreateSecretCommand({Name: name, SecretString: 'b'})))
    expect(duplicate.name).toBe('ResourceExistsException')
    const invalid = await failure(sm.send(new CreateSecretCommand({Name: 'has space', SecretString: 'a'})))
    expect(invalid.name).toBe('InvalidParameterException')
    const both = await failure(
      sm.send(
        new CreateSecretCommand({Name: uniqueName('both'), SecretString: 'a', SecretBinary: new Uint8Array([1])}),
      ),
    )
    expect(both.name).toBe('InvalidParameterException')
    const missing = await failure(sm.send(new CreateSecretCommand({} as {Name: string})))
    expect(missing.name).toBe('ValidationException')
    expect(missing.message).toContain("Value null at 'name' failed to satisfy constraint: Member must not be null")
  })

  it('moves AWSCURRENT/AWSPREVIOUS on PutSecretValue and reads versions by id and stage', async () => {
    const name = uniqueName('rot')
    const first = await sm.send(new CreateSecretCommand({Name: name, SecretString: 'v1'}))
    const second = await sm.send(new PutSecretValueCommand({SecretId: name, SecretString: 'v2'}))
    expect(second.VersionStages).toEqual(['AWSCURRENT'])
    expect((await sm.send(new GetSecretValueCommand({SecretId: name}))).SecretString).toBe('v2')
    const previous = await sm.send(new GetSecretValueCommand({SecretId: name, VersionStage: 'AWSPREVIOUS'}))
    expect(previous).toMatchObject({SecretString: 'v1', VersionId: first.VersionId, VersionStages: ['AWSPREVIOUS']})
    const byId = await sm.send(new GetSecretValueCommand({SecretId: name, VersionId: first.VersionId}))
    expect(byId.SecretString).toBe('v1')

    const described = await sm.send(new DescribeSecretCommand({SecretId: name}))
    expect(described.VersionIdsToStages).toEqual({
      [first.VersionId ?? '']: ['AWSPREVIOUS'],
      [second.VersionId ?? '']: ['AWSCURRENT'],
    })

    const missingStage = await failure(sm.send(new GetSecretValueCommand({SecretId: name, VersionStage: 'NOPE'})))
    expect(missingStage.name).toBe('ResourceNotFoundException')
  })

  it('treats a repeated ClientRequestToken as idempotent and a changed value as a conflict', async () => {
    const name = uniqueName('idem')
    await sm.send(new CreateSecretCommand({Name: name, SecretString: 'v1'}))
    const token = 'a'.repeat(32)
    const once = await sm.send(
      new PutSecretValueCommand({SecretId: name, SecretString: 'v2', ClientRequestToken: token}),
    )
    const again = await sm.send(
      new PutSecretValueCommand({SecretId: name, SecretString: 'v2', ClientRequestToken: token}),
    )
    expect(again.VersionId).toBe(once.VersionId)
    expect(once.VersionId).toBe(token)
    const conflict = await failure(
      sm.send(new PutSecretValueCommand({SecretId: name, SecretString: 'v3', ClientRequestToken: token})),
    )
    expect(conflict.name).toBe('ResourceExistsException')
  })

  it('updates description and value with UpdateSecret', async () => {
    const name = uniqueName('upd')
    await sm.send(new CreateSecretCommand({Name: name, SecretString: 'v1'}))
    const onlyDescription = await sm.send(new UpdateSecretCommand({SecretId: name, Description: 'new'}))
    expect(onlyDescription.VersionId).toBeUndefined()
    const withValue = await sm.send(new UpdateSecretCommand({SecretId: name, SecretString: 'v2'}))
    expect(withValue.VersionId).toBeTruthy()
    const described = await sm.send(new DescribeSecretCommand({SecretId: name}))
    expect(described.Description).toBe('new')
    expect((await sm.send(new GetSecretValueCommand({SecretId: name}))).SecretString).toBe('v2')
  })

  it('schedules deletion with a recovery window, refuses reads, and restores', async () => {
    const name = uniqueName('del')
    await sm.send(new CreateSecretCommand({Name: name, SecretString: 'v'}))
    const bad = await failure(sm.send(new DeleteSecretCommand({SecretId: name, RecoveryWindowInDays: 3})))
    expect(bad.name).toBe('InvalidParameterException')
    const conflicting = await failure(
      sm.send(new DeleteSecretCommand({SecretId: name, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true})),
    )
    expect(conflicting.name).toBe('InvalidParameterException')

    const deleted = await sm.send(new DeleteSecretCommand({SecretId: name, RecoveryWindowInDays: 7}))
    const described = await sm.send(new DescribeSecretCommand({SecretId: name}))
    expect(described.DeletedDate).toBeInstanceOf(Date)
    const windowMs = (deleted.DeletionDate?.getTime() ?? 0) - (described.DeletedDate?.getTime() ?? 0)
    expect(windowMs).toBe(7 * 86_400_000)

    const read = await failure(sm.send(new GetSecretValueCommand({SecretId: name})))
    expect(read.name).toBe('InvalidRequestException')
    const recreate = await failure(sm.send(new CreateSecretCommand({Name: name, SecretString: 'x'})))
    expect(recreate.name).toBe('InvalidRequestException')

    await sm.send(new RestoreSecretCommand({SecretId: name}))
    expect((await sm.send(new GetSecretValueCommand({SecretId: name}))).SecretString).toBe('v')
  })

  it('deletes at once with ForceDeleteWithoutRecovery', async () => {
    const name = uniqueName('force')
    await sm.send(new CreateSecretCommand({Name: name, SecretString: 'v'}))
    await sm.send(new DeleteSecretCommand({SecretId: name, ForceDeleteWithoutRecovery: true}))
    expect((await failure(sm.send(new DescribeSecretCommand({SecretId: name})))).name).toBe('ResourceNotFoundException')
    const again = await sm.send(new CreateSecretCommand({Name: name, SecretString: 'fresh'}))
    expect(again.Name).toBe(name)
  })

  it('answers odd inputs with a JSON error, never a 500', async (ctx) => {
    sandboxOnly(ctx, UNSIGNED_RAW_REQUEST)
    const operations = ['CreateSecret', 'GetSecretValue', 'DescribeSecret', 'PutSecretValue', 'UpdateSecret']
    const more = ['DeleteSecret', 'RestoreSecret', 'ListSecrets']
    const body =
      '{"Name": 5, "SecretId": [], "SecretBinary": "%%%", "MaxResults": "x", "Filters": [1], "RecoveryWindowInDays": "7"}'
    for (const operation of [...operations, ...more]) {
      const res = await fetch(`${sandbox.endpoint}/`, {
        method: 'POST',
        headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${operation}`},
        body,
      })
      expect({operation, status: res.status}).toEqual({operation, status: 400})
      expect(((await res.json()) as {__type: string}).__type).toBe('ValidationException')
    }
  })

  it('lists secrets with a name filter and pages them', async () => {
    const prefix = uniqueName('ls')
    for (const i of [1, 2, 3]) await sm.send(new CreateSecretCommand({Name: `${prefix}/${i}`, SecretString: 'v'}))
    const filter = [{Key: 'name' as const, Values: [prefix]}]
    const first = await sm.send(new ListSecretsCommand({Filters: filter, MaxResults: 2}))
    const second = await sm.send(new ListSecretsCommand({Filters: filter, MaxResults: 2, NextToken: first.NextToken}))
    const names = [...(first.SecretList ?? []), ...(second.SecretList ?? [])].map((s) => s.Name)
    expect(names).toEqual([`${prefix}/1`, `${prefix}/2`, `${prefix}/3`])
    expect(second.NextToken).toBeUndefined()
    expect(JSON.stringify(first)).not.toContain('SecretString')
  })
})
