/**
 * The one place colours are chosen. Components ask for a token, never for a colour, so NO_COLOR
 * (and --no-color) turns every colour off in one place. Colour never carries meaning alone: every
 * coloured status also has a word next to it.
 */

/** What a piece of text means; the theme decides how it looks. */
export type Tone = 'normal' | 'muted' | 'accent' | 'ok' | 'warn' | 'error' | 'selected'

/** Props for Ink's `<Text>` for one tone. */
export interface ToneStyle {
  readonly color?: string
  readonly dimColor?: boolean
  readonly bold?: boolean
  readonly inverse?: boolean
}

/** A resolved theme: a style for every tone. */
export interface Theme {
  readonly color: boolean
  style(tone: Tone): ToneStyle
}

const COLORS: Readonly<Record<Tone, ToneStyle>> = {
  normal: {},
  muted: {dimColor: true},
  accent: {color: 'cyan', bold: true},
  ok: {color: 'green'},
  warn: {color: 'yellow'},
  error: {color: 'red', bold: true},
  selected: {inverse: true},
}

// Without colour, emphasis that doesn't depend on colour stays: bold and inverse video.
const PLAIN: Readonly<Record<Tone, ToneStyle>> = {
  normal: {},
  muted: {},
  accent: {bold: true},
  ok: {},
  warn: {},
  error: {bold: true},
  selected: {inverse: true},
}

/** A theme with colour on or off (off for NO_COLOR, --no-color, or a stdout that isn't a terminal). */
export function createTheme(color: boolean): Theme {
  const table = color ? COLORS : PLAIN
  return {color, style: (tone) => table[tone]}
}

/** True unless NO_COLOR is set to a non-empty value (https://no-color.org). */
export function colorFromEnv(env: NodeJS.ProcessEnv): boolean {
  return (env['NO_COLOR'] ?? '') === ''
}
