import type {Instance} from 'ink'

/**
 * Wait until a full-screen view ends: by its own keys (`q`), or when `signal` aborts (SIGINT from
 * outside, SIGTERM), which leaves the view the way `q` does.
 */
export async function untilExit(instance: Instance, signal: AbortSignal): Promise<void> {
  const stop = () => instance.unmount()
  signal.addEventListener('abort', stop, {once: true})
  try {
    await instance.waitUntilExit()
  } finally {
    signal.removeEventListener('abort', stop)
  }
}
