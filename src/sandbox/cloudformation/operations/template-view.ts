/** A template's parameters and capabilities as ValidateTemplate and GetTemplateSummary show them. */
import {isNoEcho, requiredCapability, type Template} from '../template.js'

export function declaredParameters(template: Template) {
  return Object.entries(template.Parameters).map(([key, d]) => ({
    ParameterKey: key,
    ...(d.Default !== undefined
      ? {DefaultValue: Array.isArray(d.Default) ? d.Default.join(',') : String(d.Default)}
      : {}),
    NoEcho: isNoEcho(d),
    ...(d.Description !== undefined ? {Description: String(d.Description)} : {}),
    ParameterType: d.Type,
    ParameterConstraints: d.AllowedValues ? {AllowedValues: d.AllowedValues.map(String)} : {},
  }))
}

export function capabilitiesOf(template: Template) {
  const needed = requiredCapability(template)
  return needed ? {Capabilities: [needed.capability], CapabilitiesReason: needed.reason} : {Capabilities: []}
}
