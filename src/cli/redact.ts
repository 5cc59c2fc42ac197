/** Replaces known secret values (Momento API keys) with a marker before anything is printed. */
export interface Redactor {
  /** Remember one more secret. Values shorter than 6 characters are ignored: too likely to hit ordinary text. */
  add(secret: string | undefined): void
  /** The text with every known secret replaced by `[redacted]`. */
  redact(text: string): string
}

/** Environment variables whose values are secrets and must never be printed. */
export const SECRET_ENV_VARS = ['MOMENTO_API_KEY', 'MOMENTO_EB_SANDBOX_API_KEY'] as const

export const REDACTED = '[redacted]'

/** Build a redactor that knows the given secrets (undefined and short values are skipped). */
export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  const known = new Set<string>()
  const redactor: Redactor = {
    add(secret) {
      if (secret !== undefined && secret.trim().length >= 6) known.add(secret.trim())
    },
    redact(text) {
      let out = text
      // Longest first, so a secret that contains another is replaced whole.
      for (const secret of [...known].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED)
      return out
    },
  }
  for (const secret of secrets) redactor.add(secret)
  return redactor
}

/** The secrets found in the environment (values of SECRET_ENV_VARS). */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter((v): v is string => typeof v === 'string' && v !== '')
}
