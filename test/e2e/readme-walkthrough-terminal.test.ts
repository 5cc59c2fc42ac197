/**
 * The README's "Try it on the sandbox, step by step" on a real terminal (tmux, 80×24), as a person
 * follows it: the sandbox runs in one terminal, started with the README's command; the steps are
 * typed one by one into bash in another, each exactly as written (its `# …` comment left out), with
 * `momento-eb` on PATH. Each ends with the exit code the README states, and nothing on the screen
 * looks broken: no stack trace, no `undefined`, no line wider than 80 columns that could have been
 * wrapped (a single word such as an ARN may be wider: it stays whole to be copied).
 *
 * The concessions, as in readme-walkthrough.test.ts: the sandbox gets `--port 0` (4566 may be taken
 * on a test machine), so the steps' shell has MOMENTO_EB_SANDBOX_URL set to where it listens.
 */
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, cleanEnv, tempHome} from '../helpers/cli.js'
import {steps, walkthroughBlocks} from '../helpers/readme.js'
import {
  brokenText,
  hasTmux,
  openShell,
  openTerminal,
  overwideLines,
  type Shell,
  type Terminal,
} from '../helpers/terminal.js'

describe.skipIf(!hasTmux)("README's sandbox walkthrough on a terminal (80×24)", () => {
  const blocks = walkthroughBlocks()
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sandbox: Terminal | undefined
  let shell: Shell | undefined
  let endpoint = ''

  beforeAll(async () => {
    home = tempHome()
    // `momento-eb` on PATH, as after `npm install -g`.
    const bin = join(home.home, 'bin')
    mkdirSync(bin)
    writeFileSync(
      join(bin, 'momento-eb'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
    )
    chmodSync(join(bin, 'momento-eb'), 0o755)
    // A terminal: CI unset, colour allowed (tmux's capture leaves the escapes out).
    env = cleanEnv(home.home, {CI: undefined, NO_COLOR: undefined, PATH: `${bin}:${process.env['PATH'] ?? ''}`})
    expect(blocks, 'the walkthrough has a block that starts the sandbox and one with the steps').toHaveLength(2)
    const [start] = steps(blocks[0] as string)
    expect(start?.args).toEqual(['sandbox'])
    sandbox = openTerminal([...(start?.args ?? []), '--port', '0'], {env, cwd: home.home, columns: 80, rows: 24})
    const banner = await sandbox.waitFor('the sandbox', (s) => /Sandbox listening on http:\/\/\S+/.test(s))
    endpoint = /Sandbox listening on (http:\/\/\S+)/.exec(banner)?.[1] ?? ''
    expect(brokenText(banner)).toEqual([])
    expect(overwideLines(banner, 80)).toEqual([])
    shell = openShell({env: {...env, MOMENTO_EB_SANDBOX_URL: endpoint}, cwd: home.home, columns: 80, rows: 24})
  }, 60_000)

  afterAll(() => {
    shell?.close()
    sandbox?.close()
    home.cleanup()
  })

  it('each step ends with the exit code the README states, and nothing on screen looks broken', async () => {
    const outputs: string[] = []
    for (const step of steps(blocks[1] as string)) {
      const {code, output} = await (shell as Shell).run(step.command, 90_000)
      const shown = `${step.line}\n--- output ---\n${output}`
      expect(code, shown).toBe(step.exitCode)
      expect(brokenText(output), shown).toEqual([])
      expect(overwideLines(output, 80), shown).toEqual([])
      // A failing step says how to fix it.
      if (step.exitCode !== 0) expect(output, shown).toMatch(/Try:|fix/i)
      outputs.push(output)
    }
    const all = outputs.join('\n')
    // (Wrapped at words to the terminal's width.)
    expect(all).toMatch(/DELIVERED —\s+Delivered\s+to\s+Momento\s+after\s+1\s+attempt/)
    expect(all).toMatch(/redriven\s+1,\s+failed\s+0,\s+skipped\s+0/)
    const items = await fetch(`${endpoint}/_sandbox/momento/caches/invoices/items`)
    expect(JSON.stringify(await items.json())).toContain('inv-1')
    // The sandbox's own terminal shows nothing broken either.
    const sandboxScreen = (sandbox as Terminal).screen()
    expect(brokenText(sandboxScreen), sandboxScreen).toEqual([])
  }, 300_000)
})
