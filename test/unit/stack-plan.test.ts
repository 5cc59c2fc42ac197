import {describe, expect, it} from 'vitest'

import {
  buildParameters,
  decideDeploy,
  deployOutcome,
  formatPlanRow,
  isNoChangeReason,
  planFromChanges,
  planIsDestructive,
  summarizePlan,
} from '../../src/core/stack-plan.js'

describe('decideDeploy', () => {
  it.each([
    [undefined, 'create'],
    ['DELETE_COMPLETE', 'create'],
    ['REVIEW_IN_PROGRESS', 'create-over-review'],
    ['ROLLBACK_COMPLETE', 'recreate'],
    ['CREATE_COMPLETE', 'update'],
    ['UPDATE_COMPLETE', 'update'],
    ['UPDATE_ROLLBACK_COMPLETE', 'update'],
    ['CREATE_IN_PROGRESS', 'wait'],
    ['UPDATE_IN_PROGRESS', 'wait'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'wait'],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'wait'],
    ['ROLLBACK_IN_PROGRESS', 'wait'],
    ['DELETE_IN_PROGRESS', 'wait'],
    ['ROLLBACK_FAILED', 'blocked'],
    ['DELETE_FAILED', 'blocked'],
    ['UPDATE_ROLLBACK_FAILED', 'blocked'],
  ])('%s → %s', (status, kind) => {
    expect(decideDeploy(status === undefined ? undefined : {status}).kind).toBe(kind)
  })
})

describe('deployOutcome', () => {
  it.each([
    ['CREATE_COMPLETE', 'succeeded'],
    ['UPDATE_COMPLETE', 'succeeded'],
    ['ROLLBACK_COMPLETE', 'failed'],
    ['UPDATE_ROLLBACK_COMPLETE', 'failed'],
    ['ROLLBACK_FAILED', 'failed'],
    ['CREATE_IN_PROGRESS', 'running'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'running'],
    ['ROLLBACK_IN_PROGRESS', 'running'],
  ])('%s is %s', (status, outcome) => {
    expect(deployOutcome(status)).toBe(outcome)
  })
})

describe('no-change change sets', () => {
  it('recognises the FAILED reason of an empty change set', () => {
    expect(
      isNoChangeReason(
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      ),
    ).toBe(true)
    expect(isNoChangeReason('No updates are to be performed.')).toBe(true)
    expect(isNoChangeReason('Template format error: Unresolved resource dependencies')).toBe(false)
    expect(isNoChangeReason(undefined)).toBe(false)
  })
})

describe('plans', () => {
  const changes = [
    {action: 'Remove', logicalId: 'OldQueue', resourceType: 'AWS::SQS::Queue', physicalId: 'https://q'},
    {action: 'Modify', logicalId: 'CacheSetRule', resourceType: 'AWS::Events::Rule', replacement: 'True'},
    {
      action: 'Modify',
      logicalId: 'CacheSetDestination',
      resourceType: 'AWS::Events::ApiDestination',
      replacement: 'False',
    },
    {action: 'Modify', logicalId: 'Role', resourceType: 'AWS::IAM::Role', replacement: 'Conditional'},
    {action: 'Add', logicalId: 'DeadLetterQueue', resourceType: 'AWS::SQS::Queue'},
  ]

  it('orders adds, modifies, removes and marks replacements', () => {
    const plan = planFromChanges(changes)
    expect(plan.map((r) => [r.action, r.logicalId, r.replacement])).toEqual([
      ['add', 'DeadLetterQueue', false],
      ['modify', 'CacheSetDestination', false],
      ['modify', 'CacheSetRule', true],
      ['modify', 'Role', 'conditional'],
      ['remove', 'OldQueue', false],
    ])
    expect(summarizePlan(plan)).toBe('1 to add, 3 to modify, 1 to remove, 1 replaced')
    expect(formatPlanRow(plan[2]!)).toMatch(/^~ modify +CacheSetRule +AWS::Events::Rule {2}\(replaced\)$/)
    expect(formatPlanRow(plan[3]!)).toContain('(may be replaced)')
    expect(formatPlanRow(plan[4]!)).toMatch(/^- remove/)
  })

  it.each([
    ['adds only', [changes[4]!], false],
    ['an in-place modify', [changes[2]!], false],
    ['a replacement', [changes[1]!], true],
    ['a conditional replacement', [changes[3]!], true],
    ['a removal', [changes[0]!], true],
    ['nothing', [], false],
  ])('%s: destructive = %s', (_name, list, destructive) => {
    expect(planIsDestructive(planFromChanges(list))).toBe(destructive)
  })
})

describe('buildParameters', () => {
  const names = ['MomentoApiKey', 'EventBusName', 'MaxRetryAttempts']

  it('a create passes only explicit values (template defaults for the rest)', () => {
    expect(
      buildParameters({MomentoApiKey: 'k', EventBusName: undefined}, {type: 'CREATE', previous: undefined, names}),
    ).toEqual([{key: 'MomentoApiKey', value: 'k'}])
  })

  it('an update keeps previous values the stack has, never for parameters it lacks', () => {
    expect(
      buildParameters(
        {MaxRetryAttempts: '3'},
        {type: 'UPDATE', previous: {MomentoApiKey: '****', EventBusName: 'default'}, names},
      ),
    ).toEqual([
      {key: 'MomentoApiKey', usePrevious: true},
      {key: 'EventBusName', usePrevious: true},
      {key: 'MaxRetryAttempts', value: '3'},
    ])
  })
})
