import type {RedriveProgress} from '../../src/services/redrive.js'

/** A redrive progress report: all counts 0 unless given. */
export const progressAt = (over: Partial<RedriveProgress>): RedriveProgress => ({
  received: 0,
  selected: 0,
  redriven: 0,
  failed: 0,
  skipped: 0,
  recovered: 0,
  cameBack: 0,
  rate: 0,
  rateSource: 'unknown',
  destinationRate: undefined,
  held: 0,
  ...over,
})
