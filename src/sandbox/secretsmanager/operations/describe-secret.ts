import type {Operation} from '../../protocol/context.js'
import type {Secret} from '../model.js'
import {requireSecret, secretsStore} from '../secrets.js'
import {defined, versionsToStages} from './shared.js'

/** A secret's metadata, never its value: DescribeSecret and the entries of ListSecrets. */
export function secretMetadata(secret: Secret): Record<string, unknown> {
  return defined({
    ARN: secret.ARN,
    Name: secret.Name,
    Description: secret.Description,
    KmsKeyId: secret.KmsKeyId,
    RotationEnabled: false,
    LastChangedDate: secret.LastChangedDate,
    LastAccessedDate: secret.LastAccessedDate,
    DeletedDate: secret.DeletedDate,
    Tags: secret.Tags,
    VersionIdsToStages: versionsToStages(secret),
    OwningService: secret.OwningService,
    CreatedDate: secret.CreatedDate,
  })
}

/** DescribeSecret: works on secrets scheduled for deletion too (they show `DeletedDate`). */
export const describeSecret: Operation = (input, ctx) =>
  secretMetadata(requireSecret(secretsStore(ctx), input['SecretId'] as string, ctx.state))
