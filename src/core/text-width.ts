/**
 * Measuring text as a terminal draws it: East Asian wide and fullwidth characters (CJK, Hangul,
 * fullwidth forms) and most emoji take two columns, combining marks and zero-width characters none.
 * A small table of our own (no dependency): the ranges follow Unicode's EastAsianWidth W/F classes
 * in outline; a character it misjudges costs a column of alignment, never a crash.
 */

const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26a1, 0x26a1],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2795, 0x2797],
  [0x2b1b, 0x2b1c],
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff], // Tangut and friends
  [0x1b000, 0x1b2ff], // Kana supplement, Nushu
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f680, 0x1f6ff], // transport and map
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff], // supplemental symbols and pictographs
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd], // CJK extensions B and later
]

function isWide(code: number): boolean {
  if (code < 0x1100) return false
  let lo = 0
  let hi = WIDE.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [start, end] = WIDE[mid] as readonly [number, number]
    if (code < start) hi = mid - 1
    else if (code > end) lo = mid + 1
    else return true
  }
  return false
}

function isZeroWidth(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code < 0xa0) ||
    (code >= 0x300 && code <= 0x36f) || // combining diacritical marks
    (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, direction marks
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe20 && code <= 0xfe2f) ||
    (code >= 0xe0100 && code <= 0xe01ef)
  )
}

/** Columns one code point takes: 0, 1 or 2. */
export function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0
  if (isZeroWidth(code)) return 0
  return isWide(code) ? 2 : 1
}

/** Columns `text` takes on a terminal (no escape sequences expected). */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += charWidth(char)
  return width
}

/**
 * Cut `text` to at most `width` columns, ending in an ellipsis when cut (a wide character that
 * would straddle the edge is dropped whole). Newlines and tabs become spaces.
 */
export function truncateToWidth(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ')
  if (width <= 0) return ''
  if (displayWidth(flat) <= width) return flat
  let out = ''
  let used = 0
  for (const char of flat) {
    const w = charWidth(char)
    if (used + w > width - 1) break
    out += char
    used += w
  }
  return `${out}…`
}

/** `truncateToWidth`, then pad with spaces to exactly `width` columns. */
export function padToWidth(text: string, width: number): string {
  const cut = truncateToWidth(text, width)
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)))
}

/** `1 message`, `2 messages`, `1,024 messages`: a count and its noun, singular or plural. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`
}

/**
 * Wrap `text` at word boundaries to lines of at most `width` columns. A word longer than a line
 * gets a line of its own, whole; so does a command in backticks (split, it would no longer copy as
 * one command). Existing newlines are kept.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.match(/(?:`[^`]*`|\S)+/g) ?? []) {
      const candidate = line === '' ? word : `${line} ${word}`
      if (displayWidth(candidate) <= width || line === '') {
        line = candidate
        continue
      }
      lines.push(line)
      line = word
    }
    lines.push(line)
  }
  return lines
}

/**
 * Text for a terminal `width` columns wide: each line that is wider is wrapped at word boundaries,
 * its continuation lines indented two more than it. A word wider than the line (an ARN, a URL) and a
 * command in backticks stay whole (the terminal wraps them, and a command copied from the screen
 * stays one line). Lines that fit, and lines with escape sequences, are left as they are.
 */
export function wrapForTerminal(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.includes('\u001b') || displayWidth(line) <= width) return line
      const indent = /^ */.exec(line)?.[0] ?? ''
      const hanging = `${indent}  `
      // Break between tokens, keeping the spacing inside each piece (aligned columns stay aligned).
      const out: string[] = []
      let start = -1
      let end = -1
      for (const match of line.matchAll(/(?:`[^`]*`|\S)+/g)) {
        const at = match.index
        const stop = at + match[0].length
        if (start === -1) {
          start = at
        } else if (displayWidth((out.length === 0 ? indent : hanging) + line.slice(start, stop)) > width) {
          out.push(line.slice(start, end))
          start = at
        }
        end = stop
      }
      if (start !== -1) out.push(line.slice(start, end))
      return out.map((part, i) => `${i === 0 ? indent : hanging}${part}`).join('\n')
    })
    .join('\n')
}
