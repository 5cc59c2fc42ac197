/**
 * Open text in the user's editor ($VISUAL, then $EDITOR, then vi) and read it back. The file lives in
 * a private temporary directory (0700, file 0600: it holds event details) and is removed afterwards.
 */
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {UsageError} from '../core/errors.js'

/** The editor command line: $VISUAL, then $EDITOR, then vi. May carry arguments (`code --wait`). */
export function editorCommand(env: NodeJS.ProcessEnv): string {
  return env['VISUAL']?.trim() || env['EDITOR']?.trim() || 'vi'
}

/**
 * Write `text` to a temporary file named `name`, run the editor on it in the foreground, and return
 * what the file holds when the editor exits. A non-zero exit is a UsageError (the edit is abandoned).
 */
export async function editText(text: string, options: {env: NodeJS.ProcessEnv; name: string}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'momento-eb-edit-'))
  const file = join(dir, options.name)
  try {
    await writeFile(file, text, {mode: 0o600})
    const command = editorCommand(options.env)
    // Through the shell so EDITOR may carry arguments; the path goes in as "$1", never spliced into the line.
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', `${command} "$1"`, 'momento-eb-editor', file], {
        stdio: 'inherit',
        env: options.env,
      })
      child.once('error', reject)
      child.once('exit', (exitCode) => resolve(exitCode))
    })
    if (code !== 0) {
      throw new UsageError(`The editor (${command}) exited with code ${code}, so nothing was sent.`, {
        hints: ['Save and quit normally to use the edit; set VISUAL or EDITOR to choose another editor.'],
      })
    }
    return await readFile(file, 'utf8')
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}
