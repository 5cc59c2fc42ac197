import {Text} from 'ink'

import type {Theme} from '../../theme.js'
import {truncate} from '../text.js'

/** Props of {@link ConfirmPrompt}. */
export interface ConfirmPromptProps {
  readonly question: string
  readonly width: number
  readonly theme: Theme
}

/** A yes/no question for a destructive action; No is the default. */
export function ConfirmPrompt({question, width, theme}: ConfirmPromptProps) {
  return <Text {...theme.style('warn')}>{truncate(`CONFIRM ${question} [y/N]`, width)}</Text>
}
