import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {createSecret as create, currentVersion, secretsStore} from '../secrets.js'
import {defined, valueOf} from './shared.js'

/** Names may hold ASCII letters, digits and `/_+=.@-!` (`!` is how service-owned secrets are named). */
const NAME = /^[A-Za-z0-9/_+=.@!-]+$/

/** CreateSecret. `VersionId` is returned only when the request carried a value. */
export const createSecret: Operation = (input, ctx) => {
  const name = input['Name'] as string
  if (!NAME.test(name)) {
    throw new ServiceError(
      'InvalidParameterException',
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    )
  }
  const secret = create(secretsStore(ctx), ctx.state, ctx.region, {
    name,
    description: input['Description'] as string | undefined,
    kmsKeyId: input['KmsKeyId'] as string | undefined,
    tags: input['Tags'] as {Key: string; Value: string}[] | undefined,
    value: valueOf(input),
    versionId: input['ClientRequestToken'] as string | undefined,
  })
  return defined({ARN: secret.ARN, Name: secret.Name, VersionId: currentVersion(secret)?.VersionId})
}
