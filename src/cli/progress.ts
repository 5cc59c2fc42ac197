/**
 * The one progress display of long runs (`put --file`, `dlq redrive`): on a terminal a bar redrawn in
 * place on stderr (fitted to its width, redrawn at the new width when the terminal is resized, at most
 * ten frames a second); elsewhere (CI logs, a pipe) a line at most once a second, so a long run is
 * never silent and scripts never see carriage returns.
 */
import {displayWidth, truncateToWidth} from '../core/text-width.js'

/** A stream progress can be drawn on: stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown
  /** The terminal's width now (read at every frame). */
  columns?: number | undefined
  on?(event: 'resize', listener: () => void): unknown
  off?(event: 'resize', listener: () => void): unknown
}

export interface ProgressBarOptions<P> {
  /** A terminal (bar, in place) or not (a line a second, `label: text`). */
  terminal: boolean
  /** The counts in words. */
  text(p: P): string
  /** How far along, 0…1. */
  fraction(p: P): number
  /** What the lines off a terminal start with (`redrive`). */
  label: string
  now?: () => number
  /** The bar's widest, in columns (30). */
  width?: number
}

export interface ProgressBar<P> {
  update(p: P): void
  /** Draw the last counts if they were not drawn yet, and end the bar's line. */
  done(): void
}

/** A progress bar (terminal) or line (not a terminal) on `stream`. */
export function progressBar<P>(stream: ProgressStream, options: ProgressBarOptions<P>): ProgressBar<P> {
  const now = options.now ?? Date.now
  const maxBar = options.width ?? 30
  const every = options.terminal ? 100 : 1_000
  let last = 0
  let latest: P | undefined
  let printed: string | undefined
  /** Display width of the frame on screen, and the terminal width it was drawn at. */
  let shown = 0
  let shownAt = 0

  const frame = (p: P, columns: number): string => {
    const words = options.text(p)
    // One column is left free: writing the last column makes some terminals wrap at once.
    const room = columns - 1
    const bar = Math.min(maxBar, room - displayWidth(words) - 3)
    if (bar >= 10) {
      const filled = Math.round(Math.min(1, Math.max(0, options.fraction(p))) * bar)
      return `[${'#'.repeat(filled)}${'-'.repeat(bar - filled)}] ${words}`
    }
    return truncateToWidth(words, room)
  }

  const line = (p: P) => `${options.label}: ${options.text(p)}\n`

  const draw = (p: P): void => {
    if (!options.terminal) {
      printed = line(p)
      stream.write(printed)
      return
    }
    const columns = stream.columns && stream.columns > 0 ? stream.columns : 80
    const text = frame(p, columns)
    // A terminal that got narrower has re-flowed the last frame over several rows: go up to its first
    // row and clear from there. Otherwise clear the one row and draw over it.
    const rows = shownAt > 0 && columns < shownAt && shown > columns - 1 ? Math.ceil(shown / columns) - 1 : 0
    const erase = rows > 0 ? `\u001B[${rows}A\r\u001B[J` : '\r\u001B[2K'
    printed = text
    shown = displayWidth(text)
    shownAt = columns
    stream.write(erase + text)
  }

  const onResize = () => {
    if (latest !== undefined && printed !== undefined) draw(latest)
  }
  if (options.terminal) stream.on?.('resize', onResize)

  return {
    update(p: P): void {
      latest = p
      const t = now()
      if (t - last < every) return
      last = t
      draw(p)
    },
    done(): void {
      if (options.terminal) {
        stream.off?.('resize', onResize)
        if (
          latest !== undefined &&
          printed !== frame(latest, stream.columns && stream.columns > 0 ? stream.columns : 80)
        ) {
          draw(latest)
        }
        if (printed !== undefined) stream.write('\n')
        return
      }
      if (latest !== undefined && line(latest) !== printed) stream.write(line(latest))
    },
  }
}

/** `put --file`'s bar: events settled of the total, with the sent, failed and retried counts. */
export function progressLine(stream: ProgressStream, total: number) {
  const settled = ({sent, failed}: {sent: number; failed: number}) => Math.min(total, sent + failed)
  return progressBar<{sent: number; failed: number; retried: number}>(stream, {
    terminal: true,
    label: 'put',
    text: (p) => `${settled(p)}/${total} sent ${p.sent} failed ${p.failed} retried ${p.retried}`,
    fraction: (p) => (total === 0 ? 1 : settled(p) / total),
  })
}
