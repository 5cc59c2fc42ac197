/**
 * Declarative field rules per Secrets Manager operation (botocore secretsmanager 2017-10-17),
 * checked by the same walker as EventBridge's table.
 */
import {type FieldRule, type OperationRules} from '../eventbridge/validation.js'

const secretId: FieldRule = {type: 'String', required: true, min: 1, max: 2048}
const clientRequestToken: FieldRule = {type: 'String', min: 32, max: 64}
const secretString: FieldRule = {type: 'String', min: 1, max: 65_536, sensitive: true}
const secretBinary: FieldRule = {type: 'Blob', min: 1, max: 65_536, sensitive: true}
const description: FieldRule = {type: 'String', max: 2048}
const kmsKeyId: FieldRule = {type: 'String', min: 0, max: 2048}
const versionId: FieldRule = {type: 'String', min: 32, max: 64}
const tags: FieldRule = {
  type: 'List',
  member: {
    type: 'Structure',
    members: {Key: {type: 'String', min: 1, max: 128}, Value: {type: 'String', max: 256}},
  },
}

/** Input rules of the emulated Secrets Manager operations, keyed by AWS operation name. */
export const SECRETSMANAGER_RULES: Readonly<Record<string, OperationRules>> = {
  CreateSecret: {
    Name: {type: 'String', required: true, min: 1, max: 512},
    ClientRequestToken: clientRequestToken,
    Description: description,
    KmsKeyId: kmsKeyId,
    SecretBinary: secretBinary,
    SecretString: secretString,
    Tags: tags,
    ForceOverwriteReplicaSecret: {type: 'Boolean'},
  },
  GetSecretValue: {SecretId: secretId, VersionId: versionId, VersionStage: {type: 'String', min: 1, max: 256}},
  DescribeSecret: {SecretId: secretId},
  PutSecretValue: {
    SecretId: secretId,
    ClientRequestToken: clientRequestToken,
    SecretBinary: secretBinary,
    SecretString: secretString,
    VersionStages: {type: 'List', min: 1, max: 20, member: {type: 'String', min: 1, max: 256}},
  },
  UpdateSecret: {
    SecretId: secretId,
    ClientRequestToken: clientRequestToken,
    Description: description,
    KmsKeyId: kmsKeyId,
    SecretBinary: secretBinary,
    SecretString: secretString,
  },
  DeleteSecret: {
    SecretId: secretId,
    RecoveryWindowInDays: {type: 'Integer'},
    ForceDeleteWithoutRecovery: {type: 'Boolean'},
  },
  RestoreSecret: {SecretId: secretId},
  ListSecrets: {
    IncludePlannedDeletion: {type: 'Boolean'},
    MaxResults: {type: 'Integer', min: 1, max: 100},
    NextToken: {type: 'String', min: 1, max: 4096},
    Filters: {
      type: 'List',
      max: 10,
      member: {
        type: 'Structure',
        members: {
          Key: {
            type: 'String',
            enum: ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'],
          },
          Values: {type: 'List', min: 1, max: 10, member: {type: 'String', min: 1, max: 512}},
        },
      },
    },
    SortOrder: {type: 'String', enum: ['asc', 'desc']},
  },
}
