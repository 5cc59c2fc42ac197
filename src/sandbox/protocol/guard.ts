/**
 * Who may talk to the sandbox. It accepts any AWS credentials and hands out its Momento key, so a
 * web page must never reach it:
 *
 * - **DNS rebinding**: a page on `evil.example` whose name is re-pointed at 127.0.0.1 becomes
 *   same-origin with the sandbox, but its requests still carry `Host: evil.example`. The sandbox
 *   answers only Host names that cannot be an attacker's domain: loopback names and addresses, the
 *   address it is bound to, and names the user allows (`--allow-host`).
 * - **Cross-site requests** (a form post, an `<img>`, a `fetch(…, {mode: 'no-cors'})` to
 *   127.0.0.1): browsers mark them. Every CORS-mode or POST request carries `Origin`, and current
 *   browsers add Fetch Metadata (`Sec-Fetch-Site`, `Sec-Fetch-Mode`) to every request. AWS SDKs, the
 *   AWS CLI and curl send neither `Origin` nor `Sec-Fetch-Site`.
 *
 * Node's own `fetch` (undici, which momento-eb uses for its sandbox reads) sends
 * `sec-fetch-mode: cors` on every request but never `Origin` or `Sec-Fetch-Site`. A browser sends
 * `Sec-Fetch-Mode` only together with `Sec-Fetch-Site`, so `Sec-Fetch-Mode` alone is not a browser
 * and is accepted. The rule does not look at User-Agent: some browsers let page scripts set it.
 */
import type {IncomingHttpHeaders} from 'node:http'
import {isIP} from 'node:net'

/** Characters a Host header may hold: names, IPv4, bracketed IPv6, a port. Anything else is refused. */
const HOST_CHARS = /^[A-Za-z0-9._\-:[\]]+$/
const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/
/** IPv4-mapped loopback as the WHATWG URL parser writes it (`[::ffff:7f00:1]` for 127.0.0.1). */
const MAPPED_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/

/**
 * The host part of a Host header (or a bound address, or an `--allow-host` name) as the WHATWG URL
 * parser writes it: lower case, IPv4 in dotted decimal (`127.1` → `127.0.0.1`), IPv6 bracketed and
 * compressed, no port, no trailing dot. `undefined` when it is not a plain host.
 */
export function canonicalHost(value: string): string | undefined {
  const trimmed = value.trim()
  if (trimmed === '' || !HOST_CHARS.test(trimmed)) return undefined
  // A bare IPv6 address (a bound `::1`) needs brackets to parse.
  const withBrackets = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed
  try {
    const url = new URL(`http://${withBrackets}/`)
    return url.hostname.replace(/\.$/, '') || undefined
  } catch {
    return undefined
  }
}

/** Loopback names and addresses: `localhost`, 127.0.0.0/8, `[::1]`, IPv4-mapped 127/8. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || IPV4_LOOPBACK.test(host) || host === '[::1]' || MAPPED_LOOPBACK.test(host)
}

function isIpLiteral(host: string): boolean {
  return isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0
}

/** Which Host headers one sandbox accepts. */
export interface HostPolicy {
  /** True when a request with this Host header (undefined: none sent) may be served. */
  accepts(hostHeader: string | undefined): boolean
  /** Add the address the server is bound to (its own name or IP is always accepted). */
  addBound(address: string): void
  /** The accepted names beyond loopback, for messages. */
  extra(): string[]
}

/**
 * Build the policy: loopback always; the bound host; `allowHosts`. When the sandbox is bound to a
 * wildcard address (`0.0.0.0`, `::`), any IP-literal Host is accepted too: other machines reach it
 * by this machine's addresses, and an IP literal can't be a rebinding attack, which needs a name the
 * attacker's DNS answers for. Names still need `allowHosts`.
 */
export function createHostPolicy(allowHosts: readonly string[] = []): HostPolicy {
  const accepted = new Set<string>()
  let wildcard = false
  for (const name of allowHosts) {
    const host = canonicalHost(name)
    if (host) accepted.add(host)
  }
  return {
    accepts(hostHeader) {
      // Browsers always send Host; a request without one is not a web page's.
      if (hostHeader === undefined) return true
      const host = canonicalHost(hostHeader)
      if (host === undefined) return false
      if (isLoopbackHost(host) || accepted.has(host)) return true
      return wildcard && isIpLiteral(host)
    },
    addBound(address) {
      const host = canonicalHost(address)
      if (host === undefined) return
      if (host === '0.0.0.0' || host === '[::]') wildcard = true
      else if (!isLoopbackHost(host)) accepted.add(host)
    },
    extra: () => [...accepted, ...(wildcard ? ['any IP address of this machine'] : [])],
  }
}

/** At most 100 printable ASCII characters of a header value, for a message. */
function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?')
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Why a request looks like it came from a web browser's page, or `undefined` when it doesn't.
 * Refused: any `Origin` (even `null`); any `Sec-Fetch-Site` but `none` (a user typing the URL); any
 * `Sec-Fetch-Mode` but `cors` (Node's fetch, see above) and `navigate` (with `Sec-Fetch-Site: none`).
 */
export function browserRequestReason(headers: IncomingHttpHeaders): string | undefined {
  const origin = header(headers, 'origin')
  if (origin !== undefined) return `it carries Origin: ${shown(origin)}`
  const site = header(headers, 'sec-fetch-site')
  if (site !== undefined && site.trim().toLowerCase() !== 'none') return `it carries Sec-Fetch-Site: ${shown(site)}`
  const mode = header(headers, 'sec-fetch-mode')?.trim().toLowerCase()
  if (mode !== undefined && mode !== 'cors' && mode !== 'navigate') return `it carries Sec-Fetch-Mode: ${shown(mode)}`
  return undefined
}

/** The 403 message for a refused Host. */
export function hostRefusal(hostHeader: string, policy: HostPolicy): string {
  const extra = policy.extra()
  const allowed = ['localhost', '127.0.0.1', '[::1]', ...extra].join(', ')
  const name = canonicalHost(hostHeader)
  return (
    `The sandbox refuses Host ${shown(hostHeader)}: it answers only ${allowed}, so a web page can't reach it ` +
    `through DNS rebinding. ${name ? `To accept this name, restart the sandbox with --allow-host ${shown(name)}.` : ''}`
  ).trim()
}

/** The 403 message for a browser's request. */
export function browserRefusal(reason: string): string {
  return (
    `The sandbox refuses requests from web browsers (${reason}): a web page must not reach a local server ` +
    'that accepts any credentials. Use the AWS SDK, the AWS CLI, curl or momento-eb.'
  )
}
