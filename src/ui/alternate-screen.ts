/**
 * The terminal's alternate screen (xterm's private mode 1049, which every terminal emulator in use
 * supports): a full-screen view draws there, and leaving it brings back the shell's screen as it
 * was, so the last frame and its blank lines do not stay in the scrollback.
 */

const ENTER = '\u001B[?1049h'
const LEAVE = '\u001B[?1049l'
/** Show the cursor again, in case the view hid it and ended without restoring it. */
const SHOW_CURSOR = '\u001B[?25h'

/** Something to write the control sequences to (process.stdout; a fake in tests). */
export interface ScreenStream {
  write(text: string): unknown
}

/**
 * Switch `stream` to the alternate screen. The returned function switches back, once, however often
 * it is called; it is also called when the process exits without it (an uncaught error, a
 * `process.exit()` elsewhere), so the shell never stays on the alternate screen.
 */
export function enterAlternateScreen(stream: ScreenStream, proc: Pick<NodeJS.Process, 'once' | 'off'> = process) {
  let left = false
  const leave = () => {
    if (left) return
    left = true
    proc.off('exit', leave)
    stream.write(SHOW_CURSOR + LEAVE)
  }
  stream.write(ENTER)
  proc.once('exit', leave)
  return leave
}

/**
 * After a program that shared the terminal (an $EDITOR, which leaves the alternate screen itself
 * when it ends): back to a cleared alternate screen, cursor at the top, for the next frame.
 */
export function returnToAlternateScreen(stream: ScreenStream): void {
  stream.write(`${ENTER}\u001B[H`)
}

export const ALTERNATE_SCREEN = {enter: ENTER, leave: LEAVE} as const
