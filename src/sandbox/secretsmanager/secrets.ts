/**
 * The Secrets Manager store's rules, shared by the operations and by EventBridge connections
 * (which keep their credentials in a secret the way AWS does, docs/reference/aws-facts.md#eb-connection).
 */
import {createHash} from 'node:crypto'

import type {RequestContext} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import type {SandboxState} from '../state.js'
import type {Secret, SecretsStore, SecretVersion} from './model.js'

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The message AWS answers every unknown secret with. */
export const NOT_FOUND = "Secrets Manager can't find the specified secret."

/** The Secrets Manager store of the request's region. */
export function secretsStore(ctx: RequestContext): SecretsStore {
  return ctx.state.region(ctx.region).secrets
}

/** The clock as epoch seconds with millisecond precision. */
export function epochSeconds(state: SandboxState): number {
  return Math.floor(state.now()) / 1000
}

/**
 * Six characters for the ARN suffix AWS appends to secret names. Derived from the sandbox's id
 * generator so a deterministic `newId` gives deterministic ARNs.
 */
function arnSuffix(state: SandboxState): string {
  const digest = createHash('sha256').update(state.newId()).digest()
  let suffix = ''
  for (let i = 0; i < 6; i++) suffix += SUFFIX_ALPHABET[(digest[i] ?? 0) % SUFFIX_ALPHABET.length]
  return suffix
}

function notFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', NOT_FOUND)
}

/** Drop a secret whose scheduled deletion time has passed. */
function purgeIfDue(store: SecretsStore, secret: Secret, state: SandboxState): boolean {
  if (secret.DeletionDate !== undefined && secret.DeletionDate <= epochSeconds(state)) {
    store.secrets.delete(secret.Name)
    return true
  }
  return false
}

/**
 * The secret a `SecretId` names: its name, its full ARN, or a partial ARN (the ARN without the
 * `-xxxxxx` suffix). Secrets scheduled for deletion are returned too; callers decide.
 */
export function findSecret(store: SecretsStore, id: string, state: SandboxState): Secret | undefined {
  let found = store.secrets.get(id)
  if (!found && id.startsWith('arn:')) {
    const name = /:secret:(.+)$/.exec(id)?.[1]
    for (const secret of store.secrets.values()) {
      if (secret.ARN === id || (name !== undefined && secret.Name === name && secret.ARN.startsWith(`${id}-`))) {
        found = secret
        break
      }
    }
  }
  if (found && purgeIfDue(store, found, state)) return undefined
  return found
}

/** `findSecret`, or `ResourceNotFoundException`. */
export function requireSecret(store: SecretsStore, id: string, state: SandboxState): Secret {
  const secret = findSecret(store, id, state)
  if (!secret) throw notFound()
  return secret
}

/** `requireSecret`, refusing secrets scheduled for deletion as AWS does for reads and writes. */
export function requireLiveSecret(store: SecretsStore, id: string, state: SandboxState): Secret {
  const secret = requireSecret(store, id, state)
  if (secret.DeletedDate !== undefined) {
    throw new ServiceError(
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was marked for deletion.",
    )
  }
  return secret
}

/** The value of a new version: a string or bytes. */
export interface SecretValue {
  SecretString?: string
  SecretBinary?: Buffer
}

/**
 * Add a version and move staging labels to it: each label in `stages` leaves the version that had
 * it, and when `AWSCURRENT` moves the old current version becomes `AWSPREVIOUS`.
 */
export function addVersion(
  secret: Secret,
  versionId: string,
  value: SecretValue,
  stages: readonly string[],
  state: SandboxState,
): SecretVersion {
  const now = epochSeconds(state)
  for (const version of secret.versions.values()) {
    const hadCurrent = version.VersionStages.includes('AWSCURRENT')
    version.VersionStages = version.VersionStages.filter((stage) => !stages.includes(stage))
    if (hadCurrent && stages.includes('AWSCURRENT')) {
      for (const other of secret.versions.values()) {
        other.VersionStages = other.VersionStages.filter((stage) => stage !== 'AWSPREVIOUS')
      }
      version.VersionStages.push('AWSPREVIOUS')
    }
  }
  const version: SecretVersion = {VersionId: versionId, VersionStages: [...stages], CreatedDate: now, ...value}
  secret.versions.set(versionId, version)
  secret.LastChangedDate = now
  return version
}

/** What `createSecret` needs besides the store. */
export interface NewSecret {
  name: string
  description?: string | undefined
  kmsKeyId?: string | undefined
  tags?: {Key: string; Value: string}[] | undefined
  owningService?: string | undefined
  value?: SecretValue | undefined
  versionId?: string | undefined
}

/**
 * Create a secret (with a first `AWSCURRENT` version when a value is given). Throws
 * `ResourceExistsException` for a taken name and `InvalidRequestException` when a secret of that
 * name is scheduled for deletion.
 */
export function createSecret(store: SecretsStore, state: SandboxState, region: string, spec: NewSecret): Secret {
  const existing = findSecret(store, spec.name, state)
  if (existing?.DeletedDate !== undefined) {
    throw new ServiceError(
      'InvalidRequestException',
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    )
  }
  if (existing) {
    throw new ServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${spec.name} already exists.`,
    )
  }
  const now = epochSeconds(state)
  const secret: Secret = {
    Name: spec.name,
    ARN: `arn:aws:secretsmanager:${region}:${state.accountId}:secret:${spec.name}-${arnSuffix(state)}`,
    CreatedDate: now,
    LastChangedDate: now,
    versions: new Map(),
  }
  if (spec.description !== undefined) secret.Description = spec.description
  if (spec.kmsKeyId !== undefined) secret.KmsKeyId = spec.kmsKeyId
  if (spec.tags !== undefined) secret.Tags = spec.tags
  if (spec.owningService !== undefined) secret.OwningService = spec.owningService
  if (spec.value) addVersion(secret, spec.versionId ?? state.newId(), spec.value, ['AWSCURRENT'], state)
  store.secrets.set(secret.Name, secret)
  return secret
}

/** The version carrying `AWSCURRENT`, if any. */
export function currentVersion(secret: Secret): SecretVersion | undefined {
  for (const version of secret.versions.values()) if (version.VersionStages.includes('AWSCURRENT')) return version
  return undefined
}
