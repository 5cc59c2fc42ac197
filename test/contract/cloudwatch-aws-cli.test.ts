/**
 * CloudWatch with the installed AWS CLI: botocore ≥1.3x speaks Smithy RPC v2 CBOR to CloudWatch
 * (its model lists `protocols: [smithy-rpc-v2-cbor, json, query]`), so this checks the sandbox's
 * CBOR endpoint end to end: put-metric-data, get-metric-data (timestamps as CBOR tag 1),
 * put-metric-alarm, describe-alarms, and an error with its query-compatible code. Every command runs
 * in one Python process (test/helpers/aws-cli.ts).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {findCliOnPath, isolatedCliEnv, startCli, type CliDriver} from '../helpers/aws-cli.js'
import {startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const cli = await findCliOnPath()
if (!cli) console.warn('cloudwatch-aws-cli.test.ts: no `aws` on PATH; skipping.')

describe.skipIf(!cli)('CloudWatch with the AWS CLI (RPC v2 CBOR)', () => {
  let sandbox: RunningSandbox
  let home: string
  let driver: CliDriver | undefined

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = mkdtempSync(join(tmpdir(), 'cw-aws-cli-'))
    // One Python process runs every command of the file (test/helpers/aws-cli.ts).
    if (cli) driver = startCli(cli, isolatedCliEnv(home))
  })
  afterAll(async () => {
    await driver?.close()
    await sandbox.close()
    rmSync(home, {recursive: true, force: true})
  })

  async function cw(...args: string[]): Promise<{code: number; json: Record<string, unknown>; stderr: string}> {
    if (!driver) throw new Error('no AWS CLI driver: the suite should have been skipped')
    const argv = ['--endpoint-url', sandbox.endpoint, '--region', 'us-east-1', 'cloudwatch', ...args]
    const {code, stdout, stderr} = await driver.invoke(argv)
    if (code !== 0) return {code, json: {}, stderr}
    return {code, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr}
  }

  it('puts and reads metrics, creates and describes an alarm, reports errors', {timeout: 120_000}, async () => {
    const ns = uniqueName('Cli')
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000
    const iso = (ms: number) => new Date(ms).toISOString()
    const put = await cw(
      'put-metric-data',
      '--namespace',
      ns,
      '--metric-data',
      JSON.stringify([
        {MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}], Timestamp: iso(minute + 5_000), Value: 2},
        {MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}], Timestamp: iso(minute + 9_000), Value: 5},
      ]),
    )
    expect(put.code, put.stderr).toBe(0)
    const got = await cw(
      'get-metric-data',
      '--start-time',
      iso(minute),
      '--end-time',
      iso(minute + 120_000),
      '--metric-data-queries',
      JSON.stringify([
        {
          Id: 'h',
          MetricStat: {
            Metric: {Namespace: ns, MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}]},
            Period: 60,
            Stat: 'Sum',
          },
        },
      ]),
    )
    expect(got.code, got.stderr).toBe(0)
    // CLI v1 prints timestamps as received (cli_timestamp_format `none`): CBOR tag 1, epoch seconds.
    const ms = (t: number | string | undefined) => (typeof t === 'number' ? t * 1000 : Date.parse(t ?? ''))
    const result = (
      got.json['MetricDataResults'] as {Id: string; Values: number[]; Timestamps: (number | string)[]}[]
    )[0]
    expect(result?.Values).toEqual([7])
    expect(ms(result?.Timestamps[0])).toBe(minute)

    const name = uniqueName('cli-alarm')
    const alarm = await cw(
      'put-metric-alarm',
      '--alarm-name',
      name,
      '--namespace',
      ns,
      '--metric-name',
      'Hits',
      '--statistic',
      'Sum',
      '--period',
      '60',
      '--evaluation-periods',
      '1',
      '--threshold',
      '0',
      '--comparison-operator',
      'GreaterThanThreshold',
      '--treat-missing-data',
      'notBreaching',
    )
    expect(alarm.code, alarm.stderr).toBe(0)
    const described = await cw('describe-alarms', '--alarm-names', name)
    expect(described.code, described.stderr).toBe(0)
    const [view] = described.json['MetricAlarms'] as {
      AlarmName: string
      StateValue: string
      StateUpdatedTimestamp: number | string
    }[]
    expect(view?.AlarmName).toBe(name)
    // No recent data and notBreaching: INSUFFICIENT_DATA until the first evaluation, then OK.
    expect(['INSUFFICIENT_DATA', 'OK']).toContain(view?.StateValue)
    expect(Math.abs(ms(view?.StateUpdatedTimestamp) - Date.now())).toBeLessThan(60_000)

    const missing = await cw('delete-alarms', '--alarm-names', 'no-such-alarm')
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('ResourceNotFound')
  })
})
