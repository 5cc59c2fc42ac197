import {defineConfig} from 'vitest/config'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * The order files start in. On 2 cores the suite is CPU-bound where files compute and bound by waits
 * where they wait (on a terminal, a long poll, a timer, a rate cap); the order below keeps both kinds
 * running together (the measurements are in docs/architecture.md, "Tests"). A file missing from the
 * list runs after these, in Vitest's default order (longest first, from its results cache in
 * node_modules/.vite, which every worktree sharing node_modules overwrites). Vitest runs projects one
 * after another, so the unit and view files are in the same project as the journeys: they fill the
 * journeys' waits instead of making a tail of their own (10 s at half the machine).
 */
const START_FIRST = [
  // Release checks (`npm run test:ci` only). 80 s and 35 s of CPU: the critical path there.
  'test/release/dlq-redrive-crash-100k.test.ts',
  'test/release/package.test.ts',
  // Then files that mostly wait (W: wall several times their CPU: terminals, long polls, signals, rate
  // caps), longest first, two to each file that computes (C), most CPU first: the workers hold both
  // kinds from start to end. Run together, the waiting files left a core idle; left to the end, they
  // made a tail of 20 s at a third of the machine.
  'test/e2e/dlq-redrive.test.ts', // W
  'test/e2e/dlq-redrive-crash.test.ts', // C
  'test/e2e/dlq-redrive-stop.test.ts', // W
  'test/e2e/dlq-outage.test.ts', // C
  'test/e2e/dlq-redrive-rule.test.ts', // W
  'test/e2e/put-resume.test.ts', // C
  'test/e2e/readme-walkthrough-terminal.test.ts', // W
  'test/e2e/demo.test.ts', // W
  'test/reliability/bad-input.test.ts', // C
  'test/e2e/top.test.ts', // W
  'test/reliability/secrets.test.ts', // W
  'test/reliability/sandbox-fuzz.test.ts', // C
  'test/e2e/stack.test.ts', // W
  'test/e2e/prompts.test.ts', // W
  'test/e2e/terminal-hangup.test.ts', // C
  'test/e2e/dlq-scale.test.ts', // W
  'test/e2e/dlq-watch.test.ts', // W
  'test/e2e/put.test.ts', // C
  'test/e2e/dlq-watch-trace.test.ts', // W
  'test/e2e/observability.test.ts', // W
  'test/e2e/cli.test.ts', // C
  'test/e2e/silent-endpoint.test.ts', // W
  'test/e2e/trace.test.ts', // W
  'test/contract/sandbox-guard.test.ts', // C
  'test/e2e/pipeline.test.ts', // W
  'test/reliability/call-timeouts.test.ts', // W
  'test/e2e/put-fast-path.test.ts', // C
  'test/e2e/dlq-redrive-unfixed.test.ts', // W
  'test/e2e/deploy-replace.test.ts', // W
  'test/e2e/put-fast-switch.test.ts', // C
  'test/contract/sqs-limits.test.ts', // C
  'test/contract/sqs-aws-cli.test.ts', // C
  'test/e2e/dlq-bus-log.test.ts', // C
  'test/e2e/sandbox-latency.test.ts', // C
  'test/contract/logs.test.ts', // C
]

class StartOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = START_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`))
      if (index !== -1) return index
      return START_FIRST.length
    }
    // Array.prototype.sort is stable: the rest keep the default order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

/** Tests of pure logic, the UI and the command base: no sandbox, no spawned CLI (`npm run test:fast`). */
const UNITS = ['test/unit/**/*.test.ts', 'test/ui/**/*.test.tsx', 'test/commands/**/*.test.ts']

/**
 * The journeys: e2e, contract, reliability. They and the units share one module cache per worker
 * (`isolate: false`): a fresh process per file cost about 0.8 s of CPU in imports alone, 60 s over
 * the suite. It is safe because every journey starts its own sandbox on a free port in its own
 * temporary HOME, the in-process CLI runner restores `process.env`, the working directory, the exit
 * code and the signal listeners after each command, and a worker runs one file at a time. A file
 * that depends on the process as it was at start-up runs alone in ISOLATED: `root-help` (oclif reads
 * the help width once, when it loads).
 */
const JOURNEYS = ['test/e2e/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/reliability/**/*.test.ts']
const ISOLATED = ['test/e2e/root-help.test.ts']

/**
 * Release checks: the installed npm package, and crash-and-resume at 100,000 messages (the same
 * journey runs at 5,000 in the journeys). Together about 115 s of CPU, most of what the rest of the
 * suite takes: CI runs them on every change (`npm run test:ci`); `npm test`, the pre-push run, leaves
 * them out.
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
    // Vitest's default on 2 cores is one worker (cores - 1), and many journeys spend their time
    // waiting on child processes, timers and sockets. Measured on 2 cores (`npm test`), 2026-12-07, with
    // the terminal applications started from the bundles: 4 workers 91.9, 97.9 s (the cores 84–86 %
    // busy); 5 workers 85.4, 92.3, 93.8, 98.9, 99.1 s; 6 workers 88.6, 88.8, 88.8, 94.8 s (97 % busy);
    // 7 workers 107 s (more CPU per file: the processes contend). Runs alternated; the machine's speed
    // drifted by a third in the hour. `--maxWorkers` on the command line does not reach the projects
    // below (they extend this config and keep this value): MOMENTO_EB_TEST_WORKERS sets it.
    maxWorkers: Number(process.env['MOMENTO_EB_TEST_WORKERS']) || 6,
    sequence: {sequencer: StartOrder},
    // Keep the transformed modules in node_modules/.experimental-vitest-cache between runs (keyed by
    // each file's content and the config; Vitest 5 turns it on by default). Alternated runs of
    // `npm run test:fast`, 2026-12-07: 12.2–14.2 s and 23.1–26.9 s of CPU with it, 15.0–16.6 s and
    // 27.7–31.3 s without. A fresh clone (CI) starts with an empty cache and fills it.
    experimental: {fsModuleCache: true},
    projects: [
      {extends: true, test: {name: 'suite', include: [...UNITS, ...JOURNEYS], exclude: ISOLATED, isolate: false}},
      {extends: true, test: {name: 'isolated', include: ISOLATED}},
      {extends: true, test: {name: 'release', include: RELEASE, isolate: false}},
    ],
  },
})
