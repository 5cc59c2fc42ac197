import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import type {StackEvent} from '../../src/core/stack-plan.js'
import {DeployProgress} from '../../src/ui/deploy/DeployProgress.js'
import {
  applyEvent,
  formatElapsed,
  formatEventLine,
  initialProgress,
  plainEventLines,
  statusTone,
} from '../../src/ui/deploy/state.js'
import {createTheme} from '../../src/ui/theme.js'

const T0 = Date.parse('2026-06-01T12:00:00Z')
let seq = 0
const event = (
  logicalId: string,
  resourceType: string,
  status: string,
  atSeconds: number,
  reason?: string,
): StackEvent => ({
  id: `e${++seq}`,
  timestamp: new Date(T0 + atSeconds * 1000),
  logicalId,
  resourceType,
  status,
  reason,
})

const events = [
  event('momento-api', 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 0, 'User Initiated'),
  event('MomentoConnection', 'AWS::Events::Connection', 'CREATE_IN_PROGRESS', 1),
  event('MomentoConnection', 'AWS::Events::Connection', 'CREATE_COMPLETE', 3),
  event('CacheSetRule', 'AWS::Events::Rule', 'CREATE_IN_PROGRESS', 4),
]
const plain = createTheme(false)

describe('deploy progress state', () => {
  it('keeps one row per resource, in order of appearance, with the stack status apart', () => {
    const state = events.reduce(applyEvent, initialProgress('Creating stack momento-api', T0))
    expect(state.stackStatus).toBe('CREATE_IN_PROGRESS')
    expect(state.rows.map((r) => [r.logicalId, r.status, r.firstSeen - T0, r.lastSeen - T0])).toEqual([
      ['MomentoConnection', 'CREATE_COMPLETE', 1000, 3000],
      ['CacheSetRule', 'CREATE_IN_PROGRESS', 4000, 4000],
    ])
    expect(state.failure).toBeUndefined()
  })

  it('remembers the first real failure, not the cancellations after it', () => {
    const failed = [
      ...events,
      event('CacheSetRule', 'AWS::Events::Rule', 'CREATE_FAILED', 5, 'Event bus orders does not exist.'),
      event('CacheDeleteRule', 'AWS::Events::Rule', 'CREATE_FAILED', 5, 'Resource creation cancelled'),
    ].reduce(applyEvent, initialProgress('t', T0))
    expect(failed.failure).toEqual({
      logicalId: 'CacheSetRule',
      resourceType: 'AWS::Events::Rule',
      reason: 'Event bus orders does not exist.',
    })
  })

  it.each([
    ['CREATE_IN_PROGRESS', 'running'],
    ['CREATE_COMPLETE', 'ok'],
    ['CREATE_FAILED', 'failed'],
    ['DELETE_COMPLETE', 'ok'],
    ['ROLLBACK_COMPLETE', 'rolledBack'],
    ['UPDATE_ROLLBACK_COMPLETE', 'rolledBack'],
  ])('%s is %s', (status, tone) => {
    expect(statusTone(status)).toBe(tone)
  })

  it('formats elapsed times and plain event lines', () => {
    expect(formatElapsed(0)).toBe('0:00')
    expect(formatElapsed(65_000)).toBe('1:05')
    expect(formatElapsed(3_723_000)).toBe('1:02:03')
    expect(formatEventLine(events[2]!)).toBe(
      '12:00:03  CREATE_COMPLETE      MomentoConnection        AWS::Events::Connection',
    )
    expect(formatEventLine(events[0]!)).toMatch(/User Initiated$/)
  })
})

describe('<DeployProgress>', () => {
  it('shows a waiting line before the first resource event', () => {
    const {lastFrame, unmount} = render(
      <DeployProgress state={initialProgress('Creating stack momento-api', T0)} now={T0 + 2000} theme={plain} />,
    )
    expect(lastFrame()).toBe('Creating stack momento-api  0:02\nWaiting for CloudFormation…')
    unmount()
  })

  it('lists resources with status and elapsed time; running ones count up to now', () => {
    const state = events.reduce(applyEvent, initialProgress('Creating stack momento-api', T0))
    const {lastFrame, unmount} = render(<DeployProgress state={state} now={T0 + 10_000} theme={plain} />)
    expect(lastFrame()).toMatchInlineSnapshot(`
      "Creating stack momento-api  CREATE_IN_PROGRESS  0:10
      ✓ MomentoConnection        CREATE_COMPLETE          0:02  AWS::Events::Connection
      … CacheSetRule             CREATE_IN_PROGRESS       0:06  AWS::Events::Rule"
    `)
    unmount()
  })

  it('shows the failing resource and its reason', () => {
    const state = [
      ...events,
      event('CacheSetRule', 'AWS::Events::Rule', 'CREATE_FAILED', 6, 'Event bus orders does not exist.'),
      event('momento-api', 'AWS::CloudFormation::Stack', 'ROLLBACK_IN_PROGRESS', 6),
    ].reduce(applyEvent, initialProgress('Creating stack momento-api', T0))
    const {lastFrame, unmount} = render(<DeployProgress state={state} now={T0 + 7000} theme={plain} />)
    const frame = lastFrame() ?? ''
    expect(frame).toContain('ROLLBACK_IN_PROGRESS')
    expect(frame).toContain('✗ CacheSetRule             CREATE_FAILED            0:02  AWS::Events::Rule')
    expect(frame.split('\n').at(-1)).toBe('CacheSetRule failed: Event bus orders does not exist.')
    unmount()
  })

  it('cuts rows to the width with an ellipsis', () => {
    const state = [
      event('AVeryLongLogicalIdForTheDestinationResource', 'AWS::Events::ApiDestination', 'CREATE_IN_PROGRESS', 0),
    ].reduce(applyEvent, initialProgress('t', T0))
    const {lastFrame, unmount} = render(<DeployProgress state={state} now={T0} theme={plain} width={40} />)
    const row = (lastFrame() ?? '').split('\n')[1] ?? ''
    expect(row.length).toBeLessThanOrEqual(40)
    expect(row.endsWith('…')).toBe(true)
    unmount()
  })
})

describe('a replaced resource (its old copy deleted in the cleanup)', () => {
  const rule = 'AWS::Events::Rule'
  const withId = (e: StackEvent, physicalId: string): StackEvent => ({...e, physicalId})
  // As CloudFormation reports a replacement: the first event names the old copy, then the new
  // one is created; after UPDATE_COMPLETE_CLEANUP_IN_PROGRESS the old copy is deleted.
  const replaced = [
    event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 0, 'User Initiated'),
    withId(
      event(
        'CacheSetRule',
        rule,
        'UPDATE_IN_PROGRESS',
        1,
        'Requested update requires the creation of a new physical resource; hence creating one.',
      ),
      'old-rule',
    ),
    withId(event('CacheSetRule', rule, 'UPDATE_IN_PROGRESS', 1, 'Resource creation Initiated'), 'new-rule'),
    withId(event('CacheSetRule', rule, 'UPDATE_COMPLETE', 2), 'new-rule'),
    event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 3),
    withId(event('CacheSetRule', rule, 'DELETE_IN_PROGRESS', 3), 'old-rule'),
    withId(event('CacheSetRule', rule, 'DELETE_COMPLETE', 4), 'old-rule'),
    event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE', 4),
  ]

  it('keeps the row UPDATE_COMPLETE with the new copy, and notes the old copy deleted', () => {
    const state = replaced.reduce(applyEvent, initialProgress('Updating stack momento-api', T0))
    expect(state.rows).toHaveLength(1)
    expect(state.rows[0]).toMatchObject({
      status: 'UPDATE_COMPLETE',
      physicalId: 'new-rule',
      replacedId: 'old-rule',
      retired: {physicalId: 'old-rule', status: 'DELETE_COMPLETE', why: 'replaced'},
    })
    const {lastFrame, unmount} = render(<DeployProgress state={state} now={T0 + 5000} theme={plain} width={80} />)
    expect(lastFrame()).toMatchInlineSnapshot(`
      "Updating stack momento-api  UPDATE_COMPLETE  0:05
      ✓ CacheSetRule             UPDATE_COMPLETE          0:01  AWS::Events::Rule
        └ old copy old-rule deleted (replaced)"
    `)
    unmount()
  })

  it('says the same in the plain lines, event by event', () => {
    const line = plainEventLines()
    const lines = replaced.map((e) => line(e))
    expect(lines[5]).toMatch(/DELETE_IN_PROGRESS .*old copy old-rule being deleted \(replaced\); CacheSetRule stays$/)
    expect(lines[6]).toMatch(/DELETE_COMPLETE .*old copy old-rule deleted \(replaced\); CacheSetRule stays$/)
    expect(lines[3]).not.toMatch(/stays/)
  })

  it('without physical ids (worst case), the cleanup after a replacement is still the old copy', () => {
    const bare = replaced.map(({physicalId: _drop, ...e}) => e)
    const state = bare.reduce(applyEvent, initialProgress('t', T0))
    expect(state.rows[0]).toMatchObject({status: 'UPDATE_COMPLETE', retired: {status: 'DELETE_COMPLETE'}})
  })

  it('a resource removed from the template is shown deleted', () => {
    const removed = [
      event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 0),
      withId(event('BusLogGroup', 'AWS::Logs::LogGroup', 'DELETE_IN_PROGRESS', 1), 'group'),
      withId(event('BusLogGroup', 'AWS::Logs::LogGroup', 'DELETE_COMPLETE', 2), 'group'),
    ].reduce(applyEvent, initialProgress('t', T0))
    expect(removed.rows[0]).toMatchObject({status: 'DELETE_COMPLETE'})
    expect(removed.rows[0]?.retired).toBeUndefined()
  })

  it('after a failed update rolls back, the new copy is the one removed and the old one is kept', () => {
    const rolledBack = [
      ...replaced.slice(0, 4),
      event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', 3),
      event('momento-api', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 4),
      withId(event('CacheSetRule', rule, 'DELETE_IN_PROGRESS', 4), 'new-rule'),
      withId(event('CacheSetRule', rule, 'DELETE_COMPLETE', 5), 'new-rule'),
    ].reduce(applyEvent, initialProgress('t', T0))
    expect(rolledBack.rows[0]).toMatchObject({
      physicalId: 'old-rule',
      retired: {physicalId: 'new-rule', status: 'DELETE_COMPLETE', why: 'rolled back'},
    })
  })
})
