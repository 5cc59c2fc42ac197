import {execFile, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const run = promisify(execFile)

/**
 * An AWS CLI to test: its executable, its version line, and (when it is a Python script: the pip and
 * the distro CLIs are) the Python interpreter that runs it.
 */
interface AwsCli {
  path: string
  version: string
  python?: string | undefined
}

/** The interpreter on a script's `#!` line when it is a Python; for a pyenv shim, the script it runs. */
async function pythonOf(path: string): Promise<string | undefined> {
  const shebang = (file: string) => {
    const first = readFileSync(file, 'utf8').slice(0, 200).split('\n')[0] ?? ''
    const match = /^#!\s*(\S*python[0-9.]*)\s*$/.exec(first)
    return match?.[1]
  }
  try {
    const direct = shebang(path)
    if (direct) return direct
    if (!path.includes('/shims/')) return undefined
    const {stdout} = await run('pyenv', ['which', 'aws'], {timeout: 30_000})
    return shebang(stdout.trim())
  } catch {
    return undefined
  }
}

/** Every `aws` binary on PATH plus the distro one, with its version line. Async: the sandbox runs in this process. */
async function findClis(): Promise<AwsCli[]> {
  const paths = new Set<string>()
  try {
    const {stdout} = await run('which', ['-a', 'aws'])
    for (const line of stdout.split('\n')) if (line.trim()) paths.add(line.trim())
  } catch {
    // `which` exits 1 when there is no aws on PATH.
  }
  paths.add('/usr/bin/aws')
  const unique = new Map<string, string>()
  for (const path of paths) {
    try {
      // /bin/aws and /usr/bin/aws are one file when /bin links to /usr/bin.
      const real = realpathSync(path)
      if (![...unique.values()].includes(real)) unique.set(path, real)
    } catch {
      // Not installed.
    }
  }
  const found = await Promise.all(
    [...unique.keys()].map(async (path): Promise<AwsCli | undefined> => {
      try {
        const {stdout, stderr} = await run(path, ['--version'], {timeout: 30_000})
        return {path, version: (stdout || stderr).trim(), python: await pythonOf(path)}
      } catch {
        return undefined // Not runnable.
      }
    }),
  )
  // Two shims can point at the same install; test each CLI version once.
  const versions = new Set<string>()
  return found.filter((cli): cli is AwsCli => {
    if (!cli || versions.has(cli.version)) return false
    versions.add(cli.version)
    return true
  })
}

/**
 * Runs AWS CLI commands in one Python process: each line on stdin is an argv, run through the CLI's
 * own entry point (`awscli.clidriver`'s driver, what the `aws` script calls), its stdout and stderr
 * captured, and answered with one JSON line. Both CLI generations here are Python; starting Python and
 * importing botocore costs 0.5 to 1 s of CPU, which a process per command paid 26 times. One driver
 * serves every command (its session loads the SQS model once: about 10 ms a command instead of
 * 100 ms); each command parses its own argv, and all of them share the environment and global options.
 */
const DRIVER = `
import io, json, sys
import awscli.clidriver

real_stdout = sys.stdout
driver = awscli.clidriver.create_clidriver()
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        code = driver.main(json.loads(line))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException as e:
        err.write(repr(e))
        code = 255
    finally:
        sys.stdout, sys.stderr = real_stdout, sys.__stderr__
    real_stdout.write(json.dumps({"code": code or 0, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\\n")
    real_stdout.flush()
`

/** One AWS CLI command's exit code and output. */
interface Invocation {
  code: number
  stdout: string
  stderr: string
}

/** The CLI in one process (DRIVER) when it is a Python script, else a process per command. */
function startCli(cli: AwsCli, env: NodeJS.ProcessEnv): {invoke(argv: string[]): Promise<Invocation>; close(): void} {
  if (!cli.python) {
    return {
      async invoke(argv) {
        try {
          const {stdout, stderr} = await run(cli.path, argv, {env, timeout: 60_000})
          return {code: 0, stdout, stderr}
        } catch (error) {
          const failed = error as {code?: number; stdout?: string; stderr?: string}
          return {code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? ''}
        }
      },
      close() {},
    }
  }
  const child = spawn(cli.python, ['-c', DRIVER], {env, stdio: ['pipe', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const lines = createInterface({input: child.stdout})
  const waiting: ((line: string) => void)[] = []
  lines.on('line', (line) => waiting.shift()?.(line))
  let queue: Promise<unknown> = Promise.resolve()
  return {
    invoke(argv) {
      const answer = queue.then(
        () =>
          new Promise<Invocation>((resolveAnswer, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`aws ${argv.join(' ')}: no answer in 60 s. ${stderr}`)),
              60_000,
            )
            waiting.push((line) => {
              clearTimeout(timer)
              resolveAnswer(JSON.parse(line) as Invocation)
            })
            child.stdin.write(`${JSON.stringify(argv)}\n`)
          }),
      )
      queue = answer.catch(() => undefined)
      return answer
    },
    close() {
      child.stdin.end()
      child.kill()
    },
  }
}

const clis = await findClis()
if (clis.length === 0) {
  console.warn(
    'sqs-aws-cli.test.ts: no AWS CLI found (aws on PATH or /usr/bin/aws); skipping the CLI compatibility tests.',
  )
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

describe.skipIf(clis.length === 0)('SQS with the real AWS CLIs', () => {
  let sandbox: RunningSandbox
  let home: string

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = mkdtempSync(join(tmpdir(), 'sqs-aws-cli-'))
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(home, {recursive: true, force: true})
  })

  describe.each(clis)('$version', (cli) => {
    let driver: ReturnType<typeof startCli>
    beforeAll(() => {
      driver = startCli(cli, {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_PAGER: '',
        AWS_DEFAULT_OUTPUT: 'json',
      })
    })
    afterAll(() => driver?.close())

    /** Run `aws sqs <args>` against the sandbox; resolves with exit code, parsed stdout and stderr. */
    async function sqs(...args: string[]): Promise<{code: number; json: Record<string, unknown>; stderr: string}> {
      const argv = ['--endpoint-url', sandbox.endpoint, '--region', 'us-east-1', 'sqs', ...args]
      const {code, stdout, stderr} = await driver.invoke(argv)
      if (code !== 0) return {code, json: {}, stderr}
      return {code, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr}
    }

    it(
      'create, send, receive (All attributes), delete, attributes, purge, list, errors',
      {timeout: 120_000},
      async () => {
        const name = uniqueName('cli')
        const url = `${sandbox.endpoint}/000000000000/${name}`

        const created = await sqs('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45')
        expect(created).toMatchObject({code: 0, json: {QueueUrl: url}})

        const body = 'hello <&> wörld'
        const sent = await sqs(
          'send-message',
          '--queue-url',
          url,
          '--message-body',
          body,
          '--message-attributes',
          JSON.stringify({
            ERROR_CODE: {DataType: 'String', StringValue: 'X'},
            N: {DataType: 'Number', StringValue: '3'},
          }),
        )
        expect(sent.code, sent.stderr).toBe(0)
        expect(sent.json['MD5OfMessageBody']).toBe(md5(body))

        const received = await sqs(
          'receive-message',
          '--queue-url',
          url,
          '--message-attribute-names',
          'All',
          '--attribute-names',
          'All',
        )
        expect(received.code, received.stderr).toBe(0)
        const messages = received.json['Messages'] as Record<string, unknown>[]
        expect(messages).toHaveLength(1)
        expect(messages[0]).toMatchObject({
          MessageId: sent.json['MessageId'],
          Body: body,
          MD5OfBody: md5(body),
          MD5OfMessageAttributes: sent.json['MD5OfMessageAttributes'],
          Attributes: {ApproximateReceiveCount: '1', SenderId: 'test'},
          MessageAttributes: {
            ERROR_CODE: {DataType: 'String', StringValue: 'X'},
            N: {DataType: 'Number', StringValue: '3'},
          },
        })

        const deleted = await sqs(
          'delete-message',
          '--queue-url',
          url,
          '--receipt-handle',
          String(messages[0]?.['ReceiptHandle']),
        )
        expect(deleted.code, deleted.stderr).toBe(0)

        const attributes = await sqs('get-queue-attributes', '--queue-url', url, '--attribute-names', 'All')
        expect(attributes.json['Attributes']).toMatchObject({
          VisibilityTimeout: '45',
          ApproximateNumberOfMessages: '0',
          ApproximateNumberOfMessagesNotVisible: '0',
          QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
        })

        expect((await sqs('purge-queue', '--queue-url', url)).code).toBe(0)
        const again = await sqs('purge-queue', '--queue-url', url)
        expect(again.code).not.toBe(0)
        expect(again.stderr).toContain('(AWS.SimpleQueueService.PurgeQueueInProgress)')

        const listed = await sqs('list-queues', '--queue-name-prefix', name)
        expect(listed.json).toEqual({QueueUrls: [url]})

        const missing = await sqs('get-queue-url', '--queue-name', uniqueName('missing'))
        expect(missing.code).not.toBe(0)
        expect(missing.stderr).toContain('(AWS.SimpleQueueService.NonExistentQueue)')
        expect(missing.stderr).toContain('The specified queue does not exist.')

        const empty = await sqs('receive-message', '--queue-url', url)
        expect(empty).toMatchObject({code: 0, json: {}})

        expect((await sqs('delete-queue', '--queue-url', url)).code).toBe(0)
      },
    )

    it('batch send and delete report successes and failures', {timeout: 120_000}, async () => {
      const name = uniqueName('clib')
      const {json} = await sqs('create-queue', '--queue-name', name)
      const url = String(json['QueueUrl'])
      const sent = await sqs(
        'send-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          {Id: 'a', MessageBody: 'one'},
          {Id: 'b', MessageBody: 'two', DelaySeconds: 901},
        ]),
      )
      expect(sent.code, sent.stderr).toBe(0)
      expect((sent.json['Successful'] as {Id: string}[]).map((entry) => entry.Id)).toEqual(['a'])
      expect(sent.json['Failed']).toEqual([
        expect.objectContaining({Id: 'b', SenderFault: true, Code: 'InvalidParameterValue'}),
      ])

      const received = await sqs('receive-message', '--queue-url', url, '--max-number-of-messages', '10')
      const handle = (received.json['Messages'] as {ReceiptHandle: string}[])[0]?.ReceiptHandle ?? ''
      const deleted = await sqs(
        'delete-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          {Id: 'ok', ReceiptHandle: handle},
          {Id: 'bad', ReceiptHandle: 'nope'},
        ]),
      )
      expect(deleted.json['Successful']).toEqual([{Id: 'ok'}])
      expect(deleted.json['Failed']).toEqual([expect.objectContaining({Id: 'bad', Code: 'ReceiptHandleIsInvalid'})])
    })

    it('AWSTraceHeader round-trips and batch errors carry AWS texts', {timeout: 120_000}, async () => {
      const name = uniqueName('clit')
      const {json} = await sqs('create-queue', '--queue-name', name)
      const url = String(json['QueueUrl'])
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'
      const sent = await sqs(
        'send-message',
        '--queue-url',
        url,
        '--message-body',
        'traced',
        '--message-system-attributes',
        JSON.stringify({AWSTraceHeader: {DataType: 'String', StringValue: trace}}),
      )
      expect(sent.code, sent.stderr).toBe(0)
      expect(sent.json['MD5OfMessageSystemAttributes']).toMatch(/^[0-9a-f]{32}$/)
      const received = await sqs(
        'receive-message',
        '--queue-url',
        url,
        // AttributeNames (deprecated, but the only form CLI 2.9 knows) asks for system attributes too.
        '--attribute-names',
        'AWSTraceHeader',
      )
      expect(received.code, received.stderr).toBe(0)
      expect((received.json['Messages'] as {Attributes?: unknown}[])[0]?.Attributes).toEqual({AWSTraceHeader: trace})

      // 1.2 MB does not fit in one argv string (Linux caps each at 128 KiB): pass the entries as a file.
      const entries = join(home, 'entries.json')
      writeFileSync(
        entries,
        JSON.stringify([
          {Id: 'a', MessageBody: 'x'.repeat(600_000)},
          {Id: 'b', MessageBody: 'y'.repeat(600_000)},
        ]),
      )
      const tooLong = await sqs('send-message-batch', '--queue-url', url, '--entries', `file://${entries}`)
      expect(tooLong.code).not.toBe(0)
      expect(tooLong.stderr).toContain('(AWS.SimpleQueueService.BatchRequestTooLong)')
      expect(tooLong.stderr).toContain(
        'Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.',
      )
    })
  })
})
