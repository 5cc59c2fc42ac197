// Benchmarks of `momento-eb put`: a cold single put side by side with `aws events put-events`
// (the v1 CLI on PATH and the v2 CLI at /usr/bin/aws when present), cold --version, and batch
// throughput of `put --file` with 100,000 events, all against one sandbox process.
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {median, startSandboxProcess} from './bench-lib.js'

function timeRun(command, args, env) {
  const start = performance.now()
  const result = spawnSync(command, args, {env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'})
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
  return ms
}

function awsClis() {
  const found = []
  try {
    const v1 = execFileSync('which', ['aws'], {encoding: 'utf8'}).trim()
    if (v1 && v1 !== '/usr/bin/aws') found.push({name: 'aws CLI v1', path: v1})
  } catch {
    // not installed
  }
  const v2 = spawnSync('/usr/bin/aws', ['--version'], {encoding: 'utf8'})
  if (v2.status === 0)
    found.push({name: `aws CLI ${v2.stdout.split(' ')[0]?.replace('aws-cli/', 'v')}`, path: '/usr/bin/aws'})
  return found
}

/**
 * Peak memory of `put --file` over a large file whose last line is invalid: the validation pass
 * streams the whole file, reports the line and sends nothing, so the figure shows whether the
 * input is ever held in memory.
 */
function bigFileRow(dir, quick, env) {
  const megabytes = Number(process.env.BENCH_BIG_FILE_MB ?? (quick ? 64 : 1024))
  const file = join(dir, 'big.ndjson')
  const line = `${JSON.stringify({detailType: 'cacheSet', detail: {cacheName: 'bench', key: 'k', message: 'v'.repeat(900), ttl: 60}})}\n`
  const chunk = line.repeat(Math.floor((8 * 1024 * 1024) / line.length))
  const fd = openSync(file, 'w')
  for (let written = 0; written < megabytes * 1024 * 1024; written += chunk.length) writeSync(fd, chunk)
  writeSync(fd, '{not json\n')
  closeSync(fd)
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%M %e', process.execPath, 'bin/run.js', 'put', '--file', file, '--sandbox'],
    {
      env,
      encoding: 'utf8',
    },
  )
  if (result.status !== 2)
    throw new Error(`expected exit 2 for the invalid last line, got ${result.status}: ${result.stderr}`)
  const [kb, seconds] = result.stderr.trim().split('\n').pop().split(' ').map(Number)
  rmSync(file, {force: true})
  return {
    name: `put --file over a ${megabytes} MiB file (whole validation pass, invalid last line, nothing sent): peak RSS`,
    value: `${Math.round(kb / 1024)} MiB in ${seconds} s`,
    target: 'flat (not proportional to the file)',
    pass: kb / 1024 < 200,
  }
}

export async function benchPut({runs, quick}) {
  const sandbox = await startSandboxProcess()
  const rows = []
  try {
    const env = {
      ...process.env,
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }
    const detail = JSON.stringify({cacheName: 'bench', key: 'k'})
    const entries = JSON.stringify([{Source: 'bench', DetailType: 'cacheDelete', Detail: detail}])
    const tools = [
      {
        name: 'momento-eb put cacheDelete',
        cmd: process.execPath,
        args: ['bin/run.js', 'put', 'cacheDelete', '--sandbox', '--cache', 'bench', '--key', 'k'],
      },
      ...awsClis().map((cli) => ({
        name: `${cli.name} events put-events`,
        cmd: cli.path,
        args: ['--endpoint-url', sandbox.endpoint, 'events', 'put-events', '--entries', entries],
      })),
    ]
    const versions = [
      {name: 'momento-eb --version', cmd: process.execPath, args: ['bin/run.js', '--version']},
      ...awsClis().map((cli) => ({name: `${cli.name} --version`, cmd: cli.path, args: ['--version']})),
    ]
    // The other commands' fast path (src/cli/commands-fast.ts) against oclif's normal path.
    const noFastPath = {...env, MOMENTO_EB_NO_FAST_PATH: '1'}
    const startups = [
      {name: 'momento-eb whoami --sandbox', cmd: process.execPath, args: ['bin/run.js', 'whoami', '--sandbox']},
      {
        name: 'momento-eb whoami --sandbox through oclif (MOMENTO_EB_NO_FAST_PATH=1)',
        cmd: process.execPath,
        args: ['bin/run.js', 'whoami', '--sandbox'],
        env: noFastPath,
      },
      {name: 'momento-eb template', cmd: process.execPath, args: ['bin/run.js', 'template']},
      {
        name: 'momento-eb template through oclif (MOMENTO_EB_NO_FAST_PATH=1)',
        cmd: process.execPath,
        args: ['bin/run.js', 'template'],
        env: noFastPath,
      },
    ]
    const repeat = quick ? 3 : 7 * runs
    const startupTimes = new Map(startups.map((t) => [t.name, []]))
    for (let i = 0; i < repeat; i++) {
      for (const tool of startups) startupTimes.get(tool.name).push(timeRun(tool.cmd, tool.args, tool.env ?? env))
    }
    for (const [i, tool] of startups.entries()) {
      const m = median(startupTimes.get(tool.name))
      // Each odd row is the even row's command through oclif.
      const ratio =
        i % 2 === 1
          ? ` (the fast path is ${(median(startupTimes.get(startups[i - 1].name)) / m).toFixed(2)}× its time)`
          : ''
      rows.push({
        name: `cold ${tool.name} (${repeat} runs, interleaved)`,
        value: `${Math.round(m)} ms${ratio}`,
        target: '',
        pass: true,
      })
    }
    for (const group of [tools, versions]) {
      const times = new Map(group.map((t) => [t.name, []]))
      for (let i = 0; i < repeat; i++) {
        // Interleave the tools so machine noise hits them alike.
        for (const tool of group) times.get(tool.name).push(timeRun(tool.cmd, tool.args, env))
      }
      const ours = median(times.get(group[0].name))
      const v1 = group.find((t) => t.name.startsWith('aws CLI v1'))
      for (const tool of group) {
        const m = median(times.get(tool.name))
        const isOurs = tool === group[0]
        const ratio = isOurs ? '' : ` (momento-eb is ${(ours / m).toFixed(2)}× its time)`
        rows.push({
          name: `cold ${tool.name} (${repeat} runs, interleaved)`,
          value: `${Math.round(m)} ms${ratio}`,
          target: isOurs && group === tools && v1 ? '≤ 1/3 of aws CLI v1' : '',
          pass: isOurs && v1 ? ours <= median(times.get(v1.name)) / 3 : true,
        })
      }
    }

    const count = quick ? 20_000 : 100_000
    const dir = mkdtempSync(join(tmpdir(), 'momento-eb-bench-'))
    const file = join(dir, 'events.ndjson')
    const lines = []
    for (let i = 0; i < count; i++) {
      lines.push(
        JSON.stringify({
          detailType: 'cacheSet',
          detail: {cacheName: 'bench', key: `k${i}`, message: 'v'.repeat(100), ttl: 600},
        }),
      )
    }
    writeFileSync(file, `${lines.join('\n')}\n`)
    const rates = []
    for (let run = 0; run < runs; run++) {
      const ms = timeRun(
        process.execPath,
        ['bin/run.js', 'put', '--file', file, '--sandbox', '--concurrency', '16'],
        env,
      )
      rates.push(count / (ms / 1000))
    }
    rows.push(bigFileRow(dir, quick, env))
    rmSync(dir, {recursive: true, force: true})
    rows.push({
      name: `put --file with ${count} cacheSet events, one process (whole command, sandbox accepting)`,
      value: `${Math.round(median(rates))} events/s`,
      target: '≥ 10,000 events/s',
      pass: median(rates) >= 10_000,
    })
  } finally {
    await sandbox.stop()
  }
  return rows
}
