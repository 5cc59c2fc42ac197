/**
 * Decoding DLQ messages in batches, with an optional live diagnosis of Momento (`--diagnose`).
 *
 * AWS's DLQ message for an API destination's HTTP error may carry neither the status nor Momento's
 * answer (docs/reference/aws-facts.md#dlq-attributes), so the retry pattern often narrows a failure to a
 * class ("refused without retry: 400, 403 or 404"). When the operator's Momento key is at hand, one read-only
 * probe per distinct endpoint and cache settles the class: does the cache exist, is the key accepted, does
 * the endpoint answer within 5 s, does the key belong to the endpoint's region. Probes are
 * remembered for the whole run, so a page of 1,000 messages for one cache costs one probe.
 */
import type {DlqRecord, MomentoProbeFinding, RawDlqMessage} from '../core/dlq.js'
import {decodeDlqMessage, needsDiagnosis, type DecodeOptions} from '../core/dlq-decode.js'
import {regionFromCellHost} from '../core/regions.js'

/**
 * Decodes a batch of raw messages, in order. `extra` adds decode options for this batch only (the
 * page's event-bus log records, "now"), over the decoder's own.
 */
export type BatchDecoder = (raws: readonly RawDlqMessage[], extra?: DecodeOptions) => Promise<DlqRecord[]>

/** What a diagnosis needs from the outside world. */
export interface DiagnosisPorts {
  /**
   * The Momento base URL the API destination of `targetArn` calls (DescribeApiDestination), or
   * undefined when it can't be read.
   */
  endpointOfTarget(targetArn: string): Promise<string | undefined>
  /** A read-only probe of one cache at one endpoint with the operator's key; never throws. */
  probe(endpoint: string, cache: string): Promise<MomentoProbeFinding>
}

export interface DiagnosisOptions {
  /** The endpoint to probe when the target's can't be read (--momento-endpoint, the sandbox, the key's cell). */
  fallbackEndpoint?: string | undefined
  /** The Momento region the key belongs to, when the key says. */
  keyRegion?: string | undefined
  /** Most distinct (endpoint, cache) probes in one run; later ones are skipped. Default 100. */
  maxProbes?: number | undefined
  /**
   * How long a finding stands before the same cache is probed again (`dlq watch` runs for hours, and the
   * operator fixes causes meanwhile). Default: for the whole run.
   */
  findingTtlMs?: number | undefined
  now?: (() => number) | undefined
}

/** Probes in flight at once. */
const PROBE_CONCURRENCY = 8

/** A batch decoder without diagnosis: the decoder alone. */
export function plainDecoder(decode: DecodeOptions = {}): BatchDecoder {
  return async (raws, extra) => {
    const options = extra ? {...decode, ...extra} : decode
    return raws.map((raw) => decodeDlqMessage(raw, options))
  }
}

/**
 * A batch decoder that diagnoses ambiguous records: decode, probe what the batch needs (and no
 * probe twice in a run), decode the ambiguous ones again with the findings.
 */
export function diagnosingDecoder(
  decode: DecodeOptions,
  ports: DiagnosisPorts,
  options: DiagnosisOptions = {},
): BatchDecoder & {probes(): MomentoProbeFinding[]} {
  const maxProbes = options.maxProbes ?? 100
  const endpoints = new Map<string, Promise<string | undefined>>()
  const now = options.now ?? Date.now
  const findings = new Map<string, {finding: Promise<MomentoProbeFinding>; at: number}>()
  const settled = new Map<string, MomentoProbeFinding>()
  const deadEndpoints = new Map<string, MomentoProbeFinding>()

  const endpointOf = (targetArn: string | undefined): Promise<string | undefined> => {
    if (!targetArn) return Promise.resolve(options.fallbackEndpoint)
    let found = endpoints.get(targetArn)
    if (!found) {
      found = ports
        .endpointOfTarget(targetArn)
        .catch(() => undefined)
        .then((endpoint) => (endpoint ? baseUrlOf(endpoint) : options.fallbackEndpoint))
      endpoints.set(targetArn, found)
    }
    return found
  }

  const findingFor = (endpoint: string, cache: string): Promise<MomentoProbeFinding> | undefined => {
    const id = `${endpoint}\n${cache}`
    const known = findings.get(id)
    const stale = known !== undefined && options.findingTtlMs !== undefined && now() - known.at > options.findingTtlMs
    if (known && !stale) return known.finding
    // A stale finding is probed again; it never counts twice against the limit.
    if (!known && findings.size >= maxProbes) return undefined
    // An endpoint that timed out or can't be reached is down for every cache: don't wait 5 s per cache.
    const down = stale ? undefined : deadEndpoints.get(endpoint)
    const endpointRegion = regionFromCellHost(endpoint)
    const finding = down
      ? Promise.resolve<MomentoProbeFinding>({...down, cache})
      : options.keyRegion && endpointRegion && options.keyRegion !== endpointRegion
        ? Promise.resolve<MomentoProbeFinding>({
            endpoint,
            cache,
            outcome: 'endpoint-mismatch',
            detail: `the key belongs to ${options.keyRegion}, but the destination calls Momento in ${endpointRegion} (${endpoint})`,
          })
        : ports.probe(endpoint, cache)
    findings.set(id, {finding, at: now()})
    void finding.then((f) => {
      settled.set(`${f.endpoint}\n${f.cache}`, f)
      if (f.outcome === 'timeout' || f.outcome === 'unreachable') deadEndpoints.set(f.endpoint, f)
      else deadEndpoints.delete(f.endpoint)
    })
    return finding
  }

  const decoder = async (raws: readonly RawDlqMessage[], extra?: DecodeOptions): Promise<DlqRecord[]> => {
    const options = extra ? {...decode, ...extra} : decode
    // Records the event bus's log decided are never ambiguous: they cost no probe.
    const records = raws.map((raw) => decodeDlqMessage(raw, options))
    const ambiguous = records.map((r, i) => i).filter((i) => needsDiagnosis(records[i] as DlqRecord))
    if (ambiguous.length === 0) return records
    // Where each ambiguous record's event went: its target's endpoint and its cache.
    const where = new Map<number, string>()
    await Promise.all(
      ambiguous.map(async (i) => {
        const record = records[i] as DlqRecord
        const endpoint = record.cache ? await endpointOf(record.targetArn) : undefined
        if (endpoint && record.cache) where.set(i, `${endpoint}\n${record.cache}`)
      }),
    )
    const wanted = [...new Set(where.values())]
    await runBounded(wanted, PROBE_CONCURRENCY, async (id) => {
      const [endpoint, cache] = id.split('\n') as [string, string]
      await findingFor(endpoint, cache)
    })
    for (const i of ambiguous) {
      const id = where.get(i)
      const finding = id === undefined ? undefined : settled.get(id)
      if (!finding) continue
      records[i] = decodeDlqMessage(raws[i] as RawDlqMessage, {...options, probe: () => finding})
    }
    return records
  }
  return Object.assign(decoder, {probes: () => [...settled.values()]})
}

/** `https://api.cache.<cell>/cache/*` → `https://api.cache.<cell>`: the API base of a destination's endpoint. */
export function baseUrlOf(invocationEndpoint: string): string {
  return invocationEndpoint.replace(/\/(cache|topics)(\/.*)?$/, '').replace(/\/+$/, '')
}

async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) await work(items[next++] as T)
  })
  await Promise.all(lanes)
}
