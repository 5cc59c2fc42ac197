import {useEffect, useRef} from 'react'

import type {WatchActions} from '../../../core/dlq-watch-actions.js'
import type {Effect, WatchEvent} from '../state.js'

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`
}

/** Carry out one effect with the actions, reporting progress and the outcome as events. */
export async function runEffect(
  effect: Effect,
  actions: WatchActions,
  dispatch: (event: WatchEvent) => void,
  terminalReleased: () => Promise<void> = async () => undefined,
): Promise<void> {
  try {
    switch (effect.kind) {
      case 'redrive': {
        const total = effect.records.length
        if (!actions.redrive) {
          dispatch({type: 'redriveProgress', progress: {total, sent: 0, failed: 0, skipped: 0, state: 'unavailable'}})
          dispatch({type: 'effectDone', text: 'redrive unavailable in this build', tone: 'warn'})
          return
        }
        dispatch({type: 'redriveProgress', progress: {total, sent: 0, failed: 0, skipped: 0, state: 'running'}})
        try {
          const outcome = await actions.redrive(
            effect.records,
            (counts) => dispatch({type: 'redriveProgress', progress: {...counts, state: 'running'}}),
            effect.edits,
          )
          actions.forget(outcome.redrivenIds)
          dispatch({type: 'removed', messageIds: outcome.redrivenIds})
          dispatch({
            type: 'redriveProgress',
            progress: {
              total: outcome.total,
              sent: outcome.sent,
              failed: outcome.failed,
              skipped: outcome.skipped,
              state: 'done',
            },
          })
          const bad = outcome.failed + outcome.skipped
          dispatch({
            type: 'effectDone',
            text: `redrove ${plural(outcome.sent, 'message')}${bad ? `, ${bad} not redriven` : ''}${outcome.note ? `: ${outcome.note}` : ''}`,
            tone: bad ? 'warn' : 'ok',
          })
        } catch (error) {
          dispatch({type: 'redriveProgress', progress: {total, sent: 0, failed: total, skipped: 0, state: 'failed'}})
          throw error
        }
        return
      }
      case 'editRedrive': {
        if (!actions.edit) {
          dispatch({type: 'effectDone', text: 'edit-then-redrive unavailable in this build', tone: 'warn'})
          return
        }
        await terminalReleased()
        const outcome = await actions.edit(effect.record)
        if (outcome.kind === 'edited') {
          dispatch({type: 'edited', record: effect.record, summary: outcome.summary, edits: outcome.edits})
        } else {
          dispatch({type: 'effectDone', text: outcome.message, tone: outcome.kind === 'invalid' ? 'error' : 'info'})
        }
        return
      }
      case 'delete': {
        const deleted = await actions.delete(effect.records)
        actions.forget(deleted)
        dispatch({type: 'removed', messageIds: deleted})
        const missing = effect.records.length - deleted.length
        dispatch({
          type: 'effectDone',
          text: `deleted ${plural(deleted.length, 'message')}${missing ? ` (${missing} already gone)` : ''}`,
          tone: missing ? 'warn' : 'ok',
        })
        return
      }
      case 'trace': {
        if (!actions.trace) {
          dispatch({type: 'effectDone', text: 'trace unavailable in this build', tone: 'warn'})
          return
        }
        const journey = await actions.trace(effect.record, effect.eventId)
        dispatch({type: 'traced', eventId: effect.eventId, journey})
        dispatch({type: 'effectDone'})
        return
      }
      case 'export': {
        const file = await actions.export(effect.records, effect.path)
        dispatch({
          type: 'effectDone',
          text: `exported ${plural(effect.records.length, 'message')} to ${file}`,
          tone: 'ok',
        })
        return
      }
    }
  } catch (error) {
    dispatch({type: 'effectDone', text: message(error), tone: 'error'})
  }
}

/** Run each requested effect once (by sequence number), one at a time. */
export function useEffectRunner(
  effect: Effect | undefined,
  seq: number,
  actions: WatchActions,
  dispatch: (event: WatchEvent) => void,
  terminalReleased?: () => Promise<void>,
): void {
  const started = useRef(0)
  useEffect(() => {
    if (!effect || started.current === seq) return
    started.current = seq
    dispatch({type: 'effectStarted', seq})
    void runEffect(effect, actions, dispatch, terminalReleased)
  }, [effect, seq, actions, dispatch, terminalReleased])
}
