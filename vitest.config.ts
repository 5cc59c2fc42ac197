import {defineConfig} from 'vitest/config'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * The files that take longest, longest first (seconds alone on an idle machine, roughly). They start
 * first so that the run does not end waiting on one of them while the other workers are idle: the
 * default order comes from Vitest's results cache in node_modules/.vite, which every worktree sharing
 * node_modules overwrites. A file missing from the list runs after these, in the default order.
 */
const LONGEST_FIRST = [
  'test/e2e/dlq-redrive-crash-100k.test.ts',
  'test/e2e/package.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/dlq-redrive.test.ts',
  'test/e2e/stack.test.ts',
  'test/e2e/put-resume.test.ts',
  'test/e2e/dlq-redrive-rule.test.ts',
  'test/e2e/dlq-outage.test.ts',
  'test/e2e/readme-walkthrough.test.ts',
  'test/e2e/readme-walkthrough-terminal.test.ts',
]

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`))
      return index === -1 ? LONGEST_FIRST.length : index
    }
    // Array.prototype.sort is stable: the rest keep the default order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

/**
 * Tests of pure logic, the UI and the command base: no sandbox process, no spawned CLI, no state in
 * the environment. They share one module cache per worker (`isolate: false`): importing the SDK,
 * Ink and the sources again for each of 70 files was most of `npm run test:fast`'s time.
 */
const SHARED_MODULES = ['test/unit/**/*.test.ts', 'test/ui/**/*.test.tsx', 'test/commands/**/*.test.ts']

/**
 * The journeys (e2e, contract, reliability) share a module cache per worker too: a fresh process per
 * file cost about 0.8 s of CPU in imports alone, 60 s over the suite. It is safe because every file
 * starts its own sandbox on a free port in its own temporary HOME, the in-process CLI runner restores
 * `process.env`, the working directory and `process.exitCode` after each command, and a worker runs
 * one file at a time. A file that depends on the process as it was at start-up runs alone in
 * ISOLATED: `root-help` (oclif reads the help width once, when it loads).
 */
const JOURNEYS = ['test/e2e/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/reliability/**/*.test.ts']
const ISOLATED = ['test/e2e/root-help.test.ts']

export default defineConfig({
  test: {
    // Ink writes a lone newline on unmount when CI is set, which clobbers the last frame
    // (docs/reference/aws-facts.md#ink-ci-newline).
    env: {CI: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker (cores - 1), and most e2e files spend their time
    // waiting on child processes, timers and sockets, not computing: three files at a time keep
    // both cores busy. Every file starts its own sandbox on a free port, in its own temporary HOME,
    // so files share no port, file or environment. Override with `--maxWorkers`.
    maxWorkers: 3,
    sequence: {sequencer: LongestFirst},
    projects: [
      {extends: true, test: {name: 'shared-modules', include: SHARED_MODULES, isolate: false}},
      {extends: true, test: {name: 'journeys', include: JOURNEYS, exclude: ISOLATED, isolate: false}},
      {extends: true, test: {name: 'isolated', include: ISOLATED}},
    ],
  },
})
