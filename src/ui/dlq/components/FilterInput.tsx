import {Text} from 'ink'

import type {Theme} from '../../theme.js'

/** Props of {@link FilterInput}. */
export interface FilterInputProps {
  readonly draft: string
  readonly width: number
  readonly theme: Theme
}

/** The filter being typed, with a block cursor; long input scrolls to keep its end visible. */
export function FilterInput({draft, width, theme}: FilterInputProps) {
  const room = Math.max(1, width - 4)
  const shown = draft.length > room ? `…${draft.slice(draft.length - room + 1)}` : draft
  return (
    <Text>
      <Text {...theme.style('accent')}>/ </Text>
      <Text>{shown}</Text>
      <Text {...theme.style('selected')}> </Text>
    </Text>
  )
}
