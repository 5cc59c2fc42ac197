import {describe, expect, it} from 'vitest'

import {
  compileInputTransformer,
  compileTargetInput,
  type InputContext,
} from '../../src/sandbox/pipeline/input-transformer.js'

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'cacheSet',
  source: 'demo',
  account: '000000000000',
  time: '2024-05-01T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {cacheName: 'demo', key: 'k', message: 'hello', ttl: 60, flag: true, nested: {a: [1, 2]}, nothing: null},
}

const context: InputContext = {
  event,
  eventJson: JSON.stringify(event),
  ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/cache-set',
  ruleName: 'cache-set',
  ingestionTime: '2024-05-01T12:00:00.123Z',
}

function render(template: string, paths: Record<string, string> = {}): string {
  return compileInputTransformer({InputPathsMap: paths, InputTemplate: template})(context)
}

describe('compileInputTransformer', () => {
  it.each([
    // [case, template, paths, expected]
    ['quoted string template keeps its quotes (2+n bytes)', '"<message>"', {message: '$.detail.message'}, '"hello"'],
    [
      'placeholder inside a string splices raw',
      '"key <key> in <cache>"',
      {key: '$.detail.key', cache: '$.detail.cacheName'},
      '"key k in demo"',
    ],
    ['unquoted string becomes a JSON string', '{"m": <message>}', {message: '$.detail.message'}, '{"m": "hello"}'],
    ['unquoted number stays a number', '{"ttl": <ttl>}', {ttl: '$.detail.ttl'}, '{"ttl": 60}'],
    ['unquoted boolean', '{"f": <flag>}', {flag: '$.detail.flag'}, '{"f": true}'],
    ['unquoted null', '{"n": <n>}', {n: '$.detail.nothing'}, '{"n": null}'],
    ['object emitted as JSON', '{"x": <nested>}', {nested: '$.detail.nested'}, '{"x": {"a":[1,2]}}'],
    ['array element by index', '<first>', {first: '$.detail.nested.a[1]'}, '2'],
    ['missing path produces nothing', '{"m": "<missing>"}', {missing: '$.detail.nope'}, '{"m": ""}'],
    ['unknown <tag> stays literal', '"<b>bold</b> <message>"', {message: '$.detail.message'}, '"<b>bold</b> hello"'],
    ['escaped quote does not end the string', '"a \\" <message>"', {message: '$.detail.message'}, '"a \\" hello"'],
    ['constant template', '{"fixed": 1}', {}, '{"fixed": 1}'],
  ])('%s', (_name, template, paths, expected) => {
    expect(render(template, paths)).toBe(expected)
  })

  it('fills the reserved variables', () => {
    // Given a template using every reserved variable
    const template =
      '{"arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>", "at": <aws.events.event.ingestion-time>, ' +
      '"env": <aws.events.event>, "full": <aws.events.event.json>}'
    // When it is rendered
    const out = JSON.parse(render(template)) as Record<string, unknown>
    // Then rule, time and event values appear, the envelope without its detail in `env`
    expect(out['arn']).toBe(context.ruleArn)
    expect(out['name']).toBe('cache-set')
    expect(out['at']).toBe('2024-05-01T12:00:00.123Z')
    expect(out['env']).toEqual({...event, detail: undefined})
    expect(out['env']).not.toHaveProperty('detail')
    expect(out['full']).toEqual(event)
  })

  it('splices embedded quotes and newlines verbatim (not escaped, as AWS documents)', () => {
    const tricky = {...context, event: {...event, detail: {message: 'say "hi"\nbye'}}}
    const out = compileInputTransformer({InputPathsMap: {m: '$.detail.message'}, InputTemplate: '"<m>"'})(tricky)
    expect(out).toBe('"say "hi"\nbye"')
    // Outside quotes the value is a JSON string, escaped
    const json = compileInputTransformer({InputPathsMap: {m: '$.detail.message'}, InputTemplate: '<m>'})(tricky)
    expect(JSON.parse(json)).toBe('say "hi"\nbye')
  })

  it('treats an invalid path as a variable that is never set', () => {
    expect(render('"<x>"', {x: 'detail.message'})).toBe('""')
  })
})

describe('compileTargetInput', () => {
  it('sends Input verbatim', () => {
    expect(compileTargetInput({Input: '{"a":1}'})(context)).toBe('{"a":1}')
  })

  it('sends the JSON of the InputPath selection', () => {
    expect(compileTargetInput({InputPath: '$.detail.message'})(context)).toBe('"hello"')
    expect(compileTargetInput({InputPath: '$.detail.nested'})(context)).toBe('{"a":[1,2]}')
    expect(compileTargetInput({InputPath: '$'})(context)).toBe(context.eventJson)
    expect(compileTargetInput({InputPath: '$.detail.none'})(context)).toBe('')
  })

  it('sends the whole event when the target has no input settings', () => {
    expect(compileTargetInput({})(context)).toBe(context.eventJson)
  })

  it('uses the transformer when there is one', () => {
    const input = compileTargetInput({
      InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
    })
    expect(input(context)).toBe('"hello"')
  })
})
