import {defineConfig} from 'vitest/config'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * The order files start in. The suite is CPU-bound on 2 cores, but a third of its files mostly wait
 * (on a terminal, a long poll, a timer, a rate cap): those start first (in CI beside the release
 * checks, the longest files), so that their waits overlap with computing and the CPU-heavy files
 * fill the end. Started last, they left the machine a third idle for the last 40 s. Within the
 * groups, longest first. A file missing from the list runs after these, in Vitest's default order
 * (from its results cache in node_modules/.vite, which every worktree sharing node_modules
 * overwrites). Projects stay contiguous: a shared-modules worker is reused only while the next file
 * is of its project.
 */
const START_FIRST = [
  // Release checks (`npm run test:ci` only). 80 s and 35 s of CPU: the critical path there.
  'test/release/dlq-redrive-crash-100k.test.ts',
  'test/release/package.test.ts',
  // Mostly waiting (wall several times their CPU).
  'test/e2e/dlq-redrive.test.ts',
  'test/e2e/dlq-redrive-rule.test.ts',
  'test/e2e/readme-walkthrough-terminal.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/top.test.ts',
  'test/reliability/secrets.test.ts',
  'test/e2e/prompts.test.ts',
  'test/e2e/stack.test.ts',
  'test/e2e/silent-endpoint.test.ts',
  'test/e2e/dlq-watch.test.ts',
  'test/e2e/dlq-watch-trace.test.ts',
  'test/e2e/trace.test.ts',
  'test/e2e/dlq-redrive-unfixed.test.ts',
  // Computing.
  'test/e2e/dlq-redrive-crash.test.ts',
  'test/e2e/dlq-outage.test.ts',
  'test/e2e/put-resume.test.ts',
  'test/e2e/readme-walkthrough.test.ts',
]

class StartOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = START_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`))
      if (index !== -1) return index
      // The rest of the journeys, then the quick shared-modules files (they fill the gaps at the end).
      return START_FIRST.length + (file.project.name === 'shared-modules' ? 1 : 0)
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

/**
 * Release checks: the installed npm package, and crash-and-resume at 100,000 messages (the same
 * journey runs at 10,000 in the journeys). Together about 115 s of CPU, half the rest of the suite's:
 * CI runs them on every change (`npm run test:ci`); `npm test`, the pre-push run, leaves them out.
 */
const RELEASE = ['test/release/**/*.test.ts']

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
    // so files share no port, file or environment. `--maxWorkers` on the command line does not reach
    // the projects below (they extend this config and keep this value): change it here. Six workers
    // measured 10 % faster than three and failed a timing test; three keep the margin.
    maxWorkers: 3,
    sequence: {sequencer: StartOrder},
    projects: [
      {extends: true, test: {name: 'shared-modules', include: SHARED_MODULES, isolate: false}},
      {extends: true, test: {name: 'journeys', include: JOURNEYS, exclude: ISOLATED, isolate: false}},
      {extends: true, test: {name: 'isolated', include: ISOLATED}},
      {extends: true, test: {name: 'release', include: RELEASE, isolate: false}},
    ],
  },
})
