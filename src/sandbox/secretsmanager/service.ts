import type {AwsService} from '../protocol/context.js'

/** Placeholder: the secretsmanager service fills in its operations. */
export const secretsmanagerService: AwsService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  operations: {},
}
