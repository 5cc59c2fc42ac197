import {Flags} from '@oclif/core'

import {FAILURE_DETAILS, type FailureDetail} from '../sandbox/pipeline/failures.js'

/** `--failure-detail` of `sandbox` and `demo`: what the sandbox's DLQ says about Momento's HTTP errors. */
export const failureDetailFlag = Flags.option({
  summary:
    'What the DLQ says about an HTTP error from Momento: opaque (no status, no body, the worst case AWS may write) or detailed.',
  options: FAILURE_DETAILS,
  env: 'MOMENTO_EB_SANDBOX_FAILURE_DETAIL',
  default: 'opaque' as FailureDetail,
})
