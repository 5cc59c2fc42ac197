/**
 * Suggested commands that carry the context of the run that suggested them. A hint such as
 * `momento-eb deploy` printed by `momento-eb dlq list --sandbox --stack other` must read
 * `momento-eb deploy --sandbox --stack other`: copied as printed, it goes where the user is working,
 * not to real AWS or the default stack.
 *
 * The context is what the user typed (`--sandbox`, `--stack`, `--queue-url`, `--region`,
 * `--profile`, `--endpoint-url`), not what env vars or saved settings gave: those apply again to the
 * copied command in the same shell. Nothing else is carried over, and never the API key.
 */

/** The flags a suggestion carries over, in the order they are appended. */
export const CONTEXT_FLAGS = ['sandbox', 'stack', 'queue-url', 'region', 'profile', 'endpoint-url'] as const

/** One context flag as the user gave it; `value` is undefined for a boolean (`--sandbox`). */
export interface ContextFlag {
  readonly name: (typeof CONTEXT_FLAGS)[number]
  readonly value?: string | undefined
}

/** A token of oclif's parse (`raw`): only the flags matter here. */
export interface ParsedToken {
  readonly type: string
  readonly flag?: string
  readonly input?: string
}

/** The context flags among the tokens the user typed (the last of a repeated flag wins). */
export function contextFromTokens(raw: readonly ParsedToken[], booleans: ReadonlySet<string>): ContextFlag[] {
  const found = new Map<string, string | undefined>()
  for (const token of raw) {
    if (token.type !== 'flag' || token.flag === undefined) continue
    if (!(CONTEXT_FLAGS as readonly string[]).includes(token.flag)) continue
    if (booleans.has(token.flag)) {
      // `--no-sandbox` would arrive as input 'false'; only a flag that is on is context.
      if (token.input === 'false') found.delete(token.flag)
      else found.set(token.flag, undefined)
    } else if (token.input !== undefined) {
      found.set(token.flag, token.input)
    }
  }
  return CONTEXT_FLAGS.filter((name) => found.has(name)).map((name) => ({name, value: found.get(name)}))
}

/**
 * Which flags a command accepts: the set of flag names, or undefined when `commandId` isn't a
 * command (then the words after `momento-eb` are tried shorter).
 */
export type CommandFlags = (commandId: string) => ReadonlySet<string> | undefined

/** Renders suggested commands with the run's context. */
export interface SuggestionRenderer {
  /** The flags carried over (for tests and `--verbose`). */
  readonly context: readonly ContextFlag[]
  /** One command line (`momento-eb deploy`, `MOMENTO_API_KEY=… momento-eb dlq list --diagnose`). */
  command(line: string): string
  /** Prose: every `momento-eb …` in backticks, or the whole text when it is one command line. */
  text(prose: string): string
}

/** Commands that never take the context: they don't talk to AWS or take it from elsewhere. */
const CONTEXT_FREE = new Set(['sandbox', 'template', 'exit-codes', 'environment', 'version', 'help', 'autocomplete'])

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** `value` quoted for a POSIX shell when it needs it. */
export function shellQuote(value: string): string {
  return SAFE_WORD.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

/** Where a command line stops: a pipe, a list separator or a redirection ends the momento-eb part. */
const COMMAND_END = /\s(?:\||;|&&|\|\||>|<)\s/

/** Build the renderer for one run. */
export function suggestionRenderer(context: readonly ContextFlag[], flagsOf: CommandFlags): SuggestionRenderer {
  const command = (line: string): string => {
    if (context.length === 0) return line
    const start = line.search(/(?:^|\s)momento-eb(?=\s|$)/)
    if (start < 0) return line
    const at = line.indexOf('momento-eb', start)
    const rest = line.slice(at)
    const endMatch = COMMAND_END.exec(rest)
    const end = endMatch ? at + endMatch.index : line.length
    const part = line.slice(at, end).trimEnd()
    const tail = line.slice(at + part.length)
    const words = part.split(/\s+/).slice(1)
    // The command id: the longest run of leading words (not flags) that names a command.
    const leading: string[] = []
    for (const word of words) {
      if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(word)) break
      leading.push(word)
    }
    let id: string | undefined
    let accepted: ReadonlySet<string> | undefined
    for (let n = leading.length; n > 0 && !accepted; n--) {
      const candidate = leading.slice(0, n).join(':')
      const flags = flagsOf(candidate)
      if (flags) {
        id = candidate
        accepted = flags
      }
    }
    if (!id || !accepted || CONTEXT_FREE.has(id) || id.startsWith('config:') || id.startsWith('sandbox:')) return line
    const present = new Set(words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]))
    const added = context
      .filter((f) => accepted.has(f.name) && !present.has(f.name))
      .map((f) => (f.value === undefined ? `--${f.name}` : `--${f.name} ${shellQuote(f.value)}`))
    if (added.length === 0) return line
    return `${line.slice(0, at)}${part} ${added.join(' ')}${tail}`
  }
  const text = (prose: string): string => {
    if (context.length === 0 || !prose.includes('momento-eb')) return prose
    // A whole line that is a command (a fixCommand, `  $ momento-eb …`).
    if (/^\s*(?:\$\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*momento-eb(?:\s|$)/.test(prose) && !prose.includes('`')) {
      return command(prose)
    }
    return prose.replace(/`([^`\n]*momento-eb[^`\n]*)`/g, (_all, inner: string) => `\`${command(inner)}\``)
  }
  return {context, command, text}
}

/** A renderer that changes nothing (pure code and tests that have no run). */
export const PLAIN_SUGGESTIONS: SuggestionRenderer = suggestionRenderer([], () => undefined)
