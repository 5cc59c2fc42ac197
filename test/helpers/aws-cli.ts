import {execFile, spawn} from 'node:child_process'
import {readFileSync, realpathSync} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {promisify} from 'node:util'

const run = promisify(execFile)

/**
 * An AWS CLI to test: its executable, its version line, and (when it is a Python script: the pip and
 * the distro CLIs are) the Python interpreter that runs it.
 */
export interface AwsCli {
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

/**
 * What `describeCli` found for each path, once per test worker: `aws --version` starts Python and
 * botocore, about 0.4 s of CPU, and six files asked.
 */
const described = new Map<string, Promise<AwsCli | undefined>>()

/** The CLI at `path` with its version line and interpreter, or undefined when it does not run. */
function describeCli(path: string): Promise<AwsCli | undefined> {
  let found = described.get(path)
  if (found === undefined) {
    found = describeCliNow(path)
    described.set(path, found)
  }
  return found
}

async function describeCliNow(path: string): Promise<AwsCli | undefined> {
  try {
    const {stdout, stderr} = await run(path, ['--version'], {timeout: 30_000})
    return {path, version: (stdout || stderr).trim(), python: await pythonOf(path)}
  } catch {
    return undefined // Not runnable.
  }
}

/** Every `aws` binary on PATH plus the distro one, with its version line. Async: the sandbox runs in this process. */
export async function findClis(): Promise<AwsCli[]> {
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
  const found = await Promise.all([...unique.keys()].map((path) => describeCli(path)))
  // Two shims can point at the same install; test each CLI version once.
  const versions = new Set<string>()
  return found.filter((cli): cli is AwsCli => {
    if (!cli || versions.has(cli.version)) return false
    versions.add(cli.version)
    return true
  })
}

/** The `aws` a user would run: the first on PATH, or undefined when there is none (or it does not run). */
export async function findCliOnPath(): Promise<AwsCli | undefined> {
  try {
    const {stdout} = await run('which', ['aws'])
    return await describeCli(stdout.trim())
  } catch {
    return undefined // `which` exits 1 when there is no aws on PATH.
  }
}

/**
 * The environment for a CLI that reads nothing of the user's: config and credentials files under
 * `home` (a temporary directory the test owns), throwaway keys, JSON output and no pager.
 */
export function isolatedCliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_PAGER: '',
    AWS_DEFAULT_OUTPUT: 'json',
    ...extra,
  }
}

/**
 * Runs AWS CLI commands in one Python process: each line on stdin is an argv, run through the CLI's
 * own entry point (`awscli.clidriver`'s driver, what the `aws` script calls), its stdout and stderr
 * captured, and answered with one JSON line. Both CLI generations here are Python; starting Python and
 * importing botocore costs 0.5 to 1 s of CPU, which a process per command paid for every command. One
 * driver serves every command (its session loads each service model once: about 10 ms a command
 * instead of 100 ms); each command parses its own argv, and all of them share the environment and
 * global options.
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
export interface Invocation {
  code: number
  stdout: string
  stderr: string
}

/** A started CLI: commands run one at a time, in the order given. Close it in afterAll. */
export interface CliDriver {
  invoke(argv: string[]): Promise<Invocation>
  /** Ends the Python process (resolves once it has exited); nothing is left running. */
  close(): Promise<void>
}

/**
 * The CLI in one process (DRIVER) when it is a Python script, else a process per command. A command
 * that gets no answer within `timeoutMs` fails its test.
 */
export function startCli(cli: AwsCli, env: NodeJS.ProcessEnv, timeoutMs = 60_000): CliDriver {
  if (!cli.python) {
    return {
      async invoke(argv) {
        try {
          const {stdout, stderr} = await run(cli.path, argv, {env, timeout: timeoutMs})
          return {code: 0, stdout, stderr}
        } catch (error) {
          const failed = error as {code?: unknown; stdout?: string; stderr?: string}
          return {
            code: typeof failed.code === 'number' ? failed.code : -1,
            stdout: failed.stdout ?? '',
            stderr: failed.stderr ?? '',
          }
        }
      },
      async close() {},
    }
  }
  const child = spawn(cli.python, ['-c', DRIVER], {env, stdio: ['pipe', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const lines = createInterface({input: child.stdout})
  const waiting: {answer(line: string): void; fail(error: Error): void}[] = []
  lines.on('line', (line) => waiting.shift()?.answer(line))
  // A driver that dies (or never starts) fails the command in flight at once, not after the timeout.
  let ended: Error | undefined
  const exited = new Promise<void>((resolveExit) => {
    const end = (reason: string) => {
      ended ??= new Error(`${cli.path}: the Python driver ${reason}. ${stderr}`)
      for (const waiter of waiting.splice(0)) waiter.fail(ended)
      resolveExit()
    }
    child.on('error', (error) => end(`did not start (${error.message})`))
    child.on('exit', (code, signal) => end(`exited (${signal ?? `code ${code}`})`))
  })
  // Writing to a driver that has exited raises EPIPE on stdin; the exit above reports it.
  child.stdin.on('error', () => undefined)
  let queue: Promise<unknown> = Promise.resolve()
  return {
    invoke(argv) {
      const answer = queue.then(
        () =>
          new Promise<Invocation>((resolveAnswer, reject) => {
            if (ended) {
              reject(ended)
              return
            }
            const timer = setTimeout(
              () => reject(new Error(`aws ${argv.join(' ')}: no answer in ${timeoutMs / 1000} s. ${stderr}`)),
              timeoutMs,
            )
            waiting.push({
              answer(line) {
                clearTimeout(timer)
                resolveAnswer(JSON.parse(line) as Invocation)
              },
              fail(error) {
                clearTimeout(timer)
                reject(error)
              },
            })
            child.stdin.write(`${JSON.stringify(argv)}\n`)
          }),
      )
      queue = answer.catch(() => undefined)
      return answer
    },
    async close() {
      child.stdin.end()
      child.kill()
      await exited
    },
  }
}
