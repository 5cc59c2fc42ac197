/**
 * Momento's public cells per AWS region (docs/reference/aws-facts.md#momento-regions). The HTTP API of a cell
 * lives at `https://api.cache.<cell-host>`, where the cell host is `<cell>.prod.a.momentohq.com`.
 */

/** One Momento region: the AWS region, its cell and the HTTP API base URL. */
export interface MomentoRegion {
  readonly region: string
  readonly cell: string
  readonly baseUrl: string
}

const CELLS: Readonly<Record<string, string>> = {
  'us-east-1': 'cell-us-east-1-1',
  'us-east-2': 'cell-1-us-east-2-1',
  'us-west-2': 'cell-4-us-west-2-1',
  'eu-west-1': 'cell-1-eu-west-1-1',
  'eu-west-2': 'cell-1-eu-west-2-1',
  'eu-central-1': 'cell-1-eu-central-1-1',
  'eu-north-1': 'cell-1-eu-north-1-1',
  'ap-south-1': 'cell-1-ap-south-1-1',
  'ap-northeast-1': 'cell-ap-northeast-1-1',
  'ap-southeast-1': 'cell-1-ap-southeast-1-1',
  'ap-southeast-2': 'cell-1-ap-southeast-2-1',
}

/** The cell host of a cell name: `cell-us-east-1-1` → `cell-us-east-1-1.prod.a.momentohq.com`. */
export function cellHost(cell: string): string {
  return `${cell}.prod.a.momentohq.com`
}

/** The HTTP API base URL for a cell host (no trailing slash). */
export function httpBaseUrlForHost(host: string): string {
  return `https://api.cache.${host.replace(/^(api\.)?cache\./, '')}`
}

/** Every region with a public Momento cell, in the order of the reference table. */
export const MOMENTO_REGIONS: readonly MomentoRegion[] = Object.entries(CELLS).map(([region, cell]) => ({
  region,
  cell,
  baseUrl: httpBaseUrlForHost(cellHost(cell)),
}))

/** The Momento HTTP API base URL for an AWS region, or undefined when Momento has no public cell there. */
export function momentoBaseUrlForRegion(region: string): string | undefined {
  return MOMENTO_REGIONS.find((r) => r.region === region)?.baseUrl
}

// `cell-us-east-1-1`, `cell-4-us-west-2-1`: an optional cell number, the region, a cell index.
const CELL_REGION = /(?:^|[./])cell-(?:\d+-)?([a-z]{2}-[a-z]+-\d)-\d+(?:[./]|$)/

/**
 * The AWS region a Momento host or URL points at, read from its cell name
 * (`api.cache.cell-4-us-west-2-1.prod.a.momentohq.com` → `us-west-2`); undefined when it has none
 * (a private cell, a sandbox URL).
 */
export function regionFromCellHost(hostOrUrl: string): string | undefined {
  let host = hostOrUrl
  try {
    if (/^[a-z]+:\/\//i.test(hostOrUrl)) host = new URL(hostOrUrl).hostname
  } catch {
    return undefined
  }
  return CELL_REGION.exec(host.toLowerCase())?.[1]
}

/**
 * AWS regions by name, for a "did you mean" when --region is mistyped (`us-east1`). Not a gate: a
 * well-formed name missing here (a region launched later) is used as given.
 */
export const AWS_REGION_NAMES: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
]

/**
 * What an AWS region name looks like: us-east-1, us-gov-west-1, eusc-de-east-1. Every partition's
 * `regionRegex` in the SDK's partitions table (@aws-sdk/core, util-endpoints/lib/aws/partitions.js:
 * `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`, `^us\-gov\-\w+\-\d+$`, `^eusc\-(de)\-\w+\-\d+$`, …)
 * fits it; a name that doesn't can't be a region, so it's refused before any call (which would
 * otherwise fail as an unresolvable host and be blamed on the network).
 */
export const REGION_NAME = /^[a-z]{2,}(-[a-z]+)+-\d+$/
