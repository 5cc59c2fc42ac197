/**
 * Reading a Momento API key from stdin (`--api-key-stdin`): the first line, trimmed, and nothing
 * else. A key is short: the read stops at 64 KiB, so `/dev/zero` or a large file can't fill memory.
 */
import {UsageError} from '../core/errors.js'

/** Longest stdin accepted for a key (real keys are a few hundred bytes to a few KiB). */
const MAX_KEY_INPUT = 64 * 1024

/**
 * Read the key from `input` (default stdin). Throws UsageError when stdin is a terminal, empty,
 * larger than 64 KiB or holds more than one non-empty line.
 *
 * @param command how the user ran it, for the hints (e.g. `momento-eb deploy`)
 */
export async function readApiKeyFromStdin(
  command: string,
  input: NodeJS.ReadableStream & {isTTY?: boolean} = process.stdin,
): Promise<string> {
  if (input.isTTY) {
    throw new UsageError('--api-key-stdin reads the key from stdin, but stdin is a terminal.', {
      hints: [`Pipe the key in (\`pass show momento | ${command} --api-key-stdin\`), or export MOMENTO_API_KEY.`],
    })
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > MAX_KEY_INPUT) {
      throw new UsageError(`--api-key-stdin got more than ${MAX_KEY_INPUT / 1024} KiB: that isn't a Momento API key.`, {
        hints: ['Pipe in the key alone, on one line.'],
      })
    }
    chunks.push(buffer)
  }
  const lines = Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
  const key = lines[0] ?? ''
  if (key === '') throw new UsageError('--api-key-stdin got an empty key.', {hints: ['Pipe the key in on stdin.']})
  if (lines.slice(1).some((line) => line !== '')) {
    throw new UsageError('--api-key-stdin got more than one line; the key is one line.', {
      hints: ['Pipe in the key alone (e.g. `printf %s "$KEY" | …`).'],
    })
  }
  return key
}
