import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  ListConnectionsCommand,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge'
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, failure, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const ACCOUNT = '000000000000'
const API_KEY = 'momento-key-THAT-MUST-NOT-LEAK-0123456789'

describe('EventBridge connections and API destinations', () => {
  let sandbox: RunningSandbox
  let eb: EventBridgeClient
  let sm: SecretsManagerClient
  beforeAll(async () => {
    sandbox = await startTestSandbox()
    eb = new EventBridgeClient(clientConfig(sandbox))
    sm = new SecretsManagerClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    eb.destroy()
    sm.destroy()
    await sandbox.close()
  })

  async function apiKeyConnection(name = uniqueName('conn'), value = API_KEY) {
    const out = await eb.send(
      new CreateConnectionCommand({
        Name: name,
        AuthorizationType: 'API_KEY',
        AuthParameters: {
          ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: value},
          InvocationHttpParameters: {
            HeaderParameters: [
              {Key: 'x-plain', Value: 'visible', IsValueSecret: false},
              {Key: 'x-secret', Value: 'hidden-value', IsValueSecret: true},
            ],
          },
        },
      }),
    )
    return {name, ...out}
  }

  describe('connections', () => {
    it('creates an AUTHORIZED API_KEY connection whose secret holds the key', async () => {
      const conn = await apiKeyConnection()
      expect(conn.ConnectionArn).toMatch(
        new RegExp(`^arn:aws:events:us-east-1:${ACCOUNT}:connection/${conn.name}/[0-9a-f-]{36}$`),
      )
      expect(conn.ConnectionState).toBe('AUTHORIZED')
      expect(conn.CreationTime).toBeInstanceOf(Date)
      expect(conn.LastModifiedTime).toBeInstanceOf(Date)

      const described = await eb.send(new DescribeConnectionCommand({Name: conn.name}))
      const uuid = conn.ConnectionArn?.split('/').pop()
      expect(described.SecretArn).toMatch(
        new RegExp(
          `^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:events!connection/${conn.name}/${uuid}-[A-Za-z0-9]{6}$`,
        ),
      )
      const secret = await sm.send(new GetSecretValueCommand({SecretId: described.SecretArn}))
      // The connection's invocation parameters live in the secret beside the key, as on AWS.
      expect(JSON.parse(secret.SecretString ?? '')).toEqual({
        api_key_name: 'Authorization',
        api_key_value: API_KEY,
        invocation_http_parameters: {
          header_parameters: [
            {key: 'x-plain', value: 'visible', is_value_secret: false},
            {key: 'x-secret', value: 'hidden-value', is_value_secret: true},
          ],
        },
      })
      expect(secret.Name).toBe(`events!connection/${conn.name}/${uuid}`)
    })

    it('never returns the API key or secret parameter values from DescribeConnection', async () => {
      const conn = await apiKeyConnection()
      const res = await fetch(`${sandbox.endpoint}/`, {
        method: 'POST',
        headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.DescribeConnection'},
        body: JSON.stringify({Name: conn.name}),
      })
      const text = await res.text()
      expect(res.status).toBe(200)
      expect(text).not.toContain(API_KEY)
      expect(text).not.toContain('hidden-value')
      const body = JSON.parse(text) as Record<string, unknown>
      expect(body['AuthParameters']).toEqual({
        ApiKeyAuthParameters: {ApiKeyName: 'Authorization'},
        InvocationHttpParameters: {
          HeaderParameters: [
            {Key: 'x-plain', Value: 'visible', IsValueSecret: false},
            {Key: 'x-secret', IsValueSecret: true},
          ],
        },
      })
      expect(body['SecretArn']).toEqual(expect.stringContaining(':secret:events!connection/'))
      expect(body['AuthorizationType']).toBe('API_KEY')

      const listed = await fetch(`${sandbox.endpoint}/`, {
        method: 'POST',
        headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListConnections'},
        body: '{}',
      })
      expect(await listed.text()).not.toContain(API_KEY)
    })

    it('rotates the key on UpdateConnection: the secret follows, Describe still hides it', async () => {
      const conn = await apiKeyConnection()
      const rotated = 'rotated-key-abcdef'
      const out = await eb.send(
        new UpdateConnectionCommand({
          Name: conn.name,
          Description: 'rotated',
          AuthParameters: {ApiKeyAuthParameters: {ApiKeyValue: rotated}},
        }),
      )
      expect(out.ConnectionArn).toBe(conn.ConnectionArn)
      expect(out.ConnectionState).toBe('AUTHORIZED')
      const described = await eb.send(new DescribeConnectionCommand({Name: conn.name}))
      expect(described.Description).toBe('rotated')
      expect(described.AuthParameters?.ApiKeyAuthParameters).toEqual({ApiKeyName: 'Authorization'})
      const secret = await sm.send(new GetSecretValueCommand({SecretId: described.SecretArn}))
      expect(JSON.parse(secret.SecretString ?? '')).toEqual({
        api_key_name: 'Authorization',
        api_key_value: rotated,
        invocation_http_parameters: {
          header_parameters: [
            {key: 'x-plain', value: 'visible', is_value_secret: false},
            {key: 'x-secret', value: 'hidden-value', is_value_secret: true},
          ],
        },
      })
      const previous = await sm.send(
        new GetSecretValueCommand({SecretId: described.SecretArn, VersionStage: 'AWSPREVIOUS'}),
      )
      expect(JSON.parse(previous.SecretString ?? '')).toMatchObject({api_key_value: API_KEY})
    })

    it('tags the connection secret owningService=events, and the key shows only in the secret value', async () => {
      const conn = await apiKeyConnection()
      const described = await eb.send(new DescribeConnectionCommand({Name: conn.name}))
      const metadata = await sm.send(new DescribeSecretCommand({SecretId: described.SecretArn}))
      expect(metadata.Tags).toEqual([{Key: 'aws:secretsmanager:owningService', Value: 'events'}])
      expect(metadata.OwningService).toBe('events')
      const listed = await sm.send(
        new ListSecretsCommand({Filters: [{Key: 'name', Values: [`events!connection/${conn.name}/`]}]}),
      )
      expect(listed.SecretList?.map((secret) => secret.Tags)).toEqual([
        [{Key: 'aws:secretsmanager:owningService', Value: 'events'}],
      ])
      for (const output of [described, metadata, listed]) {
        const text = JSON.stringify(output)
        expect(text).not.toContain(API_KEY)
        expect(text).not.toContain('hidden-value')
      }
      const value = await sm.send(new GetSecretValueCommand({SecretId: described.SecretArn}))
      expect(value.SecretString).toContain(API_KEY)
    })

    it('stores query-string and body invocation parameters in the secret in snake_case', async () => {
      const name = uniqueName('params')
      await eb.send(
        new CreateConnectionCommand({
          Name: name,
          AuthorizationType: 'BASIC',
          AuthParameters: {
            BasicAuthParameters: {Username: 'u', Password: 'p4ss'},
            InvocationHttpParameters: {
              QueryStringParameters: [{Key: 'q', Value: 'v'}],
              BodyParameters: [{Key: 'b', Value: 'secret-body', IsValueSecret: true}],
            },
          },
        }),
      )
      const described = await eb.send(new DescribeConnectionCommand({Name: name}))
      const secret = await sm.send(new GetSecretValueCommand({SecretId: described.SecretArn}))
      expect(JSON.parse(secret.SecretString ?? '')).toEqual({
        username: 'u',
        password: 'p4ss',
        invocation_http_parameters: {
          query_string_parameters: [{key: 'q', value: 'v', is_value_secret: false}],
          body_parameters: [{key: 'b', value: 'secret-body', is_value_secret: true}],
        },
      })
      // Without invocation parameters the secret holds the credentials alone.
      const plain = uniqueName('plain')
      await eb.send(
        new CreateConnectionCommand({
          Name: plain,
          AuthorizationType: 'BASIC',
          AuthParameters: {BasicAuthParameters: {Username: 'u', Password: 'p'}},
        }),
      )
      const plainSecret = await sm.send(
        new GetSecretValueCommand({
          SecretId: (await eb.send(new DescribeConnectionCommand({Name: plain}))).SecretArn,
        }),
      )
      expect(JSON.parse(plainSecret.SecretString ?? '')).toEqual({username: 'u', password: 'p'})
    })

    it('creates BASIC connections and refuses auth parameters that do not match the type', async () => {
      const name = uniqueName('basic')
      const basic = await eb.send(
        new CreateConnectionCommand({
          Name: name,
          AuthorizationType: 'BASIC',
          AuthParameters: {BasicAuthParameters: {Username: 'u', Password: 'p4ss'}},
        }),
      )
      expect(basic.ConnectionState).toBe('AUTHORIZED')
      const described = await eb.send(new DescribeConnectionCommand({Name: name}))
      expect(described.AuthParameters?.BasicAuthParameters).toEqual({Username: 'u'})

      const mismatch = await failure(
        eb.send(
          new CreateConnectionCommand({
            Name: uniqueName('bad'),
            AuthorizationType: 'API_KEY',
            AuthParameters: {BasicAuthParameters: {Username: 'u', Password: 'p'}},
          }),
        ),
      )
      expect(mismatch.name).toBe('ValidationException')
      expect(mismatch.message).toContain('ApiKeyAuthParameters')
    })

    it('refuses a missing AuthParameters, a duplicate name and unknown connections', async () => {
      const res = await fetch(`${sandbox.endpoint}/`, {
        method: 'POST',
        headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.CreateConnection'},
        body: JSON.stringify({Name: 'x', AuthorizationType: 'API_KEY'}),
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'authParameters' failed to satisfy constraint: Member must not be null",
      })

      const conn = await apiKeyConnection()
      const duplicate = await failure(apiKeyConnection(conn.name))
      expect(duplicate.name).toBe('ResourceAlreadyExistsException')

      const missing = uniqueName('missing')
      const describeMissing = await failure(eb.send(new DescribeConnectionCommand({Name: missing})))
      expect(describeMissing.name).toBe('ResourceNotFoundException')
      expect(describeMissing.message).toContain(`'${missing}' does not exist`)
      expect((await failure(eb.send(new UpdateConnectionCommand({Name: missing})))).name).toBe(
        'ResourceNotFoundException',
      )
      expect((await failure(eb.send(new DeleteConnectionCommand({Name: missing})))).name).toBe(
        'ResourceNotFoundException',
      )
    })

    it('lists connections by prefix and state, with pagination', async () => {
      const prefix = uniqueName('list')
      for (const i of [1, 2, 3]) await apiKeyConnection(`${prefix}-${i}`)
      const first = await eb.send(new ListConnectionsCommand({NamePrefix: prefix, Limit: 2}))
      expect(first.Connections?.map((c) => c.Name)).toEqual([`${prefix}-1`, `${prefix}-2`])
      expect(first.Connections?.[0]).toMatchObject({AuthorizationType: 'API_KEY', ConnectionState: 'AUTHORIZED'})
      const second = await eb.send(
        new ListConnectionsCommand({NamePrefix: prefix, Limit: 2, NextToken: first.NextToken}),
      )
      expect(second.Connections?.map((c) => c.Name)).toEqual([`${prefix}-3`])
      const deauthorized = await eb.send(
        new ListConnectionsCommand({NamePrefix: prefix, ConnectionState: 'DEAUTHORIZED'}),
      )
      expect(deauthorized.Connections).toEqual([])
    })
  })

  describe('API destinations', () => {
    it('creates, describes, updates, lists and deletes an API destination', async () => {
      const conn = await apiKeyConnection()
      const name = uniqueName('dest')
      const created = await eb.send(
        new CreateApiDestinationCommand({
          Name: name,
          ConnectionArn: conn.ConnectionArn,
          InvocationEndpoint: 'http://127.0.0.1:9999/cache/*',
          HttpMethod: 'PUT',
        }),
      )
      expect(created.ApiDestinationArn).toMatch(
        new RegExp(`^arn:aws:events:us-east-1:${ACCOUNT}:api-destination/${name}/[0-9a-f-]{36}$`),
      )
      expect(created.ApiDestinationState).toBe('ACTIVE')

      const described = await eb.send(new DescribeApiDestinationCommand({Name: name}))
      expect(described).toMatchObject({
        Name: name,
        ApiDestinationArn: created.ApiDestinationArn,
        ConnectionArn: conn.ConnectionArn,
        InvocationEndpoint: 'http://127.0.0.1:9999/cache/*',
        HttpMethod: 'PUT',
        InvocationRateLimitPerSecond: 300,
        ApiDestinationState: 'ACTIVE',
      })

      const updated = await eb.send(
        new UpdateApiDestinationCommand({Name: name, HttpMethod: 'POST', InvocationRateLimitPerSecond: 10}),
      )
      expect(updated.ApiDestinationArn).toBe(created.ApiDestinationArn)
      const after = await eb.send(new DescribeApiDestinationCommand({Name: name}))
      expect(after).toMatchObject({HttpMethod: 'POST', InvocationRateLimitPerSecond: 10})

      const byConnection = await eb.send(new ListApiDestinationsCommand({ConnectionArn: conn.ConnectionArn}))
      expect(byConnection.ApiDestinations?.map((d) => d.Name)).toEqual([name])

      await eb.send(new DeleteApiDestinationCommand({Name: name}))
      const gone = await failure(eb.send(new DescribeApiDestinationCommand({Name: name})))
      expect(gone.name).toBe('ResourceNotFoundException')
    })

    it('refuses an unknown connection, a bad method, a bad endpoint and a duplicate name', async () => {
      const conn = await apiKeyConnection()
      const unknown = await failure(
        eb.send(
          new CreateApiDestinationCommand({
            Name: uniqueName('dest'),
            ConnectionArn: `arn:aws:events:us-east-1:${ACCOUNT}:connection/nope/00000000-0000-4000-8000-000000000000`,
            InvocationEndpoint: 'https://example.com/',
            HttpMethod: 'POST',
          }),
        ),
      )
      expect(unknown.name).toBe('ResourceNotFoundException')

      const method = await failure(
        eb.send(
          new CreateApiDestinationCommand({
            Name: uniqueName('dest'),
            ConnectionArn: conn.ConnectionArn,
            InvocationEndpoint: 'https://example.com/',
            HttpMethod: 'TRACE' as 'POST',
          }),
        ),
      )
      expect(method.name).toBe('ValidationException')
      expect(method.message).toContain(
        "at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set",
      )

      const endpoint = await failure(
        eb.send(
          new CreateApiDestinationCommand({
            Name: uniqueName('dest'),
            ConnectionArn: conn.ConnectionArn,
            InvocationEndpoint: 'ftp://example.com/file',
            HttpMethod: 'POST',
          }),
        ),
      )
      expect(endpoint.name).toBe('ValidationException')

      const name = uniqueName('dest')
      const spec = {
        Name: name,
        ConnectionArn: conn.ConnectionArn,
        InvocationEndpoint: 'https://example.com/',
        HttpMethod: 'POST' as const,
      }
      await eb.send(new CreateApiDestinationCommand(spec))
      expect((await failure(eb.send(new CreateApiDestinationCommand(spec)))).name).toBe(
        'ResourceAlreadyExistsException',
      )
    })

    it('pages ListApiDestinations with NamePrefix', async () => {
      const conn = await apiKeyConnection()
      const prefix = uniqueName('pd')
      for (const i of [1, 2, 3]) {
        await eb.send(
          new CreateApiDestinationCommand({
            Name: `${prefix}-${i}`,
            ConnectionArn: conn.ConnectionArn,
            InvocationEndpoint: 'https://example.com/',
            HttpMethod: 'POST',
          }),
        )
      }
      const first = await eb.send(new ListApiDestinationsCommand({NamePrefix: prefix, Limit: 2}))
      const second = await eb.send(
        new ListApiDestinationsCommand({NamePrefix: prefix, Limit: 2, NextToken: first.NextToken}),
      )
      expect([...(first.ApiDestinations ?? []), ...(second.ApiDestinations ?? [])].map((d) => d.Name)).toEqual([
        `${prefix}-1`,
        `${prefix}-2`,
        `${prefix}-3`,
      ])
      expect(second.NextToken).toBeUndefined()
    })

    it('deleting a connection answers DELETING, removes its secret and deactivates its destinations', async () => {
      const conn = await apiKeyConnection()
      const described = await eb.send(new DescribeConnectionCommand({Name: conn.name}))
      const dest = uniqueName('dest')
      await eb.send(
        new CreateApiDestinationCommand({
          Name: dest,
          ConnectionArn: conn.ConnectionArn,
          InvocationEndpoint: 'https://example.com/',
          HttpMethod: 'POST',
        }),
      )
      const deleted = await eb.send(new DeleteConnectionCommand({Name: conn.name}))
      expect(deleted).toMatchObject({ConnectionArn: conn.ConnectionArn, ConnectionState: 'DELETING'})
      expect((await failure(eb.send(new DescribeConnectionCommand({Name: conn.name})))).name).toBe(
        'ResourceNotFoundException',
      )
      const secret = await failure(sm.send(new GetSecretValueCommand({SecretId: described.SecretArn})))
      expect(secret.name).toBe('ResourceNotFoundException')
      const destination = await eb.send(new DescribeApiDestinationCommand({Name: dest}))
      expect(destination.ApiDestinationState).toBe('INACTIVE')
    })
  })
})
