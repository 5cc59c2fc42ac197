import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Plugin} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

describe('oclif.manifest.json', () => {
  it('matches a manifest regenerated from the built commands (run `npm run build` and commit it)', async () => {
    // What `oclif manifest` does, in process: load the plugin ignoring the committed manifest.
    const plugin = new Plugin({
      root: ROOT,
      type: 'core',
      ignoreManifest: true,
      errorOnManifestCreate: true,
      respectNoCacheDefault: true,
    })
    await plugin.load()
    const fresh = JSON.parse(JSON.stringify(plugin.manifest)) as {commands: Record<string, unknown>}
    const committed = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as typeof fresh
    expect(Object.keys(committed.commands).sort()).toEqual(Object.keys(fresh.commands).sort())
    expect(committed).toEqual(fresh)
  })
})
