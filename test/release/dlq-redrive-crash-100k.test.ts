/**
 * Crash and resume at outage scale (issue 12's acceptance): the journey of
 * test/helpers/crash-resume.ts at 100,000 dead letters with three SIGKILLs. About 80 s of CPU, so it
 * is a release check (`npm run test:ci`, what CI runs), not part of `npm test`, which runs the same
 * journey at 5,000 with two kills.
 */
import {describeCrashResume} from '../helpers/crash-resume.js'

// At this size a look every 250 ms is as random a kill point, for a tenth of the probes' CPU.
describeCrashResume({count: 100_000, kills: 3, probeMs: 250})
