// `node scripts/bench-redrive-cpu.js <count> <rounds> <checkout>...` (each checkout built; Linux only): per build, its own sandbox; seed <count> dead letters, run
// `dlq redrive --all --rate 0 --json`, report CLI CPU (/proc of the child incl. threads, and per thread),
// sandbox CPU and rate, round after round, medians. CLI_NODE_ARGS / SB_NODE_ARGS pass node flags
// (e.g. --cpu-prof --cpu-prof-dir=DIR); CLI_WRAP runs the CLI under a wrapper (e.g. strace).
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {awsConfig, median, startSandboxProcess} from './bench-lib.js'
const [count = '100000', rounds = '3', ...dirs] = process.argv.slice(2)
const BUS = 'bench-redrive'
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) * 10
}
const deadLetter = (time) => ({
  MessageBody: JSON.stringify({
    version: '0',
    id: 'bench-{{i}}',
    'detail-type': 'cacheSet',
    source: 'bench',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {cacheName: 'bench', key: 'k-{{i}}', message: 'v'.repeat(100), ttl: 3600, ttl_seconds: 3600},
  }),
  MessageAttributes: {
    RULE_ARN: {DataType: 'String', StringValue: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/bench`},
    ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
    ERROR_MESSAGE: {DataType: 'String', StringValue: 'API destination endpoint returned HTTP 404 (Not Found)'},
    RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
  },
})
async function once(dir, n, q) {
  const sb = await startSandboxProcess([], {dir, nodeArgs: process.env.SB_NODE_ARGS})
  const eb = new EventBridgeClient(awsConfig(sb.endpoint))
  const sqs = new SQSClient(awsConfig(sb.endpoint))
  const stateDir = mkdtempSync(join(tmpdir(), 'rd-'))
  try {
    await eb.send(new CreateEventBusCommand({Name: BUS}))
    await eb.send(
      new PutRuleCommand({Name: 'bench', EventBusName: BUS, EventPattern: JSON.stringify({source: ['bench-never']})}),
    )
    const {QueueUrl: sink} = await sqs.send(new CreateQueueCommand({QueueName: 'sink'}))
    const sinkArn = (await sqs.send(new GetQueueAttributesCommand({QueueUrl: sink, AttributeNames: ['QueueArn']})))
      .Attributes.QueueArn
    await eb.send(new PutTargetsCommand({Rule: 'bench', EventBusName: BUS, Targets: [{Id: 'sink', Arn: sinkArn}]}))
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: `dlq${q}`}))
    const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const res = await fetch(`${sb.endpoint}/_sandbox/sqs/seed`, {
      method: 'POST',
      body: JSON.stringify({queue: QueueUrl, count: n, messages: [deadLetter(time)]}),
    })
    if (res.status !== 200) throw new Error(await res.text())
    const env = {
      ...process.env,
      MOMENTO_EB_SANDBOX_URL: sb.endpoint,
      MOMENTO_EB_STATE_DIR: stateDir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CI: 'true',
    }
    const nodeArgs = process.env.CLI_NODE_ARGS?.split(' ').filter(Boolean) ?? []
    const sb0 = cpuMs(sb.pid)
    const t0 = performance.now()
    const cli = spawn(
      process.env.CLI_WRAP ?? process.execPath,
      [
        ...nodeArgs,
        join(dir, 'bin/run.js'),
        'dlq',
        'redrive',
        '--sandbox',
        '--queue-url',
        QueueUrl,
        '--all',
        '--rate',
        '0',
        '--json',
      ],
      {env, stdio: ['ignore', 'pipe', 'pipe']},
    )
    let out = '',
      err = '',
      cliCpu = 0
    cli.stdout.on('data', (d) => (out += d))
    cli.stderr.on('data', (d) => (err += d))
    const tasks = new Map()
    const timer = setInterval(() => {
      try {
        cliCpu = cpuMs(cli.pid)
        for (const t of readdirSync(`/proc/${cli.pid}/task`)) {
          const st = readFileSync(`/proc/${cli.pid}/task/${t}/stat`, 'utf8')
          const name = st.slice(st.indexOf('(') + 1, st.indexOf(')'))
          const f = st.split(') ')[1].split(' ')
          tasks.set(t, {name, ms: (Number(f[11]) + Number(f[12])) * 10})
        }
      } catch {
        // The CLI exited between two samples.
      }
    }, 20)
    const code = await new Promise((r) => cli.on('exit', r))
    clearInterval(timer)
    const wall = performance.now() - t0
    const sbCpu = cpuMs(sb.pid) - sb0
    if (code !== 0) throw new Error(`redrive exited ${code}: ${err.slice(-2000)}`)
    const s = JSON.parse(out)
    if (s.redriven !== n) throw new Error(`redrove ${s.redriven}`)
    console.error(
      '  threads: ' +
        [...tasks.values()]
          .filter((t) => t.ms >= 100)
          .map((t) => `${t.name} ${((t.ms * 1000) / n).toFixed(0)}`)
          .join(', ') +
        ' µs/msg',
    )
    return {rate: n / (s.durationMs / 1000), cliUs: (cliCpu * 1000) / n, sbUs: (sbCpu * 1000) / n, wall}
  } finally {
    eb.destroy()
    sqs.destroy()
    rmSync(stateDir, {recursive: true, force: true})
    await sb.stop()
  }
}
const results = new Map(dirs.map((d) => [d, []]))
for (let r = 0; r < Number(rounds); r++)
  for (const d of dirs) {
    const x = await once(d, Number(count), r)
    results.get(d).push(x)
    console.error(
      `round ${r + 1} ${d}: ${Math.round(x.rate)}/s, CLI ${x.cliUs.toFixed(1)} µs/msg, sandbox ${x.sbUs.toFixed(1)} µs/msg (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`,
    )
  }
for (const [d, l] of results)
  console.log(
    `${d}: median ${Math.round(median(l.map((x) => x.rate)))}/s, CLI ${median(l.map((x) => x.cliUs)).toFixed(1)} µs/msg, sandbox ${median(l.map((x) => x.sbUs)).toFixed(1)} µs/msg`,
  )
