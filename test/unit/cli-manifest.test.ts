import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Plugin} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

type Manifest = {commands: Record<string, unknown>}

/** What `oclif manifest` does, in process: load the plugin from dist/ ignoring any manifest file. */
async function regenerated(): Promise<Manifest> {
  const plugin = new Plugin({
    root: ROOT,
    type: 'core',
    ignoreManifest: true,
    errorOnManifestCreate: true,
    respectNoCacheDefault: true,
  })
  await plugin.load()
  return JSON.parse(JSON.stringify(plugin.manifest)) as Manifest
}

describe('oclif.manifest.json', () => {
  // `npm run build` rewrites oclif.manifest.json in the working tree, so comparing the working copy
  // with a regenerated one compares two outputs of the same build: it could not fail. The drift that
  // matters is between the built commands and the manifest git holds (the index: `git add` counts,
  // so a developer can stage the regenerated file before committing). The order of the commands
  // is not compared (oclif lists them in the order the file system walk finished).
  it('in git matches a manifest regenerated from the built commands (run `npm run build`, commit oclif.manifest.json)', async () => {
    const fresh = await regenerated()
    const committed = JSON.parse(
      execFileSync('git', ['show', ':oclif.manifest.json'], {cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024}),
    ) as Manifest
    expect(Object.keys(committed.commands).sort()).toEqual(Object.keys(fresh.commands).sort())
    expect(committed).toEqual(fresh)
  })

  it('in the working tree matches it too (what the package ships)', async () => {
    const fresh = await regenerated()
    const working = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
    expect(working).toEqual(fresh)
  })
})
