import {LocalCommand} from '../cli/base-command.js'
import {EXIT_CODES, type ExitCodeRow} from '../cli/help-topics.js'

export default class ExitCodes extends LocalCommand<typeof ExitCodes> {
  static override summary = 'List the exit codes momento-eb uses'
  static override description =
    'Every command exits with one of these codes. With --json the code is also in the error object as `exitCode`.'
  static override examples = ['<%= config.bin %> exit-codes', '<%= config.bin %> exit-codes --json']

  public async run(): Promise<{exitCodes: readonly ExitCodeRow[]}> {
    if (!this.jsonEnabled()) {
      const width = Math.max(...EXIT_CODES.map((row) => row.name.length))
      for (const row of EXIT_CODES) {
        this.log(`${String(row.code).padStart(3)}  ${row.name.padEnd(width)}  ${row.meaning}`)
      }
    }
    return {exitCodes: EXIT_CODES}
  }
}
