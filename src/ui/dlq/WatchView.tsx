import {Box} from 'ink'

import type {Theme} from '../theme.js'
import {ConfirmPrompt} from './components/ConfirmPrompt.js'
import {DetailPane} from './components/DetailPane.js'
import {FilterInput} from './components/FilterInput.js'
import {Footer} from './components/Footer.js'
import {Header} from './components/Header.js'
import {HelpOverlay} from './components/HelpOverlay.js'
import {MessageList} from './components/MessageList.js'
import {ReasonSummary} from './components/ReasonSummary.js'
import {StatusLine} from './components/StatusLine.js'
import {TracePane} from './components/TracePane.js'
import {selectedRecord, type Intent, type WatchState} from './state.js'

/** Props of {@link WatchView}. */
export interface WatchViewProps {
  readonly state: WatchState
  /** Keys are mapped to intents by the root; the view itself only renders. */
  readonly onIntent?: (intent: Intent) => void
  readonly theme: Theme
  /** What q does, when not just quitting (inside the demo: "continue the demo"). */
  readonly quitLabel?: string | undefined
}

/**
 * The `dlq watch` screen: header, grouped reasons, then the list (or the detail of the selected
 * message, or help), a status line (filter input / confirmation / last outcome) and the key footer.
 * Every line fits `state.columns`; the frame is always `state.pageSize + 8` rows high.
 */
export function WatchView({state, theme, quitLabel}: WatchViewProps) {
  const width = state.columns
  const bodyHeight = state.pageSize + 2
  const selected = selectedRecord(state)
  const showDetail =
    selected !== undefined && (state.mode === 'detail' || (state.mode !== 'list' && state.returnMode === 'detail'))
  let body
  if (state.mode === 'help')
    body = <HelpOverlay height={bodyHeight - 1} width={width} feedError={state.feedError} theme={theme} />
  else if (state.mode === 'trace' && state.trace)
    body = <TracePane trace={state.trace} height={bodyHeight} width={width} theme={theme} />
  else if (showDetail)
    body = <DetailPane record={selected} height={bodyHeight} top={state.detailTop} width={width} theme={theme} />
  else
    body = (
      <MessageList
        records={state.matching}
        top={state.top}
        cursor={state.cursor}
        pageSize={state.pageSize}
        width={width}
        filter={state.filter}
        loaded={state.loaded}
        theme={theme}
      />
    )
  let status
  if (state.mode === 'filter') status = <FilterInput draft={state.filterDraft} width={width} theme={theme} />
  else if (state.mode === 'export')
    status = (
      <FilterInput
        draft={state.exportDraft}
        width={width}
        theme={theme}
        prompt={`export ${state.matching.length === 1 ? '1 message' : `${state.matching.length} messages`} to: `}
        placeholder="(Enter: a new dlq-watch-TIME.ndjson here)"
      />
    )
  else if (state.mode === 'confirm' && state.confirm)
    status = <ConfirmPrompt question={state.confirm.question} width={width} theme={theme} />
  else
    status = (
      <StatusLine
        notice={state.notice}
        filter={state.filter}
        filterWarning={state.filterWarning}
        busy={state.busy}
        staleSeconds={state.staleSeconds}
        everRead={state.depth !== undefined}
        idleHint={quitLabel ? `press q to ${quitLabel}` : undefined}
        width={width}
        theme={theme}
      />
    )
  return (
    <Box flexDirection="column" width={width}>
      <Header
        queue={state.queue}
        depth={state.depth}
        arrivalsPerSecond={state.arrivalsPerSecond}
        gone={state.gone}
        loaded={state.loaded}
        known={state.records.length}
        stats={state.stats}
        redrive={state.redrive}
        feedError={state.feedError}
        width={width}
        theme={theme}
      />
      <ReasonSummary
        summary={state.summary}
        total={state.matching.length}
        stats={state.filter === '' ? state.stats : undefined}
        width={width}
        theme={theme}
      />
      {body}
      {status}
      <Footer mode={state.mode} width={width} theme={theme} />
    </Box>
  )
}
