/** Template reading, intrinsic functions, conditions, parameters and ordering of the sandbox's CloudFormation. */
import {describe, expect, it} from 'vitest'

import {
  checkMappingLookups,
  dependencyOrder,
  evaluate,
  evaluateConditions,
  MappingLookupError,
  NO_VALUE,
  parameterValues,
  pseudoParameters,
  resolveParameters,
  type Scope,
} from '../../src/sandbox/cloudformation/intrinsics.js'
import {
  checkCapabilities,
  parseTemplateBody,
  readTemplate,
  type Template,
} from '../../src/sandbox/cloudformation/template.js'
import {ServiceError} from '../../src/sandbox/protocol/errors.js'

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/abc'

function scopeFor(template: Template, values: Record<string, string> = {}): Scope {
  const parameters = resolveParameters(
    template,
    Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ParameterKey, ParameterValue})),
    undefined,
  )
  const base = {
    template,
    parameters: parameterValues(template, parameters),
    pseudo: pseudoParameters('eu-west-1', '123456789012', 'demo', STACK_ID),
    importValue: (name: string) => (name === 'shared-bus' ? 'bus-from-export' : undefined),
  }
  return {
    ...base,
    conditions: evaluateConditions(template, base),
    ref: (id) => `phys-${id}`,
    getAtt: (id, attribute) => `${id}.${attribute}-value`,
  }
}

function errorOf(work: () => unknown): ServiceError {
  try {
    work()
  } catch (error) {
    if (error instanceof ServiceError) return error
    throw error
  }
  throw new Error('expected a ServiceError')
}

const YAML_TEMPLATE = `
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Zones: {Type: CommaDelimitedList, Default: 'a,b,c'}
  Count: {Type: Number, Default: 3, MinValue: 1, MaxValue: 5}
Mappings:
  Endpoints:
    eu-west-1: {Url: https://eu.example}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition NotProd, !Equals [!Ref Count, 3]]
  Either: !Or [!Condition IsProd, !Equals ['1', '1']]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${AWS::StackName}-\${Env}-q'
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: !Join ['-', [!Ref 'AWS::Region', !Select [1, !Ref Zones]]]
      Description: !Sub
        - 'queue \${Url} in \${AWS::Region}, literal \${!NotAVar}, arn \${Queue.Arn}, ref \${Queue}'
        - Url: !FindInMap [Endpoints, !Ref 'AWS::Region', Url]
      State: !If [IsProd, ENABLED, !Ref 'AWS::NoValue']
      Parts: !Split [',', 'x,y']
      ArnList: [!GetAtt Queue.Arn, !GetAtt [Queue, QueueUrl], !If [IsProd, extra, !Ref 'AWS::NoValue']]
      Encoded: !Base64 hi
      Zones: !GetAZs ''
      Imported: !ImportValue shared-bus
      Flags: {both: !If [Both, yes-both, no-both], either: !If [Either, yes, no]}
    DependsOn: Queue
`

describe('template reading', () => {
  it('expands every short-form tag into its long form', () => {
    const data = parseTemplateBody(
      'a: !Ref X\nb: !GetAtt R.Arn\nc: !GetAtt [R, Arn]\nd: !Sub x\ne: !If [C, 1, 2]\nf: !Condition C\n',
    )
    expect(data).toEqual({
      a: {Ref: 'X'},
      b: {'Fn::GetAtt': ['R', 'Arn']},
      c: {'Fn::GetAtt': ['R', 'Arn']},
      d: {'Fn::Sub': 'x'},
      e: {'Fn::If': ['C', 1, 2]},
      f: {Condition: 'C'},
    })
  })

  it('reads JSON templates too, and reports malformed ones as template format errors', () => {
    expect(readTemplate('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}').Resources['Q']?.Type).toBe(
      'AWS::SQS::Queue',
    )
    expect(errorOf(() => readTemplate('{"Resources": ')).message).toMatch(
      /^Template format error: JSON not well-formed/,
    )
    expect(errorOf(() => readTemplate('Resources: [unclosed')).message).toMatch(
      /^Template format error: YAML not well-formed/,
    )
    expect(errorOf(() => readTemplate('Resources:\n  Q: {Type: X, Properties: {A: !Bogus x}}')).message).toBe(
      'Template format error: Unsupported YAML tag !Bogus',
    )
  })

  it('rejects templates without resources, unknown sections and resources without a Type', () => {
    expect(errorOf(() => readTemplate('Description: x')).message).toBe(
      'Template format error: At least one Resources member must be defined.',
    )
    expect(errorOf(() => readTemplate('Foo: 1\nResources: {Q: {Type: T}}')).message).toBe(
      'Template format error: Invalid template property or properties [Foo]',
    )
    expect(errorOf(() => readTemplate('Resources: {Q: {Properties: {}}}')).message).toMatch(
      /Every Resources object must contain a Type member/,
    )
    expect(errorOf(() => readTemplate('Resources: {Q: {Type: T, DependsOn: Nope}}')).message).toBe(
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    )
  })

  it('asks for CAPABILITY_IAM, or CAPABILITY_NAMED_IAM when a role is named', () => {
    const unnamed = readTemplate('Resources: {R: {Type: AWS::IAM::Role, Properties: {}}}')
    expect(errorOf(() => checkCapabilities(unnamed, [])).message).toBe('Requires capabilities : [CAPABILITY_IAM]')
    expect(() => checkCapabilities(unnamed, ['CAPABILITY_IAM'])).not.toThrow()
    const named = readTemplate('Resources: {R: {Type: AWS::IAM::Role, Properties: {RoleName: x}}}')
    const error = errorOf(() => checkCapabilities(named, ['CAPABILITY_IAM']))
    expect(error.code).toBe('InsufficientCapabilitiesException')
    expect(error.message).toBe('Requires capabilities : [CAPABILITY_NAMED_IAM]')
  })
})

describe('intrinsic functions', () => {
  const template = readTemplate(YAML_TEMPLATE)

  it('resolves Ref, Sub (both forms, pseudo parameters, Res.Attr, ${!Literal}), Join, Select, Split, FindInMap, If, Base64, GetAZs, ImportValue', () => {
    const scope = scopeFor(template)
    const rule = evaluate(template.Resources['Rule']?.Properties, scope)
    expect(rule).toEqual({
      Name: 'eu-west-1-b',
      Description: 'queue https://eu.example in eu-west-1, literal ${NotAVar}, arn Queue.Arn-value, ref phys-Queue',
      Parts: ['x', 'y'],
      ArnList: ['Queue.Arn-value', 'Queue.QueueUrl-value'],
      Encoded: Buffer.from('hi').toString('base64'),
      Zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      Imported: 'bus-from-export',
      Flags: {both: 'yes-both', either: 'yes'},
    })
    expect(evaluate(template.Resources['Queue']?.Properties, scope)).toEqual({QueueName: 'demo-dev-q'})
  })

  it('evaluates conditions from parameters: the Fn::If branch and AWS::NoValue follow them', () => {
    const scope = scopeFor(template, {Env: 'prod'})
    expect([...scope.conditions]).toEqual([
      ['IsProd', true],
      ['NotProd', false],
      ['Both', false],
      ['Either', true],
    ])
    const rule = evaluate(template.Resources['Rule']?.Properties, scope) as Record<string, unknown>
    expect(rule['State']).toBe('ENABLED')
    expect(rule['ArnList']).toEqual(['Queue.Arn-value', 'Queue.QueueUrl-value', 'extra'])
    expect(evaluate({Ref: 'AWS::NoValue'}, scope)).toBe(NO_VALUE)
  })

  it('reports unknown functions, missing mappings and unknown references', () => {
    const scope = scopeFor(template)
    expect(errorOf(() => evaluate({'Fn::Nope': 1}, scope)).message).toBe(
      'Template format error: Unrecognized function Fn::Nope',
    )
    expect(errorOf(() => evaluate({'Fn::FindInMap': ['Endpoints', 'us-east-1', 'Url']}, scope)).message).toBe(
      'Template error: Unable to get mapping for Endpoints::us-east-1::Url',
    )
    expect(errorOf(() => evaluate({Ref: 'Missing'}, scope)).message).toBe(
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    )
  })

  it('resolves every FindInMap up front: a missing key fails even in an untaken If branch or a false-Condition resource', () => {
    const lookups = (region: string, body: string, values: Record<string, string> = {}) => {
      const t = readTemplate(body)
      const parameters = resolveParameters(
        t,
        Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ParameterKey, ParameterValue})),
        undefined,
      )
      const base = {
        template: t,
        parameters: parameterValues(t, parameters),
        pseudo: pseudoParameters(region, '123456789012', 'demo', STACK_ID),
        importValue: () => undefined,
      }
      return () => checkMappingLookups(t, base)
    }
    const untaken = `
Parameters: {Endpoint: {Type: String, Default: ''}}
Mappings: {M: {us-east-1: {Url: u}}}
Conditions: {Has: !Not [!Equals [!Ref Endpoint, '']]}
Resources:
  Q: {Type: T, Properties: {X: !If [Has, !Ref Endpoint, !FindInMap [M, !Ref 'AWS::Region', Url]]}}
`
    expect(lookups('us-east-1', untaken, {Endpoint: 'e'})).not.toThrow()
    const error = errorOf(lookups('af-south-1', untaken, {Endpoint: 'e'}))
    expect(error).toBeInstanceOf(MappingLookupError)
    expect(error).toMatchObject({
      code: 'ValidationError',
      message: 'Template error: Unable to get mapping for M::af-south-1::Url',
    })
    // In a resource whose Condition is false, in an output, and in a condition (keys from parameters).
    const elsewhere = `
Parameters: {Key: {Type: String, Default: a}}
Mappings: {M: {a: {V: x}}}
Conditions:
  Never: !Equals [x, y]
  FromMap: !Equals [!FindInMap [M, !Ref Key, V], x]
Resources:
  Off: {Type: T, Condition: Never, Properties: {X: !FindInMap [M, b, V]}}
  On: {Type: T}
Outputs:
  O: {Value: !FindInMap [M, !Ref Key, V]}
`
    expect(errorOf(lookups('us-east-1', elsewhere)).message).toBe('Template error: Unable to get mapping for M::b::V')
    expect(errorOf(lookups('us-east-1', elsewhere.replace('[M, b, V]', '[M, a, V]'), {Key: 'z'})).message).toBe(
      'Template error: Unable to get mapping for M::z::V',
    )
    // A key that depends on a resource can't be known up front: left to the plan.
    const dynamic = `
Mappings: {M: {a: {V: x}}}
Resources:
  R: {Type: T}
  Q: {Type: T, Properties: {X: !FindInMap [M, !Ref R, V]}}
`
    expect(lookups('us-east-1', dynamic)).not.toThrow()
  })

  it('orders resources by DependsOn and implicit references, and rejects cycles', () => {
    const ordered = readTemplate(`
Resources:
  C: {Type: T, Properties: {X: !Sub '\${B.Arn}'}}
  B: {Type: T, Properties: {X: !GetAtt A.Arn}}
  A: {Type: T, DependsOn: D}
  D: {Type: T}
`)
    const {order, dependencies} = dependencyOrder(ordered, new Map())
    expect(order).toEqual(['D', 'A', 'B', 'C'])
    expect([...(dependencies.get('C') ?? [])]).toEqual(['B'])
    const cyclic = readTemplate(
      'Resources:\n  A: {Type: T, Properties: {X: !Ref B}}\n  B: {Type: T, Properties: {X: !Ref A}}\n',
    )
    expect(errorOf(() => dependencyOrder(cyclic, new Map())).message).toBe(
      'Template format error: Circular dependency between resources: [A, B]',
    )
  })
})

describe('parameters', () => {
  const template = readTemplate(`
Parameters:
  Token: {Type: String, NoEcho: true, MinLength: 4}
  Name: {Type: String, AllowedPattern: '[a-z]+', MaxLength: 8, Default: abc}
  Size: {Type: Number, Default: 2, MaxValue: 9}
  Mode: {Type: String, AllowedValues: [a, b], Default: a, ConstraintDescription: must be a or b}
Resources: {Q: {Type: AWS::SQS::Queue}}
`)
  const resolve = (values: Record<string, string>, previous?: {key: string; value: string; noEcho: boolean}[]) =>
    resolveParameters(
      template,
      Object.entries(values).map(([ParameterKey, ParameterValue]) =>
        ParameterValue === '<previous>' ? {ParameterKey, UsePreviousValue: true} : {ParameterKey, ParameterValue},
      ),
      previous,
    )

  it('uses defaults, marks NoEcho and lists every missing parameter', () => {
    expect(resolve({Token: 'abcd'})).toEqual([
      {key: 'Token', value: 'abcd', noEcho: true},
      {key: 'Name', value: 'abc', noEcho: false},
      {key: 'Size', value: '2', noEcho: false},
      {key: 'Mode', value: 'a', noEcho: false},
    ])
    expect(errorOf(() => resolve({})).message).toBe('Parameters: [Token] must have values')
    expect(errorOf(() => resolve({Token: 'abcd', Extra: 'x'})).message).toBe(
      'Parameters: [Extra] do not exist in the template',
    )
  })

  it('checks length, pattern, number range and allowed values', () => {
    expect(errorOf(() => resolve({Token: 'abc'})).message).toBe("Parameter 'Token' must contain at least 4 characters")
    expect(errorOf(() => resolve({Token: 'abcd', Name: 'ABC'})).message).toBe(
      "Parameter 'Name' must match pattern [a-z]+",
    )
    expect(errorOf(() => resolve({Token: 'abcd', Name: 'abcdefghi'})).message).toBe(
      "Parameter 'Name' must contain at most 8 characters",
    )
    expect(errorOf(() => resolve({Token: 'abcd', Size: 'x'})).message).toBe("Parameter 'Size' must be a number")
    expect(errorOf(() => resolve({Token: 'abcd', Size: '10'})).message).toBe(
      "Parameter 'Size' must be a number not greater than 9",
    )
    expect(errorOf(() => resolve({Token: 'abcd', Mode: 'c'})).message).toBe(
      "Parameter 'Mode' failed to satisfy constraint: must be a or b",
    )
  })

  it('takes UsePreviousValue only when there is a previous value', () => {
    const previous = [{key: 'Token', value: 'secret-1', noEcho: true}]
    expect(resolve({Token: '<previous>'}, previous)[0]).toEqual({key: 'Token', value: 'secret-1', noEcho: true})
    expect(errorOf(() => resolve({Token: '<previous>'})).message).toMatch(
      /Cannot specify usePreviousValue as true for non-existent stack/,
    )
    expect(errorOf(() => resolve({Token: 'abcd', Name: '<previous>'}, previous)).message).toMatch(
      /not in the previous template/,
    )
  })
})
