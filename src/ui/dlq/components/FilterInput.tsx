import {Text} from 'ink'

import type {Theme} from '../../theme.js'

/** Props of {@link FilterInput}. */
export interface FilterInputProps {
  readonly draft: string
  readonly width: number
  readonly theme: Theme
  /** What comes before the input (default `/ `). */
  readonly prompt?: string | undefined
  /** Shown dimmed while nothing is typed (the default an empty Enter takes). */
  readonly placeholder?: string | undefined
}

/** The filter being typed, with a block cursor; long input scrolls to keep its end visible. */
export function FilterInput({draft, width, theme, prompt = '/ ', placeholder}: FilterInputProps) {
  const room = Math.max(1, width - prompt.length - 2)
  const shown = draft.length > room ? `…${draft.slice(draft.length - room + 1)}` : draft
  return (
    <Text>
      <Text {...theme.style('accent')}>{prompt}</Text>
      <Text>{shown}</Text>
      <Text {...theme.style('selected')}> </Text>
      {draft === '' && placeholder ? (
        <Text {...theme.style('muted')}> {placeholder.slice(0, Math.max(0, room - 2))}</Text>
      ) : null}
    </Text>
  )
}
