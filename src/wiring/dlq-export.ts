/** Where `dlq export` writes: a file (adapters/export-file.ts) or stdout, as the service's ExportTarget. */
import {openExportFile} from '../adapters/export-file.js'
import type {ExportTarget} from '../services/dlq-export.js'

/** `--file -` is stdout (nothing to commit or remove); any other path is a new file renamed into place at the end. */
export async function openExportTarget(file: string, force: boolean): Promise<ExportTarget> {
  if (file === '-') {
    return {
      sink: {
        write: (line) =>
          new Promise<void>((resolve, reject) =>
            process.stdout.write(line, (error) => (error ? reject(error) : resolve())),
          ),
      },
      commit: async () => undefined,
      abort: async () => undefined,
    }
  }
  const {handle, commit, abort} = await openExportFile(file, force)
  return {
    sink: {
      // A write error (ENOSPC: the disk is full) names no file by itself: say which.
      write: async (line) =>
        void (await handle.write(line).catch((error: unknown) => {
          throw typeof error === 'object' && error !== null ? Object.assign(error, {path: file}) : error
        })),
    },
    commit,
    abort,
  }
}
