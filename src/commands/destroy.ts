import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {resolveStack} from '../core/config.js'
import type {StackEvent} from '../core/stack-plan.js'
import {destroyStack, type DestroyResult} from '../services/destroy.js'
import {formatEventLine} from '../ui/deploy/state.js'
import {plural} from '../core/text-width.js'
import {stackPorts} from '../wiring/stack.js'

export default class Destroy extends BaseCommand<typeof Destroy> {
  static override summary = 'Delete the integration stack and everything in it, DLQ included'
  static override description =
    'Says how many messages the dead-letter queue still holds (they are lost with it), then deletes the stack and ' +
    'follows it until DELETE_COMPLETE. On a terminal it asks you to type the stack name; otherwise --yes is ' +
    'required (exit 2 without it). An unknown stack exits 1.'
  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --stack momento-api --yes --json']
  static override confirmFlag = 'yes'
  static override flags = {
    stack: Flags.string({summary: 'Stack name. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.'}),
    yes: Flags.boolean({char: 'y', summary: 'Delete without asking.'}),
  }

  public async run(): Promise<DestroyResult> {
    const stackName = resolveStack(this.flags.stack, process.env, this.savedConfig)
    const {ctx} = this
    const live = ctx.output.interactive && !this.jsonEnabled() ? await import('../ui/deploy/render.js') : undefined
    let view: {event(e: StackEvent): void; finish(): Promise<void>} | undefined
    try {
      const result = await destroyStack(stackName, stackPorts(ctx), {
        confirm: async ({stack, dlqMessages}) => {
          if (dlqMessages) {
            this.note(
              `Warning: the DLQ still holds ${plural(dlqMessages, 'message')}; they will be lost with the stack.`,
            )
          }
          return this.confirmed(`Deleting stack ${stack.name} can't be undone.`, {
            prompt: `Type the stack name (${stack.name}) to delete it: `,
            typed: stack.name,
          })
        },
        onStart: ({startedAt}) => {
          if (live) view = live.startProgressView(`Deleting stack ${stackName}`, {color: ctx.output.color, startedAt})
          else this.note(`Deleting stack ${stackName}…`)
        },
        onEvent: (event) => (view ? view.event(event) : this.note(formatEventLine(event))),
        onNotice: (message) => this.note(message),
      })
      await view?.finish()
      view = undefined
      if (!this.jsonEnabled()) this.log(`Stack ${result.stack} deleted.`)
      return result
    } finally {
      await view?.finish()
    }
  }
}
