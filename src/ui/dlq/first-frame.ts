import {count, truncate} from './text.js'
import {reasonParts, sampleLine, type SampleStats} from './sample-text.js'

/**
 * The first frame of `dlq watch`, drawn as plain text before Ink and React are loaded: loading the
 * view's modules takes a second or more of CPU on a busy machine, while the queue's depth and a first
 * sample are read sooner. The same words as the view's header and reason line (sample-text.ts), so
 * the view replaces it without anything moving. Pure and free of Ink: importing it costs nothing.
 */

/** What the frame needs from the feed's first update. */
export interface FirstFrameInput {
  readonly depth: {readonly visible: number; readonly inFlight: number} | undefined
  readonly stats?: SampleStats | undefined
}

/** The frame's lines, each cut to `width` columns. Undefined when the update has nothing to show. */
export function firstFrameLines(
  queue: string,
  update: FirstFrameInput,
  width: number,
  now: number,
): string[] | undefined {
  const {depth, stats} = update
  if (!depth || !stats) return undefined
  const head = `${count(depth.visible)} visible · ${count(depth.inFlight)} in flight`
  const lines = [`DLQ ${queue} · ${head}`]
  if (stats.read > 0) {
    lines.push(sampleLine(stats, now))
    const {lead, parts} = reasonParts(stats)
    lines.push(lead + parts.map((p) => p.text).join('  '))
  } else lines.push('no messages read yet')
  lines.push('', 'loading the view… (keys work in a moment)')
  return lines.map((line) => truncate(line, width))
}
