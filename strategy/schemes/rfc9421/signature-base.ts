import { serializeInnerList, type BareItem, type Item, type Parameters } from "structured-headers";
import { AuthError } from "../../errors.js";
import { componentValues, serializeComponentId, type ComponentId } from "./components.js";
import type { HttpMessage } from "./message.js";

/** The signature parameters of §2.3 a signer sets; written in this order when present. */
export interface SignatureParams {
  readonly created?: number | undefined;
  readonly expires?: number | undefined;
  readonly nonce?: string | undefined;
  readonly alg?: string | undefined;
  readonly keyid?: string | undefined;
  readonly tag?: string | undefined;
}

const paramOrder = ["created", "expires", "nonce", "alg", "keyid", "tag"] as const;

/** The parameters as a structured-field parameter map, in the order above. */
export function signatureParameters(params: SignatureParams): Parameters {
  const map: Parameters = new Map<string, BareItem>();
  for (const name of paramOrder) {
    const value = params[name];
    if (value !== undefined) map.set(name, value);
  }
  return map;
}

/** A component list with its parameters as the inner list Signature-Input holds (§4.1). */
export function signatureInnerList(components: readonly ComponentId[], params: Parameters): [Item[], Parameters] {
  return [components.map((c): Item => [c.name, c.params]), params];
}

/** The `@signature-params` value (§2.3): the serialised inner list, exactly as the signature base ends. */
export function signatureParamsValue(components: readonly ComponentId[], params: Parameters): string {
  return serializeInnerList(signatureInnerList(components, params));
}

/**
 * The signature base (§2.5): one `"<component id>": <value>` line per covered component, in
 * order, then the `"@signature-params"` line, joined by "\n" with no trailing newline. Throws
 * `component_unknown` / `component_missing` (components.ts), and `signature_input_malformed`
 * for a component listed twice or a value with a newline (it would forge a line).
 */
export function signatureBase(message: HttpMessage, components: readonly ComponentId[], params: Parameters): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const component of components) {
    const id = serializeComponentId(component);
    if (seen.has(id)) throw new AuthError("signature_input_malformed", `RFC 9421 component ${id} is listed twice`);
    seen.add(id);
    for (const value of componentValues(message, component)) {
      if (/[\r\n]/.test(value)) throw new AuthError("signature_input_malformed", `RFC 9421 component ${id} has a line break in its value`);
      lines.push(`${id}: ${value}`);
    }
  }
  lines.push(`"@signature-params": ${signatureParamsValue(components, params)}`);
  return lines.join("\n");
}
