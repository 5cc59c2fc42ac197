/** Deploy and destroy load their prompts from here; the one implementation is src/cli/prompt.ts. */
export {ask, confirm} from '../../cli/prompt.js'
