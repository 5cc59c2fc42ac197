/**
 * Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (the terminal went away) stop a long run the
 * same way: the first aborts the run's signal (the calls in flight finish, the rest is released), a
 * second leaves at once with the signal's exit code (130, 143, 129). Which one stopped the run is kept
 * for its exit code.
 */
import {ExitCode} from '../core/errors.js'

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

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

/** Listen for the three signals until `release()`; `say` tells what happens (it may fail on SIGHUP). */
export function listenForStop(say: (line: string) => void): StopSignals {
  const controller = new AbortController()
  let stoppedBy: StopSignal | undefined
  const onSignal = (signal: StopSignal) => () => {
    if (controller.signal.aborted) {
      // A second signal: leave now. The journal keeps what was published; nothing is lost.
      say('Stopping at once; the next run finishes what was in flight.')
      process.exit(EXIT_FOR_SIGNAL[signal])
    }
    stoppedBy = signal
    // On SIGHUP the terminal may be gone: a failed write to it must not stop the clean-up.
    try {
      say(
        signal === 'SIGINT'
          ? '\nStopping: finishing what is in flight (Ctrl-C again to quit now)…'
          : `\nStopping (${signal}): finishing what is in flight, then releasing the rest…`,
      )
    } catch {
      // Nowhere to say it.
    }
    controller.abort()
  }
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, onSignal(signal)] as const)
  for (const [signal, handler] of handlers) process.on(signal, handler)
  return {
    signal: controller.signal,
    get stoppedBy() {
      return stoppedBy
    },
    release() {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    },
  }
}
