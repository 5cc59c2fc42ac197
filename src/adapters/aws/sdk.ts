import {createRequire} from 'node:module'

import type * as CloudFormation from '@aws-sdk/client-cloudformation'
import type * as CloudWatch from '@aws-sdk/client-cloudwatch'
import type * as CloudWatchLogs from '@aws-sdk/client-cloudwatch-logs'
import type * as EventBridge from '@aws-sdk/client-eventbridge'
import type * as Sqs from '@aws-sdk/client-sqs'
import type * as Sts from '@aws-sdk/client-sts'

// Each SDK client package is a few hundred kilobytes of code to compile, and a single `put` only
// needs EventBridge: load a package the first time something uses it, not at start-up.
// (The packages have no `exports` map and their `main` is CommonJS, so require() returns the same
// module instance an `import` would.)
const require = createRequire(import.meta.url)

// The SDK warns once per process that its releases after early January 2027 will need Node 22.
// The versions are pinned in package-lock.json; the notice is for the maintainers (README), not for
// every person who runs a command. Respect an explicit setting either way.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true'

/** The AWS SDK client packages, each loaded on first access. */
export const sdk = {
  get eventBridge(): typeof EventBridge {
    return require('@aws-sdk/client-eventbridge') as typeof EventBridge
  },
  get sqs(): typeof Sqs {
    return require('@aws-sdk/client-sqs') as typeof Sqs
  },
  get cloudFormation(): typeof CloudFormation {
    return require('@aws-sdk/client-cloudformation') as typeof CloudFormation
  },
  get sts(): typeof Sts {
    return require('@aws-sdk/client-sts') as typeof Sts
  },
  get cloudWatch(): typeof CloudWatch {
    return require('@aws-sdk/client-cloudwatch') as typeof CloudWatch
  },
  get cloudWatchLogs(): typeof CloudWatchLogs {
    return require('@aws-sdk/client-cloudwatch-logs') as typeof CloudWatchLogs
  },
}
