/**
 * Crash safety of `dlq redrive` (test/helpers/crash-resume.ts): 5,000 dead letters, two SIGKILLs at
 * random points, then a run to the end: 0 lost, the DLQ empty, duplicates within what a kill can leave
 * published and not deleted. The same journey at 100,000 with three kills is a release check
 * (test/release/). Two kills here, not three: each kill leaves 40–90 % of what was left, and a third
 * run over a few hundred messages can end on its own before the kill lands.
 */
import {describeCrashResume} from '../helpers/crash-resume.js'

describeCrashResume({count: 5_000, kills: 2, probeMs: 25})
