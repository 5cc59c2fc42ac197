import type {DemoInteraction} from './demo.js'

/** The demo's terminal hooks: a y/N question before each fix. The watch view joins when it exists. */
export async function interactiveDemo(): Promise<DemoInteraction> {
  const {confirm} = await import('../ui/deploy/prompts.js')
  return {confirm: (question) => confirm(question)}
}
