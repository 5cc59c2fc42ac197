/** Programmatic entry point: `await run(['whoami', '--sandbox'])`. */
export {run} from '@oclif/core'
