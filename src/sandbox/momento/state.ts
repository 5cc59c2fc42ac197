import {FaultSet, parseRateLimitSpec, RateLimiter, validateRateLimit, type FaultRule, type RateLimit} from './faults.js'

/** Options of the Momento emulator. Only `apiKey` and `caches` are required; the rest have defaults. */
export interface MomentoOptions {
  /** The one API key the emulated HTTP API accepts. */
  apiKey: string
  /** Caches that exist from the start. */
  caches: readonly string[]
  /** Clock for TTL expiry and rate limiting. Default `Date.now`. */
  now?: () => number
  /** Random source in [0, 1) for fault probabilities. Default `Math.random`. */
  random?: () => number
  /** Fault rules active from the start (objects or spec strings, see `parseFaultSpec`). */
  faults?: readonly (FaultRule | string)[]
  /** Rate limit active from the start (object or spec string, see `parseRateLimitSpec`). */
  rateLimit?: RateLimit | string
  /** Longest a topic subscribe long-poll waits for a message, in milliseconds. Default 5000. */
  subscribeWaitMs?: number
  /** Messages kept per topic. Default 1000. */
  topicHistory?: number
  /** Most messages one subscribe response carries. Default 100. */
  subscribeBatch?: number
  /** Requests kept in the inspection log. Default 500. */
  requestLogSize?: number
  /**
   * Largest item, key plus value, in bytes. Default 5,000,000: Momento documents "5 MB"; the smaller
   * reading is the worst case, and the CLI's check (MAX_ITEM_BYTES in core/momento-events.ts) uses it too.
   */
  maxItemBytes?: number
  /**
   * Longest key in bytes. Default 4096. Momento publishes no key limit
   * (docs/reference/aws-facts.md#momento-limits), so the sandbox refuses what the CLI refuses (MAX_KEY_BYTES
   * in core/momento-events.ts), with a 400.
   */
  maxKeyBytes?: number
}

/** One cache item. Keys are bytes, so `key=abc` and `key_base64=YWJj` are the same item. */
export interface CacheItem {
  readonly key: Buffer
  readonly value: Buffer
  /** Sandbox-clock milliseconds at which the item is gone. */
  readonly expiresAt: number
}

/** A cache: items by the hex of their key bytes (a Map key must be a primitive to compare by value). */
export interface Cache {
  readonly name: string
  readonly createdAt: number
  readonly items: Map<string, CacheItem>
}

/** One published topic message. */
export interface TopicMessage {
  readonly sequence: number
  readonly value: {text: string} | {binary: Buffer}
  readonly publishedAt: number
}

/** A topic: a bounded history and the long polls waiting for the next message. */
export interface Topic {
  readonly cache: string
  readonly name: string
  /** Sequence number the next message gets (the first is 1). */
  nextSequence: number
  readonly messages: TopicMessage[]
  readonly waiters: Set<() => void>
}

/** One entry of the request log. The token never appears: the query is redacted before it is stored. */
export interface MomentoRequestRecord {
  readonly time: string
  readonly method: string
  readonly path: string
  readonly query: string
  readonly status: number
  readonly operation?: string
  readonly cache?: string
  readonly fault?: string
  readonly durationMs: number
}

type ResolvedOptions = Required<Omit<MomentoOptions, 'faults' | 'rateLimit'>>

/** State of the Momento emulator: caches, topics, faults, rate limit and the request log. */
export class MomentoState {
  readonly apiKey: string
  readonly options: ResolvedOptions
  readonly caches = new Map<string, Cache>()
  /** Topics by `cache` + NUL + `topic`. */
  readonly topics = new Map<string, Topic>()
  readonly faults: FaultSet
  readonly requests: MomentoRequestRecord[] = []
  private limiter: RateLimiter | undefined

  constructor(options: MomentoOptions) {
    this.options = {
      apiKey: options.apiKey,
      caches: options.caches,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      subscribeWaitMs: options.subscribeWaitMs ?? 5000,
      topicHistory: Math.max(1, options.topicHistory ?? 1000),
      subscribeBatch: Math.max(1, options.subscribeBatch ?? 100),
      requestLogSize: Math.max(0, options.requestLogSize ?? 500),
      maxItemBytes: options.maxItemBytes ?? 5_000_000,
      maxKeyBytes: options.maxKeyBytes ?? 4096,
    }
    this.apiKey = options.apiKey
    this.faults = new FaultSet(this.options.random)
    for (const name of options.caches) this.createCache(name)
    for (const rule of options.faults ?? []) this.faults.add(rule)
    if (options.rateLimit !== undefined) this.setRateLimit(options.rateLimit)
  }

  now(): number {
    return this.options.now()
  }

  /** Create a cache; false when it already exists. */
  createCache(name: string): boolean {
    if (this.caches.has(name)) return false
    this.caches.set(name, {name, createdAt: this.now(), items: new Map()})
    return true
  }

  /** Delete a cache with its items and topics; false when there was none. Waiting subscribers are woken. */
  deleteCache(name: string): boolean {
    if (!this.caches.delete(name)) return false
    for (const [id, topic] of this.topics) {
      if (topic.cache !== name) continue
      this.topics.delete(id)
      for (const wake of topic.waiters) wake()
    }
    return true
  }

  /** Store an item. `ttlSeconds` is already validated and clamped by the caller. */
  setItem(cache: Cache, key: Buffer, value: Buffer, ttlSeconds: number): void {
    cache.items.set(key.toString('hex'), {key, value, expiresAt: this.now() + ttlSeconds * 1000})
  }

  /** The live item for `key`, dropping it when it has expired. */
  getItem(cache: Cache, key: Buffer): CacheItem | undefined {
    const id = key.toString('hex')
    const item = cache.items.get(id)
    if (!item) return undefined
    if (item.expiresAt <= this.now()) {
      cache.items.delete(id)
      return undefined
    }
    return item
  }

  deleteItem(cache: Cache, key: Buffer): void {
    cache.items.delete(key.toString('hex'))
  }

  /** Live items of a cache; expired ones are swept on the way (expiry is lazy, no timers to clean up). */
  liveItems(cache: Cache): CacheItem[] {
    const now = this.now()
    const live: CacheItem[] = []
    for (const [id, item] of cache.items) {
      if (item.expiresAt <= now) cache.items.delete(id)
      else live.push(item)
    }
    return live
  }

  topic(cache: string, name: string): Topic {
    const id = `${cache}\u0000${name}`
    let topic = this.topics.get(id)
    if (!topic) {
      topic = {cache, name, nextSequence: 1, messages: [], waiters: new Set()}
      this.topics.set(id, topic)
    }
    return topic
  }

  /** Append a message to a topic (dropping the oldest beyond the history bound) and wake its subscribers. */
  publish(cache: string, name: string, value: TopicMessage['value']): TopicMessage {
    const topic = this.topic(cache, name)
    const message: TopicMessage = {sequence: topic.nextSequence++, value, publishedAt: this.now()}
    topic.messages.push(message)
    if (topic.messages.length > this.options.topicHistory) {
      topic.messages.splice(0, topic.messages.length - this.options.topicHistory)
    }
    const waiters = [...topic.waiters]
    topic.waiters.clear()
    for (const wake of waiters) wake()
    return message
  }

  get rateLimit(): RateLimit | undefined {
    return this.limiter?.limit
  }

  /** Set (or with `undefined`, remove) the rate limit. @throws FaultSpecError for an invalid limit. */
  setRateLimit(limit: RateLimit | string | undefined): void {
    if (limit === undefined) {
      this.limiter = undefined
      return
    }
    const valid = typeof limit === 'string' ? parseRateLimitSpec(limit) : validateRateLimit(limit)
    this.limiter = new RateLimiter(valid, () => this.now())
  }

  /** Take a rate-limit token for an operation on `cache`. */
  takeToken(cache: string): {ok: true} | {ok: false; retryAfterSeconds: number} {
    return this.limiter ? this.limiter.take(cache) : {ok: true}
  }

  record(entry: MomentoRequestRecord): void {
    if (this.options.requestLogSize === 0) return
    this.requests.push(entry)
    if (this.requests.length > this.options.requestLogSize) this.requests.shift()
  }
}

/** Build the Momento emulator state. @throws FaultSpecError when a configured fault or rate limit is invalid. */
export function createMomentoState(options: MomentoOptions): MomentoState {
  return new MomentoState(options)
}
