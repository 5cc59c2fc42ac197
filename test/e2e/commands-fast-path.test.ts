/**
 * The start-up fast path of every command but a put (bin/run.js, src/cli/commands-fast.ts): without a
 * terminal it runs from the bundle, loading no oclif file from node_modules, and a person or script
 * sees exactly what oclif's normal path shows: the same exit code, stdout and stderr, for successes,
 * usage errors, a missing or unknown argument (oclif's command_not_found hook) and JSON errors. On a
 * terminal it serves every command too: for those that draw with Ink (deploy, destroy, trace, dlq
 * watch, top), bin/run.js loads Ink first and hands it to the bundle.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  cleanEnv,
  oclifFilesLoaded,
  reactDevFilesLoaded,
  reconcilerFilesLoaded,
  runCli,
  show,
  tempHome,
  writeOclifProbe,
} from '../helpers/cli.js'
import {startTestSandbox} from '../helpers/sandbox.js'
import {hasTmux, openTerminal, type Terminal} from '../helpers/terminal.js'

describe('commands fast path', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let probe: string

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    probe = writeOclifProbe(home.home)
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  /** Spawned (a process of its own, stdin not a terminal), with the probe that counts oclif's files. */
  const probed = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runCli(args, {env: {...env, NODE_OPTIONS: `--require ${probe}`, ...extra}})
    const stderr = result.stderr.replace(/^OCLIF_FILES \d+ RECONCILER_FILES \d+ REACT_DEV_FILES \d+\n/m, '')
    return {...result, stderr, oclif: oclifFilesLoaded(result.stderr)}
  }

  it('runs whoami, status, template and config from the bundle, and through oclif with MOMENTO_EB_NO_FAST_PATH', async () => {
    for (const args of [['whoami', '--sandbox'], ['status', '--sandbox', '--json'], ['template'], ['config', 'list']]) {
      const [fast, normal] = await Promise.all([probed(args), probed(args, {MOMENTO_EB_NO_FAST_PATH: '1'})])
      expect(fast.oclif, show(fast)).toBe(0)
      expect(normal.oclif, show(normal)).toBeGreaterThan(0)
      // No stack on this sandbox: status says so (exit 1); the others succeed. Both ways alike.
      expect(fast.code, show(fast)).toBe(args[0] === 'status' ? 1 : 0)
      expect(normal.code, show(normal)).toBe(fast.code)
    }
  })

  // Each line, both ways, side by side: none changes the sandbox or the HOME.
  it.each([
    [['whoami', '--sandbox', '--json']],
    [['status', '--sandbox', '--json', '--stack', 'nope']],
    [['whoami', '--region']],
    [['whoami', '--bogus']],
    [['whoami', '--endpoint-url', 'ftp://x', '--json']],
    [['trace']],
    [['config', 'get', 'nope']],
    [['dlq', 'redrive', '--sandbox', '--queue-url', 'http://127.0.0.1:9/000000000000/q']],
    [['whoami', 'extra']],
    // `put --file` is served here (a single put has its own bundle): a file that isn't there.
    [['put', '--file', 'missing.ndjson', '--sandbox', '--json']],
    [['put', '--file', 'missing.ndjson', '--sandbox']],
    // The terminal applications without a terminal: no stack on this sandbox, so each says so.
    [['top', '--sandbox', '--json']],
    [['dlq', 'watch', '--sandbox', '--json']],
  ])('%j: the same exit code, stdout and stderr as through oclif', async (args) => {
    // In this process, through bin/run.js's main() as a spawned CLI runs it (a spawn through oclif
    // costs most of a second of CPU; the test above spawns both ways and counts oclif's files).
    const fast = await runCli(args, {env, inProcess: true})
    const normal = await runCli(args, {env: {...env, MOMENTO_EB_NO_FAST_PATH: '1'}, inProcess: true})
    expect({code: fast.code, stdout: fast.stdout, stderr: fast.stderr}).toEqual({
      code: normal.code,
      stdout: normal.stdout,
      stderr: normal.stderr,
    })
  })

  it("leaves a line no served command takes (oclif's command_not_found hook answers it) and help to oclif", async () => {
    const extra = await probed(['whoami', 'extra'])
    expect(extra.code, show(extra)).toBe(2)
    expect(extra.stderr).toContain("`momento-eb whoami` doesn't take the arguments `extra`.")
    expect(extra.oclif).toBeGreaterThan(0)
    const help = await probed(['status', '--help'])
    expect(help.code, show(help)).toBe(0)
    expect(help.oclif).toBeGreaterThan(0)
  })

  it.skipIf(!hasTmux)(
    "on a terminal, from the bundles: whoami, deploy's live progress and dlq watch's keys (Ink's bundle loaded first, one React)",
    async () => {
      const onTerminal = async (
        args: string[],
        done: (screen: string) => boolean,
        keys?: (t: Terminal) => Promise<void>,
      ) => {
        const t = openTerminal(args, {env: {...env, CI: undefined, NODE_OPTIONS: `--require ${probe}`}, cwd: home.home})
        try {
          await keys?.(t)
          const code = await t.exitCode(60_000)
          const screen = await t.waitFor('the probe line', (s) => /REACT_DEV_FILES \d+/.test(s) && done(s))
          const probeLine = screen.replace(/^.*(OCLIF_FILES \d+ RECONCILER_FILES \d+ REACT_DEV_FILES \d+).*$/m, '$1')
          return {
            code,
            screen,
            oclif: oclifFilesLoaded(probeLine),
            reconciler: reconcilerFilesLoaded(probeLine),
            reactDev: reactDevFilesLoaded(probeLine),
          }
        } finally {
          t.close()
        }
      }
      const whoami = await onTerminal(['whoami', '--sandbox'], (s) => s.includes('000000000000'))
      expect(whoami.code, whoami.screen).toBe(0)
      expect(whoami.oclif, whoami.screen).toBe(0)
      // The progress view draws each resource as it completes (Ink), then the stack's outputs.
      const deploy = await onTerminal(['deploy', '--sandbox', '--yes'], (s) => s.includes('CREATE_COMPLETE'))
      expect(deploy.code, deploy.screen).toBe(0)
      expect(deploy.oclif, deploy.screen).toBe(0)
      // Ink came from its bundle (dist/ink-fast.mjs), which holds its renderer: none from node_modules.
      expect(deploy.reconciler, deploy.screen).toBe(0)
      // React's production build (NODE_ENV, set by bin/run.js when unset): no development file.
      expect(deploy.reactDev, deploy.screen).toBe(0)
      expect(deploy.screen).toMatch(/✓ DeadLetterQueue +CREATE_COMPLETE/)
      // The watch reads keys through React hooks (Ink's useInput): with two copies of React they throw.
      const watch = await onTerminal(
        ['dlq', 'watch', '--sandbox'],
        () => true,
        async (t) => {
          await t.waitFor('the empty queue', (s) => s.includes('no messages'))
          t.keys('?')
          await t.waitFor('the help overlay', (s) => s.includes('open details'))
          t.keys('?')
          await t.waitFor('the list again', (s) => !s.includes('open details'))
          t.keys('q')
        },
      )
      expect(watch.code, watch.screen).toBe(0)
      expect(watch.oclif, watch.screen).toBe(0)
      expect(watch.reconciler, watch.screen).toBe(0)
      expect(watch.reactDev, watch.screen).toBe(0)
    },
    90_000,
  )
})
