/**
 * Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (the terminal went away) stop a long run
 * (`dlq redrive`, `put --file`) the same way: the first aborts the run's signal (the calls in flight
 * finish, the rest is released or recorded), a second Ctrl-C or SIGTERM leaves at once with the
 * signal's exit code (130, 143; a repeated SIGHUP is ignored: see `onSignal`). Which one stopped the
 * run is kept for its exit code (129 for SIGHUP) and message.
 */
import {closeSync, openSync} from 'node:fs'

import {ExitCode, type StopSignal} from '../core/errors.js'

export type {StopSignal} from '../core/errors.js'

/** The exit code of a run stopped by each signal (128 + its number). */
export const EXIT_FOR_SIGNAL = {
  SIGINT: ExitCode.Interrupted,
  SIGTERM: ExitCode.Terminated,
  SIGHUP: ExitCode.HungUp,
} as const

export interface StopSignals {
  readonly signal: AbortSignal
  /** The signal that stopped the run, if one did. */
  readonly stoppedBy: StopSignal | undefined
  release(): void
}

/** What a run says when it is stopped, and what else it does on the first signal. */
export interface StopWording {
  /** Said on the first signal: what the run does now. */
  first(signal: StopSignal): string
  /** Said on a second signal, before leaving at once. */
  again(): string
  /** Done on the first signal, after aborting (e.g. stop reading a stdin that may never end). */
  onFirst?(): void
}

/** A redrive's wording: the calls in flight finish, the rest is released. */
const RELEASE_THE_REST: StopWording = {
  first: (signal) =>
    signal === 'SIGINT'
      ? '\nStopping: finishing what is in flight (Ctrl-C again to quit now)…'
      : `\nStopping (${signal}): finishing what is in flight, then releasing the rest…`,
  // The journal keeps what was published; nothing is lost.
  again: () => 'Stopping at once; the next run finishes what was in flight.',
}

/**
 * How a run that got SIGHUP ends, from its `exit` event. Two things go wrong in Node 20's own way out:
 * - At exit, Node restores the terminal modes of the standard descriptors that were terminals when it
 *   started, and aborts (a native assertion, SIGABRT, exit 134 instead of 129) when that fails, as it
 *   does once the terminal has hung up (nodejs/node#51519; the check was removed by nodejs/node#58200
 *   in later lines, not in 20). When this process has no terminal left (/dev/tty can't be opened),
 *   there is nothing to restore: the descriptors are closed so Node skips them. Everything was written
 *   by then (terminal, file and pipe writes are synchronous on Linux).
 * - A process whose event loop empties tears its environment down after the `exit` event, and closing
 *   the signal listeners there puts SIGHUP back to its default action: the shell's repeated SIGHUP
 *   (see `onSignal`) landing in that window killed the run by the signal instead of 129 (seen under
 *   load, about one run in four). `process.exit` from here leaves without that teardown, the
 *   listeners still in place. It skips the `exit` listeners registered after this one, which are
 *   only those added after the SIGHUP (none in this CLI).
 */
function endHungUpRun(code: number): void {
  let terminalGone = false
  try {
    closeSync(openSync('/dev/tty', 'r'))
    // The terminal is still there (a `kill -HUP` from elsewhere): Node restores it as usual.
  } catch {
    terminalGone = true // ENXIO: the controlling terminal is gone.
  }
  if (terminalGone) {
    for (const fd of [0, 1, 2]) {
      try {
        closeSync(fd)
      } catch {
        // Already closed.
      }
    }
  }
  process.exit(code)
}

function ignoreRepeatedHangUp(): void {
  // The terminal is already gone; the run is ending with 129.
}

/**
 * Listen for the three signals until `release()`; `say` tells what happens. On SIGHUP the terminal may
 * be gone, so a failed `say` never stops the clean-up or the exit.
 */
export function listenForStop(say: (line: string) => void, wording: StopWording = RELEASE_THE_REST): StopSignals {
  const controller = new AbortController()
  let stoppedBy: StopSignal | undefined
  const trySay = (line: string) => {
    try {
      say(line)
    } catch {
      // Nowhere to say it.
    }
  }
  let hungUp = false
  const onSignal = (signal: StopSignal) => () => {
    if (signal === 'SIGHUP' && !hungUp) {
      hungUp = true
      process.once('exit', endHungUpRun)
    }
    if (controller.signal.aborted) {
      // Closing a terminal sends SIGHUP more than once (the kernel to the foreground process group, an
      // interactive shell again to each of its jobs): it is never a request to quit now, as a second
      // Ctrl-C or SIGTERM is. The calls in flight still finish.
      if (signal === 'SIGHUP') return
      trySay(wording.again())
      process.exit(EXIT_FOR_SIGNAL[signal])
    }
    stoppedBy = signal
    trySay(wording.first(signal))
    controller.abort(new Error(signal))
    wording.onFirst?.()
  }
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, onSignal(signal)] as const)
  for (const [signal, handler] of handlers) process.on(signal, handler)
  return {
    signal: controller.signal,
    get stoppedBy() {
      return stoppedBy
    },
    release() {
      // A repeated SIGHUP can still come while the run prints its summary and exits; with no listener
      // Node's default would end the process by the signal instead of its exit code (129). So the
      // listener that ignores it goes on before ours come off: removing the last SIGHUP listener
      // puts the signal back to its default action at once, even if another is added right after.
      if (hungUp && !process.listeners('SIGHUP').includes(ignoreRepeatedHangUp)) {
        process.on('SIGHUP', ignoreRepeatedHangUp)
      }
      for (const [signal, handler] of handlers) process.off(signal, handler)
    },
  }
}
