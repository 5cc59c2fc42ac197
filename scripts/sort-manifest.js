// oclif writes the manifest's commands in the order their modules finished loading, which changes
// from build to build; sorting them by id makes the committed file stable (no churn, no merge noise).
import {readFileSync, writeFileSync} from 'node:fs'

const path = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(path, 'utf8'))
manifest.commands = Object.fromEntries(
  Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
)
writeFileSync(path, JSON.stringify(manifest, null, 2))
