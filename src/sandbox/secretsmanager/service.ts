import {validateInput} from '../eventbridge/validation.js'
import type {AwsService, Operation} from '../protocol/context.js'
import {createSecret} from './operations/create-secret.js'
import {deleteSecret} from './operations/delete-secret.js'
import {describeSecret} from './operations/describe-secret.js'
import {getSecretValue} from './operations/get-secret-value.js'
import {listSecrets} from './operations/list-secrets.js'
import {putSecretValue} from './operations/put-secret-value.js'
import {restoreSecret} from './operations/restore-secret.js'
import {updateSecret} from './operations/update-secret.js'
import {SECRETSMANAGER_RULES} from './validation.js'

const HANDLERS: Readonly<Record<string, Operation>> = {
  CreateSecret: createSecret,
  GetSecretValue: getSecretValue,
  DescribeSecret: describeSecret,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  ListSecrets: listSecrets,
}

/** Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Op>`): each input is checked against its rule table first. */
export const secretsmanagerService: AwsService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  operations: Object.fromEntries(
    Object.entries(HANDLERS).map(([name, handler]): [string, Operation] => {
      const rules = SECRETSMANAGER_RULES[name]
      return [
        name,
        (input, ctx) => {
          if (rules) validateInput(rules, input)
          return handler(input, ctx)
        },
      ]
    }),
  ),
}
