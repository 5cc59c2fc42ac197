/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two strings. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({length: rows}, (_, i) =>
    Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const row = d[i]!
      const prev = d[i - 1]!
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1)
      }
    }
  }
  return d[rows - 1]![cols - 1]!
}

/**
 * The known command closest to what was typed, or undefined when nothing is close enough
 * (more than a third of the longer word differs, at least one edit allowed: `--bogus` is not a
 * misspelt `--bus`, two edits in five letters).
 */
export function closestCommand(typed: string, known: readonly string[]): string | undefined {
  let best: {id: string; distance: number} | undefined
  for (const id of known) {
    const distance = editDistance(typed.toLowerCase(), id.toLowerCase())
    if (!best || distance < best.distance) best = {id, distance}
  }
  if (!best) return undefined
  const allowed = Math.max(1, Math.floor(Math.max(typed.length, best.id.length) / 3))
  return best.distance <= allowed ? best.id : undefined
}

/**
 * The known value a typed one most likely meant, for a "did you mean": the same word in another case
 * (`cacheset` → cacheSet), the only value containing it (`not-found` → cache-not-found), else the
 * closest by edit distance (as {@link closestCommand}); undefined when nothing is close.
 */
export function suggestValue(typed: string, known: readonly string[]): string | undefined {
  const t = typed.trim().toLowerCase()
  if (t === '') return undefined
  const sameWord = known.find((k) => k.toLowerCase() === t)
  if (sameWord !== undefined) return sameWord
  // Compared without hyphens and dots too: `notfound` is in `cache-not-found`, `useast1` is `us-east-1`.
  const bare = (text: string): string => text.toLowerCase().replace(/[-_.\s]/g, '')
  const sameLetters = known.filter((k) => bare(k) === bare(t))
  if (sameLetters.length === 1) return sameLetters[0]
  const containing = known.filter((k) => bare(k).includes(bare(t)) || bare(t).includes(bare(k)))
  if (t.length >= 3 && containing.length === 1) return containing[0]
  return closestCommand(t, known)
}
