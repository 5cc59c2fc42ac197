import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {epochSeconds, requireLiveSecret, secretsStore} from '../secrets.js'
import {defined} from './shared.js'

/**
 * GetSecretValue by name, ARN or partial ARN; `VersionId` and/or `VersionStage` pick the version
 * (default `AWSCURRENT`). Service-owned secrets (connections) are readable, as for the account owner.
 */
export const getSecretValue: Operation = (input, ctx) => {
  const secret = requireLiveSecret(secretsStore(ctx), input['SecretId'] as string, ctx.state)
  const versionId = input['VersionId'] as string | undefined
  const stage = (input['VersionStage'] as string | undefined) ?? (versionId === undefined ? 'AWSCURRENT' : undefined)
  const version = [...secret.versions.values()].find(
    (v) =>
      (versionId === undefined || v.VersionId === versionId) &&
      (stage === undefined || v.VersionStages.includes(stage)),
  )
  if (!version || (version.SecretString === undefined && version.SecretBinary === undefined)) {
    const what = versionId !== undefined ? `VersionId: ${versionId}` : `staging label: ${stage ?? 'AWSCURRENT'}`
    throw new ServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for ${what}`,
    )
  }
  secret.LastAccessedDate = Math.floor(epochSeconds(ctx.state) / 86_400) * 86_400
  return defined({
    ARN: secret.ARN,
    Name: secret.Name,
    VersionId: version.VersionId,
    SecretString: version.SecretString,
    SecretBinary: version.SecretBinary?.toString('base64'),
    VersionStages: [...version.VersionStages],
    CreatedDate: version.CreatedDate,
  })
}
