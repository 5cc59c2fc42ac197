import {Readable} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {readApiKeyFromStdin} from '../../src/cli/api-key.js'
import {UsageError} from '../../src/core/errors.js'

const stdin = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)))

describe('readApiKeyFromStdin', () => {
  it('takes the first line, trimmed (a trailing newline or CRLF is fine)', async () => {
    await expect(readApiKeyFromStdin('x', stdin('  key-123  \r\n'))).resolves.toBe('key-123')
    await expect(readApiKeyFromStdin('x', stdin('key-', '456\n\n'))).resolves.toBe('key-456')
  })

  it.each([
    ['empty', [''], /empty key/],
    ['two keys', ['key-1\nkey-2\n'], /more than one line/],
    ['a terminal', null, /stdin is a terminal/],
  ])('refuses %s with a usage error', async (_name, chunks, message) => {
    const input = chunks === null ? Object.assign(stdin('k'), {isTTY: true}) : stdin(...chunks)
    const error = await readApiKeyFromStdin('momento-eb dlq list', input).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(message)
  })

  it('stops reading past 64 KiB instead of filling memory', async () => {
    let produced = 0
    const endless = new Readable({
      read() {
        produced += 16 * 1024
        this.push(Buffer.alloc(16 * 1024, 0x61))
      },
    })
    const error = await readApiKeyFromStdin('x', endless).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/more than 64 KiB/)
    expect(produced).toBeLessThan(1024 * 1024)
  })
})
