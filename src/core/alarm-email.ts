/**
 * `deploy --alarm-email`: the address the stack's alarm topic e-mails, or `none` to remove it.
 *
 * SNS does not publish the exact rule it applies to an e-mail endpoint; the template's AllowedPattern
 * and this check accept the usual `local@domain.tld` shape (no spaces, one @, a dot in the domain),
 * so a typo fails here with exit 2 instead of in the middle of a stack update.
 */
import {UsageError} from './errors.js'

/** Most addresses are far shorter; SMTP's path limit is 254 characters (RFC 5321). */
const MAX_LENGTH = 254
const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The AlarmEmail parameter value for a flag value: the address, or '' for `none` / an empty value. */
export function alarmEmailParameter(value: string): string {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return ''
  if (trimmed.length > MAX_LENGTH || !SHAPE.test(trimmed)) {
    throw new UsageError(`--alarm-email ${JSON.stringify(value.slice(0, 80))} is not an e-mail address.`, {
      hints: ['Pass an address such as ops@example.com, or `--alarm-email none` to stop alarm e-mails.'],
    })
  }
  return trimmed
}
