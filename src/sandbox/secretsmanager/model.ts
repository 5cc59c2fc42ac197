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
  CreatedDate: number
  LastChangedDate: number
  DeletedDate?: number
  /** Set for secrets a connection owns (`events!connection/...`). */
  OwningService?: string
  versions: Map<string, SecretVersion>
}

export interface SecretsStore {
  secrets: Map<string, Secret>
}

export function createSecretsStore(): SecretsStore {
  return {secrets: new Map()}
}
