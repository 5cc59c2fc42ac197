/** Secrets Manager data the sandbox keeps per region. */
export interface SecretVersion {
  VersionId: string
  SecretString?: string
  SecretBinary?: Buffer
  VersionStages: string[]
  CreatedDate: number
}

export interface Secret {
  Name: string
  ARN: string
  Description?: string
  KmsKeyId?: string
  Tags?: {Key: string; Value: string}[]
  CreatedDate: number
  LastChangedDate: number
  LastAccessedDate?: number
  /** When DeleteSecret scheduled the deletion. */
  DeletedDate?: number
  /** When the scheduled deletion happens (epoch seconds); the secret is purged on the next lookup after it. */
  DeletionDate?: number
  /** Set for secrets a connection owns (`events!connection/...`). */
  OwningService?: string
  versions: Map<string, SecretVersion>
}

export interface SecretsStore {
  /** Secrets by name. */
  secrets: Map<string, Secret>
}

export function createSecretsStore(): SecretsStore {
  return {secrets: new Map()}
}
