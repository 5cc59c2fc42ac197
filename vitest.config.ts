import {defineConfig} from 'vitest/config'

/**
 * Tests of pure logic, the UI and the command base: no sandbox process, no spawned CLI, no state in
 * the environment. They share one module cache per worker (`isolate: false`): importing the SDK,
 * Ink and the sources again for each of 70 files was most of `npm run test:fast`'s time.
 */
const SHARED_MODULES = ['test/unit/**/*.test.ts', 'test/ui/**/*.test.tsx', 'test/commands/**/*.test.ts']

export default defineConfig({
  test: {
    // Ink writes a lone newline on unmount when CI is set, which clobbers the last frame (style guide, Part 2 fact 6).
    env: {CI: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker (cores - 1), and most e2e files spend their time
    // waiting on child processes, timers and sockets, not computing: three files at a time keep
    // both cores busy. Every file starts its own sandbox on a free port, in its own temporary HOME,
    // so files share no port, file or environment. Override with `--maxWorkers`.
    maxWorkers: 3,
    projects: [
      {extends: true, test: {name: 'shared-modules', include: SHARED_MODULES, isolate: false}},
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: SHARED_MODULES,
        },
      },
    ],
  },
})
