import {describe, expect, it} from 'vitest'

import {contextFromTokens, suggestionRenderer} from '../../src/cli/suggest-context.js'

const FLAGS: Record<string, string[]> = {
  deploy: ['sandbox', 'stack', 'region', 'profile', 'endpoint-url', 'yes'],
  'dlq:list': ['sandbox', 'stack', 'queue-url', 'region', 'profile', 'endpoint-url', 'diagnose'],
  'dlq:redrive': ['sandbox', 'stack', 'queue-url', 'region', 'profile', 'endpoint-url', 'reason', 'bus'],
  'sandbox:cache:create': ['sandbox', 'region'],
  template: ['sandbox', 'region'],
}
const flagsOf = (id: string) => (FLAGS[id] ? new Set(FLAGS[id]) : undefined)
const booleans = new Set(['sandbox', 'yes'])
const tokens = (...pairs: Array<[string, string?]>) =>
  pairs.map(([flag, input]) => ({type: 'flag', flag, input: input ?? 'true'}))

describe('suggested commands with the run’s context', () => {
  const render = suggestionRenderer(
    contextFromTokens(
      tokens(['sandbox'], ['stack', 'other'], ['queue-url', 'http://q/1'], ['reason', 'timeout'], ['profile', "o'k"]),
      booleans,
    ),
    flagsOf,
  )

  it('keeps only the context flags the user typed, never anything else', () => {
    expect(render.context.map((f) => f.name)).toEqual(['sandbox', 'stack', 'queue-url', 'profile'])
    expect(contextFromTokens([{type: 'flag', flag: 'api-key', input: 'secret'}], booleans)).toEqual([])
  })

  it('appends the flags the suggested command accepts, quoted for the shell', () => {
    expect(render.command('momento-eb deploy')).toBe("momento-eb deploy --sandbox --stack other --profile 'o'\\''k'")
    expect(render.command('momento-eb dlq redrive --reason timeout --rate 50')).toBe(
      "momento-eb dlq redrive --reason timeout --rate 50 --sandbox --stack other --queue-url http://q/1 --profile 'o'\\''k'",
    )
  })

  it('leaves flags already there, unknown commands, the sandbox’s own commands and context-free ones', () => {
    expect(render.command('momento-eb deploy --stack mine --sandbox')).toBe(
      "momento-eb deploy --stack mine --sandbox --profile 'o'\\''k'",
    )
    expect(render.command('momento cache create orders')).toBe('momento cache create orders')
    expect(render.command('momento-eb sandbox cache create orders')).toBe('momento-eb sandbox cache create orders')
    expect(render.command('momento-eb template')).toBe('momento-eb template')
    expect(render.command('momento-eb nosuch')).toBe('momento-eb nosuch')
  })

  it('rewrites commands in backticks within prose, and whole command lines, and is idempotent', () => {
    const prose = 'Rotate the key with `momento-eb deploy`, then redrive.'
    const once = render.text(prose)
    expect(once).toBe(
      "Rotate the key with `momento-eb deploy --sandbox --stack other --profile 'o'\\''k'`, then redrive.",
    )
    expect(render.text(once)).toBe(once)
    expect(render.text('MOMENTO_API_KEY=… momento-eb dlq list --diagnose')).toBe(
      "MOMENTO_API_KEY=… momento-eb dlq list --diagnose --sandbox --stack other --queue-url http://q/1 --profile 'o'\\''k'",
    )
    expect(render.text('Pipe it: `cat x | momento-eb deploy | tee y`')).toBe(
      "Pipe it: `cat x | momento-eb deploy --sandbox --stack other --profile 'o'\\''k' | tee y`",
    )
    expect(render.text('No command here.')).toBe('No command here.')
  })

  it('changes nothing when the run had no context', () => {
    const plain = suggestionRenderer(contextFromTokens(tokens(['yes']), booleans), flagsOf)
    expect(plain.text('Run `momento-eb deploy`.')).toBe('Run `momento-eb deploy`.')
  })
})
