/**
 * A one-line progress bar for long batches, redrawn in place on stderr. Only for interactive
 * terminals: callers don't create one otherwise, so scripts never see carriage returns.
 */
export function progressLine(stream: NodeJS.WriteStream, total: number, width = 30) {
  let last = 0
  const draw = (sent: number, failed: number, retried: number): void => {
    const done = Math.min(total, sent + failed)
    const filled = total === 0 ? width : Math.round((done / total) * width)
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`
    stream.write(`\r[${bar}] ${done}/${total} sent ${sent} failed ${failed} retried ${retried}`)
  }
  return {
    update({sent, failed, retried}: {sent: number; failed: number; retried: number}): void {
      const now = Date.now()
      if (now - last < 100 && sent + failed < total) return
      last = now
      draw(sent, failed, retried)
    },
    done(): void {
      if (last > 0) stream.write('\n')
    },
  }
}
