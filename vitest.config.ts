import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
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
  },
})
