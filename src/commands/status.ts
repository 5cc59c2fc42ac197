import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {resolveBus, resolveSetting, resolveStack} from '../core/config.js'
import {ExitCode} from '../core/errors.js'
import {decodeMomentoKey} from '../core/momento-key.js'
import {displayWidth} from '../core/text-width.js'
import {getStackStatus, type StackStatusReport, type StatusProblem} from '../services/stack-status.js'
import {busRulesMatchingKinds, stackStatusPorts} from '../wiring/stack.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show the integration stack, the state of its resources, and what needs fixing'
  static override description =
    'Reads the stack (status and outputs) and finds its resources by type, so a stack from Momento’s launch ' +
    'button works too: the connection’s state, each API destination’s state and endpoint, each rule’s state and ' +
    'target, the DLQ depth (visible / in flight) and whether its policy lets the rules write to it. Every problem ' +
    'comes with a fix. Exit 0 when nothing is wrong (warnings only), 1 when a problem was found or the stack ' +
    'doesn’t exist. The stack’s alarms are listed with their state; one in ALARM comes with what to do.'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --stack momento-api --json']
  static override flags = {
    stack: Flags.string({summary: 'Stack name. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.'}),
  }

  protected override exitCodeFor(report: StackStatusReport): number | undefined {
    return report.problems.some((p) => p.severity === 'error') ? ExitCode.Failed : undefined
  }

  public async run(): Promise<StackStatusReport> {
    const stackName = resolveStack(this.flags.stack, process.env, this.savedConfig)
    const ports = stackStatusPorts(this.ctx)
    const key = this.ctx.momento.apiKey ? decodeMomentoKey(this.ctx.momento.apiKey) : undefined
    const report = await getStackStatus(stackName, ports, {key})
    const busProblem =
      report.rules.length > 0 ? await this.busCheck([...new Set(report.rules.map((r) => r.bus))]) : undefined
    if (busProblem) report.problems.unshift(busProblem)
    // Fixes that name a command name it with this run's context (--sandbox, --stack…), in JSON too.
    const shown: StackStatusReport = {
      ...report,
      problems: report.problems.map((p) => ({...p, fix: this.suggestions.text(p.fix)})),
      alarms: report.alarms?.map((a) => ({...a, action: a.action && this.suggestions.text(a.action)})) ?? null,
    }
    if (!this.jsonEnabled()) this.present(shown)
    return shown
  }

  /**
   * Whether the events `put` publishes (to the bus MOMENTO_EB_BUS / `config set bus` / default names,
   * with the resolved source) match a rule there (ListRules): a bus without a matching rule takes
   * every event and delivers it nowhere. An error when the bus was chosen (env or config), a warning
   * for the default bus (producers other than `put` may publish elsewhere). Undefined when fine, or
   * when the rules can't be listed (the other checks still stand).
   */
  private async busCheck(ruleBuses: readonly string[]): Promise<StatusProblem | undefined> {
    const bus = resolveBus(undefined, process.env, this.savedConfig)
    const source = resolveSetting('source', {env: process.env, config: this.savedConfig, fallback: 'momento-eb'})
    const kinds = ['cacheSet', 'cacheDelete', 'topicPublish'] as const
    let found
    try {
      found = await busRulesMatchingKinds(this.ctx, bus.value, source?.value ?? 'momento-eb', kinds)
    } catch (error) {
      this.ctx.verbose(`Couldn't list the rules on bus ${bus.value}: ${(error as Error).message.split('\n')[0]}`)
      return undefined
    }
    const unmatched = kinds.filter((_, i) => found[i]?.matching.length === 0)
    if (unmatched.length === 0) return undefined
    return {
      severity: bus.origin === 'default' ? 'warning' : 'error',
      resource: null,
      problem:
        `No rule on bus ${bus.value} (${bus.from}, where \`put\` publishes) matches ${unmatched.join(', ')}` +
        `${ruleBuses.length > 0 ? `; the stack's rules listen on ${ruleBuses.join(', ')}` : ''}: ` +
        'events published there are accepted and delivered nowhere.',
      fix:
        ruleBuses.length > 0
          ? `Publish where the rules are (\`momento-eb config set bus ${ruleBuses[0]}\`), or move the rules with \`momento-eb deploy --bus ${bus.value}\`.`
          : `Deploy the rules on it with \`momento-eb deploy --bus ${bus.value}\`.`,
    }
  }

  /**
   * The checks first (states in short lines that fit 80 columns), then the verdict, then the long
   * values (endpoints, names, the DLQ URL, outputs), so ARNs never push the checks off the screen.
   */
  private present(r: StackStatusReport): void {
    const {checks, details} = statusLines(r)
    for (const line of checks) this.log(line)
    if (r.problems.length === 0) this.logToStderr('No problems found.')
    for (const p of r.problems) {
      this.logToStderr(`${p.severity === 'error' ? 'Problem' : 'Warning'}: ${p.problem}`)
      this.logToStderr(`  Fix: ${p.fix}`)
    }
    if (details.length > 0) {
      this.log('')
      const columns = process.stdout.isTTY ? process.stdout.columns : undefined
      for (const line of details) for (const part of hangLongValue(line, columns)) this.log(part)
    }
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
