/** Momento emulator state. Placeholder: the Momento service fills this in. */
export interface MomentoOptions {
  apiKey: string
  caches: readonly string[]
}

export interface MomentoState {
  readonly apiKey: string
  readonly caches: Map<string, unknown>
}

export function createMomentoState(options: MomentoOptions): MomentoState {
  return {apiKey: options.apiKey, caches: new Map(options.caches.map((name) => [name, new Map()]))}
}
