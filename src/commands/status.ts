import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {statusFromFlags} from '../cli/status.js'
import {ExitCode} from '../core/errors.js'
import type {StackStatusReport} from '../services/stack-status.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show the integration stack, the state of its resources, and what needs fixing'
  static override description =
    'Reads the stack (status and outputs) and finds its resources by type, so a stack from Momento’s launch ' +
    'button works too: the connection’s state, each API destination’s state and endpoint, each rule’s state and ' +
    'target, the DLQ depth (visible / in flight) and whether its policy lets the rules write to it. Every problem ' +
    'comes with a fix. Exit 0 when nothing is wrong (warnings only), 1 when a problem was found or the stack ' +
    'doesn’t exist. The stack’s alarms are listed with their state; one in ALARM comes with what to do.'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --stack momento-api --json']
  static override flags = {
    stack: Flags.string({summary: 'Stack name. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.'}),
  }

  protected override exitCodeFor(report: StackStatusReport): number | undefined {
    return report.problems.some((p) => p.severity === 'error') ? ExitCode.Failed : undefined
  }

  public async run(): Promise<StackStatusReport> {
    return statusFromFlags(this.commandHost(), this.flags, (text) => this.suggestions.text(text))
  }
}
