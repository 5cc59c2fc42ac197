// Benchmarks of `momento-eb dlq redrive` against a sandbox process: throughput with no rate cap
// (PutEvents + journal + DeleteMessageBatch + the rule checks; the bus's one rule matches none of the
// events, so the figure is redrive itself, not the delivery pipeline), and how closely `--rate 200` holds
// its pace over more than 10 s.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, startSandboxProcess} from './bench-lib.js'

const BUS = 'bench-redrive'

async function fill(sqs, queueUrl, count) {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  await pool(count / 10, 16, async (b) => {
    const Entries = Array.from({length: 10}, (_, j) => {
      const i = b * 10 + j
      return {
        Id: `m${j}`,
        MessageBody: JSON.stringify({
          version: '0',
          id: `bench-${i}`,
          'detail-type': 'cacheSet',
          source: 'bench',
          account: '000000000000',
          time,
          region: 'us-east-1',
          resources: [],
          detail: {cacheName: 'bench', key: `k-${i}`, message: 'v'.repeat(100), ttl: 3600, ttl_seconds: 3600},
        }),
        MessageAttributes: {
          RULE_ARN: {DataType: 'String', StringValue: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/bench`},
          ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
          ERROR_MESSAGE: {DataType: 'String', StringValue: 'API destination endpoint returned HTTP 404 (Not Found)'},
          RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
        },
      }
    })
    const out = await sqs.send(new SendMessageBatchCommand({QueueUrl: queueUrl, Entries}))
    if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
  })
}

function redrive(sandbox, stateDir, queueUrl, rate) {
  const env = {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_STATE_DIR: stateDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CI: 'true',
  }
  const args = ['bin/run.js', 'dlq', 'redrive', '--sandbox', '--queue-url', queueUrl, '--all', '--rate', String(rate)]
  const start = performance.now()
  const result = spawnSync(process.execPath, [...args, '--json'], {env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20})
  const wallMs = performance.now() - start
  if (result.status !== 0) throw new Error(`dlq redrive failed (${result.status}): ${result.stderr}`)
  return {summary: JSON.parse(result.stdout), wallMs}
}

export async function benchRedrive({runs, quick}) {
  const sizes = quick ? [5000] : [20_000, 50_000]
  const paced = quick ? 1000 : 2400
  const sandbox = await startSandboxProcess()
  const stateDir = mkdtempSync(join(tmpdir(), 'momento-eb-bench-state-'))
  const eb = new EventBridgeClient(awsConfig(sandbox.endpoint))
  const sqs = new SQSClient(awsConfig(sandbox.endpoint))
  try {
    await eb.send(new CreateEventBusCommand({Name: BUS}))
    // The rule RULE_ARN names must exist, be enabled and have a target, or redrive stops (and keeps the
    // messages). It matches no redriven event, so nothing is delivered.
    await eb.send(
      new PutRuleCommand({Name: 'bench', EventBusName: BUS, EventPattern: JSON.stringify({source: ['bench-never']})}),
    )
    const {QueueUrl: sink} = await sqs.send(new CreateQueueCommand({QueueName: 'bench-redrive-sink'}))
    const sinkArn = (await sqs.send(new GetQueueAttributesCommand({QueueUrl: sink, AttributeNames: ['QueueArn']})))
      .Attributes.QueueArn
    await eb.send(new PutTargetsCommand({Rule: 'bench', EventBusName: BUS, Targets: [{Id: 'sink', Arn: sinkArn}]}))
    const bySize = new Map(sizes.map((n) => [n, {whole: [], publish: [], wall: []}]))
    const rates = []
    for (let run = 0; run < runs; run++) {
      for (const count of sizes) {
        const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: `bench-redrive-${count}-${run}`}))
        await fill(sqs, QueueUrl, count)
        const {summary, wallMs} = redrive(sandbox, stateDir, QueueUrl, 0)
        if (summary.redriven !== count) throw new Error(`redrove ${summary.redriven} of ${count}`)
        const figures = bySize.get(count)
        figures.whole.push(count / (summary.durationMs / 1000))
        figures.publish.push(count / (summary.publishMs / 1000))
        figures.wall.push(count / (wallMs / 1000))
      }

      const paced200 = (await sqs.send(new CreateQueueCommand({QueueName: `bench-redrive-paced-${run}`}))).QueueUrl
      await fill(sqs, paced200, paced)
      const pacedRun = redrive(sandbox, stateDir, paced200, 200)
      if (pacedRun.summary.redriven !== paced) throw new Error(`redrove ${pacedRun.summary.redriven} of ${paced}`)
      // Over the paced part only: the first batch goes at once, the rest one slot apart.
      rates.push((paced - 10) / (pacedRun.summary.publishMs / 1000))
    }
    const rate = median(rates)
    const error = Math.abs(rate - 200) / 200
    const largest = sizes[sizes.length - 1]
    const rows = sizes.map((count) => {
      const f = bySize.get(count)
      const judged = count === largest
      return {
        name:
          `dlq redrive --rate 0: ${count} messages, PutEvents + journal + DeleteMessageBatch (bus with one rule, matching none), ` +
          'one process; whole run, including start-up and the final 1 s long poll that finds the queue empty',
        value:
          `${Math.round(median(f.whole))} messages/s (first to last PutEvents: ${Math.round(median(f.publish))}/s; ` +
          `with process start: ${Math.round(median(f.wall))}/s)`,
        target: judged ? '≥ 5,000 messages/s' : '',
        pass: judged ? median(f.whole) >= 5000 : true,
      }
    })
    rows.push({
      name: `dlq redrive --rate 200: achieved pace over ${paced} messages (${Math.round(paced / 200)} s)`,
      value: `${rate.toFixed(1)} messages/s (${(error * 100).toFixed(1)} % off)`,
      target: '200/s ± 10 %',
      pass: error <= 0.1,
    })
    return rows
  } finally {
    eb.destroy()
    sqs.destroy()
    rmSync(stateDir, {recursive: true, force: true})
    await sandbox.stop()
  }
}
