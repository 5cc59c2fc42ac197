/**
 * `--diagnose` / `--no-diagnose` and `--api-key-stdin` for the DLQ readers (`dlq list`, `dlq watch`,
 * `dlq redrive --dry-run`): build the batch decoder, probing Momento read-only with the operator's
 * key when a reason is ambiguous and a key is at hand.
 */
import {Flags} from '@oclif/core'

import type {DecodeOptions} from '../core/dlq-decode.js'
import {UsageError} from '../core/errors.js'
import {decodeMomentoKey} from '../core/momento-key.js'
import {type BatchDecoder, diagnosingDecoder, type DiagnosisOptions, plainDecoder} from '../services/dlq-diagnose.js'
import {readApiKeyFromStdin} from './api-key.js'
import type {CliContext} from './context.js'
import type {Redactor} from './redact.js'
import {momentoProbePorts} from '../wiring/dlq.js'
import {sandboxApiKey} from '../wiring/sandbox.js'

/** `--diagnose` (on by default when a key is available). */
export const diagnoseFlag = {
  diagnose: Flags.boolean({
    summary:
      'When the DLQ attributes leave a reason ambiguous, probe Momento read-only with your key (one read per cache): ' +
      'does the cache exist, is the key accepted, does the endpoint answer within 5 s. Default: on when a key is ' +
      'available (MOMENTO_API_KEY, --api-key-stdin, or the sandbox).',
    allowNo: true,
    helpGroup: 'DIAGNOSE',
  }),
}

/** `--api-key-stdin` for commands whose stdin is free (not the watch view). */
export const apiKeyStdinFlag = {
  'api-key-stdin': Flags.boolean({
    summary: 'Read the Momento API key for --diagnose from stdin (first line) instead of MOMENTO_API_KEY.',
    helpGroup: 'DIAGNOSE',
  }),
}

export interface DecoderChoice {
  decode: BatchDecoder
  /** True when ambiguous reasons will be probed. */
  diagnosing: boolean
  /** Why not, when the user asked for --diagnose implicitly and no key was found (for a note). */
  note?: string | undefined
}

/**
 * The decoder the flags ask for. `--diagnose` without any key is a usage error (exit 2); by default
 * the diagnosis runs only when a key is available, and `--no-diagnose` never runs it.
 */
export async function decoderFromFlags(
  ctx: CliContext,
  flags: {diagnose?: boolean | undefined; 'api-key-stdin'?: boolean | undefined},
  redactor: Redactor,
  command: string,
  decode: DecodeOptions = {},
  diagnosis: Pick<DiagnosisOptions, 'findingTtlMs'> = {},
): Promise<DecoderChoice> {
  // Fixes name commands with the run's context, and fixes that work where the user is (the sandbox).
  decode = {sandbox: ctx.usingSandbox, suggest: ctx.suggest, ...decode}
  if (flags.diagnose === false) return {decode: plainDecoder(decode), diagnosing: false}
  let apiKey = flags['api-key-stdin'] ? await readApiKeyFromStdin(command) : ctx.momento.apiKey
  if (!apiKey && ctx.usingSandbox) apiKey = await sandboxApiKey(ctx.sandboxUrl, {timeoutMs: ctx.momento.callTimeoutMs})
  redactor.add(apiKey)
  if (!apiKey) {
    if (flags.diagnose === true) {
      throw new UsageError('--diagnose probes Momento with your API key, and none was given.', {
        hints: ['Export MOMENTO_API_KEY (it is never printed), or pipe it in with --api-key-stdin.'],
      })
    }
    return {
      decode: plainDecoder(decode),
      diagnosing: false,
      note: 'Reasons the DLQ message leaves ambiguous stay ambiguous: export MOMENTO_API_KEY (or use --api-key-stdin) to let --diagnose probe Momento.',
    }
  }
  const decoder = diagnosingDecoderFor(ctx, apiKey, decode, diagnosis)
  return {decode: decoder, diagnosing: true}
}

/**
 * The diagnosing decoder for a key: probes the endpoint each failed event's API destination calls
 * (DescribeApiDestination), else --momento-endpoint, the sandbox or the key's own cell.
 */
export function diagnosingDecoderFor(
  ctx: CliContext,
  apiKey: string,
  decode: DecodeOptions = {},
  diagnosis: Pick<DiagnosisOptions, 'findingTtlMs'> = {},
): BatchDecoder {
  decode = {sandbox: ctx.usingSandbox, suggest: ctx.suggest, ...decode}
  const key = decodeMomentoKey(apiKey)
  return diagnosingDecoder(decode, momentoProbePorts(ctx, apiKey), {
    fallbackEndpoint: ctx.momento.endpoint ?? key.baseUrl,
    keyRegion: key.region,
    ...diagnosis,
  })
}
