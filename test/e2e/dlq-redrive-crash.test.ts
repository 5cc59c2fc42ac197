/**
 * Crash safety of `dlq redrive` (test/helpers/crash-resume.ts): 10,000 dead letters, three SIGKILLs at
 * random points, then a run to the end: 0 lost, the DLQ empty, duplicates within what a kill can leave
 * published and not deleted. The same journey at 100,000 is a release check (test/release/).
 */
import {describeCrashResume} from '../helpers/crash-resume.js'

describeCrashResume({count: 10_000, kills: 3, probeMs: 25})
