import {request as httpRequest} from 'node:http'
import {createServer, type AddressInfo, type Socket} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  awsEnv,
  cleanEnv,
  collect,
  firstStdoutLine,
  runCli,
  show,
  spawnCli,
  stdoutJson,
  tempHome,
  type CliResult,
} from '../helpers/cli.js'
import {startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

/** A localhost port nothing listens on: bind port 0, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return address.port
}

/** Poll until `check()` is true (no fixed sleeps). */
async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface ErrorEnvelope {
  error: {
    code: string
    message: string
    cause: {name: string; message: string} | null
    hints: string[]
    exitCode: number
    requestId?: string
  }
}

function expectNoStack(result: CliResult): void {
  expect(result.stderr, show(result)).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
  expect(result.stdout, show(result)).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

describe('momento-eb (built CLI)', () => {
  let sandbox: RunningSandbox
  let home: ReturnType<typeof tempHome>
  let deadEndpoint: string

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = tempHome()
    deadEndpoint = `http://127.0.0.1:${await closedPort()}`
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  const env = (extra: Record<string, string | undefined> = {}) => cleanEnv(home.home, extra)
  /**
   * In the test process (runCliInProcess): a spawn costs about a second of CPU. Spawned still: the
   * first --help (the binary as installed runs), the `sandbox` servers (they end on a signal), a
   * `sandbox` on a port in use (its failed start leaves the sandbox's metrics timer running, harmless in
   * a process that exits, not in the test worker) and the runs that need a process (signals). A
   * `sandbox` refused at its flags never listens: in the test process.
   */
  const run = (args: readonly string[], options: {env: NodeJS.ProcessEnv; timeoutMs?: number}) =>
    runCli(args, {...options, inProcess: true})

  describe('exit codes', () => {
    it('0: whoami against the sandbox prints account, region, endpoint and bus ARN', async () => {
      const r = await run(['whoami'], {env: env(awsEnv(sandbox.endpoint))})
      expect(r.code, show(r)).toBe(0)
      expect(r.stdout).toContain('account   000000000000')
      expect(r.stdout).toContain('region    us-east-1')
      expect(r.stdout).toContain(`endpoint  ${sandbox.endpoint}`)
      expect(r.stdout).toContain('event bus arn:aws:events:us-east-1:000000000000:event-bus/default')
      expect(r.stderr, show(r)).toBe('')
    })

    it('1: a bus that does not exist names the bus, the cause and a fix', async () => {
      const r = await run(['whoami', '--event-bus', 'no-such-bus'], {env: env(awsEnv(sandbox.endpoint))})
      expect(r.code, show(r)).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain("Error: Can't find event bus `no-such-bus`")
      expect(r.stderr).toContain('ResourceNotFoundException:')
      expect(r.stderr).toMatch(/Try:\n {2}Create it with `aws events create-event-bus --name no-such-bus`/)
      expect(r.stderr).toMatch(/code EB_NOT_FOUND · request id [0-9a-f-]{36}/)
      expectNoStack(r)
    })

    it('2: an unknown flag is a usage error, in human and JSON mode', async () => {
      const human = await run(['whoami', '--no-such-flag'], {env: env()})
      expect(human.code, show(human)).toBe(2)
      expect(human.stderr).toContain('Error: Unknown flag --no-such-flag.')
      expect(human.stderr).toContain('code EB_USAGE')

      const json = await run(['whoami', '--no-such-flag', '--json'], {env: env()})
      expect(json.code, show(json)).toBe(2)
      const body = stdoutJson(json) as ErrorEnvelope
      expect(body.error.code).toBe('EB_USAGE')
      expect(body.error.exitCode).toBe(2)
      // Never oclif's parse context (config, package.json) in the envelope.
      expect(Object.keys(body.error).sort()).toEqual(['cause', 'code', 'exitCode', 'hints', 'message'])
      expect(json.stdout).not.toContain('pjson')
    })

    it('2: a flag without its value, and an invalid endpoint URL, are usage errors too', async () => {
      const missing = await run(['whoami', '--region'], {env: env()})
      expect(missing.code, show(missing)).toBe(2)
      expect(missing.stderr).toContain('--region expects a value')

      const badUrl = await run(['whoami', '--endpoint-url', 'ftp://x', '--json'], {env: env()})
      expect(badUrl.code, show(badUrl)).toBe(2)
      expect((stdoutJson(badUrl) as ErrorEnvelope).error.message).toContain('http:// or https://')
    })

    it('2: arguments a command does not take', async () => {
      const r = await run(['whoami', 'extra'], {env: env()})
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toContain("`momento-eb whoami` doesn't take the arguments `extra`.")
    })

    it('4: no region anywhere names --region, AWS_REGION and the profile', async () => {
      const r = await run(['whoami'], {
        env: env({AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(4)
      expect(r.stderr).toContain('no AWS region is set')
      expect(r.stderr).toContain('--region')
      expect(r.stderr).toContain('AWS_REGION')
      expect(r.stderr).toContain('profile default')
      expect(r.stderr).toContain('code EB_CONFIG_REGION')
      expectNoStack(r)
    })

    it('4: no credentials anywhere suggests --profile and --sandbox', async () => {
      const r = await run(['whoami', '--json'], {
        env: env({AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(4)
      const body = stdoutJson(r) as ErrorEnvelope
      expect(body.error.code).toBe('EB_CONFIG_CREDENTIALS')
      expect(body.error.exitCode).toBe(4)
      expect(body.error.cause?.name).toBe('CredentialsProviderError')
      expect(body.error.hints.join('\n')).toContain('--sandbox')
    })

    it('4: an unknown profile is a config error naming the profile', async () => {
      const r = await run(['whoami', '--profile', 'nope', '--region', 'us-east-1'], {
        env: env({AWS_ENDPOINT_URL: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(4)
      expect(r.stderr).toContain('profile nope')
    })

    it('5: an unreachable endpoint names it; under --json the exit code is kept', async () => {
      const human = await run(['whoami'], {env: env(awsEnv(deadEndpoint))})
      expect(human.code, show(human)).toBe(5)
      expect(human.stderr).toContain(`(endpoint ${deadEndpoint})`)
      expect(human.stderr).toContain('ECONNREFUSED')
      expectNoStack(human)

      const json = await run(['whoami', '--json'], {env: env(awsEnv(deadEndpoint))})
      expect(json.code, show(json)).toBe(5)
      const body = stdoutJson(json) as ErrorEnvelope
      expect(body.error).toMatchObject({code: 'EB_UNREACHABLE', exitCode: 5})
      expect(body.error.cause?.name).toBe('ECONNREFUSED')
      expect(json.stderr).toBe('')
    })

    it('5: --sandbox with no sandbox running suggests `momento-eb sandbox`', async () => {
      const r = await run(['whoami', '--sandbox'], {env: env({MOMENTO_EB_SANDBOX_URL: deadEndpoint})})
      expect(r.code, show(r)).toBe(5)
      expect(r.stderr).toContain('no sandbox answers at')
      expect(r.stderr).toContain('Start it in another terminal: `momento-eb sandbox`.')
      expect(r.stderr).toContain('code EB_SANDBOX_NOT_RUNNING')
    })

    it('130: Ctrl-C while waiting on a silent endpoint', async () => {
      // A server that accepts connections and never answers keeps the request pending.
      const sockets: Socket[] = []
      const silent = createServer((socket) => void sockets.push(socket))
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      const port = (silent.address() as AddressInfo).port
      try {
        const child = spawnCli(['whoami', '--json'], {env: env(awsEnv(`http://127.0.0.1:${port}`))})
        const done = collect(child, 20_000)
        await waitFor(() => sockets.length > 0)
        child.kill('SIGINT')
        const r = await done
        expect(r.code, show(r)).toBe(130)
        expect((stdoutJson(r) as ErrorEnvelope).error).toMatchObject({code: 'EB_INTERRUPTED', exitCode: 130})
      } finally {
        for (const socket of sockets) socket.destroy()
        await new Promise<void>((resolve) => silent.close(() => resolve()))
      }
    })

    it('MOMENTO_EB_DEBUG=1 adds the stack trace', async () => {
      const r = await run(['whoami'], {env: env({...awsEnv(deadEndpoint), MOMENTO_EB_DEBUG: '1'})})
      expect(r.code, show(r)).toBe(5)
      expect(r.stderr).toMatch(/\n\s+at /)
    })
  })

  describe('--json success', () => {
    it('whoami --json prints the result object only', async () => {
      const r = await run(['whoami', '--json'], {env: env(awsEnv(sandbox.endpoint))})
      expect(r.code, show(r)).toBe(0)
      expect(stdoutJson(r)).toEqual({
        account: '000000000000',
        arn: 'arn:aws:iam::000000000000:root',
        region: 'us-east-1',
        endpoint: sandbox.endpoint,
        eventBus: {name: 'default', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default'},
      })
      expect(r.stderr).toBe('')
    })

    it('MOMENTO_EB_CONTENT_TYPE=json turns JSON on without the flag', async () => {
      const r = await run(['whoami'], {env: env({...awsEnv(sandbox.endpoint), MOMENTO_EB_CONTENT_TYPE: 'json'})})
      expect(r.code, show(r)).toBe(0)
      expect((stdoutJson(r) as {account: string}).account).toBe('000000000000')
    })
  })

  describe('endpoints and the --sandbox shortcut', () => {
    it('--sandbox uses MOMENTO_EB_SANDBOX_URL with throwaway credentials and us-east-1', async () => {
      const r = await run(['whoami', '--sandbox', '--json'], {env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})})
      expect(r.code, show(r)).toBe(0)
      expect(stdoutJson(r)).toMatchObject({region: 'us-east-1', endpoint: sandbox.endpoint})
    })

    it('--verbose says where calls go, on stderr only', async () => {
      const r = await run(['whoami', '--sandbox', '--verbose', '--json'], {
        env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(0)
      expect(r.stderr).toContain(`Using the sandbox at ${sandbox.endpoint} (region us-east-1).`)
      expect(r.stderr).toContain(`AWS: region us-east-1, profile (default chain), endpoint ${sandbox.endpoint}`)
      expect(stdoutJson(r)).toMatchObject({account: '000000000000'})
    })

    it('--sandbox honours --region', async () => {
      const r = await run(['whoami', '--sandbox', '--region', 'eu-west-1', '--json'], {
        env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(0)
      expect(stdoutJson(r)).toMatchObject({region: 'eu-west-1'})
    })

    it('--sandbox wins over AWS_ENDPOINT_URL and ignores the shell’s credentials', async () => {
      const r = await run(['whoami', '--sandbox', '--json'], {
        env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, AWS_ENDPOINT_URL: deadEndpoint, AWS_PROFILE: 'missing'}),
      })
      expect(r.code, show(r)).toBe(0)
      expect(stdoutJson(r)).toMatchObject({endpoint: sandbox.endpoint})
    })

    it('--sandbox and --endpoint-url together are a usage error', async () => {
      const r = await run(['whoami', '--sandbox', '--endpoint-url', sandbox.endpoint], {env: env()})
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toContain('--endpoint-url')
    })

    it('AWS_ENDPOINT_URL_STS beats AWS_ENDPOINT_URL for STS only', async () => {
      // STS goes to the live sandbox through its own variable; EventBridge follows the dead global one.
      const r = await run(['whoami', '--json'], {
        env: env({...awsEnv(deadEndpoint), AWS_ENDPOINT_URL_STS: sandbox.endpoint}),
      })
      expect(r.code, show(r)).toBe(5)
      const body = stdoutJson(r) as ErrorEnvelope
      expect(body.error.message).toContain("Can't find event bus `default`")
      expect(body.error.message).toContain(deadEndpoint)
    })

    it('AWS_ENDPOINT_URL_EVENTBRIDGE beats AWS_ENDPOINT_URL', async () => {
      const r = await run(['whoami', '--json'], {
        env: env({
          ...awsEnv(sandbox.endpoint),
          AWS_ENDPOINT_URL: sandbox.endpoint,
          AWS_ENDPOINT_URL_EVENTBRIDGE: deadEndpoint,
        }),
      })
      expect(r.code, show(r)).toBe(5)
      expect((stdoutJson(r) as ErrorEnvelope).error.message).toContain(deadEndpoint)
    })

    it('--endpoint-url beats every AWS_ENDPOINT_URL* variable', async () => {
      const r = await run(['whoami', '--endpoint-url', sandbox.endpoint, '--json'], {
        env: env({
          ...awsEnv(deadEndpoint),
          AWS_ENDPOINT_URL_STS: deadEndpoint,
          AWS_ENDPOINT_URL_EVENTBRIDGE: deadEndpoint,
        }),
      })
      expect(r.code, show(r)).toBe(0)
      expect(stdoutJson(r)).toMatchObject({endpoint: sandbox.endpoint})
    })
  })

  describe('secrets', () => {
    it('never prints MOMENTO_API_KEY, even when it appears in an error', async () => {
      const secret = 'super-secret-momento-key-123'
      const r = await run(['whoami', '--event-bus', secret], {
        env: env({...awsEnv(sandbox.endpoint), MOMENTO_API_KEY: secret}),
      })
      expect(r.code, show(r)).toBe(1)
      expect(r.stderr).not.toContain(secret)
      expect(r.stderr).toContain('[redacted]')
    })
  })

  describe('help, suggestions, completion', () => {
    it('--help lists the commands', async () => {
      const r = await runCli(['--help'], {env: env()})
      expect(r.code, show(r)).toBe(0)
      for (const command of ['whoami', 'sandbox', 'exit-codes', 'environment', 'autocomplete']) {
        expect(r.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'))
      }
    })

    it('--help describes each topic by what it is for, not by one of its commands', async () => {
      const r = await run(['--help'], {env: env()})
      expect(r.code, show(r)).toBe(0)
      const topics = r.stdout.slice(r.stdout.indexOf('TOPICS'), r.stdout.indexOf('COMMANDS')).replace(/\s+/g, ' ')
      expect(topics).toContain('config Saved defaults for cache, bus, source, stack and region')
      expect(topics).toContain('dlq Read, watch, redrive, export and purge the dead-letter queue')
      expect(topics).toContain('put Publish validated cacheSet, cacheDelete, topicPublish events')
      expect(topics).not.toMatch(/Save dead-letter queue messages|Show the value a setting resolves to/)
      const dlq = await run(['dlq', '--help'], {env: env()})
      expect(dlq.stdout.split('\n')[0]).toBe('Read, watch, redrive, export and purge the dead-letter queue')
    })

    it('a mistyped command suggests the right one without prompting and exits 2', async () => {
      const r = await run(['sandbx'], {env: env(), timeoutMs: 10_000})
      expect(r.timedOut, show(r)).toBe(false)
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toContain("`sandbx` isn't a momento-eb command.")
      expect(r.stderr).toContain('Did you mean `momento-eb sandbox`?')
    })

    it('a mistyped command under --json prints the error envelope', async () => {
      const r = await run(['whoamii', '--json'], {env: env(), timeoutMs: 10_000})
      expect(r.code, show(r)).toBe(2)
      const body = stdoutJson(r) as ErrorEnvelope
      expect(body.error).toMatchObject({code: 'EB_UNKNOWN_COMMAND', exitCode: 2})
      expect(body.error.hints[0]).toBe('Did you mean `momento-eb whoami`?')
    })

    it('autocomplete --help works', async () => {
      const r = await run(['autocomplete', '--help'], {env: env()})
      expect(r.code, show(r)).toBe(0)
      expect(r.stdout).toContain('autocomplete')
      expect(r.stdout).toMatch(/bash|zsh/)
    })

    it('exit-codes prints the table, and --json the same rows', async () => {
      const human = await run(['exit-codes'], {env: env()})
      expect(human.code, show(human)).toBe(0)
      expect(human.stdout).toMatch(/^ {2}5 {2}unreachable/m)
      expect(human.stdout).toMatch(/^130 {2}interrupted/m)

      const json = await run(['exit-codes', '--json'], {env: env()})
      const rows = (stdoutJson(json) as {exitCodes: {code: number}[]}).exitCodes.map((row) => row.code)
      expect(rows).toEqual([0, 1, 2, 3, 4, 5, 8, 129, 130, 143])
    })

    it('exit-codes documents a closed stdout (exit 0, quietly), a full disk (1) and bad URLs or stack names (2)', async () => {
      const json = await run(['exit-codes', '--json'], {env: env()})
      const rows = (stdoutJson(json) as {exitCodes: {code: number; meaning: string}[]}).exitCodes
      const meaning = (code: number) => rows.find((row) => row.code === code)?.meaning
      expect(meaning(0)).toMatch(/stdout closed by its reader \(`\| head`\)/)
      expect(meaning(1)).toMatch(/disk full/)
      expect(meaning(2)).toMatch(/malformed URL[\s\S]*invalid stack name[\s\S]*unknown filter value/)
      expect(meaning(2)).toMatch(/a file you named that can't be written/)
    })

    it('environment documents the variables', async () => {
      const r = await run(['environment'], {env: env()})
      expect(r.code, show(r)).toBe(0)
      for (const name of [
        'AWS_REGION',
        'AWS_PROFILE',
        'AWS_ENDPOINT_URL_<SERVICE>',
        'MOMENTO_API_KEY',
        'MOMENTO_EB_SANDBOX_URL',
        'NO_COLOR',
      ]) {
        expect(r.stdout).toContain(name)
      }
    })
  })

  describe('sandbox command', () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`--port 0 --json prints one JSON line, serves requests, and exits 0 on ${signal}`, async () => {
        const child = spawnCli(['sandbox', '--port', '0', '--json', '--cache', 'orders'], {
          env: env({MOMENTO_EB_SANDBOX_API_KEY: TEST_API_KEY}),
        })
        const done = collect(child, 20_000)
        const line = await firstStdoutLine(child)
        const ready = JSON.parse(line) as {
          endpoint: string
          port: number
          host: string
          apiKey: string
          region: string
          accountId: string
        }
        expect(ready).toMatchObject({
          host: '127.0.0.1',
          region: 'us-east-1',
          accountId: '000000000000',
          apiKey: TEST_API_KEY,
        })
        expect(ready.port).toBeGreaterThan(0)
        expect(ready.endpoint).toBe(`http://127.0.0.1:${ready.port}`)

        const info = await fetch(`${ready.endpoint}/_sandbox/info`)
        expect(info.status).toBe(200)
        // The key only when asked for by name.
        expect(await info.text()).not.toContain(TEST_API_KEY)
        const asked = (await (await fetch(`${ready.endpoint}/_sandbox/info?include=apiKey`)).json()) as object
        expect(asked).toMatchObject({apiKey: TEST_API_KEY})
        const who = await run(['whoami', '--sandbox', '--json'], {
          env: env({MOMENTO_EB_SANDBOX_URL: ready.endpoint}),
        })
        expect(who.code, show(who)).toBe(0)

        child.kill(signal)
        const r = await done
        expect(r.code, show(r)).toBe(0)
        expect(r.stdout.trim().split('\n')).toHaveLength(1)
        await expect(fetch(`${ready.endpoint}/_sandbox/info`)).rejects.toThrow()
      })
    }

    it('prints the endpoint and env exports in human mode', async () => {
      const child = spawnCli(['sandbox', '--port', '0'], {env: env()})
      const done = collect(child, 20_000)
      const line = await firstStdoutLine(child)
      expect(line).toMatch(/^Sandbox listening on http:\/\/127\.0\.0\.1:\d+$/)
      await new Promise((resolve) => setTimeout(resolve, 200))
      child.kill('SIGTERM')
      const r = await done
      expect(r.code, show(r)).toBe(0)
      expect(r.stdout).toMatch(
        /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+ AWS_REGION=us-east-1 \\\n {4}AWS_ACCESS_KEY_ID=test/,
      )
      expect(r.stdout).toMatch(/API key {4}sandbox-/)
      // Within 80 columns: the long export is one command over several lines.
      for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80)
      expect(r.stderr).toContain('Press Ctrl-C to stop.')
    })

    it('a port in use exits 1 with a clear message', async () => {
      const r = await runCli(['sandbox', '--port', String(sandbox.port), '--json'], {env: env()})
      expect(r.code, show(r)).toBe(1)
      const body = stdoutJson(r) as ErrorEnvelope
      expect(body.error.code).toBe('EB_PORT_IN_USE')
      expect(body.error.message).toContain(`127.0.0.1:${sandbox.port} is already in use`)
      expect(body.error.hints.join('\n')).toContain('--port 0')
    })

    it('--allow-host adds a Host name; other names and browser requests get 403', async () => {
      const child = spawnCli(['sandbox', '--port', '0', '--json', '--allow-host', 'devbox.test'], {
        env: env({MOMENTO_EB_SANDBOX_API_KEY: TEST_API_KEY}),
      })
      const done = collect(child, 20_000)
      const ready = JSON.parse(await firstStdoutLine(child)) as {endpoint: string; port: number}
      const get = (headers: Record<string, string>) =>
        new Promise<{status: number; body: string}>((resolve, reject) => {
          const req = httpRequest(
            {host: '127.0.0.1', port: ready.port, path: '/_sandbox/info?include=apiKey', headers, agent: false},
            (res) => {
              let body = ''
              res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
              res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
            },
          )
          req.on('error', reject)
          req.end()
        })
      expect((await get({host: `devbox.test:${ready.port}`})).status).toBe(200)
      const rebound = await get({host: `attacker.example:${ready.port}`})
      expect(rebound.status).toBe(403)
      expect(rebound.body).not.toContain(TEST_API_KEY)
      const browser = await get({host: `127.0.0.1:${ready.port}`, origin: 'https://attacker.example'})
      expect(browser.status).toBe(403)
      expect(browser.body).not.toContain(TEST_API_KEY)
      // deploy/put --sandbox read the key through the same route, with Node's fetch.
      const who = await run(['whoami', '--sandbox', '--json'], {env: env({MOMENTO_EB_SANDBOX_URL: ready.endpoint})})
      expect(who.code, show(who)).toBe(0)
      child.kill('SIGTERM')
      expect((await done).code).toBe(0)
    })

    it('an empty --host is refused (exit 2) instead of listening on every interface', async () => {
      for (const host of ['', '  ']) {
        const r = await run(['sandbox', '--port', '0', '--host', host, '--json'], {env: env(), timeoutMs: 10_000})
        expect(r.code, show(r)).toBe(2)
        const body = stdoutJson(r) as ErrorEnvelope
        expect(body.error.message).toContain('--host')
        expect(body.error.hints.join('\n')).toContain('--host 0.0.0.0')
      }
    })

    it('an --allow-host with a port or a scheme is refused (exit 2)', async () => {
      for (const name of ['devbox.test:8080', 'http://devbox.test', '']) {
        const r = await run(['sandbox', '--port', '0', '--allow-host', name, '--json'], {env: env(), timeoutMs: 10_000})
        expect(r.code, show(r)).toBe(2)
        expect((stdoutJson(r) as ErrorEnvelope).error.hints.join('\n')).toContain('--allow-host devbox.lan')
      }
    })

    it('--sandbox with a region that is not a region name exits 2 with the fix', async () => {
      for (const args of [
        ['--region', 'mars'],
        ['--region', 'US-EAST-1'],
      ]) {
        const r = await run(['whoami', '--sandbox', ...args, '--json'], {
          env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
        })
        expect(r.code, show(r)).toBe(2)
        const body = stdoutJson(r) as ErrorEnvelope
        expect(body.error.message).toContain(`"${args[1]}" is not an AWS region name`)
        expect(body.error.hints.join('\n')).toContain('us-east-1')
      }
      const fromEnv = await run(['whoami', '--sandbox', '--json'], {
        env: env({MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, AWS_REGION: 'mars'}),
      })
      expect(fromEnv.code, show(fromEnv)).toBe(2)
    })

    it('a bad --fault spec is a usage error', async () => {
      const r = await run(['sandbox', '--port', '0', '--fault', 'explode'], {env: env(), timeoutMs: 10_000})
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toContain('explode')
    })
  })
})
