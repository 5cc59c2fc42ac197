/**
 * The oclif edge of `status`: the stack and where `put` publishes from flags, env and saved config,
 * the ports (src/wiring), the run (services/stack-status.ts), and the human report.
 */
import {resolveBus, resolveSetting, resolveStack} from '../core/config.js'
import {decodeMomentoKey} from '../core/momento-key.js'
import {displayWidth} from '../core/text-width.js'
import {stackStatusWithBusCheck, type StackStatusReport} from '../services/stack-status.js'
import {busRulesMatchingKinds, stackStatusPorts} from '../wiring/stack.js'
import type {CommandHost} from './base-command.js'

/** The report, with fixes that name a command naming it with this run's context (`suggest`); printed unless --json. */
export async function statusFromFlags(
  host: CommandHost,
  flags: {stack?: string | undefined},
  suggest: (text: string) => string,
): Promise<StackStatusReport> {
  const stackName = resolveStack(flags.stack, process.env, host.savedConfig)
  const ports = stackStatusPorts(host.ctx)
  const key = host.ctx.momento.apiKey ? decodeMomentoKey(host.ctx.momento.apiKey) : undefined
  const bus = resolveBus(undefined, process.env, host.savedConfig)
  const source = resolveSetting('source', {env: process.env, config: host.savedConfig, fallback: 'momento-eb'})
  const report = await stackStatusWithBusCheck(stackName, ports, {
    key,
    put: {bus, source: source?.value ?? 'momento-eb'},
    rulesMatchingKinds: (busName, eventSource, kinds) => busRulesMatchingKinds(host.ctx, busName, eventSource, kinds),
    verbose: (line) => host.ctx.verbose(line),
  })
  // Fixes that name a command name it with this run's context (--sandbox, --stack…), in JSON too.
  const shown: StackStatusReport = {
    ...report,
    problems: report.problems.map((p) => ({...p, fix: suggest(p.fix)})),
    alarms: report.alarms?.map((a) => ({...a, action: a.action && suggest(a.action)})) ?? null,
  }
  if (!host.jsonEnabled()) present(host, shown)
  return shown
}

/**
 * The checks first (states in short lines that fit 80 columns), then the verdict, then the long
 * values (endpoints, names, the DLQ URL, outputs), so ARNs never push the checks off the screen.
 */
function present(host: CommandHost, r: StackStatusReport): void {
  const {checks, details} = statusLines(r)
  for (const line of checks) host.log(line)
  if (r.problems.length === 0) host.logToStderr('No problems found.')
  for (const p of r.problems) {
    host.logToStderr(`${p.severity === 'error' ? 'Problem' : 'Warning'}: ${p.problem}`)
    host.logToStderr(`  Fix: ${p.fix}`)
  }
  if (details.length > 0) {
    host.log('')
    const columns = process.stdout.isTTY ? process.stdout.columns : undefined
    for (const line of details) for (const part of hangLongValue(line, columns)) host.log(part)
  }
}

/**
 * A detail line wider than the terminal: its last value (an ARN, a URL) on the next line, under the
 * values column, whole so it can be copied. Lines that fit, and output off a terminal, stay as they are.
 */
export function hangLongValue(line: string, columns: number | undefined): string[] {
  if (!columns || displayWidth(line) <= columns) return [line]
  const split = line.search(/\s+\S+$/)
  if (split <= 0) return [line]
  return [line.slice(0, split).trimEnd(), `${' '.repeat(13)}${line.slice(split).trim()}`]
}

/** The human report: short state lines (checks) and the long values after them (details). */
export function statusLines(r: StackStatusReport): {checks: string[]; details: string[]} {
  const checks: string[] = []
  const details: string[] = []
  checks.push(`stack        ${r.status}${r.statusReason ? ` (${r.statusReason})` : ''}`)
  details.push(`stack        ${r.stack}`)
  if (r.connection) {
    checks.push(`connection   ${r.connection.state}`)
    details.push(`connection   ${r.connection.name}`)
  }
  for (const d of r.destinations) {
    checks.push(`destination  ${d.kind.padEnd(12)} ${d.state.padEnd(8)} ${d.method}`)
    details.push(`destination  ${d.kind.padEnd(12)} ${d.endpoint}`)
  }
  for (const rule of r.rules) {
    const t = rule.target
    const target = t
      ? `retries ${t.maxRetryAttempts ?? '-'} / ${t.maxEventAgeSeconds ?? '-'}s, DLQ ${t.deadLetterArn ? 'yes' : 'no'}`
      : 'no target'
    checks.push(`rule         ${rule.kind.padEnd(12)} ${rule.state.padEnd(8)} ${target}`)
    details.push(`rule         ${rule.kind.padEnd(12)} ${rule.name} on ${rule.bus}`)
  }
  if (r.dlq) {
    checks.push(`dlq          ${r.dlq.visible} visible, ${r.dlq.inFlight} in flight`)
    checks.push(`dlq policy   ${r.dlq.allowsRules ? 'allows the rules' : 'does NOT allow the rules'}`)
    details.push(`dlq          ${r.dlq.url}`)
  }
  for (const a of r.alarms ?? []) {
    checks.push(`alarm        ${a.state.padEnd(17)} ${a.name}`, `             ${a.meaning}`)
    if (a.action) checks.push(`             → ${a.action}`)
  }
  if (r.logs) {
    const l = r.logs
    checks.push(
      `bus logs     ${l.busLevel}${l.busDetail === 'FULL' ? ' (full detail)' : ''} on bus ${l.bus}, stack asks ${l.stackLevel ?? 'nothing'}`,
    )
    if (l.logGroup) {
      const delivered =
        l.deliveredLogTypes === null ? 'deliveries unknown' : `delivers ${l.deliveredLogTypes.join(', ') || 'nothing'}`
      checks.push(
        `log group    ${l.logGroupExists === false ? 'MISSING' : `retention ${l.retentionDays ?? '?'} days`}, ${delivered}`,
      )
      details.push(`log group    ${l.logGroup}`)
    }
  }
  const keys = Object.keys(r.outputs).sort()
  const width = Math.max(0, ...keys.map((k) => k.length))
  for (const k of keys) details.push(`output       ${k.padEnd(width)}  ${r.outputs[k]}`)
  return {checks, details}
}
