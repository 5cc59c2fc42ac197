/**
 * Connection credentials: which auth parameters go with which authorization type, the JSON the
 * connection's Secrets Manager secret holds, and the redacted view Describe returns.
 */
import {validationError} from '../../protocol/errors.js'
import type {Connection, ConnectionHttpParameter} from '../model.js'

type AuthorizationType = Connection['AuthorizationType']
type AuthParameters = Connection['AuthParameters']

const MEMBER_OF: Record<AuthorizationType, 'ApiKeyAuthParameters' | 'BasicAuthParameters' | 'OAuthParameters'> = {
  API_KEY: 'ApiKeyAuthParameters',
  BASIC: 'BasicAuthParameters',
  OAUTH_CLIENT_CREDENTIALS: 'OAuthParameters',
}

/**
 * Require the auth parameters of `type` and no other kind: AWS stores exactly one set of
 * credentials per connection (docs/reference/aws-facts.md#eb-connection).
 */
export function checkAuthMatchesType(type: AuthorizationType, auth: AuthParameters): void {
  const wanted = MEMBER_OF[type]
  if (auth[wanted] === undefined) {
    throw validationError(
      `AuthParameters must contain ${wanted} for AuthorizationType ${type}; the request did not contain the required authorization parameters.`,
    )
  }
  const others = Object.values(MEMBER_OF).filter((member) => member !== wanted && auth[member] !== undefined)
  if (others.length > 0) {
    throw validationError(`AuthParameters for AuthorizationType ${type} must not contain ${others.join(', ')}.`)
  }
}

/**
 * The tag AWS puts on every secret a service manages for you; EventBridge's connection secrets carry
 * `aws:secretsmanager:owningService=events` (shown by DescribeSecret and ListSecrets). The only
 * tag the sandbox adds: never anything derived from the credentials.
 */
export const OWNING_SERVICE_TAG = {Key: 'aws:secretsmanager:owningService', Value: 'events'} as const

type SecretParameter = {key: string; value: string; is_value_secret: boolean}

/**
 * `InvocationHttpParameters` as AWS stores them in the connection's secret, beside the credentials:
 * snake_case lists of `{key, value, is_value_secret}` (secret values included: the secret is where
 * they live). Lists the request left out stay out. AWS's exact key names are known from secrets
 * seen in accounts and emulators, not from a published schema.
 */
function invocationParametersOf(auth: AuthParameters): Record<string, SecretParameter[]> | undefined {
  const parameters = auth.InvocationHttpParameters
  if (!parameters) return undefined
  const list = (items: ConnectionHttpParameter[] | undefined): SecretParameter[] | undefined =>
    items?.map((p) => ({key: p.Key, value: p.Value, is_value_secret: p.IsValueSecret ?? false}))
  const out: Record<string, SecretParameter[]> = {}
  const headers = list(parameters.HeaderParameters)
  const query = list(parameters.QueryStringParameters)
  const body = list(parameters.BodyParameters)
  if (headers) out['header_parameters'] = headers
  if (query) out['query_string_parameters'] = query
  if (body) out['body_parameters'] = body
  return out
}

/**
 * The JSON the connection's secret holds: the credentials of its authorization type and, when the
 * connection has them, its `invocation_http_parameters`. Key names follow LocalStack's emulation;
 * AWS's own layout is not documented (docs/reference/aws-facts.md#eb-connection), so nothing outside the
 * sandbox should depend on it.
 */
export function secretStringOf(type: AuthorizationType, auth: AuthParameters): string {
  const invocation = invocationParametersOf(auth)
  return JSON.stringify({
    ...credentialsOf(type, auth),
    ...(invocation ? {invocation_http_parameters: invocation} : {}),
  })
}

function credentialsOf(type: AuthorizationType, auth: AuthParameters): Record<string, unknown> {
  switch (type) {
    case 'API_KEY':
      return {
        api_key_name: auth.ApiKeyAuthParameters?.ApiKeyName,
        api_key_value: auth.ApiKeyAuthParameters?.ApiKeyValue,
      }
    case 'BASIC':
      return {
        username: auth.BasicAuthParameters?.Username,
        password: auth.BasicAuthParameters?.Password,
      }
    case 'OAUTH_CLIENT_CREDENTIALS': {
      const oauth = (auth.OAuthParameters ?? {}) as {
        ClientParameters?: {ClientID?: string; ClientSecret?: string}
        AuthorizationEndpoint?: string
        HttpMethod?: string
      }
      return {
        client_id: oauth.ClientParameters?.ClientID,
        client_secret: oauth.ClientParameters?.ClientSecret,
        authorization_endpoint: oauth.AuthorizationEndpoint,
        http_method: oauth.HttpMethod,
      }
    }
  }
}

type HttpParameters = NonNullable<AuthParameters['InvocationHttpParameters']>

/** Secret parameter values (`IsValueSecret`) are write-only, like the credentials. */
function redactParameters(parameters: HttpParameters | undefined): HttpParameters | undefined {
  if (!parameters) return undefined
  const redact = (list: ConnectionHttpParameter[] | undefined): ConnectionHttpParameter[] | undefined =>
    list?.map((p) => (p.IsValueSecret ? {Key: p.Key, IsValueSecret: true} : {...p})) as
      ConnectionHttpParameter[] | undefined
  const out: HttpParameters = {}
  const headers = redact(parameters.HeaderParameters)
  const query = redact(parameters.QueryStringParameters)
  const body = redact(parameters.BodyParameters)
  if (headers) out.HeaderParameters = headers
  if (query) out.QueryStringParameters = query
  if (body) out.BodyParameters = body
  return out
}

/**
 * AuthParameters as DescribeConnection returns them: names and endpoints, never a key value,
 * password or client secret.
 */
export function authView(auth: AuthParameters): Record<string, unknown> {
  const view: Record<string, unknown> = {}
  if (auth.ApiKeyAuthParameters) view['ApiKeyAuthParameters'] = {ApiKeyName: auth.ApiKeyAuthParameters.ApiKeyName}
  if (auth.BasicAuthParameters) view['BasicAuthParameters'] = {Username: auth.BasicAuthParameters.Username}
  if (auth.OAuthParameters) {
    const oauth = auth.OAuthParameters as {
      ClientParameters?: {ClientID?: string}
      AuthorizationEndpoint?: string
      HttpMethod?: string
      OAuthHttpParameters?: HttpParameters
    }
    view['OAuthParameters'] = Object.fromEntries(
      Object.entries({
        ClientParameters: {ClientID: oauth.ClientParameters?.ClientID},
        AuthorizationEndpoint: oauth.AuthorizationEndpoint,
        HttpMethod: oauth.HttpMethod,
        OAuthHttpParameters: redactParameters(oauth.OAuthHttpParameters),
      }).filter(([, v]) => v !== undefined),
    )
  }
  const invocation = redactParameters(auth.InvocationHttpParameters)
  if (invocation) view['InvocationHttpParameters'] = invocation
  return view
}

/** The state a connection reaches once its credentials are stored (the sandbox never calls an OAuth endpoint). */
export function authorizedState(type: AuthorizationType): string {
  return type === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : 'AUTHORIZED'
}
