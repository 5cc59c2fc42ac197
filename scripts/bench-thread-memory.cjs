// Preloaded (`node --require`) into a CLI run by the outage bench: `--require` modules also run in
// every worker thread (unlike `--import`), so each thread samples its own `process.memoryUsage()` every
// 100 ms and writes its peaks to `$BENCH_THREAD_MEMORY_DIR/<pid>-<threadId>.json` once a second and at
// exit. The bench adds the threads' V8 heaps up (the breakdown) next to the process's peak resident
// memory (VmHWM: the kernel's high-water mark for the whole process, every thread included; each
// thread's `memoryUsage().rss` is that same process figure, so summing it over threads would count the
// process three times).
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- `--require` preloads are CommonJS (ESM `--import` skips worker threads) */
const dir = process.env.BENCH_THREAD_MEMORY_DIR
if (dir) {
  const {writeFileSync} = require('node:fs')
  const {join} = require('node:path')
  const {threadId} = require('node:worker_threads')
  const file = join(dir, `${process.pid}-${threadId}.json`)
  const peak = {thread: threadId, rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, samples: 0}
  const sample = () => {
    const m = process.memoryUsage()
    for (const k of ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers']) peak[k] = Math.max(peak[k], m[k])
    peak.samples++
  }
  const write = () => {
    try {
      writeFileSync(file, JSON.stringify(peak))
    } catch {
      // The bench removed the directory: nothing to report to.
    }
  }
  let n = 0
  const timer = setInterval(() => {
    sample()
    if (++n % 10 === 0) write()
  }, 100)
  timer.unref()
  process.on('exit', () => {
    sample()
    write()
  })
}
