import type {SqsQueueHandle, SqsStoreApi} from './model.js'

/** SQS queues of one account and region. Placeholder: the SQS service fills this in. */
export class SqsStore implements SqsStoreApi {
  queueByArn(_arn: string): SqsQueueHandle | undefined {
    return undefined
  }
}
