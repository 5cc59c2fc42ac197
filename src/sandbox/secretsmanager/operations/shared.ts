/** Helpers the Secrets Manager operations share. */
import {ServiceError} from '../../protocol/errors.js'
import type {Secret} from '../model.js'
import type {SecretValue} from '../secrets.js'

/** The value a request carries (`SecretString` or base64 `SecretBinary`), refusing both at once. */
export function valueOf(input: Record<string, unknown>): SecretValue | undefined {
  const text = input['SecretString'] as string | undefined
  const binary = input['SecretBinary'] as string | undefined
  if (text !== undefined && binary !== undefined) {
    throw new ServiceError(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    )
  }
  if (text !== undefined) return {SecretString: text}
  if (binary !== undefined) return {SecretBinary: Buffer.from(binary, 'base64')}
  return undefined
}

/** Secrets another service manages (connection credentials) change only through that service. */
export function refuseManaged(secret: Secret): void {
  if (secret.OwningService !== undefined) {
    throw new ServiceError(
      'InvalidRequestException',
      `You can't modify the secret ${secret.Name} because it is managed by ${secret.OwningService}.`,
    )
  }
}

/** `VersionIdsToStages` as DescribeSecret and ListSecrets show it (only versions with a label). */
export function versionsToStages(secret: Secret): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const version of secret.versions.values()) {
    if (version.VersionStages.length > 0) map[version.VersionId] = [...version.VersionStages]
  }
  return map
}

/** Drop `undefined` members so responses carry only what is set. */
export function defined<T extends Record<string, unknown>>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>
}

/** `T` with every member that may be `undefined` turned into an optional member without `undefined`. */
export type Defined<T> = {[K in keyof T as undefined extends T[K] ? never : K]: T[K]} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}
