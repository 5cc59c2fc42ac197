import type {Operation} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import type {Target} from '../model.js'
import {busNameOf, eventsStore, requireRule} from './shared.js'

/** Service quotas of PutTargets (docs/reference/aws-facts.md#eb-rule-target). */
const MAX_TARGETS_PER_CALL = 10
const MAX_TARGETS_PER_RULE = 5

const API_DESTINATION_ARN = /^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:api-destination\//
const SQS_ARN = /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/
const LIMIT_MESSAGE = 'The requested resource exceeds the maximum number allowed.'

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Why one target cannot be stored (reported in `FailedEntries`), or `undefined`. */
function entryProblem(target: Target): string | undefined {
  const toApiDestination = API_DESTINATION_ARN.test(target.Arn)
  if (toApiDestination && target.RoleArn === undefined) {
    return `RoleArn is required for target ${target.Id}: API destination targets need a role that allows events:InvokeApiDestination.`
  }
  if (target.HttpParameters !== undefined && !toApiDestination) {
    return `HttpParameters is only supported for API destination targets; target ${target.Id} is ${target.Arn}.`
  }
  const dlq = target.DeadLetterConfig?.Arn
  if (dlq !== undefined && !SQS_ARN.test(dlq)) {
    return `DeadLetterConfig.Arn of target ${target.Id} must be the ARN of an SQS queue.`
  }
  return undefined
}

/**
 * PutTargets: add or replace targets by `Id`. Malformed requests fail as a whole; a target the
 * service cannot use is reported in `FailedEntries` while the others are stored.
 */
export const putTargets: Operation = (input, ctx) => {
  const rule = requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), input['Rule'] as string)
  const targets = input['Targets'] as Target[]
  if (targets.length > MAX_TARGETS_PER_CALL) throw new ServiceError('LimitExceededException', LIMIT_MESSAGE)
  const ids = new Set<string>()
  for (const target of targets) {
    if (ids.has(target.Id)) throw validationError(`Target ids must be unique within a request: ${target.Id} repeats.`)
    ids.add(target.Id)
    const inputs = [target.Input, target.InputPath, target.InputTransformer].filter((v) => v !== undefined)
    if (inputs.length > 1) {
      throw validationError(
        `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`,
      )
    }
    if (target.Input !== undefined && !isJson(target.Input)) {
      throw validationError(`Input for target ${target.Id} must be a valid JSON text.`)
    }
  }

  const failed: {TargetId: string; ErrorCode: string; ErrorMessage: string}[] = []
  const accepted = targets.filter((target) => {
    const problem = entryProblem(target)
    if (problem) failed.push({TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem})
    return !problem
  })
  const total = new Set([...rule.targets.keys(), ...accepted.map((t) => t.Id)]).size
  if (total > MAX_TARGETS_PER_RULE) throw new ServiceError('LimitExceededException', LIMIT_MESSAGE)
  // Store a copy: the stored target must not share objects with the request (or with callers in process).
  for (const target of accepted) rule.targets.set(target.Id, structuredClone(target))
  return {FailedEntryCount: failed.length, FailedEntries: failed}
}
